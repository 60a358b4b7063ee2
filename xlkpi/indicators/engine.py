"""The one engine that turns indicator declarations and an extract into a monthly table.

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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xlkpi.calendar import FIRST_YEAR, LAST_YEAR, busday_calendar, working_days
from xlkpi.errors import KpiError
from xlkpi.indicators.definitions import INDICATORS, SHORT_HISTORY, Indicator
from xlkpi.indicators.loader import Extract, Table
from xlkpi.measures import NOT_APPLICABLE, pct, rate
from xlkpi.timescales import due_date, edate, timescale

__all__ = ["ALL", "COLUMNS", "Settings", "compute", "month_ends", "periods_ending"]

#: Output columns, in order (``breakdown`` is added only when a breakdown is asked for).
COLUMNS = ("period", "code", "numerator", "denominator", "value", "source")
#: The breakdown label of the whole-authority row.
ALL = "All"
_BLANK_GROUP = "(blank)"


@dataclass(frozen=True)
class Settings:
    """What the monthly table is computed for."""

    month: np.datetime64  # the last reporting month, datetime64[M]
    months: int = 1
    population: float = 0.0
    region: str = "ENG"
    closures: Any = None
    by: str | None = None
    #: the visit frequency of ``visited`` indicators in working days (``None``: the
    #: indicator's timescale, ``CP_VISIT`` 20 working days)
    visit_days: int | None = None


def periods_ending(month: np.datetime64, months: int) -> np.ndarray:
    """The ``months`` calendar months ending at ``month``, oldest first (datetime64[M])."""
    last = np.datetime64(month, "M")
    return last - np.arange(months - 1, -1, -1).astype("timedelta64[M]")


def month_ends(periods: np.ndarray) -> np.ndarray:
    """The last day of each month."""
    return (periods + 1).astype("datetime64[D]") - np.timedelta64(1, "D")


def _period_index(days: np.ndarray, first: np.datetime64, months: int) -> np.ndarray:
    """Position of each date's month among the reporting months, or -1 outside them."""
    idx = (days.astype("datetime64[M]") - first).astype(np.int64)
    return np.where(np.isnat(days) | (idx < 0) | (idx >= months), -1, idx)


def _repeat(ind: Indicator, table: Table, first: np.datetime64, k: int) -> tuple:
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
    period = _period_index(d, first, k)
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
    period = _period_index(end, first, k)
    period[np.isnat(table.dates[ind.start])] = -1
    hit = np.zeros(len(end), dtype=bool)
    sel = np.flatnonzero(period >= 0)
    if len(sel):
        taken = working_days(table.dates[ind.start][sel], end[sel], region=settings.region,
                             closures=settings.closures)
        hit[sel] = np.asarray(taken) <= ind.limit
    return None, period, hit


def _lasting(ind: Indicator, table: Table, first: np.datetime64, k: int) -> tuple:
    """Episodes ended in the month that lasted at least ``months`` calendar months."""
    end = table.dates[ind.end]
    period = _period_index(end, first, k)
    hit = np.zeros(len(end), dtype=bool)
    sel = np.flatnonzero(period >= 0)
    if len(sel):
        hit[sel] = end[sel] >= np.asarray(edate(table.dates[ind.start][sel], ind.months))
    return None, period, hit


def _event_rate(ind: Indicator, table: Table, first: np.datetime64, k: int) -> tuple:
    period = _period_index(table.dates[ind.start], first, k)
    return None, period, period >= 0


def _progressed(ind: Indicator, table: Table, first: np.datetime64, k: int) -> tuple:
    period = _period_index(table.dates[ind.start], first, k)
    return None, period, ~np.isnat(table.dates[ind.end])


def _distinct(children: np.ndarray, group: np.ndarray, ngroups: int) -> np.ndarray:
    """Distinct children per group (group 0, the authority, counted once per child)."""
    pairs = np.unique(children * ngroups + group)
    counts = np.bincount(pairs % ngroups, minlength=ngroups)
    counts[0] = len(np.unique(children))
    return counts


def _groups(table: Table, by: str | None) -> tuple[np.ndarray, list[str]]:
    """Group code per row (0 is the whole authority) and the group labels."""
    if by is None or by not in table.groups:
        return np.zeros(len(table), dtype=np.int64), [ALL]
    values = pd.Series(table.groups[by]).replace("", _BLANK_GROUP).to_numpy()
    codes, labels = pd.factorize(values, sort=True)
    return codes.astype(np.int64) + 1, [ALL, *map(str, labels)]


