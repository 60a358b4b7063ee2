"""The one engine that turns indicator declarations and an extract into a monthly table.

Periods are calendar months; an event counts in the month its date falls in; snapshot
figures are taken at the last day of the month. Working days are ``elapsed`` (the start
day is day 0) in the chosen region with the council's closures. Everything is computed
over whole columns with numpy: no Python loop runs over rows (only over the K months of
a snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xlkpi.calendar import working_days
from xlkpi.indicators.definitions import INDICATORS, Indicator
from xlkpi.indicators.loader import Extract, Table
from xlkpi.measures import NOT_APPLICABLE, pct, rate
from xlkpi.timescales import edate

__all__ = ["ALL", "COLUMNS", "Settings", "compute", "month_ends", "periods_ending"]

#: Output columns, in order (``breakdown`` is added only when a breakdown is asked for).
COLUMNS = ("period", "code", "numerator", "denominator", "value")
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
    """Events ended in the month within a working-day limit of their start."""
    end = table.dates[ind.end]
    period = _period_index(end, first, k)
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


def _counts(ind: Indicator, table: Table, periods: np.ndarray, settings: Settings,
            group: np.ndarray, ngroups: int) -> tuple[np.ndarray, np.ndarray]:
    first, k = periods[0], len(periods)
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
        if (codes is not None and ind.code not in codes) or ind.source not in extract:
            continue
        table = extract.tables[ind.source]
        group, labels = _groups(table, settings.by)
        num, den = _counts(ind, table, periods, settings, group, len(labels))
        frames.append(_rows(ind, periods, labels, num, den, settings))
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
