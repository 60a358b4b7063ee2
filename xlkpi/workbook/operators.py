"""Excel's operators over cell values and arrays: arithmetic, comparison, ``&`` and ``%``.

Each operator works element by element over its operands (a single value, or a 2-D array
of a range's or a function's values), the way Excel evaluates an operator in an array or
over a filled-down column:

- an error in an operand is the result (the left operand's first);
- a blank is 0 (or empty text beside text, in a comparison; empty text for ``&``);
- arithmetic reads text as a number where Excel does (``"3"+1`` is 4, ``"1,000"+1``
  1001, ``"50%"*2`` 1, date text its serial number: the engine's one reading of text as a
  number, :func:`xlkpi.workbook.natives.base.number_or_none`) and otherwise gives
  #VALUE!; TRUE is 1;
- a result Excel cannot hold is an error: #DIV/0! for division by zero (and ``0^-1``),
  #NUM! for an overflow, ``0^0`` or a root of a negative number;
- comparisons order numbers before text before logical values, and compare text without
  regard to case;
- operands of different sizes are laid over each other: a single row or column repeats,
  and where one runs out the result is #N/A.

Numbers are computed over whole float arrays; only the elements that are not numbers go
through the element-by-element rules.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import number_or_none
from xlkpi.workbook.xlvalues import EMPTY, ERRORS, Array, XlError, padded

__all__ = ["OPERATORS", "UNARY"]

_DIV0 = ERRORS["#DIV/0!"]
_NUM = ERRORS["#NUM!"]
_VALUE = ERRORS["#VALUE!"]


def _first_error(*values: Any) -> XlError | None:
    return next((v for v in values if isinstance(v, XlError)), None)


def _checked(result: Any) -> Any:
    """A computed number as a cell value: #NUM! for what a cell cannot hold."""
    if isinstance(result, complex) or not math.isfinite(result):
        return _NUM
    return result


def _arithmetic_element(func: Callable[[float, float], float]) -> Callable[[Any, Any], Any]:
    def element(x: Any, y: Any) -> Any:
        x = 0 if x is EMPTY else x
        y = 0 if y is EMPTY else y
        error = _first_error(x, y)
        if error is not None:
            return error
        try:
            return _checked(func(_operand(x), _operand(y)))
        except (ValueError, TypeError):
            return _VALUE
        except ZeroDivisionError:
            return _DIV0
        except OverflowError:
            return _NUM

    return element


def _divide(x: float, y: float) -> float:
    if not y:
        raise ZeroDivisionError
    return x / y


def _power(x: float, y: float) -> float:
    if x == 0 and y == 0:
        return math.nan  # Excel: #NUM!
    return x ** y


