"""Evaluate one constant formula (no cell references) with the engine's function table, as
a cell would show it: tests of single functions write ``excel('=TRUNC(2.55,1)')``."""

from __future__ import annotations

from typing import Any

import numpy as np

import xlkpi.workbook  # noqa: F401  (registers the engine's functions)
from xlkpi.workbook.engine import compiled
from xlkpi.workbook.grid import to_python

__all__ = ["excel"]


def excel(formula: str) -> Any:
    """The value of ``formula`` (``"=..."``): a number as float, text, bool, an
    ``ExcelError`` (compare with ``== "#VALUE!"``), or a list of rows for an array."""
    function = compiled(formula.removeprefix("="))
    result = function()
    if isinstance(result, np.ndarray):
        if result.size == 1:
            return to_python(result.ravel()[0])
        return [[to_python(v) for v in row] for row in np.atleast_2d(result).tolist()]
    return to_python(result)
