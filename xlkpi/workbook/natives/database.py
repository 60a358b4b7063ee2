"""Excel's database functions: DAVERAGE, DCOUNT, DCOUNTA, DGET, DMAX, DMIN, DPRODUCT,
DSTDEV, DSTDEVP, DSUM, DVAR, DVARP.

``Dxxx(database, field, criteria)``, as Excel reads it:

- the database's first row holds the field names; it needs at least one record below;
- the field is a name (matched to the headers ignoring case, as text: a header TRUE is
  the name "TRUE") or a 1-based column number (truncated; out of range is #VALUE!);
- the criteria range's first row names fields, each row below is one condition set: the
  cells of a row must all hold (AND), a record is kept when any row holds (OR). A blank
  criteria cell sets no condition (a blank row keeps every record); a criterion under a
  header that names no field keeps nothing. Criteria are read as COUNTIF reads them
  (:mod:`xlkpi.workbook.criteria`), except that text without an operator matches the
  values that begin with it;
- the function then works on the kept records' values in the field: numbers only
  (DCOUNTA: every non-blank value; DGET: the one value, #VALUE! for none and #NUM! for
  several).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.criteria import Column, criterion
from xlkpi.workbook.natives.base import EMPTY, text, xl_error
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS"]


class _RefusedError(Exception):
    """The function's arguments give an Excel error (``code``)."""

    def __init__(self, code: str = "#VALUE!") -> None:
        super().__init__(code)
        self.code = code


def _grid(value: Any) -> np.ndarray:
    grid = np.asarray(value, dtype=object)
    if grid.ndim != 2:
        raise _RefusedError()
    return grid


def _name(value: Any) -> str | None:
    """A header cell as a field name (None for a blank or an error)."""
    if value is EMPTY or value is None or isinstance(value, XlError):
        return None
    return text(value).strip().lower()


def _field(database: np.ndarray, field: Any) -> int | None:
    """The column the field names (None: omitted, every kept record counts)."""
    if field is EMPTY or field is None:
        return None
    if isinstance(field, np.ndarray):
        if field.size != 1:
            raise _RefusedError()
        field = field.ravel()[0]
        if field is EMPTY:
            raise _RefusedError()
    if isinstance(field, XlError):
        raise _RefusedError(str(field))
    if isinstance(field, str):
        wanted = field.strip().lower()
        for col, header in enumerate(database[0].tolist()):
            if _name(header) == wanted:
                return col
        raise _RefusedError()
    number = float(field)
    if not math.isfinite(number) or not 1 <= int(number) <= database.shape[1]:
        raise _RefusedError()
    return int(number) - 1


def _kept(database: np.ndarray, criteria: np.ndarray) -> np.ndarray:
    """Which records (rows below the header) meet the criteria range."""
    records = database.shape[0] - 1
    headers = {}
    for col, header in enumerate(database[0].tolist()):
        headers.setdefault(_name(header), col)
    columns: dict[int, Column] = {}
    kept = np.zeros(records, bool)
    if criteria.shape[0] < 2:
        return kept
    for row in criteria[1:]:
        mask = np.ones(records, bool)
        for col, value in enumerate(row.tolist()):
            if value is EMPTY or value is None or value == "":
                continue
            name = _name(criteria[0, col])
            at = headers.get(name) if name is not None else None
            if at is None:
                mask[:] = False
                break
            if at not in columns:
                columns[at] = Column(database[1:, at])
            mask &= criterion(value, database=True).mask(columns[at])
        kept |= mask
    return kept


def _values(database: Any, field: Any, criteria: Any) -> tuple[list[Any], bool]:
    """The kept records' values in the field (and whether the field was given)."""
    db = _grid(database)
    if db.shape[0] < 2:
        raise _RefusedError()
    col = _field(db, field)
    kept = _kept(db, _grid(criteria))
    if col is None:
        return [True] * int(kept.sum()), False
    return db[1:, col][kept].tolist(), True


def _numbers(found: list[Any]) -> list[float]:
    return [float(v) for v in found if isinstance(v, float | int | np.number)
            and not isinstance(v, bool | np.bool_)]


def _database(reduce: Callable[[list[Any], bool], Any]) -> Callable[..., Any]:
    def evaluate(database: Any, field: Any, criteria: Any) -> Any:
        try:
            found, given = _values(database, field, criteria)
            result = reduce(found, given)
        except _RefusedError as err:
            return xl_error(err.code)
        if isinstance(result, float) and not math.isfinite(result):
            return xl_error("#NUM!")
        return result

    evaluate.__name__ = reduce.__name__.lstrip("_").upper()
    return evaluate


def _dcount(found: list[Any], given: bool) -> float:
    return float(len(_numbers(found)) if given else len(found))


def _dcounta(found: list[Any], given: bool) -> float:
    return float(sum(1 for v in found if v is not EMPTY and v is not None))


def _dsum(found: list[Any], given: bool) -> float:
    return math.fsum(_numbers(found))


def _dproduct(found: list[Any], given: bool) -> float:
    numbers = _numbers(found)
    return math.prod(numbers) if numbers else 0.0


def _daverage(found: list[Any], given: bool) -> Any:
    numbers = _numbers(found)
    return math.fsum(numbers) / len(numbers) if numbers else xl_error("#DIV/0!")


def _dmax(found: list[Any], given: bool) -> float:
    numbers = _numbers(found)
    return max(numbers) if numbers else 0.0


def _dmin(found: list[Any], given: bool) -> float:
    numbers = _numbers(found)
    return min(numbers) if numbers else 0.0


def _dget(found: list[Any], given: bool) -> Any:
    if not found:
        return xl_error("#VALUE!")
    if len(found) > 1:
        return xl_error("#NUM!")
    value = found[0]
    return 0.0 if value is EMPTY or value is None else value


def _variance(sample: bool, root: bool) -> Callable[[list[Any], bool], Any]:
    def reduce(found: list[Any], given: bool) -> Any:
        numbers = _numbers(found)
        if len(numbers) < (2 if sample else 1):
            return xl_error("#DIV/0!")
        mean = math.fsum(numbers) / len(numbers)
        spread = math.fsum((v - mean) ** 2 for v in numbers) / (len(numbers) - sample)
        return math.sqrt(spread) if root else spread

    reduce.__name__ = f"_d{'stdev' if root else 'var'}{'' if sample else 'p'}"
    return reduce


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "DAVERAGE": _database(_daverage),
    "DCOUNT": _database(_dcount),
    "DCOUNTA": _database(_dcounta),
    "DGET": _database(_dget),
    "DMAX": _database(_dmax),
    "DMIN": _database(_dmin),
    "DPRODUCT": _database(_dproduct),
    "DSTDEV": _database(_variance(sample=True, root=True)),
    "DSTDEVP": _database(_variance(sample=False, root=True)),
    "DSUM": _database(_dsum),
    "DVAR": _database(_variance(sample=True, root=False)),
    "DVARP": _database(_variance(sample=False, root=False)),
}
