"""Excel's dynamic-array functions: SEQUENCE, SORT, SORTBY, UNIQUE, FILTER, TRANSPOSE,
TAKE, DROP, VSTACK, HSTACK, TOROW, TOCOL and TRIMRANGE.

Each returns a 2-D array (a single element stays a single value). An empty result is
#VALUE! (Excel shows #CALC! and saves #VALUE! in the file). Stacked arrays
of different sizes are padded with #N/A. SORT orders numbers, text (ignoring case),
FALSE, TRUE, then errors, keeping equal values in their order, with blanks last either
way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    array_result,
    boolean,
    guarded,
    integer,
    number,
    xl_error,
)
from xlkpi.workbook.natives.searching import as_grid as _grid
from xlkpi.workbook.natives.searching import lift
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS"]

#: Excel shows an empty result as #CALC! and saves it in the file as #VALUE!.
_EMPTY_RESULT = "#VALUE!"
_ERROR_ORDER = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def _one(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.ravel()[0] if value.size else EMPTY
    return value


def _omitted(value: Any) -> bool:
    """An argument left out: ``formulas`` passes an empty argument as the integer 0."""
    return value is None or value is EMPTY or (type(value) is int and value == 0)


def _int(value: Any, default: int) -> int:
    """An integer argument: omitted is ``default``, a blank cell 0."""
    if isinstance(value, np.ndarray):
        value = _one(value)
        return 0 if value is EMPTY else integer(value)
    return default if _omitted(value) else integer(value)


def _ints(value: Any, default: int) -> list[int]:
    """A one-row or one-column list of integers (SORT's indexes and orders)."""
    if isinstance(value, np.ndarray) and value.size > 1:
        grid = _grid(value)
        if grid.shape[0] != 1 and grid.shape[1] != 1:
            raise ExcelValueError("#VALUE!")
        return [_int(np.array([[v]], dtype=object), default) for v in grid.ravel().tolist()]
    return [_int(value, default)]


def _out(grid: np.ndarray, empty: str = _EMPTY_RESULT) -> Any:
    if grid.size == 0:
        return xl_error(empty)
    return grid[0, 0] if grid.size == 1 else array_result(grid)


def _per_element(data_first: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Excel computes these element by element over array-valued parameters (TAKE(a,
    {1;2}), TOCOL(a, {0,1})), each element giving the result's first value;
    ``data_first``: the first argument is the data, taken whole."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        def evaluate(*args: Any) -> Any:
            data, params = (args[:1], args[1:]) if data_first else ((), args)
            if any(isinstance(p, np.ndarray) and p.size > 1 for p in params):
                return lift(lambda *values: function(*data, *values), *params)
            return function(*args)

        evaluate.__name__ = function.__name__
        evaluate.__doc__ = function.__doc__
        return evaluate

    return decorate


def _order_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, XlError):
        code = str(value)
        return (3, _ERROR_ORDER.index(code) if code in _ERROR_ORDER else 99)
    if isinstance(value, bool | np.bool_):
        return (2, bool(value))
    if isinstance(value, str):
        return (1, value.lower())
    return (0, float(value))


def _is_blank(value: Any) -> bool:
    return value is EMPTY or value is None


def _sorted_positions(keys: list[list[Any]], orders: list[int]) -> list[int]:
    """Positions sorted by several key columns (1 ascending, -1 descending), stable,
    blanks last in each key."""
    positions = list(range(len(keys[0]) if keys else 0))
    for column, order in reversed(list(zip(keys, orders, strict=True))):
        filled = [p for p in positions if not _is_blank(column[p])]
        blank = [p for p in positions if _is_blank(column[p])]
        filled.sort(key=lambda p, c=column: _order_key(c[p]), reverse=order < 0)
        positions = filled + blank
    return positions


@_per_element(data_first=False)
@guarded
def _sequence(rows: Any, columns: Any = None, start: Any = None, step: Any = None) -> Any:
    r, c = _int(rows, 1), _int(columns, 1)
    first = 1.0 if start is None or _one(start) is EMPTY else number(_one(start))
    by = 1.0 if step is None or _one(step) is EMPTY else number(_one(step))
    if r < 1 or c < 1:
        return xl_error(_EMPTY_RESULT)
    if r * c > 1_048_576 * 16_384:
        return xl_error("#NUM!")
    grid = (first + by * np.arange(r * c, dtype=np.float64)).reshape(r, c).astype(object)
    return _out(grid)


@guarded
def _sort(array: Any, index: Any = None, order: Any = None, by_column: Any = None) -> Any:
    grid = _grid(array)
    across = not _omitted(_one(by_column)) and boolean(_one(by_column))
    work = grid.T if across else grid
    columns, directions = _ints(index, 1), _ints(order, 1)
    if len(directions) == 1:
        directions = directions * len(columns)
    if len(directions) != len(columns) or any(d not in (1, -1) for d in directions) or any(
            not 1 <= at <= work.shape[1] for at in columns):
        return xl_error("#VALUE!")
    positions = _sorted_positions([work[:, at - 1].tolist() for at in columns], directions)
    result = work[positions]
    return _out(result.T if across else result)


@guarded
def _sortby(array: Any, *pairs: Any) -> Any:
    grid = _grid(array)
    if not pairs:
        return xl_error("#VALUE!")
    keys, orders, across = [], [], None
    for i in range(0, len(pairs), 2):
        by = _grid(pairs[i])
        order = _int(pairs[i + 1], 1) if i + 1 < len(pairs) else 1
        if order not in (1, -1):
            return xl_error("#VALUE!")
        if by.shape[1] == 1 and by.shape[0] == grid.shape[0]:
            vertical = False
        elif by.shape[0] == 1 and by.shape[1] == grid.shape[1]:
            vertical = True
        else:
            return xl_error("#VALUE!")
        if across is not None and across != vertical:
            return xl_error("#VALUE!")
        across = vertical
        keys.append(by.ravel().tolist())
        orders.append(order)
    positions = _sorted_positions(keys, orders)
    return _out(grid[:, positions] if across else grid[positions])


def _row_key(row: list[Any]) -> tuple:
    return tuple(("blank",) if _is_blank(v) else _order_key(v) for v in row)


@_per_element()
@guarded
def _unique(array: Any, by_column: Any = None, exactly_once: Any = None) -> Any:
    grid = _grid(array)
    across = not _omitted(_one(by_column)) and boolean(_one(by_column))
    once = not _omitted(_one(exactly_once)) and boolean(_one(exactly_once))
    work = grid.T if across else grid
    counts: dict[tuple, int] = {}
    first: dict[tuple, int] = {}
    for i, row in enumerate(work.tolist()):
        key = _row_key(row)
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, i)
    keep = [i for key, i in first.items() if not once or counts[key] == 1]
    result = work[sorted(keep)]
    return _out(result.T if across else result)


