"""Issue 19, contacts to child protection: small hand-computed cases for each indicator of
catalogue_cin and catalogue_cp, read from every return that can carry it (CIN census XML,
Annex A workbook, xlkpi's CSV layout), with their boundaries: month ends, leap days,
exactly two years, a plan ending the day another starts, a review on its due date and a
day after, same-day repeats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from samples.write_returns import write_annex_a, write_cin_census, write_extract
from xlkpi.calendar import working_days
from xlkpi.indicators import INDICATORS, Settings, compute, read_sources

POPULATION = 20_000  # a rate per 10,000 is half the count
NAT = None


def _frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    """A case table from rows; date columns (``*_date``, ``plan_start``) parsed, None blank."""
    names = columns.split()
    frame = pd.DataFrame(rows, columns=names)
    for col in names:
        if col.endswith("_date") or col == "plan_start":
            frame[col] = pd.to_datetime(frame[col])
    return frame


def _children(ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"child_id": ids, "birth_date": pd.to_datetime(["2012-06-01"] * len(ids)),
                         "sex": ["1"] * len(ids)})


def _write(kind: str, cases: dict[str, pd.DataFrame], folder: Path,
           date: str = "2025-03-31") -> Path:
    """The cases as one return: ``cin`` (census, reference date), ``annex`` (Annex A,
    extract date) or ``csv`` (the CSV layout)."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "cin":
        return write_cin_census(cases, folder / "census.xml", date)
    if kind == "annex":
        return write_annex_a(cases, folder / "annex_a.xlsx", date)
    write_extract(cases, folder / "extract")
    return folder / "extract"


def _figures(paths: list[Path], month: str, months: int = 2,
             codes: tuple[str, ...] | None = None) -> dict[tuple[str, str], tuple]:
    combined = read_sources(paths)
    assert not combined.findings, [f.message() for f in combined.findings]
    table = compute(combined.extract, Settings(np.datetime64(month, "M"), months, POPULATION),
                    codes)
    return {(r.period, r.code): (r.numerator, r.denominator,
                                 round(r.value, 9) if isinstance(r.value, float) else r.value)
            for r in table.itertuples(index=False)}


def _codes(got: dict[tuple[str, str], tuple]) -> set[str]:
    return {code for _, code in got}


def test_catalogue_declares_every_indicator_with_its_reference() -> None:
    mine = ("CONTACTS", "REFERRALS", "REFRATE", "REREF12R", "ASSESSMENTS", "ASSESSRATE",
            "S47RATE12", "CINCOUNT", "CINRATE", "CINPLAN", "CPCOUNT", "ICPCRATE",
            "CPREPEAT12", "CPREPEAT2Y", "CPOPEN2Y", "CPREVIEWS", "CPVISITSA", "REFASSESS",
            "CPREPEATNOW", "CINVISITSA")
    for code in mine:
        ind = INDICATORS[code]
        assert ind.code.isupper() and ind.description and ind.reference
        assert ind.polarity in ("high", "low", "")
    listed = list(INDICATORS)
    assert listed.index("CPVISITS") < listed.index("CONTACTS") < listed.index("CPCOUNT")
    assert INDICATORS["CINCOUNT"].returns == ("CIN census",)
    assert INDICATORS["CPREVIEWS"].returns == ("CIN census",)
    assert INDICATORS["CPVISITSA"].returns == ("Annex A",)
    assert INDICATORS["CINVISITSA"].returns == ("Annex A",)
    assert INDICATORS["REFASSESS"].returns == ("CIN census", "extract", "Annex A")
    assert "Annex A" not in INDICATORS["CPREPEAT2Y"].returns
    assert INDICATORS["CONTACTS"].returns == ("extract", "Annex A")


# --- volumes and rolling rates -----------------------------------------------------------

