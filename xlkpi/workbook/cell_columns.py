"""A sheet's cells held as columns, and the Cell one is made into when asked for.

A case-level sheet is mostly values (dates, codes, numbers) and filled-down formula
columns. The value cells (:class:`Constants`) and the formula cells in the form Excel and
openpyxl write (:class:`Formulas`: text, cached value, type, where the element sits) are
kept as arrays: no Python object per cell, which was most of a large workbook's memory
and of the time to read and write it. A :class:`Cell` is one ``<c>`` element as an
object: a cell in any other form, or one made from the arrays for the linter, ``fill``
and the few lookups that want one.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from xlkpi.workbook.references import shift_formula

__all__ = ["ROW_STEP", "VALUE_IN_ELEMENT", "Cell", "Constants", "Formulas"]

#: ``Cell.value_at`` of a formula cell in the common form: its value is the text of the one
#: ``<v>...</v>`` in its element, found when a new value is written there (a pair of
#: positions kept for each formula cell would be about 110 bytes a cell). Compared by value,
#: never by identity: a cell read by a forked child arrives pickled, with a copy
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


def _int64(numbers: Sequence[int]) -> np.ndarray:
    """The numbers as int64: an ``array('q')`` shared, not copied."""
    if isinstance(numbers, array) and numbers.typecode == "q":
        return np.frombuffer(numbers, dtype=np.int64) if len(numbers) else np.zeros(
            0, dtype=np.int64)
    return np.array(numbers, dtype=np.int64)


def _gathered(parts: Sequence[Any], name: str) -> Any:
    """The column ``name`` of the parts end to end (an array, or a list); each part's own
    column let go once it is taken."""
    if isinstance(getattr(parts[0], name), list):
        out: list[Any] = []
        for part in parts:
            out += getattr(part, name)
            setattr(part, name, [])
        return out
    joined = np.concatenate([getattr(part, name) for part in parts])
    for part in parts:
        setattr(part, name, joined[:0])
    return joined


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
    def of(cls, rows: Sequence[int], cols: Sequence[int], values: list[Any],
           starts: Sequence[int], ends: Sequence[int]) -> Constants:
        held = np.empty(len(values), dtype=object)
        held[:] = values
        return cls(_int64(rows), _int64(cols), held, _int64(starts), _int64(ends))

    @classmethod
    def joined(cls, parts: list[Constants]) -> Constants:
        """The cells of ``parts``, one after another. The parts are emptied as they are
        joined, a column at a time: no more than one column is held twice (a sheet read
        in a thousand stretches would otherwise be held twice over while it is joined)."""
        parts = [part for part in parts if len(part)] or parts[:1]
        if len(parts) == 1:
            return parts[0]
        return cls(*(_gathered(parts, name)
                     for name in ("rows", "cols", "values", "starts", "ends")))

    def __len__(self) -> int:
        return len(self.rows)

    def ordered(self) -> Constants:
        """The cells in the order their elements stand in the sheet text."""
        if (np.diff(self.starts) > 0).all():
            return self
        return self.taken(np.argsort(self.starts, kind="stable"))

    def taken(self, picked: np.ndarray) -> Constants:
        """The cells at the indices ``picked``, in that order."""
        return type(self)(self.rows[picked], self.cols[picked], self.values[picked],
                          self.starts[picked], self.ends[picked])

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
class Formulas(Constants):
    """Formula cells in the form Excel and openpyxl write most of them, by column, in the
    order the sheet lists them: plain formulas (an ``<f>`` without attributes), and the
    cells sharing a formula written once at its anchor (``<f t="shared" si="0"/>``: the
    anchor itself, with its range, is a Cell); ``values`` are the cached ones."""

    #: formula text without "=" (None: a cell sharing its anchor's formula)
    texts: list[str | None] = field(default_factory=list)
    #: each element's ``t`` attribute (the cached value's type)
    kinds: list[str | None] = field(default_factory=list)
    #: the length of the text of the element's one plain ``<v>...</v>``, which ends it
    #: (``...<v>TEXT</v></c>``); -1: no cached value at all
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: the shared formula's index (``si``) of a cell sharing one, else None
    shared: list[str | None] = field(default_factory=list)
    #: each shared formula's anchor: index -> (text, row, col) (set by the reader once the
    #: whole sheet is read)
    anchors: dict[str, tuple[str, int, int]] = field(default_factory=dict)

    @classmethod
    def of_formulas(cls, rows: Sequence[int], cols: Sequence[int], values: list[Any],
                    starts: Sequence[int], ends: Sequence[int], texts: list[str | None],
                    kinds: list[str | None], lengths: Sequence[int],
                    shared: list[str | None]) -> Formulas:
        held = Constants.of(rows, cols, values, starts, ends)
        return cls(held.rows, held.cols, held.values, held.starts, held.ends, texts, kinds,
                   _int64(lengths), shared)

    @classmethod
    def joined(cls, parts: list[Formulas]) -> Formulas:  # type: ignore[override]
        """The formula cells of ``parts``, one after another (emptied as they are
        joined, as ``Constants.joined``)."""
        parts = [part for part in parts if len(part)] or parts[:1]
        if len(parts) == 1:
            return parts[0]
        return cls(*(_gathered(parts, name) for name in (
            "rows", "cols", "values", "starts", "ends", "texts", "kinds", "lengths", "shared")))

    def taken(self, picked: np.ndarray) -> Formulas:
        """The formula cells at the indices ``picked``, in that order (anchors kept)."""
        listed = picked.tolist()
        return Formulas(self.rows[picked], self.cols[picked], self.values[picked],
                        self.starts[picked], self.ends[picked],
                        list(map(self.texts.__getitem__, listed)),
                        list(map(self.kinds.__getitem__, listed)), self.lengths[picked],
                        list(map(self.shared.__getitem__, listed)), self.anchors)

    def cell(self, k: int) -> Cell:
        """The ``k``th formula cell as a Cell."""
        row, col, index = int(self.rows[k]), int(self.cols[k]), self.shared[k]
        cell = Cell(row, col, self.values[k], self.texts[k], "normal", None, None,
                    (int(self.starts[k]), int(self.ends[k])), None, self.kinds[k],
                    VALUE_IN_ELEMENT if self.lengths[k] >= 0 else None)
        if index is not None:
            self._share(cell, index)
        return cell

    def _share(self, cell: Cell, index: str) -> None:
        text, row, col = self.anchors[index]
        cell.formula_type, cell.shared_index = "shared", index
        cell.shared_from = (text, cell.row - row, cell.col - col)

    def cells(self, picked: np.ndarray | None = None) -> list[Cell]:
        """Every formula cell as a Cell, or those at the indices ``picked`` (in bulk:
        ``cell`` for one)."""
        if picked is None:
            picked = np.arange(len(self))
        listed = picked.tolist()
        at = [VALUE_IN_ELEMENT if flag else None for flag in (self.lengths[picked] >= 0).tolist()]
        made = [Cell(r, c, v, t, "normal", None, None, (s, e), None, k, a)
                for r, c, v, s, e, t, k, a in zip(
                    self.rows[picked].tolist(), self.cols[picked].tolist(),
                    self.values[picked].tolist(), self.starts[picked].tolist(),
                    self.ends[picked].tolist(), map(self.texts.__getitem__, listed),
                    map(self.kinds.__getitem__, listed), at, strict=True)]
        for cell, index in zip(made, map(self.shared.__getitem__, listed), strict=True):
            if index is not None:
                self._share(cell, index)
        return made

    def find(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The index of each (row, col) given, -1 where there is no such formula cell."""
        codes = self.codes
        wanted = rows * ROW_STEP + cols
        at = np.minimum(np.searchsorted(codes, wanted), max(len(codes) - 1, 0))
        if not len(codes):
            return np.full(len(wanted), -1, dtype=np.int64)
        return np.where(codes[at] == wanted, at, -1)
