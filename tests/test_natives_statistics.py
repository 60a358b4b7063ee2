"""The engine's STATISTICAL functions against Microsoft Excel: descriptive statistics,
regression (LINEST, LOGEST, TREND, GROWTH) and distributions.

Each case is a formula and the value Excel gives: copied from a cell of an Excel-saved
workbook of the compatibility corpus (workbook and cell noted; the cell's arguments
written inline) or worked by hand from Excel's documentation ("doc").
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.excel_formula import excel

DESCRIPTIVE = [
    # ironcalc MEADIAN_KURT_SKEW_HARMEAN.xlsx D2:H2 (A1:A10 holds 1,2,3,"6/6/2018","13",
    # TRUE,FALSE,"hello",blank,0.12: the range's numbers are 1,2,3,0.12)
    ("=MEDIAN({1,2,3,0.12},{1,2,3},3)", 2.0),
    ("=HARMEAN({1,2,3,0.12},{1,2,3},3)", 0.6486486486486486),
    ("=KURT({1,2,3,0.12},{1,2,3},3)", -1.2129835263391704),
    ("=SKEW({1,2,3,0.12},{1,2,3},3)", -0.41015281605980153),
    ("=SKEW.P({1,2,3,0.12},{1,2,3},3)", -0.32885385298206216),
    # doc: KURT, SKEW, GEOMEAN, HARMEAN, AVEDEV, DEVSQ examples
    ("=KURT(3,4,5,2,3,4,5,6,4,7)", -0.151799637208),
    ("=SKEW(3,4,5,2,3,4,5,6,4,7)", 0.359543071407),
    ("=GEOMEAN(4,5,8,7,11,4,3)", 5.476986969656962),
    ("=HARMEAN(4,5,8,7,11,4,3)", 5.028375962061728),
    ("=AVEDEV(4,5,6,7,5,4,3)", 1.020408163265306),
    ("=DEVSQ(4,5,8,7,11,4,3)", 48.0),
    ("=MEDIAN(1,2,3,4,5,6)", 3.5),
    ("=MEDIAN()", "#NUM!"),
    # ironcalc VARIANCE.xlsx F3, F5, H2, H3 (A1:A7 holds 1,2,TRUE,"Hola",5, two blanks)
    ("=VAR.P({1,2,3})", 0.6666666666666666),
    ("=VAR.S(1,{1,2,3},5)", 2.8),
    ("=VARA({1,2,TRUE,\"Hola\",5})", 3.7),
    ("=VARPA({1,2,TRUE,\"Hola\",5})", 2.96),
    # ironcalc STDEV.xlsx E2 (1, 1.2, 1.3, 0.7)
    ("=STDEV.P(1,1.2,1.3,0.7)", 0.22912878474779197),
    ("=STDEV.S(1)", "#DIV/0!"),
    # ironcalc MODE.xlsx D2, L12, L13:L16; formulas test.xlsx STATISTICAL!S71 ("" passed over)
    ("=MODE.SNGL({1,2,3,2,2,3})", 2.0),
    ("=MODE.MULT({1,2,3,4})", "#N/A"),
    ("=MODE.MULT({1,2,3,4,1,2,3,4})", [[1.0], [2.0], [3.0], [4.0]]),
    ("=MODE.MULT({2,2,2,1,1,1,3,3})", [[2.0], [1.0]]),
    ("=MODE.SNGL({0.1,0.2},{0.2,0.3},{0.3,-0.1},\"\")", 0.2),
    # ironcalc SMALL_LARGE.xlsx H4, J3, J4: typed values are converted
    ("=SMALL(TRUE,1)", 1.0),
    ("=SMALL(\"3.4\",1)", 3.4),
    ("=SMALL(\"Hello\",1)", "#VALUE!"),
    ("=LARGE({3,5,3,5,4},{1,2,3})", [[5.0, 5.0, 4.0]]),
    ("=SMALL({3,5,3,5,4},0)", "#NUM!"),
    # doc: PERCENTILE, QUARTILE, PERCENTRANK examples
    ("=PERCENTILE.INC({1,3,2,4},0.3)", 1.9),
    ("=PERCENTILE.EXC({1,2,3,6,6,6,7,8,9},0.25)", 2.5),
    ("=PERCENTILE.EXC({1,2,3,6,6,6,7,8,9},0)", "#NUM!"),
    ("=QUARTILE.INC({1,2,4,7,8,9,10,12},1)", 3.5),
    ("=QUARTILE.EXC({6,7,15,36,39,40,41,42,43,47,49},1)", 15.0),
    ("=PERCENTRANK.INC({13,12,11,8,4,3,2,1,1,1},2)", 0.333),
    ("=PERCENTRANK.INC({13,12,11,8,4,3,2,1,1,1},5)", 0.583),
    ("=PERCENTRANK.EXC({1,2,3,6,6,6,7,8,9},7)", 0.7),
    # doc: STANDARDIZE
    ("=STANDARDIZE(42,40,1.5)", 1.333333333333),
    # ironcalc FREQUENCY.xlsx D17:D21 (bins out of order give counts in their order)
    ("=FREQUENCY({1,7,23,12,13,90,8,78,24,16,3,4,9,7.7,8.5},{10,20,15,5})",
     [[5.0], [1.0], [2.0], [3.0], [4.0]]),
    ("=FREQUENCY({79,85,78,85,50,81,95,88,97},{70,79,89})", [[1.0], [2.0], [4.0], [2.0]]),
]


_Y = "{0.2;0.41;0.62;0.8;1.1}"
_X = "{1.1;1.9;3.1;4.05;5}"
REGRESSION = [
    # ironcalc LINEST_LOGEST.xlsx D2:E2, D3:E3, D4:E4, G2:H2, G4:H4 (A2:A6, B2:B6 inline)
    (f"=LINEST({_Y},{_X})", [[0.21928887993553592, -0.03844530620467368]]),
    (f"=LINEST({_Y})", [[0.21900000000000006, -0.031000000000000028]]),
    (f"=LINEST({_Y},{_X},FALSE)", [[0.20885684860968076, 0.0]]),
    (f"=LOGEST({_Y},{_X})", [[1.502261308701874, 0.15653044951525133]]),
    (f"=LOGEST({_Y},{_X},FALSE)", [[0.9082429233796212, 1.0]]),
    # ironcalc LINEST_LOGEST.xlsx D5:E9, G5:H9 (const written out as TRUE)
    (f"=LINEST({_Y},{_X},TRUE,TRUE)", [
        [0.21928887993553592, -0.03844530620467368],
        [0.013841437712295469, 0.04625298202423793],
        [0.9881888982191901, 0.04361261091452368],
        [250.99831918087844, 3.0],
        [0.47741382050765524, 0.00570617949234489]]),
    (f"=LOGEST({_Y},{_X},TRUE,TRUE)", [
        [1.502261308701874, 0.15653044951525133],
        [0.05728193385123587, 0.19141510526621522],
        [0.9439010116368718, 0.18048809274099084],
        [50.47690016406407, 3.0],
        [1.6443330577367574, 0.09772785486384153]]),
    # pycel stats.xlsx Stats!D39:E43 and D45:E49 (y 1,2,3; x 2,3,4)
    ("=LINEST({1;2;3},{2;3;4},FALSE,TRUE)", [
        [0.6896551724137931, 0.0], [0.05972588991616814, "#N/A"],
        [0.9852216748768473, 0.32163376045133824], [133.33333333333354, 2.0],
        [13.793103448275863, 0.20689655172413762]]),
    ("=LINEST({1;2;3},{2;3;4},TRUE,TRUE)", [
        [1.0, -1.0], [0.0, 0.0], [1.0, 0.0], ["#NUM!", 1.0], [2.0, 0.0]]),
    # pycel stats.xlsx Stats!G12:H12 (x constant: left out of the model)
    ("=LINEST({1,2.1,3.1,4.1,5.1},{1,1,1,1,1})", [[0.0, 3.08]]),
    # ironcalc TREND_GROWTH.xlsx D2:D4, E2:E4, F2:F6, I2:I4, J2:J4, G10, I10, E10
    ("=TREND({0.2;0.31;0.4;0.51;0.7},{1.1;2.1;3;5.2;7},{8;9;11})",
     [[0.7668816454592993], [0.846252396723026], [1.0049938992504792]]),
    ("=TREND({0.2;0.31;0.4;0.51;0.7},{1.1;2.1;3;5.2;7},{8;9;11},FALSE)",
     [[0.8491506728435914], [0.9552945069490403], [1.167582175159938]]),
    ("=TREND({0.2;0.31;0.4;0.51;0.7})",
     [[0.18400000000000014], [0.3040000000000001], [0.42400000000000004], [0.544],
      [0.664]]),
    ("=GROWTH({0.2;0.31;0.4;0.51;0.7},{1.1;2.1;3;5.2;7},{8;9;11})",
     [[0.8925767627890601], [1.0820857720306072], [1.5903543733006367]]),
    ("=GROWTH({0.2;0.31;0.4;0.51;0.7},{1.1;2.1;3;5.2;7},{8;9;11},FALSE)",
     [[0.31819185285303236], [0.2757561376231651], [0.20710827496905473]]),
    ("=GROWTH({0.2;0.31;0.4;0.51;0.7},{1.1;2.1;3;5.2})", "#REF!"),
    ("=TREND({0.2;0.31;0.4;0.51;0.7},{1.1;2.1;3;5.2})", "#REF!"),
    ("=GROWTH({0.2;0.31;0.4;0.51;0.7;TRUE},{1.1;2.1;3;5.2;7;FALSE})", "#VALUE!"),
    # pycel stats.xlsx Stats!E5 (x constant), P6 (two variables, one new x: #REF!)
    ("=TREND({1,3,6,9,12},{1,1,1,1,1},{2.5,3.5})", [[6.2, 6.2]]),
    ("=TREND({1,2.1,3.1,4.1,5.1},{-2,-4,-7,-9,-11;1,3,6,9,12},2.5)", "#REF!"),
]

DISTRIBUTIONS = [
    # ironcalc CONFIDENCE.xlsx D37, E37 ("5%" read as 0.05)
    ("=CONFIDENCE.NORM(\"5%\",1,50)", 0.2771807648699355),
    ("=CONFIDENCE.T(\"5%\",1,50)", 0.2841968554957298),
    # ironcalc BINOM.xlsx BINOM.DIST.RANGE!E12, E19 (a blank last success is 0: below
    # the first), BINOM.INV!D25 (probability 1), NEGBINOM.DIST!E33
    ("=BINOM.DIST.RANGE(2,0.1,2,0)", "#NUM!"),
    ("=BINOM.DIST.RANGE(10,0.3,5,3)", "#NUM!"),
    ("=BINOM.INV(10,1,0.8)", "#NUM!"),
    ("=NEGBINOM.DIST(2,10,1,TRUE)", "#NUM!"),
    # ironcalc POISSON.xlsx D5, D23 (x truncated), D26 (negative x before truncation)
    ("=POISSON.DIST(0.2,3,FALSE)", 0.049787068367863944),
    ("=POISSON.DIST(2.999999,5,FALSE)", 0.08422433748856833),
    ("=POISSON.DIST(-0.000001,5,TRUE)", "#NUM!"),
    # ironcalc NORM_DIST.xlsx NORM.S.DIST NORM.S.INV!C19:D19
    ("=NORM.S.INV(7.619853024160475E-24)", -10.000000000000002),
    # ironcalc GAMMA.xlsx GAMMA!B18, B19 (overflow)
    ("=GAMMA(172)", "#NUM!"),
    ("=GAMMA(5)", 24.0),
    # doc: BETA.DIST, WEIBULL.DIST, FISHER examples
    ("=BETA.DIST(2,8,10,TRUE,1,3)", 0.6854705810547),
    ("=WEIBULL.DIST(105,20,100,TRUE)", 0.929581390069),
    ("=FISHER(0.75)", 0.9729550745276566),
    # ironcalc T_TEST.xlsx F2, F7, F8 (tails and type truncated; text and booleans skipped)
    ("=T.TEST({1;2;3;4;-3;TRUE;\"hello\"},{2;-3.3;0;TRUE;\"no\";2;2},1,1)",
     0.15855028798217946),
    ("=T.TEST({1;2;3;4;-3;TRUE;\"hello\"},{2;-3.3;0;TRUE;\"no\";2;2},2,3)",
     0.6039040157469742),
    ("=T.TEST({1;2;3;4;-3;TRUE;\"hello\"},{2;-3.3;0;TRUE;\"no\";2;2},2.2,3.3)",
     0.6039040157469742),
    ("=T.TEST({1;2;3;4;-3;TRUE;\"hello\"},{2;-3.3;0;TRUE;\"no\";2;2},0.6,1)", "#NUM!"),
    # ironcalc PROB.xlsx D2 (x 1..6 with 0.2,0.111,0.05,0.07,0.5,0.069), J12, E2, O2
    ("=PROB({1;2;3;4;5;6},{0.2;0.111;0.05;0.07;0.5;0.069},1)", 0.2),
    ("=PROB({1;2;3;4;5;6},{0.2;0.111;0.05;0.07;0.5;0.069},3,2)", 0.0),
    ("=PROB({1;2;3;4;5;6},{0.2;0.111;0.05;0.07;0.5},1)", "#N/A"),
    ("=PROB({\"Hi\";\"ho\"},{\"hi\";\"ho\"},1)", "#DIV/0!"),
    # formulas test.xlsx STATISTICAL!AN44 (an array argument gives an array)
    ("=GAMMA({13,2})", [[479001600.0, 1.0]]),
]

GROUPING = [
    # hand-worked from Excel's documentation of GROUPBY (groups sorted, a Total row) and
    # PERCENTOF (each group's share of the whole)
    ("=GROUPBY({\"a\";\"b\";\"a\"},{1;2;3},_xleta.SUM)",
     [["a", 4.0], ["b", 2.0], ["Total", 6.0]]),
    ("=GROUPBY({\"b\";\"a\";\"a\"},{1;2;4},_xleta.AVERAGE)",
     [["a", 3.0], ["b", 1.0], ["Total", 7 / 3]]),
    ("=GROUPBY({\"a\";\"b\";\"a\"},{1;2;3},_xleta.PERCENTOF)",
     [["a", 2 / 3], ["b", 1 / 3], ["Total", 1.0]]),
]


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(
            _same(g, w) for row_g, row_w in zip(got, want, strict=True)
            for g, w in zip(row_g, row_w, strict=True))
    if isinstance(want, float):
        return isinstance(got, float) and got == pytest.approx(want, rel=1e-9, abs=1e-15)
    return got == want


@pytest.mark.parametrize(("formula", "want"), DESCRIPTIVE)
def test_descriptive(formula: str, want: Any) -> None:
    assert _same(excel(formula), want), excel(formula)


@pytest.mark.parametrize(("formula", "want"), REGRESSION)
def test_regression(formula: str, want: Any) -> None:
    assert _same(excel(formula), want), excel(formula)


@pytest.mark.parametrize(("formula", "want"), DISTRIBUTIONS)
def test_distributions(formula: str, want: Any) -> None:
    assert _same(excel(formula), want), excel(formula)


@pytest.mark.parametrize(("formula", "want"), GROUPING)
def test_grouping(formula: str, want: Any) -> None:
    assert _same(excel(formula), want), excel(formula)
