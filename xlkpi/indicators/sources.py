"""Any mix of returns to one extract: recognise each file, read it, stitch the years, and
pick the best source for every table.

- Recognised by content: each reader's ``recognise`` (the CIN census by its XML root, the
  903 by its CSV header sets or XML root, Annex A by its list sheets and headings); xlkpi's
  own CSV layout by its file names inside a folder. A folder given as a source is searched
  (with its subfolders) for files of every kind.
- Years stitched: readings of the same return are combined table by table, oldest year
  first, and a record repeated in a later year's file (same :data:`tables.KEYS`) keeps the
  later row, as the sector drops 903 repeats on CHILD+DECOM. A reader's ``derive`` then runs
  on the combined tables (periods of care from all years' episodes).
- Best source: each table comes from the first return in :data:`PREFERENCE` that holds
  it. The statutory returns hold the full history and are validated by the DfE; the CSV
  layout is the council's own extract; Annex A holds only 12 months and the latest visit
  or review per child.
- Dates a working-day count needs outside the calendar (2000-2040) leave their record out
  (finding ``outside_calendar``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

from xlkpi.calendar import FIRST_YEAR, LAST_YEAR
from xlkpi.errors import KpiError
from xlkpi.indicators.counting import WORKING_DAYS, load_rules
from xlkpi.indicators.definitions import INDICATORS
from xlkpi.indicators.loader import Extract, Table
from xlkpi.indicators.reading import Finding, Reading
from xlkpi.indicators.tables import BREAKDOWNS, DERIVED, KEYS, TABLES, merge_children

__all__ = ["PREFERENCE", "READERS", "Combined", "Recognised", "affected_indicators",
           "combine", "read_extract", "read_sources", "reader", "recognise", "scan"]

#: return label -> reader module, in the order files are offered to them
READERS: dict[str, str] = {
    "CIN census": "xlkpi.indicators.cin_census",
    "SSDA903": "xlkpi.indicators.ssda903",
    "Annex A": "xlkpi.indicators.annex_a",
    "extract": "xlkpi.indicators.loader",
}
#: which return a table is taken from when several hold it, best first
PREFERENCE = ("CIN census", "SSDA903", "extract", "Annex A")

_CAL_FIRST = np.datetime64(f"{FIRST_YEAR}-01-01", "D")
_CAL_LAST = np.datetime64(f"{LAST_YEAR}-12-31", "D")
_SKIPPED_NAMES = (".", "~$")  # hidden files and Office owner files


def reader(kind: str) -> ModuleType | None:
    """The reader module of a return (``None`` while it is not installed)."""
    try:
        return importlib.import_module(READERS[kind])
    except ModuleNotFoundError as err:
        if err.name == READERS[kind]:
            return None
        raise


@dataclass(frozen=True)
class Recognised:
    """One path given or found, and what it was recognised as (``kind`` ``None``: not)."""

    path: Path
    kind: str | None
    why: str = ""


def recognise(path: Path) -> str | None:
    """The return ``path`` holds, by content; ``None`` when it is none of them."""
    for kind in READERS:
        module = reader(kind)
        if module is not None and module.recognise(path):
            return kind
    return None


def _unrecognised(path: Path) -> str:
    """Why a file is not read, in words an analyst understands."""
    suffix = path.suffix.lower()
    if suffix == ".xsd":
        return "an XML schema, not a return"
    if suffix == ".xls":
        return "a legacy .xls workbook; save it as .xlsx"
    return ("not a CIN census, a 903 file, an Annex A workbook or a folder of xlkpi's CSV "
            "layout")


def scan(paths: Iterable[Path]) -> list[Recognised]:
    """Every path given, folders searched: what each file is (or why it is not read)."""
    found: list[Recognised] = []
    for path in paths:
        if not path.exists():
            raise KpiError(f"{path}: no such file or folder")
        if path.is_dir():
            layout = recognise(path) == "extract"
            if layout:
                found.append(Recognised(path, "extract"))
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith(_SKIPPED_NAMES) or (
                        layout and child.parent == path and child.stem in TABLES):
                    continue
                kind = recognise(child)
                found.append(Recognised(child, kind, "" if kind else _unrecognised(child)))
        else:
            kind = recognise(path)
            found.append(Recognised(path, kind, "" if kind else _unrecognised(path)))
    return found


@dataclass
class Combined:
    """What ``xlkpi indicators`` computes from: the extract and how it was made."""

    extract: Extract
    readings: list[Reading]
    findings: list[Finding] = field(default_factory=list)
    #: table name -> the return it was taken from
    chosen: dict[str, str] = field(default_factory=dict)
    #: files found in folders that are none of the returns (path, why)
    skipped: list[Recognised] = field(default_factory=list)

    def used(self) -> str:
        """Which return each table came from, grouped: ``CIN census (referrals, ...); ...``."""
        by_kind: dict[str, list[str]] = {}
        for table, kind in self.chosen.items():
            by_kind.setdefault(kind, []).append(table)
        return "; ".join(f"{kind} ({', '.join(tables)})" for kind, tables in by_kind.items())


@dataclass
class _Origin:
    """Where each row of a stitched table came from, located only when a finding needs it."""

    table: str
    parts: list[Reading]
    starts: np.ndarray  # first combined position of each part
    rows: np.ndarray  # combined position of each kept row

    def __call__(self, row: int) -> tuple[str, str]:
        """(file, locator) of one row."""
        position = int(self.rows[row])
        part = int(np.searchsorted(self.starts, position, side="right")) - 1
        reading, local = self.parts[part], position - int(self.starts[part])
        located = reading.locators.get(self.table)
        where = str(located[local]) if located is not None else \
            f"{self.table} record {local + 1}"
        return reading.table_files.get(self.table, reading.file), where


def _stitched(readings: list[Reading]) -> tuple[dict[str, pd.DataFrame], dict[str, _Origin]]:
    """One return's readings combined table by table, later years winning repeats."""
    ordered = sorted(readings, key=lambda r: (r.years[-1] if r.years else "", r.file))
    frames: dict[str, pd.DataFrame] = {}
    origins: dict[str, _Origin] = {}
    for name in dict.fromkeys(n for r in ordered for n in r.frames):
        parts = [r for r in ordered if name in r.frames]
        sizes = [len(r.frames[name]) for r in parts]
        frame = pd.concat([r.frames[name] for r in parts], ignore_index=True)
        rows = np.arange(len(frame))
        if name == "children":  # one row per child, whichever files gave a part of it
            frame, rows = merge_children(frame), np.array([], dtype=np.int64)
        elif len(parts) > 1:
            keep = ~frame.duplicated(list(KEYS[name]), keep="last").to_numpy()
            frame, rows = frame[keep].reset_index(drop=True), rows[keep]
        frames[name] = frame
        origins[name] = _Origin(name, parts, np.cumsum([0, *sizes[:-1]]), rows)
    return frames, origins


