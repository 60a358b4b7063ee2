"""``xlkpi demo``: the month's job as an analyst lives it, on the bundled samples.

The council's returns come in (the CIN census XML, the 903 files and the Annex A workbook
of one synthetic council, ``samples/returns/``); the indicators are computed (``xlkpi
indicators``), each from the best return that holds its data; every
scorecard template is filled (``xlkpi fill``), recalculated (``xlkpi recalc``) and
checked (``xlkpi check``); the RAG summary for the improvement board is printed, and
where LibreOffice is installed every filled scorecard is rendered to PDF to look at.

Besides each month's figures the templates read two pooled figures for the reporting
month, which the demo adds to what it fills: ``CODE:YTD`` (April to the month, for
indicators counted from events, as seed 003 prints YTD only for those) and ``CODE:6M``
(the six months to the month, seed 000's "6 month" column). A share pools its counts
(sum of numerators over sum of denominators); a count of events is summed; a count at
month end and a rate are averaged over the months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from xlkpi.console import console, fail

__all__ = ["EXPECTED_LINT", "ROOT", "StatusRow", "demo_command", "rag_rows"]

ROOT = Path(__file__).resolve().parent.parent
#: Header texts of the column naming each indicator, in the seeds' wording.
_NAME_HEADERS = ("Indicator", "Indicator Title", "Name", "Measure")
#: Lint findings the seed layouts carry themselves, by template (the code and the row):
#: seed 002's own RAG methodology texts leave gaps, overlap, or contradict the target or
#: the polarity; they are the board's wording, kept as printed.
EXPECTED_LINT: dict[str, frozenset[tuple[str, str]]] = {
    "board_priority_indicators": frozenset({
        ("BAND-GAP", "W 1"), ("BAND-OVERLAP", "CP 10"), ("BAND-OVERLAP", "FD 8"),
        ("POLARITY-BANDS", "QA 1"), ("TARGET-BANDS", "CIN 4"), ("TARGET-BANDS", "W1 d"),
        # CP 13's band text ("98% or above Green 90%-97% Amber 89% and below Red")
        # leaves 97-98% and 89-90% unbanded; a figure there is found in the gap
        ("VALUE-IN-GAP", "CP 13"),
        # LAC 20's ("75% or above Green 65%-74% Amber 64% and below Red") leaves 64-65%
        # and 74-75% unbanded; the sample's long-term stability is 64.3% in one month
        ("VALUE-IN-GAP", "LAC 20"),
    }),
    # seed 001's page 27 prints a share (children seen in time) beside the rate per
    # 10,000 of its count; a share of exactly 100% reads as the count 1 to the lint
    "indicator_pages": frozenset({("RATE-COUNT", "27")}),
}
@dataclass
class StatusRow:
    """One template's verdicts after recalculation."""

    template: str
    path: Path
    statuses: dict[str, int]
    red: list[str] = field(default_factory=list)
    ok: bool = True


def rag_rows(package: Any, values: dict[str, dict[tuple[int, int], Any]]
             ) -> list[tuple[str, str]]:
    """(indicator name, RAG status) for every indicator row with a status.

    A template marks its columns with header cells "RAG status" and "Indicator" (or
    "Indicator Title", "Name", "Measure") in the same row; every row below is an indicator.
    """
    rows = []
    for sheet in package.sheets:
        cells = sheet.cells
        headers = {(r, c): v for (r, c), cell in cells.items()
                   if isinstance(v := cell.value, str) and v in (*_NAME_HEADERS, "RAG status")}
        for (row, col), text in headers.items():
            name_col = next((c for (r, c), t in headers.items()
                             if r == row and t in _NAME_HEADERS), None)
            if text != "RAG status" or name_col is None:
                continue
            for (r, c), value in sorted(values.get(sheet.name, {}).items()):
                if c == col and r > row and value in ("Green", "Amber", "Red"):
                    name = cells.get((r, name_col))
                    rows.append((str(name.value) if name is not None else f"row {r}", value))
    return rows


def _render_pdf(workbook: Path, out_dir: Path) -> Path | None:
    """The workbook as LibreOffice prints it, with the values xlkpi cached (no recalc)."""
    from xlkpi.workbook.libreoffice import convert, executable

    if executable() is None:
        return None
    return convert(workbook, out_dir, "pdf", recalculate_on_load=False, timeout=300)