_VOLUMES = {
    "children": _children(["K1", "K2", "K3", "K4", "K5"]),
    "referrals": _frame("child_id referral_date closure_date", [
        ("K1", "2023-03-31", "2023-04-30"),  # a day before the 12 months to 31 Mar 2024
        ("K2", "2023-04-01", NAT),           # the first day of them
        ("K3", "2024-02-29", NAT),           # leap day
        ("K4", "2024-03-31", NAT),           # month end
        ("K5", "2024-04-01", NAT)]),         # after
    "contacts": _frame("child_id contact_date referral_date", [
        ("K3", "2024-02-29", "2024-02-29"), ("K4", "2024-03-01", NAT),
        ("K4", "2024-03-31", "2024-03-31"), ("K5", "2024-04-01", "2024-04-01")]),
    "assessments": _frame("child_id referral_date start_date authorised_date", [
        ("K1", "2023-03-31", "2023-03-31", "2023-03-31"),
        ("K2", "2023-04-01", "2023-04-01", "2023-04-01"),
        ("K3", "2024-02-29", "2024-02-29", "2024-03-31"),
        ("K4", "2024-03-31", "2024-03-31", NAT)]),       # not authorised: counted nowhere
    "s47": _frame("child_id referral_date strategy_date icpc_date", [
        ("K2", "2023-04-01", "2023-04-03", "2023-04-20"),
        ("K3", "2024-02-29", "2024-02-29", "2024-03-15"),
        ("K3", "2024-02-29", "2024-03-01", "2024-03-15"),  # same child, same conference
        ("K4", "2024-03-31", "2024-03-31", NAT)]),
}


@pytest.mark.parametrize("kind", ["cin", "annex", "csv"])
def test_volumes_in_month_and_rolling_rates(tmp_path: Path, kind: str) -> None:
    got = _figures([_write(kind, _VOLUMES, tmp_path, "2024-04-30" if kind == "annex"
                           else "2025-03-31")], "2024-03")
    assert got[("2024-03", "REFERRALS")] == (1, "", 1)
    assert got[("2024-02", "REFERRALS")] == (1, "", 1)
    # referrals in the 12 months: K2 K3 K4 to March (K1 a day early); K1 K2 K3 to February
    assert got[("2024-03", "REFRATE")] == (3, POPULATION, 1.5)
    assert got[("2024-02", "REFRATE")] == (3, POPULATION, 1.5)
    assert got[("2024-03", "ASSESSMENTS")] == (1, "", 1)     # K3 on 31 March
    assert got[("2024-02", "ASSESSMENTS")] == (0, "", 0)
    assert got[("2024-03", "ASSESSRATE")] == (2, POPULATION, 1.0)  # K2 (1 Apr 2023), K3
    assert got[("2024-02", "ASSESSRATE")] == (2, POPULATION, 1.0)  # K1 (31 Mar 2023), K2
    assert got[("2024-03", "S47RATE12")] == (4, POPULATION, 2.0)
    assert got[("2024-02", "S47RATE12")] == (2, POPULATION, 1.0)  # K2, K3's first
    # K3's two enquiries led to one conference on 15 March: one ICPC
    assert got[("2024-03", "ICPCRATE")] == (2, POPULATION, 1.0)
    assert got[("2024-02", "ICPCRATE")] == (1, POPULATION, 0.5)
    if kind == "cin":
        assert "CONTACTS" not in _codes(got)  # the census holds no contacts
    else:
        assert got[("2024-03", "CONTACTS")] == (2, "", 2)
        assert got[("2024-02", "CONTACTS")] == (1, "", 1)


_REREFERRALS = {
    "children": _children(["A", "B", "D", "E", "F"]),
    "referrals": _frame("child_id referral_date closure_date", [
        ("A", "2023-02-28", "2023-03-10"), ("A", "2024-02-29", NAT),  # EDATE(-12): in
        ("B", "2023-02-27", "2023-03-10"), ("B", "2024-02-29", NAT),  # a day outside
        ("D", "2023-04-15", "2023-05-10"), ("D", "2024-03-31", NAT),  # month end: in
        ("E", "2022-04-01", "2022-05-01"), ("E", "2023-04-01", "2023-05-01"),
        ("F", "2022-06-01", "2022-07-01"), ("F", "2023-03-31", "2023-04-30")]),
}


