"""``xlkpi indicators`` and ``xlkpi sources``: the monthly table from the returns a council
already makes, with a data-quality report instead of a guess."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from xlkpi.console import FINDINGS, console, fail
from xlkpi.errors import KpiError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from xlkpi.indicators.reading import Finding

__all__ = ["indicators_command", "sources_command"]

_OUT_SUFFIXES = (".csv", ".xlsx")
#: locators shown per rule and file in the terminal summary
_FIRST_FEW = 3
_QUALITY_COLUMNS = ("source", "file", "locator", "field", "rule", "value", "tables",
                    "indicators")


def _read_closures(path: Path) -> np.ndarray:
    """Council closure days: the first column of a CSV or text file, one date a line (a
    header line is allowed)."""
    import numpy as np
    import pandas as pd

    from xlkpi.dates import describe_element, parse_dates
    from xlkpi.privacy import shown_value

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None,
                            usecols=[0], encoding="utf-8-sig", skip_blank_lines=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        raise KpiError(f"{path.name}: cannot read it as a list of dates "
                       f"({type(err).__name__})") from None
    text = frame[0].str.strip()
    if len(text) and not any(ch.isdigit() for ch in text.iloc[0]):
        text = text.iloc[1:]  # a header line
    text = text[text != ""]
    try:
        days = np.atleast_1d(parse_dates(text.to_numpy(dtype=object), "closures"))
    except KpiError as err:
        where, _count = describe_element(err.mask)
        pos = where[0] if where else 0
        raise KpiError(f"{path.name}, row {int(text.index[pos]) + 1}, column 1: "
                       f"{shown_value(text.iloc[pos])} is not a date") from None
    return days


def _write_atomically(out: Path, write: Callable[[str], None]) -> None:
    """``write(temp)`` a temporary file beside ``out``, then replace ``out`` in one step."""
    fd, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        write(temp)
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _write_table(table: pd.DataFrame, out: Path) -> None:
    if out.suffix.lower() == ".xlsx":
        _write_atomically(out, lambda t: table.to_excel(t, index=False,
                                                        sheet_name="indicators"))
    else:
        _write_atomically(out, lambda t: table.to_csv(t, index=False))


def _quality_frame(findings: list[Finding]) -> pd.DataFrame:
    """The data-quality report: one row per finding, no identifier in any column."""
    import pandas as pd

    from xlkpi.indicators.sources import affected_indicators

    return pd.DataFrame([
        (f.source, f.file, f.locator, f.field, f.rule, f.value, " ".join(f.tables),
         " ".join(affected_indicators(f.tables)))
        for f in findings], columns=list(_QUALITY_COLUMNS))


def _print_findings(findings: list[Finding]) -> None:
    """Per file, field and rule: how many records, the first few locators, the indicators
    affected; then what each rule means."""
    from xlkpi.indicators.reading import RULES
    from xlkpi.indicators.sources import affected_indicators

    grouped: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        grouped.setdefault((finding.rule, finding.file, finding.field), []).append(finding)
    console.print(f"Data quality: {len(findings):,} record(s) left out", style="bold",
                  highlight=False)
    for (rule, file, field), group in sorted(grouped.items()):
        first = "; ".join(f.locator for f in group[:_FIRST_FEW])
        more = ", ..." if len(group) > _FIRST_FEW else ""
        affected = affected_indicators({t for f in group for t in f.tables})
        console.print(f"  {escape(file)}, {escape(field)}: {rule}, {len(group):,} record(s) "
                      f"({escape(first)}{more}); affects {' '.join(affected) or 'none'}",
                      highlight=False, soft_wrap=True)
    rules = sorted({f.rule for f in findings})
    console.print("; ".join(f"{rule}: {RULES[rule]}" for rule in rules), style="dim",
                  highlight=False)


def _shown_value(value: object, per_population: bool) -> str:
    if isinstance(value, str):
        return value
    return f"{value:,.1f}" if per_population else f"{value:.1%}"


def _print_table(table: pd.DataFrame, title: str) -> None:
    from xlkpi.indicators import INDICATORS

    grid = Table(title=title)
    for col in table.columns:
        grid.add_column(col, justify="right" if col in ("numerator", "denominator", "value")
                        else "left")
    for row in table.itertuples(index=False):  # the summary table, not the extract
        per = INDICATORS[row.code].per_population
        cells = [str(v) for v in row]
        cells[4] = _shown_value(row.value, per)
        cells[3] = f"{row.denominator:,.0f}" if per else str(row.denominator)
        grid.add_row(*map(escape, cells))
    console.print(grid)


def _check_options(month: str, out: Path | None, quality: Path | None, by: str | None,
                   region: str) -> None:
    from xlkpi.calendar import REGIONS
    from xlkpi.indicators.breakdowns import NAMES

    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month.strip()) or not (
        1 <= int(month.strip()[5:]) <= 12
    ):
        raise fail(f"--month: {month!r} is not a month; use YYYY-MM such as 2024-03")
    if out is not None and out.suffix.lower() not in _OUT_SUFFIXES:
        raise fail(f"-o: {out.name!r} must end in .csv or .xlsx")
    if quality is not None and quality.suffix.lower() != ".csv":
        raise fail(f"--quality: {quality.name!r} must end in .csv")
    for option, path in (("-o", out), ("--quality", quality)):
        if path is not None and not path.parent.is_dir():
            raise fail(f"{option}: folder {str(path.parent)!r} does not exist")
    if by is not None and by.strip().lower() not in NAMES:
        raise fail(f"--by: {by!r} is not a breakdown; use one of {', '.join(NAMES)}")
    if region.strip().upper() not in REGIONS:
        raise fail(f"--region: {region!r} is not a region; use one of {', '.join(REGIONS)}")


def _reading(path: Path, kind: str) -> None:
    console.print(f"reading {escape(path.name)} ({kind})", style="dim", highlight=False)


def indicators_command(
    sources: Annotated[list[Path], typer.Argument(
        help="CIN census XML files, SSDA903 CSV or XML files, Annex A workbooks, or "
        "folders of them or of xlkpi's CSV layout; each recognised by its content.",
        show_default=False)],
    month: Annotated[str, typer.Option(help="Last reporting month, YYYY-MM.")],
    population: Annotated[
        float, typer.Option(min=0, help="Children aged under 18 (for rates per 10,000).")
    ],
    months: Annotated[int, typer.Option(min=1, max=600, help="Months ending at --month.")] = 1,
    region: Annotated[str, typer.Option(help="ENG, WLS, SCT or NIR.")] = "ENG",
    closures: Annotated[
        Path | None, typer.Option(help="File of council closure dates, one a line.")
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Breakdown: team, area, source (of a contact or "
                                 "referral), age, sex, ethnicity, primary_need, "
                                 "abuse_category, legal_status or placement.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write OUT.csv or OUT.xlsx.")
    ] = None,
    quality: Annotated[
        Path | None, typer.Option("--quality", help="Write the data-quality report, one "
                                  "row per record left out, to FILE.csv.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse (exit 2, nothing written) when any "
                           "record has an error, instead of leaving it out (exit 1).")
    ] = False,
    visit_days: Annotated[
        int | None, typer.Option("--visit-days", min=0, max=366,
                                 help="CP visit frequency in working days (CPVISITS; "
                                 "default the CP_VISIT timescale, 20).")
    ] = None,
) -> None:
    """Monthly indicator table (REREF12, ASSESS45, ICPC15, CPRATE, CP2YRS, CLARATE, ...)
    from the CIN census, the SSDA903 return, Annex A lists or xlkpi's CSV layout.

    A record with an error (a date that does not exist, a plan ending before it started)
    is left out of the indicators it would distort, listed (file, row or XML position,
    field, rule; never an identifier) and the run exits 1; --strict refuses instead.
    """
    import numpy as np

    from xlkpi.indicators import INDICATORS, Settings, compute, read_sources

    _check_options(month, out, quality, by, region)
    try:
        closed = _read_closures(closures) if closures is not None else None
        combined = read_sources(sources, progress=_reading)
        settings = Settings(np.datetime64(month.strip(), "M"), months, population,
                            region.strip().upper(), closed,
                            by.strip().lower() if by else None, visit_days)
        if combined.findings and strict:
            _print_findings(combined.findings)
            raise KpiError(f"--strict: {len(combined.findings):,} record(s) have errors "
                           f"(first: {combined.findings[0].message()}); nothing written")
        table = compute(combined.extract, settings)
    except KpiError as err:
        raise fail(str(err)) from None
    missing = sorted({f for i in INDICATORS.values() for f in i.files}
                     - set(combined.extract.tables))
    skipped = f"; no {', '.join(missing)} table so their indicators are left out" \
        if missing else ""
    try:
        if out is not None:
            _write_table(table, out)
        if quality is not None:
            report = _quality_frame(combined.findings)
            _write_atomically(quality, lambda t: report.to_csv(t, index=False))
    except OSError as err:
        raise fail(f"{err.filename}: cannot write it ({err.strerror})") from None
    if out is None:
        _print_table(table, f"Indicators, {months} month(s) to {month.strip()} "
                     f"({settings.region})")
    for item in combined.skipped:
        console.print(f"skipped {escape(item.path.name)}: {escape(item.why)}", style="dim",
                      highlight=False)
    used = combined.used()
    rows = sum(len(t) for t in combined.extract.tables.values())
    where = f" written to {out}" if out is not None else ""
    console.print(f"{table['code'].nunique()} indicators over {months} month(s) to "
                  f"{month.strip()} from {rows:,} records ({used}){where}{skipped}.",
                  highlight=False)
    if combined.findings:
        _print_findings(combined.findings)
        report = f"; report in {quality}" if quality is not None else \
            "; --quality FILE.csv writes the full list"
        console.print(f"{len(combined.findings):,} record(s) left out for data quality"
                      f"{report}.", highlight=False)
        raise typer.Exit(FINDINGS)


def _display(path: Path, roots: list[Path]) -> str:
    """``path`` relative to the folder holding the argument it was found under."""
    for root in roots:
        try:
            return str(path.resolve().relative_to(root.resolve().parent))
        except ValueError:
            continue
    return str(path)


def sources_command(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders to look at.", show_default=False)],
) -> None:
    """What each file is (CIN census, SSDA903, Annex A, xlkpi's CSV layout), the years it
    covers, its records per table and data-quality findings; files that are none of them
    are listed with the reason. Exits 1 when a file is not read or has findings."""
    from xlkpi.indicators.sources import READERS, reader, scan

    try:
        found = scan(paths)
    except KpiError as err:
        raise fail(str(err)) from None
    trouble = 0
    for item in found:
        name = escape(_display(item.path, paths))
        if item.kind is None:
            console.print(f"{name}: [yellow]not read[/]: {escape(item.why)}",
                          highlight=False, soft_wrap=True)
            trouble += 1
            continue
        try:
            reading = reader(item.kind).read(item.path)
        except KpiError as err:
            console.print(f"{name}: [red]{item.kind}, refused[/]: {escape(str(err))}",
                          highlight=False, soft_wrap=True)
            trouble += 1
            continue
        years = f" {', '.join(reading.years)}" if reading.years else ""
        rows = ", ".join(f"{t} {n:,}" for t, n in reading.rows().items()) or "no records"
        found_text = (f"; [yellow]{len(reading.findings):,} data-quality finding(s)[/]"
                      if reading.findings else "")
        console.print(f"{name}: [bold]{item.kind}{years}[/]: {escape(rows)}{found_text}",
                      highlight=False, soft_wrap=True)
        trouble += bool(reading.findings)
    read = sum(1 for item in found if item.kind is not None)
    console.print(f"{len(found)} file(s): {read} recognised as returns "
                  f"({', '.join(READERS)}), {len(found) - read} not.", highlight=False)
    if trouble:
        raise typer.Exit(FINDINGS)
