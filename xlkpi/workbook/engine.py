"""Evaluate every formula of a workbook, a filled-down column at a time.

Formula cells are grouped into *blocks*: consecutive rows of one column holding the same
formula in R1C1 form (a column filled down), a single cell, or an array formula with its
spill range. Blocks are ordered by their dependencies (a block waits for every block whose
cells its references touch) and evaluated with the ``formulas`` package, each distinct
formula compiled once. A block whose moving references are single cells in element-by-
element positions (see :data:`~xlkpi.workbook.excel_functions.ELEMENTWISE`) is evaluated in
one call over whole columns; any other block runs cell by cell with the same compiled
formula. Full-column references (``A:A``) are cut to the rows the sheet uses.
"""

from __future__ import annotations

import bisect
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import formulas
import numpy as np
from formulas.functions import Array
from formulas.tokens.operand import XlError

from xlkpi.errors import ExcelError
from xlkpi.functions import get as get_kpi_function
from xlkpi.workbook.excel_functions import ELEMENTWISE, EMPTY, POSITIONAL, xl_error
from xlkpi.workbook.package import Package, Sheet
from xlkpi.workbook.references import (
    MAX_ROW,
    Rect,
    Reference,
    parse_cell,
    parse_range,
    r1c1_key,
    references,
    shift_formula,
)

__all__ = ["Block", "Evaluation", "evaluate"]

_PARSER = formulas.Parser()


@dataclass
class Block:
    """Formula cells evaluated together: rows ``row1..row2`` of one column, one formula."""

    sheet: str  # upper case
    col: int
    row1: int
    row2: int
    formula: str  # the first cell's formula text
    refs: list[Reference]
    #: an array formula's result range (the block writes all of it)
    array: Rect | None = None
    inputs: list[Rect] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.row2 - self.row1 + 1

    @property
    def output(self) -> Rect:
        return self.array or Rect(self.sheet, self.row1, self.col, self.row2, self.col)

    def cells(self) -> Iterator[tuple[int, int]]:
        out = self.output
        for row in range(out.row1, out.row2 + 1):
            for col in range(out.col1, out.col2 + 1):
                yield row, col


@dataclass
class Evaluation:
    """What the engine computed: new values per sheet, and how the work went."""

    #: sheet name (as in the workbook) -> {(row, col): value}, values as Python objects
    values: dict[str, dict[tuple[int, int], Any]]
    cells: int
    blocks: int
    batched_cells: int
    #: formula cells that could not be evaluated, with the reason ("circular reference")
    skipped: dict[str, dict[tuple[int, int], str]]
    seconds: float


class _Grid:
    """A sheet's values by column, as ``formulas`` wants them (``EMPTY`` for blanks)."""

    def __init__(self, sheet: Sheet) -> None:
        self.max_row = max(sheet.max_row, 1)
        self.columns: dict[int, np.ndarray] = {}
        for (row, col), cell in sheet.cells.items():
            self.column(col)[row] = _to_formulas(cell.value)

    def column(self, col: int) -> np.ndarray:
        if col not in self.columns:
            column = np.empty(self.max_row + 1, dtype=object)
            column[:] = EMPTY
            self.columns[col] = column
        return self.columns[col]

    def read(self, rect: Rect) -> np.ndarray:
        row2 = min(rect.row2, self.max_row) if rect.row2 == MAX_ROW else rect.row2
        col2 = min(rect.col2, max(self.columns, default=1)) if rect.col1 == 1 and \
            rect.col2 >= 16384 else rect.col2
        rows = max(row2 - rect.row1 + 1, 0)
        out = np.empty((rows, col2 - rect.col1 + 1), dtype=object)
        out[:] = EMPTY
        top = min(row2, self.max_row)
        for col in range(rect.col1, col2 + 1):
            column = self.columns.get(col)
            if column is not None and top >= rect.row1:
                out[: top - rect.row1 + 1, col - rect.col1] = column[rect.row1: top + 1]
        return out.view(Array)

    def write(self, rows: range, col: int, values: np.ndarray) -> None:
        column = self.column(col)
        if rows.stop - 1 > self.max_row:
            grown = {c: np.concatenate([v, np.full(rows.stop - 1 - self.max_row, EMPTY,
                                                   dtype=object)])
                     for c, v in self.columns.items()}
            self.columns.update(grown)
            self.max_row = rows.stop - 1
            column = self.columns[col]
        column[rows.start: rows.stop] = values


