"""Excel's GROUPBY and PIVOTBY: the grouping, sorting, totals and headers of the
``formulas`` package, fed values the way Excel hands them to the summary function.

The function argument arrives as a callable: ``_xleta.SUM`` (an eta-reduced LAMBDA) is
the engine's own SUM. Excel calls it with each group's values as one column of an array
(and PERCENTOF with the group's values and those of the total they are a share of); the
``formulas`` pivot passes Python lists and 1-D vectors, which the engine's functions
would read as single typed values. The adapter below turns every such argument into a
one-column array first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import array_result, xl_error

__all__ = ["FUNCTIONS"]


def _column(value: Any) -> Any:
    """A list or vector of values as a one-column array (anything else unchanged)."""
    if isinstance(value, list | tuple | np.ndarray):
        return array_result(np.asarray(value, dtype=object).reshape(-1, 1))
    return value


def _adapted(function: Any) -> Any:
    """The summary function, called with one-column arrays."""
    if not callable(function):
        return function

    def call(*args: Any) -> Any:
        return function(*(_column(a) for a in args))

    return call


def _delegate(name: str, position: int) -> Callable[..., Any]:
    """``formulas``' ``name`` with its ``position``-th argument (the function) adapted."""

    def evaluate(*args: Any) -> Any:
        from xlkpi.workbook.formulas_bridge import formulas_module

        look = formulas_module("formulas.functions.look").FUNCTIONS

        if len(args) <= position:
            return xl_error("#VALUE!")
        adapted = list(args)
        adapted[position] = _adapted(args[position])
        return look[name](*adapted)

    evaluate.__name__ = evaluate.__qualname__ = name.lower()
    evaluate.__doc__ = f"{name}: the ``formulas`` pivot with Excel's way of calling the function."
    return evaluate


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "GROUPBY": _delegate("GROUPBY", 2),
    "PIVOTBY": _delegate("PIVOTBY", 3),
}
