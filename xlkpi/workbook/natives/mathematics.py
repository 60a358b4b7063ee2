"""Excel's mathematics functions: integer arithmetic (QUOTIENT, MOD, GCD, LCM, COMBIN,
FACT...), series and products, powers and logarithms. The rounding family
(:mod:`~xlkpi.workbook.natives.rounding`), the numerals (BASE, DECIMAL, ROMAN in
:mod:`~xlkpi.workbook.natives.numerals`) and the trigonometric functions
(:mod:`~xlkpi.workbook.natives.trigonometry`) join this table.

Arguments are read by Excel's rules (:func:`~xlkpi.workbook.natives.base.number`), one
after the other, so the first argument's error or unreadable text is the answer before
anything in the next; the old Analysis ToolPak functions (QUOTIENT, GCD, LCM, SERIESSUM,
MULTINOMIAL...) take no TRUE or FALSE.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    aggregate_numbers,
    elementwise,
    fail,
    scalar,
    values,
    xl_error,
)
from xlkpi.workbook.natives.mathbase import (
    atp_number,
    integer,
    number,
    plain,
    single_cells,
    unary,
)
from xlkpi.workbook.natives.numerals import FUNCTIONS as NUMERALS
from xlkpi.workbook.natives.rounding import FUNCTIONS as ROUNDING
from xlkpi.workbook.natives.trigonometry import FUNCTIONS as TRIGONOMETRY

__all__ = ["FUNCTIONS"]

#: Integers a double holds exactly: GCD, LCM and BASE refuse anything from here on.
_EXACT = 2.0**53


def _whole_arguments(function: Callable[..., Any]) -> Callable[..., Any]:
    """A function of all its arguments at once (not element by element): an
    :class:`ExcelValueError` it raises is its answer."""

    @functools.wraps(function)
    def run(*args: Any) -> Any:
        try:
            result = function(*args)
        except ExcelValueError as err:
            return xl_error(err.code)
        except (ValueError, TypeError, ZeroDivisionError):
            return xl_error("#VALUE!")
        except OverflowError:
            return xl_error("#NUM!")
        if isinstance(result, float) and not math.isfinite(result):
            return xl_error("#NUM!")
        return result

    return run


def _double(whole: int) -> float:
    """An exact integer result as a double: beyond the largest double is #NUM!."""
    if whole > sys.float_info.max:
        raise fail("#NUM!")
    return float(whole)


def _choose(n: int, k: int) -> float:
    """COMBIN(n, k) as a double; counts beyond the largest double are #NUM! (judged from
    the log-gamma first, so a huge count is never worked out digit by digit)."""
    size = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    if size > math.log(sys.float_info.max) + 1:
        raise fail("#NUM!")
    return _double(math.comb(n, k))


def _whole(value: Any) -> int:
    """An ATP count argument: a number truncated to an integer (TRUE/FALSE refused)."""
    x = atp_number(value)
    if not math.isfinite(x):
        raise fail("#NUM!")
    return int(x)


@elementwise(errors_pass=True)
def _quotient(numerator: Any, denominator: Any) -> float:
    """QUOTIENT: the integer part of the division."""
    n, d = atp_number(numerator), atp_number(denominator)
    if d == 0:
        raise fail("#DIV/0!")
    if not math.isfinite(n / d):
        raise fail("#NUM!")
    return float(math.trunc(n / d))


@elementwise(errors_pass=True)
def _mod(value: Any, divisor: Any) -> float:
    """MOD: the remainder with the divisor's sign (MOD(-3, 2) is 1)."""
    n, d = number(value), number(divisor)
    if d == 0:
        raise fail("#DIV/0!")
    return n % d + 0.0


@elementwise(errors_pass=True)
def _combin(items: Any, chosen: Any) -> float:
    """COMBIN: the ways to choose ``chosen`` of ``items``, order aside."""
    n, k = integer(items), integer(chosen)
    if n < 0 or k < 0 or k > n:
        raise fail("#NUM!")
    return _choose(n, k)


@elementwise(errors_pass=True)
def _combina(items: Any, chosen: Any) -> float:
    """COMBINA: choices with repetition, COMBIN(n + k - 1, k)."""
    n, k = integer(items), integer(chosen)
    if n < 0 or k < 0 or (n == 0 and k > 0):
        raise fail("#NUM!")
    return _choose(n + k - 1, k) if k else 1.0


def _integers(args: tuple[Any, ...]) -> list[int]:
    """The whole numbers GCD and LCM take: every element of every argument, text read as
    a number, TRUE/FALSE refused, a blank cell in a range as 0 and a lone blank cell
    skipped; negative or 2^53 and above are #NUM!."""
    numbers: list[float] = []
    for arg in args:
        lone = not isinstance(arg, np.ndarray) or arg.size == 1
        for element in values(arg):
            item = plain(element)
            if item is EMPTY or item is None:
                if lone and isinstance(arg, np.ndarray):
                    continue
                item = 0.0
            numbers.append(atp_number(item))
    if not numbers:
        raise fail("#VALUE!")
    if any(x < 0 or x >= _EXACT for x in numbers):
        raise fail("#NUM!")
    return [int(x) for x in numbers]


