"""Kinds for children looked after (issue 19): long-term placement stability, visits from
Annex A's latest-visit column, and events filtered by a code (missing episodes).

Every rule works over whole columns with numpy; only the K reporting months are looped.
Month ends are the last day of each calendar month; ``EDATE`` is Excel's (the same day
N months on, clipped to the month's end).

- ``stable_placement`` (LTSTABLE): children looked after at month end ``e`` (an open
  ``cla`` row), aged under 16 at ``e`` (``EDATE(birth, 192) > e``), looked after for 2.5
  years or more (``EDATE(period start, 30) <= e``) are the denominator; the numerator are
  those whose current placement (the open ``placements`` row with the latest start) has
  lasted 2 years or more (``EDATE(placement start, 24) <= e``), or, when the current
  placement is an adoptive one (placement type A3-A6), whose adoptive placement together
  with the placement just before it in the same period (it ended the day the adoptive one
  started) has: ``EDATE(previous start, 24) <= e``. A child with no birth date is not
  counted (age unknown).
- ``latest_visit`` (CLAVISITS): Annex A holds the last social work visit per child at its
  extract date, so the figure is given for the month holding that date only (the latest
  date of the Annex A tables not after today, as the reader takes it); other months are
  blank (N/A). Denominator: children looked after at that month end; numerator: those
  whose latest visit on or before it is no more than ``limit`` working days before it,
  or whose period of care started fewer than ``limit`` working days before it (not yet
  due).
- ``coded_events`` (MISSEP): rows of the table whose ``start`` falls in the month and whose
  code matches :data:`~xlkpi.indicators.catalogue_cla.SELECT` (one row per child and start
  date: a same-day repeat is one event).
- ``coded_children`` (MISSCHILD): distinct children with such a row in the month.

Text, flag and number columns: the engine's tables carry dates and breakdowns only, so
until they carry every column (requested of the lead), :func:`values` reads the columns
this module keeps beside each table as it is built (``Table.values``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xlkpi.calendar import busday_calendar
from xlkpi.indicators.catalogue_cla import SELECT, Select
from xlkpi.indicators.counting import (
    Counts,
    Settings,
    check_month_end,
    distinct,
    month_ends,
    per_child,
    period_index,
    rule,
    tally,
)
from xlkpi.indicators.definitions import Indicator
from xlkpi.indicators.loader import Extract, Table
from xlkpi.timescales import edate

__all__ = ["as_of", "codes_in", "matches", "values"]

#: placement types of a child placed for adoption (A3/A4 with their current foster
#: carers, A5/A6 with other prospective adopters)
ADOPTIVE = ("A3", "A4", "A5", "A6")
_UNDER = 16 * 12  # months: under 16 at month end
_LOOKED_AFTER = 30  # months: 2.5 years
_SAME_PLACEMENT = 24  # months: 2 years


def values(table: Table, column: str) -> np.ndarray:
    """A text, flag or number column of ``table`` (blank text when it does not carry it)."""
    held = getattr(table, "values", None) or {}
    if column in held:
        return np.asarray(held[column])
    if column in table.groups:
        return np.asarray(table.groups[column])
    return np.full(len(table), "", dtype=object)


def matches(table: Table, select: Select) -> np.ndarray:
    """Rows whose ``select.column`` matches its pattern (upper case, trimmed, whole value)."""
    text = pd.Series(values(table, select.column)).astype(str).str.strip().str.upper()
    return text.str.fullmatch(select.pattern).to_numpy(dtype=bool)


def codes_in(table: Table, other: Table) -> np.ndarray:
    """The child code in ``table`` of each row of ``other`` (-1: not in ``table``)."""
    return pd.Index(table.ids).get_indexer(other.ids)[other.children]


def as_of(extract: Extract, source: str) -> np.datetime64:
    """The extract date of a return without one (Annex A): its latest event date not
    after today, over every table it gave (birth dates excluded)."""
    today = np.datetime64(dt.date.today(), "D")
    latest = np.datetime64("NaT")
    for table in extract.tables.values():
        if table.source != source:
            continue
        for col, days in table.dates.items():
            days = days[~np.isnat(days) & (days <= today)] if col != "birth_date" else []
            if len(days) and (np.isnat(latest) or days.max() > latest):
                latest = days.max()
    return latest


# --- long-term stability ----------------------------------------------------------------

def _open_at(table: Table, day: np.datetime64) -> np.ndarray:
    start, end = table.dates["start_date"], table.dates["end_date"]
    return np.flatnonzero((start <= day) & (np.isnat(end) | (end > day)))


def _stable(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
            group: np.ndarray, ngroups: int) -> Counts:
    places = extract.tables[ind.source]
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    if "cla" not in extract:
        return num, den
    cla, kids = extract.tables["cla"], extract.tables[ind.secondary]
    size = len(places.ids)
    start, end = places.dates["start_date"], places.dates["end_date"]
    kind = pd.Series(values(places, "placement")).astype(str).str.strip().str.upper()
    adoptive = kind.isin(ADOPTIVE).to_numpy()
    order = np.lexsort((start, places.children))
    previous = np.full(len(places), -1, dtype=np.int64)  # the placement just before
    same = places.children[order][1:] == places.children[order][:-1]
    follows = same & (end[order][:-1] == start[order][1:])
    previous[order[1:][follows]] = order[:-1][follows]
    birth = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    kid = codes_in(places, kids)
    known = kid >= 0
    birth[kid[known]] = kids.dates["birth_date"][known]
    in_cla = codes_in(places, cla)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        check_month_end(ind, day)
        rows = _open_at(places, day)
        current = per_child(places.children[rows], start[rows], size, latest=True)
        rows = rows[start[rows] == current[places.children[rows]]]  # the current placement
        cla_rows = _open_at(cla, day)
        cla_rows = cla_rows[in_cla[cla_rows] >= 0]
        entered = per_child(in_cla[cla_rows], cla.dates["start_date"][cla_rows], size,
                            latest=True)
        child = places.children[rows]
        looked_after = np.asarray(edate(entered[child], _LOOKED_AFTER)) <= day
        under_16 = np.asarray(edate(birth[child], _UNDER)) > day
        counted = rows[looked_after & under_16]
        since = start[counted].copy()
        joined = adoptive[counted] & (previous[counted] >= 0)
        since[joined] = start[previous[counted][joined]]
        stable = counted[np.asarray(edate(since, _SAME_PLACEMENT)) <= day]
        den[:, m] = distinct(places.children[counted], group[counted], ngroups)
        num[:, m] = distinct(places.children[stable], group[stable], ngroups)
    return num, den


rule("stable_placement", "share of children under 16 looked after 2.5 years or more at "
     "month end in the same placement 2 years or more (adoptive placement with the one "
     "before)")(_stable)


# --- visits from Annex A's latest visit -------------------------------------------------

def _latest_visit(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
                  group: np.ndarray, ngroups: int) -> Counts:
    cla, visits = extract.tables[ind.source], extract.tables[ind.secondary]
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    extract_day = as_of(extract, visits.source)
    if np.isnat(extract_day):
        return num, den
    m = int(period_index(np.array([extract_day]), periods[0], k)[0])
    if m < 0:
        return num, den
    day = month_ends(periods)[m]
    check_month_end(ind, day)
    n = int(ind.limit or 0)
    cal = busday_calendar(settings.region, settings.closures)
    rows = _open_at(cla, day)
    size = len(cla.ids)
    c = codes_in(cla, visits)
    seen = (c >= 0) & (visits.dates[ind.event] <= day)
    last = per_child(c[seen], visits.dates[ind.event][seen], size, latest=True)
    first = per_child(cla.children[rows], cla.dates[ind.start][rows], size, latest=False)
    in_time = last >= np.busday_offset(day, -n, roll="backward", busdaycal=cal)
    if n >= 1:
        in_time |= first >= np.busday_offset(day, -(n - 1), roll="backward", busdaycal=cal)
    hit = rows[in_time[cla.children[rows]]]
    den[:, m] = distinct(cla.children[rows], group[rows], ngroups)
    num[:, m] = distinct(cla.children[hit], group[hit], ngroups)
    return num, den


rule("latest_visit", "share of children looked after at the extract month's end whose "
     "latest visit is within N working days (Annex A: that month only)")(_latest_visit)


# --- events selected by a code ----------------------------------------------------------

def _coded(ind: Indicator, table: Table, first: np.datetime64, k: int) -> tuple:
    """(rows kept, their month): matching rows, one per child and start date."""
    day = table.dates[ind.start]
    keep = np.flatnonzero(matches(table, SELECT[ind.code]) & ~np.isnat(day))
    keys = pd.DataFrame({"c": table.children[keep], "d": day[keep]})
    keep = keep[~keys.duplicated().to_numpy()]
    return keep, period_index(day[keep], first, k)


def _coded_events(ind: Indicator, extract: Extract, periods: np.ndarray,
                  settings: Settings, group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    keep, period = _coded(ind, table, periods[0], len(periods))
    return tally(period, np.ones(len(keep), dtype=bool), group[keep], ngroups, len(periods))


def _coded_children(ind: Indicator, extract: Extract, periods: np.ndarray,
                    settings: Settings, group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    k = len(periods)
    keep, period = _coded(ind, table, periods[0], k)
    num = np.zeros((ngroups, k), dtype=np.int64)
    for m in range(k):  # K months, not rows
        rows = keep[period == m]
        num[:, m] = distinct(table.children[rows], group[rows], ngroups)
    return num, num.copy()


rule("coded_events", "events of a code starting in the month (a same-day repeat of a "
     "child is one)", events=True)(_coded_events)
rule("coded_children", "distinct children with an event of a code starting in the "
     "month")(_coded_children)
