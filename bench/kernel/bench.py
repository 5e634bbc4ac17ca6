#!/usr/bin/python3
"""Compare gotensor with Debian's ipykernel, both driven by jupyter_client in the same run.

    /usr/bin/python3 bench/kernel/bench.py [--cells 200] [--starts 5] [--gotensor PATH]

Prints a Markdown table (issue 2, done-means 11):
  start → kernel_info reply        spawn of the kernel process to the first kernel_info_reply
                                   (a client whose first connect comes before the kernel has bound
                                   its sockets retries only after libzmq's 100 ms reconnect interval,
                                   so this is bimodal; the fastest and slowest starts are shown too)
  trivial cell (median, p95)       execute_request sent → status idle received, over --cells cells;
                                   also the request's header date → the idle message's header date,
                                   which leaves out the client's time to receive and decode replies,
                                   and the same cell from a minimal pyzmq client (no jupyter_client
                                   decoding): the kernel's own cost
  10,000 printed lines             request → idle, number of stream messages, bytes checked in order
  interrupt of an endless loop     interrupt sent (the kernelspec's interrupt_mode) → execute_reply,
                                   then a cell checks that an earlier variable survived

gotensor runs through a kernelspec installed into a temporary prefix (built with `go build`
unless --gotensor is given); ipykernel through Debian's python3 kernelspec. Both clients use
jupyter_client's defaults. The machine is shared: quote medians and rerun when it matters.
"""

import argparse
import datetime
import hashlib
import hmac
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import zmq
from jupyter_client.manager import KernelManager

REPO = pathlib.Path(__file__).resolve().parents[2]

KERNELS = {
    "gotensor": {
        "trivial": "_ = 1",
        "lines": 'for i := 0; i < 10000; i++ {\n\tfmt.Println("line", i)\n}',
        "define": "kept := 41",
        "loop": "for {\n}",
        "check": "kept + 1",
    },
    "python3": {
        "trivial": "pass",
        "lines": 'for i in range(10000):\n    print("line", i)',
        "define": "kept = 41",
        "loop": "while True:\n    pass",
        "check": "kept + 1",
    },
}
LINES = "".join(f"line {i}\n" for i in range(10000))
LINE_RUNS = 5
INTERRUPTS = 5


