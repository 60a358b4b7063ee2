"""The ``xlkpi`` command: working days and timescales from the shell, the function list,
and the demo. Exit codes: 0 clean, 1 findings, 2 bad usage or unreadable input (one clear
line, no traceback)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from xlkpi import __version__
from xlkpi.calendar import REGIONS, bank_holidays, working_days
from xlkpi.console import console, fail
from xlkpi.dates import describe_element, parse_dates
from xlkpi.demo import demo_command
from xlkpi.errors import KpiError
from xlkpi.functions import REGISTRY
from xlkpi.measures import pct
from xlkpi.privacy import shown_value
from xlkpi.serve_command import serve_command
from xlkpi.timescales import TIMESCALES, within
from xlkpi.workbook_commands import (
    check_command,
    fill_command,
    lint_command,
    recalc_command,
)

__all__ = ["app", "main"]

app = typer.Typer(
    help="xlkpi: children's social care performance indicators for Excel scorecards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "assessments_small.csv"


_fail = fail


def _version(value: bool) -> None:
    if value:
        console.print(f"xlkpi {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """xlkpi: children's social care performance indicators for Excel scorecards."""


@app.command()
def workdays(
    start: Annotated[str, typer.Argument(help="Start date: 2023-05-05 or 05/05/2023.")],
    end: Annotated[str, typer.Argument(help="End date.")],
    convention: Annotated[
        str, typer.Option(help="elapsed (start day is day 0) or inclusive (NETWORKDAYS).")
    ] = "elapsed",
    region: Annotated[str, typer.Option(help="ENG, WLS, SCT or NIR.")] = "ENG",
) -> None:
    """Working days between two dates, as KPI_WORKDAYS counts them."""
    try:
        days = working_days(start, end, convention=convention, region=region)
    except KpiError as err:
        raise _fail(str(err)) from None
    console.print(days)


@app.command("bank-holidays")
def bank_holidays_command(
    year: Annotated[int, typer.Argument(help="Calendar year, 2000-2040.")],
    region: Annotated[str, typer.Option(help="ENG, WLS, SCT or NIR.")] = "ENG",
) -> None:
    """The bank holidays xlkpi uses for a region and year."""
    try:
        days = bank_holidays(region)
    except KpiError as err:
        raise _fail(str(err)) from None
    in_year = days[days.astype("datetime64[Y]").astype(int) + 1970 == year]
    chosen = in_year[np.is_busday(in_year)]  # a holiday on a Sunday is replaced by its substitute
    if not len(chosen):
        raise _fail(f"year: {year} is outside the calendar (2000-2040)")
    for day in chosen.astype(object):
        console.print(f"{day:%a %d %b %Y}")
    console.print(f"[dim]{len(chosen)} bank holidays in {REGIONS[region.upper()].name}"
                  " (weekdays off work)[/]")


@app.command()
def functions() -> None:
    """List the worksheet functions, with their arguments and results."""
    table = Table(title="xlkpi worksheet functions", show_lines=False)
    table.add_column("Function", style="bold", no_wrap=True)
    table.add_column("Result")
    for fn in REGISTRY.values():
        table.add_row(escape(fn.signature()), escape(fn.result))
    console.print(table)
    console.print(f"[dim]{len(REGISTRY)} functions; timescale codes: {', '.join(TIMESCALES)}[/]")


