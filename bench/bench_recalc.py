"""Recalculating a case-level scorecard, each tool a whole process started fresh.

The workbook (issue 5): N case rows, each with a per-row NETWORKDAYS and KPI_WORKDAYS,
and a Summary sheet of COUNTIFS over whole columns. Timed from outside, as a user waits
for them (issue 21): start-up, imports, reading, computing and writing included:

- ``xlkpi recalc IN -o OUT`` on the workbook;
- ``xlkpi check IN`` on the workbook as ``xlkpi recalc`` wrote it (cached values to
  compare with);
- LibreOffice headless, ``soffice --convert-to xlsx`` with a kept user profile that
  recalculates every formula on load, on the workbook's native part (the same workbook
  without the KPI column and the KPI summary cells, which LibreOffice cannot compute):
  less work than xlkpi's;
- the ``formulas`` package (where it finishes in minutes): a script that loads the
  workbook into an ExcelModel and calculates it (the KPI functions registered as plain
  functions, its own NETWORKDAYS and COUNTIFS).

The runs interleave (xlkpi recalc, xlkpi check, LibreOffice, formulas, then again), one
warm-up round discarded, median of the timed runs; peak memory is each run's largest
resident set (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Job, interleave, process_record, report, run_processes

__all__ = ["FORMULAS_RUNS", "build", "formulas_job", "libreoffice_job", "run", "xlkpi"]

#: Timed runs of the formulas package by size, without a warm-up: about a minute a run at
#: 1,000 rows on a busy 2-core machine, several at 20,000; beyond it would take hours.
FORMULAS_RUNS = {1_000: 3, 2_000: 3, 20_000: 1}

_FORMULAS_SCRIPT = """
import sys
import formulas
from xlkpi.workbook.function_table import register
register(natives=False)
model = formulas.ExcelModel().loads(sys.argv[1]).finish()
model.calculate()
"""


def build(path: Path, rows: int, kpi: bool = True, seed: int = 5) -> Path:
    """A synthetic case-level workbook (seeded): referral and authorisation dates."""
    rng = np.random.default_rng(seed)
    base = dt.date(2022, 4, 1)
    starts = rng.integers(0, 700, rows)
    spans = rng.integers(0, 90, rows)
    wb = Workbook()  # not write-only: that one writes no sheet dimension, so tools that
    cases = wb.active  # size whole-column references from it would read 1,048,576 rows
    cases.title = "Cases"
    cases.append(["Referral", "Authorised", "NETWORKDAYS"] + (["KPI_WORKDAYS"] if kpi else []))
    for i in range(rows):
        r = i + 2
        start = base + dt.timedelta(int(starts[i]))
        row = [start, start + dt.timedelta(int(spans[i])), f"=NETWORKDAYS(A{r},B{r})"]
        if kpi:
            row.append(f"=KPI_WORKDAYS(A{r},B{r})")
        cases.append(row)
    summary = wb.create_sheet("Summary")
    summary.append(["Within 45 (NETWORKDAYS)", '=COUNTIFS(Cases!C:C,"<=45")'])
    summary.append(["Cases", '=COUNTIFS(Cases!A:A,"<>")-1'])
    if kpi:
        summary.append(["Within 45 (KPI)", '=COUNTIFS(Cases!D:D,"<=45")'])
        summary.append(["Share", "=KPI_PCT(B3,B2)"])
    wb.save(path)
    return path


def xlkpi() -> str:
    """The ``xlkpi`` command of the Python running the benchmark."""
    return str(Path(sys.executable).with_name("xlkpi"))


def libreoffice_job(name: str, files: list[Path], out_dir: Path, profile: Path,
                    runs: int) -> Job:
    """One soffice process converting ``files`` with a kept profile that recalculates on
    load (the first, discarded run writes the rest of the profile)."""
    from xlkpi.workbook.libreoffice import _PROFILE, executable

    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE.format(mode=0), encoding="utf-8")
    command = [executable(), f"-env:UserInstallation=file://{profile}", "--headless",
               "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
               str(out_dir), *map(str, files)]
    return Job(name, [command], runs=runs)


def formulas_job(path: Path, folder: Path, runs: int, warmup: int) -> Job:
    script = folder / "formulas_calculate.py"
    script.write_text(_FORMULAS_SCRIPT, encoding="utf-8")
    return Job("formulas (load + calculate)", [[sys.executable, str(script), str(path)]],
               runs=runs, warmup=warmup)


def run(rows: int, runs: int = 5, formulas_runs: int | None = None,
        profile: Path | None = None, warmup: int = 1) -> list[dict[str, Any]]:
    """Build the workbook at ``rows`` and time every tool on it; results.json records.

    ``formulas_runs``: timed runs of the formulas package (default from FORMULAS_RUNS by
    size, none above 20,000 rows); 0 leaves it out. ``profile``: LibreOffice's user
    profile, kept between sizes (default: a new one, warmed by the warm-up round).
    ``warmup``: 0 skips the warm-up round (at a million rows, with a profile already warm).
    """
    from xlkpi.workbook.libreoffice import executable

    if formulas_runs is None:
        formulas_runs = FORMULAS_RUNS.get(rows, 0)
    with tempfile.TemporaryDirectory(prefix="xlkpi-bench-") as folder:
        tmp = Path(folder)
        print(f"{rows:,} rows: building the workbooks ...", flush=True)
        full = build(tmp / "cases.xlsx", rows)
        native = build(tmp / "native.xlsx", rows, kpi=False)
        recalculated = tmp / "recalculated.xlsx"  # what check reads: values xlkpi cached
        if run_processes([[xlkpi(), "recalc", str(full), "-o", str(recalculated)]]).codes != (0,):
            raise RuntimeError("xlkpi recalc failed on the benchmark workbook")
        recalc = Job("xlkpi recalc", [[xlkpi(), "recalc", str(full), "-o", str(tmp / "out.xlsx")]],
                     runs=runs)
        check = Job("xlkpi check", [[xlkpi(), "check", str(recalculated)]], runs=runs)
        jobs = [recalc, check]
        if executable():
            (tmp / "lo").mkdir()
            jobs.append(libreoffice_job("LibreOffice headless (native part)", [native],
                                        tmp / "lo", profile or tmp / "profile", runs))
        else:
            print("LibreOffice is not installed (make libreoffice): that baseline is skipped")
        if formulas_runs:
            jobs.append(formulas_job(full, tmp, formulas_runs, warmup=0))
        for job in jobs[:3]:
            job.warmup = warmup
        interleave(jobs)
    records = [process_record("recalc", rows, recalc), process_record("recalc", rows, check)]
    records += [process_record("recalc", rows, job, [recalc, check]) for job in jobs[2:]]
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formulas-runs", type=int, default=None)
    parser.add_argument("--profile", type=Path, default=None,
                        help="LibreOffice profile folder to keep between calls")
    parser.add_argument("--no-warmup", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    report(run(args.rows, args.runs, args.formulas_runs, args.profile, int(not args.no_warmup)))
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
