"""Cross-check of the engine's native Excel functions against LibreOffice headless.

Marked ``libreoffice``: run by ``make test-libreoffice`` (which installs LibreOffice with
apt-get) and by CI, not by ``make test``. LibreOffice recalculates the golden workbook's
native formulas itself; the engine must agree cell for cell.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from xlkpi.workbook import recalc
from xlkpi.workbook.libreoffice import executable, recalculate

pytestmark = pytest.mark.libreoffice

GOLDEN = Path(__file__).parent / "data" / "golden.xlsx"
EPOCH = dt.datetime(1899, 12, 30)
#: Native formula cells of the golden workbook that do not depend on a KPI function.
NATIVE = {"Cases": ("C", "F", "G", "H", "J"), "Summary": ()}
SUMMARY_NATIVE = ("B2", "B8")


def _number(value: object) -> object:
    if isinstance(value, dt.datetime):
        return float((value - EPOCH).days)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def test_native_functions_agree_with_libreoffice(tmp_path):
    assert executable(), "LibreOffice is not installed: run make test-libreoffice"
    ours = recalc(GOLDEN)
    theirs = openpyxl.load_workbook(recalculate(GOLDEN, tmp_path), data_only=True)
    compared = 0
    cases = theirs["Cases"]
    for row in range(2, cases.max_row + 1):
        for col in NATIVE["Cases"]:
            expected = _number(cases[f"{col}{row}"].value)
            if expected is None:
                expected = ""  # LibreOffice saves an empty-text result as no value
            assert ours.value("Cases", f"{col}{row}") == expected, f"Cases!{col}{row}"
            compared += 1
    for address in SUMMARY_NATIVE:
        assert ours.value("Summary", address) == _number(theirs["Summary"][address].value)
        compared += 1
    assert compared == 16 * 5 + 2


def test_filled_templates_open_in_libreoffice_without_name_errors_in_native_cells(tmp_path):
    """The county report, filled and recalculated by xlkpi, opened and recalculated by
    LibreOffice: every native formula (month lookups, dates, MAX) gives what xlkpi cached;
    only KPI cells are unknown to LibreOffice. And the demo's PDF renders."""
    from xlkpi.demo import _render_pdf
    from xlkpi.workbook.fill import fill, read_table
    from xlkpi.workbook.package import Package

    assert executable(), "LibreOffice is not installed: run make test-libreoffice"
    root = Path(__file__).resolve().parent.parent
    filled = fill(root / "workbooks" / "county_report.xlsx",
                  read_table(root / "samples" / "seeds" / "003_monthly.csv"),
                  tmp_path / "county.xlsx")
    ours = recalc(filled, in_place=True)
    theirs = openpyxl.load_workbook(recalculate(filled, tmp_path / "lo"), data_only=True)
    compared = 0
    for sheet in Package(filled).sheets:
        for (row, col), cell in sheet.cells.items():
            formula = cell.formula
            if not formula or "KPI" in formula.upper():
                continue
            value = theirs[sheet.name].cell(row, col).value
            assert value != "#NAME?", f"{sheet.name}!{row},{col}: ={formula}"
            mine = ours.evaluation.values[sheet.name][(row, col)]
            if isinstance(value, dt.datetime):
                value = _number(value)
            assert (value if value is not None else "") == mine or (
                isinstance(value, (int, float)) and abs(value - mine) < 1e-9), (
                f"{sheet.name}!{row},{col}: ={formula}: LibreOffice {value!r}, xlkpi {mine!r}")
            compared += 1
    assert compared > 500
    pdf = _render_pdf(filled, tmp_path)
    assert pdf is not None and pdf.stat().st_size > 20_000
