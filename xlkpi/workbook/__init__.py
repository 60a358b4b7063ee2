"""The headless engine: recalculate scorecard workbooks and check them, nothing lost.

Importing this package builds the table of worksheet functions the engine computes itself
(:mod:`xlkpi.workbook.function_table`); ``formulas`` is imported only for a formula that
needs it.
"""

from xlkpi.workbook.api import (
    CheckResult,
    Difference,
    RecalcResult,
    check,
    recalc,
    same_value,
)
from xlkpi.workbook.function_table import register as _register
from xlkpi.workbook.package import PackageError

_register()



def __getattr__(name: str) -> object:
    """``lint_workbook`` imported when first used (linting needs pandas)."""
    if name == "lint_workbook":
        from xlkpi.workbook.linting import lint_workbook

        return lint_workbook
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CheckResult",
    "Difference",
    "PackageError",
    "RecalcResult",
    "check",
    "lint_workbook",
    "recalc",
    "same_value",
]
