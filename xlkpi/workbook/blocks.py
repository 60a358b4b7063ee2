"""Formula cells grouped into blocks, and blocks put in the order they can be computed.

A block is consecutive rows of one column holding the same formula in R1C1 form (a
column filled down, or an Excel shared formula), a single cell, or an array formula with
its spill range. A block waits for every block whose cells its references touch.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise, repeat
from operator import itemgetter, ne
from typing import Any

import numpy as np

from xlkpi.workbook.package import Sheet
from xlkpi.workbook.references import (
    MAX_ROW,
    Rect,
    Reference,
    parse_cell,
    references,
    shift_formula,
)

__all__ = ["Block", "blocks_of", "order", "reads", "split_cells", "split_running"]

#: Functions that read a reference's place, not its values: not a dependency.
_GEOMETRY = frozenset({"ROW", "COLUMN", "ROWS", "COLUMNS", "ISREF", "ISFORMULA",
                       "FORMULATEXT", "SHEET", "AREAS", "_XLFN.ISFORMULA",
                       "_XLFN.FORMULATEXT", "_XLFN.SHEET"})


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


_DIGITS = re.compile(r"[0-9]+")
_A1 = re.compile(r"^[A-Z]{1,3}[0-9]+$")


def _count_until(flags: Iterator[bool]) -> int:
    """How many of ``flags`` come before the first true one (all of them if none is)."""
    held = list(flags)
    try:
        return held.index(True)
    except ValueError:
        return len(held)


class _FillPattern:
    """Recognises the same formula filled down: the text the first cell's formula takes
    ``k`` rows further down (its moving row numbers plus ``k``) is exactly the text of a
    cell that continues the block, so the R1C1 forms are then equal."""

    def __init__(self, block: Block) -> None:
        self.block = block
        #: the first cell's formula needed no rewriting (see ``blocks_of``'s prepare)
        self.plain = True
        moving = {at for ref in block.refs for at, moves in ref.row_digits if moves}
        self.pieces: list[str] = []
        self.rows: list[int] = []
        last = 0
        for run in _DIGITS.finditer(block.formula):
            if run.start() in moving:
                self.pieces.append(block.formula[last:run.start()])
                self.rows.append(int(run.group()))
                last = run.end()
        self.pieces.append(block.formula[last:])
        #: the formula with a ``{}`` at each moving row number
        self.template = "{}".join(piece.replace("{", "{{").replace("}", "}}")
                                  for piece in self.pieces)

    def text_at(self, row: int) -> str:
        """The text the block's first formula takes when filled down to ``row``."""
        return self.template.format(*[n + row - self.block.row1 for n in self.rows])

    def run(self, rows: list[int], texts: list[str | None], start: int) -> int:
        """How many of the column's formula cells from ``start`` on (``rows`` in order,
        ``texts`` their normal formulas' texts, None for other kinds) continue the block as
        plain formulas filled down."""
        offsets = [n - self.block.row1 for n in self.rows]

        def expected(row: int, count: int) -> Iterator[str]:
            if not offsets:  # no row moves: one text
                return repeat(self.text_at(row), count)
            return map(self.template.format, *[
                range(row + offset, row + offset + count) for offset in offsets])

        return _continuing(rows, start, texts, expected)

    def extends(self, formula: str, row: int) -> bool:
        return row == self.block.row2 + 1 and formula == self.text_at(row)


