"""xlkpi: children's social care performance indicators for Excel scorecards.

The same functions run in Python, in Excel (through xlwings) and in the headless engine;
:mod:`xlkpi.functions` is the registry every binding is generated from.
"""

from xlkpi.calendar import REGIONS, add_working_days, bank_holidays, is_working_day, working_days
from xlkpi.dates import parse_dates, parse_months, to_serial
from xlkpi.errors import ExcelError, KpiError
from xlkpi.functions import REGISTRY
from xlkpi.lint import lint
from xlkpi.measures import (
    change_text,
    financial_year,
    pct,
    rate,
    rolling,
    rolling_ratio,
    year_to_date,
    ytd_ratio,
)
from xlkpi.numbers import parse_numbers
from xlkpi.rag import parse_bands, rag, rag_from_text, rag_target
from xlkpi.timescales import TIMESCALES, due_date, edate, within
from xlkpi.trend import direction, quartile, symbol, trend

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
