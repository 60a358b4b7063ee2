"""COUNTIFS, SUMIFS, AVERAGEIFS, MAXIFS and MINIFS given a column of criteria (500
summary rows filled down) are computed in one pass over the ranges (issue 21). Each
row's answer must be what the same function gives for that row's criteria alone (the
per-criterion path, itself checked against Excel's saved answers in make test-compat)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkpi.workbook.conditional import FUNCTIONS
from xlkpi.workbook.excel_functions import EMPTY, xl_error
from xlkpi.workbook.xlvalues import Array

_CELLS = st.one_of(st.sampled_from(["North", "north", "South", "23", "", "x*"]),
                   st.sampled_from([0.0, 1.0, 23.0, 45.0, 46.0, -2.5]),
                   st.booleans(), st.just(EMPTY), st.just(xl_error("#N/A")))
_CRITERIA = st.one_of(st.sampled_from(["North", "SOUTH", "23", "<=45", ">0", "<>North",
                                       "n*", "", "=", "#N/A", "TRUE"]),
                      st.sampled_from([23.0, 0.0, 45.0]), st.booleans(), st.just(EMPTY))


def _range(values: list[Any]) -> Array:
    out = np.empty((len(values), 1), dtype=object)
    out[:, 0] = values
    return out.view(Array)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))
    return str(a) == str(b)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(
    st.lists(_CELLS, min_size=n, max_size=n), st.lists(_CELLS, min_size=n, max_size=n),
    st.lists(_CELLS, min_size=n, max_size=n))),
    st.lists(st.tuples(_CRITERIA, _CRITERIA), min_size=2, max_size=8),
    st.sampled_from(["COUNTIFS", "SUMIFS", "AVERAGEIFS", "MAXIFS", "MINIFS"]))
def test_a_column_of_criteria_gives_each_rows_own_answer(columns, criteria, name):
    first, second, values = (_range(c) for c in columns)
    function = FUNCTIONS[name]
    ones = _range([c for c, _ in criteria])
    twos = _range([c for _, c in criteria])
    lead = (values,) if name != "COUNTIFS" else ()
    together = function(*lead, first, ones, second, twos)
    for k, (one, two) in enumerate(criteria):
        alone = function(*lead, first, one, second, two)
        assert _same(together[k, 0], alone), (k, one, two, together[k, 0], alone)


def test_five_hundred_summary_rows_over_a_large_sheet_in_one_pass():
    """COUNTIFS(team, A, status, B, days, "<=45") for 500 (team, status) rows over 100,000
    cases: every row's count is the pandas group count of the same cases."""
    import pandas as pd

    rng = np.random.default_rng(7)
    teams = np.array([f"T{i:02}" for i in range(50)], dtype=object)
    statuses = np.array(["Open", "Closed", "Pending", "NFA", "Other"], dtype=object)
    n = 100_000
    team, status = teams[rng.integers(0, 50, n)], statuses[rng.integers(0, 5, n)]
    days = rng.integers(0, 90, n).astype(float)
    wanted_team = teams[np.arange(500) % 50]
    wanted_status = statuses[(np.arange(500) // 50) % 5]
    got = FUNCTIONS["COUNTIFS"](_range(list(team)), _range(list(wanted_team)),
                                _range(list(status)), _range(list(wanted_status)),
                                _range(list(days)), "<=45")
    cases = pd.DataFrame({"team": team, "status": status, "days": days})
    oracle = cases[cases["days"] <= 45].groupby(["team", "status"]).size()
    want = [float(oracle.get((t, s), 0)) for t, s in zip(wanted_team, wanted_status,
                                                            strict=True)]
    assert got[:, 0].tolist() == want
