"""Number parsing in one place: cell values to floats, blanks to NaN, text to an error.

Cells arrive as numbers, numpy arrays, DataFrame columns or the mixed lists Excel hands
over. Numbers pass; blank cells (``None``, ``""``, ``NaN``) become ``NaN``; numeric text
such as ``"1,234"`` or ``"43%"`` (0.43) is read as a person would read it. Anything else
(``"FALSE"``, ``True``, ``"n/a"``, infinities) raises :class:`~xlkpi.errors.KpiError`
naming the argument and the first bad element, with ``mask`` marking all of them.
"""

from __future__ import annotations

import re
import sys
from itertools import repeat
from typing import Any

import numpy as np

from xlkpi.dates import as_array, bad_input

__all__ = ["parse_numbers"]

_NUMERIC_TEXT = (
    r"^\s*(?P<num>[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"
    r"\s*(?P<pct>%?)\s*$"
)


_PATTERN = re.compile(_NUMERIC_TEXT)
#: a cell's type -> what it is (types not listed are asked of :func:`_kind`)
_BLANK, _NUMBER, _TEXT, _BAD = 0, 1, 2, 3
_KINDS: dict[type, int] = {type(None): _BLANK, float: _NUMBER, int: _NUMBER, str: _TEXT,
                           bool: _BAD, np.float64: _NUMBER, np.int64: _NUMBER,
                           np.bool_: _BAD, np.str_: _TEXT}


def _read_text(text: str) -> float:
    """One numeric text as a number: NaN for blank text, None when it is not one."""
    if not text.strip():
        return np.nan
    found = _PATTERN.match(text)
    digits = found["num"].replace(",", "") if found else ""
    if not digits.strip("+-"):
        return None
    try:
        value = float(digits)
    except ValueError:
        return None
    return value / 100.0 if found["pct"] else value


def _from_text(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Numeric texts to floats: (values, bad); blank text is NaN. Each distinct text is
    read once."""
    read = {text: _read_text(text) for text in dict.fromkeys(texts)}  # distinct texts
    got = np.fromiter((np.nan if v is None else v for v in map(read.__getitem__, texts)),
                      dtype=np.float64, count=len(texts))
    bad = np.fromiter(map(read.get, texts), dtype=object, count=len(texts))
    return got, np.equal(bad, None)


def _kind(value: Any) -> int:
    pd = sys.modules.get("pandas")
    if value is None or (pd is not None and value is pd.NaT):
        return _BLANK
    if isinstance(value, bool | np.bool_):
        return _BAD
    if isinstance(value, int | float | np.integer | np.floating):
        return _NUMBER
    if isinstance(value, str):
        return _TEXT
    return _BAD


def parse_numbers(values: Any, name: str = "value") -> np.ndarray:
    """Cell values as a float array of the same shape (0-d for a scalar), NaN for blanks."""
    arr = as_array(values)
    kind = arr.dtype.kind
    if kind in "iuf":
        out = arr.astype(np.float64)
        bad = np.isinf(out)
    elif kind == "b":
        out, bad = np.full(arr.shape, np.nan), np.ones(arr.shape, dtype=bool)
    elif kind in "US":
        out, bad = _from_text(arr.ravel().astype(str).tolist())
        out, bad = out.reshape(arr.shape), bad.reshape(arr.shape)
    else:
        flat = arr.ravel().astype(object)
        kinds = np.fromiter(map(_KINDS.get, map(type, flat), repeat(-1)), dtype=np.int8,
                            count=len(flat))
        for i in np.flatnonzero(kinds < 0):  # other types (NaT, numpy's other numbers): few
            kinds[i] = _kind(flat[i])
        out = np.full(flat.shape, np.nan)
        bad = kinds == _BAD
        num = kinds == _NUMBER
        out[num] = flat[num].astype(np.float64)
        bad[num] = np.isinf(out[num])
        text = np.flatnonzero(kinds == _TEXT)
        if len(text):
            out[text], bad[text] = _from_text(flat[text].tolist())
        out, bad = out.reshape(arr.shape), bad.reshape(arr.shape)
    if bad.any():
        raise bad_input(name, arr, bad, "is not a number")
    return np.where(bad, np.nan, out)
