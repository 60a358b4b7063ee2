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

from collections.abc import Callable, Mapping
from typing import Any

from xlkpi.workbook.formula_parser import Call, Constant, Name, Operation, UnsupportedError, parse
from xlkpi.workbook.operators import OPERATORS, UNARY

__all__ = ["CompiledFormula", "FunctionError", "compile_formula"]

#: Functions whose value changes between calls: never computed at compile time.
_VOLATILE = frozenset({"TODAY", "NOW", "RAND", "RANDBETWEEN", "RANDARRAY"})

Evaluate = Callable[[tuple[Any, ...]], Any]


class FunctionError(Exception):
    """A function raised: the message says which, the last argument is what it raised."""


class CompiledFormula:
    """A formula ready to evaluate: ``inputs`` are the references it reads."""

    def __init__(self, inputs: list[str], evaluate: Evaluate) -> None:
        self.inputs = inputs
        self._evaluate = evaluate

    def __call__(self, *values: Any) -> Any:
        return self._evaluate(values)


class _Compiler:
    def __init__(self, functions: Mapping[str, Callable[..., Any]],
                 known: Callable[[str], bool], span: Callable[[Any, Any], Any]) -> None:
        self.functions = functions
        self.known = known
        self.span = span
        self.inputs: list[str] = []
        self.index: dict[str, int] = {}

    def node(self, tree: Any) -> tuple[Evaluate, bool]:
        """The function computing ``tree`` from the input values, and whether it is a
        constant (reads no input)."""
        if isinstance(tree, Constant):
            value = tree.value
            return (lambda values: value), True
        if tree is None:  # an argument left out
            return (lambda values: None), True
        if isinstance(tree, Name):
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

    def call(self, tree: Call) -> tuple[Evaluate, bool]:
        name = tree.name
        if not self.known(name):
            raise UnsupportedError(f"{name} is not one of the engine's functions")
        function = self.functions[name]
        parts = [self.node(arg) for arg in tree.args]
        args = [evaluate for evaluate, _ in parts]

        def call(values: tuple[Any, ...]) -> Any:
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

