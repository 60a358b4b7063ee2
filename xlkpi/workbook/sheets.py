"""A worksheet as the engine holds it: formula cells as objects, plain values by column.

A case-level sheet is mostly values (dates, codes, numbers) with a few filled-down
formula columns. The formula cells are :class:`Cell` objects, since each has a formula,
a place to write its new value and often a cached value to compare; the value cells are
kept as arrays (:class:`Constants`): no Python object per cell, which is most of a large
workbook's memory and of the time to read it. ``Sheet.cells`` still gives every cell as
a Cell, made from the arrays the first time it is asked for (linting, table detection).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

import numpy as np

from xlkpi.workbook.references import shift_formula

__all__ = ["ROW_STEP", "VALUE_IN_ELEMENT", "Cell", "Constants", "Sheet"]

#: ``Cell.value_at`` of a formula cell in the common form: its value is the text of the one
#: ``<v>...</v>`` in its element, found when a new value is written there (a pair of
#: positions kept for each formula cell would be about 110 bytes a cell)
VALUE_IN_ELEMENT: tuple[int, int] = (-1, -1)

#: an address as one number, row * ROW_STEP + column (columns go to 16,384); the order of
#: these numbers is the sheet's (row by row)
ROW_STEP = 1 << 15


@dataclass(slots=True)
class Cell:
    """One ``<c>`` element: its address, value and, for a formula cell, the formula."""

    row: int
    col: int
    #: the value as stored: the constant, or the value Excel cached for a formula
    value: Any
    #: formula text without "="; None if none (see ``formula``)
    text: str | None = None
    #: ``shared`` or ``array`` or ``normal``
    formula_type: str = "normal"
    #: a shared formula's group index, or an array formula's target range
    shared_index: str | None = None
    array_ref: str | None = None
    #: where the element sits in the sheet XML text
    span: tuple[int, int] = (0, 0)
    #: a shared formula's anchor text and this cell's offset from the anchor
    shared_from: tuple[str, int, int] | None = None
    #: a formula cell's ``t`` attribute and where its ``<v>`` text sits (for patching;
    #: VALUE_IN_ELEMENT: in the element's one plain ``<v>``)
    kind: str | None = None
    value_at: tuple[int, int] | None = None
    #: the namespace prefix of an empty ``<v/>`` at ``value_at`` (None: ``value_at`` is the
    #: text inside ``<v>...</v>``)
    empty_value: str | None = None

    @property
    def formula(self) -> str | None:
        """The formula text at this cell (a shared formula shifted from its anchor)."""
        if self.text is None and self.shared_from is not None:
            text, rows, cols = self.shared_from
            self.text = shift_formula(text, rows, cols)
        return self.text

    @property
    def unshifted(self) -> str | None:
        """The formula's text as written: a shared formula's anchor text (not shifted to
        this cell: the same functions, other row numbers). For tests on which functions a
        formula calls, without shifting every cell of a filled-down column."""
        if self.text is not None:
            return self.text
        return self.shared_from[0] if self.shared_from is not None else None

    @property
    def has_formula(self) -> bool:
        return self.text is not None or self.shared_from is not None


@dataclass
class Constants:
    """Value cells (no formula) by column, in the order the sheet lists them."""

    rows: np.ndarray  # int64
    cols: np.ndarray  # int64
    values: np.ndarray  # object: float, str, bool, ExcelError or None (a styled blank)
    #: where each element sits in the sheet XML text
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, rows: list[int], cols: list[int], values: list[Any], starts: list[int],
           ends: list[int]) -> Constants:
        held = np.empty(len(values), dtype=object)
        held[:] = values
        return cls(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), held,
                   np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def codes(self) -> np.ndarray:
        """Each cell's address as one number (``row * ROW_STEP + col``)."""
        return self.rows * ROW_STEP + self.cols

    def cell(self, k: int) -> Cell:
        """The ``k``th value cell as a Cell."""
        return Cell(int(self.rows[k]), int(self.cols[k]), self.values[k],
                    span=(int(self.starts[k]), int(self.ends[k])))

    def cells(self) -> list[Cell]:
        """Every value cell as a Cell (in bulk: ``cell`` for one)."""
        return [Cell(r, c, v, None, "normal", None, None, (s, e)) for r, c, v, s, e in zip(
            self.rows.tolist(), self.cols.tolist(), self.values.tolist(),
            self.starts.tolist(), self.ends.tolist(), strict=True)]


@dataclass
class Sheet:
    """A worksheet: its name, its part in the package, and its cells.

    ``objects`` holds the formula cells (and any cell read one by one) by (row, col);
    ``constants`` the other value cells as arrays; no address is in both.
    """

    name: str
    part: str
    objects: dict[tuple[int, int], Cell] = field(default_factory=dict)
    constants: Constants | None = None

    @property
    def cells(self) -> dict[tuple[int, int], Cell]:
        """Every cell by (row, col), in row order: the value cells are made Cells (and
        kept as such) the first time this is asked for."""
        if self.constants is not None and len(self.constants):
            merged = self.constants.cells() + list(self.objects.values())
            merged.sort(key=lambda cell: (cell.row, cell.col))
            self.objects = {(cell.row, cell.col): cell for cell in merged}
        self.constants = None
        return self.objects

    def cell(self, row: int, col: int) -> Cell | None:
        """The cell at (row, col), or None: one lookup, without making every value a
        Cell (the value cells are listed in address order: a binary search finds one)."""
        found = self.objects.get((row, col))
        if found is not None or self.constants is None or not len(self.constants):
            return found
        held = self.constants
        keys = held.codes
        at = int(np.searchsorted(keys, row * ROW_STEP + col))
        if at == len(keys) or keys[at] != row * ROW_STEP + col:
            return None
        return held.cell(at)

    def rows_of(self, numbers: set[int]) -> dict[int, dict[int, Cell]]:
        """The cells of the given rows, by row then column (the value cells of only those
        rows made Cells)."""
        out: dict[int, dict[int, Cell]] = {}
        for (row, col), cell in self.objects.items():
            if row in numbers:
                out.setdefault(row, {})[col] = cell
        held = self.constants
        if held is not None and len(held):
            wanted = np.flatnonzero(np.isin(held.rows, np.fromiter(numbers, np.int64,
                                                                   len(numbers))))
            for k in wanted.tolist():
                cell = held.cell(k)
                out.setdefault(cell.row, {})[cell.col] = cell
        return {row: dict(sorted(cells.items())) for row, cells in sorted(out.items())}

    @property
    def max_row(self) -> int:
        last = max(self.objects, default=(0, 0))[0]  # keys are (row, col): rows first
        if self.constants is not None and len(self.constants):
            last = max(last, int(self.constants.rows.max()))
        return last

    @property
    def max_col(self) -> int:
        last = max(map(itemgetter(1), self.objects), default=0)
        if self.constants is not None and len(self.constants):
            last = max(last, int(self.constants.cols.max()))
        return last
