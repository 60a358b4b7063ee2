"""Worksheet cells in and out of registry functions: the step every binding shares.

A binding (the headless engine, classic xlwings, the Office.js server, xlwings Lite)
receives cell values in its own form: blanks, error values, 2-D ranges. ``call_cells``
takes them with two small predicates saying which values are errors, calls the registry
function once for the whole range, and gives back the result with each input error in its
own element (an ``#N/A`` in row 7 of the input gives ``#N/A`` in row 7 of the output) and
everything else computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.errors import ExcelError
from xlkpi.functions import KpiFunction
from xlkpi.masks import mask_of

__all__ = ["call_cells", "first_errors"]


def _mask(test: Callable[[Any], bool], arr: np.ndarray) -> np.ndarray:
    return mask_of(test, np.asarray(arr, dtype=object))


def first_errors(arrays: list[np.ndarray], shape: tuple[int, ...],
                 is_error: Callable[[Any], bool]) -> np.ndarray | None:
    """Per element of the broadcast ``shape``, the first input holding an error (or None);
    None when no input holds one."""
    errors = None
    for arr in arrays:
        bad = _mask(is_error, arr)
        if bad.any():
            if errors is None:
                errors = np.full(shape, None, dtype=object)
            spread, where = np.broadcast_to(arr, shape), np.broadcast_to(bad, shape)
            first = where & np.equal(errors, None)
            errors[first] = spread[first]
    return errors


def call_cells(
    function: KpiFunction,
    args: tuple[Any, ...] | list[Any],
    is_error: Callable[[Any], bool],
    is_blank: Callable[[Any], bool] = lambda v: v is None,
) -> tuple[Any, np.ndarray | None, tuple[int, ...]]:
    """Call ``function`` on cell values: (result, input errors per element, shape).

    Value arguments broadcast element by element; an ``option`` argument is one setting
    (or, given a range, the list of its values, as for closure dates); a ``series``
    argument is a whole range taken in order. Input errors are returned in the broadcast
    shape of the value arguments (``None`` where there is none); the caller puts them over
    the result. Blanks (``is_blank``) are passed as ``None``. An error about the whole
    call (a bad region) fills the shape, and so does an error value inside a ``series`` or
    ``option`` range (a month of a trend, a benchmark, a closure date): it is the answer
    of every cell, as a range holding an error is to SUM, never read as a missing value.
    """
    values: list[Any] = []
    element_args: list[np.ndarray] = []
    whole: Any = None  # the first error value inside a series or option range
    for arg, spec in zip(args, function.args, strict=False):
        arr = np.asarray(arg, dtype=object)
        if arr.size:
            arr = np.where(_mask(is_blank, arr), None, arr)
        if spec.kind != "value" and whole is None and arr.size:
            bad = np.flatnonzero(_mask(is_error, arr.ravel()))
            whole = arr.ravel()[bad[0]] if bad.size else None
        if spec.kind == "series":  # one row or one column, in order; a block stays a block
            values.append(arr.ravel() if arr.ndim < 2 or min(arr.shape) == 1 else arr)
        elif spec.kind == "option":
            flat = arr.ravel()
            values.append(flat[0] if flat.size == 1 else (flat if flat.size else None))
        else:  # one cell is a scalar: it broadcasts the same, and codes stay plain text
            arr = arr.reshape(()) if arr.size == 1 else arr
            element_args.append(arr)
            values.append(arr[()] if arr.ndim == 0 else arr)
    values.extend(args[len(function.args):])
    try:
        shape = np.broadcast_shapes(*(a.shape for a in element_args))
    except ValueError:
        return ExcelError("#VALUE!", "the ranges given are not the same size"), None, ()
    if whole is not None:
        return None, np.full(shape, whole, dtype=object), shape
    errors = first_errors(element_args, shape, is_error)
    if errors is not None:  # compute the rest with the bad elements blank
        values = [np.where(_mask(is_error, v), None, v)
                  if isinstance(v, np.ndarray) and v.dtype == object and v.ndim else v
                  for v in values]
    result = function.call(*values)
    if isinstance(result, ExcelError) and shape:  # a bad setting: every cell shows it
        result = np.full(shape, result, dtype=object)
    return result, errors, shape