@guarded
def _filter(array: Any, include: Any, if_empty: Any = None) -> Any:
    grid = _grid(array)
    mask_grid = _grid(include)
    if mask_grid.shape[1] == 1 and mask_grid.shape[0] == grid.shape[0]:
        across = False
    elif mask_grid.shape[0] == 1 and mask_grid.shape[1] == grid.shape[1]:
        across = True
    else:
        return xl_error("#VALUE!")
    keep = []
    for value in mask_grid.ravel().tolist():
        if isinstance(value, XlError):
            return value
        keep.append(not _is_blank(value) and boolean(value))
    result = grid[:, keep] if across else grid[keep]
    if result.size == 0:
        return xl_error(_EMPTY_RESULT) if if_empty is None else if_empty
    return _out(result)


def _transpose(array: Any) -> Any:
    return _out(_grid(array).T)


@_per_element()
@guarded
def _take(array: Any, rows: Any = None, columns: Any = None) -> Any:
    grid = _grid(array)
    c = None if _omitted(_one(columns)) else integer(_one(columns))
    # TAKE(a, 0) is empty; TAKE(a, , 2) leaves the rows out
    r = None if _omitted(_one(rows)) and c is not None else integer(_one(rows))
    if r is not None:
        grid = grid[:r] if r >= 0 else grid[r:]
        if r == 0:
            return xl_error(_EMPTY_RESULT)
    if c is not None:
        grid = grid[:, :c] if c >= 0 else grid[:, c:]
        if c == 0:
            return xl_error(_EMPTY_RESULT)
    return _out(grid, "#VALUE!")


