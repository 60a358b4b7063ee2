"""A1 references inside formula text: find them, shift them, key formulas by their R1C1 form.

Excel fills a formula down a column by shifting its relative references; two cells hold
"the same formula" when their R1C1 forms are equal (``=NETWORKDAYS(A2,B2)`` in C2 and
``=NETWORKDAYS(A3,B3)`` in C3 are both ``NETWORKDAYS(RC[-2],RC[-1])``). The engine uses
that to evaluate a filled-down column as one vectorised call.

The scanner reads formula text token by token (string literals, function names, sheet
qualified references, full columns ``A:A`` and full rows ``1:1``), so ``LOG10(`` is a
function and ``"A1"`` is text, not references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "MAX_COL",
    "MAX_ROW",
    "REFERENCE",
    "Call",
    "Rect",
    "Reference",
    "address",
    "calls",
    "col_letters",
    "col_number",
    "formula_shape",
    "parse_cell",
    "parse_range",
    "r1c1_key",
    "references",
    "shift_formula",
]

#: The sheet size of .xlsx files (Excel 2007 on).
MAX_ROW = 1_048_576
MAX_COL = 16_384

_SHEET = r"(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_\u00c0-\uffff][\w.\u00c0-\uffff]*)!)?"
_CELL = r"(?P<c1a>\$?)(?P<c1>[A-Za-z]{1,3})(?P<r1a>\$?)(?P<r1>[0-9]+)"
_CELL2 = r"(?P<c2a>\$?)(?P<c2>[A-Za-z]{1,3})(?P<r2a>\$?)(?P<r2>[0-9]+)"
_COLS = r"(?P<k1a>\$?)(?P<k1>[A-Za-z]{1,3}):(?P<k2a>\$?)(?P<k2>[A-Za-z]{1,3})"
_ROWS = r"(?P<w1a>\$?)(?P<w1>[0-9]+):(?P<w2a>\$?)(?P<w2>[0-9]+)"
#: A reference as a regular expression (sheet, cell or range, whole columns or rows), in the
#: group ``ref``.
REFERENCE = (rf"(?P<ref>(?<![\w.$]){_SHEET}(?:{_CELL}(?::{_CELL2})?|{_COLS}|{_ROWS})"
             r"(?![\w.(!\[]))")
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"]|"")*")'
    r"|(?P<error>#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!))"
    r"|(?P<func>[A-Za-z_][\w.]*)\("
    rf"|{REFERENCE}"
    r"|(?P<name>[A-Za-z_\\][\w.\u00c0-\uffff]*)"
    r"|(?P<other>.)",
    re.DOTALL,
)


def col_number(letters: str) -> int:
    """Column letters to a 1-based number: ``A`` -> 1, ``AA`` -> 27."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def col_letters(number: int) -> str:
    """A 1-based column number to letters: 28 -> ``AB``."""
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Rect:
    """A block of cells on one sheet, 1-based and inclusive; ``sheet`` in upper case.

    A full column has ``row2 == MAX_ROW``; the engine clips it to the used range.
    """

    sheet: str
    row1: int
    col1: int
    row2: int
    col2: int

    @property
    def is_cell(self) -> bool:
        return self.row1 == self.row2 and self.col1 == self.col2

    @property
    def shape(self) -> tuple[int, int]:
        return self.row2 - self.row1 + 1, self.col2 - self.col1 + 1

    def contains(self, sheet: str, row: int, col: int) -> bool:
        return (sheet == self.sheet and self.row1 <= row <= self.row2
                and self.col1 <= col <= self.col2)

    def __str__(self) -> str:
        first = f"{col_letters(self.col1)}{self.row1}"
        last = f"{col_letters(self.col2)}{self.row2}"
        return f"{self.sheet}!{first}" + ("" if self.is_cell else f":{last}")


