"""A test of one cell value applied to every element of an object array.

Tests like "is this an error value" run over whole columns of cells. numpy's
``frompyfunc`` calls the Python test once per cell; a test given a whole-array form
(:func:`with_many`), such as :func:`instances` (``map(isinstance, ...)``), runs in C.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from itertools import repeat
from operator import is_
from typing import Any

import numpy as np

__all__ = ["identical", "instances", "mask_of", "with_many"]


def with_many(test: Callable[[Any], bool],
              many: Callable[[np.ndarray], np.ndarray]) -> Callable[[Any], bool]:
    """``test`` with its whole-array form: ``many(flat)`` is ``test`` of each element of a
    flat object array as a boolean array, without a Python frame per element (such as
    :func:`instances` or :func:`identical`)."""
    test.many = many  # type: ignore[attr-defined]
    return test


def mask_of(test: Callable[[Any], bool], arr: np.ndarray) -> np.ndarray:
    """``test`` of each element of an object array, as a boolean array of its shape."""
    if not arr.size:
        return np.zeros(arr.shape, dtype=bool)
    many = getattr(test, "many", None)
    if many is None:
        return np.asarray(np.frompyfunc(test, 1, 1)(arr), dtype=bool)
    return many(arr.ravel()).reshape(arr.shape)


def instances(values: Iterable[Any] | np.ndarray, kind: type | tuple[type, ...]) -> np.ndarray:
    """Which of ``values`` (a flat sequence) are instances of ``kind``, in C."""
    count = len(values) if isinstance(values, Sized) else -1
    return np.fromiter(map(isinstance, values, repeat(kind)), dtype=bool, count=count)


def identical(values: Iterable[Any] | np.ndarray, marker: Any) -> np.ndarray:
    """Which of ``values`` (a flat sequence) are the object ``marker`` itself, in C."""
    count = len(values) if isinstance(values, Sized) else -1
    return np.fromiter(map(is_, values, repeat(marker)), dtype=bool, count=count)
