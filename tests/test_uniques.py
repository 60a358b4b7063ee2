"""xlkpi.uniques.factorize against pandas.factorize, the oracle it replaces in the KPI
functions (which no longer import pandas)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from xlkpi.uniques import factorize

_CELLS = st.one_of(st.none(), st.just(float("nan")), st.sampled_from(["Green", "Red", " ",
                   "", "High", "green"]), st.integers(-3, 3), st.floats(-2, 2, allow_nan=False),
                   st.booleans())


@given(st.lists(_CELLS, max_size=40))
def test_factorize_agrees_with_pandas(cells):
    values = np.empty(len(cells), dtype=object)
    values[:] = cells
    codes, uniques = factorize(values)
    want_codes, want_uniques = pd.factorize(values, use_na_sentinel=True)
    assert codes.tolist() == want_codes.tolist()
    assert list(uniques) == list(want_uniques)


def test_blanks_are_minus_one_and_a_block_keeps_its_cells_in_order():
    block = np.array([["Red", None], [np.datetime64("NaT"), "Red"], [1.0, 1]], dtype=object)
    codes, uniques = factorize(block)
    assert codes.tolist() == [0, -1, -1, 0, 1, 1] and uniques.tolist() == ["Red", 1.0]