def _tally(period: np.ndarray, hit: np.ndarray, group: np.ndarray, ngroups: int,
           k: int) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) per group and month, as (ngroups, k) arrays."""
    counted = period >= 0
    keys = [period[counted]]
    hits = [hit[counted]]
    if ngroups > 1:
        keys.append(group[counted] * k + period[counted])
        hits.append(hit[counted])
    key = np.concatenate(keys)
    flag = np.concatenate(hits)
    size = ngroups * k
    den = np.bincount(key, minlength=size).reshape(ngroups, k)
    num = np.bincount(key[flag], minlength=size).reshape(ngroups, k)
    return num, den


def _snapshot(ind: Indicator, table: Table, periods: np.ndarray, group: np.ndarray,
              ngroups: int, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Counts at each month end: open rows, and distinct children or overdue rows."""
    start, end = table.dates[ind.start], table.dates[ind.end]
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        is_open = (start <= day) & (np.isnat(end) | (end > day))
        rows = np.flatnonzero(is_open)
        if ind.kind == "snapshot_rate":
            num[:, m] = _distinct(table.children[rows], group[rows], ngroups)
        elif ind.kind == "frequent":
            since = np.datetime64(edate(day, -ind.months), "D")
            in_window = (start <= day) & (np.isnat(end) | (end > since))
            episodes = np.bincount(table.children[in_window], minlength=len(table) or 1)
            many = rows[episodes[table.children[rows]] >= ind.limit]
            den[:, m] = _distinct(table.children[rows], group[rows], ngroups)
            num[:, m] = _distinct(table.children[many], group[many], ngroups)
        else:
            taken = np.asarray(working_days(start[rows], day, region=settings.region,
                                            closures=settings.closures))
            over = rows[taken > ind.limit]
            den[:, m] = np.bincount(group[rows], minlength=ngroups)
            num[:, m] = np.bincount(group[over], minlength=ngroups)
            den[0, m], num[0, m] = len(rows), len(over)
    return num, den


_NO_DAY = np.iinfo(np.int64).min  # "no date" in the integer per-child arrays


def _per_child(children: np.ndarray, day: np.ndarray, size: int, latest: bool) -> np.ndarray:
    """The latest (or earliest) ``day`` of each of ``size`` child codes, NaT for a child
    without a row."""
    fill = _NO_DAY if latest else np.iinfo(np.int64).max
    out = np.full(size, fill, dtype=np.int64)
    (np.maximum if latest else np.minimum).at(out, children, day.astype(np.int64))
    out[out == fill] = _NO_DAY
    return out.view("datetime64[D]")  # _NO_DAY is NaT


