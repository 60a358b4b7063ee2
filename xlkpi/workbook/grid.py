"""A sheet's values held by column, in the form the engine computes with.

Blanks are the ``EMPTY`` marker and errors ``XlError`` values
(:mod:`xlkpi.workbook.xlvalues`); values cross into and out of this form only here
(``to_formulas`` when a file is read, ``to_python`` for results).
"""

from __future__ import annotations

from itertools import chain
from operator import attrgetter
from typing import Any

import numpy as np

from xlkpi.errors import ExcelError
from xlkpi.masks import identical, instances
from xlkpi.workbook.excel_functions import EMPTY, xl_error
from xlkpi.workbook.package import Sheet
from xlkpi.workbook.references import MAX_COL, MAX_ROW, Rect
from xlkpi.workbook.xlvalues import Array, XlError

__all__ = ["Grid", "to_formulas", "to_python"]


class Grid:
    """A sheet's values by column, as the engine computes with them (``EMPTY`` for
    blanks)."""

    def __init__(self, sheet: Sheet) -> None:
        self.max_row = max(sheet.max_row, 1)
        self.columns: dict[int, np.ndarray] = {}
        objects = sheet.held
        keys = np.fromiter(chain.from_iterable(objects), dtype=np.int64,
                           count=2 * len(objects)).reshape(-1, 2)
        held_values = np.empty(len(keys), dtype=object)
        held_values[:] = list(map(attrgetter("value"), objects.values()))
        parts = [(keys[:, 0], keys[:, 1], held_values)] + [
            (columns.rows, columns.cols, columns.values)
            for columns in sheet.arrays()]  # no address is in two of them
        rows, cols, values = (np.concatenate(column) for column in zip(*parts, strict=True))
        if not len(rows):
            return
        values[identical(values, None)] = EMPTY  # a blank cell
        for k in np.flatnonzero(instances(values, ExcelError)):  # few
            values[k] = to_formulas(values[k])
        # columns go to 16,384: as int16, the stable sort is a radix sort, in two passes
        order = np.argsort(cols.astype(np.int16), kind="stable")
        bounds = np.flatnonzero(np.diff(cols[order])) + 1
        for part in np.split(order, bounds):  # one assignment per column
            self.column(int(cols[part[0]]))[rows[part]] = values[part]

    def column(self, col: int) -> np.ndarray:
        if col not in self.columns:
            column = np.empty(self.max_row + 1, dtype=object)
            column[:] = EMPTY
            self.columns[col] = column
        return self.columns[col]

    def read(self, rect: Rect) -> np.ndarray:
        row2 = min(rect.row2, self.max_row) if rect.row2 == MAX_ROW else rect.row2
        col2 = min(rect.col2, max(self.columns, default=1)) if rect.col1 == 1 and \
            rect.col2 >= MAX_COL else rect.col2
        rows = max(row2 - rect.row1 + 1, 0)
        out = np.empty((rows, col2 - rect.col1 + 1), dtype=object)
        out[:] = EMPTY
        top = min(row2, self.max_row)
        for col in range(rect.col1, col2 + 1):
            column = self.columns.get(col)
            if column is not None and top >= rect.row1:
                out[: top - rect.row1 + 1, col - rect.col1] = column[rect.row1: top + 1]
        return out.view(Array)

    def write(self, rows: range, col: int, values: np.ndarray) -> None:
        column = self.column(col)
        if rows.stop - 1 > self.max_row:
            blanks = np.empty(rows.stop - 1 - self.max_row, dtype=object)
            blanks.fill(EMPTY)  # np.full would turn the marker into text
            grown = {c: np.concatenate([v, blanks]) for c, v in self.columns.items()}
            self.columns.update(grown)
            self.max_row = rows.stop - 1
            column = self.columns[col]
        column[rows.start: rows.stop] = values


def to_formulas(value: Any) -> Any:
    if value is None:
        return EMPTY
    if isinstance(value, ExcelError):
        return xl_error(str(value))
    return value


def to_python(value: Any) -> Any:
    """A result element as a cell value (errors as ExcelError)."""
    if isinstance(value, XlError):
        return ExcelError(str(value))
    if value is EMPTY:
        return 0.0
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, float) and not np.isfinite(value):
        return ExcelError("#NUM!")
    return value
