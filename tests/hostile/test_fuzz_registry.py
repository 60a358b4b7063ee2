"""Every registry function fed anything a worksheet can hold: only Excel errors come back,
never an exception, per element (hypothesis)."""

from __future__ import annotations

import contextlib
import datetime as dt
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlkpi.bands import parse_bands
from xlkpi.bindings import excel_call
from xlkpi.errors import ExcelError, KpiError
from xlkpi.functions import REGISTRY

CELL = st.one_of(
    st.none(), st.just(""), st.booleans(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([60, 59, 61, 0, -1, 2_958_465, 2_958_466, 45051, 1e308]),
    st.text(max_size=12),
    st.sampled_from(["31/02/2023", "2023-05-05", "05/05/2023", "High", "Low", "SIB", "N/A",
                     "ASSESSMENT", "#N/A", "#VALUE!", "elapsed", "ENG", "XX", "43%",
                     "1,234", "Green", "90% or above Green 85%-89% Amber 84% and below Red"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)
ARG = st.one_of(CELL, st.lists(CELL, min_size=1, max_size=4),
                st.lists(st.lists(CELL, min_size=2, max_size=2), min_size=1, max_size=3))


def _acceptable(value: object) -> bool:
    """A cell result: a value, a blank, an Excel error, or an array of those."""
    if isinstance(value, np.ndarray):
        return all(_acceptable(v) for v in value.ravel())
    if isinstance(value, list):
        return all(_acceptable(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, ExcelError):  # bad input is fine; a bug inside is not
        return "internal error" not in value.message
    return value is None or isinstance(value, (str, int, float, bool, np.generic, dt.date,
                                               np.datetime64, ExcelError))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(REGISTRY)), st.data())
def test_registry_functions_never_raise(name, data):
    function = REGISTRY[name]
    count = data.draw(st.integers(function.min_args, function.max_args))
    args = [data.draw(ARG) for _ in range(count)]
    result = function.call(*args)
    assert _acceptable(result), (name, args, result)
    shown = excel_call(name, *args)  # the binding path, as Excel's cells hand values over
    assert _acceptable(shown), (name, args, shown)
    assert "internal error" not in str(function.call(*args)), (name, args)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_band_text_parser_raises_only_kpi_errors(text):
    with contextlib.suppress(KpiError):  # any other exception fails the test
        parse_bands(text)
