"""A worksheet's cells read from its XML text.

The cells in the common forms are found in bulk first (:mod:`.sheet_bulk`); the others,
and every cell of a sheet the bulk reader declines, are read here one at a time. Each
cell element is found by one regular expression (``_CELLS``: the form Excel and
openpyxl write, read from the match's groups, else any form, read by ``_cell``). Value
cells go to :class:`~xlkpi.workbook.sheets.Constants` and plain formula cells to
:class:`~xlkpi.workbook.sheets.Formulas` (columns, no object per cell); shared and array
formulas and cells in an unusual form become :class:`~xlkpi.workbook.sheets.Cell`.
"""

from __future__ import annotations

import functools
import html
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from xlkpi.workbook import sheet_bulk
from xlkpi.workbook.forked import ChildLostError, Forked, can_fork
from xlkpi.workbook.references import col_number
from xlkpi.workbook.sheets import ROW_STEP, VALUE_IN_ELEMENT, Cell, Constants, Formulas
from xlkpi.workbook.stored_values import (
    attributes,
    decode_xstring,
    sharing_index,
    stored_value,
)

__all__ = ["PARALLEL_FROM", "PackageError", "SheetReader"]


_CELL = re.compile(
    r"<(?P<p>[A-Za-z_][\w.-]*:)?c(?=[\s/>])(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</(?P=p)?c>)",
    re.DOTALL,
)
#: A cell as Excel and openpyxl write most of them: ``r``, ``s`` and ``t`` attributes with
#: double quotes, then at most a formula (``<f>`` with or without attributes) and one
#: ``<v>`` with text, or an inline string of one plain ``<t>`` (openpyxl's text cells).
#: Tried first at each cell; any other form is read by ``_CELL``. Both match the same
#: span (the first ``</c>``), so the cells found are the same.
_SIMPLE_CELL = (
    r'<c r="(?P<fcol>[A-Z]{1,3})(?P<frow>[1-9][0-9]{0,6})"(?: s="[0-9]+")?'
    r'(?: t="(?P<ft>[a-zA-Z]+)")?(?: s="[0-9]+")?'
    r'(?:/>|>(?:<f(?P<ffa>(?: [a-z]+="[^"<>]*")*)(?:/>|>(?P<fff>[^<]*)</f>))?'
    r'(?:<v>(?P<fv>[^<]*)</v>|<is><t>(?P<fis>[^<]*)</t></is>)?</c>)'
)
_CELLS = re.compile(_SIMPLE_CELL + "|" + _CELL.pattern, re.DOTALL)
_FORMULA = re.compile(
    r"<(?:[\w.-]+:)?f(?=[\s/>])(?P<attrs>[^>]*?)(?:/>|>(?P<text>.*?)</(?:[\w.-]+:)?f>)",
    re.DOTALL,
)
_VALUE = re.compile(r"<(?P<p>[\w.-]+:)?v(?=[\s/>])[^>]*?(?:/>|>(?P<text>.*?)</(?:[\w.-]+:)?v>)",
                    re.DOTALL)
