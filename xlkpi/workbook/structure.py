"""What a workbook declares beyond its cells: Excel Tables, sheet-scoped defined names,
sheet order; and the rewriting of formula text that relies on them into plain A1 form.

Before a formula is grouped and compiled, :meth:`Structure.prepare` rewrites

- structured references to Excel Tables (``Referrals[Team]``, ``Table1[[#This Row],[Jan]:
  [Dec]]``, ``[@Team]``, ``Table1[#Totals]``, ``Table1[[#Headers],[Team]]``) into the
  ranges they mean (``#This Row`` as a reference to the formula's own row, so a
  calculated column still fills down as one block);
- 3-D references (``SUM(Jan:Mar!B2)``) into the same cell on each sheet of the span
  (``SUM('Jan'!B2,'Feb'!B2,'Mar'!B2)``);
- defined names that are not ranges (a constant, a formula, a LAMBDA) into their
  definition in parentheses, the sheet's own name before the workbook's.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import ElementTree as DefusedElementTree

from xlkpi.workbook.lambdas import IMMEDIATE, as_let, immediate_calls
from xlkpi.workbook.references import col_letters, parse_range
from xlkpi.workbook.rewriting import (
    CALL,
    RANGE_AFTER_CALL,
    constant_indirect,
    intersections,
    matching,
    outside_strings,
    quote_sheet,
    range_after_call,
    split_args,
    unquote_sheet,
)
from xlkpi.workbook.unions import UNION, unions

__all__ = ["Structure", "Table"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE_START = re.compile(r"(?<![\w.\]])([A-Za-z_\\][\w.]*)?\[")
_THREE_D = re.compile(
    r"(?<![\w.'!])(?P<a>'(?:[^']|'')+'|[A-Za-z_][\w.]*):(?P<b>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!"
    r"(?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)")
_NAME = re.compile(r"(?<![\w.$!'\"\[])([A-Za-z_\\][\w.]*)(?![\w.(!\[])")
_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\b(?=[^>]*\bhidden=\"(?:1|true)\")[^>]*?\br=\"(\d+)\"")
_AUTOFILTER = re.compile(
    rb"<(?:\w+:)?autoFilter\b[^>]*?\bref=\"\$?[A-Z]+\$?(\d+):\$?[A-Z]+\$?(\d+)\"")
#: What any rewrite needs to see in a formula (empty parentheses, a bracket, a sheet
#: name, a space, a union, a range after a function's result, a call of a LAMBDA).
_SPECIAL = re.compile(r"\(\s*\)|[\[! \r\n]|\(\"|\)\s*:|\)\(|" + UNION.pattern)
#: Functions that, given no argument, mean the formula's own cell.
_OWN_CELL = re.compile(r"(?<![\w.])((?:_xlfn\.)?(?:ROW|COLUMN|SHEET))\(\s*\)", re.IGNORECASE)
_SPECIALS = ("#all", "#data", "#headers", "#totals", "#this row")


@dataclass
class Table:
    """An Excel Table: where it sits and its columns' names."""

    name: str
    sheet: str
    row1: int
    col1: int
    row2: int
    headers: int
    totals: int
    columns: list[str]
    #: True when its AutoFilter has criteria (rows it hides are filtered out)
    filtering: bool = False

    @property
    def data(self) -> tuple[int, int]:
        return self.row1 + self.headers, self.row2 - self.totals


