"""Kinds for care leavers, health and adoption (issue 19).

- ``cohort`` (care leavers OC3, health OC2): the records of the return's cohort (those
  whose ``out_column`` matches ``out`` left out) are the denominator, those whose code
  matches :data:`~xlkpi.indicators.catalogue_leavers.SELECT` the numerator; the tables
  hold no date of their own, so every reporting month gives the same figure (the latest
  return read).
- ``within_months`` (ADOPT12): rows whose ``end`` falls in the month and whose ``start`` is
  known (denominator); numerator ``end <= EDATE(start, months)``.
- ``adoption_days`` (A1, A2): rows whose ``end`` (adoption) falls in the month; the
  numerator is the total of their days, the denominator how many were measured. A1
  (``secondary`` ``cla``): days from the start of the child's latest period of care
  starting on or before ``start`` (moved in) to ``start``. A2 (``secondary``
  ``episodes``): days from the first episode with legal status E1 or D1 starting on or
  after the start of the period of care holding ``start`` (the match) and on or before it,
  to ``start``. A row without its dates is not measured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlkpi.indicators.catalogue_leavers import SELECT
from xlkpi.indicators.counting import (
    DAY_BASE,
    DAY_SPAN,
    Counts,
    Settings,
    codes_in,
    day_keys,
    distinct,
    period_index,
    rule,
    tally,
    text,
)
from xlkpi.indicators.definitions import Indicator
from xlkpi.indicators.kinds_cla import matches
from xlkpi.indicators.loader import Extract
from xlkpi.timescales import edate

__all__: list[str] = []  # rules register themselves (counting.RULES)

#: legal statuses giving court authority to place for adoption (placement order, freeing
#: order)
COURT_AUTHORITY = ("E1", "D1")


def _cohort(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
            group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    select = SELECT[ind.code]
    counted = np.ones(len(table), dtype=bool)
    if select.out_column:
        out = pd.Series(text(table, select.out_column)).astype(str).str.strip()
        counted &= ~out.str.upper().str.fullmatch(select.out).to_numpy(dtype=bool)
    hit = np.flatnonzero(counted & matches(table, select))
    rows = np.flatnonzero(counted)
    k = len(periods)
    num = np.repeat(distinct(table.children[hit], group[hit], ngroups)[:, None], k, axis=1)
    den = np.repeat(distinct(table.children[rows], group[rows], ngroups)[:, None], k, axis=1)
    return num, den


def _within(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
            group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    start, end = table.dates[ind.start], table.dates[ind.end]
    period = period_index(end, periods[0], len(periods))
    period[np.isnat(start)] = -1
    hit = np.zeros(len(end), dtype=bool)
    sel = np.flatnonzero(period >= 0)
    if len(sel):
        hit[sel] = end[sel] <= np.asarray(edate(start[sel], ind.months))
    return tally(period, hit, group, ngroups, len(periods))


def _latest_on_or_before(code: np.ndarray, day: np.ndarray, other_code: np.ndarray,
                         other_day: np.ndarray) -> np.ndarray:
    """Per row, the latest ``other_day`` of the same child on or before ``day`` (NaT)."""
    out = np.full(len(code), np.datetime64("NaT"), dtype="datetime64[D]")
    keep = (other_code >= 0) & ~np.isnat(other_day)
    keys = np.sort(day_keys(other_code[keep], other_day[keep]))
    ok = (code >= 0) & ~np.isnat(day)
    if not (len(keys) and ok.any()):
        return out
    own = day_keys(code[ok], day[ok])
    at = np.searchsorted(keys, own, side="right") - 1
    found = at >= 0
    same = np.zeros(len(own), dtype=bool)
    same[found] = keys[at[found]] // DAY_SPAN == code[ok][found]
    days = (keys[np.maximum(at, 0)] % DAY_SPAN).astype("timedelta64[D]") + DAY_BASE
    out[np.flatnonzero(ok)[same]] = days[same]
    return out


def _first_from(code: np.ndarray, since: np.ndarray, until: np.ndarray,
                other_code: np.ndarray, other_day: np.ndarray) -> np.ndarray:
    """Per row, the earliest ``other_day`` of the same child from ``since`` (NaT: any) to
    ``until`` inclusive (NaT when none)."""
    out = np.full(len(code), np.datetime64("NaT"), dtype="datetime64[D]")
    keep = (other_code >= 0) & ~np.isnat(other_day)
    keys = np.sort(day_keys(other_code[keep], other_day[keep]))
    ok = (code >= 0) & ~np.isnat(until)
    if not (len(keys) and ok.any()):
        return out
    low = np.where(np.isnat(since[ok]), DAY_BASE, since[ok])
    at = np.searchsorted(keys, day_keys(code[ok], low), side="left")
    inside = at < len(keys)
    hit = keys[np.minimum(at, len(keys) - 1)]
    inside &= (hit // DAY_SPAN == code[ok]) & (hit <= day_keys(code[ok], until[ok]))
    days = (hit % DAY_SPAN).astype("timedelta64[D]") + DAY_BASE
    out[np.flatnonzero(ok)[inside]] = days[inside]
    return out


def _adoption_days(ind: Indicator, extract: Extract, periods: np.ndarray,
                   settings: Settings, group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    k = len(periods)
    moment = table.dates[ind.start]  # moved in (A1) or matched (A2)
    period = period_index(table.dates[ind.end], periods[0], k)
    period[np.isnat(moment)] = -1
    cla = extract.tables.get("cla")
    code = codes_in(cla, table) if cla is not None else np.full(len(table), -1)
    entered = (_latest_on_or_before(code, moment, cla.children, cla.dates["start_date"])
               if cla is not None else np.full(len(table), np.datetime64("NaT"),
                                               dtype="datetime64[D]"))
    if ind.secondary == "cla":
        since = entered
    else:
        episodes = extract.tables[ind.secondary]
        status = pd.Series(text(episodes, "legal_status")).astype(str).str.strip()
        court = np.flatnonzero(status.str.upper().isin(COURT_AUTHORITY).to_numpy())
        in_table = codes_in(table, episodes)[court]
        since = _first_from(table.children, entered, moment, in_table,
                            episodes.dates["start_date"][court])
    period[np.isnat(since)] = -1
    days = np.where(period >= 0, (moment - since).astype("timedelta64[D]").astype(np.int64),
                    0)
    counted = period >= 0
    size = ngroups * k
    keys = [period[counted]]
    weights = [days[counted]]
    if ngroups > 1:
        keys.append(group[counted] * k + period[counted])
        weights.append(days[counted])
    key, weight = np.concatenate(keys), np.concatenate(weights)
    den = np.bincount(key, minlength=size).reshape(ngroups, k)
    num = np.bincount(key, weights=weight, minlength=size).round().astype(np.int64)
    return num.reshape(ngroups, k), den


rule("cohort", "share of a return's cohort (one record per child for the year) with a "
     "code; the same in every month")(_cohort)
rule("within_months", "share of events ended in the month within N months of their start",
     events=True)(_within)
rule("adoption_days", "average days (total days / adoptions) to moving in (A1) or to the "
     "match (A2) for adoptions in the month", events=True)(_adoption_days)