def _to_formulas(value: Any) -> Any:
    if value is None:
        return EMPTY
    if isinstance(value, ExcelError):
        return xl_error(str(value))
    return value


def _to_python(value: Any) -> Any:
    """A ``formulas`` result element as a cell value (errors as ExcelError)."""
    if isinstance(value, XlError):
        return ExcelError(str(value))
    if value is EMPTY:
        return 0.0
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, float) and not np.isfinite(value):
        return ExcelError("#NUM!")
    return value


def _blocks(sheet: Sheet) -> list[Block]:
    """Group a sheet's formula cells into filled-down runs, single cells and arrays."""
    name = sheet.name.upper()
    by_column: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for (row, col), cell in sheet.cells.items():
        if cell.formula is not None:
            by_column[col].append((row, cell))
    blocks: list[Block] = []
    for col, cells in by_column.items():
        cells.sort(key=lambda item: item[0])
        current: Block | None = None
        current_key = None
        shared_key = None
        for row, cell in cells:
            if cell.formula_type == "array":
                blocks.append(_array_block(name, row, col, cell))
                current = None
                continue
            if (cell.formula_type == "shared" and current is not None and shared_key is not None
                    and cell.shared_index == shared_key and row == current.row2 + 1):
                current.row2 = row
                continue
            key = r1c1_key(cell.formula, row, col)
            if current is not None and key == current_key and row == current.row2 + 1:
                current.row2 = row
                continue
            current = Block(name, col, row, row, str(cell.formula), list(references(
                cell.formula)))
            current_key = key
            shared_key = cell.shared_index if cell.formula_type == "shared" else None
            blocks.append(current)
    return blocks


def _array_block(sheet: str, row: int, col: int, cell: Any) -> Block:
    target = Rect(sheet, row, col, row, col)
    if cell.array_ref:
        first, _, last = cell.array_ref.partition(":")
        r1, c1 = parse_cell(first)
        r2, c2 = parse_cell(last or first)
        target = Rect(sheet, r1, c1, r2, c2)
    return Block(sheet, col, row, row, cell.formula, list(references(cell.formula)),
                 array=target)