@dataclass
class Structure:
    """Tables, names and sheets of one workbook, read from its package parts."""

    sheets: list[str]
    tables: dict[str, Table] = field(default_factory=dict)
    #: workbook-level names: NAME -> definition text
    names: dict[str, str] = field(default_factory=dict)
    #: sheet-scoped names: SHEET (upper) -> NAME -> definition text
    scoped: dict[str, dict[str, str]] = field(default_factory=dict)
    #: hidden rows: SHEET (upper) -> row -> "filtered" or "hidden"
    hidden_rows: dict[str, dict[int, str]] = field(default_factory=dict)
    #: (rounds, largest change) when the workbook turns on iterative calculation
    iteration: tuple[int, float] | None = None
    #: the workbook holds macros (a VBA project), which may define functions of their own
    macros: bool = False

    def hidden(self, sheet: str, row: int) -> str | None:
        """Why a row is hidden: "filtered" (inside an AutoFilter), "hidden", or None."""
        return self.hidden_rows.get(sheet.upper(), {}).get(row)

    @classmethod
    def of(cls, package: object) -> Structure:
        """Read the structure of a :class:`~xlkpi.workbook.package.Package`."""
        parts: dict[str, bytes] = package.parts  # type: ignore[attr-defined]
        workbook = DefusedElementTree.fromstring(parts[package.workbook_part])  # type: ignore
        order = [node.get("name", "") for node in workbook.iter(f"{_MAIN}sheet")]
        structure = cls(order)
        structure.macros = any(part.endswith("vbaProject.bin") for part in parts)
        for node in workbook.iter(f"{_MAIN}calcPr"):
            if node.get("iterate") in ("1", "true"):
                structure.iteration = (int(node.get("iterateCount", "100")),
                                       float(node.get("iterateDelta", "0.001")))
        for node in workbook.iter(f"{_MAIN}definedName"):
            name, text = node.get("name", "").upper(), node.text or ""
            local = node.get("localSheetId")
            if local is None:
                structure.names[name] = text
            elif local.isdigit() and int(local) < len(order):
                structure.scoped.setdefault(order[int(local)].upper(), {})[name] = text
        for sheet in package.sheets:  # type: ignore[attr-defined]
            filters = []
            for table in _tables(parts, sheet.part, sheet.name):
                structure.tables[table.name.upper()] = table
                if table.filtering:
                    filters.append((table.row1, table.row2))
            xml = parts[sheet.part]
            if b"hidden=" not in xml:
                continue
            if b"filterColumn" in xml:
                filters += [(int(a), int(b)) for a, b in _AUTOFILTER.findall(xml)]
            rows = {int(r): "hidden" for r in _HIDDEN_ROW.findall(xml)}
            for row in rows:
                if any(a < row <= b for a, b in filters):
                    rows[row] = "filtered"
            if rows:
                structure.hidden_rows[sheet.name.upper()] = rows
        return structure

    def name(self, name: str, sheet: str) -> str | None:
        """A defined name's definition as seen from ``sheet`` (its own name first)."""
        key = name.upper()
        scoped = self.scoped.get(sheet.upper(), {})
        return scoped.get(key, self.names.get(key))

    def preparer(self, sheet: str) -> Callable[[str, int, int], str]:
        """``prepare`` for one sheet, with a quick ``needs(text)`` test attached."""

        def prepare(text: str, row: int, col: int) -> str:
            return self.prepare(text, sheet, row, col)

        quick = _SPECIAL.search
        prepare.needs = (lambda text: True) if (self.names or self.scoped) else quick  # type: ignore[attr-defined]
        return prepare

    def prepare(self, formula: str, sheet: str, row: int, col: int) -> str:
        """The formula with tables, 3-D references and formula names made plain A1."""
        if not self.names and not self.scoped and not _SPECIAL.search(formula):
            return formula  # the common case: nothing to rewrite
        if '("' in formula and "INDIRECT" in formula.upper():
            formula = constant_indirect(formula, sheet)
        if "\n" in formula or "\r" in formula:  # line breaks typed for layout (Alt+Enter)
            formula = outside_strings(formula, lambda t: re.sub(r"\s*[\r\n]+\s*", "", t))
        if "()" in formula:
            own = f"{col_letters(col)}{row}"
            formula = outside_strings(formula, lambda t: _OWN_CELL.sub(rf"\1({own})", t))
        if "[" in formula and self.tables:
            formula = outside_strings(formula, lambda t: self._tables_a1(t, sheet, row, col))
        if ":" in formula and "!" in formula:
            formula = outside_strings(formula, self._three_d)
        if ":" in formula and RANGE_AFTER_CALL.search(formula):
            formula = outside_strings(formula, range_after_call)
        if "," in formula and UNION.search(formula):
            formula = outside_strings(formula, unions)
        if " " in formula:
            formula = outside_strings(formula, intersections)
        if ")(" in formula and IMMEDIATE.search(formula):
            formula = immediate_calls(formula)
        if self.names or self.scoped:
            if "(" in formula:
                formula = self._lambda_calls(formula, sheet)
            formula = outside_strings(formula, lambda t: self._inline_names(t, sheet))
        return formula

    # -------------------------------------------------------------- tables
    def _tables_a1(self, text: str, sheet: str, row: int, col: int) -> str:
        out, at = [], 0
        for match in _TABLE_START.finditer(text):
            if match.start() < at:
                continue
            end = _closing(text, match.end() - 1)
            if end is None:
                continue
            name = match.group(1)
            table = self.tables.get(name.upper()) if name else self._table_at(sheet, row, col)
            if table is None:
                continue
            a1 = _resolve(table, text[match.end(): end], row)
            out.append(text[at: match.start()])
            out.append(a1)
            at = end + 1
        out.append(text[at:])
        return "".join(out)

    def _table_at(self, sheet: str, row: int, col: int) -> Table | None:
        for table in self.tables.values():
            if (table.sheet.upper() == sheet.upper() and table.row1 <= row <= table.row2
                    and table.col1 <= col < table.col1 + len(table.columns)):
                return table
        return None

    # -------------------------------------------------------------- 3-D and names
    def _three_d(self, text: str) -> str:
        upper = [s.upper() for s in self.sheets]

        def expand(match: re.Match[str]) -> str:
            first, last = (unquote_sheet(match.group(g)).upper() for g in ("a", "b"))
            if first not in upper or last not in upper:
                return match.group()
            i, j = sorted((upper.index(first), upper.index(last)))
            return ",".join(f"{quote_sheet(s)}!{match.group('ref')}" for s in self.sheets[i: j + 1])

        return _THREE_D.sub(expand, text)

    def _inline_names(self, text: str, sheet: str) -> str:
        def inline(match: re.Match[str]) -> str:
            definition = self.name(match.group(1), sheet)
            if definition is None:
                return match.group()
            body = definition.lstrip("=")
            if parse_range(body, sheet) is not None or body.startswith("#REF!"):
                return match.group()  # a range: the engine reads it by name
            return f"({body})"

        return _NAME.sub(inline, text)


    def _lambda_calls(self, text: str, sheet: str) -> str:
        """``MYFUNC(a, b)``, a name defined as ``LAMBDA(x, y, body)``, becomes
        ``LET(x, a, y, b, body)`` (see :mod:`xlkpi.workbook.lambdas`)."""
        out, at = [], 0
        for match in CALL.finditer(text):
            if match.start() < at:
                continue
            definition = self.name(match.group(1), sheet)
            if definition is None:
                continue
            body = definition.lstrip("=").strip()
            lam = re.match(r"(?:_xlfn\.)?LAMBDA\(", body, re.IGNORECASE)
            if not lam:
                continue
            close = matching(text, match.end() - 1)
            lam_close = matching(body, lam.end() - 1)
            if close is None or lam_close is None:
                continue
            inside = text[match.end(): close]
            let = as_let(split_args(body[lam.end(): lam_close]),
                         split_args(inside) if inside.strip() else [])
            if let is None:
                continue
            out.append(text[at: match.start()])
            out.append(let)
            at = close + 1
        out.append(text[at:])
        return "".join(out)


