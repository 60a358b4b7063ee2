"""Kinds for the children-in-need indicators: children in need at month end as the DfE
counts them, S17 children in need with an open CIN plan, and events counted once per
child and day.

- ``cin_open`` (CINCOUNT, CINRATE): distinct children with an open episode of need at
  month end ``e``: a referral that is not NFA (``ReferralNFA`` false), dated on or before
  ``e``, whose closure is blank or after ``e`` (a referral closed on ``e`` is not open).
  The DfE's count includes children on a child protection plan and looked after.
- ``cin_planned`` (CINPLAN): children in need at ``e`` (as ``cin_open``) who are not on a
  child protection plan at ``e`` (``cp_plans``, when the extract holds it) and not looked
  after at ``e`` (``cla``, when the extract holds it): the section 17 children in need
  (denominator); numerator those with a CIN plan open at ``e`` in the ``secondary`` table
  (its ``start_date <= e`` and ``end_date`` blank or after ``e``). Children are matched
  across tables by their identifier. A ``cin_plans`` table without rows (a census before
  2021-22 collected no CIN plan dates) gives no figure (``N/A``), not 0%.
- ``led_to`` (REFASSESS): rows dated in the month (denominator; a child's rows on one day
  are one referral) and those the ``secondary`` table follows up: it has a row of the same
  child whose ``start`` column (the referral date) is the same day (an assessment of that
  referral: every return that holds assessments requires their start date, but the CSV
  layout does not carry it). Annex A gives an assessment the child's latest referral on or
  before it when the council left the referral date out.
- ``distinct_events`` (ICPCRATE): rows dated in the month, a child's rows on the same day
  counted once (two enquiries of one child that led to one conference are one
  conference).

Columns that are not dates (``nfa``, ``previous_plans``) are read with
:func:`~xlkpi.indicators.counting.held` from ``Table.values``. Kinds whose tables lack
the columns they need in some returns are never computed from them
(:data:`~xlkpi.indicators.definitions.SHORT_HISTORY`): the CSV layout's ``referrals`` has
no closure date or NFA flag, Annex A's List 3 no closure date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlkpi.indicators.counting import (
    Counts,
    Settings,
    codes_in,
    day_keys,
    distinct,
    held,
    month_ends,
    open_rows,
    period_index,
    rule,
    tally,
)
from xlkpi.indicators.definitions import Indicator
from xlkpi.indicators.loader import Extract, Table

__all__: list[str] = []  # rules register themselves (counting.RULES)


def _in_need(table: Table) -> np.ndarray:
    """Referrals that open an episode of need: every one not flagged NFA."""
    nfa = held(table, "nfa")
    return np.ones(len(table), dtype=bool) if nfa is None else ~nfa.astype(bool)


def _elsewhere(table: Table, other: Table) -> tuple[Table, np.ndarray]:
    """``other`` with, per child code of ``table``, the child's code in ``other`` (-1: none)."""
    return other, pd.Index(other.ids).get_indexer(table.ids)


def _open_in(matched: tuple[Table, np.ndarray], day: np.datetime64) -> np.ndarray:
    """Per child code of the first table: a row of the other table open at ``day``
    (its ``start_date <= day``, ``end_date`` blank or after ``day``)."""
    other, codes = matched
    rows = open_rows(other, "start_date", "end_date", day)
    on = np.zeros(max(len(other.ids), 1), dtype=bool)
    on[other.children[rows]] = True
    found = np.zeros(len(codes) + 1, dtype=bool)  # one spare: a table without rows
    found[:len(codes)] = (codes >= 0) & on[np.maximum(codes, 0)]
    return found


@rule("cin_open", "distinct children with an open episode of need (referral not NFA) at "
      "month end")
def _cin_open(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
              group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    need = _in_need(table)
    num = np.zeros((ngroups, len(periods)), dtype=np.int64)
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        rows = open_rows(table, ind.start, ind.end, day, need)
        num[:, m] = distinct(table.children[rows], group[rows], ngroups)
    return num, num.copy()


@rule("cin_planned", "share of section 17 children in need at month end (not on a CP "
      "plan, not looked after) with a CIN plan open")
def _cin_planned(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
                 group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    k = len(periods)
    num = np.zeros((ngroups, k), dtype=np.int64)
    den = np.zeros((ngroups, k), dtype=np.int64)
    if not len(extract.tables[ind.secondary]):  # no CIN plan dates at all (a census before
        return num, den                         # 2021-22 has none): no figure, not 0%
    need = _in_need(table)
    plans = _elsewhere(table, extract.tables[ind.secondary])
    others = [_elsewhere(table, extract.tables[name]) for name in ("cp_plans", "cla")
              if name in extract]
    for m, day in enumerate(month_ends(periods)):  # K months, not rows
        rows = open_rows(table, ind.start, ind.end, day, need)
        for other in others:
            rows = rows[~_open_in(other, day)[table.children[rows]]]
        hit = rows[_open_in(plans, day)[table.children[rows]]]
        den[:, m] = distinct(table.children[rows], group[rows], ngroups)
        num[:, m] = distinct(table.children[hit], group[hit], ngroups)
    return num, den


@rule("distinct_events", "events dated in the month, a child's events on one day counted "
      "once", events=True)
def _distinct_events(ind: Indicator, extract: Extract, periods: np.ndarray,
                     settings: Settings, group: np.ndarray, ngroups: int) -> Counts:
    table = extract.tables[ind.source]
    day = table.dates[ind.start]
    order = np.lexsort((day, table.children))
    c, d = table.children[order], day[order]
    repeat = np.zeros(len(c), dtype=bool)
    repeat[1:] = (c[1:] == c[:-1]) & (d[1:] == d[:-1])
    period = period_index(d, periods[0], len(periods))
    period[repeat] = -1
    return tally(period, period >= 0, group[order], ngroups, len(periods))


@rule("led_to", "share of events in the month that a record of the second table follows "
      "up (same child, same event date)", events=True)
def _led_to(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
            group: np.ndarray, ngroups: int) -> Counts:
    table, other = extract.tables[ind.source], extract.tables[ind.secondary]
    day = table.dates[ind.start]
    dated = np.flatnonzero(~np.isnat(day))
    key = day_keys(table.children[dated], day[dated])
    _, first = np.unique(key, return_index=True)  # a child's referrals on one day: one
    rows = dated[first]
    code = codes_in(table, other)
    theirs = other.dates[ind.start]
    done = (code >= 0) & ~np.isnat(theirs)
    hit = np.isin(key[first], day_keys(code[done], theirs[done]))
    return tally(period_index(day[rows], periods[0], len(periods)), hit, group[rows],
                 ngroups, len(periods))
