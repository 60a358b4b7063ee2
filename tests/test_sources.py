"""Any mix of returns through one command: recognised by content, years stitched, the best
return per table named in the ``source`` column, bad records left out and reported (never
an identifier), and every file of the sector's examples read or refused with a reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.returns_examples import EXAMPLES
from xlkpi.cli import app
from xlkpi.indicators import Settings, compute, read_sources
from xlkpi.indicators.sources import reader, scan

runner = CliRunner()
PLANTED = "PLANTEDID4242"


def _census(year_end: int, referrals: str) -> str:
    """A minimal CIN census (``referrals``: the CINdetails of one child)."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message><Header><Collection><CollectionName>CIN</CollectionName><Year>{year_end}</Year>
<ReferenceDate>{year_end}-03-31</ReferenceDate></Collection>
<Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>x</SoftwareCode>
<Release>1</Release><SerialNo>1</SerialNo><DateTime>{year_end}-04-01T00:00:00</DateTime>
</Source></Header><Children><Child><ChildIdentifiers><LAchildID>{PLANTED}</LAchildID>
<UPN>A123456789012</UPN><PersonBirthDate>2015-01-01</PersonBirthDate>
<GenderCurrent>1</GenderCurrent></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
{referrals}</Child></Children></Message>"""


def _cin(referral: str, closure: str = "", assessment: tuple[str, str] | None = None) -> str:
    closed = f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC1" \
        "</ReasonForClosure>" if closure else ""
    assessed = (f"<Assessments><AssessmentActualStartDate>{assessment[0]}"
                f"</AssessmentActualStartDate><AssessmentAuthorisationDate>{assessment[1]}"
                "</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment>"
                "<AssessmentFactors>1A</AssessmentFactors></FactorsIdentifiedAtAssessment>"
                "</Assessments>") if assessment else ""
    return (f"<CINdetails><CINreferralDate>{referral}</CINreferralDate><ReferralSource>1A"
            f"</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>{closed}"
            f"<ReferralNFA>false</ReferralNFA>{assessed}</CINdetails>")


def test_two_census_years_stitched_later_year_wins(tmp_path: Path) -> None:
    # the 2023 referral is open at the 2022-23 census and closed in the 2023-24 one
    (tmp_path / "a.xml").write_text(_census(2023, _cin("2023-01-10")))
    (tmp_path / "b.xml").write_text(_census(2024, _cin("2023-01-10", "2023-06-30")
                                             + _cin("2023-12-01")))
    combined = read_sources([tmp_path])
    referrals = combined.extract.tables["referrals"]
    assert sorted(map(str, referrals.dates["referral_date"])) == ["2023-01-10", "2023-12-01"]
    assert sorted(map(str, referrals.dates["closure_date"])) == ["2023-06-30", "NaT"]
    assert combined.chosen["referrals"] == "CIN census"
    table = compute(combined.extract, Settings(np.datetime64("2023-12", "M")))
    reref = table[table.code == "REREF12"].iloc[0]
    assert (reref.numerator, reref.denominator, reref.source) == (1, 1, "CIN census")


def test_best_return_per_table_and_the_source_column(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "referrals.csv").write_text("child_id,referral_date\nX,2023-11-01\n")
    (extract / "cla.csv").write_text("child_id,start_date,end_date\nX,2023-01-01,\n")
    (tmp_path / "census.xml").write_text(_census(2024, _cin("2023-12-01")))
    folder = tmp_path / "903"
    folder.mkdir()
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\nY,01/02/2023,S,C2,N1,U1,PR1,,,,,,SC1\nZ,01/03/2023,S,C2,N1,U1,PR1,,,,,,"
        "SC1\n")
    combined = read_sources([extract, tmp_path / "census.xml", folder])
    assert combined.chosen["referrals"] == "CIN census"  # the census wins over the layout
    assert combined.chosen["cla"] == "SSDA903"
    table = compute(combined.extract, Settings(np.datetime64("2023-12", "M"), population=10))
    sources = dict(zip(table.code, table.source, strict=True))
    assert sources["REREF12"] == "CIN census" and sources["CLARATE"] == "SSDA903"
    clarate = table[table.code == "CLARATE"].iloc[0]
    assert clarate.numerator == 2  # Y and Z from the 903, not X from the layout


def test_a_file_that_is_no_return_is_refused_by_name(tmp_path: Path) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("team,count\nNorth,3\n")
    result = runner.invoke(app, ["indicators", str(notes), "--month", "2024-01",
                                 "--population", "100"])
    assert result.exit_code == 2
    assert "notes.csv: not a CIN census, a 903 file" in " ".join(result.output.split())


def _annex_a(path: Path, referral_date: object) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List 3"
    sheet.append(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
                  "Date of referral", "Referral Source", "Referral NFA?"])
    sheet.append([f"{PLANTED}A", "a) Male", "WBRI", "01/01/2015", 8, referral_date, "6",
                  "No"])
    book.save(path)


def _broken_returns(folder: Path) -> None:
    """One bad record in each return, every one carrying the planted identifier."""
    (folder / "census.xml").write_text(_census(2024, _cin("2023-12-01", assessment=(
        "2023-11-20", "2023-11-25"))))  # authorised before the referral
    ssda = folder / "903"
    ssda.mkdir()
    (ssda / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        f"PL_POST,URN\n{PLANTED}B,01/06/2023,S,C2,N1,U1,PR1,01/05/2023,E11,,,,SC1\n")
    _annex_a(folder / "annex_a.xlsx", "31/02/2023")


@pytest.mark.parametrize("strict", [False, True])
def test_bad_records_in_every_return_reported_without_identifiers(tmp_path: Path,
                                                                  strict: bool) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    _broken_returns(returns)
    out, report = tmp_path / "table.csv", tmp_path / "quality.csv"
    result = runner.invoke(app, ["indicators", str(returns), "--month", "2023-12",
                                 "--population", "100", "-o", str(out), "--quality",
                                 str(report), *(["--strict"] if strict else [])])
    assert PLANTED not in result.output and "Traceback" not in result.output
    if strict:
        assert result.exit_code == 2 and "nothing written" in result.output
        assert not out.exists() and not report.exists()
        return
    assert result.exit_code == 1, result.output
    quality = pd.read_csv(report, dtype=str, keep_default_na=False)
    assert set(quality.source) == {"CIN census", "SSDA903", "Annex A"}
    rules = dict(zip(quality.source, quality.rule, strict=True))
    assert rules == {"CIN census": "before_referral", "SSDA903": "end_before_start",
                     "Annex A": "not_a_date"}
    assert "ASSESS45" in quality[quality.source == "CIN census"].indicators.iloc[0]
    assert PLANTED not in report.read_text() + out.read_text()
    for text in ("census.xml", "episodes.csv", "annex_a.xlsx", "Data quality: 3 record(s)"):
        assert text in result.output


def test_hostile_xml_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    bomb = tmp_path / "census.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa">'
                    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Message><Header>'
                    "<Collection><CollectionName>CIN</CollectionName></Collection></Header>"
                    "<Children>&b;</Children></Message>")
    truncated = tmp_path / "cut.xml"
    truncated.write_text(_census(2024, _cin("2023-12-01"))[:700])
    for path, why in ((bomb, "DTD"), (truncated, "cut.xml")):
        out = tmp_path / "table.csv"
        result = runner.invoke(app, ["indicators", str(path), "--month", "2023-12",
                                     "--population", "100", "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert why in result.output and path.name in result.output
        assert not out.exists() and PLANTED not in result.output


@pytest.mark.skipif(EXAMPLES is None, reason="returns examples not available")
def test_every_example_file_is_read_or_refused_with_a_reason() -> None:
    found = scan([EXAMPLES])
    assert len(found) == len([p for p in EXAMPLES.rglob("*") if p.is_file()])
    for item in found:
        suffix = item.path.suffix.lower()
        if suffix in (".xml", ".csv", ".xlsx"):
            assert item.kind is not None, item.path
            reading = reader(item.kind).read(item.path)  # never raises on these files
            assert reading.file == item.path.name
        else:
            assert item.kind is None and item.why, item.path
    kinds = {item.kind for item in found}
    assert kinds == {"CIN census", "SSDA903", "Annex A", None}
    assert sum(item.path.suffix == ".xsd" for item in found if item.kind is None) == 9


@pytest.mark.skipif(EXAMPLES is None, reason="returns examples not available")
def test_sources_command_lists_the_examples_without_identifiers() -> None:
    result = runner.invoke(app, ["sources", str(EXAMPLES)])
    assert result.exit_code == 1  # the examples hold deliberate errors
    flat = " ".join(result.output.split())
    assert "fake_CIN_data.xml: CIN census 2021-22: children 332, referrals 402" in flat
    assert "CIN_schema_2016.xsd: not read: an XML schema, not a return" in flat
    assert "episodes.csv: SSDA903 2017-18: episodes 3,593; 1,457 data-quality" in flat
    ids = set()
    for item in scan([EXAMPLES]):
        if item.kind is not None:
            for frame in reader(item.kind).read(item.path).frames.values():
                ids |= {i for i in frame["child_id"] if len(str(i)) > 3}
    assert ids and not [i for i in ids if str(i) in result.output]


def test_a_team_only_annex_a_holds_is_joined_to_the_census_records(tmp_path: Path) -> None:
    (tmp_path / "census.xml").write_text(_census(2024, _cin("2023-11-01") + _cin("2023-12-01")))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List 3"
    sheet.append(["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
                  "Date of referral", "Referral Source", "Referral NFA?", "Allocated Team"])
    sheet.append([PLANTED, "a) Male", "WBRI", "01/01/2015", 8, "01/12/2023", "6", "No",
                  "North"])  # the same referral as the census's second; the first has none
    book.save(tmp_path / "annex_a.xlsx")
    combined = read_sources([tmp_path])
    referrals = combined.extract.tables["referrals"]
    assert referrals.source == "CIN census"
    assert sorted(referrals.groups["team"].tolist()) == ["", "North"]
    table = compute(combined.extract, Settings(np.datetime64("2023-12", "M"), by="team"),
                    codes=("REFERRALS",))
    assert dict(zip(table.breakdown, table.numerator, strict=True)) == {
        "All": 1, "North": 1, "(blank)": 0}


def test_a_bad_903_episode_affects_what_is_derived_from_episodes() -> None:
    from xlkpi.indicators.sources import affected_indicators

    affected = affected_indicators(("episodes",))
    assert {"A2", "CLARATE", "CLA3PLACE", "A1"} <= set(affected)  # via cla, placements
    assert "REREF12" not in affected
