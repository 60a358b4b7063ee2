"""Write the DfE SSDA903 (CSV files) of a case model (:mod:`samples.write_returns`).

Its episodes give the periods of care (a period starts at RNE S and ends at the first REC
other than X1) and the placements (a new one at S and at every P; an L episode changes the
legal status only and continues the placement); reviews.csv holds every review. Codes are
the DfE's; fields the case model leaves blank are written as :data:`EPISODE_DEFAULTS`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from samples.write_common import (
    Tables,
    as_days,
    birth_dates,
    case_table,
    child_sex,
    require,
    uk_dates,
)
from xlkpi.indicators import tables as tb

__all__ = ["EPISODE_DEFAULTS", "OPTIONAL_HEADERS", "PROVIDERS", "SSDA903_HEADERS",
           "build_episodes", "write_ssda903"]

#: The 903 CSV files written and their headers, exactly as the DfE specifies them.
SSDA903_HEADERS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC",
                 "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
}
#: The 903 files written only when the case model has their table, and their headers.
OPTIONAL_HEADERS: dict[str, tuple[str, ...]] = {
    "oc2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR",
            "SEX_ADOPTR", "LS_ADOPTR"),
    "placed_for_adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                            "REASON_PLACED_CEASED"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
}
#: the 903 files written only when the case model has their table
_OPTIONAL = {"oc2": "health", "oc3": "care_leavers", "ad1": "adoptions",
             "placed_for_adoption": "placed_for_adoption", "missing": "missing"}

#: 903 episode fields the case model may leave blank -> the value written
EPISODE_DEFAULTS = {"legal_status": "C2", "cin": "N1", "placement": "U6",
                    "provider": "PR1", "urn": "XXXXXXX", "ceased": "E4A"}
#: placement types not with the council's own carers -> (PLACE_PROVIDER, a made-up URN);
#: the rest are own provision with no Ofsted URN (``XXXXXXX``)
PROVIDERS = {"K2": ("PR4", "SC999901"), "R1": ("PR4", "SC999902"),
             "P1": ("PR0", "XXXXXXX")}
#: the 903 RNE codes that start a new placement after the period's first episode
_PLACE_CHANGE = ("P", "T", "B", "U")
_REVIEW_CODE = "PN1"  # 903 review participation: child spoke for themselves


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
    cla = case_table(cases, "cla")
    cla["ceased"] = (raw["reason_end"].fillna("").to_numpy(dtype=object)
                     if "reason_end" in raw else "")
    require(cla, "cla", ("start_date",))
    cla = cla.sort_values(["child_id", "start_date"], kind="stable").reset_index(drop=True)
    cla["period"] = np.arange(len(cla))
    periods = cla.rename(columns={"start_date": "p_start", "end_date": "p_end"})
    plc = case_table(cases, "placements")
    require(plc, "placements", ("start_date",))
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
    end = np.where(last, p_end, as_days(nxt).astype("datetime64[s]"))
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
    """Write header.csv, episodes.csv and reviews.csv of the 903 (DfE headers, dd/mm/yyyy),
    and oc2.csv, oc3.csv, ad1.csv, placed_for_adoption.csv and missing.csv when the case
    model has ``health``, ``care_leavers``, ``adoptions``, ``placed_for_adoption`` and
    ``missing`` (:func:`_optional_files`).

    Episodes are the model's ``episodes`` table, else :func:`build_episodes` of its periods
    of care and placements. The header has one row per child with an episode or a record
    in those files (ETHNIC ``NOBT``, UPN ``UN4`` "not yet obtained", MOTHER 0 for girls);
    reviews.csv has every ``cla_reviews`` row of children with an episode. Postcodes are
    left blank (the sample has no addresses).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    episodes = (case_table(cases, "episodes") if "episodes" in cases else build_episodes(cases))
    episodes = episodes.sort_values(["child_id", "start_date"], kind="stable")
    kids = case_table(cases, "children")
    extra = [case_table(cases, table)["child_id"] for table in _OPTIONAL.values()
             if table in cases]
    ids = pd.unique(pd.concat([episodes["child_id"], *extra]))
    ids = np.asarray(sorted(ids), dtype=object)
    with_episode = pd.unique(episodes["child_id"])
    births = uk_dates(birth_dates(kids, ids))
    sex = child_sex(kids, ids, 1)
    header = {"CHILD": ids, "SEX": sex, "DOB": births, "ETHNIC": "NOBT", "UPN": "UN4",
              "MOTHER": np.where(sex == "2", "0", ""), "MC_DOB": ""}
    blank = np.full(len(episodes), "", dtype=object)
    rows = {"CHILD": episodes["child_id"], "DECOM": uk_dates(episodes["start_date"]),
            "RNE": episodes["reason_new"], "LS": episodes["legal_status"],
            "CIN": episodes["cin"], "PLACE": episodes["placement"],
            "PLACE_PROVIDER": episodes["provider"], "DEC": uk_dates(episodes["end_date"]),
            "REC": episodes["reason_end"], "REASON_PLACE_CHANGE":
            episodes["reason_place_change"], "HOME_POST": blank, "PL_POST": blank,
            "URN": episodes["urn"]}
    rv = case_table(cases, "cla_reviews")
    rv = rv[rv["child_id"].isin(with_episode)].sort_values(["child_id", "review_date"],
                                                            kind="stable")
    reviews = {"CHILD": rv["child_id"],
               "DOB": uk_dates(birth_dates(kids, rv["child_id"].to_numpy())),
               "REVIEW": uk_dates(rv["review_date"]), "REVIEW_CODE": _REVIEW_CODE}
    written = []
    files = [("header", header), ("episodes", rows), ("reviews", reviews),
             *_optional_files(cases, kids)]
    for name, columns in files:
        header = {**SSDA903_HEADERS, **OPTIONAL_HEADERS}[name]
        frame = pd.DataFrame({k: np.asarray(v, dtype=object) if not np.isscalar(v) else v
                              for k, v in columns.items()}, columns=header)
        target = folder / f"{name}.csv"
        frame.to_csv(target, index=False, lineterminator="\n")
        written.append(target)
    return written


