"""One sheet's computed values by (row, col), filled-down columns kept as runs.

A filled-down column of numbers is most of what a large workbook computes. Held in a
dict, each of its cells would cost a (row, col) tuple, a row number object and a dict
entry (about 130 bytes, and their making and collecting); a run keeps only the list of
its values. Single cells, and anything written over a run's cells, are kept in a dict.
The mapping reads as ``{(row, col): value}`` either way.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, MutableMapping
from itertools import chain, repeat
from typing import Any

import numpy as np

__all__ = ["RUN_FROM", "CellValues", "addresses"]

#: a block of this many rows or more is recorded as a run (shorter ones cell by cell, so
#: a column never holds many runs to search)
RUN_FROM = 64


class CellValues(MutableMapping[tuple[int, int], Any]):
    """``{(row, col): value}`` for one sheet: the single cells in the order recorded, then
    the runs in the order recorded."""

    __slots__ = ("_cells", "_length", "_order", "_runs")

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], Any] = {}
        #: col -> its runs as (first row, values), sorted by first row
        self._runs: dict[int, list[tuple[int, list[Any]]]] = {}
        #: every run as (col, first row, values), in the order recorded
        self._order: list[tuple[int, int, list[Any]]] = []
        self._length = 0

    def add_run(self, col: int, row1: int, values: list[Any]) -> None:
        """The values of rows ``row1``, ``row1 + 1``... of ``col``; cells already held
        are overwritten one by one instead."""
        row2 = row1 + len(values) - 1
        if len(values) < RUN_FROM or self._overlaps(col, row1, row2):
            self.update(zip(zip(range(row1, row2 + 1), repeat(col)), values, strict=True))
            return
        bisect.insort(self._runs.setdefault(col, []), (row1, values), key=_first_row)
        self._order.append((col, row1, values))
        self._length += len(values)

    def _overlaps(self, col: int, row1: int, row2: int) -> bool:
        """Whether any cell of rows ``row1..row2`` of ``col`` is held already."""
        runs = self._runs.get(col, [])
        at = bisect.bisect_right(runs, row2, key=_first_row)  # runs starting after row2
        if at and runs[at - 1][0] + len(runs[at - 1][1]) > row1:  # the last one before
            return True  # (runs never overlap one another: that one is the only candidate)
        if len(self._cells) <= row2 - row1:
            return any(c == col and row1 <= row <= row2 for row, c in self._cells)
        return any((row, col) in self._cells for row in range(row1, row2 + 1))

    def _run_of(self, key: tuple[int, int]) -> tuple[int, list[Any]] | None:
        """The run holding ``key``, as (first row, values), or None."""
        runs = self._runs.get(key[1])
        if not runs:
            return None
        at = bisect.bisect_right(runs, key[0], key=_first_row) - 1
        if at < 0:
            return None
        first, values = runs[at]
        return (first, values) if key[0] < first + len(values) else None

    def __getitem__(self, key: tuple[int, int]) -> Any:
        try:
            return self._cells[key]
        except KeyError:
            found = self._run_of(key)
            if found is None:
                raise
            return found[1][key[0] - found[0]]

    def __setitem__(self, key: tuple[int, int], value: Any) -> None:
        found = self._run_of(key) if key not in self._cells else None
        if found is not None:
            found[1][key[0] - found[0]] = value
            return
        if key not in self._cells:
            self._length += 1
        self._cells[key] = value

    def __delitem__(self, key: tuple[int, int]) -> None:
        if key in self._cells:
            del self._cells[key]
            self._length -= 1
            return
        found = self._run_of(key)
        if found is None:
            raise KeyError(key)
        self._dissolve(key[1], found)
        del self[key]

    def _dissolve(self, col: int, run: tuple[int, list[Any]]) -> None:
        """Move a run's cells into the dict (a cell of it is deleted: rare)."""
        first, values = run
        self._runs[col] = [held for held in self._runs[col] if held[1] is not values]
        self._order = [held for held in self._order if held[2] is not values]
        self._length -= len(values)
        self.update(zip(zip(range(first, first + len(values)), repeat(col)), values,
                        strict=True))

    def __contains__(self, key: object) -> bool:
        return key in self._cells or (isinstance(key, tuple) and len(key) == 2
                                      and self._run_of(key) is not None)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        yield from self._cells
        for col, first, values in self._order:
            yield from zip(range(first, first + len(values)), repeat(col))

    def __len__(self) -> int:
        return self._length

    def values(self) -> list[Any]:  # type: ignore[override]
        """Every value, in the order of the keys (a list, made in bulk)."""
        return list(chain(self._cells.values(), *(values for _, _, values in self._order)))

    def items(self) -> list[tuple[tuple[int, int], Any]]:  # type: ignore[override]
        """Every (key, value), in order (a list)."""
        return list(zip(self, self.values(), strict=True))

    def addresses(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows and columns of the keys, in order, as int64 arrays (no tuples made)."""
        cells = np.fromiter(chain.from_iterable(self._cells), dtype=np.int64,
                            count=2 * len(self._cells)).reshape(-1, 2)
        rows = [cells[:, 0]] + [np.arange(first, first + len(values), dtype=np.int64)
                                for _, first, values in self._order]
        cols = [cells[:, 1]] + [np.full(len(values), col, dtype=np.int64)
                                for col, _, values in self._order]
        return np.concatenate(rows), np.concatenate(cols)

    def __repr__(self) -> str:
        return f"CellValues({len(self)} cells, {len(self._order)} runs)"


def _first_row(run: tuple[int, list[Any]]) -> int:
    return run[0]


def addresses(values: Mapping[tuple[int, int], Any]) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns of a mapping's (row, col) keys, in its order, as int64
    arrays (a CellValues' runs without making their keys)."""
    if isinstance(values, CellValues):
        return values.addresses()
    keys = np.fromiter(chain.from_iterable(values), dtype=np.int64,
                       count=2 * len(values)).reshape(-1, 2)
    return keys[:, 0], keys[:, 1]
