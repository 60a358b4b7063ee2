"""Run the benchmarks: ``make bench`` (full sizes) or ``make bench-quick`` (small sizes).

Every case times xlkpi and what an analyst would otherwise use, side by side in one run
on this machine (best of 3 each), writes bench/results.json and prints a table. The full
run also shows scaling: the same cases at 1k, 10k, 100k and 1M rows where the baseline
can finish (the ``formulas`` package is timed up to 20,000 rows: about two minutes a run
there; LibreOffice up to 100,000).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_calendar
import bench_indicators
import bench_recalc
from common import RESULTS, merge_results
from rich.console import Console
from rich.table import Table

#: (calendar pairs, rows for pandas apply), (referrals, assessments), (recalc rows, formulas?)
SIZES = {
    "quick": {
        "calendar": [(100_000, 5_000)],
        "indicators": [(20_000, 6_000)],
        "recalc": [(2_000, True)],
    },
    "full": {
        "calendar": [(1_000, 1_000), (10_000, 10_000), (100_000, 20_000),
                     (1_000_000, 20_000)],
        "indicators": [(1_000, 300), (10_000, 3_000), (100_000, 30_000),
                       (1_000_000, 300_000)],
        "recalc": [(1_000, True), (10_000, True), (20_000, True), (100_000, False)],
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, under 3 minutes")
    mode.add_argument("--full", action="store_true", help="full sizes, with scaling")
    args = parser.parse_args()
    sizes = SIZES["full" if args.full else "quick"]
    console = Console(width=max(Console().width, 120))
    started = time.perf_counter()
    records = []
    for size, apply_size in sizes["calendar"]:
        with console.status(f"working days, {size:,} pairs ..."):
            records += bench_calendar.run(size, apply_size)
    for referrals, assessments in sizes["indicators"]:
        with console.status(f"indicators, {referrals:,} referrals ..."):
            records += bench_indicators.run(referrals, assessments)
    for rows, with_formulas in sizes["recalc"]:
        with console.status(f"recalculating a {rows:,}-row workbook (formulas takes "
                            "minutes) ..."):
            records += bench_recalc.run(rows, with_formulas=with_formulas)
    RESULTS.unlink(missing_ok=True)
    merge_results(records)
    table = Table(title=f"xlkpi benchmarks ({platform.machine()}, Python "
                        f"{platform.python_version()}); ratio = baseline / xlkpi")
    for col in ("case", "size", "xlkpi s", "baseline", "baseline s", "ratio", "peak MB"):
        table.add_column(col, justify="left" if col in ("case", "baseline") else "right",
                         no_wrap=True)
    for r in json.loads(RESULTS.read_text()):
        table.add_row(r["case"], f"{r['size']:,}", f"{r['xlkpi_s']:.4f}", r["baseline"],
                      f"{r['baseline_s']:.4f}", f"{r['ratio']:.2f}", f"{r['xlkpi_peak_mb']}")
    console.print(table)
    console.print(f"written to {RESULTS} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
