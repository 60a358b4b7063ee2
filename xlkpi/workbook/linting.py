"""Lint a workbook: its indicator tables' figures, and its formulas.

The figures are read as Excel last saved them (cached values; run ``xlkpi recalc``
first for fresh ones). Formula checks: a KPI function given the wrong number of
arguments or unknown to xlkpi, a KPI formula that uses a volatile function, a
whole-column reference, and a RAG or direction typed by hand in a column whose other
rows compute it. A formula filled down a column is reported once, at its first cell,
with how many cells share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from xlkpi.functions import REGISTRY
from xlkpi.lint import Finding, lint
from xlkpi.lint_checks import finding
from xlkpi.workbook.package import Package, Sheet
from xlkpi.workbook.references import (
    address,
    calls,
    formula_shape,
    parse_cell,
    r1c1_key,
    references,
)
from xlkpi.workbook.tables import Table, indicator_tables, kpi_name

__all__ = ["VOLATILE_IN_KPI", "formula_findings", "lint_package", "lint_workbook",
           "verdict_findings"]

#: Functions that make a KPI cell change with the day it is opened or the layout.
VOLATILE_IN_KPI = ("TODAY", "NOW", "OFFSET", "INDIRECT")


def _formula_problems(formula: str) -> list[tuple[str, str]]:
    """(code, message) for each problem in one formula's text."""
    problems = []
    found = list(calls(formula))
    kpi = []
    for call in found:
        name = kpi_name(call.name)
        if name is None:
            continue
        function = REGISTRY.get(name)
        if function is None:
            problems.append(("KPI-UNKNOWN", f"{call.name} is not an xlkpi function "
                             f"(Excel shows #NAME?); `xlkpi functions` lists them"))
            continue
        kpi.append(name)
        if not function.min_args <= call.args <= function.max_args:
            wanted = (str(function.min_args) if function.min_args == function.max_args
                      else f"{function.min_args} to {function.max_args}")
            problems.append(("KPI-ARGS", f"{call.name} takes {wanted} arguments "
                             f"({function.signature()}); this call gives {call.args}"))
    volatile = sorted({c.name for c in found if c.name in VOLATILE_IN_KPI})
    if kpi and volatile:
        problems.append(("VOLATILE-KPI", f"{', '.join(volatile)} inside a KPI formula "
                         f"({', '.join(sorted(set(kpi)))}): the figure changes with the "
                         "day or layout it is opened with; put fixed dates or references "
                         "in cells (the report month on the Settings sheet)"))
    whole = [formula[r.start:r.end] for r in references(formula)
             if r.kind in ("columns", "rows") and r.calls and kpi_name(r.calls[-1][0])]
    if whole:
        problems.append(("FULL-COLUMN", f"{', '.join(whole)} given to a KPI function: "
                         "Excel sends all 1,048,576 rows to Python at every recalculation, "
                         "headings and notes included; give the table's rows"))
    return problems


def _problems_of(formula: str, seen: dict[str, list[tuple[str, str]]]
                 ) -> list[tuple[str, str]]:
    """:func:`_formula_problems`, worked out once per formula shape: the problems do not
    depend on a formula's numbers (its row numbers, filled down a column), except that a
    whole-column message quotes the reference, so such a formula is read in full."""
    shape = formula_shape(formula)
    problems = seen.get(shape)
    if problems is None:
        problems = seen[shape] = _formula_problems(formula)
    if any(code == "FULL-COLUMN" for code, _ in problems):
        return _formula_problems(formula)
    return problems


def formula_findings(sheet: Sheet) -> list[Finding]:
    """Every formula problem in a sheet, once per filled-down formula."""
    groups: dict[tuple[str, str], list[str]] = {}
    messages: dict[tuple[str, str], str] = {}
    problems_by_shape: dict[str, list[tuple[str, str]]] = {}
    for (row, col), formula in sheet.formula_texts_naming("KPI"):  # (a shared formula
        # shifted to its cell: the functions it calls are the anchor's)
        problems = _problems_of(formula, problems_by_shape)
        if not problems:
            continue
        key_text = r1c1_key(formula, row, col)
        for code, message in problems:
            key = (code, key_text)
            groups.setdefault(key, []).append(address(row, col))
            messages.setdefault(key, message)
    findings = []
    for key, cells in groups.items():
        more = f" (and {len(cells) - 1} more cells with this formula)" if len(cells) > 1 else ""
        findings.append(finding(key[0], cells[0], messages[key] + more, sheet.name))
    return findings


def verdict_findings(tables: Iterable[Table]) -> list[Finding]:
    """RAGs and directions typed by hand where the rest of their column is computed."""
    findings = []
    for table in tables:
        for cells in table.verdict_cells.values():
            computed = [c for c in cells if c.has_formula and any(
                kpi_name(call.name) for call in calls(c.formula or ""))]
            if not computed:
                continue
            example = computed[0]
            for cell in cells:
                if cell.has_formula or cell.value in (None, ""):
                    continue
                findings.append(finding(
                    "VERDICT-TYPED", address(cell.row, cell.col),
                    f"{cell.value!r} is typed by hand where the column computes it "
                    f"(={example.formula} in {address(example.row, example.col)}); a "
                    "typed verdict does not change when the figures do", table.sheet))
    return findings


def lint_package(package: Package) -> list[Finding]:
    """Every finding in an open workbook package, sheet by sheet."""
    tables, extra = indicator_tables(package)
    findings = lint([row for table in tables for row in table.rows] + extra)
    findings += verdict_findings(tables)
    for sheet in package.sheets:
        findings += formula_findings(sheet)
    order = {s.name: k for k, s in enumerate(package.sheets)}
    return sorted(findings, key=lambda f: (order.get(f.sheet, len(order)),
                                           parse_cell(f.cell.split("!")[-1]), f.code))


def lint_workbook(path: str | Path) -> list[Finding]:
    """Every finding in the workbook at ``path`` (raises PackageError when unreadable)."""
    return lint_package(Package(path))
