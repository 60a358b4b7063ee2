"""xlkpi: children's social care performance indicators for Excel scorecards.

The same functions run in Python, in Excel (through xlwings) and in the headless engine;
:mod:`xlkpi.functions` is the registry every binding is generated from.
"""

from typing import Any

#: public name -> the module it comes from; imported on first use, so ``import xlkpi`` (and
#: the command line's start) loads none of numpy, pandas or holidays until a function
#: needs them
_LAZY = {
    **dict.fromkeys(("REGIONS", "add_working_days", "bank_holidays", "is_working_day",
                     "working_days"), "xlkpi.calendar"),
    **dict.fromkeys(("parse_dates", "parse_months", "to_serial"), "xlkpi.dates"),
    **dict.fromkeys(("ExcelError", "KpiError"), "xlkpi.errors"),
    "REGISTRY": "xlkpi.functions",
    "lint": "xlkpi.lint",
    **dict.fromkeys(("change_text", "financial_year", "pct", "rate", "rolling",
                     "rolling_ratio", "year_to_date", "ytd_ratio"), "xlkpi.measures"),
    "parse_numbers": "xlkpi.numbers",
    **dict.fromkeys(("parse_bands", "rag", "rag_from_text", "rag_target"), "xlkpi.rag"),
    **dict.fromkeys(("TIMESCALES", "due_date", "edate", "within"), "xlkpi.timescales"),
    **dict.fromkeys(("direction", "quartile", "symbol", "trend"), "xlkpi.trend"),
}


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first used (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'xlkpi' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "REGIONS",
    "REGISTRY",
    "TIMESCALES",
    "ExcelError",
    "KpiError",
    "__version__",
    "add_working_days",
    "bank_holidays",
    "change_text",
    "direction",
    "due_date",
    "edate",
    "financial_year",
    "is_working_day",
    "lint",
    "parse_bands",
    "parse_dates",
    "parse_months",
    "parse_numbers",
    "pct",
    "quartile",
    "rag",
    "rag_from_text",
    "rag_target",
    "rate",
    "rolling",
    "rolling_ratio",
    "symbol",
    "to_serial",
    "trend",
    "within",
    "working_days",
    "year_to_date",
    "ytd_ratio",
]
