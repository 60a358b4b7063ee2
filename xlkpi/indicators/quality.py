"""Data-quality checks shared by every return reader, over whole columns.

Readers parse a column with :func:`parse_days` (or :func:`parse_flags`), then record each
rule's bad rows with :meth:`Checks.add`, which returns the mask so the reader can leave
those records out of the tables they would distort. Values are shown in a finding only
when they cannot identify a child (:func:`xlkpi.privacy.shown_value`), and never for a
field the reader marks as identifying.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from xlkpi.indicators.reading import RULES, Finding
from xlkpi.privacy import shown_value

__all__ = ["FLAGS", "Checks", "by_unique", "parse_days", "parse_flags", "parse_ints"]

#: Accepted spellings of a yes/no flag (lower case); blank is False.
FLAGS: dict[str, bool] = {"true": True, "1": True, "yes": True, "y": True,
                          "false": False, "0": False, "no": False, "n": False}

_FIRST = np.datetime64("1900-01-01", "D")
_ISO = "%Y-%m-%d"
_UK = "%d/%m/%Y"


def _blank(values: np.ndarray) -> np.ndarray:
    return pd.isna(values) | (pd.Series(values, dtype=object).astype(str).str.strip()
                              == "").to_numpy()


#: Types whose equal values are the same value to every parser here (``1 == 1.0 ==
#: True`` and ``0.0 == -0.0`` are not, nor aware datetimes of different offsets).
_SAME_WHEN_EQUAL = (str, int, bool, dt.date, dt.time)
#: :func:`pandas.api.types.infer_dtype` answers for arrays of text only (NA allowed)
_ALL_TEXT = ("string", "empty")


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) of an object array: ``values[i]`` is ``uniques[codes[i]]``, NA
    (None, NaN, NaT) is code -1. Values that are equal but could parse differently (``1``
    and ``True``, ``1`` and ``1.0``, ``0.0`` and ``-0.0``) stay apart: each type is
    factorised on its own, and values of other types are kept one by one (every value,
    when there are timezone-aware datetimes or times)."""
    if pd.api.types.infer_dtype(values, skipna=True) in _ALL_TEXT:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=object)
    na = pd.isna(values)
    types = pd.Series(values, dtype=object).map(type).to_numpy(dtype=object)
    type_codes, kinds = pd.factorize(np.where(na, None, types), use_na_sentinel=True)
    codes = np.full(len(values), -1, dtype=np.int64)
    parts: list[np.ndarray] = []
    offset = 0
    for index, kind in enumerate(kinds):
        rows = np.flatnonzero(type_codes == index)
        group = values[rows]
        if issubclass(kind, (dt.datetime, dt.time)) and any(
                v.tzinfo is not None for v in group):  # pandas reads a mix of these
            return np.arange(len(values)), values     # by position: all as they are
        if issubclass(kind, _SAME_WHEN_EQUAL):
            found, uniques = pd.factorize(group, use_na_sentinel=True)
            uniques = np.asarray(uniques, dtype=object)
        else:
            found, uniques = np.arange(len(group)), group
        codes[rows] = found + offset
        parts.append(uniques)
        offset += len(uniques)
    return codes, (np.concatenate(parts) if parts else np.array([], dtype=object))


def by_unique(values: Iterable, parse: Callable[[np.ndarray], tuple[np.ndarray, ...]]
              ) -> tuple[np.ndarray, ...]:
    """``parse`` (an element-wise parser returning a tuple of arrays) run once per distinct
    value, its results spread back to every value. Dates, codes and flags repeat heavily
    (a few thousand distinct values in a column of 100,000), so this is most of the
    speed of the readers. NA values are parsed as ``None``."""
    values = np.asarray(list(values) if not isinstance(values, np.ndarray) else values,
                        dtype=object)
    codes, uniques = _distinct(values)
    parsed = parse(np.append(uniques, np.array([None], dtype=object)))
    return tuple(p[codes] for p in parsed)  # code -1 takes the appended None


def parse_days(values: Iterable, formats: tuple[str, ...] = (_ISO, _UK)
               ) -> tuple[np.ndarray, np.ndarray]:
    """Dates as ``datetime64[D]`` and the mask of non-blank values that are not dates.

    Text is tried in each of ``formats`` in turn (ISO ``yyyy-mm-dd`` and UK
    ``dd/mm/yyyy`` by default; a time part after the date is ignored). ``datetime``
    objects (an Annex A cell) are taken as they are. Dates before 1900 are not dates.
    """
    days, bad = by_unique(values, lambda unique: _parse_days(unique, formats))
    return days, bad


