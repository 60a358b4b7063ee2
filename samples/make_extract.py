"""Write samples/extract/: a synthetic case-level extract of a council (no real children).

The files and columns are the input of ``xlkpi indicators`` (referrals, assessments,
s47, cp_plans, cla, contacts, placements, cp_visits, cla_reviews), two years to the end
of January 2024 for a council with 36,100 children aged 0-17, at volumes like the seed
reports' (about 500 referrals a year per 10,000 children). Seeded: the same files on
every machine. Rerun with ``python samples/make_extract.py``.

It then writes samples/returns/ from the same cases: the CIN census XML, the SSDA903 files
and the Annex A workbook the same council would make (:func:`returns_cases` turns the
extract into the case model, :mod:`samples.write_returns` writes the returns).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from samples.write_returns import (
    build_episodes,
    write_annex_a,
    write_cin_census,
    write_ssda903,
)

SEED = 2024
POPULATION = 36_100
FIRST, LAST = np.datetime64("2022-02-01"), np.datetime64("2024-01-31")
DAYS = int((LAST - FIRST).astype(int)) + 1
OUT = Path(__file__).resolve().parent / "extract"
TEAMS = np.array(["East", "North", "South", "City"])
SOURCES = np.array(["Police", "Education", "Health", "Council", "Public", "Other LA"])
#: the extract files as written (text), for the returns written from the same cases
WRITTEN: dict[str, pd.DataFrame] = {}


def _days(rng: np.random.Generator, n: int, low: int = 0, high: int = DAYS) -> np.ndarray:
    return FIRST + rng.integers(low, high, n).astype("timedelta64[D]")


def _text(days: np.ndarray) -> np.ndarray:
    """Dates as analysts' extracts hold them: dd/mm/yyyy, blank for none."""
    out = pd.Series(pd.to_datetime(days)).dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
    out[np.isnat(days)] = ""
    return out


def _write(name: str, columns: dict[str, np.ndarray]) -> None:
    frame = pd.DataFrame(columns)
    frame.to_csv(OUT / name, index=False)
    WRITTEN[name.removesuffix(".csv")] = frame
    print(f"{OUT.name}/{name}: {len(frame):,} rows")


