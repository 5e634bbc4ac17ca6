"""Helpers and fixtures that start gotensor the way Jupyter does: through its installed kernelspec.

The binary is built once per test session (or taken from $GOTENSOR_BIN), installed with
`gotensor install --prefix TMP`, and found by jupyter_client through JUPYTER_PATH=TMP/share/jupyter.
Run with Debian's interpreter, which has jupyter_client: /usr/bin/python3 -m pytest tests/kernel
"""

import os
import pathlib
import queue
import shutil
import subprocess
import tempfile
import time

import pytest
from jupyter_client.manager import KernelManager

REPO = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT = 30


_installed = {}


def ensure_installed():
    """Build gotensor (or take $GOTENSOR_BIN), install its kernelspec into a temporary
    prefix with `gotensor install --prefix`, and put that first on JUPYTER_PATH. Idempotent."""
    if "path" not in _installed:
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="gotensor-kernel-tests-"))
        binary = os.environ.get("GOTENSOR_BIN")
        if binary:
            binary = str(pathlib.Path(binary).resolve())
        else:
            binary = str(tmp / "gotensor")
            subprocess.run(["go", "build", "-o", binary, "."], cwd=REPO, check=True)
        subprocess.run([binary, "install", "--prefix", str(tmp / "prefix")], check=True)
        _installed["path"] = tmp / "prefix" / "share" / "jupyter"
        _installed["tmp"] = tmp
    # Put ours first; keep what the caller had (scripts/test points it at its own install).
    paths = [str(_installed["path"])] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
                                         if p and p != str(_installed["path"])]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    return _installed["path"]


@pytest.fixture(scope="session")
def jupyter_path():
    """The Jupyter data directory holding the installed gotensor kernelspec."""
    path = ensure_installed()
    yield path
    shutil.rmtree(_installed["tmp"], ignore_errors=True)


def start(transport="tcp"):
    km = KernelManager(kernel_name="gotensor", transport=transport)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=False)


@pytest.fixture
def kernel(jupyter_path):
    km, kc = start()
    yield km, kc
    stop(km, kc)


@pytest.fixture(scope="module")
def shared_kernel(jupyter_path):
    """One kernel for tests that only read state they create themselves."""
    km, kc = start()
    yield km, kc
    stop(km, kc)


def collect_iopub(kc, msg_id, timeout=TIMEOUT):
    """iopub messages whose parent is msg_id, up to and including its idle status."""
    out = []
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no idle for {msg_id}; got {[m['msg_type'] for m in out]}")
        msg = kc.get_iopub_msg(timeout=left)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def control_reply(kc, msg_id, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_control_msg(timeout=max(0.01, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def execute(kc, code, timeout=TIMEOUT, **kwargs):
    """Run a cell; return (execute_reply, iopub messages)."""
    msg_id = kc.execute(code, **kwargs)
    reply = shell_reply(kc, msg_id, timeout)
    return reply, collect_iopub(kc, msg_id, timeout)


def stream_text(msgs, name="stdout"):
    return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == name)


def drain(q_get):
    while True:
        try:
            q_get(timeout=0.05)
        except queue.Empty:
            return