def wait_reply(get, msg_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        m = get(timeout=max(0.001, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def stamp(d):
    """A header date as datetime (jupyter_client parses some, not all)."""
    if isinstance(d, str):
        return datetime.datetime.fromisoformat(d.replace("Z", "+00:00"))
    return d


def run_cell(kc, code, timeout=60):
    """Send a cell; return (seconds until idle, iopub messages, reply)."""
    t0 = time.perf_counter()
    msg_id = kc.execute(code)
    msgs = []
    deadline = time.monotonic() + timeout
    while True:
        m = kc.get_iopub_msg(timeout=max(0.001, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            took = time.perf_counter() - t0
            break
    reply = wait_reply(kc.get_shell_msg, msg_id, timeout)
    return took, msgs, reply


def raw_trivial(km, code, cells):
    """The trivial cell again from a minimal pyzmq client that only signs, sends and scans bytes:
    what the kernel itself costs, without jupyter_client's per-message decoding."""
    info = km.get_connection_info()
    key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
    ctx = zmq.Context.instance()
    shell = ctx.socket(zmq.DEALER)
    shell.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    iopub = ctx.socket(zmq.SUB)
    iopub.setsockopt(zmq.SUBSCRIBE, b"")
    iopub.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")

    def send(msg_type, content):
        msg_id = uuid.uuid4().hex
        h = json.dumps({"msg_id": msg_id, "session": "raw", "username": "bench", "msg_type": msg_type,
                        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"}).encode()
        c = json.dumps(content).encode()
        mac = hmac.new(key, digestmod=hashlib.sha256)
        for part in (h, b"{}", b"{}", c):
            mac.update(part)
        shell.send_multipart([b"<IDS|MSG>", mac.hexdigest().encode(), h, b"{}", b"{}", c])
        return msg_id.encode()

    def until_idle(msg_id):
        while True:
            frames = iopub.recv_multipart()
            i = frames.index(b"<IDS|MSG>")
            if msg_id in frames[i + 3] and b'"idle"' in frames[i + 5]:
                return

    deadline = time.monotonic() + 30
    while not iopub.poll(100):  # until the subscription is in place
        send("kernel_info_request", {})
        if time.monotonic() > deadline:
            raise TimeoutError("raw client got no iopub message")
    time.sleep(0.2)
    while iopub.poll(50):
        iopub.recv_multipart()
    while shell.poll(50):
        shell.recv_multipart()
    times = []
    for i in range(cells + 20):
        t0 = time.perf_counter()
        until_idle(send("execute_request", {"code": code, "silent": False, "store_history": True,
                                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}))
        if i >= 20:
            times.append(time.perf_counter() - t0)
        shell.recv_multipart()
    shell.close(0)
    iopub.close(0)
    return statistics.median(times)


def start_time(name):
    """Seconds from spawning the kernel to its first kernel_info_reply."""
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    while True:
        msg_id = kc.kernel_info()
        try:
            wait_reply(kc.get_shell_msg, msg_id, timeout=0.05)
            took = time.perf_counter() - t0
            break
        except Exception:  # queue.Empty: not ready yet, ask again
            if time.perf_counter() - t0 > 60:
                raise
    return took, km, kc


def measure(name, cells, starts):
    code = KERNELS[name]
    row = {}
    ready = []
    for _ in range(starts):
        took, km, kc = start_time(name)
        ready.append(took)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    row["ready"] = statistics.median(ready)
    row["ready_all"] = sorted(ready)

    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        for _ in range(20):
            run_cell(kc, code["trivial"])
        times, inside = [], []
        for _ in range(cells):
            took, msgs, reply = run_cell(kc, code["trivial"])
            times.append(took)
            idle = msgs[-1]
            inside.append((stamp(idle["header"]["date"]) - stamp(idle["parent_header"]["date"])).total_seconds())
        times.sort()
        row["trivial_median"] = statistics.median(times)
        row["trivial_p95"] = times[int(0.95 * (len(times) - 1))]
        row["trivial_inside"] = statistics.median(inside)
        row["trivial_raw"] = raw_trivial(km, code["trivial"], cells)

        runs, counts, ok = [], [], True
        for _ in range(LINE_RUNS):
            took, msgs, _ = run_cell(kc, code["lines"])
            streams = [m for m in msgs if m["msg_type"] == "stream"]
            runs.append(took)
            counts.append(len(streams))
            ok = ok and "".join(m["content"]["text"] for m in streams) == LINES
        row["lines"] = statistics.median(runs)
        row["lines_msgs"] = max(counts)
        row["lines_ok"] = ok

        run_cell(kc, code["define"])
        took, statuses = [], set()
        for _ in range(INTERRUPTS):
            msg_id = kc.execute(code["loop"])
            while True:  # wait until the loop is running
                m = kc.get_iopub_msg(timeout=60)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                    break
            time.sleep(0.2)
            t0 = time.perf_counter()
            km.interrupt_kernel()  # as the kernelspec says: a message for gotensor, SIGINT for ipykernel
            reply = wait_reply(kc.get_shell_msg, msg_id, timeout=30)
            took.append(time.perf_counter() - t0)
            statuses.add(reply["content"]["status"])
            time.sleep(0.1)  # ipykernel aborts requests that arrive right after an error
        row["interrupt"] = statistics.median(took)
        row["interrupt_status"] = "/".join(sorted(statuses))
        _, msgs, reply = run_cell(kc, code["check"])
        results = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"]
        row["state_kept"] = reply["content"]["status"] == "ok" and results == ["42"]
        row["state_status"] = reply["content"]["status"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    return row


def ms(s):
    return f"{s * 1000:.1f} ms" if s >= 0.01 else f"{s * 1000:.2f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", type=int, default=200)
    ap.add_argument("--starts", type=int, default=9)
    ap.add_argument("--gotensor", help="a built gotensor binary (default: go build)")
    args = ap.parse_args()

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="gotensor-bench-"))
    binary = args.gotensor
    if not binary:
        binary = str(tmp / "gotensor")
        subprocess.run(["go", "build", "-o", binary, "."], cwd=REPO, check=True)
    subprocess.run([binary, "install", "--prefix", str(tmp)], check=True, stdout=subprocess.DEVNULL)
    os.environ["JUPYTER_PATH"] = str(tmp / "share" / "jupyter")

    rows = {}
    for name in ("gotensor", "python3"):
        print(f"measuring {name} ...", file=sys.stderr)
        rows[name] = measure(name, args.cells, args.starts)

    print(f"| measure (jupyter_client, {os.cpu_count()} CPUs) | gotensor | ipykernel (Debian) | target |")
    print("|---|---|---|---|")
    g, p = rows["gotensor"], rows["python3"]
    print(f"| start → kernel_info reply (median of {args.starts}) | {ms(g['ready'])} | {ms(p['ready'])} | ≤ 100 ms |")
    print(f"| … fastest, slowest start | {ms(g['ready_all'][0])}, {ms(g['ready_all'][-1])} | "
          f"{ms(p['ready_all'][0])}, {ms(p['ready_all'][-1])} | |")
    print(f"| trivial cell request → idle, median of {args.cells} | {ms(g['trivial_median'])} | {ms(p['trivial_median'])} | ≤ 1 ms |")
    print(f"| trivial cell request → idle, p95 | {ms(g['trivial_p95'])} | {ms(p['trivial_p95'])} | |")
    print(f"| … request header date → idle header date, median | {ms(g['trivial_inside'])} | "
          f"{ms(p['trivial_inside'])} | |")
    print(f"| … the same from a minimal pyzmq client, median | {ms(g['trivial_raw'])} | "
          f"{ms(p['trivial_raw'])} | |")
    print(f"| 10,000 printed lines request → idle, median of {LINE_RUNS} | {ms(g['lines'])} | {ms(p['lines'])} | ≤ 30 ms |")
    print(f"| … stream messages, most in a run (all bytes in order?) | {g['lines_msgs']} ({'yes' if g['lines_ok'] else 'NO'}) | "
          f"{p['lines_msgs']} ({'yes' if p['lines_ok'] else 'NO'}) | ≤ 20 |")
    print(f"| interrupt of an endless loop → execute_reply, median of {INTERRUPTS} | {ms(g['interrupt'])} ({g['interrupt_status']}) | "
          f"{ms(p['interrupt'])} ({p['interrupt_status']}) | ≤ 20 ms |")
    kept = {n: "yes" if r["state_kept"] else f"NO (next cell: {r['state_status']})" for n, r in rows.items()}
    print(f"| … earlier variable still there | {kept['gotensor']} | {kept['python3']} | yes |")


if __name__ == "__main__":
    main()
