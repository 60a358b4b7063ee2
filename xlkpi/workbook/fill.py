"""Fill a scorecard template's Data sheet with a monthly indicator table.

The table is what ``xlkpi indicators`` writes (``period``, ``code``, ``numerator``,
``denominator``, ``value``; the seeds' typed-in figures use the same columns). Its rows
go into the template's ``Data`` sheet below the header row, with a sixth column, the
lookup key ``YYYY-MM|code`` the report sheets find their figures by. Periods are written
as the first day of the month (an Excel date), so a report sheet can take the latest
month with ``MAX(Data!A:A)``.

Only the Data sheet's part changes: its rows are replaced, styled like the template's
first data row; text is written inline so the shared-strings part stays as it was; every
other part of the package is copied byte for byte (the same rule as ``recalc``). Given a
population, the one cell the template's ``Population`` name points to takes it too, so a
rate the report computes from a count uses the population the indicators were computed
for.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd

from xlkpi.workbook.package import Package, PackageError, Sheet
from xlkpi.workbook.references import parse_range
from xlkpi.workbook.writing import format_value, patch_cell

__all__ = ["COLUMNS", "DATA_SHEET", "TableError", "fill", "population_cell", "read_table"]

#: The indicator table's columns, in order.
COLUMNS = ("period", "code", "numerator", "denominator", "value")
#: The sheet a template keeps its figures in.
DATA_SHEET = "Data"
_EPOCH = np.datetime64("1899-12-30", "D")
_ROW = re.compile(r"<(?P<p>[\w.-]+:)?row\b[^>]*?(?:/>|>.*?</(?P=p)?row>)", re.DOTALL)
_SHEET_DATA = re.compile(r"(<(?:[\w.-]+:)?sheetData\b[^>]*?)(?:/>|>(.*?)</((?:[\w.-]+:)?)"
                         r"sheetData>)", re.DOTALL)
_DIMENSION = re.compile(r"<(?:[\w.-]+:)?dimension\b[^>]*?/>")
_STYLE = re.compile(r"""\ss\s*=\s*["'](\d+)["']""")


class TableError(ValueError):
    """The indicator table cannot be read (the message names file, row and column)."""


def read_table(path: str | Path) -> pd.DataFrame:
    """Read an indicator table CSV, checking its columns and every period and value."""
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise TableError(f"{path}: no such file") from None
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise TableError(f"{path}: not a readable CSV table ({err})") from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise TableError(f"{path}: missing column(s) {', '.join(missing)}; an indicator "
                         f"table has {', '.join(COLUMNS)}")
    table = table[list(COLUMNS)].copy()
    periods = pd.to_datetime(table["period"].str.strip(), format="%Y-%m", errors="coerce")
    bad = periods.isna()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise TableError(f"{path}, row {row + 2}, column period: "
                         f"{table['period'].iloc[row]!r} is not a month (YYYY-MM)")
    table["period"] = periods.values.astype("datetime64[D]")
    for column in ("numerator", "denominator", "value"):
        text = table[column].str.strip()
        numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        wrong = numbers.isna() & (text != "") & ~((column == "value") & (text == "N/A"))
        if wrong.any():
            row = int(np.flatnonzero(wrong)[0])
            raise TableError(f"{path}, row {row + 2}, column {column}: {text.iloc[row]!r} "
                             "is not a number")
        table[column] = np.where(text == "", None, np.where(numbers.isna(), text,
                                                            numbers.astype(object)))
    return table


def _cell(ref: str, value: object, style: str | None, p: str) -> str:
    """One ``<c>`` element (``p``: the sheet's namespace prefix, usually none)."""
    s = f' s="{style}"' if style else ""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return f'<{p}c r="{ref}"{s}/>'
    if isinstance(value, str):
        return (f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">'
                f"{html.escape(value, quote=False)}</{p}t></{p}is></{p}c>")
    number = float(value)
    text = str(int(number)) if number.is_integer() else repr(number)
    return f'<{p}c r="{ref}"{s}><{p}v>{text}</{p}v></{p}c>'


def _styles(sheet_text: str) -> dict[str, str]:
    """The style of each column in the template's first data row (row 2)."""
    for row in _ROW.finditer(sheet_text):
        if re.search(r'\sr="2"', row.group()[:80]):
            styles = {}
            for cell in re.finditer(r"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>)", row.group()):
                ref = re.search(r'\sr="([A-Z]+)2"', cell.group(1))
                style = _STYLE.search(cell.group(1))
                if ref and style:
                    styles[ref.group(1)] = style.group(1)
            return styles
    return {}


def filled_sheet(package: Package, sheet: Sheet, table: pd.DataFrame) -> bytes:
    """The Data sheet's XML with its rows below the header replaced by the table."""
    text = package.texts[sheet.part]
    found = _SHEET_DATA.search(text)
    if found is None:
        raise PackageError(f"{package.path}: sheet {sheet.name!r} has no sheetData")
    rows = list(_ROW.finditer(found.group(2) or ""))
    header = next((r.group() for r in rows if re.search(r'\sr="1"', r.group()[:80])), "")
    styles = _styles(text)
    p = re.match(r"<([\w.-]+:)?", found.group(1)).group(1) or ""
    serials = (table["period"].values.astype("datetime64[D]") - _EPOCH).astype(np.int64)
    keys = (pd.Series(table["period"].values).dt.strftime("%Y-%m") + "|"
            + table["code"].str.strip()).tolist()
    out = [header]
    columns = zip(serials.tolist(), table["code"].str.strip().tolist(),
                  table["numerator"].tolist(), table["denominator"].tolist(),
                  table["value"].tolist(), keys, strict=True)
    for offset, values in enumerate(columns):
        r = offset + 2
        cells = "".join(_cell(f"{col}{r}", value, styles.get(col), p)
                        for col, value in zip("ABCDEF", values, strict=True))
        out.append(f'<{p}row r="{r}">{cells}</{p}row>')
    body = "".join(out)
    new = f"{found.group(1)}>{body}</{p}sheetData>"
    text = text[: found.start()] + new + text[found.end():]
    last = len(table) + 1
    text = _DIMENSION.sub(f'<dimension ref="A1:F{max(last, 1)}"/>', text, count=1)
    return text.encode("utf-8")


def population_cell(package: Package) -> tuple[Sheet, tuple[int, int]]:
    """The sheet and (row, column) of the template's ``Population`` name: one constant cell
    the template writes (its Settings sheet)."""
    target = package.defined_names.get("POPULATION", "").strip()
    rect = parse_range(target, "") if target else None
    if rect is None or not rect.sheet or (rect.row1, rect.col1) != (rect.row2, rect.col2):
        raise PackageError(f"{package.path}: the template has no defined name Population "
                           f"naming one cell (it names {target or 'nothing'!r})")
    sheet = next((s for s in package.sheets if s.name.upper() == rect.sheet), None)
    key = (rect.row1, rect.col1)
    if sheet is None or key not in sheet.cells or sheet.cells[key].text is not None:
        raise PackageError(f"{package.path}: Population ({target}) is not a cell holding a "
                           "number the template wrote")
    return sheet, key


def _with_population(package: Package, sheet: Sheet, key: tuple[int, int], text: str,
                     population: float) -> str:
    start, end = sheet.cells[key].span
    kind, value = format_value(float(population))
    return text[:start] + patch_cell(text[start:end], kind, value) + text[end:]


def fill(template: str | Path, table: pd.DataFrame, out: str | Path,
         population: float | None = None) -> Path:
    """Write ``table`` into the template's Data sheet and save ``out`` (atomically); with
    ``population``, set the cell of the template's ``Population`` name to it."""
    package = Package(template)
    sheet = next((s for s in package.sheets if s.name.lower() == DATA_SHEET.lower()), None)
    if sheet is None:
        raise PackageError(f"{package.path}: the template has no {DATA_SHEET!r} sheet for "
                           "the indicator table")
    parts = {sheet.part: filled_sheet(package, sheet, table)}
    if population is not None:
        settings, key = population_cell(package)
        if settings.part == sheet.part:
            raise PackageError(f"{package.path}: Population is on the Data sheet, which "
                               "the indicator table replaces")
        parts[settings.part] = _with_population(
            package, settings, key, package.texts[settings.part], population).encode("utf-8")
    package.save(out, parts)
    return Path(out)
