"""The headless engine: recalculate scorecard workbooks and check them, nothing lost.

Importing this package registers every KPI function (under all the names Excel stores
them by) and the vectorised native date functions with ``formulas``, before any formula
is parsed.
"""

from xlkpi.workbook.api import (
    CheckResult,
    Difference,
    RecalcResult,
    check,
    recalc,
    same_value,
)
from xlkpi.workbook.excel_functions import register as _register
from xlkpi.workbook.linting import lint_workbook
from xlkpi.workbook.package import PackageError

_register()

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
