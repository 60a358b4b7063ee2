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
from xlkpi.indicators import INDICATORS, KINDS, SOURCES, Settings, indicator_table
from xlkpi.indicators.tables import TABLES
from xlkpi.timescales import TIMESCALES

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
        assert ind.source in TABLES and ind.description and ind.reference, ind.code
        assert ind.kind in KINDS and ind.returns, ind.code
        assert not ind.start or TABLES[ind.source][ind.start] == "date", ind.code
        if ind.secondary:  # two-table kinds: the event date is a column of the second table
            # (led_to matches the second table on the first's start column)
            assert TABLES[ind.secondary][ind.event or ind.start] == "date", ind.code
            assert all(code in TIMESCALES for code in ind.timescales)
    for name, source in SOURCES.items():  # the CSV layout is a subset of the tables
        assert set(source.columns) <= set(TABLES[name])


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
    rows = {r.breakdown: (r.numerator, r.denominator) for r in table.itertuples()
            if r.code == "REREF12"}
    assert rows == {"All": (1, 3), "North": (1, 1), "South": (0, 1), "(blank)": (0, 1)}
    assert list(table.columns) == ["period", "code", "numerator", "denominator", "value",
                                   "source", "breakdown"]


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
    assert list(csv.columns) == ["period", "code", "numerator", "denominator", "value",
                                 "source"]
    assert set(csv["period"]) == {"2024-02", "2024-03"}
    xlsx = pd.read_excel(out / "table.xlsx")
    assert len(xlsx) == len(csv)
    shown = runner.invoke(app, ["indicators", str(extract), "--month", "2024-03",
                                "--population", "20000"])
    assert shown.exit_code == 0 and "CP2YRS" in shown.output and "indicators over" in shown.output


#: Files that cannot be read as their table: refused whatever the options (exit 2).
UNREADABLE = [
    ("assessments.csv", f"child_id,referral_date\n{SECRET},2024-01-02\n",
     "assessments.csv, row 1: missing required column 'authorised_date'"),
    ("s47.csv", f"child_id,strategy_date,icpc_date,Strategy_Date\n{SECRET},2024-01-02,,\n",
     "s47.csv, row 1, column strategy_date: duplicate header"),
    ("cla.csv", "", "cla.csv, row 1: empty file"),
    ("cp_visits.csv", f"child_id\n{SECRET}\n",
     "cp_visits.csv, row 1: missing required column 'visit_date'"),
]

#: Records with an error: left out and reported (exit 1), or refused with --strict (exit 2).
BAD_RECORDS = [
    ("referrals.csv", f"child_id,referral_date\n{SECRET},2024-01-02\nX2,31/02/2024\n",
     "referrals.csv, row 3, referral_date ('31/02/2024'): the value is not a date", "REREF12"),
    ("referrals.csv", f"child_id,referral_date\nX1,2024-01-02\nX2,{SECRET}\n{SECRET},"
     "2024-01-03\n", "referrals.csv, row 3, referral_date: the value is not a date",
     "REREF12"),
    ("cp_plans.csv", f"child_id,start_date,end_date\n{SECRET},2023-06-01,2023-01-01\n",
     "cp_plans.csv, row 2, end_date ('2023-01-01'): an end or completion date is before the "
     "start", "CPRATE"),
    ("s47.csv", f"child_id,strategy_date,icpc_date\n{SECRET},,\n",
     "s47.csv, row 2, strategy_date: a value the record needs is blank", "ICPC15"),
    ("cp_visits.csv", f"child_id,visit_date\nX1,2024-01-05\n{SECRET},\n",
     "cp_visits.csv, row 3, visit_date: a value the record needs is blank", "CPVISITS"),
    ("cla_reviews.csv", f"child_id,review_date\n{SECRET},2024-13-01\n",
     "cla_reviews.csv, row 2, review_date ('2024-13-01'): the value is not a date",
     "CLAREVIEWS"),
    ("cla.csv", f"child_id,start_date,end_date\nX1,1990-01-01,1995-01-01\n"
     f"{SECRET},1999-05-01,\n",
     "cla.csv, row 3, start_date: a date working days are counted from is outside the "
     "working-day calendar", "CLAREVIEWS"),
]


