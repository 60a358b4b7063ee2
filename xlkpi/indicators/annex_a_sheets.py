"""Find and read the list sheets of an Annex A workbook (:mod:`annex_a`) as raw cells.

The workbook's cached cell values are read by calamine (a compiled reader, about fifty
times faster than openpyxl on a list of thousands of rows); it is never written. Each
sheet named like "List 3" / "List_3" / "List 3 - Referrals" is one list; its header row
is the first of the top :data:`HEADER_SCAN_ROWS` rows where the list's identifier heading
and enough of its known headings match (a merged title row may sit above it). Headings
are matched tolerantly (:mod:`annex_a_headings`). A file that is not a readable .xlsx
workbook is refused with a reason (:class:`KpiError`).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from xlkpi.errors import KpiError
from xlkpi.indicators.annex_a_cells import blank_cells
from xlkpi.indicators.annex_a_headings import (
    FIELDS,
    HEADER_SCAN_ROWS,
    LISTS,
    MIN_HEADINGS,
    SHEET_PATTERN,
    Field,
    heading_key,
)

__all__ = ["ListFrame", "Sheet", "header_row", "list_number", "read_lists", "sheet_names",
           "worksheets"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass
class ListFrame:
    """One list as read: raw cell values under field names, and where each row is."""

    number: int
    sheet: str
    #: field name -> heading as written in the workbook
    headings: dict[str, str]
    #: raw values (object), one column per field found
    raw: pd.DataFrame
    #: spreadsheet row number of each record
    rows: np.ndarray
    _where: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    def locators(self) -> np.ndarray:
        """The locator of each record: "List 3 row 7" (made once, a copy each time)."""
        if self._where is None or len(self._where) != len(self.rows):
            self._where = np.asarray(
                list(map(f"List {self.number} row {{}}".format, np.asarray(self.rows).tolist())),
                dtype=object)
        return self._where.copy()


def list_number(sheet: str) -> int | None:
    """The list a sheet name stands for ("List_3 - Referrals" -> 3); ``None`` if none."""
    match = SHEET_PATTERN.match(sheet)
    number = int(match.group(1)) if match else None
    return number if number in LISTS else None


def header_row(rows: list[tuple], number: int) -> tuple[int, dict[int, Field]] | None:
    """(row index, column -> field) of the first row that is the list's header row."""
    fields = FIELDS[number]
    ident = LISTS[number].ident
    for index, row in enumerate(rows):
        found: dict[int, Field] = {}
        for col, cell in enumerate(row):
            key = heading_key(cell)
            field = next((f for f in fields if key and f.matches(key)), None)
            if field and field not in found.values():
                found[col] = field
        names = {f.name for f in found.values()}
        if ident in names and len(names) >= MIN_HEADINGS:
            return index, found
    return None


def _check_file(path: Path) -> None:
    """Refuse what is not an .xlsx workbook, with a reason."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as err:
        raise KpiError(f"{path.name}: cannot open it ({err.strerror})") from None
    if head.startswith(_OLE):
        what = ("an encrypted (password-protected) workbook; remove the password and "
                "save it as .xlsx" if _ENCRYPTED in head else
                "a legacy .xls workbook; save it as .xlsx")
        raise KpiError(f"{path.name}: {what}")
    if not zipfile.is_zipfile(path):
        raise KpiError(f"{path.name}: not an .xlsx workbook (not a zip package, or a "
                       "truncated one)")


def _open(path: Path) -> CalamineWorkbook:
    """The workbook, read by calamine (a compiled reader: cell values only, no styles)."""
    _check_file(path)
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as err:  # a damaged package fails in many ways
        raise KpiError(f"{path.name}: cannot read it as an .xlsx workbook "
                       f"({type(err).__name__})") from None


@dataclass(frozen=True)
class Sheet:
    """One worksheet's cell values, row 1 first (blank rows and columns kept, so row
    numbers are the spreadsheet's)."""

    title: str
    book: CalamineWorkbook

    def rows(self, limit: int | None = None) -> list[tuple]:
        return [_row(row) for row in self.values(limit)]

    def values(self, limit: int | None = None) -> list[list]:
        """The cells as calamine gives them (``""`` for an empty cell). Calamine parses the
        whole sheet even for its top rows, so the sheet a recogniser looks at (``limit``
        given) is kept for the read that follows (:data:`_RECENT`)."""
        key = _key(self)
        cached = _RECENT.get(key) if key else None
        if cached is not None:
            if limit is None:
                del _RECENT[key]  # the read takes them
            return cached[:limit]
        values = self.book.get_sheet_by_name(self.title).to_python(skip_empty_area=False)
        if limit is not None and key:
            _RECENT.clear()
            _RECENT[key] = values
        return values[:limit]


#: (file, its modification time and size, sheet) -> the cells of the last sheet a
#: recogniser looked at: one sheet at most, dropped when read or when another is kept
_RECENT: dict[tuple, list[list]] = {}


