"""No identifier from the data in any output of a failing run (row numbers instead)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PLANTED = "PLANTED7781"

GOOD = {
    "referrals.csv": f"child_id,referral_date\n{PLANTED}A,01/03/2023\n{PLANTED}B,02/03/2023\n",
    "assessments.csv": ("child_id,referral_date,authorised_date\n"
                        f"{PLANTED}A,01/03/2023,10/03/2023\n"),
    "s47.csv": f"child_id,strategy_date,icpc_date\n{PLANTED}C,01/03/2023,\n",
    "cp_plans.csv": f"child_id,start_date,end_date\n{PLANTED}D,01/01/2023,\n",
    "cla.csv": f"child_id,start_date,end_date\n{PLANTED}E,01/01/2023,\n",
}
BROKEN = {
    "bad date": ("assessments.csv", "child_id,referral_date,authorised_date\n"
                 f"{PLANTED}A,31/02/2023,10/03/2023\n"),
    "end before start": ("cp_plans.csv", "child_id,start_date,end_date\n"
                         f"{PLANTED}D,01/03/2023,01/01/2023\n"),
    "missing column": ("cla.csv", f"child_id,start_date\n{PLANTED}E,01/01/2023\n"),
    "duplicate header": ("s47.csv", "child_id,strategy_date,strategy_date,icpc_date\n"
                         f"{PLANTED}C,01/03/2023,01/03/2023,\n"),
    "empty file": ("referrals.csv", ""),
    "identifier in a date column": ("referrals.csv",
                                    f"child_id,referral_date\n{PLANTED}A,{PLANTED}Z\n"),
}


_UNREADABLE = ("empty file", "missing column", "duplicate header")


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_failing_indicator_runs_never_print_an_identifier(tmp_path, case, strict):
    extract = tmp_path / "extract"
    extract.mkdir()
    for name, text in GOOD.items():
        (extract / name).write_text(text)
    name, text = BROKEN[case]
    (extract / name).write_text(text)
    report = tmp_path / "quality.csv"
    run = subprocess.run([sys.executable, "-m", "xlkpi", "indicators", str(extract),
                          "--month", "2023-03", "--population", "1000", "--quality",
                          str(report), *(["--strict"] if strict else [])],
                         capture_output=True, text=True, check=False)
    output = run.stdout + run.stderr
    expected = 2 if strict or case in _UNREADABLE else 1  # a bad record is left out
    assert run.returncode == expected, output
    if case not in ("empty file", "missing column"):
        assert name in output and "row" in output
    assert PLANTED not in output
    assert "Traceback" not in run.stderr
    assert report.exists() == (expected == 1)
    if report.exists():
        assert PLANTED not in report.read_text() and name in report.read_text()


def test_failing_assessments_run_never_prints_an_identifier(tmp_path: Path):
    extract = tmp_path / "a.csv"
    extract.write_text(f"child_id,referral_date,authorised_date\n{PLANTED}X,{PLANTED}Y,\n")
    run = subprocess.run([sys.executable, "-m", "xlkpi", "assessments", "--extract",
                          str(extract)], capture_output=True, text=True, check=False)
    assert run.returncode == 2 and "row 2" in run.stderr
    assert PLANTED not in run.stdout + run.stderr


@pytest.mark.parametrize(("value", "shown"), [
    ("31/02/2023", "'31/02/2023'"),  # a date attempt: shown so it can be fixed
    ("2023-13-01", "'2023-13-01'"),
    ("TBC", "'TBC'"),
    ("1,234.5", "'1,234.5'"),
    ("SYN000123", "a value of 9 characters (not shown: it may identify someone)"),
    ("943 476 5919", "a value of 12 characters (not shown: it may identify someone)"),
    ("9434765919", "a value of 10 characters (not shown: it may identify someone)"),
    ("Jane Smith lives at 4 High St", "a value of 29 characters (not shown: it may "
                                      "identify someone)"),
])
def test_shown_value(value, shown):
    from xlkpi.privacy import shown_value

    assert shown_value(value) == shown
