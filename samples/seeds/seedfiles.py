"""What the seed extractors share: where the seeds are and how their CSVs are written."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

__all__ = ["MONTHLY_COLUMNS", "SEEDS", "number", "seed_lines", "write_seed"]

#: The seed reports' text, beside this repository in the development workspace.
SEEDS = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "reference" / "seeds"
#: The indicator table's columns (what ``xlkpi indicators`` writes, ``xlkpi fill`` reads).
MONTHLY_COLUMNS = ["period", "code", "numerator", "denominator", "value"]


def seed_lines(seed: str) -> list[str]:
    """The lines of seed report ``seed`` (``"001"``); exits naming the folder when absent."""
    source = next(SEEDS.glob(f"{seed}_*.txt"), None)
    if source is None:
        sys.exit(f"seed {seed} not found in {SEEDS}")
    return source.read_text(encoding="utf-8").splitlines()


def write_seed(folder: Path, seed: str, columns: list[str], indicators: list[dict],
               monthly: list[dict]) -> None:
    """Write ``NNN_indicators.csv`` and ``NNN_monthly.csv`` into ``folder``."""
    for name, fields, rows in ((f"{seed}_indicators.csv", columns, indicators),
                               (f"{seed}_monthly.csv", MONTHLY_COLUMNS, monthly)):
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fields)
            writer.writeheader()
            writer.writerows(rows)


def number(text: str) -> str:
    """A printed figure as a plain number ("86%" -> 0.86, "1,234" -> 1234), or ""."""
    text = text.strip().replace(",", "")
    match = re.match(r"^(-?[0-9]*\.?[0-9]+)\s*(%?)$", text)
    if not match:
        return ""
    value = float(match.group(1))
    if match.group(2):
        value = round(value / 100, 6)
    return f"{value:g}"
