"""Write xlkpi's own CSV layout of a case model (:mod:`samples.write_returns`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samples.write_common import Tables, case_table, iso_dates
from xlkpi.indicators.definitions import SOURCES

__all__ = ["write_extract"]


def write_extract(cases: Tables, folder: Path) -> list[Path]:
    """Write xlkpi's own CSV layout (``<table>.csv``, ISO dates) of the tables it reads."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in SOURCES.items():
        if name not in cases:
            continue
        frame = case_table(cases, name)
        columns = list(source.columns) + (["source"] if "source" in frame else [])
        out = pd.DataFrame({col: iso_dates(frame[col]) if col in source.dates else frame[col]
                            for col in columns})
        target = folder / source.file
        out.to_csv(target, index=False, lineterminator="\n")
        written.append(target)
    return written
