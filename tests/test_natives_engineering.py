"""The engine's ENGINEERING functions against Microsoft Excel: number systems, bits,
complex numbers, Bessel functions, ERF, CONVERT, GESTEP and DELTA.

Each case is a formula and the value Excel gives: copied from a cell of an Excel-saved
workbook of the compatibility corpus (workbook and cell noted; the cell's arguments
written inline) or worked by hand from Excel's documentation ("doc").
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.excel_formula import excel
from xlkpi.workbook.context import range_array
from xlkpi.workbook.grid import to_python
from xlkpi.workbook.natives.base import xl_error
from xlkpi.workbook.natives.complexnumbers import FUNCTIONS as COMPLEX_FUNCTIONS
from xlkpi.workbook.natives.complexnumbers import format_complex
from xlkpi.workbook.natives.engineering import FUNCTIONS as ENGINEERING
from xlkpi.workbook.references import Rect

NUMBER_SYSTEMS = [
    # xlcalculator BASES.xlsx places!A2:K49 (number 10, 123, -25, "E"; places 0-11)
    ("=BIN2OCT(10,0)", "#NUM!"),
    ("=BIN2OCT(10,1)", "2"),
    ("=BIN2OCT(10,10)", "0000000002"),
    ("=BIN2OCT(10,11)", "#NUM!"),
    ("=OCT2BIN(10,3)", "#NUM!"),
    ("=OCT2BIN(10,4)", "1000"),
    ("=OCT2HEX(123,2)", "53"),
    ("=DEC2BIN(10,3)", "#NUM!"),
    ("=DEC2BIN(123,8)", "01111011"),
    ("=DEC2HEX(10,1)", "A"),
    ("=HEX2BIN(123,9)", "100100011"),
    ("=HEX2OCT(\"E\",2)", "16"),
    ("=DEC2BIN(-25,0)", "#NUM!"),
    ("=DEC2BIN(-25,1)", "1111100111"),
    ("=DEC2OCT(-25,5)", "7777777747"),
    ("=DEC2HEX(-25,10)", "FFFFFFFFE7"),
    ("=DEC2HEX(-25,11)", "#NUM!"),
    ("=DEC2BIN(\"E\",0)", "#NUM!"),
    ("=DEC2BIN(\"E\",1)", "#VALUE!"),
    # BASES.xlsx non-numeric!A2:M19 and R14 (places given as text "5")
    ("=DEC2BIN(\"\")", "#VALUE!"),
    ("=BIN2OCT(\"\")", "0"),
    ("=HEX2DEC(\"\")", 0.0),
    ("=HEX2BIN(\"a\")", "1010"),
    ("=HEX2OCT(\"f\")", "17"),
    ("=HEX2DEC(\"G\")", "#NUM!"),
    ("=HEX2DEC(\"-A\")", "#NUM!"),
    ("=BIN2DEC(\"A\")", "#NUM!"),
    ("=BIN2HEX(110,\"5\")", "00006"),
    # BASES.xlsx dec2!I12 (2^9), hex2!A2 (-1)
    ("=DEC2BIN(512)", "#NUM!"),
    ("=HEX2DEC(-1)", "#NUM!"),
    # ironcalc NUMBER_SYSTEMS.xlsx Decimal!C25 (TRUE)
    ("=DEC2BIN(TRUE)", "#VALUE!"),
    # formulas test.xlsx ENGINEERING!R7:X28, R54:X56
    ("=BIN2DEC(111111111)", 511.0),
    ("=BIN2DEC(1000000000)", -512.0),
    ("=BIN2DEC(2.3)", "#NUM!"),
    ("=BIN2HEX(1000000000)", "FFFFFFFE00"),
    ("=BIN2OCT(1000000000)", "7777777000"),
    ("=DEC2BIN(511.7)", "111111111"),
    ("=DEC2BIN(-512.7)", "1000000000"),
    ("=DEC2BIN(-513.7)", "#NUM!"),
    ("=DEC2HEX(549755813887.7)", "7FFFFFFFFF"),
    ("=DEC2HEX(-549755813888.7)", "8000000000"),
    ("=DEC2OCT(536870912.7)", "#NUM!"),
    ("=DEC2OCT(-536870912.7)", "4000000000"),
    ("=HEX2DEC(9999999999)", -439804651111.0),
    ("=HEX2DEC(11111111111)", "#NUM!"),
    ("=HEX2DEC(\"f000000000\")", -68719476736.0),
    ("=HEX2BIN(\"fffffffffe\")", "1111111110"),
    ("=HEX2BIN(9999999999)", "#NUM!"),
    ("=HEX2OCT(\"fffffffffe\")", "7777777776"),
    ("=OCT2DEC(7777777777)", -1.0),
    ("=OCT2HEX(7777777777)", "FFFFFFFFFF"),
    ("=OCT2BIN(\"a\")", "#NUM!"),
]

BITS = [
    # ironcalc ENGINEERING/BITs.xlsx Sheet1 rows 3-47
    ("=BITAND(123123123,65662)", 50.0),
    ("=BITOR(123123123,65662)", 123188735.0),
    ("=BITXOR(123123123,65662)", 123188685.0),
    ("=BITAND(-34,2)", "#NUM!"),
    ("=BITAND(12.5,3)", "#NUM!"),
    ("=BITOR(2^48-1,1)", 281474976710655.0),
    ("=BITXOR(2^48-1,1)", 281474976710654.0),
    ("=BITAND(2^48,3)", "#NUM!"),
    ("=BITAND(TRUE,TRUE)", 1.0),
    ("=BITOR(\"123\",456)", 507.0),
    ("=BITAND(1/0,1)", "#DIV/0!"),
    ("=BITLSHIFT(123123123,6)", 7879879872.0),
    ("=BITRSHIFT(123123123,6)", 1923798.0),
    ("=BITLSHIFT(12,44)", 211106232532992.0),
    ("=BITLSHIFT(12,45)", "#NUM!"),
    ("=BITRSHIFT(12,45)", 0.0),
    ("=BITLSHIFT(12,54)", "#NUM!"),
    ("=BITLSHIFT(12,-2)", 3.0),
    ("=BITRSHIFT(12,-2)", 48.0),
    ("=BITLSHIFT(12,-53)", 0.0),
    ("=BITLSHIFT(12,-54)", "#NUM!"),
    ("=BITLSHIFT(12,34.67)", 206158430208.0),
    ("=BITLSHIFT(12.6,12)", "#NUM!"),
]

COMPLEX = [
    # ironcalc ENGINEERING/COMPLEXs.xlsx Sheet1!D2:D27, I2:I27
    ("=COMPLEX(12,6,\"i\")", "12+6i"),
    ("=COMPLEX(1,-2,\"j\")", "1-2j"),
    ("=COMPLEX(1,1,\"i\")", "1+i"),
    ("=COMPLEX(0,5,\"i\")", "5i"),
    ("=COMPLEX(5,0,\"i\")", "5"),
    ("=COMPLEX(0.00012,1.23456789)", "0.00012+1.23456789i"),
    ("=COMPLEX(1,2,0)", "#VALUE!"),
    ("=COMPLEX(1,2,\"\")", "1+2i"),
    ("=COMPLEX(1.2E-45,-3)", "1.2E-45-3i"),
    ("=COMPLEX(1E-16,0)", "0.0000000000000001"),
    ("=COMPLEX(1E-18,0)", "0.000000000000000001"),
    ("=COMPLEX(1E-20,0)", "1E-20"),
    ("=COMPLEX(-23.1234,-45.899)", "-23.1234-45.899i"),
    ("=COMPLEX(1/0,12)", "#DIV/0!"),
    ("=COMPLEX(0,1,\"j\")", "j"),
    ("=IMCONJUGATE(\"j\")", "-j"),
    ("=IMCONJUGATE(\"1.2E-45-3i\")", "1.2E-45+3i"),
    ("=IMAGINARY(\"1-2j\")", -2.0),
    ("=IMREAL(\"1.2E-45-3i\")", 1.2e-45),
    ("=IMABS(\"12+6i\")", 13.416407864998739),
    ("=IMARGUMENT(\"-5+6i\")", 2.2655346029915995),
    ("=IMARGUMENT(\"0\")", "#DIV/0!"),
    ("=IMSIN(\"=COMPLEX(A20,B20,C20)\")", "#NUM!"),
    # COMPLEXs.xlsx Sheet2!C2:G10
    ("=IMPRODUCT(\"3+4i\",\"-4+5i\")", "-32-i"),
    ("=IMSUM(\"3+4i\",\"-4+5i\")", "-1+9i"),
    ("=IMSUB(\"3+4i\",\"-4+5i\")", "7-i"),
    ("=IMPRODUCT(\"i\",\"i\")", "-1"),
    ("=IMSUB(\"i\",\"i\")", "0"),
    ("=IMREAL(IMDIV(\"3+4i\",\"-4+5i\"))", 0.195121951219512),
    # COMPLEXs.xlsx Sheet1: IMCOT/IMCSC of a tiny real number (row 17), IMLN of 0
    ("=IMREAL(IMCOT(\"0.00000000000000001\"))", 1e17),
    ("=IMREAL(IMCSC(\"0.00000000000000001\"))", 1e17),
    ("=IMLN(\"0\")", "#NUM!"),
    # formulas test.xlsx ENGINEERING!R29:X53
    ("=IMCOT(\"7+25j\")", "3.82126757337684E-22-j"),
    ("=IMCOT(\"13+5j\")", "0.0000692442674613868-1.00005873951153j"),
    ("=IMTAN(\"-3+2i\")", "0.00988437503832249+0.965385879022133i"),
    ("=IMTAN(\"13+5j\")", "0.0000692361330972509+0.999941259144671j"),
    ("=IMCSC(\"3.1+2j\")", "0.0118908807944521+0.275445903842597j"),
    ("=IMCSCH(\"13+5j\")", "1.28233995888454E-06+4.33496947416312E-06j"),
    ("=IMSEC(\"7+25j\")", "2.09403043759793E-11+1.82483860060804E-11j"),
    ("=IMCOS(\"7+25j\")", "27142327967.109-23653126953.379j"),
    ("=IMEXP(\"-13+25j\")", "2.24044486393732E-06-2.99158552811404E-07j"),
    ("=IMLOG2(\"-3+2i\")", "1.85021985907055+3.68405170165932i"),
    ("=IMSQRT(\"7+25j\")", "4.05964961366707+3.07908346521285j"),
    ("=IMPOWER(\"7+25j\",2.3)", "-1768.5045629583+279.381198142491j"),
    ("=IMDIV(\"7+25j\",\"13+5j\")", "1.11340206185567+1.49484536082474j"),
    ("=IMDIV(\"3.1+2j\",\"-3+2i\")", "#NUM!"),
    ("=IMSUB(\"3.1+2j\",\"-3+2i\")", "#NUM!"),
    ("=IMSUM(\"13+5j\",\"-3+2i\")", "#VALUE!"),
    ("=IMSUM(\"7+25j\",\"13+5j\",\"3.1+2j\")", "23.1+32j"),
    ("=IMCOT(0)", "#NUM!"),
    ("=IMTAN(0)", "0"),
    ("=IMABS(\"yvj\")", "#NUM!"),
    ("=IMABS(TRUE)", "#VALUE!"),
    # doc: IMPOWER("2+3i", 3)
    ("=IMPOWER(\"2+3i\",3)", "-46+9.00000000000001i"),
]

BESSEL = [
    # ironcalc ENGINEERING/BESSEL.xlsx All!C2:F25 (Excel's own approximations)
    ("=BESSELI(0,0)", 1.0),
    ("=BESSELJ(0,0)", 1.00000000283141),
    ("=BESSELK(0,0)", "#NUM!"),
    ("=BESSELY(0,0)", "#NUM!"),
    ("=BESSELI(1,1.999)", 0.5651590975819435),
    ("=BESSELJ(1,1)", 0.4400505856771301),
    ("=BESSELK(1,1)", 0.6019072316669057),
    ("=BESSELY(1,1)", -0.7812128209531197),
    ("=BESSELI(-1,3)", -0.022168424403983256),
    ("=BESSELJ(-1,2)", 0.11490348499246938),
    ("=BESSELK(-1,1)", "#NUM!"),
    ("=BESSELI(-1,-1)", "#NUM!"),
    ("=BESSELK(1E-10,0)", 23.1417824505004),
    ("=BESSELY(1E-10,1)", -6366197720.0),
    ("=BESSELI(1E-10,5)", 2.6041666666666672e-54),
    ("=BESSELJ(100000,5)", 0.001846551246313725),
    ("=BESSELY(100000,5)", 0.001719431947654535),
    ("=BESSELK(\"1\",2)", 1.6248388844172295),
    ("=BESSELJ(TRUE,1)", "#VALUE!"),
    ("=BESSELI(2,30)", 3.8935196726547464e-33),
    ("=BESSELK(2,30)", 4.2711258180315126e+30),
    ("=BESSELY(1.5,12)", -422217415.9345024),
    # BESSEL.xlsx BESSELJ!C14:C15, E14 (J1 above 8, as Excel computes it)
    ("=BESSELJ(10,1)", 0.04347224965225415),
    ("=BESSELJ(32,1)", -0.0265890283162847),
    ("=BESSELJ(10,7)", 0.2167104380031489),
]

OTHERS = [
    # ironcalc ENGINEERING/ERFs.xlsx Sheet1!C2:G20
    ("=ERF(1,6)", 0.1572992070502851),
    ("=ERF(5,4)", -1.541572047791817e-08),
    ("=ERFC(6)", 2.1519736712498925e-17),
    ("=ERF.PRECISE(-1.2)", -0.9103139782296353),
    ("=ERFC.PRECISE(-2)", 1.9953222650189528),
    ("=ERF(TRUE)", "#VALUE!"),
    ("=ERF(\"1\",\"2\")", 0.15262147206923782),
    # ironcalc ENGINEERING/GESTEP_DELTA.xlsx Sheet1!C2:H15
    ("=DELTA(3+0.000000000000001,3)", 0.0),
    ("=DELTA(\"2\",\"2\")", 1.0),
    ("=GESTEP(\"2\",1)", 1.0),
    ("=GESTEP(-7,-2)", 0.0),
    ("=GESTEP(TRUE,1)", "#VALUE!"),
    ("=DELTA(-3,-3)", 1.0),
    # ironcalc ENGINEERING/CONVERT.xlsx (Force!C6, Volume!C39, Speed!J8, Area!H4...)
    ("=CONVERT(1,\"pond\",\"N\")", 0.00980665),
    ("=CONVERT(1,\"GRT\",\"m3\")", 2.8316846592),
    ("=CONVERT(0.004,\"Mmph\",\"m/s\")", 1788.16),
    ("=CONVERT(0.05,\"Mang2\",\"m2\")", 5e-10),
    ("=CONVERT(0.0002,\"Mang^3\",\"m3\")", 2.0000000000000002e-16),
    ("=CONVERT(1,\"mbyte\",\"bit\")", 0.008),
    ("=CONVERT(0.05,\"Mlbm\",\"g\")", "#N/A"),
    ("=CONVERT(1,\"F\",\"K\")", 255.92777777777775),
    ("=CONVERT(1,\"us_acre\",\"m2\")", 4046.8726098742522),
    ("=CONVERT(1,\"HP\",\"W\")", 745.6998715822702),
    # formulas test.xlsx EXTRA!AN59 (pico-calorie), ENGINEERING!R16:Y16
    ("=CONVERT(1,\"pc\",\"J\")", 4.184e-12),
    ("=CONVERT(1,\"pc\",\"m\")", 3.08567758128155e16),
    ("=CONVERT(13,\"C\",\"F\")", 55.400000000000006),
    ("=CONVERT(\"3.6\",\"C\",\"F\")", 38.480000000000004),
    ("=CONVERT(TRUE,\"C\",\"F\")", "#VALUE!"),
    # doc: binary prefixes for bits and bytes only; units of different kinds
    ("=CONVERT(1,\"kibyte\",\"bit\")", 8192.0),
    ("=CONVERT(1,\"kim\",\"m\")", "#N/A"),
    ("=CONVERT(1,\"m\",\"g\")", "#N/A"),
    ("=CONVERT(1,\"cm2\",\"m2\")", 0.0001),
]


def _agrees(got: object, want: object) -> bool:
    if isinstance(want, float):
        return isinstance(got, float) and got == pytest.approx(want, rel=1e-12, abs=1e-300)
    return got == want


@pytest.mark.parametrize(("formula", "want"),
                         NUMBER_SYSTEMS + BITS + COMPLEX + BESSEL + OTHERS)
def test_function_agrees_with_excel(formula: str, want: object) -> None:
    assert _agrees(excel(formula), want)


def test_arrays_are_taken_element_by_element() -> None:
    # doc: the ToolPak functions refuse ranges, not arrays
    assert excel("=DEC2HEX({255,1})") == [["FF", "1"]]
    assert excel("=IMREAL({\"3+4i\";\"-2j\"})") == [[3.0], [0.0]]
    assert excel("=BITAND({12,5},4)") == [[4.0, 4.0]]


def test_a_reference_to_several_cells_is_refused() -> None:
    # formulas test.xlsx ENGINEERING!AG3:AO56: =BESSELI(C3:D3,E3) and the like are
    # #VALUE!, an error argument before the range is that error (AO3); IMSUM and
    # IMPRODUCT take ranges (AG44, AG52); BITAND goes cell by cell (AH10)
    cells = range_array(np.array([[1.0, 2.0]], dtype=object), Rect("SHEET1", 1, 1, 1, 2))
    assert to_python(ENGINEERING["DEC2BIN"](cells)) == "#VALUE!"
    assert to_python(ENGINEERING["DEC2BIN"](xl_error("#DIV/0!"), cells)) == "#DIV/0!"
    assert COMPLEX_FUNCTIONS["IMSUM"](cells) == "3"
    assert ENGINEERING["BITAND"](cells, 3.0).tolist() == [[1.0, 2.0]]


@pytest.mark.parametrize(("value", "want"), [
    (complex(0, -1), "-i"),
    (complex(1e15, 0), "1E+15"),
    (complex(6.123233995736766e-17, 1), "6.12323399573677E-17+i"),
    (complex(1e-19, 0), "0.0000000000000000001"),
])
def test_complex_text(value: complex, want: str) -> None:
    # doc: Excel's complex text, 15 significant digits, at most 19 decimals
    assert format_complex(value, "i") == want
