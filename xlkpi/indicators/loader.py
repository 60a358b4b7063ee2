"""xlkpi's own CSV layout: a folder of ``<table>.csv`` files, one per normalised table.

The layout is the one source recognised by file names (``referrals.csv``, ``cp_plans.csv``...:
several tables share a header, so content alone cannot tell them apart). A file that cannot
be read as the table (no header, a duplicate or missing column) is a
:class:`~xlkpi.errors.KpiError`; a record with a bad value is left out and becomes a
:class:`~xlkpi.indicators.reading.Finding` located by its spreadsheet row (row 1 is the
header, row 2 the first record). Dates are ISO ``yyyy-mm-dd`` or UK ``dd/mm/yyyy``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from xlkpi.errors import KpiError
from xlkpi.indicators.definitions import SOURCES, Source
from xlkpi.indicators.quality import Checks, parse_days
from xlkpi.indicators.reading import Reading
from xlkpi.indicators.tables import BREAKDOWNS, conform

__all__ = ["HEADER_ROW", "ID_COLUMN", "Extract", "Table", "read", "read_table", "recognise"]

ID_COLUMN = "child_id"
#: Spreadsheet row number of the header; the first record is HEADER_ROW + 1.
HEADER_ROW = 1


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
    #: the return the table came from (``CIN census``, ``SSDA903``, ``Annex A``, ``extract``)
    source: str = "extract"
    #: the table's text, flag and number columns (``nfa``, ``previous_plans``, codes), in
    #: row order
    values: dict[str, np.ndarray] = field(default_factory=dict)

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


def _findings(source: Source, frame: pd.DataFrame, path: Path) -> tuple[
        dict[str, np.ndarray], np.ndarray, Checks]:
    """Each column parsed; the rows a rule fails recorded and marked to be left out."""
    rows = frame.index.to_numpy()
    checks = Checks("extract", path.name, lambda where: [f"row {_row(int(rows[i]))}"
                                                         for i in where])
    out = (frame[ID_COLUMN] == "").to_numpy().copy()
    checks.add(out, ID_COLUMN, "required_blank", (source.name,))
    dates = {}
    for col in source.dates:
        days, bad = parse_days(frame[col].to_numpy(dtype=object))
        out |= checks.add(bad, col, "not_a_date", (source.name,), frame[col])
        dates[col] = days
    for col in source.required_dates:
        out |= checks.add(np.isnat(dates[col]) & ~out, col, "required_blank", (source.name,))
    for start, end in source.ordered:
        backwards = dates[end] < dates[start]  # NaT compares False: open rows pass
        out |= checks.add(backwards & ~out, end, "end_before_start", (source.name,),
                          frame[end])
    return dates, out, checks


def read_table(path: Path, source: Source) -> tuple[pd.DataFrame, list, np.ndarray]:
    """One layout file: its records (rows with an error left out), the findings, and the
    ``row N`` locator of each record kept."""
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
    cells = frame[[ID_COLUMN, *source.dates]].to_numpy(dtype=object)
    blank_line = (cells == "").all(axis=1)
    frame = frame[~blank_line]  # blank lines dropped; the rest keep their row numbers
    dates, out, checks = _findings(source, frame, path)
    kept = frame[~out]
    records = pd.DataFrame({ID_COLUMN: kept[ID_COLUMN].to_numpy(dtype=object)})
    for col, days in dates.items():
        records[col] = days[~out]
    for col in BREAKDOWNS:
        if col in kept:
            records[col] = kept[col].to_numpy(dtype=object)
    locators = np.array([f"row {_row(int(i))}" for i in kept.index], dtype=object)
    return records, checks.findings, locators


def recognise(path: Path) -> bool:
    """A folder holding at least one file of xlkpi's own CSV layout (``referrals.csv``...)."""
    return path.is_dir() and any((path / s.file).is_file() for s in SOURCES.values())


def read(directory: Path) -> Reading:
    """Every layout file in ``directory`` as normalised tables (the ``extract`` source)."""
    if not directory.is_dir():
        raise KpiError(f"{directory}: not a directory of extract files")
    reading = Reading("extract", directory.name)
    for name, source in SOURCES.items():
        path = directory / source.file
        if not path.is_file():
            continue
        frame, findings, locators = read_table(path, source)
        reading.frames[name] = conform(name, frame)
        reading.findings.extend(findings)
        reading.locators[name] = locators
        reading.table_files[name] = path.name
    if not reading.frames:
        raise KpiError(f"{directory}: no extract files found; expected one or more of "
                       f"{', '.join(s.file for s in SOURCES.values())}")
    return reading
