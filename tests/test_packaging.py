"""xlkpi installs as a pure-Python wheel (xlwings Lite needs one), add-in files included."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_is_pure_python_and_carries_the_addin(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(ROOT),
                    "-w", str(tmp_path)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("xlkpi-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("manifest.xml", "taskpane.html", "taskpane.js", "custom-functions.js"):
        assert f"xlkpi/addin/{part}" in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dll"))]
