"""Where the ``formulas`` parser reads a formula differently from Excel, put right once.

- A run of signs before a value (``--A1``) is folded by ``formulas`` into one sign by its
  parity, so ``--TRUE`` became ``+TRUE``, which Excel leaves as TRUE. In Excel every
  minus is a negation that makes a number: ``--TRUE`` is 1 and ``--"3"`` is 3 (the idiom
  analysts use in ``SUMPRODUCT(--(B2:B13="red"))``). A run with an even number of minus
  signs in front of a value now negates twice.
- An argument left out (``LINEST(y,x,,TRUE)``, ``SEQUENCE(,12)``) was compiled as the
  number 0, which a function cannot tell from a typed 0; it now arrives as ``None``, which
  the engine's functions read as "not given" (their default, or a blank).
- The range operator between references that functions return
  (``OFFSET(A1,1,1):OFFSET(A1,6,1)``, ``INDIRECT("B2"):INDIRECT("B6")``) gives the cells
  from the first to the last, read through the engine.
- A function that is not Excel's and that nothing defines (``=IFERROR(SUMM(A1:A4),"x")``)
  raised an error that stopped the whole formula; Excel gives #NAME? there (and IFERROR
  catches it). In a workbook with macros, which may define it, the cell is still left
  unevaluated. Excel's own functions that the engine lacks are left unevaluated too
  (:mod:`xlkpi.workbook.function_names`), and so are ``_xll.`` add-in functions.
"""

from __future__ import annotations

from typing import Any

__all__ = ["patch_parser"]

_PATCHED = False


def patch_parser() -> None:
    """Apply the corrections to ``formulas``' tokens (idempotent)."""
    global _PATCHED
    if _PATCHED:
        return
    from formulas.functions.operators import OPERATORS
    from formulas.tokens.operator import Operator, OperatorToken

    negate = OPERATORS["U-"]

    def double_negation(value: Any) -> Any:
        return negate(negate(value))

    original_process = OperatorToken.process
    original_compile = Operator.compile

    def process(self: Any, match: Any, context: Any = None, parser: Any = None) -> Any:
        attr = original_process(self, match, context=context, parser=parser)
        signs = attr.get("sum_minus") if isinstance(attr, dict) else None
        if signs and signs.count("-") and signs.count("-") % 2 == 0:
            attr["negations"] = True
        return attr

    def compile(self: Any) -> Any:
        if self.name == "u+" and self.attr.get("negations"):
            return double_negation
        return original_compile(self)

    range_operator = OPERATORS[":"]

    def span(first: Any, last: Any) -> Any:
        from xlkpi.workbook.context import reference_span

        spanned = reference_span(first, last)
        return range_operator(first, last) if spanned is None else spanned

    OPERATORS[":"] = span
    _patch_unknown_functions()
    from formulas.tokens.operand import Empty

    Empty.compile = staticmethod(lambda: None)

    OperatorToken.process = process
    Operator.compile = compile
    _PATCHED = True


class UndefinedFunctionError(Exception):
    """A function Excel does not define, called in a workbook that may define it itself
    (it has macros, or a name of that spelling): the engine will not guess, so the cell
    keeps Excel's value and is listed (the engine turns any exception raised while a
    formula is evaluated into that)."""


def _unknown_function(name: str) -> Any:
    def call(*args: Any) -> Any:
        from xlkpi.workbook.context import current
        from xlkpi.workbook.xlvalues import xl_error

        context = current()
        if context is not None and (context.macros or context.name(name) is not None):
            raise UndefinedFunctionError(f"{name}: a function the workbook may define")
        return xl_error("#NAME?")

    return call


def _known(table: Any, name: str) -> bool:
    """``name`` is in the table without importing ``formulas``' own functions for it."""
    known = getattr(table, "known", None)
    return known(name) if known is not None else name in table


def _patch_unknown_functions() -> None:
    from formulas.tokens.function import Function

    from xlkpi.workbook.function_names import is_excels

    original = Function.compile

    def get_functions() -> Any:
        import formulas.functions  # the bridge replaced its get_functions

        return formulas.functions.get_functions()

    def compile(self: Any) -> Any:
        table = get_functions()
        # the engine's own names first: they are in the table without importing formulas'
        # families (the table's ``in`` imports them) or openpyxl's list of Excel's names
        if (not self.attr.get("func_token") and not _known(table, self.name.upper())
                and not is_excels(self.name) and self.name.upper() not in table):
            return _unknown_function(self.name)
        return original(self)

    Function.compile = compile
