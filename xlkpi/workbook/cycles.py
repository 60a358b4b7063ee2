"""Formula cells caught in a circular reference of their cell references.

Excel follows the references a formula actually evaluates: ``=IF(A6,B6,1)`` with A6
FALSE never reads B6, so a cycle through B6 is not a circular reference then, and a
formula inside a cycle that reads an error (``=IF(#REF!="",0,SUM(C15:C15))``) is that
error. Without iterative calculation (:func:`settle`) the engine finds those values: every
cell of the cycles starts *unknown* (an error value that propagates like any other), and
each cell is computed again whenever a cell it reads becomes known, until none changes.
The cells still unknown then truly read themselves: Excel shows a stale value there (0
for a cell never computed), which the engine does not invent; they keep the value Excel
saved and are listed. With iterative calculation turned on in the workbook,
:func:`iterate` does what Excel does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from xlkpi.workbook.blocks import Block, split_cells
from xlkpi.workbook.references import Rect
from xlkpi.workbook.xlvalues import XlError

__all__ = ["UNKNOWN_REASON", "UnknownError", "iterate", "settle"]

UNKNOWN_REASON = "circular reference"

#: Functions that look at an error instead of passing it on (an unknown cell read by
#: them could change their answer): their cells wait until what they read is known.
_SEES_ERRORS = re.compile(
    r"(?<![\w.])(?:_xlfn\.)?(?:IFERROR|IFNA|ISERROR|ISERR|ISNA|ERROR\.TYPE|ISNUMBER|ISTEXT|"
    r"ISNONTEXT|ISLOGICAL|ISBLANK|ISREF|ISFORMULA|ISEVEN|ISODD|TYPE|COUNT|COUNTA|COUNTBLANK|"
    r"COUNTIFS?|SUMIFS?|AVERAGEIFS?|MINIFS|MAXIFS|AGGREGATE|SUBTOTAL|MATCH|XMATCH|XLOOKUP|"
    r"VLOOKUP|HLOOKUP|LOOKUP|FILTER|SORT|SORTBY|UNIQUE|LET|LAMBDA|MAP|REDUCE|SCAN|BYROW|"
    r"BYCOL|MAKEARRAY)\(",
    re.IGNORECASE)


class UnknownError(XlError):
    """The value of a cell of a cycle not yet known (an error, so it propagates)."""

    message = UNKNOWN_REASON

    def __new__(cls) -> UnknownError:
        return super().__new__(cls, "#VALUE!")


def _unknown(value: Any, read_unknown: bool) -> bool:
    """True when a computed element depends on a value not yet known."""
    if isinstance(value, UnknownError):
        return True
    # a function may pass an error on as a new value with the same code
    return read_unknown and isinstance(value, XlError) and str(value) == "#VALUE!"


def _touches(rects: Iterable[Rect], cells: set[tuple[str, int, int]]) -> bool:
    for rect in rects:
        rows, cols = rect.shape
        if rows * cols <= len(cells):
            if any((rect.sheet, r, c) in cells for r in range(rect.row1, rect.row2 + 1)
                   for c in range(rect.col1, rect.col2 + 1)):
                return True
        elif any(s == rect.sheet and rect.row1 <= r <= rect.row2 and rect.col1 <= c
                 <= rect.col2 for s, r, c in cells):
            return True
    return False


def settle(engine: Any, circular: list[Block]) -> list[tuple[Block, np.ndarray]]:
    """The cells of ``circular`` computed as far as references actually followed allow.

    ``engine`` gives ``grids``, ``reads(block)``, ``evaluate(block)`` and ``on_block``.
    Known cells are reported through ``engine.on_block``; returned are the blocks with
    cells still unknown, each with its values (:class:`UnknownError` where not known).
    """
    blocks = sorted(split_cells(circular), key=lambda b: (b.sheet, b.row1, b.col))
    unknown: set[tuple[str, int, int]] = set()
    for block in blocks:
        out = block.output
        marks = np.empty(out.shape[0], dtype=object)
        marks.fill(UnknownError())
        for col in range(out.col1, out.col2 + 1):
            engine.grids[block.sheet].write(range(out.row1, out.row2 + 1), col, marks)
        unknown.update((block.sheet, r, c) for r, c in block.cells())
    results: dict[int, np.ndarray] = {}
    queue = list(range(len(blocks)))
    while queue:
        known: set[tuple[str, int, int]] = set()
        for i in queue:
            block = blocks[i]
            rects = engine.reads(block)
            read_unknown = _touches(rects, unknown)
            if read_unknown and _SEES_ERRORS.search(block.formula):
                continue
            result = np.asarray(engine.evaluate(block), dtype=object).ravel()
            flags = [_unknown(v, read_unknown) for v in result]
            result = np.array([UnknownError() if f else v for v, f in zip(result, flags,
                                                                     strict=True)],
                              dtype=object)
            results[i] = result
            _write(engine, block, result)
            for (row, col), flag in zip(block.cells(), flags, strict=True):
                if not flag and (block.sheet, row, col) in unknown:
                    known.add((block.sheet, row, col))
        if not known:
            break
        unknown -= known
        queue = [i for i, block in enumerate(blocks) if _pending(block, unknown)
                 and _touches(engine.reads(block), known)]
    left = []
    for i, block in enumerate(blocks):
        result = results.get(i)
        if result is None:
            result = np.empty(len(list(block.cells())), dtype=object)
            result.fill(UnknownError())
        if _pending(block, unknown):
            left.append((block, result))
        else:
            engine.on_block(block, result)
    return left


def _pending(block: Block, unknown: set[tuple[str, int, int]]) -> bool:
    return any((block.sheet, r, c) in unknown for r, c in block.cells())


def _write(engine: Any, block: Block, result: np.ndarray) -> None:
    out = block.output
    grid = result.reshape(out.shape)
    for c in range(out.col1, out.col2 + 1):
        engine.grids[block.sheet].write(range(out.row1, out.row2 + 1), c,
                                        grid[:, c - out.col1])


def iterate(engine: Any, circular: list[Block], count: int, delta: float) -> None:
    """Excel's iterative calculation, for a workbook that turns it on (File > Options >
    Formulas > Enable iterative calculation): the cells of a cycle are computed in turn,
    each from the latest values of the others (starting from the values saved), until no
    number moves by more than ``delta`` or ``count`` rounds have run."""
    cells = sorted(split_cells(circular), key=lambda b: (b.sheet, b.row1, b.col))
    for _ in range(max(count, 1)):
        moved = 0.0
        for block in cells:
            grid = engine.grids[block.sheet]
            before = grid.read(block.output).ravel()
            result = engine.evaluate(block)
            grid.write(range(block.row1, block.row2 + 1), block.col, result)
            for old, new in zip(before, result, strict=False):
                if isinstance(old, float | int) and isinstance(new, float | int):
                    moved = max(moved, abs(float(new) - float(old)))
                elif type(old) is not type(new) or old != new:
                    moved = max(moved, float("inf"))
        if moved <= delta:
            break
    for block in cells:
        engine.on_block(block, engine.grids[block.sheet].read(block.output).ravel())
