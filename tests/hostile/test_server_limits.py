"""The add-in server: loopback by default, bounded requests, 100 concurrent calls."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.serving import call, running_server
from xlkpi.server import MAX_CALL_BYTES, create_app


def test_oversized_requests_get_413():
    client = TestClient(create_app())
    big = b"x" * (MAX_CALL_BYTES + 1)
    response = client.post("/xlwings/custom-functions-call", content=big,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "too large" in response.text


def _workdays(start: int) -> dict:
    return {"func_name": "workdays", "args": [[[start]], [[start + 7]]],
            "caller_address": "[Book1]Sheet1!A1", "culture_info_name": "en-GB",
            "date_format": "dd/mm/yyyy", "runtime": "1.4", "version": "0.37.8"}


def test_default_bind_is_loopback_and_100_concurrent_calls_succeed():
    with running_server() as server:
        # 45051 is Fri 5 May 2023: a week later is 4 elapsed working days (Coronation)
        starts = [45051 + 7 * (i % 20) for i in range(100)]
        with ThreadPoolExecutor(max_workers=100) as pool:
            results = list(pool.map(lambda s: call(server.base, _workdays(s)), starts))
        assert len(results) == 100 and results[0] == [[4]]
        # a week is 5 working days, 4 when it holds a bank holiday: every answer is one
        assert {r[0][0] for r in results} <= {4, 5}
    assert server.base.startswith("http://127.0.0.1:")  # loopback unless told otherwise
    assert server.base in server.output
