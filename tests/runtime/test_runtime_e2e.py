"""End-to-end runtime cases through the real kernel and jupyter_client: what a notebook user sees of
the runtime (persistence, rich results, display messages, errors, streaming, interrupts).

Run with Debian's interpreter: /usr/bin/python3 -m pytest tests/runtime
"""

import time

from kernel_helpers import TIMEOUT, collect_iopub, execute, shell_reply, stream_text


def results(msgs):
    return [m["content"]["data"] for m in msgs if m["msg_type"] == "execute_result"]


def ok(kc, code, **kwargs):
    reply, msgs = execute(kc, code, **kwargs)
    assert reply["content"]["status"] == "ok", (code, reply["content"])
    return msgs


def test_persistence_and_redefinition(shared_kernel):
    _, kc = shared_kernel
    ok(kc, "func area(r float64) float64 { return math.Pi * r * r }\nradius := 2.0")
    assert results(ok(kc, "fmt.Sprintf(\"%.2f\", area(radius))"))[0]["text/plain"] == "12.57"
    ok(kc, "func area(w, h int) int { return w * h }\nradius := \"now text\"")
    assert results(ok(kc, "area(3, 4)"))[0]["text/plain"] == "12"
    assert results(ok(kc, "radius"))[0]["text/plain"] == "now text"
    assert results(ok(kc, "import \"strings\"\nimport \"strings\"\nstrings.ToUpper(radius)"))[0]["text/plain"] == "NOW TEXT"


def test_rich_result_of_a_cell_defined_type(shared_kernel):
    _, kc = shared_kernel
    code = ('type Swatch struct{ Color string }\n'
            'func (s Swatch) HTML() string { return "<div style=\\"background:" + s.Color + "\\">" + s.Color + "</div>" }\n'
            'func (s Swatch) String() string { return "swatch " + s.Color }\n'
            'Swatch{"teal"}')
    data = results(ok(kc, code))
    assert len(data) == 1, data
    assert data[0]["text/plain"] == "swatch teal"
    assert data[0]["text/html"] == '<div style="background:teal">teal</div>'
    # A trailing Println and a statement-only cell show no execute_result.
    assert results(ok(kc, 'fmt.Println("x")')) == []
    assert results(ok(kc, "n := 3")) == []


def test_display_update_and_clear(shared_kernel):
    _, kc = shared_kernel
    code = ('fmt.Println("before")\n'
            'h := display.NewHandle()\n'
            'h.Show(display.MIME("text/html", "<b>0%</b>"))\n'
            'for i := range 3 { h.Update(display.MIME("text/html", fmt.Sprintf("<b>%d%%</b>", (i+1)*33))) }\n'
            'display.Clear(true)\n'
            'display.Markdown("# done")\n'
            'fmt.Println("after")')
    msgs = ok(kc, code)
    kinds = [m["msg_type"] for m in msgs if m["msg_type"] not in ("status", "execute_input")]
    assert kinds == ["stream", "display_data", "update_display_data", "update_display_data",
                     "update_display_data", "clear_output", "display_data", "stream"], kinds
    shown = [m for m in msgs if m["msg_type"] == "display_data"][0]
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    display_id = shown["content"]["transient"]["display_id"]
    assert display_id and all(u["content"]["transient"]["display_id"] == display_id for u in updates)
    assert updates[-1]["content"]["data"]["text/html"] == "<b>99%</b>"
    assert [m for m in msgs if m["msg_type"] == "clear_output"][0]["content"]["wait"] is True


def test_compile_error_points_at_the_cell_line(shared_kernel):
    _, kc = shared_kernel
    reply, msgs = execute(kc, "a := 1\nb := a + missingName\n")
    content = reply["content"]
    assert content["status"] == "error"
    assert content["evalue"] == "cell line 2, column 10: undefined: missingName", content
    assert isinstance(content["traceback"], list) and "    b := a + missingName" in content["traceback"]
    # Nothing half-made: b does not exist, a does not either (the cell compiled nothing).
    reply, _ = execute(kc, "b")
    assert reply["content"]["status"] == "error"


