"""`xlkpi indicators` on small hand-computed extracts: each boundary of issue 8, and each
kind of bad input (exit 2, file/row/column named, no identifier shown, nothing written)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xlkpi.calendar import working_days
from xlkpi.cli import app
from xlkpi.indicators import INDICATORS, SOURCES, Settings, indicator_table

runner = CliRunner()
SECRET = "SECRET-4711"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _figures(folder: Path, month: str, months: int = 1, population: float = 20_000,
             **kw: object) -> dict[tuple[str, str], tuple]:
    settings = Settings(np.datetime64(month, "M"), months, population, **kw)
    table = indicator_table(folder, settings)
    return {(r.period, r.code): (r.numerator, r.denominator, r.value)
            for r in table.itertuples(index=False)}


def test_definitions_are_data_with_sources() -> None:
    core = ("REREF12", "ASSESS45", "ICPC15", "CPRATE", "CP2YRS", "CLARATE")
    assert all(code in INDICATORS for code in core)
    for ind in INDICATORS.values():
        assert ind.source in SOURCES and ind.description and ind.reference
        assert ind.start in SOURCES[ind.source].columns


def test_rereferrals_leap_day_month_end_and_same_day_duplicates(tmp_path: Path) -> None:
    _write(tmp_path, "referrals.csv", "child_id,referral_date\n"
           "A,2023-02-28\nA,29/02/2024\n"          # EDATE(29 Feb 2024, -12) = 28 Feb 2023: in
           "B,2023-02-27\nB,2024-02-29\n"          # a day outside the window: out
           "C,2024-02-10\nC,2024-02-10\n"          # same-day duplicates: neither is a re-referral
           "D,2023-11-01\nD,2024-02-05\nD,2024-02-05\n"  # both count: earlier referral in window
           "E,2023-03-31\nE,2024-03-31\n"          # month end to month end: in
           "G,2023-03-30\nG,2024-03-31\n")         # one day early: out
    got = _figures(tmp_path, "2024-03", months=2)
    assert got[("2024-02", "REREF12")] == (3, 6, 0.5)
    assert got[("2024-03", "REREF12")] == (1, 2, 0.5)


def test_assessments_45_and_46_working_days_and_the_coronation(tmp_path: Path) -> None:
    # No bank holidays from 9 Jan to 14 Mar 2023: nine weeks is exactly 45 working days.
    # From Fri 5 May 2023 the Coronation (8 May) and the spring holiday (29 May) push the
    # 45th working day to Tue 11 Jul.
    rows = [("2023-01-09", "2023-03-13", 45), ("2023-01-09", "2023-03-14", 46),
            ("2023-05-05", "2023-07-11", 45), ("2023-05-05", "2023-07-12", 46),
            ("2023-05-05", "2023-05-10", 2)]
    for start, end, days in rows:
        assert working_days(start, end) == days
    _write(tmp_path, "assessments.csv", "child_id,referral_date,authorised_date\n"
           + "".join(f"K{i},{s},{e}\n" for i, (s, e, _) in enumerate(rows))
           + "K9,2023-06-01,\n")  # not yet authorised: counted nowhere but open
    got = _figures(tmp_path, "2023-07", months=7)
    assert got[("2023-03", "ASSESS45")] == (1, 2, 0.5)
    assert got[("2023-05", "ASSESS45")] == (1, 1, 1.0)
    assert got[("2023-07", "ASSESS45")] == (1, 2, 0.5)
    assert got[("2023-04", "ASSESS45")] == (0, 0, "N/A")
    # open at 31 Jul 2023: K9 (1 Jun -> 31 Jul is 42 WD, not yet past 45)
    assert working_days("2023-06-01", "2023-07-31") == 42
    assert got[("2023-07", "ASSESSOPEN45")] == (0, 1, 0.0)
    # at 31 Aug it is 65 working days old (28 Aug is the summer bank holiday): overdue
    assert _figures(tmp_path, "2023-08")[("2023-08", "ASSESSOPEN45")] == (1, 1, 1.0)


def test_icpc_15_working_days_over_christmas_substitutes(tmp_path: Path) -> None:
    # 2022: Tue 27 Dec is the substitute Christmas Day; Mon 2 Jan 2023 the New Year's one.
    assert working_days("2022-12-16", "2023-01-11") == 15
    assert working_days("2022-12-16", "2023-01-12") == 16
    _write(tmp_path, "s47.csv", "child_id,strategy_date,icpc_date\n"
           "S1,2022-12-16,2023-01-11\nS2,16/12/2022,12/01/2023\nS3,2023-01-03,\n")
    got = _figures(tmp_path, "2023-01")
    assert got[("2023-01", "ICPC15")] == (1, 2, 0.5)
    assert got[("2023-01", "S47RATE")] == (1, 20_000, 0.5)  # S3 started in Jan: 1 per 20,000


def test_closures_count_as_non_working_days(tmp_path: Path) -> None:
    _write(tmp_path, "assessments.csv", "child_id,referral_date,authorised_date\n"
           "K1,2023-01-09,2023-03-14\n")  # 46 working days; 45 with a closure on 1 Feb
    closed = _write(tmp_path.parent, "closures.txt", "date\n2023-02-01\n")
    assert _figures(tmp_path, "2023-03")[("2023-03", "ASSESS45")] == (0, 1, 0.0)
    with_closure = _figures(tmp_path, "2023-03", closures=np.array(["2023-02-01"],
                                                                    dtype="datetime64[D]"))
    assert with_closure[("2023-03", "ASSESS45")] == (1, 1, 1.0)
    result = runner.invoke(app, ["indicators", str(tmp_path), "--month", "2023-03",
                                 "--population", "100", "--closures", str(closed)])
    assert result.exit_code == 0, result.output
    assert "100.0%" in result.output


def _plans(folder: Path, name: str = "cp_plans.csv") -> None:
    _write(folder, name, "child_id,start_date,end_date\n"
           "P1,2022-03-15,2024-03-15\n"   # exactly 24 months: lasted two years
           "P2,2022-03-16,2024-03-15\n"   # a day short
           "P3,2022-03-31,2024-03-31\n"   # month end, EDATE(31 Mar 2022, 24) = 31 Mar 2024
           "P4,2023-01-01,\n"             # open
           "P4,2024-01-01,\n"             # the same child twice: one child
           "P6,2023-01-01,2024-04-02\n"   # ends after month end: open at 31 Mar
           "P7,2023-01-01,2024-02-10\n"   # ended in February
           "P8,2024-04-01,\n")            # starts after the reporting month


def test_cp_plans_two_years_open_plans_and_rates(tmp_path: Path) -> None:
    _plans(tmp_path)
    got = _figures(tmp_path, "2024-03", months=2)
    assert got[("2024-03", "CP2YRS")] == (2, 3, pytest.approx(2 / 3))
    assert got[("2024-02", "CP2YRS")] == (0, 1, 0.0)
    assert got[("2024-03", "CPRATE")] == (2, 20_000, 1.0)  # P4 and P6; P3 ended on the day
    assert got[("2024-02", "CPRATE")] == (5, 20_000, 2.5)  # P1 P2 P3 P4 P6
    assert got[("2024-03", "CPREPEAT")] == (0, 0, "N/A")
    assert got[("2024-02", "CPREPEAT")] == (0, 0, "N/A")
    jan = _figures(tmp_path, "2024-01")
    assert jan[("2024-01", "CPREPEAT")] == (1, 1, 1.0)  # P4's second plan


def test_cla_rate_and_zero_population_is_na(tmp_path: Path) -> None:
    _plans(tmp_path, "cla.csv")
    assert _figures(tmp_path, "2024-03")[("2024-03", "CLARATE")] == (2, 20_000, 1.0)
    assert _figures(tmp_path, "2024-03", population=0)[("2024-03", "CLARATE")][2] == "N/A"


def test_breakdown_by_team(tmp_path: Path) -> None:
    _write(tmp_path, "referrals.csv", "child_id,referral_date,team\n"
           "A,2024-01-10,North\nA,2024-02-10,North\nB,2024-02-11,South\nC,2024-02-12,\n")
    table = indicator_table(tmp_path, Settings(np.datetime64("2024-02", "M"), by="team"))
    rows = {r.breakdown: (r.numerator, r.denominator) for r in table.itertuples()}
    assert rows == {"All": (1, 3), "North": (1, 1), "South": (0, 1), "(blank)": (0, 1)}
    assert list(table.columns) == ["period", "code", "numerator", "denominator", "value",
                                   "breakdown"]


def test_command_writes_csv_and_xlsx_atomically(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    extract.mkdir()
    _plans(extract)
    out = tmp_path / "out"
    out.mkdir()
    for name in ("table.csv", "table.xlsx"):
        result = runner.invoke(app, ["indicators", str(extract), "--month", "2024-03",
                                     "--months", "2", "--population", "20000", "-o",
                                     str(out / name)])
        assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["table.csv", "table.xlsx"]
    csv = pd.read_csv(out / "table.csv", dtype=str, keep_default_na=False)
    assert list(csv.columns) == ["period", "code", "numerator", "denominator", "value"]
    assert set(csv["period"]) == {"2024-02", "2024-03"}
    xlsx = pd.read_excel(out / "table.xlsx")
    assert len(xlsx) == len(csv)
    shown = runner.invoke(app, ["indicators", str(extract), "--month", "2024-03",
                                "--population", "20000"])
    assert shown.exit_code == 0 and "CP2YRS" in shown.output and "indicators over" in shown.output


BAD_CASES = [
    ("referrals.csv", f"child_id,referral_date\n{SECRET},2024-01-02\nX2,31/02/2024\n",
     "referrals.csv, row 3, column referral_date: '31/02/2024' is not a date"),
    ("referrals.csv", f"child_id,referral_date\nX1,2024-01-02\nX2,{SECRET}\n{SECRET},"
     "2024-01-03\n", "referrals.csv, row 3, column referral_date"),
    ("cp_plans.csv", f"child_id,start_date,end_date\n{SECRET},2023-06-01,2023-01-01\n",
     "cp_plans.csv, row 2, column end_date: '2023-01-01' is before start_date"),
    ("assessments.csv", f"child_id,referral_date\n{SECRET},2024-01-02\n",
     "assessments.csv, row 1: missing required column 'authorised_date'"),
    ("s47.csv", f"child_id,strategy_date,icpc_date,Strategy_Date\n{SECRET},2024-01-02,,\n",
     "s47.csv, row 1, column strategy_date: duplicate header"),
    ("cla.csv", "", "cla.csv, row 1: empty file"),
    ("s47.csv", f"child_id,strategy_date,icpc_date\n{SECRET},,\n",
     "s47.csv, row 2, column strategy_date: '' is blank"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_CASES)
def test_bad_input_exits_2_names_row_and_column_never_the_child(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    extract = tmp_path / "extract"
    extract.mkdir()
    _write(extract, "referrals.csv", f"child_id,referral_date\n{SECRET},2024-01-02\n")
    _write(extract, name, text)
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(app, ["indicators", str(extract), "--month", "2024-01",
                                 "--population", "100", "-o", str(out / "table.csv")])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert SECRET not in result.output
    assert "Traceback" not in result.output
    assert list(out.iterdir()) == []  # nothing written, not even a temporary file


@pytest.mark.parametrize("args", [["--month", "2024-13"], ["--month", "March"],
                                  ["-o", "table.txt"], ["--region", "XX"], ["--by", "ward"]])
def test_bad_options_exit_2(tmp_path: Path, args: list[str]) -> None:
    _write(tmp_path, "referrals.csv", "child_id,referral_date\nA,2024-01-02\n")
    base = {"--month": "2024-01"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["indicators", str(tmp_path), "--population", "100"]
    for key, value in base.items():
        argv += [key, str(tmp_path / value) if key == "-o" else value]
    assert runner.invoke(app, argv).exit_code == 2


def test_directory_without_extracts_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["indicators", str(tmp_path), "--month", "2024-01",
                                 "--population", "100"])
    assert result.exit_code == 2 and "no extract files found" in result.output


def test_contacts_progressed_to_referral_by_source(tmp_path: Path) -> None:
    _write(tmp_path, "contacts.csv", "child_id,contact_date,referral_date,source\n"
           "A,2024-02-01,2024-02-02,Police\nB,2024-02-03,,Police\n"
           "C,2024-02-28,2024-03-01,Health\nD,2024-01-31,2024-02-01,Health\n")
    table = indicator_table(tmp_path, Settings(np.datetime64("2024-02", "M"), by="source"))
    rows = {r.breakdown: (r.numerator, r.denominator) for r in table.itertuples()}
    assert rows == {"All": (2, 3), "Health": (1, 1), "Police": (1, 2)}


def test_cla_with_three_placements_in_twelve_months(tmp_path: Path) -> None:
    _write(tmp_path, "placements.csv", "child_id,start_date,end_date\n"
           "L1,2023-01-01,2023-03-31\n"    # ended on EDATE(31 Mar 2024, -12): outside
           "L1,2023-03-31,2023-10-01\nL1,2023-10-01,\n"
           "L2,2022-06-01,2023-04-01\n"    # open on 1 Apr 2023: inside the year
           "L2,2023-04-01,2024-01-01\nL2,2024-01-01,\n"
           "L3,2024-03-01,2024-03-10\nL3,2024-03-10,2024-03-20\nL3,2024-03-20,2024-03-31\n")
    got = _figures(tmp_path, "2024-03")
    assert got[("2024-03", "CLA3PLACE")] == (1, 2, 0.5)  # L2 of L1 and L2 (L3 has left care)
