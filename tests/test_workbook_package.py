"""The engine on packages written by hand the way Excel writes them: shared formulas,
array formulas, prefixed XML, running totals and circular references."""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from xlkpi.cli import app
from xlkpi.errors import ExcelError
from xlkpi.workbook import PackageError, check, recalc

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<x:sheets><x:sheet name="Data" sheetId="1" r:id="rId1"/></x:sheets>'
    '<x:calcPr calcId="191029"/></x:workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _package(path: Path, rows: str) -> Path:
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
             f'main"><x:sheetData>{rows}</x:sheetData></x:worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _row(r: int, cells: str) -> str:
    return f'<x:row r="{r}">{cells}</x:row>'


# 45016 = Fri 31 Mar 2023; 45030 = Fri 14 Apr 2023 (Good Friday 7 Apr, Easter Monday 10 Apr)
SHARED = "".join([
    _row(1, '<x:c r="A1"><x:v>45016</x:v></x:c><x:c r="B1"><x:v>45030</x:v></x:c>'
            '<x:c r="C1"><x:f t="shared" ref="C1:C3" si="0">KPI_WORKDAYS(A1,B1)</x:f>'
            '<x:v>8</x:v></x:c><x:c r="D1"><x:f>A1+1</x:f><x:v>45017</x:v></x:c>'),
    _row(2, '<x:c r="A2"><x:v>45030</x:v></x:c><x:c r="B2"><x:v>45040</x:v></x:c>'
            '<x:c r="C2"><x:f t="shared" si="0"/><x:v>6</x:v></x:c>'
            '<x:c r="D2"><x:f>D1+1</x:f><x:v>45018</x:v></x:c>'),
    _row(3, '<x:c r="A3" t="inlineStr"><x:is><x:t>31/02/2023</x:t></x:is></x:c>'
            '<x:c r="B3"><x:v>45040</x:v></x:c>'
            '<x:c r="C3" t="e"><x:f t="shared" si="0"/><x:v>#VALUE!</x:v></x:c>'
            '<x:c r="D3"><x:f>D2+1</x:f><x:v>45019</x:v></x:c>'),
    _row(5, '<x:c r="A5"><x:f t="array" ref="A5:A7">_xldudf_KPI_WORKDAYS(A1:A3,B1:B3)'
            '</x:f><x:v>8</x:v></x:c><x:c r="B5"><x:f>SUM(C1:C2)</x:f><x:v>14</x:v></x:c>'),
    _row(6, '<x:c r="A6"><x:v>6</x:v></x:c>'),
    _row(7, '<x:c r="A7" t="e"><x:v>#VALUE!</x:v></x:c>'),
])


def test_excel_written_package_recalculates_and_checks_clean(tmp_path):
    source = _package(tmp_path / "shared.xlsx", SHARED)
    outcome = check(source)
    assert outcome.differences == []
    assert outcome.ok
    result = outcome.recalc
    # elapsed working days 31 Mar -> 14 Apr 2023 over Easter: 8; 14 Apr -> 24 Apr: 6
    assert [result.value("Data", a) for a in ("C1", "C2")] == [8.0, 6.0]
    bad = result.value("Data", "C3")
    assert isinstance(bad, ExcelError) and str(bad) == "#VALUE!"
    # a running total reads the cell above it: evaluated in order, not batched
    assert [result.value("Data", a) for a in ("D1", "D2", "D3")] == [45017.0, 45018.0, 45019.0]
    # the array formula spills over A5:A7, the error in its third element only
    assert result.value("Data", "A5") == 8.0 and result.value("Data", "A6") == 6.0
    assert str(result.value("Data", "A7")) == "#VALUE!"