class _Engine:
    def __init__(self, package: Package, progress: Callable[[int, int], None] | None) -> None:
        self.package = package
        self.progress = progress or (lambda done, total: None)
        self.grids = {s.name.upper(): _Grid(s) for s in package.sheets}
        self.names = {s.name.upper(): s.name for s in package.sheets}
        self.compiled: dict[str, Any] = {}
        self.batched = 0
        self.batch = True

    # ------------------------------------------------------------ references
    def rect(self, name: str, sheet: str) -> Rect | None:
        """A ``formulas`` input name (a range or a defined name) as a rectangle."""
        rect = parse_range(name, sheet)
        if rect is None and name.upper() in self.package.defined_names:
            target = self.package.defined_names[name.upper()].lstrip("=")
            rect = parse_range(target, sheet)
        if rect is not None and rect.row2 == MAX_ROW and rect.sheet in self.grids:
            rect = Rect(rect.sheet, rect.row1, rect.col1,
                        max(self.grids[rect.sheet].max_row, rect.row1), rect.col2)
        return rect

    def read(self, rect: Rect) -> Any:
        grid = self.grids.get(rect.sheet)
        if grid is None:
            return xl_error("#REF!")
        return grid.read(rect)

    def input_rects(self, block: Block) -> list[Rect]:
        """Every cell the block reads, as rectangles (moving references over all rows)."""
        rects = []
        for ref in block.refs:
            rect = ref.resolve(block.sheet)
            r1, c1, r2, c2 = rect.row1, rect.col1, rect.row2, rect.col2
            if not ref.fixed[0]:
                r2 = max(r2, r1 + block.rows - 1) if ref.fixed[2] else r2
            if not ref.fixed[2]:
                r2 = r2 + block.rows - 1
            if r2 == MAX_ROW and rect.sheet in self.grids:
                r2 = self.grids[rect.sheet].max_row
            rects.append(Rect(rect.sheet, r1, c1, min(r2, MAX_ROW), c2))
        for name in _names(block.formula):
            target = self.package.defined_names.get(name)
            rect = parse_range(target.lstrip("="), block.sheet) if target else None
            if rect is not None:
                rects.append(self.rect(name, block.sheet) or rect)
        return rects

    # ------------------------------------------------------------ evaluation
    def compile(self, formula: str) -> Any:
        if formula not in self.compiled:
            self.compiled[formula] = _PARSER.ast("=" + formula)[1].compile()
        return self.compiled[formula]

    def evaluate(self, block: Block) -> np.ndarray:
        """The block's values (one per output cell, in row order) as ``formulas`` values."""
        try:
            function = self.compile(block.formula)
        except Exception as err:  # formulas raises many kinds on unsupported syntax
            return _filled(block, "#NAME?", f"cannot evaluate: {err}")
        rects = [self.rect(name, block.sheet) for name in function.inputs]
        if block.array is not None:
            result = np.asarray(self.call(function, self.args(rects)), dtype=object)
            return _spill(result, block.array)
        motion = _motion(block, rects)
        if (self.batch and block.rows > 1 and motion is not None
                and _batchable(block, rects, motion)):
            args = self.args([_moved(rect, ref, 0, block.rows) for rect, ref in
                              zip(rects, motion, strict=True)])
            result = np.asarray(self.call(function, args), dtype=object)
            if result.ndim == 2 and result.shape == (block.rows, 1):
                self.batched += block.rows
                return result[:, 0]
            if result.size == 1:
                self.batched += block.rows
                return np.full(block.rows, result.ravel()[0], dtype=object)
        return self.per_cell(block, function, rects, motion)

    def args(self, rects: list[Rect | None]) -> list[Any]:
        return [self.read(r) if r is not None else xl_error("#NAME?") for r in rects]

    def per_cell(self, block: Block, function: Any, rects: list[Rect | None],
                 motion: list[Reference | None] | None) -> np.ndarray:
        """Each cell alone (written as it goes, so a cell can read the one above it)."""
        out = np.empty(block.rows, dtype=object)
        grid = self.grids[block.sheet]
        for offset in range(block.rows):
            if motion is not None:
                cell_function = function
                cell_rects = [_moved(rect, ref, offset, 1) for rect, ref in
                              zip(rects, motion, strict=True)]
            else:
                text = shift_formula(block.formula, offset)
                try:
                    cell_function = self.compile(text)
                except Exception as err:  # unsupported syntax after the shift
                    out[offset] = _CellError("#NAME?", f"cannot evaluate: {err}")
                    continue
                cell_rects = [self.rect(name, block.sheet) for name in cell_function.inputs]
            value = np.asarray(self.call(cell_function, self.args(cell_rects)), dtype=object)
            out[offset] = value.ravel()[0] if value.size else EMPTY
            row = block.row1 + offset
            grid.write(range(row, row + 1), block.col, out[offset: offset + 1])
        return out

    def call(self, function: Any, args: list[Any]) -> Any:
        try:
            return function(*args)
        except Exception as err:  # a function that raises gives #VALUE! in its cell
            return _CellError("#VALUE!", f"{type(err).__name__}: {err}")