@_whole_arguments
def _gcd(*args: Any) -> float:
    """GCD: the greatest common divisor of the integer parts."""
    return float(math.gcd(*_integers(args)))


@_whole_arguments
def _lcm(*args: Any) -> float:
    """LCM: the least common multiple of the integer parts (0 if any is 0)."""
    result = math.lcm(*_integers(args))
    if result >= _EXACT:
        raise fail("#NUM!")
    return float(result)


@elementwise(errors_pass=True)
def _fact(value: Any) -> float:
    """FACT: n! of the integer part; negative is #NUM!."""
    n = number(value)
    if n < 0 or n >= 171:
        raise fail("#NUM!")
    return float(math.factorial(int(n)))


@single_cells
@elementwise(errors_pass=True)
def _factdouble(value: Any) -> float:
    """FACTDOUBLE: n!! = n (n-2) (n-4)...; -1 and 0 give 1, below -1 is #NUM!."""
    n = atp_number(value)
    if n < -1 or n >= 301:
        raise fail("#NUM!")
    result = 1
    for k in range(int(n), 1, -2):
        result *= k
    return _double(result)


@_whole_arguments
def _multinomial(*args: Any) -> float:
    """MULTINOMIAL: (a + b + ...)! / (a! b! ...) of the integer parts."""
    counts = [_whole(plain(item)) for arg in args for item in values(arg)
              if not (isinstance(arg, np.ndarray) and item is EMPTY)]
    if any(c < 0 for c in counts) or sum(counts) > 170:
        raise fail("#NUM!")
    result = math.factorial(sum(counts))
    for c in counts:
        result //= math.factorial(c)
    return float(result)


@_whole_arguments
def _seriessum(x: Any, n: Any, m: Any, coefficients: Any) -> float:
    """SERIESSUM: a1 x^n + a2 x^(n+m) + a3 x^(n+2m) + ..."""
    base, first, step = (atp_number(scalar(a)) for a in (x, n, m))
    total = 0.0
    for i, item in enumerate(values(coefficients)):
        a = atp_number(plain(item))
        power = first + i * step
        if base == 0 and power <= 0:
            raise fail("#NUM!")
        total += a * base**power
    return total


@_whole_arguments
def _product(*args: Any) -> float:
    """PRODUCT: numbers multiplied, text and booleans in ranges skipped; none is 0."""
    numbers = aggregate_numbers(args)
    return math.prod(numbers) if numbers else 0.0


def _sign(x: float) -> float:
    """SIGN: 1, 0 or -1."""
    return float((x > 0) - (x < 0))


def _exp(x: float) -> float:
    """EXP: e to the power x; beyond the largest double is #NUM!."""
    if x > 709.782712893384:
        raise fail("#NUM!")
    return math.exp(x)


@elementwise(errors_pass=True)
def _power(base: Any, exponent: Any) -> float:
    """POWER: 0^0 and a negative number to a fractional power are #NUM!, 0 to a negative
    power #DIV/0!."""
    b, e = number(base), number(exponent)
    if b == 0:
        if e == 0:
            raise fail("#NUM!")
        if e < 0:
            raise fail("#DIV/0!")
    if b < 0 and not float(e).is_integer():
        raise fail("#NUM!")
    try:
        return b**e
    except OverflowError:
        raise fail("#NUM!") from None


@elementwise(errors_pass=True)
def _log(value: Any, base: Any = 10.0) -> float:
    """LOG: the logarithm to ``base`` (10 unless given); base 1 is #DIV/0!."""
    x, b = number(value), number(base)
    if x <= 0 or b <= 0:
        raise fail("#NUM!")
    if b == 1:
        raise fail("#DIV/0!")
    return math.log(x) / math.log(b)


@single_cells
@elementwise(errors_pass=True)
def _sqrtpi(value: Any) -> float:
    """SQRTPI: the square root of x pi."""
    x = atp_number(value)
    if x < 0:
        raise fail("#NUM!")
    return math.sqrt(x * math.pi)


def _ln(x: float) -> float:
    """LN: the natural logarithm; zero or negative is #NUM!."""
    if x <= 0:
        raise fail("#NUM!")
    return math.log(x)


def _log10(x: float) -> float:
    """LOG10: the logarithm to base 10; zero or negative is #NUM!."""
    if x <= 0:
        raise fail("#NUM!")
    return math.log10(x)


def _sqrt(x: float) -> float:
    """SQRT: the square root; negative is #NUM!."""
    if x < 0:
        raise fail("#NUM!")
    return math.sqrt(x)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    **ROUNDING,
    **NUMERALS,
    **TRIGONOMETRY,
    "QUOTIENT": _quotient,
    "MOD": _mod,
    "COMBIN": _combin,
    "COMBINA": _combina,
    "GCD": _gcd,
    "LCM": _lcm,
    "FACT": _fact,
    "FACTDOUBLE": _factdouble,
    "MULTINOMIAL": _multinomial,
    "SERIESSUM": _seriessum,
    "PRODUCT": _product,
    "SIGN": unary(_sign),
    "EXP": unary(_exp),
    "SQRT": unary(_sqrt),
    "SQRTPI": _sqrtpi,
    "POWER": _power,
    "LOG": _log,
    "LN": unary(_ln),
    "LOG10": unary(_log10),
    "ABS": unary(abs),
}