def test_prefixed_xml_is_patched_in_place(tmp_path):
    stale = SHARED.replace("<x:v>8</x:v></x:c><x:c r=\"D1\"", "<x:v>1</x:v></x:c><x:c r=\"D1\"")
    source = _package(tmp_path / "stale.xlsx", stale)
    assert not check(source).ok
    out = tmp_path / "out.xlsx"
    recalc(source, out)
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        workbook = archive.read("xl/workbook.xml").decode()
    assert '<x:c r="C1"><x:f t="shared" ref="C1:C3" si="0">KPI_WORKDAYS(A1,B1)</x:f>' \
           "<x:v>8</x:v></x:c>" in sheet
    assert '<x:calcPr calcId="191029" fullCalcOnLoad="1"/>' in workbook
    assert check(out).ok


def test_circular_references_are_reported_not_evaluated(tmp_path):
    rows = _row(1, '<x:c r="A1"><x:f>B1+1</x:f><x:v>0</x:v></x:c>'
                   '<x:c r="B1"><x:f>A1+1</x:f><x:v>0</x:v></x:c>')
    outcome = check(_package(tmp_path / "circular.xlsx", rows))
    assert not outcome.ok
    assert outcome.recalc.skipped == [("Data", "A1", "circular reference"),
                                      ("Data", "B1", "circular reference")]


runner = CliRunner()


def test_cli_check_exit_codes_and_json(tmp_path):
    good = _package(tmp_path / "good.xlsx", SHARED)
    _package(tmp_path / "stale.xlsx", SHARED.replace(
        '<x:c r="C2"><x:f t="shared" si="0"/><x:v>6</x:v>',
        '<x:c r="C2"><x:f t="shared" si="0"/><x:v>7</x:v>'))
    assert runner.invoke(app, ["check", str(good)]).exit_code == 0
    result = runner.invoke(app, ["check", str(tmp_path / "*.xlsx"), "--json"])
    assert result.exit_code == 1
    assert '"cell": "C2"' in result.stdout and '"cached": 7.0' in result.stdout
    assert '"computed": 6.0' in result.stdout


def test_cli_check_of_many_files_in_parallel_reports_as_one_at_a_time(tmp_path):
    """Checked in worker processes (-j 2) or here (-j 1): the same reports, in the order
    the files were given, and the same exit code; an unreadable file stops the run with
    exit 2, naming it, after the files before it."""
    files = [_package(tmp_path / f"{name}.xlsx", SHARED) for name in ("b", "c")]
    files.insert(1, _package(tmp_path / "a-stale.xlsx", SHARED.replace(
        '<x:c r="C2"><x:f t="shared" si="0"/><x:v>6</x:v>',
        '<x:c r="C2"><x:f t="shared" si="0"/><x:v>7</x:v>')))
    runs = {jobs: runner.invoke(app, ["check", "-j", jobs, *map(str, files)])
            for jobs in ("1", "2")}
    assert runs["1"].exit_code == runs["2"].exit_code == 1
    def timeless(text: str) -> str:
        return re.sub(r"in [0-9.]+ s;", "in ? s;", text)

    assert timeless(runs["1"].stdout) == timeless(runs["2"].stdout)
    at = [runs["2"].stdout.index(f"{f}:") for f in files]
    assert at == sorted(at) and "3 workbook(s) checked: 1 with differences" in runs["2"].stdout
    as_json = runner.invoke(app, ["check", "-j", "2", "--json", *map(str, files)])
    assert [f["path"] for f in json.loads(as_json.stdout)["files"]] == list(map(str, files))
    (tmp_path / "broken.xlsx").write_text("not a workbook")
    stopped = runner.invoke(app, ["check", "-j", "2", str(files[0]),
                                  str(tmp_path / "broken.xlsx"), str(files[2])])
    assert stopped.exit_code == 2 and "broken.xlsx" in stopped.output
    assert f"{files[0]}:" in stopped.stdout and f"{files[2]}:" not in stopped.stdout
    assert "Traceback" not in stopped.output


