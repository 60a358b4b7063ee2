"""Excel's complex-number functions (COMPLEX, IMREAL, IMSUM, IMSIN...).

Excel holds a complex number as text: ``"3+4i"``, ``"-i"``, ``"2.5j"``, ``"7"``. Each part
is written with up to 15 significant digits, in decimal notation (``0.0000692442674613868``)
unless that takes more than 19 digits after the point or the number is 1E+15 or more
(then ``1.28233995888454E-06``, ``1E-20``); an imaginary part of 1 or -1 is written
as the suffix alone. Text that is not a complex number is ``#NUM!``; numbers are read as
real numbers, blanks as 0; arguments with different suffixes (``i`` and ``j``) are
``#VALUE!`` for IMSUM and IMPRODUCT, ``#NUM!`` for IMSUB and IMDIV. Tangent, cotangent
and cosecant use the real formulas Excel uses (``tan(x+yi) = (sin 2x + i sinh 2y) /
(cos 2x + cosh 2y)``...), whose last digits differ from a complex division's.
"""

from __future__ import annotations

import cmath
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    fail,
    number,
    values,
    xl_error,
)
from xlkpi.workbook.natives.engineering import toolpak
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "format_complex", "parse_complex"]

_REAL = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_UNSIGNED = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_COMPLEX = re.compile(rf"^(?:(?P<real>{_REAL})(?=[+-]))?(?P<imag>[+-]?(?:{_UNSIGNED})?)"
                      r"(?P<suffix>[ij])$")
_ONLY_REAL = re.compile(rf"^{_REAL}$")
#: A part needing more digits after the point, or this large, is written in E notation.
_MAX_DECIMALS = 19
_LARGEST = Decimal("1E+15")


def parse_complex(value: Any) -> tuple[complex, str | None]:
    """A complex number and its suffix (None when it has no imaginary part written)."""
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    if isinstance(value, XlError):
        raise fail(str(value))
    if value is EMPTY or value is None:
        return 0j, None
    if isinstance(value, float | int | np.number):
        return complex(float(value), 0.0), None
    if not isinstance(value, str):
        raise fail("#VALUE!")
    if value == "":
        return 0j, None
    if _ONLY_REAL.match(value):
        return complex(float(value), 0.0), None
    match = _COMPLEX.match(value)
    if not match:
        raise fail("#NUM!")
    imag = match["imag"]
    imaginary = float(imag + "1") if imag in ("", "+", "-") else float(imag)
    real = float(match["real"]) if match["real"] else 0.0
    return complex(real, imaginary), match["suffix"]