@pytest.mark.parametrize("kind", ["cin", "csv"])
def test_rereferrals_over_the_rolling_year(tmp_path: Path, kind: str) -> None:
    got = _figures([_write(kind, _REREFERRALS, tmp_path)], "2024-03")
    # to March: A 29 Feb (re), B 29 Feb, D 15 Apr 2023, D 31 Mar (re), E 1 Apr 2023 (re)
    assert got[("2024-03", "REREF12R")] == (3, 5, 0.6)
    # to February: A 29 Feb (re), B 29 Feb, D 15 Apr 2023, E 1 Apr (re), F 31 Mar (re)
    assert got[("2024-02", "REREF12R")] == (3, 5, 0.6)
    assert got[("2024-03", "REREF12")] == (1, 1, 1.0)  # the month alone: D


def test_rereferrals_not_from_annex_a(tmp_path: Path) -> None:
    got = _figures([_write("annex", _REREFERRALS, tmp_path, "2024-04-30")], "2024-03")
    assert "REREF12R" not in _codes(got) and "REFERRALS" in _codes(got)


# --- children in need --------------------------------------------------------------------

_IN_NEED = {
    "children": _children(["N1", "N2", "N3", "N4", "N5", "N6", "N7"]),
    "referrals": _frame("child_id referral_date closure_date nfa", [
        ("N1", "2024-02-29", NAT, False),           # referred on the month end: open
        ("N2", "2023-05-01", "2024-02-29", False),  # closed on the month end: not open
        ("N3", "2023-05-01", "2024-03-01", False),  # closed the day after: open
        ("N4", "2024-02-10", NAT, True),            # NFA: never in need
        ("N5", "2023-06-01", NAT, False),           # two open episodes: one child
        ("N5", "2024-01-15", NAT, False),
        ("N6", "2024-03-01", NAT, False),           # after February
        ("N7", "2024-01-02", NAT, False)]),         # on a CP plan: counted by the DfE
    "cin_plans": _frame("child_id referral_date start_date end_date", [
        ("N1", "2024-02-29", "2024-02-29", NAT),          # starts on the month end: open
        ("N3", "2023-05-01", "2023-06-01", NAT),
        ("N5", "2023-06-01", "2023-07-01", "2024-02-29"),  # ended on the month end
        ("N7", "2024-01-02", "2024-01-03", NAT)]),
    "cp_plans": _frame("child_id start_date end_date", [("N7", "2024-01-05", NAT)]),
}


def test_children_in_need_as_the_dfe_counts_them(tmp_path: Path) -> None:
    got = _figures([_write("cin", _IN_NEED, tmp_path)], "2024-03")
    assert got[("2024-02", "CINCOUNT")] == (4, "", 4)  # N1 N3 N5 N7
    assert got[("2024-02", "CINRATE")] == (4, POPULATION, 2.0)
    assert got[("2024-03", "CINCOUNT")] == (4, "", 4)  # N1 N5 N6 N7 (N3 closed 1 March)
    # S17 at February's end: N1 N3 N5 (N7 is on a plan); planned: N1 N3 (N5's ended)
    assert got[("2024-02", "CINPLAN")] == (2, 3, round(2 / 3, 9))
    # March: N1 N5 N6; planned N1 only
    assert got[("2024-03", "CINPLAN")] == (1, 3, round(1 / 3, 9))


def test_s17_children_in_need_leave_out_the_looked_after(tmp_path: Path) -> None:
    census = _write("cin", _IN_NEED, tmp_path / "census")
    extract = tmp_path / "cla"
    extract.mkdir()
    (extract / "cla.csv").write_text("child_id,start_date,end_date\nN3,2024-01-01,\n"
                                     "N5,2023-01-01,2024-02-29\n")  # N5 left care on the day
    got = _figures([census, extract], "2024-02", months=1)
    assert got[("2024-02", "CINPLAN")] == (1, 2, 0.5)  # N1 of N1 N5
    assert got[("2024-02", "CINCOUNT")] == (4, "", 4)  # the looked after stay in the count


@pytest.mark.parametrize("kind", ["annex", "csv"])
def test_children_in_need_need_the_census(tmp_path: Path, kind: str) -> None:
    cases = {k: v for k, v in _IN_NEED.items() if k != "cin_plans"}
    got = _figures([_write(kind, cases, tmp_path, "2024-03-31")], "2024-03")
    assert not {"CINCOUNT", "CINRATE", "CINPLAN"} & _codes(got)
    assert "REFERRALS" in _codes(got)


