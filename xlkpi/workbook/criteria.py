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
criterion matches a blank cell. Ranges are matched once per distinct criterion, so a
criterion that moves down a column (``COUNTIF($A$2:$A$9,A2)``) costs one pass per
distinct value, not per row.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from itertools import repeat
from typing import Any

import numpy as np
from formulas.functions import Array
from formulas.tokens.operand import XlError

from xlkpi.workbook.excel_functions import EMPTY, from_excel, xl_error
from xlkpi.workbook.natives.base import hidden_blanks, number_or_none

__all__ = ["FUNCTIONS", "Column", "Criterion", "criterion", "matches", "wildcard_regex"]

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


def _conditional(reduce: str, first_is_values: bool) -> Callable[..., Any]:
    """COUNTIFS / SUMIFS / AVERAGEIFS / MAXIFS / MINIFS (and the one-criterion forms)."""

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
        columns = [Column(r) for r in ranges]
        target = Column(values) if values is not None else None
        hidden = min(c.hidden for c in columns)
        shape = np.broadcast_shapes(*(c.shape for c in criteria))
        flat = [np.broadcast_to(c, shape).ravel() for c in criteria]
        # one pass over the ranges per distinct criterion, not per row
        codes: dict[tuple, int] = {}
        index = np.fromiter((codes.setdefault(tuple(_key(v) for v in row), len(codes))
                             for row in zip(*flat, strict=True)), dtype=np.int64)
        firsts = np.unique(index, return_index=True)[1]
        results = np.empty(len(codes), dtype=object)
        together = _together(reduce, columns, flat, firsts, target) if len(codes) > 1 \
            else None
        if together is not None:  # every distinct criterion in one pass over the ranges
            results[index[firsts]] = together
            out = results[index].reshape(shape)
            return out.view(Array) if shape else out[()]
        for code, at in zip(index[firsts], firsts, strict=True):
            if len(columns) == 1 and len(codes) > 1:
                key = criterion(flat[0][at]).tally_key()
                if key is not None:  # the cells found in one pass over the range
                    rows = np.array(columns[0].groups().get(key, []), dtype=np.int64)
                    results[code] = _reduce(reduce, rows, target, 0)
                    continue
            mask = np.ones(columns[0].size, bool)
            blanks = hidden
            for column, values_ in zip(columns, flat, strict=True):
                test = criterion(values_[at])
                mask &= test.mask(column)
                blanks = blanks if test.matches_blank else 0
            results[code] = _reduce(reduce, mask, target, blanks)
        out = results[index].reshape(shape)
        return out.view(Array) if shape else out[()]

    return evaluate


def _equality_keys(column: Column, kind: str) -> list[Any]:
    """What each cell equals for a plain "equal to" criterion of ``kind`` (None: no such
    criterion matches it): a number criterion takes numbers and text that reads as one."""
    if kind == "number":
        keys = np.where(column.is_number, column.numbers, column.text_numbers())
        return [None if k != k else k for k in keys.tolist()]  # NaN matches nothing
    if kind == "text":
        found = np.where(column.is_text, column.text.astype(object), None)
    elif kind == "bool":
        found = np.where(column.is_bool, column.cells, None)
    else:  # error
        found = np.where(column.is_error, column.cells.astype(str), None)
    return found.tolist()


def _together(reduce: str, columns: list[Column], flat: list[np.ndarray],
              firsts: np.ndarray, target: Column | None) -> np.ndarray | None:
    """The results of many distinct criteria rows (at ``firsts``) in one pass over the
    ranges, or None when they do not suit it. Each range whose criteria are all "equal
    to" one kind of value (a team, a status) gives every cell the code of the value it
    equals; the others (``"<=45"``) are masks, computed once per distinct combination.
    A row's cells are those whose codes are its values', counted with one ``bincount``.
    (Blank cells never equal such a value, so no hidden blank is counted.)"""
    tests = [[criterion(values[at]) for at in firsts.tolist()] for values in flat]
    equal = [p for p, row in enumerate(tests)
             if all(t.tally_key() is not None for t in row) and len({t.kind for t in row}) == 1]
    if not equal:
        return None
    n = len(firsts)
    size = columns[0].size
    combined = np.zeros(size, dtype=np.int64)
    wanted = np.zeros(n, dtype=np.int64)
    valid = np.ones(size, dtype=bool)
    scale = 1
    for p in equal:
        lookup: dict[Any, int] = {}
        row_codes = [lookup.setdefault(t.operand, len(lookup)) for t in tests[p]]
        cell_codes = np.fromiter(map(lookup.get, _equality_keys(columns[p], tests[p][0].kind),
                                     repeat(-1)), dtype=np.int64, count=size)
        valid &= cell_codes >= 0
        combined += cell_codes * scale
        wanted += np.array(row_codes, dtype=np.int64) * scale
        scale *= max(len(lookup), 1)
        if scale > 2 ** 62:
            return None
    order = np.unique(wanted)
    position = np.full(size, -1, dtype=np.int64)
    at = np.searchsorted(order, combined[valid])
    hit = at < len(order)
    hit[hit] = order[at[hit]] == combined[valid][hit]
    position[np.flatnonzero(valid)[hit]] = at[hit]
    row_position = np.searchsorted(order, wanted)
    others = [p for p in range(len(tests)) if p not in equal]
    out = np.empty(n, dtype=object)
    by_rest: dict[tuple, list[int]] = {}
    for k in range(n):
        rest = tuple((tests[p][k].kind, tests[p][k].op, str(tests[p][k].operand)) for p in others)
        by_rest.setdefault(rest, []).append(k)
    for rows in by_rest.values():  # one mask per distinct set of the other criteria
        mask = np.ones(size, dtype=bool)
        for p in others:
            mask &= tests[p][rows[0]].mask(columns[p])
        picked = np.flatnonzero(mask & (position >= 0))
        values = _grouped_reduce(reduce, position[picked], picked, len(order), target)
        for k in rows:
            out[k] = values[row_position[k]]
    return out


