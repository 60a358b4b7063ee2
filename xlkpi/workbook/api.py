"""The engine's Python API: ``recalc`` a workbook to a file, ``check`` it against Excel.

``recalc(path, out)`` evaluates every formula and writes ``out``: the input with only the
cached values of formula cells changed (and ``fullCalcOnLoad`` set so Excel recalculates
on open). ``check(path)`` evaluates in memory and compares with the values Excel cached.

A cell the engine could not evaluate (``RecalcResult.skipped``) keeps the value Excel
cached; the libraries' warnings and logged tracebacks are kept off the terminal while
evaluating; ``to_json`` turns any result into JSON.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import decimal
import json
import logging
import math
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xlkpi.errors import ExcelError
from xlkpi.gc_pause import gc_paused
from xlkpi.workbook.cell_values import addresses
from xlkpi.workbook.dependents import keep_dependents
from xlkpi.workbook.engine import Evaluation, evaluate
from xlkpi.workbook.package import Package, Sheet
from xlkpi.workbook.references import address, parse_cell
from xlkpi.workbook.writing import WorkbookOpenError, excel_owner, finite_floats

if TYPE_CHECKING:  # linting imports the indicator tables' machinery (pandas): check only
    from xlkpi.lint import Finding

__all__ = [
    "RAG_WORDS",
    "REL_TOLERANCE",
    "CheckResult",
    "Difference",
    "RecalcResult",
    "WorkbookOpenError",
    "check",
    "json_ready",
    "recalc",
    "same_value",
    "to_json",
]

#: ``check`` compares numbers to this relative tolerance (and 1e-12 absolute near zero).
REL_TOLERANCE = 1e-9
_ABS_TOLERANCE = 1e-12
#: Functions whose value changes between calculations: their cells are not compared.
#: The statuses counted in a summary.
RAG_WORDS = ("Red", "Amber", "Green")
#: The longest text a cell holds (Excel repairs a file with a longer one).
_MAX_TEXT = 32_767
#: Loggers through which ``formulas`` and ``schedula`` print tracebacks of failed functions.
_NOISY_LOGGERS = ("formulas", "schedula")


def json_ready(value: Any) -> Any:
    """``value`` made of JSON's types only: numpy scalars and arrays, error values, NaN and
    infinities (as ``"NaN"``, ``"Infinity"``), bytes, dates and any other object (as text)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, np.generic):
        return json_ready(value.item())
    if isinstance(value, float | decimal.Decimal):
        number = float(value)
        if math.isfinite(number):
            return number
        return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
    if isinstance(value, dict):
        return {str(json_ready(k)) if not isinstance(k, str) else str(k): json_ready(v)
                for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, list | tuple | set | frozenset):
        return [json_ready(v) for v in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return str(value)


def to_json(data: Any, **options: Any) -> str:
    """``data`` as JSON text, whatever values it holds (see :func:`json_ready`)."""
    return json.dumps(json_ready(data), allow_nan=False, **options)


def _shown(value: Any) -> Any:
    """A value as JSON and tables show it."""
    return json_ready(value)


def _storable(value: Any) -> tuple[Any, str | None]:
    """A computed value as a cell can hold it (a number, text, boolean, error or empty), or
    None and why it cannot be stored."""
    kind = type(value)
    if kind is float:  # the common case first
        return (value if math.isfinite(value) else ExcelError("#NUM!")), None
    if kind is bool or (kind is str and len(value) <= _MAX_TEXT):
        return value, None
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.ravel()[0]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and not isinstance(value, ExcelError) and len(value) > _MAX_TEXT:
        return None, f"the text is {len(value):,} characters long; a cell holds {_MAX_TEXT:,}"
    if value is None or isinstance(value, str | bool):
        return value, None
    if isinstance(value, int | float | decimal.Decimal):
        try:
            number = float(value)
        except OverflowError:
            return ExcelError("#NUM!"), None
        return (number if math.isfinite(number) else ExcelError("#NUM!")), None
    shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
    return None, f"the result is a {type(value).__name__}{shape}, which a cell cannot hold"


class _Quiet:
    """Keep the libraries' warnings (numpy's RuntimeWarnings) and logged tracebacks
    (``formulas`` reports each function that raises) off the terminal while evaluating; the
    reasons are in ``Evaluation.skipped``. The warning filters and logger levels are global:
    the first caller (of any thread) saves them, the last one out restores them, so
    evaluations running side by side in a server leave everything as it was."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.saved: tuple[Any, list[int]] | None = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        loggers = [logging.getLogger(name) for name in _NOISY_LOGGERS]
        with self.lock:
            if self.depth == 0:
                caught = warnings.catch_warnings()
                caught.__enter__()
                warnings.simplefilter("ignore")
                self.saved = (caught, [logger.level for logger in loggers])
                for logger in loggers:
                    logger.setLevel(logging.CRITICAL + 1)
            self.depth += 1
        try:
            with np.errstate(all="ignore"):
                yield
        finally:
            with self.lock:
                self.depth -= 1
                if self.depth == 0 and self.saved is not None:
                    caught, levels = self.saved
                    self.saved = None
                    for logger, level in zip(loggers, levels, strict=True):
                        logger.setLevel(level)
                    caught.__exit__(None, None, None)


_quiet = _Quiet()


@dataclass
class RecalcResult:
    """What a recalculation computed and how it went."""

    path: Path
    out: Path | None
    evaluation: Evaluation
    cells: int
    #: error values computed (and written, when ``out``) by code; skipped cells not counted
    errors: Counter[str]
    statuses: Counter[str]
    #: (sheet, cell, reason) for cells the engine could not evaluate: in a written file
    #: they keep the value Excel cached
    skipped: list[tuple[str, str, str]]
    seconds: float

    def value(self, sheet: str, address: str) -> Any:
        """The computed value of one formula cell (``KeyError`` if it holds no formula)."""
        row, col = parse_cell(address)
        for name, values in self.evaluation.values.items():
            if name.upper() == sheet.upper():
                return values[(row, col)]
        raise KeyError(f"no sheet {sheet!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "out": str(self.out) if self.out else None,
            "cells": self.cells,
            "batched_cells": self.evaluation.batched_cells,
            "blocks": self.evaluation.blocks,
            "errors": dict(self.errors),
            "statuses": dict(self.statuses),
            "skipped": [{"sheet": s, "cell": c, "reason": r} for s, c, r in self.skipped],
            "kept_excel_value": len(self.skipped) if self.out else 0,
            "seconds": round(self.seconds, 4),
        }


@dataclass(frozen=True)
class Difference:
    """A formula cell whose recalculated value differs from the value Excel cached."""

    sheet: str
    cell: str
    formula: str
    cached: Any
    computed: Any

    def to_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "formula": "=" + self.formula,
                "cached": _shown(self.cached), "computed": _shown(self.computed)}


@dataclass
class CheckResult:
    """The outcome of ``check``: differences from Excel's cached values, and more."""

    recalc: RecalcResult
    differences: list[Difference] = field(default_factory=list)
    compared: int = 0
    volatile: int = 0
    #: what ``xlkpi lint`` finds in the workbook (its figures and formulas)
    findings: list[Finding] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        """Every formula evaluated and agrees with the value Excel cached."""
        return not self.differences and not self.recalc.skipped

    @property
    def ok(self) -> bool:
        """It agrees, and lint finds nothing."""
        return self.agrees and not self.findings

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.recalc.to_dict(),
            "ok": self.ok,
            "compared": self.compared,
            "volatile_not_compared": self.volatile,
            "differences": [d.to_dict() for d in self.differences],
            "findings": [f.to_dict() for f in self.findings],
        }


