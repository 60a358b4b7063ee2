"""Ofsted Annex A reader: small workbooks written here, every table, every data-quality rule,
privacy, refusals, and the sector's four example workbooks."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tests.returns_examples import example
from xlkpi.errors import KpiError
from xlkpi.indicators import annex_a, tables

D = dt.datetime
CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
L1 = [*CHILD, "Date of Contact", "Contact Source"]
L3 = [*CHILD, "Date of referral", "Referral Source", "Referral NFA?",
              "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"]
L4 = [*CHILD, "Does the Child have a Disability", "Continuous Assessment Start Date",
              "Child Seen During Continuous Assessment",
              "Continuous Assessment Date of Authorisation"]
L5 = [*CHILD, "Does the Child have a Disability",
              "Strategy discussion initiating Section 47 Enquiry Start Date",
              "Was an Initial Child Protection Conference deemed unnecessary?",
              "Date of Initial Child Protection Conference"]
L6 = [*CHILD, "Does the Child have a Disability", "CIN Start Date", "Primary Need Code",
              "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure"]
L7 = [*CHILD, "Does the Child have a Disability", "Child Protection Plan Start Date",
              "Initial Category of Abuse", "Latest Category of Abuse",
              "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
              "Date of latest review conference", "Child Protection Plan End Date",
              "Number of Previous Child Protection Plans"]
L8 = [*CHILD, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
              "Date Started to be Looked After", "Child's Legal Status",
              "Date of Latest Statutory Review", "Date of Last Social Work Visit",
              "Number of Placements in the Last 12 months", "Date Ceased to be Looked After "]
L9 = [*CHILD, "Eligibility Category", "LA In Touch ", "Type of Accommodation",
              "Activity Status"]
L10 = [*CHILD, "Date the Child Entered Care",
               "Date of Decision that Child Should be Placed for Adoption",
               "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
               "Date of Adoption Order "]


DOB = D(2010, 1, 1)


def _kid(cid, *rest, sex="a) Male", dob=DOB):
    """A row: the child's columns, then ``rest``."""
    return [cid, sex, "a) WBRI", dob, 10, *rest]


