"""Write the DfE CIN census (XML) of a case model (:mod:`samples.write_returns`).

It holds every referral (CINdetails), assessment, section 47 enquiry and child protection
plan, with their dates; assessments, enquiries and CIN plans must name a referral of the
same child (``referral_date``) and a CP plan goes under the child's latest referral on or
before its start (a ``ValueError`` says how many records have none: never a child's
identifier). Blanks the schema requires are written as the schema's "not known" code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from samples.write_common import (
    Tables,
    as_days,
    birth_dates,
    case_table,
    child_sex,
    flags,
    iso_dates,
    per_child,
    require,
)

__all__ = ["CENSUS_DEFAULTS", "write_cin_census"]

#: what a required census element is written as when the case model leaves it blank
CENSUS_DEFAULTS = {"Ethnicity": "NOBT", "ReferralSource": "10",
                   "InitialCategoryOfAbuse": "NEG", "LatestCategoryOfAbuse": "NEG"}
_CPC_TARGET_DAYS = 15  # InitialCPCtarget: 15 working days after the strategy discussion


def _escape(values) -> np.ndarray:
    text = pd.Series(np.asarray(values, dtype=object)).fillna("").astype(str)
    return (text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False)
            .str.replace(">", "&gt;", regex=False).to_numpy(dtype=object))


def _el(tag: str, text, default: str = "") -> np.ndarray:
    """``<tag>text</tag>`` per row; rows with blank text give ``default`` (or nothing)."""
    text = np.asarray(text, dtype=object)
    if default:
        text = np.where(text == "", default, text)
    return np.where(text == "", "", f"<{tag}>" + text + f"</{tag}>").astype(object)


def _cat(*parts) -> np.ndarray:
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        out = out + np.asarray(part, dtype=object)
    return out


def _joined(keys: np.ndarray, text: np.ndarray, size: int) -> np.ndarray:
    """The ``text`` of the rows of each key 0..size-1 joined in row order (``""`` if none)."""
    out = np.full(size, "", dtype=object)
    if len(keys):
        joined = pd.Series(text, dtype=object).groupby(np.asarray(keys), sort=False).agg("".join)
        out[joined.index.to_numpy(dtype=np.int64)] = joined.to_numpy(dtype=object)
    return out


def _working_days_after(days: np.ndarray, n: int) -> np.ndarray:
    """The n-th weekday after each day (bank holidays not taken out), NaT stays NaT."""
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    known = ~np.isnat(days)
    out[known] = np.busday_offset(days[known], n, roll="forward")
    return out


def _referral_of(frame: pd.DataFrame, refs: pd.DataFrame, name: str) -> np.ndarray:
    """The CINdetails (row of ``refs``) each record names by child and referral_date."""
    first = refs.drop_duplicates(["child_id", "referral_date"])[["child_id", "referral_date",
                                                                 "r"]]
    found = frame[["child_id", "referral_date"]].merge(first, how="left",
                                                       on=["child_id", "referral_date"])
    if found["r"].isna().any():
        raise ValueError(f"{name}: {int(found['r'].isna().sum())} record(s) whose "
                         "referral_date is no referral of the same child")
    return found["r"].to_numpy(dtype=np.int64)


def _plan_referral(plans: pd.DataFrame, refs: pd.DataFrame) -> np.ndarray:
    """Each CP plan's CINdetails: the child's latest referral on or before the plan start."""
    require(plans, "cp_plans", ("start_date",))
    left = plans[["child_id", "start_date"]].assign(_row=np.arange(len(plans)))
    left = left.sort_values("start_date", kind="stable")
    right = refs[["child_id", "referral_date", "r"]].sort_values("referral_date", kind="stable")
    found = pd.merge_asof(left, right, left_on="start_date", right_on="referral_date",
                          by="child_id", direction="backward")
    if found["r"].isna().any():
        raise ValueError(f"cp_plans: {int(found['r'].isna().sum())} plan(s) that start "
                         "before any referral of the same child")
    out = np.empty(len(plans), dtype=np.int64)
    out[found["_row"].to_numpy()] = found["r"].to_numpy(dtype=np.int64)
    return out


def _census_blocks(cases: Tables, refs: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per CINdetails, the XML of its Assessments, CINPlanDates, Section47 and plans, and
    the date of the episode's initial child protection conference."""
    size = len(refs)
    a = case_table(cases, "assessments")
    start = np.where(np.isnat(as_days(a["start_date"])), as_days(a["referral_date"]),
                     as_days(a["start_date"]))
    a = a.assign(start_date=start, r=_referral_of(a, refs, "assessments"))
    a = a.sort_values(["r", "start_date"], kind="stable")
    assess = _cat("<Assessments>", _el("AssessmentActualStartDate", iso_dates(a["start_date"])),
                  _el("AssessmentAuthorisationDate", iso_dates(a["authorised_date"])),
                  "</Assessments>")
    c = case_table(cases, "cin_plans")
    c = c.assign(r=_referral_of(c, refs, "cin_plans")).sort_values(["r", "start_date"])
    require(c, "cin_plans", ("start_date",))
    cin = _cat("<CINPlanDates>", _el("CINPlanStartDate", iso_dates(c["start_date"])),
               _el("CINPlanEndDate", iso_dates(c["end_date"])), "</CINPlanDates>")
    s = case_table(cases, "s47")
    require(s, "s47", ("strategy_date",))
    s = s.assign(r=_referral_of(s, refs, "s47")).sort_values(["r", "strategy_date"])
    target = _working_days_after(as_days(s["strategy_date"]), _CPC_TARGET_DAYS)
    s47 = _cat("<Section47>", _el("S47ActualStartDate", iso_dates(s["strategy_date"])),
               _el("InitialCPCtarget", iso_dates(target)),
               _el("DateOfInitialCPC", iso_dates(s["icpc_date"])),
               _el("ICPCnotRequired", flags(s["icpc_not_required"])), "</Section47>")
    icpc = pd.Series(as_days(s["icpc_date"])).groupby(s["r"].to_numpy()).min()
    first_icpc = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    first_icpc[icpc.index.to_numpy(dtype=np.int64)] = as_days(icpc)
    p = case_table(cases, "cp_plans")
    p = p.assign(r=_plan_referral(p, refs) if len(p) else np.zeros(0, dtype=np.int64))
    p = p.sort_values(["r", "start_date"], kind="stable").reset_index(drop=True)
    rv = case_table(cases, "cp_reviews").sort_values("review_date", kind="stable")
    plan_no = p.reset_index()[["child_id", "start_date", "index"]].drop_duplicates(
        ["child_id", "start_date"]).rename(columns={"start_date": "plan_start"})
    rv = rv.merge(plan_no, how="inner", on=["child_id", "plan_start"])
    reviews = _joined(rv["index"].to_numpy(), _el("CPPreviewDate", iso_dates(rv["review_date"])),
                      len(p))
    previous = p["previous_plans"].to_numpy()
    cpp = _cat("<ChildProtectionPlans>", _el("CPPstartDate", iso_dates(p["start_date"])),
               _el("CPPendDate", iso_dates(p["end_date"])),
               _el("InitialCategoryOfAbuse", p["initial_category"],
                   CENSUS_DEFAULTS["InitialCategoryOfAbuse"]),
               _el("LatestCategoryOfAbuse", p["latest_category"],
                   CENSUS_DEFAULTS["LatestCategoryOfAbuse"]),
               _el("NumberOfPreviousCPP", np.maximum(previous, 0).astype(str)),
               np.where(reviews == "", "", "<Reviews>" + reviews + "</Reviews>"),
               "</ChildProtectionPlans>")
    return {"assessments": _joined(a["r"].to_numpy(), assess, size),
            "cin_plans": _joined(c["r"].to_numpy(), cin, size),
            "s47": _joined(s["r"].to_numpy(), s47, size),
            "cp_plans": _joined(p["r"].to_numpy(), cpp, size),
            "first_icpc": first_icpc}


