"""A formula's syntax tree as a function of the ranges it reads.

The compiled formula lists its ``inputs`` (each reference or defined name as written, one
entry per distinct one) and is called with their values in that order, as the engine
reads them. Parts that read nothing are computed once, when the formula is compiled (so
``ROW()`` is worked out where the engine compiles it, and ``DATE(2024,3,31)`` is not
worked out per cell); TODAY(), NOW() and the random functions are left to each call.

A function the engine does not define raises :class:`~xlkpi.workbook.formula_parser.
UnsupportedError` here too: the engine then compiles the formula with ``formulas``, which
knows its own functions and how to report one that nobody defines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xlkpi.workbook.formula_parser import Call, Constant, Name, Operation, UnsupportedError, parse
from xlkpi.workbook.operators import OPERATORS, UNARY

__all__ = ["CompiledFormula", "FunctionError", "compile_formula"]

#: Functions whose value changes between calls: never computed at compile time.
_VOLATILE = frozenset({"TODAY", "NOW", "RAND", "RANDBETWEEN", "RANDARRAY"})

Evaluate = Callable[[Sequence[Any]], Any]


class FunctionError(Exception):
    """A function raised: the message says which, the last argument is what it raised."""


#: A name LET binds, as Excel stores it (``_xlpm.rate``).
_PARAMETER = re.compile(r"_xlpm\.", re.IGNORECASE)


def _once(evaluate: Evaluate) -> Evaluate:
    """``evaluate`` computed once per evaluation of the formula (a LET value read three
    times, or a RAND() bound to a name, is one value), however often it is read."""
    last: list[Any] = [None, None]  # the input values of the evaluation, its result

    def once(values: Sequence[Any]) -> Any:
        if last[0] is not values:
            last[1] = evaluate(values)
            last[0] = values
        return last[1]

    return once


class CompiledFormula:
    """A formula ready to evaluate: ``inputs`` are the references it reads."""

    def __init__(self, inputs: list[str], evaluate: Evaluate) -> None:
        self.inputs = inputs
        self._evaluate = evaluate

    def __call__(self, *values: Any) -> Any:
        # a new list for each evaluation: what LET computes once is told apart by it
        # (an empty tuple would be the same object every time)
        return self._evaluate(list(values))


class _Compiler:
    def __init__(self, functions: Mapping[str, Callable[..., Any]],
                 known: Callable[[str], bool], span: Callable[[Any, Any], Any]) -> None:
        self.functions = functions
        self.known = known
        self.span = span
        self.inputs: list[str] = []
        self.index: dict[str, int] = {}
        #: names LET has bound, innermost last: NAME -> (its value, whether constant)
        self.scopes: list[dict[str, tuple[Evaluate, bool]]] = []

    def node(self, tree: Any) -> tuple[Evaluate, bool]:
        """The function computing ``tree`` from the input values, and whether it is a
        constant (reads no input)."""
        if isinstance(tree, Constant):
            value = tree.value
            return (lambda values: value), True
        if tree is None:  # an argument left out
            return (lambda values: None), True
        if isinstance(tree, Name):
            if _PARAMETER.match(tree.text):
                return self.bound(tree.text)
            key = tree.text.replace("$", "").upper()
            if key not in self.index:
                self.index[key] = len(self.inputs)
                self.inputs.append(tree.text)
            i = self.index[key]
            return (lambda values: values[i]), False
        if isinstance(tree, Operation):
            return self.operation(tree)
        return self.call(tree)

    def operation(self, tree: Operation) -> tuple[Evaluate, bool]:
        parts = [self.node(operand) for operand in tree.operands]
        constant = all(c for _, c in parts)
        if len(parts) == 1:
            unary, (only, _) = UNARY[tree.symbol], parts[0]
            return self.folded(lambda values: unary(only(values)), constant)
        (left, _), (right, _) = parts
        binary = self.span if tree.symbol == ":" else OPERATORS[tree.symbol]
        return self.folded(lambda values: binary(left(values), right(values)), constant)

    def bound(self, name: str) -> tuple[Evaluate, bool]:
        """A name LET bound, from the innermost LET that binds it."""
        for scope in reversed(self.scopes):
            if name.upper() in scope:
                return scope[name.upper()]
        raise UnsupportedError(f"{name}: a LAMBDA parameter or a name no LET binds")

    def let(self, args: tuple[Any, ...]) -> tuple[Evaluate, bool]:
        """``LET(name1, value1, [name2, value2, ...], calculation)``: each value computed
        once per evaluation, seen by the values after it and by the calculation."""
        if len(args) < 3 or len(args) % 2 == 0:
            raise UnsupportedError("LET with a name left without a value")
        scope: dict[str, tuple[Evaluate, bool]] = {}
        self.scopes.append(scope)
        try:
            for name, value in zip(args[:-1:2], args[1:-1:2], strict=True):
                if not isinstance(name, Name) or not _PARAMETER.match(name.text):
                    raise UnsupportedError("LET binding something other than a name")
                evaluate, constant = self.node(value)
                scope[name.text.upper()] = (_once(evaluate), constant)
            return self.node(args[-1])
        finally:
            self.scopes.pop()

    def call(self, tree: Call) -> tuple[Evaluate, bool]:
        name = tree.name
        if name in ("LET", "_XLFN.LET"):
            return self.let(tree.args)
        if not self.known(name):
            raise UnsupportedError(f"{name} is not one of the engine's functions")
        function = self.functions[name]
        parts = [self.node(arg) for arg in tree.args]
        args = [evaluate for evaluate, _ in parts]

        def call(values: Sequence[Any]) -> Any:
            try:
                return function(*[arg(values) for arg in args])
            except Exception as err:
                raise FunctionError(f"{name} failed", name, err) from err

        constant = all(c for _, c in parts) and name.removeprefix("_XLFN.") not in _VOLATILE
        return self.folded(call, constant)

    @staticmethod
    def folded(evaluate: Evaluate, constant: bool) -> tuple[Evaluate, bool]:
        """``evaluate`` computed now when it reads nothing (unless it raises: then each
        call raises and the cell reports it)."""
        if not constant:
            return evaluate, False
        try:
            value = evaluate(())
        except Exception:
            return evaluate, False
        return (lambda values: value), True


def compile_formula(text: str, functions: Mapping[str, Callable[..., Any]],
                    known: Callable[[str], bool],
                    span: Callable[[Any, Any], Any]) -> CompiledFormula:
    """The formula ``text`` (without ``=``) compiled against the function table; ``known``
    says whether a name is the engine's own without loading anything; ``span`` is the
    ``:`` operator between two computed references. Raises UnsupportedError for what the
    engine leaves to ``formulas``."""
    compiler = _Compiler(functions, known, span)
    evaluate, _ = compiler.node(parse(text))
    return CompiledFormula(compiler.inputs, evaluate)

