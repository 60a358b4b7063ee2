"""Classic xlwings: udfs/xlkpi_udfs.py called with the values xlwings' own converters hand it.

xlwings' UDF server (xlwings.udfs) needs pywin32 and Excel, so this runs the part that runs
without them: the module's decorators are recorded as written, and each argument goes
through xlwings' real conversion pipeline (xlwings.conversion.read with the options from
@xw.arg: np.array, ndim=2, err_to_str=True), fed by an engine that cleans cells as
xlwings' Windows engine documents (blanks None, dates datetime, COM error codes to text).
"""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path

import numpy as np
import pytest

xlwings = pytest.importorskip("xlwings")
from xlwings import conversion  # noqa: E402
from xlwings.main import Engine  # noqa: E402

UDFS = Path(__file__).resolve().parents[2] / "udfs" / "xlkpi_udfs.py"
#: COM's error values for cells (CVErr as HRESULTs), as Excel on Windows hands them over.
COM_ERRORS = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?",
              -2146826288: "#NULL!", -2146826252: "#NUM!", -2146826265: "#REF!",
              -2146826273: "#VALUE!"}
NA = -2146826246


class _WindowsLikeCleaning:
    """The Windows engine's clean_value_data, as xlwings documents it for COM values."""

    name, type = "excel-test", "desktop"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def clean(value):
            if value in ("", None):
                return empty_as
            if isinstance(value, dt.datetime):
                return value if datetime_builder is dt.datetime else datetime_builder(value)
            if isinstance(value, int) and value in COM_ERRORS:
                return COM_ERRORS[value] if err_to_str else None
            return value
        return [[clean(c) for c in row] for row in data]


@pytest.fixture(scope="module")
def udfs():
    """The module with xw.func/xw.arg/xw.sub recording their options (no-ops off Windows)."""
    if "excel-test" not in [e.name for e in xlwings.engines]:
        xlwings.engines.add(Engine(impl=_WindowsLikeCleaning()))

    def func(*args, **kwargs):
        def attach(f):
            f.__xl__ = {"func": kwargs, "args": getattr(f, "__xlargs__", {})}
            return f
        return attach(args[0]) if args and callable(args[0]) else attach

    def arg(name, convert=None, **options):
        def attach(f):
            f.__dict__.setdefault("__xlargs__", {})[name] = {"convert": convert, **options}
            return f
        return attach

    shim = types.SimpleNamespace(func=func, arg=arg, sub=lambda f: f, Book=None)
    module = types.ModuleType("xlkpi_udfs")
    source = UDFS.read_text(encoding="utf-8").replace("import xlwings as xw\n", "")
    module.xw = shim
    exec(compile(source, str(UDFS), "exec"), module.__dict__)
    return module


def _call(udfs, name, *cells):
    """Call as xlwings' UDF server does: each argument converted per its @xw.arg."""
    function = getattr(udfs, name)
    options = function.__xl__["args"]
    names = function.__code__.co_varnames[:function.__code__.co_argcount]
    args = []
    for arg_name, value in zip(names, cells, strict=False):
        spec = options.get(arg_name.rstrip("_"), {})
        if value is None:
            args.append(None)
            continue
        args.append(conversion.read(None, value, spec, engine_name="excel-test")
                    if spec.get("convert") is np.array or "ndim" in spec else
                    conversion.read(None, value, {}, engine_name="excel-test"))
    return function(*args)


D = dt.datetime


def test_every_range_argument_is_a_2d_array_with_errors_as_text(udfs):
    from xlkpi.functions import REGISTRY

    for entry in REGISTRY.values():
        function = getattr(udfs, entry.name)
        for arg in entry.args:
            spec = function.__xl__["args"][arg.name]
            if arg.kind == "option":
                assert spec == {"convert": None, "doc": spec["doc"]}, (entry.name, arg.name)
            else:
                assert spec["convert"] is np.array and spec["ndim"] == 2 and spec["err_to_str"]


@pytest.mark.parametrize(("name", "cells", "expected"), [
    # a COM date cell arrives as a datetime; one cell is a 1 x 1 array after ndim=2
    ("KPI_WORKDAYS", (((D(2023, 5, 5),),), ((D(2023, 5, 10),),)), 2),
    ("KPI_WORKDAYS", (((D(2023, 5, 5),), (D(2023, 5, 3),), (None,)), ((D(2023, 5, 10),),)),
     [[2], [4], [None]]),
    ("KPI_WORKDAYS", (((NA,),), ((D(2023, 5, 10),),)), "#N/A"),
    ("KPI_WORKDAY", (((D(2023, 5, 5),),), ((2.0,),)), D(2023, 5, 10)),
    ("KPI_DUE", (((D(2023, 5, 5),),), (("ASSESSMENT",),)), D(2023, 7, 11)),
    ("KPI_PCT", (((14.0, 5.0),), ((16.0, 0.0),)), [[0.875, "N/A"]]),
    ("KPI_PCT", ((("many",),), ((16.0,),)), "#VALUE!"),
    ("KPI_RAG", (((0.782,),), (("High",),), ((0.7,),), ((0.8,),)), "Amber"),
    ("KPI_TREND", (((1.0, 2.0, 4.0, 3.0, 5.0),),), "Increasing"),
    ("KPI_SYMBOL", ((("Green",), ("Purple",)),), [["★"], ["#VALUE!"]]),
])
def test_calls_as_xlwings_converts_them(udfs, name, cells, expected):
    result = _call(udfs, name, *cells)
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        assert result == pytest.approx(expected)
    else:
        assert result == expected
    # what comes back is what xlwings can write: scalars, datetimes, None, 2-D lists
    values = result if isinstance(result, list) else [[result]]
    for row in values:
        for value in row:
            assert value is None or isinstance(value, str | int | float | bool | D), value