# --- referrals to assessment ------------------------------------------------------------

_TO_ASSESSMENT = {
    "children": _children(["R1", "R2", "R3", "R4", "R5"]),
    "referrals": _frame("child_id referral_date nfa", [
        ("R1", "2024-03-04", False),   # assessed: led to one
        ("R2", "2024-03-05", True),    # NFA: in the denominator, led to nothing
        ("R3", "2024-03-31", False),   # month end; the assessment starts in April
        ("R4", "2024-02-29", False),   # leap day, February's
        ("R5", "2024-01-10", False),   # the assessment is this referral's...
        ("R5", "2024-03-10", False)]),  # ...not this later one's
    "assessments": _frame("child_id referral_date start_date authorised_date", [
        ("R1", "2024-03-04", "2024-03-06", NAT),   # started, not yet authorised: counts
        ("R3", "2024-03-31", "2024-04-02", NAT),
        ("R4", "2024-02-29", "2024-03-01", "2024-03-20"),
        ("R5", "2024-01-10", "2024-01-12", "2024-02-01")]),
}


@pytest.mark.parametrize("kind", ["cin", "annex", "csv"])
def test_referrals_that_led_to_an_assessment(tmp_path: Path, kind: str) -> None:
    got = _figures([_write(kind, _TO_ASSESSMENT, tmp_path, "2024-04-02")], "2024-03",
                   months=3)
    assert got[("2024-03", "REFASSESS")] == (2, 4, 0.5)  # R1 R3 of R1 R2 R3 R5
    assert got[("2024-02", "REFASSESS")] == (1, 1, 1.0)  # R4
    assert got[("2024-01", "REFASSESS")] == (1, 1, 1.0)  # R5's first


def test_referrals_on_one_day_are_one(tmp_path: Path) -> None:
    cases = dict(_TO_ASSESSMENT, referrals=pd.concat([
        _TO_ASSESSMENT["referrals"], _frame("child_id referral_date nfa", [
            ("R1", "2024-03-04", False)])], ignore_index=True))
    folder = _write("csv", cases, tmp_path)
    (folder / "referrals.csv").write_text(
        (folder / "referrals.csv").read_text() + "R1,2024-03-04\n")
    got = _figures([folder], "2024-03", months=1)
    assert got[("2024-03", "REFASSESS")] == (2, 4, 0.5)


# --- child protection plans --------------------------------------------------------------

_PLANS = {
    "children": _children([f"P{i}" for i in range(1, 10)]),
    "referrals": _frame("child_id referral_date", [
        ("P1", "2022-02-28"), ("P2", "2022-03-01"), ("P3", "2022-02-28"),
        ("P4", "2021-01-01"), ("P5", "2021-01-01"), ("P6", "2021-01-01"),
        ("P7", "2021-01-01"), ("P8", "2024-03-15"), ("P9", "2023-06-01")]),
    "cp_plans": _frame("child_id start_date end_date previous_plans", [
        ("P1", "2022-02-28", NAT, 0),            # 2 years on 28 Feb 2024
        ("P2", "2022-03-01", NAT, 0),            # 2 years on 1 Mar 2024
        ("P3", "2022-02-28", "2024-02-29", 0),   # ended on the leap-day month end
        ("P4", "2021-01-01", "2023-03-31", 0),
        ("P4", "2023-03-31", NAT, 1),            # starts the day the first ends
        ("P5", "2021-01-01", "2022-03-01", 0),
        ("P5", "2024-03-01", NAT, 1),            # exactly 2 years after the first ended
        ("P6", "2021-01-01", "2022-02-28", 0),
        ("P6", "2024-02-29", NAT, 0),            # EDATE(29 Feb 2024, -24) = 28 Feb 2022;
                                                 # the count recorded 0 but a plan came before
        ("P7", "2021-01-01", "2022-02-27", 0),
        ("P7", "2024-02-29", NAT, 1),            # a day more than 2 years
        ("P8", "2024-03-15", NAT, 2),            # plans elsewhere: only the return knows
        ("P9", "2023-06-01", NAT, 0)]),
}


