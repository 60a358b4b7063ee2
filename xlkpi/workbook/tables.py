"""Find the indicator tables in a workbook: by their header rows, and by KPI formulas.

A header row names what each column holds in the words scorecards use ("Good perf. is",
"Measure polarity", "RAG Methodology", "2017-18 Target", "Apr-17", "Jan 17", a date).
The county report's two-row header ("Tolerances" over "Red" and "Green", "Last four
months" over the months) is read as one. A KPI formula names its arguments too:
``=KPI_RAG(H5, D5, M5, N5)`` says H5 is the value, D5 the polarity, M5 the Red and N5
the Green tolerance, so a table with unfamiliar headings is still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from xlkpi.functions import REGISTRY
from xlkpi.lint import Entry, IndicatorRow, Month
from xlkpi.masks import instances
from xlkpi.workbook.package import Cell, Package, Sheet
from xlkpi.workbook.references import address, calls, formula_shape, references

__all__ = [
    "HEADINGS",
    "VERDICT_FUNCTIONS",
    "Table",
    "indicator_tables",
    "kpi_name",
]

#: Column headings by role, first match wins (lower case, spaces collapsed).
HEADINGS: tuple[tuple[str, str], ...] = (
    ("owner", r".*\b(owner|officer|lead)\b.*"),
    ("previous_rag", r"rag (last|previous) (period|month)|previous rag"),
    ("rag_text", r"(rag )?methodology|rag rules?|rag criteria"),
    ("rag", r"rag\b.*|current rag|rag status|overall assessment|performance rating"),
    ("polarity", r"polarity|good perf\.? is:?|good performance is:?|measure polarity|"
                 r"bib ?/ ?sib|higher or lower is better"),
    ("target", r".*\btarget\b.*"),
    ("red", r"red|red tolerance|red threshold"),
    ("green", r"green|green tolerance|green threshold"),
    ("dot", r"dot\b.*|direction of travel.*|direction"),
    ("unit", r"data note.*|unit|units|measure type"),
    ("numerator", r"numerator"),
    ("denominator", r"denominator|cohort"),
    ("rate_other", r"rate per 10.*\b(ytd|annualised|rolling)\b.*"),
    ("rate", r"rate per 10,?000|rate per 10k|rate per 10,000 \(month\)"),
    ("value", r"current value|value|actual|latest( value)?|figure|%|percentage|rate"),
    ("ref", r"ref\.?|indicator (number|no\.?|ref\.?)|no\.|code|kpi ref\.?|measure ref\.?|"
            r"page"),
    ("name", r"indicator( title| name| description)?|name|measure|description|kpi|"
             r"performance indicator"),
)
_HEADING_RES = tuple((role, re.compile(pattern)) for role, pattern in HEADINGS)
#: The roles whose presence beside a name or reference makes a row a header row.
_TELLING = {"polarity", "target", "rag", "rag_text", "red", "green", "dot", "rate",
            "numerator", "denominator", "unit", "value"}
_MONTHS = {m: k for k, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH_LABEL = re.compile(r"([a-z]{3})[a-z]*\.?[\s\-'/]*(\d{2}|\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})(?:-\d{2})?")
#: Excel serials of 1 Jan 1990 and 1 Jan 2100: a number between them in a header row is
#: a month column's date.
_SERIALS = (32874, 73051)

#: KPI functions whose cell states a verdict, with the role of the cell.
VERDICT_FUNCTIONS = {"KPI_RAG": "rag", "KPI_RAG_TARGET": "rag", "KPI_RAG_TEXT": "rag",
                     "KPI_DOT": "dot"}
#: A KPI function's argument names that are a role of the row (the rest are not).
_ARGUMENT_ROLES = {"value": "value", "polarity": "polarity", "red": "red",
                   "green": "green", "text": "rag_text", "target": "target"}


def kpi_name(function: str) -> str | None:
    """The registry name behind a function as stored (``_XLDUDF_KPI_DEV_RAG``, ``KPI.RAG``,
    ``_xldudf_KPI_RAG``), or None when it is not an xlkpi function."""
    name = function.upper()
    for prefix in ("_XLDUDF_KPI_DEV_", "_XLDUDF_KPI_", "KPI_DEV_", "KPI.", "KPI_"):
        if name.startswith(prefix):
            return "KPI_" + name.removeprefix(prefix)
    return None


def _role(text: str) -> str | None:
    plain = " ".join(text.lower().replace("\n", " ").split())
    for role, pattern in _HEADING_RES:
        if pattern.fullmatch(plain):
            return role
    return None


def _month(value: Any) -> int | None:
    """A header cell's month as ``year * 12 + month - 1`` (Apr-17, Jan 17, a date)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if _SERIALS[0] <= value < _SERIALS[1]:
            day = date(1899, 12, 30) + timedelta(days=int(value))
            return day.year * 12 + day.month - 1
        return None
    text = str(value).strip().lower()
    if m := _ISO_MONTH.fullmatch(text):
        month = int(m.group(2))
        return int(m.group(1)) * 12 + month - 1 if 1 <= month <= 12 else None
    if (m := _MONTH_LABEL.fullmatch(text)) and m.group(1) in _MONTHS:
        year = int(m.group(2))
        year += 2000 if year < 100 else 0
        return year * 12 + _MONTHS[m.group(1)]
    return None


