"""The fast reading of a sheet (cells in the common form read from one match into
columns) gives exactly the cells the general reader (``_cell``, any form, one object a
cell) gives, field by field, whatever the mix of forms (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xlkpi.workbook import sheet_xml
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
    value = f"<v>{text}</v>" if cached else ""
    kind = "" if numeric else ' t="str"'  # a number, or text
    if what == "plain":
        return f"{head}{kind}><f>A{row}+{text.count('1')}</f>{value}</c>"
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
                     "anchor", "sharing"]),
    st.sampled_from(["", ' s="3"']),
    st.booleans(),
    st.sampled_from(["1", "2.5", "-0.125", "x1", "1e-07", "text &amp; more", ""]),
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
