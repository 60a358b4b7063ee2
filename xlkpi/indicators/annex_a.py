"""Read an Ofsted Annex A workbook (the inspection's child-level lists) into the tables.

The workbook's cached cell values are read by calamine (a compiled reader, about fifty
times faster than openpyxl on a list of thousands of rows); it is never written. Each sheet named like "List 3" / "List_3" / "List 3 - Referrals" is one
list; its header row is the first of the top :data:`HEADER_SCAN_ROWS` rows where the
list's identifier heading and enough of its known headings match (a merged title row may
sit above it). Headings are matched tolerantly (:mod:`annex_a_headings`).

What each table holds (see :data:`annex_a_headings.TABLE_SOURCES`):

- ``contacts`` (List 1): ``referral_date`` is the child's first List 3 referral dated on or
  after the contact and before the child's next later contact; blank when there is none
  (the contact did not progress, or its referral is outside the lists).
- ``referrals`` (List 3); ``closure_date``, ``closure_reason`` and ``primary_need`` come
  from the child's List 6 row whose CIN start date equals the referral date (List 6 holds
  one, the latest, episode per child; its episodes are not added as referrals).
- ``assessments`` (List 4) and ``s47`` (List 5): ``referral_date`` is the row's own
  referral date when the council added that column, else the child's latest List 3
  referral on or before the assessment start (strategy discussion). When there is none
  (List 3 covers six months; a continuous assessment may have started earlier) it stays
  blank: the referral is unknown and is not guessed. ``authorised_date`` is the date of
  authorisation (completion).
- ``cp_plans``, ``cp_visits`` (last statutory visit), ``cp_reviews`` (latest review
  conference, with its plan's start) from List 7; ``cla``, ``cla_visits`` (last social
  work visit), ``cla_reviews`` (latest statutory review) from List 8; ``care_leavers``
  (List 9); ``adoptions`` (List 10; List 11 is adopters, not children, and is not read).
- ``children``: one row per child of lists 1-10; birth date and sex are the first
  non-blank ones in list order; ``uasc`` from List 8.

A list with no records gives no table (the template carries every list, filled or not).
Annex A has no placements history (only "Number of Placements in the Last 12 months",
kept in :func:`read_lists`), so no ``placements`` table is given.

Cells: real Excel dates, text dates (:data:`TEXT_DATE_FORMATS`) and Excel serial numbers
are dates; ``#N/A`` and the other Excel error values are blank. Codes lose the template's
``a) `` prefix and keep the DfE code of "code: label" values ("q) 6: Police" -> "6",
"E1: Placement order" -> "E1"); categories of abuse become NEG/PHY/SAB/EMO/MUL; gender
becomes M/F/U/N.

Data quality (locator "List 3 row 7", the spreadsheet row): a blank child identifier or
required date (``required_blank``) leaves the row out of its list's tables (and the
children table); a value that is not a date (``not_a_date``), a bad flag (``bad_flag``),
an end before its start (``end_before_start``) or an assessment/enquiry before the
referral in its own row (``before_referral``) leaves it out of the tables that use that
field. A bad whole number (``bad_number``) or birth date is read as blank (unknown) and the
row kept. Values are shown only for dates, flags and numbers (never identifiers or birth
dates, never a value equal to an identifier in the workbook).

Years: Annex A carries no extract date. It is taken as the latest event date in the lists
(contacts, referrals, assessments, enquiries, plans, visits, reviews, care) not after
today; the period is the twelve months to it (lists 1-8 cover six months, 10-11 twelve),
and ``years`` are the collection years (1 April to 31 March) that period touches.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from xlkpi.errors import KpiError
from xlkpi.indicators import tables
from xlkpi.indicators.annex_a_headings import (
    CATEGORIES,
    CODE_PATTERN,
    ERROR_VALUES,
    FIELDS,
    HEADER_SCAN_ROWS,
    LISTS,
    MIN_HEADINGS,
    ORDERED,
    PREFIX_PATTERN,
    ROW_REFERRAL,
    SEX,
    SHEET_PATTERN,
    TABLE_SOURCES,
    TEXT_DATE_FORMATS,
    Field,
    TableSource,
    heading_key,
)
from xlkpi.indicators.quality import Checks, parse_days, parse_flags, parse_ints
from xlkpi.indicators.reading import Reading

__all__ = ["KIND", "ListFrame", "collection_years", "data_period", "read", "read_lists",
           "recognise"]

KIND = "Annex A"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
#: Excel's day 0 (serial numbers in a date column without a date format)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_LAST_SERIAL = 73415  # 2100-12-31
#: List fields whose dates mark activity (the extract date is the latest of them)
#: Table columns whose dates mark activity (the extract date is the latest of them)
_EVENTS = {"contacts": ("contact_date",), "referrals": ("referral_date", "closure_date"),
           "assessments": ("start_date", "authorised_date"),
           "s47": ("strategy_date", "icpc_date"), "cp_plans": ("start_date", "end_date"),
           "cp_visits": ("visit_date",), "cp_reviews": ("review_date",),
           "cla": ("start_date", "end_date"), "cla_visits": ("visit_date",),
           "cla_reviews": ("review_date",)}
_PERIOD_MONTHS = 12
_SHOWN_KINDS = ("date", "flag", "int")


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


def _list_number(sheet: str) -> int | None:
    match = SHEET_PATTERN.match(sheet)
    number = int(match.group(1)) if match else None
    return number if number in LISTS else None


def _header(rows: list[tuple], number: int) -> tuple[int, dict[int, Field]] | None:
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
class _Sheet:
    """One worksheet's cell values, row 1 first (blank rows and columns kept, so row
    numbers are the spreadsheet's)."""

    title: str
    book: CalamineWorkbook

    def rows(self, limit: int | None = None) -> list[tuple]:
        sheet = self.book.get_sheet_by_name(self.title)
        values = sheet.to_python(skip_empty_area=False, nrows=limit)
        return [tuple(None if v == "" else v for v in row) for row in values]