def _ones(values) -> np.ndarray:
    return np.where(np.asarray(values, dtype=bool), "1", "0").astype(object)


def _optional_files(cases: Tables, kids: pd.DataFrame) -> list[tuple[str, dict]]:
    """The 903 files of the tables the case model has: OC2 (``health``: checks as 1/0,
    SDQ_SCORE blank below 0 with SDQ_REASON ``SDQ1``, "no form returned as the child was
    under 4"), OC3 (``care_leavers``), AD1 (``adoptions``: one adopter couple, FOSTER_CARE
    0, NB_ADOPTR 2, SEX_ADOPTR ``MF``, LS_ADOPTR ``L0`` married), placed for adoption and
    missing (MISSING ``M``/``A``)."""
    out: list[tuple[str, dict]] = []
    for name, table in _OPTIONAL.items():
        if table not in cases:
            continue
        t = case_table(cases, table)
        ids = t["child_id"].to_numpy(dtype=object)
        born = (uk_dates(t["birth_date"]) if table == "care_leavers" else
                uk_dates(birth_dates(kids, ids)))
        columns: dict = {"CHILD": ids, "DOB": born}
        if name == "oc2":
            score = t["sdq_score"].to_numpy()
            columns.update(SDQ_SCORE=np.where(score >= 0, score.astype(str), ""),
                           SDQ_REASON=np.where(score >= 0, "", "SDQ1"), CONVICTED="0",
                           HEALTH_CHECK=_ones(t["health_check"]),
                           IMMUNISATIONS=_ones(t["immunisations"]),
                           TEETH_CHECK=_ones(t["teeth_check"]), HEALTH_ASSESSMENT="1",
                           SUBSTANCE_MISUSE="0", INTERVENTION_RECEIVED="",
                           INTERVENTION_OFFERED="")
        elif name == "oc3":
            columns.update(IN_TOUCH=t["in_touch"], ACTIV=t["activity"],
                           ACCOM=t["accommodation"])
        elif name == "ad1":
            columns.update(DATE_INT=uk_dates(t["decision_date"]),
                           DATE_MATCH=uk_dates(t["match_date"]), FOSTER_CARE="0",
                           NB_ADOPTR="2", SEX_ADOPTR="MF", LS_ADOPTR="L0")
        elif name == "placed_for_adoption":
            columns.update(DATE_PLACED=uk_dates(t["placed_date"]),
                           DATE_PLACED_CEASED=uk_dates(t["ceased_date"]),
                           REASON_PLACED_CEASED=t["ceased_reason"])
        else:
            columns.update(MISSING=t["kind"], MIS_START=uk_dates(t["start_date"]),
                           MIS_END=uk_dates(t["end_date"]))
        out.append((name, columns))
    return out
