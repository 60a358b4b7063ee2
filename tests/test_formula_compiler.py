"""The engine's own formula parser, compiler and operators (issue 21: recalculating a
workbook the engine computes itself never imports ``formulas``).

Expected values are Excel's, as its documentation and any copy of Excel give them
(operator precedence, coercion, errors); the property test holds the operators to the
``formulas`` package's, an independent implementation, wherever both compute a value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xlkpi.workbook  # noqa: F401  (builds the function table)
from tests.excel_formula import excel
from xlkpi.workbook.context import range_array
from xlkpi.workbook.engine import compiled
from xlkpi.workbook.formula_compiler import CompiledFormula
from xlkpi.workbook.formula_parser import UnsupportedError, parse
from xlkpi.workbook.formulas_bridge import formulas_compile
from xlkpi.workbook.grid import to_python
from xlkpi.workbook.operators import OPERATORS
from xlkpi.workbook.references import Rect
from xlkpi.workbook.xlvalues import EMPTY, ERRORS, Array, XlError

# ------------------------------------------------------------------ precedence
PRECEDENCE = [
    ("=1+2*3", 7.0),
    ("=(1+2)*3", 9.0),
    ("=-2^2", 4.0),            # negation binds tighter than ^ in Excel
    ("=2+-3^2", 11.0),         # ... after another operator too (formulas: -7)
    ("=2--3^2", -7.0),
    ("=2^-1", 0.5),
    ("=2^3^2", 64.0),          # ^ associates to the left
    ("=10-4-3", 3.0),
    ("=12/3/2", 2.0),
    ("=2*50%", 1.0),
    ("=50%^2", 0.25),          # % before ^
    ('="a"&1+1', "a2"),        # & after +
    ("=1+1=2", True),          # comparison last
    ('="x"&2>"x1"', True),
    ("=--TRUE", 1.0),
    ("=-+-3", 3.0),
    ("=+TRUE", True),          # unary plus leaves a value as it is
    ('=-"3"', -3.0),
    ("=1E+2+.5", 100.5),
    ("= 1 +  2 ", 3.0),
]


@pytest.mark.parametrize(("formula", "expected"), PRECEDENCE)
def test_operators_bind_as_in_excel(formula, expected):
    assert excel(formula) == expected


# ------------------------------------------------------------------ operators
OPERATOR_VALUES = [
    ('="3"+1', 4.0),
    ('=" 3 "*2', 6.0),
    ('="a"+1', "#VALUE!"),
    ('="1,000"+1', 1001.0),    # text read as Excel reads it where a number is wanted
    ('="50%"*2', 1.0),
    ('="$5"+1', 6.0),
    ('="1e3"+0', 1000.0),
    ('="inf"+1', "#VALUE!"),
    ('=""+1', "#VALUE!"),
    ('="2024-01-31"-"2024-01-01"', 30.0),
    ('=-"12:00"', -0.5),
    ("=TRUE+TRUE", 2.0),
    ("=1/0", "#DIV/0!"),
    ("=0/0", "#DIV/0!"),
    ("=0^-1", "#DIV/0!"),
    ("=0^0", "#NUM!"),
    ("=(-8)^(1/3)", "#NUM!"),
    ("=10^400", "#NUM!"),
    ("=1E+308*10", "#NUM!"),
    ("=#N/A+1", "#N/A"),
    ("=#REF!^0", "#REF!"),      # not 1, though NaN ** 0 is 1
    ('="a"^0', "#VALUE!"),
    ("=1^#N/A", "#N/A"),
    ("=1/0+#N/A", "#DIV/0!"),
    ('=#REF!&"x"', "#REF!"),
    ('="a"<"B"', True),
    ('="A"="a"', True),
    ('=1<"0"', True),          # numbers sort before text
    ('="z"<TRUE', True),       # text before logical values
    ("=FALSE>1000", True),
    ("=TRUE&1", "TRUE1"),
    ("=1.5&2", "1.52"),
    ("=3&4", "34"),
    ("=200%", 2.0),
]


@pytest.mark.parametrize(("formula", "expected"), OPERATOR_VALUES)
def test_operators_give_excels_values(formula, expected):
    assert excel(formula) == expected


def test_arrays_of_different_sizes_are_padded_with_na():
    assert excel("={1,2,3}+{10,20}") == [[11.0, 22.0, "#N/A"]]
    assert excel("={1;2}*{1,10}") == [[1.0, 10.0], [2.0, 20.0]]
    assert excel("={1,2;3,4}+{10;20;30}") == [[11.0, 12.0], [23.0, 24.0], ["#N/A", "#N/A"]]


def test_array_constants_hold_signed_numbers_text_and_errors():
    assert excel('={1,-2;"a",#N/A}') == [[1.0, -2.0], ["a", "#N/A"]]


def _cells(*values):
    column = np.empty((len(values), 1), dtype=object)
    column[:, 0] = values
    return range_array(column, Rect("DATA", 1, 1, len(values), 1))


def test_a_blank_is_zero_in_arithmetic_and_empty_text_beside_text():
    blank = _cells(EMPTY)
    formula = compiled('A1+1&"|"&(A1="")&"|"&(A1=0)&"|"&A1&"|"&(A1<"a")')
    assert isinstance(formula, CompiledFormula)
    result = formula(blank)
    assert to_python(np.ravel(result)[0]) == "1|TRUE|TRUE||TRUE"


def test_a_column_mixes_numbers_text_blanks_and_errors_element_by_element():
    column = _cells(1.0, "2", "x", EMPTY, ERRORS["#N/A"], True, 1e308)
    result = compiled("A1:A7*10")(column)
    assert [to_python(v) for v in np.ravel(result)] == [
        10.0, 20.0, "#VALUE!", 0.0, "#N/A", 10.0, "#NUM!"]


# ------------------------------------------------------------------ compiling
def test_each_reference_is_one_input_however_it_is_written():
    formula = compiled("A1+$A$1+'My data'!B2:C3+Rate")
    assert isinstance(formula, CompiledFormula)
    assert formula.inputs == ["A1", "'My data'!B2:C3", "Rate"]


def test_an_argument_left_out_arrives_as_none():
    seen = []

    def spy(*args):
        seen.append(args)
        return 0

    from xlkpi.workbook.function_table import table

    table().put("XLKPI_TEST_SPY", spy)
    try:
        assert compiled("XLKPI_TEST_SPY(1,,3)")() == 0
        assert seen[-1] == (1, None, 3)
        compiled("XLKPI_TEST_SPY()")()
        assert seen[-1] == ()
    finally:
        for name in ("XLKPI_TEST_SPY", "_XLFN.XLKPI_TEST_SPY", "_XLFN._XLWS.XLKPI_TEST_SPY"):
            dict.pop(table(), name)
            table().ours.discard(name)


@pytest.mark.parametrize("formula", [
    "SUM((A1,B1))",            # union
    "SUM(A1:C3 B2:D4)",        # intersection
    "A1#",                     # a spilled range
    "@A1:A3",
    "LAMBDA(x,x+1)(2)",
    "Table1[Amount]",
    "Sheet1:Sheet3!A1",
    "XLKPI_NOBODY_DEFINES(1)",  # not one of the engine's functions
])
def test_what_the_engine_does_not_read_goes_to_formulas(formula):
    with pytest.raises(UnsupportedError):
        from xlkpi.workbook.formula_compiler import compile_formula
        from xlkpi.workbook.function_table import table

        compile_formula(formula, table(), table().known, lambda a, b: None)
    try:
        handed_over = compiled(formula)
    except Exception:  # formulas cannot read it either: the cell reports it
        return
    assert not isinstance(handed_over, CompiledFormula)


def test_the_parser_reads_nested_calls_and_comparisons():
    tree = parse('IF(AND(A2>=0,A2<=45),"In time",IFERROR(1/B2,"n/a"))')
    assert tree.name == "IF" and len(tree.args) == 3
    assert tree.args[0].name == "AND" and tree.args[0].args[0].symbol == ">="


# ------------------------------------------------------------------ against formulas
_scalars = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
    st.integers(-50, 50).map(float),
    st.sampled_from(["3", " 4.5", "abc", "ABC", "", "A", "a", "b", "B", "0", "TRUE"]),
    st.booleans(),
    st.just(EMPTY),
    st.sampled_from([ERRORS["#N/A"], ERRORS["#DIV/0!"], ERRORS["#VALUE!"]]),
)
#: operators where Excel and ``formulas`` agree on every value (^ differs: 0^0, and
#: ``formulas`` gives a whole-array #VALUE! where a single element overflows)
_COMMON = ["+", "-", "*", "/", "&", "=", "<>", "<", ">", "<=", ">="]


def _same(a, b):
    a, b = to_python(a), to_python(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12) or a == b
    return a == b and type(a) is type(b)


@settings(max_examples=300, deadline=None)
@given(symbol=st.sampled_from(_COMMON), left=st.lists(_scalars, min_size=1, max_size=6),
       right=_scalars)
def test_operators_agree_with_the_formulas_package(symbol, left, right):
    column = _cells(*left)
    other = _cells(right)
    ours = compiled(f"A1:A{len(left)}{symbol}B1")
    theirs = formulas_compile(f"A1:A{len(left)}{symbol}B1")
    assert isinstance(ours, CompiledFormula)
    by_name = dict(zip(theirs.inputs, (column, other), strict=True))
    expected = np.asarray(theirs(*(by_name[k] for k in theirs.inputs)), dtype=object)
    got = np.asarray(ours(column, other), dtype=object)
    assert got.shape == expected.shape
    assert all(_same(g, e) for g, e in zip(got.ravel(), expected.ravel(), strict=True)), (
        got, expected)


def test_errors_are_one_value_whichever_side_made_them():
    theirs = formulas_compile("1/0")()
    assert np.ravel(theirs)[0] is ERRORS["#DIV/0!"]
    assert isinstance(np.ravel(OPERATORS["+"](theirs, 1))[0], XlError)
    assert isinstance(np.asarray(theirs).view(Array), Array)


_POOL = [0.0, 1.0, -2.5, 1e300, "3", " 4.5", "abc", "ABC", "", "a", "A", "b", "TRUE", True,
         False, EMPTY, ERRORS["#N/A"], ERRORS["#DIV/0!"]]


@pytest.mark.parametrize("symbol", _COMMON)
def test_operators_agree_with_the_formulas_package_on_every_pair(symbol):
    n = len(_POOL)
    left = _cells(*[x for x in _POOL for _ in range(n)])
    right = _cells(*(_POOL * n))
    formula = f"A1:A{n * n}{symbol}B1:B{n * n}"
    theirs = formulas_compile(formula)
    expected = np.asarray(theirs(left, right), dtype=object).ravel()
    got = np.asarray(compiled(formula)(left, right), dtype=object).ravel()
    wrong = [(_POOL[k // n], _POOL[k % n], g, e) for k, (g, e) in
             enumerate(zip(got, expected, strict=True)) if not _same(g, e)]
    assert not wrong, wrong


def test_formulas_imported_first_is_refused_with_a_message_not_half_shared():
    import subprocess
    import sys

    code = ("import formulas.functions\nimport xlkpi.workbook\n"
            "from xlkpi.workbook.formulas_bridge import formulas_compile\n"
            "formulas_compile('1+1')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 1
    assert "formulas was imported before xlkpi.workbook needed it" in run.stderr


def _expressions():
    """Formula text from constants, parentheses, operators, % and a few functions, with
    the values kept where Excel and ``formulas`` compute alike (no ``^``, no text that
    only Excel reads as a number)."""
    leaves = st.one_of(
        st.integers(0, 20).map(str),
        st.sampled_from(["0.5", "1.25", "TRUE", "FALSE", '"3"', '"abc"', '""', '"A"',
                         "#N/A", "#DIV/0!"]),
    )

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(_COMMON), inner).map(
                lambda t: f"{t[0]}{t[1]}{t[2]}"),
            inner.map(lambda e: f"({e})"),
            inner.map(lambda e: f"-{e}"),
            inner.map(lambda e: f"--{e}"),
            inner.map(lambda e: f"{e}%"),
            st.tuples(st.sampled_from(["IF", "IFERROR", "MAX", "MIN", "SUM", "AND", "LEN",
                                       "ABS", "ISNUMBER", "N"]),
                      st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: f"{t[0]}({','.join(t[1])})"),
        )

    return st.recursive(leaves, extend, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(text=_expressions())
def test_whole_formulas_compute_as_formulas_parses_them(text):
    """Precedence, signs, % and calls: the engine's parser and ``formulas``' (with the
    engine's corrections) give the same value, the functions being the engine's in
    both."""
    try:
        theirs = formulas_compile(text)
        expected = np.asarray(theirs(), dtype=object).ravel()
    except Exception:  # formulas cannot compile or run it: nothing to compare with
        return
    ours = compiled(text)
    assert isinstance(ours, CompiledFormula), text
    got = np.asarray(ours(), dtype=object).ravel()
    assert got.shape == expected.shape, text
    assert all(_same(g, e) for g, e in zip(got, expected, strict=True)), (text, got, expected)


@pytest.mark.parametrize("first", _COMMON)
def test_every_pair_of_operators_binds_as_formulas_binds_them(first):
    """``7 a 3 b 2``, ``-7 a 3 b 2%`` and ``2 a -3 b 4`` for every pair of operators but
    ``^``: precedence and associativity are the engine's own and ``formulas``' (which
    follows Excel's table). With ``^`` they part where ``formulas`` differs from Excel
    (``2+-3^2``, a negative number to a fractional power): PRECEDENCE has those."""
    for second in _COMMON:
        for text in (f"7{first}3{second}2", f"-7{first}3{second}2%", f"2{first}-3{second}4"):
            expected = np.asarray(formulas_compile(text)(), dtype=object).ravel()[0]
            got = np.asarray(compiled(text)(), dtype=object).ravel()[0]
            assert _same(got, expected), (text, got, expected)


# ------------------------------------------------------------------ LET
LETS = [
    ("=_xlfn.LET(_xlpm.x,2,_xlpm.x+1)", 3.0),
    ("=_xlfn.LET(_xlpm.x,2,_xlpm.y,_xlpm.x*3,_xlpm.x+_xlpm.y)", 8.0),  # later sees earlier
    ("=_xlfn.LET(_xlpm.x,1,_xlfn.LET(_xlpm.x,5,_xlpm.x)+_xlpm.x)", 6.0),  # inner shadows
    ("=_xlfn.LET(_xlpm.Rate,4,_xlpm.rate^2)", 16.0),  # names ignore case
    ('=_xlfn.LET(_xlpm.t,"ab",_xlpm.t&_xlpm.t)', "abab"),
    ("=_xlfn.LET(_xlpm.a,{1,2,3},SUM(_xlpm.a))", 6.0),
    ("=_xlfn.LET(_xlpm.e,1/0,IFERROR(_xlpm.e,-1))", -1.0),
    ("=_xlfn.LET(_xlpm.r,RAND(),_xlpm.r-_xlpm.r)", 0.0),  # one draw, read twice
]


@pytest.mark.parametrize(("formula", "expected"), LETS)
def test_let_binds_names_for_its_calculation(formula, expected):
    assert isinstance(compiled(formula[1:]), CompiledFormula)
    assert excel(formula) == expected


def test_a_name_let_binds_is_computed_afresh_at_each_evaluation():
    formula = compiled("_xlfn.LET(_xlpm.r,RAND(),_xlpm.r+0)")
    assert len({float(np.ravel(formula())[0]) for _ in range(20)}) > 15


def test_let_over_a_range_passes_the_reference_on():
    column = _cells(4.0, 5.0, 6.0)
    formula = compiled("_xlfn.LET(_xlpm.c,A1:A3,ROWS(_xlpm.c)*SUM(_xlpm.c))")
    assert isinstance(formula, CompiledFormula) and formula.inputs == ["A1:A3"]
    assert to_python(np.ravel(formula(column))[0]) == 45.0


@pytest.mark.parametrize("formula", ["_xlpm.x+1", "_xlfn.LET(_xlpm.x,1)",
                                     "_xlfn.LET(A1,1,A1)"])
def test_a_name_no_let_binds_goes_to_formulas(formula):
    from xlkpi.workbook.formula_compiler import compile_formula
    from xlkpi.workbook.function_table import table

    with pytest.raises(UnsupportedError):
        compile_formula(formula, table(), table().known, lambda a, b: None)


def test_a_workbook_of_let_and_lambda_calls_is_computed_without_formulas(tmp_path):
    from tests.fresh_process import cli_loads
    from tests.test_workbook_package import _package, _row
    from xlkpi.workbook import recalc

    rows = _row(1, '<x:c r="A1"><x:v>5</x:v></x:c>'
                   '<x:c r="B1"><x:f>_xlfn.LET(_xlpm.x,A1,_xlpm.x*_xlpm.x)</x:f><x:v>0</x:v></x:c>'
                   '<x:c r="C1"><x:f>_xlfn.LAMBDA(_xlpm.v,_xlpm.v+1)(A1)</x:f><x:v>0</x:v></x:c>')
    source = _package(tmp_path / "let.xlsx", rows)
    result = recalc(source, tmp_path / "out.xlsx")
    assert (result.value("Data", "B1"), result.value("Data", "C1")) == (25.0, 6.0)
    loaded, _ = cli_loads(["recalc", str(source), "-o", str(tmp_path / "out2.xlsx")],
                          ["formulas"])
    assert not loaded
