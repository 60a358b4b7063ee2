"""The engine's own Excel worksheet functions, by family, each module a ``FUNCTIONS`` table.

Every function here replaces the ``formulas`` package's version of the same name (or
fills a gap in it). They follow Excel's rules, kept in one place in
:mod:`xlkpi.workbook.natives.base`; each is checked against the values Microsoft Excel
saved in the workbooks of ``make test-compat``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["FAMILIES", "natives"]

#: The modules of this package that hold functions, one family each.
FAMILIES = ("mathematics", "engineering", "complexnumbers", "text", "textarrays", "datetext",
            "lookup",
            "database", "information", "aggregates", "logical", "reference",
            "bessel", "conversions", "arrays", "financial", "bonds", "cashflows", "prices",
            "oddcoupons", "statistics", "matrices", "regression", "distributions", "grouping",
            "hypothesis", "ranking", "volatile", "pairs")


def natives() -> dict[str, Callable[..., Any]]:
    """Every native function by its Excel name (upper case, without ``_xlfn.``)."""
    table: dict[str, Callable[..., Any]] = {}
    for family in FAMILIES:
        module = importlib.import_module(f"{__name__}.{family}")
        table.update(module.FUNCTIONS)
    return table
