"""Measures against figures printed in the seed reports."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlkpi import (
    KpiError,
    change_text,
    financial_year,
    parse_numbers,
    pct,
    rate,
    rolling,
    year_to_date,
)
from xlkpi.measures import rolling_ratio, ytd_ratio


@pytest.mark.parametrize(
    ("num", "den", "printed", "places"),
    [
        (252, 516, 48.84, 2),  # seed 001, code 5: contacts progressed to referral, Oct 2015
        (192, 461, 41.65, 2),  # seed 001, code 5: September 2015
        (76, 241, 31.54, 2),  # seed 001, code 5: Police
        (303, 1287, 24, 0),  # seed 000, re-referrals Sep-15
        (1829, 7314, 25, 0),  # seed 000, re-referrals 6 month cumulative
        (1169, 1364, 86, 0),  # seed 000, single assessments in timescale
        (70, 102, 69, 0),  # seed 000, ICPCs within timescale Sep-15
        (457, 524, 87, 0),  # seed 000, supervision 6 month average
    ],
)
def test_percentages_match_the_seeds(num: int, den: int, printed: float, places: int) -> None:
    assert round(pct(num, den) * 100, places) == printed


@pytest.mark.parametrize(
    ("count", "printed"),
    [(246, 68.14), (299, 82.83)],  # seed 001: CP plans and LAC at month end, Oct 2015
)
def test_rates_per_10000_match_seed_001(count: int, printed: float) -> None:
    # both rates imply the same 0-17 population of about 36,100
    assert round(rate(count, 36_100), 2) == printed


def test_no_denominator_is_not_applicable() -> None:
    assert pct(5, 0) == "N/A"
    assert pct(5, None) == "N/A"
    assert rate(5, 0) == "N/A"
    assert pct(None, 5) is None
    assert pct([1, 2, None], [4, 0, 3]).tolist() == [0.25, "N/A", None]
    assert rate(1, 1000, per=1000) == 1.0
    with pytest.raises(KpiError, match="per"):
        rate(1, 1000, per=0)


@pytest.mark.parametrize(
    ("current", "previous", "style", "printed"),
    [
        (28208, 34029, "count", "-5,821 (-17.1%)"),  # seed 003: contacts YTD
        (6738, 7154, "count", "-416 (-5.8%)"),  # seed 003: referrals YTD
        (0.239, 0.210, "points", "2.9%"),  # seed 003: % contacts accepted, YTD
        (0.257, 0.142, "points", "11.5%"),  # seed 003: re-referrals % YTD
        (5, 0, "count", "5 (N/A)"),
        (7154, 6738, "count", "416 (6.2%)"),
    ],
)
def test_change_text(current: float, previous: float, style: str, printed: str) -> None:
    assert change_text(current, previous, style) == printed


def test_change_text_blanks_and_arrays() -> None:
    assert change_text(None, 5) is None
    assert change_text([1, None], [2, 2]).tolist() == ["-1 (-50.0%)", None]


# seed 003, "Contacts" 13-month table, Jan-16 to Jan-17, and "Referrals"
MONTHS = ["Jan-16", "Feb-16", "Mar-16", "Apr-16", "May-16", "Jun-16", "Jul-16", "Aug-16",
          "Sep-16", "Oct-16", "Nov-16", "Dec-16", "Jan-17"]
CONTACTS = [3149, 2386, 2505, 2428, 2858, 2680, 2737, 2129, 2798, 3292, 3271, 2852, 3163]
REFERRALS = [715, 667, 667, 653, 844, 685, 646, 421, 650, 754, 743, 566, 776]


def test_year_to_date_reproduces_seed_003() -> None:
    assert year_to_date(CONTACTS, MONTHS)[-1] == 28208  # "Current YTD 28,208"
    assert year_to_date(REFERRALS, MONTHS)[-1] == 6738  # "Current YTD 6,738"
    assert year_to_date(CONTACTS, MONTHS)[2] == 3149 + 2386 + 2505  # Jan-Mar 16: last FY
    assert year_to_date(CONTACTS, MONTHS)[3] == 2428  # April starts a new year
    # "% Contacts Accepted as Referrals" YTD printed as 23.9%
    assert round(ytd_ratio(REFERRALS, CONTACTS, MONTHS)[-1] * 100, 1) == 23.9


def test_financial_year_starts_in_april() -> None:
    assert financial_year(["Mar-17", "Apr-17", "2017-01"]).tolist() == [2016, 2017, 2016]


def test_rolling_12_months() -> None:
    total = rolling(REFERRALS, 12)
    assert np.isnan(total[:11]).all()
    assert total[11] == sum(REFERRALS[:12]) and total[12] == sum(REFERRALS[1:])
    ratio = rolling_ratio(REFERRALS, CONTACTS, 12)
    assert ratio[0] is None and ratio[12] == pytest.approx(sum(REFERRALS[1:]) / sum(CONTACTS[1:]))


def test_monthly_series_must_be_consecutive() -> None:
    with pytest.raises(KpiError, match="consecutive"):
        year_to_date([1, 2], ["Apr-17", "Jun-17"])


@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
                          st.floats(allow_nan=True, allow_infinity=True)), max_size=8))
def test_any_cells_give_numbers_or_kpi_error(cells: list) -> None:
    try:
        out = parse_numbers(cells, "numerator")
    except KpiError as err:
        assert err.mask is not None and err.mask.any() and "numerator" in str(err)
    else:
        assert out.shape == (len(cells),)


@given(st.lists(st.one_of(st.none(), st.integers(0, 500), st.floats(0, 99, allow_nan=False)),
                min_size=1, max_size=30), st.integers(1, 14), st.integers(0, 11))
def test_rolling_and_year_to_date_agree_with_pandas(values, window, first_month):
    """The numpy totals against pandas' rolling sum and grouped running total (the oracle
    they replace): a blank month blanks its windows; YTD restarts each April."""
    import pandas as pd

    from xlkpi.measures import rolling, year_to_date

    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    want = pd.Series(v).rolling(window, min_periods=window).sum().to_numpy()
    np.testing.assert_allclose(rolling(v, window), want, rtol=1e-12, equal_nan=True)
    months = np.datetime64("2015-01", "M") + first_month + np.arange(len(v))
    fy = np.where((months.astype(int) % 12) >= 3, months.astype("datetime64[Y]").astype(int),
                  months.astype("datetime64[Y]").astype(int) - 1)
    want_ytd = pd.Series(np.nan_to_num(v)).groupby(fy).cumsum().to_numpy()
    np.testing.assert_allclose(year_to_date(v, months), want_ytd, rtol=1e-12)


@given(st.lists(st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(
    ["{:,.2f}", "{:.1f}%", " {:.0f} ", "{:.3e}", "{:+.2f}"])), min_size=1, max_size=10))
def test_numeric_text_reads_as_a_person_reads_it(items) -> None:
    """Text written from a number (thousands commas, a percent sign, spaces, an exponent,
    a sign) reads back as that number; mixed with real numbers and blanks in one range."""
    texts = [fmt.format(x) for x, fmt in items]
    want = [float(t.strip().replace(",", "").rstrip("%")) / (100 if "%" in t else 1)
            for t in texts]
    np.testing.assert_allclose(parse_numbers(texts), want, rtol=1e-12)
    mixed = np.array([*texts, 7, None, ""], dtype=object)
    got = parse_numbers(mixed)
    np.testing.assert_allclose(got[:-3], want, rtol=1e-12)
    assert got[-3] == 7 and np.isnan(got[-2]) and np.isnan(got[-1])
