"""Children looked after, care leavers, health, missing and adoption indicators (issue 19):
small hand-computed cases from each return that carries them, with their boundaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from samples.write_annex_a import ANNEX_A_LISTS
from xlkpi.calendar import working_days
from xlkpi.indicators import INDICATORS, Settings, compute, read_sources

EPI = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
       "PL_POST,URN")
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
ID = "Child Unique ID"


def uk(day: str) -> str:
    return f"{day[8:10]}/{day[5:7]}/{day[:4]}" if day else ""


def write_903(folder: Path, episodes=(), births=None, **files: tuple[str, list[str]]
              ) -> Path:
    """903 CSV files in ``folder``: episodes from (child, DECOM, RNE, LS, PLACE, DEC,
    REC) with ISO dates, a header of ``births`` {child: ISO birth date}, and any other
    file as ``name=(header, lines)``."""
    folder.mkdir(parents=True, exist_ok=True)
    if episodes:
        lines = [EPI] + [f"{c},{uk(s)},{rne},{ls},N1,{pl},PR1,{uk(e)},{rec},,,,"
                         for c, s, rne, ls, pl, e, rec in episodes]
        (folder / "episodes.csv").write_text("\n".join(lines) + "\n")
    if births:
        lines = [HEADER] + [f"{c},1,{uk(b)},WBRI,UN4,," for c, b in births.items()]
        (folder / "header.csv").write_text("\n".join(lines) + "\n")
    for name, (header, lines) in files.items():
        (folder / f"{name}.csv").write_text("\n".join([header, *lines]) + "\n")
    return folder


def write_annex_a(path: Path, lists: dict[str, list[dict]]) -> Path:
    """An Annex A workbook with every list's headings and the rows given."""
    book = Workbook()
    book.remove(book.active)
    for name, headings in ANNEX_A_LISTS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(headings))
        for row in lists.get(name, []):
            sheet.append([row.get(h.strip()) for h in headings])
    book.save(path)
    return path


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def figures(paths, month: str, months: int, codes: tuple[str, ...],
            **settings) -> dict[tuple[str, str], tuple]:
    """(code, period) -> (numerator, denominator, value) of the indicators asked for."""
    combined = read_sources(paths)
    table = compute(combined.extract, Settings(month=np.datetime64(month, "M"),
                                               months=months, **settings), codes)
    return {(r.code, r.period): (r.numerator, r.denominator, r.value)
            for r in table.itertuples()}


def test_declared_with_returns_and_references():
    for code in ("CLANUM", "CLASTART", "CLAEND", "LTSTABLE", "CLAVISITS", "MISSEP",
                 "MISSCHILD", "CLNUM", "CLTOUCH", "CLSUIT", "CLEET", "CLNEET", "HEALTHCHK",
                 "DENTAL", "ADOPT12", "A1", "A2"):
        ind = INDICATORS[code]
        assert ind.reference and ind.description and ind.returns
    assert INDICATORS["LTSTABLE"].returns == ("SSDA903",)
    assert INDICATORS["CLAVISITS"].returns == ("Annex A",)
    assert INDICATORS["A2"].returns == ("SSDA903",)


# --- looked after at month end, started, ceased ------------------------------------------

PERIODS_903 = [
    ("A", "2024-01-31", "S", "C2", "U1", "", ""),  # starts on a month end
    ("B", "2023-12-01", "S", "C2", "U1", "2024-01-31", "E4A"),  # ends on a month end
    ("C", "2024-02-29", "S", "C2", "U1", "2024-03-01", "E13"),  # leap day start
    ("D", "2024-01-10", "S", "V3", "U1", "", ""),  # short breaks: not looked after
    ("E", "2023-11-10", "S", "C2", "U1", "2024-01-05", "E11"),
    ("E", "2024-01-20", "S", "C1", "U1", "", ""),  # a second period
]
#: (period) -> (looked after at month end, started, ceased)
EXPECTED_CLA = {"2023-12": (2, 1, 0), "2024-01": (2, 2, 2), "2024-02": (3, 1, 0),
                "2024-03": (2, 0, 1)}