def blocks_of(sheet: Sheet, prepare: Callable[[str, int, int], str] | None = None
              ) -> list[Block]:
    """Group a sheet's formula cells into filled-down runs, single cells and arrays.

    ``prepare(text, row, col)`` rewrites each formula first (tables, 3-D references).
    """
    name = sheet.name.upper()

    needs = getattr(prepare, "needs", None) or (lambda text: prepare is not None)

    def text_of(cell: Any, row: int, col: int) -> str:
        text = str(cell.formula)
        return prepare(text, row, col) if needs(text) else text  # type: ignore[misc]

    formulas = sheet.formulas
    blocks: list[Block] = []
    for col, (rows, cells, texts, shared) in _formula_columns(sheet).items():
        pattern: _FillPattern | None = None
        shared_key = None
        at = 0
        while at < len(cells):
            row, cell = rows[at], cells[at]
            if type(cell) is int:  # a plain formula cell held in the sheet's arrays
                cell = formulas.cell(cell)  # type: ignore[union-attr]
            at += 1
            kind = cell.formula_type
            if kind == "normal" and not cell.text:
                continue  # <f ca="1"/> inside an array formula's range: the anchor computes it
            if kind == "array":
                blocks.append(_array_block(name, row, col, cell, text_of(cell, row, col)))
                pattern = None
                continue
            if (pattern is not None and row == pattern.block.row2 + 1
                    and kind == "shared" and shared_key is not None
                    and cell.shared_index == shared_key and pattern.plain):
                pattern.block.row2 = row  # the same shared formula, nothing rewritten
                continue
            if (pattern is not None and pattern.plain and row == pattern.block.row2 + 1
                    and pattern.extends(str(cell.formula), row)):
                pattern.block.row2 = row  # a plain formula filled down: nothing to rewrite
                continue
            text = text_of(cell, row, col)
            if pattern is not None and row == pattern.block.row2 + 1 and pattern.extends(
                    text, row):
                pattern.block.row2 = row
                continue
            block = Block(name, col, row, row, text, list(references(text)))
            pattern = _FillPattern(block)
            pattern.plain = text == cell.formula
            shared_key = cell.shared_index if cell.formula_type == "shared" else None
            blocks.append(block)
            if pattern.plain and kind == "normal":
                filled = pattern.run(rows, texts, at)  # the cells after it that continue it
            elif pattern.plain and shared_key is not None:  # the next cells sharing it
                filled = _continuing(rows, at, shared,
                                     lambda _, count, key=shared_key: repeat(key, count))
            else:
                filled = 0
            if filled:
                at += filled
                block.row2 = rows[at - 1]
    return blocks


#: a column's formula cells in row order: their rows; each cell (a Cell, or the index of
#: one held in ``sheet.formulas``); each normal formula's text (None for a shared or array
#: formula); each shared formula's index (None for any other)
_Column = tuple[list[int], list[Any], list[str | None], list[str | None]]


def _continuing(rows: list[int], start: int, found: list[Any],
                expected: Callable[[int, int], Iterator[Any]]) -> int:
    """How many of a column's cells from ``start`` on are the rows right after
    ``rows[start - 1]`` and hold what ``expected(row, count)`` gives for ``count`` rows
    from ``row`` (``found``: what each cell holds). Compared a chunk at a time (growing, so
    a short run costs little and a long one few steps), each chunk by ``map`` in C."""
    done, size = 0, 16
    first = rows[start - 1] + 1
    while start + done < len(rows):
        at = start + done
        part = rows[at: at + size]
        row = first + done
        count = _count_until(map(ne, part, range(row, row + len(part))))
        same = _count_until(map(ne, found[at: at + count], expected(row, count)))
        done += same
        if same < len(part):
            break
        size *= 4
    return done


def _formula_columns(sheet: Sheet) -> dict[int, _Column]:
    """Each column's formula cells (see ``_Column``)."""
    columns: dict[int, _Column] = {}
    formulas = sheet.formulas
    if formulas is not None and len(formulas):
        order = np.argsort(formulas.cols.astype(np.int16), kind="stable")  # rows ascending
        for part in np.split(order, np.flatnonzero(np.diff(formulas.cols[order])) + 1):
            picked = part.tolist()
            columns[int(formulas.cols[part[0]])] = (
                formulas.rows[part].tolist(), picked,
                list(map(formulas.texts.__getitem__, picked)),
                list(map(formulas.shared.__getitem__, picked)))
    objects: dict[int, list[tuple[int, Any, str | None, str | None]]] = defaultdict(list)
    for (row, col), cell in sheet.held.items():
        if cell.has_formula:
            kind = cell.formula_type
            objects[col].append((row, cell, cell.text if kind == "normal" else None,
                                 cell.shared_index if kind == "shared" else None))
    for col, listed in objects.items():
        if col in columns:  # beside cells held in the arrays
            listed += zip(*columns[col], strict=True)
        if any(a[0] > b[0] for a, b in pairwise(listed)):
            listed.sort(key=itemgetter(0))  # out of order, or two kinds of cell
        rows, cells, texts, shared = (list(part) for part in zip(*listed, strict=True))
        columns[col] = rows, cells, texts, shared
    return columns


