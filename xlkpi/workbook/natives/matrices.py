"""Excel's matrix functions: MUNIT, MMULT, MINVERSE, MDETERM.

Every element must be a number (a blank or text anywhere is #VALUE!); a matrix that is
not square where one must be is #VALUE!; MINVERSE of a singular matrix is #NUM!.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import array_result, fail, integer, is_error, scalar, xl_error
from xlkpi.workbook.natives.searching import lift

__all__ = ["FUNCTIONS"]


def _matrix(arg: Any) -> np.ndarray:
    grid = np.atleast_2d(np.asarray(arg, dtype=object))
    if grid.ndim != 2:
        raise fail("#VALUE!")
    for value in grid.ravel().tolist():
        if is_error(value):
            raise fail(str(value))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail("#VALUE!")
    return grid.astype(float)


def _guard(function: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception as err:
            return xl_error(getattr(err, "code", "#VALUE!"))

    guarded.__name__ = function.__name__
    guarded.__doc__ = function.__doc__
    return guarded


@_guard
def _munit(size: Any) -> Any:
    """MUNIT(n): the n-by-n identity matrix. Over an array of sizes, element by element,
    each element the top-left of its matrix (1) or the size's error, as Excel."""
    if isinstance(size, np.ndarray) and size.size > 1:
        return lift(_munit, size)
    if is_error(scalar(size)):
        raise fail(str(scalar(size)))
    n = integer(scalar(size))
    if n < 1:
        raise fail("#VALUE!")
    return array_result(np.eye(n).astype(object))


@_guard
def _mmult(a: Any, b: Any) -> Any:
    """MMULT(a, b): the matrix product; a's columns must equal b's rows."""
    left, right = _matrix(a), _matrix(b)
    if left.shape[1] != right.shape[0]:
        raise fail("#VALUE!")
    return array_result((left @ right).astype(object))


@_guard
def _minverse(a: Any) -> Any:
    """MINVERSE(a): the inverse of a square matrix (#NUM! when it has none)."""
    matrix = _matrix(a)
    if matrix.shape[0] != matrix.shape[1]:
        raise fail("#VALUE!")
    if abs(np.linalg.det(matrix)) < 1e-300:
        raise fail("#NUM!")
    return array_result(np.linalg.inv(matrix).astype(object))


@_guard
def _mdeterm(a: Any) -> Any:
    """MDETERM(a): the determinant of a square matrix."""
    matrix = _matrix(a)
    if matrix.shape[0] != matrix.shape[1]:
        raise fail("#VALUE!")
    return float(np.linalg.det(matrix))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "MUNIT": _munit,
    "MMULT": _mmult,
    "MINVERSE": _minverse,
    "MDETERM": _mdeterm,
}