@pytest.mark.parametrize("kind", ["cin", "annex", "csv"])
def test_child_protection_plans(tmp_path: Path, kind: str) -> None:
    got = _figures([_write(kind, _PLANS, tmp_path, "2024-03-31" if kind == "annex"
                           else "2025-03-31")], "2024-03")
    # on a plan at 29 Feb: P1 P2 P4 P6 P7 P9 (P3 ended on the day, P5 and P8 not yet)
    assert got[("2024-02", "CPCOUNT")] == (6, "", 6)
    assert got[("2024-03", "CPCOUNT")] == (8, "", 8)
    assert got[("2024-02", "CPRATE")] == (6, POPULATION, 3.0)
    # two years or more: P1 at 29 Feb; P1 and P2 at 31 Mar; P4's clock restarted
    assert got[("2024-02", "CPOPEN2Y")] == (1, 6, round(1 / 6, 9))
    assert got[("2024-03", "CPOPEN2Y")] == (2, 8, 0.25)
    # plans starting Mar 2023 - Feb 2024: P4 P6 P7 (second plans) and P9
    assert got[("2024-02", "CPREPEAT12")] == (3, 4, 0.75)
    # Apr 2023 - Mar 2024: P5 P6 P7 P8 P9; P8 is a repeat only by the return's count
    repeat = 4 if kind in ("cin", "annex") else 3
    assert got[("2024-03", "CPREPEAT12")] == (repeat, 5, round(repeat / 5, 9))
    if kind == "annex":
        assert "CPREPEAT2Y" not in _codes(got)  # earlier plans are not in Annex A
    # on a plan at month end with a second or subsequent plan: P4 P6 P7 of the six at
    # 29 Feb; at 31 Mar P4 P5 P6 P7, and P8 by the return's count of previous plans
    assert got[("2024-02", "CPREPEATNOW")] == (3, 6, 0.5)
    assert got[("2024-03", "CPREPEATNOW")] == (repeat + 1, 8, round((repeat + 1) / 8, 9))
    if kind == "annex":
        return
    # within 2 years of a previous plan ending: P4 (same day), P6 (leap day exact) of 4
    assert got[("2024-02", "CPREPEAT2Y")] == (2, 4, 0.5)
    # P5 (exactly 2 years) and P6 of P5 P6 P7 P8 P9 (P7 a day over)
    assert got[("2024-03", "CPREPEAT2Y")] == (2, 5, 0.4)


# --- review conferences ------------------------------------------------------------------

_REVIEWS = {
    "children": _children(["V1", "V2", "V3", "V4", "V5", "V6", "V7"]),
    "referrals": _frame("child_id referral_date", [
        ("V1", "2024-01-10"), ("V2", "2024-01-10"), ("V3", "2024-01-31"),
        ("V4", "2024-02-01"), ("V5", "2023-06-01"), ("V6", "2023-01-05"),
        ("V7", "2023-01-05")]),
    "cp_plans": _frame("child_id start_date end_date", [
        ("V1", "2024-01-10", NAT), ("V2", "2024-01-10", NAT), ("V3", "2024-01-31", NAT),
        ("V4", "2024-02-01", NAT),
        ("V5", "2023-06-01", "2024-01-10"), ("V5", "2024-01-10", NAT),
        ("V6", "2023-01-05", NAT), ("V7", "2023-01-05", NAT)]),
    "cp_reviews": _frame("child_id plan_start review_date", [
        ("V1", "2024-01-10", "2024-04-10"),  # on its due date, EDATE(start, 3): in time
        ("V2", "2024-01-10", "2024-04-11"),  # a day after: late
        ("V5", "2023-06-01", "2023-09-01"),
        ("V5", "2023-06-01", "2024-01-10"),  # the old plan's, on the day the new one starts
        ("V6", "2023-01-05", "2023-04-05"), ("V6", "2023-01-05", "2023-10-05"),
        ("V6", "2023-01-05", "2024-04-05"),  # every one on its due date
        ("V7", "2023-01-05", "2023-04-05"), ("V7", "2023-01-05", "2023-10-06"),
        ("V7", "2023-01-05", "2024-04-06")]),
}


