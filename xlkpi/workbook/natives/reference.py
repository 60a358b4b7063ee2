"""Functions of references rather than values: ROW, COLUMN, ROWS, COLUMNS, OFFSET,
INDIRECT, ISREF, ISFORMULA, FORMULATEXT, SHEET, SHEETS, AREAS.

They read the rectangle a :class:`~xlkpi.workbook.context.RangeArray` came from, and the
formula's own cells from the :class:`~xlkpi.workbook.context.Context` (``ROW()`` is the
row it is in; over a filled-down run, one row number per cell). OFFSET and INDIRECT
return the cells they point at, read through the context, so what they read is computed
first: a rolling 12-month ``SUM(OFFSET(B2,COUNT(B:B)-12,0,12))`` sees this month's values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.context import current
from xlkpi.workbook.natives.base import (
    array_result,
    boolean,
    fail,
    integer,
    is_error,
    scalar,
    text,
    xl_error,
)
from xlkpi.workbook.references import MAX_COL, MAX_ROW, Rect, parse_range

__all__ = ["FUNCTIONS"]


def _rect(arg: Any) -> Rect | None:
    return getattr(arg, "rect", None)


def _own() -> Rect:
    context = current()
    if context is None:
        raise fail("#VALUE!")
    return context.output


def _numbers(first: int, last: int, column: bool) -> Any:
    values = np.arange(first, last + 1, dtype=float).astype(object)
    grid = values.reshape(-1, 1) if column else values.reshape(1, -1)
    return float(first) if grid.size == 1 else array_result(grid)


def _row(ref: Any = None) -> Any:
    """ROW([reference]): the row number of the reference (or of the formula's cell)."""
    if is_error(ref):
        return ref
    rect = _own() if ref is None else _rect(ref)
    if rect is None:
        return xl_error("#VALUE!")
    if ref is None and rect.col2 > rect.col1:  # an array formula over several columns
        rows = np.arange(rect.row1, rect.row2 + 1, dtype=float).reshape(-1, 1)
        return array_result(np.repeat(rows, rect.col2 - rect.col1 + 1, 1).astype(object))
    return _numbers(rect.row1, rect.row2, column=True)


def _column(ref: Any = None) -> Any:
    """COLUMN([reference]): the column number of the reference (or of the formula's cell)."""
    if is_error(ref):
        return ref
    rect = _own() if ref is None else _rect(ref)
    if rect is None:
        return xl_error("#VALUE!")
    if ref is None and rect.row2 > rect.row1:
        cols = np.arange(rect.col1, rect.col2 + 1, dtype=float).reshape(1, -1)
        return array_result(np.repeat(cols, rect.row2 - rect.row1 + 1, 0).astype(object))
    if getattr(ref, "moving", False):  # one cell per row of a filled-down run
        return array_result(np.full((rect.row2 - rect.row1 + 1, 1), float(rect.col1),
                                    dtype=object))
    return _numbers(rect.col1, rect.col2, column=False)


def _extent(arg: Any) -> tuple[int, int]:
    """The rows and columns of a value; a whole column or row (``C:C``, ``14:14``) counts
    every row or column, not only the ones the sheet uses (the engine reads those)."""
    if not isinstance(arg, np.ndarray) or not np.ndim(arg):
        return 1, 1
    rows, cols = np.shape(arg)[0], np.shape(arg)[1] if np.ndim(arg) == 2 else 1
    hidden, rect = getattr(arg, "hidden_blanks", 0), getattr(arg, "rect", None)
    if hidden and rect is not None and rows and cols:
        total = rows * cols + hidden
        if total % cols == 0 and total // cols == MAX_ROW - rect.row1 + 1:
            rows = total // cols
        elif total % rows == 0 and total // rows == MAX_COL - rect.col1 + 1:
            cols = total // rows
    return rows, cols


def _rows(arg: Any) -> Any:
    return arg if is_error(arg) else float(_extent(arg)[0])


def _columns(arg: Any) -> Any:
    return arg if is_error(arg) else float(_extent(arg)[1])


def _read(rect: Rect) -> Any:
    context = current()
    if context is None:
        raise fail("#REF!")
    if rect.row1 < 1 or rect.col1 < 1 or rect.row2 > MAX_ROW or rect.col2 > MAX_COL:
        return xl_error("#REF!")
    return context.read(rect)


def _offset(ref: Any, rows: Any, cols: Any, height: Any = None, width: Any = None) -> Any:
    """OFFSET(reference, rows, cols, [height], [width]): the cells that many rows down and
    columns right, of the given size (the reference's own size by default)."""
    if is_error(ref):
        return ref
    rect = _rect(ref)
    if rect is None:
        return xl_error("#VALUE!")
    try:
        down, right = integer(scalar(rows)), integer(scalar(cols))
        tall = rect.shape[0] if _omitted(height) else _size(scalar(height))
        wide = rect.shape[1] if _omitted(width) else _size(scalar(width))
    except Exception as err:  # an error or text argument
        code = getattr(err, "code", "#VALUE!")
        return xl_error(code)
    if tall == 0 or wide == 0:
        return xl_error("#REF!")
    row1, col1 = rect.row1 + down, rect.col1 + right
    row2, col2 = row1 + tall - 1, col1 + wide - 1
    row1, row2 = sorted((row1, row2))
    col1, col2 = sorted((col1, col2))
    return _read(Rect(rect.sheet, row1, col1, row2, col2))


def _size(value: Any) -> int:
    """OFFSET's height or width: truncated, but a fraction of a cell is one cell (Excel:
    ``OFFSET(W39,2,2,3,0.9)`` is one column wide and ``OFFSET(W39,2,2,3,0)`` is #REF!)."""
    size = integer(value)
    if size == 0 and isinstance(value, int | float) and not isinstance(value, bool) \
            and value != 0:
        return 1 if value > 0 else -1
    return size


def _omitted(value: Any) -> bool:
    from xlkpi.workbook.natives.base import is_blank

    return value is None or is_blank(value)


_R1C1 = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[^!]+)!)?R(?P<r>\[-?\d+\]|\d+)?"
                   r"C(?P<c>\[-?\d+\]|\d+)?$", re.IGNORECASE)


