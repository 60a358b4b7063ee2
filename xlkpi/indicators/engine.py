"""The one engine that turns indicator declarations and the extract into a monthly table.

Periods are calendar months; an event counts in the month its date falls in; snapshot
figures are taken at the last day of the month. Each kind has one rule
(:data:`~xlkpi.indicators.counting.RULES`), registered by the ``kinds_*`` modules and
found here; everything is computed over whole columns with numpy (a rule loops over the K
months of a snapshot, never over rows). An event kind declared over ``rolling12`` months
or the financial year to date (``fytd``) is counted month by month from 11 months before
the first reporting month and summed over the window.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from xlkpi.indicators.breakdowns import BLANK, BREAKDOWNS, groups
from xlkpi.indicators.counting import (
    EVENT_KINDS,
    KINDS,
    RULES,
    Counts,
    Settings,
    load_rules,
    month_ends,
    periods_ending,
)
from xlkpi.indicators.definitions import INDICATORS, Indicator
from xlkpi.indicators.loader import Extract
from xlkpi.measures import NOT_APPLICABLE, pct, rate

__all__ = ["ALL", "COLUMNS", "KINDS", "Settings", "compute", "month_ends", "periods_ending"]

#: Output columns, in order (``breakdown`` is added only when a breakdown is asked for).
COLUMNS = ("period", "code", "numerator", "denominator", "value", "source")
#: The breakdown label of the whole-authority row.
ALL = "All"
_BLANK_GROUP = "(blank)"
#: months counted before the first reporting month, for windows that reach back
_LOOK_BACK = 11


load_rules()


def _windowed(ind: Indicator, periods: np.ndarray, counts: Counts) -> Counts:
    """Monthly counts over ``_LOOK_BACK`` + K months summed into the indicator's window."""
    num, den = (np.cumsum(c, axis=1) for c in counts)
    k = len(periods)
    last = np.arange(_LOOK_BACK, _LOOK_BACK + k)
    if ind.period == "rolling12":
        first = last - 11
    else:  # fytd: from April of each month's financial year
        month = periods.astype(int) % 12  # 0 = January
        first = last - (month - 3) % 12
    before = first - 1
    def window(total: np.ndarray) -> np.ndarray:
        earlier = np.where(before >= 0, total[:, np.maximum(before, 0)], 0)
        return total[:, last] - earlier
    return window(num), window(den)


def _counts(ind: Indicator, extract: Extract, periods: np.ndarray, settings: Settings,
            group: np.ndarray, ngroups: int) -> Counts:
    if ind.kind not in RULES:
        raise ValueError(f"indicator {ind.code}: unknown kind {ind.kind!r}")
    if ind.period in ("rolling12", "fytd"):
        if ind.kind not in EVENT_KINDS:
            raise ValueError(f"indicator {ind.code}: a {ind.kind!r} count cannot be summed "
                             f"over {ind.period}")
        wide = periods_ending(periods[-1], len(periods) + _LOOK_BACK)
        return _windowed(ind, periods, RULES[ind.kind](ind, extract, wide, settings, group,
                                                       ngroups))
    return RULES[ind.kind](ind, extract, periods, settings, group, ngroups)


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
    elif ind.unit == "count":
        count = num.ravel()
        den_col = np.full(count.shape, "", dtype=object)
        value = count.astype(object)
    else:  # a share, or average days (total days over records)
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


def _group_rank(by: str | None) -> Callable[[str], int]:
    """A breakdown group's place: the breakdown's declared order (age bands youngest
    first), then other groups, then ``(blank)``."""
    declared = {label: i for i, label in enumerate(BREAKDOWNS[by].order)} if by in \
        BREAKDOWNS else {}
    return lambda label: declared.get(label, len(declared) + (label == BLANK))


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
                file in extract for file in ind.files) or any(
                ind.too_little(extract.tables[f].source) for f in ind.files):
            continue
        group, labels = groups(ind, extract, settings, periods)
        num, den = _counts(ind, extract, periods, settings, group, len(labels))
        rows = _rows(ind, periods, labels, num, den, settings)
        rows["source"] = " + ".join(dict.fromkeys(extract.tables[f].source
                                                  for f in ind.files))
        frames.append(rows)
    columns = [*COLUMNS, "breakdown"] if settings.by else list(COLUMNS)
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    table["value"] = table["value"].map(lambda v: NOT_APPLICABLE if v is None else v)
    sort = ["_rank", "breakdown", "period"] if settings.by else ["period"]
    order = table.assign(_ind=table["code"].map(list(INDICATORS).index),
                         _all=table["breakdown"] != ALL,
                         _rank=table["breakdown"].map(_group_rank(settings.by)))
    order = order.sort_values(["_all", *sort, "_ind"], kind="stable")
    return table.loc[order.index, columns].reset_index(drop=True)