def test_looked_after_started_ceased_903_and_csv(tmp_path):
    folder = write_903(tmp_path / "903", PERIODS_903)
    layout = tmp_path / "csv"
    layout.mkdir()
    (layout / "cla.csv").write_text("child_id,start_date,end_date\n" + "".join(
        f"{c},{s},{e}\n" for c, s, _, ls, _, e, _ in PERIODS_903 if ls != "V3"))
    for source in (folder, layout):
        got = figures([source], "2024-03", 4, ("CLANUM", "CLASTART", "CLAEND"))
        for period, counts in EXPECTED_CLA.items():
            assert tuple(got[(c, period)][0] for c in ("CLANUM", "CLASTART", "CLAEND")
                         ) == counts, (source.name, period)
        assert got[("CLANUM", "2024-02")][2] == 3


# --- long-term stability ------------------------------------------------------------------

STABILITY = [
    # L1: looked after exactly 2.5 years at 29 Feb 2024 (EDATE(31 Aug 2021, 30))
    ("L1", "2021-08-31", "S", "C2", "U1", "", ""),
    # L2: placement exactly 2 years at 31 Jan 2024; L3 a day short (in Feb)
    ("L2", "2021-01-10", "S", "C2", "U1", "2022-01-31", "X1"),
    ("L2", "2022-01-31", "P", "C2", "U3", "", ""),
    ("L3", "2021-01-10", "S", "C2", "U1", "2022-02-01", "X1"),
    ("L3", "2022-02-01", "P", "C2", "U3", "", ""),
    # L4: a placement change on the same day as a legal status change (B), then a legal
    # status change alone (L: the same placement)
    ("L4", "2021-01-10", "S", "C2", "U1", "2022-01-31", "X1"),
    ("L4", "2022-01-31", "B", "C1", "U3", "2022-06-01", "X1"),
    ("L4", "2022-06-01", "L", "E1", "U3", "", ""),
    # L5: 16 on 29 Feb 2024 (born on a leap day)
    ("L5", "2021-01-10", "S", "C2", "U1", "", ""),
    # L6: placed for adoption (A5) after a long foster placement: stable together
    ("L6", "2021-01-10", "S", "C2", "U1", "2023-06-01", "X1"),
    ("L6", "2023-06-01", "P", "E1", "A5", "", ""),
    # L7: placed for adoption after a short placement: not stable
    ("L7", "2021-01-10", "S", "C2", "U1", "2023-01-01", "X1"),
    ("L7", "2023-01-01", "P", "C2", "U3", "2023-06-01", "X1"),
    ("L7", "2023-06-01", "P", "E1", "A5", "", ""),
    # L8: back in care in June 2022: not looked after 2.5 years
    ("L8", "2020-01-01", "S", "C2", "U1", "2022-01-01", "E13"),
    ("L8", "2022-06-01", "S", "C2", "U1", "", ""),
    # L9: 16 on 31 Jan 2024
    ("L9", "2021-01-10", "S", "C2", "U1", "", ""),
]
BIRTHS = {c: "2012-05-05" for c in ("L1", "L2", "L3", "L4", "L6", "L7", "L8")}
BIRTHS.update(L5="2008-02-29", L9="2008-01-31")


def test_long_term_stability(tmp_path):
    folder = write_903(tmp_path, STABILITY, BIRTHS)
    got = figures([folder], "2024-02", 2, ("LTSTABLE",))
    # Jan: L2 L3 L4 L5 L6 L7 counted; L2 L4 L5 L6 stable
    assert got[("LTSTABLE", "2024-01")][:2] == (4, 6)
    # Feb: L1 joins (2.5 years exactly), L5 is 16; L3 reaches 2 years
    assert got[("LTSTABLE", "2024-02")][:2] == (5, 6)


