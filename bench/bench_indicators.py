"""Monthly indicators from case-level CSV extracts: xlkpi vs a bare pandas + numpy pass.

Target (issue 8): 1,000,000 referrals + 300,000 assessments (synthetic, seeded) from CSV to
the indicator table in a few seconds, within 5x of ``pandas.read_csv`` + ``numpy.busday_count``
over the same files in the same run, and peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import best_of, peak_mb, record, report

from xlkpi.calendar import busday_calendar
from xlkpi.indicators import Settings, indicator_table

__all__ = ["BASELINE", "run", "write_extract"]

BASELINE = "pandas.read_csv+numpy.busday_count"
_FIRST = np.datetime64("2019-04-01")
_SPAN_DAYS = 5 * 365


def write_extract(directory: Path, n_referrals: int, n_assessments: int, seed: int = 8) -> None:
    """Synthetic referrals.csv and assessments.csv (ISO dates; no real children)."""
    rng = np.random.default_rng(seed)
    children = max(n_referrals // 3, 1)
    ref_child = rng.integers(0, children, n_referrals)
    ref_day = _FIRST + rng.integers(0, _SPAN_DAYS, n_referrals).astype("timedelta64[D]")
    pd.DataFrame({
        "child_id": np.char.add("C", ref_child.astype(str)),
        "referral_date": ref_day.astype(str),
        "team": np.char.add("Team ", rng.integers(1, 9, n_referrals).astype(str)),
    }).to_csv(directory / "referrals.csv", index=False)
    pick = rng.integers(0, n_referrals, n_assessments)
    authorised = ref_day[pick] + rng.integers(0, 90, n_assessments).astype("timedelta64[D]")
    open_now = rng.random(n_assessments) < 0.05
    pd.DataFrame({
        "child_id": np.char.add("C", ref_child[pick].astype(str)),
        "referral_date": ref_day[pick].astype(str),
        "authorised_date": np.where(open_now, "", authorised.astype(str)),
    }).to_csv(directory / "assessments.csv", index=False)


def run(n_referrals: int, n_assessments: int) -> list[dict]:
    """Measure and return results.json records."""
    settings = Settings(np.datetime64("2024-03", "M"), months=12, population=60_000)
    cal = busday_calendar("ENG")
    one = np.timedelta64(1, "D")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_extract(folder, n_referrals, n_assessments)

        def ours() -> pd.DataFrame:
            return indicator_table(folder, settings)

        def bare() -> np.ndarray:
            pd.read_csv(folder / "referrals.csv", parse_dates=["referral_date"])
            frame = pd.read_csv(folder / "assessments.csv",
                                parse_dates=["referral_date", "authorised_date"])
            done = frame.dropna(subset=["authorised_date"])
            start = done["referral_date"].to_numpy().astype("datetime64[D]")
            end = done["authorised_date"].to_numpy().astype("datetime64[D]")
            return np.busday_count(start + one, end + one, busdaycal=cal)

        table = ours()
        assert len(table) and (table["code"] == "REREF12").any()
        size = n_referrals + n_assessments
        return [record("indicators", size, best_of(ours), BASELINE, best_of(bare),
                       peak_mb(ours))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--assessments", type=int, default=300_000)
    args = parser.parse_args()
    records = run(args.referrals, args.assessments)
    report(records)


if __name__ == "__main__":
    main()
