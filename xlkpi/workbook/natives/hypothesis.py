"""Excel's Student t-test, T.TEST (and its pre-2010 name TTEST), and PROB.

``T.TEST(array1, array2, tails, type)``: ``tails`` (1 or 2) and ``type`` (1 paired,
2 two samples with equal variance, 3 unequal variance) are truncated to whole numbers,
anything else is #NUM!; the test itself is the ``formulas`` package's (only numbers
count; a paired test needs arrays of the same size and uses the positions where both
hold a number; too few numbers is #DIV/0!).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from xlkpi.workbook.natives.base import elementwise, fail, number
from xlkpi.workbook.natives.distributions import number as value_number
from xlkpi.workbook.natives.information import is_number
from xlkpi.workbook.natives.statistics import grid, guard
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS"]


def _t_test(array1: Any, array2: Any, tails: Any, kind: Any) -> Any:
    """T.TEST: ``tails`` and ``type`` truncated to whole numbers (arrays of them give an
    array of results); the arrays are paired and their errors picked as the ``formulas``
    package does, which agrees with Excel."""

    @elementwise()
    def one(sides: Any, test: Any) -> Any:
        from xlkpi.workbook.formulas_bridge import formulas_module

        FoundError = formulas_module("formulas.errors").FoundError  # noqa: N806
        xt_test = formulas_module("formulas.functions.stat").xt_test

        try:
            return xt_test(array1, array2, math.trunc(number(sides)),
                           math.trunc(number(test)))
        except FoundError as err:
            return err.err

    return one(tails, kind)


def _prob(x_range: Any, prob_range: Any, lower: Any, upper: Any = None) -> Any:
    """PROB: the probabilities of the values from ``lower`` to ``upper`` (only
    ``lower`` when ``upper`` is left out; 0 when ``upper`` is below ``lower``). The two
    ranges must be the same size (#N/A); positions where either entry is not a number
    are skipped, none left is #DIV/0!; a probability outside 0..1, or probabilities not
    adding up to 1, is #NUM!."""
    xs, ps = grid(x_range).ravel().tolist(), grid(prob_range).ravel().tolist()
    if len(xs) != len(ps):
        raise fail("#N/A")
    for v in xs + ps:
        if isinstance(v, XlError):
            raise fail(str(v))
    pairs = [(float(x), float(p)) for x, p in zip(xs, ps, strict=True)
             if is_number(x) and is_number(p)]

    @elementwise()
    def one(start: Any, end: Any = None) -> float:
        low = value_number(start)
        high = low if end is None else value_number(end)
        if not pairs:
            raise fail("#DIV/0!")
        if any(p < 0 or p > 1 for _, p in pairs):
            raise fail("#NUM!")
        if abs(math.fsum(p for _, p in pairs) - 1) > 1e-9:
            raise fail("#NUM!")
        return math.fsum(p for x, p in pairs if low <= x <= high)

    return one(lower) if upper is None else one(lower, upper)


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "T.TEST": _t_test,
    "TTEST": _t_test,
    "PROB": guard(_prob),
}
