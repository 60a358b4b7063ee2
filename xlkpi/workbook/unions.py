"""Excel's union operator: several written ranges in parentheses, ``(B2:C4,E2:E4)``, one
reference of several areas, which the ``formulas`` parser reads as nothing.

:func:`unions` rewrites each union where its meaning is plain: as an argument of a
function that takes any number of references (``SUM((A1:A2,C1))`` is ``SUM(A1:A2,C1)``),
``INDEX((a,b),row,column,area)`` as the INDEX of the area picked, ``AREAS`` as the count
of areas, ``ROWS``/``COLUMNS`` as Excel's ``#REF!``, and an intersection with a union as
the union of the intersections (``E3:G4 (B2:E5,G2:H5)`` is ``(E3:E4,G3:G4)``).
"""

from __future__ import annotations

import re

from xlkpi.workbook.rewriting import A1_RANGE, matching, shared_cells, split_args

__all__ = ["UNION", "unions"]

#: A union's start: "(" not after a function name, then a range and a comma.
UNION = re.compile(rf"(?<![\w.])\(\s*{A1_RANGE}\s*,")
_RANGE = re.compile(rf"^{A1_RANGE}$")
_AFTER = re.compile(rf"^ +({A1_RANGE})(?![\w.(:!])")
_BEFORE = re.compile(rf"(?<![\w.$:!'])({A1_RANGE}) +$")
_NAME_BEFORE = re.compile(r"((?:_xlfn\.)?[A-Za-z][\w.]*)$")
#: Functions whose arguments are any number of references, each summed, counted...
_FLATTEN = frozenset({
    "SUM", "SUMSQ", "PRODUCT", "COUNT", "COUNTA", "AVERAGE", "AVERAGEA", "MIN", "MINA",
    "MAX", "MAXA", "MEDIAN", "MODE", "MODE.SNGL", "STDEV", "STDEV.S", "STDEV.P",
    "STDEVA", "STDEVP", "STDEVPA", "VAR", "VAR.S", "VAR.P", "VARA", "VARP", "VARPA",
    "AVEDEV", "DEVSQ", "GEOMEAN", "HARMEAN", "KURT", "SKEW", "AND", "OR", "XOR",
    "CONCAT", "GCD", "LCM",
})


def unions(text: str) -> str:
    """``text`` (outside string literals) with each union whose meaning is plain
    rewritten; any other union is left as written."""
    skip = 0
    for _ in range(100):
        found = _next_union(text, skip)
        if found is None:
            return text
        start, end, pieces = found
        rewritten = _rewrite(text, start, end, pieces)
        if rewritten is None:
            skip = end + 1
        else:
            text = rewritten
    return text


def _next_union(text: str, skip: int) -> tuple[int, int, list[str]] | None:
    for match in UNION.finditer(text, skip):
        start = match.start()
        end = matching(text, start)
        if end is None:
            continue
        pieces = split_args(text[start + 1: end])
        if len(pieces) > 1 and all(_RANGE.match(p) or p == "#NULL!" for p in pieces):
            return start, end, pieces
    return None


def _rewrite(text: str, start: int, end: int, pieces: list[str]) -> str | None:
    after, before = _AFTER.match(text[end + 1:]), _BEFORE.search(text[:start])
    if after or before:  # an intersection with each area
        other = (after or before).group(1)  # type: ignore[union-attr]
        shared = [shared_cells(p, other) if p != "#NULL!" else p for p in pieces]
        if any(s is None for s in shared):
            return None
        group = "(" + ",".join(s for s in shared if s) + ")"
        if after:
            return text[:start] + group + text[end + 1 + after.end():]
        return text[:before.start()] + group + text[end + 1:]  # type: ignore[union-attr]
    if start > 0 and text[start - 1] == "(" and text[end + 1: end + 2] == ")" and \
            not _NAME_BEFORE.search(text[:start - 1]):
        return text[:start - 1] + text[start: end + 1] + text[end + 2:]  # ((a,b))
    call = _enclosing_call(text, start)
    if call is None:
        return None
    name, open_at, close_at, index = call
    bare = re.sub(r"^_xlfn\.", "", name, flags=re.IGNORECASE).upper()
    areas = [p for p in pieces if p != "#NULL!"]
    if bare in _FLATTEN:
        return text[:start] + ",".join(areas or ["#NULL!"]) + text[end + 1:]
    whole = slice(open_at - len(name), close_at + 1)
    if bare == "AREAS":
        value = str(len(areas)) if areas else "#NULL!"
    elif bare in ("ROWS", "COLUMNS"):
        value = "#REF!"
    elif bare == "INDEX" and index == 0:
        value = _index(areas, split_args(text[open_at + 1: close_at])[1:])
    else:
        return None
    return text[:whole.start] + value + text[whole.stop:]


def _index(areas: list[str], rest: list[str]) -> str:
    """``INDEX((a,b,...),row,column,area)`` as the INDEX of the area picked (#REF! past
    the last area, #VALUE! before the first, as Excel)."""
    where = ",".join(rest[:2])
    calls = [f"INDEX({a}{',' if where else ''}{where})" for a in areas]
    if len(rest) < 3 or not rest[2]:
        return calls[0]
    area = f"({rest[2]})"
    return f"IF({area}>{len(areas)},#REF!,CHOOSE({area},{','.join(calls)}))"


def _enclosing_call(text: str, at: int) -> tuple[str, int, int, int] | None:
    """The function call whose argument list holds position ``at`` directly: its name,
    where its parentheses are, and which argument ``at`` is in."""
    depth, index = 0, 0
    for i in range(at - 1, -1, -1):
        char = text[i]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                name = _NAME_BEFORE.search(text[:i])
                close = matching(text, i)
                if name is None or close is None:
                    return None
                return name.group(1), i, close, index
            depth -= 1
        elif char == "," and depth == 0:
            index += 1
    return None
