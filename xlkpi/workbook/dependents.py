"""Cells computed from a cell the engine could not evaluate: they keep Excel's value too.

A function that fails leaves an error in its cell, and the engine lists that cell (and
every cell the error reaches) in ``Evaluation.skipped``. A formula that hides errors
(``IFERROR``, ``ISERROR``, ``COUNT``, ``AGGREGATE``...) turns that error into an ordinary
value, which would be written as if it were right. :func:`keep_dependents` finds every
formula cell that reads a skipped cell, directly or through other cells, and lists it in
``skipped`` too, so it keeps the value Excel saved.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict, deque
from collections.abc import Iterator
from typing import Any

from xlkpi.workbook.package import Cell, Package
from xlkpi.workbook.references import address, parse_range, references

__all__ = ["keep_dependents"]

#: A rectangle of at most this many cells is indexed cell by cell; a larger one by column
#: (or, when it spans more columns than this, scanned on every look-up).
_SMALL = 256
_NAME = re.compile(r"(?<![\w.$!'\"])([A-Za-z_][\w.]*)(?![\w.(!])")
_STRING = re.compile(r'"(?:[^"]|"")*"')

_Reader = tuple[str, tuple[tuple[int, int], ...]]  # sheet name, the cells it computes
_Box = tuple[str, int, int, int, int]  # SHEET, row1, col1, row2, col2


class _Readers:
    """Which formula cells read a given cell (an index of the rectangles they read)."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, int, int], list[_Reader]] = defaultdict(list)
        self.columns: dict[tuple[str, int], list[tuple[int, int, _Reader]]] = defaultdict(list)
        self.wide: list[tuple[_Box, _Reader]] = []

    def add(self, box: _Box, reader: _Reader) -> None:
        sheet, row1, col1, row2, col2 = box
        if row1 == row2 and col1 == col2:
            self.cells[(sheet, row1, col1)].append(reader)
            return
        rows, cols = row2 - row1 + 1, col2 - col1 + 1
        if rows * cols <= _SMALL:
            for row in range(row1, row2 + 1):
                for col in range(col1, col2 + 1):
                    self.cells[(sheet, row, col)].append(reader)
        elif cols <= _SMALL:
            for col in range(col1, col2 + 1):
                self.columns[(sheet, col)].append((row1, row2, reader))
        else:
            self.wide.append((box, reader))

    def of(self, sheet: str, row: int, col: int) -> Iterator[_Reader]:
        yield from self.cells.get((sheet, row, col), ())
        for row1, row2, reader in self.columns.get((sheet, col), ()):
            if row1 <= row <= row2:
                yield reader
        for (on, row1, col1, row2, col2), reader in self.wide:
            if on == sheet and row1 <= row <= row2 and col1 <= col <= col2:
                yield reader


#: A row number in an A1 reference: digits after a column letter or ``$``, not part of a
#: name, a sheet name or a function name.
_ROW = re.compile(r"(?<=[A-Za-z$])(\d+)(?![\w!'(.])")

#: A formula's references with their row numbers taken out: (sheet, columns, the index of
#: each row number among the formula's ``_ROW`` matches, or the row itself)
_Template = tuple[tuple[str | None, int, int, int | None, int | None, int, int], ...]


class _Shapes:
    """The references of many formulas that differ only in row numbers (a column filled
    down, saved cell by cell) read from one parse: the rest by their row numbers."""

    def __init__(self) -> None:
        self.templates: dict[str, _Template | None] = {}

    def boxes(self, text: str, own: str, rows: int = 0, cols: int = 0) -> Iterator[_Box]:
        pieces = _ROW.split(text)
        key = "#".join(pieces[::2])
        if key not in self.templates:
            self.templates[key] = _template(text) if rows == cols == 0 else None
        template = self.templates[key]
        if template is None or rows or cols:  # a shared formula: its anchor's moved
            for ref in _references(text):
                r1, c1, r2, c2 = ref.rect
                fixed = ref.fixed
                yield ((ref.sheet or own).upper(), r1 + (0 if fixed[0] else rows),
                       c1 + (0 if fixed[1] else cols), r2 + (0 if fixed[2] else rows),
                       c2 + (0 if fixed[3] else cols))
            return
        numbers = pieces[1::2]
        for sheet, c1, c2, i1, i2, r1, r2 in template:
            if i1 is not None:
                r1 = int(numbers[i1])
            if i2 is not None:
                r2 = int(numbers[i2])
            yield (sheet or own, r1, c1, r2, c2) if r1 <= r2 else (sheet or own, r2, c1, r1, c2)


