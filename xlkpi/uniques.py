"""Distinct values of a block of cells, without pandas (the KPI functions stay light).

:func:`factorize` is what ``pandas.factorize(values, use_na_sentinel=True)`` gives for an
object array: a code per cell, ``-1`` for a blank (``None``, NaN, NaT), and the distinct
values in the order they first appear. Values are told apart as Python tells dictionary
keys apart (``1``, ``1.0`` and ``True`` are one value, as in pandas). The work runs in C
(``dict.fromkeys``, ``map``); only the distinct values are looped over in Python.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["factorize"]


def blanks(flat: np.ndarray) -> np.ndarray:
    """Which cells of a 1-D object array are blank: ``None``, NaN or NaT."""
    with np.errstate(invalid="ignore"):
        missing = np.equal(flat, None) | np.not_equal(flat, flat)
    return np.asarray(missing, dtype=bool)


def factorize(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques): each cell's position among the distinct non-blank values (-1
    for a blank), and those values in order of first appearance."""
    flat = np.asarray(values, dtype=object).ravel()
    codes = np.full(len(flat), -1, dtype=np.intp)
    filled = ~blanks(flat)
    kept = flat[filled].tolist()
    first = list(dict.fromkeys(kept))
    uniques = np.empty(len(first), dtype=object)
    uniques[:] = first
    position = {value: k for k, value in enumerate(first)}  # distinct values only
    codes[filled] = np.fromiter(map(position.__getitem__, kept), dtype=np.intp,
                                count=len(kept))
    return codes, uniques
