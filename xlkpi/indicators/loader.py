"""Reading case-level extracts: one CSV per source, checked before anything is counted.

Every problem is a :class:`~xlkpi.errors.KpiError` whose message names the file, the row
(row 1 is the header, row 2 the first record, as a spreadsheet numbers them) and the
column. Messages never quote a child's identifier: a bad value that is also an identifier
in the same file is described, not shown.

ISO ``yyyy-mm-dd`` dates take a fast path (pandas' fixed-format parser); anything else in
the column (UK ``dd/mm/yyyy``, a time part, rubbish) goes through :func:`xlkpi.dates.parse_dates`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from xlkpi.calendar import FIRST_YEAR, LAST_YEAR
from xlkpi.dates import FIRST_DATE, describe_element, parse_dates
from xlkpi.errors import KpiError
from xlkpi.indicators.definitions import INDICATORS, SOURCES, Source
from xlkpi.privacy import shown_value

__all__ = ["BREAKDOWNS", "HEADER_ROW", "ID_COLUMN", "Extract", "Table", "read_extract",
           "read_table"]

#: Optional columns that give a breakdown (seed 000 reports by area, seed 001 by agency).
BREAKDOWNS = ("team", "area", "source")
ID_COLUMN = "child_id"
#: Spreadsheet row number of the header; the first record is HEADER_ROW + 1.
HEADER_ROW = 1
_CAL_FIRST = np.datetime64(f"{FIRST_YEAR}-01-01", "D")
_CAL_LAST = np.datetime64(f"{LAST_YEAR}-12-31", "D")
_WORKING_DAY_KINDS = ("timely", "overdue_open")
#: kinds that count working days from the start of rows open at a month end
_OPEN_START_KINDS = ("reviewed",)


@dataclass
class Table:
    """One extract, parsed: child codes, date columns as days, breakdown text columns."""

    file: str
    children: np.ndarray
    dates: dict[str, np.ndarray]
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    #: the identifier behind each child code (``ids[code]``), to match children across
    #: files; kept in memory only, never shown
    ids: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))

    def __len__(self) -> int:
        return len(self.children)


@dataclass
class Extract:
    """The extract files found in a directory, keyed by file name."""

    tables: dict[str, Table]

    def __contains__(self, file: str) -> bool:
        return file in self.tables


def _row(position: int) -> int:
    return position + HEADER_ROW + 1


def _header(path: Path) -> list[str]:
    """The header row, normalised (trimmed, lower case); rejects empty and duplicates."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        raise KpiError(f"{path.name}: cannot read it as UTF-8 text") from None
    except OSError as err:
        raise KpiError(f"{path.name}: cannot open it ({err.strerror})") from None
    names = [name.strip().lower() for name in first or []]
    if not any(names):
        raise KpiError(f"{path.name}, row {HEADER_ROW}: empty file (no header row)")
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise KpiError(f"{path.name}, row {HEADER_ROW}, column {name or position}: "
                           "duplicate header")
        seen.add(name)
    return names


def _calendar_columns(source: Source) -> set[str]:
    """Date columns that working days are counted over (they must be in the calendar)."""
    return {
        col
        for ind in INDICATORS.values()
        if ind.source == source.name and ind.kind in _WORKING_DAY_KINDS
        for col in (ind.start, ind.end)
    }


def _open_start_columns(source: Source) -> set[tuple[str, str]]:
    """(start, end) pairs whose start is counted in working days when the row is open.

    Only rows open on or after the calendar's first day need a start in the calendar: an
    old closed episode is never counted, so a long history stays readable.
    """
    return {
        (ind.start, ind.end)
        for ind in INDICATORS.values()
        if ind.source == source.name and ind.kind in _OPEN_START_KINDS
    }


def _shown(value: str, ids: pd.Series) -> str:
    """A cell value for a message, unless it could identify a child (then described)."""
    if value and (ids == value).any():
        return "a value that looks like an identifier"
    return shown_value(value)


def _parse(text: pd.Series, column: str, file: str, ids: pd.Series) -> np.ndarray:
    """A text column as days (NaT for blanks), naming the first bad row on failure."""
    fast = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").to_numpy()
    days = fast.astype("datetime64[D]")
    where = np.flatnonzero(np.isnat(days))
    if len(where):
        raw = text.to_numpy(dtype=object)[where]
        where, raw = where[raw != ""], raw[raw != ""]  # blanks stay NaT
    if len(where):
        try:
            days[where] = parse_dates(raw, column)
        except KpiError as err:
            mask = np.zeros(len(text), dtype=bool)
            mask[where[err.mask]] = True
            raise _bad_rows(file, column, text, mask, ids, "is not a date") from None
    early = days < FIRST_DATE  # NaT compares False
    if early.any():
        raise _bad_rows(file, column, text, early, ids, "is not a date")
    return days


