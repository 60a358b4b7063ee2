"""Excel's aggregates: SUM, COUNT, COUNTA, COUNTBLANK, AVERAGE, AVERAGEA, MIN, MAX, MINA,
MAXA, SUMSQ and SUMPRODUCT.

Excel reads their arguments two ways. A value typed as an argument (``SUM(1,"2",TRUE)``,
or the single value an expression such as ``N15&O15`` gives) is converted: TRUE is 1,
text that reads as a number is that number, other text is #VALUE!. Inside a range or an
array, text, booleans and blanks are skipped (the ...A functions count text as 0 and
TRUE as 1). An error anywhere is that error, except where a count skips it (COUNT).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    aggregate_numbers,
    fail,
    hidden_blanks,
    number_or_none,
    xl_error,
)
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "numbers", "text_number", "typed"]


def typed(arg: Any) -> Any:
    """An argument as Excel sees it: a single value an expression computed (a 1x1 array
    that is not a cell reference) is a typed value, not a range."""
    if (isinstance(arg, np.ndarray) and arg.size == 1
            and type(arg).__name__ != "RangeArray"):
        return arg.ravel()[0]
    return arg


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
        from xlkpi.workbook.formulas_bridge import formulas_module

        read = formulas_module("formulas.functions")._text2num(value)
        if isinstance(read, int | float) and not isinstance(read, bool):
            return float(read)
        raise fail("#VALUE!")
    return found


def _guard(function: Callable[..., Any]) -> Callable[..., Any]:
    """Excel errors raised inside become the function's value."""

    def evaluate(*args: Any) -> Any:
        try:
            result = function(*args)
        except ExcelValueError as err:
            return xl_error(err.code)
        if isinstance(result, float) and not math.isfinite(result):
            return xl_error("#NUM!")
        return result

    evaluate.__name__ = evaluate.__qualname__ = function.__name__
    evaluate.__doc__ = function.__doc__
    return evaluate


@_guard
def _sum(*args: Any) -> Any:
    return float(math.fsum(numbers(args)))


@_guard
def _sumsq(*args: Any) -> Any:
    return float(math.fsum(v * v for v in numbers(args)))


@_guard
def _average(*args: Any) -> Any:
    found = numbers(args)
    return math.fsum(found) / len(found) if found else xl_error("#DIV/0!")


@_guard
def _averagea(*args: Any) -> Any:
    found = numbers(args, as_zero=True)
    return math.fsum(found) / len(found) if found else xl_error("#DIV/0!")


def _extreme(pick: Callable[..., float], as_zero: bool) -> Callable[..., Any]:
    @_guard
    def evaluate(*args: Any) -> Any:
        found = numbers(args, as_zero)
        return float(pick(found)) if found else 0.0

    return evaluate


def _plain(value: Any) -> Any:
    """An element as a plain value: ``formulas`` gives an array constant's negative
    numbers ({4,-2}) as one-element arrays."""
    if isinstance(value, np.ndarray) and value.size == 1:
        return value.ravel()[0]
    return value


def _is_number(value: Any) -> bool:
    value = _plain(value)
    return isinstance(value, float | int | np.number) and not isinstance(value, bool | np.bool_)


def _count(*args: Any) -> Any:
    """Numbers in ranges; typed numbers, booleans and numeric text."""
    total = 0
    for arg in map(typed, args):
        if isinstance(arg, np.ndarray):
            total += sum(1 for v in arg.ravel().tolist() if _is_number(v))
        elif isinstance(arg, bool | float | int) or (
                isinstance(arg, str) and arg is not EMPTY and number_or_none(arg) is not None):
            total += 1
    return float(total)


def _counta(*args: Any) -> Any:
    """Every value that is not a blank cell (errors and "" included)."""
    total = 0
    for arg in map(typed, args):
        if isinstance(arg, np.ndarray):
            total += sum(1 for v in arg.ravel().tolist() if v is not EMPTY and v is not None)
        elif arg is not EMPTY and arg is not None:
            total += 1
    return float(total)


def _countblank(cells: Any) -> Any:
    """Blank cells and empty text in one range (including cut whole-column blanks)."""
    if not isinstance(cells, np.ndarray):
        return 1.0 if cells is EMPTY or cells == "" else 0.0
    found = sum(1 for v in cells.ravel().tolist() if v is EMPTY or v is None or v == "")
    return float(found + hidden_blanks(cells))


def _sumproduct(*args: Any) -> Any:
    """Products of matching elements, summed: entries that are not numbers count as 0,
    arrays of different sizes are #VALUE!, an error anywhere is that error (before the
    sizes are compared)."""
    if not args:
        return xl_error("#VALUE!")
    grids = []
    for arg in args:
        grid = np.asarray(arg, dtype=object)
        grids.append(grid.reshape(1, 1) if grid.ndim == 0 else
                     grid.reshape(1, -1) if grid.ndim == 1 else grid)
    for grid in grids:  # an error wins over arrays of different sizes
        for v in grid.ravel().tolist():
            if isinstance(v, XlError):
                return v
    shape = grids[0].shape
    if any(g.shape != shape for g in grids):
        return xl_error("#VALUE!")
    product = np.ones(grids[0].size, dtype=np.float64)
    for grid in grids:
        flat = grid.ravel().tolist()
        product *= np.fromiter((float(_plain(v)) if _is_number(v) else 0.0 for v in flat),
                               dtype=np.float64, count=len(flat))
    total = math.fsum(product.tolist())
    return total if math.isfinite(total) else xl_error("#NUM!")


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "SUM": _sum,
    "SUMSQ": _sumsq,
    "AVERAGE": _average,
    "AVERAGEA": _averagea,
    "MIN": _extreme(min, as_zero=False),
    "MAX": _extreme(max, as_zero=False),
    "MINA": _extreme(min, as_zero=True),
    "MAXA": _extreme(max, as_zero=True),
    "COUNT": _count,
    "COUNTA": _counta,
    "COUNTBLANK": _countblank,
    "SUMPRODUCT": _sumproduct,
}
