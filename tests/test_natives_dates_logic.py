"""The engine's DATE & TIME, INFORMATION and LOGICAL functions against Microsoft Excel.

Each case is a formula and the value Excel gives: copied from a cell of an Excel-saved
workbook of the compatibility corpus (workbook and cell noted; the cell's arguments
written inline) or worked by hand from Excel's documentation ("doc").
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from tests.excel_formula import excel
from xlkpi.workbook.engine import evaluate
from xlkpi.workbook.natives.base import EMPTY
from xlkpi.workbook.natives.dates import FUNCTIONS as DATES
from xlkpi.workbook.package import Package

DATE_TIME = [
    # ironcalc DATE_AND_TIME/DATE.xlsx Sheet1!D2:D11
    ("=DATE(2022,13,1)", 44927.0),
    ("=DATE(9999,12,31)", 2958465.0),
    ("=DATE(9999,13,-1)", "#NUM!"),
    ("=DATE(0,0,1)", "#NUM!"),
    ("=DATE(1976,1,60)", 27819.0),
    ("=DATE(1975,1,60)", 27454.0),
    # doc: years 0-1899 add 1900; the 29 February 1900 Excel counts is serial 60
    ("=DATE(108,1,2)", 39449.0),
    ("=DATE(1900,2,29)", 60.0),
    ("=DATE(1900,3,1)", 61.0),
    ("=DATE(1900,1,0)", 0.0),
    # pycel fixtures/date-time.xlsx Sheet1 rows 9, 16, 29 (serials 0, 60, 61, "61", 367)
    ("=DAY(0)", 0.0),
    ("=MONTH(0)", 1.0),
    ("=YEAR(0)", 1900.0),
    ("=DAY(60)", 29.0),
    ("=MONTH(60)", 2.0),
    ("=DAY(\"61\")", 1.0),
    ("=YEAR(367)", 1901.0),
    ("=DAY(-1)", "#NUM!"),
    ("=DAY(\"XYZZY\")", "#VALUE!"),
    ("=DAY(1/0)", "#DIV/0!"),
    # ironcalc DATE_DAY_MONTH_YEAR.xlsx Sheet1!B8:D8 (32112.5), B13:D13
    ("=DAY(32112.5)", 1.0),
    ("=YEAR(123452)", 2237.0),
    ("=MONTH(123452)", 12.0),
    # pycel date-time.xlsx row 25: WEEKDAY of 0, 1, 31, 60, 61, FALSE, TRUE
    ("=WEEKDAY(0)", 7.0),
    ("=WEEKDAY(1)", 1.0),
    ("=WEEKDAY(31)", 3.0),
    ("=WEEKDAY(60)", 4.0),
    ("=WEEKDAY(61)", 5.0),
    ("=WEEKDAY(FALSE)", 7.0),
    ("=WEEKDAY(TRUE)", 1.0),
    # doc: return types (15 March 2023, serial 45000, is a Wednesday)
    ("=WEEKDAY(45000,2)", 3.0),
    ("=WEEKDAY(45000,3)", 2.0),
    ("=WEEKDAY(45000,11)", 3.0),
    ("=WEEKDAY(45000,13)", 1.0),
    ("=WEEKDAY(45000,17)", 4.0),
    ("=WEEKDAY(45000,4)", "#NUM!"),
    # doc: WEEKNUM / ISOWEEKNUM
    ("=WEEKNUM(DATE(2024,1,6))", 1.0),
    ("=WEEKNUM(DATE(2024,1,7))", 2.0),
    ("=WEEKNUM(DATE(2024,1,7),2)", 1.0),
    ("=WEEKNUM(DATE(2024,1,8),2)", 2.0),
    ("=WEEKNUM(DATE(2021,1,3),21)", 53.0),
    ("=WEEKNUM(DATE(2024,1,1),3)", "#NUM!"),
    ("=ISOWEEKNUM(DATE(2021,1,3))", 53.0),
    ("=ISOWEEKNUM(DATE(2021,1,4))", 1.0),
    ("=ISOWEEKNUM(DATE(2024,12,30))", 1.0),
    # ironcalc EOMONTH.xlsx Sheet1!C2:C21 (start 2 March 2023, serial 44987)
    ("=EOMONTH(44987,7)", 45230.0),
    ("=EOMONTH(44987,-123)", 41274.0),
    ("=EOMONTH(44987,4.5)", 45138.0),
    ("=EOMONTH(44987,-4.7)", 44895.0),
    ("=EOMONTH(44987,TRUE)", "#VALUE!"),
    ("=EOMONTH(44987,\"2\")", 45077.0),
    ("=EOMONTH(44987,-1240.333)", 7274.0),
    # pycel date-time.xlsx row 13
    ("=EOMONTH(0+100,100)", 3166.0),
    ("=EOMONTH(-1,1)", "#NUM!"),
    ("=EOMONTH(FALSE,1)", "#VALUE!"),
    # formulas test.xlsx DATE & TIME!R9:W9; pycel date-time.xlsx row 12
    ("=EDATE(1987,8)", 2232.0),
    ("=EDATE(8,\"2\")", 68.0),
    ("=EDATE(1,\".55\")", 1.0),
    ("=EDATE(0,0)", 0.0),
    ("=EDATE(0.7,\"1/1/1987 02:00 AM\")", 967223.0),
    ("=EDATE(TRUE,1)", "#VALUE!"),
    ("=EDATE(366,FALSE)", "#VALUE!"),
    ("=EDATE(DATE(2024,1,31),1)", 45351.0),
    # pycel date-time.xlsx rows 14, 16, 21: HOUR/MINUTE/SECOND, rounded to the second
    ("=HOUR(61.6)", 14.0),
    ("=MINUTE(61.6)", 24.0),
    ("=HOUR(1.24)", 5.0),
    ("=MINUTE(1.24)", 45.0),
    ("=SECOND(1.24)", 36.0),
    ("=HOUR(PI())", 3.0),
    ("=SECOND(PI())", 54.0),
    ("=HOUR(\"1.25\")", 6.0),
    ("=MINUTE(\"12:59:59 AM\")", 59.0),
    ("=HOUR(-1)", "#NUM!"),
    # doc: TIME wraps at a day, negative is #NUM!
    ("=TIME(25,0,0)", 1 / 24),
    ("=TIME(0,-1,0)", "#NUM!"),
    ("=TIME(12,30,0)", 0.5 + 30 / 1440),
    # pycel date-time.xlsx row 23: TIMEVALUE reads text only
    ("=TIMEVALUE(\"1:23\")", 0.057638888888888885),
    ("=TIMEVALUE(\"12:59:59 AM\")", 0.0416550925925926),
    ("=TIMEVALUE(\"12:59:59\")", 0.5416550925925926),
    ("=TIMEVALUE(\"1.25\")", "#VALUE!"),
    ("=TIMEVALUE(0.5)", "#VALUE!"),
    # doc: DATEVALUE (US locale)
    ("=DATEVALUE(\"3/15/2023\")", 45000.0),
    ("=DATEVALUE(\"2023-03-15 14:00\")", 45000.0),
    ("=DATEVALUE(\"1/1/1900\")", 1.0),
    ("=DATEVALUE(45000)", "#VALUE!"),
    ("=DATEVALUE(\"soon\")", "#VALUE!"),
    ("=DATEVALUE(\"3/2023\")", 44986.0),
    ("=DATEVALUE(\"15-Mar-2023\")", 45000.0),
    ("=DATEVALUE(\"March 15, 2023\")", 45000.0),
    ("=DATEVALUE(\"12/31/1899\")", "#VALUE!"),
    # ironcalc DATE_AND_TIME/DATE_TIME.xlsx Sheet1!C5:C11
    ("=TIMEVALUE(\"24:00\")", 0.0),
    ("=TIMEVALUE(\" 1:30 \")", 0.0625),
    ("=DATEVALUE(\"29-Feb-1900\")", 60.0),
    ("=DATEVALUE(\"2024-02-29 06:00\")", 45351.0),
    # IronCalc repository history, xlsx/tests/calc_tests TIMEVALUE.xlsx B7:B13, DATEVALUE.xlsx
    # B3 and DATE_AND_TIME/YEARFRAC_DATEDIF.xlsx C31:D32 (saved by Excel Online)
    ("=TIMEVALUE(\"4 pm\")", 16 / 24),
    ("=TIMEVALUE(\"4:5 pm\")", 0.6701388888888888),
    ("=TIMEVALUE(\"4:65\")", 0.21180555555555555),
    ("=TIMEVALUE(\"4.35\")", "#VALUE!"),
    ("=DATEVALUE(\"12.01.2026\")", "#VALUE!"),
    ("=YEARFRAC(\"2024-01-10\",\"2026-01-10\")", 2.0),
    ("=DATEDIF(\"2024-01-10\",\"2026-01-10\",\"D\")", 731.0),
    ("=DATEDIF(\" 2024-01-10 \",\" 2026-01-10 \",\"D\")", "#VALUE!"),
    ("=TIMEVALUE(\"2 PM\")", 14 / 24),
    ("=TIMEVALUE(\"13:00 PM\")", "#VALUE!"),
    # ironcalc DAYS_DAYS360.xlsx Sheet1!C:D
    ("=DAYS(DATE(2025,1,10),DATE(2025,1,1))", 9.0),
    ("=DAYS(46000.999999,45992.000001)", 8.0),
    ("=DAYS(-5,-10)", "#NUM!"),
    ("=DAYS(TRUE,FALSE)", 1.0),
    ("=DAYS(\"abc\",\"def\")", "#VALUE!"),
    ("=DAYS360(45992.000001,46000.999999)", 9.0),
    ("=DAYS360(DATE(2024,2,28),DATE(2024,3,1))", 3.0),
    ("=DAYS360(DATE(2024,2,29),DATE(2025,2,28))", 358.0),
    ("=DAYS360(DATE(2025,7,30),DATE(2025,7,31))", 0.0),
    ("=DAYS360(DATE(1990,5,12),DATE(9990,5,12))", 2880000.0),
    ("=DAYS360(DATE(2025,1,1),DATE(2025,1,31),TRUE)", 29.0),
    ("=DAYS360(DATE(2025,1,1),DATE(2025,1,31),\"TRUE\")", 29.0),
    ("=DAYS360(DATE(2025,1,1),DATE(2025,1,31),-2)", 29.0),
    ("=DAYS360(DATE(2025,1,1),DATE(2025,1,31),0)", 30.0),
    ("=DAYS360(DATE(2025,1,1),DATE(2025,1,31),\"abc\")", "#VALUE!"),
    # pycel fixtures/yearfrac.xlsx YEARFRAC!C3:G7 and the error block J2:R12
    ("=YEARFRAC(DATE(2001,1,31),DATE(2001,3,31),0)", 0.16666666666666666),
    ("=YEARFRAC(DATE(2001,1,31),DATE(2001,3,31),1)", 0.16164383561643836),
    ("=YEARFRAC(DATE(2001,1,31),DATE(2001,3,31),2)", 0.1638888888888889),
    ("=YEARFRAC(DATE(2004,2,29),DATE(2005,2,28),0)", 1.0),
    ("=YEARFRAC(DATE(2004,2,29),DATE(2005,2,28),1)", 0.9972677595628415),
    ("=YEARFRAC(DATE(2004,2,29),DATE(2005,2,28),4)", 0.9972222222222222),
    ("=YEARFRAC(DATE(2001,2,28),DATE(2004,2,29),1)", 3.0006844626967832),
    ("=YEARFRAC(DATE(2003,1,1),DATE(2001,1,2),3)", 1.9972602739726026),
    ("=YEARFRAC(1,200,-1)", "#NUM!"),
    ("=YEARFRAC(0,200,0)", 0.55),
    ("=YEARFRAC(1,200,5)", "#NUM!"),
    ("=YEARFRAC(1,200,TRUE)", "#VALUE!"),
    ("=YEARFRAC(1/0,200,-1)", "#NUM!"),
    ("=YEARFRAC(1/0,200,0)", "#DIV/0!"),
    ("=YEARFRAC(2958466,200,0)", "#NUM!"),
    # formulas test.xlsx DATE & TIME!R4:X4; doc (Excel's MD answer for 31 Jan -> 1 Mar)
    ("=DATEDIF(8,1987,\"YD\")", 153.0),
    ("=DATEDIF(1,8,\"Y\")", 0.0),
    ("=DATEDIF(0.7,1,\"D\")", 1.0),
    ("=DATEDIF(\"-1\",0,\"YD\")", "#NUM!"),
    ("=DATEDIF(0,0.7,\"a\")", "#NUM!"),
    ("=DATEDIF(DATE(2000,1,1),DATE(2010,6,15),\"y\")", 10.0),
    ("=DATEDIF(DATE(2000,1,1),DATE(2010,6,15),\"YM\")", 5.0),
    ("=DATEDIF(DATE(2015,1,31),DATE(2015,3,1),\"MD\")", -2.0),
    ("=DATEDIF(DATE(2015,3,1),DATE(2015,1,31),\"D\")", "#NUM!"),
]

INFORMATION = [
    # ironcalc INFORMATION/IS_INFORMATION.xlsx Sheet1!B5, N.xlsx N!B*, ERROR.TYPE.xlsx
    ("=ISNUMBER(\"12\")", False),
    ("=ISNUMBER(1+2)", True),
    ("=ISTEXT(\"12\")", True),
    ("=ISTEXT(NA())", False),
    ("=ISNONTEXT(NA())", True),
    ("=ISLOGICAL(TRUE)", True),
    ("=ISBLANK(\"\")", False),
    ("=ISERROR(1/0)", True),
    ("=ISERR(NA())", False),
    ("=ISERR(1/0)", True),
    ("=ISNA(NA())", True),
    ("=N(TRUE)", 1.0),
    ("=N(TRUE+TRUE)", 2.0),
    ("=N(\"10\")", 0.0),
    ("=N(-12)", -12.0),
    ("=N(1/0)", "#DIV/0!"),
    ("=T(1)", ""),
    ("=T(\"a\")", "a"),
    ("=T(NA())", "#N/A"),
    ("=TYPE(1)", 1.0),
    ("=TYPE(\"a\")", 2.0),
    ("=TYPE(TRUE)", 4.0),
    ("=TYPE(NA())", 16.0),
    ("=TYPE({1,2})", 64.0),
    ("=ERROR.TYPE(1/0)", 2.0),
    ("=ERROR.TYPE(NA())", 7.0),
    ("=ERROR.TYPE(1)", "#N/A"),
    ("=NA()", "#N/A"),
    # doc: ISEVEN/ISODD truncate; TRUE is #VALUE!
    ("=ISEVEN(-3)", False),
    ("=ISODD(-3.7)", True),
    ("=ISEVEN(0)", True),
    ("=ISODD(TRUE)", "#VALUE!"),
    ("=ISEVEN(\"4\")", True),
]

LOGICAL = [
    # ironcalc LOGICAL/AND_OR_XOR.xlsx "AND XOR OR" C:E rows 47-53
    ("=OR(\"TRUE\")", True),
    ("=AND(\"FALSE\")", False),
    ("=XOR(\"TRUE\")", True),
    ("=OR(\"0\")", "#VALUE!"),
    ("=AND(\"\", \"\")", "#VALUE!"),
    ("=AND(\"\", TRUE)", True),
    ("=XOR(\"\", FALSE)", False),
    ("=AND(-0.1)", True),
    ("=XOR(1, 1, 1)", True),
    ("=AND(0, 1)", False),
    ("=OR(1/0)", "#DIV/0!"),
    # formulas test.xlsx LOGICAL!AP3, AT3: errors first, typed text skipped
    ("=AND(TRUE,\"0\",#REF!)", "#REF!"),
    ("=AND(TRUE,\"0\")", True),
    ("=OR({\"TRUE\",1})", True),
    ("=AND({\"a\"})", "#VALUE!"),
    ("=NOT(0)", True),
    ("=NOT(\"abc\")", "#VALUE!"),
    ("=TRUE()", True),
    ("=FALSE()", False),
    # ironcalc LOGICAL/IF_ARRAY.xlsx Sheet1!E8:H8 (a shorter array pads with #N/A); doc
    ("=IF({TRUE,FALSE},{1,2,3,4},{10,11,12,13})", [[1.0, 11.0, "#N/A", "#N/A"]]),
    ("=IF({TRUE,FALSE},{1,2,3},{1,2,3,4})", [[1.0, 2.0, "#N/A", "#N/A"]]),
    ("=IF(\"TRUE\",1,2)", 1.0),
    ("=IF(\"abc\",1,2)", "#VALUE!"),
    ("=IF(FALSE,1)", False),
    ("=IF(TRUE,,\"x\")", 0.0),
    ("=IF(TRUE,1,1/0)", 1.0),
    ("=IF(1/0,1,2)", "#DIV/0!"),
    # doc: IFERROR / IFNA / IFS
    ("=IFERROR(1/0,\"E\")", "E"),
    ("=IFERROR(3,\"E\")", 3.0),
    ("=IFNA(NA(),5)", 5.0),
    ("=IFNA(1/0,5)", "#DIV/0!"),
    ("=IFS(FALSE,1,TRUE,2)", 2.0),
    ("=IFS(FALSE,1)", "#N/A"),
    ("=IFS(1/0,1,TRUE,2)", "#DIV/0!"),
    ("=IFS(0,1,3,2)", 2.0),
    # ironcalc logical.xlsx Sheet1!I4; pycel fixtures/logical.xlsx Switch!C28:C41
    ("=SWITCH(\"wednesday\",\"Monday\",1,\"Tuesday\",2,\"WEDNESDAY\",3)", 3.0),
    ("=SWITCH(TRUE,1,\"match\")", "#N/A"),
    ("=SWITCH(FALSE,FALSE,\"match\")", "match"),
    ("=SWITCH(\"UPPER\",\"Upper\",\"match\")", "match"),
    ("=SWITCH(0,\"\",\"match\")", "#N/A"),
    ("=SWITCH(\"\",\"\",\"match\")", "match"),
    ("=SWITCH(2,1,\"a\",\"default\")", "default"),
    ("=SWITCH(NA(),1,2)", "#N/A"),
    ("=SWITCH(3,1,\"a\",2,\"b\")", "#N/A"),
]


def _same(got: object, want: object) -> bool:
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(
            len(g) == len(w) and all(_same(a, b) for a, b in zip(g, w, strict=True))
            for g, w in zip(got, want, strict=True))
    if isinstance(want, float):
        return isinstance(got, float) and got == pytest.approx(want, rel=1e-12, abs=1e-12)
    if isinstance(want, str) and want.startswith("#"):
        return got == want
    return type(got) is type(want) and got == want


@pytest.mark.parametrize(("formula", "want"), DATE_TIME + INFORMATION + LOGICAL)
def test_function_agrees_with_excel(formula: str, want: object) -> None:
    got = excel(formula)
    assert _same(got, want), f"{formula}: Excel {want!r}, engine {got!r}"


def test_element_wise_results_over_arrays() -> None:
    # A blank is serial 0 (EOMONTH 31, 31 January 1900), date text is read, other text
    # (and "" typed as text) is #VALUE! in its own element only.
    column = np.array([[45000.0], [EMPTY], ["3/15/2023"], ["x"], [""]], dtype=object)
    got = DATES["EOMONTH"](column, 0.0)
    assert [v if isinstance(v, float) else str(v) for v in got.ravel().tolist()] == [
        45016.0, 31.0, 45016.0, "#VALUE!", "#VALUE!"]
    assert excel('=EOMONTH({45000;"";"x"},0)') == [[45016.0], ["#VALUE!"], ["#VALUE!"]]
    assert excel('=YEAR({45000,"x",0})') == [[2023.0, "#VALUE!", 1900.0]]
    assert excel("=IFERROR({1,0}/{1,0},\"E\")") == [[1.0, "E"]]
    assert excel("=IFNA({1,2},NA())") == [[1.0, 2.0]]
    assert excel("=ISNUMBER({1,\"1\",TRUE})") == [[True, False, False]]
    # formulas test.xlsx DATE & TIME!AK3: a shorter array pads with #N/A
    assert excel("=DATE({2022;2023;2024},{1;2;3},{1;2})")[2] == ["#N/A"]


def test_filled_down_column_with_a_blank_and_a_text_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    starts = [dt.datetime(2024, 1, 15), None, "3/15/2023", "x", dt.datetime(2024, 2, 10)]
    sheet["C1"], sheet["D1"], sheet["E1"] = "Start", "Month end", "Year"
    for row, start in enumerate(starts, start=2):
        if start is not None:
            sheet.cell(row, 3, start)
        sheet.cell(row, 4, f"=EOMONTH(C{row},0)")
        sheet.cell(row, 5, f"=YEAR(C{row})")
    path = tmp_path / "filled.xlsx"
    book.save(path)
    result = evaluate(Package(path))
    values = result.values["Data"]
    assert result.batched_cells > 0
    assert [values[(r, 4)] for r in range(2, 7)] == [45322.0, 31.0, 45016.0, "#VALUE!",
                                                      45351.0]
    assert [values[(r, 5)] for r in range(2, 7)] == [2024.0, 1900.0, 2023.0, "#VALUE!",
                                                      2024.0]
