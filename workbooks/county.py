"""The county report layout (seed 003, Norfolk Children's Services County Report).

Sheet "County report": per indicator the area, ref, wording, "Good perf. is", data note,
the last four months, YTD, target, DOT (month on month, as an arrow of performance),
RAG symbol (★ ■ ✖ from the Red/Green tolerances), the tolerances, previous YTD and the
latest benchmarks. Sheet "13 months": the 13-month series with ``KPI_TREND`` (the
report's "Trend 13 month linear"), YTD rows with ``KPI_CHANGE`` (its "Difference"), and a
line chart per indicator.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.styles import Alignment, Font, PatternFill

from workbooks.common import (
    MONTH_FORMAT,
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

__all__ = ["CODES", "FIRST_ROW", "OWN", "bound_rows", "build"]

FIRST_ROW = 7
#: Seed 003 ref -> the catalogue indicator that computes the row from the returns.
CODES: dict[str, str | Binding] = {
    "2.1": "CONTACTS", "2.2": "REFERRALS", "2.3": "CONTACTREF", "2.4": "REFRATE",
    "2.7": "REREF12", "2.8": "REREF12R",
    "3.1": "ASSESSMENTS", "3.2": "ASSESSRATE", "3.3": "ASSESS45",
    "3.4": Binding("ASSESSOPEN45", "numerator"),
    "4.3": "S47RATE12",
    "5.2": "CINCOUNT", "5.3b": "CINRATE", "5.5": "CINPLAN",
    "6.1": "CPCOUNT", "6.2b": "ICPCRATE", "6.4": "ICPC15", "6.5": "CPRATE",
    "6.8": "CPREPEAT2Y", "6.9": "CPREPEAT12", "6.10": "CPOPEN2Y", "6.12": "CPREVIEWS",
    "6.14": "CPVISITSA",
    "7.1": "CLANUM", "7.2": "CLARATE", "7.8": Binding("HEALTHCHK", "numerator"),
    "7.9": Binding("DENTAL", "numerator"), "7.13": "CLAVISITS",
    "8.1": "CLNUM", "8.3": "CLSUIT", "8.4": "CLEET",
    "9.1": "LTSTABLE", "9.2": "CLA3PLACE",
    "10.1": "ADOPT12", "10.2": "A1", "10.3": "A2",
}
#: Seed 003 refs whose figures only the council's own systems hold (assessment and S47
#: outcomes, PEPs, care and pathway plans, initial health assessments, caseloads).
OWN = frozenset({"3.5", "3.6a", "3.7a", "4.4", "4.5", "4.6", "4.7", "7.11", "7.12", "7.17",
                 "8.2", "11.2", "11.4", "11.5", "11.7", "11.8", "11.9"})
_FORMATS = {"percentage": "0.0%", "rate": "0.0", "count": "#,##0", "days": "#,##0"}
_HEADERS = ["Area", "Ref", "Indicator", "Good perf. is", "Data note (Monthly)", "", "", "",
            "", "YTD", "Target", "DOT (Month on Month)", "RAG (In month unless stated)",
            "Red", "Green", "Previous YTD", "Stat neigh avg", "Best stat neigh", "Nat. avg",
            "Nat. top quartile", "Key", "RAG status", "DOT status"]
_WIDTHS = [16, 6, 52, 9, 12, 9, 9, 9, 9, 9, 9, 11, 12, 8, 8, 10, 10, 10, 10, 10, 16, 10, 12]


def _number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def _report_sheet(wb: Workbook, rows: list[dict[str, str]]) -> None:
    ws = wb.active
    ws.title = "County report"
    ws["A1"] = "Children's Services: Monthly Performance & Management Information"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "County Report"
    ws["A2"].font = Font(bold=True, size=12)
    ws["C2"] = "=ReportMonth"
    ws["C2"].number_format = "mmmm yyyy"
    ws["C2"].alignment = Alignment(horizontal="left")
    ws["A3"] = ("DOT = Direction of travel, represents the direction of 'performance' in "
                "relation to the polarity of 'good' performance for that measure.")
    ws["A3"].font = Font(italic=True)
    for col, title in enumerate(_HEADERS, start=1):
        ws.cell(6, col, title)
    ws["F5"], ws["J5"], ws["N5"], ws["Q5"] = ("Last four months", "Current year", "Tolerances",
                                              "Latest benchmarking")
    for col, offset in zip("FGHI", (-3, -2, -1, 0), strict=True):
        ws[f"{col}6"] = f"=EDATE(ReportMonth,{offset})" if offset else "=ReportMonth"
        ws[f"{col}6"].number_format = MONTH_FORMAT
    for merged in ("F5:I5", "J5:K5", "N5:O5", "Q5:T5"):
        ws.merge_cells(merged)
    style_header(ws, range(5, 7), range(1, 24))
    ws.row_dimensions[6].height = 58  # "RAG (In month unless stated)" takes four lines
    section = None
    for offset, row in enumerate(rows):
        r = FIRST_ROW + offset
        fmt = _FORMATS.get(row["unit"], "General")
        values = {
            "A": row["section"] if row["section"] != section else None, "B": row["ref"],
            "C": row["name"], "D": row["polarity"],
            "E": {"own": "From the council's own system", "": "Not computed yet"}.get(
                row["source"], row["data_note"]),
            "K": _number(row["target"]), "N": _number(row["red"]), "O": _number(row["green"]),
            "Q": _number(row["sn_avg"]), "R": _number(row["sn_best"]),
            "S": _number(row["nat_avg"]), "T": _number(row["nat_top_quartile"]),
            "U": key_cell(row),
        }
        section = row["section"]
        for col, value in values.items():
            if value is not None:
                ws[f"{col}{r}"] = value
        for col in "FGHI":
            ws[f"{col}{r}"] = lookup(f"{col}$6", f"$U{r}", column=row["column"])
        ws[f"J{r}"] = lookup("$I$6", f"$U{r}", ":YTD")
        ws[f"P{r}"] = lookup("$I$6", f"$U{r}", ":PYTD")
        # what a verdict shows without this month's figure: blank, or for a row from the
        # council's own systems, plainly so
        missing = missing_text(row)
        verdict = no_verdict(row)
        # RAG where the report sets tolerances, on the latest month
        if values["N"] is not None and values["O"] is not None:
            ws[f"V{r}"] = f'=IF(COUNT(I{r})=0,"{verdict}",KPI_RAG(I{r},$D{r},N{r},O{r}))'
            ws[f"M{r}"] = f'=IF(COUNT(I{r})=0,"{verdict}",KPI_SYMBOL(V{r}))'
        # DOT month on month, judged by polarity; an Info measure shows "-"
        if row["polarity"] in ("Info", ""):
            ws[f"L{r}"] = f'=IF($D{r}="Info","-",KPI_SYMBOL(W{r}))'
        else:
            ws[f"W{r}"] = f'=IF(COUNT(I{r},H{r})<2,"{verdict}",KPI_DOT(I{r},H{r},$D{r}))'
            ws[f"L{r}"] = f'=IF(COUNT(I{r},H{r})<2,"{verdict}",KPI_SYMBOL(W{r}))'
        if missing:
            for col in "ELM":
                ws[f"{col}{r}"].font = Font(italic=True, color="7F7F7F", size=9)
        for col in "FGHIJKNOPQRST":
            ws[f"{col}{r}"].number_format = fmt
        for col in range(1, 24):
            ws.cell(r, col).border = THIN
            ws.cell(r, col).alignment = Alignment(vertical="center",
                                                  wrap_text=col in (3, 5))
        for col in "LM":
            ws[f"{col}{r}"].alignment = Alignment(horizontal="center", vertical="center",
                                                  wrap_text=True)
        # wrapped wording needs taller rows (Excel and LibreOffice do not grow them)
        ws.row_dimensions[r].height = 15 * max(1, -(-len(row["name"]) // 60),
                                               -(-len(str(values["E"])) // 12))
    last = FIRST_ROW + len(rows) - 1
    add_rag_formatting(ws, f"M{FIRST_ROW}:M{last}", symbols=True)
    add_rag_formatting(ws, f"V{FIRST_ROW}:V{last}")
    for col, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    for col in "UVW":
        ws[f"{col}6"].fill = PatternFill("solid", fgColor="7F7F7F")
    ws.print_title_rows = "5:6"
    print_setup(ws, f"A1:T{last}", "F7")


def _months_sheet(wb: Workbook, rows: list[dict[str, str]]) -> None:
    """13 months per indicator, its linear trend, YTD difference and a line chart."""
    ws = wb.create_sheet("13 months")
    # what the charts plot: each month's figure, #N/A where it has none (N/A, "own
    # system"), so a chart leaves a gap there instead of drawing a fall to 0; hidden
    points = wb.create_sheet("Chart data")
    points.sheet_state = "hidden"
    ws["A1"] = "In-month performance, last 13 months"
    ws["A1"].font = Font(bold=True, size=13)
    labels = ["Ref", "Indicator", "Good perf. is"] + [""] * 13 + [
        "Trend (13 month linear)", "Difference (first to last month)", "Previous YTD",
        "Current YTD"]
    for i, label in enumerate(labels, start=3):
        ws.cell(i, 1, label).font = Font(bold=True)
    for m in range(13):
        cell = ws.cell(6 + m, 1, f"=EDATE(ReportMonth,{m - 12})" if m < 12 else "=ReportMonth")
        cell.number_format = MONTH_FORMAT
    for c, row in enumerate(rows, start=2):
        col = ws.cell(1, c).column_letter
        fmt = _FORMATS.get(row["unit"], "General")
        ws[f"{col}3"], ws[f"{col}4"], ws[f"{col}5"] = row["ref"], row["name"], row["polarity"]
        ws[f"{col}4"].alignment = Alignment(wrap_text=True, vertical="top")
        ws[f"{col}3"].font = Font(bold=True)
        ws[f"{col}23"] = key_cell(row)
        for m in range(13):
            ws[f"{col}{6 + m}"] = lookup(f"$A{6 + m}", f"{col}$23", column=row["column"])
            ws[f"{col}{6 + m}"].number_format = fmt
        if missing_text(row):  # plainly why, until the figures are in
            ws[f"{col}19"] = (f'=IF(COUNT({col}6:{col}18)=0,"{missing_text(row)}",'
                              f"KPI_TREND({col}6:{col}18))")
        else:
            ws[f"{col}19"] = f"=KPI_TREND({col}6:{col}18)"
        style = "points" if row["unit"] == "percentage" else "count"
        missing = missing_text(row) or "-"
        ws[f"{col}20"] = (f'=IF(COUNT({col}6,{col}18)<2,"{missing}",'
                          f'KPI_CHANGE({col}18,{col}6,"{style}"))')
        ws[f"{col}21"] = lookup("$A$18", f"{col}$23", ":PYTD")
        ws[f"{col}22"] = lookup("$A$18", f"{col}$23", ":YTD")
        for r in (21, 22):
            ws[f"{col}{r}"].number_format = fmt
        ws.column_dimensions[col].width = 21
        ws[f"{col}19"].alignment = Alignment(wrap_text=True, vertical="top")
        chart = LineChart()
        name = row["name"] if len(row["name"]) <= 48 else row["name"][:46].rstrip() + "..."
        chart.title = _title(f"{row['ref']} {name}")
        chart.height, chart.width = 6.5, 11
        chart.legend = None
        for m in range(6, 19):
            points[f"{col}{m}"] = (f"=IF(ISNUMBER('13 months'!{col}{m}),"
                                    f"'13 months'!{col}{m},NA())")
            points[f"A{m}"] = f"='13 months'!A{m}"
            points[f"A{m}"].number_format = MONTH_FORMAT
        chart.add_data(Reference(points, min_col=c, min_row=6, max_row=18))
        chart.set_categories(Reference(points, min_col=1, min_row=6, max_row=18))
        chart.y_axis.number_format = fmt
        chart.x_axis.number_format = MONTH_FORMAT
        anchor_row = 26 + ((c - 2) // 3) * 13
        anchor_col = ws.cell(1, 1 + ((c - 2) % 3) * 3).column_letter
        ws.add_chart(chart, f"{anchor_col}{anchor_row}")
    ws.cell(23, 1, "Key").font = Font(color="808080")
    ws.column_dimensions["A"].width = 28
    ws.row_dimensions[4].height = 90
    # printed: the charts, three across, landscape and one page wide (the table of 13
    # months by indicator is too wide to print legibly; it stays on screen)
    last_chart = 26 + ((len(rows) - 1) // 3 + 1) * 13
    print_setup(ws, f"A25:I{last_chart}", "B6")
    ws.print_title_rows = None


def _title(text: str) -> Title:
    """A chart title in 10 pt (openpyxl's default is large enough to crowd the chart)."""
    run = RegularTextRun(rPr=CharacterProperties(sz=1000, b=True), t=text)
    return Title(tx=Text(rich=RichText(p=[Paragraph(pPr=ParagraphProperties(
        defRPr=CharacterProperties(sz=1000, b=True)), r=[run])])), overlay=False)


def bound_rows() -> list[dict[str, str]]:
    """Seed 003's rows, bound to the catalogue (``workbooks.common.bind``)."""
    return bind(read_rows("003_indicators.csv"), CODES, OWN)


def build(path: Path, population: int | None = 168_000) -> Path:
    """Build the county report template from the seed's indicator list."""
    rows = bound_rows()
    wb = Workbook()
    _report_sheet(wb, rows)
    _months_sheet(wb, [r for r in rows if r["printed_trend"]])
    add_settings_sheet(wb, population)
    add_data_sheet(wb)
    wb.save(path)
    return path
