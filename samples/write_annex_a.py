"""Write Ofsted's Annex A workbook of a case model (:mod:`samples.write_returns`).

Sheets "List 1" .. "List 11" with the template's headings (:data:`ANNEX_A_LISTS`), one row
per record, real Excel dates; the workbook's bytes are the same on every run. Codes are
written as the template writes them ("a) Male", "6: Police", "Neglect").
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from samples.write_common import Tables, as_days, birth_dates, case_table, child_sex, flags
from samples.write_ssda903 import build_episodes
from xlkpi.indicators import tables as tb

__all__ = ["ANNEX_A_LISTS", "CATEGORY_LABELS", "SOURCE_LABELS", "write_annex_a"]

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
_FIXED_TIME = (2024, 1, 1, 0, 0, 0)  # zip entries' time, so the workbook is reproducible


def _latest_between(rows: pd.DataFrame, events: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Per row, the latest event of the same ``by`` keys dated from ``lo`` to ``hi``
    (both inclusive; NaT when none)."""
    out = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    events = events.dropna(subset=["date"])
    if rows.empty or events.empty:
        return out
    left = rows.assign(_row=np.arange(len(rows)), hi=as_days(rows["hi"]).astype("datetime64[ns]"))
    left = left.sort_values("hi", kind="stable")
    right = events.assign(date=as_days(events["date"]).astype("datetime64[ns]"))
    right = right.sort_values("date", kind="stable")
    found = pd.merge_asof(left, right[[*by, "date"]], left_on="hi", right_on="date", by=by,
                          direction="backward")
    day = as_days(found["date"])
    day[day < as_days(found["lo"])] = np.datetime64("NaT")
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
    since = as_days((pd.DatetimeIndex(day) - pd.DateOffset(months=12)).to_numpy())
    high = np.searchsorted(keys, own * span + day.astype(np.int64), side="right")
    low = np.searchsorted(keys, own * span + since.astype(np.int64), side="left")
    return np.where(np.isnat(day), 0, high - low)


def _who(kids: pd.DataFrame, ids: np.ndarray, extract: np.datetime64) -> dict[str, np.ndarray]:
    """The five columns every child list starts with."""
    dob = birth_dates(kids, ids)
    stamp = pd.Timestamp(extract)
    born = pd.DatetimeIndex(dob)
    before = (born.month > stamp.month) | ((born.month == stamp.month) & (born.day > stamp.day))
    age = (stamp.year - born.year - before.astype(int)).to_numpy(dtype=float)
    return {_ID: ids, "Gender": child_sex(kids, ids, 2), "Ethnicity": "s) NOBT",
            "Date of Birth": dob, "Age of Child (Years)": np.where(np.isnan(age), None, age)}


def _source_label(codes) -> np.ndarray:
    codes = pd.Series(np.asarray(codes, dtype=object)).fillna("").astype(str)
    label = codes.map(SOURCE_LABELS).fillna("")
    return np.where(label == "", codes, codes + ": " + label).astype(object)


def _yes(values) -> np.ndarray:
    return flags(values, "Yes", "No")


def _team(frame: pd.DataFrame) -> np.ndarray:
    """The records' "Allocated Team" (the case model's ``team``; blank when it has none)."""
    if "team" not in frame:
        return np.full(len(frame), "", dtype=object)
    return frame["team"].fillna("").to_numpy(dtype=object)


