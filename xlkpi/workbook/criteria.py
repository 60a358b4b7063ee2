"""Excel's criteria, in one place: COUNTIF(S), SUMIF(S), AVERAGEIF(S), MAXIFS, MINIFS (and
the D-functions of :mod:`xlkpi.workbook.natives.database`) all match cells through
:func:`criterion` and :func:`matches`. A criterion is, as Excel reads it:

- a blank cell: the number 0 (not "blank");
- a number: cells holding that number, or text that reads as it (``"23"``);
- TRUE or FALSE: cells holding that boolean;
- an error value: cells holding that same error;
- text with an operator ``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=`` and an operand read as
  a number (``"<=45"``, ``">1/1/2024"``), a boolean, an error (``"#N/A"`` matches #N/A
  errors, not the text) or text. ``"<>x"`` is every cell that does not match ``"=x"``:
  blanks, errors and other types included (``"<>23"`` keeps the text ``"23"``).
  ``<``, ``>``... compare numbers with numbers and text with text, ignoring case;
- other text: cells equal to it ignoring case, with ``*`` and ``?`` wildcards (``~``
  escapes them); wildcards match text cells only. ``""`` matches blank cells and empty
  text, ``"="`` blank cells only, ``"<>"`` every cell that is not blank.

A range a whole column or row reaches past the rows the sheet uses; the blank cells cut
from it (:func:`~xlkpi.workbook.natives.base.hidden_blanks`) are counted when a
criterion matches a blank cell. The functions themselves, and how a column of criteria
is matched in one pass, are in :mod:`xlkpi.workbook.conditional`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from itertools import repeat
from typing import Any

import numpy as np

from xlkpi.workbook.excel_functions import EMPTY, from_excel
from xlkpi.workbook.natives.base import hidden_blanks, number_or_none
from xlkpi.workbook.xlvalues import XlError

__all__ = ["Column", "Criterion", "criterion", "matches", "wildcard_regex"]

_OPERATOR = re.compile(r"^(<=|>=|<>|=|<|>)?(.*)$", re.DOTALL)
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                          "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"})


_KIND_NAMES = np.array(["blank", "number", "text", "bool", "error"], dtype=object)
#: a cell's type -> its kind's position in _KIND_NAMES (other types ask :func:`_kind`)
_KIND_OF: dict[type, int] = {type(None): 0, float: 1, int: 1, np.float64: 1, np.int64: 1,
                             str: 2, np.str_: 2, bool: 3, np.bool_: 3, XlError: 4}


def _kinds(cells: np.ndarray) -> np.ndarray:
    """Each cell's kind code (positions in _KIND_NAMES), by its type (a C-level pass)."""
    codes = np.fromiter(map(_KIND_OF.get, map(type, cells), repeat(-1)), dtype=np.int8,
                        count=cells.size)
    for i in np.flatnonzero(codes < 0):  # subclasses and tokens: few
        codes[i] = _KIND_NAMES.tolist().index(_kind(cells[i]))
    return codes


class Column:
    """A range's cells split by type once: numbers, text (lower case), blanks, booleans."""

    def __init__(self, values: Any) -> None:
        cells = from_excel(values).ravel()
        codes = _kinds(cells)
        self.kind = _KIND_NAMES[codes]
        self.blank = codes == 0
        self.is_number = codes == 1
        self.is_text = codes == 2
        self.is_bool = codes == 3
        self.is_error = codes == 4
        self.numbers = np.where(self.is_number, cells, np.nan).astype(np.float64)
        texts = cells[self.is_text].astype(str)
        lowered = np.char.lower(texts) if texts.size else np.array([], str)
        self.text = np.zeros(cells.size, dtype=lowered.dtype if lowered.size else "<U1")
        self.text[self.is_text] = lowered
        self.cells = cells
        self.size = cells.size
        self.hidden = hidden_blanks(values)
        self._text_numbers: np.ndarray | None = None
        self._groups: dict[tuple[str, Any], list[int]] | None = None

    def text_numbers(self) -> np.ndarray:
        """Each text cell read as a number (NaN when it is not one, and for other cells)."""
        if self._text_numbers is None:
            read = np.frompyfunc(lambda t: number_or_none(t) if t else None, 1, 1)
            as_number = read(self.text) if self.size else np.array([], object)
            self._text_numbers = np.where(self.is_text & (as_number != None),  # noqa: E711
                                          as_number, np.nan).astype(np.float64)
        return self._text_numbers

    def groups(self) -> dict[tuple[str, Any], list[int]]:
        """The cells each plain criterion (:meth:`Criterion.tally_key`) matches, found in
        one pass: a number takes its own cells and text that reads as it."""
        if self._groups is None:
            groups: dict[tuple[str, Any], list[int]] = {}
            numbers = self.text_numbers()
            for i, kind in enumerate(self.kind.tolist()):
                keys: list[tuple[str, Any]] = []
                if kind == "number":
                    keys.append(("number", float(self.numbers[i])))
                elif kind == "text":
                    keys.append(("text", str(self.text[i])))
                    if not np.isnan(numbers[i]):
                        keys.append(("number", float(numbers[i])))
                elif kind == "bool":
                    keys.append(("bool", bool(self.cells[i])))
                elif kind == "error":
                    keys.append(("error", str(self.cells[i])))
                for key in keys:
                    groups.setdefault(key, []).append(i)
            self._groups = groups
        return self._groups


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


