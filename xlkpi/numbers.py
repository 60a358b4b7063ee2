"""Number parsing in one place: cell values to floats, blanks to NaN, text to an error.

Cells arrive as numbers, numpy arrays, DataFrame columns or the mixed lists Excel hands
over. Numbers pass; blank cells (``None``, ``""``, ``NaN``) become ``NaN``; numeric text
such as ``"1,234"`` or ``"43%"`` (0.43) is read as a person would read it. Anything else
(``"FALSE"``, ``True``, ``"n/a"``, infinities) raises :class:`~xlkpi.errors.KpiError`
naming the argument and the first bad element, with ``mask`` marking all of them.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from xlkpi.dates import as_array, bad_input

__all__ = ["parse_numbers"]

_NUMERIC_TEXT = (
    r"^\s*(?P<num>[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"
    r"\s*(?P<pct>%?)\s*$"
)


def _from_text(text: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numeric text (a pandas Series of str) to floats: (values, blank, bad)."""
    import pandas as pd

    s = text.astype(str)
    blank = (s.str.strip() == "").to_numpy()
    parts = s.str.extract(_NUMERIC_TEXT)
    digits = parts["num"].fillna("").str.replace(",", "", regex=False)
    values = pd.to_numeric(digits.where(digits != ""), errors="coerce").to_numpy(np.float64)
    values = np.where(parts["pct"].fillna("").to_numpy() == "%", values / 100.0, values)
    bad = ~blank & np.isnan(values)
    return np.where(blank, np.nan, values), blank, bad


def _kind(value: Any) -> str:
    pd = sys.modules.get("pandas")
    if value is None or (pd is not None and value is pd.NaT):
        return "blank"
    if isinstance(value, bool | np.bool_):
        return "bad"
    if isinstance(value, int | float | np.integer | np.floating):
        return "number"
    if isinstance(value, str):
        return "text"
    return "bad"


def parse_numbers(values: Any, name: str = "value") -> np.ndarray:
    """Cell values as a float array of the same shape (0-d for a scalar), NaN for blanks."""
    import pandas as pd  # text and mixed cells are parsed with pandas' string methods

    arr = as_array(values)
    kind = arr.dtype.kind
    if kind in "iuf":
        out = arr.astype(np.float64)
        bad = np.isinf(out)
    elif kind == "b":
        out, bad = np.full(arr.shape, np.nan), np.ones(arr.shape, dtype=bool)
    elif kind in "US":
        out, _blank, bad = _from_text(pd.Series(arr.ravel().astype(str)))
        out, bad = out.reshape(arr.shape), bad.reshape(arr.shape)
    else:
        flat = pd.Series(arr.ravel(), dtype=object)
        kinds = flat.map(_kind).to_numpy()
        out = np.full(flat.shape, np.nan)
        bad = kinds == "bad"
        num = kinds == "number"
        out[num] = flat[num].to_numpy(np.float64)
        bad[num] = np.isinf(out[num])
        text = kinds == "text"
        if text.any():
            got, _blank, b = _from_text(flat[text])
            out[text], bad[text] = got, b
        out, bad = out.reshape(arr.shape), bad.reshape(arr.shape)
    if bad.any():
        raise bad_input(name, arr, bad, "is not a number")
    return np.where(bad, np.nan, out)
