"""The Excel routes without Excel: run by `make test-excel-routes`, which installs Node,
Chromium and Playwright and sets XLKPI_EXCEL_ROUTES=1; `make test` leaves the slow ones
out (the schema checks in test_addin_schemas.py run in both)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Where the tests leave what a person should look at (the task pane's screenshots).
OUTPUT = Path(os.environ.get("XLKPI_TEST_OUTPUT", "out/test-excel-routes"))

if os.environ.get("XLKPI_EXCEL_ROUTES") != "1":
    collect_ignore = ["test_officejs_node.py", "test_taskpane_chromium.py",
                      "test_lite_venv.py", "test_classic_xlwings.py"]


@pytest.fixture(scope="session")
def output_folder() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT
