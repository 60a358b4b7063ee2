"""The add-in's JavaScript run in Node against a real `xlkpi serve` (custom_functions.test.mjs)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.serving import running_server

HERE = Path(__file__).resolve().parent


def test_custom_functions_in_node():
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "Node is missing: make test-excel-routes installs Debian's nodejs"
    with running_server() as server:
        run = subprocess.run([node, "--test", "--test-reporter=spec",
                              str(HERE / "custom_functions.test.mjs")],
                             env={**os.environ, "XLKPI_BASE": server.base},
                             capture_output=True, text=True, timeout=300)
    print(run.stdout[-4000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
