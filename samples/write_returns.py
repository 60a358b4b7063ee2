"""Write the returns a council makes from one case model: the DfE CIN census (XML), the DfE
SSDA903 (CSV files) and Ofsted's Annex A (workbook), plus xlkpi's own CSV layout.

The case model is a dict of normalised tables (:data:`xlkpi.indicators.tables.TABLES`:
``referrals``, ``assessments``, ``s47``, ``cin_plans``, ``cp_plans``, ``cp_reviews``,
``cp_visits``, ``contacts``, ``cla``, ``placements``, ``episodes``, ``cla_reviews``,
``cla_visits``, ``children``); a table not given is simply absent from every return. Each
writer puts the cases where its return holds them and writes nothing else, so reading the
files back gives the same tables wherever the return has the data. What each return can
support (the indicators of :mod:`xlkpi.indicators.definitions`):

- **CIN census** (:func:`write_cin_census`): REREF12, ASSESS45, ASSESSOPEN45, ICPC15,
  S47RATE, CPRATE, CP2YRS, CPREPEAT. It holds every referral (CINdetails), assessment,
  section 47 enquiry and child protection plan, with their dates, so these come out as
  from the CSV layout. It has no contacts (CONTACTREF), no visits (CPVISITS) and no
  children looked after (CLARATE, CLA3PLACE, CLAREVIEWS: those are the 903's).
- **SSDA903** (:func:`write_ssda903`): CLARATE, CLA3PLACE, CLAREVIEWS. Its episodes give
  the periods of care (a period starts at RNE S and ends at the first REC other than X1)
  and the placements (a new one at S and at every P; an L episode changes the legal status
  only and continues the placement); reviews.csv holds every review. It has nothing about
  referrals, child protection or contacts.
- **Annex A** (:func:`write_annex_a`): REREF12 (List 3), ASSESS45 and ASSESSOPEN45 (List 4;
  Annex A gives no referral date for an assessment, so a reader links each to the child's
  latest List 3 referral on or before its start: the same referral when the assessment
  starts on or after its own referral and before the child's next one), ICPC15 and S47RATE
  (List 5), CPRATE, CP2YRS, CPREPEAT (List 7), CLARATE (List 8), CONTACTREF (List 1 has no
  outcome: a reader counts a contact as progressed when List 3 has a referral of the child
  on or after it and before the child's next contact, which is the same answer when the
  cases are like that). CPVISITS is a snapshot: List 7 holds only the last statutory visit
  of each plan, so it agrees only for the month whose last day is the extract date.
  CLAREVIEWS cannot be checked (List 8 holds the latest review only, not every review due)
  and CLA3PLACE cannot be (List 8 holds a count of placements in the last 12 months and the
  most recent placement, not the placements).

Choices the formats force (each writer's docstring says more): a CIN census Child needs a
CINdetails, so assessments, enquiries and CIN plans must name a referral of the same child
(``referral_date``) and a CP plan goes under the child's latest referral on or before its
start (a ``ValueError`` says how many records have none: never a child's identifier).
Codes are the DfE's (sex ``1``/``2``; referral sources ``6``, ``2A``...; categories ``NEG``...;
legal statuses ``C2``...); blanks the schema requires are written as the schema's "not
known" code (Ethnicity ``NOBT``, GenderCurrent ``0``, ReferralSource ``10``).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from xlkpi.indicators import tables as tb
from xlkpi.indicators.definitions import SOURCES

__all__ = ["ANNEX_A_LISTS", "SSDA903_HEADERS", "build_episodes", "write_annex_a",
           "write_cin_census", "write_extract", "write_ssda903"]

Tables = dict[str, pd.DataFrame]

#: The 903 CSV files written and their headers, exactly as the DfE specifies them.
SSDA903_HEADERS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                 "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
}

_ID = "Child Unique ID"
_WHO = (_ID, "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")
_WORKER = ("Allocated Team", "Allocated Worker")
#: Ofsted Annex A (template of August 2019): sheet -> headings, as the template has them.
ANNEX_A_LISTS: dict[str, tuple[str, ...]] = {
    "List 1": (*_WHO, "Date of Contact", "Contact Source"),
    "List 2": (*_WHO, "Assessment start date", "Assessment completion date",
               "Organisation completing assessment"),
    "List 3": (*_WHO, "Date of referral", "Referral Source", "Referral NFA?",
               "Number of Referrals in Last 12 Months", *_WORKER),
    "List 4": (*_WHO, "Does the Child have a Disability", "Continuous Assessment Start Date",
               "Child Seen During Continuous Assessment",
               "Continuous Assessment Date of Authorisation",
               "Was the child assessed as requiring LA children\u2019s social care support",
               *_WORKER),
    "List 5": (*_WHO, "Does the Child have a Disability",
               "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "Number of Section 47 Enquiries in the last 12 months",
               "Number of ICPCs in the last 12 months", *_WORKER),
    "List 6": (*_WHO, "Does the Child have a Disability", "CIN Start Date",
               "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date",
               "Reason for Closure", "Case status", *_WORKER),
    "List 7": (*_WHO, "Does the Child have a Disability", "Child Protection Plan Start Date",
               "Initial Category of Abuse", "Latest Category of Abuse",
               "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
               "Date of latest review conference", "Child Protection Plan End Date",
               "Subject to Emergency Protection Order or Protected Under Police Powers in "
               "Last Six Months (Y/N)", "Number of Previous Child Protection Plans",
               *_WORKER),
    "List 8": (*_WHO, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months "
               "(Y/N)", "Does the Child have a Disability", "Date Started to be Looked After",
               "Child's Category of Need", "Is this a second or subsequent period of being a "
               "Looked After Child within the last 12 months (Y/N)",
               "Start date of current legal status", "Child's Legal Status",
               "Date of Latest Statutory Review", "Date of Last Social Work Visit",
               "What is the permanence plan for this child?",
               "Date of Last IRO Visit / Contact to the Child",
               "Date of Last Health Assessment", "Date of Last Dental Check",
               "Number of Placements in the Last 12 months", "Date Ceased to be Looked After ",
               "Reason Ceased to be Looked After", "Start Date of Most Recent Placement",
               "Placement Type", "Placement Provider", "Placement postcode",
               "URN of Placement", "Placement Location", "LA of Placement",
               "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement "
               "in the last 12 months", "Number of Episodes the Child has been \u2018Absent\u2019 "
               "from their Placement in the last 12 months", "Was the child offered a Return "
               "Interview after their last missing episode (Y/N)?", "Did the child accept a "
               "Return Interview after their last missing episode (Y/N)?", *_WORKER),
    "List 9": (*_WHO, "Does the Child have a Disability", *_WORKER, "Eligibility Category",
               "LA In Touch ", "Type of Accommodation", "Suitability of Accommodation",
               "Activity Status"),
    "List 10": (_ID, "Family identifier", "Gender", "Ethnicity", "Date of Birth",
                "Age of Child (Years)", "Does the Child have a Disability",
                "Date the Child Entered Care",
                "Date of Decision that Child Should be Placed for Adoption",
                "Date of Placement Order", "Date of Matching Child and Prospective Adopters",
                "Date Placed for Adoption", "Date of Adoption Order ",
                "Date of Decision that Child Should No Longer be Placed for Adoption",
                "Reason Why Child No Longer Placed for Adoption", "Date the child was placed "
                "for fostering in FFA or concurrent planning placement"),
    "List 11": ("Individual adopter identifier", "Family identifier", "Gender", "Ethnicity",
                "Disability", "Is the (prospective) adopter fostering for adoption?",
                "Date enquiry received", "Date Stage 1 started", "Date Stage 1 ended",
                "Date Stage 2 started", "Date Stage 2 ended", "Date application submitted",
                "Date application approved", "Date adopter matched with child(ren)",
                "Date child/children placed with adopter(s)", "No. of children placed",
                "Date of Adoption Order", "Date of leaving adoption process",
                "Reason for leaving adoption process"),
}

#: sex as the case model may hold it -> (CIN census GenderCurrent, 903 SEX, Annex A Gender)
SEX_CODES: dict[str, tuple[str, str, str]] = {
    "1": ("1", "1", "a) Male"), "m": ("1", "1", "a) Male"), "male": ("1", "1", "a) Male"),
    "2": ("2", "2", "b) Female"), "f": ("2", "2", "b) Female"),
    "female": ("2", "2", "b) Female"),
}
_SEX_UNKNOWN = ("0", "", "c) Not stated/recorded")
#: CIN census referral source codes -> the label Annex A writes after the code
SOURCE_LABELS: dict[str, str] = {
    "1A": "Individual", "1B": "Individual", "1C": "Individual", "1D": "Individual",
    "2A": "Schools", "2B": "Education services", "3A": "Health services",
    "3B": "Health services", "3C": "Health services", "3D": "Health services",
    "3E": "Health services", "3F": "Health services", "4": "Housing",
    "5A": "LA services", "5B": "LA services", "5C": "LA services", "5D": "LA services",
    "6": "Police", "7": "Other legal agency", "8": "Other", "9": "Anonymous",
    "10": "Unknown",
}
CATEGORY_LABELS = {"NEG": "Neglect", "PHY": "Physical abuse", "SAB": "Sexual abuse",
                   "EMO": "Emotional abuse", "MUL": "Multiple/not recommended"}
#: what a required census element is written as when the case model leaves it blank
CENSUS_DEFAULTS = {"Ethnicity": "NOBT", "ReferralSource": "10",
                   "InitialCategoryOfAbuse": "NEG", "LatestCategoryOfAbuse": "NEG"}
#: 903 episode fields the case model may leave blank -> the value written
EPISODE_DEFAULTS = {"legal_status": "C2", "cin": "N1", "placement": "U6",
                    "provider": "PR1", "urn": "XXXXXXX", "ceased": "E4A"}
#: placement types not with the council's own carers -> (PLACE_PROVIDER, a made-up URN);
#: the rest are own provision with no Ofsted URN (``XXXXXXX``)
PROVIDERS = {"K2": ("PR4", "SC999901"), "R1": ("PR4", "SC999902"),
             "P1": ("PR0", "XXXXXXX")}
#: the 903 RNE codes that start a new placement after the period's first episode
_PLACE_CHANGE = ("P", "T", "B", "U")
_CPC_TARGET_DAYS = 15  # InitialCPCtarget: 15 working days after the strategy discussion
_REVIEW_CODE = "PN1"  # 903 review participation: child spoke for themselves
_FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # zip entries' time, so the workbook is reproducible


# ---------------------------------------------------------------- helpers over columns

def _table(cases: Tables, name: str) -> pd.DataFrame:
    """The case model's table ``name`` with every column of its kind (blank when absent)."""
    return tb.conform(name, cases[name]) if name in cases else tb.empty(name)


