"""Where a formula is being evaluated, for the functions that need more than values.

Values read from cells arrive at functions as a :class:`RangeArray`: the values, plus the
rectangle they came from. That is what lets ``ROW(A5)``, ``OFFSET(B2,1,0)`` and
``INDIRECT("Jan!B2")`` work from a reference, and lets a function taking one value
intersect a whole column with the formula's own row, as Excel does in a formula that is
not an array formula (implicit intersection).

The engine sets the :class:`Context` while it evaluates a block: which cells are being
computed, whether as an array formula, and a reader that returns any rectangle's values
(computing pending formulas there first).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np

from xlkpi.workbook.references import Rect
from xlkpi.workbook.xlvalues import Array, xl_error

__all__ = ["Context", "RangeArray", "current", "evaluating", "intersect", "range_array",
           "reference_span"]


class RangeArray(Array):
    """A range's values (2-D) that remember the rectangle they were read from."""

    rect: Rect | None = None
    #: a single-cell reference stacked over a filled-down run (one element per row)
    moving: bool = False
    #: blank cells of a whole column left out below the used rows (``A:A``)
    hidden_blanks: int = 0

    def __array_finalize__(self, obj: Any) -> None:
        # a slice or a computed array is no longer the reference it came from
        self.rect = None
        self.moving = False
        self.hidden_blanks = 0


def range_array(values: np.ndarray, rect: Rect, moving: bool = False,
                hidden_blanks: int = 0) -> RangeArray:
    """Values read from ``rect`` as a :class:`RangeArray`."""
    out = np.asarray(values, dtype=object).view(RangeArray)
    out.rect = rect
    out.moving = moving
    out.hidden_blanks = hidden_blanks
    return out


@dataclass
class Context:
    """The cells being computed and how to read others."""

    #: the output cells: one cell, a filled-down run of one column, or an array's range
    output: Rect
    #: True for an array formula (no implicit intersection)
    array: bool
    #: the values of any rectangle, pending formulas there computed first
    read: Callable[[Rect], Any]
    #: sheet names in workbook order (upper case -> as written)
    sheets: list[str]
    #: a defined name's target text (sheet-scoped first), or None
    name: Callable[[str], str | None]
    #: a cell's formula text (without "="), or None
    formula: Callable[[str, int, int], str | None]
    #: the range an array formula anchored at a cell spills into, or None
    spill: Callable[[str, int, int], Rect | None] = lambda sheet, row, col: None
    #: why a row is hidden: "filtered" (by an AutoFilter), "hidden" (by hand) or None
    hidden: Callable[[str, int], str | None] = lambda sheet, row: None
    #: the workbook holds macros, which may define functions the engine does not know
    macros: bool = False


_CURRENT: ContextVar[Context | None] = ContextVar("xlkpi_context", default=None)


def current() -> Context | None:
    """The context of the formula being evaluated (None outside the engine)."""
    return _CURRENT.get()


@contextlib.contextmanager
def evaluating(context: Context) -> Iterator[None]:
    token = _CURRENT.set(context)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def intersect(arg: Any) -> Any:
    """Excel's implicit intersection of a reference with the formula's own row (or
    column): in a cell formula that is not an array formula, a function that takes one
    value reads a whole column at its own row. Over a filled-down run the result has one
    element per row. Anything else passes through unchanged."""
    context = current()
    rect = getattr(arg, "rect", None)
    if (context is None or context.array or rect is None or arg.size <= 1
            or getattr(arg, "moving", False)):
        return arg
    out = context.output
    if rect.col1 == rect.col2 and arg.shape[1] == 1:
        rows = np.arange(out.row1, out.row2 + 1)
        inside = (rows >= rect.row1) & (rows <= rect.row2)
        result = np.empty((rows.size, 1), dtype=object)
        result[:] = xl_error("#VALUE!")
        taken = rows[inside] - rect.row1
        result[inside, 0] = arg[taken, 0]
        return result.view(Array) if rows.size > 1 else result[0, 0]
    if rect.row1 == rect.row2 and arg.shape[0] == 1 and out.col1 == out.col2:
        if rect.col1 <= out.col1 <= rect.col2:
            value = arg[0, out.col1 - rect.col1]
            if out.row2 > out.row1:
                column = np.empty((out.shape[0], 1), dtype=object)
                column.fill(value)  # np.full would turn an error into text
                return column.view(Array)
            return value
        return xl_error("#VALUE!")
    if arg.ndim == 2 and arg.shape[0] > 1 and arg.shape[1] > 1:
        return xl_error("#VALUE!")  # a block of cells meets no single row and column
    return arg


def reference_span(first: Any, last: Any) -> Any:
    """``first:last`` between references that functions return
    (``OFFSET(A1,1,1):OFFSET(A1,6,1)``, ``INDIRECT("B2"):B6``): the cells from the one to
    the other, read through the engine; #VALUE! across sheets. None when either is not a
    reference."""
    a, b = getattr(first, "rect", None), getattr(last, "rect", None)
    if a is None or b is None:
        return None
    context = current()
    if context is None or a.sheet != b.sheet:
        return xl_error("#VALUE!")
    return context.read(Rect(a.sheet, min(a.row1, b.row1), min(a.col1, b.col1),
                             max(a.row2, b.row2), max(a.col2, b.col2)))
