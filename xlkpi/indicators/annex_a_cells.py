"""Parse the cell values of an Annex A list (:mod:`annex_a`) by the kind of each field.

Dates are real Excel dates, text dates (:data:`TEXT_DATE_FORMATS`) or Excel serial
numbers (a date cell that lost its format) up to 2100; ``#N/A`` and the other Excel error
values (:data:`ERROR_VALUES`) are blank. Codes lose the template's ``a) `` prefix and keep
the DfE code of "code: label" values ("q) 6: Police" -> "6"); categories of abuse become
NEG/PHY/SAB/EMO/MUL; gender becomes M/F/U/N. Flags and whole numbers are parsed as
:mod:`quality` parses them. Each parser gives the mask of non-blank cells it could not
read; what to do about them is the caller's (:func:`annex_a.read`).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import methodcaller

import numpy as np
import pandas as pd

from xlkpi.indicators.annex_a_headings import (
    CASE_STATUSES,
    CATEGORIES,
    CODE_PATTERN,
    ERROR_VALUES,
    FIELDS,
    LISTS,
    PREFIX_PATTERN,
    SEX,
    TEXT_DATE_FORMATS,
)
from xlkpi.indicators.quality import by_unique, parse_days, parse_flags, parse_ints

__all__ = ["Parsed", "blank_cells", "cell_codes", "cell_dates", "cell_text", "parse_list"]

#: Excel's day 0 (serial numbers in a date column without a date format)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_LAST_SERIAL = 73415  # 2100-12-31
_NBSP = methodcaller("replace", "\xa0", " ")
#: the text dtype pandas gives ``astype(str)`` (NaN for missing)
_STR = pd.Series([""], dtype=object).astype(str).dtype


def _cells(values: pd.Series | np.ndarray) -> np.ndarray:
    return (values.to_numpy(dtype=object) if isinstance(values, pd.Series) else
            np.asarray(values, dtype=object))


def _text_blank(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cell_text` and :func:`blank_cells` of each value (run once per distinct
    value). Text alone (the usual list) takes Python's own string methods, as pandas'
    ``astype(str).str`` chain does value by value."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        na = pd.isna(values)
        size = len(values)
        text = np.fromiter(map(str.strip, map(_NBSP, np.where(na, "", values))),
                           dtype=object, count=size)
        upper = np.fromiter(map(str.upper, text), dtype=object, count=size)
        blank = na | (upper == "") | np.fromiter(map(ERROR_VALUES.__contains__, upper),
                                                dtype=bool, count=size)
        return np.where(blank, "", text), blank
    cells = pd.Series(values, dtype=object)
    text = cells.astype(str).str.replace("\xa0", " ").str.strip()
    upper = text.str.upper()
    blank = (cells.isna() | upper.eq("") | upper.isin(ERROR_VALUES)).to_numpy(bool)
    return text.where(~blank, "").to_numpy(dtype=object), blank


def _blank(values: np.ndarray) -> tuple[np.ndarray]:
    return _text_blank(values)[1],


def _text(values: np.ndarray) -> tuple[np.ndarray]:
    return _text_blank(values)[0],


def _dates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cell_dates` of each value (run once per distinct value)."""
    cells = pd.Series(values, dtype=object)
    cells = cells.mask(_blank(values)[0], None)
    numeric = cells.map(type).isin((int, float)).to_numpy(bool)  # not bool, not text
    days, bad = parse_days(cells.where(~numeric, None).to_numpy(dtype=object),
                           TEXT_DATE_FORMATS)
    if numeric.any():
        serial = cells[numeric].astype(float).to_numpy()
        ok = (serial >= 1) & (serial <= _LAST_SERIAL) & (serial == np.floor(serial))
        where = np.flatnonzero(numeric)
        days[where[ok]] = _EXCEL_EPOCH + serial[ok].astype("timedelta64[D]")
        bad[where[~ok]] = True
    return days, bad


def blank_cells(values: pd.Series) -> np.ndarray:
    """Cells that hold nothing: empty, spaces, or an Excel error value (:data:`ERROR_VALUES`)."""
    return by_unique(_cells(values), _blank)[0]


def cell_text(values: pd.Series) -> pd.Series:
    """Cell values as trimmed text ("" for blanks and Excel errors)."""
    text = by_unique(_cells(values), _text)[0]
    return pd.Series(text, index=values.index, name=values.name, dtype=_STR)


def cell_dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates (``datetime64[D]``) and the mask of non-blank cells that are not dates.

    Real Excel dates are taken as they are; text in :data:`TEXT_DATE_FORMATS`; a number is
    an Excel serial day (a date cell that lost its format) up to 2100.
    """
    days, bad = by_unique(_cells(values), _dates)
    return days, bad


def _codes(text: pd.Series, kind: str) -> pd.Series:
    """:func:`cell_codes` of each value (run once per distinct value)."""
    plain = text.str.replace(PREFIX_PATTERN, "", regex=True).str.strip()
    if kind == "sex":
        return plain.str.lower().map(SEX).fillna(plain)
    if kind == "category":
        return plain.str.lower().map(CATEGORIES).fillna(plain)
    if kind == "status":
        return plain.str.lower().str.strip(" .").map(CASE_STATUSES).fillna(plain)
    if kind == "code":
        return plain.str.extract(CODE_PATTERN, expand=False).fillna(plain)
    return plain


def cell_codes(text: pd.Series, kind: str) -> pd.Series:
    """Codes without the template's "a) " prefix; "6: Police" -> "6"; categories coded."""
    if text.dtype != _STR or text.isna().any():  # not cell_text's: as it comes
        return _codes(text, kind)
    codes, uniques = pd.factorize(text.to_numpy(dtype=object), use_na_sentinel=False)
    found = _codes(pd.Series(uniques, dtype=_STR, name=text.name), kind)
    return pd.Series(found.to_numpy(dtype=object)[codes], index=text.index,
                     name=found.name, dtype=found.dtype)


@dataclass
class Parsed:
    """One list's values parsed by kind, and each field's bad-row mask."""

    values: dict[str, np.ndarray]
    bad: dict[str, np.ndarray]
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def _by_kind(text: np.ndarray, kind: str) -> tuple[np.ndarray, ...]:
    """Cell text (:func:`cell_text`) parsed by the kind of its field: the values, and the
    bad mask for flags and whole numbers."""
    if kind == "flag":
        return parse_flags(text)
    if kind == "int":
        return parse_ints(text)
    if kind in ("sex", "category", "code", "status"):
        return cell_codes(pd.Series(text, dtype=_STR), kind).to_numpy(dtype=object),
    return text,


def parse_list(number: int, raw: pd.DataFrame) -> Parsed:
    """List ``number``'s raw cell values (one column per field found) parsed by kind."""
    values: dict[str, np.ndarray] = {}
    bad: dict[str, np.ndarray] = {}
    for field in FIELDS[number]:
        if field.name not in raw:
            continue
        column = raw[field.name]
        if field.kind in ("date", "birth"):
            values[field.name], bad[field.name] = cell_dates(column)
            continue
        parsed = by_unique(_cells(column), lambda unique, kind=field.kind: _by_kind(
            _text_blank(unique)[0], kind))  # text, then its kind: once per distinct cell
        values[field.name] = parsed[0]
        if len(parsed) > 1:
            bad[field.name] = parsed[1]
    ident = values.get(LISTS[number].ident, np.full(len(raw), "", dtype=object))
    return Parsed(values, bad, ident)
