"""The registry: one entry per worksheet function, Excel errors cell by cell."""

from __future__ import annotations

import datetime as dt
import inspect

import numpy as np
import pytest

import xlkpi
from xlkpi.errors import ExcelError
from xlkpi.functions import REGISTRY, get

FOUNDATION = ["KPI_WORKDAYS", "KPI_WORKDAY", "KPI_DUE", "KPI_WITHIN", "KPI_PCT", "KPI_RATE",
              "KPI_CHANGE"]


@pytest.mark.parametrize("name", FOUNDATION)
def test_foundation_functions_are_registered(name: str) -> None:
    assert name in REGISTRY


@pytest.mark.parametrize("fn", list(REGISTRY.values()), ids=list(REGISTRY))
def test_every_entry_is_complete(fn: xlkpi.functions.KpiFunction) -> None:
    assert fn.name.startswith("KPI_") and fn.name == fn.name.upper()
    assert fn.help and fn.result and all(a.description for a in fn.args)
    params = inspect.signature(fn.impl).parameters
    assert len(params) >= fn.max_args, "the implementation takes every registered argument"
    required = [a for a in fn.args if a.required]
    assert fn.args[: len(required)] == tuple(required), "required arguments come first"
    assert fn.python_name == fn.name.removeprefix("KPI_").lower()


@pytest.mark.parametrize("stored", ["KPI_WORKDAYS", "_xldudf_KPI_WORKDAYS",
                                    "_xldudf_KPI_DEV_WORKDAYS", "KPI.WORKDAYS", "kpi_workdays"])
def test_every_stored_name_form_finds_the_function(stored: str) -> None:
    assert get(stored).name == "KPI_WORKDAYS"


def test_bad_cells_become_excel_errors_and_the_rest_is_computed() -> None:
    fn = get("KPI_WORKDAYS")
    out = fn.call(["2023-05-05", "31/02/2017", None, "FALSE", 45051], "2023-05-10")
    assert out[0] == 2 and np.isnan(out[2]) and out[4] == 2
    assert isinstance(out[1], ExcelError) and out[1] == "#VALUE!"
    assert "31/02/2017" in out[1].message and "FALSE" in out[3].message


def test_errors_from_two_arguments_land_in_their_own_cells() -> None:
    out = get("KPI_WORKDAYS").call([["2023-05-05"], ["x"]], [["2023-05-10", "1999-01-01"]])
    assert out.shape == (2, 2)
    assert out[0, 0] == 2
    assert out[1, 0] == "#VALUE!"  # bad start
    assert out[0, 1] == "#NUM!"  # end outside the calendar


def test_a_bad_closure_date_is_an_error_in_every_cell() -> None:
    """The closure dates are one setting for every cell, not a range matched cell by cell:
    one bad date makes every result an error naming it, whatever the shapes (a fuzz case
    once crashed here when the closures and the days had different shapes)."""
    for days in ([1.0, 2.0, 3.0], [[1.0, 2.0]]):
        out = get("KPI_WORKDAY").call("2023-05-05", days, None, [["2023-05-08", False]])
        assert np.shape(out) == np.shape(days)
        assert all(v == "#VALUE!" and "closures: False" in v.message
                   for v in np.ravel(out))


def test_whole_call_settings_and_arity() -> None:
    assert get("KPI_WORKDAYS").call("2023-05-05", "2023-05-10", "calendar") == "#VALUE!"
    err = get("KPI_PCT").call(1)
    assert err == "#VALUE!" and "takes 2 to 2 arguments" in err.message
    filled = get("KPI_WORKDAYS").call(["2023-05-05"] * 3, "2023-05-10", "elapsed", "XYZ")
    assert filled.tolist() == ["#VALUE!"] * 3


def test_blank_optional_settings_take_their_defaults() -> None:
    assert get("KPI_WORKDAYS").call("2023-05-05", "2023-05-10", None, "") == 2
    assert get("KPI_WORKDAY").call("2023-05-05", 2) == dt.date(2023, 5, 10)
    assert get("KPI_PCT").call([3, 1], [4, 0]).tolist() == [0.75, "N/A"]
    assert get("KPI_WITHIN").call("2023-05-05", "2023-05-31", "ICPC") is False


def test_public_api_is_exported() -> None:
    for name in xlkpi.__all__:
        assert hasattr(xlkpi, name), name
    assert xlkpi.__all__ == sorted(xlkpi.__all__, key=lambda n: (not n.isupper(), n.lower()))\
        or len(set(xlkpi.__all__)) == len(xlkpi.__all__)