def _grouped_reduce(reduce: str, group: np.ndarray, cells: np.ndarray, groups: int,
                    target: Column | None) -> list[Any]:
    """:func:`_reduce` of each group at once: ``cells`` (in order) fall in ``group``."""
    count = np.bincount(group, minlength=groups)
    if reduce == "count":
        return count.astype(np.float64).tolist()
    assert target is not None
    first_error = np.full(groups, np.iinfo(np.int64).max, dtype=np.int64)
    wrong = target.is_error[cells]
    np.minimum.at(first_error, group[wrong], cells[wrong])
    numeric = target.is_number[cells]
    g, v = group[numeric], target.numbers[cells[numeric]]
    numbers = np.bincount(g, minlength=groups)
    if reduce in ("sum", "average"):
        total = np.bincount(g, weights=v, minlength=groups).astype(np.float64)
        found = (total if reduce == "sum" else
                 [float(t / c) if c else xl_error("#DIV/0!") for t, c in zip(
                     total.tolist(), numbers.tolist(), strict=True)])
    else:
        extreme = np.full(groups, -np.inf if reduce == "max" else np.inf)
        (np.maximum if reduce == "max" else np.minimum).at(extreme, g, v)
        found = np.where(numbers > 0, extreme, 0.0)
    results = (found.astype(np.float64).tolist() if isinstance(found, np.ndarray)
               else list(found))
    for k in np.flatnonzero(first_error < np.iinfo(np.int64).max):
        results[k] = target.cells[first_error[k]]
    return results


def _key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value if not isinstance(value, XlError) else str(value))


def _reduce(reduce: str, picked: np.ndarray, target: Column | None, blanks: int) -> Any:
    """The count, sum, average, max or min of the picked cells (a mask, or positions in
    order); an error among the values picked is the result."""
    rows = np.flatnonzero(picked) if picked.dtype == bool else picked
    if reduce == "count":
        return float(rows.size + blanks)
    assert target is not None
    errors = rows[target.is_error[rows]]
    if errors.size:
        return target.cells[errors[0]]
    numbers = target.numbers[rows[target.is_number[rows]]]
    if reduce == "sum":
        return float(numbers.sum())
    if reduce in ("max", "min"):
        if not numbers.size:
            return 0.0
        return float(numbers.max() if reduce == "max" else numbers.min())
    return float(numbers.mean()) if numbers.size else xl_error("#DIV/0!")


def _fit(values: Any, shape: tuple[int, ...]) -> Any:
    """SUMIF's sum range taken from its top-left cell at the criteria range's size."""
    grid = np.asarray(values, dtype=object)
    if grid.ndim != 2 or len(shape) != 2 or grid.shape == shape:
        return values
    out = np.empty(shape, dtype=object)
    out.fill(EMPTY)  # np.full would turn the marker (a str) into text
    rows, cols = min(shape[0], grid.shape[0]), min(shape[1], grid.shape[1])
    out[:rows, :cols] = grid[:rows, :cols]
    return out.view(Array)


def _one(reduce: str) -> Callable[..., Any]:
    """COUNTIF(range, c), SUMIF(range, c, [sum range]), AVERAGEIF likewise."""
    many = _conditional(reduce, first_is_values=reduce != "count")

    def evaluate(cells: Any, criterion_: Any, values: Any = None) -> Any:
        if reduce == "count":
            return many(cells, criterion_)
        if values is None or values is EMPTY:
            return many(cells, cells, criterion_)
        if not isinstance(cells, np.ndarray):
            return xl_error("#VALUE!")
        return many(_fit(values, np.shape(cells)), cells, criterion_)

    return evaluate


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "COUNTIFS": _conditional("count", first_is_values=False),
    "SUMIFS": _conditional("sum", first_is_values=True),
    "AVERAGEIFS": _conditional("average", first_is_values=True),
    "MAXIFS": _conditional("max", first_is_values=True),
    "MINIFS": _conditional("min", first_is_values=True),
    "COUNTIF": _one("count"),
    "SUMIF": _one("sum"),
    "AVERAGEIF": _one("average"),
}
