"""How Excel's lookup functions search (for :mod:`xlkpi.workbook.natives.lookup`).

Excel compares numbers with numbers, text with text ignoring case, booleans with
booleans: a number never equals text that reads as it ("13" is not 13), and "" is not a
blank cell. Its sort order is numbers < text < FALSE < TRUE, then blanks and errors.
Exact matches are found through a dictionary of the searched values, built once per
call (a lookup evaluated for a whole column in one call finds each value at once).

- XLOOKUP / XMATCH (:func:`find`): exact, exact or next smaller (-1), exact or next
  larger (1), wildcards (2), a regular expression (3, XMATCH); first to last (1), last
  to first (-1), or by halves over the whole range in sort order (2 ascending, -2
  descending: the first equal value met going left, or right in descending data).
- The old functions (:func:`approximate`, :func:`exact`): MATCH 1, VLOOKUP/HLOOKUP TRUE
  and LOOKUP search by halves for the last value not above the one sought, taking the
  nearest value of the sought type when the middle one is of another type or blank,
  and stopping at an identical value (same case); MATCH -1 reads in order while the
  values stay at or above the one sought. A blank sought value is 0 there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.criteria import wildcard_regex
from xlkpi.workbook.natives.base import (
    EMPTY,
    ExcelValueError,
    array_result,
    integer,
    xl_error,
)
from xlkpi.workbook.xlvalues import XlError

__all__ = ["Searched", "approximate", "as_grid", "as_vector", "exact", "find", "int_arg",
           "lift", "single", "sort_key"]

_BLANK = (3, 0.0)


def sort_key(value: Any, fold: Callable[[str], str] = str.lower) -> tuple[int, Any]:
    """A value's place in Excel's sort order: numbers, text (ignoring case: ``fold``;
    XLOOKUP and XMATCH also fold "ß" to "ss"), FALSE, TRUE, blanks, errors."""
    kind = type(value)  # fast paths: plain numbers, text and booleans
    if kind is float or kind is int:
        return (0, float(value))
    if kind is str:
        return (1, fold(value))
    if kind is bool:
        return (2, value)
    if value is EMPTY or value is None:
        return _BLANK
    if isinstance(value, XlError):
        return (4, str(value))
    if isinstance(value, bool | np.bool_):
        return (2, bool(value))
    if isinstance(value, str):
        return (1, fold(value))
    return (0, float(value))


def as_grid(value: Any) -> np.ndarray:
    """A value, range or array as a 2-D object array of plain values (``formulas``
    gives an array constant's negative numbers, {4,-2}, as one-element arrays)."""
    grid = np.asarray(value, dtype=object)
    if grid.ndim == 0:
        grid = grid.reshape(1, 1)
    elif grid.ndim == 1:
        grid = grid.reshape(1, -1)
    nested = [i for i, v in enumerate(grid.ravel().tolist()) if isinstance(v, np.ndarray)]
    if nested:
        grid = grid.copy()
        flat = grid.reshape(-1)
        for i in nested:
            flat[i] = flat[i].ravel()[0] if flat[i].size else EMPTY
    return grid


def as_vector(value: Any) -> list[Any]:
    """A one-row or one-column range as a list (#VALUE! for a block)."""
    grid = as_grid(value)
    if grid.shape[0] != 1 and grid.shape[1] != 1:
        raise ExcelValueError("#VALUE!")
    return grid.ravel().tolist()


def single(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.ravel()[0] if value.size else EMPTY
    return value


class Searched:
    """The values searched, read once: their sort keys (text folded by ``fold``) and,
    built on first use, where each key first and last occurs."""

    def __init__(self, items: list[Any], fold: Callable[[str], str] = str.lower) -> None:
        self.items = items
        self.fold = fold
        self.keys = [sort_key(v, fold) for v in items]
        self._where: dict[tuple[int, Any], list[int]] | None = None

    def where(self, key: tuple[int, Any]) -> list[int] | None:
        """The first and last positions holding ``key`` (None: nowhere)."""
        if self._where is None:
            where: dict[tuple[int, Any], list[int]] = {}
            for i, k in enumerate(self.keys):
                hit = where.get(k)
                if hit is None:
                    where[k] = [i, i]
                else:
                    hit[1] = i
            self._where = where
        return self._where.get(key)


def find(target: Any, searched: Searched, match: int = 0, search: int = 1,
         wildcards: bool = False, regex: bool = False) -> int | None:
    """The 0-based position XLOOKUP / XMATCH find (None: not found)."""
    items, keys, fold = searched.items, searched.keys, searched.fold
    n = len(keys)
    order = range(n) if search in (1, 2) else range(n - 1, -1, -1)
    if (wildcards or regex) and isinstance(target, str):
        pattern = re.compile(target) if regex else re.compile(
            wildcard_regex(fold(target)), re.DOTALL)
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
    hit = searched.where(wanted)
    if hit is not None:
        return hit[0] if search == 1 else hit[1]
    if match == 0:
        return None
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


def approximate(target: Any, searched: Searched, descending: bool = False) -> int | None:
    """Old-style search: by halves for the last value not above the one sought (MATCH 1,
    VLOOKUP TRUE, LOOKUP); MATCH -1 reads in order
    while the values stay at or above it (the equal value, else the last above). A
    blank sought value is 0."""
    if target is EMPTY or target is None:
        target = 0.0
    wanted = sort_key(target)
    items, keys = searched.items, searched.keys
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


def exact(target: Any, searched: Searched) -> int | None:
    """MATCH 0 / VLOOKUP FALSE: the first equal value, wildcards in text."""
    if target is EMPTY or target is None:
        return None
    return find(target, searched, wildcards=isinstance(target, str) and re.search(
        r"[*?~]", target) is not None)


def lift(function: Callable[..., Any], *args: Any) -> Any:
    """``function`` of single values, element by element over the arguments that are
    arrays (a one-row or one-column array stretches; past an array's end is #N/A)."""
    grids = [as_grid(a) if isinstance(a, np.ndarray) and a.size != 1 else None
             for a in args]
    if all(g is None for g in grids):
        return _call(function, [single(a) for a in args])
    rows = max(g.shape[0] for g in grids if g is not None)
    cols = max(g.shape[1] for g in grids if g is not None)
    out = np.empty((rows, cols), dtype=object)
    for r in range(rows):
        for c in range(cols):
            values: list[Any] | None = []
            for arg, grid in zip(args, grids, strict=True):
                if grid is None:
                    values.append(single(arg))
                    continue
                rr, cc = (0 if grid.shape[0] == 1 else r), (0 if grid.shape[1] == 1 else c)
                if rr >= grid.shape[0] or cc >= grid.shape[1]:
                    values = None
                    break
                values.append(grid[rr, cc])
            result = xl_error("#N/A") if values is None else _call(function, values)
            out[r, c] = single(result)
    return array_result(out)


def _call(function: Callable[..., Any], values: list[Any]) -> Any:
    try:
        return function(*values)
    except ExcelValueError as err:
        return xl_error(err.code)


def int_arg(value: Any, default: int) -> int:
    value = single(value)
    if value is EMPTY or value is None:
        return default
    return integer(value)