class _CellError(XlError):
    """An error raised inside a function, kept with its message for the report."""

    message: str

    def __new__(cls, code: str, message: str) -> _CellError:
        obj = super().__new__(cls, code)
        obj.message = message
        return obj


def _motion(block: Block, rects: list[Rect | None]) -> list[Reference | None] | None:
    """For each input, the reference that says how it moves down the block (None: fixed).

    None overall when one input stands for references that move differently.
    """
    motion: list[Reference | None] = []
    for rect in rects:
        matches = [ref for ref in block.refs if rect is not None
                   and ref.resolve(block.sheet) == rect]
        flags = {(ref.fixed[0], ref.fixed[2]) for ref in matches}
        if len(flags) > 1:
            return None
        moving = [ref for ref in matches if ref.row_relative]
        motion.append(moving[0] if moving else None)
    return motion


def _moved(rect: Rect | None, ref: Reference | None, offset: int, rows: int) -> Rect | None:
    """The input rectangle ``offset`` rows down; ``rows`` > 1 stacks a moving cell's rows."""
    if rect is None or ref is None:
        return rect
    row1 = rect.row1 + (0 if ref.fixed[0] else offset)
    row2 = rect.row2 + (0 if ref.fixed[2] else offset) + rows - 1
    return Rect(rect.sheet, row1, rect.col1, row2, rect.col2)


def _batchable(block: Block, rects: list[Rect | None],
               motion: list[Reference | None]) -> bool:
    """True when one call over whole columns means the same as one call per cell."""
    if any(name in POSITIONAL for ref in block.refs for name, _ in ref.calls):
        return False
    if any(re.search(rf"\b{name}\(", block.formula, re.IGNORECASE) for name in POSITIONAL):
        return False
    for rect, ref in zip(rects, motion, strict=True):
        if ref is None:
            continue
        matches = [r for r in block.refs if r.resolve(block.sheet) == rect]
        if any(r.kind != "cell" or not _elementwise(r) for r in matches):
            return False
    return True


def _elementwise(ref: Reference) -> bool:
    for name, position in ref.calls:
        if name in ELEMENTWISE:
            positions = ELEMENTWISE[name]
            if positions is None or position in positions:
                continue
            return False
        try:
            function = get_kpi_function(name)
        except KeyError:
            return False
        if position >= len(function.args):
            return False
        if function.args[position].kind != "value":
            return False
    return True


def _names(formula: str) -> list[str]:
    return [m.upper() for m in re.findall(r"(?<![\w.$!'\"])([A-Za-z_][\w.]*)(?![\w.(!])",
                                          _strip_strings(formula))]


def _strip_strings(formula: str) -> str:
    return re.sub(r'"(?:[^"]|"")*"', '""', formula)


def _filled(block: Block, code: str, message: str) -> np.ndarray:
    error = _CellError(code, message)
    return np.full(len(list(block.cells())) if block.array else block.rows, error,
                   dtype=object)


def _spill(result: np.ndarray, target: Rect) -> np.ndarray:
    rows, cols = target.shape
    grid = np.atleast_2d(result) if result.ndim else np.array([[result[()]]], dtype=object)
    out = np.full((rows, cols), xl_error("#N/A"), dtype=object)
    if grid.shape[0] == 1 and grid.shape[1] == 1:
        out[:] = grid[0, 0]
    else:
        r, c = min(rows, grid.shape[0]), min(cols, grid.shape[1])
        out[:r, :c] = grid[:r, :c]
    return out.ravel()


