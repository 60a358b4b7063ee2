"""Securities with an odd (short or long) last coupon period: ODDLPRICE, ODDLYIELD.

The odd last period, from the last regular coupon to maturity, is split into the
quasi-coupon periods that step 12/frequency months from the last coupon. Each contributes
its days of coupon, of accrued interest (before settlement) and of discounting (from
settlement to maturity), each over that quasi-period's own length — counted in actual
days for bases 1 to 3, and by the 30/360 rules for bases 0 (both ends moved to the 30th
as a period's length is) and 4.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xlkpi.workbook.natives.base import EMPTY, fail, number
from xlkpi.workbook.natives.bonds import (
    add_months,
    basis_of,
    days_between,
    frequency_of,
    is_month_end,
    whole_date,
)
from xlkpi.workbook.natives.dates import days_in_month, ymd
from xlkpi.workbook.natives.lifting import lift

__all__ = ["FUNCTIONS", "oddlprice", "oddlyield"]


def _us360_both(start: int, end: int) -> int:
    """US 30/360 with both dates moved: an end on February's last day or the 31st is the
    30th whatever the start."""
    y1, m1, d1 = ymd(start)
    y2, m2, d2 = ymd(end)
    if (m2 == 2 and d2 == days_in_month(y2, 2)) or d2 == 31:
        d2 = 30
    if d1 == 31 or (m1 == 2 and d1 == days_in_month(y1, 2)):
        d1 = 30
    return (y2 - y1) * 360 + (m2 - m1) * 30 + d2 - d1


def _days(start: int, end: int, basis: int, length: bool = False) -> float:
    """Days from ``start`` to ``end`` (never negative); ``length``: a period's length."""
    days = _us360_both(start, end) if basis == 0 and length else days_between(start, end, basis)
    return max(days, 0.0)


def _coupons_after(start: int, maturity: int, months: int) -> int:
    """Coupon dates after ``start`` up to maturity, on maturity's schedule."""
    month_end = is_month_end(maturity)
    front, trailing = maturity, maturity
    while front > start:
        trailing = front
        front = add_months(front, -months, month_end)
    (y1, m1, _), (y2, m2, _) = ymd(trailing), ymd(maturity)
    return ((y2 - y1) * 12 + m2 - m1) // months + 1


def _shares(settlement: Any, maturity: Any, last_interest: Any, rate: Any, money: Any,
            redemption: Any, frequency: Any, basis: Any) -> tuple[float, ...]:
    """(coupon, accrued, discount shares of the odd period, coupon per period, the yield
    or price, redemption, frequency) after Excel's checks."""
    settle, mature, last = (whole_date(v) for v in (settlement, maturity, last_interest))
    coupon, amount, paid = number(rate), number(money), number(redemption)
    freq, kind = frequency_of(frequency), basis_of(EMPTY if basis is EMPTY else basis)
    if coupon < 0 or amount < 0 or paid <= 0 or not last < settle < mature:
        raise fail("#NUM!")
    months = 12 // freq
    count = _coupons_after(last, mature, months)
    early = last
    coupon_share = accrued_share = discount_share = 0.0
    for index in range(1, count + 1):
        late = add_months(early, months, False)
        length = _days(early, late, kind, True)
        days = length if index < count else _days(early, mature, kind, True)
        if late < settle:
            accrued = days
        elif early < settle:
            accrued = _days(early, settle, kind)
        else:
            accrued = 0.0
        discount = _days(max(settle, early), min(mature, late), kind)
        coupon_share += days / length
        accrued_share += accrued / length
        discount_share += discount / length
        early = late
    return (coupon_share, accrued_share, discount_share, 100 * coupon / freq, amount, paid,
            float(freq))


@lift()
def oddlprice(settlement: Any, maturity: Any, last_interest: Any, rate: Any, yld: Any,
              redemption: Any, frequency: Any, basis: Any = 0.0) -> float:
    """ODDLPRICE: the price per 100 of a security whose last coupon period is odd."""
    coupons, accrued, discount, per_period, yearly, paid, freq = _shares(
        settlement, maturity, last_interest, rate, yld, redemption, frequency, basis)
    return ((coupons * per_period + paid) / (discount * yearly / freq + 1)
            - accrued * per_period)


@lift()
def oddlyield(settlement: Any, maturity: Any, last_interest: Any, rate: Any, pr: Any,
              redemption: Any, frequency: Any, basis: Any = 0.0) -> float:
    """ODDLYIELD: the yield of a security whose last coupon period is odd (ODDLPRICE's
    equation solved for the yield)."""
    if number(pr) <= 0:
        raise fail("#NUM!")
    coupons, accrued, discount, per_period, price, paid, freq = _shares(
        settlement, maturity, last_interest, rate, pr, redemption, frequency, basis)
    dirty = accrued * per_period + price
    return (coupons * per_period + paid - dirty) / dirty * freq / discount


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ODDLPRICE": oddlprice,
    "ODDLYIELD": oddlyield,
}