def test_yaegi_gaps_covered_by_the_pre_pass(shared_kernel):
    _, kc = shared_kernel
    # An index of a compiled call's result at the top level, and its bare form as the result.
    msgs = ok(kc, 'x := tensor.New(2.0, tensor.RequiresGrad())\n'
                  'd1 := autograd.Grad([]*tensor.Tensor{x.Pow(3)}, []*tensor.Tensor{x}, tensor.CreateGraph())[0]\n'
                  'fmt.Println(d1.Item())\n'
                  'strings.Fields("a b")[1]')
    assert stream_text(msgs) == "12\n" and results(msgs)[0]["text/plain"] == "b"
    # A nil interface as the result: <nil>, nothing on stderr.
    msgs = ok(kc, "var e error\ne")
    assert results(msgs)[0]["text/plain"] == "<nil>" and stream_text(msgs, "stderr") == ""
    # min of a compiled named type as the result.
    assert results(ok(kc, "min(time.Minute, 2*time.Second)"))[0]["text/plain"] == "2s"
    # An unknown import names the package at its position and what can be imported.
    reply, msgs = execute(kc, 'import "github.com/foo/bar"')
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "CompileError", content
    assert content["evalue"].startswith('cell line 1, column 8: cannot import "github.com/foo/bar"'), content
    assert "gotensor/tensor" in content["evalue"] and "GOPATH" not in content["evalue"], content
    # A construct yaegi's compiler panics on: a compile error at the line, no panic text.
    reply, msgs = execute(kc, "d := time.Second\nfor i := time.Duration(0); i < 2; i = max(i+1, d) {}")
    content = reply["content"]
    assert content["status"] == "error" and content["ename"] == "CompileError", content
    assert content["evalue"].startswith("cell line 2, column 39: the interpreter"), content
    assert not any("panic" in line for line in content["traceback"]), content["traceback"]
    assert stream_text(msgs, "stderr") == ""


def test_panic_reports_value_and_line(shared_kernel):
    _, kc = shared_kernel
    reply, _ = execute(kc, "xs := []int{1, 2}\nfmt.Println(xs[0])\nxs[7]")
    content = reply["content"]
    assert content["status"] == "error"
    assert content["ename"] == "panic" and "index out of range" in content["evalue"], content
    assert "cell line 3" in content["traceback"], content["traceback"]


def test_goroutine_panic_is_reported_and_kernel_lives(shared_kernel):
    _, kc = shared_kernel
    msgs = ok(kc, 'go func() { panic("worker failed") }()\ntime.Sleep(100 * time.Millisecond)\nfmt.Println("alive")')
    assert "panic in goroutine: worker failed" in stream_text(msgs, "stderr")
    assert stream_text(msgs) == "alive\n"
    assert results(ok(kc, "1 + 1"))[0]["text/plain"] == "2"


def test_output_streams_while_the_cell_runs(shared_kernel):
    _, kc = shared_kernel
    msg_id = kc.execute('fmt.Println("first")\ntime.Sleep(time.Second)\nfmt.Println("second")')
    started = first = None
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_input":
            started = time.monotonic()
        if msg["msg_type"] == "stream":
            first = time.monotonic()
            assert msg["content"]["text"] == "first\n"
            break
    reply = shell_reply(kc, msg_id)
    done = time.monotonic()
    collect_iopub(kc, msg_id)
    assert reply["content"]["status"] == "ok"
    print(f"first stream message {1000 * (first - started):.1f} ms after execute_input")
    assert first - started < 0.2, first - started
    assert done - first > 0.7, "the first line did not arrive before the cell finished"


def test_compiled_code_output_is_captured(shared_kernel):
    _, kc = shared_kernel
    msgs = ok(kc, 'import "os"\nos.Stdout.WriteString("raw fd write\\n")\nfmt.Println(tensor.Ones(2))')
    assert stream_text(msgs) == "raw fd write\ntensor([1., 1.])\n"


def test_interrupt_sleep_and_channel_keep_state(kernel):
    km, kc = kernel
    ok(kc, "kept := 41")
    for code in ["time.Sleep(time.Hour)", "<-make(chan int)", "for { _ = tensor.Ones(4).Sum() }"]:
        msg_id = kc.execute(code)
        time.sleep(0.3)
        t0 = time.monotonic()
        km.interrupt_kernel()
        reply = shell_reply(kc, msg_id, timeout=10)
        took = time.monotonic() - t0
        collect_iopub(kc, msg_id)
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "Interrupted", reply["content"]
        print(f"{code!r}: reply {1000 * took:.1f} ms after interrupt_kernel()")
        assert took < 1, took
        assert results(ok(kc, "kept + 1"))[0]["text/plain"] == "42"


def test_complete_and_inspect_cell_names(shared_kernel):
    _, kc = shared_kernel
    ok(kc, "// Celsius converts a Fahrenheit reading.\nfunc Celsius(f float64) float64 { return (f - 32) * 5 / 9 }\nreading := tensor.New(1.0)")
    comp = shell_reply(kc, kc.complete("Cels", 4))["content"]
    assert "Celsius" in comp["matches"] and comp["cursor_start"] == 0 and comp["cursor_end"] == 4
    comp = shell_reply(kc, kc.complete("reading.Ba", 10))["content"]
    assert "Backward" in comp["matches"] and comp["cursor_start"] == 8
    insp = shell_reply(kc, kc.inspect("Celsius", 7))["content"]
    assert insp["found"] and "Celsius converts a Fahrenheit reading." in insp["data"]["text/plain"]
