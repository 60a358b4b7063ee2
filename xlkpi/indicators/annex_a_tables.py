"""Build the normalised tables of an Annex A workbook (:mod:`annex_a`) from its parsed
lists, and link the lists to one another.

Each table of :data:`TABLE_SOURCES` takes the rows of one list, leaving out a row whose
child identifier is blank or whose fields the table uses or needs are bad. Then:

- ``contacts`` (List 1): ``referral_date`` is the child's first List 3 referral dated on or
  after the contact and before the child's next later contact (NaT when none).
- ``assessments`` (List 4) and ``s47`` (List 5): ``referral_date`` is the row's own when
  the council added that column, else the child's latest List 3 referral on or before the
  assessment start (strategy discussion); NaT when none (not guessed).
- ``referrals`` (List 3) take ``closure_date``, ``closure_reason`` and ``primary_need``
  from the child's List 6 episode whose CIN start date equals the referral date.
- ``children``: one row per child of lists 1-10; birth date, sex and ethnicity (the
  code, the template's "a) " prefix and any label stripped) are the first non-blank ones
  in list order; ``uasc`` from List 8.

Every table keeps a ``_where`` column, each row's locator ("List 3 row 7"), for the
caller to take off before the table is conformed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from xlkpi.indicators import tables
from xlkpi.indicators.annex_a_cells import Parsed
from xlkpi.indicators.annex_a_headings import TABLE_SOURCES, TableSource
from xlkpi.indicators.annex_a_sheets import ListFrame

__all__ = ["build_tables"]

#: list number -> field name -> rows left out of the tables that use that field
Dropped = dict[int, dict[str, np.ndarray]]


def build_tables(lists: dict[int, ListFrame], parsed: dict[int, Parsed], dropped: Dropped
                 ) -> dict[str, pd.DataFrame]:
    """Every table the lists fill, linked, each with its ``_where`` locator column."""
    frames: dict[str, pd.DataFrame] = {}
    for source in TABLE_SOURCES:
        if len(parsed.get(source.list, ())):
            frames[source.table] = _table(source, lists[source.list], parsed[source.list],
                                          dropped[source.list])
    all_referrals = _valid_referrals(parsed, dropped)
    if "contacts" in frames:
        frames["contacts"]["referral_date"] = _progressed(frames["contacts"], all_referrals)
    for table, column in (("assessments", "start_date"), ("s47", "strategy_date")):
        if table in frames:
            frames[table]["referral_date"] = _latest_referral(frames[table], column,
                                                              all_referrals)
    if "referrals" in frames and len(parsed.get(6, ())):
        frames["referrals"] = _closures(frames["referrals"], _cin(parsed[6], dropped[6]))
    if any(len(p) for n, p in parsed.items() if n != 11):
        frames["children"] = _children(lists, parsed, dropped)
    return frames


def _frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({k: (v.astype("datetime64[s]") if v.dtype.kind == "M" else v)
                         for k, v in columns.items()})


def _table(source: TableSource, lst: ListFrame, parsed: Parsed, dropped: dict[str, np.ndarray]
           ) -> pd.DataFrame:
    """Rows of one list as one table: left out where a field it uses is bad or needed.
    ``_where`` holds each row's locator (taken off before the table is conformed)."""
    size = len(parsed.ids)
    keep = parsed.ids != ""
    for field in set(source.columns.values()) | set(source.needs):
        keep &= ~dropped.get(field, np.zeros(size, bool))
    for field in source.needs:
        value = parsed.values.get(field)
        keep &= np.zeros(size, bool) if value is None else ~np.isnat(value)
    if source.where is not None:
        field, wanted = source.where
        value = parsed.values.get(field)
        keep &= np.zeros(size, bool) if value is None else value == wanted
    columns = {"child_id": parsed.ids[keep], "_where": lst.locators()[keep]}
    for column, field in source.columns.items():
        if field in parsed.values:
            columns[column] = parsed.values[field][keep]
    return _frame(columns)