def _parse_days(values: np.ndarray, formats: tuple[str, ...]
                ) -> tuple[np.ndarray, np.ndarray]:
    days = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    blank = _blank(values)
    text = pd.Series(values, dtype=object)
    is_obj = text.map(lambda v: hasattr(v, "year") and hasattr(v, "month")).to_numpy(bool)
    if is_obj.any():
        days[is_obj] = pd.to_datetime(text[is_obj], errors="coerce").to_numpy().astype(
            "datetime64[D]")
    todo = ~blank & ~is_obj
    if todo.any():
        words = text[todo].astype(str).str.strip().str.split(r"[ T]", n=1, regex=True).str[0]
        found = np.full(int(todo.sum()), np.datetime64("NaT"), dtype="datetime64[D]")
        for fmt in formats:
            missing = np.isnat(found)
            if not missing.any():
                break
            found[missing] = pd.to_datetime(words[missing], format=fmt,
                                            errors="coerce").to_numpy().astype("datetime64[D]")
        days[todo] = found
    bad = ~blank & (np.isnat(days) | (days < _FIRST))
    days[bad] = np.datetime64("NaT")
    return days, bad


def parse_flags(values: Iterable) -> tuple[np.ndarray, np.ndarray]:
    """Yes/no flags (:data:`FLAGS`, ``a) Yes`` prefixes allowed) and the mask of bad ones."""
    flags, bad = by_unique(np.asarray(values, dtype=object), _parse_flags)
    return flags, bad


def _parse_flags(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    text = pd.Series(np.asarray(values, dtype=object), dtype=object).fillna("").astype(str)
    text = text.str.strip().str.lower().str.replace(r"^[a-z]\)\s*", "", regex=True)
    known = text.map(FLAGS)
    bad = (text != "").to_numpy() & known.isna().to_numpy()
    return known.eq(True).to_numpy(dtype=bool), bad


def parse_ints(values: Iterable) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers (``-1`` when blank) and the mask of values that are not one."""
    numbers, bad = by_unique(np.asarray(values, dtype=object), _parse_ints)
    return numbers, bad


def _parse_ints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    text = pd.Series(np.asarray(values, dtype=object), dtype=object).fillna("").astype(str)
    text = text.str.strip()
    number = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    blank = (text == "").to_numpy()
    whole = np.isfinite(number) & (number == np.round(number))
    bad = ~blank & ~whole
    return np.where(whole, number, -1).astype(np.int64), bad


class Checks:
    """The findings of one file, added rule by rule over whole columns."""

    def __init__(self, source: str, file: str,
                 locate: Callable[[np.ndarray], Iterable[str]]) -> None:
        """``locate(rows)`` gives the locator text of each row position."""
        self.source = source
        self.file = file
        self.locate = locate
        self.findings: list[Finding] = []

    def add(self, bad: np.ndarray, field: str, rule: str, tables: tuple[str, ...],
            values: Iterable | None = None, codes: bool = False) -> np.ndarray:
        """Record one finding per True row of ``bad``; returns ``bad``.

        ``values`` are the raw values of the field, shown when they cannot identify a
        child (dates, numbers, flags; short codes too when ``codes``); leave it ``None``
        for identifying fields (IDs, UPNs, postcodes, birth dates).
        """
        if rule not in RULES:
            raise ValueError(f"unknown data-quality rule {rule!r}")
        rows = np.flatnonzero(bad)
        if not len(rows):
            return bad
        shown = [""] * len(rows)
        if values is not None:
            raw = np.asarray(values, dtype=object)[rows]
            shown = [_shown(v, codes) for v in raw]
        self.findings.extend(
            Finding(self.file, where, field, rule, value, tables, self.source)
            for where, value in zip(self.locate(rows), shown, strict=True))
        return bad


_SHOWABLE = re.compile(r"[0-9]{1,4}(?:[ /.\-:T][0-9]{1,4}){0,5}|-?[0-9]+(?:\.[0-9]+)?|"
                       r"(?i:true|false|yes|no|y|n)")
_CODE = re.compile(r"[A-Za-z0-9]{1,4}")


def _shown(value: object, codes: bool) -> str:
    """The value for a report, or "" when it could identify someone: dates, numbers and
    flags are shown; other text only in a code field (up to 4 letters or digits, such as
    ``RB`` or ``X1``), never a word that could be a name typed into the wrong cell."""
    if value is None:
        return ""
    text = str(value).strip()
    if codes and _CODE.fullmatch(text):
        return text
    if shown_value(text).startswith("a value") or not _SHOWABLE.fullmatch(text):
        return ""
    return text