def _key(sheet: Sheet) -> tuple | None:
    """What the sheet's cells depend on: the file, its time and size, and the CRC of every
    part of the package (read from its central directory, no part opened)."""
    try:
        path = Path(sheet.book.path)
        stat = path.stat()
        with zipfile.ZipFile(path) as package:
            parts = tuple((info.filename, info.CRC) for info in package.infolist())
    except (TypeError, OSError, zipfile.BadZipFile):  # a workbook not from a file
        return None
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size, parts, sheet.title)


def _row(values: list) -> tuple:
    return tuple(None if v == "" else v for v in values)


def worksheets(book: CalamineWorkbook) -> list[Sheet]:
    """Every worksheet of the workbook, in workbook order."""
    return [Sheet(name, book) for name in book.sheet_names]


def sheet_names(path: Path) -> list[str]:
    """Sheet names from the package's workbook part (no cells read)."""
    with zipfile.ZipFile(path) as package:
        text = package.read("xl/workbook.xml")[:1_000_000].decode("utf-8", "replace")
    return [_unescape(n) for n in re.findall(r"<(?:\w+:)?sheet\b[^>]*\bname=\"([^\"]*)\"",
                                              text)]


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _cell(value: object) -> object:
    """A cell as read, with whole floats as ints (an ID 1001.0 is 1001)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: :func:`pandas.api.types.infer_dtype` answers for cells that hold no float
_NO_FLOATS = ("string", "empty", "integer", "boolean", "datetime", "date", "time")


def _column(cells: np.ndarray) -> np.ndarray:
    """One column's cells as :meth:`Sheet.rows` and :func:`_cell` make them: ``""`` is
    ``None``, a whole float an int."""
    cells = np.where(cells == "", None, cells)
    if pd.api.types.infer_dtype(cells, skipna=True) in _NO_FLOATS:
        return cells
    return np.fromiter(map(_cell, cells), dtype=object, count=len(cells))


def _body(values: list[list], columns: dict[int, Field]) -> dict[str, np.ndarray]:
    """The records' cells of each field's column (cut or padded to the header's width)."""
    width = max(columns) + 1
    widths = set(map(len, values))
    if len(widths) == 1 and min(widths) >= width:  # calamine's rectangle: one C copy
        grid = np.array(values, dtype=object).reshape(len(values), -1)
        return {f.name: _column(grid[:, c]) for c, f in columns.items()}
    cells = [_row(row[:width]) + (None,) * (width - len(row[:width])) for row in values]
    return {f.name: np.asarray([_cell(r[c]) for r in cells] + [None], dtype=object)[:-1]
            for c, f in columns.items()}


def _read_sheet(sheet: Sheet, number: int, file: str) -> ListFrame | None:
    """The list's records; ``None`` for an empty sheet. Raises on a sheet with no header."""
    values = sheet.values()
    found = header_row([_row(row) for row in values[:HEADER_SCAN_ROWS]], number)
    if found is None:
        rows = [_row(row) for row in values]
        if blank_cells(pd.Series([v for row in rows for v in row], dtype=object)).all():
            return None
        raise KpiError(f"{file}: sheet {sheet.title!r} has no heading row for List {number} "
                       f"({LISTS[number].title}) in its first {HEADER_SCAN_ROWS} rows")
    index, columns = found
    names = {f.name for f in columns.values()}
    for name in LISTS[number].required:
        if name not in names:
            field_ = next(f for f in FIELDS[number] if f.name == name)
            raise KpiError(f"{file}: sheet {sheet.title!r} (List {number}) has no "
                           f"{field_.aliases[0]!r} heading")
    body = values[index + 1:]
    raw = pd.DataFrame(_body(body, columns), dtype=object)
    numbers = np.arange(index + 2, index + 2 + len(body))
    candidates = np.arange(len(body))  # a record is blank when every cell is: mostly
    for name in raw:                   # decided by its first
        if not len(candidates):
            break
        candidates = candidates[blank_cells(raw[name].iloc[candidates])]
    blank = np.zeros(len(body), dtype=bool)
    blank[candidates] = True
    header = _row(values[index])
    headings = {f.name: str(header[c]).strip() for c, f in columns.items()}
    return ListFrame(number, sheet.title, headings, raw[~blank].reset_index(drop=True),
                     numbers[~blank])


def read_lists(path: Path) -> dict[int, ListFrame]:
    """Every list sheet of the workbook, keyed by list number (the first sheet of a number
    wins). Raises :class:`KpiError` for a file that is not a readable Annex A workbook."""
    path = Path(path)
    book = _open(path)
    try:
        found: dict[int, ListFrame] = {}
        for sheet in worksheets(book):
            number = list_number(sheet.title)
            if number is None or number in found:
                continue
            frame = _read_sheet(sheet, number, path.name)
            if frame is not None:
                found[number] = frame
    except KpiError:
        raise
    except Exception as err:
        raise KpiError(f"{path.name}: cannot read its cells ({type(err).__name__})") from None
    if not found and not _any_list(path):
        raise KpiError(f"{path.name}: no Annex A list sheets (List 1 ... List 11)")
    return found


def _any_list(path: Path) -> bool:
    try:
        return any(list_number(n) for n in sheet_names(path))
    except Exception:
        return False
