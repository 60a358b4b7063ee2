"""The benchmark code runs and agrees with numpy (timings are not asserted here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import bench_calendar


def test_calendar_bench_runs_small() -> None:
    records = bench_calendar.run(2_000, 200)
    assert [r["baseline"] for r in records] == ["numpy.busday_count", "pandas-apply"]
    assert all(r["xlkpi_s"] > 0 and r["ratio"] > 0 for r in records)


def test_indicators_bench_runs_small() -> None:
    import bench_indicators

    records = bench_indicators.run(2_000, 600)
    assert [r["baseline"] for r in records] == ["pandas.read_csv+numpy.busday_count"]
    assert all(r["xlkpi_s"] > 0 and r["ratio"] > 0 and r["xlkpi_peak_mb"] > 0 for r in records)
