"""Run the benchmarks: ``make bench`` (full sizes) or ``make bench-quick`` (small sizes).

Every case times xlkpi and the thing an analyst would otherwise use, side by side in one
run on this machine (best of 3 each), writes bench/results.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_calendar
import bench_recalc
from common import RESULTS, merge_results
from rich.console import Console
from rich.table import Table

SIZES = {
    "quick": {"calendar": (100_000, 5_000), "recalc": 2_000},
    "full": {"calendar": (1_000_000, 20_000), "recalc": 20_000},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, under 3 minutes")
    mode.add_argument("--full", action="store_true", help="full sizes")
    args = parser.parse_args()
    sizes = SIZES["full" if args.full else "quick"]
    console = Console()
    with console.status("working days ..."):
        records = bench_calendar.run(*sizes["calendar"])
    with console.status("recalculating a scorecard (formulas takes minutes) ..."):
        records += bench_recalc.run(sizes["recalc"])
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
    console.print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