def _list_rows(cases: Tables, extract: np.datetime64) -> dict[str, dict[str, np.ndarray]]:
    """Sheet -> heading -> column, for the lists the cases fill."""
    kids = case_table(cases, "children")
    lists: dict[str, dict[str, np.ndarray]] = {}
    c = case_table(cases, "contacts").sort_values(["contact_date", "child_id"], kind="stable")
    lists["List 1"] = {**_who(kids, c["child_id"].to_numpy(dtype=object), extract),
                       "Date of Contact": as_days(c["contact_date"]),
                       "Contact Source": _source_label(c["source"])}
    r = case_table(cases, "referrals").sort_values(["referral_date", "child_id"], kind="stable")
    rc, rd = r["child_id"].to_numpy(dtype=object), as_days(r["referral_date"])
    lists["List 3"] = {**_who(kids, rc, extract), "Date of referral": rd,
                       "Referral Source": _source_label(r["source"]),
                       "Referral NFA?": _yes(r["nfa"]),
                       "Number of Referrals in Last 12 Months": _in_last_year(rc, rd, rc, rd),
                       "Allocated Team": _team(r)}
    a = case_table(cases, "assessments").sort_values(["referral_date", "child_id"], kind="stable")
    start = np.where(np.isnat(as_days(a["start_date"])), as_days(a["referral_date"]),
                     as_days(a["start_date"]))
    lists["List 4"] = {**_who(kids, a["child_id"].to_numpy(dtype=object), extract),
                       "Continuous Assessment Start Date": start,
                       "Continuous Assessment Date of Authorisation":
                       as_days(a["authorised_date"]), "Allocated Team": _team(a)}
    s = case_table(cases, "s47").sort_values(["strategy_date", "child_id"], kind="stable")
    sc, sd, icpc = s["child_id"].to_numpy(dtype=object), as_days(s["strategy_date"]), as_days(
        s["icpc_date"])
    p = case_table(cases, "cp_plans").sort_values(["start_date", "child_id"], kind="stable")
    planned = pd.DataFrame({"child_id": sc, "day": icpc}).merge(
        pd.DataFrame({"child_id": p["child_id"].to_numpy(dtype=object),
                      "day": as_days(p["start_date"]), "plan": True}).drop_duplicates(
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
        "Number of ICPCs in the last 12 months": _in_last_year(sc, sd, sc, icpc),
        "Allocated Team": _team(s)}
    pc = p["child_id"].to_numpy(dtype=object)
    ps, pe = as_days(p["start_date"]), as_days(p["end_date"])
    hi = np.where(np.isnat(pe) | (pe > extract), extract, pe)
    window = pd.DataFrame({"child_id": pc, "lo": ps, "hi": hi, "plan_start": ps})
    v = case_table(cases, "cp_visits").rename(columns={"visit_date": "date"})
    rv = case_table(cases, "cp_reviews").rename(columns={"review_date": "date"})
    rv["plan_start"] = as_days(rv["plan_start"])
    window["plan_start"] = window["plan_start"].astype(rv["plan_start"].dtype)
    lists["List 7"] = {
        **_who(kids, pc, extract), "Child Protection Plan Start Date": ps,
        "Initial Category of Abuse": p["initial_category"].map(CATEGORY_LABELS).fillna(""),
        "Latest Category of Abuse": p["latest_category"].map(CATEGORY_LABELS).fillna(""),
        "Date of the Last Statutory Visit": _latest_between(window, v, ["child_id"]),
        "Date of latest review conference": _latest_between(
            window, rv, ["child_id", "plan_start"]),
        "Child Protection Plan End Date": pe,
        "Number of Previous Child Protection Plans": np.maximum(p["previous_plans"], 0),
        "Allocated Team": _team(p)}
    lists["List 6"] = _in_need(cases, kids, extract)
    lists["List 8"] = _looked_after(cases, kids, extract)
    return lists


#: List 6 "Case status" as the template codes it, in the order a status is decided
_STATUS = {"closed": "e) Closed episode", "cla": "a) Looked after child",
           "cp_plans": "b) Child Protection plan", "cin_plans": "c) Child in need plan",
           "open": "d) Open assessment"}


def _open_on(frame: pd.DataFrame, ids: np.ndarray, day: np.datetime64) -> np.ndarray:
    """Per id: whether ``frame`` has a row of it open on ``day`` (start <= day, end blank or
    after)."""
    start, end = as_days(frame["start_date"]), as_days(frame["end_date"])
    held = frame["child_id"].to_numpy(dtype=object)[(start <= day)
                                                    & (np.isnat(end) | (end > day))]
    return np.isin(ids, held)


def _in_need(cases: Tables, kids: pd.DataFrame, extract: np.datetime64
             ) -> dict[str, np.ndarray]:
    """List 6: one row per episode of need (a referral not NFA) open at the extract date or
    closed before it, its status there (closed, looked after, on a CP plan, on a CIN plan,
    else an open assessment) and the latest ``cin_visits`` date in the episode."""
    r = case_table(cases, "referrals")
    r = r[~r["nfa"].to_numpy(dtype=bool)].sort_values(["referral_date", "child_id"],
                                                       kind="stable")
    ids = r["child_id"].to_numpy(dtype=object)
    start, end = as_days(r["referral_date"]), as_days(r["closure_date"])
    closed = ~np.isnat(end) & (end <= extract)
    status = np.full(len(r), _STATUS["open"], dtype=object)
    for table in ("cin_plans", "cp_plans", "cla"):  # the later one decides
        status[_open_on(case_table(cases, table), ids, extract)] = _STATUS[table]
    status[closed] = _STATUS["closed"]
    window = pd.DataFrame({"child_id": ids, "lo": start,
                           "hi": np.where(closed, end, extract)})
    visits = case_table(cases, "cin_visits").rename(columns={"visit_date": "date"})
    return {**_who(kids, ids, extract), "CIN Start Date": start,
            "Primary Need Code": r["primary_need"].to_numpy(dtype=object),
            "Date Child Was Last Seen": _latest_between(window, visits, ["child_id"]),
            "CIN Closure Date": end,
            "Reason for Closure": r["closure_reason"].to_numpy(dtype=object),
            "Case status": status, "Allocated Team": _team(r)}


def _looked_after(cases: Tables, kids: pd.DataFrame, extract: np.datetime64
                  ) -> dict[str, np.ndarray]:
    """List 8: one row per period of care, its latest review and visit, its placements."""
    cla = case_table(cases, "cla").sort_values(["start_date", "child_id"], kind="stable")
    cla = cla.reset_index(drop=True)
    ids = cla["child_id"].to_numpy(dtype=object)
    start, end = as_days(cla["start_date"]), as_days(cla["end_date"])
    hi = np.where(np.isnat(end) | (end > extract), extract, end)
    window = pd.DataFrame({"child_id": ids, "lo": start, "hi": hi})
    reviews = case_table(cases, "cla_reviews").rename(columns={"review_date": "date"})
    visits = case_table(cases, "cla_visits").rename(columns={"visit_date": "date"})
    episodes = (case_table(cases, "episodes") if "episodes" in cases else
                build_episodes(cases) if "placements" in cases else tb.empty("episodes"))
    status = episodes[episodes["reason_new"].isin(["S", "L", "T", "U"])]
    status_start = _latest_between(window, status.rename(columns={"start_date": "date"}),
                                   ["child_id"])
    keyed = pd.DataFrame({"child_id": status["child_id"].to_numpy(dtype=object),
                          "day": as_days(status["start_date"]),
                          "legal": status["legal_status"].to_numpy(dtype=object)})
    legal = pd.DataFrame({"child_id": ids, "day": status_start}).merge(
        keyed.drop_duplicates(["child_id", "day"]), how="left", on=["child_id", "day"])
    legal = legal["legal"].fillna("").to_numpy(dtype=object)
    legal = np.where(legal == "", cla["legal_status"].to_numpy(dtype=object), legal)
    plc = case_table(cases, "placements")
    joined = window.reset_index().merge(plc, on="child_id")
    joined = joined[(as_days(joined["start_date"]) >= as_days(joined["lo"]))
                    & (as_days(joined["start_date"]) <= as_days(joined["hi"]))]
    year_ago = as_days((pd.Timestamp(extract) - pd.DateOffset(months=12)).to_datetime64())
    recent = joined[np.isnat(as_days(joined["end_date"]))
                    | (as_days(joined["end_date"]) > year_ago)]
    count = np.bincount(recent["index"].to_numpy(dtype=np.int64), minlength=len(cla))
    latest = joined.sort_values("start_date", kind="stable").drop_duplicates("index",
                                                                             keep="last")
    last_start = np.full(len(cla), np.datetime64("NaT"), dtype="datetime64[D]")
    last_type = np.full(len(cla), "", dtype=object)
    last_start[latest["index"].to_numpy()] = as_days(latest["start_date"])
    last_type[latest["index"].to_numpy()] = latest["placement"].to_numpy(dtype=object)
    return {**_who(kids, ids, extract), "Date Started to be Looked After": start,
            "Start date of current legal status": np.where(np.isnat(status_start), start,
                                                           status_start),
            "Child's Legal Status": legal,
            "Date of Latest Statutory Review": _latest_between(window, reviews, ["child_id"]),
            "Date of Last Social Work Visit": _latest_between(window, visits, ["child_id"]),
            "Number of Placements in the Last 12 months": count,
            "Date Ceased to be Looked After ": end,
            "Start Date of Most Recent Placement": last_start, "Placement Type": last_type,
            "Allocated Team": _team(cla)}


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
    extract date, most recent placement); lists 3-8 give the case model's
    ``team`` as "Allocated Team". Lists 2, 9-11 carry their headings only.
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