def _sheets(book: CalamineWorkbook) -> list[_Sheet]:
    return [_Sheet(name, book) for name in book.sheet_names]


def _sheet_names(path: Path) -> list[str]:
    """Sheet names from the package's workbook part (no cells read)."""
    with zipfile.ZipFile(path) as package:
        text = package.read("xl/workbook.xml")[:1_000_000].decode("utf-8", "replace")
    return [_unescape(n) for n in re.findall(r"<(?:\w+:)?sheet\b[^>]*\bname=\"([^\"]*)\"",
                                              text)]


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def recognise(path: Path) -> bool:
    """Whether ``path`` is an Annex A workbook: a "List N" sheet whose headings match list N.

    Reads the package's sheet names, then at most the top rows of the list sheets; never
    raises.
    """
    try:
        path = Path(path)
        if not zipfile.is_zipfile(path):
            return False
        if not any(_list_number(name) for name in _sheet_names(path)):
            return False
        for sheet in _sheets(CalamineWorkbook.from_path(str(path))):
            number = _list_number(sheet.title)
            if number and _header(sheet.rows(HEADER_SCAN_ROWS), number):
                return True
    except Exception:  # recognise never raises: anything unreadable is not Annex A
        return False
    return False


def _blank(values: pd.Series) -> np.ndarray:
    """Cells that hold nothing: empty, spaces, or an Excel error value (:data:`ERROR_VALUES`)."""
    text = values.astype(str).str.replace("\xa0", " ").str.strip().str.upper()
    return (values.isna() | text.eq("") | text.isin(ERROR_VALUES)).to_numpy(bool)


def _cell(value: object) -> object:
    """A cell as read, with whole floats as ints (an ID 1001.0 is 1001)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _read_sheet(sheet: _Sheet, number: int, file: str) -> ListFrame | None:
    """The list's records; ``None`` for an empty sheet. Raises on a sheet with no header."""
    rows = sheet.rows()
    found = _header(rows[:HEADER_SCAN_ROWS], number)
    if found is None:
        if _blank(pd.Series([v for row in rows for v in row], dtype=object)).all():
            return None
        raise KpiError(f"{file}: sheet {sheet.title!r} has no heading row for List {number} "
                       f"({LISTS[number].title}) in its first {HEADER_SCAN_ROWS} rows")
    index, columns = found
    names = {f.name for f in columns.values()}
    for name in LISTS[number].required:
        if name not in names:
            field = next(f for f in FIELDS[number] if f.name == name)
            raise KpiError(f"{file}: sheet {sheet.title!r} (List {number}) has no "
                           f"{field.aliases[0]!r} heading")
    body = rows[index + 1:]
    width = max(columns) + 1
    cells = [tuple(row[:width]) + (None,) * (width - len(row[:width])) for row in body]
    raw = pd.DataFrame({f.name: [_cell(r[c]) for r in cells] for c, f in columns.items()},
                       dtype=object)
    numbers = np.arange(index + 2, index + 2 + len(body))
    blank = np.all([_blank(raw[c]) for c in raw], axis=0)
    header_row = rows[index]
    headings = {f.name: str(header_row[c]).strip() for c, f in columns.items()}
    return ListFrame(number, sheet.title, headings, raw[~blank].reset_index(drop=True),
                     numbers[~blank])


