"""A cell that recurses without end overflows the Go stack, which no Go program survives. The
kernel must then die promptly, so that Jupyter restarts it, rather than hang with its crash
report stuck in the captured stderr pipe; and the restarted kernel must work."""

import time

from kernel_helpers import execute, start, stop


def test_unbounded_recursion_kills_the_kernel_and_restart_works(jupyter_path):
    km, kc = start()
    try:
        execute(kc, "func rec(n int) int { return rec(n+1) + 1 }")
        kc.execute("rec(0)")
        deadline = time.monotonic() + 20
        while km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not km.is_alive(), "kernel still alive 20 s after a stack overflow: hung, not dead"

        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=30)
        reply, outputs = execute(kc, 'fmt.Println("alive")')
        assert reply["content"]["status"] == "ok"
        assert any(o["msg_type"] == "stream" and "alive" in o["content"]["text"] for o in outputs)
    finally:
        stop(km, kc)
