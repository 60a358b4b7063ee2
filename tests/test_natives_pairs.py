"""SLOPE, INTERCEPT, FORECAST, CORREL, PEARSON, RSQ, STEYX and COVARIANCE.P/.S computed by
the engine (a scorecard's trend line no longer brings in ``formulas`` and scipy).
Expected values are the worked examples of Microsoft's documentation of each function,
to the digits it prints; Excel's error rules are checked cell by cell by ``make
test-compat`` (the STATISTICAL sheet of ``formulas/test.xlsx``)."""

from __future__ import annotations

import math

import pytest

from tests.excel_formula import excel

Y7, X7 = "{2,3,9,1,8,7,5}", "{6,5,11,7,5,4,4}"

DOCUMENTED = [
    (f"=SLOPE({Y7},{X7})", 0.305556),
    ("=INTERCEPT({2,3,9,1,8},{6,5,11,7,5})", 0.0483871),
    ("=CORREL({3,2,4,5,6},{9,7,12,15,17})", 0.997054),
    ("=PEARSON({9,7,5,3,1},{10,6,1,5,3})", 0.699379),
    (f"=RSQ({Y7},{X7})", 0.05795),
    (f"=STEYX({Y7},{X7})", 3.305719),
    ("=FORECAST(30,{6,7,9,15,21},{20,28,31,38,40})", 10.607253),
    ("=FORECAST.LINEAR(30,{6,7,9,15,21},{20,28,31,38,40})", 10.607253),
    ("=COVARIANCE.P({3,2,4,5,6},{9,7,12,15,17})", 5.2),
    ("=COVARIANCE.S({2,4,8},{5,11,12})", 9.666667),
]


@pytest.mark.parametrize(("formula", "expected"), DOCUMENTED)
def test_the_documented_examples(formula, expected):
    digits = len(str(expected).split(".")[1])
    assert excel(formula) == pytest.approx(expected, abs=10 ** -digits)


@pytest.mark.parametrize(("formula", "expected"), [
    ("=SLOPE({1,2},{1,2,3})", "#N/A"),            # not as many x's as y's
    ("=SLOPE({1,2},{3,3})", "#DIV/0!"),           # the x's do not vary
    ("=CORREL({4,4},{1,2})", "#DIV/0!"),          # the y's do not vary
    ("=SLOPE({1,#N/A},{1,2})", "#N/A"),           # an error is the answer
    ("=SLOPE({1,#NULL!,3},{2,4,6})", "#NUM!"),    # ... #NULL! given as #NUM!
    ("=CORREL({1,#NULL!,3},{2,4,6})", "#NULL!"),  # ... but not by CORREL
    ("=SLOPE({1,2,#DIV/0!},{#REF!,2,3})", "#REF!"),  # pair by pair, y before x
    ('=SLOPE({1,"a",3},{1,2,3})', 1.0),           # a pair with text is left out
    ("=SLOPE({1,TRUE,3},{1,2,5})", 0.5),          # ... and one with a logical value
    ("=STEYX({1,2},{1,2})", "#DIV/0!"),           # fewer than three pairs
    ("=COVARIANCE.S({1},{2})", "#DIV/0!"),
    ("=FORECAST({1,2},{1,2,3},{2,4,6})", [[0.5, 1.0]]),
    ("=FORECAST(#N/A,{1,#REF!},{2,4})", "#N/A"),  # the x's own error first
    ('=FORECAST("3",{1,2,3},{2,4,6})', 1.5),      # x read as a number
])
def test_excels_rules_for_pairs(formula, expected):
    assert excel(formula) == expected


def test_the_line_goes_through_the_means():
    slope = excel(f"=SLOPE({Y7},{X7})")
    intercept = excel(f"=INTERCEPT({Y7},{X7})")
    assert math.isclose(intercept + slope * 6, excel(f"=FORECAST(6,{Y7},{X7})"))
    assert math.isclose(excel(f"=RSQ({Y7},{X7})"), excel(f"=CORREL({Y7},{X7})") ** 2)


def test_a_trend_line_is_computed_without_formulas_or_scipy(tmp_path):
    from tests.fresh_process import cli_loads
    from tests.test_workbook_package import _package, _row
    from xlkpi.workbook import recalc

    rows = "".join(_row(r, f'<x:c r="A{r}"><x:v>{r}</x:v></x:c>'
                           f'<x:c r="B{r}"><x:v>{2 * r + 1}</x:v></x:c>') for r in range(1, 5))
    rows += _row(5, '<x:c r="C5"><x:f>SLOPE(B1:B4,A1:A4)</x:f><x:v>0</x:v></x:c>'
                    '<x:c r="D5"><x:f>FORECAST(10,B1:B4,A1:A4)</x:f><x:v>0</x:v></x:c>')
    source = _package(tmp_path / "trend.xlsx", rows)
    result = recalc(source, tmp_path / "out.xlsx")
    assert (result.value("Data", "C5"), result.value("Data", "D5")) == (2.0, 21.0)
    loaded, _ = cli_loads(["recalc", str(source), "-o", str(tmp_path / "out2.xlsx")],
                          ["formulas", "scipy"])
    assert not loaded
