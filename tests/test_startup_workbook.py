"""``xlkpi recalc`` and ``xlkpi check`` of a scorecard the engine computes natively load
neither scipy nor pandas, nor ``formulas`` at all (the engine parses and compiles the
formulas itself), nor openpyxl (issue 21): each is imported only when a formula needs it
(a function the engine leaves to ``formulas``). The KPI functions and the linter
``check`` runs need none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.fresh_process import cli_loads

#: what the native path must never load (``formulas``' statistics family imports scipy)
HEAVY = ("scipy", "pandas", "openpyxl", "formulas", "formulas.functions.stat",
         "formulas.functions.math", "formulas.functions.financial", "formulas.functions.eng",
         "formulas.functions.date", "formulas.functions.logic", "formulas.functions.info",
         "formulas.excel", "pydantic")


def _scorecard(path: Path) -> Path:
    """Case rows and a summary written with functions the engine computes itself."""
    wb = Workbook()
    cases = wb.active
    cases.title = "Cases"
    cases.append(["Team", "Days", "Within", "Score", "Label"])
    for i in range(2, 42):
        cases.append(["North" if i % 3 else "South", i % 17, f'=IF(B{i}<=10,1,0)',
                      f"=ROUND(B{i}*1.5+MOD(B{i},4),1)", f'=IFERROR(TEXT(B{i},"0.0"),"")'])
    summary = wb.create_sheet("Summary")
    summary.append(["Within 10", "=SUM(Cases!C2:C41)"])
    summary.append(["North within", '=COUNTIFS(Cases!A:A,"North",Cases!C:C,1)'])
    summary.append(["Mean score", "=AVERAGE(Cases!D2:D41)"])
    summary.append(["Share", "=IF(B1=0,0,B2/B1)"])
    summary.append(["Max", "=MAX(Cases!B2:B41)-MIN(Cases!B2:B41)"])
    # the KPI functions a scorecard uses: none needs pandas
    summary.append(["Days", '=KPI_WORKDAYS("2024-01-02","2024-02-01")'])
    summary.append(["Share %", "=KPI_PCT(B2,B1)"])
    summary.append(["RAG", '=KPI_RAG(B7,"High",0.1,0.5)'])
    summary.append(["Trend", '=KPI_TREND(Cases!B2:B14)'])
    summary.append(["Change", '=KPI_CHANGE(B1,B2)'])
    wb.save(path)
    return path


def _loaded_after(argv: list[str]) -> tuple[set[str], str]:
    """The modules of ``HEAVY`` loaded by the command line run with ``argv`` in a fresh
    interpreter, and what it printed."""
    return cli_loads(argv, HEAVY)


@pytest.mark.parametrize("command", ["recalc", "check"])
def test_a_native_scorecard_needs_no_scipy_pandas_or_formulas_functions(
        tmp_path: Path, command: str) -> None:
    book = _scorecard(tmp_path / "scorecard.xlsx")
    argv = [command, str(book)] + (["-o", str(tmp_path / "out.xlsx")] if command == "recalc"
                                   else [])
    loaded, printed = _loaded_after(argv)
    assert not loaded, loaded
    if command == "recalc":
        assert "errors: none" in printed, printed
        assert (tmp_path / "out.xlsx").exists()


def test_a_function_left_to_formulas_is_still_found(tmp_path: Path) -> None:
    """The lazily completed table still has ``formulas``' own functions."""
    wb = Workbook()
    wb.active["A1"] = 4.0
    wb.active["B1"] = "=TRIMMEAN({1,2,3,40},0.5)+A1"  # formulas', not the engine's
    wb.save(tmp_path / "book.xlsx")
    loaded, printed = _loaded_after(["recalc", str(tmp_path / "book.xlsx"), "-o",
                                     str(tmp_path / "out.xlsx")])
    assert "formulas.functions.stat" in loaded
    assert "errors: none" in printed, printed
