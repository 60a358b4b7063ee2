"""The xlkpi command as a user runs it: exit codes, messages, no identifiers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from xlkpi.cli import app

runner = CliRunner()


def test_assessments_runs_on_the_bundled_sample() -> None:
    result = runner.invoke(app, ["assessments"])
    assert result.exit_code == 0, result.output
    assert "within 45 working days" in result.output
    assert "60 referrals, 56 assessments authorised" in result.output


def test_workdays_and_holidays() -> None:
    assert runner.invoke(app, ["workdays", "2023-05-05", "2023-05-10"]).output.strip() == "2"
    out = runner.invoke(app, ["bank-holidays", "2023"]).output
    assert "Mon 08 May 2023" in out and "9 bank holidays in England" in out


def test_functions_lists_the_registry() -> None:
    out = runner.invoke(app, ["functions"]).output
    assert "KPI_WORKDAYS(start, end, [convention], [region], [closures])" in out


def test_bad_date_in_extract_names_row_and_column_not_the_child(tmp_path: Path) -> None:
    bad = tmp_path / "assessments.csv"
    bad.write_text(
        "child_id,referral_date,authorised_date\n"
        "SECRET001,01/03/2023,2023-04-01\n"
        "SECRET002,31/02/2023,2023-04-02\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "xlkpi", "assessments", "--extract", str(bad)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    message = result.stderr
    assert "row 3" in message and "referral_date" in message and "'31/02/2023'" in message
    assert "SECRET" not in message + result.stdout
    assert "Traceback" not in message


def test_missing_column_and_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "a.csv"
    bad.write_text("child_id,referral\nX,01/01/2023\n")
    result = runner.invoke(app, ["assessments", "--extract", str(bad)])
    assert result.exit_code == 2 and "missing required column 'referral_date'" in result.output
    result = runner.invoke(app, ["assessments", "--extract", str(tmp_path / "none.csv")])
    assert result.exit_code == 2


def test_bad_region_is_exit_2() -> None:
    result = runner.invoke(app, ["workdays", "2023-05-05", "2023-05-10", "--region", "XX"])
    assert result.exit_code == 2 and "not a region" in result.output
