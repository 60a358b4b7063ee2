"""RAG ratings: tolerance thresholds, distance from target, and methodology text.

Three ways scorecards rate a value Green, Amber or Red, each over whole columns:

- :func:`rag` (``KPI_RAG``): the county report's Red and Green tolerance columns.
- :func:`rag_target` (``KPI_RAG_TARGET``): how far the value is from its target.
- :func:`rag_from_text` (``KPI_RAG_TEXT``): the improvement board's "RAG Methodology"
  sentence, read by :mod:`xlkpi.bands`.

Blank in gives blank out; so does a polarity of ``Info``, ``N/A`` or blank (no judgement).
Results are the words ``Green`` / ``Amber`` / ``Red``, or ``None`` for a blank cell.
A value exactly on a threshold (to nine significant figures, so 4/5 computed as
0.7999999999999999 still meets an 80% threshold) counts as meeting it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.bands import OUTSIDE, Band, BandError, compile_bands, parse_bands
from xlkpi.calendar import _wrap
from xlkpi.dates import as_array, bad_input
from xlkpi.errors import NA, KpiError
from xlkpi.numbers import parse_numbers
from xlkpi.polarity import (
    AMBER,
    BLANK,
    GREEN,
    HIGH,
    LOW,
    RED,
    STATUS_NAMES,
    TO_TARGET,
    polarity_codes,
    refuse_to_target,
)
from xlkpi.uniques import factorize

__all__ = [
    "DEFAULT_TOLERANCE",
    "Band",
    "BandError",
    "parse_bands",
    "rag",
    "rag_from_text",
    "rag_target",
]

#: KPI_RAG_TARGET's default: Amber within 10% of the target.
DEFAULT_TOLERANCE = 0.1
#: Relative slack at a threshold, for float noise in computed percentages.
_SLACK = 1e-9
#: Status words by code, for fancy-indexing code arrays into words.
_NAMES = np.array([STATUS_NAMES[c] for c in (BLANK, GREEN, AMBER, RED)], dtype=object)
_TEXT_HINT = ("is not a RAG methodology text (write bands like "
              "'90% or above Green 85%-89% Amber 84% and below Red')")


def _slack(threshold: np.ndarray) -> np.ndarray:
    return _SLACK * np.maximum(np.abs(np.nan_to_num(threshold)), 1.0)


def _words(status: np.ndarray) -> np.ndarray:
    """Status codes as words, in an object array of the same shape (0-d for a scalar)."""
    return np.asarray(_NAMES[status], dtype=object)


def rag(value: Any, polarity: Any, red: Any, green: Any) -> Any:
    """The county report's RAG from its Red and Green tolerance columns.

    High is better: Green when value >= green, Red when value < red, else Amber.
    Low is better: Green when value <= green, Red when value > red, else Amber.
    Info / N/A / blank polarity, a blank value or a blank threshold give a blank.
    ``To Target`` has no target here and is an error for that cell (use
    :func:`rag_target`). Green is checked first, so swapped thresholds never give Red
    to a value that meets the Green one.
    """
    codes = polarity_codes(polarity)
    refuse_to_target(polarity, codes, "KPI_RAG")
    v = parse_numbers(value, "value")
    r = parse_numbers(red, "red")
    g = parse_numbers(green, "green")
    v, p, r, g = np.broadcast_arrays(v, codes, r, g)
    high, low = p == HIGH, p == LOW
    with np.errstate(invalid="ignore"):
        is_green = (high & (v >= g - _slack(g))) | (low & (v <= g + _slack(g)))
        is_red = (high & (v < r - _slack(r))) | (low & (v > r + _slack(r)))
    blank = np.isnan(v) | np.isnan(r) | np.isnan(g) | ~(high | low)
    status = np.select([blank, is_green, is_red], [BLANK, GREEN, RED], AMBER)
    return _wrap(_words(status), (value, polarity, red, green))


def rag_target(value: Any, target: Any, polarity: Any,
               tolerance: Any = DEFAULT_TOLERANCE) -> Any:
    """RAG by distance from target; ``tolerance`` is a fraction of the target (0.1 = 10%).

    High is better: Green when value >= target, Amber when within tolerance below it,
    Red further below. Low is better: the mirror (Green at or under target).
    To Target (closeness either side): Green within tolerance of the target either side,
    Amber within twice the tolerance, Red beyond. A target of 0 leaves no Amber band.
    A blank tolerance takes the default; a tolerance above 1.5 is read as percentage
    points (10 is 10%). Info / N/A / blank polarity, blank value or target give a blank.
    """
    codes = polarity_codes(polarity)
    v = parse_numbers(value, "value")
    t = parse_numbers(target, "target")
    tol = parse_numbers(tolerance, "tolerance")
    negative = tol < 0
    if negative.any():
        raise bad_input("tolerance", as_array(tolerance), negative,
                        "must be a fraction of the target of 0 or more (0.1 is 10%)")
    tol = np.where(np.isnan(tol), DEFAULT_TOLERANCE, tol)
    tol = np.where(tol > 1.5, tol / 100, tol)
    v, p, t, tol = np.broadcast_arrays(v, codes, t, tol)
    width = tol * np.abs(t)
    s = _slack(t)
    high, low, near = p == HIGH, p == LOW, p == TO_TARGET
    with np.errstate(invalid="ignore"):
        gap = np.abs(v - t)
        is_green = (high & (v >= t - s)) | (low & (v <= t + s)) | (near & (gap <= width + s))
        is_amber = ((high & (v >= t - width - s)) | (low & (v <= t + width + s))
                    | (near & (gap <= 2 * width + s)))
    blank = np.isnan(v) | np.isnan(t) | ~(high | low | near)
    status = np.select([blank, is_green, is_amber], [BLANK, GREEN, AMBER], RED)
    return _wrap(_words(status), (value, target, polarity, tolerance))


def rag_from_text(value: Any, text: Any) -> Any:
    """RAG from the improvement board's methodology text (see :mod:`xlkpi.bands`).

    ``text`` is one text for every value or a text per row (broadcast like numpy). Each
    distinct text is read once and cached, so a million values under one text cost one
    parse. A blank text gives a blank; unreadable text is an error quoting it; a value
    beyond every band is ``#N/A`` for that value.
    """
    v = parse_numbers(value, "value")
    texts = as_array(text)
    if texts.ndim == 0 or (texts.size and _all_same(texts)):
        one = texts[()] if texts.ndim == 0 else texts.flat[0]
        compiled = _compiled_or_raise(one, texts, lambda: texts == one)
        step = compiled.steps(v)
        if compiled.has_outside:
            _raise_outside(compiled.codes[step] == OUTSIDE, value, text)
        out = np.asarray(compiled.names[step], dtype=object)
        if texts.ndim and texts.shape != out.shape:
            out = np.broadcast_to(out, np.broadcast_shapes(out.shape, texts.shape)).copy()
        return _wrap(out, (value, text))
    return _wrap(_rate_per_row(v, texts, value, text), (value, text))


def _all_same(texts: np.ndarray) -> bool:
    first = texts.flat[0]
    return isinstance(first, str) and bool((texts == first).all())


def _is_text(item: Any) -> bool:
    return isinstance(item, str) or item is None or (isinstance(item, float) and item != item)


def _compiled_or_raise(item: Any, texts: np.ndarray, where: Callable[[], Any]) -> Any:
    """The compiled bands of one text, or a KpiError on the cells ``where()`` marks."""
    if not _is_text(item):
        raise bad_input("text", texts, np.asarray(where()), _TEXT_HINT)
    try:
        return compile_bands("" if item is None or item != item else item)
    except BandError as exc:
        raise bad_input("text", texts, np.asarray(where()),
                        f"is not a RAG methodology text: {exc.detail}") from None


def _rate_per_row(v: np.ndarray, texts: np.ndarray, value: Any, text: Any) -> np.ndarray:
    """Many texts: a padded table of steps, one row per distinct text, indexed per cell."""
    index, uniques = factorize(texts.ravel().astype(object))
    index = index.reshape(texts.shape)
    compiled = []
    for k, item in enumerate(uniques):  # one parse per distinct text, never per row
        compiled.append(_compiled_or_raise(item, texts, lambda k=k: index == k))
    compiled.append(compile_bands(""))  # the blank-text row, at index -1
    width = max(len(c.edges) for c in compiled)
    edges = np.full((len(compiled), width), np.inf)
    codes = np.zeros((len(compiled), width + 1), dtype=np.int8)
    for k, c in enumerate(compiled):
        edges[k, : len(c.edges)] = c.edges
        codes[k, : len(c.codes)] = c.codes
    shape = np.broadcast_shapes(v.shape, texts.shape)
    vb = np.broadcast_to(v, shape)
    row = np.broadcast_to(index, shape)
    with np.errstate(invalid="ignore"):
        step = (edges[row] <= vb[..., None]).sum(axis=-1)
    status = np.where(np.isnan(vb), BLANK, codes[row, step])
    _raise_outside(status == OUTSIDE, value, text)
    return _words(status)


def _raise_outside(outside: np.ndarray, value: Any, text: Any) -> None:
    """A value beyond every band of its text: #N/A for that cell, blamed on the value."""
    if not outside.any():
        return
    values = as_array(value)
    if values.shape == outside.shape:
        name, cells = "value", values
    elif as_array(text).shape == outside.shape:
        name, cells = "text", as_array(text)
    else:
        raise KpiError("value: a value is beyond every band of its methodology text",
                       argument="value", excel=NA)
    err = bad_input(name, cells, outside, "is beyond every band of its methodology text")
    err.excel = NA
    raise err
