"""Kinds for the child protection indicators: repeat plans (ever, and within a window of
a previous plan ending), plans open a long time at month end, review conferences in time
(reviews linked to their plan), and the Annex A snapshot of visits.

- ``plan_repeat`` (CPREPEAT12): plans starting in the month (denominator); numerator those
  that are a second or subsequent plan: the return's ``previous_plans``
  (NumberOfPreviousCPP) is 1 or more, or the child has a plan with an earlier start in
  the data (any return, any year). A blank ``previous_plans`` (-1, or a table without
  the column) falls back to the history alone. A field recorded as 0 does not hide an
  earlier plan the data holds.
- ``plan_return`` (CPREPEAT2Y): plans starting in the month (denominator); numerator those
  where the child's latest ending earlier plan (earlier start) ended on or before the new
  start and on or after ``EDATE(start, -months)``: a plan ending the day another starts is
  a previous plan ended 0 days before. Not from Annex A (it lists only plans open in its
  period, so earlier plans are missing).
- ``open_since`` (CPOPEN2Y): distinct children with a plan open at month end ``e``
  (denominator); numerator those with an open plan that has lasted ``months`` months by
  ``e`` (``e >= EDATE(start, months)``, as CP2YRS measures ended plans). A plan ending the
  day another starts restarts the clock.
- ``plan_reviewed`` (CPREVIEWS): the ``reviewed`` rule of :mod:`kinds_core` with the
  review conferences of the child's current plan only: reviews are matched to the plan by
  ``plan_start`` (the CIN census files each CPPreviewDate under its plan), so a review of
  a plan that ended the day the next one started is not taken as the new plan's first.
  Due dates: first ``EDATE(start, 3)`` (RCPC_FIRST: the ICPC is the plan start), then
  ``EDATE(previous review held, 6)`` (RCPC). A review held on its due date is in time,
  a day after is late. Not from Annex A (it holds only the latest review).
- ``open_repeat`` (CPREPEATNOW): distinct children with a plan open at month end
  (denominator); numerator those whose open plan is a second or subsequent one, as
  ``plan_repeat`` marks a plan.
- ``visited_latest`` (CPVISITSA, CINVISITSA, CLAVISITS): Annex A holds only the latest
  visit per child, which tells whether a child is in time on one day only: the extract
  date, taken as the latest event date (not a birth, not after today) in any table of the
  return the visits come from. The figure is computed at that date and reported in the
  month that holds it (other months have no denominator: ``N/A``): children open at that
  date (a plan, a case, a period of care: the denominator), in time as CPVISITS counts
  them (latest visit no more than N working days before, or opened fewer than N working
  days before). N is the indicator's ``limit`` when it has one, else the visit-frequency
  setting or its timescale (``kinds_core._visit_days``). Only from Annex A: full
  histories have CPVISITS.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from xlkpi.calendar import busday_calendar
from xlkpi.indicators.counting import (
    Counts,
    Settings,
    check_month_end,
    codes_in,
    distinct,
    extract_date,
    held,
    matched,
    month_ends,
    open_rows,
    period_index,
    rule,
    tally,
)
from xlkpi.indicators.definitions import Indicator
from xlkpi.indicators.kinds_core import _reviewed, _visit_days, _visited
from xlkpi.indicators.loader import Extract, Table
from xlkpi.timescales import edate

__all__: list[str] = []  # rules register themselves (counting.RULES)


def _starting(ind: Indicator, table: Table, periods: np.ndarray) -> np.ndarray:
    return period_index(table.dates[ind.start], periods[0], len(periods))


def _repeats(ind: Indicator, table: Table) -> np.ndarray:
    """Plans that are a second or subsequent one: the return's count of previous plans is
    1 or more, or the child has a plan with an earlier start in the data."""
    start = table.dates[ind.start]
    first = np.full(max(len(table.ids), 1), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, table.children, start.astype(np.int64))
    hit = first[table.children] < start.astype(np.int64)
    previous = held(table, "previous_plans")
    if previous is not None:
        hit |= previous.astype(np.int64) > 0
    return hit


@rule("plan_repeat", "share of plans starting in the month that are a second or subsequent "
      "plan (the return's count of previous plans, or an earlier plan in the data)",
      events=True)
def _plan_repeat(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
                 group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    return tally(_starting(ind, table, periods), _repeats(ind, table), group, ngroups,
                 len(periods))


@rule("plan_return", "share of plans starting in the month whose child had a previous plan "
      "end within N months before", events=True)
def _plan_return(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
                 group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    start, end = table.dates[ind.start], table.dates[ind.end]
    order = np.lexsort((start, table.children))
    c, s = table.children[order], start[order]
    ended = end[order].astype(np.int64)  # NaT is the smallest int64: never a later end
    # the latest end among the child's plans with an earlier start (same-start plans are
    # one record: KEYS), shifted one row so a plan never sees itself
    running = pd.Series(ended).groupby(c).cummax().to_numpy()
    prev_end = np.full(len(c), np.iinfo(np.int64).min, dtype=np.int64)
    same = np.zeros(len(c), dtype=bool)
    same[1:] = c[1:] == c[:-1]
    prev_end[1:] = np.where(same[1:], running[:-1], prev_end[1:])
    prev = prev_end.view("datetime64[D]")
    period = period_index(s, periods[0], len(periods))
    hit = np.zeros(len(c), dtype=bool)
    sel = np.flatnonzero((period >= 0) & ~np.isnat(prev))
    if len(sel):
        window = np.asarray(edate(s[sel], -ind.months)).astype("datetime64[D]")
        hit[sel] = (prev[sel] <= s[sel]) & (prev[sel] >= window)
    return tally(period, hit, group[order], ngroups, len(periods))


def _open_share(ind: Indicator, table: Table, periods: np.ndarray, group: np.ndarray,
                ngroups: int, hit: Callable[[np.ndarray, np.datetime64], np.ndarray]
                ) -> Counts:
    """Distinct children with a row open at each month end, and those with an open row
    that ``hit(rows, day)`` marks."""
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        rows = open_rows(table, ind.start, ind.end, day)
        marked = rows[hit(rows, day)]
        den[:, m] = distinct(table.children[rows], group[rows], ngroups)
        num[:, m] = distinct(table.children[marked], group[marked], ngroups)
    return num, den


@rule("open_since", "share of children open at month end whose open episode has lasted at "
      "least N months")
def _open_since(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
                group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    lasted = np.asarray(edate(table.dates[ind.start], ind.months)).astype("datetime64[D]")
    return _open_share(ind, table, periods, group, ngroups,
                       lambda rows, day: lasted[rows] <= day)


@rule("open_repeat", "share of children on a plan at month end whose open plan is a second "
      "or subsequent one")
def _open_repeat(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
                 group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    repeat = _repeats(ind, table)
    return _open_share(ind, table, periods, group, ngroups, lambda rows, day: repeat[rows])


def _plan_reviews(table: Table, other: Table, column: str) -> tuple[np.ndarray, ...]:
    """Reviews as (child code of ``table``, plan start, date), sorted by child then date,
    without same-day repeats of one plan; children not in ``table`` dropped."""
    codes = codes_in(table, other)
    day, plan = other.dates[column], other.dates["plan_start"]
    keep = np.flatnonzero(codes >= 0)
    order = keep[np.lexsort((day[keep], plan[keep], codes[keep]))]
    c, p, d = codes[order], plan[order], day[order]
    repeat = np.zeros(len(c), dtype=bool)
    repeat[1:] = (c[1:] == c[:-1]) & (p[1:] == p[:-1]) & (d[1:] == d[:-1])
    c, p, d = c[~repeat], p[~repeat], d[~repeat]
    by_date = np.lexsort((d, c))
    return c[by_date], p[by_date], d[by_date]


@rule("plan_reviewed", "share of children on a plan at month end, a review due, with every "
      "review conference of the current plan on time")
def _plan_reviewed(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
                   group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    c, p, d = _plan_reviews(table, extract.tables[ind.secondary], ind.event)
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    size = max(len(table.ids), 1)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        check_month_end(ind, day)
        rows = open_rows(table, ind.start, ind.end, day)
        current = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(current, table.children[rows],
                      table.dates[ind.start][rows].astype(np.int64))
        mine = p == current.view("datetime64[D]")[c]
        counted, hit = _reviewed(ind, table, day, rows, (c[mine], d[mine]), settings)
        child = table.children[rows]
        dens, nums = rows[counted[child]], rows[hit[child]]
        den[:, m] = distinct(table.children[dens], group[dens], ngroups)
        num[:, m] = distinct(table.children[nums], group[nums], ngroups)
    return num, den


@rule("visited_latest", "share of children open at the extract date (a plan, a case, a "
      "period of care) seen within N working days (or not yet due), in the month of the "
      "extract date")
def _visited_latest(ind: Indicator, extract: Extract, periods: np.ndarray,
                    settings: Settings, group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    day = extract_date(extract, extract.tables[ind.secondary].source)
    if np.isnat(day):
        return num, den
    m = int(period_index(np.array([day], dtype="datetime64[D]"), periods[0], k)[0])
    if m < 0:
        return num, den
    check_month_end(ind, day)
    cal = busday_calendar(settings.region, settings.closures)
    rows = open_rows(table, ind.start, ind.end, day)
    hit = _visited(ind, table, day, rows, matched(table, extract.tables[ind.secondary],
                                                  ind.event), _visit_days(ind, settings), cal)
    seen = rows[hit[table.children[rows]]]
    den[:, m] = distinct(table.children[rows], group[rows], ngroups)
    num[:, m] = distinct(table.children[seen], group[seen], ngroups)
    return num, den


#: Annex A lists only plans open in its period and the latest review per child; full
#: histories (the CIN census, the CSV layout) have CPVISITS instead of the snapshot
