"""Lookup, conditional-aggregate, database and aggregate functions against Excel's answers.

Each case is a constant formula and the value Microsoft Excel gives, taken from an
Excel-saved workbook of the compatibility corpus (workbook and cell noted) or worked by
hand from Excel's documented rule. Cases that need a blank cell or a whole column call
the function directly with the values the engine passes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.excel_formula import excel
from xlkpi.workbook.conditional import FUNCTIONS as CONDITIONAL
from xlkpi.workbook.excel_functions import EMPTY, xl_error
from xlkpi.workbook.natives.aggregates import FUNCTIONS as AGGREGATES
from xlkpi.workbook.natives.lookup import FUNCTIONS as LOOKUP
from xlkpi.workbook.xlvalues import Array

COLOURS = '{"red";"BLUE";"yellow";"dark blue";"light blue";"light yellow";"dark yellow"}'
TREES = ('{"Tree","Height","Age","Yield","Profit";"Apple",18,20,14,105;"Pear",12,12,10,96;'
         '"Cherry",13,14,9,105;"Apple",14,15,10,75;"Pear",9,8,8,76.8;"Apple",8,9,6,45}')
UNITS = '{1;2;3;4;5;5;5;6;7;7;7;8;9}'
LETTERS = '{"aa";"a";"b";"c";"d";"e";"f";"g";"h";"i";"j";"k";"l"}'

CASES: list[tuple[str, Any]] = [
    # --- criteria: the user's report (SUMIFS.xlsx Sheet1!D7, COUNTIFS.xlsx Rows1!C7)
    (f'=COUNTIF({COLOURS},"dark*")', 2.0),
    ('=COUNTIF({"red";"bed";"reed";"Ted";"ed"},"?ed")', 3.0),
    (f'=SUMIF({COLOURS},"*ll*",{{1;2;-23;4;5;-3;"x"}})', -26.0),  # SUMIFS.xlsx D10 rule
    ('=SUMIF({"1213";"tron";1213},"12*",{3;4;5})', 3.0),  # wildcards: text only
    ('=COUNTIF({23;"23";TRUE;1;-23;"hey";FALSE},"<>23")', 6.0),  # COUNTIF.xlsx Rows!E2
    ('=COUNTIF({23;"23";TRUE;1;-23;"hey";FALSE},23)', 2.0),  # COUNTIF.xlsx Rows!C2
    ('=COUNTIF({"Steven";"Albert";"#DIV/0!";"brown"},"<brown")', 2.0),
    ('=COUNTIF({1;"#N/A";#N/A;#DIV/0!},#N/A)', 1.0),  # SUMIF_AVERAGE_IF.xlsx G6
    ('=COUNTIF({1;"#DIV/0!";#DIV/0!;#DIV/0!},"#DIV/0!")', 2.0),  # COUNTIF.xlsx Rows!V10
    ('=COUNTIF({"a";"";"b"},"<>")', 3.0),
    ('=AVERAGEIF({"a";"b";"a"},"a",{2;10;4})', 3.0),
    ('=SUMIFS({13;17;5},{"red";"BLUE";"dark blue"},"*blue")', 22.0),
    ('=MAXIFS({1;2;3;-1;-13},{1;7;8;9;3},">0",{1;7;8;9;3},"<5")', 1.0),  # SUMIFS H25
    ('=MINIFS({1;5;3},{"a";"b";"a"},"x")', 0.0),
    ('=MAXIFS({1;5;3},{"a";"b";"a"},"a")', 3.0),
    # --- aggregates: text, booleans and blanks in ranges skipped, typed values converted
    ('=SUMPRODUCT(--({"red";"x";"red"}="red"))', 2.0),
    ('=SUMPRODUCT({"red";"x";"red"}="red")', 0.0),  # booleans in arrays count as 0
    ('=SUMPRODUCT({1;2;3},{1;2})', "#VALUE!"),
    ('=SUMPRODUCT({1,"a";TRUE,4},{2,2;2,2})', 10.0),
    ('=SUMPRODUCT({1,2,3}, {4,-2,-4})', -12.0),  # MATH_AND_TRIGONOMETRY/SUMPRODUCT.xlsx F1
    ('=SUMPRODUCT({1,#NUM!},{1,2,3})', "#NUM!"),  # formulas test.xlsx MATH & TRIG!AE75
    ('=MAX({"a",1,3})', 3.0),
    ('=MIN({"a",TRUE,3,7})', 3.0),
    ('=AVERAGE({1,FALSE,0,TRUE,"Hola",3,"23",12})', 4.0),  # AVERAGE.xlsx Sheet1!B11
    ('=AVERAGEA({1,FALSE,0,TRUE,"Hola",3,"23",12})', 2.125),  # AVERAGE.xlsx B12
    ('=AVERAGE("3",5)', 4.0),
    ('=AVERAGE("x",5)', "#VALUE!"),
    ('=SUM({1,TRUE,"1"},1)', 2.0),  # simple_functions.xlsx SUM!I6 rule
    ('=COUNT(1,"2","x",TRUE,#N/A)', 3.0),  # COUNT.xlsx Sheet1!B27:H27
    ('=COUNTA(1,"",#N/A,"Hola")', 4.0),
    ('=COUNTBLANK({1,"",2})', 1.0),
    ('=SUMSQ({1,2,"x"},3)', 14.0),
    ('=MAXA({"a",-1,FALSE})', 0.0),
    # --- database functions (DAVERAGE.xlsx, Microsoft's example)
    (f'=DAVERAGE({TREES},"Yield",{{"Tree","Height";"=Apple",">10"}})', 12.0),
    (f'=DAVERAGE({TREES},3,{TREES})', 13.0),
    (f'=DAVERAGE({TREES},"yield",{{"HEIGHT";"<16"}})', 8.6),
    (f'=DAVERAGE({TREES},"Yield",{{"Tree";"*pp*"}})', 10.0),
    (f'=DCOUNT({TREES},"Age",{{"Tree";"Pear";"Cherry"}})', 3.0),  # OR rows
    (f'=DCOUNT({TREES},"Age",{{"Tree","Age";"Apple",">10"}})', 2.0),  # AND columns
    (f'=DCOUNTA({TREES},"Tree",{{"Tree";"Ap"}})', 3.0),  # text begins with
    (f'=DSUM({TREES},"Profit",{{"Tree";"=Pear"}})', 172.8),
    (f'=DGET({TREES},"Yield",{{"Tree";"Cherry"}})', 9.0),
    (f'=DGET({TREES},"Yield",{{"Tree";"Apple"}})', "#NUM!"),
    (f'=DGET({TREES},"Yield",{{"Tree";"Plum"}})', "#VALUE!"),
    (f'=DMAX({TREES},"Profit",{{"Tree";"Apple"}})', 105.0),
    (f'=DMIN({TREES},"Profit",{{"Tree";"Apple"}})', 45.0),
    (f'=DPRODUCT({TREES},"Yield",{{"Tree";"Pear"}})', 80.0),
    (f'=DVARP({TREES},"Yield",{{"Tree";"Pear"}})', 1.0),
    (f'=DVAR({TREES},"Yield",{{"Tree";"Pear"}})', 2.0),
    (f'=DSTDEVP({TREES},"Yield",{{"Tree";"Pear"}})', 1.0),
    (f'=DSUM({TREES},"Weight",{{"Tree";"Pear"}})', "#VALUE!"),
    (f'=DSUM({TREES},0,{{"Tree";"Pear"}})', "#VALUE!"),
    # --- XLOOKUP (XLOOKUP.xlsx)
    ('=XLOOKUP(1,{1;2;3;4},{"a";"b";"c"})', "#VALUE!"),  # Errors!D9
    ('=XLOOKUP(1,{1,2},{1,2,3})', "#VALUE!"),  # Errors!D11
    ('=XLOOKUP(3,{2;5;4;5;3},{"a";"b";"c";"d";"e"})', "e"),
    ('=XLOOKUP(5,{2;5;4;5;3},{"a";"b";"c";"d";"e"},,,-1)', "d"),  # ExactMatch!F7
    ('=XLOOKUP(10,{2;5;4;5;3},{"a";"b";"c";"d";"e"},"Not found")', "Not found"),
    ('=XLOOKUP(10,{2;5;4;5;3},{"a";"b";"c";"d";"e"})', "#N/A"),
    (f'=XLOOKUP(5,{UNITS},{LETTERS},,-1,2)', "d"),  # MultipleElements!E4
    (f'=XLOOKUP(7.1,{UNITS},{LETTERS},,-1,2)', "j"),  # MultipleElements!E8
    (f'=XLOOKUP(7.1,{UNITS},{LETTERS},,1,2)', "k"),  # MultipleElements!F8
    (f'=XLOOKUP(4.8,{UNITS},{LETTERS},,-1,2)', "c"),  # MultipleElements!E10
    ('=XLOOKUP(FALSE,{2;5;4;5;3;TRUE;"ala"},{"a";"b";"c";"d";"e";"f";"g"},,-1)', "g"),
    ('=XLOOKUP(10,{2;5;4;5;3;TRUE;"ala"},{"a";"b";"c";"d";"e";"f";"g"},,1)', "g"),
    ('=XLOOKUP("b*",{"a";"bob";"c"},{1;2;3},,2)', 2.0),
    ('=XLOOKUP("b*",{"a";"bob";"c"},{1;2;3},,2,2)', "#VALUE!"),  # Wildcards!E13
    ('=XLOOKUP(2,{1;2;3},{"a",1;"b",2;"c",3})', [["b", 2.0]]),
    ('=XLOOKUP({1;3},{1;2;3},{"a";"b";"c"})', [["a"], ["c"]]),
    ('=XLOOKUP(1,{1;2},{1;2},,12)', "#VALUE!"),  # Errors!H5
    # --- XMATCH, MATCH (MATCH.xlsx, XMATCH.xlsx, formulas test.xlsx LOOKUP sheet)
    ('=XMATCH("Spain",{"Albania";"India";"Spain"})', 3.0),
    ('=XMATCH("[A-Z][a-z]+y",{"Albania";"India";"Germany";"Italy"},3,1)', 3.0),
    ('=XMATCH("ß",{1,"ss",2.1},0)', 2.0),
    ('=MATCH("ß",{1,"ss",2.1},0)', "#N/A"),
    ('=MATCH("delta",{"Alpha";"Beta";"Delta";"Delta";"Gamma";"Omega"})', 4.0),
    ('=MATCH("delta",{"Alpha";"Beta";"Delta";"Delta";"Gamma";"Omega"},0)', 3.0),
    ('=MATCH("*~?",{"Patata";"ata";"Mulata";"Question?"},0)', 4.0),
    ('=MATCH(13,{"13";1},0)', "#N/A"),
    ('=MATCH(4.1,{"a",2.1,"c bau c",4.1})', 4.0),
    ('=MATCH(4,{"a",2.1,"c bau c",4.1})', 2.0),
    ('=MATCH(4.1,{"c bau c",4.1,"a",1.1})', 2.0),
    ('=MATCH(TRUE,{TRUE,4.1,FALSE,1.1})', 3.0),
    ('=MATCH(3,{4.1,3.1,2.1,1.1})', "#N/A"),
    ('=MATCH(-1,{0;1;2;3;4},-1)', 5.0),  # pycel lookup.xlsx Lookup!B32
    ('=MATCH(0.5,{0;1;2;3;4},-1)', "#N/A"),
    ('=MATCH(7,SEQUENCE(10),0)', 7.0),  # MATCH_LOOKUP_arrays.xlsx MATCH!D5
    # --- VLOOKUP, HLOOKUP, LOOKUP, INDEX, CHOOSE
    ('=VLOOKUP(3,SEQUENCE(3,2),2)', 4.0),  # MATCH_LOOKUP_arrays.xlsx VLOOKUP!D6
    ('=HLOOKUP(3,SEQUENCE(2,3),2)', 6.0),  # HLOOKUP!D6
    ('=VLOOKUP("b",{"a",1;"b",2},3,FALSE)', "#REF!"),
    ('=VLOOKUP("b",{"a",1;"b",2},0,FALSE)', "#VALUE!"),
    ('=VLOOKUP("c",{"a",1;"b",2},2,FALSE)', "#N/A"),
    ('=HLOOKUP("Aranda","Nothing",1)', "#VALUE!"),  # HVLOOKUP.xlsx HLOOKUP!N13
    ('=HLOOKUP("Aranda",3,1)', "#N/A"),  # HVLOOKUP.xlsx HLOOKUP!N12
    ('=LOOKUP("b",{"a","b","c";1,2,3})', 2.0),  # MATCH_LOOKUP_arrays.xlsx LOOKUP!D10
    ('=LOOKUP(7.5,SEQUENCE(10))', 7.0),  # LOOKUP!D7
    ('=LOOKUP(2,{0,"a";1,"e";2,"i"},{"x";"y";"z"})', "z"),
    ('=INDEX({1,2;3,4},0,1)', [[1.0], [3.0]]),  # INDEX.xlsx INDEX!A7 rule
    ('=INDEX({1,2;3,4},2,0)', [[3.0, 4.0]]),
    ('=INDEX({1,2,3},2)', 2.0),
    ('=INDEX({1,2;3,4},3,1)', "#REF!"),
    # an array of indexes, even of one, gives one value per index (formulas/test.xlsx
    # LOOKUP!AN54:AO54 and AO52:AP53); an array constant with only a row gives that row
    # (LOOKUP!AM52:AN52)
    ('=INDEX({2,3;4,5},{1})', 2.0),
    ('=INDEX({2,3;4,5},{1,2})', [[2.0, 4.0]]),
    ('=INDEX({2,3;4,5},2)', [[4.0, 5.0]]),
    ('=CHOOSE(2,"a","b","c")', "b"),
    ('=CHOOSE(4,"a","b","c")', "#VALUE!"),
    ('=CHOOSE({1,2},"a","b")', [["a", "b"]]),
    # --- dynamic arrays
    ('=SEQUENCE(2,3,10,5)', [[10.0, 15.0, 20.0], [25.0, 30.0, 35.0]]),
    ('=SORT({3;"b";1;TRUE;"A"})', [[1.0], [3.0], ["A"], ["b"], [True]]),
    ('=SORT({3;"b";1},1,-1)', [["b"], [3.0], [1.0]]),
    ('=SORT({"Hola";"HOLA";"abc"})', [["abc"], ["Hola"], ["HOLA"]]),  # SORT.xlsx D11
    ('=SORTBY({"a";"b";"c"},{3;1;2})', [["b"], ["c"], ["a"]]),
    ('=SORT({1,"b";1,"a";0,"c"},{1,2},{1,-1})', [[0.0, "c"], [1.0, "b"], [1.0, "a"]]),
    ('=SORT({2,1,2,1},1,{1;-1})', "#VALUE!"),  # formulas test.xlsx LOOKUP!AR118
    ('=UNIQUE({"a";"A";"b";"a"})', [["a"], ["b"]]),
    ('=UNIQUE({"a";"A";"b"},,TRUE)', "b"),
    ('=FILTER({1;2;3},{TRUE;FALSE;TRUE})', [[1.0], [3.0]]),
    ('=FILTER({1;2},{1;2}>10)', "#VALUE!"),  # FILTER_ERRORS.xlsx E1
    ('=FILTER({1;2},{1;2}>10,"none")', "none"),
    ('=TRANSPOSE({1,2,3})', [[1.0], [2.0], [3.0]]),
    ('=TAKE({1;2;3},-2)', [[2.0], [3.0]]),
    ('=TAKE({1;2;3},0)', "#VALUE!"),  # DROP_TAKE.xlsx L2
    ('=DROP({1;2;3},3)', "#VALUE!"),  # DROP_TAKE.xlsx F2
    ('=DROP({1,2;3,4},1,1)', 4.0),
    ('=DROP({1,2,3;4,5,6;7,8,9},1,{1;2;1})', [[5.0], [6.0], [5.0]]),  # test.xlsx AE16
    ('=VSTACK({1,2},{3})', [[1.0, 2.0], [3.0, "#N/A"]]),
    ('=HSTACK({1;2;3},{4;5})', [[1.0, 4.0], [2.0, 5.0], [3.0, "#N/A"]]),
    ('=TOCOL({1,2;3,4})', [[1.0], [2.0], [3.0], [4.0]]),
    ('=TOROW({1,2;3,4},0,TRUE)', [[1.0, 3.0, 2.0, 4.0]]),
    ('=TOCOL({1,#N/A;3,4},2)', [[1.0], [3.0], [4.0]]),
]


@pytest.mark.parametrize(("formula", "expected"), CASES)
def test_formula_gives_excels_answer(formula: str, expected: Any) -> None:
    got = excel(formula)
    if isinstance(expected, float):
        assert got == pytest.approx(expected), formula
    else:
        assert got == expected, formula


def _column(*values: Any, hidden: int = 0) -> Array:
    """A one-column range as the engine passes it (``hidden``: blank cells cut)."""
    out = np.empty((len(values), 1), dtype=object)
    for i, value in enumerate(values):
        out[i, 0] = value
    column = out.view(Array)
    if hidden:
        column.hidden_blanks = hidden
    return column


def test_a_blank_criterion_cell_matches_zero_not_blanks() -> None:
    # COUNTIF.xlsx Rows!AI2: an empty criterion cell counts the cells holding 0
    cells = _column(True, 1.0, 0.0, False, EMPTY, "TRUE", EMPTY)
    assert CONDITIONAL["COUNTIF"](cells, EMPTY) == 1.0
    assert CONDITIONAL["COUNTIF"](cells, "") == 2.0


def test_an_error_criterion_matches_that_error_only() -> None:
    # COUNTIF.xlsx Rows!AA3: =1/0 as the criterion counts the #DIV/0! cells
    cells = _column(xl_error("#N/A"), 12.0, xl_error("#DIV/0!"), "#N/A", 0.0)
    assert CONDITIONAL["COUNTIF"](cells, xl_error("#DIV/0!")) == 1.0
    assert CONDITIONAL["COUNTIF"](cells, xl_error("#N/A")) == 1.0


def test_not_equal_over_a_whole_column_counts_every_row() -> None:
    # COUNTIF.xlsx Rows!R2: =COUNTIF($G:$G,"<>23") is 1,048,575 with one 23 in G
    used = _column("Range", 23.0, "23", True, 1.0, hidden=1_048_576 - 5)
    assert CONDITIONAL["COUNTIF"](used, "<>23") == 1_048_575.0
    assert CONDITIONAL["COUNTIF"](used, 23.0) == 2.0
    assert CONDITIONAL["COUNTIFS"](used, "<>23", used, "<>1") == 1_048_574.0
    assert AGGREGATES["COUNTBLANK"](used) == 1_048_571.0


def test_xlookup_of_a_blank_value_finds_a_blank_cell() -> None:
    # XLOOKUP.xlsx ExactMatch!U12: a blank lookup value finds the first blank cell
    keys = _column(2.0, 3.0, EMPTY, 5.0, EMPTY)
    values = _column("a", "b", "blank", "d", "last")
    assert LOOKUP["XLOOKUP"](EMPTY, keys, values) == "blank"
    assert LOOKUP["XLOOKUP"](EMPTY, keys, values, "none", 0.0, -1.0) == "last"
    # the old functions read a blank value as 0 (pycel lookup.xlsx Lookup!G16)
    assert LOOKUP["MATCH"](EMPTY, _column(0.0, 1.0, 2.0), 1.0) == 1.0
    assert str(LOOKUP["MATCH"](EMPTY, _column("a", "", EMPTY), 0.0)) == "#N/A"


def test_a_text_cell_is_skipped_but_typed_text_is_read() -> None:
    # AVERAGE.xlsx Sheet1!M15: AVERAGE(N15 & O15) is 42; COUNT.xlsx B16: cells skipped
    assert AGGREGATES["AVERAGE"](np.array([["42"]], dtype=object).view(Array)) == 42.0
    assert AGGREGATES["MIN"](_column(3.0, "1", True, EMPTY), 5.0) == 3.0
