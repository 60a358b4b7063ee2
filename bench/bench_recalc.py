"""Recalculating a case-level scorecard: xlkpi recalc vs formulas vs LibreOffice headless.

The workbook (issue 5): N case rows, each with a per-row NETWORKDAYS and KPI_WORKDAYS,
and a Summary sheet of COUNTIFS over whole columns. Targets, measured in one run:

- ``xlkpi recalc`` (read, evaluate, write the file) at least 20x faster than the
  ``formulas`` package computing the same workbook natively (its ExcelModel, with the KPI
  functions registered as plain custom functions and its own NETWORKDAYS and COUNTIFS);
- faster than LibreOffice headless recalculating the workbook's native part (the same
  workbook without the KPI column, which LibreOffice cannot compute), start-up included.

The formulas baseline runs in a child process so that xlkpi's faster natives are not
registered in it. Peak memory is xlkpi's, from tracemalloc in a separate run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import best_of, peak_mb, record, report

__all__ = ["build", "run"]

_FORMULAS_CHILD = """
import sys, time
import formulas
from xlkpi.workbook.excel_functions import register
register(natives=False)
t = time.perf_counter()
model = formulas.ExcelModel().loads(sys.argv[1]).finish()
model.calculate()
print(time.perf_counter() - t)
"""


def build(path: Path, rows: int, kpi: bool = True, seed: int = 5) -> Path:
    """A synthetic case-level workbook (seeded): referral and authorisation dates."""
    rng = np.random.default_rng(seed)
    base = dt.date(2022, 4, 1)
    starts = rng.integers(0, 700, rows)
    spans = rng.integers(0, 90, rows)
    wb = Workbook()
    cases = wb.active
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


def _formulas_seconds(path: Path) -> float:
    done = subprocess.run([sys.executable, "-c", _FORMULAS_CHILD, str(path)], check=True,
                          capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def run(rows: int, repeat: int = 3, with_formulas: bool = True) -> list[dict[str, Any]]:
    from xlkpi.workbook import recalc
    from xlkpi.workbook.libreoffice import executable, recalculate

    records = []
    with tempfile.TemporaryDirectory(prefix="xlkpi-bench-") as folder:
        tmp = Path(folder)
        full = build(tmp / "cases.xlsx", rows)
        native = build(tmp / "native.xlsx", rows, kpi=False)
        recalc(full, tmp / "warm.xlsx")  # imports and compiled formulas, once
        xlkpi_s = best_of(lambda: recalc(full, tmp / "out.xlsx"), repeat)
        peak = peak_mb(lambda: recalc(full, tmp / "out.xlsx"))
        if with_formulas:  # best of `repeat` runs, each in a fresh process
            formulas_s = min(_formulas_seconds(full) for _ in range(repeat))
            records.append(record("recalc", rows, xlkpi_s, "formulas (ExcelModel)",
                                  formulas_s, peak))
        if executable():
            lo_s = best_of(lambda: recalculate(native, tmp / "lo"), repeat)
            records.append(record("recalc", rows, xlkpi_s,
                                  "libreoffice headless (native part)", lo_s, peak))
        else:
            print("LibreOffice is not installed (make libreoffice): that baseline is skipped")
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    started = time.perf_counter()
    report(run(args.rows))
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