_R_ATTR = re.compile(r"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_T_TYPE = re.compile(r"""(?:^|\s)t\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ADDRESS = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


class PackageError(ValueError):
    """The file is not a workbook this engine can read (named in the message)."""


def _attribute(pattern: re.Pattern[str], head: str) -> str | None:
    """An attribute's value in a start tag (fast path for Excel's ` r="A1"` form)."""
    name = ' r="' if pattern is _R_ATTR else ' t="'
    at = head.find(name)
    if at >= 0:
        return head[at + 4: head.index('"', at + 4)]
    if "=" not in head:
        return None
    found = pattern.search(head)
    if not found:
        return None
    return found.group(1) if found.group(1) is not None else found.group(2)


@functools.cache
def _column(letters: str) -> int:
    return col_number(letters)


#: a sheet text this long or longer is read in two halves, the second by a forked child
#: process, where one can be (see :mod:`xlkpi.workbook.forked`); below it, the fork and
#: the pickled half sent back cost more than they save
PARALLEL_FROM = 4 << 20


@dataclass
class _Scanned:
    """The cells found in one stretch of a sheet's text."""

    objects: dict[tuple[int, int], Cell]
    constants: Constants
    formulas: Formulas
    #: the first and last addresses read, as numbers (see ROW_STEP; -1: no cell)
    first: int
    last: int
    in_order: bool
    anchors: dict[str, tuple[str, int, int]]
    pending: list[tuple[Cell, str]]


class SheetReader:
    """Reads one sheet's cells; ``where`` names it in messages (file and sheet)."""

    def __init__(self, where: str, shared: list[str]) -> None:
        self.where = where
        self.shared = shared

    def read(self, text: str
             ) -> tuple[dict[tuple[int, int], Cell], Constants | None, Formulas | None]:
        """The sheet's cells: those read one by one by address, value cells and plain
        formula cells as columns; a cell listed twice or out of order makes every cell an
        object, the later one kept.

        The cells in the common forms are read in bulk (:mod:`.sheet_bulk`: 0.75 -> 0.3 s
        for the 100,000-row bench sheet), the others one at a time. A sheet the bulk
        reader declines is read a cell at a time, a long one in two halves at once, split
        where a row starts: the second by a forked child process, where one can be (0.75
        -> 0.45 s with two cores), else by this process after the first. (The bulk reader
        in two halves saved nothing: the child's pickled columns cost what it saved.)
        """
        bulk = sheet_bulk.scan(text, self.shared, self._text_value)
        found = self._with_others(text, bulk) if bulk is not None else None
        if found is not None:
            return self._assembled([found])
        # the child's share a little under half: it also pickles what it found, and the
        # pipe carries it (measured: both halves then end together)
        split = text.find("<row", len(text) * 5 // 9) if len(text) >= PARALLEL_FROM else -1
        if split < 0 or not can_fork():
            return self._assembled([self._scan(_CELLS.finditer(text))])
        with Forked(lambda: self._scan(_CELLS.finditer(text, split))) as child:
            first = self._scan(_CELLS.finditer(text, 0, split))
            try:
                second = child.result()
            except ChildLostError:
                second = self._scan(_CELLS.finditer(text, split))
        return self._assembled([first, second])

    def _text_value(self, kind: str | None, raw: str) -> Any:
        """A cell's value from its type and value text (for the bulk reader)."""
        return stored_value(kind or "n", raw, "", self.shared)

    def _with_others(self, text: str, bulk: sheet_bulk.Bulk) -> _Scanned | None:
        """The cells read in bulk with the others, read one at a time; None if one of
        those runs past where the next cell starts (the sheet is then read whole that
        way, as it always was)."""
        matches = []
        for place, limit in zip(bulk.others, bulk.limits, strict=True):
            match = _CELLS.match(text, place)
            if match is None:  # no cell there: passed over, as finditer would
                continue
            if match.end() > limit:
                return None
            matches.append(match)
        rest = self._scan(matches)
        constants = Constants.joined([bulk.constants, rest.constants]).ordered()
        formulas = Formulas.joined([bulk.formulas, rest.formulas]).ordered()
        objects = list(rest.objects.values())
        starts = np.concatenate([constants.starts, formulas.starts,
                                 np.array([cell.span[0] for cell in objects], dtype=np.int64)])
        codes = np.concatenate([constants.codes, formulas.codes, np.array(
            [cell.row * ROW_STEP + cell.col for cell in objects], dtype=np.int64)])
        codes = codes[np.argsort(starts, kind="stable")]
        first, last = (int(codes.min()), int(codes[-1])) if len(codes) else (-1, -1)
        return _Scanned(rest.objects, constants, formulas, first, last,
                        bool((np.diff(codes) > 0).all()), rest.anchors, rest.pending)

    def _assembled(self, parts: list[_Scanned]
                   ) -> tuple[dict[tuple[int, int], Cell], Constants | None, Formulas | None]:
        """The stretches' cells as one sheet's."""
        objects: dict[tuple[int, int], Cell] = {}
        anchors: dict[str, tuple[str, int, int]] = {}
        for part in parts:
            objects.update(part.objects)  # a cell listed twice: not in order (below)
            anchors.update(part.anchors)
        found = [part for part in parts if part.first >= 0]
        in_order = all(part.in_order for part in parts) and all(
            a.last < b.first for a, b in pairwise(found))
        constants: Constants | None = Constants.joined([part.constants for part in parts])
        formulas: Formulas | None = Formulas.joined([part.formulas for part in parts])
        formulas.anchors = anchors  # type: ignore[union-attr]
        self._share(formulas, [pair for part in parts for pair in part.pending])  # type: ignore[arg-type]
        if not in_order:
            everything = (constants.cells() + formulas.cells()  # type: ignore[union-attr]
                          + [cell for part in parts for cell in part.objects.values()])
            everything.sort(key=lambda cell: cell.span[0])
            objects = {(cell.row, cell.col): cell for cell in everything}
            constants = formulas = None
        return objects, constants, formulas

    def _share(self, formulas: Formulas, pending: list[tuple[Cell, str]]) -> None:
        """Every cell sharing a formula finds its anchor (in ``formulas.anchors``): those
        held as objects are given the anchor's text and their offset from it."""
        anchors = formulas.anchors
        missing = set(formulas.shared) - anchors.keys() - {None}
        if missing:
            k = next(k for k, index in enumerate(formulas.shared) if index in missing)
            raise self._no_anchor(int(formulas.rows[k]), int(formulas.cols[k]),
                                  formulas.shared[k])
        for cell, index in pending:
            if index not in anchors:
                raise self._no_anchor(cell.row, cell.col, index)
            text, row, col = anchors[index]
            cell.shared_from = (text, cell.row - row, cell.col - col)

    def _no_anchor(self, row: int, col: int, index: str | None) -> PackageError:
        return PackageError(f"{self.where} cell R{row}C{col} uses shared formula {index} "
                            "that has no anchor")

    def _scan(self, matches: Iterable[re.Match[str]]) -> _Scanned:
        """The cells ``matches`` found (``_CELLS``' matches, in the text's order).

        One pass, one match a cell: a tight loop here costs less than several passes of
        ``map`` over a chunk's columns (measured: 0.8 s against 1.4 s for 400,000 cells).
        """
        objects: dict[tuple[int, int], Cell] = {}
        anchors: dict[str, tuple[str, int, int]] = {}
        pending: list[tuple[Cell, str]] = []
        column = _column
        rows = array('q')
        cols = array('q')
        values: list[Any] = []
        starts = array('q')
        ends = array('q')
        # the plain formula cells' columns (numbers in arrays of machine integers: no
        # Python int kept for each, about 100 bytes a cell while a sheet is read)
        f_rows = array('q')
        f_cols = array('q')
        f_values: list[Any] = []
        f_starts = array('q')
        f_ends = array('q')
        f_texts: list[str] = []
        f_kinds: list[str | None] = []
        f_lengths = array('q')  # the cached value's text length, -1: no <v>
        f_shared: list[str | None] = []  # the shared formula's index, for a cell sharing one
        last, in_order = -1, True  # the last address read as one number (see ROW_STEP)
        for match in matches:
            letters, row_text, kind, f_attrs, f_text, raw, inline = match.groups()[:7]
            if letters is None:
                cell = self._cell(match, anchors, pending)
                objects[(cell.row, cell.col)] = cell
                here = cell.row * ROW_STEP + cell.col
                in_order = in_order and here > last
                last = here
                continue
            # the common form, read from one match (what _cell does, without searching)
            row, col = int(row_text), column(letters)
            here = row * ROW_STEP + col
            in_order = in_order and here > last
            last = here
            if kind is None or kind == "n":
                try:
                    value = float(raw) if raw else None
                except ValueError:
                    value = self._value("n", raw, "", f"{letters}{row}")
            elif kind == "inlineStr":
                inline = inline or ""
                value = decode_xstring(html.unescape(inline) if "&" in inline else inline)
            else:
                value = self._value(kind, raw, "", f"{letters}{row}")
            if f_attrs is None:  # a value cell: to the columns
                rows.append(row)
                cols.append(col)
                values.append(value)
                start, stop = match.span()
                starts.append(start)
                ends.append(stop)
                continue
            f_text = f_text or ""
            if "&" in f_text:
                f_text = html.unescape(f_text)
            index = sharing_index(f_attrs) if f_attrs and not f_text else None
            if not f_attrs or index is not None:  # a plain formula, or one sharing its
                f_rows.append(row)  # anchor's: to the columns
                f_cols.append(col)
                f_values.append(value)
                start, stop = match.span()
                f_starts.append(start)
                f_ends.append(stop)
                f_texts.append(None if index is not None else f_text)
                f_kinds.append(kind)
                f_lengths.append(-1 if raw is None else len(raw))
                f_shared.append(index)
                continue
            # <f> with attributes (shared, array): an object, completed by _formula
            objects[(row, col)] = cell = Cell(row, col, value, None, "normal", None, None,
                                              match.span(), None, kind)
            if raw is not None:
                cell.value_at = VALUE_IN_ELEMENT
            _formula(cell, attributes(f_attrs), f_text, anchors, pending)
        constants = Constants.of(rows, cols, values, starts, ends)
        formulas = Formulas.of_formulas(f_rows, f_cols, f_values, f_starts, f_ends, f_texts,
                                        f_kinds, f_lengths, f_shared)
        first = min([*(int(columns.codes[0]) for columns in (constants, formulas) if len(columns)),
                     *(row * ROW_STEP + col for row, col in objects)], default=-1)
        return _Scanned(objects, constants, formulas, first, last, in_order, anchors, pending)

    def _value(self, kind: str, raw: str | None, body: str, address: str) -> Any:
        try:
            return stored_value(kind, raw, body, self.shared)
        except (ValueError, IndexError):
            raise PackageError(f"{self.where} cell {address}: unreadable value "
                               f"{raw!r}") from None

    def _cell(self, match: re.Match[str], anchors: dict[str, tuple[str, int, int]],
              pending: list[tuple[Cell, str]]) -> Cell:
        """A cell in any form (prefixed, single quotes, inline strings, ``<v/>``...)."""
        head = match.group("attrs")
        body = match.group("body") or ""
        address = _attribute(_R_ATTR, head)
        if address is None:
            raise PackageError(f"{self.where} has a cell without an address (r attribute); "
                               "save it from Excel and try again")
        found = _ADDRESS.match(address)
        if not found:
            raise PackageError(f"{self.where} has a cell with a bad address {address!r}")
        row, col = int(found.group(2)), _column(found.group(1))
        value_match = _VALUE.search(body) if body else None
        raw = value_match.group("text") if value_match else None
        kind = _attribute(_T_TYPE, head)
        value = self._value(kind or "n", raw, body, address)
        cell = Cell(row, col, value, span=match.span())
        formula = _FORMULA.search(body) if ("<f" in body or ":f" in body) else None
        if formula:
            cell.kind = kind
            if value_match is not None and _VALUE.search(body, value_match.end()):
                pass  # two values: patch_cell rewrites the element with one
            elif raw is not None:
                at = match.start("body") + value_match.start("text")
                cell.value_at = (at, at + len(raw))
            elif value_match is not None:  # <v/>: a formula never calculated
                at = match.start("body")
                cell.value_at = (at + value_match.start(), at + value_match.end())
                cell.empty_value = value_match.group("p") or ""
            f_attrs = attributes(formula.group("attrs")) if formula.group("attrs") else {}
            f_text = formula.group("text") or ""
            f_text = html.unescape(f_text) if "&" in f_text else f_text
            _formula(cell, f_attrs, f_text, anchors, pending)
        return cell


def _formula(cell: Cell, f_attrs: dict[str, str], f_text: str,
             anchors: dict[str, tuple[str, int, int]], pending: list[tuple[Cell, str]]) -> None:
    """The formula of ``cell`` from its ``<f>`` attributes and text; a shared formula's
    anchor is noted in ``anchors``, a cell sharing it in ``pending``."""
    cell.formula_type = f_attrs.get("t", "normal")
    cell.array_ref = f_attrs.get("ref") if cell.formula_type == "array" else None
    if cell.formula_type == "shared":
        cell.shared_index = f_attrs.get("si")
        if f_text:
            anchors[cell.shared_index or ""] = (f_text, cell.row, cell.col)
            cell.text = f_text
        else:
            pending.append((cell, cell.shared_index or ""))
    else:
        cell.text = f_text
