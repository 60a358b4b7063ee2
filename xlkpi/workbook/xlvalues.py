"""Excel's values as the engine computes with them: error values, arrays, the blank marker.

They are the engine's own, so that recalculating a workbook whose functions the engine
computes itself never imports ``formulas``. They behave as ``formulas``' do (an error is a
unique constant that reads as its code, equal only to itself; an array is a 2-D object
array that reshapes to a larger shape by filling with #N/A), and when a formula does need
``formulas`` (:mod:`xlkpi.workbook.formulas_bridge`) it is made to use these very classes,
so values pass between the two unchanged.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any

import numpy as np
import schedula as sh

__all__ = ["EMPTY", "ERRORS", "Array", "XlError", "padded", "xl_error"]

#: A blank cell (``schedula``'s marker, which ``formulas``' functions test for).
EMPTY = sh.EMPTY


class XlError(sh.Token):
    """An Excel error value (``#N/A``, ``#DIV/0!``...): text that is equal only to itself."""


NULL = XlError("#NULL!")
DIV = XlError("#DIV/0!")
VALUE = XlError("#VALUE!")
REF = XlError("#REF!")
NUM = XlError("#NUM!")
NAME = XlError("#NAME?")
NA = XlError("#N/A")
GETTING_DATA = XlError("#GETTING_DATA")

#: Excel's error values by code, in the order Excel ranks them when it sorts or compares.
ERRORS: OrderedDict[str, XlError] = OrderedDict(
    (str(e), e) for e in (NULL, DIV, VALUE, REF, NAME, NUM, NA, GETTING_DATA))


def xl_error(code: str) -> XlError:
    """The error value for an Excel error code (one Excel has not named, such as
    ``#SPILL!``, as a new error of that code)."""
    return ERRORS.get(str(code)) or XlError(str(code))


class Array(np.ndarray):
    """A 2-D object array of cell values. Reshaped to a shape its own values do not fill,
    a single row or column is repeated along the other dimension and what is still
    missing is ``_default`` (#N/A), as Excel pads an array it stretches."""

    _default: Any = NA

    def reshape(self, shape: Any, *shapes: Any, order: Any = "C") -> Any:
        try:
            return super().reshape(shape, *shapes, order=order)
        except ValueError:
            return padded(self, tuple(shape), self._default)

    def __reduce__(self) -> Any:
        rebuild, args, state = super().__reduce__()  # type: ignore[misc]
        return rebuild, args, (*state, {"_default": self._default})

    def __setstate__(self, state: Any, *args: Any, **kwargs: Any) -> None:
        self.__dict__.update(state[-1])
        super().__setstate__(state[:-1], *args, **kwargs)

    def __deepcopy__(self, memo: Any = None, *args: Any, **kwargs: Any) -> Any:
        out = super().__deepcopy__(memo, *args, **kwargs)
        out._default = copy.deepcopy(self._default, memo)
        return out

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self.tolist())


def padded(values: np.ndarray, shape: tuple[int, int], default: Any) -> np.ndarray:
    """``values`` (2-D) stretched to ``shape``: a single row or column repeated, the cells
    beyond the values ``default``."""
    rows, cols = values.shape
    if rows == 1 and cols > 1:
        values = np.repeat(values, shape[0], axis=0)
    elif cols == 1 and rows > 1:
        values = np.repeat(values, shape[1], axis=1)
    out = np.empty(shape, dtype=object)
    out.fill(default)
    taken = values[:shape[0], :shape[1]]
    if rows == cols == 1:
        out.fill(values[0, 0])
    else:
        out[:taken.shape[0], :taken.shape[1]] = taken
    return out
