"""What every scorecard template shares: the Settings and Data sheets, the lookup formula,
styles and RAG conditional formatting.

Templates are built with openpyxl here, once, and committed; an analyst's filled
workbook is never re-saved by openpyxl (``xlkpi fill`` and ``recalc`` patch cached values).
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "DATE_FORMAT",
    "HEADER_FILL",
    "MONTH_FORMAT",
    "SEEDS",
    "THIN",
    "add_data_sheet",
    "add_rag_formatting",
    "add_settings_sheet",
    "lookup",
    "print_setup",
    "read_rows",
    "share_lookup",
    "style_header",
]

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
MONTH_FORMAT = "mmm-yy"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
THIN = Border(*(Side(style="thin", color="BFBFBF"),) * 4)
#: RAG fills by status word and by the county report's symbols.
_RAG_COLOURS = {"Green": "C6EFCE", "Amber": "FFEB9C", "Red": "FFC7CE"}
_SYMBOLS = {"Green": "★", "Amber": "■", "Red": "✖"}


def read_rows(name: str) -> list[dict[str, str]]:
    """A seed CSV from samples/seeds as a list of rows."""
    with open(SEEDS / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def add_settings_sheet(wb: Workbook, population: int | None) -> Worksheet:
    """Settings: region, council closure days, 0-17 population, reporting month.

    Defined names ``Region``, ``Closures``, ``Population`` and ``ReportMonth`` point here,
    so report formulas read as ``KPI_RATE(count, Population)``.
    """
    from openpyxl.workbook.defined_name import DefinedName

    ws = wb.create_sheet("Settings")
    ws["A1"] = "Settings"
    ws["A1"].font = Font(bold=True, size=13)
    rows = [
        ("Region (bank holidays)", "ENG", "ENG, WLS, SCT or NIR"),
        ("Population aged 0-17", population, "for rates per 10,000"),
        ("Reporting month", "=MAX(Data!A:A)", "the latest month in the Data sheet"),
        ("Council closure days", None, "one date per row below (e.g. 27/12/2023)"),
    ]
    for i, (label, value, note) in enumerate(rows, start=3):
        ws.cell(i, 1, label).font = Font(bold=True)
        ws.cell(i, 2, value)
        ws.cell(i, 3, note).font = Font(italic=True, color="808080")
    ws["B5"].number_format = MONTH_FORMAT
    for r in range(7, 27):
        ws.cell(r, 2).number_format = DATE_FORMAT
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 44
    for name, ref in (("Region", "$B$3"), ("Population", "$B$4"), ("ReportMonth", "$B$5"),
                      ("Closures", "$B$7:$B$26")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"Settings!{ref}")
    return ws


def add_data_sheet(wb: Workbook) -> Worksheet:
    """Data: the monthly indicator table that ``xlkpi fill`` writes (row 2 sets the styles)."""
    ws = wb.create_sheet("Data")
    for col, title in enumerate(("period", "code", "numerator", "denominator", "value",
                                 "key"), start=1):
        ws.cell(1, col, title).font = Font(bold=True)
    ws["A2"].number_format = MONTH_FORMAT
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["F"].width = 26
    return ws


def lookup(month_cell: str, key_cell: str, suffix: str = "") -> str:
    """The figure for an indicator key in a month, or blank when the Data sheet lacks it."""
    key = f'{key_cell}&"{suffix}"' if suffix else key_cell
    return (f'=IFERROR(INDEX(Data!$E:$E,MATCH(TEXT({month_cell},"yyyy-mm")&"|"&{key},'
            f'Data!$F:$F,0)),"")')


def share_lookup(month_cell: str, key: str) -> str:
    """A percentage from its counts (``KPI_PCT`` of the Data sheet's numerator and
    denominator), or the value as printed when the counts are not there."""
    match = f'MATCH(TEXT({month_cell},"yyyy-mm")&"|"&{key},Data!$F:$F,0)'
    return (f"=IFERROR(IF(N(INDEX(Data!$D:$D,{match}))=0,INDEX(Data!$E:$E,{match}),"
            f"KPI_PCT(INDEX(Data!$C:$C,{match}),INDEX(Data!$D:$D,{match}))),\"\")")


def print_setup(ws: Worksheet, area: str, freeze: str) -> None:
    """Landscape, one page wide, the report area only, headings frozen at ``freeze``."""
    ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = area


def style_header(ws: Worksheet, rows: range, columns: range) -> None:
    for r in rows:
        for c in columns:
            cell = ws.cell(r, c)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = THIN


def add_rag_formatting(ws: Worksheet, cells: str, symbols: bool = False) -> None:
    """Green, amber and red fills on cells holding a status word (or its symbol)."""
    first = cells.split(":")[0].replace("$", "")
    for word, colour in _RAG_COLOURS.items():
        text = _SYMBOLS[word] if symbols else word
        ws.conditional_formatting.add(cells, FormulaRule(
            formula=[f'{first}="{text}"'], fill=PatternFill("solid", bgColor=colour)))
