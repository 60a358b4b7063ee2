"""Reader for the DfE SSDA903 looked-after children return: CSV files or the XML form.

:func:`recognise` knows a 903 file by content only: a CSV whose header row is one of the
903 header sets (:data:`~xlkpi.indicators.ssda903_layout.LAYOUTS`; case, spaces, a BOM
and extra columns tolerated), or XML whose root is ``EXPSSDA903``. :func:`read` reads one
file into the normalised tables it holds: header -> ``children``; uasc -> ``children``
(``uasc`` True); episodes -> ``episodes``; reviews -> ``cla_reviews``; oc2 -> ``health``;
oc3 -> ``care_leavers``; ad1 -> ``adoptions`` (DATE_INT -> ``decision_date``, DATE_MATCH
-> ``match_date``); placed_for_adoption -> ``placed_for_adoption``; missing -> ``missing``.
previous_permanence, sw_episodes (2024 on) and DoLo (2026 on) are recognised and checked
but feed no table yet. The XML form gives all of these from one file.

Text is UTF-8 (BOM or not), else Windows-1252; CRLF or LF; dates ``dd/mm/yyyy`` (ISO
accepted). Locators: ``line N`` (the physical line, the header is line 1) or
``CHILD 12 / EPISODE 3``.

**Collection year** (1 April to 31 March) of a file, from its dates
(:data:`~xlkpi.indicators.ssda903_layout.Layout.year_columns`): for files of records that
must have started by the year's end (episodes: DECOM; missing: MIS_START; placed for
adoption: DATE_PLACED, DATE_PLACED_CEASED; SW_DECOM; DOLO_START) the year holding the
**latest** start; for reviews,
events dated in the year, the year holding the **median** review date, so stray future
dates (the example's reviews run to 2030) do not move it. Files with no such dates
have no year: header, uasc, oc2, oc3, previous_permanence, and ad1 (its decision and
match dates often fall years before the collection year of the adoption). The XML form
takes the year of its episodes (else of the first block that has dates).

**Data quality** (a record is left out of its file's table, and so of what is derived
from it): a blank CHILD, DECOM, RNE or LS, REVIEW, DATE_INT, DATE_PLACED, MIS_START
(``required_blank``); a date that is not one (``not_a_date``; a bad DOB in a file whose
table does not use it is reported and leaves nothing out); an end before its start (DEC,
MIS_END, DATE_PLACED_CEASED, DATE_MATCH: ``end_before_start``); RNE, LS, REC not in the
DfE code lists (``bad_code``, the value shown when it is code-like); a closed episode
without REC or an open one with REC, and an open episode followed by another of the same
child (``required_blank``); an episode starting before the previous one of the same child
ends (``overlap`` on DECOM, the later one left out, DfE rule 501); the same
CHILD+DECOM twice or a child twice in the header (``duplicate``: later exact copies, or
every copy when they differ); a review dated before the child's birth
(``before_birth``); OC2 flags and SDQ score (``bad_flag``, ``bad_number``). CHILD,
UPN, DOB, postcodes and social worker IDs are never shown.

:func:`derive` computes ``cla`` (periods of care) and ``placements`` from the stitched
episodes, and completes ``adoptions`` (adoption and move-in dates); see its docstring for
the DfE definitions followed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from xlkpi.errors import KpiError
from xlkpi.gc_pause import gc_paused
from xlkpi.indicators import tables
from xlkpi.indicators.quality import Checks, parse_days, parse_flags, parse_ints
from xlkpi.indicators.reading import Finding, Reading
from xlkpi.indicators.ssda903_layout import (
    ALIASES,
    CODES,
    IDENTIFYING,
    LAYOUTS,
    PLACEMENT_CHANGE,
    SHORT_BREAKS,
    Layout,
)
from xlkpi.indicators.ssda903_xml import is_903_xml, read_rows

__all__ = ["SOURCE", "derive", "kind_of", "read", "recognise"]

SOURCE = "SSDA903"
_HEAD = 8192
_OVERLAP_PASSES = 50
#: Longest bad code value shown in a finding (903 codes are 1-3 characters).
_CODE_CHARS = 4
#: Columns that tell the file kinds apart (every 903 file also has CHILD, most DOB/SEX).
_COMMON = frozenset({"CHILD", "DOB", "SEX"})
#: REC codes of a period of care ending in adoption (E11 application unopposed, E12
#: opposed)
ADOPTED = ("E11", "E12")
#: placement types of a child placed for adoption with their current foster carers
ADOPTED_BY_CARERS = ("A3", "A4")


def _normal(name: str) -> str:
    """A header cell as the layouts spell it: trimmed, upper case, ``_`` for spaces."""
    key = "_".join(name.replace("\ufeff", "").strip().upper().replace("-", " ").split())
    return ALIASES.get(key, key)


def kind_of(columns: list[str]) -> str | None:
    """The 903 file kind whose header set best matches ``columns`` (normalised), if any.

    A kind matches when CHILD is present and at least half of its distinctive columns
    are; the kind with the largest share (then the most columns) wins.
    """
    present = set(columns)
    if "CHILD" not in present:
        return None
    best: tuple[float, int, str] | None = None
    for kind, layout in LAYOUTS.items():
        own = [c for c in layout.columns if c not in _COMMON]
        found = sum(c in present for c in own)
        score = (found / len(own), found, kind)
        if found * 2 >= len(own) and (best is None or score[:2] > best[:2]):
            best = score
    return best[2] if best else None


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM dropped), else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise KpiError(f"{name}: cannot read it as UTF-8 or Windows-1252 text")


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD)
    except OSError as err:
        raise KpiError(f"{path.name}: cannot open it ({err.strerror})") from None


def recognise(path: Path) -> bool:
    """Whether ``path`` is a 903 CSV file (any header set) or the 903 XML; never raises."""
    try:
        head = _head(path)
        if is_903_xml(head):
            return True
        text = _decode(head, path.name)
        first = next(csv.reader(io.StringIO(text, newline="")), [])
        return kind_of([_normal(c) for c in first]) is not None
    except Exception:
        return False


#: raw column name -> its cells (text, one per record)
Columns = dict[str, np.ndarray]


def _read_csv(path: Path) -> tuple[str, Columns, np.ndarray]:
    """The file's kind, its rows as text columns (normalised column names) and their
    locators."""
    try:
        text = _decode(path.read_bytes(), path.name)
    except OSError as err:
        raise KpiError(f"{path.name}: cannot open it ({err.strerror})") from None
    with gc_paused():  # a list per record, none in a cycle, all gone before the end
        grid = _Grid.read(text, path.name)
    if grid is None:  # a CSV error, or a quoted value running over lines
        return _read_csv_lines(text, path.name)
    blank = grid.blank.copy()
    regular = np.flatnonzero(~grid.odd)
    for i in range(grid.cells.shape[1]):  # a record is blank when every cell is: mostly
        if not len(regular):            # decided by its first cell
            break
        regular = regular[_blank_text(grid.cells[regular, i])]
    blank[regular] = True
    keep = np.flatnonzero(~blank)
    lines = np.asarray(list(map("line {}".format, (keep + grid.head + 1).tolist())),
                       dtype=object)
    cells = [grid.cells[keep, i] for i in range(grid.cells.shape[1])]
    return grid.kind, _columns(grid.kind, grid.columns, cells, path.name), lines


@dataclass(frozen=True)
class _Grid:
    """A CSV file's records as a grid of cells, padded or cut to the header's width."""

    kind: str
    columns: list[str]
    #: the header's last physical line (record ``i`` is on line ``head + 1 + i``)
    head: int
    cells: np.ndarray
    #: records that were not the header's width (their blankness decided in ``blank``)
    odd: np.ndarray
    blank: np.ndarray

    @classmethod
    def read(cls, text: str, file: str) -> _Grid | None:
        """The grid, or ``None`` when the file must be read line by line (a CSV error, or
        a quoted value running over lines). Raises for a file that is not a 903 file."""
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            columns = [_normal(c) for c in next(reader, [])]
            head = reader.line_num
            rows = list(reader)  # the csv module's C loop, no per-row Python
        except csv.Error:
            return None
        kind = _kind(columns, file)
        if reader.line_num != head + len(rows):
            return None
        width = len(columns)
        widths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        odd = widths != width
        blank = np.zeros(len(rows), dtype=bool)
        for i in np.flatnonzero(odd):  # short, long and empty lines: few
            blank[i] = not any(cell.strip() for cell in rows[i])
            rows[i] = (rows[i] + [""] * width)[:width]
        cells = np.array(rows, dtype=object).reshape(len(rows), width)
        return cls(kind, columns, head, cells, odd, blank)


def _blank_text(values: np.ndarray) -> np.ndarray:
    """Which cells hold only spaces or nothing (``not cell.strip()``: str.strip and
    str.isspace know the same spaces)."""
    size = len(values)
    return (values == "") | np.fromiter(map(str.isspace, values), dtype=bool, count=size)


def _kind(columns: list[str], file: str) -> str:
    kind = kind_of(columns)
    if kind is None:
        raise KpiError(f"{file}: not an SSDA903 file (its header row is none of "
                       "the 903 header sets)")
    return kind


def _columns(kind: str, columns: list[str], cells: list[np.ndarray], file: str) -> Columns:
    """The named columns (the first of a repeated name; unnamed ones dropped), refused when
    a column the kind needs is missing."""
    raw = {c: cells[i] for i, c in enumerate(columns) if c and c not in columns[:i]}
    missing = [c for c in LAYOUTS[kind].required if c not in raw]
    if missing:
        raise KpiError(f"{file}: the SSDA903 {kind} file has no {missing[0]} column")
    return raw


def _read_csv_lines(text: str, file: str) -> tuple[str, Columns, np.ndarray]:
    """:func:`_read_csv` record by record, keeping each record's physical line (a quoted
    value may run over lines) and the line of a CSV error."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[str] = []
    previous = 0
    try:
        columns = [_normal(c) for c in next(reader, [])]
        kind = _kind(columns, file)
        width, previous = len(columns), reader.line_num
        for row in reader:  # the streaming read: one pass, physical line numbers kept
            line, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in row):
                records.append((row + [""] * width)[:width])
                lines.append(f"line {line}")
    except csv.Error:
        raise KpiError(f"{file}, line {previous + 1}: not readable as CSV (a quote "
                       "not closed, or text after a closing quote)") from None
    cells = [np.asarray([r[i] for r in records], dtype=object) for i in range(width)]
    return kind, _columns(kind, columns, cells, file), np.asarray(lines, dtype=object)


