"""TODAY, NOW, RAND and RANDBETWEEN, computed by the engine itself (a scorecard that shows
its reporting date with TODAY() never imports ``formulas``). The clock is the oracle:
Python's own date and time, Excel's serial 1 being 1 January 1900 (day 0 = 30 December
1899 from March 1900 on)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tests.excel_formula import excel
from tests.fresh_process import cli_loads
from tests.test_workbook_package import _package, _row
from xlkpi.workbook import check, recalc
from xlkpi.workbook.engine import compiled

_EPOCH = dt.date(1899, 12, 30)


def _serial_now() -> float:
    moment = dt.datetime.now()
    midnight = dt.datetime.combine(moment.date(), dt.time())
    return (moment.date() - _EPOCH).days + (moment - midnight).total_seconds() / 86_400


def test_today_is_the_serial_of_the_clocks_date():
    before = (dt.date.today() - _EPOCH).days
    got = excel("=TODAY()")
    after = (dt.date.today() - _EPOCH).days
    assert got in (float(before), float(after))
    years = {dt.date.today().year}
    year = excel("=YEAR(TODAY())")
    years.add(dt.date.today().year)
    assert year in years


def test_now_is_this_moment_with_the_time_as_the_fraction():
    before = _serial_now()
    got = excel("=NOW()")
    after = _serial_now()
    assert before - 1e-6 <= got <= after + 1e-6
    day = excel("=INT(NOW())")
    assert day in (float(int(before)), float(int(_serial_now())))


def test_rand_is_drawn_afresh_at_each_call_not_once_when_compiled():
    formula = compiled("RAND()")
    draws = [float(np.ravel(formula())[0]) for _ in range(50)]
    assert all(0 <= x < 1 for x in draws)
    assert len(set(draws)) > 40


@pytest.mark.parametrize(("formula", "low", "high"), [
    ("=RANDBETWEEN(1,6)", 1, 6),
    ("=RANDBETWEEN(1.5,2.5)", 2, 2),      # bottom rounded up, top rounded down
    ("=RANDBETWEEN(-3,-3)", -3, -3),
    ('=RANDBETWEEN("2","3")', 2, 3),
])
def test_randbetween_gives_whole_numbers_between_its_bounds(formula, low, high):
    draws = {excel(formula) for _ in range(200)}
    assert draws == {float(n) for n in range(low, high + 1)}


@pytest.mark.parametrize(("formula", "error"), [
    ("=RANDBETWEEN(5,1)", "#NUM!"),
    ("=RANDBETWEEN(1.2,1.8)", "#NUM!"),  # no whole number between
    ("=RANDBETWEEN(TRUE,3)", "#VALUE!"),
    ('=RANDBETWEEN("a",3)', "#VALUE!"),
    ("=RANDBETWEEN(#N/A,3)", "#N/A"),
])
def test_randbetween_refuses_what_excel_refuses(formula, error):
    assert excel(formula) == error


def test_a_scorecard_dated_with_today_is_computed_and_left_out_of_the_comparison(tmp_path):
    rows = _row(1, '<x:c r="A1"><x:f>TODAY()</x:f><x:v>45000</x:v></x:c>'
                   '<x:c r="B1"><x:f>A1-DATE(2026,1,1)</x:f><x:v>1</x:v></x:c>')
    source = _package(tmp_path / "dated.xlsx", rows)
    result = recalc(source, tmp_path / "out.xlsx")
    today = float((dt.date.today() - _EPOCH).days)
    assert result.value("Data", "A1") == today
    assert result.value("Data", "B1") == today - (dt.date(2026, 1, 1) - _EPOCH).days
    assert check(source).ok  # Excel's value is from its own day: not a difference
    loaded, _ = cli_loads(["recalc", str(source), "-o", str(tmp_path / "out2.xlsx")],
                          ["formulas"])
    assert not loaded
