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


def test_recalc_bench_workbook_is_computed_right(tmp_path) -> None:
    import datetime as dt

    import numpy as np
    import openpyxl
    from bench_recalc import build

    from xlkpi.workbook import recalc

    path = build(tmp_path / "cases.xlsx", 300)
    result = recalc(path)
    sheet = openpyxl.load_workbook(path)["Cases"]
    starts = np.array([sheet[f"A{r}"].value.date() for r in range(2, 302)], "datetime64[D]")
    ends = np.array([sheet[f"B{r}"].value.date() for r in range(2, 302)], "datetime64[D]")
    # NETWORKDAYS: weekdays from start to end inclusive, no holidays given
    expected = np.busday_count(starts, ends + np.timedelta64(1, "D"))
    got = [result.value("Cases", f"C{r}") for r in range(2, 302)]
    assert got == expected.astype(float).tolist()
    assert result.value("Summary", "B1") == float((expected <= 45).sum())
    assert result.value("Summary", "B2") == 300.0
    assert isinstance(sheet["A2"].value, dt.datetime)


def test_whole_process_harness_interleaves_and_reports(tmp_path) -> None:
    from common import Job, interleave, process_record

    quick = Job("quick", [[sys.executable, "-c", "pass"]], runs=2)
    slow = Job("slow", [[sys.executable, "-c", "import time; time.sleep(0.2)"]] * 2, runs=2,
               warmup=0)
    order: list[str] = []
    interleave([quick, slow], progress=order.append)
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in order] == [
        "  round 0 (warm-up): quick", "  round 1: quick", "  round 1: slow",
        "  round 2: quick", "  round 2: slow"]
    row = process_record("smoke", 1, slow, [quick])
    assert row["runs"] == 2 and row["exit_codes"] == [0]
    assert row["median_s"] >= 0.4 and row["peak_mb"] > 1
    assert row["ratios"]["quick"] > 1  # two sleeping processes take longer than one `pass`


def test_libreoffice_job_keeps_a_profile_that_recalculates(tmp_path) -> None:
    import pytest
    from bench_recalc import libreoffice_job

    from xlkpi.workbook.libreoffice import executable

    if executable() is None:
        pytest.skip("LibreOffice is not installed")
    job = libreoffice_job("lo", [tmp_path / "a.xlsx"], tmp_path, tmp_path / "profile", 5)
    assert f"-env:UserInstallation=file://{tmp_path / 'profile'}" in job.commands[0]
    settings = (tmp_path / "profile" / "user" / "registrymodifications.xcu").read_text()
    assert "OOXMLRecalcMode" in settings and "<value>0</value>" in settings


def test_countifs_bench_workbook_is_computed_right(tmp_path) -> None:
    """The summary's counts against the case rows counted with numpy."""
    import numpy as np
    import openpyxl
    from bench_countifs import build

    from xlkpi.workbook import recalc

    path = build(tmp_path / "summary.xlsx", 2_000, summary_rows=60)
    result = recalc(path)
    cases = list(openpyxl.load_workbook(path)["Cases"].iter_rows(min_row=2, values_only=True))
    team = np.array([c[0] for c in cases])
    status = np.array([c[1] for c in cases])
    days = np.array([c[2] for c in cases])
    summary = openpyxl.load_workbook(path)["Summary"]
    for r in (2, 30, 61):
        wanted = (team == summary[f"A{r}"].value) & (status == summary[f"B{r}"].value)
        assert result.value("Summary", f"C{r}") == float(wanted.sum())
        assert result.value("Summary", f"D{r}") == float((wanted & (days <= 45)).sum())
