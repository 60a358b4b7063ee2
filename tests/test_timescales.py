"""Statutory timescales: the catalogue, EDATE months, due dates and within-timescale tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from xlkpi import TIMESCALES, KpiError, due_date, edate, within, working_days
from xlkpi.timescales import UNITS

d = dt.date.fromisoformat


def test_catalogue_is_declared_data_with_sources() -> None:
    assert {"ASSESSMENT", "ICPC", "RCPC_FIRST", "RCPC", "CP_VISIT", "CLA_REVIEW_FIRST",
            "CLA_REVIEW_SECOND", "CLA_REVIEW", "REREFERRAL"} <= set(TIMESCALES)
    for code, t in TIMESCALES.items():
        assert t.code == code and t.unit in UNITS and t.amount > 0 and t.source
    assert (TIMESCALES["ASSESSMENT"].amount, TIMESCALES["ASSESSMENT"].unit) == (45, "WD")
    assert (TIMESCALES["ICPC"].amount, TIMESCALES["ICPC"].unit) == (15, "WD")
    assert (TIMESCALES["RCPC_FIRST"].amount, TIMESCALES["RCPC_FIRST"].unit) == (3, "M")
    assert (TIMESCALES["RCPC"].amount, TIMESCALES["RCPC"].unit) == (6, "M")
    assert (TIMESCALES["CLA_REVIEW_FIRST"].amount, TIMESCALES["CLA_REVIEW_FIRST"].unit) == (
        20, "WD")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", -12, "2023-02-28"),  # re-referral window from a leap day
        ("2017-03-31", -1, "2017-02-28"),
        ("2016-10-15", 3, "2017-01-15"),
        ("2017-05-31", -12, "2016-05-31"),
        ("2016-08-31", 6, "2017-02-28"),
    ],
)
def test_edate_is_excel_edate(start: str, months: int, expected: str) -> None:
    assert edate(start, months) == d(expected)


def test_due_dates_for_codes_and_numbers() -> None:
    # ICPC 15 working days after a strategy discussion on Fri 5 May 2023 (Coronation Monday)
    icpc_due = due_date("2023-05-05", "ICPC")
    assert icpc_due == d("2023-05-30")  # 29 May is the Spring bank holiday
    assert working_days("2023-05-05", icpc_due) == 15
    assert due_date("2023-05-05", "assessment") == d("2023-07-11")
    assert due_date("2016-10-31", "RCPC_FIRST") == d("2017-01-31")
    assert due_date("2016-11-30", "RCPC_FIRST") == d("2017-02-28")
    assert due_date("2023-05-05", 2, unit="W") == d("2023-05-19")
    assert due_date("2023-05-05", 10, unit="D") == d("2023-05-15")
    assert due_date("2023-05-05", 2) == d("2023-05-10")  # working days by default
    assert due_date(None, "ICPC") is None


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2023-05-05", "2023-05-30", True),  # exactly 15 working days
        ("2023-05-05", "2023-05-31", False),  # 16 working days
        ("2023-05-05", "2023-05-05", True),  # same day
    ],
)
def test_within_icpc(start: str, end: str, expected: bool) -> None:
    assert within(start, end, "ICPC") is expected


def test_within_45_working_days_boundary() -> None:
    start = d("2023-03-01")
    day45 = due_date(start, 45)
    day46 = due_date(start, 46)
    assert within(start, day45, "ASSESSMENT") is True
    assert within(start, day46, "ASSESSMENT") is False
    # the weekend after day 45 adds no working day: still 45 elapsed working days
    if day45.weekday() == 4:
        assert within(start, day45 + dt.timedelta(days=1), 45) is True


def test_open_tasks_are_blank_until_overdue() -> None:
    assert within("2023-05-05", None, "ICPC") is None  # no as_of: no verdict
    assert within("2023-05-05", None, "ICPC", as_of="2023-05-30") is None  # still in time
    assert within("2023-05-05", None, "ICPC", as_of="2023-05-31") is False  # overdue
    assert within(None, "2023-05-30", "ICPC") is None


def test_calendar_month_timescales_compare_dates() -> None:
    assert within("2016-11-30", "2017-02-28", "RCPC_FIRST") is True
    assert within("2016-11-30", "2017-03-01", "RCPC_FIRST") is False
    assert within("2016-11-30", None, 3, unit="M", as_of="2017-03-01") is False


def test_within_is_vectorised_with_blanks_and_errors() -> None:
    got = within(["2023-05-05", "2023-05-05", None], ["2023-05-30", "2023-05-31", "2023-05-31"],
                 "ICPC")
    assert got.tolist() == [True, False, None]
    plain = within(["2023-05-05", "2023-05-05"], ["2023-05-30", "2023-05-31"], 15)
    assert plain.dtype == np.bool_
    with pytest.raises(KpiError, match="before its start"):
        within("2023-05-05", "2023-05-01", "ICPC")
    with pytest.raises(KpiError, match="not a timescale"):
        within("2023-05-05", "2023-05-06", "ICPC15")
    with pytest.raises(KpiError, match="not a unit"):
        due_date("2023-05-05", 3, unit="fortnights")
