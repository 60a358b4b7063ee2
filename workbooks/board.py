"""The improvement board's priority indicators layout (seed 002, an Ofsted Improvement
Board Priority Indicators report, November 2017).

Sheet "Priority indicators": by section, indicator number, title, polarity, the months
of the financial year to date (April to the reporting month, up to eight), the year's
target, target owner, RAG from the "RAG Methodology" text with ``KPI_RAG_TEXT`` on the
latest month, and the methodology itself. Sheet "Action log": what the board agreed.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from workbooks.common import (
    MONTH_FORMAT,
    THIN,
    add_data_sheet,
    add_rag_formatting,
    add_settings_sheet,
    lookup,
    print_setup,
    read_rows,
    style_header,
)

__all__ = ["FIRST_ROW", "MONTHS", "build", "layout"]

FIRST_ROW = 5
MONTHS = 8
_FORMATS = {"percentage": "0.0%", "rate": "0.0", "count": "0"}
_KEY, _STATUS = "P", "Q"


def layout(rows: list[dict[str, str]]) -> list[tuple[int, dict[str, str] | None]]:
    """Worksheet row for each section heading (None) and indicator, in report order."""
    placed, r, section = [], FIRST_ROW, None
    for row in rows:
        if row["section"] and row["section"] != section:
            placed.append((r, {"section": row["section"]}))
            section, r = row["section"], r + 1
        placed.append((r, row))
        r += 1
    return placed


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _report(wb: Workbook, rows: list[dict[str, str]]) -> None:
    ws = wb.active
    ws.title = "Priority indicators"
    ws["A1"] = "Children's Services Ofsted Improvement Board Priority Indicators"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "=ReportMonth"
    ws["A2"].number_format = "mmmm yyyy"
    ws["A2"].alignment = Alignment(horizontal="left")
    headers = ["Indicator Number", "Indicator Title", "Polarity"] + [""] * MONTHS + [
        "Target", "Target Owner", "RAG", "RAG Methodology"]
    for col, title in enumerate(headers, start=1):
        ws.cell(4, col, title)
    ws.cell(4, 4 + MONTHS, '=YEAR(EDATE(ReportMonth,-3))&"-"&RIGHT(YEAR(EDATE('
                           'ReportMonth,-3))+1,2)&" Target"')
    ws[f"{_KEY}4"], ws[f"{_STATUS}4"] = "Key", "RAG status"
    for m in range(MONTHS):
        cell = ws.cell(4, 4 + m, f"=EDATE(ReportMonth,{m - MONTHS + 1})"
                       if m < MONTHS - 1 else "=ReportMonth")
        cell.number_format = MONTH_FORMAT
    style_header(ws, range(4, 5), range(1, 18))
    ws.row_dimensions[4].height = 30
    last_col = ws.cell(1, 3 + MONTHS).column_letter
    for r, row in layout(rows):
        if "key" not in row:
            ws.cell(r, 1, row["section"].upper()).font = Font(bold=True)
            continue
        fmt = _FORMATS.get(row["unit"], "General")
        ws.cell(r, 1, row["ref"])
        ws.cell(r, 2, row["name"]).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 3, row["polarity"])
        for m in range(MONTHS):
            cell = ws.cell(r, 4 + m, lookup(f"{ws.cell(4, 4 + m).column_letter}$4",
                                            f"${_KEY}{r}"))
            cell.number_format = fmt
        target = ws.cell(r, 4 + MONTHS, _number(row["target"]))
        target.number_format = fmt
        ws.cell(r, 5 + MONTHS, row["owner"])
        ws[f"{_KEY}{r}"] = row["key"]
        ws.cell(r, 7 + MONTHS, row.get("rag_text", "")).alignment = Alignment(wrap_text=True)
        # RAG on the latest month, read from the methodology text at its own precision
        ws[f"{_STATUS}{r}"] = (f'=IF(OR({last_col}{r}="",$O{r}=""),"",'
                               f"KPI_RAG_TEXT({last_col}{r},$O{r}))")
        ws.cell(r, 6 + MONTHS, f"={_STATUS}{r}").alignment = Alignment(horizontal="center")
        ws.row_dimensions[r].height = 15 * max(1, -(-len(row["name"]) // 45),
                                               -(-len(row.get("rag_text", "")) // 40))
        for col in range(1, 16):
            ws.cell(r, col).border = THIN
            ws.cell(r, col).alignment = Alignment(vertical="center", wrap_text=col in (2, 15),
                                                  horizontal="center" if col == 14 else None)
    last = layout(rows)[-1][0]
    add_rag_formatting(ws, f"{ws.cell(1, 6 + MONTHS).column_letter}{FIRST_ROW}:"
                           f"{ws.cell(1, 6 + MONTHS).column_letter}{last}")
    for col, width in zip("ABCDEFGHIJKLMNOPQ", (12, 44, 9, *(8,) * MONTHS, 11, 8, 9, 40,
                                                  14, 10), strict=True):
        ws.column_dimensions[col].width = width
    print_setup(ws, f"A1:O{last}", f"D{FIRST_ROW}")
    ws["A3"] = 'Note: "BIB" means bigger is better, "SIB" smaller is better.'
    ws["A3"].font = Font(italic=True)


def _action_log(wb: Workbook) -> None:
    ws = wb.create_sheet("Action log")
    ws["A1"] = "Improvement board action log"
    ws["A1"].font = Font(bold=True, size=13)
    headers = ["Date raised", "Indicator", "Action agreed", "Owner", "Due date", "Status",
               "Update"]
    for col, title in enumerate(headers, start=1):
        ws.cell(3, col, title)
    style_header(ws, range(3, 4), range(1, 8))
    status = DataValidation(type="list", formula1='"Open,In progress,Done,Overdue"',
                            allow_blank=True)
    ws.add_data_validation(status)
    status.add("F4:F200")
    for r in range(4, 201):
        ws.cell(r, 1).number_format = "dd/mm/yyyy"
        ws.cell(r, 5).number_format = "dd/mm/yyyy"
    for col, width in zip("ABCDEFG", (12, 14, 50, 10, 12, 12, 50), strict=True):
        ws.column_dimensions[col].width = width


def build(path: Path, population: int | None = 36_100) -> Path:
    """Build the board template from seed 002's indicator list."""
    rows = read_rows("002_indicators.csv")
    wb = Workbook()
    _report(wb, rows)
    _action_log(wb)
    add_settings_sheet(wb, population)
    add_data_sheet(wb)
    wb.save(path)
    return path
