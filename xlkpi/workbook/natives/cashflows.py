"""Excel's functions of series of cash flows: IRR, MIRR, XNPV and XIRR.

IRR and MIRR read the numbers of their ranges (text, booleans and blanks skipped, an
error is that error). XNPV wants a number in every cell of its values and dates (``#NUM!``
otherwise); XIRR reads blank values as 0 and text or booleans as ``#VALUE!``. Dates are
whole serials; every date must be on or after the first. The rates are solved by Newton's
method from the guess, falling back to a bracketing search.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    array_result,
    fail,
    number,
    values,
    xl_error,
)
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "irr", "mirr", "xirr", "xnpv"]


def _guarded(function: Callable[..., float]) -> Callable[..., Any]:
    """Errors raised inside as Excel's error values; an infinite or NaN answer #NUM!."""

    @functools.wraps(function)
    def call(*args: Any) -> Any:
        try:
            result = function(*args)
        except ExcelValueError as err:
            return xl_error(err.code)
        except (OverflowError, ZeroDivisionError):
            return xl_error("#NUM!")
        if not math.isfinite(result):
            return xl_error("#NUM!")
        return float(result)

    return call


def _range_numbers(arg: Any) -> list[float]:
    out: list[float] = []
    for v in values(arg):
        if isinstance(v, XlError):
            raise fail(str(v))
        if isinstance(v, bool | np.bool_ | str) or v is EMPTY or v is None:
            continue
        out.append(float(v))
    return out


def _single(arg: Any) -> Any:
    if isinstance(arg, np.ndarray):
        if arg.size != 1:
            raise fail("#VALUE!")
        return arg.ravel()[0]
    return arg


