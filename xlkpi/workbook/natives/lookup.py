"""Excel's lookup functions: XLOOKUP, XMATCH, MATCH, VLOOKUP, HLOOKUP, LOOKUP, INDEX and
CHOOSE (over values: a range arrives as its values, so INDEX gives values, not a
reference).

How Excel compares while searching: numbers with numbers, text with text ignoring case,
booleans with booleans; a number never equals text that reads as it ("13" is not 13),
and "" is not a blank cell. Sorted data is ordered numbers < text < FALSE < TRUE (blanks
after). Exact matches are found through a dictionary of the searched values.

- Approximate MATCH (1), VLOOKUP/HLOOKUP (TRUE) and LOOKUP search by halves for the
  largest value not above the one sought (the last of equal values); MATCH -1 for the
  smallest not below it in descending data.
- XLOOKUP and XMATCH: match mode 0 exact, -1 exact or next smaller, 1 exact or next
  larger, 2 wildcards (``*``, ``?``, ``~``), XMATCH 3 a regular expression; search mode
  1 first to last, -1 last to first, 2 and -2 by halves in ascending / descending data
  (the first of equal values in the order searched). A blank sought value finds a blank
  cell. MATCH, VLOOKUP and HLOOKUP exact matches take wildcards too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
from formulas.tokens.operand import XlError

from xlkpi.workbook.criteria import _wildcard_regex
from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    array_result,
    boolean,
    integer,
    xl_error,
)

__all__ = ["FUNCTIONS", "find", "sort_key"]

_BLANK = (3, 0.0)


def sort_key(value: Any, fold: Callable[[str], str] = str.lower) -> tuple[int, Any]:
    """A value's place in Excel's sort order: numbers, text (ignoring case: ``fold``;
    XLOOKUP and XMATCH also fold "ß" to "ss"), FALSE, TRUE, blanks, errors."""
    if value is EMPTY or value is None:
        return _BLANK
    if isinstance(value, XlError):
        return (4, str(value))
    if isinstance(value, bool | np.bool_):
        return (2, bool(value))
    if isinstance(value, str):
        return (1, fold(value))
    return (0, float(value))


def _grid(value: Any) -> np.ndarray:
    grid = np.asarray(value, dtype=object)
    if grid.ndim == 0:
        return grid.reshape(1, 1)
    return grid.reshape(1, -1) if grid.ndim == 1 else grid


def _vector(value: Any) -> list[Any]:
    """A one-row or one-column range as a list (#VALUE! for a block)."""
    grid = _grid(value)
    if grid.shape[0] != 1 and grid.shape[1] != 1:
        raise ExcelValueError("#VALUE!")
    return grid.ravel().tolist()


def _one(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.ravel()[0] if value.size else EMPTY
    return value


def find(target: Any, items: list[Any], match: int = 0, search: int = 1,
         wildcards: bool = False, regex: bool = False, blank_finds: bool = True,
         keys: list[tuple[int, Any]] | None = None,
         fold: Callable[[str], str] = str.lower) -> int | None:
    """The 0-based position XLOOKUP / XMATCH find (None: not found)."""
    if (target is EMPTY or target is None) and not blank_finds:
        return None
    keys = keys if keys is not None else [sort_key(v, fold) for v in items]
    n = len(keys)
    order = range(n) if search in (1, 2) else range(n - 1, -1, -1)
    if (wildcards or regex) and isinstance(target, str):
        pattern = re.compile(target) if regex else re.compile(
            _wildcard_regex(fold(target)), re.DOTALL)
        for i in order:
            item = items[i]
            if not isinstance(item, str) or isinstance(item, XlError) or item is EMPTY:
                continue
            if pattern.search(item) if regex else pattern.fullmatch(fold(item)):
                return i
        return None
    wanted = sort_key(target, fold)
    if search in (2, -2):
        return _halves(keys, wanted, match, descending=search == -2)
    best: int | None = None
    for i in order:
        key = keys[i]
        if key == wanted:
            return i
        if match == 0 or key[0] >= _BLANK[0]:
            continue
        below = key < wanted and (best is None or key > keys[best])
        above = key > wanted and (best is None or key < keys[best])
        if (match == -1 and below) or (match == 1 and above):
            best = i
    return best


def _halves(keys: list[tuple[int, Any]], wanted: tuple[int, Any], match: int,
            descending: bool) -> int | None:
    """XLOOKUP / XMATCH search by halves over the whole range in Excel's sort order: the
    first equal value met going left (right in descending data), else the last value
    passed below (-1) or above (1) the one sought."""
    lo, hi = 0, len(keys) - 1
    found = below = above = None
    while lo <= hi:
        mid = (lo + hi) // 2
        key = keys[mid]
        if key == wanted:
            found = mid
            if descending:
                lo = mid + 1
            else:
                hi = mid - 1
        elif key < wanted:
            below = mid
            if descending:
                hi = mid - 1
            else:
                lo = mid + 1
        else:
            above = mid
            if descending:
                lo = mid + 1
            else:
                hi = mid - 1
    if found is not None:
        return found
    candidate = below if match == -1 else above if match == 1 else None
    return candidate if candidate is not None and keys[candidate][0] < _BLANK[0] else None


def _approximate(target: Any, items: list[Any], descending: bool = False) -> int | None:
    """Old-style search: by halves for the last value not above the one sought (MATCH 1,
    VLOOKUP TRUE, LOOKUP); MATCH -1 reads in order
    while the values stay at or above it (the equal value, else the last above). A
    blank sought value is 0."""
    if target is EMPTY or target is None:
        target = 0.0
    wanted = sort_key(target)
    keys = [sort_key(v) for v in items]
    if descending:
        # read in order while values stay at or above the one sought
        found = None
        for i, key in enumerate(keys):
            if key[0] != wanted[0]:
                continue
            if key == wanted:
                return i
            if key < wanted:
                break
            found = i
        return found
    # by halves over the whole range: where the middle value is of another type (or
    # blank), the nearest value of the sought type is taken, looking right first; a value
    # identical to the one sought (same case) ends the search
    lo, hi, found = 0, len(keys) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if keys[mid][0] != wanted[0]:
            mid = _nearest(keys, wanted[0], lo, mid, hi)
            if mid is None:
                break
        key = keys[mid]
        item = items[mid]
        if key == wanted and (not isinstance(item, str) or item == target):
            return mid
        if key <= wanted:
            found, lo = mid, mid + 1
        else:
            hi = mid - 1
    return found


def _nearest(keys: list[tuple[int, Any]], kind: int, lo: int, mid: int,
             hi: int) -> int | None:
    """The position nearest ``mid`` in [lo, hi] holding a value of type ``kind``: to the
    right first, then to the left."""
    for i in range(mid + 1, hi + 1):
        if keys[i][0] == kind:
            return i
    for i in range(mid - 1, lo - 1, -1):
        if keys[i][0] == kind:
            return i
    return None


def _exact(target: Any, items: list[Any]) -> int | None:
    """MATCH 0 / VLOOKUP FALSE: the first equal value, wildcards in text."""
    if target is EMPTY or target is None:
        return None
    if isinstance(target, str) and re.search(r"[*?~]", target):
        return find(target, items, wildcards=True)
    return find(target, items)


def _guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    def evaluate(*args: Any) -> Any:
        try:
            return function(*args)
        except ExcelValueError as err:
            return xl_error(err.code)

    evaluate.__name__ = function.__name__
    evaluate.__doc__ = function.__doc__
    return evaluate


def _lift(function: Callable[..., Any], *args: Any) -> Any:
    """``function`` of single values, element by element over the arguments that are
    arrays (a one-row or one-column array stretches; past an array's end is #N/A)."""
    grids = [_grid(a) if isinstance(a, np.ndarray) and a.size != 1 else None
             for a in args]
    if all(g is None for g in grids):
        return _call(function, [_one(a) for a in args])
    rows = max(g.shape[0] for g in grids if g is not None)
    cols = max(g.shape[1] for g in grids if g is not None)
    out = np.empty((rows, cols), dtype=object)
    for r in range(rows):
        for c in range(cols):
            values: list[Any] | None = []
            for arg, grid in zip(args, grids, strict=True):
                if grid is None:
                    values.append(_one(arg))
                    continue
                rr, cc = (0 if grid.shape[0] == 1 else r), (0 if grid.shape[1] == 1 else c)
                if rr >= grid.shape[0] or cc >= grid.shape[1]:
                    values = None
                    break
                values.append(grid[rr, cc])
            result = xl_error("#N/A") if values is None else _call(function, values)
            out[r, c] = _one(result)
    return array_result(out)


def _call(function: Callable[..., Any], values: list[Any]) -> Any:
    try:
        return function(*values)
    except ExcelValueError as err:
        return xl_error(err.code)


def _int_arg(value: Any, default: int) -> int:
    value = _one(value)
    if value is EMPTY or value is None:
        return default
    return integer(value)


@_guarded
def _match(target: Any, array: Any, kind: Any = 1.0) -> Any:
    items = _vector(array)

    def one(value: Any, kind_: Any) -> Any:
        if isinstance(value, XlError):
            return value
        mode = _int_arg(kind_, 1)
        at = (_exact(value, items) if mode == 0 else
              _approximate(value, items, descending=mode < 0))
        return xl_error("#N/A") if at is None else float(at + 1)

    return _lift(one, target, kind)


def _modes(match: Any, search: Any, most: int) -> tuple[int, int]:
    """XLOOKUP / XMATCH match and search modes, checked (#VALUE!)."""
    match_mode, search_mode = _int_arg(match, 0), _int_arg(search, 1)
    if not -1 <= match_mode <= most or search_mode not in (1, -1, 2, -2) or (
            match_mode >= 2 and search_mode in (2, -2)):
        raise ExcelValueError("#VALUE!")
    return match_mode, search_mode


@_guarded
def _xmatch(target: Any, array: Any, match: Any = 0.0, search: Any = 1.0) -> Any:
    items = _vector(array)
    keys = [sort_key(v, str.casefold) for v in items]

    def one(value: Any, match_: Any, search_: Any) -> Any:
        if isinstance(value, XlError):
            return value
        match_mode, search_mode = _modes(match_, search_, 3)
        at = find(value, items, match_mode, search_mode, wildcards=match_mode == 2,
                  regex=match_mode == 3, keys=keys, fold=str.casefold)
        return xl_error("#N/A") if at is None else float(at + 1)

    return _lift(one, target, match, search)


@_guarded
def _xlookup(target: Any, lookup: Any, returns: Any, if_not_found: Any = None,
             match: Any = 0.0, search: Any = 1.0) -> Any:
    if isinstance(_one(target), XlError) and not (
            isinstance(target, np.ndarray) and target.size > 1):
        return _one(target)
    if not isinstance(returns, np.ndarray):
        return xl_error("#VALUE!")
    grid = _grid(lookup)
    out = _grid(returns)
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
    items = grid.ravel().tolist()
    keys = [sort_key(v, str.casefold) for v in items]
    # ``formulas`` gives an omitted argument as the integer 0 (XLOOKUP(v,a,b,,1))
    missing = if_not_found is None or if_not_found is EMPTY or (
        type(if_not_found) is int and if_not_found == 0)

    def one(value: Any, match_: Any, search_: Any) -> Any:
        if isinstance(value, XlError):
            return value
        match_mode, search_mode = _modes(match_, search_, 2)
        at = find(value, items, match_mode, search_mode, wildcards=match_mode == 2,
                  keys=keys, fold=str.casefold)
        if at is None:
            return xl_error("#N/A") if missing else if_not_found
        found = pick(at)
        return found.ravel()[0] if found.size == 1 else array_result(found)

    return _lift(one, target, match, search)


def _table_lookup(by_rows: bool) -> Callable[..., Any]:
    """VLOOKUP (search the first column) or HLOOKUP (the first row)."""

    @_guarded
    def evaluate(target: Any, table: Any, index: Any, approximate: Any = True) -> Any:
        if isinstance(table, str):  # text is no table (a single value is one)
            return xl_error("#VALUE!")
        grid = _grid(table)
        if not by_rows:
            grid = grid.T
        items = grid[:, 0].tolist()

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
            at = _approximate(value, items) if sorted_ else _exact(value, items)
            return xl_error("#N/A") if at is None else grid[at, column - 1]

        return _lift(one, target, index, approximate)

    evaluate.__name__ = "VLOOKUP" if by_rows else "HLOOKUP"
    return evaluate


@_guarded
def _lookup(target: Any, lookup: Any, result: Any = None) -> Any:
    grid = _grid(lookup)
    if result is None:
        if grid.shape[1] > grid.shape[0]:
            items, outs = grid[0].tolist(), grid[-1].tolist()
        else:
            items, outs = grid[:, 0].tolist(), grid[:, -1].tolist()
    else:
        items = (grid[0] if grid.shape[1] > grid.shape[0] else grid[:, 0]).tolist()
        out = _grid(result)
        if out.shape[0] != 1 and out.shape[1] != 1:
            return xl_error("#N/A")
        outs = out.ravel().tolist()

    def one(value: Any) -> Any:
        if isinstance(value, XlError):
            return value
        at = _approximate(value, items)
        if at is None or at >= len(outs):
            return xl_error("#N/A")
        return outs[at]

    return _lift(one, target)


@_guarded
def _index(array: Any, row: Any = None, column: Any = None, area: Any = None) -> Any:
    """The element at (row, column); row 0 is the whole column, column 0 the whole row.
    A one-row array takes a single number as the column."""
    grid = _grid(array)
    if area is not None and area is not EMPTY and _int_arg(area, 1) != 1:
        return xl_error("#REF!")

    def one(row_: Any, column_: Any) -> Any:
        r = _int_arg(row_, 0) if row_ is not None else 0
        c = _int_arg(column_, 0) if column_ is not None else 0
        if column_ is None and grid.shape[0] == 1 and grid.shape[1] > 1:
            r, c = (1 if r else 0), r
        if r < 0 or c < 0:
            return xl_error("#VALUE!")
        if r > grid.shape[0] or c > grid.shape[1]:
            return xl_error("#REF!")
        part = grid[slice(r - 1, r) if r else slice(None),
                    slice(c - 1, c) if c else slice(None)]
        return part[0, 0] if part.size == 1 else array_result(part)

    return _lift(one, row, column)


@_guarded
def _choose(index: Any, *values: Any) -> Any:
    """The value the index picks; with an array index (or array values) element by
    element."""
    if not (isinstance(index, np.ndarray) and index.size > 1):
        which = _one(index)
        if isinstance(which, XlError):
            return which
        at = integer(which)
        return values[at - 1] if 1 <= at <= len(values) else xl_error("#VALUE!")

    def one(which: Any, *picked: Any) -> Any:
        if isinstance(which, XlError):
            return which
        at = integer(which)
        return picked[at - 1] if 1 <= at <= len(picked) else xl_error("#VALUE!")

    return _lift(one, index, *values)


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