@dataclass(frozen=True)
class Reference:
    """One reference as written in a formula: where it is, and which parts are fixed."""

    start: int
    end: int
    sheet: str | None
    rect: tuple[int, int, int, int]
    #: absolute flags for row1, col1, row2, col2 (a full column's rows count as absolute)
    fixed: tuple[bool, bool, bool, bool]
    kind: str  # "cell", "range", "columns" or "rows"
    #: enclosing function calls, innermost last: (FUNCTION NAME, argument index)
    calls: tuple[tuple[str, int], ...]
    #: where each row number is written in the formula, and whether it moves on a fill
    row_digits: tuple[tuple[int, bool], ...] = ()

    @property
    def row_relative(self) -> bool:
        """True when the reference moves as the formula is filled down."""
        return not (self.fixed[0] and self.fixed[2])

    def resolve(self, own_sheet: str) -> Rect:
        r1, c1, r2, c2 = self.rect
        return Rect((self.sheet or own_sheet).upper(), r1, c1, r2, c2)


def _unquote(sheet: str) -> str:
    if sheet.startswith("'"):
        return sheet[1:-1].replace("''", "'")
    return sheet


def _reference(match: re.Match[str], calls: tuple[tuple[str, int], ...]) -> Reference:
    g = match.groupdict()
    sheet = _unquote(g["sheet"]) if g["sheet"] else None
    if g["c1"] is not None:
        r1, c1 = int(g["r1"]), col_number(g["c1"])
        fixed1 = (bool(g["r1a"]), bool(g["c1a"]))
        if g["c2"] is not None:
            r2, c2 = int(g["r2"]), col_number(g["c2"])
            fixed2 = (bool(g["r2a"]), bool(g["c2a"]))
            kind = "range"
        else:
            r2, c2, fixed2, kind = r1, c1, fixed1, "cell"
    elif g["k1"] is not None:
        r1, r2 = 1, MAX_ROW
        c1, c2 = col_number(g["k1"]), col_number(g["k2"])
        fixed1, fixed2 = (True, bool(g["k1a"])), (True, bool(g["k2a"]))
        kind = "columns"
    else:
        r1, r2 = int(g["w1"]), int(g["w2"])
        c1, c2 = 1, MAX_COL
        fixed1, fixed2 = (bool(g["w1a"]), True), (bool(g["w2a"]), True)
        kind = "rows"
    r1, r2 = sorted((r1, r2))
    c1, c2 = sorted((c1, c2))
    digits = tuple((match.start(group), not g[group + "a"])
                   for group in ("r1", "r2", "w1", "w2") if g[group] is not None)
    return Reference(match.start("ref"), match.end("ref"), sheet, (r1, c1, r2, c2),
                     (fixed1[0], fixed1[1], fixed2[0], fixed2[1]), kind, calls, digits)


def references(formula: str) -> Iterator[Reference]:
    """Every cell reference in the formula text, with the function calls around it."""
    stack: list[list] = []  # [function name or "", argument index]
    for match in _TOKEN.finditer(formula):
        kind = match.lastgroup
        if kind == "func":
            stack.append([match.group("func").upper(), 0])
        elif kind == "ref":
            yield _reference(match, tuple((f, i) for f, i in stack if f))
        elif kind == "other":
            char = match.group()
            if char == "(":
                stack.append(["", 0])
            elif char == ")" and stack:
                stack.pop()
            elif char == "," and stack:
                stack[-1][1] += 1


@dataclass(frozen=True)
class Call:
    """A function call in formula text: its name (upper case), argument count, position."""

    name: str
    args: int
    start: int


def calls(formula: str) -> Iterator[Call]:
    """Every function call in the formula, outermost first, with how many arguments it is
    given (``F()`` has none; commas inside ``{1,2}`` array constants do not count)."""
    stack: list[list] = []  # [name or "", commas, anything written, start]
    braces = 0
    found: list[tuple[int, Call]] = []
    for match in _TOKEN.finditer(formula):
        kind = match.lastgroup
        char = match.group()
        if kind == "func":
            if stack:
                stack[-1][2] = True
            stack.append([match.group("func").upper(), 0, False, match.start()])
            continue
        if kind == "other" and char in "{}":
            braces += 1 if char == "{" else -1
        if kind == "other" and char == "(":
            stack.append(["", 0, False, match.start()])
        elif kind == "other" and char == ")" and stack:
            name, commas, written, start = stack.pop()
            if name:
                found.append((start, Call(name, commas + 1 if written or commas else 0,
                                          start)))
            if stack:
                stack[-1][2] = True
        elif kind == "other" and char == "," and stack and not braces:
            stack[-1][1] += 1
        elif stack and not (kind == "other" and char.isspace()):
            stack[-1][2] = True
    for _, call in sorted(found, key=lambda item: item[0]):
        yield call