def _array_block(sheet: str, row: int, col: int, cell: Any, text: str) -> Block:
    target = Rect(sheet, row, col, row, col)
    if cell.array_ref:
        first, _, last = cell.array_ref.partition(":")
        r1, c1 = parse_cell(first)
        r2, c2 = parse_cell(last or first)
        target = Rect(sheet, r1, c1, r2, c2)
    return Block(sheet, col, row, row, text, list(references(text)), array=target)


def reads(block: Block, rect_of: Callable[[str, str], Rect | None],
      used_rows: Callable[[str], int | None]) -> list[Rect]:
    """Every cell the block reads, as rectangles (moving references over all its rows).

    ``rect_of`` resolves a defined name; ``used_rows`` gives a sheet's last used row.
    """
    rects = []
    for ref in block.refs:
        if ref.calls and ref.calls[-1][0] in _GEOMETRY and ref.calls[-1][1] == 0:
            continue
        rect = ref.resolve(block.sheet)
        r1, c1, r2, c2 = rect.row1, rect.col1, rect.row2, rect.col2
        if not ref.fixed[0]:
            r2 = max(r2, r1 + block.rows - 1) if ref.fixed[2] else r2
        if not ref.fixed[2]:
            r2 = r2 + block.rows - 1
        if r2 == MAX_ROW and used_rows(rect.sheet) is not None:
            r2 = max(used_rows(rect.sheet) or 1, r1)
        rects.append(Rect(rect.sheet, r1, c1, min(r2, MAX_ROW), c2))
    for name in _names(block.formula):
        if _A1.match(name):
            continue  # a cell reference, found above
        rect = rect_of(name, block.sheet)
        if rect is not None:
            rects.append(rect)
    return rects


def _names(formula: str) -> list[str]:
    return [m.upper() for m in re.findall(r"(?<![\w.$!'\"])([A-Za-z_][\w.]*)(?![\w.(!])",
                                          _strip_strings(formula))]


def _strip_strings(formula: str) -> str:
    return re.sub(r'"(?:[^"]|"")*"', '""', formula)


def order(blocks: list[Block], inputs: Callable[[Block], list[Rect]]
          ) -> tuple[list[Block], list[Block]]:
    """Blocks in dependency order, and the blocks caught in a circular reference.

    A block waits for every block whose cells it reads; one that reads its own cells
    (``=A1+1`` in A1) is circular.
    """
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
        for rect in inputs(block):
            cols = [c for c in columns_by_sheet.get(rect.sheet, ())
                    if rect.col1 <= c <= rect.col2]
            for col in cols:
                spans = index[(rect.sheet, col)]
                stop = bisect.bisect_right(starts[(rect.sheet, col)], rect.row2)
                for _row1, row2, j in spans[:stop]:
                    if row2 >= rect.row1:
                        waits_for[i].add(j)
    ready = deque(i for i, deps in enumerate(waits_for) if not deps)
    users: list[list[int]] = [[] for _ in blocks]
    for i, deps in enumerate(waits_for):
        for j in deps:
            users[j].append(i)
    remaining = [len(deps) for deps in waits_for]
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


def split_cells(blocks: list[Block]) -> list[Block]:
    """Filled-down blocks as one block per cell (arrays stay whole)."""
    out = []
    for block in blocks:
        if block.rows == 1 or block.array is not None:
            out.append(block)
            continue
        for offset in range(block.rows):
            text = shift_formula(block.formula, offset)
            out.append(Block(block.sheet, block.col, block.row1 + offset,
                             block.row1 + offset, text, list(references(text))))
    return out


def split_running(blocks: list[Block], inputs: Callable[[Block], list[Rect]]
                  ) -> list[Block]:
    """A filled-down block that reads its own column (a running total) runs cell by cell."""
    out = []
    for block in blocks:
        if block.rows > 1 and block.array is None and any(
            rect.sheet == block.sheet and rect.col1 <= block.col <= rect.col2
            and rect.row1 <= block.row2 and rect.row2 >= block.row1
            for rect in inputs(block)
        ):
            for offset in range(block.rows):
                text = shift_formula(block.formula, offset)
                out.append(Block(block.sheet, block.col, block.row1 + offset,
                                 block.row1 + offset, text, list(references(text))))
        else:
            out.append(block)
    return out
