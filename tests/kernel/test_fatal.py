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


PARENT = r"""
import sys, time
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name="gotensor")
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=30)
kc.execute("for {}")
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
"""


def _gone(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in f)
    except FileNotFoundError:
        return True


def test_kernel_exits_when_the_process_that_started_it_dies(jupyter_path):
    """ipykernel's behaviour: a kernel whose front end was killed does not spin on forever."""
    import os
    import signal
    import subprocess
    import sys

    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ))
    try:
        pid = int(parent.stdout.readline())
        time.sleep(0.5)  # the cell is spinning now
        assert not _gone(pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _gone(pid), "kernel still running 10 s after the process that started it was killed"
    finally:
        if parent.poll() is None:
            parent.kill()
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, UnboundLocalError):
            pass