def read_date_column(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    """A CSV date column as days; a bad value is reported by file, row and column
    (row 2 is the first data row), never with the child's identifier."""
    if column not in frame.columns:
        raise KpiError(f"{path.name}: missing required column {column!r}")
    try:
        return np.asarray(parse_dates(frame[column].to_numpy(dtype=object), column))
    except KpiError as err:
        where, count = describe_element(err.mask)
        row = (where[0] if where else 0) + 2
        value = frame[column].iloc[row - 2]
        more = f" ({count} bad values in this column)" if count > 1 else ""
        raise KpiError(
            f"{path.name}, row {row}, column {column}: {shown_value(value)} is not a "
            f"date{more}"
        ) from None


@app.command("assessments")
def assessments(
    extract: Annotated[
        Path, typer.Option(help="Assessments CSV: referral_date, authorised_date.")
    ] = SAMPLE,
    region: Annotated[str, typer.Option(help="ENG, WLS, SCT or NIR.")] = "ENG",
) -> None:
    """Assessments within 45 working days, month by month, from an assessments extract."""
    try:
        frame = pd.read_csv(extract, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise _fail(f"{extract}: cannot read it as CSV ({type(err).__name__})") from None
    try:
        referral = read_date_column(frame, "referral_date", extract)
        authorised = read_date_column(frame, "authorised_date", extract)
        as_of = np.nanmax(authorised.astype("datetime64[D]")) if len(frame) else None
        taken = np.asarray(working_days(referral, authorised, region=region), dtype=float)
        in_time = np.asarray(within(referral, authorised, "ASSESSMENT", as_of=as_of,
                                    region=region), dtype=object)
    except KpiError as err:
        raise _fail(str(err)) from None
    done = ~np.isnat(authorised)
    month = pd.Series(authorised.astype("datetime64[M]")).dt.strftime("%b-%y")
    table = Table(title=f"Assessments authorised within 45 working days ({region.upper()})")
    for col in ("Month", "Authorised", "In 45 WD", "%", "Median WD"):
        table.add_column(col, justify="right" if col != "Month" else "left")
    summary = pd.DataFrame({"month": month[done], "ok": in_time[done] == True,  # noqa: E712
                            "days": taken[done], "key": authorised[done].astype("datetime64[M]")})
    for _key, group in summary.groupby("key", sort=True):
        share = pct(int(group.ok.sum()), len(group))
        table.add_row(group.month.iloc[0], str(len(group)), str(int(group.ok.sum())),
                      f"{share:.1%}" if isinstance(share, float) else share,
                      f"{np.median(group.days):.0f}")
    console.print(table)
    overdue = int(np.sum(~done & (in_time == False)))  # noqa: E712
    total = pct(int(summary.ok.sum()), len(summary))
    shown = f"{total:.1%}" if isinstance(total, float) else total
    console.print(
        f"{len(frame)} referrals, {int(done.sum())} assessments authorised, {shown} within "
        f"45 working days; {overdue} open past 45 working days at {as_of}."
    )


# --- xlkpi indicators ------------------------------------------------------------------

_OUT_SUFFIXES = (".csv", ".xlsx")


def _read_closures(path: Path) -> np.ndarray:
    """Council closure days: the first column of a CSV or text file, one date a line (a
    header line is allowed)."""
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


def _write_atomically(table: pd.DataFrame, out: Path) -> None:
    """Write to a temporary file beside ``out``, then replace ``out`` in one step."""
    fd, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        if out.suffix.lower() == ".xlsx":
            table.to_excel(temp, index=False, sheet_name="indicators")
        else:
            table.to_csv(temp, index=False)
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _shown_value(value: object, per_population: bool) -> str:
    if isinstance(value, str):
        return value
    return f"{value:,.1f}" if per_population else f"{value:.1%}"


@app.command()
def indicators(
    directory: Annotated[Path, typer.Argument(help="Directory of extract CSVs.")],
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
        str | None, typer.Option(help="Breakdown column: team, area or source.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write OUT.csv or OUT.xlsx.")
    ] = None,
    visit_days: Annotated[
        int | None, typer.Option("--visit-days", min=0, max=366,
                                 help="CP visit frequency in working days (CPVISITS; "
                                 "default the CP_VISIT timescale, 20).")
    ] = None,
) -> None:
    """Monthly indicator table (REREF12, ASSESS45, ICPC15, CPRATE, CP2YRS, CLARATE, ...)
    from case-level extracts."""
    from xlkpi.indicators import BREAKDOWNS, INDICATORS, Settings, compute, read_extract

    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month.strip()) or not (
        1 <= int(month.strip()[5:]) <= 12
    ):
        raise _fail(f"--month: {month!r} is not a month; use YYYY-MM such as 2024-03")
    if out is not None and out.suffix.lower() not in _OUT_SUFFIXES:
        raise _fail(f"-o: {out.name!r} must end in .csv or .xlsx")
    if out is not None and not out.parent.is_dir():
        raise _fail(f"-o: folder {str(out.parent)!r} does not exist")
    if by is not None and by.strip().lower() not in BREAKDOWNS:
        raise _fail(f"--by: {by!r} is not a breakdown; use one of {', '.join(BREAKDOWNS)}")
    if region.strip().upper() not in REGIONS:
        raise _fail(f"--region: {region!r} is not a region; use one of {', '.join(REGIONS)}")
    try:
        closed = _read_closures(closures) if closures is not None else None
        extract = read_extract(directory)
        settings = Settings(np.datetime64(month.strip(), "M"), months, population,
                            region.strip().upper(), closed,
                            by.strip().lower() if by else None, visit_days)
        table = compute(extract, settings)
    except KpiError as err:
        raise _fail(str(err)) from None
    missing = sorted(f"{t}.csv" for t in {f for i in INDICATORS.values() for f in i.files}
                     - set(extract.tables))
    skipped = f"; no {', '.join(missing)} so their indicators are left out" if missing else ""
    if out is not None:
        try:
            _write_atomically(table, out)
        except OSError as err:
            raise _fail(f"{out}: cannot write it ({err.strerror})") from None
        console.print(f"{len(table)} rows ({table['code'].nunique()} indicators, {months} "
                      f"month(s) to {month.strip()}) written to {out}{skipped}.")
        return
    grid = Table(title=f"Indicators, {months} month(s) to {month.strip()} ({settings.region})")
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
    rows = sum(len(t) for t in extract.tables.values())
    console.print(f"{table['code'].nunique()} indicators over {months} month(s) from {rows:,} "
                  f"rows in {len(extract.tables)} file(s){skipped}.")


app.command("recalc")(recalc_command)
app.command("check")(check_command)
app.command("lint")(lint_command)
app.command("fill")(fill_command)
app.command("demo")(demo_command)
app.command("serve")(serve_command)


def main() -> None:
    """Entry point for ``python -m xlkpi``."""
    app()
