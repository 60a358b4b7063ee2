"""The CIN census XML reader: every element read, schema years, data-quality rules, hostile
and broken files, identifier privacy, and the sector's example censuses."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from tests.returns_examples import example
from xlkpi.errors import KpiError
from xlkpi.indicators import cin_census, tables
from xlkpi.indicators.cin_census_rules import CHARACTERISTICS, FIELDS

HEADER = ("<Header><CollectionDetails><Collection>CIN</Collection><Year>2023</Year>"
          "<ReferenceDate>2023-03-31</ReferenceDate></CollectionDetails>"
          "<Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>")
BIRTH = "<PersonBirthDate>2015-01-02</PersonBirthDate>"


def _el(tag: str, value: str | None) -> str:
    """``<tag>value</tag>``; ``None`` leaves the element out, ``""`` writes it empty."""
    return "" if value is None else f"<{tag}>{value}</{tag}>"


def cin(ref: str | None = "2022-06-01", closure: str | None = None, nfa: str = "false",
        assessments=(("2022-06-02", "2022-07-01"),),
        plans=(("2022-07-05", "2022-09-01"),),
        s47=(("2022-06-03", "2022-06-20", "false"),),
        cpp=(("2022-06-21", "2022-12-01", "3", ("2022-09-01", "2022-11-30")),)) -> str:
    """One CINdetails; by default every module, all dates in order."""
    parts = [_el("CINreferralDate", ref), _el("ReferralSource", "1A"),
             _el("PrimaryNeedCode", "N1"), _el("CINclosureDate", closure),
             _el("ReasonForClosure", "RC1" if closure else None),
             _el("DateOfInitialCPC", "2022-06-20")]
    parts += [f"<Assessments>{_el('AssessmentActualStartDate', start)}"
              "<AssessmentInternalReviewDate>2022-06-10</AssessmentInternalReviewDate>"
              f"{_el('AssessmentAuthorisationDate', auth)}<FactorsIdentifiedAtAssessment>"
              "<AssessmentFactors>2A</AssessmentFactors></FactorsIdentifiedAtAssessment>"
              "</Assessments>" for start, auth in assessments]
    parts += [f"<CINPlanDates>{_el('CINPlanStartDate', start)}{_el('CINPlanEndDate', end)}"
              "</CINPlanDates>" for start, end in plans]
    parts += [f"<Section47>{_el('S47ActualStartDate', start)}"
              "<InitialCPCtarget>2022-06-24</InitialCPCtarget>"
              f"{_el('DateOfInitialCPC', icpc)}{_el('ICPCnotRequired', flag)}</Section47>"
              for start, icpc, flag in s47]
    parts.append(_el("ReferralNFA", nfa))
    parts += [f"<ChildProtectionPlans>{_el('CPPstartDate', start)}{_el('CPPendDate', end)}"
              "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
              "<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>"
              f"{_el('NumberOfPreviousCPP', number)}<Reviews>"
              + "".join(_el("CPPreviewDate", r) for r in reviews) + "</Reviews>"
              "</ChildProtectionPlans>" for start, end, number, reviews in cpp]
    return "<CINdetails>" + "".join(parts) + "</CINdetails>"


def child(*cins: str, ident: str = "<LAchildID>C1</LAchildID><UPN>A123456789012</UPN>"
          + BIRTH + "<GenderCurrent>2</GenderCurrent>") -> str:
    return (f"<Child><ChildIdentifiers>{ident}</ChildIdentifiers><ChildCharacteristics>"
            "<Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
            + "".join(cins or (cin(),)) + "</Child>")


def census(*children: str, header: str = HEADER, root: str = "<Message>") -> str:
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + root + header + "<Children>\n"
            + "\n".join(children or (child(),)) + "\n</Children></Message>\n")


def write(tmp_path: Path, text: str | bytes, name: str = "census.xml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def day(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


BASE_ROWS = {"children": 1, "referrals": 1, "assessments": 1, "cin_plans": 1, "s47": 1,
             "cp_plans": 1, "cp_reviews": 2}


# -- every element read -------------------------------------------------------------------

def test_every_element_is_read_into_its_table(tmp_path: Path) -> None:
    reading = cin_census.read(write(tmp_path, census(child(cin(closure="2023-01-10")))))
    assert reading.kind == "CIN census"
    assert reading.file == "census.xml"
    assert reading.years == ("2022-23",)
    assert reading.findings == []
    assert reading.rows() == BASE_ROWS
    f = reading.frames
    expected = {
        "children": {"child_id": "C1", "birth_date": day("2015-01-02"), "sex": "2",
                     "uasc": False, "ethnicity": "WBRI"},
        "referrals": {"child_id": "C1", "referral_date": day("2022-06-01"),
                      "closure_date": day("2023-01-10"), "nfa": False, "source": "1A",
                      "primary_need": "N1", "closure_reason": "RC1"},
        "assessments": {"referral_date": day("2022-06-01"), "start_date": day("2022-06-02"),
                        "authorised_date": day("2022-07-01")},
        "cin_plans": {"referral_date": day("2022-06-01"), "start_date": day("2022-07-05"),
                      "end_date": day("2022-09-01")},
        "s47": {"referral_date": day("2022-06-01"), "strategy_date": day("2022-06-03"),
                "icpc_date": day("2022-06-20"), "icpc_not_required": False},
        "cp_plans": {"start_date": day("2022-06-21"), "end_date": day("2022-12-01"),
                     "initial_category": "NEG", "latest_category": "EMO",
                     "previous_plans": 3},
    }
    for table, row in expected.items():
        assert list(f[table].columns) == list(tables.TABLES[table])
        for column, value in row.items():
            assert f[table][column].iloc[0] == value, (table, column)
    assert f["children"]["death_date"].isna().all()
    assert list(f["cp_reviews"]["review_date"]) == [day("2022-09-01"), day("2022-11-30")]
    assert list(f["cp_reviews"]["plan_start"]) == [day("2022-06-21")] * 2
    assert set(f["cp_reviews"]["child_id"]) == {"C1"}


def test_several_children_episodes_and_records_keep_their_own_parents(tmp_path: Path) -> None:
    two = child(cin(ref="2021-01-04", assessments=(("2021-01-05", "2021-02-01"),
                                                   ("2021-03-01", None))),
                cin(ref="2022-06-01", s47=(), cpp=(), plans=()))
    other = child(cin(ref="2020-05-05", assessments=(), plans=(), s47=(), cpp=()),
                  ident="<LAchildID>C2</LAchildID>" + BIRTH + "<GenderCurrent>1</GenderCurrent>")
    f = cin_census.read(write(tmp_path, census(two, other))).frames
    assert list(f["children"]["child_id"]) == ["C1", "C2"]
    assert list(f["referrals"]["child_id"]) == ["C1", "C1", "C2"]
    assert list(f["referrals"]["referral_date"]) == [day("2021-01-04"), day("2022-06-01"),
                                                     day("2020-05-05")]
    assert list(f["assessments"]["referral_date"]) == [day("2021-01-04"), day("2021-01-04"),
                                                       day("2022-06-01")]
    assert f["assessments"]["authorised_date"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize(("sex_element", "value"), [
    ("GenderCurrent", "1"), ("GenderCurrent", "9"), ("Sex", "2"), ("Sex", "M"),
])
def test_sex_from_gender_current_or_sex(tmp_path: Path, sex_element: str, value: str) -> None:
    ident = f"<LAchildID>C1</LAchildID>{BIRTH}<{sex_element}>{value}</{sex_element}>"
    frames = cin_census.read(write(tmp_path, census(child(ident=ident)))).frames
    assert frames["children"]["sex"].tolist() == [value]


def test_ethnicity_from_child_characteristics_as_written(tmp_path: Path) -> None:
    plain = child(ident="<LAchildID>C2</LAchildID>" + BIRTH).replace(
        "<Ethnicity>WBRI</Ethnicity>", "<Ethnicity> BAFR </Ethnicity>")
    none = child(ident="<LAchildID>C3</LAchildID>" + BIRTH).replace(
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>", "")
    frames = cin_census.read(write(tmp_path, census(child(), plain, none))).frames
    assert frames["children"]["ethnicity"].tolist() == ["WBRI", "BAFR", ""]


def test_birth_date_death_date_and_expected_birth_date(tmp_path: Path) -> None:
    born = child(ident="<LAchildID>C1</LAchildID><PersonBirthDate>2010-05-06</PersonBirthDate>"
                 "<ExpectedPersonBirthDate>2010-05-01</ExpectedPersonBirthDate>"
                 "<GenderCurrent>1</GenderCurrent><PersonDeathDate>2020-02-03</PersonDeathDate>")
    unborn = child(ident="<LAchildID>C2</LAchildID><ExpectedPersonBirthDate>2023-06-01"
                   "</ExpectedPersonBirthDate><GenderCurrent>0</GenderCurrent>")
    reading = cin_census.read(write(tmp_path, census(born, unborn)))
    kids = reading.frames["children"]
    assert reading.findings == []
    assert kids["birth_date"].tolist() == [day("2010-05-06"), day("2023-06-01")]
    assert kids["death_date"].iloc[0] == day("2020-02-03")
    assert kids["death_date"].isna().tolist() == [False, True]


@pytest.mark.parametrize(("text", "flag"), [
    ("true", True), ("false", False), ("1", True), ("0", False), ("TRUE", True),
    ("FALSE", False), (" true ", True),
])
def test_flags(tmp_path: Path, text: str, flag: bool) -> None:
    xml = census(child(cin(nfa=text, s47=(("2022-06-03", "2022-06-20", text),))))
    reading = cin_census.read(write(tmp_path, xml))
    assert reading.findings == []
    assert reading.frames["referrals"]["nfa"].tolist() == [flag]
    assert reading.frames["s47"]["icpc_not_required"].tolist() == [flag]


def test_2016_to_2021_layout_without_cin_plan_dates(tmp_path: Path) -> None:
    details = cin(plans=()).replace(
        "<NumberOfPreviousCPP>3</NumberOfPreviousCPP>",
        "<NumberOfPreviousCPP>3</NumberOfPreviousCPP><SeenSocialWorker>true</SeenSocialWorker>")
    assert "SeenSocialWorker" in details
    reading = cin_census.read(write(tmp_path, census(child(details))))
    assert reading.findings == []
    assert reading.rows() == BASE_ROWS | {"cin_plans": 0}
    assert reading.frames["cp_plans"]["previous_plans"].tolist() == [3]


def test_2026_pre_proceedings_block_is_ignored(tmp_path: Path) -> None:
    details = cin().replace("</CINdetails>", "<PreProceedingsandFGDM><PPStartDate>2026-09-09"
                            "</PPStartDate><FGDMMeetingOffer>1</FGDMMeetingOffer>"
                            "</PreProceedingsandFGDM></CINdetails>")
    reading = cin_census.read(write(tmp_path, census(child(details))))
    assert reading.findings == []
    assert reading.rows() == BASE_ROWS


def test_mixed_content_stray_text_and_whitespace_are_ignored(tmp_path: Path) -> None:
    ident = ("<LAchildID> C1 </LAchildID><UPNunknown>UN3</UPNunknown>PersonBirthDate\n"
             "<PersonBirthDate> 2015-01-02 </PersonBirthDate>stray<GenderCurrent>1"
             "</GenderCurrent>")
    reading = cin_census.read(write(tmp_path, census(child(ident=ident))))
    assert reading.findings == []
    assert reading.frames["children"][["child_id", "birth_date"]].values.tolist() == [
        ["C1", day("2015-01-02")]]


def test_a_namespace_on_the_root_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, census(root='<Message xmlns="http://www.dfe.gov.uk/CIN">'))
    assert cin_census.recognise(path)
    assert cin_census.read(path).rows() == BASE_ROWS


# -- collection years ---------------------------------------------------------------------

@pytest.mark.parametrize(("details", "years"), [
    ("<Year>2023</Year><ReferenceDate>2023-03-31</ReferenceDate>", ("2022-23",)),
    ("<Year>2023</Year><ReferenceDate>2024-03-31</ReferenceDate>", ("2023-24",)),
    ("<ReferenceDate>2022-07-21</ReferenceDate>", ("2021-22",)),
    ("<Year>2010</Year>", ("2009-10",)),
])
def test_collection_year_from_the_header(tmp_path: Path, details: str, years: tuple) -> None:
    header = f"<Header><CollectionDetails><Collection>CIN</Collection>{details}" \
             "</CollectionDetails></Header>"
    assert cin_census.read(write(tmp_path, census(header=header))).years == years


@pytest.mark.parametrize(("header", "message"), [
    ("", "census.xml: no Header ReferenceDate or Year"),
    ("<Header><CollectionDetails><Collection>CIN</Collection><ReferenceDate>31/03/2023"
     "</ReferenceDate></CollectionDetails></Header>", "census.xml, Header ReferenceDate:"),
])
def test_a_census_without_a_readable_year_is_refused(tmp_path: Path, header: str,
                                                     message: str) -> None:
    with pytest.raises(KpiError, match=message):
        cin_census.read(write(tmp_path, census(header=header)))


# -- data-quality rules -------------------------------------------------------------------

L1 = "Child 1 / CINdetails 1"
CPP_TABLES = ("cp_plans", "cp_reviews")
ALL_CIN = ("referrals", "assessments", "cin_plans", "s47", "cp_plans", "cp_reviews")
RULE_CASES = {
    "authorisation not a date": (
        child(cin(assessments=(("2022-06-02", "2022-02-30"),))),
        [(f"{L1} / Assessments 1", "AssessmentAuthorisationDate", "not_a_date", "2022-02-30",
          ("assessments",))], {"assessments": 0}),
    "assessment authorised before the referral": (
        child(cin(assessments=(("2022-06-02", "2022-07-01"), ("2022-05-02", "2022-05-31")))),
        [(f"{L1} / Assessments 2", "AssessmentAuthorisationDate", "before_referral",
          "2022-05-31", ("assessments",))], {"assessments": 1}),
    "S47 started before the referral": (
        child(cin(s47=(("2022-05-20", "2022-06-20", "false"),))),
        [(f"{L1} / Section47 1", "S47ActualStartDate", "before_referral", "2022-05-20",
          ("s47",))], {"s47": 0}),
    "ICPC before the S47 started": (
        child(cin(s47=(("2022-06-03", "2022-06-02", "false"),))),
        [(f"{L1} / Section47 1", "DateOfInitialCPC", "end_before_start", "2022-06-02",
          ("s47",))], {"s47": 0}),
    "S47 with no start": (
        child(cin(s47=((None, "2022-06-20", "false"),))),
        [(f"{L1} / Section47 1", "S47ActualStartDate", "required_blank", "", ("s47",))],
        {"s47": 0}),
    "CP plan ended before it started": (
        child(cin(cpp=(("2022-06-21", "2022-06-01", "0", ("2022-06-25",)),))),
        [(f"{L1} / ChildProtectionPlans 1", "CPPendDate", "end_before_start", "2022-06-01",
          CPP_TABLES)], {"cp_plans": 0, "cp_reviews": 0}),
    "CP plan start not a date": (
        child(cin(cpp=(("2022-13-01", None, "0", ("2022-06-25",)),))),
        [(f"{L1} / ChildProtectionPlans 1", "CPPstartDate", "not_a_date", "2022-13-01",
          CPP_TABLES)], {"cp_plans": 0, "cp_reviews": 0}),
    "CP review not a date": (
        child(cin(cpp=(("2022-06-21", None, "0", ("2022-09-01", "2022-09-31")),))),
        [(f"{L1} / ChildProtectionPlans 1 / CPPreviewDate 2", "CPPreviewDate", "not_a_date",
          "2022-09-31", ("cp_reviews",))], {"cp_reviews": 1}),
    "previous plans not a number": (
        child(cin(cpp=(("2022-06-21", None, "1.5", ("2022-09-01",)),))),
        [(f"{L1} / ChildProtectionPlans 1", "NumberOfPreviousCPP", "bad_number", "1.5", ())],
        {"cp_reviews": 1}),
    "CIN closed before the referral": (
        child(cin(closure="2022-05-01")),
        [(L1, "CINclosureDate", "end_before_start", "2022-05-01", ("referrals",))],
        {"referrals": 0}),
    "CIN plan ended before it started": (
        child(cin(plans=(("2022-07-05", "2022-07-04"),))),
        [(f"{L1} / CINPlanDates 1", "CINPlanEndDate", "end_before_start", "2022-07-04",
          ("cin_plans",))], {"cin_plans": 0}),
    "no birth date and no expected birth date": (
        child(ident="<LAchildID>C1</LAchildID><GenderCurrent>1</GenderCurrent>"),
        [("Child 1", "PersonBirthDate", "no_birth_date", "", ("children",))],
        {"children": 0}),
    "birth date not a date": (
        child(ident="<LAchildID>C1</LAchildID><PersonBirthDate>2015-02-29</PersonBirthDate>"
              "<GenderCurrent>1</GenderCurrent>"),
        [("Child 1", "PersonBirthDate", "not_a_date", "", ("children",))], {"children": 0}),
    "expected birth date not a date beside a birth date": (
        child(ident="<LAchildID>C1</LAchildID>" + BIRTH + "<ExpectedPersonBirthDate>1066-04-13"
              "</ExpectedPersonBirthDate><GenderCurrent>1</GenderCurrent>"),
        [("Child 1", "ExpectedPersonBirthDate", "not_a_date", "", ())], {}),
    "ReferralNFA not a flag": (
        child(cin(nfa="2")),
        [(L1, "ReferralNFA", "bad_flag", "2", ("referrals",))], {"referrals": 0}),
    "ICPCnotRequired not a flag": (
        child(cin(s47=(("2022-06-03", "2022-06-20", "3"),))),
        [(f"{L1} / Section47 1", "ICPCnotRequired", "bad_flag", "3", ("s47",))],
        {"s47": 0}),
    "referral with no CINreferralDate": (
        child(cin(ref=None)),
        [(L1, "CINreferralDate", "required_blank", "", ALL_CIN)],
        dict.fromkeys(ALL_CIN, 0)),
    "referral date not a date": (
        child(cin(ref="2022-06-31")),
        [(L1, "CINreferralDate", "not_a_date", "2022-06-31", ALL_CIN)],
        dict.fromkeys(ALL_CIN, 0)),
    "child with no LAchildID": (
        child(ident="<LAchildID> </LAchildID>" + BIRTH + "<Sex>1</Sex>"),
        [("Child 1", "LAchildID", "required_blank", "", ("children", *ALL_CIN))],
        dict.fromkeys(BASE_ROWS, 0)),
}


@pytest.mark.parametrize("case", RULE_CASES)
def test_data_quality_rule(tmp_path: Path, case: str) -> None:
    xml, expected, rows = RULE_CASES[case]
    reading = cin_census.read(write(tmp_path, census(xml)))
    got = [(f.locator, f.field, f.rule, f.value, f.tables) for f in reading.findings]
    assert got == expected
    assert {f.file for f in reading.findings} == {"census.xml"}
    assert {f.source for f in reading.findings} == {"CIN census"}
    assert reading.rows() == BASE_ROWS | rows


def test_a_bad_record_leaves_its_siblings_and_other_children_alone(tmp_path: Path) -> None:
    bad = child(cin(ref=None), cin(ref="2022-08-01", assessments=(("2022-08-02", "2022-07-01"),),
                                   s47=(("2022-08-03", "2022-08-20", "0"),)))
    good = child(cin(), ident="<LAchildID>C2</LAchildID>" + BIRTH + "<Sex>2</Sex>")
    reading = cin_census.read(write(tmp_path, census(bad, good)))
    assert [(f.locator, f.rule) for f in reading.findings] == [
        ("Child 1 / CINdetails 1", "required_blank"),
        ("Child 1 / CINdetails 2 / Assessments 1", "before_referral")]
    f = reading.frames
    assert f["referrals"]["referral_date"].tolist() == [day("2022-08-01"), day("2022-06-01")]
    assert f["assessments"]["child_id"].tolist() == ["C2"]
    assert f["s47"]["child_id"].tolist() == ["C1", "C2"]
    assert f["s47"]["referral_date"].tolist() == [day("2022-08-01"), day("2022-06-01")]
    where = reading.locators  # each kept row's XML position, for findings the glue adds
    assert {name: len(where[name]) for name in f} == reading.rows()
    assert where["assessments"][0] == "Child 2 / CINdetails 1 / Assessments 1"
    assert where["s47"][0] == "Child 1 / CINdetails 2 / Section47 1"
    assert where["referrals"][1] == "Child 2 / CINdetails 1"
    assert where["cp_reviews"][3] == ("Child 2 / CINdetails 1 / ChildProtectionPlans 1 / "
                                      "CPPreviewDate 2")
    assert where["children"][1] == "Child 2"


# -- hostile and broken files -------------------------------------------------------------

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE Message [\n<!ENTITY lol "lol">\n'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
                    for i in range(1, 10))
          + ']>\n<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID>'
          "</ChildIdentifiers></Child></Children></Message>\n")


@pytest.mark.parametrize("text", [
    LAUGHS,
    census().replace("<Message>", '<!DOCTYPE Message SYSTEM "http://example.com/cin.dtd">'
                     "<Message>"),
    census().replace("<Message>", '<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                     "<Message>").replace("<LAchildID>C1", "<LAchildID>&x;C1"),
    census().replace("<Message>", "<!-- " + "x" * 70_000 + " -->\n<!DOCTYPE Message []>"
                     "<Message>"),
], ids=["billion-laughs", "external-dtd", "external-entity", "dtd-after-a-long-comment"])
def test_a_dtd_or_entity_declaration_is_refused_quickly(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    start = time.perf_counter()
    with pytest.raises(KpiError) as err:
        cin_census.read(path)
    assert time.perf_counter() - start < 1
    assert str(err.value) == ("census.xml: has a DTD or entity declarations; a CIN census "
                              "never does, refused")


def test_another_xml_with_a_dtd_is_not_recognised(tmp_path: Path) -> None:
    other = LAUGHS.replace("DOCTYPE Message", "DOCTYPE EXPSSDA903").replace(
        "<Message>", "<EXPSSDA903>").replace("</Message>", "</EXPSSDA903>")
    assert cin_census.recognise(write(tmp_path, LAUGHS, "cin.xml"))
    assert not cin_census.recognise(write(tmp_path, other, "other.xml"))


def test_a_dtd_in_utf16_is_refused(tmp_path: Path) -> None:
    text = LAUGHS.replace('encoding="utf-8"', "")
    path = write(tmp_path, text.encode("utf-16"))
    assert cin_census.recognise(path)
    with pytest.raises(KpiError, match="has a DTD or entity declarations"):
        cin_census.read(path)


@pytest.mark.parametrize(("cut", "line"), [
    (lambda xml: xml[: xml.index("<CINreferralDate>") + 9], 3),
    (lambda xml: xml[: xml.rindex("</Children>")], 4),
    (lambda xml: xml.replace("</PrimaryNeedCode>", "</Primary>", 1), 3),
    (lambda xml: xml.replace("<ReferralSource>1A", "<ReferralSource>&nbsp;1A", 1), 3),
], ids=["cut-in-a-tag", "cut-before-the-end", "mismatched-tag", "undeclared-entity"])
def test_truncated_or_malformed_xml_names_the_file_and_line(tmp_path: Path, cut, line) -> None:
    secret = "ZZSECRET0042"
    xml = census(child(ident=f"<LAchildID>{secret}</LAchildID>{BIRTH}<Sex>1</Sex>"))
    path = write(tmp_path, cut(xml))
    with pytest.raises(KpiError) as err:
        cin_census.read(path)
    message = str(err.value)
    assert message.startswith(f"census.xml, line {line}: ")
    assert "cannot read it as a CIN census" in message
    assert secret not in message and "\n" not in message


@pytest.mark.parametrize("content", [
    b"", b"\x00\x01garbage\xff", b"child_id,referral_date\nC1,2022-01-01\n",
    b"<?xml version='1.0'?><EXPSSDA903><CHILD/></EXPSSDA903>",
    b"<Message><Header><CollectionDetails><Collection>School Census</Collection>"
    b"</CollectionDetails></Header><Children><Child/></Children></Message>",
    b"<Message><Header/></Message>",
    b"<Message><Children><Child>",  # recognised (truncated later), read refuses
], ids=["empty", "binary", "csv", "903-xml", "school-census", "no-children", "truncated"])
def test_other_files_are_not_recognised_and_not_read(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, content, "other.xml")
    recognised = cin_census.recognise(path)
    assert recognised == (content == b"<Message><Children><Child>")
    with pytest.raises(KpiError, match=r"^other\.xml[:,] "):
        cin_census.read(path)


def test_a_missing_file_is_not_recognised_and_read_refuses(tmp_path: Path) -> None:
    assert not cin_census.recognise(tmp_path / "missing.xml")
    with pytest.raises(KpiError, match=r"^missing\.xml: cannot open it"):
        cin_census.read(tmp_path / "missing.xml")


def test_recognise_reads_only_the_start_of_the_file(tmp_path: Path) -> None:
    # a census whose end is broken is still recognised: only the first KB are read
    body = census(*[child() for _ in range(400)])
    path = write(tmp_path, body[: len(body) - 40])
    assert len(body) > 200_000
    assert cin_census.recognise(path)


# -- privacy ------------------------------------------------------------------------------

def test_no_identifier_appears_in_any_finding(tmp_path: Path) -> None:
    secrets = ["ZZSECRET0001", "ZZSECRET0002", "A999888777666", "ZZ123SECRET"]
    ident = (f"<LAchildID>{secrets[0]}</LAchildID><UPN>{secrets[2]}</UPN>"
             f"<FormerUPN>{secrets[3]}</FormerUPN><PersonBirthDate>2015-02-30</PersonBirthDate>"
             "<ExpectedPersonBirthDate>2014-13-01</ExpectedPersonBirthDate>"
             f"<GenderCurrent>{secrets[1]}</GenderCurrent>"
             f"<PersonDeathDate>{secrets[1]}</PersonDeathDate>")
    bad = cin(ref=secrets[0], nfa=secrets[1], closure=secrets[2],
              assessments=((secrets[3], secrets[0]),),
              plans=((secrets[1], secrets[2]),), s47=((secrets[0], secrets[3], secrets[1]),),
              cpp=((secrets[2], secrets[1], secrets[0], (secrets[3],)),))
    other = child(cin(ref=None), ident=f"<LAchildID>{secrets[1]}</LAchildID>"
                  "<PersonBirthDate>2015-01-01</PersonBirthDate><Sex>1</Sex>")
    reading = cin_census.read(write(tmp_path, census(child(bad, ident=ident), other)))
    assert len(reading.findings) >= 12
    text = " ".join(repr(f) for f in reading.findings)
    assert all(secret not in text for secret in secrets)
    assert "2015-02-30" not in text and "2014-13-01" not in text  # birth dates never shown
    assert all("Child" in f.locator for f in reading.findings)


# -- the sector's example censuses and schemas --------------------------------------------

EXAMPLES = {
    # file: (years, rows, findings as (locator, field, rule))
    "csc-validator-be-cin/fake_data/fake_CIN_data.xml": (
        ("2021-22",), {"children": 332, "referrals": 402, "assessments": 0, "cin_plans": 0,
                       "s47": 0, "cp_plans": 0, "cp_reviews": 0}, []),
    "csc-validator-be-cin/fake_data/CIN_Census_2021.xml": (
        ("2022-23",), {"children": 1, "referrals": 1, "assessments": 1, "cin_plans": 1,
                       "s47": 0, "cp_plans": 1, "cp_reviews": 1},
        # ExpectedPersonBirthDate 1066-04-13 (kept: PersonBirthDate is given); S47 started
        # 1970-06-02, before the referral 1970-10-06
        [("Child 1", "ExpectedPersonBirthDate", "not_a_date"),
         ("Child 1 / CINdetails 1 / Section47 1", "S47ActualStartDate", "before_referral")]),
    "csc-validator-be-cin/fake_data/CIN_header_issues_100.xml": (
        ("2022-23",), {"children": 1, "referrals": 1, "assessments": 1, "cin_plans": 1,
                       "s47": 0, "cp_plans": 1, "cp_reviews": 1},
        [("Child 1", "ExpectedPersonBirthDate", "not_a_date"),
         ("Child 1 / CINdetails 1 / Section47 1", "S47ActualStartDate", "before_referral")]),
    "csc-validator-be-cin/fake_data/CIN_Census_2024.xml": (
        ("2023-24",), {"children": 2, "referrals": 2, "assessments": 0, "cin_plans": 1,
                       "s47": 0, "cp_plans": 1, "cp_reviews": 1},
        # authorised 2020-09-19 before referral 2022-10-06; 2024-01-27 before 2024-10-24
        [("Child 1 / CINdetails 1 / Assessments 1", "AssessmentAuthorisationDate",
          "before_referral"),
         ("Child 2 / CINdetails 1 / Assessments 1", "AssessmentAuthorisationDate",
          "before_referral"),
         ("Child 1 / CINdetails 1 / Section47 1", "S47ActualStartDate", "before_referral")]),
    "liia-tools/liiatools/spec/cin_census/samples/cin-2022.xml": (
        ("2021-22",), {"children": 1, "referrals": 1, "assessments": 1, "cin_plans": 1,
                       "s47": 0, "cp_plans": 1, "cp_reviews": 1},
        [("Child 1 / CINdetails 1 / Section47 1", "S47ActualStartDate", "before_referral")]),
}
EXAMPLES["csc-validator-be-cin/fake_data/CIN_Census_2026.xml"] = EXAMPLES[
    "csc-validator-be-cin/fake_data/CIN_Census_2024.xml"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_census_is_recognised_and_read(name: str) -> None:
    path = example(name)
    years, rows, findings = EXAMPLES[name]
    assert cin_census.recognise(path)
    reading = cin_census.read(path)
    assert reading.years == years
    assert reading.rows() == rows
    assert [(f.locator, f.field, f.rule) for f in reading.findings] == findings


def test_example_values_a_person_can_check() -> None:
    f = cin_census.read(example("csc-validator-be-cin/fake_data/CIN_Census_2024.xml")).frames
    assert f["children"]["sex"].tolist() == ["1", "M"]
    assert f["children"]["ethnicity"].tolist() == ["WBRI", "WBRI"]
    assert f["referrals"]["nfa"].tolist() == [False, False]  # written 0 and false
    assert f["referrals"]["closure_reason"].tolist() == ["RC1", "RC9"]
    assert f["cp_plans"]["previous_plans"].tolist() == [10]
    fake = cin_census.read(example("csc-validator-be-cin/fake_data/fake_CIN_data.xml")).frames
    assert fake["referrals"]["nfa"].all()
    assert fake["referrals"]["referral_date"].iloc[0] == day("2020-07-13")
    assert fake["referrals"]["source"].iloc[:3].tolist() == ["4", "6", "3A"]


@pytest.mark.parametrize("name", [
    "csc-validator-be-903/tests/fake_data/fake_903.xml",
    "csc-validator-be-903/tests/fake_data/header.csv",
    "liia-tools/liiatools/spec/cin_census/CIN_schema_2022.xsd",
    "liia-tools/liiatools/spec/annex_a/samples/Annex_A.xlsx",
])
def test_other_example_returns_are_not_recognised(name: str) -> None:
    assert not cin_census.recognise(example(name))


XS = "{http://www.w3.org/2001/XMLSchema}"
SCHEMAS = {year: f"liia-tools/liiatools/spec/cin_census/CIN_schema_{year}.xsd"
           for year in range(2017, 2025)}
SCHEMAS[2016] = "liia-tools/liiatools/cin_census_pipeline/spec/CIN_schema_2016.xsd"
#: block -> the type holding its elements, as the XSDs name them
_BLOCK_TYPES = {"ChildIdentifiers": "childidentifierstype", "CINdetails": "cindetailstype",
                "Assessments": "assessmentstype", "CINPlanDates": "cinplandatesttype",
                "Section47": "section47type", "ChildProtectionPlans": "childprotectionplanstype"}


@pytest.mark.parametrize("year", sorted(SCHEMAS))
def test_the_elements_read_match_the_published_schema(year: int) -> None:
    schema = etree.parse(str(example(SCHEMAS[year])))
    types = {t.get("name"): t for t in schema.iter(f"{XS}complexType")}

    def elements(type_name: str) -> dict[str, tuple[str, str]]:
        return {e.get("name"): (e.get("minOccurs", "1"), e.get("maxOccurs", "1"))
                for e in types[type_name].iter(f"{XS}element")}

    child, details = elements("childtype"), elements("cindetailstype")
    assert child["ChildIdentifiers"][1] == "1"  # one per child: a flat children table
    assert child["CINdetails"] == ("1", "unbounded")
    plans = year >= 2022  # CINPlanDates is in none of the 2016-2021 schemas
    repeating = {"Assessments", "Section47", "ChildProtectionPlans"} | (
        {"CINPlanDates"} if plans else set())
    assert {name for name, (_, most) in details.items() if most == "unbounded"} == repeating
    assert ("CINPlanDates" in details) == plans
    for block, names in FIELDS.items():
        if block == "Reviews":
            plan = elements("childprotectionplanstype")
            assert plan["Reviews"][1] == "1" and plan["CPPreviewDate"] == ("1", "unbounded")
            continue
        if block == "CINPlanDates" and not plans:
            continue
        declared = elements(_BLOCK_TYPES[block])
        wanted = set(names) - {"Sex"}  # Sex (2024-25 on) is in none of these schemas
        if block == "ChildIdentifiers":  # Ethnicity: from the child's characteristics
            assert set(CHARACTERISTICS) <= set(elements("childcharacteristicstype"))
            wanted -= set(CHARACTERISTICS)
        assert wanted <= set(declared), (block, wanted - set(declared))
        assert all(declared[name][1] == "1" for name in wanted)  # one value per record
    required = {"CINreferralDate": "cindetailstype", "S47ActualStartDate": "section47type",
                "CPPstartDate": "childprotectionplanstype", "LAchildID": "childidentifierstype"}
    for name, type_name in required.items():
        assert elements(type_name)[name][0] == "1"


def test_the_benchmark_runs_small() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import bench_cin_census

    result = bench_cin_census.run(300)
    assert result["rows"]["children"] == 300
    assert result["rows"]["referrals"] >= 300
    assert result["reader s"] > 0 and result["bare iterparse s"] > 0
