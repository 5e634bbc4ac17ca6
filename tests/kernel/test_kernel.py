"""gotensor driven by Debian's jupyter_client through its installed kernelspec.

Covers issue 2, done-means 9: kernel_info on shell and control, stdout/stderr, error,
execute_result, complete, is_complete, history, interrupt of `for {}` with state kept,
shutdown and restart, stdin, a forged message ignored.
"""

import json
import os
import subprocess
import time

import pytest
from jupyter_client.session import Session

from kernel_helpers import (TIMEOUT, collect_iopub, control_reply, execute, shell_reply, start, stop,
                      stream_text)


def test_kernelspec_is_installed(jupyter_path):
    out = subprocess.run(["jupyter", "kernelspec", "list", "--json"], check=True,
                         capture_output=True, text=True, env=os.environ).stdout
    specs = json.loads(out)["kernelspecs"]
    assert "gotensor" in specs, specs.keys()
    spec = specs["gotensor"]
    kj = spec["spec"]
    assert os.path.isabs(kj["argv"][0]) and kj["argv"][1:] == ["kernel", "{connection_file}"]
    assert kj["display_name"] == "Go (gotensor)"
    assert kj["language"] == "go"
    assert kj["interrupt_mode"] == "message"
    for logo in ("logo-32x32.png", "logo-64x64.png"):
        with open(os.path.join(spec["resource_dir"], logo), "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def check_kernel_info(content):
    assert content["status"] == "ok"
    assert content["protocol_version"] == "5.4"
    assert content["implementation"] == "gotensor"
    li = content["language_info"]
    assert li["name"] == "go"
    assert li["mimetype"] == "text/x-go"
    assert li["file_extension"] == ".go"
    assert li["pygments_lexer"] == "go"
    assert li["codemirror_mode"] == "go"
    assert li["version"][0].isdigit()
    assert content["banner"]
    assert content["help_links"]


def test_kernel_info_on_shell_and_control(shared_kernel):
    _, kc = shared_kernel
    reply = kc.kernel_info(reply=True, timeout=TIMEOUT)
    check_kernel_info(reply["content"])
    msg = kc.session.msg("kernel_info_request")
    kc.control_channel.send(msg)
    reply = control_reply(kc, msg["header"]["msg_id"])
    assert reply["msg_type"] == "kernel_info_reply"
    check_kernel_info(reply["content"])


def test_stdout_and_stderr(shared_kernel):
    _, kc = shared_kernel
    reply, msgs = execute(kc, 'import "os"\nfmt.Println("hello")\nfmt.Fprintln(os.Stderr, "oops")')
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stream_text(msgs, "stdout") == "hello\n"
    assert stream_text(msgs, "stderr") == "oops\n"
    types = [m["msg_type"] for m in msgs]
    assert types[0] == "status" and types[1] == "execute_input" and types[-1] == "status"
    assert msgs[1]["content"]["execution_count"] == reply["content"]["execution_count"]


@pytest.mark.parametrize("code,ename_part", [
    ('var bad int = "s"', ""),
    ('panic("boom")', ""),
])
def test_error(shared_kernel, code, ename_part):
    _, kc = shared_kernel
    reply, msgs = execute(kc, code)
    c = reply["content"]
    assert c["status"] == "error", c
    errs = [m for m in msgs if m["msg_type"] == "error"]
    assert len(errs) == 1
    e = errs[0]["content"]
    assert e["ename"] and isinstance(e["evalue"], str)
    assert isinstance(e["traceback"], list) and all(isinstance(t, str) for t in e["traceback"])
    assert e["ename"] == c["ename"]
    if code.startswith("panic"):
        assert "boom" in e["evalue"] + "".join(e["traceback"])


def test_execute_result(shared_kernel):
    _, kc = shared_kernel
    reply, msgs = execute(kc, "x := 40\nx + 2")
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert len(results) == 1
    assert results[0]["content"]["data"]["text/plain"] == "42"
    assert results[0]["content"]["execution_count"] == reply["content"]["execution_count"]


@pytest.mark.parametrize("code,msg_type,mime,why", [
    ("type infJSON struct{}\nfunc (infJSON) JSON() any { return math.Inf(1) }\ninfJSON{}",
     "execute_result", "application/json", "+Inf"),
    ("type funcBundle struct{}\nfunc (funcBundle) MIMEBundle() map[string]any {\n"
     "\treturn map[string]any{\"text/plain\": \"fb\", \"application/x-f\": func() {}}\n}\nfuncBundle{}",
     "execute_result", "application/x-f", "func()"),
    ("type infShown struct{}\nfunc (infShown) JSON() any { return math.Inf(-1) }\ndisplay.Show(infShown{})",
     "display_data", "application/json", "-Inf"),
], ids=["json-inf", "bundle-func", "display-inf"])
def test_unencodable_bundle_entry_is_dropped_not_the_output(shared_kernel, code, msg_type, mime, why):
    """A cell value whose JSON() or MIMEBundle() JSON cannot encode still shows its text/plain, and a
    stderr line names the MIME type left out and why."""
    _, kc = shared_kernel
    reply, msgs = execute(kc, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    types = [m["msg_type"] for m in msgs]
    assert types == ["status", "execute_input", msg_type, "stream", "status"], types
    data = msgs[2]["content"]["data"]
    assert "text/plain" in data and mime not in data, data
    stream = msgs[3]["content"]
    assert stream["name"] == "stderr" and mime in stream["text"] and why in stream["text"], stream


def test_silent_and_store_history(shared_kernel):
    _, kc = shared_kernel
    first, _ = execute(kc, "1")
    silent, msgs = execute(kc, 'fmt.Println("quiet")\n2', silent=True)
    assert silent["content"]["status"] == "ok"
    assert [m["msg_type"] for m in msgs] == ["status", "status"], [m["msg_type"] for m in msgs]
    unstored, _ = execute(kc, "3", store_history=False)
    after, _ = execute(kc, "4")
    n = first["content"]["execution_count"]
    assert silent["content"]["execution_count"] == n
    assert unstored["content"]["execution_count"] == n
    assert after["content"]["execution_count"] == n + 1


def test_complete(shared_kernel):
    _, kc = shared_kernel
    code = "fmt.Prin"
    reply = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
    assert reply["status"] == "ok"
    assert any("Println" in m for m in reply["matches"]), reply
    start, end = reply["cursor_start"], reply["cursor_end"]
    assert 0 <= start <= end == len(code)
    assert all(code[start:] in m or m.startswith(code[start:end]) for m in reply["matches"]), reply


@pytest.mark.parametrize("code,status", [
    ("x := 1", "complete"),
    ("func f() {", "incomplete"),
    ("for i := 0; i < 3; i++ {\n\tfmt.Println(i)", "incomplete"),
    ("x := )", "invalid"),
])
def test_is_complete(shared_kernel, code, status):
    _, kc = shared_kernel
    reply = shell_reply(kc, kc.is_complete(code))["content"]
    assert reply["status"] == status, (code, reply)
    if status == "incomplete":
        assert "indent" in reply


def test_history(kernel):
    _, kc = kernel
    cells = ["a := 6", "a * 7", 'fmt.Println("side")']
    for c in cells:
        reply, _ = execute(kc, c)
        assert reply["content"]["status"] == "ok"
    tail = kc.history(hist_access_type="tail", n=3, output=False, raw=True, reply=True, timeout=TIMEOUT)["content"]
    assert tail["status"] == "ok"
    assert [h[2] for h in tail["history"]] == cells
    withOut = kc.history(hist_access_type="tail", n=3, output=True, raw=True, reply=True, timeout=TIMEOUT)["content"]
    assert withOut["history"][1][2] == ["a * 7", "42"]
    assert withOut["history"][0][2] == ["a := 6", None]
    rng = kc.history(hist_access_type="range", session=0, start=2, stop=3, output=False, raw=True,
                     reply=True, timeout=TIMEOUT)["content"]
    assert [h[1:] for h in rng["history"]] == [[2, "a * 7"]]
    search = kc.history(hist_access_type="search", pattern="a *", output=False, raw=True, reply=True,
                       timeout=TIMEOUT)["content"]
    assert [h[2] for h in search["history"]] == ["a := 6", "a * 7"]


def test_interrupt_keeps_state(kernel):
    km, kc = kernel
    reply, _ = execute(kc, "kept := 41")
    assert reply["content"]["status"] == "ok"
    msg_id = kc.execute("for {}")
    busy = kc.get_iopub_msg(timeout=TIMEOUT)
    while not (busy["msg_type"] == "execute_input" and busy["parent_header"]["msg_id"] == msg_id):
        busy = kc.get_iopub_msg(timeout=TIMEOUT)
    time.sleep(0.2)
    # While the loop runs, control and shell still answer.
    msg = kc.session.msg("kernel_info_request")
    kc.control_channel.send(msg)
    assert control_reply(kc, msg["header"]["msg_id"], timeout=5)["content"]["status"] == "ok"
    comp = shell_reply(kc, kc.complete("fmt.Prin", 8), timeout=5)["content"]
    assert comp["status"] == "ok" and comp["matches"], comp
    assert shell_reply(kc, kc.is_complete("x := 1"), timeout=5)["content"]["status"] == "complete"
    t0 = time.monotonic()
    km.interrupt_kernel()  # interrupt_mode "message": an interrupt_request on control
    reply = shell_reply(kc, msg_id, timeout=10)
    took = time.monotonic() - t0
    assert reply["content"]["status"] == "error", reply["content"]
    assert took < 5, took
    collect_iopub(kc, msg_id)
    reply, msgs = execute(kc, "kept + 1")
    assert reply["content"]["status"] == "ok", reply["content"]
    assert [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"] == ["42"]


def test_interrupt_request_reply(kernel):
    _, kc = kernel
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)
    assert control_reply(kc, msg["header"]["msg_id"])["content"]["status"] == "ok"


def test_sigint_is_an_interrupt_not_a_crash(kernel):
    km, kc = kernel
    msg_id = kc.execute("for {}")
    time.sleep(0.3)
    km.signal_kernel(2)
    reply = shell_reply(kc, msg_id, timeout=10)
    assert reply["content"]["status"] == "error"
    assert km.is_alive()
    reply, _ = execute(kc, "1")
    assert reply["content"]["status"] == "ok"


def test_restart_then_shutdown(jupyter_path):
    km, kc = start()
    try:
        reply, _ = execute(kc, "before := 1")
        assert reply["content"]["status"] == "ok"
        old_pid = km.provisioner.pid
        km.restart_kernel(now=False)  # shutdown_request(restart=True), then a new process
        kc.wait_for_ready(timeout=TIMEOUT)
        assert km.provisioner.pid != old_pid
        reply, _ = execute(kc, "before")
        assert reply["content"]["status"] == "error", "a restarted kernel must not keep variables"
        # A clean shutdown: the reply arrives and the process exits by itself with status 0.
        msg = kc.session.msg("shutdown_request", {"restart": False})
        kc.control_channel.send(msg)
        assert control_reply(kc, msg["header"]["msg_id"])["content"] == {"status": "ok", "restart": False}
        proc = km.provisioner.process
        assert proc.wait(timeout=5) == 0
    finally:
        stop(km, kc)


def test_stdin(kernel):
    _, kc = kernel
    code = 'var name string\nfmt.Scanln(&name)\nfmt.Println("hello,", name)'
    msg_id = kc.execute(code, allow_stdin=True)
    req = kc.get_stdin_msg(timeout=TIMEOUT)
    assert req["msg_type"] == "input_request"
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("gopher")
    reply = shell_reply(kc, msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert stream_text(collect_iopub(kc, msg_id)) == "hello, gopher\n"
    # Without allow_stdin the cell gets an error (Scanln returns it), not a hang.
    code = 'var name2 string\n_, err := fmt.Scanln(&name2)\nfmt.Println("err:", err)'
    reply, msgs = execute(kc, code, allow_stdin=False, timeout=10)
    assert reply["content"]["status"] == "ok", reply["content"]
    out = stream_text(msgs)
    assert out.startswith("err: ") and "stdin" in out, out


def test_forged_message_is_ignored(kernel):
    _, kc = kernel
    forger = Session(key=b"not-the-key", username="mallory")
    msg = forger.msg("execute_request", {"code": "forged := 1", "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
    forger.send(kc.shell_channel.socket, msg)
    # unsigned too
    unsigned = Session(key=b"", username="mallory")
    unsigned.send(kc.shell_channel.socket, unsigned.msg("execute_request", dict(msg["content"])))
    time.sleep(0.3)
    reply, _ = execute(kc, "forged")
    assert reply["content"]["status"] == "error", "a forged execute_request was run"
    assert kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]["status"] == "ok"


def test_ipc_transport(jupyter_path):
    km, kc = start(transport="ipc")
    try:
        reply, msgs = execute(kc, 'fmt.Println("over ipc")')
        assert reply["content"]["status"] == "ok"
        assert stream_text(msgs) == "over ipc\n"
    finally:
        stop(km, kc)


def test_ten_thousand_lines_in_order(shared_kernel):
    _, kc = shared_kernel
    reply, msgs = execute(kc, 'for i := 0; i < 10000; i++ {\n\tfmt.Println("line", i)\n}')
    assert reply["content"]["status"] == "ok"
    want = "".join(f"line {i}\n" for i in range(10000))
    assert stream_text(msgs) == want
    assert sum(1 for m in msgs if m["msg_type"] == "stream") <= 20


@pytest.mark.parametrize("msg_type,content", [
    ("complete_request", {"code": "fmt.Prin", "cursor_pos": 999}),
    ("complete_request", {"code": "fmt.Prin", "cursor_pos": -5}),
    ("complete_request", {"code": "héllo wörld", "cursor_pos": 3}),
    ("inspect_request", {"code": "fmt.Println", "cursor_pos": 10**9, "detail_level": 1}),
    ("is_complete_request", {"code": "\x00\xff{{{((("}),
    ("history_request", {"hist_access_type": "nonsense"}),
    ("history_request", {"hist_access_type": "search", "pattern": "[", "n": -1}),
    ("complete_request", {"code": 42}),
])
def test_odd_requests_get_replies(shared_kernel, msg_type, content):
    _, kc = shared_kernel
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    reply = shell_reply(kc, msg["header"]["msg_id"], timeout=10)
    assert reply["msg_type"] == msg_type.replace("_request", "_reply")
    ok = ("ok", "error") if msg_type != "is_complete_request" else ("complete", "incomplete", "invalid", "unknown")
    assert reply["content"]["status"] in ok, reply["content"]
    assert kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]["status"] == "ok"


def test_user_expressions(shared_kernel):
    _, kc = shared_kernel
    reply, _ = execute(kc, "ue := 2", user_expressions={"answer": "ue * 21", "broken": "nope +"})
    ue = reply["content"]["user_expressions"]
    assert ue["answer"]["status"] == "ok" and ue["answer"]["data"]["text/plain"] == "42", ue
    assert ue["broken"]["status"] == "error" and ue["broken"]["ename"], ue


def test_heartbeat(shared_kernel):
    _, kc = shared_kernel
    kc.hb_channel.unpause()
    time.sleep(kc.hb_channel.time_to_dead * 2.5)
    assert kc.hb_channel.is_alive() and kc.hb_channel.is_beating()
