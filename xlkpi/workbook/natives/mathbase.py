"""How Excel's mathematics functions read their arguments, on top of
:mod:`xlkpi.workbook.natives.base`: text with spaces around it is only a plain number,
the old Analysis ToolPak functions take no TRUE or FALSE and (some) no ranges, and a
negative number in an array constant is an element like any other.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import _NUMBER_TEXT, elementwise, fail, xl_error
from xlkpi.workbook.natives.base import number as _number

__all__ = ["atp_number", "integer", "number", "plain", "single_cells", "unary"]


def plain(value: Any) -> Any:
    """One value as itself: a negative number in an array constant ({-1.25,2}) arrives as
    an array of no dimensions of its own."""
    return value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value


def number(value: Any) -> float:
    """A number argument, read as :func:`~xlkpi.workbook.natives.base.number` does, except
    that text with spaces around it is read only as a plain number (" 10 " is 10, while
    " 2024-01-10 " is #VALUE!, not a date)."""
    value = plain(value)
    if type(value) is str and value != value.strip() and not _NUMBER_TEXT.match(value):
        raise fail("#VALUE!")
    return _number(value)


def integer(value: Any) -> int:
    """A number argument truncated towards zero (counts, digits, positions)."""
    result = number(value)
    if not math.isfinite(result):
        raise fail("#NUM!")
    return int(result)


def atp_number(value: Any) -> float:
    """A number argument of the old Analysis ToolPak functions (MROUND, QUOTIENT, GCD...):
    as :func:`number`, but TRUE and FALSE are #VALUE!."""
    value = plain(value)
    if isinstance(value, bool):
        raise fail("#VALUE!")
    return number(value)


def single_cells(function: Callable[..., Any]) -> Callable[..., Any]:
    """An Analysis ToolPak function (MROUND, FACTDOUBLE, SQRTPI) takes single values: a
    range of several cells in any argument makes the whole answer #VALUE!, never an
    array."""

    @functools.wraps(function)
    def run(*args: Any) -> Any:
        if any(isinstance(arg, np.ndarray) and arg.size > 1 for arg in args):
            return xl_error("#VALUE!")
        return function(*args)

    return run


def unary(rule: Callable[[float], float]) -> Callable[..., Any]:
    """A function of one number, element by element over ranges and arrays; outside the
    rule's domain (``math``'s ValueError) or beyond the largest double is #NUM!."""

    @elementwise(errors_pass=True)
    def one(value: Any) -> float:
        x = number(value)
        try:
            return rule(x)
        except (ValueError, OverflowError):
            raise fail("#NUM!") from None

    one.__doc__ = rule.__doc__
    return one
