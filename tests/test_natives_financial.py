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
    # xlcalculator/VDB.xlsx D26, D37, K7; a period counted from the start's fraction
    ("=VDB(1,0,14,2.5,3.5,1.25,FALSE)", 0.07074765193864536),
    ("=VDB(1,0,14,13.5,14,1.25,FALSE)", 0.03436314522734203),
    ("=VDB(575000,5000,10,3,5,1.5,FALSE)", 102160.546875),
    # DB_DDB.xlsx G39, G30, H36, H2, G14, H14
    ("=DB(12,10,4,4.5,2)", 0.48879979875),
    ("=DB(0,10,4,1,2)", 0.0),
    ("=DDB(23.89,34.78,4,3,2)", 0.0),
    ("=DDB(100,10,5,3,1)", 12.800000000000004),
    ("=DB(100,10,4,3,13)", "#NUM!"),
    ("=DDB(100,10,4,3,0)", "#NUM!"),
    # IPMT_PPMT.xlsx G17, G26, G11
    ("=IPMT(0.1,3.9,3,8000,10,1)", -26.866364667656377),
    ("=IPMT(0.01,0.5,36,8000,0,1)", "#NUM!"),
    ("=IPMT(0.1,3,2,8000,0,1)", "#NUM!"),
    # PMT.xlsx F8, F32; PV.xlsx F8; FV.xlsx Sheet2!A1
    ("=PMT(-3,5,100,300,1)", "#NUM!"),
    ("=PMT(0.2,3,-200,10,5)", 76.83150183150182),
    ("=PV(-3,5,100,12,1)", -68.375),
    ("=FV(-1,-2,1)", "#DIV/0!"),
    # CUMPRINC_CUMIPMT.xlsx G7, G23, G27
    ("=CUMIPMT(0.8,36,18000,2.7,9.667,1)", -55999.99877582575),
    ("=CUMIPMT(0.01,36,8000,3,10,1.2)", "#NUM!"),
    ("=CUMIPMT(0.01,36,8000,TRUE,10,0)", "#VALUE!"),
    # MIRR.xlsx Two Parameters!E5, E7; Three parameters!F5, F31
    ("=MIRR({-5,4},-1,0.2)", -0.19999999999999996),
    ("=MIRR({-5,-3},0.1,0.2)", -1.0),
    ("=MIRR({-5,2,4},-1,0.2)", 0.13137084989847603),
    ("=MIRR({-50,25,30},0.5,-12)", "#NUM!"),
    # IRR.xlsx General!L3, N3; formulas/test.xlsx FINANCIAL!Z26, R27
    ("=IRR({-1000,230,200,125,200,10})", -0.1015006760535847),
    ("=IRR({-1000,230,200,125,200,10},-10)", "#VALUE!"),
    ("=IRR({-7,2,-1,4,-3;7,2,-1,4,#N/A})", "#VALUE!"),
    ("=IRR({-7,2,-1,4,-3;7,2,-1,4,4})", 0.19086464188385688),
    # XIRR.xlsx Q13, S2; formulas/test.xlsx FINANCIAL!S55, Z54, U54
    ("=XNPV(-0.4,{-400,100},{44958,44986})", "#NUM!"),
    ("=XNPV(0.1,{-20,5,5},{44958,44986})", "#NUM!"),
    ("=XIRR({-10,1,5},{32015,32016,33000},-0.1)", "#NUM!"),
    ("=XIRR({-10,1,5},{32015,32016,33000},TRUE)", "#VALUE!"),
    ("=XIRR({-10,#N/A,1,2,7},{3,#REF!,7,4,9})", "#REF!"),
    # RATE.xlsx G19, F19, F20, B8
    ("=RATE(300,-200,8000)", 0.024984769422422157),
    ("=RATE(300,-200,8000,0,1)", 0.025627751816686105),
    ("=RATE(3300,-200,8000,0,1)", "#NUM!"),
    # TBILLs.xlsx D6 (a bill of 366 days), N6, R6
    ("=TBILLEQ(14640,15006,0.5)", 0.8522961312491701),
    ("=TBILLPRICE(14640,15006,0.5)", 49.16666666666667),
    ("=TBILLYIELD(14640,15006,3000)", -0.9508196721311475),
    ("=TBILLPRICE(NA(),45731,0.5)", "#N/A"),
    # DISC.xlsx F7, F3
    ("=DISC(39472,39614,97.975,100,5)", "#NUM!"),
    ("=DISC(39472,39614,97.975,100,1)", 0.05219366197183125),
    # PRICE_YIELD.xlsx ODDLPRICE_ODDLYIELD!I2, I3, I10, J2
    ("=ODDLPRICE(DATE(2020,3,1),DATE(2030,3,1),DATE(2020,1,15),0.075,0.06,120,2,1)",
     121.51937811334447),
    ("=ODDLPRICE(DATE(2020,3,1),DATE(2030,3,1),DATE(2020,1,15),0.075,0.0589,120,2,2)",
     122.36705839417525),
    ("=ODDLPRICE(DATE(2020,3,1),DATE(2030,3,1),DATE(2020,1,15),0.08,0.0711,120,1,3)",
     116.47338382128387),
    ("=ODDLYIELD(DATE(2020,3,1),DATE(2030,3,1),DATE(2020,1,15),0.075,121.51937811334447,"
     "120,2,1)", 0.05999999999999999),
    # Excel's documentation: ODDLPRICE example
    ("=ODDLPRICE(39485,39614,39370,0.0375,0.0405,100,2,0)", 99.87828601472134),
    # PRICE_YIELD.xlsx PRICE_YIELD!H29, I29 (actual/360: a period of 360/frequency days)
    ("=PRICE(DATE(2025,4,1),DATE(2028,3,13),0.22,0.12,15,1,2)", 62.736929069290866),
    ("=YIELD(DATE(2025,4,1),DATE(2028,3,13),0.22,62.736929069290866,15,1,2)",
     0.12000000000000001),
    # Excel's documentation: PRICE example
    ("=PRICE(39493,43054,0.0575,0.065,100,2,0)", 94.63436162),
    # RRI.xlsx D2 (a blank future value)
    ("=RRI(2,3,0)", -1.0),
]


@pytest.mark.parametrize(("formula", "expected"), CASES)
def test_excel_answer(formula: str, expected: Any) -> None:
    got = excel(formula)
    if isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-9)
    else:
        assert got == expected
