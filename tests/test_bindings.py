"""Excel bindings generated from the registry: classic xlwings, xlwings Lite, and the
calling convention they share. Tested on Linux, without Excel: the generated modules are
checked as source (names, signatures, docstrings, decorator arguments) and called."""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import inspect
from pathlib import Path

import numpy as np
import pytest

from xlkpi.bindings import UDFS, excel_call, render_classic, render_lite
from xlkpi.functions import REGISTRY
from xlkpi.macros import CHECKS_SHEET, check_book, refresh_book

CLASSIC = UDFS / "xlkpi_udfs.py"
LITE = UDFS / "lite" / "main.py"


def test_generated_files_are_up_to_date_with_the_registry():
    # if this fails, run: python -m xlkpi.bindings
    assert CLASSIC.read_text(encoding="utf-8") == render_classic()
    assert LITE.read_text(encoding="utf-8") == render_lite()


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _decorators(node: ast.FunctionDef) -> list[tuple[str, list[str], dict[str, str]]]:
    out = []
    for dec in node.decorator_list:
        call = dec if isinstance(dec, ast.Call) else None
        name = ast.unparse(call.func if call else dec)
        args = [ast.unparse(a) for a in call.args] if call else []
        kwargs = {k.arg: ast.unparse(k.value) for k in call.keywords} if call else {}
        out.append((name, args, kwargs))
    return out


@pytest.mark.parametrize("function", REGISTRY.values(), ids=list(REGISTRY))
def test_classic_binding_matches_the_registry(function):
    node = _functions(CLASSIC)[function.name]
    params = [a.arg for a in node.args.args]
    assert params == [a.name for a in function.args]
    assert len(node.args.defaults) == function.max_args - function.min_args
    assert ast.get_docstring(node).replace("\n", " ").startswith(
        function.help.split(".")[0])
    decorators = _decorators(node)
    assert decorators[0] == ("xw.func", [], {"category": "'xlkpi'"})
    declared = {args[0].strip("'\""): (args[1:], kwargs) for name, args, kwargs in
                decorators[1:] if name == "xw.arg"}
    assert list(declared) == [a.name for a in function.args]
    for arg in function.args:
        positional, kwargs = declared[arg.name]
        assert ast.literal_eval(kwargs["doc"]) == arg.description
        if arg.kind == "option":
            assert positional == []
        else:  # ranges as 2-D arrays: one call per column, errors as their codes
            assert positional == ["np.array"]
            assert kwargs["ndim"] == "2" and kwargs["err_to_str"] == "True"


def test_classic_module_has_the_macros():
    functions = _functions(CLASSIC)
    for macro in ("refresh", "check"):
        assert _decorators(functions[macro])[0][0] == "xw.sub"


@pytest.mark.parametrize("function", REGISTRY.values(), ids=list(REGISTRY))
def test_lite_binding_matches_the_registry(function):
    node = _functions(LITE)[function.name.lower()]
    assert [a.arg for a in node.args.args] == [a.name for a in function.args]
    decorators = _decorators(node)
    assert decorators[0][0] == "func"
    assert [args[0].strip("'\"") for _, args, _ in decorators[1:]] == [
        a.name for a in function.args]


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_classic_functions_take_ranges_dates_serials_and_errors():
    udfs = _load(CLASSIC, "xlkpi_udfs_under_test")
    assert str(inspect.signature(udfs.KPI_WORKDAYS)) == (
        "(start, end, convention='elapsed', region='ENG', closures=None)")
    # SPEC.md: Fri 5 May 2023 to Wed 10 May 2023 over the Coronation bank holiday: 2
    start = np.array([[dt.datetime(2023, 5, 5)], [45051.0], ["#N/A"], [None]], dtype=object)
    end = np.array([[dt.datetime(2023, 5, 10)]], dtype=object)
    assert udfs.KPI_WORKDAYS(start, end) == [[2.0], [2.0], ["#N/A"], [None]]
    assert udfs.KPI_WORKDAYS(start[:1], end, "inclusive") == 3.0
    assert udfs.KPI_WORKDAY(np.array([[45051.0]]), np.array([[2.0]])) == dt.datetime(
        2023, 5, 10)
    assert udfs.KPI_RAG(np.array([[0.782]]), "High", 0.7, 0.8) == "Amber"


