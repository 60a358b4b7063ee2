"""The pytest plugin councils use in their own CI, on the golden workbook."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlkpi.testing import assert_cell, assert_range

GOLDEN = Path(__file__).parent / "data" / "golden.xlsx"


def test_fixture_recalculates_and_helpers_assert(recalculated):
    result = recalculated(GOLDEN)
    # 16 cases, 15 authorised, 13 within 45 working days (test_workbook checks it day by day)
    assert_cell(result, "Summary!B1", 13)
    assert_cell(result, "Summary!$B$8", 45351)  # EDATE(31 Jan 2024, 1) = 29 Feb 2024
    assert_range(result, "Summary!B10:B11", ["Green", "Improving"])
    with pytest.raises(AssertionError, match="Summary!B1: expected 12"):
        assert_cell(result, "Summary!B1", 12)
    with pytest.raises(AssertionError, match="has 2 cells"):
        assert_range(result, "Summary!B10:B11", ["Green"])