@pytest.mark.parametrize("args", [
    ["recalc", "{missing}", "-o", "{out}"],
    ["recalc", "{text}", "-o", "{out}"],
    ["recalc", "{good}"],
    ["recalc", "{good}", "-o", "{good}"],
    ["check", "{text}"],
    ["check", "{folder}/nothing-*.xlsx"],
])
def test_cli_refuses_bad_usage_with_exit_2(tmp_path, args):
    good = _package(tmp_path / "good.xlsx", SHARED)
    (tmp_path / "text.xlsx").write_text("not a workbook")
    names = {"missing": tmp_path / "missing.xlsx", "out": tmp_path / "out.xlsx",
             "text": tmp_path / "text.xlsx", "good": good, "folder": tmp_path}
    result = runner.invoke(app, [a.format(**names) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_cli_recalc_writes_and_summarises(tmp_path):
    good = _package(tmp_path / "good.xlsx", SHARED)
    result = runner.invoke(app, ["recalc", str(good), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    assert "formula cells evaluated" in result.output
    assert check(tmp_path / "out.xlsx").ok


def test_a_raising_function_gives_value_errors_that_are_reported(tmp_path, monkeypatch):
    from xlkpi.workbook.function_table import table

    def boom(value):
        raise RuntimeError("boom")

    monkeypatch.setitem(table(), "XLKPI_TEST_BOOM", boom)
    rows = "".join(_row(r, f'<x:c r="A{r}"><x:v>{r}</x:v></x:c>'
                           f'<x:c r="B{r}"><x:f>XLKPI_TEST_BOOM(A{r})</x:f><x:v>0</x:v></x:c>'
                           f'<x:c r="C{r}"><x:f>A{r}*2</x:f><x:v>{2 * r}</x:v></x:c>')
                   for r in (1, 2, 3))
    result = recalc(_package(tmp_path / "boom.xlsx", rows))
    assert [str(result.value("Data", f"B{r}")) for r in (1, 2, 3)] == ["#VALUE!"] * 3
    assert [result.value("Data", f"C{r}") for r in (1, 2, 3)] == [2.0, 4.0, 6.0]
    assert [(s, c) for s, c, _ in result.skipped] == [("Data", "B1"), ("Data", "B2"),
                                                       ("Data", "B3")]
    assert all("boom" in reason for _, _, reason in result.skipped), result.skipped


def test_input_errors_pass_through_kpi_functions_element_by_element(tmp_path):
    rows = "".join([
        _row(1, '<x:c r="A1"><x:v>0.9</x:v></x:c><x:c r="B1"><x:f>KPI_RAG(A1:A3,"High",'
                '0.8,0.85)</x:f><x:v>0</x:v></x:c>'),
        _row(2, '<x:c r="A2" t="e"><x:v>#N/A</x:v></x:c>'),
        _row(3, '<x:c r="A3"><x:v>0.82</x:v></x:c>'),
    ])
    result = recalc(_package(tmp_path / "na.xlsx", rows))
    # not an array formula: the cell shows the first element of the result (Green); the
    # whole array is checked through the registry in test_functions
    assert result.value("Data", "B1") == "Green"
    rows = rows.replace('<x:f>KPI_RAG(A1:A3,"High",0.8,0.85)</x:f>',
                        '<x:f t="array" ref="B1:B3">KPI_RAG(A1:A3,"High",0.8,0.85)</x:f>')
    result = recalc(_package(tmp_path / "na_array.xlsx", rows))
    assert [str(result.value("Data", f"B{r}")) for r in (1, 2, 3)] == [
        "Green", "#N/A", "Amber"]


def test_defined_names_and_rich_text_shared_strings(tmp_path):
    source = _package(tmp_path / "names.xlsx", "".join([
        _row(1, '<x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>36100</x:v></x:c>'
                '<x:c r="C1"><x:f>KPI_RATE(245,Population)</x:f><x:v>0</x:v></x:c>'
                '<x:c r="D1"><x:f>A1&amp;"!"</x:f><x:v>0</x:v></x:c>'),
    ]))
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxml'
              'formats.org/spreadsheetml/2006/main"><si><r><t>Gre</t></r><r><t>en</t></r>'
              '<rPh><t>ignored</t></rPh></si></sst>')
    workbook = _WORKBOOK.replace("</x:sheets>", '</x:sheets><x:definedNames><x:definedName '
                                 'name="Population">Data!$B$1</x:definedName>'
                                 "</x:definedNames>")
    rels = _WORKBOOK_RELS.replace("</Relationships>", '<Relationship Id="rId2" Type="http://'
                                  "schemas.openxmlformats.org/officeDocument/2006/"
                                  'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                  "</Relationships>")
    target = tmp_path / "names2.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = {"xl/workbook.xml": workbook.encode(),
                    "xl/_rels/workbook.xml.rels": rels.encode()}.get(info.filename)
            new.writestr(info, data or old.read(info))
        new.writestr("xl/sharedStrings.xml", shared)
    result = recalc(target)
    # 245 children per 10,000 of 36,100 (seed 001's CP rate arithmetic): 67.867...
    assert result.value("Data", "C1") == pytest.approx(245 / 36100 * 10000, rel=1e-12)
    assert result.value("Data", "D1") == "Green!"


def _plain_package(path: Path, rows: str) -> Path:
    """A package whose sheet uses the default namespace (as Excel and openpyxl write it)."""
    _package(path, "")
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
             '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f"<sheetData>{rows}</sheetData></worksheet>")
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


MIXED = (
    '<row r="1"><c r="A1"><v>1.5</v></c><c r="B1" t="inlineStr"><is><t>a &amp; b</t></is>'
    '</c><c r="C1"><f>A1*2</f><v>3</v></c></row>'
    '<row r="2"><c r="A2" t="e"><v>#N/A</v></c><c r="B2" t="b"><v>1</v></c>'
    '<c r="C2" s="1"/><c r="D2"><f>IFERROR(A2,0)+B2+COUNTA(A1:C2)</f><v>0</v></c></row>'
)


def test_value_cells_are_held_by_column_and_still_read_as_cells(tmp_path):
    from xlkpi.workbook.package import Package

    package = Package(_plain_package(tmp_path / "mixed.xlsx", MIXED))
    sheet = package.sheets[0]
    assert set(sheet.objects) == {(1, 3), (2, 4)}  # the formulas only
    assert len(sheet.constants) == 5 and (sheet.max_row, sheet.max_col) == (2, 4)
    assert sheet.cell(1, 2).value == "a & b" and sheet.cell(2, 2).value is True
    assert str(sheet.cell(2, 1).value) == "#N/A" and sheet.cell(2, 3).value is None
    assert sheet.cell(1, 4) is None and sheet.cell(9, 9) is None
    cells = sheet.cells  # every cell as a Cell, in row order, each at its own element
    assert list(cells) == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (2, 4)]
    text = package.texts[sheet.part]
    for (row, col), cell in cells.items():
        letter = "ABCD"[col - 1]
        assert text[cell.span[0]:cell.span[1]].startswith(f'<c r="{letter}{row}"')
        assert text[cell.span[1] - 2:cell.span[1]] in ("/>", "c>")
    # 1.5 * 2; then 0 for the #N/A, TRUE as 1, and six non-blank cells among A1:C2
    result = recalc(package.path)
    assert [result.value("Data", a) for a in ("C1", "D2")] == [3.0, 6.0]


def test_a_cell_listed_twice_is_the_later_one_as_before(tmp_path):
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1+1</f><v>2</v></c>'
            '<c r="A1"><v>5</v></c><c r="C1"><v>7</v></c></row>'
            '<row r="2"><c r="A2"><f>C1*2</f><v>0</v></c></row>'
            '<row r="1"><c r="C1"><f>10+1</f><v>0</v></c></row>')
    from xlkpi.workbook.package import Package

    path = _plain_package(tmp_path / "twice.xlsx", rows)
    sheet = Package(path).sheets[0]
    assert sheet.cell(1, 1).value == 5.0 and sheet.cell(1, 3).formula == "10+1"
    assert sorted(sheet.cells) == [(1, 1), (1, 2), (1, 3), (2, 1)]
    result = recalc(path)
    assert [result.value("Data", a) for a in ("B1", "C1", "A2")] == [6.0, 11.0, 22.0]


def test_a_sheet_is_written_a_chunk_at_a_time_and_nothing_else_changes(tmp_path):
    """20,000 formula cells (three chunks of the streamed sheet) beside text that is not
    ASCII: the sheet written is the sheet read with each formula's value replaced, byte
    for byte."""
    rows = 20_000

    def sheet(values: list[int]) -> str:
        return "".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Café № {r}</t></is></c>'
            f'<c r="B{r}"><v>{r}</v></c><c r="C{r}"><f>B{r}*2</f><v>{v}</v></c></row>'
            for r, v in zip(range(1, rows + 1), values, strict=True))

    source = _plain_package(tmp_path / "big.xlsx", sheet([0] * rows))
    out = tmp_path / "out.xlsx"
    interval = sys.getswitchinterval()
    recalc(source, out)
    assert sys.getswitchinterval() == interval  # shortened while writing, then put back
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(out) as after:
        expected = before.read("xl/worksheets/sheet1.xml").decode().replace(
            sheet([0] * rows), sheet([2 * r for r in range(1, rows + 1)]))
        assert after.read("xl/worksheets/sheet1.xml").decode() == expected
        assert [i.filename for i in after.infolist()] == [i.filename for i in before.infolist()]


