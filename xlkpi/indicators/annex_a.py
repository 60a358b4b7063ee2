"""Read an Ofsted Annex A workbook (the inspection's child-level lists) into the tables.

Each sheet named like "List 3" / "List_3" / "List 3 - Referrals" is one list, read from
the workbook's cached cell values (:mod:`annex_a_sheets`); its cells are parsed by the kind
of each field (:mod:`annex_a_cells`), checked here, and made into the tables, linked to one
another (:mod:`annex_a_tables`). Headings are matched tolerantly (:mod:`annex_a_headings`).

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
- ``cin_plan_cases`` (List 6 children whose case status is a child in need plan: CIN start
  and closure dates) and ``cin_visits`` (the date each List 6 child was last seen).
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
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from xlkpi.indicators import tables
from xlkpi.indicators.annex_a_cells import Parsed, cell_text, parse_list
from xlkpi.indicators.annex_a_headings import (
    FIELDS,
    HEADER_SCAN_ROWS,
    LISTS,
    ORDERED,
    ROW_REFERRAL,
    TABLE_SOURCES,
)
from xlkpi.indicators.annex_a_sheets import (
    ListFrame,
    header_row,
    list_number,
    read_lists,
    sheet_names,
    worksheets,
)
from xlkpi.indicators.annex_a_tables import build_tables
from xlkpi.indicators.quality import Checks
from xlkpi.indicators.reading import Reading

__all__ = ["KIND", "ListFrame", "collection_years", "data_period", "read", "read_lists",
           "recognise"]

KIND = "Annex A"
#: Table columns whose dates mark activity (the extract date is the latest of them)
_EVENTS = {"contacts": ("contact_date",), "referrals": ("referral_date", "closure_date"),
           "assessments": ("start_date", "authorised_date"),
           "s47": ("strategy_date", "icpc_date"),
           "cin_plan_cases": ("start_date", "end_date"), "cin_visits": ("visit_date",),
           "cp_plans": ("start_date", "end_date"),
           "cp_visits": ("visit_date",), "cp_reviews": ("review_date",),
           "cla": ("start_date", "end_date"), "cla_visits": ("visit_date",),
           "cla_reviews": ("review_date",)}
_PERIOD_MONTHS = 12
_SHOWN_KINDS = ("date", "flag", "int")


def recognise(path: Path) -> bool:
    """Whether ``path`` is an Annex A workbook: a "List N" sheet whose headings match list N.

    Reads the package's sheet names, then at most the top rows of the list sheets; never
    raises.
    """
    try:
        path = Path(path)
        if not zipfile.is_zipfile(path):
            return False
        if not any(list_number(name) for name in sheet_names(path)):
            return False
        for sheet in worksheets(CalamineWorkbook.from_path(str(path))):
            number = list_number(sheet.title)
            if number and header_row(sheet.rows(HEADER_SCAN_ROWS), number):
                return True
    except Exception:  # recognise never raises: anything unreadable is not Annex A
        return False
    return False


def read(path: Path) -> Reading:
    """Read an Annex A workbook into the normalised tables, with its data-quality findings."""
    path = Path(path)
    lists = read_lists(path)
    parsed = {n: parse_list(n, lst.raw) for n, lst in lists.items()}
    known = {i for p in parsed.values() for i in p.ids if i}
    findings = []
    dropped: dict[int, dict[str, np.ndarray]] = {}
    for n, lst in lists.items():
        checks = Checks(KIND, path.name, lambda rows, lst=lst: lst.locators()[rows])
        dropped[n] = _check(lst, parsed[n], checks, known)
        findings += checks.findings
    frames = build_tables(lists, parsed, dropped)
    locators = {name: frame.pop("_where").to_numpy(dtype=object)
                for name, frame in frames.items()}
    frames = {name: tables.conform(name, frame) for name, frame in frames.items()}
    years = collection_years(data_period(frames))
    reading = Reading(KIND, path.name, years, frames, findings)
    reading.locators = locators  # each table row's "List N row R"
    return reading


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


def _check(lst: ListFrame, parsed: Parsed, checks: Checks, known_ids: set[str]
           ) -> dict[str, np.ndarray]:
    """Record every finding of one list; returns field -> rows left out for that field."""
    n = lst.number
    out: dict[str, np.ndarray] = {}

    def add(mask: np.ndarray, field: str, rule: str, shown: np.ndarray | None,
            dropped: tuple[str, ...]) -> None:
        field_kind = next(f.kind for f in FIELDS[n] if f.name == field)
        show = None
        if shown is not None and field_kind in _SHOWN_KINDS:
            rows = np.flatnonzero(mask)  # only the rows of a finding are shown
            text = cell_text(pd.Series(shown[rows], dtype=object)).to_numpy(dtype=object)
            show = np.full(len(mask), "", dtype=object)
            show[rows] = ["" if value in known_ids else value for value in text]
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


# --- years ----------------------------------------------------------------------------

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