def _order(blocks: list[Block], engine: _Engine) -> tuple[list[Block], list[Block]]:
    """Blocks in dependency order, and the blocks caught in a circular reference."""
    index: dict[tuple[str, int], list[tuple[int, int, int]]] = defaultdict(list)
    for i, block in enumerate(blocks):
        out = block.output
        for col in range(out.col1, out.col2 + 1):
            index[(out.sheet, col)].append((out.row1, out.row2, i))
    starts = {}
    for key, spans in index.items():
        spans.sort()
        starts[key] = [s[0] for s in spans]
    columns_by_sheet: dict[str, list[int]] = defaultdict(list)
    for sheet, col in index:
        columns_by_sheet[sheet].append(col)
    waits_for: list[set[int]] = [set() for _ in blocks]
    for i, block in enumerate(blocks):
        for rect in engine.input_rects(block):
            cols = [c for c in columns_by_sheet.get(rect.sheet, ())
                    if rect.col1 <= c <= rect.col2]
            for col in cols:
                spans = index[(rect.sheet, col)]
                stop = bisect.bisect_right(starts[(rect.sheet, col)], rect.row2)
                for _row1, row2, j in spans[:stop]:
                    if row2 >= rect.row1:
                        waits_for[i].add(j)
    ready = deque(i for i, deps in enumerate(waits_for) if not deps - {i})
    users: list[list[int]] = [[] for _ in blocks]
    for i, deps in enumerate(waits_for):
        for j in deps - {i}:
            users[j].append(i)
    remaining = [len(deps - {i}) for i, deps in enumerate(waits_for)]
    order = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for user in users[i]:
            remaining[user] -= 1
            if remaining[user] == 0:
                ready.append(user)
    done = set(order)
    return [blocks[i] for i in order], [b for i, b in enumerate(blocks) if i not in done]


def _split_self_references(blocks: list[Block], engine: _Engine) -> list[Block]:
    """A filled-down block that reads its own column (a running total) runs cell by cell."""
    out = []
    for block in blocks:
        if block.rows > 1 and block.array is None and any(
            rect.sheet == block.sheet and rect.col1 <= block.col <= rect.col2
            and rect.row1 <= block.row2 and rect.row2 >= block.row1
            for rect in engine.input_rects(block)
        ):
            for offset in range(block.rows):
                text = shift_formula(block.formula, offset)
                out.append(Block(block.sheet, block.col, block.row1 + offset,
                                 block.row1 + offset, text, list(references(text))))
        else:
            out.append(block)
    return out


def evaluate(package: Package, progress: Callable[[int, int], None] | None = None,
             batch: bool = True) -> Evaluation:
    """Evaluate every formula cell of the package; nothing is written.

    ``batch=False`` evaluates every cell alone (slow; the tests' reference path).
    """
    started = time.perf_counter()
    engine = _Engine(package, progress)
    engine.batch = batch
    blocks = [b for sheet in package.sheets for b in _blocks(sheet)]
    blocks = _split_self_references(blocks, engine)
    ordered, circular = _order(blocks, engine)
    values: dict[str, dict[tuple[int, int], Any]] = {s.name: {} for s in package.sheets}
    skipped: dict[str, dict[tuple[int, int], str]] = {s.name: {} for s in package.sheets}
    cells = 0
    total = sum(len(list(b.cells())) if b.array else b.rows for b in ordered)
    for block in ordered:
        result = engine.evaluate(block)
        name = engine.names[block.sheet]
        out = block.output
        if block.array is None:
            engine.grids[block.sheet].write(range(block.row1, block.row2 + 1), block.col,
                                            result)
        else:
            grid = result.reshape(out.shape)
            for c in range(out.col1, out.col2 + 1):
                engine.grids[block.sheet].write(range(out.row1, out.row2 + 1), c,
                                                grid[:, c - out.col1])
        sheet_values = values[name]
        for (row, col), value in zip(block.cells(), result, strict=True):
            sheet_values[(row, col)] = _to_python(value)
            if isinstance(value, _CellError):
                skipped[name][(row, col)] = value.message
        cells += len(result)
        engine.progress(cells, total)
    for block in circular:
        for cell in block.cells():
            skipped[engine.names[block.sheet]][cell] = "circular reference"
    return Evaluation(values, cells, len(blocks), engine.batched, skipped,
                      time.perf_counter() - started)
