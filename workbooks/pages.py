"""The indicator pages layout (seed 001, a unitary council's Performance Report,
October 2015: one page per indicator).

Sheet "Indicator pages": one row per page with its code, name, responsible officer,
measure polarity, the value, the rate per 10,000 (``KPI_RATE`` of the value and the
0-17 population for counts), the target, the direction of travel against the same month
last year (``KPI_DOT``: raw Up/Down when the measure has no polarity, as the report
prints it), the previous values, the England / statistical neighbours / regional
benchmarks and whether the figure is a snapshot or cumulative.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from workbooks.common import (
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

FIRST_ROW = 5
#: Seed 001 page -> the catalogue indicator that computes it from the returns.
CODES: dict[str, str | Binding] = {
    "4": "CONTACTS", "7": "CONTACTREF", "8": "REREF12", "9": "REFASSESS",
    "10": "ASSESSMENTS",
    "17": Binding("CPREPEAT", "denominator"), "18": "CPCOUNT", "19": "CPREPEATNOW",
    "20": "CPOPEN2Y",
    "21": "CPVISITSA", "22": Binding("ICPC15", "denominator"), "23": "ICPC15",
    "24": "CPREVIEWNUM", "25": "CPREVIEWS", "26": "CLANUM", "27": "CLAVISITS",
    "28": "CLAREVIEWNUM", "29": "CLAREVIEWS",
}
#: Seed 001 pages whose figures only the council's own systems hold (CAF, screening,
#: the former initial and core assessment timescales, strategy discussions).
OWN = frozenset({"1", "2", "3", "6", "11", "13", "14", "15", "16"})
_FORMATS = {"percentage": "0.00%", "rate": "0.00", "count": "#,##0", "days": "#,##0"}
_HEADERS = ["Code", "Name", "Responsible officer", "Measure", "Current value",
            "Rate per 10,000", "Target", "Direction of travel (comparator with last year)",
            "Previous month", "Month before", "Same month last year", "England",
            "Statistical neighbours", "Regional", "Measure period", "Key", "DOT status"]


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def bound_rows() -> list[dict[str, str]]:
    """Seed 001's pages, bound to the catalogue (``workbooks.common.bind``)."""
    return bind(read_rows("001_indicators.csv"), CODES, OWN)


def build(path: Path, population: int | None = 36_100) -> Path:
    """Build the indicator pages template from seed 001's indicator list."""
    rows = bound_rows()
    wb = Workbook()
    ws = wb.active
    ws.title = "Indicator pages"
    ws["A1"] = "Performance Report"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = '="Last update: "&TEXT(ReportMonth,"mmmm yyyy")'
    for col, title in enumerate(_HEADERS, start=1):
        ws.cell(4, col, title)
    style_header(ws, range(4, 5), range(1, len(_HEADERS) + 1))
    ws.row_dimensions[4].height = 60
    for offset, row in enumerate(rows):
        r = FIRST_ROW + offset
        fmt = _FORMATS.get(row.get("unit", ""), "General")
        ws[f"A{r}"], ws[f"B{r}"], ws[f"C{r}"] = row["ref"], row["name"], row["owner"]
        ws[f"D{r}"] = row["polarity"] or "N/A"
        ws[f"P{r}"] = key_cell(row)
        column = row["column"]
        missing = missing_text(row)
        ws[f"E{r}"] = lookup("ReportMonth", f"$P{r}", column=column)
        if row.get("unit") == "count":
            ws[f"F{r}"] = f'=IF(COUNT(E{r})=0,"{missing}",KPI_RATE(E{r},Population))'
        elif row["source"] == "returns" and _number(row.get("rate_per_10k")) is not None:
            # a share printed with the rate per 10,000 of its count (page 27: children
            # seen in time): the rate of this month's numerator
            count = lookup("ReportMonth", f"$P{r}", column="C")[1:]
            ws[f"F{r}"] = (f'=IF(COUNT(E{r})=0,"{no_verdict(row)}",'
                           f"KPI_RATE({count},Population))")
        else:
            ws[f"F{r}"] = _number(row.get("rate_per_10k"))
        ws[f"G{r}"] = _number(row["target"])
        ws[f"I{r}"] = lookup("EDATE(ReportMonth,-1)", f"$P{r}", column=column)
        ws[f"J{r}"] = lookup("EDATE(ReportMonth,-2)", f"$P{r}", column=column)
        ws[f"K{r}"] = lookup("EDATE(ReportMonth,-12)", f"$P{r}", column=column)
        # against the same month last year: raw Up/Down unless the measure has a polarity
        verdict = no_verdict(row)
        ws[f"Q{r}"] = f'=IF(COUNT(E{r},K{r})<2,"{verdict}",KPI_DOT(E{r},K{r},$D{r}))'
        ws[f"H{r}"] = f'=IF(COUNT(E{r},K{r})<2,"{verdict}",KPI_SYMBOL(Q{r}))'
        for col, name in (("L", "england"), ("M", "stat_neighbours"), ("N", "regional")):
            ws[f"{col}{r}"] = _number(row.get(name))
        note = {"own": "from the council's own system", "": "not computed yet"}.get(
            row["source"])
        ws[f"O{r}"] = "; ".join(filter(None, (row.get("snapshot_or_cumulative", ""), note)))
        for col in "EGIJKLMN":
            ws[f"{col}{r}"].number_format = fmt
        ws[f"F{r}"].number_format = "0.00"  # rates per 10,000 as the seed prints them
        for col in range(1, len(_HEADERS) + 1):
            ws.cell(r, col).border = THIN
            ws.cell(r, col).alignment = Alignment(vertical="center", wrap_text=col in (2, 15))
        ws.row_dimensions[r].height = 15 * max(1, -(-len(row["name"]) // 40),
                                               -(-len(str(ws[f"O{r}"].value)) // 26))
    last = FIRST_ROW + len(rows) - 1
    add_rag_formatting(ws, f"Q{FIRST_ROW}:Q{last}")
    for col, width in zip("ABCDEFGHIJKLMNOPQ", (6, 40, 18, 16, 11, 10, 9, 14, 10, 10, 11,
                                                 10, 12, 10, 24, 14, 11), strict=True):
        ws.column_dimensions[col].width = width
    print_setup(ws, f"A1:O{last}", f"C{FIRST_ROW}")
    add_settings_sheet(wb, population)
    add_data_sheet(wb)
    wb.save(path)
    return path
