"""Excel's answers, read independently of the engine: every formula cell and the value
Excel cached for it, through openpyxl (never through ``xlkpi.workbook.package``).

A cell's formula decides which functions and constructs it counts under in the report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "Error", "Expected", "Oracle", "constructs", "expected_cells", "functions_in",
    "is_volatile", "same",
]

#: Functions whose value changes between calculations: never compared.
VOLATILE = frozenset({"TODAY", "NOW", "RAND", "RANDBETWEEN", "RANDARRAY", "INFO", "CELL"})
_FUNCTION = re.compile(r"(?<![\w.])((?:_xlfn\.|_xlws\.|_xludf\.)*[A-Za-z][\w.]*)\(")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_THREE_D = re.compile(r"(?:^|[^\w.'])(?:'[^']+'|[\w.]+):(?:'[^']+'|[\w.]+)!")


@dataclass(frozen=True)
class Expected:
    """One formula cell: where, its formula, and Excel's cached value."""

    sheet: str
    cell: str
    formula: str
    value: Any  # float, str, bool, None, or Error

    @property
    def key(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class Error:
    """An Excel error value (``#N/A``) as Excel cached it."""

    code: str


Oracle = dict[str, Expected]

#: Each workbook's defined names (NAME -> definition), read with its cells.
NAMES: dict[str, dict[str, str]] = {}


def functions_in(formula: str) -> set[str]:
    """The Excel functions a formula calls, without ``_xlfn.`` prefixes (upper case)."""
    text = _STRING.sub('""', formula)
    return {re.sub(r"^(?:_XLFN\.|_XLWS\.|_XLUDF\.)+", "", name.upper())
            for name in _FUNCTION.findall(text)}


def constructs(formula: str, array: bool) -> set[str]:
    """The syntax a formula relies on beyond plain calls and A1 references."""
    text = _STRING.sub('""', formula)
    found = set()
    if "[" in text:
        found.add("structured reference")
    if _THREE_D.search(text):
        found.add("3-D reference")
    if "!" in text:
        found.add("other sheet")
    if array:
        found.add("array formula")
    if "#" in text.replace("#REF!", "").replace("#N/A", "").replace("#VALUE!", ""):
        found.add("spill reference")
    if "{" in text:
        found.add("array constant")
    if re.search(r"(?<![\w.$])\$?[A-Z]{1,3}:\$?[A-Z]{1,3}(?![\w(])", text):
        found.add("whole column")
    return found


def _cached(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "e":
        return Error(str(value))
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        from openpyxl.utils.datetime import to_excel

        return float(to_excel(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and "_x" in value:  # Excel's escapes for control characters
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def expected_cells(path: Path) -> Oracle:
    """Every formula cell of the workbook with the value Excel cached (array formulas
    count each cell of their range)."""
    import openpyxl
    from openpyxl.utils import range_boundaries
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    formulas = openpyxl.load_workbook(path, data_only=False)
    values = openpyxl.load_workbook(path, data_only=True)
    out: Oracle = {}
    names = {name.upper(): d.attr_text for name, d in formulas.defined_names.items()}
    for sheet in formulas.worksheets:
        names.update({name.upper(): d.attr_text for name, d in sheet.defined_names.items()})
    NAMES[str(path)] = names
    for sheet in formulas.worksheets:
        cached = values[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                raw = cell.value
                if isinstance(raw, DataTableFormula):
                    continue
                if isinstance(raw, ArrayFormula):
                    text = (raw.text or "").lstrip("=")
                    c1, r1, c2, r2 = range_boundaries(raw.ref)
                    for r in range(r1, r2 + 1):
                        for c in range(c1, c2 + 1):
                            target = cached.cell(r, c)
                            out[f"{sheet.title}!{target.coordinate}"] = Expected(
                                sheet.title, target.coordinate, "{=" + text + "}",
                                _cached(target))
                elif isinstance(raw, str) and cell.data_type == "f":
                    target = cached[cell.coordinate]
                    out.setdefault(f"{sheet.title}!{cell.coordinate}", Expected(
                        sheet.title, cell.coordinate, raw.lstrip("="), _cached(target)))
    return out


def same(expected: Any, computed: Any) -> bool:
    """Excel's cached value and a computed one agree: numbers to 1e-9 relative (Excel
    keeps 15 significant digits), text, booleans and error codes exactly; a blank and
    empty text are the same."""
    if isinstance(expected, Error) or isinstance(computed, Error):
        return (isinstance(expected, Error) and isinstance(computed, Error)
                and expected.code == computed.code)
    if expected in (None, "") and computed in (None, ""):
        return True
    if isinstance(expected, bool) or isinstance(computed, bool):
        return type(expected) is type(computed) and expected == computed
    if isinstance(expected, float) and isinstance(computed, float):
        return abs(expected - computed) <= max(1e-9 * abs(expected), 1e-12)
    return type(expected) is type(computed) and expected == computed


def is_volatile(formula: str) -> bool:
    return bool(functions_in(formula) & VOLATILE)
