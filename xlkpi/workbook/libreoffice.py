"""Recalculate a workbook with LibreOffice headless: the independent cross-check.

Used by the slow cross-check tests and the benchmark, never by ``xlkpi recalc`` (a file
saved by LibreOffice is not the analyst's file). LibreOffice is told, through a private
user profile, to recalculate every formula when it loads an .xlsx.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["executable", "recalculate"]

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def executable() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(path: str | Path, out_dir: str | Path, timeout: float = 600) -> Path:
    """Open ``path`` in LibreOffice, recalculate everything, save an .xlsx in ``out_dir``."""
    program = executable()
    if program is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="xlkpi-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        subprocess.run(
            [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir),
             str(path)],
            check=True, capture_output=True, timeout=timeout,
        )
    result = out_dir / (Path(path).stem + ".xlsx")
    if not result.exists():
        raise RuntimeError(f"LibreOffice did not write {result}")
    return result