def read(path: Path) -> Reading:
    """Read one 903 file (CSV or XML) into normalised tables, findings and years."""
    parts: dict[str, tuple[Columns | pd.DataFrame, np.ndarray]]
    if is_903_xml(_head(path)):
        parts = dict(read_rows(path))
    else:
        kind, raw, where = _read_csv(path)
        parts = {kind: (raw, where)}
    frames: dict[str, list[pd.DataFrame]] = {}
    located: dict[str, list[np.ndarray]] = {}
    findings: list[Finding] = []
    years: tuple[str, ...] = ()
    for kind, (raw, where) in parts.items():
        made, found, year = _convert(kind, raw, where, path.name)
        for name, (frame, kept) in made.items():
            frames.setdefault(name, []).append(frame)
            located.setdefault(name, []).append(where[kept])
        findings.extend(found)
        years = years or year
    return Reading(SOURCE, path.name, years,
                   {name: tables.conform(name, pd.concat(parts_, ignore_index=True))
                    for name, parts_ in frames.items()}, findings,
                   {name: np.concatenate(parts_) for name, parts_ in located.items()})


def _year(days: list[np.ndarray], rule: str) -> tuple[str, ...]:
    """The collection year ``YYYY-YY`` of the latest (or median) date, or ``()``."""
    values = np.concatenate(days) if days else np.array([], dtype="datetime64[D]")
    values = values[~np.isnat(values)]
    if not len(values):
        return ()
    day = values.max() if rule == "latest" else np.sort(values)[(len(values) - 1) // 2]
    stamp = pd.Timestamp(day)
    end = stamp.year + (stamp.month >= 4)
    return (f"{end - 1}-{end % 100:02d}",)


@dataclass(frozen=True)
class _Column:
    """One column's trimmed cells as distinct values and a key per row:
    ``text = distinct[keys]``; checks that depend on the value alone run on ``distinct``
    and are spread back with :meth:`spread`."""

    distinct: np.ndarray
    keys: np.ndarray

    @property
    def text(self) -> np.ndarray:
        return self.distinct[self.keys]

    def spread(self, values: np.ndarray) -> np.ndarray:
        return values[self.keys]


def _columns_text(raw: Columns | pd.DataFrame, wanted: list[str], size: int
                  ) -> dict[str, _Column]:
    """Each wanted column's cells trimmed (codes upper-cased; absent columns blank), the
    text work run once per distinct value."""
    out = {}
    for name in wanted:
        cells = (raw[name].to_numpy(dtype=object) if isinstance(raw, pd.DataFrame) else
                 raw[name]) if name in raw else np.full(size, "", dtype=object)
        codes, uniques = pd.factorize(cells, use_na_sentinel=False)
        uniques = np.asarray(uniques, dtype=object)
        if pd.api.types.infer_dtype(uniques, skipna=False) in ("string", "empty"):
            clean = np.fromiter(map(str.strip, uniques), dtype=object, count=len(uniques))
            if name in CODES:
                clean = np.fromiter(map(str.upper, clean), dtype=object, count=len(clean))
        else:  # not text only (never from a file): as pandas makes text of it
            text = pd.Series(uniques, dtype=object).fillna("").astype(str).str.strip()
            clean = (text.str.upper() if name in CODES else text).to_numpy(dtype=object)
        same, distinct = pd.factorize(clean, use_na_sentinel=False)
        out[name] = _Column(np.asarray(distinct, dtype=object), same[codes])
    return out


def _isin(values: np.ndarray, allowed) -> np.ndarray:
    return pd.Series(values, dtype=object).isin(list(allowed)).to_numpy(dtype=bool)


def _convert(kind: str, raw: Columns | pd.DataFrame, where: np.ndarray, file: str
             ) -> tuple[dict[str, tuple[pd.DataFrame, np.ndarray]], list[Finding],
                        tuple[str, ...]]:
    """Check one file kind's rows: its table (with the positions of the rows kept), the
    findings, the file's year."""
    layout = LAYOUTS[kind]
    checks = Checks(SOURCE, file, lambda rows: where[rows])
    wanted = [*layout.columns, *(["UASC"] if "UASC" in raw else [])]
    columns = _columns_text(raw, wanted, len(where))
    text = {name: column.text for name, column in columns.items()}
    used = (layout.table,) if layout.table else ()
    out = np.zeros(len(where), dtype=bool)
    for name in layout.needed:
        column = columns[name]
        out |= checks.add(column.spread(column.distinct == ""), name, "required_blank", used)
    days = {}
    for name in layout.dates:
        column = columns[name]
        days[name], bad = (column.spread(part) for part in parse_days(column.distinct))
        feeds = used if name in layout.fields.values() else ()
        checks.add(bad, name, "not_a_date", feeds,
                   None if name in IDENTIFYING else text[name])
        out |= bad & bool(feeds)
    for start, end in layout.spans:
        out |= checks.add(days[end] < days[start], end, "end_before_start", used, text[end])
    ids = set(columns["CHILD"].distinct)
    for name, codes in CODES.items():
        if name in layout.columns:
            column = columns[name]
            bad = column.spread((column.distinct != "") & ~_isin(column.distinct, codes))
            out |= _add_code(checks, bad, name, used, column, ids)
    if kind in _EXTRA:
        out |= _EXTRA[kind](text, columns, days, checks, used, out)
    year = _year([days[c] for c in layout.year_columns], layout.year_rule)
    if layout.table is None:
        return {}, checks.findings, year
    frame, out = _table(layout, text, days, checks, out)
    kept = np.flatnonzero(~out)
    return ({layout.table: (frame.iloc[kept].reset_index(drop=True), kept)},
            checks.findings, year)


def _add_code(checks: Checks, bad: np.ndarray, name: str, used: tuple[str, ...],
              column: _Column, ids: set[str]) -> np.ndarray:
    """``bad_code`` findings, the value shown when it looks like a code and is no child's
    identifier in the file."""
    hidden = np.fromiter(map(ids.__contains__, column.distinct), dtype=bool,
                         count=len(column.distinct))
    shown = column.spread(np.where(hidden, "", column.distinct))
    return checks.add(bad, name, "bad_code", used, shown, codes=True)


def _table(layout: Layout, text: dict[str, np.ndarray], days: dict[str, np.ndarray],
           checks: Checks, out: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """All rows as ``layout.table`` (by column kind), and rows left out after flag checks."""
    assert layout.table is not None
    used = (layout.table,)
    kinds = tables.TABLES[layout.table]
    fields = dict(layout.fields)
    if layout.table == "children" and "UASC" in text:  # the XML form's UASC flag
        fields["uasc"] = "UASC"
    data: dict[str, object] = {}
    for column, source in fields.items():
        values = text[source]
        if kinds[column] == "date":
            data[column] = days[source]
        elif kinds[column] == "bool":
            data[column], bad = parse_flags(values)
            out = out | checks.add(bad, source, "bad_flag", used, values)
        elif kinds[column] == "int":
            data[column], bad = parse_ints(values)
            out = out | checks.add(bad, source, "bad_number", used, values)
        else:
            data[column] = values
    for column, value in layout.constants.items():
        data[column] = np.full(len(out), value)
    return pd.DataFrame(data), out


def _ids(columns: list[np.ndarray]) -> np.ndarray:
    """One key per distinct combination of the columns' keys (row by row)."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        size = int(column.max()) + 1 if len(column) else 1
        combined = pd.factorize(combined * size + column)[0]  # stays under the row count
    return combined


def _repeats(columns: dict[str, _Column], rows: np.ndarray, key: list[str]) -> np.ndarray:
    """Of ``rows``, those repeating a key: later exact copies, and every copy when the
    copies differ (which one is right is not guessed)."""
    bad = np.zeros(len(columns[key[0]].keys), dtype=bool)
    if not len(rows):
        return bad
    record = _ids([column.keys[rows] for column in columns.values()])
    group = _ids([columns[name].keys[rows] for name in key])
    first = np.unique(record, return_index=True)[1]  # each distinct record's first copy
    copy = np.ones(len(rows), dtype=bool)
    copy[first] = False
    variants = np.bincount(group[first], minlength=int(group.max()) + 1)
    bad[rows] = copy | (variants[group] > 1)
    return bad


def _header_checks(text, columns, days, checks, used, out) -> np.ndarray:
    """A child listed twice in the header."""
    rows = np.flatnonzero(~out)
    return checks.add(_repeats(columns, rows, ["CHILD"]), "CHILD", "duplicate", used)


def _episode_checks(text, columns, days, checks, used, out) -> np.ndarray:
    """Episodes: REC and DEC given together; no repeats; no episode starting before the
    previous episode of the same child ends (DfE 501: the later one is left out, recorded
    as ``overlap`` on DECOM); no open episode followed by another (DfE 142)."""
    dec, rec = (columns[n].spread(columns[n].distinct != "") for n in ("DEC", "REC"))
    bad = checks.add(dec & ~rec, "REC", "required_blank", used)
    bad |= checks.add(~dec & rec, "DEC", "required_blank", used)
    repeat = _repeats(columns, np.flatnonzero(~(out | bad)), ["CHILD", "DECOM"])
    bad |= checks.add(repeat, "DECOM", "duplicate", used)
    ids = columns["CHILD"].keys  # a child's episodes together, in DECOM order
    overlap, still_open = np.zeros(len(out), dtype=bool), np.zeros(len(out), dtype=bool)
    for _ in range(_OVERLAP_PASSES):  # passes, each over whole columns
        live = np.flatnonzero(~(out | bad | overlap | still_open))
        order = live[np.lexsort((days["DECOM"][live], ids[live]))]
        child, start, end = ids[order], days["DECOM"][order], days["DEC"][order]
        same = np.r_[False, child[1:] == child[:-1]]
        starts_early = same & (start < np.r_[np.datetime64("NaT"), end[:-1]])
        opened = np.r_[same[1:] & np.isnat(end[:-1]), False]
        first = starts_early & ~np.r_[False, starts_early[:-1]]
        if not (first.any() or opened.any()):
            break
        overlap[order[first]] = True
        still_open[order[opened]] = True
    bad |= checks.add(overlap, "DECOM", "overlap", used, text["DECOM"])
    return bad | checks.add(still_open, "DEC", "required_blank", used)


def _review_checks(text, columns, days, checks, used, out) -> np.ndarray:
    """A review dated before the child was born."""
    return checks.add(days["REVIEW"] < days["DOB"], "REVIEW", "before_birth", used,
                      text["REVIEW"])


_EXTRA = {"header": _header_checks, "episodes": _episode_checks, "reviews": _review_checks}


def derive(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``cla`` (periods of care) and ``placements`` from the (stitched) ``episodes``.

    Episodes of an agreed series of short-term placements (legal status V3/V4) are left
    out first: the DfE counts neither those children nor their placements. The rest are
    taken per child in DECOM order.

    - A **period of care** (SSDA903 guide: a period during which a child is continuously
      looked after) starts at an episode with RNE ``S``, at the child's first episode (a
      history that starts mid-period, as when only a later year's file is given: its start
      is then the first DECOM held), or after an episode whose REC is not ``X1``; it runs
      through the following episodes. ``start_date`` = the first DECOM; ``end_date`` =
      the DEC of its last episode when that episode's REC ends care (not ``X1``), else
      blank (open); ``legal_status`` = the LS of its last episode.
    - A **placement** starts at the first episode of each period and at every episode
      whose RNE is P, T, B or U (a change of placement, with or without a change of carer
      or legal status: the DfE's placement-change codes, the set csc-validator-be-903's
      rules 225, 435 and 436 treat as a placement change); RNE L (legal status only)
      continues the placement. ``end_date`` = the DEC of its last episode before the next
      placement change (blank while open, as for the period); ``placement`` = the PLACE
      of its first episode. Temporary placements (T0-T4) count like any other.
    - ``adoptions`` (when there is an AD1 record or an episode ending in adoption): the AD1
      records with ``adopted_date`` and ``placed_date`` from the episodes (see
      :func:`_adoptions`).

    This is the DfE's placement counting (CLA3PLACE, the long-term stability measure): a
    change of legal status alone (L) is not a new placement; a change of placement on the
    same day as a change of legal status is one episode (B or U) and one new placement.
    """
    episodes = frames.get("episodes")
    if episodes is None:
        return {}
    keep = ~episodes["legal_status"].isin(SHORT_BREAKS).to_numpy()
    e = episodes[keep & ~pd.isna(episodes["start_date"]).to_numpy()]
    e = e.sort_values(["child_id", "start_date"], kind="stable").reset_index(drop=True)
    child = e["child_id"].to_numpy(dtype=object)
    rne, rec = e["reason_new"].to_numpy(dtype=object), e["reason_end"].to_numpy(dtype=object)
    first = np.r_[np.ones(min(len(e), 1), dtype=bool), child[1:] != child[:-1]]
    new_period = first | (rne == "S") | np.r_[first[:1], rec[:-1] != "X1"]
    last_period = np.r_[new_period[1:], np.ones(min(len(e), 1), dtype=bool)]
    end = e["end_date"].to_numpy().copy()
    end[last_period & (rec == "X1")] = np.datetime64("NaT")
    cla = pd.DataFrame({"child_id": child[new_period],
                        "start_date": e["start_date"].to_numpy()[new_period],
                        "end_date": end[last_period],
                        "legal_status": e["legal_status"].to_numpy(dtype=object)[last_period]})
    new_place = new_period | np.isin(rne, PLACEMENT_CHANGE)
    last_place = np.r_[new_place[1:], np.ones(min(len(e), 1), dtype=bool)]
    placements = pd.DataFrame({"child_id": child[new_place],
                               "start_date": e["start_date"].to_numpy()[new_place],
                               "end_date": end[last_place],
                               "placement": e["placement"].to_numpy(dtype=object)[new_place]})
    out = {"cla": tables.conform("cla", cla),
           "placements": tables.conform("placements", placements)}
    adopted = _adoptions(e, placements, frames.get("adoptions"))
    if adopted is not None:
        out["adoptions"] = adopted
    return out


def _adoptions(e: pd.DataFrame, placements: pd.DataFrame,
               ad1: pd.DataFrame | None) -> pd.DataFrame | None:
    """``adoptions`` with ``adopted_date`` and ``placed_date`` from the episodes.

    ``adopted_date``: the DEC of the child's latest episode ending in adoption (REC
    ``E11``/``E12``). ``placed_date`` (moved in with the adoptive family, adoption
    scorecard A1): the start of the placement current when the child was adopted; when
    that placement is with its current foster carers placed for adoption (PLACE ``A3``/
    ``A4``), the start of the placement before it in the same period, when the child moved
    in with those carers. An adopted child without an AD1 record gets a row with blank
    decision and match dates; AD1 records of children not adopted in the episodes keep
    blank dates. ``None`` when there is neither an AD1 record nor an adoption.
    """
    ended = e[e["reason_end"].isin(ADOPTED).to_numpy()]
    ended = ended.sort_values("end_date", kind="stable").drop_duplicates("child_id",
                                                                         keep="last")
    if ad1 is None and not len(ended):
        return None
    done = pd.DataFrame({"child_id": ended["child_id"].to_numpy(dtype=object),
                         "adopted_date": ended["end_date"].to_numpy()})
    p = placements.sort_values(["child_id", "start_date"], kind="stable").reset_index(drop=True)
    before = p.groupby("child_id", sort=False)[["start_date", "end_date"]].shift(1)
    previous = before["start_date"]
    foster = p["placement"].isin(ADOPTED_BY_CARERS).to_numpy() & (
        before["end_date"] == p["start_date"]).to_numpy()  # the one before, same period
    moved_in = np.where(foster, previous.to_numpy(), p["start_date"].to_numpy())
    last = p.assign(moved_in=moved_in.astype(p["start_date"].dtype)).merge(
        done, on="child_id")
    last = last[last["start_date"] < last["adopted_date"]].drop_duplicates("child_id",
                                                                          keep="last")
    done = done.merge(last[["child_id", "moved_in"]], how="left", on="child_id")
    done = done.rename(columns={"moved_in": "placed_date"})
    base = ad1 if ad1 is not None else tables.empty("adoptions")
    base = base.drop(columns=["adopted_date", "placed_date"]).merge(
        done, how="outer", on="child_id", sort=False)
    for column in ("decision_date", "match_date", "placed_date", "adopted_date"):
        base[column] = pd.to_datetime(base[column])
    return tables.conform("adoptions", base)