@dataclass
class _Column:
    role: str | None
    period: int | None
    heading: str


@dataclass
class Table:
    """An indicator table found in a sheet: its header rows and its indicator rows."""

    sheet: str
    header_rows: tuple[int, ...]
    rows: list[IndicatorRow]
    #: verdict columns (``rag`` / ``dot``) by column number, with their data rows' cells
    verdict_cells: dict[int, list[Cell]]


def _header(cells: dict[int, Cell]) -> dict[int, _Column]:
    columns = {}
    for col, cell in cells.items():  # a heading may be a formula's result (=EDATE(...))
        period = _month(cell.value)
        role = _role(cell.value) if isinstance(cell.value, str) else None
        if period is not None or role is not None:
            columns[col] = _Column(role, period, str(cell.value))
    return columns


def _is_header(columns: dict[int, _Column]) -> bool:
    roles = {c.role for c in columns.values()}
    months = sum(c.period is not None for c in columns.values())
    return bool(roles & {"name", "ref"}) and ((len(roles & _TELLING) >= 1 and len(
        roles) >= 3) or months >= 2)


def _continues(columns: dict[int, _Column], names: set[int]) -> bool:
    """A second header row: months or headings, and nothing under the name columns."""
    return len(columns) >= 2 and not (set(columns) & names)


def _rows_by_number(sheet: Sheet) -> dict[int, dict[int, Cell]]:
    rows: dict[int, dict[int, Cell]] = {}
    for (r, c), cell in sheet.cells.items():
        rows.setdefault(r, {})[c] = cell
    return rows


