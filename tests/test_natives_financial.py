"""Excel's financial functions against the answers Microsoft Excel saved.

Each case is a formula and Excel's value, copied from an Excel-saved workbook under
``ironcalc/calc_tests/FINANCIAL`` (workbook and cell noted) or worked from Excel's
documentation.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.excel_formula import excel

__all__: list[str] = []

CASES: list[tuple[str, Any]] = [
    # accrint_cases.xlsx I13, I143, I144, I214
    ("=ACCRINT(DATE(2021,6,21),DATE(2021,12,1),DATE(2021,9,1),0.1,1000,2,0,FALSE)",
     19.444444444444446),
    ("=ACCRINT(DATE(2020,12,1),DATE(2021,12,1),DATE(2021,4,15),0.025,5000,4,0,FALSE)",
     -47.22222222222222),
    ("=ACCRINT(DATE(2020,12,1),DATE(2021,12,1),DATE(2021,4,15),0.025,5000,4,1,TRUE)",
     46.01648351648352),
    ("=ACCRINT(DATE(2018,12,1),DATE(2021,12,1),DATE(2020,6,1),0.1,1000,1,1,TRUE)",
     149.86301369863014),
    # Excel's documentation: ACCRINT example
    ("=ACCRINT(39508,39691,39569,0.1,1000,2,0)", 16.666666666666668),
    ("=ACCRINT(39508,39691,39569,0.1,1000,2,0,TRUE)", 16.666666666666668),
    ("=ACCRINT(39508,39691,39569,0.1,1000,3,0)", "#NUM!"),
    ("=ACCRINT(39569,39691,39508,0.1,1000,2,0)", "#NUM!"),
    # Excel's documentation: ACCRINTM example
    ("=ACCRINTM(39539,39614,0.1,1000,3)", 20.547945205479451),
]


@pytest.mark.parametrize(("formula", "expected"), CASES)
def test_excel_answer(formula: str, expected: Any) -> None:
    got = excel(formula)
    if isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-9)
    else:
        assert got == expected
