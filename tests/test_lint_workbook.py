"""Lint on workbooks: the formula checks, tables found by KPI formulas, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from xlkpi.cli import app
from xlkpi.workbook import check, lint_workbook, recalc
from xlkpi.workbook.fill import fill, read_table
from xlkpi.workbook.references import calls
from xlkpi.workbook.tables import HEADINGS

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _book(path: Path, rows: list[list], title: str = "Scorecard") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _found(path: Path) -> list[tuple[str, str]]:
    return sorted((f.code, f.cell) for f in lint_workbook(path))


@pytest.mark.parametrize(("formula", "args"), [
    ("KPI_RAG(A1,B1,C1)", 3),
    ("KPI_RAG(A1,,C1,D1)", 4),  # an empty argument is still an argument
    ("TODAY()", 0),
    ("SUM({1,2,3})", 1),  # commas inside an array constant are not arguments
    ('IF(A1,"a,b",C1)', 3),  # nor commas inside text
])
def test_arguments_are_counted_as_excel_counts_them(formula, args):
    assert next(calls(formula)).args == args


def test_formula_checks(tmp_path):
    rows = [["Start", "End", "Days", "Due", "Odd", "Unknown"]]
    for r in range(2, 6):
        rows.append(["2024-01-02", "2024-02-01", f"=KPI_WORKDAYS(A{r},B{r})",
                     f"=KPI_WITHIN(A{r},TODAY(),45)", f"=KPI_RAG(C{r},\"High\",40)",
                     f"=KPI_RAGG(C{r})"])
    rows.append(["", "", "=SUM(KPI_WORKDAYS(A:A,B:B))", "=_xldudf_KPI_WORKDAY(A2)",
                 "=INDEX(A:A,2)", ""])
    path = _book(tmp_path / "formulas.xlsx", rows)
    found = lint_workbook(path)
    assert sorted((f.code, f.cell) for f in found) == [
        ("FULL-COLUMN", "C6"),  # A:A given to KPI_WORKDAYS; INDEX(A:A, 2) is fine
        ("KPI-ARGS", "D6"),  # KPI_WORKDAY(start, days): the stored name, one argument
        ("KPI-ARGS", "E2"),  # KPI_RAG(value, polarity, red, green) with three
        ("KPI-UNKNOWN", "F2"),
        ("VOLATILE-KPI", "D2"),
    ]
    by_code = {f.code: f.message for f in found}
    assert next(f.message for f in found if f.cell == "E2") == (
        "KPI_RAG takes 4 arguments (KPI_RAG(value, polarity, red, green)); this call gives "
        "3 (and 3 more cells with this formula)")
    assert "TODAY" in by_code["VOLATILE-KPI"] and "KPI_WITHIN" in by_code["VOLATILE-KPI"]


def test_a_rag_typed_where_the_column_computes_it(tmp_path):
    text = "90% or above Green 85%-89% Amber 84% and below Red"
    path = _book(tmp_path / "typed.xlsx", [
        ["Ref", "Indicator", "Polarity", "Jan-24", "RAG", "RAG Methodology"],
        ["A1", "Visits", "High", 0.93, '=KPI_RAG_TEXT(D2,F2)', text],
        ["A2", "Reviews", "High", 0.80, "Green", text],
        ["A3", "Plans", "High", 0.86, '=KPI_RAG_TEXT(D4,F4)', text],
    ])
    # Green typed over 80% (Red by the rule): typed by hand, and against the rule
    assert _found(path) == [("RAG-STATED", "E3"), ("VERDICT-TYPED", "E3")]


def test_a_table_found_only_by_its_kpi_formulas(tmp_path):
    # headings no vocabulary knows; the KPI formulas say which cell is which
    path = _book(tmp_path / "formulas_only.xlsx", [
        ["Thing", "Way", "Now", "Bad", "Good", "Verdict", "Words", "Rule"],
        ["Visits", "Low", 0.5, 0.8, 0.9, "=KPI_RAG(C2,B2,D2,E2)", 0.5,
         "17 or below Green 18.1-20 Amber 20.1 and above Red"],
        ["Plans", "", 3, "", "", "", 18, "=KPI_RAG_TEXT(G3,H2)"],
    ])
    found = _found(path)
    # row 2: low is better but Green (90%) is above Red (80%); row 3: the text's gap
    assert ("POLARITY-BANDS", "B2") in found and ("BAND-GAP", "H2") in found


def test_templates_lint_clean_but_for_the_seed_s_own_methodology(tmp_path):
    for name in ("county_report", "city_scorecard", "indicator_pages"):
        assert lint_workbook(ROOT / "workbooks" / f"{name}.xlsx") == [], name
    # the board template keeps seed 002's methodology texts, defects and all
    board = lint_workbook(ROOT / "workbooks" / "board_priority_indicators.xlsx")
    assert sorted((f.code, f.message.split(":")[0]) for f in board) == [
        ("BAND-GAP", "W 1"), ("BAND-OVERLAP", "CP 10"), ("BAND-OVERLAP", "FD 8"),
        ("POLARITY-BANDS", "QA 1")]


def test_lint_command(tmp_path):
    bad = _book(tmp_path / "bad.xlsx", [
        ["Ref", "Indicator", "Polarity", "Nov-17", "RAG", "RAG Methodology"],
        ["W 1", "Caseload", "SIB", 16, "Green",
         "17 or below Green 18.1-20 Amber 20.1 and above Red"],
    ])
    result = runner.invoke(app, ["lint", str(bad), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert [(f["sheet"], f["cell"], f["code"], f["severity"]) for f in findings] == [
        ("Scorecard", "F2", "BAND-GAP", "warning")]
    assert set(findings[0]) == {"file", "sheet", "cell", "code", "severity", "message"}
    shown = runner.invoke(app, ["lint", str(bad)], env={"COLUMNS": "200"})
    assert shown.exit_code == 1 and "BAND-GAP" in shown.output
    assert "1 finding(s), 0 error(s), 1 warning(s)" in shown.output
    clean = runner.invoke(app, ["lint", str(ROOT / "workbooks" / "county_report.xlsx")])
    assert clean.exit_code == 0 and "0 finding(s)" in clean.output
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    unreadable = runner.invoke(app, ["lint", str(text)])
    assert unreadable.exit_code == 2 and "Traceback" not in unreadable.output


def test_check_includes_lint(tmp_path):
    filled = fill(ROOT / "workbooks" / "board_priority_indicators.xlsx",
                  read_table(ROOT / "samples" / "seeds" / "002_monthly.csv"),
                  tmp_path / "filled.xlsx")
    board = recalc(filled, tmp_path / "board.xlsx").out
    outcome = check(board)
    assert outcome.agrees and not outcome.ok  # recalculates clean; its rules do not
    found = sorted((f.code, f.message.split(":")[0]) for f in outcome.findings)
    assert found == [  # seed 002's rule defects; its typed RAGs are formulas here
        ("BAND-GAP", "W 1"), ("BAND-OVERLAP", "CP 10"), ("BAND-OVERLAP", "FD 8"),
        ("POLARITY-BANDS", "QA 1"), ("TARGET-BANDS", "CIN 4"), ("TARGET-BANDS", "W1 d"),
        # CL 3a has no figure in seed 002's table (its row reads CLSUIT): its status says
        # N/A, and no value lies in a gap
        ("VALUE-IN-GAP", "W 1")]
    result = runner.invoke(app, ["check", str(board), "--json"])
    assert result.exit_code == 1
    files = json.loads(result.output)["files"]
    assert files[0]["differences"] == [] and len(files[0]["findings"]) == len(found)


_headings = st.sampled_from([h for role, pattern in HEADINGS
                             for h in pattern.replace("\\", "").split("|")[:1]]
                            + ["Apr-17", "Jan 17", "Ref", "Indicator", "Red", "Green"])
_text = st.text(st.characters(min_codepoint=32, blacklist_categories=("Cs",)),
               max_size=12)
_cells = st.one_of(st.none(), _headings, _text, st.floats(allow_nan=False),
                   st.integers(-5, 50_000), st.booleans(),
                   st.sampled_from(["=KPI_RAG(A2,B2,C2,D2)", "=KPI_DOT(A1)", "=KPI_X(",
                                    "=KPI_RAG_TEXT(A1,B1)", "★", "↑", "10% or less"]))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cells, min_size=1, max_size=7), min_size=1, max_size=6))
def test_lint_never_raises_on_any_sheet(tmp_path, grid):
    path = tmp_path / "any.xlsx"
    _book(path, grid)
    for finding in lint_workbook(path):
        assert finding.code and finding.sheet == "Scorecard"