def test_a_sheet_held_as_text_gives_back_its_own_bytes(tmp_path):
    """The package keeps a sheet's text, not its bytes as well; asked for, the bytes are
    the text encoded again: the same bytes the zip holds (text that is not ASCII too)."""
    from xlkpi.workbook.package import Package

    path = _plain_package(tmp_path / "text.xlsx", '<row r="1"><c r="A1" t="inlineStr"><is>'
                          '<t>Café – № 1</t></is></c><c r="B1"><f>1+1</f><v>2</v></c></row>')
    package = Package(path)
    part = package.sheets[0].part
    with zipfile.ZipFile(path) as archive:
        assert package.parts[part] == archive.read(part)
    assert dict.__getitem__(package.parts, part) is None  # not held twice


#: plain formulas (B1, C1, D1 without a cached value, C2:C3, D3) and a shared formula
#: (B2:B3) in one column with a plain one (B1)
FORMULAS = (
    '<row r="1"><c r="A1"><v>1.5</v></c><c r="B1"><f>A1*2</f><v>2.75</v></c>'
    '<c r="C1"><f>A1&amp;"x"</f><v>0</v></c><c r="D1"><f>A1+1</f></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f>'
    '<v>0</v></c><c r="C2"><f>A2*3</f><v>0</v></c></row>'
    '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>0</v></c>'
    '<c r="C3"><f>A3*3</f><v>0</v></c><c r="D3"><f>B3+C2</f><v>0</v></c></row>'
)


