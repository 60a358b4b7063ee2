"""Excel's engineering functions: number systems (BIN2DEC... DEC2HEX), bits (BITAND...),
ERF and ERFC, GESTEP and DELTA. Bessel functions are in :mod:`.bessel`, CONVERT in
:mod:`.conversions`, complex numbers in :mod:`.complexnumbers`.

Excel's number systems hold signed 10-digit numbers: binary with 10 bits, octal with 30
bits and hexadecimal with 40 bits, negative numbers in two's complement (the leftmost bit
is the sign). A result with ``places`` is padded with zeros to that many digits; a
negative result is always written with all 10 digits, ``places`` then only checked.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, fail, number, text
from xlkpi.workbook.natives.lifting import is_range, lift
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "toolpak"]


def toolpak(function: Callable[..., Any]) -> Callable[..., Any]:
    """Lift a function that came from the Analysis ToolPak: element by element over
    arrays, but a reference to several cells is #VALUE!, unless an error argument comes
    before it (arguments are read in order)."""
    lifted = lift(ranges="refuse")(function)

    @functools.wraps(function)
    def call(*args: Any) -> Any:
        for arg in args:
            if is_range(arg):
                break
            first = arg.ravel()[0] if isinstance(arg, np.ndarray) and arg.size == 1 else arg
            if isinstance(first, XlError):
                return first
        return lifted(*args)

    call.scalar = function  # type: ignore[attr-defined]
    return call


#: Bits of a 10-digit number in each base Excel converts between.
_BITS = {2: 10, 8: 30, 16: 40}
_DIGITS = "0123456789ABCDEF"


def _places(places: Any) -> int | None:
    """The ``places`` argument: None when omitted, else a whole number 1..10."""
    if places is None:
        return None
    if isinstance(places, bool | np.bool_):
        raise fail("#VALUE!")
    count = number(places)
    if not math.isfinite(count) or count < 0:
        raise fail("#NUM!")
    count = int(count)
    if not 1 <= count <= 10:
        raise fail("#NUM!")
    return count


def _read(value: Any, base: int) -> int:
    """A signed number written in ``base`` (10 digits at most, two's complement)."""
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    if value is EMPTY or value is None:
        return 0
    if isinstance(value, float | int | np.number):
        value = float(value)
        if value < 0 or not value.is_integer():
            raise fail("#NUM!")
    digits = text(value).strip() if not isinstance(value, str) else value
    if digits == "":
        return 0
    if len(digits) > 10:
        raise fail("#NUM!")
    try:
        result = int(digits, base)
    except ValueError:
        raise fail("#NUM!") from None
    if not all(c.upper() in _DIGITS[:base] for c in digits):
        raise fail("#NUM!")
    bits = _BITS[base]
    if result >= 1 << (bits - 1):
        result -= 1 << bits
    return result


def _write(value: int, base: int, places: int | None) -> str:
    """``value`` written in ``base``, negative numbers as 10 digits of two's complement."""
    bits = _BITS[base]
    if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
        raise fail("#NUM!")
    if value < 0:
        value += 1 << bits
        places = None
    digits = ""
    while True:
        value, digit = divmod(value, base)
        digits = _DIGITS[digit] + digits
        if value == 0:
            break
    if places is not None:
        if places < len(digits):
            raise fail("#NUM!")
        digits = digits.rjust(places, "0")
    return digits


def _from_decimal(base: int) -> Callable[..., Any]:
    @toolpak
    def convert(value: Any, places: Any = None) -> str:
        count = _places(places)
        if isinstance(value, bool | np.bool_) or (isinstance(value, str)
                                                   and value.strip() == ""):
            raise fail("#VALUE!")
        decimal = number(value)
        if not math.isfinite(decimal):
            raise fail("#NUM!")
        return _write(math.trunc(decimal), base, count)

    return convert


def _to_decimal(base: int) -> Callable[..., Any]:
    @toolpak
    def convert(value: Any) -> float:
        return float(_read(value, base))

    return convert


def _between(source: int, target: int) -> Callable[..., Any]:
    @toolpak
    def convert(value: Any, places: Any = None) -> str:
        count = _places(places)
        return _write(_read(value, source), target, count)

    return convert


_NAMES = {2: "BIN", 8: "OCT", 10: "DEC", 16: "HEX"}

FUNCTIONS: dict[str, Callable[..., Any]] = {}
for _source, _source_name in _NAMES.items():
    for _target, _target_name in _NAMES.items():
        if _source == _target:
            continue
        _name = f"{_source_name}2{_target_name}"
        if _source == 10:
            FUNCTIONS[_name] = _from_decimal(_target)
        elif _target == 10:
            FUNCTIONS[_name] = _to_decimal(_source)
        else:
            FUNCTIONS[_name] = _between(_source, _target)


#: BITAND... take whole numbers below 2^48; a shift moves 53 places at most.
_BIT_LIMIT = 1 << 48
_MAX_SHIFT = 53


def _bits(value: Any) -> int:
    """A BITAND... argument: a whole number 0 <= n < 2^48 (TRUE is 1)."""
    result = number(value)
    if not result.is_integer() or not 0 <= result < _BIT_LIMIT:
        raise fail("#NUM!")
    return int(result)


def _bitwise(operation: Callable[[int, int], int]) -> Callable[..., Any]:
    @lift()
    def apply(first: Any, second: Any) -> float:
        return float(operation(_bits(first), _bits(second)))

    return apply


def _shift(direction: int) -> Callable[..., Any]:
    """BITLSHIFT (direction 1) and BITRSHIFT (-1): a negative shift goes the other way."""

    @lift()
    def apply(value: Any, shift: Any) -> float:
        bits = _bits(value)
        places = number(shift)
        if not math.isfinite(places) or abs(places) > _MAX_SHIFT:
            raise fail("#NUM!")
        places = math.trunc(places) * direction
        result = bits << places if places >= 0 else bits >> -places
        if result >= _BIT_LIMIT:
            raise fail("#NUM!")
        return float(result)

    return apply


def _no_boolean(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    return number(value)


@toolpak
def _delta(first: Any, second: Any = 0.0) -> float:
    """DELTA(number1, [number2]): 1 when the numbers are exactly equal."""
    return float(_no_boolean(first) == _no_boolean(second))


@toolpak
def _gestep(value: Any, step: Any = 0.0) -> float:
    """GESTEP(number, [step]): 1 when the number is at least the step."""
    return float(_no_boolean(value) >= _no_boolean(step))


@toolpak
def _erf(lower: Any, upper: Any = None) -> float:
    """ERF(lower, [upper]): erf(lower), or erf(upper) - erf(lower) with both limits."""
    if upper is None:
        return math.erf(_no_boolean(lower))
    return math.erf(_no_boolean(upper)) - math.erf(_no_boolean(lower))


@toolpak
def _erf_one(value: Any) -> float:
    """ERF.PRECISE(x)."""
    return math.erf(_no_boolean(value))


@toolpak
def _erfc(value: Any) -> float:
    """ERFC(x) and ERFC.PRECISE(x): 1 - erf(x), computed without cancellation."""
    return math.erfc(_no_boolean(value))


FUNCTIONS.update({
    "ERF": _erf,
    "ERF.PRECISE": _erf_one,
    "ERFC": _erfc,
    "ERFC.PRECISE": _erfc,
    "BITAND": _bitwise(lambda a, b: a & b),
    "BITOR": _bitwise(lambda a, b: a | b),
    "BITXOR": _bitwise(lambda a, b: a ^ b),
    "BITLSHIFT": _shift(1),
    "BITRSHIFT": _shift(-1),
    "DELTA": _delta,
    "GESTEP": _gestep,
})