def read_lists(path: Path) -> dict[int, ListFrame]:
    """Every list sheet of the workbook, keyed by list number (the first sheet of a number
    wins). Raises :class:`KpiError` for a file that is not a readable Annex A workbook."""
    path = Path(path)
    book = _open(path)
    try:
        found: dict[int, ListFrame] = {}
        for sheet in _sheets(book):
            number = _list_number(sheet.title)
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
        return any(_list_number(n) for n in _sheet_names(path))
    except Exception:
        return False


# --- parsing cell values ------------------------------------------------------------

def _text(values: pd.Series) -> pd.Series:
    """Cell values as trimmed text ("" for blanks and Excel errors)."""
    text = values.astype(str).str.replace("\xa0", " ").str.strip()
    return text.where(~_blank(values), "")


def _dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates (``datetime64[D]``) and the mask of non-blank cells that are not dates.

    Real Excel dates are taken as they are; text in :data:`TEXT_DATE_FORMATS`; a number is
    an Excel serial day (a date cell that lost its format) up to 2100.
    """
    values = values.mask(_blank(values), None)
    numeric = values.map(type).isin((int, float)).to_numpy(bool)  # not bool, not text
    days, bad = parse_days(values.where(~numeric, None).to_numpy(dtype=object),
                           TEXT_DATE_FORMATS)
    if numeric.any():
        serial = values[numeric].astype(float).to_numpy()
        ok = (serial >= 1) & (serial <= _LAST_SERIAL) & (serial == np.floor(serial))
        where = np.flatnonzero(numeric)
        days[where[ok]] = _EXCEL_EPOCH + serial[ok].astype("timedelta64[D]")
        bad[where[~ok]] = True
    return days, bad


def _codes(text: pd.Series, kind: str) -> pd.Series:
    """Codes without the template's "a) " prefix; "6: Police" -> "6"; categories coded."""
    plain = text.str.replace(PREFIX_PATTERN, "", regex=True).str.strip()
    if kind == "sex":
        return plain.str.lower().map(SEX).fillna(plain)
    if kind == "category":
        return plain.str.lower().map(CATEGORIES).fillna(plain)
    if kind == "code":
        return plain.str.extract(CODE_PATTERN, expand=False).fillna(plain)
    return plain


@dataclass
class _Parsed:
    """One list's values parsed by kind, and each field's bad-row mask."""

    values: dict[str, np.ndarray]
    bad: dict[str, np.ndarray]
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _parse(lst: ListFrame) -> _Parsed:
    values: dict[str, np.ndarray] = {}
    bad: dict[str, np.ndarray] = {}
    for field in FIELDS[lst.number]:
        if field.name not in lst.raw:
            continue
        raw = lst.raw[field.name]
        if field.kind in ("date", "birth"):
            values[field.name], bad[field.name] = _dates(raw)
            continue
        text = _text(raw)
        if field.kind == "flag":
            values[field.name], bad[field.name] = parse_flags(text.to_numpy(dtype=object))
        elif field.kind == "int":
            values[field.name], bad[field.name] = parse_ints(text.to_numpy(dtype=object))
        elif field.kind in ("sex", "category", "code"):
            values[field.name] = _codes(text, field.kind).to_numpy(dtype=object)
        else:
            values[field.name] = text.to_numpy(dtype=object)
    ident = values.get(LISTS[lst.number].ident, np.full(len(lst.raw), "", dtype=object))
    return _Parsed(values, bad, ident)


# --- data-quality checks ------------------------------------------------------------

def _tables_using(number: int, names: Iterable[str]) -> tuple[str, ...]:
    """The tables a list's fields feed (a bad value leaves the row out of them)."""
    names = set(names)
    out = [s.table for s in TABLE_SOURCES
           if s.list == number and names & (set(s.columns.values()) | set(s.needs))]
    if names & {"child_id"}:
        out += [s.table for s in TABLE_SOURCES if s.list == number and s.table not in out]
    if number == 6 and names & {"child_id", "cin_start", "closure_date"}:
        out.append("referrals")
    if names & {"child_id", "birth_date", "sex", "uasc"} and number != 11:
        out.append("children")
    return tuple(dict.fromkeys(out))


