"""The fast readings of a sheet (cells in the common forms read in bulk by numpy over
the bytes, or from one match each, into columns) give exactly the cells the general
reader (``_cell``, any form, one object a cell) gives, field by field, whatever the mix
of forms (hypothesis), including forms the bulk reader hands over or declines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xlkpi.workbook import sheet_bulk, sheet_xml
from xlkpi.workbook.sheet_xml import SheetReader
from xlkpi.workbook.sheets import VALUE_IN_ELEMENT, Cell, Sheet

SHARED = ["first", "a & b", "Café"]


def _element(col: str, row: int, form: tuple[str, str, bool, str], index: str) -> str:
    """One ``<c>``: ``form`` is (what, style, cached, value text); ``index`` names the
    shared formula an anchor starts, or a cell shares."""
    what, style, cached, text = form
    head = f'<c r="{col}{row}"{style}'
    numeric = _is_number(text)
    if what == "number":
        return f"{head}><v>{text if numeric else 7}</v></c>"
    if what == "shared string":
        return f'{head} t="s"><v>{len(text) % 3}</v></c>'
    if what == "bool":
        return f'{head} t="b"><v>{len(text) % 2}</v></c>'
    if what == "error":
        return f'{head} t="e"><v>#N/A</v></c>'
    if what == "inline":
        return f'{head} t="inlineStr"><is><t>{text}</t></is></c>'
    if what == "blank":
        return f"{head}/>"
    if what == "quoted":  # single quotes: read one at a time
        return f"<c r='{col}{row}'{style.replace(chr(34), chr(39))}><v>{len(text)}</v></c>"
    if what == "spaced":  # spaces around '=': read one at a time
        return f'{head} t = "str"><f>"x"</f><v>{text}</v></c>'
    if what == "never calculated":  # <v/>
        return f"{head}><f>A{row}</f><v/></c>"
    if what == "lower":  # a lowercase address
        return f'<c r="{col.lower()}{row}"{style}><v>1</v></c>'
    if what == "extra":  # an attribute Excel writes for dynamic arrays
        return f'{head} cm="1" t="n"><f>A{row}*1</f><v>{len(text)}</v></c>'
    if what == "date":
        return f'{head} t="d"><v>2024-0{len(text) % 9 + 1}-15T12:00:00</v></c>'
    if what == "unescaped":  # a '>' in a formula's text: the bulk reader declines the sheet
        return f"{head}><f>A{row}&gt;1</f><v>1</v></c>" if "1" in text else (
            f"{head}><f>A{row}>1</f><v>1</v></c>")
    value = f"<v>{text}</v>" if cached else ""
    kind = "" if numeric else ' t="str"'  # a number, or text
    if what == "plain":
        return f"{head}{kind}><f>A{row}+{text.count('1')}&amp;\"é\"</f>{value}</c>"
    if what == "anchor":  # a shared formula's anchor
        return (f'{head}{kind}><f t="shared" ref="{col}{row}:{col}99" si="{index}">A{row}*2'
                f"</f>{value}</c>")
    return f'{head}{kind}><f t="shared" si="{index}"/>{value}</c>'  # sharing


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_FORMS = st.tuples(
    st.sampled_from(["number", "shared string", "bool", "error", "inline", "blank", "plain",
                     "anchor", "sharing", "plain", "number", "sharing", "quoted", "spaced",
                     "never calculated", "lower", "extra", "date", "unescaped"]),
    st.sampled_from(["", ' s="3"']),
    st.booleans(),
    st.sampled_from(["1", "2.5", "-0.125", "x1", "1e-07", "text &amp; more", "", "Café",
                     "007", "12345678901234567", "1.5E+3", "44652", "naïve &lt;x&gt;"]),
)


def _sheet(rows: list[list[tuple[str, str, bool, str]]]) -> str:
    """The rows' cells in columns B, C...; a cell sharing a formula shares its column's
    last anchor (the first such cell of a column is made an anchor)."""
    out = []
    anchors: dict[str, str] = {}
    for r, forms in enumerate(rows, start=1):
        cells = []
        for c, form in enumerate(forms):
            col = "BCDE"[c]
            if form[0] == "sharing" and col not in anchors:
                form = ("anchor", *form[1:])
            if form[0] == "anchor":
                anchors[col] = f"{col}{r}"
            cells.append(_element(col, r, form, anchors.get(col, "")))
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)


def _general(text: str) -> dict[tuple[int, int], Cell]:
    """Every cell read by the general reader, shared formulas resolved."""
    reader = SheetReader("test", SHARED)
    anchors: dict = {}
    pending: list = []
    cells = {}
    for match in sheet_xml._CELL.finditer(text):
        cell = reader._cell(match, anchors, pending)
        cells[(cell.row, cell.col)] = cell
    for cell, index in pending:
        source, row, col = anchors[index]
        cell.shared_from = (source, cell.row - row, cell.col - col)
    return cells


def _place(text: str, cell: Cell) -> tuple[int, int] | None:
    """Where the cell's value text is (VALUE_IN_ELEMENT worked out)."""
    if cell.value_at == VALUE_IN_ELEMENT:
        at = text.index("<v>", *cell.span) + 3
        return at, text.index("</v>", at, cell.span[1])
    return cell.value_at


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_FORMS, min_size=1, max_size=4), min_size=1, max_size=8))
def test_the_columns_hold_exactly_the_cells_the_general_reader_finds(rows):
    text = _sheet(rows)
    sheet = Sheet("S", "xl/worksheets/sheet1.xml")
    sheet.held, sheet.constants, sheet.formulas = SheetReader("test", SHARED).read(text)
    held = sheet.formulas
    for end, length in zip(held.ends.tolist(), held.lengths.tolist(), strict=True):
        if length >= 0:  # the value text ends the element: where it goes is known
            assert text[end - 8:end] == "</v></c>"
            assert text[end - 11 - length:end - 8 - length] == "<v>"
        else:
            assert "<v>" not in text[:end].rsplit("<c ", 1)[1]
    fast = sheet.cells  # every cell made a Cell from the columns
    general = _general(text)
    assert list(fast) == sorted(general)
    for key, cell in general.items():
        mine = fast[key]
        assert (mine.value, mine.span, mine.formula, mine.formula_type, mine.kind) == (
            cell.value, cell.span, cell.formula, cell.formula_type, cell.kind), key
        assert type(mine.value) is type(cell.value), key
        if cell.formula is not None:
            assert mine.shared_index == cell.shared_index
            assert _place(text, mine) == _place(text, cell), key


