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

import numpy as np
import pandas as pd

from xlkpi.indicators.annex_a_headings import (
    CATEGORIES,
    CODE_PATTERN,
    ERROR_VALUES,
    FIELDS,
    LISTS,
    PREFIX_PATTERN,
    SEX,
    TEXT_DATE_FORMATS,
)
from xlkpi.indicators.quality import parse_days, parse_flags, parse_ints

__all__ = ["Parsed", "blank_cells", "cell_codes", "cell_dates", "cell_text", "parse_list"]

#: Excel's day 0 (serial numbers in a date column without a date format)
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_LAST_SERIAL = 73415  # 2100-12-31


def blank_cells(values: pd.Series) -> np.ndarray:
    """Cells that hold nothing: empty, spaces, or an Excel error value (:data:`ERROR_VALUES`)."""
    text = values.astype(str).str.replace("\xa0", " ").str.strip().str.upper()
    return (values.isna() | text.eq("") | text.isin(ERROR_VALUES)).to_numpy(bool)


def cell_text(values: pd.Series) -> pd.Series:
    """Cell values as trimmed text ("" for blanks and Excel errors)."""
    text = values.astype(str).str.replace("\xa0", " ").str.strip()
    return text.where(~blank_cells(values), "")


def cell_dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates (``datetime64[D]``) and the mask of non-blank cells that are not dates.

    Real Excel dates are taken as they are; text in :data:`TEXT_DATE_FORMATS`; a number is
    an Excel serial day (a date cell that lost its format) up to 2100.
    """
    values = values.mask(blank_cells(values), None)
    numeric = values.map(type).isin((int, float)).to_numpy(bool)  # not bool, not text
    days, bad = parse_days(values.where(~numeric, None).to_numpy(dtype=object),
                           TEXT_DATE_FORMATS)
    if numeric.any():
        serial = values[numeric].astype(float).to_numpy()
        ok = (serial >= 1) & (serial <= _LAST_SERIAL) & (serial == np.floor(serial))
        where = np.flatnonzero(numeric)
        days[where[ok]] = _EXCEL_EPOCH + serial[ok].astype("timedelta64[D]")
        bad[where[~ok]] = True
    return days, bad


def cell_codes(text: pd.Series, kind: str) -> pd.Series:
    """Codes without the template's "a) " prefix; "6: Police" -> "6"; categories coded."""
    plain = text.str.replace(PREFIX_PATTERN, "", regex=True).str.strip()
    if kind == "sex":
        return plain.str.lower().map(SEX).fillna(plain)
    if kind == "category":
        return plain.str.lower().map(CATEGORIES).fillna(plain)
    if kind == "code":
        return plain.str.extract(CODE_PATTERN, expand=False).fillna(plain)
    return plain


@dataclass
class Parsed:
    """One list's values parsed by kind, and each field's bad-row mask."""

    values: dict[str, np.ndarray]
    bad: dict[str, np.ndarray]
    ids: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


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
        text = cell_text(column)
        if field.kind == "flag":
            values[field.name], bad[field.name] = parse_flags(text.to_numpy(dtype=object))
        elif field.kind == "int":
            values[field.name], bad[field.name] = parse_ints(text.to_numpy(dtype=object))
        elif field.kind in ("sex", "category", "code"):
            values[field.name] = cell_codes(text, field.kind).to_numpy(dtype=object)
        else:
            values[field.name] = text.to_numpy(dtype=object)
    ident = values.get(LISTS[number].ident, np.full(len(raw), "", dtype=object))
    return Parsed(values, bad, ident)