def test_review_conferences_in_time(tmp_path: Path) -> None:
    got = _figures([_write("cin", _REVIEWS, tmp_path)], "2024-04")
    # due by 30 Apr: V1 V2 V3 (first due on the month end, not held) V5 (its new plan's
    # first review, due 10 Apr, not held: the old plan's review is not it) V6 V7;
    # V4's is due 1 May. In time: V1 V6
    assert got[("2024-04", "CPREVIEWS")] == (2, 6, round(1 / 3, 9))
    # at 31 Mar only V6 (next due 5 Apr) and V7 (second review a day late) are due
    assert got[("2024-03", "CPREVIEWS")] == (1, 2, 0.5)


def test_review_conferences_not_from_annex_a(tmp_path: Path) -> None:
    got = _figures([_write("annex", _REVIEWS, tmp_path, "2024-04-30")], "2024-04")
    assert "CPREVIEWS" not in _codes(got) and "CPCOUNT" in _codes(got)
    assert "CPREVIEWNUM" not in _codes(got)  # List 7 holds only the latest review


def test_review_conferences_held_in_the_month(tmp_path: Path) -> None:
    got = _figures([_write("cin", _REVIEWS, tmp_path)], "2024-04", months=4)
    # January: V5's old plan's review on 10 Jan; April: V1 (10th), V2 (11th), V6 (5th),
    # V7 (6th); none in February or March
    assert [got[(m, "CPREVIEWNUM")][0] for m in ("2024-01", "2024-02", "2024-03",
                                                 "2024-04")] == [1, 0, 0, 4]


# --- visits: the Annex A snapshot --------------------------------------------------------

_VISITS = {
    "children": pd.concat([_children(["W1", "W2", "W3", "W4", "W5", "W6"]), pd.DataFrame({
        "child_id": ["W7"], "birth_date": pd.to_datetime(["2024-06-01"]),  # unborn: its
        "sex": ["2"]})]),  # expected birth is no extract date
    "cp_plans": _frame("child_id start_date end_date", [
        ("W1", "2023-05-01", NAT), ("W2", "2023-05-01", NAT),
        ("W3", "2024-02-22", NAT),         # 19 working days to 20 Mar: not yet due
        ("W4", "2024-02-21", NAT),         # 20: due, and no visit
        ("W5", "2023-05-01", NAT),
        ("W6", "2023-01-01", "2024-03-01"),    # ended: not counted
        ("W7", "2024-03-01", NAT)]),           # a pre-birth plan, 13 working days old
    "cp_visits": _frame("child_id visit_date", [
        ("W1", "2024-02-21"),              # 20 working days before 20 Mar: in time
        ("W2", "2024-02-20"),              # 21: late
        ("W5", "2024-03-20"),              # the latest date Annex A holds: its extract date
        ("W6", "2024-02-01")]),
}


def test_visits_snapshot_at_the_annex_a_extract_date(tmp_path: Path) -> None:
    assert [working_days(d, "2024-03-20") for d in ("2024-02-21", "2024-02-20",
                                                    "2024-02-22")] == [20, 21, 19]
    got = _figures([_write("annex", _VISITS, tmp_path, "2024-03-20")], "2024-03")
    assert got[("2024-03", "CPVISITSA")] == (4, 6, round(4 / 6, 9))  # W1 W3 W5 W7 of W1-W7
    assert got[("2024-02", "CPVISITSA")] == (0, 0, "N/A")  # only the extract date's month
    assert "CPVISITS" not in _codes(got)
    before = _figures([_write("annex", _VISITS, tmp_path / "b", "2024-03-20")], "2024-02")
    assert before[("2024-02", "CPVISITSA")] == (0, 0, "N/A")


