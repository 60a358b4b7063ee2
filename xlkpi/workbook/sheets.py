"""A worksheet as the engine holds it: cells by column (:mod:`.cell_columns`), a few as
objects, and what reading, writing and the linter ask of it.

``Sheet.objects`` and ``Sheet.cells`` still give the formula cells, or every cell, as
Cells, made from the arrays the first time they are asked for (``fill``, dependents of a
cell that could not be evaluated); everything else asks only for the cells it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from operator import contains, itemgetter
from typing import Any, NamedTuple

import numpy as np

from xlkpi.workbook.cell_columns import ROW_STEP, VALUE_IN_ELEMENT, Cell, Constants, Formulas

__all__ = ["ROW_STEP", "VALUE_IN_ELEMENT", "Cell", "Constants", "Formulas", "Sheet", "Targets"]


class Targets(NamedTuple):
    """Where new values of formula cells are written, one entry a cell."""

    #: the ``t`` attribute of the cached value (a value of another type rewrites the cell)
    kinds: list[str | None]
    #: where the value text sits: VALUE_IN_ELEMENT (in the element's one plain ``<v>``),
    #: a pair of positions, or None (no value: the element is written again)
    places: list[tuple[int, int] | None]
    #: where each element sits in the sheet XML text
    starts: np.ndarray
    ends: np.ndarray
    #: the namespace prefix of an empty ``<v/>`` at the place (None: none)
    empties: list[str | None]
    #: the length of the value text at VALUE_IN_ELEMENT, when known (-1: found by search)
    lengths: np.ndarray


@dataclass
class Sheet:
    """A worksheet: its name, its part in the package, and its cells.

    ``held`` has the cells read one by one (shared and array formulas, unusual elements)
    by (row, col); ``formulas`` the plain formula cells and ``constants`` the other value
    cells, as arrays; no address is in two of them. ``objects`` is every formula cell as
    a Cell.
    """

    name: str
    part: str
    held: dict[tuple[int, int], Cell] = field(default_factory=dict)
    constants: Constants | None = None
    formulas: Formulas | None = None

    @property
    def objects(self) -> dict[tuple[int, int], Cell]:
        """The formula cells (and any cell read one by one) by (row, col), in the sheet's
        order: the plain formula cells are made Cells (and kept as such) the first time
        this is asked for."""
        if self.formulas is not None and len(self.formulas):
            made = self.formulas.cells()
            if self.held:
                made += self.held.values()
                made.sort(key=lambda cell: cell.span[0])
            self.held = {(cell.row, cell.col): cell for cell in made}
        self.formulas = None
        return self.held

    @property
    def cells(self) -> dict[tuple[int, int], Cell]:
        """Every cell by (row, col), in row order: the value cells are made Cells (and
        kept as such) the first time this is asked for."""
        objects = self.objects
        if self.constants is not None and len(self.constants):
            merged = self.constants.cells() + list(objects.values())
            merged.sort(key=lambda cell: (cell.row, cell.col))
            self.held = {(cell.row, cell.col): cell for cell in merged}
        self.constants = None
        return self.held

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col), or None: one lookup, without making every cell a Cell
        (the arrays list cells in address order: a binary search finds one)."""
        found = self.held.get((row, col))
        if found is not None:
            return found
        for columns in self.arrays():
            keys = columns.codes
            at = int(np.searchsorted(keys, row * ROW_STEP + col))
            if at < len(keys) and keys[at] == row * ROW_STEP + col:
                return columns.cell(at)
        return None

    def rows_of(self, numbers: set[int]) -> dict[int, dict[int, Cell]]:
        """The cells of the given rows, by row then column (the cells held as arrays made
        Cells for only those rows)."""
        out: dict[int, dict[int, Cell]] = {}
        for (row, col), cell in self.held.items():
            if row in numbers:
                out.setdefault(row, {})[col] = cell
        wanted_rows = np.fromiter(numbers, np.int64, len(numbers))
        for columns in self.arrays():
            for k in np.flatnonzero(np.isin(columns.rows, wanted_rows)).tolist():
                cell = columns.cell(k)
                out.setdefault(cell.row, {})[cell.col] = cell
        return {row: dict(sorted(cells.items())) for row, cells in sorted(out.items())}

    def _located(self, rows: np.ndarray, cols: np.ndarray
                 ) -> tuple[np.ndarray, dict[int, Cell | None]]:
        """Where each (``rows[k]``, ``cols[k]``) is: its index in the formula columns
        (-1: not there), and for each one not there, the cell held as an object (None:
        neither)."""
        formulas = self.formulas
        index = formulas.find(rows, cols) if formulas is not None else np.full(len(rows), -1)
        return index, {k: self.held.get((int(rows[k]), int(cols[k])))
                       for k in np.flatnonzero(index < 0).tolist()}

    def targets(self, rows: np.ndarray, cols: np.ndarray) -> Targets:
        """Where the new values of the formula cells at (``rows[k]``, ``cols[k]``) go
        (``KeyError``: not a formula cell of this sheet); the plain ones are looked up in
        the arrays, without Cells."""
        n = len(rows)
        formulas = self.formulas
        index, objects = self._located(rows, cols)
        kinds: list[str | None] = [None] * n
        places: list[tuple[int, int] | None] = [None] * n
        empties: list[str | None] = [None] * n
        starts, ends = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        lengths = np.full(n, -1, dtype=np.int64)
        plain = np.flatnonzero(index >= 0)
        if len(plain):
            picked = index[plain]
            starts[plain], ends[plain] = formulas.starts[picked], formulas.ends[picked]  # type: ignore[union-attr]
            lengths[plain] = formulas.lengths[picked]  # type: ignore[union-attr]
            for k, i, length in zip(plain.tolist(), picked.tolist(),
                                    lengths[plain].tolist(), strict=True):
                kinds[k] = formulas.kinds[i]  # type: ignore[union-attr]
                places[k] = VALUE_IN_ELEMENT if length >= 0 else None
        for k, cell in objects.items():
            if cell is None:
                raise KeyError((int(rows[k]), int(cols[k])))
            kinds[k], places[k], empties[k] = cell.kind, cell.value_at, cell.empty_value
            starts[k], ends[k] = cell.span
        return Targets(kinds, places, starts, ends, empties, lengths)

    def writable(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Whether each (``rows[k]``, ``cols[k]``) is a cell a new value can be written
        to: a formula cell held in the arrays, or a cell held as an object."""
        index, objects = self._located(rows, cols)
        found = index >= 0
        for k, cell in objects.items():
            found[k] = cell is not None
        return found

    def stored(self, rows: np.ndarray, cols: np.ndarray) -> tuple[list[Any], np.ndarray]:
        """The value stored at each (``rows[k]``, ``cols[k]``) (the cached one, for a
        formula) where it is a formula cell held in the arrays or a cell held as an
        object, and where it is (None and False elsewhere); no Cell made."""
        formulas = self.formulas
        index, objects = self._located(rows, cols)
        found = index >= 0
        values = (formulas.values[np.maximum(index, 0)].tolist()
                  if formulas is not None and len(formulas) else [None] * len(rows))
        for k, cell in objects.items():
            values[k] = None if cell is None else cell.value
            found[k] = cell is not None
        return values, found

    def formulas_naming(self, word: str, any_of: tuple[str, ...] = ()
                        ) -> list[tuple[tuple[int, int], Cell]]:
        """The formula cells whose formula as written (a shared one's anchor text) holds
        ``word`` and, if given, one of ``any_of`` (all upper case) in any case, in address
        order: only they are made Cells."""
        objects, picked = self._naming(word, any_of)
        if picked is not None:
            objects += (((cell.row, cell.col), cell) for cell in self.formulas.cells(picked))  # type: ignore[union-attr]
        return sorted(objects, key=itemgetter(0))

    def formula_texts_naming(self, word: str) -> list[tuple[tuple[int, int], str]]:
        """``formulas_naming``'s cells as their formulas (a shared one shifted to its
        cell), in address order, without making a Cell of a plain formula."""
        objects, picked = self._naming(word, ())
        found = [(key, cell.formula or "") for key, cell in objects]
        formulas = self.formulas
        if picked is not None and formulas is not None:
            listed = picked.tolist()
            keys = zip(formulas.rows[picked].tolist(), formulas.cols[picked].tolist(), strict=True)
            found += ((key, (formulas.cell(k).formula if formulas.shared[k] is not None
                             else formulas.texts[k]) or "")
                      for key, k in zip(keys, listed, strict=True))
        return sorted(found, key=itemgetter(0))

    def _naming(self, word: str, any_of: tuple[str, ...]
                ) -> tuple[list[tuple[tuple[int, int], Cell]], np.ndarray | None]:
        """The cells held as objects whose formula as written names ``word`` (and one of
        ``any_of``), and the indices of those in the formula columns."""

        def named(texts: list[str]) -> np.ndarray:
            upper = list(map(str.upper, texts))
            hits = np.fromiter(map(contains, upper, repeat(word)), bool, len(upper))
            if any_of:
                hits &= np.logical_or.reduce([np.fromiter(
                    map(contains, upper, repeat(other)), bool, len(upper)) for other in any_of])
            return hits

        objects = list(self.held.items())
        found = [objects[k] for k in np.flatnonzero(named(
            [cell.unshifted or "" for _, cell in objects])).tolist()] if objects else []
        formulas = self.formulas
        if formulas is None or not len(formulas):
            return found, None
        texts = formulas.texts if not any(formulas.shared) else [
            formulas.anchors[index][0] if index is not None else text
            for text, index in zip(formulas.texts, formulas.shared, strict=True)]
        return found, np.flatnonzero(named(texts))  # type: ignore[arg-type]

    def arrays(self) -> list[Constants]:
        """The columns that hold any cell: the formula cells', the value cells'."""
        return [columns for columns in (self.formulas, self.constants)
                if columns is not None and len(columns)]

    @property
    def max_row(self) -> int:
        last = max(self.held, default=(0, 0))[0]  # keys are (row, col): rows first
        return max([last, *(int(columns.rows.max()) for columns in self.arrays())])

    @property
    def max_col(self) -> int:
        last = max(map(itemgetter(1), self.held), default=0)
        return max([last, *(int(columns.cols.max()) for columns in self.arrays())])
