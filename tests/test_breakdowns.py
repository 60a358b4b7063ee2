"""Breakdowns by child attributes (age band, sex, ethnicity group) joined from the children
table, and by record attributes (primary need, category of abuse, legal status, placement
type): small hand-computed cases read from a CIN census and 903 files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import xlkpi.indicators.engine  # the kinds_* modules, loaded as compute loads them
from xlkpi.errors import KpiError
from xlkpi.indicators import breakdowns, compute, read_sources
from xlkpi.indicators.breakdowns import ALL, BLANK, NAMES, ages, labels_of
from xlkpi.indicators.counting import Settings

FEB = np.datetime64("2024-02", "M")


# --- a CIN census ---------------------------------------------------------------------

def _child(cid: str, born: str | None, sex: str, ethnicity: str | None, *cins: str,
           expected: bool = False) -> str:
    tag = "ExpectedPersonBirthDate" if expected else "PersonBirthDate"
    birth = f"<{tag}>{born}</{tag}>" if born else ""
    eth = (f"<ChildCharacteristics><Ethnicity>{ethnicity}</Ethnicity>"
           "</ChildCharacteristics>") if ethnicity is not None else ""
    return (f"<Child><ChildIdentifiers><LAchildID>{cid}</LAchildID>{birth}"
            f"<GenderCurrent>{sex}</GenderCurrent></ChildIdentifiers>{eth}{''.join(cins)}"
            "</Child>")


def _cin(referral: str, need: str | None = "N1", assessment: str | None = None,
         plans: tuple[tuple[str, str, str], ...] = ()) -> str:
    need_el = f"<PrimaryNeedCode>{need}</PrimaryNeedCode>" if need else ""
    assessed = (f"<Assessments><AssessmentActualStartDate>{assessment}"
                "</AssessmentActualStartDate></Assessments>") if assessment else ""
    cpp = "".join(
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
        + (f"<CPPendDate>{end}</CPPendDate>" if end else "")
        + "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
        + (f"<LatestCategoryOfAbuse>{category}</LatestCategoryOfAbuse>" if category else "")
        + "</ChildProtectionPlans>" for start, end, category in plans)
    return (f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
            f"<ReferralSource>1A</ReferralSource>{need_el}<ReferralNFA>false</ReferralNFA>"
            f"{assessed}{cpp}</CINdetails>")


CENSUS_CHILDREN = (
    # 14 exactly on the referral date; re-referred (June 2023); plans NEG then EMO
    _child("K1", "2010-02-15", "1", "WBRI",
           _cin("2021-12-01", plans=(("2022-01-10", "2022-12-01", "NEG"),)),
           _cin("2023-06-01", need="N4"),
           _cin("2024-02-15", plans=(("2024-02-05", "", "EMO"),))),
    # 4 on the referral date (5 the next day)
    _child("K2", "2019-02-16", "2", " bafr ",
           _cin("2024-02-15", plans=(("2024-02-06", "", "PHY"),))),
    # no birth date: the child is left out of children, its referral stays
    _child("K3", None, "1", "WBRI", _cin("2024-02-20", need=None)),
    # unborn: dated by the expected birth
    _child("K4", "2024-05-01", "0", "NOBT", _cin("2024-02-20", need="N9"), expected=True),
    # born on the referral date; a plan without a latest category
    _child("K5", "2024-02-15", "1", "CHNE",
           _cin("2024-02-15", plans=(("2024-02-07", "", ""),))),
    # born 29 February 2008: 16 on 29 February 2024; an ethnicity code the DfE lacks
    _child("K6", "2008-02-29", "2", "XYZ", _cin("2024-02-29")),
    # an assessment open past 45 working days at both month ends; 4 on 31 January,
    # 5 on 29 February
    _child("K7", "2019-02-20", "1", None, _cin("2023-11-01", assessment="2023-11-02")),
)


def _census(tmp_path: Path) -> Path:
    path = tmp_path / "census.xml"
    path.write_text(
        "<?xml version='1.0' encoding='utf-8'?><Message><Header><Collection>"
        "<CollectionName>CIN</CollectionName><Year>2024</Year>"
        "<ReferenceDate>2024-03-31</ReferenceDate></Collection></Header><Children>"
        + "".join(CENSUS_CHILDREN) + "</Children></Message>", encoding="utf-8")
    return path


def _split(folder: Path, by: str | None, code: str, months: int = 1,
           population: float = 0.0) -> dict[tuple[str, str], tuple]:
    """(period, breakdown) -> (numerator, denominator) of one indicator."""
    extract = read_sources([folder]).extract
    table = compute(extract, Settings(FEB, months, population, by=by), codes=(code,))
    label = table["breakdown"] if by else [ALL] * len(table)
    return {(p, b): (n, d) for p, b, n, d in zip(table["period"], label, table["numerator"],
                                                 table["denominator"], strict=True)}


@pytest.fixture
def census(tmp_path: Path) -> Path:
    _census(tmp_path)
    return tmp_path


def test_age_band_on_the_event_date(census: Path) -> None:
    got = _split(census, "age", "REREF12")
    assert set(got) == {("2024-02", g) for g in (
        ALL, "Unborn", "Under 1", "1-4", "10-15", "16 and over", BLANK)}
    assert got[("2024-02", ALL)] == (1, 6)
    assert got[("2024-02", "10-15")] == (1, 1)  # 14 on the day: the birthday counts
    assert got[("2024-02", "1-4")] == (0, 1)  # the day before the 5th birthday
    assert got[("2024-02", "16 and over")] == (0, 1)  # 29 February 2024: 16 exactly
    assert got[("2024-02", BLANK)] == (0, 1)  # no birth date


def test_age_band_of_a_snapshot_is_at_the_last_month_end(census: Path) -> None:
    got = _split(census, "age", "ASSESSOPEN45", months=2)
    # 4 on 31 January, 5 on 29 February: both months show the band at 29 February
    assert got == {("2024-01", ALL): (1, 1), ("2024-02", ALL): (1, 1),
                   ("2024-01", "5-9"): (1, 1), ("2024-02", "5-9"): (1, 1)}


def test_sex(census: Path) -> None:
    got = _split(census, "sex", "REREF12")
    assert got == {("2024-02", ALL): (1, 6), ("2024-02", "Male"): (1, 2),
                   ("2024-02", "Female"): (0, 2),
                   ("2024-02", "Not stated or unknown"): (0, 1),
                   ("2024-02", BLANK): (0, 1)}


def test_ethnicity_groups(census: Path) -> None:
    got = _split(census, "ethnicity", "REREF12")
    assert set(got) == {("2024-02", g) for g in (
        ALL, "White", "Black", "Other", "Refused/not obtained", "XYZ", BLANK)}
    assert got[("2024-02", "White")] == (1, 1)
    assert all(got[("2024-02", g)] == (0, 1) for g in ("Black", "Other", "XYZ", BLANK))


def test_primary_need(census: Path) -> None:
    got = _split(census, "primary_need", "REREF12")
    assert got == {("2024-02", ALL): (1, 6), ("2024-02", "N1 Abuse or neglect"): (1, 4),
                   ("2024-02", "N9 Cases other than children in need"): (0, 1),
                   ("2024-02", "N4 Family in acute stress"): (0, 0),  # June 2023 only
                   ("2024-02", BLANK): (0, 1)}


def test_category_of_abuse_is_each_plans_latest(census: Path) -> None:
    got = _split(census, "abuse_category", "CPREPEAT")
    assert got == {("2024-02", ALL): (1, 3), ("2024-02", "Neglect"): (0, 0),
                   ("2024-02", "Physical abuse"): (0, 1),
                   ("2024-02", "Emotional abuse"): (1, 1), ("2024-02", BLANK): (0, 1)}


def test_a_breakdown_the_table_cannot_give_is_the_authority_only(census: Path) -> None:
    assert _split(census, "primary_need", "CPREPEAT") == {("2024-02", ALL): (1, 3)}
    assert _split(census, "legal_status", "REREF12") == {("2024-02", ALL): (1, 6)}
    # a rate per 10,000: the whole authority only
    got = _split(census, "age", "CPRATE", population=10_000)
    assert list(got) == [("2024-02", ALL)] and got[("2024-02", ALL)][0] == 3


def test_no_children_table_gives_the_authority_only(tmp_path: Path) -> None:
    (tmp_path / "referrals.csv").write_text("child_id,referral_date\nA,2024-02-01\n")
    assert _split(tmp_path, "age", "REREF12") == {("2024-02", ALL): (0, 1)}


def test_an_unknown_breakdown_is_refused(census: Path) -> None:
    with pytest.raises(KpiError, match="ward"):
        _split(census, "ward", "REREF12")


# --- 903 files --------------------------------------------------------------------------

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
            "HOME_POST,PL_POST,URN\n")


@pytest.fixture
def ssda903(tmp_path: Path) -> Path:
    (tmp_path / "header.csv").write_text(
        HEADER + "L1,1,01/01/2012,MWBA,,,\nL2,2,01/06/2015,AIND,,,\nL3,1,29/02/2008,,,,\n")
    (tmp_path / "episodes.csv").write_text(EPISODES + "\n".join([
        # three placements in 12 months; the third a change of placement and legal status
        "L1,01/05/2023,S,C2,N1,U1,PR1,01/08/2023,X1,,,,",
        "L1,01/08/2023,P,C2,N1,U4,PR1,01/11/2023,X1,CARPL,,,",
        "L1,01/11/2023,B,E1,N1,A4,PR1,,,CARPL,,,",
        "L2,01/12/2023,S,V2,N1,K2,PR1,,,,,,",
        "L3,10/01/2024,S,C1,N1,Q9,PR1,,,,,,",
    ]) + "\n")
    (tmp_path / "reviews.csv").write_text("CHILD,DOB,REVIEW,REVIEW_CODE\n"
                                          "L9,01/01/2010,01/02/2024,PN1\n")
    return tmp_path


def test_placement_type_of_the_open_placement(ssda903: Path) -> None:
    got = _split(ssda903, "placement", "CLA3PLACE")
    assert got == {("2024-02", ALL): (1, 3), ("2024-02", "Foster placement"): (0, 0),
                   ("2024-02", "Placed for adoption"): (1, 1),
                   ("2024-02", "Secure unit, children's home or semi-independent living"):
                   (0, 1), ("2024-02", "Q9"): (0, 1)}


def test_legal_status_of_the_period_of_care(ssda903: Path) -> None:
    got = _split(ssda903, "legal_status", "CLAREVIEWS")
    assert got == {("2024-02", ALL): (0, 3), ("2024-02", "Care order"): (0, 1),
                   ("2024-02", "Placement or freeing order"): (0, 1),
                   ("2024-02", "Voluntary agreement (s20)"): (0, 1)}


def test_903_children_age_sex_and_ethnicity(ssda903: Path) -> None:
    # a snapshot: ages at 29 February 2024, the 16th birthday of a child born 29/02/2008
    assert _split(ssda903, "age", "CLA3PLACE") == {
        ("2024-02", ALL): (1, 3), ("2024-02", "5-9"): (0, 1), ("2024-02", "10-15"): (1, 1),
        ("2024-02", "16 and over"): (0, 1)}
    assert _split(ssda903, "sex", "CLA3PLACE") == {
        ("2024-02", ALL): (1, 3), ("2024-02", "Male"): (1, 2), ("2024-02", "Female"): (0, 1)}
    assert _split(ssda903, "ethnicity", "CLA3PLACE") == {
        ("2024-02", ALL): (1, 3), ("2024-02", "Mixed"): (1, 1), ("2024-02", "Asian"): (0, 1),
        ("2024-02", BLANK): (0, 1)}


# --- the vocabularies ---------------------------------------------------------------------

@pytest.mark.parametrize(("born", "day", "band"), [
    ("2016-02-29", "2021-02-28", "1-4"),  # a 29 February birthday in a common year:
    ("2016-02-29", "2021-03-01", "5-9"),  # the year completes on 1 March
    ("2020-02-29", "2021-02-28", "Under 1"),
    ("2020-02-29", "2021-03-01", "1-4"),
    ("2014-03-31", "2024-03-30", "5-9"),
    ("2014-03-31", "2024-03-31", "10-15"),
    ("2008-01-01", "2023-12-31", "10-15"),
    ("2008-01-01", "2024-01-01", "16 and over"),
    ("2024-05-01", "2024-02-20", "Unborn"),
    ("2024-02-20", "2024-02-20", "Under 1"),
    ("NaT", "2024-02-20", BLANK),
])
def test_age_bands(born: str, day: str, band: str) -> None:
    assert ages(np.array([born], "datetime64[D]"), np.array([day], "datetime64[D]"))[0] == band


@pytest.mark.parametrize(("value", "group"), [
    ("WBRI", "White"), ("wiri", "White"), ("WROM", "White"), ("MWBC", "Mixed"),
    ("APKN", "Asian"), ("BCRB", "Black"), ("CHNE", "Other"), ("OOTH", "Other"),
    ("REFU", "Refused/not obtained"), ("NOBT", "Refused/not obtained"),
    ("White British", "White"), ("Any other ethnic group", "Other"),
    ("Information not yet obtained", "Refused/not obtained"), ("", BLANK), ("ZZZZ", "ZZZZ"),
])
def test_ethnicity_codes_and_words(value: str, group: str) -> None:
    got = labels_of(breakdowns.BREAKDOWNS["ethnicity"], np.array([value], dtype=object))
    assert got.tolist() == [group]


def test_groups_come_in_the_vocabulary_order(census: Path) -> None:
    extract = read_sources([census]).extract
    ind = xlkpi.indicators.engine.INDICATORS["REREF12"]
    group, labels = breakdowns.groups(ind, extract, Settings(FEB, by="age"), np.array([FEB]))
    assert labels == [ALL, "Unborn", "Under 1", "1-4", "10-15", "16 and over", BLANK]
    assert len(group) == len(extract.tables["referrals"]) and group.min() >= 1
    table = compute(extract, Settings(FEB, by="age"), codes=("REREF12",))
    assert table["breakdown"].tolist() == labels  # the table keeps that order too


def test_names_for_the_command_line() -> None:
    assert NAMES == ("team", "area", "source", "age", "sex", "ethnicity", "primary_need",
                     "abuse_category", "legal_status", "placement")
