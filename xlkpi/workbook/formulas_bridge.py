"""``formulas``, imported only for what the engine does not do itself, and made to share
the engine's values.

The engine parses and computes most workbooks on its own. A formula it leaves to
``formulas`` (a function the engine lacks, syntax its parser does not read) imports the
package here, once, and before any of its modules takes a copy of its own error or
array class:

- ``formulas``' error values become the engine's (:mod:`xlkpi.workbook.xlvalues`): the
  same ``#N/A`` object whichever side made it, so each recognises the other's errors;
- its array class becomes the engine's, including as the default its functions give
  results in;
- it compiles function calls from the engine's table, whose own functions come first;
- its parser gets the engine's corrections (:mod:`xlkpi.workbook.syntax`).

``formulas`` imported by someone else before this (with its own classes already handed
out) cannot be made to share them: that is refused with a message, not half done.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import FunctionType, ModuleType
from typing import Any

from xlkpi.workbook import xlvalues
from xlkpi.workbook.xlvalues import ERRORS, Array, XlError

__all__ = ["formulas_compile", "formulas_functions", "formulas_module"]

_LOCK = threading.RLock()
_LOADED: dict[str, Any] = {}
#: The module-level names both ``formulas.tokens.operand`` and :mod:`xlkpi.workbook.xlvalues`
#: give their error values.
_ERROR_NAMES = ("NULL", "DIV", "VALUE", "REF", "NUM", "NAME", "NA", "GETTING_DATA")


def _swap_defaults(module: ModuleType, swaps: dict[int, Any]) -> None:
    """Default arguments of the module's functions that are one of its own values,
    replaced with the engine's (``otype=Array``, ``default=Error.errors['#NUM!']``)."""
    for value in vars(module).values():
        if isinstance(value, FunctionType) and value.__module__ == module.__name__:
            if value.__defaults__:
                value.__defaults__ = tuple(swaps.get(id(d), d) for d in value.__defaults__)
            if value.__kwdefaults__:
                value.__kwdefaults__ = {k: swaps.get(id(d), d)
                                        for k, d in value.__kwdefaults__.items()}


def _share_values() -> ModuleType:
    if "formulas.functions" in sys.modules:
        raise RuntimeError(
            "formulas was imported before xlkpi.workbook needed it, so its values cannot "
            "be the engine's: import xlkpi.workbook first, and formulas through it")
    operand = importlib.import_module("formulas.tokens.operand")
    swaps: dict[int, Any] = {id(operand.XlError): XlError}
    for name in _ERROR_NAMES:
        ours = getattr(xlvalues, name)
        swaps[id(getattr(operand, name))] = ours
        setattr(operand, name, ours)
    operand.XlError = XlError
    operand.Error.errors.clear()
    operand.Error.errors.update(ERRORS)
    _swap_defaults(operand, swaps)
    functions = importlib.import_module("formulas.functions")
    swaps[id(functions.Array)] = Array
    functions.Array = Array
    _swap_defaults(functions, swaps)
    return functions


def formulas_functions(own_table: bool = True) -> ModuleType:
    """``formulas.functions``, sharing the engine's values and (``own_table``) compiling
    calls from the engine's function table; imported once."""
    with _LOCK:
        if "functions" not in _LOADED:
            _LOADED["functions"] = _share_values()
        module = _LOADED["functions"]
        if own_table and "table" not in _LOADED:
            from xlkpi.workbook.function_table import table

            functions = table()
            module.FUNCTIONS.update({name: functions[name] for name in functions.ours})
            functions.add(module.FUNCTIONS)  # its base table (ARRAYROW...)
            module.get_functions = lambda: functions
            from xlkpi.workbook.syntax import patch_parser

            patch_parser()
            _LOADED["table"] = functions
        return module


def formulas_compile(text: str) -> Any:
    """The formula ``text`` (without ``=``) compiled by ``formulas``: a function of its
    ``inputs`` (references and names, as ``formulas`` writes them)."""
    formulas_functions()
    with _LOCK:
        if "parser" not in _LOADED:
            _LOADED["parser"] = importlib.import_module("formulas").Parser()
    return _LOADED["parser"].ast("=" + text)[1].compile()


def formulas_module(name: str) -> ModuleType:
    """A module of ``formulas`` (``"formulas.functions.look"``), imported after the
    package has been made to share the engine's values."""
    formulas_functions()
    return importlib.import_module(name)