def test_three_placements_follow_the_dfe_counting(tmp_path):
    """CLA3PLACE: placements start at S and at RNE P, T, B, U (L is not one); the window
    is placements open after EDATE(month end, -12)."""
    folder = write_903(tmp_path, [
        # M1: the first placement ends on 31 Mar 2023 (outside); three in the window
        ("M1", "2023-01-01", "S", "C2", "U1", "2023-03-31", "X1"),
        ("M1", "2023-03-31", "P", "C2", "U2", "2023-06-01", "X1"),
        ("M1", "2023-06-01", "P", "C2", "U3", "2023-09-01", "X1"),
        ("M1", "2023-09-01", "L", "C1", "U3", "2023-12-01", "X1"),
        ("M1", "2023-12-01", "B", "E1", "U4", "", ""),
        # M2: the first placement ends on 1 Apr 2023 (inside); U is a new placement
        ("M2", "2023-01-01", "S", "C2", "U1", "2023-04-01", "X1"),
        ("M2", "2023-04-01", "P", "C2", "U2", "2023-06-01", "X1"),
        ("M2", "2023-06-01", "U", "C1", "U3", "", ""),
        # M3: L then T: two placements in the window
        ("M3", "2023-01-01", "S", "C2", "U1", "2023-03-31", "X1"),
        ("M3", "2023-03-31", "P", "C2", "U2", "2023-06-01", "X1"),
        ("M3", "2023-06-01", "L", "C1", "U2", "2023-08-01", "X1"),
        ("M3", "2023-08-01", "T", "C1", "U3", "", ""),
    ])
    got = figures([folder], "2024-03", 1, ("CLA3PLACE",))
    assert got[("CLA3PLACE", "2024-03")][:2] == (2, 3)


# --- visits (Annex A: the latest visit, the extract month only) --------------------------

def _list8(child: str, start: str, end: str = "", visit: str = "") -> dict:
    return {ID: child, "Date Started to be Looked After": day(start),
            "Date Ceased to be Looked After": day(end) if end else None,
            "Date of Last Social Work Visit": day(visit) if visit else None,
            "Date of Birth": day("2012-01-01"), "Child's Legal Status": "C2"}


def test_cla_visits_from_annex_a(tmp_path):
    assert [working_days(d, "2024-03-28") for d in ("2024-02-15", "2024-02-14",
                                                    "2024-03-01")] == [30, 31, 19]
    book = write_annex_a(tmp_path / "annex_a.xlsx", {"List 8": [
        _list8("V1", "2023-01-01", visit="2024-03-28"),  # the extract date: March
        _list8("V2", "2023-01-01", visit="2024-02-15"),  # 30 working days to 28 Mar
        _list8("V3", "2023-01-01", visit="2024-02-14"),  # 31: late
        _list8("V4", "2024-03-01"),  # looked after 19 working days: not yet due
        _list8("V5", "2023-01-01", end="2024-03-15", visit="2024-03-01"),  # ceased
    ]})
    got = figures([book], "2024-03", 2, ("CLAVISITS",))
    assert got[("CLAVISITS", "2024-03")][:2] == (3, 4)
    assert got[("CLAVISITS", "2024-02")][:2] == (0, 0)  # not the extract month


# --- missing --------------------------------------------------------------------------

MISSING = ("CHILD,DOB,MISSING,MIS_START,MIS_END", [
    "X1,01/01/2010,M,31/01/2024,01/02/2024",
    "X1,01/01/2010,M,31/01/2024,31/01/2024",  # the same day again: one episode
    "X1,01/01/2010,M,05/01/2024,06/01/2024",
    "X2,01/01/2010,A,10/01/2024,10/01/2024",  # away, not missing
    "X3,01/01/2010,M,01/02/2024,02/02/2024",
    "X3,01/01/2010,M,29/02/2024,",
    "X4,01/01/2010,M,10/02/2024,11/02/2024",
])


def test_missing_episodes_and_children(tmp_path):
    folder = write_903(tmp_path, missing=MISSING)
    got = figures([folder], "2024-02", 2, ("MISSEP", "MISSCHILD"))
    assert [got[(c, p)][0] for c in ("MISSEP", "MISSCHILD") for p in ("2024-01", "2024-02")
            ] == [2, 3, 1, 2]


# --- care leavers and health (the return's cohort) --------------------------------------

LEAVERS = [("Q1", "YES", "F1", "B1"), ("Q2", "YES", "G5", "B2"), ("Q3", "NO", "P3", "0"),
           ("Q4", "REFU", "0", "D1"), ("Q5", "DIED", "", ""), ("Q6", "NREQ", "F5", "R1")]
