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
    OWN_SYSTEM,
    THIN,
    Binding,
    add_data_sheet,
    add_rag_formatting,
    add_settings_sheet,
    bind,
    key_cell,
    lookup,
    no_verdict,
    print_setup,
    read_rows,
    style_header,
)
from workbooks.common import (
    missing as missing_text,
)

__all__ = ["CODES", "FIRST_ROW", "MONTHS", "OWN", "bound_rows", "build", "layout"]

FIRST_ROW = 5
MONTHS = 8
#: Seed 002 ref -> the catalogue indicator that computes the row from the returns.
CODES: dict[str, str | Binding] = {
    "FD 8": "REREF12", "AMT 2": "ASSESS45", "CIN 4": "CINVISITSA",
    "CP 5": "ICPC15", "CP 13": "CPVISITSA", "CP 10": Binding("CPOPEN2Y", "numerator"),
    "MC 1": "MISSEP",
    "LAC 10": "CLAVISITS", "LAC 11": "CLAREVIEWS", "LAC 20": "LTSTABLE",
    "AD 7": "A1",
    "CL 1": Binding("CLEET", "numerator"), "CL 1a": "CLEET", "CL 2": "CLNEET",
    "CL 3": Binding("CLSUIT", "numerator"), "CL 3a": "CLSUIT",
}
#: Seed 002 refs whose figures only the council's own systems hold (workforce, contact
#: timeliness, CIN reviews, return interviews, court work, social worker changes, foster
#: carer reviews, pathway plans, audits and supervision).
OWN = frozenset({"P1", "W 1", "W1 a", "W1 b", "W1 c", "W1 d", "W 2", "FD 3", "CIN 5",
                 "MC 6", "LE 2", "LE 3", "LAC 19 (12m)", "F 3", "CL a", "QA 1", "QA 2",
                 "QA 3"})
_FORMATS = {"percentage": "0.0%", "rate": "0.0", "count": "0", "days": "0"}
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
                                            f"${_KEY}{r}", column=row["column"]))
            cell.number_format = fmt
        target = ws.cell(r, 4 + MONTHS, _number(row["target"]))
        target.number_format = fmt
        ws.cell(r, 5 + MONTHS, row["owner"])
        ws[f"{_KEY}{r}"] = key_cell(row)
        ws.cell(r, 7 + MONTHS, row.get("rag_text", "")).alignment = Alignment(wrap_text=True)
        # RAG on the latest month, read from the methodology text at its own precision;
        # a row from the council's own systems says so until its figures are in
        missing = missing_text(row)
        if row.get("rag_text"):
            ws[f"{_STATUS}{r}"] = (f'=IF(COUNT({last_col}{r})=0,"{no_verdict(row)}",'
                                   f"KPI_RAG_TEXT({last_col}{r},$O{r}))")
            ws.cell(r, 6 + MONTHS, f"={_STATUS}{r}")
        else:
            ws.cell(r, 6 + MONTHS, missing or None)
        ws.row_dimensions[r].height = 15 * max(1, -(-len(row["name"]) // 45),
                                               -(-len(row.get("rag_text", "")) // 40))
        for col in range(1, 16):
            ws.cell(r, col).border = THIN
            ws.cell(r, col).alignment = Alignment(vertical="center",
                                                  wrap_text=col in (2, 14, 15),
                                                  horizontal="center" if col == 14 else None)
        if missing:
            ws.cell(r, 6 + MONTHS).font = Font(italic=True, color="7F7F7F", size=9)
    last = layout(rows)[-1][0]
    add_rag_formatting(ws, f"{ws.cell(1, 6 + MONTHS).column_letter}{FIRST_ROW}:"
                           f"{ws.cell(1, 6 + MONTHS).column_letter}{last}")
    for col, width in zip("ABCDEFGHIJKLMNOPQ", (12, 44, 9, *(8,) * MONTHS, 11, 8, 9, 40,
                                                  14, 10), strict=True):
        ws.column_dimensions[col].width = width
    print_setup(ws, f"A1:O{last}", f"D{FIRST_ROW}")
    ws["A3"] = ('Note: "BIB" means bigger is better, "SIB" smaller is better; '
                f'"{OWN_SYSTEM}": the figures come from the council\'s own system, not the '
                "returns: type them in the row, or add them to the indicator table under "
                "the row's key.")
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
    print_setup(ws, "A1:G40", "A4")


def bound_rows() -> list[dict[str, str]]:
    """Seed 002's rows, bound to the catalogue (``workbooks.common.bind``)."""
    return bind(read_rows("002_indicators.csv"), CODES, OWN)


def build(path: Path, population: int | None = 36_100) -> Path:
    """Build the board template from seed 002's indicator list."""
    rows = bound_rows()
    wb = Workbook()
    _report(wb, rows)
    _action_log(wb)
    add_settings_sheet(wb, population)
    add_data_sheet(wb)
    wb.save(path)
    return path
