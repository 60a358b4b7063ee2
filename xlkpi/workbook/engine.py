"""Evaluate every formula of a workbook, a filled-down column at a time.

Formula cells are grouped into blocks and ordered by their dependencies
(:mod:`xlkpi.workbook.blocks`), then evaluated, each distinct formula compiled once by the
engine's own compiler (:mod:`xlkpi.workbook.formula_compiler`), or by the ``formulas``
package for a function or syntax the engine lacks. A block whose moving references are
single cells in element-by-element positions (see
:data:`~xlkpi.workbook.excel_functions.ELEMENTWISE`) is evaluated in one call over whole
columns; any other block runs cell by cell with the same compiled
formula. Full-column references (``A:A``) are cut to the rows the sheet uses.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xlkpi.masks import identical, instances
from xlkpi.workbook.batching import batchable, motion_of, moved
from xlkpi.workbook.blocks import Block, blocks_of, order, reads, split_cells, split_running
from xlkpi.workbook.cell_values import CellValues
from xlkpi.workbook.context import (
    Context,
    evaluating,
    intersect,
    range_array,
    reference_span,
)
from xlkpi.workbook.cycles import UNKNOWN_REASON, UnknownError, iterate, settle
from xlkpi.workbook.excel_functions import EMPTY, filled, xl_error
from xlkpi.workbook.formula_compiler import compile_formula
from xlkpi.workbook.formula_parser import UnsupportedError
from xlkpi.workbook.formulas_bridge import formulas_compile
from xlkpi.workbook.function_table import table
from xlkpi.workbook.grid import Grid, to_python
from xlkpi.workbook.package import Package
from xlkpi.workbook.references import MAX_COL, MAX_ROW, Rect, Reference, parse_range, shift_formula
from xlkpi.workbook.rewriting import quote_sheet
from xlkpi.workbook.structure import Structure
from xlkpi.workbook.xlvalues import XlError

__all__ = ["Evaluation", "compiled", "evaluate"]

#: Functions whose value changes between calculations.
_VOLATILE = re.compile(r"(?<![\w.])(?:_xlfn\.)?(?:TODAY|NOW|RAND|RANDBETWEEN|RANDARRAY)\(",
                       re.IGNORECASE)
#: Functions whose value depends on where the formula is, even with constant arguments.
_PLACED = re.compile(r"(?<![\w.])(?:_xlfn\.)?(?:INDIRECT|OFFSET|SHEETS?|ANCHORARRAY|ISFORMULA|"
                     r"FORMULATEXT|ROW|COLUMN)\(", re.IGNORECASE)


@dataclass
class Evaluation:
    """What the engine computed: new values per sheet, and how the work went."""

    #: sheet name (as in the workbook) -> {(row, col): value}, values as Python objects
    values: dict[str, CellValues]
    cells: int
    blocks: int
    batched_cells: int
    #: formula cells that could not be evaluated, with the reason ("circular reference")
    skipped: dict[str, dict[tuple[int, int], str]]
    seconds: float
    #: formula cells whose value changes between calculations: those calling TODAY(),
    #: NOW(), RAND()... and every cell computed from one (Excel's value is from its day)
    volatile: dict[str, set[tuple[int, int]]] = field(default_factory=dict)


class _Engine:
    def __init__(self, package: Package, progress: Callable[[int, int], None] | None) -> None:
        self.package = package
        self.progress = progress or (lambda done, total: None)
        self.grids = {s.name.upper(): Grid(s) for s in package.sheets}
        self.names = {s.name.upper(): s.name for s in package.sheets}
        self.structure = Structure.of(package)
        #: id(block) -> (block, the rectangles it reads)
        self.read_sets: dict[int, tuple[Block, list[Rect]]] = {}
        #: whole columns cut to the used rows -> how many blank cells were cut
        self.cut: dict[Rect, int] = {}
        self.compiled: dict[tuple[str, Rect | None], Any] = {}
        self.batched = 0
        self.batch = True
        #: blocks not yet computed, by (sheet, column): (row1, row2, block index)
        self.pending: dict[tuple[str, int], list[tuple[int, int, int]]] = {}
        self.blocks: list[Block] = []
        self.state: list[int] = []  # 0 pending, 1 computing, 2 done
        self.on_block: Callable[[Block, np.ndarray], None] = lambda block, result: None
        self.sheets = {s.name.upper(): s for s in package.sheets}

    # ------------------------------------------------------------ references
    def rect(self, name: str, sheet: str) -> Rect | None:
        """A ``formulas`` input name (a range, ``A3#`` or a defined name) as a rectangle."""
        if name.endswith("#"):  # the range the array formula anchored there spills into
            anchor = parse_range(name[:-1], sheet)
            if anchor is None:
                return None
            spill = self.spill_at(anchor.sheet, anchor.row1, anchor.col1)
            # no array formula there: Excel's #REF! (a sheet no grid has reads as #REF!)
            return spill or Rect("#REF!", anchor.row1, anchor.col1, anchor.row1, anchor.col1)
        rect = parse_range(name, sheet)
        if rect is None and "!" in name:
            # formulas drops the quotes (123!B2) or undoes the doubled quotes inside
            # them ('Third 'Sheet' (3)'!B3)
            quoted = name.startswith("'") and "'!" in name
            where, _, cells = name[1:].rpartition("'!") if quoted else name.rpartition("!")
            rect = parse_range(f"{quote_sheet(where)}!{cells}", sheet)
        if rect is None:
            target = self.structure.name(name, self.names.get(sheet, sheet))
            if target is not None:
                rect = parse_range(target.lstrip("="), sheet)
        return self.clip(rect) if rect is not None else None

    def clip(self, rect: Rect) -> Rect:
        """A whole column (or row) cut to the cells the sheet uses; how many blank cells
        were cut is remembered for the counts of blanks."""
        if (rect.row2 != MAX_ROW and rect.col2 != MAX_COL) or rect.sheet not in self.grids:
            return rect
        grid = self.grids[rect.sheet]
        row2 = max(grid.max_row, rect.row1) if rect.row2 == MAX_ROW else rect.row2
        col2 = (max(max(grid.columns, default=1), rect.col1) if rect.col2 == MAX_COL
                else rect.col2)
        clipped = Rect(rect.sheet, rect.row1, rect.col1, row2, col2)
        whole = (rect.row2 - rect.row1 + 1) * (rect.col2 - rect.col1 + 1)
        self.cut[clipped] = whole - (row2 - rect.row1 + 1) * (col2 - rect.col1 + 1)
        return clipped

    def read(self, rect: Rect, moving: bool = False) -> Any:
        grid = self.grids.get(rect.sheet)
        if grid is None:
            return xl_error("#REF!")
        return range_array(grid.read(rect), rect, moving, self.cut.get(rect, 0))

    def read_now(self, rect: Rect) -> Any:
        """A dynamic read (OFFSET, INDIRECT): pending formulas in ``rect`` computed first."""
        rect = self.clip(rect)
        for col in range(rect.col1, rect.col2 + 1):
            for row1, row2, i in list(self.pending.get((rect.sheet, col), ())):
                if row1 <= rect.row2 and row2 >= rect.row1 and self.state[i] == 0:
                    self.compute(i)
        return self.read(rect)

    def context(self, output: Rect, array: bool) -> Context:
        return Context(output, array, self.read_now, [s.name for s in self.package.sheets],
                       lambda name: self.structure.name(name, self.names[output.sheet]),
                       self.formula_at, self.spill_at, self.structure.hidden,
                       self.structure.macros)

    def spill_at(self, sheet: str, row: int, col: int) -> Rect | None:
        for row1, _row2, i in self.pending.get((sheet.upper(), col), ()):
            block = self.blocks[i]
            if block.array is not None and row1 == row and block.array.col1 == col:
                return block.array
        return None

    def formula_at(self, sheet: str, row: int, col: int) -> str | None:
        found = self.sheets.get(sheet.upper())
        cell = found.cell(row, col) if found is not None else None
        return cell.formula if cell is not None and cell.has_formula else None

    # ------------------------------------------------------------ scheduling
    def schedule(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.state = [0] * len(blocks)
        for i, block in enumerate(blocks):
            out = block.output
            for col in range(out.col1, out.col2 + 1):
                self.pending.setdefault((out.sheet, col), []).append((out.row1, out.row2, i))

    def compute(self, i: int) -> None:
        """Compute block ``i`` now (once), write it to the grid and report it."""
        if self.state[i]:
            return
        self.state[i] = 1
        block = self.blocks[i]
        try:
            result = self.evaluate(block)
        except Exception as err:  # never one formula's failure for the whole workbook
            result = _filled(block, "#VALUE!", f"cannot evaluate: {_reason(err)}")
        if result.dtype == object:  # a formula pointing at an empty cell is 0, a
            result[identical(result, EMPTY)] = 0.0  # number, as in Excel
        out = block.output
        if block.array is None:
            self.grids[block.sheet].write(range(block.row1, block.row2 + 1), block.col, result)
        else:
            grid = result.reshape(out.shape)
            for c in range(out.col1, out.col2 + 1):
                self.grids[block.sheet].write(range(out.row1, out.row2 + 1), c,
                                              grid[:, c - out.col1])
        self.state[i] = 2
        self.on_block(block, result)

    def reads(self, block: Block) -> list[Rect]:
        """Every rectangle the block reads, worked out once per block (splitting running
        totals, ordering and finding volatile cells all ask)."""
        held = self.read_sets.get(id(block))
        if held is None or held[0] is not block:
            held = self.read_sets[id(block)] = (block, reads(block, self.rect, self.used_rows))
        return held[1]

    def used_rows(self, sheet: str) -> int | None:
        grid = self.grids.get(sheet)
        return grid.max_row if grid is not None else None

    # ------------------------------------------------------------ evaluation
    def compile(self, formula: str, where: Rect | None = None) -> Any:
        """The compiled formula; one whose constant parts depend on where it is (INDIRECT,
        SHEET...) is compiled afresh for each place."""
        key = (formula, where if where is not None and _PLACED.search(formula) else None)
        if key not in self.compiled:
            self.compiled[key] = compiled(formula)
        return self.compiled[key]

    def evaluate(self, block: Block) -> np.ndarray:
        """The block's values (one per output cell, in row order) as ``formulas`` values."""
        try:
            with evaluating(self.context(block.output, block.array is not None)):
                function = self.compile(block.formula, block.output)  # constants fold here
        except Exception as err:  # formulas raises many kinds on unsupported syntax
            return _filled(block, "#NAME?", f"cannot evaluate: {err}")
        rects = [self.rect(name, block.sheet) for name in function.inputs]
        if block.array is not None:
            with evaluating(self.context(block.array, array=True)):
                result = np.asarray(self.call(function, self.args(rects)), dtype=object)
            return _spill(result, block.array)
        motion = motion_of(block, rects)
        if (self.batch and block.rows > 1 and motion is not None
                and batchable(block, rects, motion)):
            moving = [ref is not None for ref in motion]
            args = self.args([moved(rect, ref, 0, block.rows) for rect, ref in
                              zip(rects, motion, strict=True)], moving)
            with evaluating(self.context(block.output, array=False)):
                result = np.asarray(self.call(function, args), dtype=object)
            values = None
            if result.ndim == 2 and result.shape == (block.rows, 1):
                values = result[:, 0]
            elif result.size == 1 and not isinstance(result.ravel()[0], XlError):
                values = filled(block.rows, result.ravel()[0])
            if values is not None:
                self.batched += block.rows
                # an error in the whole-column call is checked cell by cell: one bad row
                # must never turn the others into errors
                bad = [] if values.dtype.kind == "f" else np.flatnonzero(
                    instances(values, XlError)).tolist()
                for k in bad:
                    values[k] = self.one_cell(block, function, rects, motion, k)
                return values
        return self.per_cell(block, function, rects, motion)

    def args(self, rects: list[Rect | None], moving: list[bool] | None = None) -> list[Any]:
        moving = moving or [False] * len(rects)
        return [self.read(r, m) if r is not None else xl_error("#NAME?")
                for r, m in zip(rects, moving, strict=True)]

    def one_cell(self, block: Block, function: Any, rects: list[Rect | None],
                 motion: list[Reference | None], offset: int) -> Any:
        """One cell of a filled-down block, alone."""
        cell_rects = [moved(rect, ref, offset, 1) for rect, ref in
                      zip(rects, motion, strict=True)]
        row = block.row1 + offset
        with evaluating(self.context(Rect(block.sheet, row, block.col, row, block.col),
                                     array=False)):
            value = np.asarray(self.call(function, self.args(cell_rects)), dtype=object)
        return value.ravel()[0] if value.size else EMPTY

    def per_cell(self, block: Block, function: Any, rects: list[Rect | None],
                 motion: list[Reference | None] | None) -> np.ndarray:
        """Each cell alone (written as it goes, so a cell can read the one above it)."""
        out = np.empty(block.rows, dtype=object)
        grid = self.grids[block.sheet]
        for offset in range(block.rows):
            row = block.row1 + offset
            here = Rect(block.sheet, row, block.col, row, block.col)
            if motion is not None:
                cell_function = function
                cell_rects = [moved(rect, ref, offset, 1) for rect, ref in
                              zip(rects, motion, strict=True)]
            else:
                text = shift_formula(block.formula, offset)
                try:
                    with evaluating(self.context(here, array=False)):
                        cell_function = self.compile(text, here)
                except Exception as err:  # unsupported syntax after the shift
                    out[offset] = _CellError("#NAME?", f"cannot evaluate: {err}")
                    continue
                cell_rects = [self.rect(name, block.sheet) for name in cell_function.inputs]
            with evaluating(self.context(here, array=False)):
                value = np.asarray(self.call(cell_function, self.args(cell_rects)),
                                   dtype=object)
            out[offset] = value.ravel()[0] if value.size else EMPTY
            grid.write(range(row, row + 1), block.col, out[offset: offset + 1])
        return out

    def call(self, function: Any, args: list[Any]) -> Any:
        try:
            result = function(*args)
        except Exception as err:  # a function that raises gives #VALUE! in its cell
            return _CellError("#VALUE!", _reason(err))
        if getattr(result, "rect", None) is not None and result.size > 1:
            return intersect(result)  # a reference as a cell's value: its own row's cell
        return result


def compiled(formula: str) -> Any:
    """The formula compiled by the engine, or by ``formulas`` where the engine lacks a
    function or does not read the syntax."""
    functions = table()
    try:
        return compile_formula(formula, functions, functions.known, _span)
    except UnsupportedError:
        return formulas_compile(formula)


def _span(first: Any, last: Any) -> Any:
    spanned = reference_span(first, last)
    return xl_error("#VALUE!") if spanned is None else spanned


class _CellError(XlError):
    """An error raised inside a function, kept with its message for the report."""

    message: str

    def __new__(cls, code: str, message: str) -> _CellError:
        obj = super().__new__(cls, code)
        obj.message = message
        return obj


def _reason(err: Exception) -> str:
    """What went wrong inside a function, without ``formulas``' dispatch wrapper."""
    inner = next((a for a in reversed(err.args) if isinstance(a, BaseException)), None)
    if inner is not None:
        name = next((a for a in err.args[1:] if isinstance(a, str)), "a function")
        return f"{name} failed: {type(inner).__name__}: {inner}"
    return f"{type(err).__name__}: {err}"


def _filled(block: Block, code: str, message: str) -> np.ndarray:
    out = np.empty(len(list(block.cells())) if block.array else block.rows, dtype=object)
    out.fill(_CellError(code, message))  # np.full would turn the error into plain text
    return out


def _spill(result: np.ndarray, target: Rect) -> np.ndarray:
    rows, cols = target.shape
    grid = np.atleast_2d(result) if result.ndim else np.array([[result[()]]], dtype=object)
    if grid.ndim > 2:  # nested arrays: not a value a range can hold
        grid = np.array([[_CellError("#VALUE!", "a nested array result")]], dtype=object)
    out = np.empty((rows, cols), dtype=object)
    out.fill(xl_error("#N/A"))  # np.full would turn the error into text
    # Excel repeats a one-row result down and a one-column result across the range
    if grid.shape[0] == 1:
        grid = np.repeat(grid, rows, axis=0)
    if grid.shape[1] == 1:
        grid = np.repeat(grid, cols, axis=1)
    r, c = min(rows, grid.shape[0]), min(cols, grid.shape[1])
    out[:r, :c] = grid[:r, :c]
    return out.ravel()


def evaluate(package: Package, progress: Callable[[int, int], None] | None = None,
             batch: bool = True) -> Evaluation:
    """Evaluate every formula cell of the package; nothing is written.

    ``batch=False`` evaluates every cell alone (slow; the tests' reference path).
    """
    started = time.perf_counter()
    engine = _Engine(package, progress)
    engine.batch = batch
    structure = engine.structure
    blocks = [b for sheet in package.sheets for b in blocks_of(sheet, structure.preparer(
        sheet.name))]
    blocks = split_running(blocks, engine.reads)
    ordered, circular = order(blocks, engine.reads)
    if circular:  # blocks caught in a cycle may still be acyclic cell by cell
        more, circular = order(split_cells(circular), engine.reads)
        ordered += more
    values: dict[str, CellValues] = {s.name: CellValues() for s in package.sheets}
    skipped: dict[str, dict[tuple[int, int], str]] = {s.name: {} for s in package.sheets}
    total = sum(len(list(b.cells())) if b.array else b.rows for b in ordered)
    done = [0]

    def record(block: Block, result: np.ndarray) -> None:
        name = engine.names[block.sheet]
        sheet_values = values[name]
        plain = _plain_numbers(result) if block.array is None else None
        if plain is not None:  # a column of finite numbers: stored as they are, a run
            sheet_values.add_run(block.col, block.row1, plain)
        else:
            for (row, col), value in zip(block.cells(), result, strict=True):
                sheet_values[(row, col)] = to_python(value)
                if isinstance(value, _CellError):
                    skipped[name][(row, col)] = value.message
        done[0] += len(result)
        engine.progress(done[0], total)

    engine.on_block = record
    try:
        engine.schedule(ordered)
        volatile = _volatile_cells(engine, ordered)
        for i in range(len(ordered)):
            engine.compute(i)
        if circular and engine.structure.iteration is not None:
            iterate(engine, circular, *engine.structure.iteration)
        elif circular:
            for block, result in settle(engine, circular):
                for cell, value in zip(block.cells(), result, strict=True):
                    if isinstance(value, UnknownError):
                        skipped[engine.names[block.sheet]][cell] = UNKNOWN_REASON
                    else:
                        values[engine.names[block.sheet]][cell] = to_python(value)
                        done[0] += 1
    finally:  # the engine and record refer to each other: without this cut, the engine
        engine.on_block = None  # and the package it holds wait for the cycle collector
    cells = done[0]
    return Evaluation(values, cells, len(blocks), engine.batched, skipped,
                      time.perf_counter() - started, volatile)


def _plain_numbers(result: np.ndarray) -> list[float] | None:
    """The results as Python floats when every one is a finite number (what
    :func:`to_python` would make of them), else None."""
    if result.dtype.kind == "f":
        numbers = result
    elif result.dtype == object and all(map(_FLOAT_TYPES.__contains__, map(type, result))):
        numbers = result.astype(np.float64)
    else:
        return None
    if not np.isfinite(numbers).all():
        return None
    return numbers.astype(np.float64).tolist()


#: result types stored as plain numbers (as floats): no bool, which is its own type
_FLOAT_TYPES = frozenset({float, int, np.float64, np.int64})


def _volatile_cells(engine: _Engine, ordered: list[Block]) -> dict[str, set[tuple[int, int]]]:
    """The cells of volatile blocks: those calling a volatile function, and those reading
    one (blocks in dependency order, so one pass finds them all)."""
    found: list[Rect] = []
    out: dict[str, set[tuple[int, int]]] = {}
    for block in ordered:
        if _VOLATILE.search(block.formula) or (found and any(
                rect.sheet == v.sheet and rect.row1 <= v.row2 and rect.row2 >= v.row1
                and rect.col1 <= v.col2 and rect.col2 >= v.col1
                for rect in engine.reads(block) for v in found)):
            found.append(block.output)
            out.setdefault(engine.names[block.sheet], set()).update(block.cells())
    return out
