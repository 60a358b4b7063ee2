"""The engine's first kinds: events in the month, timeliness, snapshots at month end, and
the two-table kinds (visits and reviews in time).

Periods are calendar months; an event counts in the month its date falls in; snapshot
figures are taken at the last day of the month. Working days are ``elapsed`` (the start
day is day 0) in the chosen region with the council's closures. Everything is computed
over whole columns with numpy: no Python loop runs over rows (only over the K months of
a snapshot).

Two-file kinds (``visited``, ``reviewed``) match children across the files by
``child_id`` and work per child at each month end:

- ``visited`` (CPVISITS): children with a plan open at month end ``e`` (``start <= e`` and
  ``end`` blank or after ``e``) are the denominator. A child is in time when the latest
  visit dated on or before ``e`` has ``working_days(visit, e) <= N``, or when the earliest
  start of the child's open plans has ``working_days(start, e) < N`` (not yet due). Both
  tests are date comparisons against the N-th and (N+1)-th working days counted back from
  ``e`` (the k-th working day on or before ``e`` is the last start day with ``k`` elapsed
  working days to ``e``), so visit and plan dates need not be in the calendar. N is
  ``Settings.visit_days``, by default the ``CP_VISIT`` timescale (20 working days).
- ``reviewed`` (CLAREVIEWS): the current episode is the child's open row with the latest
  start. Reviews are the child's distinct review dates from that start to ``e``, in order.
  Due dates follow :mod:`xlkpi.timescales`: first ``due_date(start, "CLA_REVIEW_FIRST")``
  (WORKDAY(start, 20)), second ``due_date(first, "CLA_REVIEW_SECOND")`` (EDATE(first, 3)),
  later ``due_date(previous, "CLA_REVIEW")`` (EDATE(previous, 6)), each from the review
  actually held. Denominator: children whose first review is due on or before ``e``;
  numerator: those where every review was held on or before its due date and the review
  after the last one held is not yet due (due after ``e``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from xlkpi.calendar import busday_calendar, working_days
from xlkpi.errors import KpiError
from xlkpi.indicators.counting import (
    Counts,
    Settings,
    check_month_end,
    distinct,
    matched,
    month_ends,
    open_rows,
    per_child,
    period_index,
    rule,
    tally,
)
from xlkpi.indicators.definitions import Indicator
from xlkpi.indicators.loader import Extract, Table
from xlkpi.timescales import due_date, edate, timescale

__all__: list[str] = []  # rules register themselves (counting.RULES)


def _repeat(ind: Indicator, table: Table, first: np.datetime64, k: int,
            settings: Settings) -> tuple:
    """Events in the month with an earlier event (strictly before) of the same child."""
    day = table.dates[ind.start]
    child = table.children
    order = np.lexsort((day, child))
    c, d = child[order], day[order]
    n = len(c)
    new_run = np.ones(n, dtype=bool)  # a run is one child's events on one day
    new_run[1:] = (c[1:] != c[:-1]) | (d[1:] != d[:-1])
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
    prev = run_start - 1  # the last event of the previous run: the latest earlier date
    has_prev = prev >= 0
    has_prev[has_prev] = c[prev[has_prev]] == c[has_prev]
    period = period_index(d, first, k)
    hit = has_prev & (period >= 0)
    if ind.months is not None and hit.any():
        sel = np.flatnonzero(hit)
        window = np.asarray(edate(d[sel], -ind.months))
        hit[sel] = d[prev[sel]] >= window
    return order, period, hit


def _timely(ind: Indicator, table: Table, first: np.datetime64, k: int,
            settings: Settings) -> tuple:
    """Events ended in the month within a working-day limit of their start (an event whose
    start is unknown, such as an Annex A assessment whose referral is not in List 3, is
    not measured)."""
    end = table.dates[ind.end]
    period = period_index(end, first, k)
    period[np.isnat(table.dates[ind.start])] = -1
    hit = np.zeros(len(end), dtype=bool)
    sel = np.flatnonzero(period >= 0)
    if len(sel):
        taken = working_days(table.dates[ind.start][sel], end[sel], region=settings.region,
                             closures=settings.closures)
        hit[sel] = np.asarray(taken) <= ind.limit
    return None, period, hit


def _lasting(ind: Indicator, table: Table, first: np.datetime64, k: int,
             settings: Settings) -> tuple:
    """Episodes ended in the month that lasted at least ``months`` calendar months."""
    end = table.dates[ind.end]
    period = period_index(end, first, k)
    hit = np.zeros(len(end), dtype=bool)
    sel = np.flatnonzero(period >= 0)
    if len(sel):
        hit[sel] = end[sel] >= np.asarray(edate(table.dates[ind.start][sel], ind.months))
    return None, period, hit


def _event_rate(ind: Indicator, table: Table, first: np.datetime64, k: int,
                settings: Settings) -> tuple:
    period = period_index(table.dates[ind.start], first, k)
    return None, period, period >= 0


def _progressed(ind: Indicator, table: Table, first: np.datetime64, k: int,
                settings: Settings) -> tuple:
    period = period_index(table.dates[ind.start], first, k)
    return None, period, ~np.isnat(table.dates[ind.end])


def _snapshot(ind: Indicator, table: Table, periods: np.ndarray, group: np.ndarray,
              ngroups: int, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Counts at each month end: open rows, and distinct children or overdue rows."""
    start, end = table.dates[ind.start], table.dates[ind.end]
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        rows = open_rows(table, ind.start, ind.end, day)
        if ind.kind == "snapshot_rate":
            num[:, m] = distinct(table.children[rows], group[rows], ngroups)
        elif ind.kind == "frequent":
            since = np.datetime64(edate(day, -ind.months), "D")
            in_window = (start <= day) & (np.isnat(end) | (end > since))
            episodes = np.bincount(table.children[in_window], minlength=len(table) or 1)
            many = rows[episodes[table.children[rows]] >= ind.limit]
            den[:, m] = distinct(table.children[rows], group[rows], ngroups)
            num[:, m] = distinct(table.children[many], group[many], ngroups)
        else:
            taken = np.asarray(working_days(start[rows], day, region=settings.region,
                                            closures=settings.closures))
            over = rows[taken > ind.limit]
            den[:, m] = np.bincount(group[rows], minlength=ngroups)
            num[:, m] = np.bincount(group[over], minlength=ngroups)
            den[0, m], num[0, m] = len(rows), len(over)
    return num, den


