"""Excel's statistics of paired data, the straight-line trend of a series: SLOPE,
INTERCEPT, FORECAST (and FORECAST.LINEAR), CORREL, PEARSON, RSQ, STEYX and COVARIANCE.P
/ .S.

``known_y's`` and ``known_x's`` must hold as many values as each other (#N/A otherwise).
Their errors are taken pair by pair, the y before the x: the first one found is the
answer, a #NULL! given as #NUM! (as Excel answers, except CORREL and FORECAST, which give
#NULL! itself). A pair where either value is not a number (text, a logical value, a
blank) is left out. Too few pairs, or values that do not vary, is #DIV/0!. FORECAST
reads its x as a number (TRUE is 1, date text its serial); an error there comes first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.aggregates import text_number
from xlkpi.workbook.natives.base import EMPTY, ExcelValueError, fail, values
from xlkpi.workbook.natives.information import is_number
from xlkpi.workbook.natives.lifting import lift
from xlkpi.workbook.natives.statistics import guard
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "paired"]


def paired(known_y: Any, known_x: Any, null_as_num: bool = True,
           blank_alone: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The (y, x) pairs of numbers, as two float arrays (see the module for the rules;
    ``blank_alone``: a single blank cell for either is #VALUE!, as SLOPE, INTERCEPT,
    CORREL and FORECAST answer)."""
    ys, xs = list(values(known_y)), list(values(known_x))
    if blank_alone and (ys == [EMPTY] or xs == [EMPTY]):
        raise fail("#VALUE!")
    if len(ys) != len(xs):
        raise fail("#N/A")
    y_out, x_out = [], []
    for y, x in zip(ys, xs, strict=True):
        error = y if isinstance(y, XlError) else x if isinstance(x, XlError) else None
        if error is not None:
            raise fail("#NUM!" if null_as_num and str(error) == "#NULL!" else str(error))
        if is_number(y) and is_number(x):
            y_out.append(y)
            x_out.append(x)
    return np.array(y_out, dtype=np.float64), np.array(x_out, dtype=np.float64)


def _line(known_y: Any, known_x: Any, null_as_num: bool = True) -> tuple[float, float]:
    """The least-squares line through the pairs: (intercept, slope)."""
    y, x = paired(known_y, known_x, null_as_num, blank_alone=True)
    if y.size <= 1:
        raise fail("#DIV/0!")
    dx = x - x.mean()
    sxx = float(dx @ dx)
    if sxx == 0:
        raise fail("#DIV/0!")
    slope = float(dx @ (y - y.mean())) / sxx
    return float(y.mean()) - slope * float(x.mean()), slope


def _slope(known_y: Any, known_x: Any) -> float:
    return _line(known_y, known_x)[1]


def _intercept(known_y: Any, known_x: Any) -> float:
    return _line(known_y, known_x)[0]


def _r(y: np.ndarray, x: np.ndarray) -> float:
    if y.size <= 1:
        raise fail("#DIV/0!")
    dy, dx = y - y.mean(), x - x.mean()
    syy, sxx = float(dy @ dy), float(dx @ dx)
    if math.isclose(sxx, 0, abs_tol=1e-8) or math.isclose(syy, 0, abs_tol=1e-8):
        raise fail("#DIV/0!")
    return float(dx @ dy) / math.sqrt(sxx * syy)


def _correl(array1: Any, array2: Any) -> float:
    return _r(*paired(array1, array2, null_as_num=False, blank_alone=True))


def _pearson(array1: Any, array2: Any) -> float:
    return _r(*paired(array1, array2))


def _rsq(known_y: Any, known_x: Any) -> float:
    return _r(*paired(known_y, known_x)) ** 2


def _steyx(known_y: Any, known_x: Any) -> float:
    y, x = paired(known_y, known_x)
    if y.size <= 2:
        raise fail("#DIV/0!")
    dy, dx = y - y.mean(), x - x.mean()
    sxx = float(dx @ dx)
    if sxx == 0:
        raise fail("#DIV/0!")
    return math.sqrt(max(0.0, (float(dy @ dy) - float(dx @ dy) ** 2 / sxx) / (y.size - 2)))


def _covariance(sample: bool) -> Callable[[Any, Any], float]:
    def covariance(array1: Any, array2: Any) -> float:
        y, x = paired(array1, array2)
        if y.size <= int(sample):
            raise fail("#DIV/0!")
        return float((y - y.mean()) @ (x - x.mean())) / (y.size - int(sample))

    covariance.__name__ = "covariance_s" if sample else "covariance_p"
    return covariance


def _forecast_x(value: Any) -> float:
    if value is EMPTY or value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return text_number(value)
    return float(value)


def _forecast(x: Any, known_y: Any, known_x: Any) -> Any:
    """FORECAST: the straight line through the pairs, read at ``x`` (each element of an
    array of x's); an error in an x is that element's answer, before the pairs' own."""
    try:
        line: tuple[float, float] | None = _line(known_y, known_x, null_as_num=False)
        problem = ""
    except ExcelValueError as err:
        line, problem = None, err.code

    @lift()
    def at(point: Any) -> float:
        if line is None:
            raise fail(problem)
        intercept, slope = line
        return intercept + slope * _forecast_x(point)

    return at(x)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "SLOPE": guard(_slope),
    "INTERCEPT": guard(_intercept),
    "CORREL": guard(_correl),
    "PEARSON": guard(_pearson),
    "RSQ": guard(_rsq),
    "STEYX": guard(_steyx),
    "COVARIANCE.P": guard(_covariance(False)),
    "COVARIANCE.S": guard(_covariance(True)),
    "FORECAST": guard(_forecast),
    "FORECAST.LINEAR": guard(_forecast),
}