def _described(text: str, found) -> dict:
    """Every cell of a reading, field by field (where a value is written worked out), for
    comparing two readings whatever cells each holds as columns or as objects."""
    sheet = Sheet("S", "xl/worksheets/sheet1.xml")
    sheet.held, sheet.constants, sheet.formulas = found
    return {key: (cell.value, type(cell.value), cell.span, cell.formula, cell.formula_type,
                  cell.shared_index, cell.array_ref, cell.kind,
                  _place(text, cell) if cell.formula is not None else None, cell.empty_value)
            for key, cell in sheet.cells.items()}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_FORMS, min_size=1, max_size=4), min_size=1, max_size=8))
def test_the_bulk_reader_gives_what_the_one_match_a_cell_reader_gives(rows):
    text = _sheet(rows)
    reader = SheetReader("test", SHARED)
    one_by_one = reader._assembled([reader._scan(sheet_xml._CELLS.finditer(text))])
    assert _described(text, reader.read(text)) == _described(text, one_by_one)


_ROW = ('<row r="2"><c r="B2" s="1"><v>44652</v></c><c r="C2" t="s"><v>1</v></c>'
        '<c r="D2" t="str"><f>B2&amp;"é"</f><v>Café</v></c><c r="AB2"><f>B2/8</f>'
        '<v>5581.5</v></c><c r="E2" s="2"/><c r="F2"><f t="shared" si="0"/><v>3</v></c>'
        '<c r="G2" t="inlineStr"><is><t>inline</t></is></c></row>')


