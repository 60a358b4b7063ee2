"""Excel's rounding functions: ROUND and its kin, TRUNC, INT, EVEN, ODD, MROUND and the
FLOOR and CEILING family.

Excel rounds the number it shows, not the binary fraction behind it: ``ROUND(0.285, 2)``
is 0.29 although the double nearest 0.285 lies just below it. So ROUND, ROUNDUP,
ROUNDDOWN and TRUNC work on the number's 15 significant digits as a decimal, halves
going away from zero. The multiple-based functions (MROUND, FLOOR, CEILING...) count the
multiples in the same way (the quotient read to 15 digits) and multiply back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from xlkpi.workbook.natives.base import elementwise, fail
from xlkpi.workbook.natives.mathbase import atp_number, integer, number, single_cells

__all__ = ["FUNCTIONS", "shown"]

#: Digits beyond which a double carries nothing Excel shows.
_DIGITS = 15
#: The largest power of ten a double holds.
_LARGEST_POWER = 308


def shown(value: float) -> Decimal:
    """A number as the decimal Excel shows for it (15 significant digits)."""
    return Decimal(f"{value:.{_DIGITS}g}")


def _round_digits(value: float, digits: int, mode: str) -> float:
    """``value`` rounded to ``digits`` decimals (negative: to tens, hundreds...)."""
    if value == 0 or not math.isfinite(value):
        return value
    magnitude = math.floor(math.log10(abs(value)))
    if digits >= _DIGITS - magnitude:
        return value
    if digits < -magnitude - 1:
        if mode in (ROUND_UP, ROUND_CEILING, ROUND_FLOOR) and _away(value, mode):
            if -digits > _LARGEST_POWER:
                raise fail("#NUM!")
            return math.copysign(10.0 ** -digits, value)
        return 0.0
    step = Decimal(1).scaleb(-digits)
    return float(shown(value).quantize(step, rounding=mode)) + 0.0


def _away(value: float, mode: str) -> bool:
    """Whether rounding ``value`` in ``mode`` moves it away from zero."""
    return (mode == ROUND_UP or (mode == ROUND_CEILING and value > 0)
            or (mode == ROUND_FLOOR and value < 0))


def _rounder(mode: str) -> Callable[..., Any]:
    @elementwise(errors_pass=True)
    def rounded(value: Any, digits: Any = 0.0) -> float:
        x = number(value)
        return _round_digits(x, integer(digits), mode)

    return rounded


def _count(quotient: float) -> Decimal:
    """A quotient of two doubles as the whole-and-fraction Excel reads (15 digits)."""
    return shown(quotient)


def _multiple(value: float, step: float, mode: str) -> float:
    """``value`` moved to a whole multiple of ``step`` (both nonzero) in ``mode``; with
    15 digits or more of multiples, ``value`` is one already; more multiples than a
    double holds are #NUM!."""
    quotient = value / step
    if not math.isfinite(quotient):
        raise fail("#NUM!")
    if abs(quotient) >= 10.0**_DIGITS:
        return value
    count = _count(quotient).quantize(Decimal(1), rounding=mode)
    return float(count) * step + 0.0


@single_cells
@elementwise(errors_pass=True)
def _mround(value: Any, multiple: Any) -> float:
    """MROUND: to the nearest multiple, halves away from zero; signs must agree."""
    x, m = atp_number(value), atp_number(multiple)
    if m == 0 or x == 0:
        return 0.0
    if (x > 0) != (m > 0):
        raise fail("#NUM!")
    return _multiple(x, m, ROUND_HALF_UP)


@elementwise(errors_pass=True)
def _int(value: Any) -> float:
    """INT: down to the integer below."""
    return float(math.floor(number(value)))


def _even_odd(odd: bool) -> Callable[..., Any]:
    @elementwise(errors_pass=True)
    def parity(value: Any) -> float:
        x = number(value)
        whole = math.ceil(float(shown(abs(x))))
        if whole % 2 != int(odd):
            whole += 1
        return math.copysign(float(whole), x) if x else float(odd)

    return parity


@elementwise(errors_pass=True)
def _floor(value: Any, significance: Any) -> float:
    """FLOOR: towards minus infinity by multiples; a positive number with a negative
    significance is #NUM!; negative with negative goes towards zero."""
    x, s = number(value), number(significance)
    if s == 0:
        if x == 0:
            return 0.0
        raise fail("#DIV/0!")
    if x > 0 > s:
        raise fail("#NUM!")
    return _multiple(x, s, ROUND_FLOOR)


@elementwise(errors_pass=True)
def _ceiling(value: Any, significance: Any) -> float:
    """CEILING: away from minus infinity by multiples; a positive number with a negative
    significance is #NUM!; a zero significance gives 0."""
    x, s = number(value), number(significance)
    if s == 0 or x == 0:
        return 0.0
    if x > 0 > s:
        raise fail("#NUM!")
    return _multiple(x, s, ROUND_CEILING)


def _directed(up: bool, with_mode: bool) -> Callable[..., Any]:
    """FLOOR.MATH / CEILING.MATH (``with_mode``), FLOOR.PRECISE / CEILING.PRECISE /
    ISO.CEILING: the significance's sign ignored; a nonzero mode sends negative numbers
    the other way (towards zero for FLOOR.MATH, away for CEILING.MATH)."""

    @elementwise(errors_pass=True)
    def directed(value: Any, significance: Any = 1.0, mode: Any = 0.0) -> float:
        x, s = number(value), abs(number(significance))
        reverse = with_mode and number(mode) != 0 and x < 0
        if s == 0 or x == 0:
            return 0.0
        rounding = ROUND_CEILING if up else ROUND_FLOOR
        if reverse:
            rounding = ROUND_FLOOR if up else ROUND_CEILING
        return _multiple(x, s, rounding)

    return directed


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ROUND": _rounder(ROUND_HALF_UP),
    "ROUNDUP": _rounder(ROUND_UP),
    "ROUNDDOWN": _rounder(ROUND_DOWN),
    "TRUNC": _rounder(ROUND_DOWN),
    "INT": _int,
    "EVEN": _even_odd(odd=False),
    "ODD": _even_odd(odd=True),
    "MROUND": _mround,
    "FLOOR": _floor,
    "CEILING": _ceiling,
    "FLOOR.MATH": _directed(up=False, with_mode=True),
    "CEILING.MATH": _directed(up=True, with_mode=True),
    "FLOOR.PRECISE": _directed(up=False, with_mode=False),
    "CEILING.PRECISE": _directed(up=True, with_mode=False),
    "ISO.CEILING": _directed(up=True, with_mode=False),
}