@_per_element()
@guarded
def _drop(array: Any, rows: Any = None, columns: Any = None) -> Any:
    grid = _grid(array)
    r = None if _omitted(_one(rows)) else integer(_one(rows))
    c = None if _omitted(_one(columns)) else integer(_one(columns))
    if r:
        grid = grid[r:] if r > 0 else grid[:r]
    if c:
        grid = grid[:, c:] if c > 0 else grid[:, :c]
    return _out(grid, "#VALUE!")


def _stack(vertical: bool) -> Callable[..., Any]:
    @guarded
    def evaluate(*arrays: Any) -> Any:
        grids = [_grid(a) for a in arrays]
        if not grids:
            return xl_error("#VALUE!")
        if vertical:
            width = max(g.shape[1] for g in grids)
            parts = [_pad(g, g.shape[0], width) for g in grids]
            return _out(np.vstack(parts))
        height = max(g.shape[0] for g in grids)
        return _out(np.hstack([_pad(g, height, g.shape[1]) for g in grids]))

    evaluate.__name__ = "VSTACK" if vertical else "HSTACK"
    return evaluate


def _pad(grid: np.ndarray, rows: int, columns: int) -> np.ndarray:
    out = np.empty((rows, columns), dtype=object)
    out.fill(xl_error("#N/A"))  # np.full would turn the error (a str) into text
    out[: grid.shape[0], : grid.shape[1]] = grid
    return out


def _flatten(as_row: bool) -> Callable[..., Any]:
    @_per_element()
    @guarded
    def evaluate(array: Any, ignore: Any = None, by_column: Any = None) -> Any:
        grid = _grid(array)
        skip = _int(ignore, 0)
        if skip not in (0, 1, 2, 3):
            return xl_error("#VALUE!")
        across = not _omitted(_one(by_column)) and boolean(_one(by_column))
        values = (grid.T if across else grid).ravel().tolist()
        kept = [v for v in values
                if not (skip in (1, 3) and _is_blank(v))
                and not (skip in (2, 3) and isinstance(v, XlError))]
        shape = (1, len(kept)) if as_row else (len(kept), 1)
        out = np.empty(len(kept), dtype=object)
        out[:] = kept
        return _out(out.reshape(shape))

    evaluate.__name__ = "TOROW" if as_row else "TOCOL"
    return evaluate


#: The functions this module gives the engine, by Excel name.
@guarded
def _trimrange(array: Any, trim_rows: Any = None, trim_cols: Any = None) -> Any:
    """TRIMRANGE(range, [rows], [columns]): the range without its blank outer rows and
    columns; each mode 0 keeps them, 1 trims the leading, 2 the trailing, 3 (the
    default) both, anything else (2.3) is #VALUE!; nothing left is #REF!."""
    grid = _grid(array)
    modes = [3.0 if m is None or m is EMPTY else number(m) for m in (trim_rows, trim_cols)]
    if any(m not in (0, 1, 2, 3) for m in modes):  # not truncated: 2.3 is #VALUE!
        return xl_error("#VALUE!")
    blank = np.frompyfunc(lambda v: v is EMPTY or v is None, 1, 1)(grid).astype(bool)
    bounds = []
    for axis, mode in enumerate(modes):
        used = np.flatnonzero(~blank.all(axis=1 - axis))
        if not used.size:
            return xl_error("#REF!")
        start = used[0] if mode in (1, 3) else 0
        stop = used[-1] + 1 if mode in (2, 3) else grid.shape[axis]
        bounds.append(slice(start, stop))
    part = grid[bounds[0], bounds[1]]
    return part[0, 0] if part.size == 1 else array_result(part)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "SEQUENCE": _sequence,
    "SORT": _sort,
    "SORTBY": _sortby,
    "UNIQUE": _unique,
    "FILTER": _filter,
    "TRANSPOSE": _transpose,
    "TAKE": _take,
    "DROP": _drop,
    "VSTACK": _stack(vertical=True),
    "HSTACK": _stack(vertical=False),
    "TOROW": _flatten(as_row=True),
    "TOCOL": _flatten(as_row=False),
    "TRIMRANGE": _trimrange,
}
