"""Accrued interest of securities: ACCRINT and ACCRINTM, with the day counts and coupon
schedules Excel uses for them.

Dates are whole serials (the time of day dropped); a coupon schedule steps 12/frequency
months from a coupon date, sticking to months' last days when that date is one. The five
day-count bases are Excel's: 0 US (NASD) 30/360, 1 actual/actual, 2 actual/360,
3 actual/365, 4 European 30/360.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, boolean, fail, number
from xlkpi.workbook.natives.dates import date_serial, days_in_month, serial_of, ymd
from xlkpi.workbook.natives.lifting import lift

__all__ = [
    "FUNCTIONS",
    "accrint",
    "accrintm",
    "add_months",
    "basis_of",
    "days_between",
    "disc",
    "is_month_end",
    "tbilleq",
    "tbillprice",
    "tbillyield",
    "whole_date",
]


def whole_date(value: Any) -> int:
    """A security's date argument: a whole serial (booleans are ``#VALUE!``)."""
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    return date_serial(value)


def basis_of(value: Any) -> int:
    """The day-count basis argument (blank: 0), truncated; outside 0-4 is ``#NUM!``."""
    kind = 0.0 if value is EMPTY else number(value)
    if not 0 <= kind < 5:
        raise fail("#NUM!")
    return int(kind)


def frequency_of(value: Any) -> int:
    """Coupons a year: 1, 2 or 4 (truncated), anything else ``#NUM!``."""
    freq = number(value)
    if not 1 <= freq < 5 or int(freq) == 3:
        raise fail("#NUM!")
    return int(freq)


def is_month_end(serial: int) -> bool:
    y, m, d = ymd(serial)
    return d == days_in_month(y, m)


def add_months(serial: int, months: int, month_end: bool) -> int:
    """A date ``months`` on, its day cut to the target month's length, or that month's
    last day when ``month_end``."""
    y, m, d = ymd(serial)
    y, m0 = divmod(y * 12 + m - 1 + months, 12)
    last = days_in_month(y, m0 + 1)
    return serial_of(y, m0 + 1, last if month_end else min(d, last))


def _last_of_february(y: int, m: int, d: int) -> bool:
    return m == 2 and d == days_in_month(y, 2)


def _us360(start: int, end: int, both: bool = False) -> int:
    """US (NASD) 30/360 days; ``both``: an end on February's last day counts as the 30th
    even when the start is not (Excel's rule for a coupon period's length)."""
    y1, m1, d1 = ymd(start)
    y2, m2, d2 = ymd(end)
    feb1 = _last_of_february(y1, m1, d1)
    if _last_of_february(y2, m2, d2) and (feb1 or both):
        d2 = 30
    if d2 == 31 and (d1 >= 30 or both):
        d2 = 30
    if d1 == 31 or feb1:
        d1 = 30
    return (y2 - y1) * 360 + (m2 - m1) * 30 + d2 - d1


def _eu360(start: int, end: int) -> int:
    y1, m1, d1 = ymd(start)
    y2, m2, d2 = ymd(end)
    return (y2 - y1) * 360 + (m2 - m1) * 30 + min(d2, 30) - min(d1, 30)


def _days365(start: int, end: int) -> int:
    """Actual/365's period length: 29 February counted as the 28th, years as 365 days."""
    y1, m1, d1 = ymd(start)
    y2, m2, d2 = ymd(end)
    d1 = min(d1, 28) if m1 == 2 else d1
    d2 = min(d2, 28) if m2 == 2 else d2
    return (y2 - y1) * 365 + serial_of(y1, m2, d2) - serial_of(y1, m1, d1)


def days_between(start: int, end: int, basis: int, numerator: bool = True) -> float:
    """Days from ``start`` to ``end`` on a basis; the actual/360 and actual/365 bases
    count actual days for accrual and their own convention for a period's length."""
    if basis == 0 or (basis == 2 and not numerator):
        return _us360(start, end)
    if basis == 4:
        return _eu360(start, end)
    if basis == 3 and not numerator:
        return _days365(start, end)
    return end - start


def _schedule_around(anchor: int, target: int, months: int, month_end: bool) -> tuple[int, int]:
    """Step from ``anchor`` by ``months`` until reaching ``target``: (reached, before)."""
    front, trailing = anchor, target
    while (front < target) if months > 0 else (front > target):
        trailing = front
        front = add_months(front, months, month_end)
    return front, trailing


def _coupon_length(start: int, end: int, freq: int, basis: int) -> float:
    if basis in (0, 2, 4):
        return 360 / freq
    if basis == 3:
        return 365 / freq
    return end - start