def _visit_days(ind: Indicator, settings: Settings) -> int:
    """N, the visit frequency in working days: the indicator's own limit (CLA visits, six
    weeks), else the setting, else the indicator's timescale."""
    if ind.limit is not None:
        return int(ind.limit)
    if settings.visit_days is not None:
        if settings.visit_days < 0:
            raise KpiError(f"visit days: {settings.visit_days} must be 0 or more")
        return int(settings.visit_days)
    scale = timescale(ind.timescales[0])
    if scale.unit != "WD":
        raise ValueError(f"indicator {ind.code}: timescale {scale.code} is not in working days")
    return int(scale.amount)


def _nth_working_day_back(day: np.datetime64, n: int, cal: np.busdaycalendar) -> np.datetime64:
    """The n-th working day on or before ``day`` (n >= 1): the latest start date with at
    least ``n`` elapsed working days to ``day``."""
    return np.busday_offset(day, -(n - 1), roll="backward", busdaycal=cal)


def _visited(ind: Indicator, table: Table, day: np.datetime64, rows: np.ndarray,
             visits: tuple[np.ndarray, np.ndarray], n: int,
             cal: np.busdaycalendar) -> np.ndarray:
    """Per child: on a plan at ``day`` and visited within ``n`` working days or not yet due."""
    size = len(table.ids)
    first_start = per_child(table.children[rows], table.dates[ind.start][rows], size,
                             latest=False)
    c, d = visits
    seen = d <= day
    last_visit = per_child(c[seen], d[seen], size, latest=True)
    in_time = last_visit >= _nth_working_day_back(day, n + 1, cal)  # NaT compares False
    if n >= 1:
        in_time |= first_start >= _nth_working_day_back(day, n, cal)  # not yet due
    return in_time


