"""MUNIT, MMULT, MINVERSE, MDETERM against answers worked out by hand (and the cells of
ironcalc's MUNIT_MDETERM_MINVERSE.xlsx in ``make test-compat``)."""

from __future__ import annotations

import pytest

from tests.excel_formula import excel


@pytest.mark.parametrize(("formula", "expected"), [
    ("=_xlfn.MUNIT(2)", [[1.0, 0.0], [0.0, 1.0]]),
    ("=_xlfn.MUNIT(2)*3", [[3.0, 0.0], [0.0, 3.0]]),
    ("=_xlfn.MUNIT(0)", "#VALUE!"),
    # over an array of sizes, each element is its matrix's top-left or the size's error
    # (formulas/test.xlsx CORE!P31 and Q32, MATH & TRIG!AH47:AW47)
    ("=SUM(_xlfn.MUNIT({1,2;3,4;7,8}))", 6.0),
    ("=SUM(_xlfn.MUNIT({1,#NUM!;3,4;7,8}))", "#NUM!"),
    ('=_xlfn.MUNIT({0,2,"a",#N/A})', [["#VALUE!", 1.0, "#VALUE!", "#N/A"]]),
    ("=MDETERM(_xlfn.MUNIT(3)*4)", 64.0),
    ("=MDETERM({1,2;3,4})", -2.0),
    ("=MDETERM({1,2,3;4,5,6})", "#VALUE!"),
    ("=MINVERSE({4,7;2,6})", [[0.6, -0.7], [-0.2, 0.4]]),
    ("=MINVERSE({1,2;2,4})", "#NUM!"),
    ("=MMULT({1,2;3,4},{5;6})", [[17.0], [39.0]]),
    # a negative number inside an array constant is a number, not a nested array
    ("={1,-2;3,4}", [[1.0, -2.0], [3.0, 4.0]]),
    ("=MDETERM({1,2;-3,4})", 10.0),
    ("=SUM(MINVERSE({1,2,-1;3,4,-1;0,2,0}))", -0.5),  # formulas/test.xlsx CORE!M30
    ("=MMULT({1,2},{1,2})", "#VALUE!"),
    ('=MMULT({1,"a"},{1;2})', "#VALUE!"),
])
def test_matrix_functions(formula, expected):
    got = excel(formula)
    if isinstance(expected, list):
        assert got == [[pytest.approx(v, abs=1e-12) for v in row] for row in expected]
    else:
        assert got == pytest.approx(expected) if isinstance(expected, float) else got == expected
