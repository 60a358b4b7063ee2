"""Formula text rewritten before it is compiled: the pieces of syntax the ``formulas``
parser cannot read, put into forms it can (see :mod:`xlkpi.workbook.structure`).

Each works on the text outside string literals (:func:`outside_strings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from xlkpi.workbook.references import col_letters, parse_range

__all__ = [
    "A1_RANGE",
    "CALL",
    "RANGE_AFTER_CALL",
    "constant_indirect",
    "intersections",
    "matching",
    "outside_strings",
    "quote_sheet",
    "range_after_call",
    "shared_cells",
    "split_args",
    "unquote_sheet",
]

_STRING = re.compile(r'"(?:[^"]|"")*"')

CALL = re.compile(r"(?<![\w.$!'\"\[])([A-Za-z_\\][\w.]*)\(")


def matching(text: str, start: int) -> int | None:
    """The index of the ``)`` closing the ``(`` at ``start`` (strings skipped)."""
    depth, in_string = 0, False
    for i in range(start, len(text)):
        char = text[i]
        if char == '"':
            in_string = not in_string
        elif not in_string and char == "(":
            depth += 1
        elif not in_string and char == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def split_args(text: str) -> list[str]:
    """Top-level comma-separated pieces of an argument list."""
    pieces, depth, in_string, last = [], 0, False, 0
    for i, char in enumerate(text):
        if char == '"':
            in_string = not in_string
        elif not in_string and char in "({":
            depth += 1
        elif not in_string and char in ")}":
            depth -= 1
        elif not in_string and char == "," and depth == 0:
            pieces.append(text[last:i].strip())
            last = i + 1
    pieces.append(text[last:].strip())
    return pieces


#: A written range (``B2``, ``$B$2:C4``, ``'Jan 1'!B2``) as a pattern.
A1_RANGE = (r"(?:'(?:[^']|'')+'!|[A-Za-z_][\w.]*!)?\$?[A-Za-z]{1,3}\$?\d+"
             r"(?::\$?[A-Za-z]{1,3}\$?\d+)?")
_INTERSECTION = re.compile(rf"(?<![\w.$:!'])({A1_RANGE}) +({A1_RANGE})(?![\w.(:!])")


_CELL_A1 = r"\$?[A-Za-z]{1,3}\$?\d+"
_CHAIN = re.compile(rf"(?<![\w.$:!']){_CELL_A1}(?::{_CELL_A1}){{2,}}(?![\w.(:!])")


def _chains(text: str) -> str:
    """A chain of the range operator over written cells (``C114:E114:G113:I114``) as the
    range that spans them all (``$C$113:$I$114``)."""

    def span(match: re.Match[str]) -> str:
        rects = [parse_range(cell, "") for cell in match.group().split(":")]
        if any(r is None for r in rects):
            return match.group()
        r1, c1 = min(r.row1 for r in rects), min(r.col1 for r in rects)  # type: ignore
        r2, c2 = max(r.row2 for r in rects), max(r.col2 for r in rects)  # type: ignore
        return f"${col_letters(c1)}${r1}:${col_letters(c2)}${r2}"

    return _CHAIN.sub(span, text)


def shared_cells(first: str, second: str) -> str | None:
    """The cells two written ranges share, written out (``#NULL!`` when none); None when
    either is not a range of one sheet."""
    a, b = parse_range(first, ""), parse_range(second, "")
    if a is None or b is None or a.sheet != b.sheet:
        return None
    r1, c1 = max(a.row1, b.row1), max(a.col1, b.col1)
    r2, c2 = min(a.row2, b.row2), min(a.col2, b.col2)
    if r1 > r2 or c1 > c2:
        return "#NULL!"
    where = first.rsplit("!", 1)[0] + "!" if "!" in first else ""
    start, end = f"${col_letters(c1)}${r1}", f"${col_letters(c2)}${r2}"
    return where + start + ("" if start == end else f":{end}")


def intersections(text: str) -> str:
    """Excel's intersection operator between two written ranges (``B2:E5 C3:D4``) as the
    cells they share (``#NULL!`` when they share none)."""
    text = _chains(text)

    def shared(match: re.Match[str]) -> str:
        found = shared_cells(match.group(1), match.group(2))
        return match.group() if found is None else found

    return _INTERSECTION.sub(shared, text)


#: A written range right after the range operator that follows a function's result.
RANGE_AFTER_CALL = re.compile(rf"\)\s*:\s*({A1_RANGE})(?![\w.(:!])")


def range_after_call(text: str) -> str:
    """The range operator from a function's result to a written range
    (``OFFSET(A1,1,1):B3``), which the ``formulas`` parser reads as a range ``:B3``, with
    the range in parentheses (``OFFSET(A1,1,1):(B3)``), which it reads as the operator."""
    return RANGE_AFTER_CALL.sub(r"):(\1)", text)


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def unquote_sheet(sheet: str) -> str:
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet


def outside_strings(formula: str, rewrite: Callable[[str], str]) -> str:
    """Apply ``rewrite`` to the formula text outside its string literals."""
    out, last = [], 0
    for match in _STRING.finditer(formula):
        out.append(rewrite(formula[last: match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(rewrite(formula[last:]))
    return "".join(out)


_INDIRECT_TEXT = re.compile(r'(?<![\w.])(?:_xlfn\.)?INDIRECT\(\s*"([^"]+)"\s*\)', re.IGNORECASE)


def constant_indirect(formula: str, sheet: str) -> str:
    """``INDIRECT("Jan!B2")`` with its text written out is the reference itself
    (``Jan!B2``): read like any other, so what it reads is known before evaluating and the
    range operator works on it (``INDIRECT("A12"):INDIRECT("A15")``)."""

    def written(match: re.Match[str]) -> str:
        text = match.group(1).strip()
        return text if parse_range(text, sheet) is not None else match.group()

    return _INDIRECT_TEXT.sub(written, formula)
