"""References in formula text: found, shifted and keyed as Excel fills formulas down."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlkpi.workbook.blocks import blocks_of
from xlkpi.workbook.package import Cell, Sheet
from xlkpi.workbook.references import (
    MAX_ROW,
    col_letters,
    col_number,
    parse_range,
    r1c1_key,
    references,
    shift_formula,
)


@pytest.mark.parametrize(("formula", "found"), [
    ("A1+B2", ["A1", "B2"]),
    ('IF(A2>$H$1,"A1",B2)', ["A2", "$H$1", "B2"]),  # text is not a reference
    ("LOG10(A2)+ATAN2(B1,C1)", ["A2", "B1", "C1"]),  # function names are not references
    ("SUM(Sheet2!B3:B9,'My Sheet'!$C$1)", ["Sheet2!B3:B9", "'My Sheet'!$C$1"]),
    ("COUNTIFS(A:A,\"<>\")+SUM(2:3)", ["A:A", "2:3"]),
    ("Region&Population", []),  # defined names
    ("_xldudf_KPI_RAG(D2,\"High\",0.8,0.9)", ["D2"]),
    ("'It''s'!A1", ["'It''s'!A1"]),
])
def test_references_are_found_and_nothing_else(formula, found):
    assert [formula[r.start:r.end] for r in references(formula)] == found


def test_reference_details():
    ref = next(references("SUM($A2:B$9)"))
    assert ref.rect == (2, 1, 9, 2) and ref.fixed == (False, True, True, False)
    assert ref.kind == "range" and ref.calls == (("SUM", 0),)
    column = next(references("A:A"))
    assert column.rect == (1, 1, MAX_ROW, 1) and not column.row_relative
    assert [(r.calls) for r in references("IF(A1,COUNTIF(B:B,C1),D1)")] == [
        (("IF", 0),), (("IF", 1), ("COUNTIF", 0)), (("IF", 1), ("COUNTIF", 1)), (("IF", 2),)]


@pytest.mark.parametrize(("formula", "rows", "cols", "shifted"), [
    ("NETWORKDAYS(A2,B2)", 3, 0, "NETWORKDAYS(A5,B5)"),
    ("A2+$B$1+B$1+$C2", 1, 1, "B3+$B$1+C$1+$C3"),
    ("SUM($A$2:A2)", 4, 0, "SUM($A$2:A6)"),  # a running total grows
    ("COUNTIFS(Cases!E:E,\"In time\")", 10, 0, "COUNTIFS(Cases!E:E,\"In time\")"),
    ("A2", -1, 0, "A1"),
    ("A1", -1, 0, "#REF!"),
])
def test_shift_formula_fills_like_excel(formula, rows, cols, shifted):
    assert shift_formula(formula, rows, cols) == shifted


def test_parse_range_names_and_columns():
    rect = parse_range("'MY SHEET'!C1:D4", "Own")
    assert (rect.sheet, rect.row1, rect.col1, rect.row2, rect.col2) == ("MY SHEET", 1, 3, 4, 4)
    assert parse_range("A:A", "cases").sheet == "CASES"
    assert parse_range("REGION", "x") is None


@given(st.integers(1, 16384))
def test_column_letters_round_trip(number):
    assert col_number(col_letters(number)) == number


_TEMPLATES = st.sampled_from([
    "NETWORKDAYS(A{r},B{r})", "IF(D{r}<=45,\"In time\",\"Late\")", "A{r}+$H$1*2",
    "KPI_RAG(C{r},\"High\",Settings!$B$1,Settings!$B$2)", "SUM($A$2:A{r})", "A{r}+A{p}",
    "COUNTIF($A$2:$A$99,A{r})", "LOG10(A{r})+10", "A{r}&\"{r}\"",
])


@given(_TEMPLATES, st.integers(2, 5000), st.lists(st.integers(0, 2), min_size=1,
                                                   max_size=12))
def test_fill_detection_agrees_with_r1c1_keys(template, first, steps):
    """Blocks group exactly the cells whose R1C1 forms are equal and rows consecutive."""
    rows = list(range(first, first + len(steps)))
    texts = {}
    for step, r in zip(steps, rows, strict=True):
        # step 0: the cell holds the first cell's text, not the filled one
        source = first if step == 0 else r
        texts[r] = template.format(r=source, p=max(source - 1, 1))
    sheet = Sheet("S", "xl/worksheets/sheet1.xml")
    for r, text in texts.items():
        sheet.cells[(r, 3)] = Cell(r, 3, None, text=text)
    expected = 1 + sum(r1c1_key(texts[a], a, 3) != r1c1_key(texts[b], b, 3)
                       for a, b in itertools.pairwise(rows))
    assert len(blocks_of(sheet)) == expected
