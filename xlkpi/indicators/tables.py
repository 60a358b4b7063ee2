"""The normalised tables every return reader produces, declared as data.

A reader (CIN census XML, SSDA903 files, Annex A workbook, xlkpi's own CSV layout) turns its
source into some of these tables, one ``pandas.DataFrame`` each, so that one engine computes
every indicator whatever the source. Column kinds:

- ``id``: the child's identifier as text (LAchildID, CHILD, "Child Unique ID"); kept in
  memory to match children across tables, never shown.
- ``date``: ``datetime64`` (any unit; the engine uses days), ``NaT`` when blank.
- ``text``: a code or label as text, ``""`` when blank (codes without an ``a) `` prefix).
- ``bool``: ``True``/``False`` (a blank flag is ``False``).
- ``int``: a whole number, ``-1`` when blank.

A reader gives every column of each table it produces; a column its source does not hold
is filled blank. ``KEYS`` are the columns that identify a record across collection years:
when the same record comes from several years' returns, the latest year's row is kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["BLANK", "BREAKDOWNS", "DERIVED", "KEYS", "KINDS", "SEX_CODES", "TABLES",
           "TABLE_RETURNS", "conform", "empty", "merge_children"]

KINDS = ("id", "date", "text", "bool", "int")

#: table name -> {column: kind}; ``child_id`` first in every table.
TABLES: dict[str, dict[str, str]] = {
    "children": {"child_id": "id", "birth_date": "date", "sex": "text",
                 "death_date": "date", "uasc": "bool", "ethnicity": "text"},
    "contacts": {"child_id": "id", "contact_date": "date", "referral_date": "date",
                 "source": "text"},
    "referrals": {"child_id": "id", "referral_date": "date", "closure_date": "date",
                  "nfa": "bool", "source": "text", "primary_need": "text",
                  "closure_reason": "text", "referrals_12m": "int"},
    "assessments": {"child_id": "id", "referral_date": "date", "start_date": "date",
                    "authorised_date": "date"},
    "s47": {"child_id": "id", "referral_date": "date", "strategy_date": "date",
            "icpc_date": "date", "icpc_not_required": "bool"},
    "cin_plans": {"child_id": "id", "referral_date": "date", "start_date": "date",
                  "end_date": "date"},
    "cin_plan_cases": {"child_id": "id", "start_date": "date", "end_date": "date"},
    "cin_visits": {"child_id": "id", "visit_date": "date"},
    "cp_plans": {"child_id": "id", "start_date": "date", "end_date": "date",
                 "initial_category": "text", "latest_category": "text",
                 "previous_plans": "int"},
    "cp_reviews": {"child_id": "id", "plan_start": "date", "review_date": "date"},
    "cp_visits": {"child_id": "id", "visit_date": "date"},
    "cla": {"child_id": "id", "start_date": "date", "end_date": "date",
            "legal_status": "text", "placements_12m": "int"},
    "episodes": {"child_id": "id", "start_date": "date", "end_date": "date",
                 "reason_new": "text", "legal_status": "text", "cin": "text",
                 "placement": "text", "provider": "text", "reason_end": "text",
                 "reason_place_change": "text", "urn": "text"},
    "placements": {"child_id": "id", "start_date": "date", "end_date": "date",
                   "placement": "text"},
    "cla_reviews": {"child_id": "id", "review_date": "date"},
    "cla_visits": {"child_id": "id", "visit_date": "date"},
    "care_leavers": {"child_id": "id", "birth_date": "date", "in_touch": "text",
                     "activity": "text", "accommodation": "text"},
    "health": {"child_id": "id", "health_check": "bool", "teeth_check": "bool",
               "immunisations": "bool", "sdq_score": "int"},
    "adoptions": {"child_id": "id", "decision_date": "date", "match_date": "date",
                  "placed_date": "date", "adopted_date": "date"},
    "placed_for_adoption": {"child_id": "id", "placed_date": "date", "ceased_date": "date",
                            "ceased_reason": "text"},
    "missing": {"child_id": "id", "kind": "text", "start_date": "date", "end_date": "date"},
}

#: Columns identifying one record across collection years (the sector drops repeats of
#: CHILD+DECOM when it stitches 903 years; the rest follow the same idea).
KEYS: dict[str, tuple[str, ...]] = {
    "children": ("child_id",),
    "contacts": ("child_id", "contact_date"),
    "referrals": ("child_id", "referral_date"),
    "assessments": ("child_id", "referral_date", "start_date"),
    "s47": ("child_id", "strategy_date"),
    "cin_plans": ("child_id", "start_date"),
    "cin_plan_cases": ("child_id", "start_date"),
    "cin_visits": ("child_id", "visit_date"),
    "cp_plans": ("child_id", "start_date"),
    "cp_reviews": ("child_id", "plan_start", "review_date"),
    "cp_visits": ("child_id", "visit_date"),
    "cla": ("child_id", "start_date"),
    "episodes": ("child_id", "start_date"),
    "placements": ("child_id", "start_date"),
    "cla_reviews": ("child_id", "review_date"),
    "cla_visits": ("child_id", "visit_date"),
    "care_leavers": ("child_id",),
    "health": ("child_id",),
    "adoptions": ("child_id", "decision_date"),
    "placed_for_adoption": ("child_id", "placed_date"),
    "missing": ("child_id", "start_date"),
}

#: Optional text columns that give a breakdown (seed 000 reports by area, seed 001 by
#: agency): kept by :func:`conform` when a source has them.
BREAKDOWNS = ("team", "area", "source")

#: ``children.sex`` as every reader gives it: the DfE's codes (CIN census and 903 ``1``/``2``,
#: the 2024-25 ``Sex`` item and Annex A ``M``/``F``) in one vocabulary.
SEX_CODES: dict[str, str] = {"1": "M", "m": "M", "male": "M", "2": "F", "f": "F",
                             "female": "F", "0": "U", "9": "U", "u": "U", "unknown": "U",
                             "i": "U", "indeterminate": "U", "n": "U",
                             "not stated": "U"}

#: Which returns can hold each table (the ``returns`` of an indicator are those holding
#: all its tables).
TABLE_RETURNS: dict[str, tuple[str, ...]] = {
    "children": ("CIN census", "SSDA903", "Annex A"),
    "contacts": ("Annex A", "extract"),
    "referrals": ("CIN census", "Annex A", "extract"),
    "assessments": ("CIN census", "Annex A", "extract"),
    "s47": ("CIN census", "Annex A", "extract"),
    "cin_plans": ("CIN census",),
    "cin_plan_cases": ("Annex A",),
    "cin_visits": ("Annex A",),
    "cp_plans": ("CIN census", "Annex A", "extract"),
    "cp_reviews": ("CIN census", "Annex A"),
    "cp_visits": ("Annex A", "extract"),
    "cla": ("SSDA903", "Annex A", "extract"),
    "episodes": ("SSDA903",),
    "placements": ("SSDA903", "extract"),
    "cla_reviews": ("SSDA903", "Annex A", "extract"),
    "cla_visits": ("Annex A",),
    "care_leavers": ("SSDA903", "Annex A"),
    "health": ("SSDA903",),
    "adoptions": ("SSDA903", "Annex A"),
    "placed_for_adoption": ("SSDA903",),
    "missing": ("SSDA903",),
}

#: Tables a reader derives from another after stitching (the 903's periods of care,
#: placements and adoption dates come from its episodes): a record left out of the source
#: table is missing from these too.
DERIVED: dict[str, tuple[str, ...]] = {"episodes": ("cla", "placements", "adoptions")}

#: The blank value of each kind.
BLANK = {"id": "", "date": np.datetime64("NaT", "D"), "text": "", "bool": False, "int": -1}

_DTYPES = {"id": object, "date": "datetime64[s]", "text": object, "bool": bool,
           "int": np.int64}


def empty(table: str, rows: int = 0) -> pd.DataFrame:
    """A table of ``rows`` blank records with every column of ``table``."""
    return pd.DataFrame({
        col: pd.Series(np.full(rows, BLANK[kind], dtype=object)).astype(_DTYPES[kind])
        if kind != "date" else pd.Series(np.full(rows, BLANK[kind]), dtype=_DTYPES[kind])
        for col, kind in TABLES[table].items()
    })


def conform(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with exactly the columns of ``table``, in order, each of its kind's dtype.

    Missing columns are filled blank; a column of the wrong kind raises ``TypeError``
    (a reader bug, not bad data). Breakdown columns (:data:`BREAKDOWNS`) the frame has are
    kept after the table's own.
    """
    out = {}
    for col, kind in TABLES[table].items():
        if col not in frame:
            out[col] = empty(table, len(frame))[col].to_numpy()
            continue
        values = frame[col]
        if kind == "date":
            if not pd.api.types.is_datetime64_any_dtype(values):
                raise TypeError(f"{table}.{col}: dates must be datetime64, got {values.dtype}")
            out[col] = values.to_numpy().astype("datetime64[s]")
        elif kind in ("bool", "int"):
            out[col] = values.to_numpy().astype(_DTYPES[kind])
        else:
            out[col] = values.fillna("").astype(str).to_numpy(dtype=object)
    for col in BREAKDOWNS:
        if col in frame and col not in out:
            out[col] = frame[col].fillna("").astype(str).to_numpy(dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def merge_children(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per child from several files' rows (903 header and uasc, every Annex A
    list): birth date, sex and death date the first given, ``uasc`` if any row says so;
    sex in :data:`SEX_CODES`' vocabulary (an unknown code is kept as given)."""
    sex = frame["sex"].astype(str).str.strip()
    frame = frame.assign(sex=sex.str.lower().map(SEX_CODES).fillna(sex))
    firsts = frame.replace({"sex": {"": None}, "ethnicity": {"": None}}).groupby(
        "child_id", sort=False)
    merged = firsts[["birth_date", "sex", "death_date", "ethnicity"]].first()
    merged["uasc"] = firsts["uasc"].any()
    merged[["sex", "ethnicity"]] = merged[["sex", "ethnicity"]].fillna("")
    return conform("children", merged.reset_index())
