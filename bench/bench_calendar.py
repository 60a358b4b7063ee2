"""Working days over N date pairs: xlkpi vs bare numpy.busday_count and a pandas apply.

Target (issue 3): ``working_days`` over 1,000,000 pairs within 3x of ``numpy.busday_count``
on the same arrays, measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import best_of, peak_mb, record, report

from xlkpi.calendar import busday_calendar, working_days

__all__ = ["run"]


def _pairs(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2005-01-01") + rng.integers(0, 11_000, n).astype("timedelta64[D]")
    end = start + rng.integers(0, 400, n).astype("timedelta64[D]")
    return start, end


def run(size: int, apply_size: int) -> list[dict]:
    """Measure and return results.json records."""
    start, end = _pairs(size)
    cal = busday_calendar("ENG")

    def ours() -> np.ndarray:
        return working_days(start, end)

    def numpy_floor() -> np.ndarray:
        return np.busday_count(start + np.timedelta64(1, "D"), end + np.timedelta64(1, "D"),
                               busdaycal=cal)

    assert np.array_equal(ours(), numpy_floor()), "xlkpi and numpy disagree"
    records = [record("working_days", size, best_of(ours), "numpy.busday_count",
                      best_of(numpy_floor), peak_mb(ours))]

    frame = pd.DataFrame({"start": start[:apply_size], "end": end[:apply_size]})

    def analyst_apply() -> pd.Series:
        return frame.apply(
            lambda r: np.busday_count(r.start.date(), r.end.date(), busdaycal=cal), axis=1
        )

    def ours_frame() -> np.ndarray:
        return working_days(frame["start"], frame["end"])

    records.append(record("working_days", apply_size, best_of(ours_frame), "pandas-apply",
                          best_of(analyst_apply, repeat=1), peak_mb(ours_frame)))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--apply-size", type=int, default=20_000)
    args = parser.parse_args()
    records = run(args.size, args.apply_size)
    report(records)


if __name__ == "__main__":
    main()
