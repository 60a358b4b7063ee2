"""The SSDA903 reader: CSV header sets and the XML form, checks, years, derive()."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.returns_examples import example
from xlkpi.errors import KpiError
from xlkpi.indicators import ssda903, tables

EPI = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
       "PL_POST,URN")
HEADERS = {
    "header": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
    "episodes": EPI,
    "reviews": "CHILD,DOB,REVIEW,REVIEW_CODE",
    "uasc": "CHILD,SEX,DOB,DUC",
    "oc2": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
           "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
    "oc3": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM",
    "ad1": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
    "placed_for_adoption": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED",
    "previous_permanence": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM",
    "missing": "CHILD,DOB,MISSING,MIS_START,MIS_END",
    "sw_episodes": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON",
    "dolo": "CHILD,DOB,DOLO_START,DOLO_END",
}
D = np.datetime64
NAT = np.datetime64("NaT")


def write(folder: Path, name: str, text: str, encoding: str = "utf-8",
          newline: str = "\n") -> Path:
    path = folder / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def rows(frame: pd.DataFrame) -> list[tuple]:
    """Records as tuples, dates as ``datetime64[D]`` (NaT kept), for comparisons."""
    out = []
    for record in frame.itertuples(index=False):
        out.append(tuple(D(v, "D") if isinstance(v, pd.Timestamp) else
                         (NAT if v is pd.NaT else v) for v in record))
    return out


# --- one row of every file kind: every column read ------------------------------------

CASES = [
    ("header", "K1,2,05/06/2010,WBRI,A1234,,", "children",
     [("K1", D("2010-06-05"), "2", NAT, False, "WBRI")], ()),
    ("uasc", "K1,1,01/02/2009,01/02/2027", "children",
     [("K1", D("2009-02-01"), "1", NAT, True, "")], ()),
    ("episodes", "K1,02/05/2019,s,c2,N1,U1,PR1,03/06/2019,x1,CHANGE,AB1 2CD,EF3 4GH,SC1234",
     "episodes", [("K1", D("2019-05-02"), D("2019-06-03"), "S", "C2", "N1", "U1", "PR1",
                   "X1", "CHANGE", "SC1234")], ("2019-20",)),
    ("reviews", "K1,05/06/2010,14/07/2019,PN1", "cla_reviews",
     [("K1", D("2019-07-14"))], ("2019-20",)),
    ("oc2", "K1,05/06/2010,17,,0,1,1,0,1,0,0,0", "health", [("K1", True, False, True, 17)],
     ()),
    ("oc3", "K1,05/06/2002,YES,F2,S2", "care_leavers",
     [("K1", D("2002-06-05"), "YES", "F2", "S2")], ()),
    ("ad1", "K1,05/06/2016,01/02/2018,03/04/2018,1,2,MF,L0", "adoptions",
     [("K1", D("2018-02-01"), D("2018-04-03"), NAT, NAT)], ()),
    ("placed_for_adoption", "K1,05/06/2016,01/05/2018,02/06/2019,E11", "placed_for_adoption",
     [("K1", D("2018-05-01"), D("2019-06-02"), "E11")], ("2019-20",)),
    ("missing", "K1,05/06/2006,M,28/03/2019,2019-04-02", "missing",
     [("K1", "M", D("2019-03-28"), D("2019-04-02"))], ("2018-19",)),
    ("previous_permanence", "K1,05/06/2006,Z1,,", None, [], ()),
    ("sw_episodes", "K1,05/06/2006,SW1,01/01/2024,03/04/2024,SWLEFT", None, [], ("2023-24",)),
    ("dolo", "K1,05/06/2006,01/01/2026,02/01/2026", None, [], ("2025-26",)),
]


@pytest.mark.parametrize(("kind", "line", "table", "expected", "years"), CASES,
                         ids=[c[0] for c in CASES])
def test_every_file_kind_reads_its_columns(tmp_path, kind, line, table, expected, years):
    path = write(tmp_path, "any_name.txt", f"{HEADERS[kind]}\n{line}\n")
    assert ssda903.recognise(path)
    got = ssda903.read(path)
    assert (got.kind, got.file, got.years, got.findings) == ("SSDA903", "any_name.txt",
                                                             years, [])
    if table is None:
        assert got.frames == {}
        return
    assert list(got.frames) == [table]
    frame = got.frames[table]
    assert list(frame.columns) == list(tables.TABLES[table])
    assert rows(frame) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("child_id,referral_date\nK1,2020-01-01\n", False),   # xlkpi's own CSV layout
    ("CHILD,SEX\nK1,1\n", False),                          # too little to tell
    ("DECOM,RNE,LS,DEC,REC\n01/01/2020,S,C2,,\n", False),  # no CHILD column
    ("<?xml version='1.0'?><Message><Header/></Message>", False),  # CIN census
    ("<?xml version='1.0'?>\n<!-- export -->\n<EXPSSDA903><CHILD/></EXPSSDA903>", True),
    ("", False),
])
def test_recognise_by_content(tmp_path, text, expected):
    assert ssda903.recognise(write(tmp_path, "episodes.csv", text)) is expected


def test_recognise_never_raises(tmp_path):
    assert ssda903.recognise(tmp_path / "absent.csv") is False
    assert ssda903.recognise(tmp_path) is False
    assert ssda903.recognise(write(tmp_path, "b.csv", "\x81\x8d\x00\xff")) is False


# --- encodings, layout variants ---------------------------------------------------------

def test_bom_crlf_no_trailing_newline(tmp_path):
    text = f"\ufeff{EPI}\nK1,01/04/2019,S,C2,N1,U1,PR1,,,,,,\nK2,02/04/2019,S,C2,N1,U1,PR1,,,,,,"
    got = ssda903.read(write(tmp_path, "e.csv", text, newline="\r\n"))
    assert got.frames["episodes"]["child_id"].tolist() == ["K1", "K2"]
    assert got.frames["episodes"]["urn"].tolist() == ["", ""]


def test_windows_1252_and_extra_column_and_header_variants(tmp_path):
    text = (" child ,Decom,rne,Ls,CIN,pl,Place Provider,DEC,REC,reason_place_change,URN,"
            "NOTE\nK1,01/04/2019,S,C2,N1,U1,PR1,,,,SC1,café\n")
    got = ssda903.read(write(tmp_path, "e.csv", text, encoding="cp1252"))
    assert rows(got.frames["episodes"]) == [("K1", D("2019-04-01"), NAT, "S", "C2", "N1",
                                            "U1", "PR1", "", "", "SC1")]


def test_physical_line_numbers_count_a_quoted_line_break(tmp_path):
    text = (f"{EPI}\nK1,01/04/2019,S,C2,N1,U1,PR1,01/05/2019,X1,\"two\nlines\",,,\n"
            "\nK1,31/04/2019,P,C2,N1,U1,PR1,,,,,,\n")
    got = ssda903.read(write(tmp_path, "e.csv", text))
    assert [(f.locator, f.field, f.rule, f.value) for f in got.findings] == [
        ("line 5", "DECOM", "not_a_date", "31/04/2019")]


@pytest.mark.parametrize(("text", "message"), [
    ("CHILD,DECOM,RNE,LS,CIN,PLACE,REC\nK1,01/04/2019,S,C2,N1,U1,\n",
     "e.csv: the SSDA903 episodes file has no DEC column"),
    ("CHILD,DOB,REVIEW_CODE,REVIEW_TYPE\nK1,01/01/2010,PN1,X\n",
     "e.csv: the SSDA903 reviews file has no REVIEW column"),
    ("child_id,referral_date\nK1,2020-01-01\n", "e.csv: not an SSDA903 file"),
    (f"{EPI}\nK1,\"01/04/2019,S\n", "e.csv, line 2: not readable as CSV"),
    (f"{EPI}\nK1,01/04/2019,S,C2,N1,U1,PR1,,,\"x\"y,,,\n", "e.csv, line 2: not readable"),
    ("CHILD,DECOM,RNE,LS,PLACE,DEC,REC\n\x81\x8d\n", "e.csv: cannot read it as UTF-8 or "
     "Windows-1252"),  # 0x81 and 0x8D are neither UTF-8 nor Windows-1252 text
])
def test_unreadable_files_are_one_clear_error(tmp_path, text, message):
    path = tmp_path / "e.csv"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(KpiError) as caught:
        ssda903.read(path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value) and "K1" not in str(caught.value)


# --- years --------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "lines", "years"), [
    # episodes: the year holding the latest DECOM (an open episode from 2016 changes nothing)
    ("episodes", ["K1,01/04/2016,S,C2,N1,U1,PR1,,,,,,",
                  "K2,31/03/2019,S,C2,N1,U1,PR1,02/04/2019,E11,,,,"], ("2018-19",)),
    ("episodes", ["K2,2019-04-01,S,C2,N1,U1,PR1,,,,,,"], ("2019-20",)),
    # reviews: the median review date; stray reviews dated 2030 do not move the year
    ("reviews", ["K1,01/01/2010,01/05/2019,PN1", "K1,01/01/2010,01/09/2019,PN1",
                 "K1,01/01/2010,01/01/2030,PN1"], ("2019-20",)),
    ("header", ["K1,1,01/01/2010,WBRI,,,"], ()),
    ("ad1", ["K1,01/01/2015,01/01/2016,01/02/2016,0,1,MF,L0"], ()),
])
def test_collection_year_from_the_dates(tmp_path, kind, lines, years):
    path = write(tmp_path, "f.csv", "\n".join([HEADERS[kind], *lines]) + "\n")
    assert ssda903.read(path).years == years


# --- data-quality rules ---------------------------------------------------------------------

OK = "K9,01/04/2019,S,C2,N1,U1,PR1,,,,,,"  # a good episode on line 2 of every case
RULE_CASES = [
    ("not a date", "episodes", [OK, "K1,31/02/2019,S,C2,N1,U1,PR1,,,,,,"],
     [("line 3", "DECOM", "not_a_date", "31/02/2019", ("episodes",))], 1),
    ("DEC before DECOM", "episodes", [OK, "K1,05/05/2019,S,C2,N1,U1,PR1,04/05/2019,E11,,,,"],
     [("line 3", "DEC", "end_before_start", "04/05/2019", ("episodes",))], 1),
    ("overlap: the later episode is left out", "episodes",
     [OK, "K1,01/05/2019,S,C2,N1,U1,PR1,01/07/2019,X1,,,,",
      "K1,01/06/2019,P,C2,N1,U2,PR1,01/08/2019,E11,,,,",
      "K1,01/07/2019,P,C2,N1,U3,PR1,,,,,,"],
     [("line 4", "DECOM", "overlap", "01/06/2019", ("episodes",))], 3),
    ("closed episode without REC", "episodes",
     [OK, "K1,01/05/2019,S,C2,N1,U1,PR1,01/07/2019,,,,,"],
     [("line 3", "REC", "required_blank", "", ("episodes",))], 1),
    ("REC given on an open episode", "episodes", [OK, "K1,01/05/2019,S,C2,N1,U1,PR1,,E11,,,,"],
     [("line 3", "DEC", "required_blank", "", ("episodes",))], 1),
    ("open episode followed by another", "episodes",
     [OK, "K1,01/05/2019,S,C2,N1,U1,PR1,,,,,,", "K1,01/06/2019,P,C2,N1,U1,PR1,,,,,,"],
     [("line 3", "DEC", "required_blank", "", ("episodes",))], 2),
    ("same CHILD and DECOM twice, differing", "episodes",
     [OK, "K1,01/05/2019,S,C2,N1,U1,PR1,,,,,,", "K1,01/05/2019,S,C1,N1,U1,PR1,,,,,,"],
     [("line 3", "DECOM", "duplicate", "", ("episodes",)),
      ("line 4", "DECOM", "duplicate", "", ("episodes",))], 1),
    ("bad codes shown", "episodes",
     [OK, "K1,01/05/2019,Q,C2,N1,U1,PR1,,,,,,", "K2,01/05/2019,S,Z9,N1,U1,PR1,,,,,,",
      "K3,01/05/2019,S,C2,N1,U1,PR1,01/06/2019,E99,,,,"],
     [("line 3", "RNE", "bad_code", "Q", ("episodes",)),
      ("line 4", "LS", "bad_code", "Z9", ("episodes",)),
      ("line 5", "REC", "bad_code", "E99", ("episodes",))], 1),
    ("blank LS", "episodes", [OK, "K1,01/05/2019,S,,N1,U1,PR1,,,,,,"],
     [("line 3", "LS", "required_blank", "", ("episodes",))], 1),
    ("blank CHILD", "episodes", [OK, ",01/05/2019,S,C2,N1,U1,PR1,,,,,,"],
     [("line 3", "CHILD", "required_blank", "", ("episodes",))], 1),
    ("review before birth", "reviews",
     ["K9,01/01/2010,01/05/2019,PN1", "K1,01/01/2012,01/05/2011,PN1"],
     [("line 3", "REVIEW", "before_birth", "01/05/2011", ("cla_reviews",))], 1),
    ("MIS_END before MIS_START", "missing",
     ["K9,01/01/2010,M,01/05/2019,02/05/2019", "K1,01/01/2010,A,05/05/2019,04/05/2019"],
     [("line 3", "MIS_END", "end_before_start", "04/05/2019", ("missing",))], 1),
    ("bad health flag and SDQ", "oc2",
     ["K9,01/01/2010,,,0,1,1,1,0,0,0,0", "K1,01/01/2010,,,0,maybe,1,1,0,0,0,0",
      "K2,01/01/2010,12.5,,0,1,1,1,0,0,0,0"],
     # a word in a flag field is not shown: it could be a name typed into the wrong cell
     [("line 3", "HEALTH_CHECK", "bad_flag", "", ("health",)),
      ("line 4", "SDQ_SCORE", "bad_number", "12.5", ("health",))], 1),
    ("a child twice in the header", "header",
     ["K9,1,01/01/2010,WBRI,,,", "K1,1,01/01/2010,WBRI,,,", "K1,2,01/01/2011,WBRI,,,"],
     [("line 3", "CHILD", "duplicate", "", ("children",)),
      ("line 4", "CHILD", "duplicate", "", ("children",))], 1),
    ("bad DOB: finding, row kept out of children, never shown", "header",
     ["K9,1,01/01/2010,WBRI,,,", "K1,1,30/02/2010,WBRI,,,"],
     [("line 3", "DOB", "not_a_date", "", ("children",))], 1),
    ("bad DOB in a file that does not use it", "reviews",
     ["K9,01/01/2010,01/05/2019,PN1", "K1,1O/01/2010,01/05/2019,PN1"],
     [("line 3", "DOB", "not_a_date", "", ())], 2),
    ("bad social worker end", "sw_episodes",
     ["K9,01/01/2010,SW1,01/05/2024,02/05/2024,SWLEFT",
      "K1,01/01/2010,SW1,01/05/2024,01/04/2024,SWLEFT"],
     [("line 3", "SW_DEC", "end_before_start", "01/04/2024", ())], 0),
]


@pytest.mark.parametrize(("kind", "lines", "findings", "kept"),
                         [c[1:] for c in RULE_CASES], ids=[c[0] for c in RULE_CASES])
def test_data_quality_rules(tmp_path, kind, lines, findings, kept):
    got = ssda903.read(write(tmp_path, "f.csv", "\n".join([HEADERS[kind], *lines]) + "\n"))
    assert [(f.locator, f.field, f.rule, f.value, f.tables) for f in got.findings] == findings
    assert {(f.file, f.source) for f in got.findings} == {("f.csv", "SSDA903")}
    assert sum(len(frame) for frame in got.frames.values()) == kept
    flagged = {f.locator for f in got.findings if f.tables}
    for name, frame in got.frames.items():  # the rows kept, located for the glue
        assert len(got.locators[name]) == len(frame)
        assert set(got.locators[name]) == {f"line {n}" for n in range(2, len(lines) + 2)
                                           if f"line {n}" not in flagged}


# --- the XML form ---------------------------------------------------------------------------

XML = """<?xml version='1.0' encoding='us-ascii'?>
<EXPSSDA903><CHILD><HEADER><CHILDID>K1</CHILDID><UPN>A1</UPN><SEX>1</SEX>
<DOB>05/06/2010</DOB><ETHNIC>WBRI</ETHNIC><UASC /><IN_TOUCH>YES</IN_TOUCH><ACTIV>F2</ACTIV>
<ACCOM>S2</ACCOM><DATE_INT>01/02/2018</DATE_INT><DATE_MATCH>03/04/2018</DATE_MATCH>
<FOSTER_CARE>1</FOSTER_CARE><NB_ADOPTR>2</NB_ADOPTR><SEX_ADOPTR>MF</SEX_ADOPTR>
<LS_ADOPTR>L0</LS_ADOPTR>
<AREVIEW><REVIEW>14/07/2019</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
<AREVIEW><REVIEW>14/01/2020</REVIEW><REVIEW_CODE>PN2</REVIEW_CODE></AREVIEW>
<MOTHER /><MC_DOB /><PERMANENCE><PREV_PERM>Z1</PREV_PERM></PERMANENCE>
<OC2><SDQ_SCORE>17</SDQ_SCORE><CONVICTED>0</CONVICTED><HEALTH_CHECK>1</HEALTH_CHECK>
<IMMUNISATIONS>1</IMMUNISATIONS><TEETH_CHECK>0</TEETH_CHECK></OC2>
<AMISSING><MISSING>M</MISSING><MIS_START>28/03/2019</MIS_START><MIS_END>02/04/2019</MIS_END>
</AMISSING>
<AD_PLACED><DATE_PLACED>01/05/2018</DATE_PLACED><DATE_PLACED_CEASED>02/06/2019
</DATE_PLACED_CEASED><REASON_PLACED_CEASED>E11</REASON_PLACED_CEASED></AD_PLACED>
</HEADER>
<EPISODE><DECOM>02/05/2019</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL>
<PL_POST>EF3 4GH</PL_POST><HOME_POST>AB1 2CD</HOME_POST><URN>SC1234</URN>
<PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>03/06/2019</DEC><REC>X1</REC>
<REASON_PLACE_CHANGE /></EPISODE>
<EPISODE><DECOM>03/06/2019</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>U3</PL>
<URN>SC9</URN><PLACE_PROVIDER>PR2</PLACE_PROVIDER><DEC /><REC /><REASON_PLACE_CHANGE>CARPL
</REASON_PLACE_CHANGE></EPISODE></CHILD>
<CHILD><HEADER><CHILDID>K2</CHILDID><SEX>2</SEX><DOB>01/01/2008</DOB><UASC>1</UASC>
<DUC>01/01/2026</DUC></HEADER></CHILD></EXPSSDA903>
"""
CSVS = {
    "header": ["K1,1,05/06/2010,WBRI,A1,,", "K2,2,01/01/2008,,,,"],
    "episodes": ["K1,02/05/2019,S,C2,N1,U1,PR1,03/06/2019,X1,,AB1 2CD,EF3 4GH,SC1234",
                 "K1,03/06/2019,P,C2,N1,U3,PR2,,,CARPL,,,SC9"],
    "reviews": ["K1,05/06/2010,14/07/2019,PN1", "K1,05/06/2010,14/01/2020,PN2"],
    "oc2": ["K1,05/06/2010,17,,0,1,1,0,,,,"],
    "oc3": ["K1,05/06/2010,YES,F2,S2"],
    "ad1": ["K1,05/06/2010,01/02/2018,03/04/2018,1,2,MF,L0"],
    "placed_for_adoption": ["K1,05/06/2010,01/05/2018,02/06/2019,E11"],
    "missing": ["K1,05/06/2010,M,28/03/2019,02/04/2019"],
}


def test_xml_and_csv_forms_give_the_same_tables(tmp_path):
    xml = ssda903.read(write(tmp_path, "return.xml", XML))
    assert xml.findings == [] and xml.years == ("2019-20",)
    from_csv: dict[str, pd.DataFrame] = {}
    for kind, lines in CSVS.items():
        got = ssda903.read(write(tmp_path, f"{kind}.csv", "\n".join([HEADERS[kind], *lines])))
        assert got.findings == []
        from_csv.update(got.frames)
    assert sorted(xml.frames) == sorted(from_csv)
    for name, frame in from_csv.items():
        expected = frame.copy()
        if name == "children":  # the XML form carries the UASC flag on the header
            expected.loc[expected["child_id"] == "K2", "uasc"] = True
        pd.testing.assert_frame_equal(xml.frames[name], expected, check_dtype=True)
    assert xml.frames["children"]["ethnicity"].tolist() == ["WBRI", ""]


@pytest.mark.parametrize(("change", "locator", "field", "rule"), [
    ("<DEC>03/06/2019</DEC>", "CHILD 1 / EPISODE 1", "DEC", "end_before_start"),
    ("<RNE>S</RNE>", "CHILD 1 / EPISODE 1", "RNE", "bad_code"),
    ("<REVIEW>14/07/2019</REVIEW>", "CHILD 1 / AREVIEW 1", "REVIEW", "not_a_date"),
    ("<MIS_START>28/03/2019</MIS_START>", "CHILD 1 / AMISSING 1", "MIS_START", "not_a_date"),
    ("<DATE_INT>01/02/2018</DATE_INT>", "CHILD 1", "DATE_INT", "not_a_date"),
    ("<CHILDID>K2</CHILDID>", "CHILD 2", "CHILD", "required_blank"),
])
def test_xml_locators(tmp_path, change, locator, field, rule):
    tag = change[1:change.index(">")]
    bad = {"DEC": "01/01/2019", "RNE": "Q", "CHILDID": ""}.get(tag, "99/99/2019")
    text = XML.replace(change, f"<{tag}>{bad}</{tag}>")
    got = ssda903.read(write(tmp_path, "r.xml", text))
    assert [(f.locator, f.field, f.rule) for f in got.findings] == [(locator, field, rule)]


@pytest.mark.parametrize(("text", "message"), [
    ("<?xml version='1.0'?>\n<!DOCTYPE EXPSSDA903 [<!ENTITY x 'K1'>]>\n"
     "<EXPSSDA903><CHILD><HEADER><CHILDID>&x;</CHILDID></HEADER></CHILD></EXPSSDA903>",
     "r.xml: refused: the XML declares a DOCTYPE or ENTITY"),
    ("<?xml version='1.0'?>\n<!DOCTYPE EXPSSDA903 SYSTEM 'http://example.org/x.dtd'>\n"
     "<EXPSSDA903><CHILD/></EXPSSDA903>", "r.xml: refused"),
    (XML[:XML.index("<CHILD><HEADER><CHILDID>K2")], "r.xml, line"),
    ("<EXPSSDA903></EXPSSDA903>", "r.xml: an EXPSSDA903 document with no CHILD elements"),
])
def test_hostile_and_broken_xml(tmp_path, text, message):
    path = write(tmp_path, "r.xml", text)
    assert ssda903.recognise(path)
    with pytest.raises(KpiError) as caught:
        ssda903.read(path)
    assert str(caught.value).startswith(message)
    assert "K1" not in str(caught.value) and "\n" not in str(caught.value)


# --- derive: periods of care and placements ----------------------------------------------

def episodes(*records: tuple) -> pd.DataFrame:
    """Episodes from (child, DECOM, RNE, LS, PLACE, DEC, REC), dates ISO or ""."""
    frame = pd.DataFrame(records, columns=["child_id", "start_date", "reason_new",
                                           "legal_status", "placement", "end_date",
                                           "reason_end"])
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col].replace("", None))
    return tables.conform("episodes", frame)


DERIVE_CASES = [
    ("S P L B T U: one period, five placements",
     [("A", "2020-04-01", "S", "C2", "U1", "2020-05-01", "X1"),
      ("A", "2020-05-01", "P", "C2", "U3", "2020-06-01", "X1"),
      ("A", "2020-06-01", "L", "C1", "U3", "2020-07-01", "X1"),
      ("A", "2020-07-01", "B", "E1", "K2", "2020-08-01", "X1"),
      ("A", "2020-08-01", "T", "E1", "R1", "2020-09-01", "X1"),
      ("A", "2020-09-01", "U", "C2", "P1", "", "")],
     [("A", D("2020-04-01"), NAT, "C2")],
     [("A", D("2020-04-01"), D("2020-05-01"), "U1"), ("A", D("2020-05-01"), D("2020-07-01"), "U3"),
      ("A", D("2020-07-01"), D("2020-08-01"), "K2"), ("A", D("2020-08-01"), D("2020-09-01"), "R1"),
      ("A", D("2020-09-01"), NAT, "P1")]),
    ("two periods: care ends (E11) and starts again (S)",
     [("B", "2019-01-01", "S", "C2", "U1", "2019-03-01", "X1"),
      ("B", "2019-03-01", "L", "E1", "U1", "2019-05-01", "E11"),
      ("B", "2019-09-01", "S", "V2", "K2", "2019-10-01", "E4A")],
     [("B", D("2019-01-01"), D("2019-05-01"), "E1"),
      ("B", D("2019-09-01"), D("2019-10-01"), "V2")],
     [("B", D("2019-01-01"), D("2019-05-01"), "U1"),
      ("B", D("2019-09-01"), D("2019-10-01"), "K2")]),
    ("history starting mid-period (first episode P); a period ended without a new S",
     [("C", "2019-02-01", "P", "C2", "U1", "2019-04-01", "E13"),
      ("C", "2019-06-01", "P", "C1", "U2", "", "")],
     [("C", D("2019-02-01"), D("2019-04-01"), "C2"), ("C", D("2019-06-01"), NAT, "C1")],
     [("C", D("2019-02-01"), D("2019-04-01"), "U1"), ("C", D("2019-06-01"), NAT, "U2")]),
    ("last episode X1 with nothing after: still looked after",
     [("D", "2019-02-01", "S", "C2", "U1", "2019-04-01", "X1")],
     [("D", D("2019-02-01"), NAT, "C2")], [("D", D("2019-02-01"), NAT, "U1")]),
    ("short breaks (V3/V4) are not periods or placements",
     [("E", "2019-02-01", "S", "V3", "U1", "2019-02-03", "E8"),
      ("F", "2019-02-01", "S", "V4", "U1", "", "")], [], []),
    ("children apart, out of order in the input",
     [("H", "2020-01-01", "S", "C2", "U1", "", ""),
      ("G", "2020-03-01", "P", "C2", "U2", "", ""),
      ("G", "2020-02-01", "S", "C2", "U1", "2020-03-01", "X1")],
     [("G", D("2020-02-01"), NAT, "C2"), ("H", D("2020-01-01"), NAT, "C2")],
     [("G", D("2020-02-01"), D("2020-03-01"), "U1"), ("G", D("2020-03-01"), NAT, "U2"),
      ("H", D("2020-01-01"), NAT, "U1")]),
]


@pytest.mark.parametrize(("records", "cla", "placements"), [c[1:] for c in DERIVE_CASES],
                         ids=[c[0] for c in DERIVE_CASES])
def test_derive_periods_and_placements(records, cla, placements):
    got = ssda903.derive({"episodes": episodes(*records)})
    assert list(got["cla"].columns) == list(tables.TABLES["cla"])
    assert list(got["placements"].columns) == list(tables.TABLES["placements"])
    assert rows(got["cla"].iloc[:, :4]) == cla
    assert (got["cla"]["placements_12m"] == -1).all()  # Annex A's count; not in the 903
    assert rows(got["placements"]) == placements


def test_derive_without_episodes():
    assert ssda903.derive({"children": tables.empty("children")}) == {}
    empty = ssda903.derive({"episodes": tables.empty("episodes")})
    assert (len(empty["cla"]), len(empty["placements"])) == (0, 0)


def test_two_years_stitched_make_one_period(tmp_path):
    """Year 1 holds the episode open at 31 March; year 2 the same episode closed and the
    next one. The glue keeps the later year's row of each CHILD+DECOM, then derives."""
    year1 = write(tmp_path, "y1.csv", "\n".join([
        EPI, "K,01/06/2018,S,C2,N1,U1,PR1,,,,,,",
        "M,01/01/2019,S,C2,N1,U1,PR1,01/02/2019,E11,,,,"]))
    year2 = write(tmp_path, "y2.csv", "\n".join([
        EPI, "K,01/06/2018,S,C2,N1,U1,PR1,01/09/2019,X1,,,,",
        "K,01/09/2019,P,C1,N1,U3,PR1,,,CARPL,,,"]))
    readings = [ssda903.read(year1), ssda903.read(year2)]
    assert [r.years for r in readings] == [("2018-19",), ("2019-20",)]
    stitched = pd.concat([r.frames["episodes"] for r in readings], ignore_index=True)
    stitched = stitched.drop_duplicates(list(tables.KEYS["episodes"]), keep="last")
    got = ssda903.derive({"episodes": stitched})
    assert rows(got["cla"].iloc[:, :4]) == [("K", D("2018-06-01"), NAT, "C1"),
                                ("M", D("2019-01-01"), D("2019-02-01"), "C2")]
    assert rows(got["placements"]) == [("K", D("2018-06-01"), D("2019-09-01"), "U1"),
                                       ("K", D("2019-09-01"), NAT, "U3"),
                                       ("M", D("2019-01-01"), D("2019-02-01"), "U1")]