def _rate_number(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    return number(value)


def _guess(arg: Any) -> float:
    value = _single(arg)
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    guess = 0.1 if value is EMPTY else number(value)
    if guess <= -1:
        raise fail("#VALUE!")
    return guess


def _solve(f: Callable[[float], float], df: Callable[[float], float], guess: float,
           tolerance: float = 0.0) -> float:
    """A rate above −1 where ``f`` is 0: Newton from the guess (stopping, with a
    ``tolerance``, at the rate whose step is that small), else bisection over the first
    sign change found on a grid of rates."""
    rate = guess
    for _ in range(100):
        try:
            slope = df(rate)
            step = f(rate) / slope
        except (OverflowError, ZeroDivisionError):
            break
        if not math.isfinite(step):
            break
        if tolerance and abs(step) <= tolerance:
            return rate
        new = rate - step
        if new <= -1:
            break
        if abs(new - rate) <= 1e-12 * max(1.0, abs(new)):
            return new
        rate = new
    grid = [-0.999999 + k * 0.000001 for k in (0, 10, 100, 1000)]
    grid += [-0.99 + 0.01 * k for k in range(1, 100)] + [2.0 ** k for k in range(0, 12)]
    previous, value = None, None
    for point in grid:
        try:
            current = f(point)
        except (OverflowError, ZeroDivisionError):
            continue
        if previous is not None and value is not None and (value < 0) != (current < 0):
            low, high, f_low = previous, point, value
            for _ in range(200):
                mid = (low + high) / 2
                f_mid = f(mid)
                if (f_mid < 0) == (f_low < 0):
                    low, f_low = mid, f_mid
                else:
                    high = mid
            return (low + high) / 2
        previous, value = point, current
    raise fail("#NUM!")


def _mixed(flows: Sequence[float]) -> None:
    if not any(v > 0 for v in flows) or not any(v < 0 for v in flows):
        raise fail("#NUM!")


def irr(values_: Any, guess: Any = EMPTY) -> Any:
    """IRR: the rate at which the net present value of the flows is 0 (an error among
    the flows is ``#VALUE!``); an array of guesses gives an array of answers."""
    if isinstance(guess, np.ndarray) and guess.size > 1:
        grid = np.empty(guess.shape if guess.ndim == 2 else (1, guess.size), dtype=object)
        for index, one in zip(np.ndindex(grid.shape), guess.ravel().tolist(), strict=True):
            grid[index] = _irr(values_, one)
        return array_result(grid)
    return _irr(values_, _single(guess))


@_guarded
def _irr(values_: Any, guess: Any) -> float:
    try:
        flows = _range_numbers(values_)
    except ExcelValueError as err:
        raise fail("#VALUE!") from err
    start = 0.1 if guess is EMPTY else number(guess)
    _mixed(flows)
    if start <= -1:
        raise fail("#VALUE!")

    def f(r: float) -> float:
        return sum(v / (1 + r) ** k for k, v in enumerate(flows))

    def df(r: float) -> float:
        return sum(-k * v / (1 + r) ** (k + 1) for k, v in enumerate(flows))

    return _solve(f, df, start)


@_guarded
def mirr(values_: Any, finance_rate: Any, reinvest_rate: Any) -> float:
    """MIRR: the modified internal rate of return, costs discounted at the finance rate
    and gains compounded at the reinvestment rate (no gains: −100%)."""
    flows = _range_numbers(values_)
    finance, reinvest = number(_single(finance_rate)), number(_single(reinvest_rate))
    n = len(flows)
    if n < 2:
        raise fail("#DIV/0!")
    costs = sum(v / (1 + finance) ** k for k, v in enumerate(flows) if v < 0)
    gains = sum(v * (1 + reinvest) ** (n - 1 - k) for k, v in enumerate(flows) if v > 0)
    if costs == 0:
        raise fail("#DIV/0!")
    ratio = -gains / costs
    if ratio < 0:
        raise fail("#NUM!")
    return ratio ** (1 / (n - 1)) - 1


def _schedule(values_: Any, dates: Any, blanks: bool) -> tuple[list[float], list[float]]:
    """(flows, years after the first date) of XNPV and XIRR."""
    flows_in, dates_in = list(values(values_)), list(values(dates))
    if len(flows_in) != len(dates_in):
        raise fail("#NUM!")
    flows: list[float] = []
    for v in flows_in:
        if isinstance(v, XlError):
            raise fail(str(v))
        if v is EMPTY or v is None:
            if not blanks:
                raise fail("#NUM!")
            flows.append(0.0)
        elif isinstance(v, bool | np.bool_ | str):
            raise fail("#VALUE!" if blanks else "#NUM!")
        else:
            flows.append(float(v))
    days: list[int] = []
    for d in dates_in:
        if isinstance(d, XlError):
            raise fail(str(d))
        if isinstance(d, bool | np.bool_) or d is EMPTY or d is None:
            raise fail("#VALUE!")
        serial = math.floor(number(d))
        if serial < 0:
            raise fail("#NUM!")
        days.append(serial)
    if not days or any(d < days[0] for d in days):
        raise fail("#NUM!")
    return flows, [(d - days[0]) / 365 for d in days]


@_guarded
def xnpv(rate: Any, values_: Any, dates: Any) -> float:
    """XNPV: the net present value of flows on dates, discounted from the first date."""
    r = _rate_number(_single(rate))
    flows, years = _schedule(values_, dates, blanks=False)
    if r <= 0:
        raise fail("#NUM!")
    return sum(v / (1 + r) ** t for v, t in zip(flows, years, strict=True))


@_guarded
def xirr(values_: Any, dates: Any, guess: Any = EMPTY) -> float:
    """XIRR: the rate at which XNPV of the flows is 0. The guess is read first (not a
    boolean; below 0 ``#NUM!``), then errors among the dates, then among the values."""
    start = _guess(guess)
    if start < 0:
        raise fail("#NUM!")
    for v in (*values(dates), *values(values_)):
        if isinstance(v, XlError):
            raise fail(str(v))
    if not isinstance(values_, np.ndarray) and isinstance(dates, np.ndarray):
        raise fail("#VALUE!")
    numbers = [v for v in values(values_) if isinstance(v, float | int)
               and not isinstance(v, bool | np.bool_)]
    _mixed(numbers)
    flows, years = _schedule(values_, dates, blanks=True)

    def f(r: float) -> float:
        return sum(v / (1 + r) ** t for v, t in zip(flows, years, strict=True))

    def df(r: float) -> float:
        return sum(-t * v / (1 + r) ** (t + 1) for v, t in zip(flows, years, strict=True))

    return _solve(f, df, start, 1e-7)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "IRR": irr,
    "MIRR": mirr,
    "XNPV": xnpv,
    "XIRR": xirr,
}
