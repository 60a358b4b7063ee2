"""COUNTIF(S), SUMIF(S) and AVERAGEIF(S) over whole columns, with Excel's criteria rules.

``formulas`` miscounts ``"<>"`` (non-blank cells), the criterion analysts use most to
count completed cases, so the engine brings its own. A criterion is:

- a number or boolean: cells equal to it (text that reads as that number counts too);
- text with an operator ``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=`` and an operand:
  ``"<=45"`` compares numbers; ``"<>Red"`` is every cell that is not "Red", blanks
  included; ``"="`` is blank cells; ``"<>"`` every cell that is not blank;
- other text: cells equal to it ignoring case, with ``*`` and ``?`` wildcards (``~``
  escapes them); ``""`` matches blank cells and empty text.

Ranges are matched once per distinct criterion, so a criterion that moves down a column
(``COUNTIF($A$2:$A$9,A2)``) costs one pass per distinct value, not per row.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np
from formulas.functions import Array
from formulas.tokens.operand import XlError

from xlkpi.workbook.excel_functions import EMPTY, from_excel, xl_error

__all__ = ["FUNCTIONS", "matches"]

_OPERATOR = re.compile(r"^(<=|>=|<>|=|<|>)?(.*)$", re.DOTALL)
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}


class _Column:
    """A range's cells split by type once: numbers, text (lower case), blanks, booleans."""

    def __init__(self, values: Any) -> None:
        cells = from_excel(values).ravel()
        kind = np.frompyfunc(_kind, 1, 1)(cells) if cells.size else np.array([], object)
        self.kind = np.asarray(kind, dtype=object)
        self.blank = self.kind == "blank"
        self.is_bool = self.kind == "bool"
        self.is_number = self.kind == "number"
        self.is_text = self.kind == "text"
        self.numbers = np.where(self.is_number, cells, np.nan).astype(np.float64)
        self.text = np.where(self.is_text, np.frompyfunc(
            lambda v: v.lower() if isinstance(v, str) else "", 1, 1)(cells), "").astype(str) \
            if cells.size else np.array([], str)
        self.cells = cells
        self.size = cells.size


def _kind(value: Any) -> str:
    if value is None or value is EMPTY:
        return "blank"
    if isinstance(value, XlError):
        return "error"
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, str):
        return "text"
    return "number"


def _number(text: str) -> float | None:
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return None


def matches(column: _Column, criterion: Any) -> np.ndarray:
    """Which cells of the column meet one criterion (a boolean mask)."""
    if criterion is None or criterion is EMPTY:
        criterion = ""
    if isinstance(criterion, XlError):
        return column.kind == "error"
    if isinstance(criterion, bool | np.bool_):
        return column.is_bool & (column.cells == bool(criterion))
    if not isinstance(criterion, str):
        return _equals_number(column, float(criterion))
    op, operand = _OPERATOR.match(criterion).groups()
    if op is None and operand == "":
        return column.blank | (column.is_text & (column.text == ""))
    op = op or "="
    if operand == "":
        return column.blank if op == "=" else (~column.blank if op == "<>" else
                                               np.zeros(column.size, bool))
    number = _number(operand.strip())
    if number is not None:
        if op == "=":
            return _equals_number(column, number)
        if op == "<>":
            return ~_equals_number(column, number)
        with np.errstate(invalid="ignore"):
            return column.is_number & _COMPARE[op](column.numbers, number)
    if operand.upper() in ("TRUE", "FALSE"):
        equal = column.is_bool & (column.cells == (operand.upper() == "TRUE"))
        return equal if op == "=" else (~equal if op == "<>" else np.zeros(column.size, bool))
    if op in ("=", "<>"):
        equal = column.is_text & _wildcard(column.text, operand.lower())
        return equal if op == "=" else ~equal
    return column.is_text & _COMPARE[op](column.text, operand.lower())


def _equals_number(column: _Column, number: float) -> np.ndarray:
    equal = column.is_number & (column.numbers == number)
    if column.is_text.any():
        as_number = np.frompyfunc(lambda t: _number(t.strip()) if t else None, 1, 1)(
            column.text)
        equal = equal | (column.is_text & (as_number == number))
    return equal


def _wildcard(text: np.ndarray, pattern: str) -> np.ndarray:
    if not re.search(r"[*?~]", pattern):
        return text == pattern
    regex = "".join(
        "." if part == "?" else ".*" if part == "*" else re.escape(part[-1])
        for part in re.findall(r"~[*?~]|[*?]|[^*?~]+|~", pattern)
    )
    compiled = re.compile(regex, re.DOTALL)
    return np.frompyfunc(lambda t: compiled.fullmatch(t) is not None, 1, 1)(text).astype(bool)


def _conditional(reduce: str, first_is_values: bool) -> Callable[..., Any]:
    """COUNTIFS / SUMIFS / AVERAGEIFS (and the one-criterion forms) as one function."""

    def evaluate(*args: Any) -> Any:
        values, pairs = (args[0], args[1:]) if first_is_values else (None, args)
        if not pairs or len(pairs) % 2:
            return xl_error("#VALUE!")
        ranges = [pairs[i] for i in range(0, len(pairs), 2)]
        criteria = [from_excel(pairs[i]) for i in range(1, len(pairs), 2)]
        shapes = {np.shape(r) for r in ranges}
        if values is not None:
            shapes.add(np.shape(values))
        if len(shapes) > 1:
            return xl_error("#VALUE!")
        columns = [_Column(r) for r in ranges]
        target = _Column(values) if values is not None else None
        shape = np.broadcast_shapes(*(c.shape for c in criteria))
        flat = [np.broadcast_to(c, shape).ravel() for c in criteria]
        # one pass over the ranges per distinct criterion, not per row
        codes: dict[tuple, int] = {}
        index = np.fromiter((codes.setdefault(tuple(_key(v) for v in row), len(codes))
                             for row in zip(*flat, strict=True)), dtype=np.int64)
        firsts = np.unique(index, return_index=True)[1]
        results = np.empty(len(codes), dtype=object)
        for code, at in zip(index[firsts], firsts, strict=True):
            mask = np.ones(columns[0].size, bool)
            for column, values_ in zip(columns, flat, strict=True):
                mask &= matches(column, values_[at])
            results[code] = _reduce(reduce, mask, target)
        out = results[index].reshape(shape)
        return out.view(Array) if shape else out[()]

    return evaluate


def _key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


def _reduce(reduce: str, mask: np.ndarray, target: _Column | None) -> Any:
    if reduce == "count":
        return float(mask.sum())
    assert target is not None
    errors = mask & (target.kind == "error")
    if errors.any():
        return target.cells[np.flatnonzero(errors)[0]]
    numbers = target.numbers[mask & target.is_number]
    if reduce == "sum":
        return float(numbers.sum())
    return float(numbers.mean()) if numbers.size else xl_error("#DIV/0!")


def _one(reduce: str) -> Callable[..., Any]:
    """COUNTIF(range, c), SUMIF(range, c, [sum range]), AVERAGEIF likewise."""
    many = _conditional(reduce, first_is_values=reduce != "count")

    def evaluate(cells: Any, criterion: Any, values: Any = None) -> Any:
        if reduce == "count":
            return many(cells, criterion)
        return many(cells if values is None or values is EMPTY else values, cells, criterion)

    return evaluate


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "COUNTIFS": _conditional("count", first_is_values=False),
    "SUMIFS": _conditional("sum", first_is_values=True),
    "AVERAGEIFS": _conditional("average", first_is_values=True),
    "COUNTIF": _one("count"),
    "SUMIF": _one("sum"),
    "AVERAGEIF": _one("average"),
}
