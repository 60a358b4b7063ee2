"""Case-level extracts to the monthly indicator table: definitions as data, one engine.

``read_extract(directory)`` reads and checks the CSV files; ``compute(extract, settings)``
gives one row per indicator per month. :data:`INDICATORS` is the catalogue.
"""

from pathlib import Path

import pandas as pd

from xlkpi.indicators.definitions import INDICATORS, KINDS, SOURCES, Indicator, Source
from xlkpi.indicators.engine import ALL, COLUMNS, Settings, compute, periods_ending
from xlkpi.indicators.loader import BREAKDOWNS, Extract, Table, read_extract, read_table

__all__ = [
    "ALL",
    "BREAKDOWNS",
    "COLUMNS",
    "INDICATORS",
    "KINDS",
    "SOURCES",
    "Extract",
    "Indicator",
    "Settings",
    "Source",
    "Table",
    "compute",
    "indicator_table",
    "periods_ending",
    "read_extract",
    "read_table",
]


def indicator_table(directory: str | Path, settings: Settings) -> pd.DataFrame:
    """Read the extracts in ``directory`` and compute the monthly indicator table."""
    return compute(read_extract(Path(directory)), settings)
