"""Excel's trigonometric and hyperbolic functions, their inverses and reciprocals.

Arguments are read as numbers by Excel's rules (date text is its serial number); SIN,
COS, TAN and their reciprocals refuse angles of 2^27 radians and more (#NUM!), as Excel
does; outside a function's domain the answer is #NUM!, a zero denominator #DIV/0!.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from xlkpi.workbook.natives.base import elementwise, fail
from xlkpi.workbook.natives.mathbase import number, unary

__all__ = ["FUNCTIONS"]

#: Angles from here on are #NUM! in Excel's SIN, COS, TAN and their reciprocals.
_LARGEST_ANGLE = 2.0**27


def _angle(x: float) -> float:
    """An angle for SIN, COS, TAN...: 2^27 radians and more are #NUM!."""
    if abs(x) >= _LARGEST_ANGLE:
        raise fail("#NUM!")
    return x


def _sin(x: float) -> float:
    """SIN: the sine of an angle in radians."""
    return math.sin(_angle(x))


def _cos(x: float) -> float:
    """COS: the cosine of an angle in radians."""
    return math.cos(_angle(x))


def _tan(x: float) -> float:
    """TAN: the tangent of an angle in radians."""
    return math.tan(_angle(x))


def _reciprocal(rule: Callable[[float], float]) -> Callable[[float], float]:
    """1 / rule(x): zero is #DIV/0!."""

    def reciprocal(x: float) -> float:
        value = rule(x)
        if value == 0:
            raise fail("#DIV/0!")
        return 1 / value

    return reciprocal


def _cot(x: float) -> float:
    """COT: cos / sin."""
    x = _angle(x)
    if x == 0:
        raise fail("#DIV/0!")
    return math.cos(x) / math.sin(x)


def _coth(x: float) -> float:
    """COTH: cosh / sinh, 1 or -1 far out."""
    if x == 0:
        raise fail("#DIV/0!")
    return math.copysign(1.0, x) if abs(x) > 20 else 1 / math.tanh(x)


def _hyperbolic_reciprocal(rule: Callable[[float], float]) -> Callable[[float], float]:
    """CSCH and SECH: 1 / sinh, 1 / cosh; 0 far out, CSCH(0) is #DIV/0!."""

    def reciprocal(x: float) -> float:
        if x == 0 and rule is math.sinh:
            raise fail("#DIV/0!")
        return 0.0 if abs(x) > 710 else 1 / rule(x)

    return reciprocal


def _acoth(x: float) -> float:
    """ACOTH: the inverse hyperbolic cotangent, defined outside [-1, 1]."""
    if abs(x) <= 1:
        raise fail("#NUM!")
    return 0.5 * math.log((x + 1) / (x - 1))


@elementwise(errors_pass=True)
def _atan2(x_value: Any, y_value: Any) -> float:
    """ATAN2: the angle of the point (x, y); the origin is #DIV/0!."""
    x, y = number(x_value), number(y_value)
    if x == 0 and y == 0:
        raise fail("#DIV/0!")
    return math.atan2(y, x)


def _acosh(x: float) -> float:
    """ACOSH: the inverse hyperbolic cosine, from 1 up."""
    if x < 1:
        raise fail("#NUM!")
    return math.acosh(x)


def _atanh(x: float) -> float:
    """ATANH: the inverse hyperbolic tangent, strictly between -1 and 1."""
    if abs(x) >= 1:
        raise fail("#NUM!")
    return math.atanh(x)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "SIN": unary(_sin),
    "COS": unary(_cos),
    "TAN": unary(_tan),
    "ASIN": unary(math.asin),
    "ACOS": unary(math.acos),
    "ATAN": unary(math.atan),
    "ATAN2": _atan2,
    "SINH": unary(math.sinh),
    "COSH": unary(math.cosh),
    "TANH": unary(math.tanh),
    "ASINH": unary(math.asinh),
    "ACOSH": unary(_acosh),
    "ATANH": unary(_atanh),
    "DEGREES": unary(math.degrees),
    "RADIANS": unary(math.radians),
    "COT": unary(_cot),
    "CSC": unary(_reciprocal(_sin)),
    "SEC": unary(_reciprocal(_cos)),
    "COTH": unary(_coth),
    "CSCH": unary(_hyperbolic_reciprocal(math.sinh)),
    "SECH": unary(_hyperbolic_reciprocal(math.cosh)),
    "ACOT": unary(lambda x: math.pi / 2 - math.atan(x)),
    "ACOTH": unary(_acoth),
}