def test_sw_episodes_present_or_not(tmp_path):
    """The 2024 social worker file is recognised and checked; it adds no table, so a
    return with or without it gives the same tables."""
    epi = write(tmp_path, "e.csv", f"{EPI}\nK1,01/05/2024,S,C2,N1,U1,PR1,,,,,,\n")
    sw = write(tmp_path, "s.csv", f"{HEADERS['sw_episodes']}\nK1,01/01/2010,SW1,"
                                  "01/05/2024,,SWLEFT\n")
    assert ssda903.recognise(sw)
    with_sw = [ssda903.read(epi), ssda903.read(sw)]
    assert (with_sw[1].frames, with_sw[1].years, with_sw[1].findings) == ({}, ("2024-25",), [])
    pd.testing.assert_frame_equal(with_sw[0].frames["episodes"],
                                  ssda903.read(epi).frames["episodes"])


# --- privacy --------------------------------------------------------------------------------

SECRET, UPN, POST, BIRTH = "QZ7734109", "UPNX99887766", "ZZ9 9QQ", "17/03/2009"


def test_no_identifier_in_any_finding_or_error(tmp_path):
    bad = {
        "header": [f"{SECRET},1,{BIRTH},WBRI,{UPN},,", f"{SECRET},2,{BIRTH},WBRI,{UPN},,",
                   f"K2,1,{SECRET},WBRI,{UPN},,"],
        "episodes": [f"{SECRET},{SECRET},S,C2,N1,U1,PR1,,,,{POST},{POST},",
                     f"{SECRET},01/05/2019,{SECRET},{SECRET},N1,U1,PR1,01/04/2019,{SECRET},,"
                     f"{POST},{POST},", f",01/05/2019,S,C2,N1,U1,PR1,,,,{POST},,"],
        "reviews": [f"{SECRET},{BIRTH},01/01/2000,PN1", f"{SECRET},{BIRTH},{UPN},PN1"],
        "missing": [f"{SECRET},{BIRTH},M,{SECRET},01/01/2000"],
        "oc2": [f"{SECRET},{BIRTH},{SECRET},,0,{SECRET},1,1,0,0,0,0"],
    }
    findings, messages = [], []
    for kind, lines in bad.items():
        got = ssda903.read(write(tmp_path, f"{kind}.csv", "\n".join([HEADERS[kind], *lines])))
        findings += got.findings
    xml = XML.replace("<CHILDID>K1</CHILDID>", f"<CHILDID>{SECRET}</CHILDID>").replace(
        "<DECOM>02/05/2019</DECOM>", f"<DECOM>{SECRET}</DECOM>").replace(
        "<DOB>05/06/2010</DOB>", f"<DOB>{SECRET}</DOB>")
    findings += ssda903.read(write(tmp_path, "r.xml", xml)).findings
    for text in (f"{HEADERS['episodes']}\n{SECRET},\"{UPN}\n",
                 f"CHILD,DECOM,RNE\n{SECRET},{BIRTH},S\n"):
        with pytest.raises(KpiError) as caught:
            ssda903.read(write(tmp_path, "x.csv", text))
        messages.append(str(caught.value))
    for cut in (xml[:xml.index(SECRET) + 4], xml.replace("<EXPSSDA903>", "<!DOCTYPE x>"
                                                          "<EXPSSDA903>")):
        with pytest.raises(KpiError) as caught:
            ssda903.read(write(tmp_path, "y.xml", cut))
        messages.append(str(caught.value))
    assert len(findings) >= 15 and len(messages) == 4
    shown = messages + [" ".join(map(str, (f.file, f.locator, f.field, f.value)))
                        for f in findings]
    for text in shown:
        for secret in (SECRET, UPN, POST, BIRTH, "17/03", "QZ77"):
            assert secret not in text, text


