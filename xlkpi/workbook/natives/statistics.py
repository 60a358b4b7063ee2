"""Excel's descriptive statistics: MEDIAN, MODE (.SNGL, .MULT), GEOMEAN, HARMEAN, KURT,
SKEW (.P), AVEDEV, DEVSQ, STDEV and VAR (.S, .P, A, PA) and STANDARDIZE (the order
statistics are in :mod:`xlkpi.workbook.natives.ranking`).

Their arguments follow Excel's rule for aggregates (see
:func:`~xlkpi.workbook.natives.base.aggregate_numbers`): a value typed as an argument is
converted (TRUE is 1, "3" is 3, other text is #VALUE!), while inside a range or an array
text, booleans and blanks are skipped (the ...A functions count text as 0 and TRUE as 1).
An error anywhere is that error. The helpers :func:`guard`, :func:`numbers` and
:func:`grid` are shared with the regression and distribution families.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.aggregates import numbers, text_number, typed
from xlkpi.workbook.natives.base import (
    ExcelValueError,
    aggregate_numbers,
    array_result,
    elementwise,
    fail,
    number,
    number_or_none,
    xl_error,
)

__all__ = ["FUNCTIONS", "grid", "guard", "numbers", "single", "text_number"]


def guard(function: Callable[..., Any]) -> Callable[..., Any]:
    """Excel errors raised inside become the function's value; a result that is not a
    finite number is #NUM!."""

    def evaluate(*args: Any) -> Any:
        try:
            result = function(*args)
        except ExcelValueError as err:
            return xl_error(err.code)
        except ZeroDivisionError:
            return xl_error("#DIV/0!")
        except (OverflowError, ValueError):
            return xl_error("#NUM!")
        if isinstance(result, int | np.number) and not isinstance(result, bool):
            result = float(result)
        if isinstance(result, float) and not math.isfinite(result):
            return xl_error("#NUM!")
        return result

    evaluate.__name__ = evaluate.__qualname__ = function.__name__
    evaluate.__doc__ = function.__doc__
    return evaluate


def single(arg: Any) -> Any:
    """A value where Excel wants one: a one-cell range or array is its value; a larger
    range is read at the formula's own row or column (implicit intersection)."""
    if isinstance(arg, np.ndarray):
        if arg.size == 1:
            return arg.ravel()[0]
        from xlkpi.workbook.context import intersect

        met = intersect(arg)
        if isinstance(met, np.ndarray):
            raise fail("#VALUE!")
        return met
    return arg


def grid(arg: Any) -> np.ndarray:
    """An argument as a 2-D object array (a single value is 1x1)."""
    if isinstance(arg, np.ndarray):
        out = np.asarray(arg, dtype=object)
        return out.reshape(1, -1) if out.ndim < 2 else out
    return np.array([[arg]], dtype=object)


def _sample(args: tuple[Any, ...], as_zero: bool = False, least: int = 1,
            code: str = "#DIV/0!") -> np.ndarray:
    """The numbers of the arguments; fewer than ``least`` of them is the error ``code``."""
    found = numbers(args, as_zero)
    if len(found) < least:
        raise fail(code)
    return np.array(found, dtype=np.float64)


def _variance(sample: bool, as_zero: bool) -> Callable[..., Any]:
    def variance(*args: Any) -> float:
        data = _sample(args, as_zero, 2 if sample else 1)
        mean = math.fsum(data) / data.size
        return math.fsum((data - mean) ** 2) / (data.size - (1 if sample else 0))

    return variance


def _deviation(sample: bool, as_zero: bool) -> Callable[..., Any]:
    variance = _variance(sample, as_zero)
    return lambda *args: math.sqrt(variance(*args))


def _median(*args: Any) -> float:
    data = np.sort(_sample(args, least=1, code="#NUM!"))
    half = data.size // 2
    return float(data[half]) if data.size % 2 else (data[half - 1] + data[half]) / 2


