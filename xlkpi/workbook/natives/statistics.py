"""Excel's descriptive statistics: MEDIAN, MODE (.SNGL, .MULT), GEOMEAN, HARMEAN, KURT,
SKEW (.P), AVEDEV, DEVSQ, STDEV and VAR (.S, .P, A, PA), LARGE, SMALL, PERCENTILE,
QUARTILE (.INC, .EXC), PERCENTRANK (.INC, .EXC), RANK (.EQ, .AVG), FREQUENCY and
STANDARDIZE.

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
from formulas.tokens.operand import XlError

from xlkpi.workbook.natives.aggregates import typed
from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    aggregate_numbers,
    array_result,
    elementwise,
    fail,
    integer,
    number,
    number_or_none,
    xl_error,
)

__all__ = ["FUNCTIONS", "grid", "guard", "numbers", "rank_of", "single"]


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


def numbers(args: tuple[Any, ...], as_zero: bool = False) -> list[float]:
    """The numbers of aggregate arguments by Excel's rule (``as_zero``: the ...A
    functions' reading, text in ranges 0 and booleans 1 or 0)."""
    out: list[float] = []
    for arg in map(typed, args):
        if isinstance(arg, str) and arg is not EMPTY and not isinstance(arg, XlError):
            out.append(text_number(arg))
            continue
        if not isinstance(arg, np.ndarray):
            out.extend(aggregate_numbers((arg,)))
            continue
        for v in arg.ravel().tolist():
            if v is EMPTY or v is None:
                continue
            if isinstance(v, XlError):
                raise fail(str(v))
            if isinstance(v, bool | np.bool_ | str):
                if as_zero:
                    out.append(float(v) if not isinstance(v, str) else 0.0)
            else:
                out.append(float(v))
    return out


def text_number(value: str) -> float:
    """Text typed where a number is wanted, as Excel reads it: a number, percentage, date
    or time (dates also day first, as "29/02/1900", which Excel's calendar holds as serial
    60); other text is #VALUE!."""
    found = number_or_none(value)
    if found is None:
        from formulas.functions import _text2num

        read = _text2num(value)
        if isinstance(read, int | float) and not isinstance(read, bool):
            return float(read)
        raise fail("#VALUE!")
    return found


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


def _range_numbers(array: Any) -> np.ndarray:
    """The numbers of one array argument (SMALL, PERCENTILE...): typed values converted,
    non-numbers in ranges skipped; none at all is #NUM!."""
    data = np.sort(np.array(numbers((array,)), dtype=np.float64))
    if data.size == 0:
        raise fail("#NUM!")
    return data


def _kth(largest: bool) -> Callable[..., Any]:
    def kth(array: Any, k: Any) -> Any:
        def one(position: Any) -> float:
            k = _number(position)
            data = _range_numbers(array)
            if k < 1 or k > data.size:
                raise fail("#NUM!")
            return float(data[-math.ceil(k)] if largest else data[math.floor(k) - 1])

        if isinstance(k, np.ndarray) and k.size > 1:
            return _each(k, one)
        return one(single(k))

    return kth


def _number(value: Any) -> float:
    """A single value where a number is wanted (text read by :func:`text_number`)."""
    if isinstance(value, str) and value is not EMPTY and not isinstance(value, XlError):
        return text_number(value)
    return number(value)


def _each(positions: np.ndarray, one: Callable[[Any], float]) -> Any:
    shape = grid(positions)
    out = np.empty(shape.shape, dtype=object)
    for index, value in np.ndenumerate(shape):
        try:
            out[index] = value if isinstance(value, XlError) else one(value)
        except ExcelValueError as err:
            out[index] = xl_error(err.code)
    return array_result(out)


