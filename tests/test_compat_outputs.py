"""Every workbook the engine writes opens again: each Excel-saved workbook of the
compatibility corpus recalculated by ``xlkpi.workbook.recalc`` must load in openpyxl and
in LibreOffice (one headless LibreOffice run converts all of them)."""

from __future__ import annotations

import subprocess
import warnings

import openpyxl
import pytest

from compat.run import CORPUS
from xlkpi.workbook import recalc
from xlkpi.workbook.libreoffice import executable

pytestmark = pytest.mark.libreoffice


def test_every_recalculated_corpus_workbook_opens_in_openpyxl_and_libreoffice(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS}: the Excel-saved workbooks are not on this machine")
    program = executable()
    assert program is not None, "LibreOffice is not installed (make libreoffice)"
    written = []
    for i, path in enumerate(sorted(CORPUS.rglob("*.xlsx"))):
        out = tmp_path / "out" / f"{i:03d}.xlsx"
        out.parent.mkdir(exist_ok=True)
        recalc(path, out)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            openpyxl.load_workbook(out)
        written.append(out)
    converted = tmp_path / "converted"
    for start in range(0, len(written), 40):  # a few LibreOffice runs, not one per file
        _convert(program, written[start: start + 40], converted, tmp_path / "profile")
    # a batch LibreOffice gave up on part-way is retried a file at a time
    for path in [p for p in written if not (converted / f"{p.stem}.csv").exists()]:
        _convert(program, [path], converted, tmp_path / "profile")
    missing = [p.name for p in written if not (converted / f"{p.stem}.csv").exists()]
    assert len(written) >= 280 and not missing, f"LibreOffice could not open {missing}"


def _convert(program: str, paths: list, out: object, profile: object) -> None:
    subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--norestore", "--convert-to", "csv", "--outdir", str(out),
                    *map(str, paths)], capture_output=True, timeout=900)