def _reviewed(ind: Indicator, table: Table, day: np.datetime64, rows: np.ndarray,
              reviews: tuple[np.ndarray, np.ndarray],
              settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Per child: (first review due by ``day``, every review due by ``day`` held in time)."""
    first, second, later = ind.timescales
    start = per_child(table.children[rows], table.dates[ind.start][rows], len(table.ids),
                       latest=True)  # the current episode
    opened = np.flatnonzero(~np.isnat(start))
    first_due = np.full(len(start), np.datetime64("NaT"), dtype="datetime64[D]")
    if len(opened):
        first_due[opened] = np.asarray(due_date(start[opened], first, region=settings.region,
                                                closures=settings.closures))
    due = first_due <= day
    c, d = reviews
    held = (d >= start[c]) & (d <= day)  # in the current episode, by month end
    c, d = c[held], d[held]
    count = len(c)
    new_child = np.ones(count, dtype=bool)
    new_child[1:] = c[1:] != c[:-1]
    nth = np.arange(count) - np.maximum.accumulate(np.where(new_child, np.arange(count), 0))
    review_due = first_due[c]  # the first review of each child
    for position, code in ((nth == 1, second), (nth >= 2, later)):
        sel = np.flatnonzero(position)
        if len(sel):
            review_due[sel] = np.asarray(due_date(d[sel - 1], code, region=settings.region,
                                                  closures=settings.closures))
    late = d > review_due
    last = np.flatnonzero(np.append(new_child[1:], True)) if count else np.array([], int)
    next_due = np.full(len(last), np.datetime64("NaT"), dtype="datetime64[D]")
    for position, code in ((nth[last] == 0, second), (nth[last] >= 1, later)):
        sel = last[position]
        if len(sel):
            next_due[position] = np.asarray(due_date(d[sel], code, region=settings.region,
                                                     closures=settings.closures))
    bad = np.ones(len(start), dtype=bool)  # no review held yet: the first is overdue
    bad[c[last]] = next_due <= day  # the next review fell due and was not held
    bad[c[late]] = True
    return due, due & ~bad


def _two_files(ind: Indicator, table: Table, other: Table, periods: np.ndarray,
               group: np.ndarray, ngroups: int,
               settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Children open at each month end, and those in time (``visited``, ``reviewed``)."""
    events = matched(table, other, ind.event)
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    n = _visit_days(ind, settings) if ind.kind == "visited" else 0
    cal = busday_calendar(settings.region, settings.closures)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        check_month_end(ind, day)
        rows = open_rows(table, ind.start, ind.end, day)
        if ind.kind == "visited":
            hit = _visited(ind, table, day, rows, events, n, cal)
            counted = np.ones(len(hit), dtype=bool)
        else:
            counted, hit = _reviewed(ind, table, day, rows, events, settings)
        child = table.children[rows]
        dens, nums = rows[counted[child]], rows[hit[child]]
        den[:, m] = distinct(table.children[dens], group[dens], ngroups)
        num[:, m] = distinct(table.children[nums], group[nums], ngroups)
    return num, den


def _by_event(row_rule: Callable[..., tuple]) -> Callable[..., Counts]:
    """A rule from a per-row one: ``(order, period, hit)`` per row of the table, tallied."""
    def counts(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
               group: np.ndarray, ngroups: int) -> Counts:
        table = extract.tables[ind.source]
        order, period, hit = row_rule(ind, table, periods[0], len(periods), settings)
        return tally(period, hit, group if order is None else group[order], ngroups,
                     len(periods))
    return counts


def _at_month_ends(ind: Indicator, extract: Extract, periods: np.ndarray,
                   settings: Settings, group: np.ndarray, ngroups: int) -> Counts:
    return _snapshot(ind, extract.tables[ind.source], periods, group, ngroups, settings)


def _with_second_table(ind: Indicator, extract: Extract, periods: np.ndarray,
                       settings: Settings, group: np.ndarray, ngroups: int) -> Counts:
    return _two_files(ind, extract.tables[ind.source], extract.tables[ind.secondary],
                      periods, group, ngroups, settings)


for _kind, _meaning, _row_rule in (
    ("repeat", "share of events in the month with an earlier event of the same child in "
     "window", _repeat),
    ("lasting", "share of episodes ended in the month that lasted at least N months",
     _lasting),
    ("event_rate", "events started in the month per 10,000 of the population", _event_rate),
    ("progressed", "share of events in the month that progressed to the next stage",
     _progressed),
):
    rule(_kind, _meaning, events=True)(_by_event(_row_rule))
rule("timely", "share of events completed in the month within a working-day limit",
     events=True, working_days="span")(_by_event(_timely))
for _kind, _meaning in (
    ("snapshot_rate", "distinct children open at month end per 10,000 of the population"),
    ("frequent", "share of children open at month end with N or more episodes in the "
     "window"),
):
    rule(_kind, _meaning)(_at_month_ends)
rule("overdue_open", "share of items open at month end past a working-day limit",
     working_days="span")(_at_month_ends)
rule("visited", "share of children open at month end seen within N working days (or not "
     "yet due)")(_with_second_table)
rule("reviewed", "share of children open at month end, a review due, with every due review "
     "on time", working_days="open_start")(_with_second_table)