def _percentile(exclusive: bool, quart: bool) -> Callable[..., Any]:
    def percentile(array: Any, k: Any) -> Any:
        def one(value: Any) -> float:
            p = _number(value)
            data = _range_numbers(array)
            n = data.size
            if quart:
                p = math.floor(p)
                if p < (1 if exclusive else 0) or p > (3 if exclusive else 4):
                    raise fail("#NUM!")
                p /= 4
            if exclusive:
                if p <= 0 or p >= 1:
                    raise fail("#NUM!")
                rank = p * (n + 1)
                if rank < 1 or rank > n:
                    raise fail("#NUM!")
                rank -= 1
            else:
                if p < 0 or p > 1:
                    raise fail("#NUM!")
                rank = p * (n - 1)
            low = math.floor(rank)
            high = min(low + 1, n - 1)
            return float(data[low] + (rank - low) * (data[high] - data[low]))

        if isinstance(k, np.ndarray) and k.size > 1:
            return _each(k, one)
        return one(single(k))

    return percentile


def _percentrank(exclusive: bool) -> Callable[..., Any]:
    def percentrank(array: Any, x: Any, significance: Any = 3) -> float:
        value = _number(single(x))
        digits = integer(single(significance))
        data = _range_numbers(array)
        if digits < 1:
            raise fail("#NUM!")
        n = data.size
        if value < data[0] or value > data[-1]:
            raise fail("#N/A")
        below = int(np.searchsorted(data, value, side="left"))
        if below < n and data[below] == value:
            position = float(below)
        else:
            low, high = data[below - 1], data[below]
            position = below - 1 + (value - low) / (high - low)
        rank = (position + 1) / (n + 1) if exclusive else (
            position / (n - 1) if n > 1 else 1.0)
        scale = 10 ** digits
        return math.floor(rank * scale + 1e-9) / scale

    return percentrank


def rank_of(value: float, data: list[float], ascending: bool, average: bool) -> float:
    """Excel's RANK: the position of ``value`` among ``data`` (ties share the best
    position, or their average)."""
    better = sum(1 for v in data if (v < value if ascending else v > value))
    ties = sum(1 for v in data if v == value)
    if not ties:
        raise fail("#N/A")
    return better + (ties + 1) / 2 if average else float(better + 1)


def _rank(average: bool) -> Callable[..., Any]:
    def rank(value: Any, ref: Any, order: Any = 0) -> Any:
        if not isinstance(ref, np.ndarray):
            raise fail("#VALUE!")
        data = [float(v) for v in ref.ravel().tolist()
                if isinstance(v, float | int) and not isinstance(v, bool)]
        ascending = number(single(order)) != 0

        def one(item: Any) -> float:
            return rank_of(_number(item), data, ascending, average)

        if isinstance(value, np.ndarray) and value.size > 1:
            return _each(value, one)
        return one(single(value))

    return rank


def _frequency(data: Any, bins: Any) -> Any:
    values = np.array(numbers((data,)), dtype=np.float64)
    edges = numbers((bins,)) or [0.0]
    order = sorted(range(len(edges)), key=lambda i: edges[i])
    counts = np.zeros(len(edges) + 1, dtype=object)
    previous = -math.inf
    for i in order:
        counts[i] = float(np.count_nonzero((values > previous) & (values <= edges[i])))
        previous = edges[i]
    counts[-1] = float(np.count_nonzero(values > previous))
    return array_result(counts.reshape(-1, 1))


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
        "LARGE": _kth(True),
        "SMALL": _kth(False),
        "PERCENTILE": _percentile(False, False),
        "PERCENTILE.INC": _percentile(False, False),
        "PERCENTILE.EXC": _percentile(True, False),
        "QUARTILE": _percentile(False, True),
        "QUARTILE.INC": _percentile(False, True),
        "QUARTILE.EXC": _percentile(True, True),
        "PERCENTRANK": _percentrank(False),
        "PERCENTRANK.INC": _percentrank(False),
        "PERCENTRANK.EXC": _percentrank(True),
        "RANK": _rank(False),
        "RANK.EQ": _rank(False),
        "RANK.AVG": _rank(True),
        "FREQUENCY": _frequency,
    }.items()
}
FUNCTIONS["STANDARDIZE"] = _standardize
