"""The add-in server: loopback by default, bounded requests, 100 concurrent calls."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from xlkpi.server import MAX_CALL_BYTES, create_app


def test_oversized_requests_get_413():
    client = TestClient(create_app())
    big = b"x" * (MAX_CALL_BYTES + 1)
    response = client.post("/xlwings/custom-functions-call", content=big,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "too large" in response.text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(base: str, start: int) -> list:
    body = {"func_name": "workdays", "args": [[[start]], [[start + 7]]],
            "caller_address": "[Book1]Sheet1!A1", "culture_info_name": "en-GB",
            "date_format": "dd/mm/yyyy", "runtime": "1.4", "version": "0.37.8"}
    request = urllib.request.Request(f"{base}/xlwings/custom-functions-call",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["result"]


def test_default_bind_is_loopback_and_100_concurrent_calls_succeed():
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    process = subprocess.Popen([sys.executable, "-m", "xlkpi", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                               text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        # 45051 is Fri 5 May 2023: a week later is 4 elapsed working days (Coronation)
        starts = [45051 + 7 * (i % 20) for i in range(100)]
        with ThreadPoolExecutor(max_workers=100) as pool:
            results = list(pool.map(lambda s: _call(base, s), starts))
        assert len(results) == 100 and results[0] == [[4]]
        # a week is 5 working days, 4 when it holds a bank holiday: every answer is one
        assert {r[0][0] for r in results} <= {4, 5}
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}" in output  # bound to loopback unless told otherwise