def _shown(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _table_rows(sheet: Sheet, rows: dict[int, dict[int, Cell]], header: list[int],
                end: int) -> Table:
    columns: dict[int, _Column] = {}
    for number in header:
        columns.update(_header(rows[number]))
    by_role: dict[str, int] = {}
    for col, column in sorted(columns.items()):
        if column.role and column.period is None:
            by_role.setdefault(column.role, col)
    months = {col: c for col, c in columns.items() if c.period is not None}
    dot_heading = columns[by_role["dot"]].heading.lower() if "dot" in by_role else ""
    lag = 12 if "year" in dot_heading else 1
    found = []
    verdicts: dict[int, list[Cell]] = {by_role[r]: [] for r in ("rag", "dot") if r in by_role}
    for number in range(header[-1] + 1, end):
        cells = rows.get(number)
        if not cells:
            continue
        if not any(_shown(cells[c].value) is not None for c in
                   (by_role.get("name"), by_role.get("ref")) if c in cells):
            continue
        row = IndicatorRow(sheet.name, number=number, dot_lag=lag)
        for role, col in by_role.items():
            cell = cells.get(col)
            row.fields[role] = Entry(_shown(cell.value) if cell else None,
                                     address(number, col),
                                     bool(cell and cell.has_formula))
            if col in verdicts and cell is not None:
                verdicts[col].append(cell)
        row.months = [Month(c.period or 0, c.heading, _shown(cells[col].value) if col in
                            cells else None, address(number, col))
                      for col, c in sorted(months.items(), key=lambda kv: kv[1].period)]
        row.label = str(row.get("ref") or row.get("name") or f"row {number}").strip()
        found.append(row)
    return Table(sheet.name, tuple(header), found, verdicts)


def _text_rows(sheet: Sheet) -> set[int]:
    """The rows holding a text value: only they can hold a header's name or ref heading."""
    found = {row for (row, _), cell in sheet.held.items() if isinstance(cell.value, str)}
    for columns in sheet.arrays():
        found.update(columns.rows[instances(columns.values, str)].tolist())
    return found


def _sheet_tables(sheet: Sheet) -> Iterator[Table]:
    candidates = _text_rows(sheet)
    if not candidates:
        return
    near = sheet.rows_of(candidates)
    if not any(_is_header(_header(near[number])) for number in near):
        return  # no header: the sheet's cells need not be made Cells to look further
    rows = _rows_by_number(sheet)
    numbers = sorted(rows)
    headers: list[list[int]] = []
    skip = set()
    for k, number in enumerate(numbers):
        if number in skip:
            continue
        columns = _header(rows[number])
        if not _is_header(columns):
            continue
        group = [number]
        names = {c for c, col in columns.items() if col.role in ("name", "ref")}
        if k + 1 < len(numbers) and numbers[k + 1] == number + 1:
            below = _header(rows[number + 1])
            if _continues(below, names) and not _is_header(below):
                group.append(number + 1)
                skip.add(number + 1)
        headers.append(group)
    for k, group in enumerate(headers):
        end = headers[k + 1][0] if k + 1 < len(headers) else max(numbers, default=0) + 1
        yield _table_rows(sheet, rows, group, end)


#: what a verdict function's name holds however it is stored (KPI_RAG, KPI.RAG...): a
#: formula naming "KPI" and one of these could state a verdict (the filter keeps every
#: such cell, read without shifting a shared formula to its place)
_VERDICT_WORDS = tuple({name.removeprefix("KPI_").split("_")[0] for name in VERDICT_FUNCTIONS})


def _formula_rows(package: Package, tables: list[Table]) -> list[IndicatorRow]:
    """Rows found (or completed) through the arguments of KPI verdict formulas."""
    sheets = {s.name.upper(): s for s in package.sheets}
    known = {(t.sheet, r.number): r for t in tables for r in t.rows}
    extra = []
    verdicts: dict[str, str | None] = {}  # by formula shape: a filled-down column is read once
    for sheet in package.sheets:
        for (number, col), cell in sheet.formulas_naming("KPI", _VERDICT_WORDS):
            formula = cell.formula or ""  # shifting keeps the functions a formula calls
            shape = formula_shape(formula)
            if shape not in verdicts:
                verdicts[shape] = next((VERDICT_FUNCTIONS[n] for c in calls(formula)
                                        if (n := kpi_name(c.name)) in VERDICT_FUNCTIONS), None)
            verdict = verdicts[shape]
            if verdict is None:
                continue
            row = known.get((sheet.name, number))
            if row is None:
                row = IndicatorRow(sheet.name, label=f"row {number}", number=number)
                known[(sheet.name, number)] = row
                extra.append(row)
            row.fields.setdefault(verdict, Entry(cell.value, address(number, col), True))
            for ref in references(formula):
                if not ref.calls or ref.kind != "cell":
                    continue
                name = kpi_name(ref.calls[-1][0])
                function = REGISTRY.get(name or "")
                index = ref.calls[-1][1]
                if function is None or index >= len(function.args):
                    continue
                role = _ARGUMENT_ROLES.get(function.args[index].name)
                target = sheets.get((ref.sheet or sheet.name).upper())
                if role is None or target is None or role in row.fields:
                    continue
                r, c = ref.rect[0], ref.rect[1]
                source = target.cell(r, c)
                where = address(r, c) if target is sheet else f"{target.name}!{address(r, c)}"
                row.fields[role] = Entry(_shown(source.value) if source else None, where,
                                         bool(source and source.has_formula))
    return extra


def indicator_tables(package: Package) -> tuple[list[Table], list[IndicatorRow]]:
    """The indicator tables of every sheet, and the rows only KPI formulas reveal."""
    tables = [t for sheet in package.sheets for t in _sheet_tables(sheet)]
    return tables, _formula_rows(package, tables)