# --- the sector's synthetic examples --------------------------------------------------------

D2I = "csc-validator-be-903/tests/fake_data/"
EXAMPLES = [
    # file, table, rows in the table, rows left out of it, distinct children, years
    ("header.csv", "children", 2675, 0, 2675, ()),
    ("episodes.csv", "episodes", 3593, 1457, None, ("2017-18",)),
    ("reviews.csv", "cla_reviews", 12582, 0, 2675, ("2017-18",)),
    ("uasc.csv", "children", 132, 0, 132, ()),
    ("oc2.csv", "health", 2675, 0, 2675, ()),
    ("oc3.csv", "care_leavers", 53, 0, 53, ()),
    ("ad1.csv", "adoptions", 29, 0, 29, ()),
    ("placed_for_adoption.csv", "placed_for_adoption", 29, 0, 29, ("2017-18",)),
    ("missing.csv", "missing", 43, 0, 39, ("2017-18",)),
    ("previous_permanence.csv", None, 0, 0, None, ()),
    ("sw_episodes.csv", None, 0, 0, None, ("2019-20",)),
    ("DoLo.csv", None, 0, 0, None, ("2024-25",)),
]


@pytest.mark.parametrize(("name", "table", "count", "left_out", "children", "years"),
                         EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_d2i_fake_903_csv(name, table, count, left_out, children, years):
    path = example(D2I + name)
    assert ssda903.recognise(path)
    got = ssda903.read(path)
    assert got.years == years
    assert sorted(got.frames) == ([table] if table else [])
    out = {f.locator for f in got.findings if table in f.tables}
    assert (sum(got.rows().values()), len(out)) == (count, left_out)
    if children is not None:
        assert got.frames[table]["child_id"].nunique() == children


def test_d2i_fake_episodes_all_rows_accounted_for():
    """5050 rows covering 2123 children (SOURCES.md): every row is in the table or named
    by a finding; the generator gives open episodes a REC (1413 rows: DEC blank with REC
    given) and 44 episodes start before the previous one ended."""
    got = ssda903.read(example(D2I + "episodes.csv"))
    out = {f.locator for f in got.findings}
    assert len(got.frames["episodes"]) + len(out) == 5050
    assert {(f.field, f.rule) for f in got.findings} == {("DEC", "required_blank"),
                                                         ("DECOM", "overlap")}
    assert got.frames["episodes"]["child_id"].nunique() <= 2123
    derived = ssda903.derive(got.frames)
    assert (len(derived["cla"]), len(derived["placements"])) == (1848, 2723)


def test_d2i_fake_903_xml():
    """253 children and 459 episodes (SOURCES.md); 1206 reviews, 6 care leavers, 3 AD1,
    3 placed for adoption, 6 missing; the 12 UASC children flagged."""
    got = ssda903.read(example(D2I + "fake_903.xml"))
    left_out = {f.locator for f in got.findings if "episodes" in f.tables}
    assert got.rows() == {"children": 253, "episodes": 459 - len(left_out),
                          "cla_reviews": 1206, "health": 253, "care_leavers": 6,
                          "adoptions": 3, "placed_for_adoption": 3, "missing": 6}
    assert len(left_out) == 139 and got.years == ("2017-18",)
    assert got.locators["episodes"][0] == "CHILD 1 / EPISODE 1"
    assert got.locators["children"][:2].tolist() == ["CHILD 1", "CHILD 2"]
    assert int(got.frames["children"]["uasc"].sum()) == 12
    assert all(f.locator.startswith("CHILD ") and " / EPISODE " in f.locator
               for f in got.findings)


LIIA = [
    ("liia-tools/liiatools/spec/s903/samples/SSDA903_2020_episodes.csv", "episodes", 4,
     [("line 2", "DECOM", "overlap", "11/12/2018")]),
    ("liia-tools/liiatools/ssda903_pipeline/spec/samples/SSDA903_2020_episodes.csv",
     "episodes", 2, [("line 3", "LS", "required_blank", ""),
                     ("line 6", "RNE", "bad_code", ""),  # *DUMMY*: not a code, not shown
                     ("line 4", "DECOM", "overlap", "16/05/2019")]),
    ("liia-tools/liiatools/ssda903_pipeline/spec/samples/SSDA903_2020_header.csv",
     "children", 0, [(f"line {n}", "CHILD", "duplicate", "") for n in range(2, 7)]),
]


@pytest.mark.parametrize(("name", "table", "count", "findings"), LIIA,
                         ids=["clean episodes", "dirty episodes", "header"])
def test_liia_tools_samples(name, table, count, findings):
    path = example(name)
    assert ssda903.recognise(path)
    got = ssda903.read(path)
    assert len(got.frames[table]) == count
    assert [(f.locator, f.field, f.rule, f.value) for f in got.findings] == findings


# --- derive: adoptions completed from the episodes ---------------------------------------

def test_derive_adoptions_from_the_episodes():
    """``adopted_date`` is the DEC of the episode ending in adoption (E11/E12);
    ``placed_date`` the start of the placement then current, or of the one before it when
    the child is placed with its foster carers (A3/A4); AD1 records keep their dates, an
    adopted child without one gets a row."""
    ad1 = tables.conform("adoptions", pd.DataFrame({
        "child_id": ["A", "C"], "decision_date": pd.to_datetime(["2021-04-01", "2021-01-01"]),
        "match_date": pd.to_datetime(["2021-06-01", pd.NaT])}))
    got = ssda903.derive({"adoptions": ad1, "episodes": episodes(
        ("A", "2020-04-01", "S", "C2", "U1", "2021-07-01", "X1"),
        ("A", "2021-07-01", "P", "E1", "A5", "2022-01-10", "E11"),
        ("B", "2020-01-01", "S", "C2", "U1", "2020-05-01", "X1"),
        ("B", "2020-05-01", "P", "C2", "U2", "2021-02-01", "X1"),
        ("B", "2021-02-01", "U", "E1", "A3", "2022-02-01", "E12"),
        ("D", "2020-01-01", "S", "C2", "U1", "", ""))})["adoptions"]
    got = got.sort_values("child_id").reset_index(drop=True)
    assert rows(got) == [
        ("A", D("2021-04-01"), D("2021-06-01"), D("2021-07-01"), D("2022-01-10")),
        ("B", NAT, NAT, D("2020-05-01"), D("2022-02-01")),
        ("C", D("2021-01-01"), NAT, NAT, NAT)]


def test_derive_no_adoptions_table_without_ad1_or_adoption():
    got = ssda903.derive({"episodes": episodes(
        ("D", "2020-01-01", "S", "C2", "U1", "2020-03-01", "E4A"))})
    assert "adoptions" not in got


def test_short_long_and_blank_lines_read_as_line_by_line(tmp_path):
    """The one-pass CSV read (records to a grid) and the line-by-line read agree: short
    lines padded, long ones cut, blank and space-only lines skipped, physical lines kept."""
    text = (f"{EPI}\nK1,01/04/2019,S,C2,N1,U1,PR1,01/05/2019,X1,,,,\n\n"
            "K2,01/05/2019,S,C2\n , ,  ,,,,,,,,,,\n,,,,,,,,,,,,,\n"
            "K3,01/06/2019,S,C2,N1,U1,PR1,,,,,,,extra\n   \n,,,,,,,,,,,,,,,\n"
            ",,,,,,,,,,,,,,,note\nk4 ,01/07/2019, p ,c2,N1,U1,PR1,,,,,,\n")
    path = write(tmp_path, "e.csv", text)
    kind, columns, lines = ssda903._read_csv(path)
    kind_, columns_, lines_ = ssda903._read_csv_lines(text, "e.csv")
    assert (kind, list(lines)) == (kind_, list(lines_)) == (
        "episodes", ["line 2", "line 4", "line 7", "line 10", "line 11"])
    assert columns.keys() == columns_.keys()
    for name in columns:
        assert list(columns[name]) == list(columns_[name])
    got = ssda903.read(path)
    assert list(got.frames["episodes"]["child_id"]) == ["K1", "K2", "K3", "k4"]
    assert list(got.locators["episodes"]) == ["line 2", "line 4", "line 7", "line 11"]
    assert [(f.locator, f.field, f.rule) for f in got.findings] == [
        ("line 10", "CHILD", "required_blank"), ("line 10", "DECOM", "required_blank"),
        ("line 10", "RNE", "required_blank"), ("line 10", "LS", "required_blank")]
