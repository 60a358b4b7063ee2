"""Excel's financial functions of annuities and depreciation: PMT, IPMT, PPMT, PV, FV,
NPER, CUMIPMT, CUMPRINC, DB, DDB and VDB, element by element over arrays.

The annuity functions share Excel's time-value equation
``pv·(1+r)^n + pmt·(1+r·type)·((1+r)^n − 1)/r + fv = 0`` (``pv + pmt·n + fv = 0`` at a
zero rate); ``type`` is 1 (payments at the start of each period) for any number but 0.
A rate of −100% or less is ``#NUM!`` for the functions that solve the equation for a
payment, a value or a count.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, boolean, fail, number
from xlkpi.workbook.natives.lifting import lift

__all__ = [
    "FUNCTIONS",
    "annuity_fv",
    "annuity_pmt",
    "cumipmt",
    "cumprinc",
    "db",
    "ddb",
    "fv",
    "ipmt",
    "nper",
    "pmt",
    "ppmt",
    "pv",
    "rate",
    "rri",
    "vdb",
]


def _type(value: Any) -> int:
    return 0 if value is EMPTY else int(number(value) != 0)


def _opt(value: Any, default: float = 0.0) -> float:
    return default if value is EMPTY else number(value)


def _rate(value: Any) -> float:
    rate = number(value)
    if rate <= -1:
        raise fail("#NUM!")
    return rate


def annuity_pmt(rate: float, periods: float, present: float, future: float, kind: int) -> float:
    """The payment each period that takes ``present`` to ``future``."""
    if periods == 0:
        raise fail("#NUM!")
    if rate == 0:
        return -(present + future) / periods
    growth = (1 + rate) ** periods
    return -(future + present * growth) * rate / ((1 + rate * kind) * (growth - 1))


def annuity_fv(rate: float, periods: float, payment: float, present: float, kind: int) -> float:
    """The value after ``periods`` payments."""
    if rate == 0:
        return -(present + payment * periods)
    growth = (1 + rate) ** periods
    return -(present * growth + payment * (1 + rate * kind) * (growth - 1) / rate)


@lift(errors_pass=True)
def pmt(rate: Any, nper: Any, pv: Any, fv: Any = 0.0, type: Any = 0.0) -> float:
    """PMT: the payment of a loan or annuity each period."""
    return annuity_pmt(_rate(rate), number(nper), number(pv), _opt(fv), _type(type))


@lift(errors_pass=True)
def fv(rate: Any, nper: Any, pmt: Any, pv: Any = 0.0, type: Any = 0.0) -> float:
    """FV: the future value of a series of payments (``(1+rate)^nper`` of 0 to a
    negative power is ``#DIV/0!``)."""
    r, n = number(rate), number(nper)
    if r == -1 and n < 0:
        raise fail("#DIV/0!")
    if r < -1 and not float(n).is_integer():
        raise fail("#NUM!")
    return annuity_fv(r, n, number(pmt), _opt(pv), _type(type))


@lift(errors_pass=True)
def pv(rate: Any, nper: Any, pmt: Any, fv: Any = 0.0, type: Any = 0.0) -> float:
    """PV: the present value of a series of payments (any rate: ``(1+rate)^nper`` of
    0 is ``#DIV/0!``)."""
    r, n, payment, future = number(rate), number(nper), number(pmt), _opt(fv)
    kind = _type(type)
    if r == 0:
        return -(future + payment * n)
    if r < -1 and not float(n).is_integer():
        raise fail("#NUM!")
    growth = (1 + r) ** n
    if growth == 0:
        raise fail("#DIV/0!")
    return -(future + payment * (1 + r * kind) * (growth - 1) / r) / growth


@lift(errors_pass=True)
def nper(rate: Any, pmt: Any, pv: Any, fv: Any = 0.0, type: Any = 0.0) -> float:
    """NPER: how many periods the payments take (``#NUM!`` when never)."""
    r, payment, present, future = _rate(rate), number(pmt), number(pv), _opt(fv)
    kind = _type(type)
    if r == 0:
        if payment == 0:
            raise fail("#NUM!")
        return -(present + future) / payment
    flow = payment * (1 + r * kind)
    ratio = (flow - future * r) / (flow + present * r)
    if ratio <= 0:
        raise fail("#NUM!")
    return math.log(ratio) / math.log1p(r)


def _interest(r: float, per: float, n: float, present: float, future: float, kind: int
              ) -> tuple[float, float]:
    """(interest part, payment) of period ``per``."""
    if not 1 <= per < n + 1:
        raise fail("#NUM!")
    payment = annuity_pmt(r, n, present, future, kind)
    if kind == 1 and per == 1:
        return 0.0, payment
    interest = annuity_fv(r, per - 1, payment, present, kind) * r
    if kind == 1:
        interest /= 1 + r
    return interest, payment


@lift(errors_pass=True)
def ipmt(rate: Any, per: Any, nper: Any, pv: Any, fv: Any = 0.0,
         type: Any = 0.0) -> float:
    """IPMT: the interest part of period ``per``'s payment (``per`` from 1 to ``nper``)."""
    return _interest(_rate(rate), number(per), number(nper), number(pv), _opt(fv),
                     _type(type))[0]


@lift(errors_pass=True)
def ppmt(rate: Any, per: Any, nper: Any, pv: Any, fv: Any = 0.0,
         type: Any = 0.0) -> float:
    """PPMT: the principal part of period ``per``'s payment."""
    interest, payment = _interest(_rate(rate), number(per), number(nper), number(pv),
                                  _opt(fv), _type(type))
    return payment - interest


def _cumulative(rate: Any, nper: Any, pv: Any, start: Any, end: Any, type: Any,
                principal: bool) -> float:
    if any(isinstance(v, bool | np.bool_) for v in (rate, nper, pv, start, end, type)):
        raise fail("#VALUE!")
    r, n, present = number(rate), number(nper), number(pv)
    first, last = number(start), number(end)
    kind = number(type)
    if (r <= 0 or n <= 0 or present <= 0 or first < 1 or last < first or last > n
            or kind not in (0, 1)):
        raise fail("#NUM!")
    total = 0.0
    per = math.ceil(first)
    while per <= int(last):
        interest, payment = _interest(r, per, n, present, 0.0, kind)
        total += payment - interest if principal else interest
        per += 1
    return total


@lift(errors_pass=True, ranges="refuse")
def cumipmt(rate: Any, nper: Any, pv: Any, start_period: Any, end_period: Any,
            type: Any) -> float:
    """CUMIPMT: the interest paid from ``start_period`` to ``end_period``."""
    return _cumulative(rate, nper, pv, start_period, end_period, type, False)


@lift(errors_pass=True, ranges="refuse")
def cumprinc(rate: Any, nper: Any, pv: Any, start_period: Any, end_period: Any,
             type: Any) -> float:
    """CUMPRINC: the principal repaid from ``start_period`` to ``end_period``."""
    return _cumulative(rate, nper, pv, start_period, end_period, type, True)


@lift(errors_pass=True)
def db(cost: Any, salvage: Any, life: Any, period: Any, month: Any = 12.0) -> float:
    """DB: fixed-declining-balance depreciation of a (whole) period, the rate rounded to
    three decimals; the first year has ``month`` months, the year after the life the
    rest. No cost: none."""
    c, s, years = number(cost), number(salvage), number(life)
    per, months = int(number(period)), int(number(month))
    if c < 0 or s < 0 or years <= 0 or per <= 0 or not 1 <= months <= 12:
        raise fail("#NUM!")
    if per > years + (1 if months < 12 else 0):
        raise fail("#NUM!")
    if c == 0:
        return 0.0
    rate = round(1 - (s / c) ** (1 / years), 3)
    total = c * rate * months / 12
    if per == 1:
        return total
    for k in range(2, per + 1):
        part = (c - total) * rate
        if k == int(years) + 1:
            part *= (12 - months) / 12
        if k == per:
            return part
        total += part
    return 0.0


def _ddb(c: float, s: float, years: float, per: float, factor: float) -> float:
    rate = factor / years
    if rate >= 1:
        rate, before = 1.0, (c if per == 1 else 0.0)
    else:
        before = c * (1 - rate) ** (per - 1)
    after = c * (1 - rate) ** per
    return max(before - s if after < s else before - after, 0.0)


@lift(errors_pass=True)
def ddb(cost: Any, salvage: Any, life: Any, period: Any, factor: Any = 2.0) -> float:
    """DDB: double- (or ``factor``-) declining-balance depreciation of a period, never
    below the salvage value (a salvage above the cost: none)."""
    c, s, years, per, f = (number(cost), number(salvage), number(life), number(period),
                           number(factor))
    if c < 0 or s < 0 or years <= 0 or per <= 0 or per > years or f <= 0:
        raise fail("#NUM!")
    return _ddb(c, s, years, per, f)


@lift(errors_pass=True)
def vdb(cost: Any, salvage: Any, life: Any, start_period: Any, end_period: Any,
        factor: Any = 2.0, no_switch: Any = False) -> float:
    """VDB: declining-balance depreciation from ``start_period`` to ``end_period``,
    switching to straight line (the rest over the remaining life) once that is more
    (unless ``no_switch``). As Excel: the periods are counted from the start's fraction
    of a period (a first short period, whole ones after), and a period cut by the end
    counts its share."""
    c, s, years = number(cost), number(salvage), number(life)
    start, end, f = number(start_period), number(end_period), number(factor)
    fixed = False if no_switch is EMPTY else boolean(no_switch)
    if c < 0 or s < 0 or years <= 0 or start < 0 or end < start or end > years or f <= 0:
        raise fail("#NUM!")
    rate = min(f / years, 1.0)
    fraction = start - math.floor(start)
    grid = [0.0] + ([fraction] if fraction > 0 else [])
    while grid[-1] + 1 < years:
        grid.append(grid[-1] + 1)
    grid.append(years)
    value, total, straight = c, 0.0, False
    for a, b in itertools.pairwise(grid):
        step = b - a
        part = min(value * rate * step, max(value - s, 0.0))
        if not fixed:
            line = (value - s) * step / (years - a)
            if straight or line > part:
                straight, part = True, line
        low, high = max(a, start), min(b, end)
        if high > low:
            total += part * (high - low) / step
        value -= part
    return total


def _rate_step(r: float, n: float, payment: float, present: float, future: float,
               kind: int) -> float:
    """Newton's step for the time-value equation at rate ``r``."""
    growth, before = (1 + r) ** n, (1 + r) ** (n - 1)
    value = future + growth * present + payment * (growth - 1) * (r * kind + 1) / r
    slope = (n * before * present - payment * (growth - 1) * (r * kind + 1) / r ** 2
             + n * payment * before * (r * kind + 1) / r + payment * (growth - 1) * kind / r)
    return value / slope


@lift(errors_pass=True)
def rate(nper: Any, pmt: Any, pv: Any, fv: Any = 0.0, type: Any = 0.0,
         guess: Any = 0.1) -> float:
    """RATE: the rate per period of an annuity, by Newton's method from ``guess`` (0.1),
    the rate after the first step under 1e-6; ``#NUM!`` when 100 steps do not get there
    or the rate falls to −100%."""
    n, payment, present, future = number(nper), number(pmt), number(pv), _opt(fv)
    kind, r = _type(type), _opt(guess, 0.1)
    if n <= 0:
        raise fail("#NUM!")
    for _ in range(100):
        step = _rate_step(r, n, payment, present, future, kind)
        if not math.isfinite(step):
            break
        r -= step
        if r <= -1:
            break
        if abs(step) < 1e-6:
            return r
    raise fail("#NUM!")


@lift(errors_pass=True)
def rri(nper: Any, pv: Any, fv: Any) -> float:
    """RRI: the rate per period that grows ``pv`` to ``fv`` in ``nper`` periods."""
    n, present, future = number(nper), number(pv), number(fv)
    if n <= 0 or present == 0:
        raise fail("#NUM!")
    ratio = future / present
    if ratio < 0:
        raise fail("#NUM!")
    return ratio ** (1 / n) - 1


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "RRI": rri,
    "RATE": rate,
    "PMT": pmt,
    "FV": fv,
    "PV": pv,
    "NPER": nper,
    "IPMT": ipmt,
    "PPMT": ppmt,
    "CUMIPMT": cumipmt,
    "CUMPRINC": cumprinc,
    "DB": db,
    "DDB": ddb,
    "VDB": vdb,
}
