"""Excel's lookup functions: XLOOKUP, XMATCH, MATCH, VLOOKUP, HLOOKUP, LOOKUP, INDEX and
CHOOSE, over values (a range arrives as its values, so INDEX gives values, not a
reference). How they search and compare: :mod:`xlkpi.workbook.natives.searching`. Each
is computed element by element over array arguments where Excel does so (the sought
value, modes, indexes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.context import range_array
from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    array_result,
    boolean,
    guarded,
    integer,
    xl_error,
)
from xlkpi.workbook.natives.searching import (
    Searched,
    approximate,
    as_grid,
    as_vector,
    exact,
    find,
    int_arg,
    lift,
    single,
)
from xlkpi.workbook.references import Rect
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS"]


@guarded
def _match(target: Any, array: Any, kind: Any = 1.0) -> Any:
    searched = Searched(as_vector(array))

    def one(value: Any, kind_: Any) -> Any:
        if isinstance(value, XlError):
            return value
        mode = int_arg(kind_, 1)
        at = (exact(value, searched) if mode == 0 else
              approximate(value, searched, descending=mode < 0))
        return xl_error("#N/A") if at is None else float(at + 1)

    return lift(one, target, kind)


def _modes(match: Any, search: Any, most: int) -> tuple[int, int]:
    """XLOOKUP / XMATCH match and search modes, checked (#VALUE!)."""
    match_mode, search_mode = int_arg(match, 0), int_arg(search, 1)
    if not -1 <= match_mode <= most or search_mode not in (1, -1, 2, -2) or (
            match_mode >= 2 and search_mode in (2, -2)):
        raise ExcelValueError("#VALUE!")
    return match_mode, search_mode


@guarded
def _xmatch(target: Any, array: Any, match: Any = 0.0, search: Any = 1.0) -> Any:
    searched = Searched(as_vector(array), str.casefold)

    def one(value: Any, match_: Any, search_: Any) -> Any:
        if isinstance(value, XlError):
            return value
        match_mode, search_mode = _modes(match_, search_, 3)
        at = find(value, searched, match_mode, search_mode, wildcards=match_mode == 2,
                  regex=match_mode == 3)
        return xl_error("#N/A") if at is None else float(at + 1)

    return lift(one, target, match, search)


@guarded
def _xlookup(target: Any, lookup: Any, returns: Any, if_not_found: Any = None,
             match: Any = 0.0, search: Any = 1.0) -> Any:
    if isinstance(single(target), XlError) and not (
            isinstance(target, np.ndarray) and target.size > 1):
        return single(target)
    if not isinstance(returns, np.ndarray):
        return xl_error("#VALUE!")
    grid = as_grid(lookup)
    out = as_grid(returns)
    if (grid.shape[1] == 1 and grid.shape[0] > 1) or grid.shape == (1, 1):
        if out.shape[0] != grid.shape[0]:
            return xl_error("#VALUE!")
        pick: Callable[[int], Any] = lambda i: out[i: i + 1, :]  # noqa: E731
    elif grid.shape[0] == 1:
        if out.shape[1] != grid.shape[1]:
            return xl_error("#VALUE!")
        pick = lambda i: out[:, i: i + 1]  # noqa: E731
    else:
        return xl_error("#VALUE!")
    searched = Searched(grid.ravel().tolist(), str.casefold)
    # ``formulas`` gives an omitted argument as the integer 0 (XLOOKUP(v,a,b,,1))
    missing = if_not_found is None or if_not_found is EMPTY or (
        type(if_not_found) is int and if_not_found == 0)

    def one(value: Any, match_: Any, search_: Any) -> Any:
        if isinstance(value, XlError):
            return value
        match_mode, search_mode = _modes(match_, search_, 2)
        at = find(value, searched, match_mode, search_mode, wildcards=match_mode == 2)
        if at is None:
            return xl_error("#N/A") if missing else if_not_found
        found = pick(at)
        return found.ravel()[0] if found.size == 1 else array_result(found)

    return lift(one, target, match, search)


def _table_lookup(by_rows: bool) -> Callable[..., Any]:
    """VLOOKUP (search the first column) or HLOOKUP (the first row)."""

    @guarded
    def evaluate(target: Any, table: Any, index: Any, range_lookup: Any = True) -> Any:
        if isinstance(table, str):  # text is no table (a single value is one)
            return xl_error("#VALUE!")
        grid = as_grid(table)
        if not by_rows:
            grid = grid.T
        searched = Searched(grid[:, 0].tolist())

        def one(value: Any, which: Any, sorted_: Any) -> Any:
            if isinstance(value, XlError):
                return value
            if isinstance(which, XlError):
                return which
            column = integer(which)
            sorted_ = True if sorted_ is None else (False if sorted_ is EMPTY else
                                                     boolean(sorted_))
            if column < 1:
                return xl_error("#VALUE!")
            if column > grid.shape[1]:
                return xl_error("#REF!")
            at = approximate(value, searched) if sorted_ else exact(value, searched)
            return xl_error("#N/A") if at is None else grid[at, column - 1]

        return lift(one, target, index, range_lookup)

    evaluate.__name__ = "VLOOKUP" if by_rows else "HLOOKUP"
    return evaluate


@guarded
def _lookup(target: Any, lookup: Any, result: Any = None) -> Any:
    grid = as_grid(lookup)
    if result is None:
        if grid.shape[1] > grid.shape[0]:
            items, outs = grid[0].tolist(), grid[-1].tolist()
        else:
            items, outs = grid[:, 0].tolist(), grid[:, -1].tolist()
    else:
        items = (grid[0] if grid.shape[1] > grid.shape[0] else grid[:, 0]).tolist()
        out = as_grid(result)
        if out.shape[0] != 1 and out.shape[1] != 1:
            return xl_error("#N/A")
        outs = out.ravel().tolist()
    searched = Searched(items)

    def one(value: Any) -> Any:
        if isinstance(value, XlError):
            return value
        at = approximate(value, searched)
        if at is None or at >= len(outs):
            return xl_error("#N/A")
        return outs[at]

    return lift(one, target)


@guarded
def _index(array: Any, row: Any = None, column: Any = None, area: Any = None) -> Any:
    """The element at (row, column); row 0 is the whole column, column 0 the whole row.
    A one-row array takes a single number as the column. A range of several rows and
    columns with only a row number is #REF! (an array constant gives that row). An
    array of indexes, even {1}, gives one value per index (a whole row's first); a
    whole row or column of a range is still that reference (a cell formula meets its
    own row of it)."""
    grid = as_grid(array)
    rect = getattr(array, "rect", None)
    if area is not None and area is not EMPTY and int_arg(area, 1) != 1:
        return xl_error("#REF!")

    def one(row_: Any, column_: Any) -> Any:
        r = int_arg(row_, 0) if row_ is not None else 0
        c = int_arg(column_, 0) if column_ is not None else 0
        if column_ is None and grid.shape[0] == 1 and grid.shape[1] > 1:
            r, c = (1 if r else 0), r
        if r < 0 or c < 0:
            return xl_error("#VALUE!")
        if column_ is None and rect is not None and min(grid.shape) > 1:
            return xl_error("#REF!")
        if r > grid.shape[0] or c > grid.shape[1]:
            return xl_error("#REF!")
        part = grid[slice(r - 1, r) if r else slice(None),
                    slice(c - 1, c) if c else slice(None)]
        if part.size == 1:
            return part[0, 0]
        if rect is not None:
            return range_array(part, Rect(rect.sheet, rect.row1 + max(r - 1, 0),
                                          rect.col1 + max(c - 1, 0),
                                          rect.row1 + (r - 1 if r else grid.shape[0] - 1),
                                          rect.col1 + (c - 1 if c else grid.shape[1] - 1)))
        return array_result(part)

    result = lift(one, row, column)
    if any(isinstance(a, np.ndarray) and a.size == 1 and getattr(a, "rect", None) is None
           for a in (row, column)):
        return single(result)  # an array of one index is still lifted: one value
    return result


@guarded
def _choose(index: Any, *values: Any) -> Any:
    """The value the index picks; with an array index (or array values) element by
    element."""
    if not (isinstance(index, np.ndarray) and index.size > 1):
        which = single(index)
        if isinstance(which, XlError):
            return which
        at = integer(which)
        return values[at - 1] if 1 <= at <= len(values) else xl_error("#VALUE!")

    def one(which: Any, *picked: Any) -> Any:
        if isinstance(which, XlError):
            return which
        at = integer(which)
        return picked[at - 1] if 1 <= at <= len(picked) else xl_error("#VALUE!")

    return lift(one, index, *values)


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "MATCH": _match,
    "XMATCH": _xmatch,
    "XLOOKUP": _xlookup,
    "VLOOKUP": _table_lookup(by_rows=True),
    "HLOOKUP": _table_lookup(by_rows=False),
    "LOOKUP": _lookup,
    "INDEX": _index,
    "CHOOSE": _choose,
}
