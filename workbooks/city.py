"""The city scorecard by area (seed 000, a city's children's social care scorecard,
September 2015).

Sheet "City scorecard": per measure the 6-month figure (cumulative or average), the
latest month, the areas as columns (EAST, NWC, SOUTH, MASH: the ``CODE@AREA`` figures of
the team breakdown; a row from the council's own systems says so there too), the
national average, a
performance rating against the national average (``KPI_RAG_TARGET``, 10% tolerance) and
the trend of the latest month against the 6-month figure (``KPI_DOT``). Percentages are
worked out from their counts with ``KPI_PCT`` when the Data sheet has them. Caseloads
and supervision sit in the Workforce section.
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
    share_lookup,
    style_header,
)
from workbooks.common import (
    missing as missing_text,
)

__all__ = ["AREAS", "CODES", "FIRST_ROW", "OWN", "bound_rows", "build"]

FIRST_ROW = 5
AREAS = ("EAST", "NWC", "SOUTH", "MASH")
#: Seed 000 ref -> the catalogue indicator that computes the measure from the returns.
CODES: dict[str, str | Binding] = {
    "1": "REREF12",
    # the seed's measure 3 is counted in the month: in timescale / out of timescale / total
    # assessments (samples/seeds/000_notes.md), as ASSESS45 counts those authorised
    "3": "ASSESS45",
    "7": "ICPC15",
    "10": "CLANUM",
    "10r": "CLARATE",
}
#: Seed 000 refs whose figures only the council's own systems hold (allocation, children
#: seen, S47 completion, visit counts within the month, supervision, caseloads).
OWN = frozenset({"2", "4", "5", "6", "9a", "9b", "11", "12", "12a", "12b", "12c", "12d"})
_FORMATS = {"percentage": "0%", "rate": "0", "count": "#,##0", "days": "#,##0"}
_HEADERS = ["Section", "Ref", "Measure", "Polarity", "6 month", "Latest month", *AREAS,
            "National average", "Performance rating", "Trend", "Key", "RAG status"]


def bound_rows() -> list[dict[str, str]]:
    """Seed 000's measures, bound to the catalogue (``workbooks.common.bind``)."""
    return bind(read_rows("000_indicators.csv"), CODES, OWN)


def build(path: Path, population: int | None = 275_000) -> Path:
    """Build the city scorecard template from seed 000's measures."""
    rows = bound_rows()
    wb = Workbook()
    ws = wb.active
    ws.title = "City scorecard"
    ws["A1"] = "Children's social care scorecard: city and areas"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = '=TEXT(ReportMonth,"mmmm yyyy")'
    for col, title in enumerate(_HEADERS, start=1):
        ws.cell(4, col, title)
    ws["F4"] = '="Latest month ("&TEXT(ReportMonth,"mmm-yy")&")"'
    style_header(ws, range(4, 5), range(1, len(_HEADERS) + 1))
    ws.row_dimensions[4].height = 42
    section = None
    for offset, row in enumerate(rows):
        r = FIRST_ROW + offset
        fmt = _FORMATS.get(row["unit"], "General")
        key = f"$N{r}"
        ws[f"A{r}"] = row["section"] if row["section"] != section else None
        section = row["section"]
        ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"] = row["ref"], row["name"], row["polarity"]
        ws[f"N{r}"] = key_cell(row)
        own = row["source"] == "own"
        missing = missing_text(row)

        def figure(suffix: str, missing: str = missing, row: dict = row, key: str = key
                   ) -> str:
            """A percentage from its counts (KPI_PCT); a count or rate as it is."""
            if row["unit"] == "percentage":
                return share_lookup("ReportMonth", f'{key}&"{suffix}"' if suffix else key,
                                    missing)
            return lookup("ReportMonth", key, suffix, row["column"], missing)

        ws[f"E{r}"] = figure(":6M")
        ws[f"F{r}"] = figure("")
        for col, area in zip("GHIJ", AREAS, strict=True):
            # by area: the team breakdown (an area with no case that month has no
            # figure, N/A); a rate per 10,000 has none (no population per area)
            ws[f"{col}{r}"] = ("-" if row["unit"] == "rate" and not missing else
                               figure(f"@{area}", no_verdict(row)))
        if row["nat_avg"]:
            ws[f"K{r}"] = float(row["nat_avg"])
            ws[f"O{r}"] = (f'=IF(COUNT(F{r})=0,"{no_verdict(row)}",'
                           f"KPI_RAG_TARGET(F{r},K{r},$D{r},0.1))")
            ws[f"L{r}"] = f"=O{r}"
        else:
            ws[f"L{r}"] = missing or None
        if row["polarity"] not in ("", "Info"):
            ws[f"M{r}"] = (f'=IF(COUNT(E{r},F{r})<2,"{no_verdict(row)}",'
                           f"KPI_DOT(F{r},E{r},$D{r}))")
        if own:
            for col in "EFGHIJLM":
                ws[f"{col}{r}"].font = Font(italic=True, color="7F7F7F", size=9)
        for col in "EFGHIJK":
            ws[f"{col}{r}"].number_format = fmt
        for col in range(1, 14):
            ws.cell(r, col).border = THIN
            ws.cell(r, col).alignment = Alignment(vertical="center",
                                                  wrap_text=col in (3, 12, 13) or (
                                                      own and 5 <= col <= 10))
        ws.row_dimensions[r].height = 15 * max(1, -(-len(row["name"]) // 48))
    last = FIRST_ROW + len(rows) - 1
    add_rag_formatting(ws, f"L{FIRST_ROW}:L{last}")
    for col, width in zip("ABCDEFGHIJKLMNO", (16, 5, 50, 8, 9, 11, 9, 9, 9, 9, 10, 12, 11,
                                               16, 10), strict=True):
        ws.column_dimensions[col].width = width
    print_setup(ws, f"A1:M{last}", f"E{FIRST_ROW}")
    add_settings_sheet(wb, population)
    add_data_sheet(wb)
    wb.save(path)
    return path