def _check(lst: ListFrame, parsed: _Parsed, checks: Checks, known_ids: set[str]
           ) -> dict[str, np.ndarray]:
    """Record every finding of one list; returns field -> rows left out for that field."""
    n = lst.number
    out: dict[str, np.ndarray] = {}

    def add(mask: np.ndarray, field: str, rule: str, shown: np.ndarray | None,
            dropped: tuple[str, ...]) -> None:
        field_kind = next(f.kind for f in FIELDS[n] if f.name == field)
        show = None
        if shown is not None and field_kind in _SHOWN_KINDS:
            text = _text(pd.Series(shown, dtype=object))
            show = text.where(~text.isin(known_ids), "").to_numpy(dtype=object)
        checks.add(mask, lst.headings[field], rule, _tables_using(n, dropped), values=show)
        for name in dropped:
            out[name] = out.get(name, np.zeros(len(mask), bool)) | mask

    for field in LISTS[n].required:
        if field in parsed.values:
            value = parsed.values[field]
            blank = np.isnat(value) if value.dtype.kind == "M" else (value == "")
            blank = blank & ~parsed.bad.get(field, np.zeros(len(value), bool))
            add(blank, field, "required_blank", None, (field,))
    for field, mask in parsed.bad.items():
        kind = next(f.kind for f in FIELDS[n] if f.name == field)
        rule = {"flag": "bad_flag", "int": "bad_number"}.get(kind, "not_a_date")
        raw = lst.raw[field].to_numpy(dtype=object)
        # a bad whole number or birth date is read as blank (unknown): no table distorted
        add(mask, field, rule, raw, () if kind in ("int", "birth") else (field,))
    for start, end in ORDERED.get(n, ()):
        if start in parsed.values and end in parsed.values:
            backwards = parsed.values[end] < parsed.values[start]  # NaT compares False
            add(backwards, end, "end_before_start", _iso(parsed.values[end]), (start, end))
    if n in ROW_REFERRAL:
        ref, event = ROW_REFERRAL[n]
        if ref in parsed.values and event in parsed.values:
            early = parsed.values[event] < parsed.values[ref]
            add(early, event, "before_referral", _iso(parsed.values[event]), (ref, event))
    return out


def _iso(days: np.ndarray) -> np.ndarray:
    return np.where(np.isnat(days), "", np.datetime_as_string(days, unit="D")).astype(object)


# --- tables ---------------------------------------------------------------------------

def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({k: (v.astype("datetime64[s]") if v.dtype.kind == "M" else v)
                         for k, v in columns.items()})


def _where(lst: ListFrame) -> np.ndarray:
    """The locator of each record of a list: "List 3 row 7"."""
    return np.array([f"List {lst.number} row {r}" for r in lst.rows], dtype=object)


def _table(source: TableSource, lst: ListFrame, parsed: _Parsed, dropped: dict[str, np.ndarray]
           ) -> pd.DataFrame:
    """Rows of one list as one table: left out where a field it uses is bad or needed.
    ``_where`` holds each row's locator (taken off before the table is conformed)."""
    size = len(parsed.ids)
    keep = parsed.ids != ""
    for field in set(source.columns.values()) | set(source.needs):
        keep &= ~dropped.get(field, np.zeros(size, bool))
    for field in source.needs:
        value = parsed.values.get(field)
        keep &= np.zeros(size, bool) if value is None else ~np.isnat(value)
    columns = {"child_id": parsed.ids[keep], "_where": _where(lst)[keep]}
    for column, field in source.columns.items():
        if field in parsed.values:
            columns[column] = parsed.values[field][keep]
    return _frame(columns)