#: code -> (numerator, denominator): Q5 died and is in no denominator
EXPECTED_LEAVERS = {"CLNUM": 5, "CLTOUCH": (2, 5), "CLEET": (3, 5), "CLSUIT": (3, 5),
                    "CLNEET": 1}  # Q2's G5; Q4's 0 (not known) is not NEET


def _check_leavers(got: dict, months: tuple[str, ...]) -> None:
    for month in months:  # the cohort in every month
        assert got[("CLNUM", month)][0] == EXPECTED_LEAVERS["CLNUM"]
        assert got[("CLNEET", month)][0] == EXPECTED_LEAVERS["CLNEET"]
        for code in ("CLTOUCH", "CLEET", "CLSUIT"):
            assert got[(code, month)][:2] == EXPECTED_LEAVERS[code]


def test_care_leavers_903(tmp_path):
    folder = write_903(tmp_path, oc3=("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM", [
        f"{c},01/01/2005,{t},{a},{m}" for c, t, a, m in LEAVERS]))
    got = figures([folder], "2024-03", 2, ("CLNUM", "CLTOUCH", "CLEET", "CLSUIT", "CLNEET"))
    _check_leavers(got, ("2024-02", "2024-03"))
    assert got[("CLTOUCH", "2024-03")][2] == pytest.approx(0.4)


def test_care_leavers_annex_a(tmp_path):
    rows = [{ID: c, "Date of Birth": day("2005-01-01"), "LA In Touch": t,
             "Activity Status": a, "Type of Accommodation": m} for c, t, a, m in LEAVERS]
    rows[0]["LA In Touch"] = "Yes"  # as the template may write it
    book = write_annex_a(tmp_path / "annex_a.xlsx", {"List 9": rows, "List 8": [
        _list8("Z1", "2023-01-01", visit="2024-03-01")]})
    got = figures([book], "2024-03", 1, ("CLNUM", "CLTOUCH", "CLEET", "CLSUIT", "CLNEET"))
    _check_leavers(got, ("2024-03",))


def test_health_and_dental_checks(tmp_path):
    header = ("CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,"
              "TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,"
              "INTERVENTION_OFFERED")
    folder = write_903(tmp_path, oc2=(header, [
        "H1,01/01/2012,,,0,1,1,1,,0,,", "H2,01/01/2012,,,0,1,1,0,,0,,",
        "H3,01/01/2012,,,0,0,1,1,,0,,", "H4,01/01/2012,,,0,0,1,0,,0,,"]))
    got = figures([folder], "2024-03", 1, ("HEALTHCHK", "DENTAL"))
    assert got[("HEALTHCHK", "2024-03")] == (2, 4, 0.5)
    assert got[("DENTAL", "2024-03")] == (2, 4, 0.5)


# --- adoption -------------------------------------------------------------------------

ADOPTION_EPISODES = [
    # P1: placement order (E1) 1 Jan 2022, placed (A5) 1 Jul 2022, adopted 1 Apr 2023 (the
    # first day of the 12 months to March 2024)
    ("P1", "2021-01-01", "S", "C2", "U1", "2022-01-01", "X1"),
    ("P1", "2022-01-01", "L", "E1", "U1", "2022-07-01", "X1"),
    ("P1", "2022-07-01", "P", "E1", "A5", "2023-04-01", "E11"),
    # P2: adopted by its foster carers (A3): moved in with them on 1 May 2022
    ("P2", "2022-03-01", "S", "C2", "U1", "2022-05-01", "X1"),
    ("P2", "2022-05-01", "P", "C2", "U1", "2023-01-15", "X1"),
    ("P2", "2023-01-15", "U", "E1", "A3", "2024-03-31", "E12"),
    # P3: adopted on 31 Mar 2023, the day before the window
    ("P3", "2021-01-01", "S", "C2", "U1", "2022-01-01", "X1"),
    ("P3", "2022-01-01", "P", "E1", "A5", "2023-03-31", "E11"),
    # P4: freeing order (D1), no AD1 record
    ("P4", "2022-01-01", "S", "C2", "U1", "2022-06-01", "X1"),
    ("P4", "2022-06-01", "L", "D1", "U1", "2022-09-01", "X1"),
    ("P4", "2022-09-01", "P", "D1", "A6", "2023-10-01", "E11"),
    # P5: placed with consent (no court authority)
    ("P5", "2022-01-01", "S", "C2", "U1", "2022-08-01", "X1"),
    ("P5", "2022-08-01", "P", "C2", "A5", "2023-12-01", "E11"),
]
AD1 = ("CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR", [
    "P1,01/01/2020,01/04/2022,01/06/2022,0,1,M1,L0",  # adopted exactly 12 months on
    "P2,01/01/2020,30/03/2023,01/05/2023,1,1,M1,L0",  # a day over 12 months
    "P3,01/01/2020,01/06/2021,01/12/2021,0,1,M1,L0",
    "P5,01/01/2020,01/02/2022,01/07/2022,0,1,M1,L0",
])


