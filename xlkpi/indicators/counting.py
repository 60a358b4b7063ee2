"""What every indicator rule counts with: the settings, the reporting months, per-month
tallies, distinct children, and the registry of rules by kind.

A rule turns one :class:`~xlkpi.indicators.definitions.Indicator` and the extract into
``(numerator, denominator)`` arrays of shape ``(groups, months)``: group 0 is the whole
authority, the others the breakdown's groups. Modules named ``kinds_*`` register their
rules with :func:`rule`; the engine finds them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from xlkpi.calendar import FIRST_YEAR, LAST_YEAR
from xlkpi.errors import KpiError

if TYPE_CHECKING:
    from xlkpi.indicators.definitions import Indicator
    from xlkpi.indicators.loader import Extract, Table

__all__ = ["EVENT_KINDS", "KINDS", "NO_DAY", "RULES", "Counts", "Rule", "Settings",
           "check_month_end", "distinct", "matched", "month_ends", "per_child",
           "period_index", "periods_ending", "rule", "tally"]

#: (numerator, denominator), each of shape (groups, months)
Counts = tuple[np.ndarray, np.ndarray]
#: rule(indicator, extract, reporting months, settings, group of each row of the
#: indicator's table, number of groups) -> counts
Rule = Callable[["Indicator", "Extract", np.ndarray, "Settings", np.ndarray, int], Counts]

#: kind -> the rule that counts it
RULES: dict[str, Rule] = {}
#: kind -> what it means (help text, the README)
KINDS: dict[str, str] = {}
#: kinds that count each event once, in the month its date falls in: their months can be
#: summed into rolling 12 months or a financial year to date
EVENT_KINDS: set[str] = set()


def rule(kind: str, meaning: str, events: bool = False) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule of ``kind``."""
    def register(function: Rule) -> Rule:
        if kind in RULES:
            raise ValueError(f"kind {kind!r} has two rules")
        RULES[kind], KINDS[kind] = function, meaning
        if events:
            EVENT_KINDS.add(kind)
        return function
    return register


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


def period_index(days: np.ndarray, first: np.datetime64, months: int) -> np.ndarray:
    """Position of each date's month among the reporting months, or -1 outside them."""
    idx = (days.astype("datetime64[M]") - first).astype(np.int64)
    return np.where(np.isnat(days) | (idx < 0) | (idx >= months), -1, idx)


def distinct(children: np.ndarray, group: np.ndarray, ngroups: int) -> np.ndarray:
    """Distinct children per group (group 0, the authority, counted once per child).

    Child codes are small integers (0 to the table's children), so a child is marked in a
    boolean array rather than sorted or hashed."""
    size = int(children.max()) + 1 if len(children) else 0
    seen = np.zeros(size * ngroups, dtype=bool)
    seen[children * ngroups + group] = True
    counts = np.bincount(np.flatnonzero(seen) % ngroups, minlength=ngroups)
    if ngroups > 1:
        anyone = np.zeros(size, dtype=bool)
        anyone[children] = True
        counts[0] = int(np.count_nonzero(anyone))
    else:
        counts[0] = int(np.count_nonzero(seen))
    return counts


def tally(period: np.ndarray, hit: np.ndarray, group: np.ndarray, ngroups: int,
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


NO_DAY = np.iinfo(np.int64).min  # "no date" in the integer per-child arrays


def per_child(children: np.ndarray, day: np.ndarray, size: int, latest: bool) -> np.ndarray:
    """The latest (or earliest) ``day`` of each of ``size`` child codes, NaT for a child
    without a row."""
    fill = NO_DAY if latest else np.iinfo(np.int64).max
    out = np.full(size, fill, dtype=np.int64)
    (np.maximum if latest else np.minimum).at(out, children, day.astype(np.int64))
    out[out == fill] = NO_DAY
    return out.view("datetime64[D]")  # NO_DAY is NaT


def matched(table: Table, other: Table, column: str) -> tuple[np.ndarray, np.ndarray]:
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


def check_month_end(ind: Indicator, day: np.datetime64) -> None:
    if not np.datetime64(f"{FIRST_YEAR}-01-01") <= day <= np.datetime64(f"{LAST_YEAR}-12-31"):
        raise KpiError(f"indicator {ind.code}: month end {day} is outside the working-day "
                       f"calendar ({FIRST_YEAR}-{LAST_YEAR})")
