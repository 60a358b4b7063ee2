"""``xlkpi demo``'s filled scorecards, read back independently of xlkpi with openpyxl:
KPI formula cells (formulas calling a KPI_ function) hold a value, none an Excel error."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from xlkpi.cli import app
from xlkpi.workbook.fill import read_table

TEMPLATES = ("board_priority_indicators", "city_scorecard", "county_report",
             "indicator_pages")
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!",
          "#CALC!")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def _kpi_cells(path: Path) -> dict[str, list[tuple[str, object]]]:
    """KPI formula cells by what they cache: a value, blank, or an Excel error."""
    formulas, cached = load_workbook(path), load_workbook(path, data_only=True)
    found: dict[str, list[tuple[str, object]]] = {"value": [], "blank": [], "error": []}
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value
                if not (isinstance(text, str) and text.startswith("=") and "KPI_" in text):
                    continue
                value = cached[ws.title][cell.coordinate].value
                kind = ("blank" if value in (None, "") else
                        "error" if isinstance(value, str) and value in ERRORS else "value")
                found[kind].append((f"{ws.title}!{cell.coordinate}", value))
    return found


def test_demo_runs_the_month_s_job_end_to_end(demo):
    out, output = demo
    assert "xlkpi indicators" in output and "check: OK" in output
    assert "RAG summary for the improvement board, 2024-01" in output
    assert "DIFFERENCES" not in output
    table = read_table(out / "indicators.csv")
    assert set(table["code"]) >= {"REREF12", "ASSESS45", "ICPC15", "CPRATE", "CLARATE"}
    assert len(set(table["period"])) == 13


def _counts(out: Path) -> tuple[dict[str, int], list]:
    counts = {"value": 0, "blank": 0, "error": 0}
    errors = []
    for name in TEMPLATES:
        found = _kpi_cells(out / f"{name}.xlsx")
        for kind, cells in found.items():
            counts[kind] += len(cells)
        errors += found["error"]
    return counts, errors


def test_no_kpi_cell_holds_an_excel_error(demo):
    assert _counts(demo[0])[1] == []


def test_nine_in_ten_kpi_cells_hold_a_value(demo):
    counts, _ = _counts(demo[0])
    assert counts["value"] / sum(counts.values()) >= 0.9, counts


def test_seed_layout_lint_is_named_as_expected(demo):
    _, output = demo
    assert "8 expected finding(s)" in output and "unexpected" not in output


def test_city_areas_come_from_the_team_breakdown(demo):
    out, _output = demo
    cells = dict(_kpi_cells(out / "city_scorecard.xlsx")["value"])
    # re-referrals (row 5) by EAST, NWC, SOUTH, MASH: shares, not blanks
    assert all(isinstance(cells[f"City scorecard!{c}5"], float) for c in "GHIJ")
