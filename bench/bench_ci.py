"""A CI run: ``xlkpi check`` on 50 small scorecards, one fresh process per workbook.

The scorecards are 50 variants of bench_recalc's workbook (seeds 0-49, 1,000 case rows
each by default), recalculated once by xlkpi so that each carries cached values to check.
Timed from outside, interleaved, one warm-up round discarded:

- ``xlkpi check FILE``, once per workbook (50 processes, one after the other), as a CI
  step looping over changed files does; and ``xlkpi check`` given all 50 in one process
  (the README's CI example, a glob);
- LibreOffice headless converting the native part of the same 50 (without the KPI
  column) in ONE ``soffice --convert-to xlsx`` process with a kept profile that
  recalculates on load: the way to convert many files with LibreOffice, since each
  process pays its 1.5-3 s start-up; one process per workbook would cost it 50 start-ups.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_recalc import build, libreoffice_job, xlkpi
from common import Job, interleave, process_record, report

__all__ = ["run"]


def run(workbooks: int = 50, rows: int = 1_000, runs: int = 5,
        profile: Path | None = None, warmup: int = 1) -> list[dict[str, Any]]:
    """Build ``workbooks`` scorecards of ``rows`` rows and time the CI run on them
    (``warmup`` 0: no warm-up round, for a LibreOffice ``profile`` already warm)."""
    from xlkpi.workbook import recalc
    from xlkpi.workbook.libreoffice import executable

    with tempfile.TemporaryDirectory(prefix="xlkpi-bench-ci-") as folder:
        tmp = Path(folder)
        for sub in ("cards", "native", "lo"):
            (tmp / sub).mkdir()
        print(f"{workbooks} scorecards of {rows:,} rows: building ...", flush=True)
        cards, natives = [], []
        for seed in range(workbooks):
            card = tmp / "cards" / f"card{seed:02}.xlsx"
            recalc(build(tmp / "raw.xlsx", rows, seed=seed), card)
            cards.append(card)
            natives.append(build(tmp / "native" / f"card{seed:02}.xlsx", rows, kpi=False,
                                 seed=seed))
        each = Job(f"xlkpi check, {workbooks} processes",
                   [[xlkpi(), "check", str(card)] for card in cards], runs=runs)
        together = Job("xlkpi check, one process", [[xlkpi(), "check", *map(str, cards)]],
                       runs=runs)
        jobs = [each, together]
        if executable():
            jobs.append(libreoffice_job(f"LibreOffice headless, one process ({workbooks})",
                                        natives, tmp / "lo", profile or tmp / "profile", runs))
        for job in jobs:
            job.warmup = warmup
        interleave(jobs)
    case = f"ci check x{workbooks}"
    return [process_record(case, rows, each), process_record(case, rows, together, [each])] + [
        process_record(case, rows, job, [each, together]) for job in jobs[2:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workbooks", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=Path, default=None,
                        help="LibreOffice profile folder to keep between calls")
    parser.add_argument("--no-warmup", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    report(run(args.workbooks, args.rows, args.runs, args.profile, int(not args.no_warmup)))
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