def same_value(cached: Any, computed: Any) -> bool:
    """Excel's cached value and ours agree (numbers to :data:`REL_TOLERANCE`)."""
    if isinstance(cached, ExcelError) or isinstance(computed, ExcelError):
        return (isinstance(cached, ExcelError) and isinstance(computed, ExcelError)
                and str(cached) == str(computed))
    if isinstance(cached, bool) or isinstance(computed, bool):
        return type(cached) is type(computed) and cached == computed
    if cached in (None, "") and computed in (None, ""):
        return True
    if isinstance(cached, float) and isinstance(computed, float):
        return math.isclose(cached, computed, rel_tol=REL_TOLERANCE, abs_tol=_ABS_TOLERANCE)
    return type(cached) is type(computed) and cached == computed


def _run(path: str | Path, progress: Callable[[int, int], None] | None
         ) -> tuple[Package, RecalcResult, dict[str, Mapping[tuple[int, int], Any]]]:
    """Evaluate; the result, and per sheet the values to write (skipped cells left out)."""
    with gc_paused(), _quiet():
        package = Package(path)
        evaluation = evaluate(package, progress)
        for sheet, values in evaluation.values.items():
            skipped = evaluation.skipped.setdefault(sheet, {})
            if finite_floats(values.values()) is not None:  # every value a cell can hold
                continue
            for key, computed in values.items():
                if key in skipped:
                    continue
                value, why = _storable(computed)
                if why is not None:
                    skipped[key] = why
                elif value is not computed:
                    values[key] = value
        keep_dependents(package, evaluation.values, evaluation.skipped)
    errors: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    writes: dict[str, Mapping[tuple[int, int], Any]] = {}
    for sheet, values in evaluation.values.items():
        skipped = evaluation.skipped[sheet]
        writes[sheet] = out = ({key: value for key, value in values.items()
                                if key not in skipped} if skipped else values)
        if set(map(type, out.values())) <= {float}:
            continue  # numbers only: no error, no RAG status to count
        for value in out.values():
            if isinstance(value, ExcelError):
                errors[str(value)] += 1
            elif isinstance(value, str) and value in RAG_WORDS:
                statuses[value] += 1
    skipped_list = [(sheet, address(*cell), reason)
                    for sheet, cells in evaluation.skipped.items()
                    for cell, reason in sorted(cells.items())]
    result = RecalcResult(Path(path), None, evaluation, evaluation.cells, errors, statuses,
                          skipped_list, evaluation.seconds)
    return package, result, writes