def _bad_rows(file: str, column: str, text: pd.Series, mask: np.ndarray, ids: pd.Series,
              why: str) -> KpiError:
    where, count = describe_element(mask)
    position = where[0] if where else 0
    value = text.iloc[position]
    more = f" ({count} bad values in this column)" if count > 1 else ""
    return KpiError(f"{file}, row {_row(int(text.index[position]))}, column {column}: "
                    f"{_shown(value, ids)} {why}{more}")


def _check_rows(source: Source, frame: pd.DataFrame, dates: dict[str, np.ndarray],
                blank_id: np.ndarray) -> None:
    ids = frame[ID_COLUMN]
    if blank_id.any():
        raise _bad_rows(source.file, ID_COLUMN, ids, blank_id, ids,
                        "is blank; every row needs an identifier")
    for col in source.required_dates:
        blank = np.isnat(dates[col])
        if blank.any():
            raise _bad_rows(source.file, col, frame[col], blank, ids,
                            "is blank; a date is required")
    for col in _calendar_columns(source):
        out = (dates[col] < _CAL_FIRST) | (dates[col] > _CAL_LAST)
        if out.any():
            raise _bad_rows(source.file, col, frame[col], out, ids,
                            f"is outside the working-day calendar ({FIRST_YEAR}-{LAST_YEAR})")
    for start, end in _open_start_columns(source):
        still_open = np.isnat(dates[end]) | (dates[end] > _CAL_FIRST)
        out = still_open & (dates[start] < _CAL_FIRST)
        if out.any():
            raise _bad_rows(source.file, start, frame[start], out, ids,
                            f"is outside the working-day calendar ({FIRST_YEAR}-{LAST_YEAR}) "
                            "in an episode open within it")
    for start, end in source.ordered:
        backwards = dates[end] < dates[start]  # NaT compares False: open rows pass
        if backwards.any():
            first = int(np.flatnonzero(backwards)[0])
            raise _bad_rows(source.file, end, frame[end], backwards, ids,
                            f"is before {start} {frame[start].iloc[first]!r}")


def read_table(path: Path, source: Source) -> Table:
    """Read and check one extract file against its :class:`Source` declaration."""
    names = _header(path)
    missing = [col for col in source.columns if col not in names]
    if missing:
        raise KpiError(f"{path.name}, row {HEADER_ROW}: missing required column "
                       f"{missing[0]!r}")
    wanted = set(source.columns) | set(BREAKDOWNS)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            skip_blank_lines=False,
                            usecols=lambda name: name.strip().lower() in wanted)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        reason = type(err).__name__
        raise KpiError(f"{path.name}: cannot read it as CSV ({reason})") from None
    frame.columns = [name.strip().lower() for name in frame.columns]
    frame = frame.fillna("")
    blank_id = (frame[ID_COLUMN] == "").to_numpy()
    dates = {col: _parse(frame[col], col, path.name, frame[ID_COLUMN]) for col in source.dates}
    blank_line = blank_id & np.logical_and.reduce([np.isnat(d) for d in dates.values()])
    if blank_line.any():  # blank lines are dropped but keep the row numbers of the rest
        frame, blank_id = frame[~blank_line], blank_id[~blank_line]
        dates = {col: days[~blank_line] for col, days in dates.items()}
    _check_rows(source, frame, dates, blank_id)
    children, ids = pd.factorize(frame[ID_COLUMN].to_numpy())
    groups = {col: frame[col].to_numpy(dtype=object) for col in BREAKDOWNS if col in frame}
    return Table(path.name, children, dates, groups, np.asarray(ids, dtype=object))


def read_extract(directory: Path) -> Extract:
    """Every extract file present in ``directory`` (at least one must be)."""
    if not directory.is_dir():
        raise KpiError(f"{directory}: not a directory of extract files")
    tables = {
        name: read_table(directory / source.file, source)
        for name, source in SOURCES.items()
        if (directory / source.file).is_file()
    }
    if not tables:
        raise KpiError(f"{directory}: no extract files found; expected one or more of "
                       f"{', '.join(s.file for s in SOURCES.values())}")
    return Extract(tables)
