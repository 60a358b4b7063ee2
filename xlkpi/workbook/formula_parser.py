"""Formula text to a syntax tree, with Excel's operator precedence.

The grammar is the one scorecards are written in: numbers, text, TRUE/FALSE, error values,
array constants (``{1,2;3,4}``), references (``B2``, ``$A$1:C9``, ``'Q1 data'!A:A``,
``3:3``), defined names, function calls (an argument may be left out), parentheses, and
the operators, from the tightest binding: ``:``, negation, ``%``, ``^``, ``*`` and ``/``,
``+`` and ``-``, ``&``, then the comparisons. A run of signs before a value is a negation
when it holds an odd number of minus signs, a double negation (which makes a number) when
it holds an even number, and nothing otherwise.

``LET`` and the names it binds (``_xlpm.rate``) are read as a call and names; the
compiler gives the names their values. What this parser does not read raises
:class:`UnsupportedError`, and the engine hands the formula to ``formulas`` instead: the
union and intersection operators (``(A1,B1)``, ``A1:C3 B2:D4``), ``@``, spilled ranges
(``A1#``), structured and external references, 3-D references, and a LAMBDA that is not
called where it is written (one that is, and a name defined as a LAMBDA, reach the engine
as LET: :mod:`xlkpi.workbook.lambdas`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from xlkpi.workbook.references import REFERENCE
from xlkpi.workbook.xlvalues import ERRORS, Array

__all__ = ["Call", "Constant", "Name", "Operation", "UnsupportedError", "parse"]


class UnsupportedError(Exception):
    """Formula syntax this parser leaves to ``formulas``."""


@dataclass(frozen=True)
class Constant:
    """A value written in the formula: a number, text, TRUE/FALSE, an error, an array."""

    value: Any


@dataclass(frozen=True)
class Name:
    """A reference or a defined name, as written."""

    text: str


@dataclass(frozen=True)
class Call:
    """A function call; an argument left out is None."""

    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Operation:
    """An operator and its operands: ``u-``, ``u+``, ``u--`` and ``%`` take one."""

    symbol: str
    operands: tuple[Any, ...]


_LEXER = re.compile(
    r"(?P<space>\s+)"
    r'|(?P<string>"(?:[^"]|"")*")'
    r"|(?P<error>#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA))(?![\w#])"
    r"|(?P<func>[A-Za-z_][\w.]*)\("
    rf"|{REFERENCE}(?!\s*#)"
    r"|(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?![\w.])"
    r"|(?P<name>[A-Za-z_\\][\w.\u00c0-\uffff]*)(?![\w.(!\[#])"
    r"|(?P<op><=|>=|<>|[-+*/^&=<>%:,(){};])",
    re.DOTALL,
)

#: Binary operators and how tightly they bind (all associate to the left).
_BINARY = {":": 8, "^": 5, "*": 4, "/": 4, "+": 3, "-": 3, "&": 2,
           "=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1}
_PERCENT = 6
_PREFIX = 7
#: Tokens that begin an operand: after an operand with only space between, the space is
#: Excel's intersection operator.
_OPERAND_STARTS = frozenset({"string", "error", "func", "ref", "number", "name"})
_UNREAD_NAMES = re.compile(r"^(?:_xlfn\.)?LAMBDA$|^_xll\.|^_xleta\.", re.IGNORECASE)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    spaced: bool  # whitespace before it


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    position, spaced = 0, False
    while position < len(text):
        match = _LEXER.match(text, position)
        if match is None:
            raise UnsupportedError(f"cannot read {text[position:position + 10]!r}")
        kind = match.lastgroup or ""
        position = match.end()
        if kind == "space":
            spaced = True
            continue
        value = match.group("func") if kind == "func" else match.group()
        out.append(_Token(kind, value, spaced))
        spaced = False
    out.append(_Token("end", "", spaced))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        if self.take().text != text:
            raise UnsupportedError(f"expected {text!r}")

    def expression(self, floor: int = 0) -> Any:
        left = self.prefixed()
        while True:
            token = self.peek()
            if token.kind in _OPERAND_STARTS or token.text in ("(", "{"):
                raise UnsupportedError("an intersection or two operands side by side")
            if token.kind != "op":
                return left
            if token.text == "%" and floor < _PERCENT:
                self.take()
                left = Operation("%", (left,))
                continue
            power = _BINARY.get(token.text)
            if power is None or power <= floor:
                return left
            self.take()
            right = self.expression(power)
            if token.text == ":" and (isinstance(left, Constant) or isinstance(right, Constant)
                                      or _bare_name(left) or _bare_name(right)):
                raise UnsupportedError("a range between names or values")
            left = Operation(token.text, (left, right))

    def prefixed(self) -> Any:
        signs = ""
        while self.peek().kind == "op" and self.peek().text in "+-":
            signs += self.take().text
        if not signs:
            return self.primary()
        operand = self.expression(_PREFIX)
        minus = signs.count("-")
        symbol = "u-" if minus % 2 else ("u--" if minus else "u+")
        return Operation(symbol, (operand,))

    def primary(self) -> Any:
        token = self.take()
        kind, text = token.kind, token.text
        if kind == "number":
            return Constant(int(text) if text.isdigit() else float(text))
        if kind == "string":
            return Constant(text[1:-1].replace('""', '"'))
        if kind == "error":
            return Constant(ERRORS[text.upper()])
        if kind == "ref":
            return Name(text)
        if kind == "name":
            if text.upper() in ("TRUE", "FALSE"):
                return Constant(text.upper() == "TRUE")
            if _UNREAD_NAMES.search(text):
                raise UnsupportedError(f"{text}")
            return Name(text)
        if kind == "func":
            return self.call(text)
        if text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if text == "{":
            return Constant(self.array())
        raise UnsupportedError(f"unexpected {text!r}")

    def call(self, name: str) -> Call:
        if _UNREAD_NAMES.search(name):
            raise UnsupportedError(name)
        args: list[Any] = []
        if self.peek().text == ")":
            self.take()
        else:
            while True:
                args.append(None if self.peek().text in (",", ")") else self.expression())
                token = self.take()
                if token.text == ")":
                    break
                if token.text != ",":
                    raise UnsupportedError(f"unexpected {token.text!r} in {name}()")
        if self.peek().text == "(":
            raise UnsupportedError("a call of a call's result")
        return Call(name.upper(), tuple(args))

    def array(self) -> Any:
        """An array constant's rows of values, as a 2-D object array."""
        rows: list[list[Any]] = [[]]
        while True:
            rows[-1].append(self.array_item())
            token = self.take()
            if token.text == "}":
                break
            if token.text == ";":
                rows.append([])
            elif token.text != ",":
                raise UnsupportedError("an array constant")
        if len({len(row) for row in rows}) != 1:
            raise UnsupportedError("an array constant with rows of different lengths")
        out = np.empty((len(rows), len(rows[0])), dtype=object)
        for i, row in enumerate(rows):
            for j, item in enumerate(row):
                out[i, j] = item
        return out.view(Array)

    def array_item(self) -> Any:
        signs = ""
        while self.peek().text in ("+", "-") and self.peek().kind == "op":
            signs += self.take().text
        item = self.primary()
        if not isinstance(item, Constant) or hasattr(item.value, "shape"):
            raise UnsupportedError("an array constant holding more than values")
        value = item.value
        if signs:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise UnsupportedError("a sign before a value that is not a number")
            value = -float(value) if signs.count("-") % 2 else float(value)
        return value


def _bare_name(node: Any) -> bool:
    """A defined name (not a cell reference) as an end of a ``:`` range."""
    return isinstance(node, Name) and re.fullmatch(REFERENCE, node.text) is None


def parse(text: str) -> Any:
    """The syntax tree of a formula (its text without the leading ``=``)."""
    parser = _Parser(text)
    tree = parser.expression()
    if parser.peek().kind != "end":
        raise UnsupportedError(f"unexpected {parser.peek().text!r}")
    return tree
