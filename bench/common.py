"""Shared benchmark helpers: best-of-N timing, peak memory, and bench/results.json."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "best_of", "merge_results", "peak_mb", "record", "report"]

RESULTS = Path(__file__).with_name("results.json")


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_mb(fn: Callable[[], Any]) -> float:
    """Peak memory Python and numpy allocate during one run, in MB."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def record(case: str, size: int, xlkpi_s: float, baseline: str, baseline_s: float,
           xlkpi_peak_mb: float) -> dict[str, Any]:
    """One results.json row; ratio = baseline_s / xlkpi_s (above 1: xlkpi is faster)."""
    return {
        "case": case, "size": size, "xlkpi_s": round(xlkpi_s, 6), "baseline": baseline,
        "baseline_s": round(baseline_s, 6), "ratio": round(baseline_s / xlkpi_s, 4),
        "xlkpi_peak_mb": round(xlkpi_peak_mb, 1),
    }


def merge_results(records: list[dict[str, Any]], path: Path = RESULTS) -> None:
    """Write records into results.json, replacing rows with the same case, size, baseline."""
    old = json.loads(path.read_text()) if path.exists() else []
    keys = {(r["case"], r["size"], r["baseline"]) for r in records}
    kept = [r for r in old if (r["case"], r["size"], r["baseline"]) not in keys]
    path.write_text(json.dumps(kept + records, indent=2) + "\n")


def report(records: list[dict[str, Any]]) -> None:
    """Merge records into results.json and print one line per record."""
    merge_results(records)
    for r in records:
        print(f"{r['case']:<14} n={r['size']:>9,}  xlkpi {r['xlkpi_s']:.4f}s  "
              f"{r['baseline']} {r['baseline_s']:.4f}s  ratio {r['ratio']:.2f} "
              f"(xlkpi {1 / r['ratio']:.2f}x the baseline)  peak {r['xlkpi_peak_mb']} MB")
