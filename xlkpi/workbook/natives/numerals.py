"""Excel's numeral functions: BASE and DECIMAL (radix 2 to 36), ROMAN and ARABIC."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

from xlkpi.workbook.natives.base import EMPTY, elementwise, fail, text
from xlkpi.workbook.natives.mathbase import integer, number, plain

__all__ = ["FUNCTIONS", "roman"]

#: The digits of radix 36 and below.
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Whole numbers from here on are not exact in a double: BASE refuses them.
_EXACT = 2.0**53
#: The largest double.
_LARGEST = sys.float_info.max
_ROMAN_VALUES = (1000, 500, 100, 50, 10, 5, 1)
_ROMAN_LETTERS = "MDCLXVI"


@elementwise(errors_pass=True)
def _base(value: Any, radix: Any, min_length: Any = 0.0) -> str:
    """BASE: a whole number written in radix 2 to 36, left-padded with zeros."""
    n, r = number(value), integer(radix)
    width = 0 if min_length is EMPTY else integer(min_length)
    if n < 0 or n >= _EXACT or not 2 <= r <= 36 or not 0 <= width <= 255:
        raise fail("#NUM!")
    whole, digits = int(n), []
    while whole:
        whole, digit = divmod(whole, r)
        digits.append(_DIGITS[digit])
    return "".join(reversed(digits)).rjust(max(width, 1), "0")


@elementwise(errors_pass=True)
def _decimal(digits: Any, radix: Any) -> float:
    """DECIMAL: text in radix 2 to 36 read as a number."""
    written, r = text(digits).strip().upper(), integer(radix)
    if not 2 <= r <= 36 or len(written) > 255:
        raise fail("#NUM!")
    result = 0
    for char in written:
        digit = _DIGITS.find(char)
        if digit < 0 or digit >= r:
            raise fail("#NUM!")
        result = result * r + digit
    if result > _LARGEST:
        raise fail("#NUM!")
    return float(result)


def _roman_steps(form: int) -> Iterator[tuple[int, str]]:
    """The values and letter groups ROMAN writes greedily, largest first: each letter,
    then the subtractive pairs below it that ``form`` allows (0: only IV, IX, XL...;
    up to 4, the most concise: IM for 999)."""
    for i, (value, letter) in enumerate(zip(_ROMAN_VALUES, _ROMAN_LETTERS, strict=True), 1):
        yield value, letter
        pairs = []
        for smaller, small_letter in zip(_ROMAN_VALUES[i:], _ROMAN_LETTERS[i:], strict=True):
            if value - smaller not in _ROMAN_VALUES:
                pairs.append((value - smaller, small_letter + letter))
                if len(pairs) == form + 1:
                    break
        yield from reversed(pairs)


def roman(value: int, form: int = 0) -> str:
    """A whole number from 0 to 3999 in Roman numerals (0 is empty text)."""
    out = []
    for step, letters in _roman_steps(form):
        count, value = divmod(value, step)
        out.append(letters * count)
    return "".join(out)


@elementwise(errors_pass=True)
def _roman(value: Any, form: Any = 0.0) -> str:
    """ROMAN: form 0 (or TRUE) classic to 4 (or FALSE) simplified; 4000 and above, or a
    negative number, are #VALUE!."""
    n = integer(value)
    form = plain(form)
    style = (0 if form else 4) if isinstance(form, bool) else integer(form)
    if not 0 <= n < 4000 or not 0 <= style <= 4:
        raise fail("#VALUE!")
    return roman(n, style)


@elementwise()
def _arabic(numeral: Any) -> float:
    """ARABIC: Roman numerals (any case, spaces around ignored, "-" before for a negative
    number, "" is 0) as a number; numbers, dates, TRUE/FALSE and other text are #VALUE!."""
    numeral = plain(numeral)
    if numeral is EMPTY or numeral is None:
        return 0.0
    if not isinstance(numeral, str):
        raise fail("#VALUE!")
    written = numeral.strip().upper()
    sign = -1.0 if written.startswith("-") else 1.0
    written = written.removeprefix("-")
    if len(numeral) > 255 or any(char not in _ROMAN_LETTERS for char in written):
        raise fail("#VALUE!")
    total, adding, previous = 0, True, -1
    for char in reversed(written):
        value = _ROMAN_VALUES[_ROMAN_LETTERS.index(char)]
        if value != previous:
            adding = value > previous
        previous = value
        total += value if adding else -value
    return sign * total


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "BASE": _base,
    "DECIMAL": _decimal,
    "ROMAN": _roman,
    "ARABIC": _arabic,
}