def _book(path: Path, sheets: dict[str, list[list]], title: bool = False) -> Path:
    """Write sheets of rows (first row the headings); ``title`` adds a merged title row."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if title:
            sheet.append([f"{name}: title"])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1,
                              end_column=max(2, len(rows[0])))
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _d(text: str) -> np.datetime64:
    return np.datetime64(text, "s") if text else np.datetime64("NaT", "s")


def _col(frame: pd.DataFrame, column: str) -> list:
    values = frame[column].tolist()
    if frame[column].dtype.kind == "M":
        return [str(v.date()) if not pd.isna(v) else "" for v in values]
    return values


def _where(reading) -> list[tuple]:
    return [(f.locator, f.field, f.rule, f.value, f.tables) for f in reading.findings]


# --- layouts, headings, codes, dates ---------------------------------------------------

@pytest.mark.parametrize(("sheet", "title", "first_row"), [
    ("List 3", False, 2),
    ("List_3", True, 3),
    ("List 3 - Referrals", False, 2),
    ("LIST3", True, 3),
])
def test_layouts(tmp_path, sheet, title, first_row):
    path = _book(tmp_path / "a.xlsx", {sheet: [
        L3,
        _kid("C1", D(2020, 9, 16), "q) 6: Police", "No", 0, "T", "W"),
        _kid("C2", D(2020, 9, 17), "Schools", "a) Yes", 1, "T", "W"),
        _kid("C3", "not a date", "Police", "no", 0, "T", "W"),
    ]}, title=title)
    assert annex_a.recognise(path)
    reading = annex_a.read(path)
    assert reading.kind == "Annex A" and reading.file == "a.xlsx"
    ref = reading.frames["referrals"]
    assert _col(ref, "child_id") == ["C1", "C2"]
    assert _col(ref, "referral_date") == ["2020-09-16", "2020-09-17"]
    assert _col(ref, "source") == ["6", "Schools"]
    assert _col(ref, "nfa") == [False, True]
    assert _where(reading) == [(f"List 3 row {first_row + 2}", "Date of referral",
                                "not_a_date", "", ("referrals",))]  # words never shown
    assert reading.locators["referrals"].tolist() == [f"List 3 row {first_row}",
                                                      f"List 3 row {first_row + 1}"]
    assert reading.locators["children"].tolist() == [f"List 3 row {first_row + r}"
                                                     for r in range(3)]
    if "team" in ref:  # kept when tables.conform keeps breakdown columns
        assert _col(ref, "team") == ["T", "T"]


def test_heading_variants(tmp_path):
    headings = ["CHILD ID", "sex", "Ethnicity", "DOB", "Age", "Referral  date",
                "Source of referral", "referral nfa"]
    path = _book(tmp_path / "v.xlsx", {"list_3": [
        headings, ["X1", "Female", "WBRI", "2011-02-03", 9, "16/09/2020", "b) 1B: Individual",
                   "Y"]]})
    reading = annex_a.read(path)
    ref = reading.frames["referrals"]
    assert (_col(ref, "child_id"), _col(ref, "referral_date"), _col(ref, "source"),
            _col(ref, "nfa")) == (["X1"], ["2020-09-16"], ["1B"], [True])
    kids = reading.frames["children"]
    assert _col(kids, "sex") == ["F"] and _col(kids, "birth_date") == ["2011-02-03"]
    assert _col(kids, "ethnicity") == ["WBRI"]


@pytest.mark.parametrize(("cell", "expected"), [
    (D(2020, 9, 16), "2020-09-16"),       # a real Excel date
    (dt.date(2020, 9, 16), "2020-09-16"),
    ("16/09/2020", "2020-09-16"),          # UK text
    ("2020-09-16", "2020-09-16"),          # ISO text
    ("16/09/2020 00:00:00", "2020-09-16"),  # text with a time part
    (44090, "2020-09-16"),                 # a serial day that lost its date format
    ("#N/A", ""),                          # a failed lookup: blank
    (None, ""),
])
def test_date_cells(tmp_path, cell, expected):
    path = _book(tmp_path / "d.xlsx", {"List 7": [
        L7, _kid("P1", "b) No", D(2020, 1, 1), "a) Neglect", "Physical abuse", cell, "Yes",
                          None, None, 0)]})
    reading = annex_a.read(path)
    assert reading.findings == []
    visits = reading.frames["cp_visits"]
    assert _col(visits, "visit_date") == ([expected] if expected else [])


@pytest.mark.parametrize(("sex", "code"), [
    ("b) Female", "F"), ("Female", "F"), ("F", "F"), ("a) Male", "M"), ("M", "M"),
    ("c) Not stated/recorded", "U"), ("d) Neither", "N"), ("#N/A", ""),
])
def test_sex_codes(tmp_path, sex, code):
    path = _book(tmp_path / "s.xlsx", {"List 1": [
        L1, _kid("K1", D(2020, 9, 1), "Police", sex=sex)]})
    assert _col(annex_a.read(path).frames["children"], "sex") == [code]


@pytest.mark.parametrize(("ethnicity", "code"), [
    ("a) WBRI", "WBRI"), ("s) NOBT", "NOBT"), ("BAFR: Black African", "BAFR"),
    ("MWBC", "MWBC"), ("#N/A", ""),
])
def test_ethnicity_codes(tmp_path, ethnicity, code):
    row = _kid("K1", D(2020, 9, 1), "Police")
    row[2] = ethnicity
    path = _book(tmp_path / "e.xlsx", {"List 1": [L1, row]})
    assert _col(annex_a.read(path).frames["children"], "ethnicity") == [code]


def test_ethnicity_is_the_first_given_in_list_order(tmp_path):
    blank, given = _kid("K1", D(2020, 9, 1), "Police"), _kid("K1", D(2020, 9, 2), "1B")
    blank[2], given[2] = None, "b) WIRI"
    path = _book(tmp_path / "f.xlsx", {"List 1": [L1, blank], "List 3": [
        L3, [*given[:5], D(2020, 9, 3), "1B", "No", 0, "T", "W"]]})
    assert _col(annex_a.read(path).frames["children"], "ethnicity") == ["WIRI"]


def test_header_below_blank_rows(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"List 1": [
        [None], ["Contacts received"], [None, None], L1, _kid("A", D(2020, 9, 1), "6")]})
    reading = annex_a.read(path)
    assert reading.locators["contacts"].tolist() == ["List 1 row 5"]


def test_row_numbers_survive_blank_rows(tmp_path):
    path = _book(tmp_path / "g.xlsx", {"List 1": [
        L1, _kid("A", D(2020, 9, 1), "Police"), [None] * 7,
        _kid("B", "31/02/2020", "Police"), [None] * 7]})
    reading = annex_a.read(path)
    assert _col(reading.frames["contacts"], "child_id") == ["A"]
    assert [f.locator for f in reading.findings] == ["List 1 row 4"]


# --- what each table holds -------------------------------------------------------------

def test_contacts_progress_to_the_next_referral(tmp_path):
    path = _book(tmp_path / "c.xlsx", {
        "List 1": [L1,
                   _kid("A", D(2020, 1, 1), "q) 6: Police"),    # -> referral 5 Jan
                   _kid("A", D(2020, 1, 10), "Police"),         # none after 10 Jan
                   _kid("B", D(2020, 2, 1), "e) 2A: Schools"),  # same-day referral
                   _kid("C", D(2020, 3, 5), "Police"),          # referral before: none
                   _kid("E", D(2020, 4, 1), "Police"),          # two contacts same day
                   _kid("E", D(2020, 4, 1), "Police"),
                   _kid("F", D(2020, 5, 1), "Police"),          # referral after next
                   _kid("F", D(2020, 5, 3), "Police")],         # contact: belongs here
        "List 3": [L3,
                   _kid("A", D(2020, 1, 5), "6", "No", 0, "T", "W"),
                   _kid("B", D(2020, 2, 1), "2A", "No", 0, "T", "W"),
                   _kid("C", D(2020, 3, 1), "6", "No", 0, "T", "W"),
                   _kid("E", D(2020, 4, 2), "6", "No", 0, "T", "W"),
                   _kid("F", D(2020, 5, 4), "6", "No", 0, "T", "W")],
    })
    contacts = annex_a.read(path).frames["contacts"]
    assert _col(contacts, "child_id") == ["A", "A", "B", "C", "E", "E", "F", "F"]
    assert _col(contacts, "referral_date") == [
        "2020-01-05", "", "2020-02-01", "", "2020-04-02", "2020-04-02", "", "2020-05-04"]
    assert _col(contacts, "source") == ["6", "Police", "2A", "Police", "Police", "Police",
                                    "Police", "Police"]


def test_assessments_and_s47_take_the_latest_referral_on_or_before(tmp_path):
    path = _book(tmp_path / "a.xlsx", {
        "List 3": [L3,
                   _kid("A", D(2020, 1, 5), "6", "No", 0, "T", "W"),
                   _kid("A", D(2020, 3, 1), "6", "No", 1, "T", "W")],
        "List 4": [L4,
                   _kid("A", "b) No", D(2020, 3, 1), "Yes", D(2020, 4, 20)),  # same day
                   _kid("A", "b) No", D(2020, 2, 1), "Yes", None),            # 5 Jan one
                   _kid("B", "b) No", D(2020, 2, 1), "Yes", D(2020, 2, 9))],  # none: blank
        "List 5": [L5,
                   _kid("A", "b) No", D(2020, 3, 9), "b) No", D(2020, 3, 20)),
                   _kid("B", "b) No", D(2020, 3, 9), "a) Yes", None)],
    })
    frames = annex_a.read(path).frames
    assess = frames["assessments"]
    assert _col(assess, "referral_date") == ["2020-03-01", "2020-01-05", ""]
    assert _col(assess, "start_date") == ["2020-03-01", "2020-02-01", "2020-02-01"]
    assert _col(assess, "authorised_date") == ["2020-04-20", "", "2020-02-09"]
    s47 = frames["s47"]
    assert _col(s47, "referral_date") == ["2020-03-01", ""]
    assert _col(s47, "strategy_date") == ["2020-03-09", "2020-03-09"]
    assert _col(s47, "icpc_date") == ["2020-03-20", ""]
    assert _col(s47, "icpc_not_required") == [False, True]


def test_a_referral_date_in_the_row_is_used(tmp_path):
    headings = [*L4[:5], "Date of referral", *L4[5:]]
    path = _book(tmp_path / "r.xlsx", {
        "List 3": [L3, _kid("A", D(2020, 1, 5), "6", "No", 0, "T", "W")],
        "List 4": [headings,
                   _kid("A", D(2019, 12, 1), "b) No", D(2020, 2, 1), "Yes", None),
                   _kid("A", None, "b) No", D(2020, 2, 2), "Yes", None)]})
    assess = annex_a.read(path).frames["assessments"]
    assert _col(assess, "referral_date") == ["2019-12-01", "2020-01-05"]


def test_referrals_closed_from_list_6(tmp_path):
    path = _book(tmp_path / "c6.xlsx", {
        "List 3": [L3, _kid("A", D(2020, 1, 5), "6", "No", 0, "T", "W"),
                   _kid("B", D(2020, 2, 5), "6", "a) Yes", 0, "T", "W")],
        "List 6": [L6, _kid("A", "b) No", D(2020, 1, 5), "N1 - Abuse or neglect",
                                    D(2020, 3, 1), D(2020, 3, 2), "RC8 - Case closed"),
                   _kid("B", "b) No", D(2019, 2, 5), "N4", None, D(2019, 5, 1), "RC7")],
    })
    ref = annex_a.read(path).frames["referrals"]
    assert _col(ref, "closure_date") == ["2020-03-02", ""]
    assert _col(ref, "closure_reason") == ["RC8", ""]
    assert _col(ref, "primary_need") == ["N1", ""]
    assert _col(ref, "nfa") == [False, True]


def test_child_protection_and_looked_after(tmp_path):
    path = _book(tmp_path / "cp.xlsx", {
        "List 7": [L7,
                   _kid("P", "b) No", D(2020, 1, 10), "a) Neglect", "d) Emotional abuse",
                                D(2020, 9, 1), "Yes", D(2020, 7, 1), None, 2),
                   _kid("Q", "b) No", "2019-05-01", "PHY", "Sexual abuse", None, "No",
                                None, "01/06/2020", 0)],
        "List 8": [L8,
                   _kid("L", "b) No", D(2019, 3, 1), "e) C2: FCO", D(2020, 8, 1),
                                D(2020, 9, 2), 3, None),
                   _kid("M", "a) Yes", D(2020, 2, 1), "V2", None, "#N/A", 1,
                                D(2020, 6, 30))],
    })
    frames = annex_a.read(path).frames
    cp = frames["cp_plans"]
    assert _col(cp, "start_date") == ["2020-01-10", "2019-05-01"]
    assert _col(cp, "end_date") == ["", "2020-06-01"]
    assert _col(cp, "initial_category") == ["NEG", "PHY"]
    assert _col(cp, "latest_category") == ["EMO", "SAB"]
    assert _col(cp, "previous_plans") == [2, 0]
    assert (_col(frames["cp_visits"], "child_id"),
            _col(frames["cp_visits"], "visit_date")) == (["P"], ["2020-09-01"])
    assert (_col(frames["cp_reviews"], "plan_start"),
            _col(frames["cp_reviews"], "review_date")) == (["2020-01-10"], ["2020-07-01"])
    cla = frames["cla"]
    assert _col(cla, "start_date") == ["2019-03-01", "2020-02-01"]
    assert _col(cla, "end_date") == ["", "2020-06-30"]
    assert _col(cla, "legal_status") == ["C2", "V2"]
    assert _col(frames["cla_visits"], "visit_date") == ["2020-09-02"]
    assert (_col(frames["cla_reviews"], "child_id"),
            _col(frames["cla_reviews"], "review_date")) == (["L"], ["2020-08-01"])
    kids = frames["children"]
    assert _col(kids, "child_id") == ["P", "Q", "L", "M"]
    assert _col(kids, "uasc") == [False, False, False, True]
    assert "placements" not in frames
    lists = annex_a.read_lists(path)
    assert lists[8].raw["placements_12m"].tolist() == [3, 1]


def test_care_leavers_adoption_and_children(tmp_path):
    path = _book(tmp_path / "cl.xlsx", {
        "List 1": [L1, _kid("A", D(2020, 9, 1), "Police", dob=None),
                   _kid("A", D(2020, 9, 2), "6", sex="b) Female", dob=D(2004, 5, 6))],
        "List 9": [L9, _kid("A", "b) Former relevant child", "a) Yes", "U: Independent living",
                            "F1: Full time in higher education", sex="Male",
                            dob=D(2003, 1, 2))],
        "List 10": [L10, _kid("Z", D(2019, 1, 1), D(2019, 2, 1), D(2019, 6, 1),
                                      D(2019, 7, 1), None)],
        "List 11": [["Individual adopter identifier", "Family identifier", "Gender",
                     "Date enquiry received"], ["AD1", "F1", "a) Male", D(2019, 1, 1)]],
    })
    frames = annex_a.read(path).frames
    leavers = frames["care_leavers"]
    assert (_col(leavers, "in_touch"), _col(leavers, "accommodation"),
            _col(leavers, "activity"), _col(leavers, "birth_date")) == (
        ["Yes"], ["U"], ["F1"], ["2003-01-02"])
    adopt = frames["adoptions"]
    assert (_col(adopt, "decision_date"), _col(adopt, "match_date"),
            _col(adopt, "placed_date"), _col(adopt, "adopted_date")) == (
        ["2019-02-01"], ["2019-06-01"], ["2019-07-01"], [""])
    kids = frames["children"]
    # one row per child; first non-blank birth date and sex in list order; no adopters
    assert _col(kids, "child_id") == ["A", "Z"]
    assert _col(kids, "birth_date") == ["2004-05-06", "2010-01-01"]
    assert _col(kids, "sex") == ["M", "M"]
    for name, frame in frames.items():
        assert list(frame.columns) == list(tables.TABLES[name])


def test_empty_lists_give_no_tables_and_years(tmp_path):
    path = _book(tmp_path / "y.xlsx", {"List_1": [L1], "List_3": [
        L3, _kid("A", D(2020, 9, 16), "6", "No", 0, "T", "W"),
        _kid("B", D(2099, 1, 1), "6", "No", 0, "T", "W")]}, title=True)
    reading = annex_a.read(path)
    assert set(reading.frames) == {"referrals", "children"}
    # latest event not after today 2020-09-16: twelve months 2019-09-17 .. 2020-09-16
    assert reading.years == ("2019-20", "2020-21")


@pytest.mark.parametrize(("dates", "period", "years"), [
    (["2020-09-16"], ("2019-09-17", "2020-09-16"), ("2019-20", "2020-21")),
    (["2021-03-31", "2020-05-01"], ("2020-04-01", "2021-03-31"), ("2020-21",)),
    (["2021-04-01", "2099-01-01"], ("2020-04-02", "2021-04-01"), ("2020-21", "2021-22")),
    ([], None, ()),
])
def test_data_period(dates, period, years):
    frames = {"cla_visits": tables.conform("cla_visits", pd.DataFrame({
        "child_id": ["A"] * len(dates),
        "visit_date": pd.Series(dates, dtype="datetime64[s]")}))}
    found = annex_a.data_period(frames)
    assert (tuple(str(d) for d in found) if found else None) == period
    assert annex_a.collection_years(found) == years


# --- data-quality rules ------------------------------------------------------------------

RULE_CASES = [
    # (sheet rows, expected finding, table, child ids left in it)
    pytest.param({"List 1": [L1, _kid("A", "31/02/2020", "Police"),
                             _kid("B", D(2020, 1, 1), "Police")]},
                 ("List 1 row 2", "Date of Contact", "not_a_date", "31/02/2020",
                  ("contacts",)), "contacts", ["B"], id="not_a_date"),
    pytest.param({"List 3": [L3, [None, "a) Male", "WBRI", None, 1, D(2020, 1, 1), "6", "No",
                                  0, "T", "W"],
                             _kid("B", D(2020, 1, 2), "6", "No", 0, "T", "W")]},
                 ("List 3 row 2", "Child Unique ID", "required_blank", "",
                  ("referrals", "children")), "referrals", ["B"], id="blank_child_id"),
    pytest.param({"List 1": [L1, _kid("#N/A", D(2020, 1, 1), "6")]},
                 ("List 1 row 2", "Child Unique ID", "required_blank", "",
                  ("contacts", "children")), "contacts", [], id="n/a_child_id"),
    pytest.param({"List 7": [L7, _kid("A", "No", None, "NEG", "NEG", None, "", None, None,
                                    0)]},
                 ("List 7 row 2", "Child Protection Plan Start Date", "required_blank", "",
                  ("cp_plans", "cp_reviews")), "cp_plans", [], id="blank_start"),
    pytest.param({"List 4": [L4, _kid("A", "No", D(2020, 3, 1), "Yes", D(2020, 2, 1)),
                             _kid("B", "No", D(2020, 3, 1), "Yes", D(2020, 3, 1))]},
                 ("List 4 row 2", "Continuous Assessment Date of Authorisation",
                  "end_before_start", "2020-02-01", ("assessments",)), "assessments", ["B"],
                 id="authorised_before_start"),
    pytest.param({"List 5": [L5, _kid("A", "No", D(2020, 3, 1), "No", D(2020, 2, 1))]},
                 ("List 5 row 2", "Date of Initial Child Protection Conference",
                  "end_before_start", "2020-02-01", ("s47",)), "s47", [],
                 id="icpc_before_strategy"),
    pytest.param({"List 7": [L7, _kid("A", "No", D(2020, 3, 1), "NEG", "NEG", None, "",
                                    D(2020, 4, 1), D(2020, 2, 1), 0)]},
                 ("List 7 row 2", "Child Protection Plan End Date", "end_before_start",
                  "2020-02-01", ("cp_plans", "cp_reviews")), "cp_reviews", [],
                 id="plan_end_before_start"),
    pytest.param({"List 8": [L8, _kid("A", "No", D(2020, 3, 1), "C2", None, None, 1,
                                    D(2020, 1, 1))]},
                 ("List 8 row 2", "Date Ceased to be Looked After", "end_before_start",
                  "2020-01-01", ("cla",)), "cla", [], id="ceased_before_started"),
    pytest.param({"List 4": [[*L4[:5], "Date of referral", *L4[5:]],
                             _kid("A", D(2020, 3, 1), "No", D(2020, 2, 1), "Yes", None)]},
                 ("List 4 row 2", "Continuous Assessment Start Date", "before_referral",
                  "2020-02-01", ("assessments",)), "assessments", [],
                 id="assessment_before_referral"),
    pytest.param({"List 5": [[*L5[:5], "Referral date", *L5[5:]],
                             _kid("A", "01/03/2020", "No", "2020-02-01", "No", None)]},
                 ("List 5 row 2", "Strategy discussion initiating Section 47 Enquiry Start "
                  "Date", "before_referral", "2020-02-01", ("s47",)), "s47", [],
                 id="strategy_before_referral"),
    pytest.param({"List 3": [L3, _kid("A", D(2020, 1, 1), "6", "maybe", 0, "T", "W")]},
                 ("List 3 row 2", "Referral NFA?", "bad_flag", "", ("referrals",)),
                 "referrals", [], id="bad_flag"),
    pytest.param({"List 7": [L7, _kid("A", "No", D(2020, 3, 1), "NEG", "NEG", None, "",
                                    None, None, "two")]},
                 ("List 7 row 2", "Number of Previous Child Protection Plans", "bad_number",
                  "", ()), "cp_plans", ["A"], id="bad_number_kept_blank"),
    pytest.param({"List 1": [L1, _kid("A", D(2020, 1, 1), "6", dob="May be 2010")]},
                 ("List 1 row 2", "Date of Birth", "not_a_date", "", ()), "children", ["A"],
                 id="bad_birth_date_kept_blank"),
]


@pytest.mark.parametrize(("sheets", "finding", "table", "left"), RULE_CASES)
def test_data_quality_rules(tmp_path, sheets, finding, table, left):
    reading = annex_a.read(_book(tmp_path / "q.xlsx", sheets))
    assert _where(reading) == [finding]
    assert all(f.file == "q.xlsx" and f.source == "Annex A" for f in reading.findings)
    assert _col(reading.frames[table], "child_id") == left


def test_bad_number_reads_as_blank(tmp_path):
    sheets = {"List 7": [L7, _kid("A", "No", D(2020, 3, 1), "NEG", "NEG", None, "", None,
                                    None, "two")]}
    assert _col(annex_a.read(_book(tmp_path / "n.xlsx", sheets)).frames["cp_plans"],
                "previous_plans") == [-1]


def test_identifiers_never_appear(tmp_path):
    secret, numeric = "ZQ7734XY", "90210"
    path = _book(tmp_path / "p.xlsx", {
        "List 1": [L1, _kid(secret, secret, "Police", dob="1/2/3/4"),
                   _kid(numeric, numeric, "Police", dob=D(2011, 3, 4))],
        "List 3": [L3, _kid(secret, D(2020, 1, 1), "6", secret, 0, "T", "W"),
                   _kid(numeric, D(2020, 1, 1), "6", numeric, 0, "T", "W"),
                   [None, "a) Male", "WBRI", D(2011, 3, 4), 1, "zz", "6", "No", 0, "T", "W"]],
        "List 7": [L7, _kid(numeric, "No", D(2020, 3, 1), "NEG", "NEG", None, "", None,
                                    numeric, secret)],
    })
    reading = annex_a.read(path)
    assert len(reading.findings) >= 8
    text = " ".join(repr(f) for f in reading.findings)
    for planted in (secret, numeric, "2011-03-04", "1/2/3/4"):
        assert planted not in text
    assert {f.rule for f in reading.findings} >= {"not_a_date", "bad_flag", "bad_number",
                                    "required_blank"}


# --- recognition and refusals -------------------------------------------------------------

def test_other_workbooks_not_recognised(tmp_path):
    other = _book(tmp_path / "o.xlsx", {"Sheet1": [L3, _kid("A", D(2020, 1, 1))]})
    unrelated = _book(tmp_path / "u.xlsx", {"List 3": [["Name", "Score"], ["x", 1]]})
    text = tmp_path / "t.xlsx"
    text.write_text("CHILD,DOB\n")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    for path in (other, unrelated, text, empty, tmp_path / "missing.xlsx", tmp_path):
        assert annex_a.recognise(path) is False
    with pytest.raises(KpiError, match=r"^o\.xlsx: no Annex A list sheets"):
        annex_a.read(other)
    with pytest.raises(KpiError, match=r"^u\.xlsx: sheet 'List 3' has no heading row"):
        annex_a.read(unrelated)


def test_missing_required_heading(tmp_path):
    path = _book(tmp_path / "h.xlsx", {"List 3": [[*CHILD, "Referral Source"],
                                    _kid("A", "6")]})
    with pytest.raises(KpiError, match=r"^h\.xlsx: sheet 'List 3' \(List 3\) has no "
                                       r"'Date of referral' heading"):
        annex_a.read(path)


def _refused(path: Path, why: str) -> None:
    assert annex_a.recognise(path) is False
    with pytest.raises(KpiError) as caught:
        annex_a.read(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: ") and why in message and "\n" not in message


def test_legacy_encrypted_and_corrupt_refused(tmp_path):
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    _refused(legacy, "legacy .xls")
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
                       + "EncryptedPackage".encode("utf-16-le"))
    _refused(locked, "encrypted")
    good = _book(tmp_path / "good.xlsx", {"List 1": [L1, _kid("A", D(2020, 1, 1), "6")]})
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:700])
    _refused(cut, "not an .xlsx workbook")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='List 1'")
    _refused(broken, "cannot read it as an .xlsx workbook")


def test_reading_never_changes_the_file(tmp_path):
    path = _book(tmp_path / "k.xlsx", {"List 1": [L1, _kid("A", D(2020, 1, 1), "6")]})
    before = path.read_bytes(), path.stat().st_mtime_ns
    annex_a.read(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# --- the sector's example workbooks (SOURCES.md) -------------------------------------------

def test_liia_tools_sample():
    path = example("liia-tools/liiatools/spec/annex_a/samples/Annex_A.xlsx")
    assert annex_a.recognise(path)
    reading = annex_a.read(path)
    # lists 1..10 hold 54 child rows for 48 IDs (List 11 is 5 adopters); List 6's five
    # children are all "c) Child in need plan", each with the date last seen
    assert reading.rows() == {"contacts": 5, "referrals": 6, "assessments": 5, "s47": 5,
                              "cin_plan_cases": 5, "cin_visits": 5, "cp_plans": 7,
                              "cp_visits": 7, "cp_reviews": 5, "cla": 5, "cla_visits": 5,
                              "cla_reviews": 5, "care_leavers": 6, "adoptions": 5,
                              "children": 48}
    assert reading.findings == []
    assert reading.years == ("2019-20", "2020-21")  # latest event date 2021-03-15
    contacts = reading.frames["contacts"]
    assert _col(contacts, "source") == ["6", "6", "1B", "6", "9"]
    assert _col(reading.frames["children"], "sex")[:3] == ["F", "F", "M"]
    assert _col(reading.frames["cla"], "legal_status")[:2] == ["E1", "C2"]


def test_cscdp_2015_sample_has_five_referrals():
    path = example("AnnexA_CiNCensus_Cleaner/examples/annex_a/2015-01-sample.xlsx")
    assert annex_a.recognise(path)
    reading = annex_a.read(path)
    assert set(reading.frames) == {"referrals", "children"}
    ref = reading.frames["referrals"]
    assert _col(ref, "child_id") == ["1", "2", "3", "4", "5"]
    assert _col(ref, "nfa")[:3] == [True, False, True]
    assert _col(ref, "source")[:3] == ["School", "Health", "Police"]
    assert _col(reading.frames["children"], "sex")[:3] == ["F", "F", "M"]


def test_cscdp_2016_empty_template():
    path = example("AnnexA_CiNCensus_Cleaner/examples/annex_a/2016-01-sample.xlsx")
    assert annex_a.recognise(path)  # its 'List 3' sheet (space) is found like 'List_1'
    reading = annex_a.read(path)
    assert (reading.frames, reading.findings, reading.years) == ({}, [], ())
    assert 3 in annex_a.read_lists(path)


def test_cscdp_example_b():
    path = example("AnnexA_CiNCensus_Cleaner/examples/example-B-2004.xlsx")
    assert annex_a.recognise(path)
    reading = annex_a.read(path)
    contacts = reading.frames["contacts"]
    assert (_col(contacts, "child_id"), _col(contacts, "contact_date"),
            _col(contacts, "source"), _col(contacts, "referral_date")) == (
        ["1001"], ["2010-01-01"], ["POLICE"], [""])
    # List_2 (early help) holds 10 rows for 1001..1009; 1008's birth date is text
    assert _col(reading.frames["children"], "child_id") == [str(i) for i in range(1001, 1010)]
    assert _where(reading) == [("List 2 row 10", "Date of Birth", "not_a_date", "", ())]
    assert reading.years == ("2008-09", "2009-10")


def test_equal_cells_of_different_types_are_each_read_as_themselves():
    """The cell parsers work once per distinct value, yet 1, True and 1.0 (equal in
    Python) and 0.0 and -0.0 are each read as the cell they are."""
    from xlkpi.indicators.annex_a_cells import blank_cells, cell_dates, cell_text
    from xlkpi.indicators.quality import parse_flags, parse_ints

    cells = pd.Series([1, True, 1.0, "1", None, " #n/a ", "\xa01\xa0", -0.0, 0.0, 45500,
                       45500.0, dt.date(2024, 5, 1)], dtype=object)
    assert cell_text(cells).tolist() == ["1", "True", "1.0", "1", "", "", "1", "-0.0",
                                         "0.0", "45500", "45500.0", "2024-05-01"]
    assert blank_cells(cells).tolist() == [False] * 4 + [True, True] + [False] * 6
    days, bad = cell_dates(cells)
    assert [str(d) for d in days] == ["1899-12-31", "NaT", "1899-12-31"] + ["NaT"] * 6 + [
        "2024-07-27", "2024-07-27", "2024-05-01"]
    assert bad.tolist() == [False, True, False, True, False, False, True, True, True,
                            False, False, False]
    flags = np.array([1, True, 1.0, "1", 0.0, -0.0, "yes", None], dtype=object)
    assert [x.tolist() for x in parse_flags(flags)] == [
        [True, True, False, True, False, False, True, False],
        [False, False, True, False, True, True, False, False]]
    assert [x.tolist() for x in parse_ints(flags)] == [
        [1, -1, 1, 1, 0, 0, -1, -1], [False, True, False, False, False, False, True, False]]


def test_case_status_as_written_becomes_one_code():
    from xlkpi.indicators.annex_a_cells import cell_codes

    written = pd.Series(["c) Child in need plan", "Child in need plan", "CIN plan.",
                         "b) Child Protection plan", "a) Looked after child",
                         "d) Open assessment", "e) Closed episode", "something else"],
                        dtype=object)
    assert cell_codes(written, "status").tolist() == [
        "CIN", "CIN", "CIN", "CP", "LAC", "ASSESSMENT", "CLOSED", "something else"]
