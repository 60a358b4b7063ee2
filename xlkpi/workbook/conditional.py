"""COUNTIF(S), SUMIF(S), AVERAGEIF(S), MAXIFS and MINIFS: ranges matched against
criteria as :mod:`xlkpi.workbook.criteria` reads them, then counted, summed, averaged or
reduced.

Criteria given as a range (a summary column filled down: 500 teams by status) are worked
out once per distinct row of criteria, and all the distinct rows together in one pass
when they suit it (:func:`_together`): each range whose criteria are all "equal to" one
kind of value gives every cell the code of the value it equals, the other criteria are
masks computed once per distinct combination, and one ``bincount`` counts every row.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from typing import Any

import numpy as np

from xlkpi.workbook.criteria import Column, criterion
from xlkpi.workbook.excel_functions import EMPTY, from_excel, xl_error
from xlkpi.workbook.xlvalues import Array, XlError

__all__ = ["FUNCTIONS"]


def _conditional(reduce: str, first_is_values: bool) -> Callable[..., Any]:
    """COUNTIFS / SUMIFS / AVERAGEIFS / MAXIFS / MINIFS (and the one-criterion forms)."""

    def evaluate(*args: Any) -> Any:
        values, pairs = (args[0], args[1:]) if first_is_values else (None, args)
        if not pairs or len(pairs) % 2:
            return xl_error("#VALUE!")
        ranges = [pairs[i] for i in range(0, len(pairs), 2)]
        criteria = [from_excel(pairs[i]) for i in range(1, len(pairs), 2)]
        shapes = {np.shape(r) for r in ranges}
        if values is not None:
            shapes.add(np.shape(values))
        if len(shapes) > 1:
            return xl_error("#VALUE!")
        columns = [Column(r) for r in ranges]
        target = Column(values) if values is not None else None
        hidden = min(c.hidden for c in columns)
        shape = np.broadcast_shapes(*(c.shape for c in criteria))
        flat = [np.broadcast_to(c, shape).ravel() for c in criteria]
        # one pass over the ranges per distinct criterion, not per row
        codes: dict[tuple, int] = {}
        index = np.fromiter((codes.setdefault(tuple(_key(v) for v in row), len(codes))
                             for row in zip(*flat, strict=True)), dtype=np.int64)
        firsts = np.unique(index, return_index=True)[1]
        results = np.empty(len(codes), dtype=object)
        together = _together(reduce, columns, flat, firsts, target) if len(codes) > 1 \
            else None
        if together is not None:  # every distinct criterion in one pass over the ranges
            results[index[firsts]] = together
            out = results[index].reshape(shape)
            return out.view(Array) if shape else out[()]
        for code, at in zip(index[firsts], firsts, strict=True):
            if len(columns) == 1 and len(codes) > 1:
                key = criterion(flat[0][at]).tally_key()
                if key is not None:  # the cells found in one pass over the range
                    rows = np.array(columns[0].groups().get(key, []), dtype=np.int64)
                    results[code] = _reduce(reduce, rows, target, 0)
                    continue
            mask = np.ones(columns[0].size, bool)
            blanks = hidden
            for column, values_ in zip(columns, flat, strict=True):
                test = criterion(values_[at])
                mask &= test.mask(column)
                blanks = blanks if test.matches_blank else 0
            results[code] = _reduce(reduce, mask, target, blanks)
        out = results[index].reshape(shape)
        return out.view(Array) if shape else out[()]

    return evaluate


def _equality_keys(column: Column, kind: str) -> list[Any]:
    """What each cell equals for a plain "equal to" criterion of ``kind`` (None: no such
    criterion matches it): a number criterion takes numbers and text that reads as one."""
    if kind == "number":
        keys = np.where(column.is_number, column.numbers, column.text_numbers())
        return [None if k != k else k for k in keys.tolist()]  # NaN matches nothing
    if kind == "text":
        found = np.where(column.is_text, column.text.astype(object), None)
    elif kind == "bool":
        found = np.where(column.is_bool, column.cells, None)
    else:  # error
        found = np.where(column.is_error, column.cells.astype(str), None)
    return found.tolist()


def _together(reduce: str, columns: list[Column], flat: list[np.ndarray],
              firsts: np.ndarray, target: Column | None) -> np.ndarray | None:
    """The results of many distinct criteria rows (at ``firsts``) in one pass over the
    ranges, or None when they do not suit it. Each range whose criteria are all "equal
    to" one kind of value (a team, a status) gives every cell the code of the value it
    equals; the others (``"<=45"``) are masks, computed once per distinct combination.
    A row's cells are those whose codes are its values', counted with one ``bincount``.
    (Blank cells never equal such a value, so no hidden blank is counted.)"""
    tests = [[criterion(values[at]) for at in firsts.tolist()] for values in flat]
    equal = [p for p, row in enumerate(tests)
             if all(t.tally_key() is not None for t in row) and len({t.kind for t in row}) == 1]
    if not equal:
        return None
    n = len(firsts)
    size = columns[0].size
    combined = np.zeros(size, dtype=np.int64)
    wanted = np.zeros(n, dtype=np.int64)
    valid = np.ones(size, dtype=bool)
    scale = 1
    for p in equal:
        lookup: dict[Any, int] = {}
        row_codes = [lookup.setdefault(t.operand, len(lookup)) for t in tests[p]]
        cell_codes = np.fromiter(map(lookup.get, _equality_keys(columns[p], tests[p][0].kind),
                                     repeat(-1)), dtype=np.int64, count=size)
        valid &= cell_codes >= 0
        combined += cell_codes * scale
        wanted += np.array(row_codes, dtype=np.int64) * scale
        scale *= max(len(lookup), 1)
        if scale > 2 ** 62:
            return None
    order = np.unique(wanted)
    position = np.full(size, -1, dtype=np.int64)
    at = np.searchsorted(order, combined[valid])
    hit = at < len(order)
    hit[hit] = order[at[hit]] == combined[valid][hit]
    position[np.flatnonzero(valid)[hit]] = at[hit]
    row_position = np.searchsorted(order, wanted)
    others = [p for p in range(len(tests)) if p not in equal]
    out = np.empty(n, dtype=object)
    by_rest: dict[tuple, list[int]] = {}
    for k in range(n):
        rest = tuple((tests[p][k].kind, tests[p][k].op, str(tests[p][k].operand)) for p in others)
        by_rest.setdefault(rest, []).append(k)
    for rows in by_rest.values():  # one mask per distinct set of the other criteria
        mask = np.ones(size, dtype=bool)
        for p in others:
            mask &= tests[p][rows[0]].mask(columns[p])
        picked = np.flatnonzero(mask & (position >= 0))
        values = _grouped_reduce(reduce, position[picked], picked, len(order), target)
        for k in rows:
            out[k] = values[row_position[k]]
    return out


def _grouped_reduce(reduce: str, group: np.ndarray, cells: np.ndarray, groups: int,
                    target: Column | None) -> list[Any]:
    """:func:`_reduce` of each group at once: ``cells`` (in order) fall in ``group``."""
    count = np.bincount(group, minlength=groups)
    if reduce == "count":
        return count.astype(np.float64).tolist()
    assert target is not None
    first_error = np.full(groups, np.iinfo(np.int64).max, dtype=np.int64)
    wrong = target.is_error[cells]
    np.minimum.at(first_error, group[wrong], cells[wrong])
    numeric = target.is_number[cells]
    g, v = group[numeric], target.numbers[cells[numeric]]
    numbers = np.bincount(g, minlength=groups)
    if reduce in ("sum", "average"):
        total = np.bincount(g, weights=v, minlength=groups).astype(np.float64)
        found = (total if reduce == "sum" else
                 [float(t / c) if c else xl_error("#DIV/0!") for t, c in zip(
                     total.tolist(), numbers.tolist(), strict=True)])
    else:
        extreme = np.full(groups, -np.inf if reduce == "max" else np.inf)
        (np.maximum if reduce == "max" else np.minimum).at(extreme, g, v)
        found = np.where(numbers > 0, extreme, 0.0)
    results = (found.astype(np.float64).tolist() if isinstance(found, np.ndarray)
               else list(found))
    for k in np.flatnonzero(first_error < np.iinfo(np.int64).max):
        results[k] = target.cells[first_error[k]]
    return results


def _key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value if not isinstance(value, XlError) else str(value))


def _reduce(reduce: str, picked: np.ndarray, target: Column | None, blanks: int) -> Any:
    """The count, sum, average, max or min of the picked cells (a mask, or positions in
    order); an error among the values picked is the result."""
    rows = np.flatnonzero(picked) if picked.dtype == bool else picked
    if reduce == "count":
        return float(rows.size + blanks)
    assert target is not None
    errors = rows[target.is_error[rows]]
    if errors.size:
        return target.cells[errors[0]]
    numbers = target.numbers[rows[target.is_number[rows]]]
    if reduce == "sum":
        return float(numbers.sum())
    if reduce in ("max", "min"):
        if not numbers.size:
            return 0.0
        return float(numbers.max() if reduce == "max" else numbers.min())
    return float(numbers.mean()) if numbers.size else xl_error("#DIV/0!")


def _fit(values: Any, shape: tuple[int, ...]) -> Any:
    """SUMIF's sum range taken from its top-left cell at the criteria range's size."""
    grid = np.asarray(values, dtype=object)
    if grid.ndim != 2 or len(shape) != 2 or grid.shape == shape:
        return values
    out = np.empty(shape, dtype=object)
    out.fill(EMPTY)  # np.full would turn the marker (a str) into text
    rows, cols = min(shape[0], grid.shape[0]), min(shape[1], grid.shape[1])
    out[:rows, :cols] = grid[:rows, :cols]
    return out.view(Array)


def _one(reduce: str) -> Callable[..., Any]:
    """COUNTIF(range, c), SUMIF(range, c, [sum range]), AVERAGEIF likewise."""
    many = _conditional(reduce, first_is_values=reduce != "count")

    def evaluate(cells: Any, criterion_: Any, values: Any = None) -> Any:
        if reduce == "count":
            return many(cells, criterion_)
        if values is None or values is EMPTY:
            return many(cells, cells, criterion_)
        if not isinstance(cells, np.ndarray):
            return xl_error("#VALUE!")
        return many(_fit(values, np.shape(cells)), cells, criterion_)

    return evaluate


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "COUNTIFS": _conditional("count", first_is_values=False),
    "SUMIFS": _conditional("sum", first_is_values=True),
    "AVERAGEIFS": _conditional("average", first_is_values=True),
    "MAXIFS": _conditional("max", first_is_values=True),
    "MINIFS": _conditional("min", first_is_values=True),
    "COUNTIF": _one("count"),
    "SUMIF": _one("sum"),
    "AVERAGEIF": _one("average"),
}
