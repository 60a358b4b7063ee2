"""Kinds for children looked after (issue 19): long-term placement stability and events
filtered by a code (missing episodes). Visits from Annex A's latest-visit column
are the ``visited_latest`` kind of :mod:`kinds_cp`.

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
- ``coded_events`` (MISSEP): rows of the table whose ``start`` falls in the month and whose
  code matches :data:`~xlkpi.indicators.catalogue_cla.SELECT` (one row per child and start
  date: a same-day repeat is one event).
- ``coded_children`` (MISSCHILD): distinct children with such a row in the month.

Text, flag and number columns are read from ``Table.values`` with
:func:`~xlkpi.indicators.counting.text`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlkpi.indicators.catalogue_cla import SELECT, Select
from xlkpi.indicators.counting import (
    Counts,
    Settings,
    check_month_end,
    codes_in,
    distinct,
    month_ends,
    open_rows,
    per_child,
    period_index,
    rule,
    tally,
    text,
)
from xlkpi.indicators.definitions import Indicator
from xlkpi.indicators.loader import Extract, Table
from xlkpi.timescales import edate

__all__ = ["matches"]

#: placement types of a child placed for adoption (A3/A4 with their current foster
#: carers, A5/A6 with other prospective adopters)
ADOPTIVE = ("A3", "A4", "A5", "A6")
_UNDER = 16 * 12  # months: under 16 at month end
_LOOKED_AFTER = 30  # months: 2.5 years
_SAME_PLACEMENT = 24  # months: 2 years


def matches(table: Table, select: Select) -> np.ndarray:
    """Rows whose ``select.column`` matches its pattern (upper case, trimmed, whole value)."""
    found = pd.Series(text(table, select.column)).astype(str).str.strip().str.upper()
    return found.str.fullmatch(select.pattern).to_numpy(dtype=bool)


# --- long-term stability ----------------------------------------------------------------

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
    kind = pd.Series(text(places, "placement")).astype(str).str.strip().str.upper()
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
        rows = open_rows(places, "start_date", "end_date", day)
        current = per_child(places.children[rows], start[rows], size, latest=True)
        rows = rows[start[rows] == current[places.children[rows]]]  # the current placement
        cla_rows = open_rows(cla, "start_date", "end_date", day)
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