def _run(tmp_path: Path, name: str, text: str, *options: str) -> tuple:
    extract = tmp_path / "extract"
    extract.mkdir()
    _write(extract, "referrals.csv", f"child_id,referral_date\n{SECRET},2024-01-02\n")
    _write(extract, name, text)
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(app, ["indicators", str(extract), "--month", "2024-01",
                                 "--population", "100", "-o", str(out / "table.csv"),
                                 *options])
    return result, out


@pytest.mark.parametrize(("name", "text", "message"), UNREADABLE)
def test_unreadable_file_exits_2_names_row_and_column_never_the_child(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    result, out = _run(tmp_path, name, text)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert SECRET not in result.output
    assert "Traceback" not in result.output
    assert list(out.iterdir()) == []  # nothing written, not even a temporary file


@pytest.mark.parametrize(("name", "text", "message", "code"), BAD_RECORDS)
def test_bad_record_is_refused_with_strict(tmp_path: Path, name: str, text: str,
                                          message: str, code: str) -> None:
    result, out = _run(tmp_path, name, text, "--strict")
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "nothing written" in result.output
    assert SECRET not in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(("name", "text", "message", "code"), BAD_RECORDS)
def test_bad_record_is_left_out_and_reported(tmp_path: Path, name: str, text: str,
                                            message: str, code: str) -> None:
    report = tmp_path / "quality.csv"
    result, out = _run(tmp_path, name, text, "--quality", str(report))
    assert result.exit_code == 1, result.output
    assert SECRET not in result.output and "Traceback" not in result.output
    assert (out / "table.csv").is_file()
    quality = pd.read_csv(report, dtype=str, keep_default_na=False)
    assert list(quality.columns) == ["source", "file", "locator", "field", "rule", "value",
                                     "tables", "indicators"]
    assert len(quality) == 1 and quality["file"][0] == name
    assert code in quality["indicators"][0].split()
    assert SECRET not in report.read_text()


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
    assert result.exit_code == 2 and "no returns found" in result.output


def test_contacts_progressed_to_referral_by_source(tmp_path: Path) -> None:
    _write(tmp_path, "contacts.csv", "child_id,contact_date,referral_date,source\n"
           "A,2024-02-01,2024-02-02,Police\nB,2024-02-03,,Police\n"
           "C,2024-02-28,2024-03-01,Health\nD,2024-01-31,2024-02-01,Health\n")
    table = indicator_table(tmp_path, Settings(np.datetime64("2024-02", "M"), by="source"))
    rows = {r.breakdown: (r.numerator, r.denominator) for r in table.itertuples()
            if r.code == "CONTACTREF"}
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


# --- CPVISITS: children on a plan at month end visited within N working days ----------

# Month end Wed 31 May 2023. May 2023 has 23 weekdays and three bank holidays (Mon 1 May,
# Mon 8 May the Coronation, Mon 29 May): 20 working days. Elapsed working days to 31 May:
#   Fri 28 Apr -> 20 (29-30 Apr is a weekend); without the Coronation it would be 21
#   Thu 27 Apr -> 21
#   Fri 28 Apr as a plan start -> 20, not fewer than 20: due
#   Wed  3 May -> 4-5 May (2), 9-12 (4), 15-19 (5), 22-26 (5), 30-31 (2) = 18
#   Tue 30 May -> 1
_VISIT_PLANS = ("child_id,start_date,end_date,team\n"
                "V1,2023-01-05,,North\n"
                "V2,2023-01-05,,North\n"
                "V3,2023-01-05,,South\n"
                "V4,2023-05-03,,South\n"              # started 18 WD before: not yet due
                "V5,2023-04-28,,South\n"              # started 20 WD before, never visited
                "V6,2023-01-05,2023-05-20,North\n"    # closed before month end: excluded
                "V7,2023-01-05,2023-05-31,North\n"    # ends on month end: not open, excluded
                "V9,2022-01-03,2022-06-01,North\n"    # an old plan of V9 ...
                "V9,2023-05-30,,North\n")             # ... and a new one 1 WD old: not yet due
_VISITS = ("child_id,visit_date\n"
           "V1,2023-03-01\nV1,28/04/2023\n"           # latest 28 Apr: 20 WD, in time
           "V2,2023-03-01\nV2,2023-04-27\n"           # latest 27 Apr: 21 WD, late
           "V3,2023-04-27\nV3,2023-06-02\n"           # 2 Jun is after month end: 27 Apr, late
           "V6,2023-05-19\nV7,2023-05-30\n"
           "V8,2023-05-30\n")                         # no plan: not counted anywhere


def _visit_extract(folder: Path) -> None:
    _write(folder, "cp_plans.csv", _VISIT_PLANS)
    _write(folder, "cp_visits.csv", _VISITS)


def test_visit_days_hand_checks() -> None:
    assert working_days("2023-04-28", "2023-05-31") == 20
    assert working_days("2023-04-27", "2023-05-31") == 21
    assert working_days("2023-05-03", "2023-05-31") == 18
    assert working_days("2024-04-02", "2024-04-30") == 20
    assert working_days("2024-04-01", "2024-04-30") == 21
    assert working_days("2024-03-28", "2024-04-30") == 21


# denominator V1 V2 V3 V4 V5 V9 (6).
# N=20: V1 (20 WD), V4 (18 < 20), V9 (1 < 20) -> 3/6.
# N=21: V1, V2 (21), V3 (21), V4, V5 (20 < 21 not yet due), V9 -> 6/6.
# N=19: V1 late (20 > 19), V4 (18 < 19), V5 due and never visited, V9 -> 2/6.
# N=0: only a visit on 31 May itself would do; none -> 0/6.
VISIT_CASES = [(None, (3, 6, 0.5)), (20, (3, 6, 0.5)), (21, (6, 6, 1.0)),
               (19, (2, 6, pytest.approx(1 / 3))), (0, (0, 6, 0.0))]


@pytest.mark.parametrize(("visit_days", "expected"), VISIT_CASES)
def test_cp_visits_within_n_working_days(tmp_path: Path, visit_days: int | None,
                                         expected: tuple) -> None:
    _visit_extract(tmp_path)
    got = _figures(tmp_path, "2023-05", visit_days=visit_days)
    assert got[("2023-05", "CPVISITS")] == expected


def test_cp_visits_over_easter_and_by_team(tmp_path: Path) -> None:
    # Month end Tue 30 Apr 2024; Good Friday 29 Mar and Easter Monday 1 Apr are holidays.
    # E1 Tue 2 Apr: 20 WD, in time. E2 Easter Monday: 21 WD, late. E3 Thu 28 Mar: 21, late.
    _write(tmp_path, "cp_plans.csv", "child_id,start_date,end_date,team\n"
           "E1,2024-01-10,,North\nE2,2024-01-10,,North\nE3,2024-01-10,,South\n")
    _write(tmp_path, "cp_visits.csv", "child_id,visit_date\n"
           "E1,2024-04-02\nE2,2024-04-01\nE3,2024-03-28\n")
    assert _figures(tmp_path, "2024-04")[("2024-04", "CPVISITS")] == (
        1, 3, pytest.approx(1 / 3))
    table = indicator_table(tmp_path, Settings(np.datetime64("2024-04", "M"), by="team"))
    rows = {r.breakdown: (r.numerator, r.denominator) for r in table.itertuples()
            if r.code == "CPVISITS"}
    assert rows == {"All": (1, 3), "North": (1, 2), "South": (0, 1)}


def test_cp_visits_needs_both_files(tmp_path: Path) -> None:
    _write(tmp_path, "cp_plans.csv", _VISIT_PLANS)
    assert not any(code == "CPVISITS" for _, code in _figures(tmp_path, "2023-05"))
    (tmp_path / "cp_plans.csv").unlink()
    _write(tmp_path, "cp_visits.csv", _VISITS)
    assert _figures(tmp_path, "2023-05") == {}


# --- CLAREVIEWS: every review due by month end held on time ---------------------------

# First reviews: WORKDAY(entry, 20).
#   Mon 3 Jun 2024 -> Jun 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), Mon 1 Jul (20)
#   Wed 1 May 2024 -> May 2-3 (2), 7-10 (6; 6 May holiday), 13-17 (11), 20-24 (16),
#                     28-31 (20; 27 May holiday): Fri 31 May (29 May without the holidays)
#   Wed 3 Jan 2024 -> Jan 4-5 (2), 8-12 (7), 15-19 (12), 22-26 (17), 29-31 (20): 31 Jan
#   Mon 2 Jan 2023 (a bank holiday) -> Jan 3-6 (4), ..., 23-27 (19), Mon 30 Jan (20)
#   Thu 1 Feb 2024 -> Feb 2 (1), 5-9 (6), 12-16 (11), 19-23 (16), 26-29 (20): 29 Feb
#   Mon 15 Jul 2024 -> Mon 12 Aug: after 31 Jul, not yet due
# Second review: EDATE(first, 3); EDATE(31 Jan 2024, 3) = 30 Apr 2024 (April has 30 days).
# Later reviews: EDATE(previous, 6).
_EPISODES = ("child_id,start_date,end_date\n"
             "R1,2024-06-03,\nR2,2024-06-03,\nR3,2024-06-03,\n"
             "R4,2024-07-15,\n"                     # first review due 12 Aug: excluded
             "R5,2024-02-01,2024-07-20\n"           # left care in July: June only
             "R6,2024-01-03,\nR7,2024-01-03,\n"
             "R8,2023-01-02,\nR9,2023-01-02,\nR10,2023-01-02,\n"
             "R11,2022-01-03,2023-06-30\nR11,2024-06-03,\n"  # a new episode from 3 Jun
             "R13,2024-05-01,\nR14,2024-05-01,\n")
_REVIEWS = ("child_id,review_date\n"
            "R1,2024-07-01\n"                       # day 20: in time
            "R2,2024-07-02\n"                       # day 21: late
            # R3: none held, due 1 Jul: late
            "R6,2024-01-31\nR6,2024-04-30\n"        # day 20, then EDATE(31 Jan, 3): in time
            "R7,2024-01-31\nR7,2024-05-01\n"        # second a day after 30 Apr: late
            "R8,2023-01-20\nR8,2023-04-20\nR8,2023-10-16\nR8,2024-04-16\n"
            # R8: due 30 Jan; EDATE(20 Jan 23, 3) = 20 Apr; EDATE(20 Apr, 6) = 20 Oct
            # (held 16 Oct); EDATE(16 Oct 23, 6) = 16 Apr 24 (held that day); next 16 Oct 24
            "R9,2023-01-20\nR9,2023-04-20\nR9,2023-10-16\nR9,2024-04-17\n"  # 4th a day late
            "R10,2023-01-20\nR10,2023-04-20\nR10,2023-10-16\n"  # 4th due 16 Apr 24, not held
            "R11,2022-01-20\nR11,2024-07-01\n"      # the 2022 review is another episode's
            "R13,2024-05-31\n"                      # day 20 thanks to two bank holidays
            "R14,2024-06-03\n"                      # day 21: late
            "R99,2024-06-03\n")                     # not looked after: ignored


def test_cla_review_hand_checks() -> None:
    from xlkpi.calendar import add_working_days
    assert add_working_days("2024-06-03", 20).isoformat() == "2024-07-01"
    assert add_working_days("2024-05-01", 20).isoformat() == "2024-05-31"
    assert add_working_days("2024-01-03", 20).isoformat() == "2024-01-31"
    assert add_working_days("2023-01-02", 20).isoformat() == "2023-01-30"
    assert add_working_days("2024-02-01", 20).isoformat() == "2024-02-29"
    assert add_working_days("2024-07-15", 20).isoformat() == "2024-08-12"


def test_cla_reviews_first_second_and_later(tmp_path: Path) -> None:
    _write(tmp_path, "cla.csv", _EPISODES)
    _write(tmp_path, "cla_reviews.csv", _REVIEWS)
    got = _figures(tmp_path, "2024-07", months=2)
    # 31 Jul 2024: due R1 R2 R3 R6 R7 R8 R9 R10 R11 R13 R14 (11; R4 not due, R5 left);
    # in time R1 R6 R8 R11 R13 (5).
    assert got[("2024-07", "CLAREVIEWS")] == (5, 11, pytest.approx(5 / 11))
    # 30 Jun 2024: R1-R3 and R11 first due 1 Jul, not yet; R5 due 29 Feb, never reviewed.
    # due R5 R6 R7 R8 R9 R10 R13 R14 (8); in time R6 R8 R13 (3).
    assert got[("2024-06", "CLAREVIEWS")] == (3, 8, 0.375)
    # 31 Jan 2024: R6 and R7 reviewed on day 20 (due 31 Jan); R8-R10 all in time so far
    # (third review 16 Oct 2023, fourth due 16 Apr 2024). R5 not yet looked after.
    jan = _figures(tmp_path, "2024-01")
    assert jan[("2024-01", "CLAREVIEWS")] == (5, 5, 1.0)


def test_cla_reviews_needs_both_files_and_old_episodes_are_fine(tmp_path: Path) -> None:
    _write(tmp_path, "cla.csv", "child_id,start_date,end_date\n"
           "A,1995-03-01,1998-01-01\n"          # before the calendar but long closed: fine
           "A,2024-06-03,\n")
    got = _figures(tmp_path, "2024-07")
    assert ("2024-07", "CLAREVIEWS") not in got and ("2024-07", "CLARATE") in got
    _write(tmp_path, "cla_reviews.csv", "child_id,review_date\nA,2024-07-01\n")
    assert _figures(tmp_path, "2024-07")[("2024-07", "CLAREVIEWS")] == (1, 1, 1.0)


def test_command_with_visits_and_reviews(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    extract.mkdir()
    _visit_extract(extract)
    _write(extract, "cla.csv", _EPISODES)
    _write(extract, "cla_reviews.csv", _REVIEWS)
    out = tmp_path / "table.csv"
    base = ["indicators", str(extract), "--month", "2023-05", "--population", "100", "-o",
            str(out)]
    figures = {}
    for extra in ([], ["--visit-days", "21"]):
        result = runner.invoke(app, base + extra)
        assert result.exit_code == 0, result.output
        csv = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("code")
        figures[tuple(extra)] = tuple(csv.loc["CPVISITS", ["numerator", "denominator"]])
        # 31 May 2023: R8-R10 (from 2 Jan 2023) were reviewed on 20 Jan (due 30 Jan) and
        # on 20 Apr (due EDATE(20 Jan, 3) = 20 Apr): in time. R11's first episode (3 Jan
        # 2022 to 30 Jun 2023) is open: reviewed 20 Jan 2022, second due 20 Apr 2022 never
        # held: late. 3 of 4.
        assert tuple(csv.loc["CLAREVIEWS", ["numerator", "denominator", "value"]]) == (
            "3", "4", "0.75")
    assert figures == {(): ("3", "6"), ("--visit-days", "21"): ("6", "6")}
    shown = runner.invoke(app, ["indicators", str(extract), "--month", "2023-05",
                                "--population", "100", "--visit-days", "19"])
    assert shown.exit_code == 0 and "CPVISITS" in shown.output and "33.3%" in shown.output
    assert "cp_visits.csv" not in shown.output and "cla_reviews.csv" not in shown.output
    (extract / "cp_visits.csv").unlink()
    without = runner.invoke(app, ["indicators", str(extract), "--month", "2023-05",
                                  "--population", "100"])
    assert without.exit_code == 0 and "CPVISITS" not in without.output
    left_out = " ".join(without.output.split()).split("; no ")[1]
    assert "cp_visits" in left_out.split(" table")[0].split(", ")
    bad = runner.invoke(app, [*base, "--visit-days", "-1"])
    assert bad.exit_code == 2 and not out.with_name("x").exists()


@pytest.mark.parametrize(("period", "expected"), [
    # referrals dated 2023-03-31, 2023-04-01, 2023-09-15, 2024-02-29, 2024-03-01
    ("month", [0, 0, 0, 0, 1, 1]),                  # Oct-23 .. Mar-24 each month alone
    ("rolling12", [3, 3, 3, 3, 4, 4]),              # 2023-03-31 leaves in March 2024
    ("fytd", [2, 2, 2, 2, 3, 4]),                   # April 2023 on, the year not restarting
])
def test_event_counts_summed_over_rolling_12_months_and_the_financial_year(
        tmp_path: Path, period: str, expected: list[int]) -> None:
    from xlkpi.indicators import Indicator, read_extract
    from xlkpi.indicators.engine import _counts, periods_ending

    _write(tmp_path, "referrals.csv", "child_id,referral_date\nA,2023-03-31\nB,2023-04-01\n"
           "C,2023-09-15\nD,2024-02-29\nE,2024-03-01\n")
    ind = Indicator("T", "test", "referrals", "event_rate", "referral_date", unit="count",
                    period=period)
    periods = periods_ending(np.datetime64("2024-03", "M"), 6)
    extract = read_extract(tmp_path)
    num, _den = _counts(ind, extract, periods, Settings(np.datetime64("2024-03", "M"), 6),
                       np.zeros(5, dtype=np.int64), 1)
    assert num[0].tolist() == expected


def test_readme_lists_every_indicator() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    missing = [code for code in INDICATORS if f"| {code} |" not in readme]
    assert not missing, f"README's indicator tables lack {missing}"