def _sorted_days(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype("datetime64[ns]")
    return out.sort_values(column, kind="stable")


def _progressed(contacts: pd.DataFrame, referrals: pd.DataFrame) -> np.ndarray:
    """Each contact's referral: the child's first referral on or after the contact and
    before the child's next later contact (NaT when none)."""
    if contacts.empty:
        return np.array([], dtype="datetime64[s]")
    left = contacts[["child_id", "contact_date"]].assign(_row=np.arange(len(contacts)))
    distinct = left[["child_id", "contact_date"]].drop_duplicates().sort_values(
        ["child_id", "contact_date"])
    distinct["_next"] = distinct.groupby("child_id")["contact_date"].shift(-1)
    left = left.merge(distinct, on=["child_id", "contact_date"], how="left")
    refs = referrals[["child_id", "referral_date"]].dropna()
    if refs.empty:
        return np.full(len(contacts), np.datetime64("NaT"), dtype="datetime64[s]")
    joined = pd.merge_asof(_sorted_days(left, "contact_date"),
                           _sorted_days(refs, "referral_date"),
                           left_on="contact_date", right_on="referral_date", by="child_id",
                           direction="forward")
    late = joined["_next"].notna() & (joined["referral_date"] >= joined["_next"])
    joined.loc[late, "referral_date"] = pd.NaT
    joined = joined.sort_values("_row")
    return joined["referral_date"].to_numpy().astype("datetime64[s]")


def _latest_referral(events: pd.DataFrame, column: str, referrals: pd.DataFrame
                     ) -> np.ndarray:
    """Each event's referral: the row's own when given, else the child's latest referral
    on or before the event (NaT when none)."""
    own = events["referral_date"].to_numpy() if "referral_date" in events else None
    found = np.full(len(events), np.datetime64("NaT"), dtype="datetime64[s]")
    refs = referrals[["child_id", "referral_date"]].dropna()
    dated = events[column].notna().to_numpy()
    if len(refs) and dated.any():
        left = events.loc[dated, ["child_id", column]].assign(_row=np.flatnonzero(dated))
        joined = pd.merge_asof(_sorted_days(left, column),
                               _sorted_days(refs, "referral_date"), left_on=column,
                               right_on="referral_date", by="child_id", direction="backward")
        found[joined["_row"].to_numpy()] = joined["referral_date"].to_numpy()
    if own is not None:
        found = np.where(np.isnat(own), found, own.astype("datetime64[s]"))
    return found


def _closures(referrals: pd.DataFrame, cin: pd.DataFrame) -> pd.DataFrame:
    """Referrals with closure date, reason and primary need of the List 6 episode that
    starts on the referral date."""
    if cin.empty:
        return referrals
    episodes = cin.drop_duplicates(["child_id", "referral_date"])
    merged = referrals.merge(episodes, on=["child_id", "referral_date"], how="left",
                             suffixes=("", "_cin"))
    return merged


def _children(lists: dict[int, ListFrame], parsed: dict[int, Parsed], dropped: Dropped
              ) -> pd.DataFrame:
    """One row per child of lists 1-10: first non-blank birth date, sex and ethnicity in
    list order."""
    parts = []
    for n in sorted(parsed):
        p = parsed[n]
        if n == 11 or not len(p.ids):
            continue
        size = len(p.ids)
        keep = p.ids != ""
        for field in ("child_id", "birth_date", "sex", "ethnicity", "uasc"):
            keep &= ~dropped[n].get(field, np.zeros(size, bool))
        parts.append(pd.DataFrame({
            "child_id": p.ids[keep],
            "_where": lists[n].locators()[keep],
            "birth_date": p.values.get("birth_date", np.full(size, np.datetime64("NaT"),
                                                             "datetime64[D]"))[keep],
            "sex": pd.Series(p.values.get("sex", np.full(size, "", object))[keep],
                             dtype=object).replace("", None),
            "ethnicity": pd.Series(p.values.get("ethnicity", np.full(size, "", object))[keep],
                                   dtype=object).replace("", None),
            "uasc": p.values.get("uasc", np.zeros(size, bool))[keep],
        }))
    if not parts:
        return tables.empty("children")
    everyone = pd.concat(parts, ignore_index=True)
    grouped = everyone.groupby("child_id", sort=False)
    out = grouped[["birth_date", "sex", "ethnicity"]].first()
    out["_where"] = grouped["_where"].first()
    out["uasc"] = grouped["uasc"].any()
    out = out.reset_index()
    out["birth_date"] = out["birth_date"].astype("datetime64[s]")
    return out


def _valid_referrals(parsed: dict[int, Parsed], dropped: Dropped) -> pd.DataFrame:
    """Every List 3 referral with a good date (a bad NFA flag does not move its date)."""
    if 3 not in parsed:
        return pd.DataFrame({"child_id": pd.Series([], dtype=object),
                             "referral_date": pd.Series([], dtype="datetime64[s]")})
    p = parsed[3]
    keep = (p.ids != "") & ~np.isnat(p.values["referral_date"])
    keep &= ~dropped[3].get("child_id", np.zeros(len(keep), bool))
    return _frame({"child_id": p.ids[keep], "referral_date": p.values["referral_date"][keep]})


def _cin(p: Parsed, dropped: dict[str, np.ndarray]) -> pd.DataFrame:
    """List 6 episodes as (child, CIN start = referral date, closure, reason, need)."""
    size = len(p.ids)
    keep = p.ids != ""
    for field in ("child_id", "cin_start", "closure_date"):
        keep &= ~dropped.get(field, np.zeros(size, bool))
    if "cin_start" not in p.values:
        keep &= False
        start = np.full(size, np.datetime64("NaT"), "datetime64[D]")
    else:
        start = p.values["cin_start"]
        keep &= ~np.isnat(start)
    blank_text = np.full(size, "", dtype=object)
    return _frame({
        "child_id": p.ids[keep],
        "referral_date": start[keep],
        "closure_date": p.values.get("closure_date", np.full(size, np.datetime64("NaT"),
                                                             "datetime64[D]"))[keep],
        "closure_reason": p.values.get("closure_reason", blank_text)[keep],
        "primary_need": p.values.get("primary_need", blank_text)[keep],
    })
