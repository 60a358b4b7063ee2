"""Never a damaged file, never a silent wrong value, and a workbook on a shared drive
treated as its users expect: what ``xlkpi recalc`` and ``xlkpi check`` guarantee."""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import stat
import subprocess
import sys
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.test_workbook_package import _package, _row
from xlkpi.cli import app
from xlkpi.errors import ExcelError
from xlkpi.workbook import check, recalc
from xlkpi.workbook.api import WorkbookOpenError, json_ready, to_json
from xlkpi.workbook.package import Package, encode_xstring, format_value

runner = CliRunner()
SHEET = "xl/worksheets/sheet1.xml"


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(SHEET).decode("utf-8")


def _cell(xml: str, ref: str) -> str:
    """The ``<c>`` element at ``ref`` as written (prefixed or not)."""
    found = re.search(rf'<(x:)?c r="{ref}"[^>]*?(/>|>.*?</(x:)?c>)', xml, re.DOTALL)
    assert found, f"no cell {ref} in {xml}"
    return found.group()


def _workbook(path: Path, cells: dict[str, object]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def _text(result) -> str:
    """CLI output on one line, whatever rich's wrapping."""
    return " ".join(result.output.split())


# -- every value written is valid XML -------------------------------------------------
def test_control_characters_from_char_are_written_as_excel_escapes(tmp_path):
    source = _workbook(tmp_path / "char.xlsx", {
        "A1": '=CHAR(1)&"x"', "A2": '="a"&CHAR(13)&CHAR(10)&"b"', "A3": '="_x0041_"',
        "A4": '="<a & b>"'})
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["recalc", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    xml = _sheet_xml(out)
    ElementTree.fromstring(xml)  # well-formed: Excel opens it without a repair
    assert "<v>_x0001_x</v>" in _cell(xml, "A1")
    assert "<v>a_x000D_\nb</v>" in _cell(xml, "A2")
    assert "<v>_x005F_x0041_</v>" in _cell(xml, "A3")  # a literal _x0041_ stays literal
    assert "<v>&lt;a &amp; b&gt;</v>" in _cell(xml, "A4")
    cells = Package(out).sheets[0].cells
    assert [cells[(r, 1)].value for r in (1, 2, 3, 4)] == [
        "\x01x", "a\r\nb", "_x0041_", "<a & b>"]
    assert check(out).agrees  # read back, the values are what was computed


def test_encode_xstring_escapes_what_xml_and_utf8_cannot_carry():
    assert encode_xstring("a\x01b\x1f") == "a_x0001_b_x001F_"
    assert encode_xstring("tab\tline\n") == "tab\tline\n"
    assert encode_xstring("_x0041_ and _x41_") == "_x005F_x0041_ and _x41_"
    assert encode_xstring("\ud800\uffff") == "_xD800__xFFFF_"
    kind, text = format_value("\x00<\ud83d")
    assert kind == "str" and text == "_x0000_&lt;_xD83D_"
    text.encode("utf-8")
    assert format_value(ExcelError("#N/A")) == ("e", "#N/A")
    assert format_value(float("inf")) == ("e", "#NUM!")


PRESERVED = "".join([
    _row(1, '<x:c r="A1"><x:v>2</x:v></x:c>'
            '<x:c r="B1" t="str"><x:f>"total "&amp;A1</x:f>'
            '<x:v xml:space="preserve">total  </x:v></x:c>'
            '<x:c r="C1" t="str"><x:f>A1*2</x:f><x:v xml:space="preserve"> 3 </x:v></x:c>'),
    _row(2, '<x:c r="A2"><x:f>A1+1</x:f><x:v>1</x:v><x:v>1</x:v></x:c>'
            '<x:c r="B2" t="inlineStr"><x:f>"n="&amp;A1</x:f><x:is><x:t>n=</x:t></x:is>'
            '</x:c><x:c r="C2"><x:f>A1&gt;1</x:f><x:v xml:space="preserve"/></x:c>'),
])


def test_a_preserved_space_value_is_replaced_never_doubled(tmp_path):
    source = _package(tmp_path / "preserve.xlsx", PRESERVED)
    assert Package(source).sheets[0].cells[(1, 2)].value == "total  "
    out = tmp_path / "out.xlsx"
    recalc(source, out)
    xml = _sheet_xml(out)
    assert _cell(xml, "B1") == ('<x:c r="B1" t="str"><x:f>"total "&amp;A1</x:f>'
                                '<x:v xml:space="preserve">total 2</x:v></x:c>')
    assert _cell(xml, "C1") == '<x:c r="C1"><x:f>A1*2</x:f><x:v>4</x:v></x:c>'
    # two values, or an inline string, become the one value Excel expects
    assert _cell(xml, "A2") == '<x:c r="A2"><x:f>A1+1</x:f><x:v>3</x:v></x:c>'
    assert _cell(xml, "B2") == ('<x:c r="B2" t="str"><x:f>"n="&amp;A1</x:f>'
                                '<x:v>n=2</x:v></x:c>')
    assert _cell(xml, "C2") == '<x:c r="C2" t="b"><x:f>A1&gt;1</x:f><x:v>1</x:v></x:c>'
    root = ElementTree.fromstring(xml)
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    assert all(len(c.findall(f"{main}v")) <= 1 for c in root.iter(f"{main}c"))
    assert check(out).agrees


@pytest.mark.parametrize("broken", ["cell", "value"])
def test_a_cell_that_would_hold_two_values_is_never_written(tmp_path, monkeypatch, broken):
    """The one-value-per-cell check covers what is written: a cell element written whole
    with a second <v>, or a value text carrying markup, stops the write."""
    import xlkpi.workbook.package as package

    source = _package(tmp_path / "card.xlsx", PRESERVED)
    before = source.read_bytes()
    if broken == "cell":
        monkeypatch.setattr(package, "patch_cell",
                            lambda element, kind, text: element.replace("</x:c>",
                                                                        "<x:v>9</x:v></x:c>"))
    else:
        monkeypatch.setattr(package, "formatted",
                            lambda values: ([None] * len(values), ["1</v><v>2"] * len(values)))
    result = runner.invoke(app, ["recalc", str(source), "--in-place"])
    assert result.exit_code == 2
    assert ("two values" if broken == "cell" else "markup inside a cell value") in _text(result)
    assert "nothing was written" in _text(result)
    assert source.read_bytes() == before


@pytest.mark.parametrize("shift", [1, -1, 3])
def test_a_value_that_would_land_outside_its_element_is_never_written(tmp_path, monkeypatch,
                                                                       shift):
    """Values placed a few characters off (the kind of mistake that once wrote damaged
    XML) stop the write: each place is checked to be a value element's text."""
    import xlkpi.workbook.package as package

    placed = package._value_places
    monkeypatch.setattr(package, "_value_places",
                        lambda *args: tuple(at + shift for at in placed(*args)))
    for name, rows in (("plain", "".join(_row(r, f'<c r="A{r}"><v>{r}</v></c>'
                                                 f'<c r="B{r}"><f>A{r}*2</f><v>0</v></c>')
                                          for r in range(1, 30))), ("prefixed", PRESERVED)):
        source = _package(tmp_path / f"{name}.xlsx", rows)
        before = source.read_bytes()
        result = runner.invoke(app, ["recalc", str(source), "--in-place"])
        assert result.exit_code == 2, name
        assert "would be written outside a cell's value" in _text(result)
        assert "nothing was written" in _text(result)
        assert source.read_bytes() == before


def test_the_places_check_refuses_overlaps_and_spans_over_markup():
    from xlkpi.workbook.writing import check_apart, check_places

    text = '<c r="A1"><v>12</v></c><c r="B1"><v>3</v></c><c r="C1"><v/></c>'
    first, second = text.index("12"), text.index(">3<") + 1
    empty = text.index("<v/>")

    def places(spans, whole=(), empties=()):
        starts, ends = (np.array(side, dtype=np.int64) for side in zip(*spans, strict=True))
        flags = [np.isin(np.arange(len(spans)), list(chosen)) for chosen in (whole, empties)]
        check_apart("sheet1.xml", starts, ends)
        check_places("sheet1.xml", text, starts, ends, *flags)

    places([(first, first + 2), (second, second + 1), (empty, empty + 4)], empties=[2])
    places([(0, text.index("<c r=\"B1\""))], whole=[0])
    with pytest.raises(OSError, match="over one another"):
        places([(first, first + 2), (first + 1, first + 2)])
    with pytest.raises(OSError, match="outside a cell's value"):
        places([(first, second + 1)])  # from one value to the next, over markup
    with pytest.raises(OSError, match="outside a cell's value"):
        places([(empty, empty + 4)])  # <v/> is not a value's text
    with pytest.raises(OSError, match="outside a cell's value"):
        places([(first - 3, first + 2)], whole=[0])  # not a cell element


def test_a_sheet_that_would_not_parse_is_never_written(tmp_path, monkeypatch):
    import xlkpi.workbook.package as package

    source = _package(tmp_path / "card.xlsx", PRESERVED)
    before = source.read_bytes()
    monkeypatch.setattr(package, "formatted",
                        lambda values: (["str"] * len(values), ["&broken"] * len(values)))
    result = runner.invoke(app, ["recalc", str(source), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2
    assert "would not be well-formed XML" in _text(result)
    assert not (tmp_path / "out.xlsx").exists()
    result = runner.invoke(app, ["recalc", str(source), "--in-place"])
    assert result.exit_code == 2
    assert source.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["card.xlsx"]


# -- a cell the engine cannot evaluate keeps Excel's value -----------------------------
KEPT = "".join([
    _row(1, '<x:c r="A1"><x:v>5</x:v></x:c>'
            '<x:c r="B1"><x:f>WEBSERVICE("https://example.org/rate")</x:f><x:v>42</x:v></x:c>'
            '<x:c r="C1" t="e"><x:f>A1/0</x:f><x:v>#DIV/0!</x:v></x:c>'
            '<x:c r="D1"><x:f>A1*2</x:f><x:v>10</x:v></x:c>'),
])


def test_a_cell_that_cannot_be_evaluated_keeps_excels_value_and_fails(tmp_path):
    source = _package(tmp_path / "card.xlsx", KEPT)
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["recalc", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert _cell(_sheet_xml(out), "B1") == _cell(KEPT, "B1")  # byte for byte
    assert _cell(_sheet_xml(out), "C1") == _cell(KEPT, "C1")
    text = _text(result)
    assert "kept Excel's value Data!B1: not evaluated (WEBSERVICE failed" in text
    assert "error values written: 1 #DIV/0!" in text
    assert "1 cell kept Excel's value (not evaluated)" in text
    assert "errors: none" not in text and "Traceback" not in text
    outcome = runner.invoke(app, ["check", str(source)])
    assert outcome.exit_code == 1
    assert "1 cell not evaluated" in _text(outcome)
    data = json.loads(runner.invoke(app, ["recalc", str(source), "-o", str(out),
                                          "--json"]).stdout)
    assert data["errors"] == {"#DIV/0!": 1} and data["kept_excel_value"] == 1
    assert [(s["sheet"], s["cell"]) for s in data["skipped"]] == [("Data", "B1")]


def test_a_skipped_cell_alone_never_reads_errors_none(tmp_path):
    rows = KEPT.replace('<x:c r="C1" t="e"><x:f>A1/0</x:f><x:v>#DIV/0!</x:v></x:c>', "")
    source = _package(tmp_path / "card.xlsx", rows)
    result = runner.invoke(app, ["recalc", str(source), "--in-place"])
    assert result.exit_code == 1
    assert "errors: none" not in _text(result)
    assert "1 cell kept Excel's value" in _text(result)
    clean = _package(tmp_path / "clean.xlsx", _row(1, '<x:c r="A1"><x:f>1+1</x:f></x:c>'))
    result = runner.invoke(app, ["recalc", str(clean), "--in-place"])
    assert result.exit_code == 0 and "errors: none" in _text(result)


HIDDEN = "".join([
    _row(1, '<x:c r="A1"><x:v>5</x:v></x:c>'
            '<x:c r="B1"><x:f>WEBSERVICE("https://example.org/rate")</x:f><x:v>42</x:v></x:c>'
            '<x:c r="C1"><x:f>IFERROR(B1,0)</x:f><x:v>42</x:v></x:c>'
            '<x:c r="D1"><x:f>C1+1</x:f><x:v>43</x:v></x:c>'
            '<x:c r="E1"><x:f>A1+1</x:f><x:v>0</x:v></x:c>'),
    _row(2, '<x:c r="B2"><x:v>1</x:v></x:c>'
            '<x:c r="C2"><x:f t="shared" ref="C2:C3" si="0">IFERROR(B2,0)</x:f><x:v>0</x:v>'
            '</x:c>'),
    _row(3, '<x:c r="B3"><x:f>WEBSERVICE("https://example.org/other")</x:f><x:v>9</x:v>'
            '</x:c><x:c r="C3"><x:f t="shared" si="0"/><x:v>9</x:v></x:c>'),
])


def test_cells_computed_from_a_cell_that_kept_its_value_keep_theirs(tmp_path):
    source = _package(tmp_path / "hidden.xlsx", HIDDEN)
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["recalc", str(source), "-o", str(out), "--json"])
    assert result.exit_code == 1
    skipped = {s["cell"]: s["reason"] for s in json.loads(result.stdout)["skipped"]}
    assert skipped.keys() == {"B1", "C1", "D1", "B3", "C3"}
    assert skipped["C1"] == "reads Data!B1, which could not be evaluated"
    assert skipped["D1"] == "reads Data!C1, which could not be evaluated"
    assert skipped["C3"] == "reads Data!B3, which could not be evaluated"
    xml = _sheet_xml(out)
    for ref in ("B1", "C1", "D1", "B3", "C3"):  # IFERROR hid the failure: Excel's values
        assert _cell(xml, ref) == _cell(HIDDEN, ref)
    assert _cell(xml, "E1") == '<x:c r="E1"><x:f>A1+1</x:f><x:v>6</x:v></x:c>'
    assert "<x:v>1</x:v>" in _cell(xml, "C2")


def test_a_circular_reference_and_its_readers_keep_their_saved_values(tmp_path):
    rows = _row(1, '<x:c r="A1"><x:f>B1+1</x:f><x:v>3</x:v></x:c>'
                   '<x:c r="B1"><x:f>A1+1</x:f><x:v>4</x:v></x:c>'
                   '<x:c r="C1"><x:f>A1*2</x:f><x:v>0</x:v></x:c>'
                   '<x:c r="D1"><x:f>2*2</x:f><x:v>0</x:v></x:c>')
    source = _package(tmp_path / "circular.xlsx", rows)
    result = runner.invoke(app, ["recalc", str(source), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1
    assert "3 cells kept Excel's value" in _text(result)
    xml = _sheet_xml(tmp_path / "out.xlsx")
    assert [_cell(xml, ref) for ref in ("A1", "B1", "C1")] == [
        _cell(rows, ref) for ref in ("A1", "B1", "C1")]
    assert "<x:v>4</x:v>" in _cell(xml, "D1")


def test_a_raising_function_keeps_the_cached_values_in_the_file(tmp_path, monkeypatch):
    from xlkpi.workbook.function_table import table

    def boom(value):
        raise RuntimeError("boom")

    monkeypatch.setitem(table(), "XLKPI_TEST_BOOM", boom)
    rows = "".join(_row(r, f'<x:c r="A{r}"><x:v>{r}</x:v></x:c>'
                           f'<x:c r="B{r}"><x:f>XLKPI_TEST_BOOM(A{r})</x:f>'
                           f'<x:v>{10 * r}</x:v></x:c>') for r in (1, 2))
    source = _package(tmp_path / "boom.xlsx", rows)
    result = recalc(source, in_place=True)
    assert result.errors == {} and len(result.skipped) == 2
    cells = Package(source).sheets[0].cells
    assert [cells[(r, 2)].value for r in (1, 2)] == [10.0, 20.0]


@pytest.mark.parametrize("returned", [b"raw bytes", 1 + 2j, datetime.date(2024, 1, 1)])
def test_a_result_a_cell_cannot_hold_is_kept_and_json_still_prints(tmp_path, monkeypatch,
                                                                    returned):
    from xlkpi.workbook.function_table import table

    monkeypatch.setitem(table(), "XLKPI_TEST_ODD", lambda value: returned)
    rows = _row(1, '<x:c r="A1"><x:v>1</x:v></x:c>'
                   '<x:c r="B1"><x:f>XLKPI_TEST_ODD(A1)</x:f><x:v>7</x:v></x:c>')
    source = _package(tmp_path / "odd.xlsx", rows)
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["recalc", str(source), "-o", str(out), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["skipped"] == [{"sheet": "Data", "cell": "B1", "reason": (
        f"the result is a {type(returned).__name__}, which a cell cannot hold")}]
    assert _cell(_sheet_xml(out), "B1") == _cell(rows, "B1")
    checked = runner.invoke(app, ["check", str(source), "--json"])
    assert checked.exit_code == 1
    assert json.loads(checked.stdout)["ok"] is False


@pytest.mark.parametrize(("returned", "written"), [
    (np.float32(2.5), "<x:v>2.5</x:v>"), (np.int64(3), "<x:v>3</x:v>"),
    (np.bool_(True), "<x:v>1</x:v>"), (np.array([[4.0, 5.0]]), "<x:v>4</x:v>")])
def test_numpy_results_are_written_as_plain_values(tmp_path, monkeypatch, returned, written):
    from xlkpi.workbook.function_table import table

    monkeypatch.setitem(table(), "XLKPI_TEST_NP", lambda value: returned)
    rows = _row(1, '<x:c r="A1"><x:v>1</x:v></x:c>'
                   '<x:c r="B1"><x:f>XLKPI_TEST_NP(A1)</x:f><x:v>7</x:v></x:c>')
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["recalc", str(_package(tmp_path / "np.xlsx", rows)), "-o",
                                 str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert written in _cell(_sheet_xml(out), "B1")
    assert json.loads(result.stdout)["skipped"] == []


def test_text_longer_than_a_cell_holds_keeps_excels_value(tmp_path):
    # REPT itself refuses a result over Excel's limit (#VALUE!, as Excel does); text joined
    # with & past the limit is not written: the cell keeps Excel's value and is listed
    rows = _row(1, '<x:c r="A1"><x:f>REPT("ab",16000)&amp;REPT("ab",4000)</x:f>'
                   '<x:v>0</x:v></x:c>'
                   '<x:c r="B1"><x:f>REPT("ab",16383)</x:f><x:v>0</x:v></x:c>'
                   '<x:c r="C1"><x:f>REPT("ab",20000)</x:f><x:v>0</x:v></x:c>')
    source = _package(tmp_path / "long.xlsx", rows)
    result = recalc(source, tmp_path / "out.xlsx")
    assert result.skipped == [
        ("Data", "A1", "the text is 40,000 characters long; a cell holds 32,767")]
    xml = _sheet_xml(tmp_path / "out.xlsx")
    assert _cell(xml, "A1") == _cell(rows, "A1")
    assert f'<x:v>{"ab" * 16383}</x:v>' in _cell(xml, "B1")
    assert result.value("Data", "C1") == "#VALUE!"


def test_textafter_results_print_as_json(tmp_path):
    source = _workbook(tmp_path / "text.xlsx", {
        "A1": "a-b-c", "B1": '=TEXTAFTER(A1,"-")', "B2": '=TEXTAFTER(A1,"-",-1)',
        "B3": '=TEXTAFTER(A1,"z")'})
    result = runner.invoke(app, ["check", str(source), "--json"])
    assert result.exit_code == 1  # openpyxl saved no values: all differ
    computed = {d["cell"]: d["computed"] for d in json.loads(result.stdout)["files"][0][
        "differences"]}
    assert computed == {"B1": "b-c", "B2": "c", "B3": "#N/A"}


def test_json_encoder_takes_any_value():
    data = {"n": np.float64(1.5), "i": np.int64(3), "b": np.bool_(True),
            "a": np.array([[1, 2], [3, np.nan]]), "e": ExcelError("#N/A"),
            "nan": float("nan"), "inf": float("inf"), "ninf": -np.inf,
            "bytes": b"\xff\xfeab", "day": datetime.date(2024, 4, 1), "path": Path("a.xlsx"),
            "obj": object, "tuple": (1, {2}), 3: "int key"}
    text = to_json(data)
    back = json.loads(text)
    assert back["n"] == 1.5 and back["i"] == 3 and back["b"] is True
    assert back["a"] == [[1.0, 2.0], [3.0, "NaN"]]
    assert back["e"] == "#N/A" and back["nan"] == "NaN"
    assert back["inf"] == "Infinity" and back["ninf"] == "-Infinity"
    assert back["bytes"] == "\ufffd\ufffdab" and back["day"] == "2024-04-01"
    assert back["path"] == "a.xlsx" and back["tuple"] == [1, [2]] and back["3"] == "int key"
    assert json_ready(np.str_("x")) == "x"


# -- no library tracebacks or warnings on the terminal --------------------------------
def test_no_tracebacks_or_warnings_reach_the_terminal(tmp_path):
    source = _package(tmp_path / "card.xlsx", KEPT + _row(
        2, '<x:c r="A2"><x:f>EXP(1000)</x:f><x:v>0</x:v></x:c>'))
    run = subprocess.run([sys.executable, "-m", "xlkpi", "recalc", str(source), "-o",
                          str(tmp_path / "out.xlsx")], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"}, check=False)
    assert run.returncode == 1
    assert run.stderr == ""
    assert "Traceback" not in run.stdout and "Warning" not in run.stdout
    assert "error values written: 1 #DIV/0!, 1 #NUM!" in run.stdout


def test_the_quiet_evaluation_restores_warnings_and_logging(tmp_path):
    source = _package(tmp_path / "card.xlsx", KEPT)
    loggers = [logging.getLogger(n) for n in ("formulas", "schedula")]
    levels = [logger.level for logger in loggers]
    filters = list(warnings.filters)
    errstate = np.geterr()
    check(source)
    assert [logger.level for logger in loggers] == levels
    assert warnings.filters == filters and np.geterr() == errstate
    with ThreadPoolExecutor(4) as pool:  # side by side, as in the server
        outcomes = list(pool.map(check, [source] * 8))
    assert all(len(o.recalc.skipped) == 1 for o in outcomes)
    assert [logger.level for logger in loggers] == levels
    assert warnings.filters == filters and np.geterr() == errstate


# -- the workbook on a shared drive ----------------------------------------------------
@pytest.mark.parametrize("mode", [0o664, 0o640, 0o600])
def test_in_place_keeps_the_permission_bits(tmp_path, mode):
    source = _package(tmp_path / "card.xlsx", KEPT)
    source.chmod(mode)
    runner.invoke(app, ["recalc", str(source), "--in-place"])
    assert stat.S_IMODE(source.stat().st_mode) == mode
    assert "<x:v>10</x:v>" in _cell(_sheet_xml(source), "D1")


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_a_new_output_file_gets_the_usual_permissions(tmp_path, umask):
    source = _package(tmp_path / "card.xlsx", KEPT)
    old = os.umask(umask)
    try:
        runner.invoke(app, ["recalc", str(source), "-o", str(tmp_path / "out.xlsx")])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.xlsx").stat().st_mode) == 0o666 & ~umask


def test_an_existing_output_file_keeps_its_permission_bits(tmp_path):
    source = _package(tmp_path / "card.xlsx", KEPT)
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o660)
    runner.invoke(app, ["recalc", str(source), "-o", str(out)])
    assert stat.S_IMODE(out.stat().st_mode) == 0o660 and zipfile.is_zipfile(out)


def test_in_place_on_a_symbolic_link_writes_through_to_the_workbook(tmp_path):
    (tmp_path / "share").mkdir()
    real = _package(tmp_path / "share" / "card.xlsx", KEPT)
    real.chmod(0o664)
    link = tmp_path / "card.xlsx"
    link.symlink_to(real)
    result = runner.invoke(app, ["recalc", str(link), "--in-place"])
    assert result.exit_code == 1  # B1 cannot be evaluated
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "<x:v>10</x:v>" in _cell(_sheet_xml(real), "D1")
    assert "fullCalcOnLoad" in zipfile.ZipFile(real).read("xl/workbook.xml").decode()
    assert stat.S_IMODE(real.stat().st_mode) == 0o664
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["card.xlsx", "card.xlsx", "share"]


def test_in_place_does_not_keep_hard_links_and_help_says_so(tmp_path):
    source = _package(tmp_path / "card.xlsx", KEPT)
    before = source.read_bytes()
    other = tmp_path / "other-name.xlsx"
    os.link(source, other)
    runner.invoke(app, ["recalc", str(source), "--in-place"])
    assert source.read_bytes() != before and other.read_bytes() == before
    shown = re.sub(r"[\s│]+", " ", runner.invoke(app, ["recalc", "--help"]).output)
    assert "hard links are not kept" in shown


def _owner_file(path: Path, user: str) -> Path:
    """Excel's owner file for ``path``: the user's name in the code page, then in UTF-16."""
    owner = path.with_name("~$" + path.name)
    data = (bytes([len(user)]) + user.encode("latin-1").ljust(53, b" ")
            + len(user).to_bytes(2, "little") + user.encode("utf-16-le"))
    owner.write_bytes(data.ljust(165, b"\x20"))
    return owner


def test_in_place_is_refused_while_excel_has_the_workbook_open(tmp_path):
    source = _package(tmp_path / "card.xlsx", KEPT)
    before = source.read_bytes()
    owner = _owner_file(source, "Jane Doe")
    result = runner.invoke(app, ["recalc", str(source), "--in-place"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert f"error: {source} is open in Excel by Jane Doe" in result.output
    assert "~$card.xlsx" in result.output
    assert source.read_bytes() == before
    with pytest.raises(WorkbookOpenError):
        recalc(source, in_place=True)
    out = tmp_path / "out.xlsx"  # an output file open in Excel is not replaced either
    _owner_file(out, "Sam")
    assert runner.invoke(app, ["recalc", str(source), "-o", str(out)]).exit_code == 2
    assert not out.exists()
    owner.unlink()
    assert runner.invoke(app, ["recalc", str(source), "--in-place"]).exit_code == 1
    assert source.read_bytes() != before


def test_the_owner_file_is_found_beside_the_workbook_a_link_points_at(tmp_path):
    (tmp_path / "share").mkdir()
    real = _package(tmp_path / "share" / "card.xlsx", KEPT)
    link = tmp_path / "my-card.xlsx"
    link.symlink_to(real)
    _owner_file(real, "Jane Doe")
    result = runner.invoke(app, ["recalc", str(link), "--in-place"])
    assert result.exit_code == 2 and "open in Excel by Jane Doe" in result.output


def test_fill_is_refused_while_excel_has_the_output_open(tmp_path):
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "filled.xlsx"
    _owner_file(out, "Jane Doe")
    result = runner.invoke(app, ["fill", str(root / "workbooks" / "county_report.xlsx"),
                                 "--data", str(tmp_path / "missing.csv"), "-o", str(out)])
    assert result.exit_code == 2
    assert "open in Excel by Jane Doe" in result.output and not out.exists()


@given(st.lists(st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**16, max_value=10**16).map(float),
    st.sampled_from([True, "text", None, ExcelError("#N/A"), 0.1, -0.0, 1e15, 1e15 - 1])),
    max_size=40))
def test_values_formatted_in_bulk_are_written_as_one_by_one(values):
    """A column of results is formatted in one numpy step when it can be: the text and
    type written must be what format_value writes for each value."""
    from xlkpi.workbook.writing import formatted

    kinds, texts = formatted(values)
    assert list(zip(kinds, texts, strict=True)) == [format_value(v) for v in values]


@given(st.lists(st.tuples(st.floats(-1e12, 1e12), st.floats(-1e-6, 1e-6),
                          st.sampled_from([0.0, 1e-15, 1e-9, 1e-7, 1e-3])),
                min_size=1, max_size=30))
def test_numbers_compared_in_bulk_agree_as_one_by_one(triples):
    """check compares a sheet of numbers in one step: the verdicts must be same_value's,
    cell by cell (numbers near zero, near the tolerance, far from it)."""
    from xlkpi.workbook.api import _numbers_agree, same_value

    cached = [a for a, _, _ in triples]
    computed = [a + small + a * relative for a, small, relative in triples]
    agree = _numbers_agree(cached, computed)
    assert agree.tolist() == [same_value(x, y) for x, y in zip(cached, computed, strict=True)]
