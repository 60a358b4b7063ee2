"""Run the benchmarks: ``make bench`` (full sizes) or ``make bench-quick`` (small sizes).

Two kinds, both side by side in one run on this machine, written to bench/results.json
and printed as tables:

- library calls inside one process (working days, indicators): xlkpi's function and the
  bare numpy/pandas equivalent, best of 3 each;
- whole processes timed from outside (``xlkpi recalc``, ``xlkpi check``, a 50-workbook CI
  run) against LibreOffice headless and the ``formulas`` package: each run a fresh
  process, the tools interleaved, one warm-up round discarded, medians (see
  bench_recalc.py and bench_ci.py). The full run takes 1,000 to 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_calendar
import bench_ci
import bench_countifs
import bench_indicators
import bench_recalc
from common import RESULTS, merge_results
from rich.console import Console
from rich.table import Table

#: (calendar pairs, rows for pandas apply), (referrals, assessments),
#: recalc: (rows, timed runs, formulas runs or None for bench_recalc.FORMULAS_RUNS, warm-up),
#: ci: (workbooks, rows each, timed runs), countifs: (case rows, timed runs)
SIZES = {
    "quick": {
        "calendar": [(100_000, 5_000)],
        "indicators": [(20_000, 6_000)],
        "recalc": [(1_000, 3, 1, 1), (20_000, 3, 0, 1)],
        "ci": (10, 1_000, 3),
        "countifs": [(20_000, 3)],
    },
    "full": {
        "calendar": [(1_000, 1_000), (10_000, 10_000), (100_000, 20_000),
                     (1_000_000, 20_000)],
        "indicators": [(1_000, 300), (10_000, 3_000), (100_000, 30_000),
                       (1_000_000, 300_000)],
        # a million rows: 3 runs, no warm-up round (LibreOffice's profile is warm by then)
        "recalc": [(1_000, 5, None, 1), (20_000, 5, None, 1), (100_000, 5, None, 1),
                   (1_000_000, 3, None, 0)],
        "ci": (50, 1_000, 5),
        "countifs": [(100_000, 5)],
    },
}


def compiled_package() -> None:
    """Write xlkpi's byte-code files first, as an installed package has them: with
    PYTHONDONTWRITEBYTECODE set (as on the CI machines) every ``xlkpi`` process would
    otherwise compile its modules again, which no user's second run does."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "xlkpi"), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes only")
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
    compiled_package()
    with tempfile.TemporaryDirectory(prefix="xlkpi-lo-profile-") as profile:
        for rows, runs in sizes["countifs"]:
            records += bench_countifs.run(rows, runs, Path(profile))
        for rows, runs, formulas_runs, warmup in sizes["recalc"]:
            records += bench_recalc.run(rows, runs, formulas_runs, Path(profile), warmup)
        workbooks, rows, runs = sizes["ci"]
        records += bench_ci.run(workbooks, rows, runs, Path(profile))
    RESULTS.unlink(missing_ok=True)
    merge_results(records)
    rows = json.loads(RESULTS.read_text())
    title = f"({platform.machine()}, Python {platform.python_version()})"
    table = Table(title=f"Inside one process, best of 3 {title}; ratio = baseline / xlkpi")
    for col in ("case", "size", "xlkpi s", "baseline", "baseline s", "ratio", "peak MB"):
        table.add_column(col, justify="left" if col in ("case", "baseline") else "right",
                         no_wrap=True)
    for r in rows:
        if "tool" not in r:
            table.add_row(r["case"], f"{r['size']:,}", f"{r['xlkpi_s']:.4f}", r["baseline"],
                          f"{r['baseline_s']:.4f}", f"{r['ratio']:.2f}",
                          f"{r['xlkpi_peak_mb']}")
    console.print(table)
    table = Table(title=f"Whole processes, interleaved, medians {title}; ratio = this "
                        "tool's time / xlkpi's, pairwise median")
    for col in ("case", "rows", "tool", "runs", "median s", "min-max s", "peak RSS MB",
                "ratios"):
        table.add_column(col, justify="left" if col in ("case", "tool", "ratios") else "right",
                         no_wrap=True)
    for r in rows:
        if "tool" in r:
            ratios = ", ".join(f"{v:.2f}x {k}" for k, v in r["ratios"].items() if v)
            table.add_row(r["case"], f"{r['size']:,}", r["tool"], str(r["runs"]),
                          f"{r['median_s']:.2f}", f"{r['min_s']:.2f}-{r['max_s']:.2f}",
                          f"{r['peak_mb']:.0f}", ratios)
    console.print(table)
    console.print(f"written to {RESULTS} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