def _days(values) -> np.ndarray:
    return np.asarray(values).astype("datetime64[D]")


def _fmt(values, fmt: str) -> np.ndarray:
    """Dates as text in ``fmt``, ``""`` for a blank."""
    text = pd.Series(pd.to_datetime(_days(values))).dt.strftime(fmt)
    return text.fillna("").to_numpy(dtype=object)


def _iso(values) -> np.ndarray:
    return _fmt(values, "%Y-%m-%d")


def _uk(values) -> np.ndarray:
    return _fmt(values, "%d/%m/%Y")


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


def _flag(values, yes: str = "true", no: str = "false") -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), yes, no).astype(object)


def _sex(children: pd.DataFrame, ids: np.ndarray, which: int) -> np.ndarray:
    """Each child's sex as return ``which`` (0 census, 1 903, 2 Annex A) writes it."""
    codes = {key: value[which] for key, value in SEX_CODES.items()}
    known = children.drop_duplicates("child_id").set_index("child_id")["sex"]
    sex = pd.Series(ids).map(known.astype(str).str.strip().str.lower())
    return sex.map(codes).fillna(_SEX_UNKNOWN[which]).to_numpy(dtype=object)


def _per_child(children: pd.DataFrame, ids: np.ndarray, column: str) -> np.ndarray:
    """A date column of ``children`` for each of ``ids`` (NaT for a child not in it)."""
    known = children.drop_duplicates("child_id").set_index("child_id")[column]
    return _days(known.reindex(np.asarray(ids, dtype=object)).to_numpy())


