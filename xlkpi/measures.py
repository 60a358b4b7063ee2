"""Measures: percentages, rates per 10,000, change text, year to date, rolling 12 months.

A zero or blank denominator gives the text ``N/A`` (never 0 or 0%); a blank numerator
gives a blank. Year to date runs over the financial year, April to March.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlkpi.calendar import _wrap
from xlkpi.dates import parse_months
from xlkpi.errors import KpiError
from xlkpi.numbers import parse_numbers

__all__ = [
    "FINANCIAL_YEAR_START_MONTH",
    "NOT_APPLICABLE",
    "change_text",
    "financial_year",
    "pct",
    "rate",
    "rolling",
    "rolling_ratio",
    "year_to_date",
    "ytd_ratio",
]

#: The text a measure shows when it has no denominator.
NOT_APPLICABLE = "N/A"
#: Councils report on the financial year starting in April.
FINANCIAL_YEAR_START_MONTH = 4
#: How many people a rate is "per" unless told otherwise.
DEFAULT_PER = 10_000


def _ratio(numerator: Any, denominator: Any, scale: Any, like: tuple) -> Any:
    num = parse_numbers(numerator, "numerator")
    den = parse_numbers(denominator, "denominator")
    num, den = np.broadcast_arrays(num, den)
    no_den = np.isnan(den) | (den == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.asarray(num / np.where(no_den, 1.0, den) * scale)
    if no_den.any():
        value = value.astype(object)
        value[no_den] = NOT_APPLICABLE
        value[~no_den & np.isnan(num)] = None
    return _wrap(value, like)


def pct(numerator: Any, denominator: Any) -> Any:
    """The fraction numerator / denominator (43% is 0.43), or ``N/A`` with no denominator."""
    return _ratio(numerator, denominator, 1.0, (numerator, denominator))


def rate(count: Any, population: Any, per: Any = DEFAULT_PER) -> Any:
    """``count`` per ``per`` (10,000) of ``population``, or ``N/A`` with no population."""
    scale = parse_numbers(per, "per")
    if np.any(np.isnan(scale)) or np.any(scale <= 0):
        raise KpiError(f"per: {per!r} must be a positive number such as 10000", argument="per")
    return _ratio(count, population, scale, (count, population))


def _format_number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def change_text(current: Any, previous: Any, style: str = "count") -> Any:
    """The change from ``previous`` to ``current`` as a scorecard prints it.

    ``count``: the difference and the percentage change, ``-5,821 (-17.1%)``, with one
    decimal place when either value is fractional; ``(N/A)`` when ``previous`` is 0.
    ``points``: the difference of two percentages in percentage points, ``2.9%``.
    Blank in gives blank out.
    """
    key = str(style).strip().lower()
    if key not in ("count", "points"):
        raise KpiError(f"style: {style!r} is not a style; use 'count' or 'points'",
                       argument="style")
    cur = parse_numbers(current, "current")
    prev = parse_numbers(previous, "previous")
    cur, prev = np.broadcast_arrays(cur, prev)
    blank = np.isnan(cur) | np.isnan(prev)
    diff = np.where(blank, 0.0, cur - prev)
    if key == "points":
        text = [f"{v + 0.0:.1f}%" for v in np.round(diff * 100, 1).ravel().tolist()]
    else:
        fractional = (np.mod(cur, 1) != 0) | (np.mod(prev, 1) != 0)
        decimals = np.where(fractional, 1, 0).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(prev == 0, np.nan, diff / np.where(prev == 0, 1, prev) * 100)
        text = [
            f"{_format_number(d + 0.0, k)} "
            + ("(N/A)" if np.isnan(p) else f"({round(p, 1) + 0.0:.1f}%)")
            for d, p, k in zip(diff.ravel(), change.ravel(), decimals, strict=True)
        ]
    shown = np.empty(len(text), dtype=object)
    shown[:] = text
    out = np.where(blank.ravel(), None, shown).reshape(cur.shape)
    return _wrap(out, (current, previous))


def financial_year(period: Any) -> Any:
    """The financial year a month falls in, by its starting calendar year (Apr-16 -> 2016)."""
    months = np.asarray(parse_months(period, "period"))
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month_no = (months - months.astype("datetime64[Y]")).astype(np.int64) + 1
    fy = np.where(month_no >= FINANCIAL_YEAR_START_MONTH, years, years - 1).astype(np.float64)
    return _wrap(np.where(np.isnat(months), np.nan, fy), (period,))


def _monthly(values: Any, periods: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A monthly series in order: (values, months); months must rise one at a time."""
    v = np.atleast_1d(parse_numbers(values, name)).ravel()
    m = np.atleast_1d(np.asarray(parse_months(periods, "periods"))).ravel()
    if len(v) != len(m):
        raise KpiError(f"periods: {len(m)} periods for {len(v)} values", argument="periods")
    steps = np.diff(m.astype(np.int64))
    if np.isnat(m).any() or (steps != 1).any():
        raise KpiError("periods: months must be consecutive and in order, one row per month",
                       argument="periods")
    return v, m


def year_to_date(values: Any, periods: Any) -> np.ndarray:
    """Running total from April of each financial year (blank months count as nothing,
    as Excel's SUM does)."""
    v, m = _monthly(values, periods, "values")
    fy = np.asarray(financial_year(m))
    years = np.flatnonzero(fy[1:] != fy[:-1]) + 1  # months are consecutive: years are runs
    return np.concatenate([np.cumsum(part) for part in np.split(np.nan_to_num(v), years)])


def ytd_ratio(numerator: Any, denominator: Any, periods: Any, per: float = 1.0) -> Any:
    """Year-to-date percentage (or rate with ``per``): YTD numerator over YTD denominator."""
    num = year_to_date(numerator, periods)
    den = year_to_date(denominator, periods)
    return _ratio(num, den, per, ())


def rolling(values: Any, window: int = 12) -> np.ndarray:
    """Rolling total over the last ``window`` months (blank until the window is full or
    when any month in it is blank)."""
    v = np.atleast_1d(parse_numbers(values, "values")).ravel().astype(np.float64)
    width = int(window)
    out = np.full(len(v), np.nan)
    if 1 <= width <= len(v):  # a blank month in a window makes its total blank (NaN)
        out[width - 1:] = np.lib.stride_tricks.sliding_window_view(v, width).sum(axis=1)
    return out


def rolling_ratio(numerator: Any, denominator: Any, window: int = 12, per: float = 1.0) -> Any:
    """Rolling percentage (or rate with ``per``) over the last ``window`` months."""
    num, den = rolling(numerator, window), rolling(denominator, window)
    result = np.asarray(_ratio(num, den, per, ()), dtype=object)
    result[np.isnan(den)] = None  # window not yet full: no figure rather than N/A
    return result
