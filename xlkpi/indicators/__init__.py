"""Case-level extracts to the monthly indicator table: definitions as data, one engine.

``read_sources(paths)`` reads any mix of returns (CIN census XML, 903 files, Annex A
workbooks, folders of xlkpi's CSV layout) into one extract; ``compute(extract, settings)``
gives one row per indicator per month. :data:`INDICATORS` is the catalogue.
"""

from pathlib import Path

import pandas as pd

from xlkpi.indicators.definitions import INDICATORS, SOURCES, Indicator, Source
from xlkpi.indicators.engine import ALL, COLUMNS, KINDS, Settings, compute, periods_ending
from xlkpi.indicators.loader import Extract, Table, read_table
from xlkpi.indicators.sources import Combined, read_extract, read_sources
from xlkpi.indicators.tables import BREAKDOWNS

__all__ = [
    "ALL",
    "BREAKDOWNS",
    "COLUMNS",
    "INDICATORS",
    "KINDS",
    "SOURCES",
    "Combined",
    "Extract",
    "Indicator",
    "Settings",
    "Source",
    "Table",
    "compute",
    "indicator_table",
    "periods_ending",
    "read_extract",
    "read_sources",
    "read_table",
]


def indicator_table(directory: str | Path, settings: Settings) -> pd.DataFrame:
    """Read the extracts in ``directory`` and compute the monthly indicator table."""
    return compute(read_extract(Path(directory)), settings)
