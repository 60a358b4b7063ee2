"""Working-day calendars: known bank holidays per nation, both conventions, closures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkpi import KpiError, add_working_days, bank_holidays, is_working_day, working_days

# Bank holidays as published on gov.uk (independent of the holidays package), complete
# per year, including the 2020 VE Day move, the 2022 Jubilee and State Funeral, the 2023
# Coronation, and substitute days when a holiday falls at a weekend.
KNOWN = {
    ("ENG", 2020): "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    ("ENG", 2021): "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
    ("ENG", 2022): "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    ("ENG", 2023): "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    ("ENG", 2024): "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    ("ENG", 2025): "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    ("ENG", 2026): "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    ("ENG", 2027): "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
    ("WLS", 2022): "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    ("WLS", 2023): "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    ("SCT", 2020): "01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28",
    ("SCT", 2022): "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27",
    ("SCT", 2023): "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26",
    ("SCT", 2025): "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26",
    ("NIR", 2023): "01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26",
    ("NIR", 2024): "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26",
    ("NIR", 2025): "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26",
}


def _known(region: str, year: int) -> set[dt.date]:
    return {dt.date.fromisoformat(f"{year}-{md}") for md in KNOWN[(region, year)].split()}


def _weekday_holidays(region: str, year: int) -> set[dt.date]:
    days = bank_holidays(region)
    in_year = days[days.astype("datetime64[Y]").astype(int) + 1970 == year].astype(object)
    return {d for d in in_year if d.weekday() < 5}


@pytest.mark.parametrize(("region", "year"), sorted(KNOWN))
def test_bank_holidays_match_gov_uk(region: str, year: int) -> None:
    # weekend dates the package lists (a Christmas on Saturday) are not working days anyway
    assert _weekday_holidays(region, year) == _known(region, year)


@pytest.mark.parametrize(("region", "year"), sorted(KNOWN))
def test_no_known_holiday_is_a_working_day(region: str, year: int) -> None:
    for day in _known(region, year):
        assert is_working_day(day, region=region) is False
        before = day - dt.timedelta(days=1)
        # the day before to the holiday: the holiday adds nothing to the elapsed count
        assert working_days(before, day, region=region) == 0


def _oracle(start: dt.date, end: dt.date, region: str, years: range, inclusive: bool) -> int:
    """Count working days day by day in plain Python from the gov.uk table."""
    off = {d for y in years for d in _known(region, y)}
    lo, hi = min(start, end), max(start, end)
    first = lo if inclusive else lo + dt.timedelta(days=1)
    n, d = 0, first
    while d <= hi:
        n += d.weekday() < 5 and d not in off
        d += dt.timedelta(days=1)
    return n if end >= start else -n


SPANS = [
    # (start, end) across every change of 2020-2027 in England
    ("2020-05-01", "2020-05-15"),  # VE Day moved to Fri 8 May 2020
    ("2020-12-23", "2021-01-05"),  # Boxing Day substitute 28 Dec 2020
    ("2021-12-20", "2022-01-07"),  # Christmas and Boxing substitutes, New Year substitute
    ("2022-05-27", "2022-06-10"),  # Spring bank holiday moved, Platinum Jubilee
    ("2022-09-12", "2022-09-23"),  # State Funeral, Mon 19 Sep 2022
    ("2023-04-28", "2023-05-31"),  # May Day, Coronation, Spring bank holiday
    ("2024-03-25", "2024-04-05"),  # Easter
    ("2026-12-21", "2027-01-04"),  # Boxing Day substitute 28 Dec 2026
    ("2027-12-20", "2027-12-31"),  # both Christmas substitutes
]


@pytest.mark.parametrize(("start", "end"), SPANS)
@pytest.mark.parametrize("convention", ["elapsed", "inclusive"])
def test_counts_match_day_by_day_oracle(start: str, end: str, convention: str) -> None:
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    years = range(s.year, e.year + 1)
    expected = _oracle(s, e, "ENG", years, convention == "inclusive")
    assert working_days(s, e, convention=convention) == expected
    assert working_days(e, s, convention=convention) == -expected


def test_spec_example_coronation() -> None:
    # SPEC.md: Fri 2023-05-05 to Wed 2023-05-10 with the Coronation on Mon 8 May
    assert working_days("2023-05-05", "2023-05-10") == 2
    assert working_days("2023-05-05", "2023-05-10", convention="inclusive") == 3
    assert add_working_days("2023-05-05", 2) == dt.date(2023, 5, 10)


@pytest.mark.parametrize(
    ("start", "end", "elapsed", "inclusive"),
    [
        ("2023-05-10", "2023-05-10", 0, 1),  # same working day
        ("2023-05-13", "2023-05-13", 0, 0),  # same Saturday
        ("2023-05-12", "2023-05-15", 1, 2),  # Friday to Monday
        ("2023-05-13", "2023-05-15", 1, 1),  # Saturday to Monday
        ("2023-05-15", "2023-05-12", -1, -2),  # backwards: negative of the reverse count
    ],
)
def test_conventions_at_the_edges(start: str, end: str, elapsed: int, inclusive: int) -> None:
    assert working_days(start, end) == elapsed
    assert working_days(start, end, convention="inclusive") == inclusive


def test_regions_differ_where_the_law_does() -> None:
    # Easter Monday 10 Apr 2023 is a bank holiday in England, not in Scotland
    assert working_days("2023-04-06", "2023-04-11", region="ENG") == 1
    assert working_days("2023-04-06", "2023-04-11", region="SCT") == 2
    # St Patrick's Day Fri 17 Mar 2023 in Northern Ireland only
    assert working_days("2023-03-16", "2023-03-20", region="NIR") == 1
    assert working_days("2023-03-16", "2023-03-20", region="WLS") == 2
    # 2 January 2024 in Scotland
    assert working_days("2024-01-01", "2024-01-03", region="SCT") == 1


def test_closures_are_extra_days_off() -> None:
    closures = ["2023-12-27", "28/12/2023", dt.date(2023, 12, 29)]
    # Fri 22 Dec 2023 to Tue 2 Jan 2024: 27, 28, 29 Dec and 2 Jan are working days
    assert working_days("2023-12-22", "2024-01-02") == 4
    assert working_days("2023-12-22", "2024-01-02", closures=closures) == 1
    assert add_working_days("2023-12-22", 1, closures=closures) == dt.date(2024, 1, 2)
    assert working_days("2023-12-22", "2024-01-02", closures=pd.Series(closures)) == 1


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2023-05-06", 1, "2023-05-09"),  # Saturday + 1, Monday is the Coronation
        ("2023-05-06", -1, "2023-05-05"),  # Saturday - 1 is Friday
        ("2023-05-06", 0, "2023-05-06"),  # WORKDAY(start, 0) is start itself
        ("2022-06-01", 1, "2022-06-06"),  # over the Jubilee pair
        ("2021-12-24", 1, "2021-12-29"),  # over both Christmas substitutes
        ("2023-05-05", 2.9, "2023-05-10"),  # fractions dropped, as Excel does
    ],
)
def test_add_working_days_is_excel_workday(start: str, n: float, expected: str) -> None:
    assert add_working_days(start, n) == dt.date.fromisoformat(expected)


DATES = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2038, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=DATES, n=st.integers(min_value=0, max_value=400),
       region=st.sampled_from(["ENG", "WLS", "SCT", "NIR"]))
def test_add_then_count_gives_n(start: dt.date, n: int, region: str) -> None:
    end = add_working_days(start, n, region=region)
    assert working_days(start, end, region=region) == n


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2038, 12, 31)),
       n=st.integers(min_value=-400, max_value=400))
def test_add_then_count_from_a_working_day(start: dt.date, n: int) -> None:
    # negative n round-trips only from a working day: elapsed counts the end day, not start
    if not is_working_day(start):
        start = add_working_days(start, 1)
    assert working_days(start, add_working_days(start, n)) == n


@settings(max_examples=200, deadline=None)
@given(a=DATES, b=DATES)
def test_elapsed_is_antisymmetric_and_inclusive_bounds_it(a: dt.date, b: dt.date) -> None:
    assert working_days(a, b) == -working_days(b, a)
    inc = working_days(a, b, convention="inclusive")
    assert abs(inc) - abs(working_days(a, b)) in (0, 1)


def test_vectorised_equals_scalar() -> None:
    rng = np.random.default_rng(7)
    starts = np.datetime64("2019-01-01") + rng.integers(0, 3000, 500).astype("timedelta64[D]")
    ends = starts + rng.integers(-40, 200, 500).astype("timedelta64[D]")
    for convention in ("elapsed", "inclusive"):
        vector = working_days(starts, ends, convention=convention)
        scalar = [working_days(s, e, convention=convention)
                  for s, e in zip(starts, ends, strict=True)]
        assert vector.tolist() == scalar
    shifted = add_working_days(starts, 30)
    assert [add_working_days(s, 30) for s in starts] == shifted.astype(object).tolist()


def test_shapes_types_and_blanks() -> None:
    assert isinstance(working_days("2023-05-05", "2023-05-10"), int)
    assert working_days(None, "2023-05-10") is None
    got = working_days(["2023-05-05", ""], ["2023-05-10", "2023-05-10"])
    assert got[0] == 2 and np.isnan(got[1])
    series = pd.Series(["2023-05-05", "2023-05-05"], index=["a", "b"])
    out = working_days(series, "2023-05-10")
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b"]
    grid = working_days(np.array([["2023-05-05"], ["2023-05-08"]]), ["2023-05-10", "2023-05-12"])
    assert grid.shape == (2, 2) and grid.tolist() == [[2, 4], [2, 4]]
    assert add_working_days(None, 3) is None


def test_out_of_calendar_and_bad_settings_are_errors() -> None:
    with pytest.raises(KpiError, match="outside the working-day calendar"):
        working_days("1999-12-31", "2000-01-05")
    with pytest.raises(KpiError, match="region: 'XYZ'"):
        working_days("2023-05-05", "2023-05-10", region="XYZ")
    with pytest.raises(KpiError, match="convention"):
        working_days("2023-05-05", "2023-05-10", convention="calendar")
    with pytest.raises(KpiError, match="days: 'three'"):
        add_working_days("2023-05-05", "three")
    with pytest.raises(KpiError, match=r"element 1"):
        working_days(["2023-05-05", "31/02/2017"], "2023-05-10")


def test_bank_holidays_are_kept_in_the_cache_folder_and_read_back(tmp_path, monkeypatch):
    """The first process computes the dates with ``holidays`` and keeps them; a later one
    reads the same dates; a damaged or unwritable cache is ignored, never trusted."""
    import holidays

    from xlkpi import calendar

    want = np.array(sorted(holidays.country_holidays("GB", subdiv="SCT", years=range(
        calendar.FIRST_YEAR, calendar.LAST_YEAR + 1))), dtype="datetime64[D]")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bank_holidays.cache_clear()
    try:
        assert (bank_holidays("SCT") == want).all()
        (kept,) = (tmp_path / "xlkpi").glob("bank-holidays-SCT-*.npy")
        assert holidays.__version__ in kept.name
        assert (np.load(kept) == want).all()
        bank_holidays.cache_clear()
        assert (bank_holidays("SCT") == want).all()  # read back
        kept.write_bytes(b"not an array")
        bank_holidays.cache_clear()
        assert (bank_holidays("SCT") == want).all() and (np.load(kept) == want).all()
        monkeypatch.setenv("XDG_CACHE_HOME", str(kept))  # a file, not a folder
        bank_holidays.cache_clear()
        assert (bank_holidays("SCT") == want).all()
        assert sorted(p.name for p in (tmp_path / "xlkpi").iterdir()) == [kept.name]
    finally:
        bank_holidays.cache_clear()


def test_installed_version_is_read_from_the_dist_info_folder_without_importing(
        tmp_path, monkeypatch):
    """The cache is keyed by ``holidays``' version, read from the folder name pip writes
    (the same as ``importlib.metadata`` says); two such folders, or none, defer to
    ``importlib.metadata``."""
    import importlib.metadata
    import sys

    from xlkpi.calendar import _installed_version

    assert _installed_version("holidays") == importlib.metadata.version("holidays")
    site = tmp_path / "site"
    (site / "pkgx").mkdir(parents=True)
    (site / "pkgx" / "__init__.py").write_text("raise ImportError('never imported')\n")
    (site / "pkgx-1.2.3.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(site))
    assert _installed_version("pkgx") == "1.2.3"
    assert "pkgx" not in sys.modules
    (site / "pkgx-1.2.4.dist-info").mkdir()  # two: not guessed; metadata finds no METADATA
    assert _installed_version("pkgx") is None
    assert _installed_version("no_such_package_xyz") is None
