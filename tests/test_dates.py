"""Date parsing: every form a scorecard or extract hands over, and the ones it must refuse."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlkpi import KpiError, parse_dates, parse_months, to_serial

D = np.datetime64


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42766, "2017-01-31"),  # Excel serial, 1900 system
        (42766.75, "2017-01-31"),  # a time of day is dropped
        (1, "1900-01-01"),
        (59, "1900-02-28"),
        (61, "1900-03-01"),  # after Excel's fictitious 29 Feb 1900
        (2958465, "9999-12-31"),
        (dt.date(2017, 1, 31), "2017-01-31"),
        (dt.datetime(2017, 1, 31, 23, 59), "2017-01-31"),
        (pd.Timestamp("2017-01-31 08:00"), "2017-01-31"),
        (np.datetime64("2017-01-31T10:00"), "2017-01-31"),
        ("2017-01-31", "2017-01-31"),
        ("2017-01-31T09:30:00", "2017-01-31"),
        ("31/01/2017", "2017-01-31"),
        ("1/2/2017", "2017-02-01"),
        ("02/03/2017", "2017-03-02"),  # UK order, never US
        ("29/02/2024", "2024-02-29"),
        (" 31/01/2017 ", "2017-01-31"),
    ],
)
def test_accepted_forms(value: object, expected: str) -> None:
    assert parse_dates(value) == D(expected)


@pytest.mark.parametrize(
    "value",
    ["31/02/2017", "FALSE", "12/31/2017", "29/02/2023", "2017-13-01", "17/1/17", "soon",
     True, 0, -5, 60, 2958466, float("inf"), "42766"],
)
def test_refused_forms_name_the_value(value: object) -> None:
    with pytest.raises(KpiError) as err:
        parse_dates(value, "referral_date")
    assert "referral_date" in str(err.value)
    assert repr(value) in str(err.value)


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan"), pd.NaT, np.datetime64("NaT")])
def test_blanks_are_blank(blank: object) -> None:
    assert np.isnat(parse_dates(blank))


def test_vectorised_mixed_range_names_each_bad_element() -> None:
    cells = ["2017-01-31", 42767, None, dt.date(2017, 2, 2), "31/02/2017", "FALSE"]
    with pytest.raises(KpiError) as err:
        parse_dates(cells, "start")
    assert "element 4" in str(err.value) and "2 bad values" in str(err.value)
    assert err.value.mask.tolist() == [False, False, False, False, True, True]
    good = parse_dates(cells[:4])
    assert good.tolist()[:2] == [dt.date(2017, 1, 31), dt.date(2017, 2, 1)]
    assert np.isnat(good[2])


def test_arrays_keep_their_shape_and_types() -> None:
    grid = parse_dates(np.array([[42766.0, np.nan], [42767.0, 42768.0]]))
    assert grid.shape == (2, 2) and grid.dtype == np.dtype("datetime64[D]")
    assert parse_dates(pd.Series(pd.to_datetime(["2017-01-31", None]))).shape == (2,)
    both = parse_dates(np.array(["2017-01-31", "31/01/2017"]))
    assert both.tolist() == [dt.date(2017, 1, 31)] * 2


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_serial_round_trip(day: dt.date) -> None:
    serial = to_serial(day)
    assert parse_dates(serial) == np.datetime64(day)
    assert parse_dates(day.strftime("%d/%m/%Y")) == np.datetime64(day)


def test_serial_matches_excel_for_known_dates() -> None:
    assert to_serial("2017-01-31") == 42766
    assert to_serial("1900-03-01") == 61
    assert to_serial("1900-02-28") == 59


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Apr-17", "2017-04"), ("Jan 17", "2017-01"), ("2017-04", "2017-04"),
     ("April 2017", "2017-04"), ("Sept 2016", "2016-09"), ("31/01/2017", "2017-01")],
)
def test_month_labels_from_the_seeds(label: str, expected: str) -> None:
    assert parse_months(label) == np.datetime64(expected, "M")


def test_bad_month_label() -> None:
    with pytest.raises(KpiError, match="Smarch-17"):
        parse_months(["Apr-17", "Smarch-17"])


CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=24),
    st.dates(), st.datetimes(),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}", fullmatch=True),
    st.from_regex(r"\d{4}-\d{1,2}-\d{1,2}", fullmatch=True),
)


@given(st.lists(CELLS, max_size=8))
def test_any_cells_parse_or_raise_kpi_error(cells: list) -> None:
    try:
        out = parse_dates(cells, "start")
    except KpiError as err:
        assert err.mask is not None and err.mask.any()
        assert "start" in str(err)
    else:
        assert out.shape == (len(cells),)


@given(st.lists(st.one_of(st.floats(min_value=-10, max_value=3e6),
                          st.integers(min_value=-10, max_value=3_000_000),
                          st.sampled_from([None, True, float("nan"), 45000.5, np.float64(60.0),
                                           np.int64(61)])),
                min_size=1, max_size=30))
def test_a_column_of_plain_numbers_reads_as_the_mixed_path_reads_it(values):
    """A column of serials is read in bulk; a text date beside them sends the same values
    down the cell-by-cell path, whose answer (or refusal) the bulk one must equal."""
    from xlkpi.dates import _from_objects

    plain = np.array(values, dtype=object)
    mixed = np.array([*values, "2024-01-31"], dtype=object)
    dates, bad = _from_objects(plain)
    expected_dates, expected_bad = _from_objects(mixed)
    assert np.array_equal(bad, expected_bad[:-1])
    assert (np.isnat(dates) == np.isnat(expected_dates[:-1])).all()
    assert (dates[~np.isnat(dates)] == expected_dates[:-1][~np.isnat(dates)]).all()