def _sorted_days(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype("datetime64[ns]")
    return out.sort_values(column, kind="stable")


def _progressed(contacts: pd.DataFrame, referrals: pd.DataFrame) -> np.ndarray:
    """Each contact's referral: the child's first referral on or after the contact and
    before the child's next later contact (NaT when none)."""
    if contacts.empty:
        return np.array([], dtype="datetime64[s]")
    left = contacts[["child_id", "contact_date"]].assign(_row=np.arange(len(contacts)))
    distinct = left[["child_id", "contact_date"]].drop_duplicates().sort_values(
        ["child_id", "contact_date"])
    distinct["_next"] = distinct.groupby("child_id")["contact_date"].shift(-1)
    left = left.merge(distinct, on=["child_id", "contact_date"], how="left")
    refs = referrals[["child_id", "referral_date"]].dropna()
    if refs.empty:
        return np.full(len(contacts), np.datetime64("NaT"), dtype="datetime64[s]")
    joined = pd.merge_asof(_sorted_days(left, "contact_date"),
                           _sorted_days(refs, "referral_date"),
                           left_on="contact_date", right_on="referral_date", by="child_id",
                           direction="forward")
    late = joined["_next"].notna() & (joined["referral_date"] >= joined["_next"])
    joined.loc[late, "referral_date"] = pd.NaT
    joined = joined.sort_values("_row")
    return joined["referral_date"].to_numpy().astype("datetime64[s]")


def _latest_referral(events: pd.DataFrame, column: str, referrals: pd.DataFrame
                     ) -> np.ndarray:
    """Each event's referral: the row's own when given, else the child's latest referral
    on or before the event (NaT when none)."""
    own = events["referral_date"].to_numpy() if "referral_date" in events else None
    found = np.full(len(events), np.datetime64("NaT"), dtype="datetime64[s]")
    refs = referrals[["child_id", "referral_date"]].dropna()
    dated = events[column].notna().to_numpy()
    if len(refs) and dated.any():
        left = events.loc[dated, ["child_id", column]].assign(_row=np.flatnonzero(dated))
        joined = pd.merge_asof(_sorted_days(left, column),
                               _sorted_days(refs, "referral_date"), left_on=column,
                               right_on="referral_date", by="child_id", direction="backward")
        found[joined["_row"].to_numpy()] = joined["referral_date"].to_numpy()
    if own is not None:
        found = np.where(np.isnat(own), found, own.astype("datetime64[s]"))
    return found


def _closures(referrals: pd.DataFrame, cin: pd.DataFrame) -> pd.DataFrame:
    """Referrals with closure date, reason and primary need of the List 6 episode that
    starts on the referral date."""
    if cin.empty:
        return referrals
    episodes = cin.drop_duplicates(["child_id", "referral_date"])
    merged = referrals.merge(episodes, on=["child_id", "referral_date"], how="left",
                             suffixes=("", "_cin"))
    return merged


def _children(lists: dict[int, ListFrame], parsed: dict[int, _Parsed],
              dropped: dict[int, dict[str, np.ndarray]]) -> pd.DataFrame:
    """One row per child of lists 1-10: first non-blank birth date and sex in list order."""
    parts = []
    for n in sorted(parsed):
        p = parsed[n]
        if n == 11 or not len(p.ids):
            continue
        size = len(p.ids)
        keep = p.ids != ""
        for field in ("child_id", "birth_date", "sex", "uasc"):
            keep &= ~dropped[n].get(field, np.zeros(size, bool))
        parts.append(pd.DataFrame({
            "child_id": p.ids[keep],
            "_where": _where(lists[n])[keep],
            "birth_date": p.values.get("birth_date", np.full(size, np.datetime64("NaT"),
                                                             "datetime64[D]"))[keep],
            "sex": pd.Series(p.values.get("sex", np.full(size, "", object))[keep],
                             dtype=object).replace("", None),
            "uasc": p.values.get("uasc", np.zeros(size, bool))[keep],
        }))
    if not parts:
        return tables.empty("children")
    everyone = pd.concat(parts, ignore_index=True)
    grouped = everyone.groupby("child_id", sort=False)
    out = grouped[["birth_date", "sex"]].first()
    out["_where"] = grouped["_where"].first()
    out["uasc"] = grouped["uasc"].any()
    out = out.reset_index()
    out["birth_date"] = out["birth_date"].astype("datetime64[s]")
    return out


def data_period(frames: dict[str, pd.DataFrame]
                ) -> tuple[np.datetime64, np.datetime64] | None:
    """(first, last) day of the data period of an Annex A workbook's tables: the twelve
    months to the latest event date not after today; ``None`` when there is no event."""
    today = np.datetime64(dt.date.today(), "D")
    days = [frames[name][col].to_numpy().astype("datetime64[D]")
            for name, cols in _EVENTS.items() if name in frames for col in cols]
    days = np.concatenate(days) if days else np.array([], "datetime64[D]")
    days = days[~np.isnat(days) & (days <= today)]
    if not len(days):
        return None
    latest = days.max()
    first = (pd.Timestamp(latest) - pd.DateOffset(months=_PERIOD_MONTHS)
             + pd.Timedelta(days=1))
    first = np.datetime64(first.date(), "D")
    return first, latest


def collection_years(period: tuple[np.datetime64, np.datetime64] | None) -> tuple[str, ...]:
    """Collection years (1 April to 31 March) the period touches, as "YYYY-YY"."""
    if period is None:
        return ()

    def start_year(day: np.datetime64) -> int:
        d = day.astype(dt.date)
        return d.year if d.month >= 4 else d.year - 1

    first, last = (start_year(d) for d in period)
    return tuple(f"{y}-{(y + 1) % 100:02d}" for y in range(first, last + 1))


def read(path: Path) -> Reading:
    """Read an Annex A workbook into the normalised tables, with its data-quality findings."""
    path = Path(path)
    lists = read_lists(path)
    parsed = {n: _parse(lst) for n, lst in lists.items()}
    known = {i for p in parsed.values() for i in p.ids if i}
    findings = []
    dropped: dict[int, dict[str, np.ndarray]] = {}
    for n, lst in lists.items():
        checks = Checks(KIND, path.name, lambda rows, lst=lst: _where(lst)[rows])
        dropped[n] = _check(lst, parsed[n], checks, known)
        findings += checks.findings
    frames: dict[str, pd.DataFrame] = {}
    for source in TABLE_SOURCES:
        if len(parsed.get(source.list, ())):
            frames[source.table] = _table(source, lists[source.list], parsed[source.list],
                                          dropped[source.list])
    all_referrals = _valid_referrals(parsed, dropped)
    if "contacts" in frames:
        frames["contacts"]["referral_date"] = _progressed(frames["contacts"], all_referrals)
    for table, column in (("assessments", "start_date"), ("s47", "strategy_date")):
        if table in frames:
            frames[table]["referral_date"] = _latest_referral(frames[table], column,
                                                              all_referrals)
    if "referrals" in frames and len(parsed.get(6, ())):
        frames["referrals"] = _closures(frames["referrals"], _cin(parsed[6], dropped[6]))
    if any(len(p) for n, p in parsed.items() if n != 11):
        frames["children"] = _children(lists, parsed, dropped)
    locators = {name: frame.pop("_where").to_numpy(dtype=object)
                for name, frame in frames.items()}
    frames = {name: tables.conform(name, frame) for name, frame in frames.items()}
    years = collection_years(data_period(frames))
    reading = Reading(KIND, path.name, years, frames, findings)
    reading.locators = locators  # each table row's "List N row R"
    return reading


def _valid_referrals(parsed: dict[int, _Parsed], dropped: dict[int, dict[str, np.ndarray]]
                     ) -> pd.DataFrame:
    """Every List 3 referral with a good date (a bad NFA flag does not move its date)."""
    if 3 not in parsed:
        return pd.DataFrame({"child_id": pd.Series([], dtype=object),
                             "referral_date": pd.Series([], dtype="datetime64[s]")})
    p = parsed[3]
    keep = (p.ids != "") & ~np.isnat(p.values["referral_date"])
    keep &= ~dropped[3].get("child_id", np.zeros(len(keep), bool))
    return _frame({"child_id": p.ids[keep], "referral_date": p.values["referral_date"][keep]})


def _cin(p: _Parsed, dropped: dict[str, np.ndarray]) -> pd.DataFrame:
    """List 6 episodes as (child, CIN start = referral date, closure, reason, need)."""
    size = len(p.ids)
    keep = p.ids != ""
    for field in ("child_id", "cin_start", "closure_date"):
        keep &= ~dropped.get(field, np.zeros(size, bool))
    if "cin_start" not in p.values:
        keep &= False
        start = np.full(size, np.datetime64("NaT"), "datetime64[D]")
    else:
        start = p.values["cin_start"]
        keep &= ~np.isnat(start)
    blank_text = np.full(size, "", dtype=object)
    return _frame({
        "child_id": p.ids[keep],
        "referral_date": start[keep],
        "closure_date": p.values.get("closure_date", np.full(size, np.datetime64("NaT"),
                                                             "datetime64[D]"))[keep],
        "closure_reason": p.values.get("closure_reason", blank_text)[keep],
        "primary_need": p.values.get("primary_need", blank_text)[keep],
    })