def write_cin_census(cases: Tables, path: Path, reference_date: str | dt.date,
                     lea: str = "999") -> Path:
    """Write the CIN census XML of the cases (the 2023-24 layout of
    ``CIN_schema_2024.xsd``: ``GenderCurrent``, elements in the schema's order).

    One ``Child`` per child with a referral (in identifier order), one ``CINdetails`` per
    referral (in date order) holding the assessments, CIN plans and enquiries that name it
    (``referral_date``) and the CP plans that start while it is the child's latest
    referral. ``DateOfInitialCPC`` of a CINdetails is its enquiries' earliest ICPC;
    ``InitialCPCtarget`` is 15 weekdays after the strategy discussion; an assessment with no
    start date is written as starting on its referral date (the schema requires one).
    ``NumberOfPreviousCPP`` is written as the count (0 for a first plan, as the DfE's 2016
    schema allows; the liia-tools 2017-2024 schemas type it ``xs:positiveInteger``).
    Every referral the model holds is written, whatever its year: a DfE submission holds
    only episodes open in the collection year, a council's local census run may hold more.
    """
    path = Path(path)
    reference = np.datetime64(reference_date, "D")
    refs = case_table(cases, "referrals")
    require(refs, "referrals", ("referral_date",))
    refs = refs.sort_values(["child_id", "referral_date"], kind="stable").reset_index(drop=True)
    refs["r"] = np.arange(len(refs))
    blocks = _census_blocks(cases, refs)
    details = _cat(
        "<CINdetails>", _el("CINreferralDate", iso_dates(refs["referral_date"])),
        _el("ReferralSource", refs["source"], CENSUS_DEFAULTS["ReferralSource"]),
        _el("PrimaryNeedCode", refs["primary_need"]),
        _el("CINclosureDate", iso_dates(refs["closure_date"])),
        _el("ReasonForClosure", np.where(np.isnat(as_days(refs["closure_date"])), "",
                                         refs["closure_reason"])),
        _el("DateOfInitialCPC", iso_dates(blocks["first_icpc"])), blocks["assessments"],
        blocks["cin_plans"], blocks["s47"], _el("ReferralNFA", flags(refs["nfa"])),
        blocks["cp_plans"], "</CINdetails>")
    child, codes = pd.factorize(refs["child_id"])
    ids = np.asarray(codes, dtype=object)
    kids = case_table(cases, "children")
    identifiers = _cat(
        "<ChildIdentifiers>", _el("LAchildID", _escape(ids)),
        _el("PersonBirthDate", iso_dates(birth_dates(kids, ids))),
        _el("GenderCurrent", child_sex(kids, ids, 0)),
        _el("PersonDeathDate", iso_dates(per_child(kids, ids, "death_date"))),
        "</ChildIdentifiers>")
    characteristics = _el("ChildCharacteristics", _el("Ethnicity", np.full(
        len(ids), CENSUS_DEFAULTS["Ethnicity"], dtype=object)))
    body = _cat("<Child>", identifiers, characteristics,
                _joined(child, details, len(ids)), "</Child>\n")
    day = str(reference)
    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header>\n<CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{reference.astype(object).year}</Year>"
        f"<ReferenceDate>{day}</ReferenceDate></CollectionDetails>\n<Source>"
        f"<SourceLevel>L</SourceLevel><LEA>{lea}</LEA><SoftwareCode>xlkpi samples"
        f"</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>"
        f"<DateTime>{day}T00:00:00</DateTime></Source>\n</Header>\n<Children>\n")
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(header)
        out.write("".join(body))
        out.write("</Children>\n</Message>\n")
    return path
