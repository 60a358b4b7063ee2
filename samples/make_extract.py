"""Write samples/extract/: a synthetic case-level extract of a council (no real children).

The files and columns are the input of ``xlkpi indicators`` (referrals, assessments,
s47, cp_plans, cla, contacts, placements, cp_visits, cla_reviews), two years to the end
of January 2024 for a council with 36,100 children aged 0-17, at volumes like the seed
reports' (about 500 referrals a year per 10,000 children). Seeded: the same files on
every machine. Rerun with ``python samples/make_extract.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2024
POPULATION = 36_100
FIRST, LAST = np.datetime64("2022-02-01"), np.datetime64("2024-01-31")
DAYS = int((LAST - FIRST).astype(int)) + 1
OUT = Path(__file__).resolve().parent / "extract"
TEAMS = np.array(["East", "North", "South", "City"])
SOURCES = np.array(["Police", "Education", "Health", "Council", "Public", "Other LA"])


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


if __name__ == "__main__":
    main()