_CIN_VISITS = {
    "children": _children([f"C{i}" for i in range(1, 9)]),
    "referrals": _frame("child_id referral_date closure_date nfa", [
        ("C1", "2023-05-01", NAT, False), ("C2", "2023-05-01", NAT, False),
        ("C3", "2024-02-22", NAT, False),           # 19 working days to 20 Mar
        ("C4", "2024-02-21", NAT, False),           # 20: due, never seen
        ("C5", "2023-05-01", NAT, False),
        ("C6", "2023-05-01", NAT, False),           # on a CP plan: not a CIN plan case
        ("C7", "2023-01-01", "2024-03-01", False),  # closed before the extract date
        ("C8", "2024-03-01", NAT, True)]),          # NFA: no episode, not in List 6
    "cin_plans": _frame("child_id referral_date start_date end_date", [
        ("C1", "2023-05-01", "2023-06-01", NAT), ("C2", "2023-05-01", "2023-06-01", NAT),
        ("C3", "2024-02-22", "2024-03-01", NAT), ("C4", "2024-02-21", "2024-03-01", NAT),
        ("C5", "2023-05-01", "2023-06-01", NAT),
        ("C7", "2023-01-01", "2023-02-01", "2024-02-28")]),
    "cp_plans": _frame("child_id start_date end_date", [("C6", "2023-06-01", NAT)]),
    "cin_visits": _frame("child_id visit_date", [
        ("C1", "2024-02-21"),   # 20 working days before 20 Mar: in time
        ("C2", "2024-02-20"),   # 21: late
        ("C5", "2024-03-20"),   # the latest date the workbook holds: its extract date
        ("C6", "2024-03-19"), ("C7", "2024-02-27")]),
}


def test_cin_visits_snapshot_from_annex_a_list_6(tmp_path: Path) -> None:
    got = _figures([_write("annex", _CIN_VISITS, tmp_path, "2024-03-20")], "2024-03")
    assert got[("2024-03", "CINVISITSA")] == (3, 5, 0.6)  # C1 C3 C5 of C1-C5
    assert got[("2024-02", "CINVISITSA")] == (0, 0, "N/A")
    wider = compute(read_sources([tmp_path / "annex_a.xlsx"]).extract,
                    Settings(np.datetime64("2024-03", "M"), 1, POPULATION, visit_days=21))
    row = wider[wider["code"] == "CINVISITSA"].iloc[0]
    assert (row.numerator, row.denominator) == (5, 5)  # C2 within 21; C4 not yet due


def test_visits_from_a_full_history_are_cpvisits(tmp_path: Path) -> None:
    got = _figures([_write("csv", _VISITS, tmp_path)], "2024-03", months=1)
    assert "CPVISITSA" not in _codes(got) and "CPVISITS" in _codes(got)


def test_s17_plans_need_cin_plan_dates(tmp_path: Path) -> None:
    cases = {k: v for k, v in _IN_NEED.items() if k != "cin_plans"}
    got = _figures([_write("cin", cases, tmp_path)], "2024-02", months=1)
    assert got[("2024-02", "CINPLAN")] == (0, 0, "N/A")  # no plan dates: no figure, not 0%
    assert got[("2024-02", "CINCOUNT")] == (4, "", 4)


def test_child_protection_by_team(tmp_path: Path) -> None:
    (tmp_path / "cp_plans.csv").write_text(
        "child_id,start_date,end_date,team\n"
        "T1,2022-02-28,,North\nT2,2023-01-01,,North\n"
        "T3,2021-01-01,2023-02-28,South\nT3,2024-02-29,,South\n"
        "T4,2024-02-10,,\n")
    table = compute(read_sources([tmp_path]).extract,
                    Settings(np.datetime64("2024-02", "M"), 1, POPULATION, by="team"),
                    ("CPOPEN2Y", "CPREPEAT2Y", "CPCOUNT"))
    got = {(r.code, r.breakdown): (r.numerator, r.denominator)
           for r in table.itertuples(index=False)}
    assert got[("CPOPEN2Y", "All")] == (1, 4)
    assert got[("CPOPEN2Y", "North")] == (1, 2)
    assert got[("CPOPEN2Y", "South")] == (0, 1)
    assert got[("CPOPEN2Y", "(blank)")] == (0, 1)
    assert got[("CPREPEAT2Y", "All")] == (1, 2)  # T3's second plan, T4's first
    assert got[("CPREPEAT2Y", "South")] == (1, 1)
    assert got[("CPREPEAT2Y", "(blank)")] == (0, 1)
    assert got[("CPCOUNT", "All")] == (4, "")