@pytest.mark.parametrize(("name", "args", "expected"), [
    # values printed in the seeds or in SPEC.md
    ("KPI_WORKDAYS", ([["05/05/2023"]], [["2023-05-10"]]), 2.0),
    ("KPI_WORKDAYS", ([["31/02/2023"], ["05/05/2023"]], [[45056]]), [["#VALUE!"], [2.0]]),
    ("KPI_PCT", ([[14, 5]], [[16, 0]]), [[0.875, "N/A"]]),
    ("KPI_CHANGE", (28208, 34029), "-5,821 (-17.1%)"),  # seed 003, contacts YTD
    ("KPI_RAG_TEXT", (0.82, "90% or above Green 85%-89% Amber 84% and below Red"), "Red"),
    ("KPI_DOT", (0.238, 0.2, "Low"), "Worsening"),
    ("KPI_TREND", ([[1, 2, 4, 3, 5]],), "Increasing"),
    ("KPI_TREND", ([[1, 2], [3, 4]],), "#VALUE!"),  # a block is not a series
    # a missing month leaves the dataset incomplete; an error in the series is the answer
    ("KPI_TREND", ([[1], [None], [3], [4]],), "Dataset is incomplete"),
    ("KPI_TREND", ([[1], ["#N/A"], [3]],), "#N/A"),
    # an error among the closure dates (one setting for every cell) is every cell's answer
    ("KPI_WORKDAYS", ([["05/05/2023"], ["2023-05-06"]], "2023-05-10", None, None,
                      [["#REF!"]]), [["#REF!"], ["#REF!"]]),
    ("KPI_RAG", ([[0.9], ["#DIV/0!"]], "High", 0.75, 0.85), [["Green"], ["#DIV/0!"]]),
    ("KPI_RAG", (0.9, "Sideways", 0.75, 0.85), "#VALUE!"),
    ("KPI_SYMBOL", ("Green",), "★"),
    ("KPI_WITHIN", ("", "", "ASSESSMENT"), None),  # blank in, blank out
])
def test_excel_call(name, args, expected):
    assert excel_call(name, *args) == expected


class _Range:
    def __init__(self, sheet, row, column, formula=None):
        self.sheet, self.row, self.column = sheet, row, column
        self._formula = formula

    @property
    def formula(self):
        return self._formula

    @formula.setter
    def formula(self, value):
        self.sheet.entered.append(((self.row, self.column), value))


class _Sheet:
    def __init__(self, name, formulas=((),), value=None):
        self.name, self.formulas, self.entered, self.value = name, formulas, [], value

    @property
    def used_range(self):
        return _Range(self, 2, 3, self.formulas)

    def range(self, address):
        return _Range(self, *address)

    def clear_contents(self):
        self.value = None

    def __getitem__(self, address):
        sheet = self

        class Cell:
            @property
            def value(self):
                return sheet.value

            @value.setter
            def value(self, rows):
                sheet.value = rows

        return Cell()


class _Sheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        sheet = _Sheet(name)
        self.append(sheet)
        return sheet


class _Book:
    def __init__(self, fullname, sheets):
        self.fullname, self.sheets = fullname, _Sheets(sheets)


def test_refresh_re_enters_kpi_formulas_only():
    sheet = _Sheet("Cases", (("=KPI_WORKDAYS(A2,B2)", "=A2+1", 5),
                             ("=_xldudf_KPI_RAG(C3,\"High\",1,2)", "text", None)))
    assert refresh_book(_Book("x.xlsx", [sheet])) == 2
    assert sheet.entered == [((2, 3), "=KPI_WORKDAYS(A2,B2)"),
                             ((3, 3), "=_xldudf_KPI_RAG(C3,\"High\",1,2)")]


def test_check_macro_writes_findings_into_a_checks_sheet():
    golden = Path(__file__).parent / "data" / "golden.xlsx"  # saved without values
    book = _Book(str(golden), [_Sheet("Cases")])
    findings = check_book(book)
    checks = book.sheets[CHECKS_SHEET]
    assert findings == len(checks.value) - 2 > 0
    assert checks.value[1] == ["Sheet", "Cell", "Formula", "Excel value", "xlkpi value"]
    assert checks.value[2][:3] == ["Cases", "C2", "'=NETWORKDAYS(A2,B2)"]
    assert checks.value[2][3:] == [None, 11.0]  # no cached value; 31 Mar -> 14 Apr 2023


def test_every_route_s_stored_names_recalculate_headlessly(tmp_path):
    """A workbook saved after using classic xlwings or Lite (KPI_RAG), the Office.js add-in
    (_xldudf_KPI_RAG, typed =KPI.RAG) or a development add-in (_xldudf_KPI_DEV_RAG)."""
    import openpyxl

    from xlkpi.workbook import recalc

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Card"
    ws.append([0.782, '=KPI_RAG(A1,"High",0.7,0.8)', '=_xldudf_KPI_RAG(A1,"High",0.7,0.8)',
               '=_xldudf_KPI_DEV_RAG(A1,"High",0.7,0.8)', "=KPI_WORKDAYS(45051,45056)",
               "=_xldudf_KPI_WORKDAYS(45051,45056)"])
    wb.save(tmp_path / "routes.xlsx")
    result = recalc(tmp_path / "routes.xlsx")
    assert [result.value("Card", f"{c}1") for c in "BCD"] == ["Amber"] * 3
    assert [result.value("Card", f"{c}1") for c in "EF"] == [2.0, 2.0]