def recalc(
    path: str | Path,
    out: str | Path | None = None,
    *,
    in_place: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RecalcResult:
    """Recalculate ``path`` and write ``out`` (or ``path`` itself when ``in_place``).

    Only cached values of formula cells change; every other part of the package is copied
    byte for byte, and cells the engine could not evaluate keep the value Excel cached
    (they are listed in ``skipped``). The file is written to a temporary name, checked and
    renamed, so an interruption leaves either the old file or the new one; the new file
    keeps the old one's permission bits, and a symbolic link is written through. With
    neither ``out`` nor ``in_place`` nothing is written. Raises :class:`WorkbookOpenError`
    (an ``OSError``), before evaluating, when Excel's owner file says the file to be
    replaced is open in Excel.
    """
    if out is not None and in_place:
        raise ValueError("give either out or in_place, not both")
    target = Path(path) if in_place else (Path(out) if out is not None else None)
    if target is not None:
        refused = excel_owner(target)
        if refused:
            raise WorkbookOpenError(refused)
    with gc_paused():  # throughout: a collection between the steps would visit every cell
        package, result, writes = _run(path, progress)
        if target is not None:
            _write(package, writes, target)
            result.out = target
        del package, writes  # freed by their counts while the collector is off
    return result


def _write(package: Package, writes: dict[str, Mapping[tuple[int, int], Any]],
           target: Path) -> None:
    """Save ``package`` to ``target`` with the computed values cached."""
    replaced = {package.workbook_part: package.patched_workbook_xml()}
    for sheet in package.sheets:
        values = writes.get(sheet.name)
        if values:
            writable = sheet.writable(*addresses(values))
            if not writable.all():  # a spill beyond the formula cells
                values = {key: value for (key, value), here in zip(
                    values.items(), writable.tolist(), strict=True) if here}
            replaced[sheet.part] = package.patched_sheet(sheet, values)
    package.save(target, replaced)


def check(path: str | Path, progress: Callable[[int, int], None] | None = None) -> CheckResult:
    """Recalculate in memory, compare every formula cell with Excel's cached value, and
    lint the workbook."""
    from xlkpi.workbook.linting import lint_package

    with gc_paused():  # throughout, as in recalc
        package, result, _ = _run(path, progress)
        outcome = _compared(package, result, lint_package(package))
        del package  # freed by its counts while the collector is off
    return outcome


def _compared(package: Package, result: RecalcResult, findings: list[Any]) -> CheckResult:
    """Every evaluated formula cell's value against the one Excel cached."""
    outcome = CheckResult(result, findings=findings)
    for sheet in package.sheets:
        _compare_sheet(sheet, result.evaluation.values.get(sheet.name, {}),
                       result.evaluation.skipped.get(sheet.name, {}),
                       result.evaluation.volatile.get(sheet.name, set()), outcome)
    return outcome


def _compare_sheet(sheet: Sheet, computed: Mapping[tuple[int, int], Any],
                   skipped: Mapping[tuple[int, int], str], volatile: set[tuple[int, int]],
                   outcome: CheckResult) -> None:
    """One sheet's computed values against Excel's, read from the arrays (no Cell made
    but for a cell that differs)."""
    rows, cols = addresses(computed)
    cached, found = sheet.stored(rows, cols)
    values = list(computed.values())

    def differs(k: int) -> Difference:
        row, col = int(rows[k]), int(cols[k])
        cell = sheet.cell(row, col)
        return Difference(sheet.name, address(row, col), (cell and cell.formula) or "",
                          cached[k], values[k])

    if not skipped and not volatile and found.all():
        agree = _numbers_agree(cached, values)
        if agree is not None:  # every value a number: compared in one step
            outcome.compared += len(cached)
            outcome.differences += map(differs, np.flatnonzero(~agree).tolist())
            return
    for k, (key, here) in enumerate(zip(computed, found.tolist(), strict=True)):
        if not here or key in skipped:
            continue
        if key in volatile:
            outcome.volatile += 1
            continue
        outcome.compared += 1
        if not same_value(cached[k], values[k]):
            outcome.differences.append(differs(k))


def _numbers_agree(cached: list[Any], computed: list[Any]) -> np.ndarray | None:
    """:func:`same_value` of each pair when all are finite floats (None otherwise): the
    same test, ``math.isclose`` with the same tolerances, in numpy."""
    a, b = finite_floats(cached), finite_floats(computed)
    if a is None or b is None:
        return None
    allowed = np.maximum(REL_TOLERANCE * np.maximum(np.abs(a), np.abs(b)), _ABS_TOLERANCE)
    return np.abs(a - b) <= allowed
