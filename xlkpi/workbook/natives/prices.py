"""PRICE and YIELD of a security paying periodic coupons, on Excel's coupon schedule.

The schedule steps back 12/frequency months from maturity (sticking to months' last days
when maturity is one). E is the coupon period's length on the basis (360/frequency for
bases 0, 2 and 4, 365/frequency for 3, the actual period for 1), A the days accrued from
the previous coupon to settlement, and the fraction of a period to the next coupon is
(E − A)/E.
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
from xlkpi.workbook.natives.dates import ymd
from xlkpi.workbook.natives.lifting import lift

__all__ = ["FUNCTIONS", "price", "yield_"]


def _schedule(settle: int, mature: int, freq: int, basis: int) -> tuple[int, float, float]:
    """(coupons left, E, A) of a security on a settlement date."""
    months = 12 // freq
    month_end = is_month_end(mature)
    front, trailing = mature, mature
    while front > settle:
        trailing = front
        front = add_months(front, -months, month_end)
    (y1, m1, _), (y2, m2, _) = ymd(trailing), ymd(mature)
    count = ((y2 - y1) * 12 + m2 - m1) // months + 1
    if basis in (0, 2, 4):
        length = 360 / freq
    elif basis == 3:
        length = 365 / freq
    else:
        length = float(trailing - front)
    return count, length, float(days_between(front, settle, basis))


def _price(count: int, length: float, accrued: float, rate: float, yld: float,
           redemption: float, freq: int) -> float:
    coupon = 100 * rate / freq
    part = (length - accrued) / length
    if count == 1:
        return ((redemption + coupon) / (1 + part * yld / freq)
                - coupon * accrued / length)
    base = 1 + yld / freq
    total = redemption / base ** (count - 1 + part)
    total += sum(coupon / base ** (k - 1 + part) for k in range(1, count + 1))
    return total - coupon * accrued / length


def _arguments(settlement: Any, maturity: Any, frequency: Any, basis: Any
               ) -> tuple[int, float, float, int]:
    settle, mature = whole_date(settlement), whole_date(maturity)
    freq, kind = frequency_of(frequency), basis_of(EMPTY if basis is EMPTY else basis)
    if settle >= mature:
        raise fail("#NUM!")
    count, length, accrued = _schedule(settle, mature, freq, kind)
    return count, length, accrued, freq


@lift()
def price(settlement: Any, maturity: Any, rate: Any, yld: Any, redemption: Any,
          frequency: Any, basis: Any = 0.0) -> float:
    """PRICE: the price per 100 of a security paying periodic coupons."""
    coupon, yearly, paid = number(rate), number(yld), number(redemption)
    count, length, accrued, freq = _arguments(settlement, maturity, frequency, basis)
    if coupon < 0 or yearly < 0 or paid <= 0:
        raise fail("#NUM!")
    return _price(count, length, accrued, coupon, yearly, paid, freq)


@lift()
def yield_(settlement: Any, maturity: Any, rate: Any, pr: Any, redemption: Any,
           frequency: Any, basis: Any = 0.0) -> float:
    """YIELD: the yield at which PRICE gives ``pr`` (in closed form with one coupon
    left, by bisection otherwise)."""
    coupon, target, paid = number(rate), number(pr), number(redemption)
    count, length, accrued, freq = _arguments(settlement, maturity, frequency, basis)
    if coupon < 0 or target <= 0 or paid <= 0:
        raise fail("#NUM!")
    if count == 1:
        per = 100 * coupon / freq
        dirty = target + per * accrued / length
        return (paid + per - dirty) / dirty * freq * length / (length - accrued)
    low, high = -freq + 1e-9, 1.0
    while _price(count, length, accrued, coupon, high, paid, freq) > target:
        high *= 2
        if high > 1e6:
            raise fail("#NUM!")
    for _ in range(200):
        mid = (low + high) / 2
        if _price(count, length, accrued, coupon, mid, paid, freq) > target:
            low = mid
        else:
            high = mid
        if high - low <= 1e-16 * max(1.0, abs(mid)):
            break
    return (low + high) / 2


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "PRICE": price,
    "YIELD": yield_,
}