@functools.lru_cache(maxsize=4096)
def _references(text: str) -> tuple[Any, ...]:
    return tuple(references(text))


def _template(text: str) -> _Template | None:
    """``text``'s references with their row numbers as indexes of ``_ROW`` matches (None
    when a row number is written some other way, as in ``3:5``)."""
    runs = {m.start(): i for i, m in enumerate(_ROW.finditer(text))}
    template = []
    for ref in _references(text):
        r1, c1, r2, c2 = ref.rect
        at = [runs.get(start) for start, _ in ref.row_digits]
        if any(i is None for i in at) or ref.kind not in ("cell", "range", "columns"):
            return None
        i1 = at[0] if at else None
        i2 = at[-1] if at else None
        sheet = ref.sheet.upper() if ref.sheet else None
        template.append((sheet, c1, c2, i1, i2, r1, r2))
    return tuple(template)


def _reads(cell: Cell, own: str, names: dict[str, str], shapes: _Shapes) -> Iterator[_Box]:
    """The rectangles a formula cell reads (a shared formula's anchor references moved)."""
    if cell.text is None and cell.shared_from is not None:
        text, rows, cols = cell.shared_from
    else:
        text, rows, cols = cell.text or "", 0, 0
    yield from shapes.boxes(text, own, rows, cols)
    if names:
        for name in _NAME.findall(_STRING.sub('""', text)):
            target = names.get(name.upper())
            rect = parse_range(target.lstrip("="), own) if target else None
            if rect is not None:
                yield rect.sheet, rect.row1, rect.col1, rect.row2, rect.col2


def _outputs(cell: Cell, own: str) -> tuple[tuple[int, int], ...]:
    """The cells a formula computes: itself, or an array formula's whole range."""
    rect = parse_range(cell.array_ref, own) if cell.array_ref else None
    if rect is None:
        return ((cell.row, cell.col),)
    return tuple((r, c) for r in range(rect.row1, rect.row2 + 1)
                 for c in range(rect.col1, rect.col2 + 1))


def keep_dependents(package: Package, values: dict[str, dict[tuple[int, int], Any]],
                    skipped: dict[str, dict[tuple[int, int], str]]) -> None:
    """Add to ``skipped`` every evaluated cell that reads, directly or not, a skipped cell
    whose computed value took part in the evaluation (not a circular reference, which was
    read as Excel saved it)."""
    sources = [(sheet, key) for sheet, cells in skipped.items() for key in cells
               if key in values.get(sheet, {})]
    if not sources:
        return
    names = {s.name.upper(): s.name for s in package.sheets}
    index, shapes = _Readers(), _Shapes()
    for sheet in package.sheets:
        own, done = sheet.name.upper(), skipped.get(sheet.name, {})
        for key, cell in sheet.objects.items():  # formula cells are always objects
            if key in done or not cell.has_formula:
                continue
            reader = (sheet.name, _outputs(cell, own))
            for box in _reads(cell, own, package.defined_names, shapes):
                index.add(box, reader)
    queue = deque((sheet.upper(), row, col) for sheet, (row, col) in sources)
    while queue:
        sheet, row, col = queue.popleft()
        for name, outputs in index.of(sheet, row, col):
            done, computed = skipped.setdefault(name, {}), values.get(name, {})
            for key in outputs:
                if key in done or key not in computed:
                    continue
                done[key] = (f"reads {names.get(sheet, sheet)}!{address(row, col)}, which "
                             "could not be evaluated")
                queue.append((name.upper(), *key))