def _working_day_columns() -> dict[str, dict[str, str]]:
    """table -> {date column working days are counted over: the column that closes it
    ("" for always)}, as each kind declares (:data:`~xlkpi.indicators.counting.WORKING_DAYS`):
    ``span`` kinds count from start to end; ``open_start`` kinds count due dates from the
    start of episodes open within the calendar."""
    load_rules()
    out: dict[str, dict[str, str]] = {}
    for ind in INDICATORS.values():
        columns = out.setdefault(ind.source, {})
        counts = WORKING_DAYS.get(ind.kind)
        if counts == "span":
            columns.update({c: "" for c in (ind.start, ind.end) if c})
        elif counts == "open_start":
            columns.setdefault(ind.start, ind.end)
    return out


def _in_calendar(name: str, frame: pd.DataFrame,
                 locate: Callable[[int], tuple[str, str]],
                 kind: str) -> tuple[pd.DataFrame, list[Finding]]:
    """Records whose working-day dates are inside the calendar; findings for the rest.

    An episode that closed before the calendar starts is never counted, so a long
    history stays readable: only episodes open on or after its first day need a start
    inside it.
    """
    findings: list[Finding] = []
    out = np.zeros(len(frame), dtype=bool)
    for col, closing in sorted(_working_day_columns().get(name, {}).items()):
        days = frame[col].to_numpy().astype("datetime64[D]")
        bad = (days < _CAL_FIRST) | (days > _CAL_LAST)
        if closing:
            end = frame[closing].to_numpy().astype("datetime64[D]")
            bad &= np.isnat(end) | (end > _CAL_FIRST)
        bad &= ~out
        findings.extend(Finding(*locate(int(i)), col, "outside_calendar", "", (name,), kind)
                        for i in np.flatnonzero(bad))
        out |= bad
    return frame[~out].reset_index(drop=True), findings


def _table(name: str, frame: pd.DataFrame, kind: str) -> Table:
    """A normalised frame as the engine's columnar table."""
    children, ids = pd.factorize(frame["child_id"].to_numpy(dtype=object))
    columns = TABLES[name]
    dates = {col: frame[col].to_numpy().astype("datetime64[D]")
             for col, k in columns.items() if k == "date"}
    groups = {col: frame[col].to_numpy(dtype=object) for col in BREAKDOWNS
              if col in frame and (frame[col] != "").any()}
    values = {col: frame[col].to_numpy() for col, k in columns.items()
              if k in ("text", "bool", "int") and col in frame}
    return Table(name, children.astype(np.int64), dates, groups, np.asarray(ids, dtype=object),
                 kind, values)


