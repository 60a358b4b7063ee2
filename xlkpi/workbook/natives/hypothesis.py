"""Excel's Student t-test: T.TEST (and its pre-2010 name TTEST).

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

from xlkpi.workbook.natives.base import elementwise, number

__all__ = ["FUNCTIONS"]


def _t_test(array1: Any, array2: Any, tails: Any, kind: Any) -> Any:
    """T.TEST: ``tails`` and ``type`` truncated to whole numbers (arrays of them give an
    array of results); the arrays are paired and their errors picked as the ``formulas``
    package does, which agrees with Excel."""

    @elementwise()
    def one(sides: Any, test: Any) -> Any:
        from formulas.errors import FoundError
        from formulas.functions.stat import xt_test

        try:
            return xt_test(array1, array2, math.trunc(number(sides)),
                           math.trunc(number(test)))
        except FoundError as err:
            return err.err

    return one(tails, kind)


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "T.TEST": _t_test,
    "TTEST": _t_test,
}