def _a1(ref: Reference, rect: tuple[int, int, int, int], formula: str) -> str:
    r1, c1, r2, c2 = rect
    f = ref.fixed
    text = formula[ref.start:ref.end]
    prefix = text[: text.rindex("!") + 1] if "!" in text else ""
    if ref.kind == "columns":
        body = f"{'$' * f[1]}{col_letters(c1)}:{'$' * f[3]}{col_letters(c2)}"
    elif ref.kind == "rows":
        body = f"{'$' * f[0]}{r1}:{'$' * f[2]}{r2}"
    else:
        body = f"{'$' * f[1]}{col_letters(c1)}{'$' * f[0]}{r1}"
        if ref.kind == "range":
            body += f":{'$' * f[3]}{col_letters(c2)}{'$' * f[2]}{r2}"
    return prefix + body


def shift_formula(formula: str, rows: int, cols: int = 0) -> str:
    """The formula as Excel would write it ``rows`` down and ``cols`` right (a fill).

    Absolute parts stay; a relative part moved off the sheet becomes ``#REF!``.
    """
    if not rows and not cols:
        return formula
    out, last = [], 0
    for ref in references(formula):
        r1, c1, r2, c2 = ref.rect
        f = ref.fixed
        moved = (r1 if f[0] else r1 + rows, c1 if f[1] else c1 + cols,
                 r2 if f[2] else r2 + rows, c2 if f[3] else c2 + cols)
        out.append(formula[last:ref.start])
        if min(moved) < 1 or moved[0] > MAX_ROW or moved[2] > MAX_ROW or max(
                moved[1], moved[3]) > MAX_COL:
            out.append("#REF!")
        else:
            out.append(_a1(ref, moved, formula))
        last = ref.end
    out.append(formula[last:])
    return "".join(out)


_NUMBERS = re.compile(r"[0-9]+")


def formula_shape(formula: str) -> str:
    """The formula with every number as 0: the cells of a column filled down share it (as
    do formulas differing only in constants), so what depends only on a formula's
    functions and argument counts can be worked out once per shape."""
    return _NUMBERS.sub("0", formula)


def r1c1_key(formula: str, row: int, col: int) -> str:
    """The formula's R1C1 form at (row, col): equal keys mean one filled-down formula."""
    out, last = [], 0
    for ref in references(formula):
        r1, c1, r2, c2 = ref.rect
        f = ref.fixed
        parts = []
        for value, absolute, origin, letter in (
            (r1, f[0], row, "R"), (c1, f[1], col, "C"), (r2, f[2], row, "R"),
            (c2, f[3], col, "C"),
        ):
            parts.append(f"{letter}{value}" if absolute else f"{letter}[{value - origin}]")
        out.append(formula[last:ref.start])
        out.append(f"{(ref.sheet or '').upper()}!{''.join(parts)}:{ref.kind}")
        last = ref.end
    out.append(formula[last:])
    return "".join(out)


_CELL_NAME = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def address(row: int, col: int) -> str:
    """(row 12, column 2) -> ``"B12"``: the inverse of :func:`parse_cell`."""
    return f"{col_letters(col)}{row}"


def parse_cell(address: str) -> tuple[int, int]:
    """``"B12"`` -> (row 12, column 2)."""
    match = _CELL_NAME.match(address)
    if not match:
        raise ValueError(f"{address!r} is not a cell address")
    return int(match.group(2)), col_number(match.group(1))


def parse_range(text: str, own_sheet: str) -> Rect | None:
    """A range as ``formulas`` names its inputs (``'MY SHEET'!C1``, ``D2:D10``, ``A:A``)."""
    for ref in references(text):
        if ref.start == 0 and ref.end == len(text):
            return ref.resolve(own_sheet)
    return None
