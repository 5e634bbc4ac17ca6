"""gotensor behind the classic Jupyter Notebook server, spoken to over the server's websocket
exactly as the Notebook page's JavaScript does: the server starts the kernel from the installed
kernelspec and bridges websocket frames to the kernel's ZeroMQ sockets. Covers what a Notebook
user does with the kernel: run cells, answer `fmt.Scanln` through an input box, interrupt and
restart from the menu.
"""

import asyncio
import json
import os
import socket
import subprocess
import time
import uuid

import pytest
import requests
from tornado.websocket import websocket_connect

TOKEN = uuid.uuid4().hex


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(jupyter_path, tmp_path_factory):
    home = tmp_path_factory.mktemp("nbserver")
    port = free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_DATA_DIR=str(home / "data"))
    proc = subprocess.Popen(
        ["/usr/bin/python3", "-m", "notebook", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--NotebookApp.token={TOKEN}", f"--notebook-dir={home}", "--NotebookApp.open_browser=False",
         "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/api/kernelspecs", params={"token": TOKEN}, timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("the notebook server did not come up")
        time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


class Page:
    """What the Notebook page does: one websocket to /api/kernels/<id>/channels."""

    def __init__(self, base, kernel_id):
        self.base, self.kernel_id, self.session = base, kernel_id, uuid.uuid4().hex
        self.ws = None

    async def open(self):
        url = self.base.replace("http", "ws") + f"/api/kernels/{self.kernel_id}/channels?token={TOKEN}"
        self.ws = await websocket_connect(url)

    async def send(self, channel, msg_type, content):
        msg_id = uuid.uuid4().hex
        await self.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "page",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.4"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        return msg_id

    async def recv(self, timeout=30):
        raw = await asyncio.wait_for(self.ws.read_message(), timeout)
        assert raw is not None, "websocket closed"
        return json.loads(raw)

    async def run(self, code, answers=(), timeout=30):
        """Run a cell, typing answers into input boxes; return (reply, outputs)."""
        answers = list(answers)
        msg_id = await self.send("shell", "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": True, "stop_on_error": True})
        reply, outputs, idle = None, [], False
        while reply is None or not idle:
            m = await self.recv(timeout)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["channel"] == "stdin" and m["msg_type"] == "input_request":
                await self.send("stdin", "input_reply", {"value": answers.pop(0)})
            elif m["channel"] == "shell":
                reply = m
            elif m["msg_type"] == "status":
                idle = m["content"]["execution_state"] == "idle"
            elif m["msg_type"] != "execute_input":
                outputs.append(m)
        return reply, outputs


def start_kernel(base):
    r = requests.post(f"{base}/api/kernels", params={"token": TOKEN}, json={"name": "gotensor"}, timeout=30)
    r.raise_for_status()
    return r.json()["id"]


def text(outputs):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")


def test_notebook_session(server):
    kernel_id = start_kernel(server)

    async def session():
        page = Page(server, kernel_id)
        await page.open()
        reply, outs = await page.run('var name string\nfmt.Print("name? ")\nfmt.Scanln(&name)\n'
                                     'fmt.Println("hello,", name)', answers=["gopher"])
        assert reply["content"]["status"] == "ok", reply["content"]
        assert text(outs).endswith("hello, gopher\n"), outs

        reply, outs = await page.run("total := 41\ntotal + 1")
        assert [m["content"]["data"]["text/plain"] for m in outs if m["msg_type"] == "execute_result"] == ["42"]

        # Kernel > Interrupt while a cell loops; the variable survives.
        loop = asyncio.ensure_future(page.run("for {}"))
        await asyncio.sleep(0.5)
        r = requests.post(f"{server}/api/kernels/{kernel_id}/interrupt", params={"token": TOKEN}, timeout=10)
        assert r.status_code == 204
        reply, _ = await asyncio.wait_for(loop, 10)
        assert reply["content"]["status"] == "error"
        reply, outs = await page.run("total")
        assert [m["content"]["data"]["text/plain"] for m in outs if m["msg_type"] == "execute_result"] == ["41"]
        page.ws.close()

        # Kernel > Restart: a fresh interpreter behind the same kernel id.
        r = requests.post(f"{server}/api/kernels/{kernel_id}/restart", params={"token": TOKEN}, timeout=60)
        assert r.ok, r.text
        page = Page(server, kernel_id)
        await page.open()
        reply, _ = await page.run("total")
        assert reply["content"]["status"] == "error", "a restarted kernel must not know earlier variables"
        reply, outs = await page.run('fmt.Println("after restart")')
        assert text(outs) == "after restart\n"
        page.ws.close()

    asyncio.run(session())
    r = requests.delete(f"{server}/api/kernels/{kernel_id}", params={"token": TOKEN}, timeout=30)
    assert r.status_code == 204
