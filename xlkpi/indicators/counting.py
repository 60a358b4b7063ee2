"""What every indicator rule counts with: the settings, the reporting months, per-month
tallies, distinct children, and the registry of rules by kind.

A rule turns one :class:`~xlkpi.indicators.definitions.Indicator` and the extract into
``(numerator, denominator)`` arrays of shape ``(groups, months)``: group 0 is the whole
authority, the others the breakdown's groups. Modules named ``kinds_*`` register their
rules with :func:`rule`; the engine finds them all.
"""

from __future__ import annotations

import datetime as dt
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

__all__ = ["DAY_BASE", "DAY_SPAN", "EVENT_KINDS", "KINDS", "NO_DAY", "RULES", "WORKING_DAYS",
           "Counts", "Rule", "Settings", "check_month_end", "codes_in", "day_keys",
           "distinct", "extract_date", "held",
           "load_rules", "matched", "month_ends", "open_rows", "per_child", "period_index",
           "periods_ending", "rule", "tally", "text"]

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
#: kinds that count working days over their table's dates, so those dates must be inside
#: the working-day calendar: ``span`` from the start column to the end column (both
#: must be), ``open_start`` from the start of a row open on or after the calendar's first
#: day (a row closed before it is never counted)
WORKING_DAYS: dict[str, str] = {}


def rule(kind: str, meaning: str, events: bool = False,
         working_days: str = "") -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule of ``kind``."""
    if working_days not in ("", "span", "open_start"):
        raise ValueError(f"kind {kind!r}: working_days {working_days!r} is not known")

    def register(function: Rule) -> Rule:
        if kind in RULES:
            raise ValueError(f"kind {kind!r} has two rules")
        RULES[kind], KINDS[kind] = function, meaning
        if events:
            EVENT_KINDS.add(kind)
        if working_days:
            WORKING_DAYS[kind] = working_days
        return function
    return register


def load_rules() -> None:
    """Import every ``kinds_*`` module of the package: each registers its rules (once)."""
    import importlib
    import pkgutil
    from pathlib import Path

    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("kinds_"):
            importlib.import_module(f"xlkpi.indicators.{module.name}")


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


#: :func:`day_keys`: days are counted from DAY_BASE, and DAY_SPAN is more days than any
#: date after it holds
DAY_BASE = np.datetime64("1900-01-01", "D")
DAY_SPAN = np.int64(1 << 20)


def day_keys(children: np.ndarray, days: np.ndarray) -> np.ndarray:
    """One sortable integer per (child code, day): child major, day minor."""
    return children.astype(np.int64) * DAY_SPAN + (days - DAY_BASE).astype(np.int64)


def held(table: Table, column: str) -> np.ndarray | None:
    """A text, flag or number column of ``table`` (a breakdown column too); ``None`` when
    the table does not carry it."""
    found = getattr(table, "values", None) or {}
    if column in found:
        return np.asarray(found[column])
    if column in table.groups:
        return np.asarray(table.groups[column])
    return None


def text(table: Table, column: str) -> np.ndarray:
    """A text column of ``table``; blank text on every row when it does not carry it."""
    found = held(table, column)
    return found if found is not None else np.full(len(table), "", dtype=object)


def open_rows(table: Table, start: str, end: str, day: np.datetime64,
              keep: np.ndarray | None = None) -> np.ndarray:
    """Rows open at ``day``: ``start <= day`` and ``end`` blank or after ``day``."""
    s, e = table.dates[start], table.dates[end]
    is_open = (s <= day) & (np.isnat(e) | (e > day))
    return np.flatnonzero(is_open if keep is None else is_open & keep)


def codes_in(table: Table, other: Table) -> np.ndarray:
    """The child code in ``table`` of each row of ``other`` (-1: not in ``table``)."""
    return pd.Index(table.ids).get_indexer(other.ids)[other.children]


def matched(table: Table, other: Table, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``other`` as (child code of ``table``, date), sorted by child then date,
    without same-day repeats; children not in ``table`` are dropped."""
    codes = codes_in(table, other)
    day = other.dates[column]
    keep = np.flatnonzero(codes >= 0)
    order = keep[np.lexsort((day[keep], codes[keep]))]
    c, d = codes[order], day[order]
    repeat = np.zeros(len(c), dtype=bool)
    repeat[1:] = (c[1:] == c[:-1]) & (d[1:] == d[:-1])
    return c[~repeat], d[~repeat]


#: date columns that are no event of a return (an unborn child's expected birth may be
#: after the extract)
_NOT_EVENTS = ("birth_date", "death_date")


def extract_date(extract: Extract, source: str) -> np.datetime64:
    """The extract date of a return that does not state one (Annex A): its latest event
    date not after today, over every table it gave (NaT when none)."""
    today = np.datetime64(dt.date.today(), "D")
    latest = np.datetime64("NaT", "D")
    for table in extract.tables.values():
        if table.source != source:
            continue
        for column, days in table.dates.items():
            if column in _NOT_EVENTS:
                continue
            known = days[~np.isnat(days) & (days <= today)]
            if len(known) and (np.isnat(latest) or known.max() > latest):
                latest = known.max()
    return latest


def check_month_end(ind: Indicator, day: np.datetime64) -> None:
    if not np.datetime64(f"{FIRST_YEAR}-01-01") <= day <= np.datetime64(f"{LAST_YEAR}-12-31"):
        raise KpiError(f"indicator {ind.code}: month end {day} is outside the working-day "
                       f"calendar ({FIRST_YEAR}-{LAST_YEAR})")