class Criterion:
    """One criterion, read once: ``kind`` is number, bool, error, text, wildcard, empty
    ("" : blank or empty text), blank ("=" : blank only), nonblank ("<>") or never."""

    def __init__(self, kind: str, op: str = "=", operand: Any = None) -> None:
        self.kind, self.op, self.operand = kind, op, operand
        if kind == "wildcard":
            self.regex = re.compile(wildcard_regex(operand), re.DOTALL)
        self._matches_blank: bool | None = None

    @property
    def matches_blank(self) -> bool:
        """Whether a blank cell meets this criterion."""
        if self._matches_blank is None:
            blank = Column(np.array([[EMPTY]], dtype=object))
            self._matches_blank = bool(self.mask(blank)[0])
        return self._matches_blank

    def tally_key(self) -> tuple[str, Any] | None:
        """The key of :meth:`Column.groups` holding this criterion's cells, for a plain
        "equal to" criterion (None for any other)."""
        if self.op == "=" and self.kind in ("number", "text", "bool", "error"):
            return (self.kind, self.operand)
        return None

    def mask(self, column: Column) -> np.ndarray:
        """Which cells of the column meet this criterion (a boolean mask)."""
        kind, op, operand = self.kind, self.op, self.operand
        if kind == "empty":
            return column.blank | (column.is_text & (column.text == ""))
        if kind == "blank":
            return column.blank.copy()
        if kind == "nonblank":
            return ~column.blank
        if kind == "never":
            return np.zeros(column.size, bool)
        if kind == "number":
            if op in ("=", "<>"):
                equal = column.is_number & (column.numbers == operand)
                if op == "<>":
                    return ~equal
                return equal | (column.is_text & (column.text_numbers() == operand))
            with np.errstate(invalid="ignore"):
                return column.is_number & _COMPARE[op](column.numbers, operand)
        if kind == "bool":
            flags = column.is_bool & (column.cells == operand)
            if op in ("=", "<>"):
                return flags if op == "=" else ~flags
            values = np.where(column.is_bool, column.cells, False).astype(bool)
            return column.is_bool & _COMPARE[op](values, operand)
        if kind == "error":
            same = column.is_error & np.array([str(c) == operand for c in column.cells],
                                              dtype=bool).reshape(column.size)
            return same if op == "=" else (~same if op == "<>" else np.zeros(column.size,
                                                                             bool))
        if kind == "wildcard":
            found = np.fromiter((self.regex.fullmatch(t) is not None for t in column.text),
                                dtype=bool, count=column.size)
            equal = column.is_text & found
            return equal if op == "=" else ~equal
        # plain text
        if op in ("=", "<>"):
            equal = column.is_text & (column.text == operand)
            return equal if op == "=" else ~equal
        return column.is_text & _COMPARE[op](column.text, operand)


def criterion(value: Any, database: bool = False) -> Criterion:
    """A criterion as Excel reads it (see the module docstring). ``database``: as a
    criteria range of the D-functions reads it, where text without an operator matches
    the cells that begin with it (``"b"`` matches "Berlin"; ``"=b"`` only "b")."""
    if isinstance(value, np.ndarray):
        value = value.ravel()[0] if value.size else EMPTY
    if value is None or value is EMPTY:
        return Criterion("number", "=", 0.0)
    if isinstance(value, XlError):
        return Criterion("error", "=", str(value))
    if isinstance(value, bool | np.bool_):
        return Criterion("bool", "=", bool(value))
    if not isinstance(value, str):
        return Criterion("number", "=", float(value))
    op, operand = _OPERATOR.match(value).groups()
    if op is None and operand == "":
        return Criterion("empty")
    prefix = database and op is None
    op = op or "="
    if operand == "":
        return Criterion({"=": "blank", "<>": "nonblank"}.get(op, "never"))
    number = number_or_none(operand)
    if number is not None:
        return Criterion("number", op, number)
    upper = operand.upper()
    if upper in ("TRUE", "FALSE"):
        return Criterion("bool", op, upper == "TRUE")
    if upper in _ERROR_CODES:
        return Criterion("error", op, upper)
    if prefix:
        return Criterion("wildcard", op, operand.lower() + "*")
    if op in ("=", "<>") and re.search(r"[*?~]", operand):
        return Criterion("wildcard", op, operand.lower())
    return Criterion("text", op, operand.lower())


def matches(column: Column, value: Any) -> np.ndarray:
    """Which cells of the column meet one criterion value (a boolean mask)."""
    return criterion(value).mask(column)


def wildcard_regex(pattern: str) -> str:
    """Excel's ``*``, ``?`` and ``~`` escapes as a regular expression (whole pieces)."""
    out = []
    for part in re.findall(r"~[*?~]|[*?]|[^*?~]+|~", pattern):
        if part == "?":
            out.append(".")
        elif part == "*":
            out.append(".*")
        elif part.startswith("~") and len(part) == 2:
            out.append(re.escape(part[1]))
        else:
            out.append(re.escape(part))
    return "".join(out)
