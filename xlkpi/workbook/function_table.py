"""Every worksheet function the engine can call, by the name Excel stores it under.

The table holds the engine's own functions at once (:mod:`xlkpi.workbook.natives`, the
date functions, conditional counts and sums, LAMBDA support), under their names with and
without Excel's ``_xlfn.`` and ``_xlfn._xlws.`` prefixes; the KPI functions the first
time a formula names one (``KPI_RAG`` for xlwings classic and Lite, ``_XLDUDF_KPI_RAG``
for the Office.js namespace ``KPI``, ``_XLDUDF_KPI_DEV_RAG`` for a development add-in,
``KPI.RAG``); and ``formulas``' own functions only the first time a formula calls one
the engine lacks (its statistics family imports scipy). Those are given 0 for an
argument left out, as they expect.
"""

from __future__ import annotations

import functools
import importlib
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.xlvalues import Array

__all__ = ["FunctionTable", "register", "table"]

#: How the names of KPI functions start, in every form Excel stores them by.
_KPI_PREFIXES = ("KPI_", "KPI.", "_XLDUDF_KPI_")


def _kpi_names(name: str) -> tuple[str, ...]:
    short = name.removeprefix("KPI_")
    return (name, f"_XLDUDF_KPI_{short}", f"_XLDUDF_KPI_DEV_{short}", f"KPI.{short}")


class FunctionTable(dict[str, Callable[..., Any]]):
    """Functions by upper-case name, filled as they are needed (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self.ours: set[str] = set()
        self.kpi_loaded = False
        self.formulas_loaded = False
        self.lock = threading.RLock()

    def put(self, name: str, function: Callable[..., Any]) -> None:
        """File one of the engine's functions under ``name`` and its prefixed forms."""
        for alias in (name, f"_XLFN.{name}", f"_XLFN._XLWS.{name}"):
            dict.__setitem__(self, alias, function)
            self.ours.add(alias)

    def load_kpi(self) -> None:
        """Add the KPI functions (once): only a formula calling one imports the registry."""
        with self.lock:
            if self.kpi_loaded:
                return
            from xlkpi.functions import REGISTRY
            from xlkpi.workbook.excel_functions import kpi_evaluator

            for function in REGISTRY.values():
                evaluate = kpi_evaluator(function)
                for name in _kpi_names(function.name):
                    dict.__setitem__(self, name, evaluate)
                    self.ours.add(name)
            self.kpi_loaded = True

    def known(self, name: str) -> bool:
        """``name`` is one of the engine's functions (nothing of ``formulas`` imported)."""
        if name.startswith(_KPI_PREFIXES):
            self.load_kpi()
        return dict.__contains__(self, name)

    def load_formulas(self) -> None:
        """Add ``formulas``' own functions (once), under the engine's where both have one."""
        self.load_kpi()
        with self.lock:
            if self.formulas_loaded:
                return
            from xlkpi.workbook.formulas_bridge import formulas_functions

            module = formulas_functions()
            for name in module.SUBMODULES:
                self.add(importlib.import_module(name, module.__name__).FUNCTIONS)
            self.add(module.FUNCTIONS)
            self.formulas_loaded = True

    def add(self, functions: dict[str, Callable[..., Any]]) -> None:
        """Add ``formulas``' functions the engine has no version of."""
        for name, function in functions.items():
            if name not in self.ours and not name.startswith(("KPI", "_XLDUDF_")):
                dict.__setitem__(self, name, _omitted_as_zero(function))

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str) and self.known(name):
            return True
        self.load_formulas()
        return dict.__contains__(self, name)

    def __missing__(self, name: str) -> Callable[..., Any]:
        """A name no table entry has: ``formulas``' own marker for a function nobody
        defines (its dispatcher treats what that raises as "not implemented")."""
        if self.known(name):
            return dict.__getitem__(self, name)
        self.load_formulas()
        from xlkpi.workbook.formulas_bridge import formulas_functions

        return dict.get(self, name, formulas_functions().not_implemented)

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        # not dict.get, which would skip __missing__
        return self[name] if name in self else default  # noqa: SIM401


_TABLE: FunctionTable | None = None
_BUILDING = threading.Lock()


def table() -> FunctionTable:
    """The engine's function table (built on first use)."""
    global _TABLE
    with _BUILDING:
        if _TABLE is None:
            _TABLE = _built()
    return _TABLE


def _built() -> FunctionTable:
    from xlkpi.workbook.conditional import FUNCTIONS as CONDITIONAL
    from xlkpi.workbook.excel_functions import NATIVE_DATES
    from xlkpi.workbook.lambdas import FUNCTIONS as LAMBDAS
    from xlkpi.workbook.natives import natives

    built = FunctionTable()
    for name, function in {**NATIVE_DATES, **CONDITIONAL, **LAMBDAS, **natives(),
                           "ARRAY": _array_constant}.items():
        built.put(name, function)
    return built


def register(natives: bool = True) -> None:
    """Build the engine's table (``natives`` False: make ``formulas`` itself, with its own
    functions, also know the KPI functions, for comparing with ``formulas`` alone)."""
    if natives:
        table()
        return
    from xlkpi.functions import REGISTRY
    from xlkpi.workbook.excel_functions import kpi_evaluator
    from xlkpi.workbook.formulas_bridge import formulas_functions

    module = formulas_functions(own_table=False)
    plain = module.get_functions()
    for function in REGISTRY.values():
        evaluate = kpi_evaluator(function)
        for name in _kpi_names(function.name):
            module.FUNCTIONS[name] = evaluate
            dict.__setitem__(plain, name, evaluate)


def _array_constant(*items: Any) -> Any:
    """An array constant as ``formulas`` parses it: ``{1,-2;3,4}`` is
    ARRAY(ARRAY(1,-2),ARRAY(3,4)). Each item of a row is a single value (``formulas``
    hands a negated number over as a one-element array); rows stack into a 2-D array."""
    if items and all(isinstance(i, np.ndarray) and i.ndim == 1 for i in items):
        return np.asarray(items, dtype=object).view(Array)
    row = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        row[i] = item.ravel()[0] if isinstance(item, np.ndarray) and item.size == 1 else item
    return row.view(Array)


def _omitted_as_zero(function: Callable[..., Any]) -> Callable[..., Any]:
    """A ``formulas`` function given 0 for each argument left out, as it expects."""

    @functools.wraps(function)
    def call(*args: Any) -> Any:
        return function(*(0 if a is None else a for a in args))

    return call