def _part(value: float) -> str:
    """One part of a complex number as Excel writes it (15 significant digits)."""
    shown = Decimal(f"{value:.15g}")
    if shown == 0:
        return "0"
    text = format(shown, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if abs(shown) >= _LARGEST or len(text.partition(".")[2]) > _MAX_DECIMALS:
        mantissa, exponent = f"{value:.14e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        power = int(exponent)
        return f"{mantissa}E{'+' if power >= 0 else '-'}{abs(power):02d}"
    return text


def format_complex(value: complex, suffix: str | None = "i") -> str:
    """``value`` as Excel's complex-number text."""
    real, imaginary = value.real, value.imag
    if not (math.isfinite(real) and math.isfinite(imaginary)):
        raise fail("#NUM!")
    re_text, im_text = _part(real), _part(imaginary)
    suffix = suffix or "i"
    if im_text == "0":
        return re_text
    if im_text == "1":
        im_text = ""
    elif im_text == "-1":
        im_text = "-"
    if re_text == "0":
        return f"{im_text}{suffix}"
    sign = "" if im_text.startswith("-") else "+"
    return f"{re_text}{sign}{im_text}{suffix}"


def _suffix(*suffixes: str | None, mixed: str = "#VALUE!") -> str | None:
    """The suffix shared by the arguments (the error ``mixed`` when they mix i and j)."""
    found = {s for s in suffixes if s}
    if len(found) > 1:
        raise fail(mixed)
    return found.pop() if found else None


@toolpak
def _complex(real: Any, imaginary: Any, suffix: Any = "i") -> str:
    """COMPLEX(real, imaginary, [suffix])."""
    if isinstance(real, bool | np.bool_) or isinstance(imaginary, bool | np.bool_):
        raise fail("#VALUE!")
    x, y = number(real), number(imaginary)
    if suffix is EMPTY or suffix is None or suffix == "":
        suffix = "i"
    if suffix not in ("i", "j"):
        raise fail("#VALUE!")
    return format_complex(complex(x, y), suffix)


def _reader(function: Callable[[complex], float]) -> Callable[..., Any]:
    """A function of one complex number giving a real number."""

    @toolpak
    def apply(value: Any) -> float:
        return function(parse_complex(value)[0])

    return apply


def _argument(z: complex) -> float:
    if z == 0:
        raise fail("#DIV/0!")
    return math.atan2(z.imag, z.real)


def _unary(function: Callable[[complex], complex]) -> Callable[..., Any]:
    """A function of one complex number giving a complex number (same suffix)."""

    @toolpak
    def apply(value: Any) -> str:
        z, suffix = parse_complex(value)
        try:
            result = function(z)
        except (ZeroDivisionError, ValueError, OverflowError):
            raise fail("#NUM!") from None
        return format_complex(result, suffix)

    return apply


def _polar_power(z: complex, power: float) -> complex:
    """``z ** power`` through the polar form, as Excel computes it."""
    r, theta = abs(z), math.atan2(z.imag, z.real)
    if r == 0:
        if power <= 0:
            raise fail("#NUM!")
        return 0j
    magnitude = r ** power
    return complex(magnitude * math.cos(theta * power), magnitude * math.sin(theta * power))


def _ln(z: complex) -> complex:
    if z == 0:
        raise fail("#NUM!")
    return complex(math.log(abs(z)), math.atan2(z.imag, z.real))


def _reciprocal(function: Callable[[complex], complex]) -> Callable[[complex], complex]:
    def apply(z: complex) -> complex:
        denominator = function(z)
        if denominator == 0:
            raise fail("#NUM!")
        return 1 / denominator

    return apply


def _tan(z: complex) -> complex:
    x, y = z.real, z.imag
    denominator = math.cos(2 * x) + math.cosh(2 * y)
    if denominator == 0:
        raise fail("#NUM!")
    return complex(math.sin(2 * x) / denominator, math.sinh(2 * y) / denominator)


def _cot(z: complex) -> complex:
    x, y = z.real, z.imag
    if y == 0:
        return complex(1 / math.tan(x), 0.0)
    denominator = math.cosh(2 * y) - math.cos(2 * x)
    if denominator == 0:
        raise fail("#NUM!")
    return complex(math.sin(2 * x) / denominator, -math.sinh(2 * y) / denominator)


def _csc(z: complex) -> complex:
    x, y = z.real, z.imag
    if y == 0:
        return complex(1 / math.sin(x), 0.0)
    denominator = math.cosh(2 * y) - math.cos(2 * x)
    if denominator == 0:
        raise fail("#NUM!")
    return complex(2 * math.sin(x) * math.cosh(y) / denominator,
                   -2 * math.cos(x) * math.sinh(y) / denominator)


@toolpak
def _power(value: Any, power: Any) -> str:
    """IMPOWER(z, n)."""
    z, suffix = parse_complex(value)
    if isinstance(power, bool | np.bool_):
        raise fail("#VALUE!")
    return format_complex(_polar_power(z, number(power)), suffix)


@toolpak
def _sub(first: Any, second: Any) -> str:
    """IMSUB(z1, z2)."""
    (a, s1), (b, s2) = parse_complex(first), parse_complex(second)
    return format_complex(a - b, _suffix(s1, s2, mixed="#NUM!"))


@toolpak
def _div(first: Any, second: Any) -> str:
    """IMDIV(z1, z2)."""
    (a, s1), (b, s2) = parse_complex(first), parse_complex(second)
    suffix = _suffix(s1, s2, mixed="#NUM!")
    if b == 0:
        raise fail("#NUM!")
    return format_complex(a / b, suffix)


def _fold(function: Callable[[complex, complex], complex], start: complex) -> Callable[..., Any]:
    """IMSUM / IMPRODUCT: every complex number of every argument, ranges included."""

    def apply(*args: Any) -> Any:
        total, suffixes = start, []
        try:
            for arg in args:
                for value in values(arg):
                    z, suffix = parse_complex(value)
                    suffixes.append(suffix)
                    total = function(total, z)
            return format_complex(total, _suffix(*suffixes))
        except ExcelValueError as err:
            return xl_error(err.code)
        except (OverflowError, ValueError):
            return xl_error("#NUM!")

    return apply


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "COMPLEX": _complex,
    "IMREAL": _reader(lambda z: z.real),
    "IMAGINARY": _reader(lambda z: z.imag),
    "IMABS": _reader(abs),
    "IMARGUMENT": _reader(_argument),
    "IMCONJUGATE": _unary(lambda z: z.conjugate()),
    "IMSUM": _fold(lambda a, b: a + b, 0j),
    "IMPRODUCT": _fold(lambda a, b: a * b, 1 + 0j),
    "IMSUB": _sub,
    "IMDIV": _div,
    "IMPOWER": _power,
    "IMSQRT": _unary(lambda z: _polar_power(z, 0.5)),
    "IMEXP": _unary(cmath.exp),
    "IMLN": _unary(_ln),
    "IMLOG10": _unary(lambda z: _ln(z) / math.log(10)),
    "IMLOG2": _unary(lambda z: _ln(z) / math.log(2)),
    "IMSIN": _unary(cmath.sin),
    "IMCOS": _unary(cmath.cos),
    "IMTAN": _unary(_tan),
    "IMSINH": _unary(cmath.sinh),
    "IMCOSH": _unary(cmath.cosh),
    "IMSEC": _unary(_reciprocal(cmath.cos)),
    "IMSECH": _unary(_reciprocal(cmath.cosh)),
    "IMCSC": _unary(_csc),
    "IMCSCH": _unary(_reciprocal(cmath.sinh)),
    "IMCOT": _unary(_cot),
}