def _mode_values(args: tuple[Any, ...]) -> list[float]:
    """Values occurring most often (more than once), in the order they first appear;
    typed text that is not a number is passed over."""
    found: list[float] = []
    for arg in map(typed, args):
        if isinstance(arg, str) and number_or_none(arg) is None:
            continue
        found.extend(aggregate_numbers((arg,)))
    counts: dict[float, int] = {}
    for v in found:
        counts[v] = counts.get(v, 0) + 1
    top = max(counts.values(), default=0)
    if top < 2:
        raise fail("#N/A")
    return [v for v, c in counts.items() if c == top]


def _mode(*args: Any) -> float:
    return _mode_values(args)[0]


def _mode_mult(*args: Any) -> Any:
    found = _mode_values(args)
    return array_result(np.array(found, dtype=object).reshape(-1, 1))


def _geomean(*args: Any) -> float:
    data = _sample(args, least=1, code="#NUM!")
    if np.any(data <= 0):
        raise fail("#NUM!")
    return math.exp(math.fsum(np.log(data)) / data.size)


def _harmean(*args: Any) -> float:
    data = _sample(args, least=1, code="#NUM!")
    if np.any(data <= 0):
        raise fail("#NUM!")
    return data.size / math.fsum(1.0 / data)


def _moments(args: tuple[Any, ...], least: int) -> tuple[np.ndarray, float, float]:
    """The data, its mean and its sample standard deviation (#DIV/0! when it is 0)."""
    data = _sample(args, least=least)
    mean = math.fsum(data) / data.size
    sd = math.sqrt(math.fsum((data - mean) ** 2) / (data.size - 1))
    if sd == 0:
        raise fail("#DIV/0!")
    return data, mean, sd


def _kurt(*args: Any) -> float:
    data, mean, sd = _moments(args, 4)
    n = data.size
    total = math.fsum(((data - mean) / sd) ** 4)
    return (n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * total
            - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


def _skew(*args: Any) -> float:
    data, mean, sd = _moments(args, 3)
    n = data.size
    return n / ((n - 1) * (n - 2)) * math.fsum(((data - mean) / sd) ** 3)


def _skew_p(*args: Any) -> float:
    data = _sample(args, least=1)
    mean = math.fsum(data) / data.size
    sd = math.sqrt(math.fsum((data - mean) ** 2) / data.size)
    if sd == 0:
        raise fail("#DIV/0!")
    return math.fsum(((data - mean) / sd) ** 3) / data.size


def _avedev(*args: Any) -> float:
    data = _sample(args, least=1, code="#NUM!")
    mean = math.fsum(data) / data.size
    return math.fsum(np.abs(data - mean)) / data.size


def _devsq(*args: Any) -> float:
    data = _sample(args, least=1, code="#NUM!")
    mean = math.fsum(data) / data.size
    return math.fsum((data - mean) ** 2)


@elementwise()
def _standardize(x: Any, mean: Any, sd: Any) -> float:
    spread = number(sd)
    if spread <= 0:
        raise fail("#NUM!")
    return (number(x) - number(mean)) / spread


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: guard(function) for name, function in {
        "MEDIAN": _median,
        "MODE": _mode,
        "MODE.SNGL": _mode,
        "MODE.MULT": _mode_mult,
        "GEOMEAN": _geomean,
        "HARMEAN": _harmean,
        "KURT": _kurt,
        "SKEW": _skew,
        "SKEW.P": _skew_p,
        "AVEDEV": _avedev,
        "DEVSQ": _devsq,
        "VAR": _variance(True, False),
        "VAR.S": _variance(True, False),
        "VARP": _variance(False, False),
        "VAR.P": _variance(False, False),
        "VARA": _variance(True, True),
        "VARPA": _variance(False, True),
        "STDEV": _deviation(True, False),
        "STDEV.S": _deviation(True, False),
        "STDEVP": _deviation(False, False),
        "STDEV.P": _deviation(False, False),
        "STDEVA": _deviation(True, True),
        "STDEVPA": _deviation(False, True),
    }.items()
}
FUNCTIONS["STANDARDIZE"] = _standardize