def test_plain_formula_cells_are_held_by_column_and_written_in_place(tmp_path):
    """A plain formula cell, or one sharing its anchor's formula, is a row of arrays, not
    an object, until one is asked for;
    the values written are where Excel would keep them: the same type in its ``<v>``, a
    text result with ``t="str"``, a ``<v>`` added where none was cached."""
    from xlkpi.workbook.package import Package

    path = _plain_package(tmp_path / "formulas.xlsx", FORMULAS)
    sheet = Package(path).sheets[0]
    assert sorted(sheet.held) == [(2, 2)]  # the shared formula's anchor only
    assert sheet.formulas.texts == ["A1*2", 'A1&"x"', "A1+1", "A2*3", None, "A3*3", "B3+C2"]
    assert sheet.formulas.shared == [None, None, None, None, "0", None, None]  # B3 shares
    assert sheet.formulas.lengths.tolist() == [4, 1, -1, 1, 1, 1, 1]  # "2.75", "0"; no <v>
    assert sheet.cell(3, 2).formula == "A3*2"  # B2's formula, a row down
    # formulas written with "A2" (B3 through its anchor's text), made Cells, in order
    naming = sheet.formulas_naming("A2")
    assert [key for key, _ in naming] == [(2, 2), (2, 3), (3, 2)]
    assert naming[2][1].formula == "A3*2" and (3, 2) not in sheet.held  # made, not kept
    assert sheet.formula_texts_naming("A2") == [((2, 2), "A2*2"), ((2, 3), "A2*3"),
                                                ((3, 2), "A3*2")]
    cached, found = sheet.stored(np.array([1, 2, 1, 3]), np.array([2, 2, 1, 2]))
    assert cached == [2.75, 0.0, None, 0.0] and found.tolist() == [True, True, False, True]
    assert sheet.writable(np.array([1, 2, 1, 9]), np.array([2, 2, 1, 9])).tolist() == [
        True, True, False, False]  # a plain formula, a shared one, a value, nothing
    assert sheet.cell(3, 4).formula == "B3+C2" and sheet.cell(1, 4).value is None
    assert (sheet.max_row, sheet.max_col) == (3, 4)
    out = tmp_path / "out.xlsx"
    result = recalc(path, out)
    # 1.5*2; 1.5&"x"; 1.5+1; 2*2 and 3*2 (shared); 2*3 and 3*3; 6+6
    assert {a: result.value("Data", a) for a in ("B1", "C1", "D1", "B2", "B3", "C2", "C3",
                                                 "D3")} == {
        "B1": 3.0, "C1": "1.5x", "D1": 2.5, "B2": 4.0, "B3": 6.0, "C2": 6.0, "C3": 9.0,
        "D3": 12.0}
    written = FORMULAS.replace('<c r="C1"><f>A1&amp;"x"</f><v>0</v>',
                               '<c r="C1" t="str"><f>A1&amp;"x"</f><v>1.5x</v>')
    for before, after in [("<v>2.75</v>", "<v>3</v>"), ("<f>A1+1</f>", "<f>A1+1</f><v>2.5</v>"),
                          ('A2*2</f><v>0</v>', 'A2*2</f><v>4</v>'),
                          ('si="0"/><v>0</v>', 'si="0"/><v>6</v>'),
                          ("<f>A2*3</f><v>0</v>", "<f>A2*3</f><v>6</v>"),
                          ("<f>A3*3</f><v>0</v>", "<f>A3*3</f><v>9</v>"),
                          ("<f>B3+C2</f><v>0</v>", "<f>B3+C2</f><v>12</v>")]:
        written = written.replace(before, after)
    with zipfile.ZipFile(out) as archive:
        assert f"<sheetData>{written}</sheetData>" in archive.read(
            "xl/worksheets/sheet1.xml").decode()
    cells = Package(path).sheets[0].objects  # asked for: every formula cell as a Cell
    assert list(cells) == [(1, 2), (1, 3), (1, 4), (2, 2), (2, 3), (3, 2), (3, 3), (3, 4)]
    assert cells[(1, 4)].value_at is None and cells[(1, 2)].kind is None


def test_a_cell_sharing_a_formula_without_its_anchor_is_refused(tmp_path):
    rows = ('<row r="1"><c r="A1"><v>1</v></c></row>'
            '<row r="3"><c r="B3"><f t="shared" si="7"/><v>0</v></c></row>')
    path = _plain_package(tmp_path / "orphan.xlsx", rows)
    with pytest.raises(PackageError, match=r"cell R3C2 uses shared formula 7 that has no "
                                           r"anchor"):
        recalc(path)
