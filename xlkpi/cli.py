"""The ``xlkpi`` command: working days and timescales from the shell, the function list,
and the demo. Exit codes: 0 clean, 1 findings, 2 bad usage or unreadable input (one clear
line, no traceback)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.markup import escape

from xlkpi import __version__
from xlkpi.console import console, fail
from xlkpi.demo import demo_command
from xlkpi.errors import KpiError
from xlkpi.indicators_commands import indicators_command, sources_command
from xlkpi.serve_command import serve_command
from xlkpi.workbook_commands import (
    check_command,
    fill_command,
    lint_command,
    recalc_command,
)

if TYPE_CHECKING:  # the commands import what they use when they run: a quick start
    import numpy as np
    import pandas as pd

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
    from xlkpi.calendar import working_days

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
    import numpy as np

    from xlkpi.calendar import REGIONS, bank_holidays

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
    from rich.table import Table

    from xlkpi.functions import REGISTRY
    from xlkpi.timescales import TIMESCALES

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
    import numpy as np

    from xlkpi.dates import describe_element, parse_dates
    from xlkpi.privacy import shown_value

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
    import numpy as np
    import pandas as pd

    from xlkpi.calendar import working_days
    from xlkpi.measures import pct
    from xlkpi.timescales import within

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
    from rich.table import Table

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


app.command("indicators")(indicators_command)
app.command("sources")(sources_command)
app.command("recalc")(recalc_command)
app.command("check")(check_command)
app.command("lint")(lint_command)
app.command("fill")(fill_command)
app.command("demo")(demo_command)
app.command("serve")(serve_command)


def main() -> None:
    """Entry point for ``xlkpi`` and ``python -m xlkpi``."""
    # numpy asks Linux for huge pages for every large array (madvise); where the kernel
    # then compacts memory on each first touch (transparent_hugepage/defrag "madvise",
    # Ubuntu's default), a fresh 200 MB array took 1.2 s instead of 0.09 s: 1.3 s of a
    # million-row recalc. The command owns its process, so numpy is told not to (it
    # reads this when first imported; a value the user set is kept)
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    try:
        app()
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _leave(code: object) -> NoReturn:
    """End the process at once with ``code``, its output flushed. The interpreter's own
    ending frees every object the command made, one at a time (0.15 to 0.2 s after a
    100,000-row recalc); the operating system takes the memory back in one step. The
    commands close their files, folders and worker processes before they return."""
    if code is not None and not isinstance(code, int):  # sys.exit("message")
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head)
            stream.flush()
    os._exit(code or 0)