@lift()
def accrint(issue: Any, first_interest: Any, settlement: Any, rate: Any, par: Any,
            frequency: Any, basis: Any = 0.0, calc_method: Any = True) -> float:
    """ACCRINT: interest accrued on a security paying periodic coupons, summed period by
    period of the coupon schedule anchored on ``first_interest``: a part period's days
    over that period's length, each whole period one (``calc_method`` TRUE, the default:
    from issue to settlement) or none before the first coupon (FALSE)."""
    start, first, settle = (whole_date(v) for v in (issue, first_interest, settlement))
    coupon, face = number(rate), number(par)
    freq, kind = frequency_of(frequency), basis_of(basis)
    from_issue = True if calc_method is EMPTY else boolean(calc_method)
    if coupon <= 0 or face <= 0 or start >= settle:
        raise fail("#NUM!")
    months = 12 // freq
    month_end = is_month_end(first)
    regular_start = add_months(first, -months, month_end)
    if settle > first and from_issue:
        pcd = _schedule_around(first, settle, months, month_end)[1]
    else:
        pcd = regular_start
    total = days_between(max(start, pcd), settle, kind) / _coupon_length(
        regular_start, first, freq, kind)
    front = pcd
    while front > start:
        period_end = front
        front = add_months(front, -months, month_end)
        if start <= front:
            total += 1.0 if from_issue else 0.0
            continue
        if kind == 0:
            part, length = _us360(start, period_end), _us360(front, period_end, both=True)
        else:
            part = days_between(start, period_end, kind)
            length = 365 / freq if kind == 3 else days_between(front, period_end, kind, False)
        total += part / length
    return face * coupon / freq * total


@lift()
def accrintm(issue: Any, settlement: Any, rate: Any, par: Any = 1000.0,
             basis: Any = 0.0) -> float:
    """ACCRINTM: interest accrued on a security paying at maturity, par × rate × the
    year fraction from issue to settlement on the basis."""
    start, settle = whole_date(issue), whole_date(settlement)
    coupon, face = number(rate), 1000.0 if par is EMPTY else number(par)
    kind = basis_of(basis)
    if coupon <= 0 or face <= 0 or start >= settle:
        raise fail("#NUM!")
    return face * coupon * year_fraction(start, settle, kind)


def year_fraction(start: int, end: int, basis: int) -> float:
    """The fraction of a year between two dates, as the securities functions count it."""
    if basis == 1:
        from xlkpi.workbook.natives.daycounts import yearfrac

        return float(yearfrac.scalar(float(start), float(end), 1.0))
    year = {0: 360, 2: 360, 3: 365, 4: 360}[basis]
    return days_between(start, end, basis) / year


def _bill_days(settlement: Any, maturity: Any) -> tuple[int, int]:
    """(days to maturity, settlement) of a Treasury bill: at most a year."""
    settle, mature = whole_date(settlement), whole_date(maturity)
    if settle >= mature or mature > add_months(settle, 12, False):
        raise fail("#NUM!")
    return mature - settle, settle


def _plain(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    return number(value)


@lift()
def tbillprice(settlement: Any, maturity: Any, discount: Any) -> float:
    """TBILLPRICE: the price per 100 of a Treasury bill, 100 × (1 − discount × days/360)."""
    days, _ = _bill_days(settlement, maturity)
    rate = _plain(discount)
    price = 100 * (1 - rate * days / 360)
    if rate <= 0 or price <= 0:
        raise fail("#NUM!")
    return price


@lift()
def tbillyield(settlement: Any, maturity: Any, pr: Any) -> float:
    """TBILLYIELD: the yield of a Treasury bill, (100 − price)/price × 360/days."""
    days, _ = _bill_days(settlement, maturity)
    price = _plain(pr)
    if price <= 0:
        raise fail("#NUM!")
    return (100 - price) / price * 360 / days


@lift()
def tbilleq(settlement: Any, maturity: Any, discount: Any) -> float:
    """TBILLEQ: the bond-equivalent yield of a Treasury bill: 365 × rate/(360 − rate ×
    days) up to half a year; beyond, the yield of a half-yearly coupon bond of that
    price, over a year of 365 days (366 for a bill of 366 days)."""
    days, _ = _bill_days(settlement, maturity)
    rate = _plain(discount)
    price = 1 - rate * days / 360
    if rate <= 0 or price <= 0:
        raise fail("#NUM!")
    if days <= 182:
        return 365 * rate / (360 - rate * days)
    year = max(days, 365)
    a, b, c = days / (2 * year) - 0.25, days / year, (price - 1) / price
    return (-b + (b * b - 4 * a * c) ** 0.5) / (2 * a)


@lift()
def disc(settlement: Any, maturity: Any, pr: Any, redemption: Any, basis: Any = 0.0) -> float:
    """DISC: the discount rate of a security, (redemption − price)/redemption over the
    year fraction from settlement to maturity (as YEARFRAC counts it on the basis)."""
    settle, mature = whole_date(settlement), whole_date(maturity)
    price, paid = _plain(pr), _plain(redemption)
    kind = basis_of(basis)
    if price <= 0 or paid <= 0 or settle >= mature:
        raise fail("#NUM!")
    from xlkpi.workbook.natives.daycounts import yearfrac

    years = float(yearfrac.scalar(float(settle), float(mature), float(kind)))
    return (paid - price) / paid / years


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "DISC": disc,
    "TBILLPRICE": tbillprice,
    "TBILLYIELD": tbillyield,
    "TBILLEQ": tbilleq,
    "ACCRINT": accrint,
    "ACCRINTM": accrintm,
}