def test_the_bulk_reader_reads_the_common_forms_and_hands_over_the_rest():
    reader = SheetReader("test", SHARED)
    text = f"<sheetData>{_ROW}</sheetData>"
    found = sheet_bulk.scan(text, SHARED, reader._text_value)
    values = found.constants
    assert values.rows.tolist() == [2, 2, 2] and values.cols.tolist() == [2, 3, 5]
    assert values.values.tolist() == [44652.0, "a & b", None]
    assert [text[s:e] for s, e in zip(values.starts, values.ends, strict=True)] == [
        '<c r="B2" s="1"><v>44652</v></c>', '<c r="C2" t="s"><v>1</v></c>', '<c r="E2" s="2"/>']
    formulas = found.formulas
    assert formulas.cols.tolist() == [4, 28, 6]
    assert formulas.texts == ['B2&"é"', "B2/8", None]
    assert formulas.shared == [None, None, "0"]
    assert formulas.values.tolist() == ["Café", 5581.5, 3.0]
    assert formulas.kinds == ["str", None, None]
    assert formulas.lengths.tolist() == [4, 6, 1]
    assert text[formulas.starts[0]:formulas.ends[0]] == (
        '<c r="D2" t="str"><f>B2&amp;"é"</f><v>Café</v></c>')  # characters, not bytes
    assert [text[at:at + 14] for at in found.others] == ['<c r="G2" t="i']


@pytest.mark.parametrize("text", [
    f"<sheetData>{_ROW.replace('B2/8', 'B2>8')}</sheetData>",  # a '>' in text
    f"<sheetData><![CDATA[x]]>{_ROW}</sheetData>",
    '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData>',
    '<sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData>',  # no such string
])
def test_the_bulk_reader_declines_what_it_does_not_read(text):
    reader = SheetReader("test", SHARED)
    assert sheet_bulk.scan(text, SHARED, reader._text_value) is None


@pytest.mark.parametrize("text", ["", "<worksheet><sheetData/></worksheet>"])
def test_a_sheet_without_cells_is_read_in_bulk_as_no_cells(text):
    reader = SheetReader("test", SHARED)
    found = sheet_bulk.scan(text, SHARED, reader._text_value)
    assert (len(found.constants), len(found.formulas), found.others) == (0, 0, [])
    held, constants, formulas = reader.read(text)
    assert (held, len(constants), len(formulas)) == ({}, 0, 0)


def test_a_value_the_bulk_reader_declines_is_reported_by_the_other_reader():
    reader = SheetReader("book.xlsx: sheet 'S'", SHARED)
    with pytest.raises(sheet_xml.PackageError, match=r"sheet 'S' cell A1: unreadable value '9'"):
        reader.read('<sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData>')


def test_every_sheet_excel_saved_is_read_in_bulk_and_as_one_cell_at_a_time():
    """On the 283 workbooks Microsoft Excel saved (473 sheets), the bulk reader declines
    no sheet, and what it reads (with the cells it hands over) is cell for cell what the
    reader of one cell at a time gives."""
    from compat.run import CORPUS
    from xlkpi.workbook.package import Package

    files = sorted(CORPUS.glob("**/*.xls[xm]"))
    if not files:
        pytest.skip(f"the Excel-saved workbooks are not at {CORPUS}")
    sheets = 0
    for path in files:
        package = Package(path)
        for sheet in package.sheets:
            text = package.texts[sheet.part]
            reader = SheetReader(f"{path.name}: {sheet.name}", package.shared_strings)
            assert sheet_bulk.scan(text, package.shared_strings, reader._text_value), (
                path, sheet.name)
            one_by_one = reader._assembled([reader._scan(sheet_xml._CELLS.finditer(text))])
            assert _described(text, reader.read(text)) == _described(text, one_by_one), (
                path, sheet.name)
            sheets += 1
    assert sheets >= 473