def _r1c1(address: str, own: Rect) -> Rect | None:
    match = _R1C1.match(address.strip())
    if not match:
        return None

    def part(text_: str | None, origin: int) -> int:
        if not text_:
            return origin
        return origin + int(text_[1:-1]) if text_.startswith("[") else int(text_)

    sheet = match.group("sheet")
    sheet = sheet[1:-1].replace("''", "'") if sheet and sheet.startswith("'") else sheet
    row, col = part(match.group("r"), own.row1), part(match.group("c"), own.col1)
    return Rect((sheet or own.sheet).upper(), row, col, row, col)


def _indirect(ref_text: Any, a1: Any = True) -> Any:
    """INDIRECT(text, [a1]): the cells a text names ("B2", "Jan!B2:B13", a defined name,
    or R1C1 text when a1 is FALSE)."""
    context = current()
    value = scalar(ref_text)
    if is_error(value):
        return value
    if context is None:
        return xl_error("#REF!")
    address = text(value).strip()
    own = context.output
    use_a1 = True if _omitted(a1) else boolean(scalar(a1))
    rect = parse_range(address, own.sheet) if use_a1 else _r1c1(address, own)
    if rect is None and use_a1:
        target = context.name(address)
        rect = parse_range(target.lstrip("="), own.sheet) if target else None
    if rect is None or rect.sheet not in {s.upper() for s in context.sheets}:
        return xl_error("#REF!")
    return _read(rect)


def _isref(value: Any = None) -> bool:
    return _rect(value) is not None


def _isformula(ref: Any) -> Any:
    rect, context = _rect(ref), current()
    if rect is None or context is None:
        return xl_error("#VALUE!")
    return context.formula(rect.sheet, rect.row1, rect.col1) is not None


def _formulatext(ref: Any) -> Any:
    rect, context = _rect(ref), current()
    if rect is None or context is None:
        return xl_error("#VALUE!")
    formula = context.formula(rect.sheet, rect.row1, rect.col1)
    if formula is None:
        return xl_error("#N/A")
    # as Excel shows it: without the file's prefixes for newer functions and parameters
    return "=" + re.sub(r"(?<![\w.])_xl(?:fn|ws|pm|udf)\.", "", formula, flags=re.IGNORECASE)


def _sheet(value: Any = None) -> Any:
    context = current()
    if context is None:
        return xl_error("#VALUE!")
    names = [s.upper() for s in context.sheets]
    if value is None:
        return float(names.index(context.output.sheet) + 1)
    rect = _rect(value)
    if rect is not None:
        return float(names.index(rect.sheet) + 1)
    if isinstance(value, str) and value.upper() in names:
        return float(names.index(value.upper()) + 1)
    return xl_error("#N/A")


def _sheets(value: Any = None) -> Any:
    context = current()
    if context is None:
        return xl_error("#VALUE!")
    return float(len(context.sheets)) if value is None else 1.0


