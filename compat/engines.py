"""The engines the harness measures, each giving computed values by ``Sheet!A1``.

- ``xlkpi``: ``xlkpi.workbook.recalc`` writing a copy, which must then open in openpyxl;
  cells it could not evaluate are reported as such, never as values.
- ``formulas``: the ``formulas`` package on its own (``ExcelModel``), the library the
  engine started from.
- ``libreoffice``: LibreOffice headless recalculating on load, its saved copy read back
  with openpyxl.
- ``ironcalc``: IronCalc's Python package (a second independent engine, written in Rust),
  loading the workbook and evaluating it; installed only to take its baseline
  (``pip install ironcalc``).

Each runs in a forked child with a time limit, so a crash or a hang costs one workbook.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import tempfile
import threading
import traceback
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from compat.oracle import Error, expected_cells

__all__ = ["ENGINES", "FORKING", "NOT_EVALUATED", "run_engine"]

#: Held while a child is forked and while a worker thread reads a workbook: a fork taken
#: while the other thread held a lock (inside openpyxl, zipfile, numpy) left the child
#: waiting for it forever (a small workbook "timed out" now and then).
FORKING = threading.Lock()

#: The marker for a cell an engine said it could not evaluate.
NOT_EVALUATED = "(not evaluated)"

Values = dict[str, Any]


def _plain(value: Any) -> Any:
    from xlkpi.errors import ExcelError

    if isinstance(value, ExcelError):
        return Error(str(value))
    if isinstance(value, str):
        return str(value)  # a str subclass may carry unpicklable attributes
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, float):
        return float(value)
    if value is None:
        return value
    return f"<{type(value).__name__}>"  # not a cell value: never agrees


def xlkpi_values(path: Path) -> Values:
    """Recalculate with xlkpi into a temporary copy; the copy must open in openpyxl."""
    import openpyxl

    from xlkpi.workbook import recalc

    with tempfile.TemporaryDirectory(prefix="xlkpi-compat-") as folder:
        out = Path(folder) / path.name
        result = recalc(path, out)
        openpyxl.load_workbook(out, data_only=True)  # raises if the output is damaged
    values: Values = {}
    for sheet, cells in result.evaluation.values.items():
        skipped = result.evaluation.skipped.get(sheet, {})
        for (row, col), value in cells.items():
            from xlkpi.workbook.references import address

            key = f"{sheet}!{address(row, col)}"
            values[key] = NOT_EVALUATED if (row, col) in skipped else _plain(value)
    return values


def formulas_values(path: Path) -> Values:
    """The ``formulas`` package alone: load, compile and calculate the workbook."""
    import formulas

    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values: Values = {}
    book = path.name.upper()
    for name, ranges in solution.items():
        match = re.match(r"'?\[(.+?)\](.+?)'?!([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?$", name)
        if not match or match.group(1).upper() != book:
            continue
        sheet, first = match.group(2).replace("''", "'"), match.group(3)
        value = getattr(ranges, "value", ranges)
        _spread(values, sheet, first, value)
    return values


def _spread(values: Values, sheet: str, first: str, value: Any) -> None:
    import numpy as np
    from formulas.tokens.operand import XlError
    from openpyxl.utils.cell import column_index_from_string as col_index
    from openpyxl.utils.cell import coordinate_from_string, get_column_letter

    letters, row = coordinate_from_string(first)
    col = col_index(letters)
    grid = np.atleast_2d(np.asarray(value, dtype=object))
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid[i, j]
            if isinstance(v, XlError):
                v = Error(str(v))
            elif isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            if v is not None and type(v).__name__ == "Token":  # formulas' EMPTY
                v = 0.0
            values[f"{sheet.upper()}!{get_column_letter(col + j)}{row + i}"] = v


def libreoffice_values(path: Path) -> Values:
    """LibreOffice recalculating on load; its copy read back with openpyxl."""
    from xlkpi.workbook.libreoffice import recalculate

    with tempfile.TemporaryDirectory(prefix="xlkpi-compat-lo-") as folder:
        out = recalculate(path, folder, timeout=120)
        cells = expected_cells(out)
    return {key: cell.value for key, cell in cells.items()}


def ironcalc_values(path: Path) -> Values:
    """IronCalc loading the workbook and evaluating every formula."""
    import ironcalc
    from openpyxl.utils.cell import get_column_letter

    model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
    model.evaluate()
    names = [sheet["name"] for sheet in model.get_worksheets_properties()]
    values: Values = {}
    for sheet, row, col in model.get_all_cells():
        if not model.get_cell_formula(sheet, row, col):
            continue
        value = model.get_cell_value(sheet, row, col)
        if model.get_cell_type(sheet, row, col) == ironcalc.CellType.ErrorValue:
            value = Error(str(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        values[f"{names[sheet]}!{get_column_letter(col)}{row}"] = value
    return values


ENGINES: dict[str, Callable[[Path], Values]] = {
    "xlkpi": xlkpi_values,
    "formulas": formulas_values,
    "libreoffice": libreoffice_values,
    "ironcalc": ironcalc_values,
}


def _child(engine: str, path: Path, conn: Any) -> None:
    sink = io.StringIO()
    try:
        with redirect_stdout(sink), redirect_stderr(sink):
            import logging

            logging.disable(logging.CRITICAL)
            values = ENGINES[engine](path)
        conn.send(("ok", values))
    except BaseException as err:  # the harness reports any failure as a crash
        conn.send(("crash", f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=3)}"))
    finally:
        conn.close()


def run_engine(engine: str, path: Path, timeout: float) -> tuple[str, Values | str]:
    """("ok", values) or ("crash" | "timeout", reason), from a forked child."""
    # xlkpi's engine is imported once and forked; any other engine starts in a fresh
    # interpreter, so that xlkpi's functions (registered into formulas' table) and parser
    # corrections never leak into the baseline
    context = multiprocessing.get_context("fork" if engine == "xlkpi" else "spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(engine, path, send))
    with FORKING:
        child.start()
    send.close()
    try:
        if receive.poll(timeout):
            try:
                status, payload = receive.recv()
            except EOFError:
                status, payload = "crash", "the engine's process died"
        else:
            status, payload = "timeout", f"no answer in {timeout:.0f} s"
    finally:
        if child.is_alive():
            child.kill()
        child.join()
    return status, payload