def demo_command(
    sources: Annotated[list[Path], typer.Option(
        "--source", help="A return or folder of returns (repeat for several): CIN census "
        "XML, 903 files, Annex A workbook, or xlkpi's CSV layout.")] = [  # noqa: B006
        ROOT / "samples" / "returns"],
    templates: Annotated[Path, typer.Option(help="Folder of scorecard templates.")] =
        ROOT / "workbooks",
    out: Annotated[Path, typer.Option("-o", "--out", help="Where the outputs go.")] =
        ROOT / "out",
    population: Annotated[int, typer.Option(help="Children aged 0-17.")] = 36_100,
    months: Annotated[int, typer.Option(help="Months of indicators to compute.")] = 13,
) -> None:
    """Run the monthly job on the samples: indicators, fill, recalc, check, RAG summary."""
    import numpy as np
    import pandas as pd

    from xlkpi.errors import KpiError
    from xlkpi.indicators import Settings, compute, read_sources
    from xlkpi.indicators.pooling import pooled
    from xlkpi.workbook import check, recalc
    from xlkpi.workbook.fill import fill
    from xlkpi.workbook.package import Package, PackageError

    chosen = sorted(templates.glob("*.xlsx"))
    if not chosen:
        raise fail(f"{templates}: no templates (*.xlsx)")
    out.mkdir(parents=True, exist_ok=True)
    try:
        combined = read_sources(sources)
    except KpiError as err:
        raise fail(str(err)) from None
    data = combined.extract
    latest = max(np.nanmax(days) for t in data.tables.values() for days in t.dates.values()
                 if days.size and not np.isnat(days).all())
    month = np.datetime64(latest, "M")
    # the months the previous year's YTD needs too (April a year before the month)
    wide = max(months, (int(month.astype(int)) % 12 - 3) % 12 + 13)
    full = compute(data, Settings(month, wide, population, "ENG"))
    first = str(month - (months - 1))
    table = full[full["period"] >= first].reset_index(drop=True)
    indicators_csv = out / "indicators.csv"
    table.to_csv(indicators_csv, index=False)
    shown = " ".join(escape(_relative(p)) for p in sources)
    used = combined.used()
    quality = (f"; {len(combined.findings)} record(s) left out for data quality"
               if combined.findings else "; no data-quality findings")
    console.print(f"1. xlkpi indicators {shown} --month {month} "
                  f"--months {months} --population {population} -> {indicators_csv} "
                  f"({len(table)} rows; {used}{quality})", highlight=False, soft_wrap=True)
    areas = _by_team(data, month, population)
    filled_table = _as_fill_table(pd.concat([table, pooled(full, month), areas],
                                            ignore_index=True))
    rows = []
    for template in chosen:
        target = out / template.name
        try:
            fill(template, filled_table, target, population=population)
            result = recalc(target, in_place=True)
            outcome = check(target)
            package = Package(target)
        except PackageError as err:
            raise fail(str(err)) from None
        verdicts = rag_rows(package, result.evaluation.values)
        counts = {k: sum(status == k for _, status in verdicts) for k in
                  ("Green", "Amber", "Red")}
        rows.append(StatusRow(template.stem, target, counts,
                              [name for name, status in verdicts if status == "Red"],
                              outcome.agrees))
        found = {(f.code, f.message.split(":")[0]) for f in outcome.findings}
        expected = EXPECTED_LINT.get(template.stem, frozenset())
        unexpected = found - expected
        # lint findings are printed (the unexpected ones as such); a check that
        # disagrees with the cached values fails the demo
        rows[-1].ok = outcome.agrees
        lint = "".join(
            f"; lint: {len(group)} {label} finding(s) ("
            + ", ".join(f"{code} {where}" for code, where in sorted(group)) + ")"
            for label, group in (("expected", found & expected), ("unexpected", unexpected))
            if group)
        see = f" (see `xlkpi lint {target}`)" if found else ""
        console.print(f"2. xlkpi fill {template.name} -> recalc ({result.cells} cells) -> "
                      f"check: {'OK' if outcome.agrees else 'DIFFERENCES'}{lint}{see} -> "
                      f"{target}", highlight=False, soft_wrap=True)
    summary = Table(title=f"RAG summary for the improvement board, {month}")
    for col in ("Scorecard", "Green", "Amber", "Red", "Red indicators"):
        summary.add_column(col, justify="right" if col in ("Green", "Amber", "Red") else
                           "left")
    for row in rows:
        summary.add_row(row.template, str(row.statuses["Green"]), str(row.statuses["Amber"]),
                        str(row.statuses["Red"]), escape("; ".join(row.red) or "none"))
    console.print(summary)
    pdfs = [pdf for row in rows if (pdf := _render_pdf(row.path, out)) is not None]
    where = f"Outputs in {out}" + (
        "; as PDF: " + ", ".join(p.name for p in pdfs) if pdfs else
        " (install LibreOffice, `make libreoffice`, for PDFs of the scorecards)")
    console.print(where, highlight=False, soft_wrap=True)
    if not all(r.ok for r in rows):
        raise fail("a filled scorecard does not check clean")


def _by_team(data: Any, month: Any, population: int) -> Any:
    """The reporting month's figures by team, as ``CODE@TEAM`` rows (the city scorecard's
    area columns): rates per 10,000 have none (no population per team)."""
    from xlkpi.indicators import Settings, compute
    from xlkpi.indicators.breakdowns import ALL, BLANK

    table = compute(data, Settings(month, 1, population, "ENG", by="team"))
    table = table[~table["breakdown"].isin((ALL, BLANK))].copy()
    table["code"] = table["code"] + "@" + table["breakdown"].astype(str)
    return table.drop(columns=["breakdown"])


def _relative(path: Path) -> str:
    """``path`` relative to the project when it is inside it (shorter demo lines)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _as_fill_table(table: Any) -> Any:
    """The indicators table in the form ``xlkpi fill`` reads (periods as month dates)."""
    import pandas as pd

    frame = table.copy()
    frame["period"] = pd.to_datetime(frame["period"], format="%Y-%m").values.astype(
        "datetime64[D]")
    frame["value"] = frame["value"].where(frame["value"] != "N/A", "N/A")
    return frame[["period", "code", "numerator", "denominator", "value"]]