def _powers(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.where((x == 0) & (y == 0), np.nan, np.power(x, y))


_ARITHMETIC: dict[str, tuple[Callable[[float, float], float], Any]] = {
    "+": (operator.add, np.add),
    "-": (operator.sub, np.subtract),
    "*": (operator.mul, np.multiply),
    "/": (_divide, np.divide),
    "^": (_power, _powers),
}


def _operand(value: Any) -> float:
    """An operand (not an error, not blank) as a number; ValueError when it is not one."""
    if isinstance(value, str):
        number = number_or_none(value)
        if number is None:
            raise ValueError(value)
        return number
    return float(value)


def _number_or_nan(value: Any) -> float:
    if value is EMPTY:
        return 0.0
    if isinstance(value, str) and type(value) is not str:  # an error or another marker
        return math.nan
    try:
        return _operand(value)
    except (ValueError, TypeError):
        return math.nan


_to_numbers = np.frompyfunc(_number_or_nan, 1, 1)


def _as_numbers(values: np.ndarray) -> np.ndarray:
    """The operand as floats as arithmetic reads it (a blank is 0), NaN where it is not a
    number (text, an error, NaN itself): those elements take the element rules."""
    if values.dtype.kind in "fiub":
        return values.astype(np.float64)
    return np.asarray(_to_numbers(values), dtype=np.float64)


def _aligned(*operands: Any) -> list[np.ndarray]:
    """The operands as arrays of one shape: numpy's broadcasting where it applies, else
    Excel's (each stretched to the largest rows and columns, #N/A where it runs out)."""
    arrays = [np.asarray(v, dtype=object) if not isinstance(v, np.ndarray) else v
              for v in operands]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        grids = [np.atleast_2d(a) for a in arrays]
        shape = (max(g.shape[0] for g in grids), max(g.shape[1] for g in grids))
        return [padded(g, shape, ERRORS["#N/A"]) for g in grids]
    return [np.broadcast_to(a, shape) for a in arrays]


def _result(values: np.ndarray) -> Array:
    return np.asarray(values, dtype=object).view(Array)


def _arithmetic(symbol: str) -> Callable[[Any, Any], Array]:
    scalar, vector = _ARITHMETIC[symbol]
    element = np.frompyfunc(_arithmetic_element(scalar), 2, 1)

    def apply(x: Any, y: Any) -> Array:
        x, y = _aligned(x, y)
        xs, ys = _as_numbers(x), _as_numbers(y)
        with np.errstate(all="ignore"):
            numbers = np.asarray(vector(xs, ys))
        out = numbers.astype(object)
        # an operand that is not a number, or a result a cell cannot hold (NaN ** 0 is 1,
        # so the operands are looked at as well)
        slow = ~np.isfinite(numbers) | np.isnan(xs) | np.isnan(ys)
        if slow.any():
            with np.errstate(all="ignore"):
                out[slow] = element(x[slow], y[slow])
        return _result(out)

    apply.__name__ = apply.__qualname__ = f"excel_{symbol}"
    return apply


def _kind(value: Any) -> int:
    """Excel's order of kinds in a comparison: numbers, text, logical values."""
    if isinstance(value, (bool, np.bool_)):
        return 2
    if isinstance(value, (str, np.str_)):
        return 1
    return 0


def _comparison_element(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    def element(x: Any, y: Any) -> Any:
        error = _first_error(x, y)
        if error is not None:
            return error
        if x is EMPTY:
            x = "" if isinstance(y, str) else 0
        if y is EMPTY:
            y = "" if isinstance(x, str) else 0
        kx, ky = _kind(x), _kind(y)
        if kx == ky == 1:
            x, y = x.upper(), y.upper()
        try:
            return bool(test((kx, x), (ky, y)))
        except (ValueError, TypeError):
            return _VALUE

    return element


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "<>": operator.ne, "<": operator.lt, ">": operator.gt,
    "<=": operator.le, ">=": operator.ge,
}


def _comparison(symbol: str) -> Callable[[Any, Any], Array]:
    test = _COMPARISONS[symbol]
    element = np.frompyfunc(_comparison_element(test), 2, 1)

    def apply(x: Any, y: Any) -> Array:
        x, y = _aligned(x, y)
        if x.dtype.kind == y.dtype.kind == "f":
            return _result(test(x, y).astype(object))
        return _result(element(x, y))

    apply.__name__ = apply.__qualname__ = f"excel_{symbol}"
    return apply


def _text(value: Any) -> str:
    """A value as ``&`` joins it: TRUE as TRUE, a whole number without decimals."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is EMPTY else str(value)


def _join_element(x: Any, y: Any) -> Any:
    error = _first_error(x, y)
    return error if error is not None else _text(x) + _text(y)


_join = np.frompyfunc(_join_element, 2, 1)


def concatenate(x: Any, y: Any) -> Array:
    """``&``: both operands as text, joined."""
    return _result(_join(*_aligned(x, y)))


def _unary(func: Callable[[float], float]) -> Callable[[Any], Array]:
    element = np.frompyfunc(_arithmetic_element(lambda x, _: func(x)), 2, 1)

    def apply(x: Any) -> Array:
        (x,) = _aligned(x)
        with np.errstate(all="ignore"):
            numbers = np.asarray(func(_as_numbers(x)))
        out = numbers.astype(object)
        slow = ~np.isfinite(numbers)
        if slow.any():
            out[slow] = element(x[slow], 0)
        return _result(out)

    return apply


def _keep_element(value: Any) -> Any:
    """Unary plus: the value itself (a blank as 0), as Excel leaves ``+"a"`` text."""
    if value is EMPTY:
        return 0
    if isinstance(value, float) and not math.isfinite(value):
        return _NUM
    return value


_keep = np.frompyfunc(_keep_element, 1, 1)


def plus(x: Any) -> Array:
    """Unary ``+``: the operand unchanged (a blank is 0)."""
    return _result(_keep(*_aligned(x)))


negate = _unary(np.negative)
percent = _unary(lambda x: x / 100.0)


def double_negation(x: Any) -> Array:
    """``--x``: negated twice, so a number (``--TRUE`` is 1, ``--"3"`` is 3)."""
    return negate(negate(x))


#: Binary operators by symbol.
OPERATORS: dict[str, Callable[[Any, Any], Array]] = {
    **{symbol: _arithmetic(symbol) for symbol in _ARITHMETIC},
    **{symbol: _comparison(symbol) for symbol in _COMPARISONS},
    "&": concatenate,
}

#: Prefix and postfix operators: ``u-`` negation, ``u+``, ``u--`` (an even run of minus
#: signs), ``%``.
UNARY: dict[str, Callable[[Any], Array]] = {
    "u-": negate, "u+": plus, "u--": double_negation, "%": percent,
}
