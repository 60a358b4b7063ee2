"""Excel's order statistics: LARGE, SMALL, PERCENTILE and QUARTILE (.INC, .EXC),
PERCENTRANK (.INC, .EXC), RANK (.EQ, .AVG) and FREQUENCY.

The data argument follows the aggregate rule (typed values converted, text, booleans and
blanks in ranges skipped; see :mod:`xlkpi.workbook.natives.statistics`); the position
argument (k, the percentile, the value to rank) is read first, so that its error wins, and
an array of positions gives an array of results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    array_result,
    fail,
    integer,
    number,
    xl_error,
)
from xlkpi.workbook.natives.statistics import grid, guard, numbers, single, text_number
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "rank_of"]


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


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: guard(function) for name, function in {
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
