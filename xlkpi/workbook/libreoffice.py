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

__all__ = ["convert", "executable", "recalculate"]

#: LibreOffice's recalculation modes on load: 0 always, 1 never (show the cached values).
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""


def executable() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: str | Path, out_dir: str | Path, target: str, recalculate_on_load: bool,
            timeout: float = 600) -> Path:
    """Open ``path`` in LibreOffice and save it as ``target`` (``xlsx``, ``pdf``) in
    ``out_dir``, recalculating every formula on load or showing the cached values."""
    program = executable()
    if program is None:
        raise FileNotFoundError("LibreOffice (soffice) is not installed")
    out_dir = Path(out_dir)
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf"}
    with tempfile.TemporaryDirectory(prefix="xlkpi-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(
            _PROFILE.format(mode=0 if recalculate_on_load else 1), encoding="utf-8")
        subprocess.run(
            [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", filters[target], "--outdir", str(out_dir), str(path)],
            check=True, capture_output=True, timeout=timeout,
        )
    result = out_dir / f"{Path(path).stem}.{target}"
    if not result.exists():
        raise RuntimeError(f"LibreOffice did not write {result}")
    return result


def recalculate(path: str | Path, out_dir: str | Path, timeout: float = 600) -> Path:
    """Open ``path`` in LibreOffice, recalculate everything, save an .xlsx in ``out_dir``."""
    return convert(path, out_dir, "xlsx", recalculate_on_load=True, timeout=timeout)