def _tables(parts: dict[str, bytes], sheet_part: str, sheet: str) -> list[Table]:
    folder, name = posixpath.split(sheet_part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in parts:
        return []
    found = []
    for rel in DefusedElementTree.fromstring(parts[rels]).iter(f"{_PKG_REL}Relationship"):
        if not rel.get("Type", "").endswith("/table"):
            continue
        link = rel.get("Target", "")
        target = (link.lstrip("/") if link.startswith("/")
                  else posixpath.normpath(posixpath.join(folder, link)))
        if target not in parts:
            continue
        node = DefusedElementTree.fromstring(parts[target])
        found.append(_table(node, sheet))
        found[-1].filtering = b"filterColumn" in parts[target]
    return found


def _table(node: ElementTree.Element, sheet: str) -> Table:
    ref = node.get("ref", "A1:A1")
    rect = parse_range(ref, sheet)
    assert rect is not None
    columns = [c.get("name", "") for c in node.iter(f"{_MAIN}tableColumn")]
    return Table(node.get("displayName") or node.get("name", ""), sheet, rect.row1, rect.col1,
                 rect.row2, int(node.get("headerRowCount", "1")),
                 int(node.get("totalsRowCount", "0")), columns)


def _closing(text: str, start: int) -> int | None:
    """The index of the ``]`` closing the ``[`` at ``start`` (``'`` escapes a bracket)."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "'":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _items(inner: str) -> list[str]:
    """``[#This Row],[Jan]:[Dec]`` -> ``["#this row", "Jan", ":", "Dec"]``."""
    if not inner.strip().startswith("["):
        return [inner.strip()] if inner.strip() else []
    items, i = [], 0
    while i < len(inner):
        char = inner[i]
        if char == "[":
            end = _closing(inner, i)
            if end is None:
                break
            items.append(inner[i + 1: end])
            i = end + 1
        elif char == ":":
            items.append(":")
            i += 1
        else:
            i += 1
    return items


def _unescape(column: str) -> str:
    return re.sub(r"'(.)", r"\1", column)


def _resolve(table: Table, inner: str, row: int) -> str:
    """A structured reference's inside (``[#Totals],[Year]``) as an A1 range."""
    items = _items(inner)
    if items and items[0].startswith("@"):  # [@Col] / [@[Col]] / [@]
        rest = items[0][1:].strip()
        items = ["#this row"] + ([rest[1:-1] if rest.startswith("[") else rest] if rest else [])
    specials = [i.lower() for i in items if i.lower() in _SPECIALS]
    names = [i for i in items if i.lower() not in _SPECIALS]
    first_data, last_data = table.data
    if not specials:
        specials = ["#data"]
    rows: list[int] = []
    this_row = False
    for special in specials:
        if special == "#all":
            rows += [table.row1, table.row2]
        elif special == "#data":
            rows += [first_data, last_data]
        elif special == "#headers":
            if not table.headers:
                return "#REF!"
            rows += [table.row1, table.row1]
        elif special == "#totals":
            if not table.totals:
                return "#REF!"
            rows += [table.row2, table.row2]
        else:
            if not first_data <= row <= last_data:
                return "#VALUE!"
            this_row = True
            rows += [row, row]
    lowered = [c.lower() for c in table.columns]
    picked = [n for n in names if n != ":"]
    try:
        indexes = [lowered.index(_unescape(n).lower()) for n in picked]
    except ValueError:
        return "#REF!"
    c1 = table.col1 + (min(indexes) if indexes else 0)
    c2 = table.col1 + (max(indexes) if indexes else len(table.columns) - 1)
    r1, r2 = min(rows), max(rows)
    where = f"{quote_sheet(table.sheet)}!"
    if this_row:
        first, last = f"${col_letters(c1)}{r1}", f"${col_letters(c2)}{r2}"
    else:
        first, last = f"${col_letters(c1)}${r1}", f"${col_letters(c2)}${r2}"
    return where + first + ("" if first == last else f":{last}")