def _episodes(rng: np.random.Generator, n: int, earlier: int, length: tuple[float, float],
              children: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` episodes (plans, periods in care): starts from ``earlier`` days before the
    extract's first day, gamma(shape, scale) days long, open (NaT) when they end after the
    last day; and the child of each, drawn from the ``children`` index range."""
    start = FIRST - np.timedelta64(earlier, "D") + rng.integers(
        0, DAYS + earlier, n).astype("timedelta64[D]")
    end = start + rng.gamma(*length, n).astype(int).astype("timedelta64[D]")
    end[end > LAST] = np.datetime64("NaT")
    return start, end, rng.integers(*children, n)


# ---------------------------------------------------------------- the same cases as returns

RETURNS = Path(__file__).resolve().parent / "returns"
CENSUS_REFERENCE = "2024-03-31"  # the 2023-24 census
#: extract source -> CIN census referral source code
SOURCE_CODES = {"Police": "6", "Education": "2A", "Health": "3A", "Council": "5A",
                "Public": "1A", "Other LA": "5C"}
NEEDS = (np.array(["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"]),
         np.array([0.45, 0.08, 0.05, 0.12, 0.15, 0.05, 0.02, 0.08]))
CATEGORIES = (np.array(["NEG", "EMO", "PHY", "SAB", "MUL"]),
              np.array([0.5, 0.34, 0.08, 0.04, 0.04]))
LEGAL = (np.array(["C2", "V2", "C1", "E1"]), np.array([0.35, 0.3, 0.3, 0.05]))
PLACES = (np.array(["U1", "U3", "U4", "U5", "U6", "R1", "K2", "P1"]),
          np.array([0.08, 0.1, 0.12, 0.2, 0.3, 0.04, 0.12, 0.04]))
_OPEN = np.datetime64("2100-01-01")  # an open end, for comparisons


def _as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """An extract frame with its dd/mm/yyyy text dates as datetime64[s] (NaT for blank)."""
    out = frame.copy()
    for col in out.columns:
        if col.endswith("_date"):
            out[col] = pd.to_datetime(out[col], format="%d/%m/%Y",
                                      errors="coerce").astype("datetime64[s]")
    return out


def _latest_before(events: pd.DataFrame, on: str, refs: pd.DataFrame) -> np.ndarray:
    """Each event's child's latest referral on or before ``on`` (NaT when none)."""
    left = events[["child_id", on]].assign(_row=np.arange(len(events)))
    found = pd.merge_asof(left.sort_values(on), refs[["child_id", "referral_date"]]
                          .sort_values("referral_date"), left_on=on,
                          right_on="referral_date", by="child_id", direction="backward")
    out = np.full(len(events), np.datetime64("NaT"), dtype="datetime64[s]")
    out[found["_row"].to_numpy()] = found["referral_date"].to_numpy()
    return out


def _enclosing(refs: pd.DataFrame, orphans: pd.DataFrame,
               rng: np.random.Generator) -> pd.DataFrame:
    """A referral for each child whose enquiries or plans come before any of its referrals
    (the census files them under a CINdetails): dated before the extract's first day and
    over 12 months before the child's first referral, so no re-referral count changes."""
    first = refs.groupby("child_id")["referral_date"].min()
    earliest = orphans.groupby("child_id")["date"].min()
    limit = pd.Series(pd.DatetimeIndex(first.reindex(earliest.index))
                      - pd.DateOffset(months=12) - pd.Timedelta(days=1))
    day = np.minimum(earliest.to_numpy() - np.timedelta64(14, "D"),
                     np.datetime64(FIRST - 1, "s"))
    day = np.where(limit.isna(), day, np.minimum(day, limit.to_numpy(dtype="datetime64[s]")))
    day = day - rng.integers(0, 60, len(day)).astype("timedelta64[D]")
    return pd.DataFrame({"child_id": earliest.index.to_numpy(dtype=object),
                         "referral_date": day.astype("datetime64[s]")})


def _split_overlaps(cla: pd.DataFrame) -> pd.DataFrame:
    """Periods of care that do not overlap: where a child's periods overlap in the extract,
    each ends when the next starts and the last runs to the latest end among them (the
    children looked after at each month end stay the same; a return cannot hold two
    periods of one child at once)."""
    cla = cla.sort_values(["child_id", "start_date"]).reset_index(drop=True)
    end = cla["end_date"].fillna(pd.Timestamp(_OPEN)).astype("datetime64[s]")
    child = cla["child_id"]
    reach = end.groupby(child).cummax()
    prior = reach.groupby(child).shift()
    cluster = (prior.isna() | (cla["start_date"] >= prior)).cumsum()
    cluster_end = end.groupby(cluster).transform("max")
    nxt = cla["start_date"].groupby(cluster).shift(-1)
    new_end = np.where(nxt.isna(), cluster_end, nxt).astype("datetime64[s]")
    new_end[new_end == _OPEN] = np.datetime64("NaT")
    return cla.assign(end_date=new_end)


def _placements(plc: pd.DataFrame, cla: pd.DataFrame, rng: np.random.Generator
                ) -> pd.DataFrame:
    """Placements that do not overlap, inside the periods of ``cla``: each ends at the next
    placement or period start of the child, the last of a period at the period's end."""
    cuts = pd.concat([plc[["child_id", "start_date"]], cla[["child_id", "start_date"]]])
    cuts = cuts.drop_duplicates().sort_values(["child_id", "start_date"])
    cuts["next_cut"] = cuts.groupby("child_id")["start_date"].shift(-1)
    plc = plc.drop_duplicates(["child_id", "start_date"]).merge(
        cuts, on=["child_id", "start_date"])
    periods = cla.rename(columns={"start_date": "p_start", "end_date": "p_end"})
    plc = pd.merge_asof(plc.sort_values("start_date"), periods.sort_values("p_start")[
        ["child_id", "p_start", "p_end"]], left_on="start_date", right_on="p_start",
        by="child_id", direction="backward")
    inside = plc["p_start"].notna() & (plc["p_end"].isna() | (plc["start_date"] < plc["p_end"]))
    plc = plc[inside]
    stop = plc["next_cut"].where(plc["next_cut"].notna() & (
        plc["p_end"].isna() | (plc["next_cut"] < plc["p_end"])), plc["p_end"])
    plc = plc.assign(end_date=stop.astype("datetime64[s]"))
    plc = plc.sort_values(["child_id", "start_date"]).reset_index(drop=True)
    return pd.DataFrame({"child_id": plc["child_id"], "start_date": plc["start_date"],
                         "end_date": plc["end_date"],
                         "placement": rng.choice(PLACES[0], len(plc), p=PLACES[1])})


def _repeated(start: np.ndarray, stop: np.ndarray, first: tuple[int, int],
              gap: tuple[int, int], rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Events every ``gap`` days (a range) from ``first`` days after each start, up to its
    stop: (row of the start, date) per event."""
    rows, days = [], []
    day = start + rng.integers(*first, len(start)).astype("timedelta64[D]")
    live = np.arange(len(start))
    while len(live):  # a few dozen rounds, each over every row still going
        keep = day[live] <= stop[live]
        live = live[keep]
        rows.append(live)
        days.append(day[live])
        day[live] = day[live] + rng.integers(*gap, len(live)).astype("timedelta64[D]")
    return np.concatenate(rows), np.concatenate(days)


def returns_cases(extract: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame],
                                                             pd.DataFrame]:
    """The case model of the extract (and its legal-status changes) for the returns.

    The extract's tables as they are, with what the returns hold besides (seeded): each
    referral's source, need, closure and NFA flag; an assessment starts on its referral
    day; each enquiry belongs to the child's latest referral on or before it (or to an
    enclosing referral, see :func:`_enclosing`); plan categories, previous plans and review
    conferences; periods of care and placements made non-overlapping (:func:`_split_overlaps`);
    legal statuses (an interim care order often becomes a full one during the first
    placement); social work visits to children looked after; birth dates and sex.
    """
    rng = np.random.default_rng(SEED + 1)
    x = {name: _as_days(frame) for name, frame in extract.items()}
    last = np.datetime64(LAST, "s")
    contacts = x["contacts"][["child_id", "contact_date", "referral_date"]].assign(
        source=x["contacts"]["source"].map(SOURCE_CODES))
    refs = x["referrals"][["child_id", "referral_date", "team"]]
    s47 = x["s47"][["child_id", "strategy_date", "icpc_date", "team"]].copy()
    s47["referral_date"] = _latest_before(s47, "strategy_date", refs)
    plans = x["cp_plans"][["child_id", "start_date", "end_date", "team"]].copy()
    plan_ref = _latest_before(plans, "start_date", refs)
    orphans = pd.concat([
        pd.DataFrame({"child_id": s47["child_id"], "date": s47["strategy_date"]})[
            np.isnat(s47["referral_date"].to_numpy())],
        pd.DataFrame({"child_id": plans["child_id"], "date": plans["start_date"]})[
            np.isnat(plan_ref)]])
    refs = pd.concat([refs, _enclosing(refs, orphans, rng)], ignore_index=True)
    s47["referral_date"] = _latest_before(s47, "strategy_date", refs)
    s47["icpc_not_required"] = s47["icpc_date"].isna() & (
        s47["strategy_date"] < last - np.timedelta64(30, "D"))
    plans = plans.sort_values(["child_id", "start_date"]).reset_index(drop=True)
    plans["previous_plans"] = plans.groupby("child_id").cumcount()
    initial = rng.choice(CATEGORIES[0], len(plans), p=CATEGORIES[1])
    plans["initial_category"] = initial
    plans["latest_category"] = np.where(rng.random(len(plans)) < 0.85, initial,
                                        rng.choice(CATEGORIES[0], len(plans), p=CATEGORIES[1]))
    assessments = x["assessments"][["child_id", "referral_date", "authorised_date",
                                    "team"]].assign(
        start_date=x["assessments"]["referral_date"])
    refs = _referral_details(refs, contacts, assessments, s47, plans, rng)
    plan_stop = plans["end_date"].fillna(pd.Timestamp(last)).to_numpy(dtype="datetime64[s]")
    row, day = _repeated(plans["start_date"].to_numpy(), np.minimum(plan_stop, last),
                         (80, 92), (170, 183), rng)
    cp_reviews = pd.DataFrame({"child_id": plans["child_id"].to_numpy()[row],
                               "plan_start": plans["start_date"].to_numpy()[row],
                               "review_date": day})
    cla = _split_overlaps(x["cla"][["child_id", "start_date", "end_date", "team"]])
    cla["legal_status"] = rng.choice(LEGAL[0], len(cla), p=LEGAL[1])
    placements = _placements(x["placements"], cla, rng)
    legal = _legal_changes(cla, placements, rng)
    cla_stop = np.minimum(cla["end_date"].fillna(pd.Timestamp(last)).to_numpy(
        dtype="datetime64[s]"), last)
    row, day = _repeated(cla["start_date"].to_numpy(), cla_stop, (3, 10), (28, 43), rng)
    cla_visits = pd.DataFrame({"child_id": cla["child_id"].to_numpy()[row],
                               "visit_date": day})
    cases = {"contacts": contacts, "referrals": refs, "assessments": assessments,
             "s47": s47, "cp_plans": plans, "cp_reviews": cp_reviews,
             "cp_visits": x["cp_visits"], "cla": cla, "placements": placements,
             "cla_reviews": x["cla_reviews"], "cla_visits": cla_visits}
    cases["children"] = _children(cases, rng)
    return cases, legal


def _referral_details(refs: pd.DataFrame, contacts: pd.DataFrame, assessments: pd.DataFrame,
                      s47: pd.DataFrame, plans: pd.DataFrame,
                      rng: np.random.Generator) -> pd.DataFrame:
    """Each referral's source (its contact's, else drawn), NFA flag (nothing came of it),
    primary need and closure (28 days after its last event once all are over)."""
    refs = refs.sort_values(["child_id", "referral_date"], kind="stable").reset_index(
        drop=True)  # the extract's four same-day repeats are kept, as the extract has them
    via = contacts.dropna(subset=["referral_date"]).drop_duplicates(
        ["child_id", "referral_date"])[["child_id", "referral_date", "source"]]
    refs = refs.merge(via, how="left", on=["child_id", "referral_date"])
    drawn = rng.choice(list(SOURCE_CODES.values()), len(refs))
    refs["source"] = refs["source"].fillna(pd.Series(drawn, index=refs.index))
    last = np.datetime64(LAST, "s")
    plan_ref = _latest_before(plans, "start_date", refs)
    events = pd.concat([
        pd.DataFrame({"child_id": assessments["child_id"], "referral_date":
                      assessments["referral_date"], "end": assessments["authorised_date"]}),
        pd.DataFrame({"child_id": s47["child_id"], "referral_date": s47["referral_date"],
                      "end": s47["icpc_date"].fillna(s47["strategy_date"])}),
        pd.DataFrame({"child_id": plans["child_id"], "referral_date": plan_ref,
                      "end": plans["end_date"], "plan": True})])
    events["open"] = events["end"].isna()
    summary = events.groupby(["child_id", "referral_date"]).agg(
        end=("end", "max"), open=("open", "any"), plan=("plan", "any")).reset_index()
    refs = refs.merge(summary, how="left", on=["child_id", "referral_date"])
    nfa = refs["open"].isna().to_numpy()
    closure = (refs["end"] + pd.Timedelta(days=28)).where(~refs["open"].fillna(False).astype(
        bool))
    closure = closure.where(closure <= pd.Timestamp(last))
    closure[nfa] = refs["referral_date"][nfa]
    need = rng.choice(NEEDS[0], len(refs), p=NEEDS[1])
    return pd.DataFrame({
        "child_id": refs["child_id"], "referral_date": refs["referral_date"],
        "closure_date": closure.astype("datetime64[s]"), "nfa": nfa,
        "source": refs["source"],
        "primary_need": np.where(nfa, "", np.where(refs["plan"].fillna(False).astype(bool),
                                                   "N1", need)),
        "closure_reason": np.where(nfa, "RC8", np.where(closure.isna(), "", "RC7")),
        "team": refs["team"].fillna("").to_numpy(dtype=object)})


def _legal_changes(cla: pd.DataFrame, placements: pd.DataFrame,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Interim care orders (C1) that become full care orders (C2) halfway through the
    period's first placement, for about two thirds of them."""
    first = placements.drop_duplicates(["child_id", "start_date"]).merge(
        cla[["child_id", "start_date", "legal_status"]], on=["child_id", "start_date"])
    stop = first["end_date"].fillna(pd.Timestamp(LAST)).clip(upper=pd.Timestamp(LAST))
    length = (stop - first["start_date"]).dt.days.to_numpy()
    pick = (first["legal_status"].to_numpy() == "C1") & (length >= 20) & (
        rng.random(len(first)) < 0.65)
    day = first["start_date"].to_numpy() + (length // 2).astype("timedelta64[D]")
    return pd.DataFrame({"child_id": first["child_id"].to_numpy()[pick],
                         "date": day[pick].astype("datetime64[s]"), "legal_status": "C2"})


def _children(cases: dict[str, pd.DataFrame], rng: np.random.Generator) -> pd.DataFrame:
    """Every child of the cases: born 2 months to 13 years before their first event (so
    under 18 throughout the two years), sex 1 or 2."""
    dated = [pd.DataFrame({"child_id": frame["child_id"], "day": frame[col]})
             for frame in cases.values() for col in frame.columns
             if col.endswith("_date") or col == "plan_start"]
    first = pd.concat(dated).dropna().groupby("child_id")["day"].min()
    born = first.to_numpy(dtype="datetime64[s]") - rng.integers(
        60, 13 * 365, len(first)).astype("timedelta64[D]")
    return pd.DataFrame({"child_id": first.index.to_numpy(dtype=object),
                         "birth_date": born.astype("datetime64[s]"),
                         "sex": rng.choice(["1", "2"], len(first))})


#: the extract's teams as the returns name them ("Allocated Team"): the synthetic council's
#: four teams are seed 000's areas, so the city scorecard's area columns fill
TEAM_AREAS = {"East": "EAST", "North": "NWC", "South": "SOUTH", "City": "MASH"}
#: 903 OC3 codes (care leavers): IN_TOUCH, ACTIV (F full-time, P part-time education,
#: training or employment; G NEET), ACCOM type letters (then 1 suitable, 2 not)
IN_TOUCH = (np.array(["YES", "NO", "REFU", "NREQ", "DIED"]),
            np.array([0.86, 0.05, 0.04, 0.04, 0.01]))
ACTIV = (np.array(["F1", "F2", "F3", "P1", "P2", "G4", "G5", "G6", "0"]),
         np.array([0.08, 0.22, 0.12, 0.06, 0.08, 0.1, 0.26, 0.04, 0.04]))
ACCOM = np.array(["B", "C", "D", "E", "G", "H", "K", "R", "S", "T", "U", "V", "W", "X",
                  "Y", "Z"])
_DAY = np.timedelta64(1, "D")


def _offsets(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    return rng.integers(low, high, n).astype("timedelta64[D]")


def _cin_plans(cases: dict[str, pd.DataFrame], rng: np.random.Generator) -> pd.DataFrame:
    """CIN plans (CIN census CINPlanDates) for about 60% of the referrals that were not NFA
    and whose assessment was authorised with no child protection plan of the child
    following: from a few days after the authorisation to a few days before the referral's
    closure (open while the referral is)."""
    refs, plans = cases["referrals"], cases["cp_plans"]
    done = cases["assessments"].dropna(subset=["authorised_date"]).drop_duplicates(
        ["child_id", "referral_date"])[["child_id", "referral_date", "authorised_date"]]
    c = refs[~refs["nfa"]].merge(done, on=["child_id", "referral_date"])
    on_plan = c["child_id"].isin(plans["child_id"])
    c = c[~on_plan & (rng.random(len(c)) < 0.6)].reset_index(drop=True)
    start = c["authorised_date"].to_numpy(dtype="datetime64[s]") + _offsets(rng, 0, 15, len(c))
    closure = c["closure_date"].to_numpy(dtype="datetime64[s]")
    end = closure - _offsets(rng, 0, 14, len(c))
    keep = (start <= np.datetime64(LAST, "s")) & (np.isnat(closure) | (end >= start))
    return pd.DataFrame({"child_id": c["child_id"], "referral_date": c["referral_date"],
                         "start_date": start, "end_date": end})[keep].reset_index(drop=True)


def _adoptions(cases: dict[str, pd.DataFrame], legal: pd.DataFrame,
               rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """About a third of the periods of care that ended in the sample's months after a year
    or more, with two placements or more, end in adoption (REC E11, or E12 contested): the
    last placement is the adoptive one (PLACE A5, placement order; A6, consent, for about
    one in six), matched 1 to 9 weeks before it, the placement order (legal status E1,
    903 episode L) 1 to 7 months before the match, the decision that the child should be
    placed for adoption 3 to 17 weeks before that. Changes ``cases`` (``cla.reason_end``,
    placement types); returns the AD1/placed-for-adoption records and the legal changes
    with the placement orders."""
    cla, plc = cases["cla"], cases["placements"]
    start = cla["start_date"].to_numpy(dtype="datetime64[D]")
    end = cla["end_date"].to_numpy(dtype="datetime64[D]")
    long = ~np.isnat(end) & (end >= np.datetime64("2022-03-01")) & (end - start >= 365 * _DAY)
    rows = np.flatnonzero(long & (rng.random(len(cla)) < 0.35))
    pstart = plc["start_date"].to_numpy(dtype="datetime64[D]")
    records, orders = [], []
    reason_end = np.full(len(cla), "", dtype=object)
    for row in rows:  # a few dozen periods
        child = cla["child_id"].iat[row]
        inside = np.flatnonzero((plc["child_id"].to_numpy() == child) & (pstart > start[row])
                                & (pstart < end[row]))
        if not len(inside):
            continue
        last = inside[np.argmax(pstart[inside])]
        placed = pstart[last]
        match = max(placed - int(rng.integers(7, 63)) * _DAY, start[row] + 2 * _DAY)
        consent = rng.random() < 1 / 6
        order = max(match - int(rng.integers(30, 210)) * _DAY, start[row] + _DAY)
        decided = max((match if consent else order) - int(rng.integers(20, 120)) * _DAY,
                      start[row])
        plc.loc[last, "placement"] = "A6" if consent else "A5"
        reason_end[row] = "E12" if rng.random() < 0.2 else "E11"
        records.append((child, decided, match))
        if not consent and order < match:
            orders.append((child, order))
    cases["cla"] = cla.assign(reason_end=reason_end)
    adoptions = pd.DataFrame(records, columns=["child_id", "decision_date", "match_date"])
    for col in ("decision_date", "match_date"):
        adoptions[col] = adoptions[col].astype("datetime64[s]")
    changes = pd.DataFrame(orders, columns=["child_id", "date"]).assign(legal_status="E1")
    changes["date"] = changes["date"].astype("datetime64[s]")
    legal = pd.concat([legal, changes], ignore_index=True)
    # a placement order on the day of another legal change replaces it
    legal = legal.drop_duplicates(["child_id", "date"], keep="last").reset_index(drop=True)
    return adoptions, legal


def _looked_after_records(cases: dict[str, pd.DataFrame], rng: np.random.Generator
                          ) -> dict[str, pd.DataFrame]:
    """The 903's OC2 (children looked after for 12 months or more at the extract date:
    health and dental checks, immunisations, SDQ from age 4), OC3 (care leavers aged 17 to
    21, new children of the sample: in touch, activity, accommodation) and missing
    episodes (about one period of care in five: 1 to 6 episodes, four in five missing,
    the rest away without authorisation, back within 4 days)."""
    cla, kids = cases["cla"], cases["children"]
    last = np.datetime64(LAST, "D")
    start = cla["start_date"].to_numpy(dtype="datetime64[D]")
    end = cla["end_date"].to_numpy(dtype="datetime64[D]")
    long = np.isnat(end) & (start <= last - 365 * _DAY)
    ids = pd.unique(cla["child_id"].to_numpy(dtype=object)[long])
    n = len(ids)
    born = kids.set_index("child_id")["birth_date"].reindex(ids).to_numpy(
        dtype="datetime64[D]")
    sdq = np.where((last - born) >= 4 * 365 * _DAY, rng.integers(0, 35, n), -1)
    health = pd.DataFrame({"child_id": ids, "health_check": rng.random(n) < 0.9,
                           "teeth_check": rng.random(n) < 0.8,
                           "immunisations": rng.random(n) < 0.85, "sdq_score": sdq})
    m = 90
    leavers = np.array([f"SYN{k:06d}" for k in range(12_000, 12_000 + m)], dtype=object)
    year_end = np.datetime64("2024-03-31", "D")
    leaver_born = year_end - (rng.integers(17, 22, m) * 365 + rng.integers(0, 365, m)) * _DAY
    touch = rng.choice(IN_TOUCH[0], m, p=IN_TOUCH[1])
    known = np.isin(touch, ["YES"])
    activ = np.where(known, rng.choice(ACTIV[0], m, p=ACTIV[1]), "0")
    accom = np.where(known, np.char.add(rng.choice(ACCOM, m).astype(str),
                                        np.where(rng.random(m) < 0.88, "1", "2")), "0")
    care_leavers = pd.DataFrame({"child_id": leavers,
                                 "birth_date": leaver_born.astype("datetime64[s]"),
                                 "in_touch": touch, "activity": activ,
                                 "accommodation": accom})
    cases["children"] = pd.concat([kids, pd.DataFrame({
        "child_id": leavers, "birth_date": leaver_born.astype("datetime64[s]"),
        "sex": rng.choice(["1", "2"], m)})], ignore_index=True)
    lo = np.maximum(start, np.datetime64(FIRST, "D"))
    hi = np.minimum(np.where(np.isnat(end), last, end), last)
    who = np.flatnonzero((hi > lo) & (rng.random(len(cla)) < 0.2))
    times = rng.integers(1, 7, len(who))
    row = np.repeat(who, times)
    span = (hi[row] - lo[row]).astype(np.int64)
    begin = lo[row] + (rng.random(len(row)) * span).astype(np.int64) * _DAY
    back = np.minimum(begin + rng.integers(0, 5, len(row)) * _DAY, hi[row])
    missing = pd.DataFrame({"child_id": cla["child_id"].to_numpy(dtype=object)[row],
                            "kind": np.where(rng.random(len(row)) < 0.8, "M", "A"),
                            "start_date": begin.astype("datetime64[s]"),
                            "end_date": back.astype("datetime64[s]")})
    missing = missing.drop_duplicates(["child_id", "start_date"]).sort_values(
        ["child_id", "start_date"], kind="stable").reset_index(drop=True)
    return {"health": health, "care_leavers": care_leavers, "missing": missing}


def more_cases(cases: dict[str, pd.DataFrame], legal: pd.DataFrame
               ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """What the returns carry besides the extract (seeded apart, so the extract's cases
    draw the same): teams named as areas, CIN plans, adoptions (:func:`_adoptions`), the
    903's health, care leaver and missing records (:func:`_looked_after_records`), and
    visits to children on CIN plans (:func:`_cin_visits`)."""
    rng = np.random.default_rng(SEED + 2)
    for frame in cases.values():
        if "team" in frame:
            frame["team"] = frame["team"].map(TEAM_AREAS).fillna("")
    cases["cin_plans"] = _cin_plans(cases, rng)
    adoptions, legal = _adoptions(cases, legal, rng)
    cases["adoptions"] = adoptions
    cases["placed_for_adoption"] = pd.DataFrame({
        "child_id": adoptions["child_id"], "placed_date": adoptions["decision_date"],
        "ceased_date": pd.Series(np.full(len(adoptions), np.datetime64("NaT"),
                                         dtype="datetime64[s]")), "ceased_reason": ""})
    cases.update(_looked_after_records(cases, rng))
    cases["cin_visits"] = _cin_visits(cases["cin_plans"], np.random.default_rng(SEED + 3))
    return cases, legal


def _cin_visits(cin_plans: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Visits to children on CIN plans (Annex A List 6 "Date Child Was Last Seen"): the
    first 2 to 12 days into the plan, then every 18 to 40 days while it is open."""
    stop = np.minimum(cin_plans["end_date"].fillna(pd.Timestamp(LAST)).to_numpy(
        dtype="datetime64[s]"), np.datetime64(LAST, "s"))
    row, day = _repeated(cin_plans["start_date"].to_numpy(dtype="datetime64[s]"), stop,
                         (2, 12), (18, 40), rng)
    return pd.DataFrame({"child_id": cin_plans["child_id"].to_numpy()[row], "visit_date": day})


def write_returns(extract: dict[str, pd.DataFrame]) -> None:
    """samples/returns/: cin_census.xml, ssda903/*.csv and annex_a.xlsx of the extract."""
    cases, legal = more_cases(*returns_cases(extract))
    cases["episodes"] = build_episodes(cases, legal)
    RETURNS.mkdir(exist_ok=True)
    written = [write_cin_census(cases, RETURNS / "cin_census.xml", CENSUS_REFERENCE),
               *write_ssda903(cases, RETURNS / "ssda903"),
               write_annex_a(cases, RETURNS / "annex_a.xlsx", str(LAST))]
    for path in written:
        print(f"{path.relative_to(RETURNS.parent)}: {path.stat().st_size:,} bytes")


def main() -> None:
    rng = np.random.default_rng(SEED)
    OUT.mkdir(exist_ok=True)
    children = np.array([f"SYN{n:06d}" for n in range(12_000)])

    # contacts: about four per referral; a quarter progress to a referral within 3 days
    n_contacts = 7_200
    contact_day = _days(rng, n_contacts)
    contact_child = rng.integers(0, 6_000, n_contacts)
    progressed = rng.random(n_contacts) < 0.24
    contact_referral = np.where(progressed, contact_day + rng.integers(
        0, 3, n_contacts).astype("timedelta64[D]"), np.datetime64("NaT"))
    _write("contacts.csv", {"child_id": children[contact_child],
                            "contact_date": _text(contact_day),
                            "referral_date": _text(contact_referral),
                            "source": rng.choice(SOURCES, n_contacts)})

    # referrals: the progressed contacts plus direct ones; a child referred again soon
    # is a re-referral (about 22%)
    ref_day = np.concatenate([contact_referral[progressed], _days(rng, 1_900)])
    ref_child = np.concatenate([contact_child[progressed], rng.integers(0, 6_000, 1_900)])
    again = rng.random(ref_day.size) < 0.12
    ref_child[again] = rng.choice(ref_child, again.sum())
    ref_team = rng.choice(TEAMS, ref_day.size)
    _write("referrals.csv", {"child_id": children[ref_child], "referral_date": _text(ref_day),
                             "team": ref_team})

    # assessments: 85% of referrals; 45 working days is about 63 calendar days
    pick = rng.random(ref_day.size) < 0.85
    took = rng.gamma(6.0, 9.5, pick.sum()).astype(int)
    authorised = ref_day[pick] + took.astype("timedelta64[D]")
    authorised[authorised > LAST] = np.datetime64("NaT")
    _write("assessments.csv", {"child_id": children[ref_child[pick]],
                               "referral_date": _text(ref_day[pick]),
                               "authorised_date": _text(authorised),
                               "team": ref_team[pick]})

    # s47 enquiries: about 140 a year per 10,000; ICPC for a third, mostly in 15 WD
    n_s47 = 1_000
    strategy = _days(rng, n_s47)
    icpc = strategy + rng.gamma(4.0, 4.2, n_s47).astype(int).astype("timedelta64[D]")
    icpc[(rng.random(n_s47) > 0.35) | (icpc > LAST)] = np.datetime64("NaT")
    s47_child = rng.integers(0, 6_000, n_s47)
    _write("s47.csv", {"child_id": children[s47_child], "strategy_date": _text(strategy),
                       "icpc_date": _text(icpc), "team": rng.choice(TEAMS, n_s47)})

    # child protection plans: about 40 per 10,000 open at a time; some over two years
    n_cp = 420
    cp_start, cp_end, cp_child = _episodes(rng, n_cp, 400, (2.2, 150), (6_000, 8_000))
    _write("cp_plans.csv", {"child_id": children[cp_child], "start_date": _text(cp_start),
                            "end_date": _text(cp_end), "team": rng.choice(TEAMS, n_cp)})

    # visits to children on plans: every 5 to 30 days while the plan is open
    open_days = (np.where(np.isnat(cp_end), LAST, cp_end) - np.maximum(cp_start, FIRST))
    visits_each = np.maximum(open_days.astype(int) // 16, 0)
    plan = np.repeat(np.arange(n_cp), visits_each)
    step = rng.integers(5, 30, plan.size)
    start_of = np.maximum(cp_start, FIRST)[plan]
    order = np.arange(plan.size) - np.repeat(np.cumsum(visits_each) - visits_each, visits_each)
    visit = start_of + (order * 16 + step % 16).astype("timedelta64[D]")
    _write("cp_visits.csv", {"child_id": children[cp_child[plan]], "visit_date": _text(visit)})

    # looked-after children: about 65 per 10,000; 1 to 4 placements each
    n_cla = 520
    cla_start, cla_end, cla_child = _episodes(rng, n_cla, 700, (2.0, 300), (8_000, 12_000))
    _write("cla.csv", {"child_id": children[cla_child], "start_date": _text(cla_start),
                       "end_date": _text(cla_end), "team": rng.choice(TEAMS, n_cla)})
    moves = rng.choice([1, 1, 1, 2, 2, 3, 4], n_cla)
    episode = np.repeat(np.arange(n_cla), moves)
    length = (np.where(np.isnat(cla_end), LAST, cla_end) - cla_start).astype(int)[episode]
    part = np.arange(episode.size) - np.repeat(np.cumsum(moves) - moves, moves)
    p_start = cla_start[episode] + (length * part // moves[episode]).astype("timedelta64[D]")
    p_end = cla_start[episode] + (length * (part + 1) // moves[episode]).astype(
        "timedelta64[D]")
    last_part = part == moves[episode] - 1
    p_end = np.where(last_part, cla_end[episode], p_end)
    _write("placements.csv", {"child_id": children[cla_child[episode]],
                              "start_date": _text(p_start), "end_date": _text(p_end)})

    # reviews: first about 20 working days in, then about 3 and 6 monthly, a few late
    first = cla_start + rng.integers(14, 32, n_cla).astype("timedelta64[D]")
    reviews = [first]
    for gap in (90, 180, 180, 180, 180, 180, 180):
        reviews.append(reviews[-1] + (gap + rng.integers(-10, 12, n_cla)).astype(
            "timedelta64[D]"))
    review = np.concatenate(reviews)
    child = np.tile(cla_child, len(reviews))
    ended = np.tile(np.where(np.isnat(cla_end), LAST, cla_end), len(reviews))
    keep = (review <= ended) & (review <= LAST)
    _write("cla_reviews.csv", {"child_id": children[child[keep]],
                               "review_date": _text(review[keep])})
    write_returns(WRITTEN)


if __name__ == "__main__":
    main()