def _births(children: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    return _per_child(children, ids, "birth_date")


def _need(frame: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    for col in columns:
        if frame[col].isna().any():
            raise ValueError(f"{name}: {int(frame[col].isna().sum())} record(s) with no "
                             f"{col}")


def _working_days_after(days: np.ndarray, n: int) -> np.ndarray:
    """The n-th weekday after each day (bank holidays not taken out), NaT stays NaT."""
    out = np.full(len(days), np.datetime64("NaT"), dtype="datetime64[D]")
    known = ~np.isnat(days)
    out[known] = np.busday_offset(days[known], n, roll="forward")
    return out


def _latest_between(rows: pd.DataFrame, events: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Per row, the latest event of the same ``by`` keys dated from ``lo`` to ``hi``
    (both inclusive; NaT when none)."""
    out = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    events = events.dropna(subset=["date"])
    if rows.empty or events.empty:
        return out
    left = rows.assign(_row=np.arange(len(rows)), hi=_days(rows["hi"]).astype("datetime64[ns]"))
    left = left.sort_values("hi", kind="stable")
    right = events.assign(date=_days(events["date"]).astype("datetime64[ns]"))
    right = right.sort_values("date", kind="stable")
    found = pd.merge_asof(left, right[[*by, "date"]], left_on="hi", right_on="date", by=by,
                          direction="backward")
    day = _days(found["date"])
    day[day < _days(found["lo"])] = np.datetime64("NaT")
    out[found["_row"].to_numpy()] = day
    return out


def _in_last_year(child: np.ndarray, day: np.ndarray, ev_child: np.ndarray,
                  ev_day: np.ndarray) -> np.ndarray:
    """Per row, the events of the same child dated from EDATE(day, -12) to day inclusive."""
    codes, _ = pd.factorize(np.concatenate([child, ev_child]))
    own, theirs = codes[:len(child)], codes[len(child):]
    span = np.int64(1 << 20)  # more days than any date holds
    keep = ~np.isnat(ev_day)
    keys = np.sort(theirs[keep] * span + ev_day[keep].astype(np.int64))
    since = _days((pd.DatetimeIndex(day) - pd.DateOffset(months=12)).to_numpy())
    high = np.searchsorted(keys, own * span + day.astype(np.int64), side="right")
    low = np.searchsorted(keys, own * span + since.astype(np.int64), side="left")
    return np.where(np.isnat(day), 0, high - low)


# ---------------------------------------------------------------- CIN census

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
    _need(plans, "cp_plans", ("start_date",))
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
    a = _table(cases, "assessments")
    start = np.where(np.isnat(_days(a["start_date"])), _days(a["referral_date"]),
                     _days(a["start_date"]))
    a = a.assign(start_date=start, r=_referral_of(a, refs, "assessments"))
    a = a.sort_values(["r", "start_date"], kind="stable")
    assess = _cat("<Assessments>", _el("AssessmentActualStartDate", _iso(a["start_date"])),
                  _el("AssessmentAuthorisationDate", _iso(a["authorised_date"])),
                  "</Assessments>")
    c = _table(cases, "cin_plans")
    c = c.assign(r=_referral_of(c, refs, "cin_plans")).sort_values(["r", "start_date"])
    _need(c, "cin_plans", ("start_date",))
    cin = _cat("<CINPlanDates>", _el("CINPlanStartDate", _iso(c["start_date"])),
               _el("CINPlanEndDate", _iso(c["end_date"])), "</CINPlanDates>")
    s = _table(cases, "s47")
    _need(s, "s47", ("strategy_date",))
    s = s.assign(r=_referral_of(s, refs, "s47")).sort_values(["r", "strategy_date"])
    target = _working_days_after(_days(s["strategy_date"]), _CPC_TARGET_DAYS)
    s47 = _cat("<Section47>", _el("S47ActualStartDate", _iso(s["strategy_date"])),
               _el("InitialCPCtarget", _iso(target)),
               _el("DateOfInitialCPC", _iso(s["icpc_date"])),
               _el("ICPCnotRequired", _flag(s["icpc_not_required"])), "</Section47>")
    icpc = pd.Series(_days(s["icpc_date"])).groupby(s["r"].to_numpy()).min()
    first_icpc = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    first_icpc[icpc.index.to_numpy(dtype=np.int64)] = _days(icpc)
    p = _table(cases, "cp_plans")
    p = p.assign(r=_plan_referral(p, refs) if len(p) else np.zeros(0, dtype=np.int64))
    p = p.sort_values(["r", "start_date"], kind="stable").reset_index(drop=True)
    rv = _table(cases, "cp_reviews").sort_values("review_date", kind="stable")
    plan_no = p.reset_index()[["child_id", "start_date", "index"]].drop_duplicates(
        ["child_id", "start_date"]).rename(columns={"start_date": "plan_start"})
    rv = rv.merge(plan_no, how="inner", on=["child_id", "plan_start"])
    reviews = _joined(rv["index"].to_numpy(), _el("CPPreviewDate", _iso(rv["review_date"])),
                      len(p))
    previous = p["previous_plans"].to_numpy()
    cpp = _cat("<ChildProtectionPlans>", _el("CPPstartDate", _iso(p["start_date"])),
               _el("CPPendDate", _iso(p["end_date"])),
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
    refs = _table(cases, "referrals")
    _need(refs, "referrals", ("referral_date",))
    refs = refs.sort_values(["child_id", "referral_date"], kind="stable").reset_index(drop=True)
    refs["r"] = np.arange(len(refs))
    blocks = _census_blocks(cases, refs)
    details = _cat(
        "<CINdetails>", _el("CINreferralDate", _iso(refs["referral_date"])),
        _el("ReferralSource", refs["source"], CENSUS_DEFAULTS["ReferralSource"]),
        _el("PrimaryNeedCode", refs["primary_need"]),
        _el("CINclosureDate", _iso(refs["closure_date"])),
        _el("ReasonForClosure", np.where(np.isnat(_days(refs["closure_date"])), "",
                                         refs["closure_reason"])),
        _el("DateOfInitialCPC", _iso(blocks["first_icpc"])), blocks["assessments"],
        blocks["cin_plans"], blocks["s47"], _el("ReferralNFA", _flag(refs["nfa"])),
        blocks["cp_plans"], "</CINdetails>")
    child, codes = pd.factorize(refs["child_id"])
    ids = np.asarray(codes, dtype=object)
    kids = _table(cases, "children")
    identifiers = _cat(
        "<ChildIdentifiers>", _el("LAchildID", _escape(ids)),
        _el("PersonBirthDate", _iso(_births(kids, ids))),
        _el("GenderCurrent", _sex(kids, ids, 0)),
        _el("PersonDeathDate", _iso(_per_child(kids, ids, "death_date"))),
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


# ---------------------------------------------------------------- SSDA903

def build_episodes(cases: Tables, legal_changes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 903 episodes (normalised ``episodes`` table) of the periods of care (``cla``),
    their placements (``placements``) and changes of legal status.

    ``legal_changes`` (``child_id``, ``date``, ``legal_status``) are changes inside a period;
    ``cla.legal_status`` is the status the period starts with. A new episode starts at each
    period start (RNE ``S``), placement start (``P``), legal change (``L``; ``T`` when it
    falls on a placement start). REC is ``X1`` when the next episode continues the period,
    the cla row's ``reason_end`` column (else ``E4A``) when the period ends, blank while open.
    REASON_PLACE_CHANGE is ``CARPL`` on an episode that ends with a change of placement.
    Periods of one child must not overlap, nor placements; each placement must start inside
    a period (``ValueError`` otherwise).
    """
    raw = cases.get("cla", pd.DataFrame())
    cla = _table(cases, "cla")
    cla["ceased"] = (raw["reason_end"].fillna("").to_numpy(dtype=object)
                     if "reason_end" in raw else "")
    _need(cla, "cla", ("start_date",))
    cla = cla.sort_values(["child_id", "start_date"], kind="stable").reset_index(drop=True)
    cla["period"] = np.arange(len(cla))
    periods = cla.rename(columns={"start_date": "p_start", "end_date": "p_end"})
    plc = _table(cases, "placements")
    _need(plc, "placements", ("start_date",))
    plc = pd.merge_asof(plc.sort_values("start_date", kind="stable"),
                        periods[["child_id", "p_start", "p_end", "period"]].sort_values(
                            "p_start", kind="stable"),
                        left_on="start_date", right_on="p_start", by="child_id",
                        direction="backward")
    outside = plc["period"].isna() | (plc["p_end"].notna() & (plc["start_date"] >= plc["p_end"])
                                      & (plc["start_date"] > plc["p_start"]))
    if outside.any():
        raise ValueError(f"placements: {int(outside.sum())} placement(s) that start outside "
                         "every period of care of the same child")
    starts = pd.DataFrame({"child_id": cla["child_id"], "start_date": cla["start_date"],
                           "period": cla["period"], "rne": "S",
                           "legal": cla["legal_status"].replace("", np.nan),
                           "placement": np.nan})
    moves = pd.DataFrame({"child_id": plc["child_id"], "start_date": plc["start_date"],
                          "period": plc["period"].astype(np.int64),
                          "rne": np.where(plc["start_date"] == plc["p_start"], "S", "P"),
                          "legal": np.nan, "placement": plc["placement"].replace("", np.nan)})
    parts = [starts, moves]
    if legal_changes is not None and len(legal_changes):
        ch = legal_changes.rename(columns={"date": "start_date", "legal_status": "legal"})
        ch = ch.assign(start_date=pd.to_datetime(ch["start_date"]).astype("datetime64[s]"))
        ch = pd.merge_asof(ch.sort_values("start_date", kind="stable"),
                           periods[["child_id", "p_start", "p_end", "period"]].sort_values(
                               "p_start", kind="stable"),
                           left_on="start_date", right_on="p_start", by="child_id",
                           direction="backward")
        inside = ch["period"].notna() & (ch["start_date"] > ch["p_start"]) & (
            ch["p_end"].isna() | (ch["start_date"] < ch["p_end"]))
        if not inside.all():
            raise ValueError(f"legal changes: {int((~inside).sum())} change(s) not inside a "
                             "period of care of the same child")
        parts.append(pd.DataFrame({"child_id": ch["child_id"], "start_date": ch["start_date"],
                                   "period": ch["period"].astype(np.int64), "rne": "L",
                                   "legal": ch["legal"], "placement": np.nan}))
    rows = pd.concat(parts, ignore_index=True)
    # one episode per (period, day): S beats P beats L; P and L on one day is T
    rank = rows["rne"].map({"S": 0, "P": 1, "L": 2})
    rows = rows.assign(_rank=rank).sort_values(["period", "start_date", "_rank"],
                                               kind="stable")
    day = rows.groupby(["period", "start_date"], sort=False)
    merged = day.agg(child_id=("child_id", "first"), rne=("rne", "first"),
                     legal=("legal", "last"), placement=("placement", "first"),
                     kinds=("rne", "".join)).reset_index()
    merged.loc[(merged["rne"] == "P") & merged["kinds"].str.contains("L"), "rne"] = "T"
    by_period = merged.groupby("period", sort=False)
    merged["legal"] = by_period["legal"].ffill().fillna(EPISODE_DEFAULTS["legal_status"])
    merged["placement"] = by_period["placement"].ffill().fillna(EPISODE_DEFAULTS["placement"])
    nxt = by_period["start_date"].shift(-1)
    last = nxt.isna().to_numpy()
    p_end = cla["end_date"].to_numpy()[merged["period"].to_numpy()]
    end = np.where(last, p_end, _days(nxt).astype("datetime64[s]"))
    ceased = cla["ceased"].to_numpy(dtype=object)[merged["period"].to_numpy()]
    ceased = np.where(ceased == "", EPISODE_DEFAULTS["ceased"], ceased)
    reason_end = np.where(~last, "X1", np.where(np.isnat(end), "", ceased))
    next_rne = by_period["rne"].shift(-1).fillna("").to_numpy(dtype=object)
    episodes = pd.DataFrame({
        "child_id": merged["child_id"], "start_date": merged["start_date"], "end_date": end,
        "reason_new": merged["rne"], "legal_status": merged["legal"],
        "cin": EPISODE_DEFAULTS["cin"], "placement": merged["placement"],
        "provider": merged["placement"].map({k: v[0] for k, v in PROVIDERS.items()}).fillna(
            EPISODE_DEFAULTS["provider"]),
        "reason_end": reason_end,
        "reason_place_change": np.where(np.isin(next_rne, _PLACE_CHANGE), "CARPL", ""),
        "urn": merged["placement"].map({k: v[1] for k, v in PROVIDERS.items()}).fillna(
            EPISODE_DEFAULTS["urn"])})
    episodes = episodes.sort_values(["child_id", "start_date"], kind="stable")
    return tb.conform("episodes", episodes.reset_index(drop=True))


def write_ssda903(cases: Tables, folder: Path) -> list[Path]:
    """Write header.csv, episodes.csv and reviews.csv of the 903 (DfE headers, dd/mm/yyyy).

    Episodes are the model's ``episodes`` table, else :func:`build_episodes` of its periods
    of care and placements. The header has one row per child with an episode (ETHNIC
    ``NOBT``, UPN ``UN4`` "not yet obtained", MOTHER 0 for girls); reviews.csv has every
    ``cla_reviews`` row of those children. Postcodes are left blank (the sample has no
    addresses).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    episodes = (_table(cases, "episodes") if "episodes" in cases else build_episodes(cases))
    episodes = episodes.sort_values(["child_id", "start_date"], kind="stable")
    kids = _table(cases, "children")
    ids = pd.unique(episodes["child_id"])
    ids = np.asarray(sorted(ids), dtype=object)
    births = _uk(_births(kids, ids))
    sex = _sex(kids, ids, 1)
    header = {"CHILD": ids, "SEX": sex, "DOB": births, "ETHNIC": "NOBT", "UPN": "UN4",
              "MOTHER": np.where(sex == "2", "0", ""), "MC_DOB": ""}
    blank = np.full(len(episodes), "", dtype=object)
    rows = {"CHILD": episodes["child_id"], "DECOM": _uk(episodes["start_date"]),
            "RNE": episodes["reason_new"], "LS": episodes["legal_status"],
            "CIN": episodes["cin"], "PLACE": episodes["placement"],
            "PLACE_PROVIDER": episodes["provider"], "DEC": _uk(episodes["end_date"]),
            "REC": episodes["reason_end"], "REASON_PLACE_CHANGE":
            episodes["reason_place_change"], "HOME_POST": blank, "PL_POST": blank,
            "URN": episodes["urn"]}
    rv = _table(cases, "cla_reviews")
    rv = rv[rv["child_id"].isin(ids)].sort_values(["child_id", "review_date"], kind="stable")
    reviews = {"CHILD": rv["child_id"], "DOB": _uk(_births(kids, rv["child_id"].to_numpy())),
               "REVIEW": _uk(rv["review_date"]), "REVIEW_CODE": _REVIEW_CODE}
    written = []
    for name, columns in (("header", header), ("episodes", rows), ("reviews", reviews)):
        frame = pd.DataFrame({k: np.asarray(v, dtype=object) if not np.isscalar(v) else v
                              for k, v in columns.items()}, columns=SSDA903_HEADERS[name])
        target = folder / f"{name}.csv"
        frame.to_csv(target, index=False, lineterminator="\n")
        written.append(target)
    return written


# ---------------------------------------------------------------- Annex A

def _who(kids: pd.DataFrame, ids: np.ndarray, extract: np.datetime64) -> dict[str, np.ndarray]:
    """The five columns every child list starts with."""
    dob = _births(kids, ids)
    stamp = pd.Timestamp(extract)
    born = pd.DatetimeIndex(dob)
    before = (born.month > stamp.month) | ((born.month == stamp.month) & (born.day > stamp.day))
    age = (stamp.year - born.year - before.astype(int)).to_numpy(dtype=float)
    return {_ID: ids, "Gender": _sex(kids, ids, 2), "Ethnicity": "s) NOBT",
            "Date of Birth": dob, "Age of Child (Years)": np.where(np.isnan(age), None, age)}


def _source_label(codes) -> np.ndarray:
    codes = pd.Series(np.asarray(codes, dtype=object)).fillna("").astype(str)
    label = codes.map(SOURCE_LABELS).fillna("")
    return np.where(label == "", codes, codes + ": " + label).astype(object)


def _yes(values) -> np.ndarray:
    return _flag(values, "Yes", "No")


def _list_rows(cases: Tables, extract: np.datetime64) -> dict[str, dict[str, np.ndarray]]:
    """Sheet -> heading -> column, for the lists the cases fill."""
    kids = _table(cases, "children")
    lists: dict[str, dict[str, np.ndarray]] = {}
    c = _table(cases, "contacts").sort_values(["contact_date", "child_id"], kind="stable")
    lists["List 1"] = {**_who(kids, c["child_id"].to_numpy(dtype=object), extract),
                       "Date of Contact": _days(c["contact_date"]),
                       "Contact Source": _source_label(c["source"])}
    r = _table(cases, "referrals").sort_values(["referral_date", "child_id"], kind="stable")
    rc, rd = r["child_id"].to_numpy(dtype=object), _days(r["referral_date"])
    lists["List 3"] = {**_who(kids, rc, extract), "Date of referral": rd,
                       "Referral Source": _source_label(r["source"]),
                       "Referral NFA?": _yes(r["nfa"]),
                       "Number of Referrals in Last 12 Months": _in_last_year(rc, rd, rc, rd)}
    a = _table(cases, "assessments").sort_values(["referral_date", "child_id"], kind="stable")
    start = np.where(np.isnat(_days(a["start_date"])), _days(a["referral_date"]),
                     _days(a["start_date"]))
    lists["List 4"] = {**_who(kids, a["child_id"].to_numpy(dtype=object), extract),
                       "Continuous Assessment Start Date": start,
                       "Continuous Assessment Date of Authorisation":
                       _days(a["authorised_date"])}
    s = _table(cases, "s47").sort_values(["strategy_date", "child_id"], kind="stable")
    sc, sd, icpc = s["child_id"].to_numpy(dtype=object), _days(s["strategy_date"]), _days(
        s["icpc_date"])
    p = _table(cases, "cp_plans").sort_values(["start_date", "child_id"], kind="stable")
    planned = pd.DataFrame({"child_id": sc, "day": icpc}).merge(
        pd.DataFrame({"child_id": p["child_id"].to_numpy(dtype=object),
                      "day": _days(p["start_date"]), "plan": True}).drop_duplicates(
            ["child_id", "day"]), how="left", on=["child_id", "day"])["plan"]
    lists["List 5"] = {
        **_who(kids, sc, extract),
        "Strategy discussion initiating Section 47 Enquiry Start Date": sd,
        "Was an Initial Child Protection Conference deemed unnecessary?":
        _yes(s["icpc_not_required"]),
        "Date of Initial Child Protection Conference": icpc,
        "Did the Initial Child Protection Conference Result in a Child Protection Plan":
        np.where(np.isnat(icpc), "", _yes(planned.notna().to_numpy())),
        "Number of Section 47 Enquiries in the last 12 months": _in_last_year(sc, sd, sc, sd),
        "Number of ICPCs in the last 12 months": _in_last_year(sc, sd, sc, icpc)}
    pc = p["child_id"].to_numpy(dtype=object)
    ps, pe = _days(p["start_date"]), _days(p["end_date"])
    hi = np.where(np.isnat(pe) | (pe > extract), extract, pe)
    window = pd.DataFrame({"child_id": pc, "lo": ps, "hi": hi, "plan_start": ps})
    v = _table(cases, "cp_visits").rename(columns={"visit_date": "date"})
    rv = _table(cases, "cp_reviews").rename(columns={"review_date": "date"})
    rv["plan_start"] = _days(rv["plan_start"])
    window["plan_start"] = window["plan_start"].astype(rv["plan_start"].dtype)
    lists["List 7"] = {
        **_who(kids, pc, extract), "Child Protection Plan Start Date": ps,
        "Initial Category of Abuse": p["initial_category"].map(CATEGORY_LABELS).fillna(""),
        "Latest Category of Abuse": p["latest_category"].map(CATEGORY_LABELS).fillna(""),
        "Date of the Last Statutory Visit": _latest_between(window, v, ["child_id"]),
        "Date of latest review conference": _latest_between(
            window, rv, ["child_id", "plan_start"]),
        "Child Protection Plan End Date": pe,
        "Number of Previous Child Protection Plans": np.maximum(p["previous_plans"], 0)}
    lists["List 8"] = _looked_after(cases, kids, extract)
    return lists


def _looked_after(cases: Tables, kids: pd.DataFrame, extract: np.datetime64
                  ) -> dict[str, np.ndarray]:
    """List 8: one row per period of care, its latest review and visit, its placements."""
    cla = _table(cases, "cla").sort_values(["start_date", "child_id"], kind="stable")
    cla = cla.reset_index(drop=True)
    ids = cla["child_id"].to_numpy(dtype=object)
    start, end = _days(cla["start_date"]), _days(cla["end_date"])
    hi = np.where(np.isnat(end) | (end > extract), extract, end)
    window = pd.DataFrame({"child_id": ids, "lo": start, "hi": hi})
    reviews = _table(cases, "cla_reviews").rename(columns={"review_date": "date"})
    visits = _table(cases, "cla_visits").rename(columns={"visit_date": "date"})
    episodes = (_table(cases, "episodes") if "episodes" in cases else
                build_episodes(cases) if "placements" in cases else tb.empty("episodes"))
    status = episodes[episodes["reason_new"].isin(["S", "L", "T", "U"])]
    status_start = _latest_between(window, status.rename(columns={"start_date": "date"}),
                                   ["child_id"])
    keyed = pd.DataFrame({"child_id": status["child_id"].to_numpy(dtype=object),
                          "day": _days(status["start_date"]),
                          "legal": status["legal_status"].to_numpy(dtype=object)})
    legal = pd.DataFrame({"child_id": ids, "day": status_start}).merge(
        keyed.drop_duplicates(["child_id", "day"]), how="left", on=["child_id", "day"])
    legal = legal["legal"].fillna("").to_numpy(dtype=object)
    legal = np.where(legal == "", cla["legal_status"].to_numpy(dtype=object), legal)
    plc = _table(cases, "placements")
    joined = window.reset_index().merge(plc, on="child_id")
    joined = joined[(_days(joined["start_date"]) >= _days(joined["lo"]))
                    & (_days(joined["start_date"]) <= _days(joined["hi"]))]
    year_ago = _days((pd.Timestamp(extract) - pd.DateOffset(months=12)).to_datetime64())
    recent = joined[np.isnat(_days(joined["end_date"]))
                    | (_days(joined["end_date"]) > year_ago)]
    count = np.bincount(recent["index"].to_numpy(dtype=np.int64), minlength=len(cla))
    latest = joined.sort_values("start_date", kind="stable").drop_duplicates("index",
                                                                             keep="last")
    last_start = np.full(len(cla), np.datetime64("NaT"), dtype="datetime64[D]")
    last_type = np.full(len(cla), "", dtype=object)
    last_start[latest["index"].to_numpy()] = _days(latest["start_date"])
    last_type[latest["index"].to_numpy()] = latest["placement"].to_numpy(dtype=object)
    return {**_who(kids, ids, extract), "Date Started to be Looked After": start,
            "Start date of current legal status": np.where(np.isnat(status_start), start,
                                                           status_start),
            "Child's Legal Status": legal,
            "Date of Latest Statutory Review": _latest_between(window, reviews, ["child_id"]),
            "Date of Last Social Work Visit": _latest_between(window, visits, ["child_id"]),
            "Number of Placements in the Last 12 months": count,
            "Date Ceased to be Looked After ": end,
            "Start Date of Most Recent Placement": last_start, "Placement Type": last_type}


def _cells(sheet, column: np.ndarray) -> list:
    """A column as openpyxl values: dates as real Excel dates (dd/mm/yyyy), blanks None."""
    if np.issubdtype(column.dtype, np.datetime64):
        out = []
        for day in column.astype("datetime64[D]").astype(object):
            if day is None:
                out.append(None)
            else:
                cell = WriteOnlyCell(sheet, value=day)
                cell.number_format = "dd/mm/yyyy"
                out.append(cell)
        return out
    values = [None if v is None or (isinstance(v, float) and np.isnan(v)) or v == "" else v
              for v in column.tolist()]
    return [int(v) if isinstance(v, (np.integer,)) else v for v in values]


def write_annex_a(cases: Tables, path: Path, extract_date: str | dt.date) -> Path:
    """Write the Annex A workbook of the cases (sheets "List 1" .. "List 11", Ofsted's
    headings in row 1, one row per record, real Excel dates).

    List 1 contacts, 3 referrals, 4 assessments (start, authorisation), 5 enquiries, 7 CP
    plans (with the last statutory visit and latest review conference on or before the
    plan's end or the extract date), 8 periods of care (latest statutory review, last
    social work visit, placements started in the period and open in the 12 months to the
    extract date, most recent placement). Lists 2, 6, 9-11 carry their headings only.
    Every record given is written: Ofsted asks for six months (twelve for some lists);
    the caller chooses the period by the cases it gives.
    """
    path = Path(path)
    extract = np.datetime64(extract_date, "D")
    lists = _list_rows(cases, extract)
    book = Workbook(write_only=True)
    for name, headings in ANNEX_A_LISTS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(headings))
        columns = lists.get(name)
        if not columns:
            continue
        rows = len(next(iter(columns.values())))
        cells = []
        for heading in headings:
            value = columns.get(heading)
            if value is None:
                cells.append([None] * rows)
                continue
            array = np.asarray(value)
            if array.ndim == 0:
                array = np.full(rows, value, dtype=object)
            cells.append(_cells(sheet, array))
        for row in zip(*cells, strict=True):
            sheet.append(list(row))
    book.properties.creator = "xlkpi samples"
    fixed = dt.datetime(*_FIXED_TIME)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.save(path)
    _fixed_zip(path)
    return path


def _fixed_zip(path: Path) -> None:
    """Rewrite the workbook's zip with fixed entry times and document dates (the same bytes
    on every run)."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                for tag in ("dcterms:created", "dcterms:modified"):
                    head = text.find(f"<{tag}")
                    if head >= 0:
                        body = text.index(">", head) + 1
                        text = (text[:body] + "2024-01-01T00:00:00Z"
                                + text[text.index(f"</{tag}>", body):])
                data = text.encode("utf-8")
            out.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)


# ---------------------------------------------------------------- xlkpi's CSV layout

def write_extract(cases: Tables, folder: Path) -> list[Path]:
    """Write xlkpi's own CSV layout (``<table>.csv``, ISO dates) of the tables it reads."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in SOURCES.items():
        if name not in cases:
            continue
        frame = _table(cases, name)
        columns = list(source.columns) + (["source"] if "source" in frame else [])
        out = pd.DataFrame({col: _iso(frame[col]) if col in source.dates else frame[col]
                            for col in columns})
        target = folder / source.file
        out.to_csv(target, index=False, lineterminator="\n")
        written.append(target)
    return written
