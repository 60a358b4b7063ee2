"""Start `xlkpi serve` as a real process on a free loopback port, for tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["Server", "call", "running_server"]


@dataclass
class Server:
    base: str
    output: str = field(default="")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    """The server, started without a licence key (as a council would), stopped after;
    its start-up output is in ``server.output`` once the block ends."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    process = subprocess.Popen([sys.executable, "-m", "xlkpi", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               text=True)
    server = Server(f"http://127.0.0.1:{port}")
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{server.base}/health", timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise AssertionError("xlkpi serve did not start")
        yield server
    finally:
        process.terminate()
        server.output, _ = process.communicate(timeout=10)


def call(base: str, body: dict) -> list:
    """POST one custom-function call as Office.js does; the result."""
    request = urllib.request.Request(f"{base}/xlwings/custom-functions-call",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["result"]