def _anchorarray(ref: Any) -> Any:
    """ANCHORARRAY(A3), written ``A3#``: the range the array formula in A3 spills into."""
    if is_error(ref):
        return ref
    rect, context = _rect(ref), current()
    if rect is None or context is None:
        return xl_error("#VALUE!")
    spill = context.spill(rect.sheet, rect.row1, rect.col1)
    return xl_error("#REF!") if spill is None else _read(spill)


_SUBTOTALS: dict[int, Callable[[np.ndarray, int], float]] = {
    1: lambda x, n: float(np.mean(x)) if x.size else _div0(),
    2: lambda x, n: float(x.size),
    3: lambda x, n: float(n),
    4: lambda x, n: float(np.max(x)) if x.size else 0.0,
    5: lambda x, n: float(np.min(x)) if x.size else 0.0,
    6: lambda x, n: float(np.prod(x)) if x.size else 0.0,
    7: lambda x, n: float(np.std(x, ddof=1)) if x.size > 1 else _div0(),
    8: lambda x, n: float(np.std(x)) if x.size else _div0(),
    9: lambda x, n: float(np.sum(x)),
    10: lambda x, n: float(np.var(x, ddof=1)) if x.size > 1 else _div0(),
    11: lambda x, n: float(np.var(x)) if x.size else _div0(),
}


def _div0() -> float:
    raise fail("#DIV/0!")


def _subtotal(function: Any, *refs: Any) -> Any:
    """SUBTOTAL(function, ref...): AVERAGE (1), COUNT (2), COUNTA (3), MAX, MIN, PRODUCT,
    STDEV, STDEVP, SUM (9), VAR, VARP over the references, leaving out rows an AutoFilter
    hides, rows hidden by hand too for 101-111, and other SUBTOTAL cells."""
    code = scalar(function)
    if is_error(code):
        return code
    try:
        number = integer(code)
    except Exception:
        return xl_error("#VALUE!")
    kind = number - 100 if number > 100 else number
    if kind not in _SUBTOTALS or not refs:
        return xl_error("#VALUE!")
    context = current()
    numbers: list[float] = []
    count = 0
    for ref in refs:
        rect = _rect(ref)
        if rect is None or context is None:
            return xl_error("#VALUE!")
        grid = np.asarray(ref, dtype=object)
        for i in range(grid.shape[0]):
            row = rect.row1 + i
            why = context.hidden(rect.sheet, row)
            if why == "filtered" or (why == "hidden" and number > 100):
                continue
            for j in range(grid.shape[1]):
                formula = context.formula(rect.sheet, row, rect.col1 + j) or ""
                if re.search(r"(?<![\w.])(?:_xlfn\.)?(?:SUBTOTAL|AGGREGATE)\(", formula,
                             re.IGNORECASE):
                    continue
                value = grid[i, j]
                if is_error(value):
                    return value
                if isinstance(value, bool) or value is None or isinstance(value, str):
                    count += isinstance(value, str | bool)
                    continue
                if isinstance(value, float | int):
                    numbers.append(float(value))
                    count += 1
    try:
        return _SUBTOTALS[kind](np.asarray(numbers, dtype=float), count)
    except Exception as err:
        return xl_error(getattr(err, "code", "#VALUE!"))


def _single(value: Any) -> Any:
    """SINGLE(x), written ``@x``: a reference's cell in the formula's own row or column
    (implicit intersection), an array's first element, a value as it is."""
    from xlkpi.workbook.context import intersect

    if _rect(value) is not None and np.size(value) > 1:
        context = current()
        if context is not None and context.array:
            from dataclasses import replace

            from xlkpi.workbook.context import evaluating

            with evaluating(replace(context, array=False)):
                return intersect(value)
        return intersect(value)
    return scalar(value) if isinstance(value, np.ndarray) else value


def _areas(ref: Any) -> Any:
    return 1.0 if _rect(ref) is not None else xl_error("#VALUE!")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ROW": _row,
    "COLUMN": _column,
    "ROWS": _rows,
    "COLUMNS": _columns,
    "OFFSET": _offset,
    "INDIRECT": _indirect,
    "ISREF": _isref,
    "ISFORMULA": _isformula,
    "FORMULATEXT": _formulatext,
    "SHEET": _sheet,
    "SHEETS": _sheets,
    "AREAS": _areas,
    "SINGLE": _single,
    "ANCHORARRAY": _anchorarray,
    "SUBTOTAL": _subtotal,
}
