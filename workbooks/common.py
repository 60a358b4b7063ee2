"""What every scorecard template shares: the Settings and Data sheets, the lookup formula,
styles and RAG conditional formatting.

Templates are built with openpyxl here, once, and committed; an analyst's filled
workbook is never re-saved by openpyxl (``xlkpi fill`` and ``recalc`` patch cached values).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "DATE_FORMAT",
    "FULL_HISTORY",
    "HEADER_FILL",
    "MONTH_FORMAT",
    "NOT_COMPUTED",
    "NO_FIGURE",
    "OWN_NOTE",
    "OWN_SYSTEM",
    "SEEDS",
    "THIN",
    "Binding",
    "add_data_sheet",
    "add_rag_formatting",
    "add_settings_sheet",
    "bind",
    "key_cell",
    "lookup",
    "missing",
    "no_verdict",
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


#: What a KPI cell of a row from the council's own systems shows until its figures are in.
OWN_SYSTEM = "own system"
#: The data note of such a row (the returns do not carry its figures).
OWN_NOTE = "From the council's own system (not in the returns): type its figures"
#: ... and of a row the returns could carry but xlkpi does not compute yet.
NOT_COMPUTED = "not computed yet"
#: What a verdict (RAG, direction, trend) of a row computed from the returns shows when
#: the figures it compares are not there: the indicator has no denominator that month
#: (the engine's own "N/A"), or no figure for the month before (Annex A's visits are a
#: snapshot of the extract month only).
NO_FIGURE = "N/A"
#: The catalogue's units as the seeds name them (for number formats).
_UNITS = {"share": "percentage", "rate": "rate", "count": "count", "days": "days"}
#: Data sheet column of each field of the indicator table.
_COLUMNS = {"value": "E", "numerator": "C", "denominator": "D"}


@dataclass(frozen=True)
class Binding:
    """A seed row bound to a catalogue indicator: its code and which figure the row shows
    (``value``; ``numerator`` where the row prints the count behind a share or rate)."""

    code: str
    field: str = "value"


def bind(rows: list[dict[str, str]], codes: dict[str, str | Binding],
         own: frozenset[str] | set[str]) -> list[dict[str, str]]:
    """The seed rows with their bindings, as data for the builders.

    ``codes`` maps a seed ref to the catalogue code that computes it (a ``Binding`` to
    show the numerator); ``own`` lists the refs whose figures only the council's own
    systems hold. A bound row's ``key`` becomes the code, its ``unit`` the catalogue's
    and ``column`` the Data sheet column it reads; ``source`` is ``returns``, ``own`` or
    empty. Every code must be in the catalogue (no row reads a key nothing fills).
    """
    from xlkpi.indicators import INDICATORS

    refs = {row["ref"] for row in rows}
    unknown = sorted((set(codes) | set(own)) - refs)
    both = sorted(set(codes) & set(own))
    if unknown or both:
        raise ValueError(f"refs not in the seed: {unknown}; bound and own system: {both}")
    bound = []
    for row in rows:
        row = dict(row, column="E", source="", seed_key=row["key"])
        if row["ref"] in codes:
            binding = codes[row["ref"]]
            binding = binding if isinstance(binding, Binding) else Binding(binding)
            if binding.code not in INDICATORS:
                raise ValueError(f"{row['ref']}: {binding.code} is not in the catalogue")
            unit = INDICATORS[binding.code].unit if binding.field == "value" else "count"
            row.update(key=binding.code, unit=_UNITS[unit], column=_COLUMNS[binding.field],
                       source="returns")
        elif row["ref"] in own:
            row["source"] = "own"
        bound.append(row)
    return bound


#: Indicators a full case history computes in place of an Annex A snapshot: a row bound to
#: the snapshot shows the full measure when the Data sheet has that instead (xlkpi's CSV
#: layout and other full histories give CPVISITS; Annex A gives CPVISITSA).
FULL_HISTORY = {"CPVISITSA": "CPVISITS"}


def key_cell(row: dict[str, str]) -> str:
    """What a row's key cell holds: its indicator code, or for a snapshot indicator a
    formula choosing the snapshot's code when the Data sheet has it, else the full
    history's (:data:`FULL_HISTORY`)."""
    key = row["key"]
    full = FULL_HISTORY.get(key) if row.get("source") == "returns" else None
    if full is None:
        return key
    return f'=IF(COUNTIF(Data!$F:$F,"*|{key}")>0,"{key}","{full}")'


def missing(row: dict[str, str]) -> str:
    """What a row's KPI cells show without figures: blank for a row computed from the
    returns (a figure is due), else plainly why there is none."""
    return {"returns": "", "own": OWN_SYSTEM}.get(row["source"], NOT_COMPUTED)


def no_verdict(row: dict[str, str]) -> str:
    """What a row's verdict cells (RAG, direction, trend) show without the figures they
    compare: :func:`missing`'s text, or :data:`NO_FIGURE` for a row from the returns."""
    return missing(row) or NO_FIGURE


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
    print_setup(ws, "A1:C26", "A3")
    for name, ref in (("Region", "$B$3"), ("Population", "$B$4"), ("ReportMonth", "$B$5"),
                      ("Closures", "$B$7:$B$26")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"Settings!{ref}")
    return ws


def add_data_sheet(wb: Workbook) -> Worksheet:
    """Data: the monthly indicator table that ``xlkpi fill`` writes (row 2 sets the styles),
    hidden."""
    ws = wb.create_sheet("Data")
    for col, title in enumerate(("period", "code", "numerator", "denominator", "value",
                                 "key"), start=1):
        ws.cell(1, col, title).font = Font(bold=True)
    ws["A2"].number_format = MONTH_FORMAT
    # the figures the report reads, not a page of it: hidden, so the printed report (and
    # its PDF) is the report's pages only (Excel: right-click a sheet tab, Unhide)
    ws.sheet_state = "hidden"
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["F"].width = 26
    return ws


def lookup(month_cell: str, key_cell: str, suffix: str = "", column: str = "E",
           missing: str = "") -> str:
    """The figure for an indicator key in a month, or ``missing`` (blank) when the Data
    sheet lacks it (``column``: the Data sheet's value E, or numerator C)."""
    key = f'{key_cell}&"{suffix}"' if suffix else key_cell
    match = f'MATCH(TEXT({month_cell},"yyyy-mm")&"|"&{key},Data!$F:$F,0)'
    if column != "E":  # a count behind a share: none when the share is N/A (no denominator)
        return (f"=IFERROR(IF(ISNUMBER(INDEX(Data!$E:$E,{match})),INDEX(Data!${column}:"
                f'${column},{match}),INDEX(Data!$E:$E,{match})),"{missing}")')
    return f'=IFERROR(INDEX(Data!${column}:${column},{match}),"{missing}")'


def share_lookup(month_cell: str, key: str, missing: str = "") -> str:
    """A percentage from its counts (``KPI_PCT`` of the Data sheet's numerator and
    denominator), or the value as printed when the counts are not there, or ``missing``
    when the Data sheet lacks the key."""
    match = f'MATCH(TEXT({month_cell},"yyyy-mm")&"|"&{key},Data!$F:$F,0)'
    return (f"=IFERROR(IF(N(INDEX(Data!$D:$D,{match}))=0,INDEX(Data!$E:$E,{match}),"
            f"KPI_PCT(INDEX(Data!$C:$C,{match}),INDEX(Data!$D:$D,{match}))),"
            f'"{missing}")')


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