def test_adoptions_903(tmp_path):
    folder = write_903(tmp_path, ADOPTION_EPISODES, ad1=AD1)
    got = figures([folder], "2024-03", 1, ("ADOPT12", "A1", "A2"))
    assert got[("ADOPT12", "2024-03")][:2] == (1, 3)  # P1 of P1, P2, P5
    # A1: P1 546 (1 Jan 2021 to 1 Jul 2022), P2 61, P4 243, P5 212
    assert got[("A1", "2024-03")] == (1062, 4, 265.5)
    # A2: P1 151 (1 Jan to 1 Jun 2022), P2 106 (15 Jan to 1 May 2023)
    assert got[("A2", "2024-03")] == (257, 2, 128.5)
    # the 12 months to Feb 2025 hold only P2 (adopted 31 Mar 2024)
    later = figures([folder], "2025-02", 1, ("A1", "ADOPT12"))
    assert later[("A1", "2025-02")][:2] == (61, 1)
    assert later[("ADOPT12", "2025-02")][:2] == (0, 1)


def test_adoptions_annex_a(tmp_path):
    adoptions = [
        {ID: "P1", "Date the Child Entered Care": day("2021-01-01"),
         "Date of Decision that Child Should be Placed for Adoption": day("2022-04-01"),
         "Date of Matching Child and Prospective Adopters": day("2022-06-01"),
         "Date Placed for Adoption": day("2022-07-01"),
         "Date of Adoption Order": day("2023-04-01")},
        {ID: "P2", "Date the Child Entered Care": day("2022-03-01"),
         "Date of Decision that Child Should be Placed for Adoption": day("2023-03-30"),
         "Date of Matching Child and Prospective Adopters": day("2023-05-01"),
         "Date Placed for Adoption": day("2023-06-01"),
         "Date of Adoption Order": day("2024-03-31")},
    ]
    book = write_annex_a(tmp_path / "annex_a.xlsx", {"List 10": adoptions, "List 8": [
        _list8("P1", "2021-01-01", "2023-04-01"), _list8("P2", "2022-03-01", "2024-03-31")]})
    got = figures([book], "2024-03", 1, ("ADOPT12", "A1", "A2"))
    assert got[("ADOPT12", "2024-03")][:2] == (1, 2)
    # A1: P1 546, P2 457 (1 Mar 2022 to 1 Jun 2023)
    assert got[("A1", "2024-03")] == (1003, 2, 501.5)
    assert ("A2", "2024-03") not in got  # no episodes: no court authority date


def test_reviews_held_in_the_month(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    (folder / "cla_reviews.csv").write_text(
        "child_id,review_date\nR1,2024-01-31\nR2,2024-02-01\nR3,2024-02-29\n"
        "R1,2024-03-01\nR4,2024-03-31\n")  # month ends, a leap day, the day after
    got = figures([folder], "2024-03", 3, ("CLAREVIEWNUM",))
    assert [got[("CLAREVIEWNUM", m)][0] for m in ("2024-01", "2024-02", "2024-03")] == [
        1, 2, 2]
    assert INDICATORS["CLAREVIEWNUM"].returns == ("SSDA903", "extract")  # not Annex A
