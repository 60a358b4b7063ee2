"""Which filled-down blocks can be computed in one call over whole columns.

A block of one formula filled down can be computed once with each moving single-cell
reference stacked over the block's rows, when every function around those references
works element by element on it (:data:`~xlkpi.workbook.excel_functions.ELEMENTWISE`, or
a KPI function's value argument) and none depends on where the formula is
(:data:`~xlkpi.workbook.excel_functions.POSITIONAL`).
"""

from __future__ import annotations

import re

from xlkpi.workbook.blocks import Block
from xlkpi.workbook.excel_functions import ELEMENTWISE, POSITIONAL
from xlkpi.workbook.references import Rect, Reference

__all__ = ["batchable", "motion_of", "moved"]


def motion_of(block: Block, rects: list[Rect | None]) -> list[Reference | None] | None:
    """For each input, the reference that says how it moves down the block (None: fixed).

    None overall when one input stands for references that move differently.
    """
    motion: list[Reference | None] = []
    for rect in rects:
        matches = [ref for ref in block.refs if rect is not None
                   and ref.resolve(block.sheet) == rect]
        flags = {(ref.fixed[0], ref.fixed[2]) for ref in matches}
        if len(flags) > 1:
            return None
        moving = [ref for ref in matches if ref.row_relative]
        motion.append(moving[0] if moving else None)
    return motion


def moved(rect: Rect | None, ref: Reference | None, offset: int, rows: int) -> Rect | None:
    """The input rectangle ``offset`` rows down; ``rows`` > 1 stacks a moving cell's rows."""
    if rect is None or ref is None:
        return rect
    row1 = rect.row1 + (0 if ref.fixed[0] else offset)
    row2 = rect.row2 + (0 if ref.fixed[2] else offset) + rows - 1
    return Rect(rect.sheet, row1, rect.col1, row2, rect.col2)


def batchable(block: Block, rects: list[Rect | None],
               motion: list[Reference | None]) -> bool:
    """True when one call over whole columns means the same as one call per cell."""
    if any(name in POSITIONAL for ref in block.refs for name, _ in ref.calls):
        return False
    if any(re.search(rf"\b{name}\(", block.formula, re.IGNORECASE) for name in POSITIONAL):
        return False
    for rect, ref in zip(rects, motion, strict=True):
        if ref is None:
            continue
        matches = [r for r in block.refs if r.resolve(block.sheet) == rect]
        if any(r.kind != "cell" or not _elementwise(r) for r in matches):
            return False
    return True


#: How a KPI function's name starts, in every form Excel stores it (see xlkpi.functions.get).
_KPI_PREFIXES = ("KPI_", "_XLDUDF_KPI_", "KPI.")


def _elementwise(ref: Reference) -> bool:
    for name, position in ref.calls:
        if name in ELEMENTWISE:
            positions = ELEMENTWISE[name]
            if positions is None or position in positions:
                continue
            return False
        if not name.upper().startswith(_KPI_PREFIXES):
            return False
        from xlkpi.functions import get as get_kpi_function  # the registry imports pandas

        try:
            function = get_kpi_function(name)
        except KeyError:
            return False
        if position >= len(function.args):
            return False
        if function.args[position].kind != "value":
            return False
    return True
