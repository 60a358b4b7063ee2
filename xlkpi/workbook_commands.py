"""``xlkpi recalc`` and ``xlkpi check``: the headless engine from the shell and from CI."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from xlkpi.console import FINDINGS, console, fail

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["check_command", "fill_command", "lint_command", "recalc_command"]

#: Below this many formula cells a recalculation is quick enough to need no progress bar.
_PROGRESS_FROM = 20_000
#: Differences listed per file before "... and N more".
_SHOWN = 50


def _progress_bar(label: str, total: int) -> tuple[Progress, Any]:
    """A transient bar (imported when first drawn: most runs never draw one) and its task."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress("[progress.description]{task.description}", BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                        transient=True)
    return progress, progress.add_task(label, total=total)


class _Bar:
    """A progress callback that draws a bar only for long work and only on a terminal."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label, self.quiet = label, quiet
        self.progress: Progress | None = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.quiet or total < _PROGRESS_FROM:
            return
        if self.progress is None:
            self.progress, self.task = _progress_bar(self.label, total)
            self.progress.start()
        self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _summary(result: Any) -> str:
    """One line: cells evaluated, error values by code (written, when a file was written),
    cells not evaluated (which kept Excel's value), RAG counts and time. It says "errors:
    none" only when no error value was computed and every cell was evaluated."""
    written = result.out is not None
    errors = ", ".join(f"{n:,} {code}" for code, n in sorted(result.errors.items()))
    parts = []
    if errors:
        parts.append(f"error values {'written' if written else 'computed'}: {errors}")
    if result.skipped:
        n = len(result.skipped)
        parts.append(f"{n:,} cell{'s' if n != 1 else ''} kept Excel's value (not evaluated)"
                     if written else f"{n:,} cell{'s' if n != 1 else ''} not evaluated")
    statuses = ", ".join(f"{result.statuses.get(s, 0)} {s}" for s in ("Red", "Amber", "Green"))
    return (f"{result.cells:,} formula cells evaluated ({result.evaluation.batched_cells:,} "
            f"in whole-column calls) in {result.seconds:.2f} s; "
            f"{'; '.join(parts) or 'errors: none'}; RAG: {statuses}")


def _print_json(data: Any) -> None:
    from xlkpi.workbook.api import to_json

    console.print_json(to_json(data))


def _open_message(path: Path, err: Exception) -> str:
    """What an unreadable workbook's error says, the file named once."""
    return str(err) if str(path) in str(err) else f"{path}: {err}"


def _open_error(path: Path, err: Exception) -> typer.Exit:
    return fail(_open_message(path, err))


def recalc_command(
    path: Annotated[Path, typer.Argument(help="The workbook (.xlsx or .xlsm) to recalculate.")],
    out: Annotated[Path | None, typer.Option("-o", "--out", help="Where to write the "
                   "recalculated copy.")] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Replace the input file "
                        "itself, atomically: a new file takes its place with the same "
                        "permission bits (a symbolic link is written through; hard links "
                        "are not kept: they still show the old file). Refused while the "
                        "workbook is open in Excel.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Recalculate every formula (native Excel and KPI_*) and write the cached values.

    The output is the input with only the cached values of formula cells changed: charts,
    styles, defined names, macros and custom-function metadata are kept byte for byte, and
    Excel recalculates on open. The input is never written unless --in-place is given.
    A cell that cannot be evaluated keeps the value Excel saved, is listed, and makes the
    exit status 1. The file is replaced, not rewritten: hard links to it are not kept.
    """
    from xlkpi.workbook import PackageError, recalc
    from xlkpi.workbook.writing import WorkbookOpenError

    if out is None and not in_place:
        raise fail("say where to write: -o OUT.xlsx, or --in-place to replace the input")
    if out is not None and in_place:
        raise fail("give either -o OUT or --in-place, not both")
    if out is not None and out.resolve() == path.resolve():
        raise fail(f"{out} is the input file; use --in-place to replace it")
    if out is not None and not out.parent.exists():
        raise fail(f"{out.parent}: no such folder for the output")
    bar = _Bar(f"recalculating {path.name}", as_json)
    try:
        result = recalc(path, out, in_place=in_place, progress=bar)
    except PackageError as err:
        raise _open_error(path, err) from None
    except WorkbookOpenError as err:
        raise fail(str(err)) from None
    except OSError as err:
        raise fail(f"{out or path}: cannot write ({err.strerror or err})") from None
    finally:
        bar.close()
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_skipped(result)
        console.print(f"{escape(str(result.out))}: {_summary(result)}")
    if result.skipped:
        raise typer.Exit(FINDINGS)


def _print_skipped(result: Any) -> None:
    """The cells that kept Excel's value, with why (the first :data:`_SHOWN`)."""
    for sheet, cell, reason in result.skipped[:_SHOWN]:
        console.print(f"[yellow]kept Excel's value[/] {escape(sheet)}!{cell}: not evaluated "
                      f"({escape(reason)})", soft_wrap=True)
    if len(result.skipped) > _SHOWN:
        console.print(f"... and {len(result.skipped) - _SHOWN} more")


def _expand(patterns: list[str]) -> list[Path]:
    """Files named or matched by glob patterns (for shells that do not expand them)."""
    paths: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [
            pattern]
        if not matches:
            raise fail(f"{pattern}: no workbook matches")
        paths.extend(Path(m) for m in matches)
    return paths


def check_command(
    paths: Annotated[list[str], typer.Argument(help="Workbooks or glob patterns "
                     "('scorecards/**/*.xlsx').")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=0, help="Workbooks checked at "
                    "once, each in its own process; 0 (the default) uses every core when "
                    "there are several files, 1 checks them one after the other here.")] = 0,
) -> None:
    """Recalculate in memory, compare with the values Excel cached, and lint (a CI gate).

    Numbers must agree to a relative tolerance of 1e-9; text, booleans and error values
    exactly. Cells using TODAY(), NOW() or RAND(), and cells computed from them, are not
    compared (Excel saved them on another day). The lint findings are
    those of `xlkpi lint`. Several files are checked in parallel, one per core, and
    reported in the order given. Exit 1 when any file has a difference, a formula that
    cannot be evaluated or a lint finding; 2 when a file is unreadable.
    """
    from xlkpi.check_many import check_in_workers, cores

    files = _expand(paths)
    workers = min(jobs or cores(), len(files))
    reports = (check_in_workers(files, workers, _check_one, as_json) if workers > 1
               else (_check_one(path, as_json, progress=True) for path in files))
    checked = []
    with _Overall(len(files), as_json or workers == 1) as overall:
        for report in reports:
            if report.error is not None:
                overall.close()
                raise fail(report.error)
            checked.append(report)
            if not as_json:
                overall.print(report.shown)
            overall.advance()
    failed = [c for c in checked if not c.ok]
    if as_json:
        _print_json({"ok": not failed, "files": [c.record for c in checked]})
    else:
        differing = sum(not c.agrees for c in checked)
        findings = sum(c.findings for c in checked)
        console.print(f"{len(checked)} workbook(s) checked: {differing} with differences, "
                      f"{findings} lint finding(s).")
    if failed:
        raise typer.Exit(FINDINGS)


def _check_one(path: Path, as_json: bool, progress: bool = False) -> Any:
    """One workbook checked: its report as plain data (run in a worker or here)."""
    from xlkpi.check_many import Checked
    from xlkpi.workbook import PackageError, check

    bar = _Bar(f"checking {path.name}", as_json or not progress)
    try:
        outcome = check(path, progress=bar)
    except PackageError as err:
        return Checked(path, error=_open_message(path, err))
    finally:
        bar.close()
    shown = ""
    if not as_json:
        with console.capture() as captured:
            _print_check(outcome)
        shown = captured.get()
    return Checked(path, outcome.ok, outcome.agrees, len(outcome.findings), shown,
                   outcome.to_dict() if as_json else None)


class _Overall:
    """A bar over the files being checked (on a terminal, for parallel checks), printing
    each report above it."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.progress: Progress | None = None
        if not quiet and total > 1 and console.is_terminal:
            self.progress, self.task = _progress_bar("checking workbooks", total)

    def __enter__(self) -> _Overall:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def print(self, text: str) -> None:
        console.file.write(text)
        console.file.flush()

    def advance(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def lint_command(
    paths: Annotated[list[str], typer.Argument(help="Workbooks or glob patterns "
                     "('scorecards/**/*.xlsx').")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON: "
                       '{"findings": [{"sheet", "cell", "code", "severity", "message"}]}.')
                       ] = False,
) -> None:
    """Find the mistakes that reach improvement boards, without changing the workbook.

    Reads each sheet's indicator tables by their headings ("Polarity", "Good perf. is",
    "Target", "RAG", "RAG Methodology", "Red", "Green", month columns like "Apr-17") and
    by the arguments of KPI formulas, then checks: band gaps and overlaps (at the text's
    precision), figures between bands, polarity against bands, target against the Green
    band, stated RAGs and arrows against their rule and figures, text in a monthly series,
    percentages against their counts at the printed precision, rates against counts; and
    the formulas: KPI functions with the wrong number of arguments or unknown, volatile
    functions in KPI formulas, whole columns given to KPI functions, RAGs typed by hand
    where the column computes them. Figures are the values Excel last saved. Exit 1 when
    there are findings, 0 when clean, 2 when a file cannot be read.
    """
    from xlkpi.workbook import PackageError, lint_workbook

    found = []
    files = _expand(paths)
    for path in files:
        try:
            found += [(path, f) for f in lint_workbook(path)]
        except PackageError as err:
            raise _open_error(path, err) from None
    if as_json:
        _print_json({"findings": [{"file": str(path), **f.to_dict()} for path, f in found]})
    else:
        _print_findings(found)
        errors = sum(f.severity == "error" for _, f in found)
        console.print(f"{len(files)} workbook(s) linted: {len(found)} finding(s), {errors} "
                      f"error(s), {len(found) - errors} warning(s).")
    if found:
        raise typer.Exit(FINDINGS)


def _print_findings(found: list[tuple[Path, Any]]) -> None:
    if not found:
        return
    from rich.table import Table

    several = len({path for path, _ in found}) > 1
    table = Table("where", "finding", "message")
    table.columns[0].no_wrap = table.columns[1].no_wrap = True
    for path, f in found:
        style = "red" if f.severity == "error" else "yellow"
        where = (f"{path.name}: " if several else "") + f"{f.sheet}!{f.cell}"
        table.add_row(escape(where), f"[{style}]{f.code}[/]", escape(f.message))
    console.print(table)


def _print_check(outcome: Any) -> None:
    from rich.table import Table

    result = outcome.recalc
    if outcome.differences or result.skipped:
        table = Table("sheet", "cell", "formula", "Excel cached", "recalculated",
                      title=str(result.path), title_justify="left")
        for diff in outcome.differences[:_SHOWN]:
            shown = diff.to_dict()
            table.add_row(escape(diff.sheet), diff.cell, escape(shown["formula"]),
                          escape(_cell_text(shown["cached"])),
                          escape(_cell_text(shown["computed"])))
        for sheet, cell, reason in result.skipped[:_SHOWN]:
            table.add_row(escape(sheet), cell, "", "", escape(f"not evaluated: {reason}"))
        console.print(table)
        more = len(outcome.differences) + len(result.skipped) - 2 * _SHOWN
        if more > 0:
            console.print(f"... and {more} more")
    _print_findings([(result.path, f) for f in outcome.findings])
    verdict = "[green]OK[/]" if outcome.ok else (
        f"[red]{len(outcome.differences)} difference(s), {len(result.skipped)} not "
        f"evaluated, {len(outcome.findings)} lint finding(s)[/]")
    volatile = f", {outcome.volatile} volatile not compared" if outcome.volatile else ""
    console.print(f"{escape(str(result.path))}: {verdict}; {outcome.compared:,} cells "
                  f"compared{volatile}; {_summary(result)}")


def _cell_text(value: Any) -> str:
    return "(no cached value)" if value is None else repr(value)


def fill_command(
    template: Annotated[Path, typer.Argument(help="The scorecard template (.xlsx).")],
    data: Annotated[Path, typer.Option("--data", help="The monthly indicator table (CSV: "
                    "period, code, numerator, denominator, value), e.g. from xlkpi "
                    "indicators.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="The filled, recalculated "
                   "workbook to write.")],
    population: Annotated[float | None, typer.Option(
        min=0, help="Children aged 0-17: written into the template's Population cell (its "
        "Settings sheet), so rates the report computes from counts use the population the "
        "indicators were computed for. Without it the template's own stays.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Fill a template's Data sheet with an indicator table, then recalculate it.

    Only the Data sheet changes (and the Population cell with --population, and then the
    cached values of formula cells): the template's other sheets, charts and formatting
    are kept byte for byte. Exit 1 when a formula cannot be evaluated (it keeps the
    template's value and is listed).
    """
    from xlkpi.workbook import PackageError, recalc
    from xlkpi.workbook.fill import TableError, fill, read_table
    from xlkpi.workbook.writing import WorkbookOpenError, excel_owner

    if out.resolve() == template.resolve():
        raise fail(f"{out} is the template; write the filled workbook somewhere else")
    if not out.parent.exists():
        raise fail(f"{out.parent}: no such folder for the output")
    refused = excel_owner(out)
    if refused:
        raise fail(refused)
    try:
        table = read_table(data)
    except TableError as err:
        raise fail(str(err)) from None
    except OSError as err:
        raise fail(f"{data}: cannot read ({err.strerror or err})") from None
    try:
        fill(template, table, out, population=population)
        result = recalc(out, in_place=True)
    except (TableError, PackageError, WorkbookOpenError) as err:
        raise fail(str(err)) from None
    except OSError as err:
        raise fail(f"{out}: cannot write ({err.strerror or err})") from None
    if as_json:
        _print_json({**result.to_dict(), "rows": len(table)})
    else:
        _print_skipped(result)
        console.print(f"{escape(str(out))}: {len(table):,} indicator rows filled; "
                      f"{_summary(result)}")
    if result.skipped:
        raise typer.Exit(FINDINGS)