def combine(readings: list[Reading]) -> Combined:
    """The extract from readings of any returns: stitched, derived, best source per table."""
    by_kind: dict[str, list[Reading]] = {}
    for reading in readings:
        by_kind.setdefault(reading.kind, []).append(reading)
    findings = [f for r in readings for f in r.findings]
    tables: dict[str, Table] = {}
    chosen: dict[str, str] = {}
    every: dict[str, dict[str, pd.DataFrame]] = {}  # return -> its stitched tables
    for kind in PREFERENCE:
        if kind not in by_kind:
            continue
        frames, origins = _stitched(by_kind[kind])
        every[kind] = frames
        locate: dict[str, Callable[[int], tuple[str, str]]] = dict(origins)
        derive: Callable | None = getattr(reader(kind), "derive", None)
        if derive is not None:
            for name, frame in derive(frames).items():
                frames[name] = frame
                files = ", ".join(sorted({r.file for r in by_kind[kind]}))
                locate[name] = lambda row, name=name, files=files: (
                    files, f"{name} record {row + 1} (derived)")
        for name, frame in frames.items():
            if name in tables:
                continue
            kept, outside = _in_calendar(name, frame, locate[name], kind)
            findings.extend(outside)
            tables[name] = _table(name, kept, kind)
            chosen[name] = kind
    everyone = [r.frames["children"] for kind in PREFERENCE for r in by_kind.get(kind, ())
                if "children" in r.frames]
    if len(everyone) > 1:  # a child's details from every return, the preferred first
        tables["children"] = _table("children", merge_children(
            pd.concat(everyone, ignore_index=True)), chosen["children"])
    for name, table in tables.items():
        _join_breakdowns(name, table, {k: f[name] for k, f in every.items()
                                       if k != table.source and name in f})
    return Combined(Extract(tables), readings, findings, chosen)


def _join_breakdowns(name: str, table: Table, others: dict[str, pd.DataFrame]) -> None:
    """A team or area the chosen return does not hold, taken from another return holding
    the same record (same :data:`~xlkpi.indicators.tables.KEYS`): Annex A's "Allocated
    Team" for the CIN census's referrals and the 903's periods of care. A record no other
    return holds stays blank."""
    keys = list(KEYS.get(name, ()))
    if not len(table) or not keys or any(table.dates.get(c) is None for c in keys[1:]):
        return
    own = pd.DataFrame({"child_id": table.ids[table.children],
                        **{c: table.dates[c] for c in keys[1:]}})
    for column in ("team", "area"):
        if column in table.groups:
            continue
        donors = [f[[*keys, column]] for f in others.values()
                  if column in f and (f[column] != "").any()]
        if not donors:
            continue
        donor = pd.concat(donors, ignore_index=True)
        donor = donor[donor[column] != ""].drop_duplicates(keys)
        for c in keys[1:]:
            donor[c] = donor[c].to_numpy().astype("datetime64[D]")
        found = own.merge(donor, how="left", on=keys)[column].fillna("")
        if (found != "").any():
            table.groups[column] = found.to_numpy(dtype=object)


def read_sources(paths: Iterable[Path],
                 progress: Callable[[Path, str], None] | None = None) -> Combined:
    """Read every return found in ``paths`` and combine them.

    A path given directly that is not a return is an error; files in a folder that are
    not returns are skipped and listed in ``Combined.skipped``.
    """
    paths = [Path(p) for p in paths]
    found = scan(paths)
    given = {p.resolve() for p in paths}
    for item in found:
        if item.kind is None and item.path.resolve() in given:
            raise KpiError(f"{item.path.name}: {item.why}")
    readings = []
    for item in found:
        if item.kind is None:
            continue
        if progress is not None:
            progress(item.path, item.kind)
        module = reader(item.kind)
        readings.append(module.read(item.path))
    if not readings:
        raise KpiError(f"{', '.join(str(p) for p in paths)}: no returns found (a CIN census "
                       "XML, 903 files, an Annex A workbook or a folder of xlkpi's CSV "
                       "layout)")
    combined = combine(readings)
    combined.skipped = [item for item in found if item.kind is None]
    return combined


def read_extract(directory: Path) -> Extract:
    """xlkpi's CSV layout in ``directory``, refusing any record with an error (strict)."""
    combined = read_sources([Path(directory)])
    if combined.findings:
        raise KpiError(combined.findings[0].message())
    return combined.extract


def affected_indicators(tables: Iterable[str]) -> list[str]:
    """Codes of the indicators that read any of ``tables`` or a table derived from them."""
    wanted = set(tables)
    wanted |= {d for t in tuple(wanted) for d in DERIVED.get(t, ())}
    return [code for code, ind in INDICATORS.items() if wanted & set(ind.files)]
