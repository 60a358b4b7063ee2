"""The engine on case sheets built the way analysts build them: each answer is Excel's,
worked out by hand from the sheet (the compatibility corpus checks the same rules
against workbooks Excel saved: ``make test-compat``)."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table

from xlkpi.workbook import recalc
from xlkpi.workbook.engine import evaluate
from xlkpi.workbook.package import Package


def _run(tmp_path, build):
    wb = openpyxl.Workbook()
    build(wb)
    path = tmp_path / "case.xlsx"
    wb.save(path)
    return recalc(path)


def test_a_filled_down_column_keeps_each_rows_answer_when_one_row_is_bad(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["referral", "month end"])
        for day in (45000, None, "not a date", 45031):
            ws.append([day])
        for row in range(2, 6):
            ws[f"B{row}"] = f"=EOMONTH(A{row},0)"
            ws[f"C{row}"] = f"=YEAR(A{row})"

    result = _run(tmp_path, build)
    # 45000 is 15 Mar 2023 -> 31 Mar 2023 = 45016; a blank is day 0 -> 31 Jan 1900 = 31
    assert [result.value("Sheet", f"B{r}") for r in range(2, 6)] == [
        45016.0, 31.0, "#VALUE!", 45046.0]
    assert [result.value("Sheet", f"C{r}") for r in range(2, 6)] == [
        2023.0, 1900.0, "#VALUE!", 2023.0]
    assert result.errors == {"#VALUE!": 2}


def test_a_running_balance_is_not_circular(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["in", "opening", "closing"])
        ws.append([5, 100, "=B2+A2"])
        for row in range(3, 7):
            ws.append([row, f"=C{row - 1}", f"=B{row}+A{row}"])

    result = _run(tmp_path, build)
    assert not result.skipped
    # 100+5 = 105, +3 = 108, +4 = 112, +5 = 117, +6 = 123
    assert [result.value("Sheet", f"C{r}") for r in range(2, 7)] == [
        105.0, 108.0, 112.0, 117.0, 123.0]


def test_row_and_column_without_an_argument_are_the_cells_own(tmp_path):
    def build(wb):
        ws = wb.active
        for row in range(2, 5):
            ws[f"A{row}"] = "=ROW()-1"
        ws["D7"] = "=COLUMN()*10+ROW()"

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"A{r}") for r in range(2, 5)] == [1.0, 2.0, 3.0]
    assert result.value("Sheet", "D7") == 47.0


def test_sumproduct_of_double_negated_comparisons_counts(tmp_path):
    def build(wb):
        ws = wb.active
        for value in ("red", "amber", "red", "green", "RED"):
            ws.append([value])
        ws["C1"] = '=SUMPRODUCT(--(A1:A5="red"))'

    assert _run(tmp_path, build).value("Sheet", "C1") == 3.0  # comparison ignores case


def _referrals(wb):
    ws = wb.active
    ws.title = "Cases"
    ws.append(["Team", "Count", "Double"])
    for team, count in (("North", 4), ("South", 7), ("East", 2)):
        ws.append([team, count])
    for row in range(2, 5):
        ws[f"C{row}"] = "=Referrals[[#This Row],[Count]]*2"
    ws.add_table(Table(displayName="Referrals", ref="A1:C4"))
    ws["E1"] = "=SUM(Referrals[Count])"
    ws["E2"] = "=COUNTA(Referrals[#Headers])"
    ws["E3"] = "=ROWS(Referrals[#All])"
    ws["E4"] = "=SUM(Referrals[[Count]:[Double]])"


def test_structured_references_to_an_excel_table(tmp_path):
    result = _run(tmp_path, _referrals)
    assert [result.value("Cases", f"C{r}") for r in range(2, 5)] == [8.0, 14.0, 4.0]
    assert result.value("Cases", "E1") == 13.0
    assert result.value("Cases", "E2") == 3.0
    assert result.value("Cases", "E3") == 4.0
    assert result.value("Cases", "E4") == 39.0  # 13 + 26


def test_three_d_references_and_indirect_across_month_sheets(tmp_path):
    def build(wb):
        for i, month in enumerate(("Jan", "Feb", "Mar")):
            ws = wb.active if i == 0 else wb.create_sheet(month)
            ws.title = month
            ws["B2"] = (i + 1) * 10
        summary = wb.create_sheet("Summary")
        summary["A1"] = "=SUM(Jan:Mar!B2)"
        summary["A2"] = '=INDIRECT("Feb!B2")'
        summary["A3"] = '=INDIRECT("R2C2",FALSE)'
        summary["B2"] = 99
        summary["B3"], summary["B4"] = 1, 2
        summary["A4"] = '=SUM(INDIRECT("B2"):INDIRECT("B4"))'
        summary["A5"] = "=SUM('Jan'!B2,Feb!B2)"

    result = _run(tmp_path, build)
    assert result.value("Summary", "A1") == 60.0
    assert result.value("Summary", "A2") == 20.0
    assert result.value("Summary", "A3") == 99.0
    assert result.value("Summary", "A4") == 102.0
    assert result.value("Summary", "A5") == 30.0


def test_rolling_twelve_month_window_with_offset(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["month", "referrals"])
        for month in range(1, 16):
            ws.append([month, month * 10])
        ws["D1"] = "=SUM(OFFSET(B1,COUNT(B:B)-11,0,12))"
        ws["D2"] = "=AVERAGE(OFFSET(B2,0,0,3,1))"

    result = _run(tmp_path, build)
    assert result.value("Sheet", "D1") == sum(m * 10 for m in range(4, 16))  # 1140
    assert result.value("Sheet", "D2") == 20.0


def test_sheet_scoped_name_wins_over_the_workbook_name(tmp_path):
    def build(wb):
        first = wb.active
        first.title = "North"
        first["A1"] = 1000
        second = wb.create_sheet("South")
        second["A1"] = 2000
        wb.defined_names["Target"] = DefinedName("Target", attr_text="North!$A$1")
        second.defined_names["Target"] = DefinedName("Target", attr_text="South!$A$1")
        first["B1"] = "=Target*2"
        second["B1"] = "=Target*2"

    result = _run(tmp_path, build)
    assert result.value("North", "B1") == 2000.0
    assert result.value("South", "B1") == 4000.0


def test_let_and_a_named_lambda(tmp_path):
    def build(wb):
        ws = wb.active
        ws["A1"] = 12
        ws["A2"] = 480
        wb.defined_names["PER10K"] = DefinedName(
            "PER10K", attr_text="_xlfn.LAMBDA(_xlpm.n,_xlpm.pop,_xlpm.n/_xlpm.pop*10000)")
        ws["B1"] = "=_xlfn.LET(_xlpm.x,A1*2,_xlpm.x+1)"
        ws["B2"] = "=PER10K(A1,A2)"

    result = _run(tmp_path, build)
    assert result.value("Sheet", "B1") == 25.0
    assert result.value("Sheet", "B2") == 250.0


@pytest.mark.parametrize(("code", "expected"), [(9, 16.0), (109, 6.0), (2, 3.0), (102, 2.0)])
def test_subtotal_leaves_out_hidden_rows_for_101_to_111(tmp_path, code, expected):
    def build(wb):
        ws = wb.active
        for value in (1, 10, 5):
            ws.append([value])
        ws.row_dimensions[2].hidden = True
        ws["A4"] = "=SUBTOTAL(9,A1:A3)"
        ws["B1"] = f"=SUBTOTAL({code},A1:A4)"

    assert _run(tmp_path, build).value("Sheet", "B1") == expected


def test_cells_computed_from_today_are_volatile_too(tmp_path):
    def build(wb):
        ws = wb.active
        ws["A1"] = "=TODAY()"
        ws["A2"] = "=A1+28"  # a due date from today: Excel saved it on another day
        ws["A3"] = "=YEAR(A2)"
        ws["B1"] = 5
        ws["B2"] = "=B1*2"

    path = tmp_path / "case.xlsx"
    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    evaluation = evaluate(Package(path))
    assert evaluation.volatile == {"Sheet": {(1, 1), (2, 1), (3, 1)}}


def test_countif_criteria_as_a_case_sheet_uses_them(tmp_path):
    def build(wb):
        ws = wb.active
        for colour in ("dark red", "red", "Dark blue", "bed", "green", "=1/0"):
            ws.append([colour])
        ws["C1"] = '=COUNTIF(A1:A6,"dark*")'  # wildcard: both "dark ..." rows, any case
        ws["C2"] = '=COUNTIF(A1:A6,"?ed")'  # red, bed
        ws["C3"] = "=COUNTIF(A1:A6,D1)"  # an empty criterion cell means 0: none here
        ws["C4"] = '=COUNTIF(A:A,"<>red")'  # every other cell of the whole column
        ws["C5"] = "=COUNTIF(A1:A6,A6)"  # an error criterion matches that error only

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"C{r}") for r in range(1, 6)] == [
        2.0, 2.0, 0.0, 1_048_576.0 - 1, 1.0]


def test_an_element_wise_dynamic_array_spills_one_value_per_cell(tmp_path):

    def build(wb):
        ws = wb.active
        for day in (45000, 45031, 45061):  # 15 Mar, 15 Apr, 15 May 2023
            ws.append([day])
        ws["B1"] = ArrayFormula("B1:B3", "=MONTH(A1:A3)")
        ws["C1"] = ArrayFormula("C1:C3", "=A1:A3*2")
        # EOMONTH, an Analysis ToolPak function, takes an array but not a range (Excel
        # gives #VALUE! for EOMONTH(A1:A3,0)); A1:A3+0 is an array
        ws["D1"] = ArrayFormula("D1:D3", "=EOMONTH(A1:A3+0,0)")
        ws["E1"] = ArrayFormula("E1:E3", "=EOMONTH(A1:A3,0)")

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"B{r}") for r in range(1, 4)] == [3.0, 4.0, 5.0]
    assert [result.value("Sheet", f"C{r}") for r in range(1, 4)] == [90000.0, 90062.0, 90122.0]
    assert [result.value("Sheet", f"D{r}") for r in range(1, 4)] == [45016.0, 45046.0, 45077.0]
    assert [result.value("Sheet", f"E{r}") for r in range(1, 4)] == ["#VALUE!"] * 3


def test_round_half_away_from_zero_on_the_shown_decimal_and_switch_ignores_case(tmp_path):
    def build(wb):
        ws = wb.active
        ws["A1"] = "=ROUND(0.285,2)"
        ws["A2"] = '=_xlfn.SWITCH("RED","red","R","amber","A","?")'
        ws["A3"] = '=MAX(B1:B3)'
        ws["B1"], ws["B2"], ws["B3"] = 4, "n/a", 7
        ws["A4"] = '=TEXT(1234567,"#,##0,")'  # a trailing comma divides by 1,000

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"A{r}") for r in range(1, 5)] == [0.29, "R", 7.0, "1,235"]


def test_iterative_calculation_when_the_workbook_turns_it_on(tmp_path):
    def build(wb):
        wb.calculation.iterate = True
        wb.calculation.iterateCount = 100
        wb.calculation.iterateDelta = 0.0001
        ws = wb.active
        ws["A1"] = "=B1/2+1"  # x = x/2 + 1 settles at 2
        ws["B1"] = "=A1"
        ws["C1"] = "=A1*10"

    result = _run(tmp_path, build)
    assert not result.skipped
    assert result.value("Sheet", "A1") == pytest.approx(2.0, abs=1e-3)
    assert result.value("Sheet", "C1") == pytest.approx(20.0, abs=1e-2)


def test_a_true_cycle_without_iteration_keeps_excels_values_and_is_listed(tmp_path):
    def build(wb):
        ws = wb.active
        ws["A1"] = "=B1+1"
        ws["B1"] = "=A1"

    result = _run(tmp_path, build)
    assert [(cell, reason) for _, cell, reason in result.skipped] == [
        ("A1", "circular reference"), ("B1", "circular reference")]


def test_a_cycle_that_an_if_never_follows_is_computed(tmp_path):
    # formulas/circular.xlsx (Excel-saved) DATA!B6:E6, D14, C15 and D10:D12: Excel
    # follows only the references a formula evaluates
    def build(wb):
        ws = wb.active
        ws["A1"] = False
        ws["B1"], ws["C1"] = "=C1", "=D1"
        ws["D1"] = "=IF(IF(A1,B1,TRUE),1,B1)"  # A1 FALSE: B1 never read -> 1
        ws["E1"] = "=B1+1"
        ws["A2"] = "#REF!"
        ws["B2"] = '=IF(A2="",0,3000-SUM(B2:B2))'  # the condition is #REF!: so is B2
        ws["A3"], ws["A4"], ws["A5"] = False, True, False
        ws["B3"], ws["B4"], ws["B5"] = "=IF(A3,C3,1)", "=IF(A4,C4,1)", "=IF(A5,C5,1)"
        ws["C3"], ws["C4"], ws["C5"] = "=D3", "=D4", "=D5"
        ws["D3"] = ArrayFormula("D3:D5", "=IF(A3:A5,B3:B5,1)")

    result = _run(tmp_path, build)
    assert [result.value("Sheet", c) for c in ("B1", "C1", "D1", "E1")] == [1.0, 1.0, 1.0, 2.0]
    assert result.value("Sheet", "B2") == "#REF!"
    # row 4 truly reads itself (B4 -> C4 -> D4 -> B4): listed, Excel's value kept
    assert [result.value("Sheet", f"{c}{r}") for c in "BCD" for r in (3, 5)] == [1.0] * 6
    assert sorted(cell for _, cell, _ in result.skipped) == ["B4", "C4", "D4"]


def test_unions_of_ranges_and_index_of_a_range(tmp_path):
    # formulas/test.xlsx (Excel-saved): CORE!E7, LOOKUP!S4, V4, S15, AQ52:AR54, R53, R54;
    # ironcalc simple_functions.xlsx INDEX!H6
    def build(wb):
        ws = wb.active
        for r, row in enumerate([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], start=1):
            for c, value in enumerate(row, start=1):
                ws.cell(r, c, value)
        ws["F1"] = "=SUM(B1:D2 (A1:B3,D1:D3))"  # (B1:B2,D1:D2): 2+6+4+8
        ws["F2"] = "=AREAS((A1:B1,C1,D1:D3))"
        ws["F3"] = "=AREAS(((A1:B1,B1:C1,A3:B3) B1:B3))"  # an intersection per area
        ws["F4"] = "=COLUMNS((A1:B1,C1))"
        ws["F5"] = "=INDEX((A1:A3,C1:C3),2,1,2)"  # second area, row 2: C2
        ws["F6"] = "=INDEX((A1:A3,C1:C3),2,1,3)"  # no third area
        ws["F7"] = "=INDEX(A1:C2,2)"  # several rows and columns, no column: #REF!
        ws["F8"] = "=INDEX(A1:C2,-1)"
        ws["F9"] = "=INDEX(A1:A3,0.4)"  # the whole column, met at row 9: outside it
        ws["F10"] = "=SUM(INDEX(A1:C3,0,2))"
        ws["F11"] = ArrayFormula("F11:F13", "=INDEX((A1:A3,B1:B3),1,1,{3;2;1})")

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"F{r}") for r in range(1, 11)] == [
        20.0, 3.0, 3.0, "#REF!", 7.0, "#REF!", "#REF!", "#VALUE!", "#VALUE!", 18.0]
    assert [result.value("Sheet", f"F{r}") for r in range(11, 14)] == ["#REF!", 2.0, 1.0]


def test_a_function_nothing_defines_is_name_error_unless_macros_may_define_it(tmp_path):
    # ironcalc IFERROR.xlsx (Excel-saved) Sheet1!C13, C14, E20; formulas/test.xlsx CORE!O23
    def build(wb):
        ws = wb.active
        ws["A1"], ws["A2"] = 1, 2
        ws["B1"] = '=IFERROR(SUMM(A1:A2),"masked!")'
        ws["B2"] = '=_xlfn.IFNA(SUMM(A1:A2),"hidden")'
        ws["B3"] = "=XYZ(1)"
        ws["B4"] = "=IFERROR(CUBEVALUE(1),0)"  # Excel's own, not computed here: left

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"B{r}") for r in range(1, 4)] == [
        "masked!", "#NAME?", "#NAME?"]
    assert [cell for _, cell, _ in result.skipped] == ["B4"]

    import zipfile

    with zipfile.ZipFile(tmp_path / "case.xlsx", "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"")  # a workbook with macros
    kept = recalc(tmp_path / "case.xlsx")
    assert sorted(cell for _, cell, _ in kept.skipped) == ["B1", "B2", "B3", "B4"]


def test_range_operator_after_offset_quoted_sheet_names_and_fractional_sizes(tmp_path):
    # ironcalc range_operator.xlsx Sheet2!A2, quotes.xlsx Sheet1!C8,
    # ROW_COLUM.xlsx OFFSET!K46, K47, K48 (all Excel-saved)
    def build(wb):
        ws = wb.active
        for r in range(1, 5):
            ws[f"A{r}"], ws[f"B{r}"] = r, r * 10
        ws["D1"] = "=SUM(OFFSET(A1,1,1):B3)"  # B2:B3
        ws["D2"] = "=SUM(OFFSET(A1,0,0,4,0.9))"  # a fraction of a column is one column
        ws["D3"] = "=SUM(OFFSET(A1,0,0,4,1.99))"  # truncated
        ws["D4"] = "=SUM(OFFSET(A1,0,0,4,0))"
        ws["D5"] = "='Third ''Sheet'' (3)'!B3/100"
        other = wb.create_sheet("Third 'Sheet' (3)")
        other["B3"] = 2500

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"D{r}") for r in range(1, 6)] == [
        50.0, 10.0, 10.0, "#REF!", 25.0]


def test_a_lambda_called_where_it_is_written_and_its_optional_parameters(tmp_path):
    # ironcalc LAMBDA.xlsx Sheet1!A1, A2 and ISOMITTED.xlsx Sheet1!A1, A6, A7
    # (Excel-saved); _xlop.b is an optional parameter ([b] in Excel)
    def build(wb):
        ws = wb.active
        ws["A5"], ws["B5"] = 12, 3
        ws["C1"] = "=_xlfn.LAMBDA(_xlpm.x, _xlpm.x+1)(5)"
        ws["C2"] = "=_xlfn.LAMBDA(_xlpm.x,_xlpm.y, SQRT(_xlpm.x*_xlpm.x+_xlpm.y*_xlpm.y))(3,4)"
        ws["C3"] = ('=_xlfn.LAMBDA(_xlpm.x,_xlpm.y, IF(_xlfn.ISOMITTED(_xlpm.y),'
                    '"Missing second argument",_xlpm.x+_xlpm.y))(1,)')
        body = "IF(_xlfn.ISOMITTED(_xlpm.b),_xlpm.a/2,_xlpm.a*_xlpm.b)"
        ws["C4"] = f"=_xlfn.LAMBDA(_xlpm.a,_xlop.b,{body})(A5)"
        ws["C5"] = f"=_xlfn.LAMBDA(_xlpm.a,_xlop.b,{body})(A5, B5)"

    result = _run(tmp_path, build)
    assert [result.value("Sheet", f"C{r}") for r in range(1, 6)] == [
        6.0, 5.0, "Missing second argument", 6.0, 36.0]


def test_rows_and_columns_of_a_whole_column_or_row_count_all_of_it(tmp_path):
    # ironcalc ROW_COLUM.xlsx (Excel-saved) ROWS_COLUMNS!A6, A8, B7
    def build(wb):
        ws = wb.active
        for r in range(1, 4):
            ws[f"C{r}"] = r
        ws["A6"] = "=ROWS(C:C)"
        ws["A8"] = "=ROWS($AB:$AAA)"
        ws["B7"] = "=COLUMNS(14:14)"

    result = _run(tmp_path, build)
    assert [result.value("Sheet", c) for c in ("A6", "A8", "B7")] == [
        1048576.0, 1048576.0, 16384.0]


def test_trimrange_trims_both_ends_by_default(tmp_path):
    # ironcalc TRIMRANGE.xlsx (Excel-saved) Sheet1!J3:J5 and K3
    def build(wb):
        ws = wb.active
        ws["H3"], ws["H4"], ws["H5"] = 1, 2, 3
        ws["J3"] = ArrayFormula("J3:J5", "=_xlfn.TRIMRANGE(H:H)")
        ws["K3"] = "=SUM(_xlfn.ANCHORARRAY(J3))"
        ws["L1"] = "=ROWS(_xlfn.TRIMRANGE(H1:H9,2))"  # the trailing blanks only: H1:H5
        ws["L2"] = "=_xlfn.TRIMRANGE(H1:H9,2.3)"  # formulas/test.xlsx LOOKUP!Z135

    result = _run(tmp_path, build)
    assert [result.value("Sheet", c) for c in ("J3", "J4", "J5", "K3", "L1", "L2")] == [
        1.0, 2.0, 3.0, 6.0, 5.0, "#VALUE!"]


def test_an_error_inside_a_trend_series_is_the_trend_s_answer(tmp_path):
    """=KPI_TREND over months one of which is #N/A gives #N/A (as SUM would), not
    "Dataset is incomplete", which is the answer for a month left blank."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"] = 1, "=NA()", 3
    ws["C1"], ws["C3"] = 1, 2
    ws["B1"], ws["B2"] = "=KPI_TREND(A1:A3)", "=KPI_TREND(C1:C3)"
    wb.save(tmp_path / "trend.xlsx")
    result = recalc(tmp_path / "trend.xlsx")
    assert str(result.value("Sheet", "B1")) == "#N/A"
    assert result.value("Sheet", "B2") == "Dataset is incomplete"