def _matched(table: Table, other: Table, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``other`` as (child code of ``table``, date), sorted by child then date,
    without same-day repeats; children not in ``table`` are dropped."""
    codes = pd.Index(table.ids).get_indexer(other.ids)[other.children]
    day = other.dates[column]
    keep = np.flatnonzero(codes >= 0)
    order = keep[np.lexsort((day[keep], codes[keep]))]
    c, d = codes[order], day[order]
    repeat = np.zeros(len(c), dtype=bool)
    repeat[1:] = (c[1:] == c[:-1]) & (d[1:] == d[:-1])
    return c[~repeat], d[~repeat]


def _check_month_end(ind: Indicator, day: np.datetime64) -> None:
    if not np.datetime64(f"{FIRST_YEAR}-01-01") <= day <= np.datetime64(f"{LAST_YEAR}-12-31"):
        raise KpiError(f"indicator {ind.code}: month end {day} is outside the working-day "
                       f"calendar ({FIRST_YEAR}-{LAST_YEAR})")


def _visit_days(ind: Indicator, settings: Settings) -> int:
    """N, the visit frequency in working days: the setting, else the indicator's timescale."""
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
    first_start = _per_child(table.children[rows], table.dates[ind.start][rows], size,
                             latest=False)
    c, d = visits
    seen = d <= day
    last_visit = _per_child(c[seen], d[seen], size, latest=True)
    in_time = last_visit >= _nth_working_day_back(day, n + 1, cal)  # NaT compares False
    if n >= 1:
        in_time |= first_start >= _nth_working_day_back(day, n, cal)  # not yet due
    return in_time


def _reviewed(ind: Indicator, table: Table, day: np.datetime64, rows: np.ndarray,
              reviews: tuple[np.ndarray, np.ndarray],
              settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Per child: (first review due by ``day``, every review due by ``day`` held in time)."""
    first, second, later = ind.timescales
    start = _per_child(table.children[rows], table.dates[ind.start][rows], len(table.ids),
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
    start, end = table.dates[ind.start], table.dates[ind.end]
    events = _matched(table, other, ind.event)
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    n = _visit_days(ind, settings) if ind.kind == "visited" else 0
    cal = busday_calendar(settings.region, settings.closures)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        _check_month_end(ind, day)
        rows = np.flatnonzero((start <= day) & (np.isnat(end) | (end > day)))
        if ind.kind == "visited":
            hit = _visited(ind, table, day, rows, events, n, cal)
            counted = np.ones(len(hit), dtype=bool)
        else:
            counted, hit = _reviewed(ind, table, day, rows, events, settings)
        child = table.children[rows]
        dens, nums = rows[counted[child]], rows[hit[child]]
        den[:, m] = _distinct(table.children[dens], group[dens], ngroups)
        num[:, m] = _distinct(table.children[nums], group[nums], ngroups)
    return num, den


def _counts(ind: Indicator, table: Table, periods: np.ndarray, settings: Settings,
            group: np.ndarray, ngroups: int,
            other: Table | None = None) -> tuple[np.ndarray, np.ndarray]:
    first, k = periods[0], len(periods)
    if ind.kind in ("visited", "reviewed"):
        if other is None:
            raise ValueError(f"indicator {ind.code}: needs its second file {ind.secondary}")
        return _two_files(ind, table, other, periods, group, ngroups, settings)
    if ind.kind in ("snapshot_rate", "overdue_open", "frequent"):
        return _snapshot(ind, table, periods, group, ngroups, settings)
    if ind.kind == "repeat":
        order, period, hit = _repeat(ind, table, first, k)
        group = group[order]
    elif ind.kind == "timely":
        _, period, hit = _timely(ind, table, first, k, settings)
    elif ind.kind == "lasting":
        _, period, hit = _lasting(ind, table, first, k)
    elif ind.kind == "event_rate":
        _, period, hit = _event_rate(ind, table, first, k)
    elif ind.kind == "progressed":
        _, period, hit = _progressed(ind, table, first, k)
    else:
        raise ValueError(f"indicator {ind.code}: unknown kind {ind.kind!r}")
    return _tally(period, hit, group, ngroups, k)


def _rows(ind: Indicator, periods: np.ndarray, labels: list[str], num: np.ndarray,
          den: np.ndarray, settings: Settings) -> pd.DataFrame:
    k = len(periods)
    if ind.per_population:
        labels = labels[:1]  # no population per team or area: no rate to give
        num = num[:1]
        count = num.ravel()
        population = float(settings.population)
        shown = int(population) if population.is_integer() else population
        den_col = np.full(k, shown, dtype=object)
        value = np.atleast_1d(rate(count, np.full(k, float(settings.population))))
    else:
        count = num.ravel()
        den_col = den.ravel().astype(object)
        value = np.atleast_1d(pct(count, den.ravel()))
    frame = pd.DataFrame({
        "period": np.tile(pd.PeriodIndex(periods.astype(str), freq="M").strftime("%Y-%m"),
                          len(labels)),
        "code": ind.code,
        "numerator": count,
        "denominator": den_col,
        "value": np.asarray(value, dtype=object),
        "breakdown": np.repeat(labels, k),
    })
    return frame


def compute(extract: Extract, settings: Settings,
            codes: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The monthly indicator table for every catalogued indicator whose file is present.

    One row per indicator per month (and per breakdown group when ``settings.by`` is
    set); ``value`` is a fraction, a rate per 10,000, or ``N/A`` with a zero denominator.
    """
    periods = periods_ending(settings.month, settings.months)
    frames = []
    for ind in INDICATORS.values():
        if (codes is not None and ind.code not in codes) or not all(
                file in extract for file in ind.files) or ind.kind in SHORT_HISTORY.get(
                extract.tables[ind.source].source, ()):
            continue
        table = extract.tables[ind.source]
        group, labels = _groups(table, settings.by)
        other = extract.tables[ind.secondary] if ind.secondary else None
        num, den = _counts(ind, table, periods, settings, group, len(labels), other)
        rows = _rows(ind, periods, labels, num, den, settings)
        rows["source"] = " + ".join(dict.fromkeys(extract.tables[f].source
                                                  for f in ind.files))
        frames.append(rows)
    columns = [*COLUMNS, "breakdown"] if settings.by else list(COLUMNS)
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    table["value"] = table["value"].map(lambda v: NOT_APPLICABLE if v is None else v)
    sort = ["breakdown", "period"] if settings.by else ["period"]
    order = table.assign(_ind=table["code"].map(list(INDICATORS).index),
                         _all=table["breakdown"] != ALL)
    order = order.sort_values(["_all", *sort, "_ind"], kind="stable")
    return table.loc[order.index, columns].reset_index(drop=True)
