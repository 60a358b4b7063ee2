"""Excel's least-squares regression: LINEST, LOGEST, TREND and GROWTH.

``known_y's`` is a row or a column; ``known_x's`` is either the same shape (one
variable) or, for a column of y, columns of variables with as many rows (for a row of y,
rows of variables), #REF! otherwise; omitted, it is 1, 2, 3... Every entry must be a
number (text, a boolean or a blank is #VALUE!). A variable that is a linear combination
of the constant and the variables before it is left out of the model, as Excel's QR
decomposition does: its coefficient and standard error are 0 and each one left out adds
one degree of freedom. LOGEST and GROWTH fit ``ln y`` (y must be positive, #NUM!) and
give the coefficients as powers of e; LOGEST's statistics are those of the ``ln y`` fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, array_result, boolean, fail, xl_error
from xlkpi.workbook.natives.statistics import grid, guard, single
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "fit"]


def _numeric(arg: Any) -> np.ndarray:
    """Every entry of an argument as a float grid: anything that is not a number (an
    error included) is #VALUE!."""
    cells = grid(arg)
    out = np.empty(cells.shape, dtype=np.float64)
    for index, v in np.ndenumerate(cells):
        if isinstance(v, bool | str | XlError) or v is EMPTY or v is None:
            raise fail("#VALUE!")
        out[index] = float(v)
    return out


def _flag(arg: Any, default: bool) -> bool:
    value = single(arg)
    if value is EMPTY or value is None:
        return default
    if isinstance(value, XlError):
        raise fail("#VALUE!")
    return boolean(value)


def _variables(y: np.ndarray, known_x: Any) -> tuple[np.ndarray, bool]:
    """The design columns (one row per observation) for ``y``, and whether the
    variables run along rows of ``known_x`` (y a row). Shapes are checked before
    values: a mismatch is #REF! even where an entry is not a number."""
    rows, cols = y.shape
    if known_x is None or known_x is EMPTY:
        return np.arange(1, y.size + 1, dtype=np.float64).reshape(-1, 1), False
    shape = grid(known_x).shape
    if shape == y.shape:
        return _numeric(known_x).reshape(-1, 1), False
    if cols == 1 and shape[0] == rows:
        return _numeric(known_x), False
    if rows == 1 and shape[1] == cols:
        return _numeric(known_x).T, True
    raise fail("#REF!")


def fit(y: np.ndarray, x: np.ndarray, const: bool) -> dict[str, Any]:
    """Least squares of ``y`` (n) on the columns of ``x`` (n by k), with a constant
    unless ``const`` is False (then the data are centred on their means first);
    collinear columns are left out (coefficient 0)."""
    n, k = x.shape
    x_mean = x.mean(axis=0) if const else np.zeros(k)
    y_mean = float(y.mean()) if const else 0.0
    xc, yc = x - x_mean, y - y_mean
    kept: list[int] = []
    basis: list[np.ndarray] = []
    for j in range(k):
        column = xc[:, j].copy()
        scale = float(np.linalg.norm(column))
        for q in basis:
            column -= (q @ column) * q
        size = float(np.linalg.norm(column))
        if scale == 0 or size <= 1e-12 * scale * n:
            continue
        kept.append(j)
        basis.append(column / size)
    coef = np.zeros(k + 1)
    sub = xc[:, kept]
    if kept:
        try:
            coef[kept] = np.linalg.solve(sub.T @ sub, sub.T @ yc)
        except np.linalg.LinAlgError:
            coef[kept] = np.linalg.lstsq(sub, yc, rcond=None)[0]
    coef[k] = y_mean - float(x_mean @ coef[:k]) if const else 0.0
    ssresid = float(np.sum((yc - sub @ coef[kept]) ** 2)) if kept else float(np.sum(yc ** 2))
    sstot = float(np.sum(yc ** 2))
    df = n - len(kept) - (1 if const else 0)
    return {"coef": coef, "kept": kept, "sub": sub, "x_mean": x_mean[kept], "n": n,
            "ssresid": ssresid, "ssreg": sstot - ssresid, "sstot": sstot, "df": df, "k": k,
            "const": const}


def _errors(result: dict[str, Any], sey: float) -> np.ndarray:
    """Standard errors of the coefficients (the constant's last); 0 for those left out."""
    k, kept = result["k"], result["kept"]
    se = np.zeros(k + 1)
    if not kept:
        if result["const"]:
            se[k] = sey / math.sqrt(result["n"])
        return se
    try:
        inverse = np.linalg.inv(result["sub"].T @ result["sub"])
    except np.linalg.LinAlgError:
        return se
    se[kept] = sey * np.sqrt(np.maximum(np.diag(inverse), 0))
    if result["const"]:
        mean = result["x_mean"]
        se[k] = sey * math.sqrt(max(1 / result["n"] + float(mean @ inverse @ mean), 0))
    return se


def _statistics(result: dict[str, Any]) -> np.ndarray:
    """LINEST's five rows of statistics (coefficients last variable first)."""
    k, df, const = result["k"], result["df"], result["const"]
    coef = result["coef"]
    ssresid, ssreg, sstot = result["ssresid"], result["ssreg"], result["sstot"]
    na = xl_error("#N/A")
    out = np.empty((5, k + 1), dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = na
    sey: Any = xl_error("#NUM!")
    se = np.zeros(k + 1)
    if df > 0:
        sey = math.sqrt(ssresid / df)
        se = _errors(result, sey)
    for i in range(k):
        out[0, i] = float(coef[k - 1 - i])
        out[1, i] = float(se[k - 1 - i]) if df > 0 else xl_error("#NUM!")
    out[0, k] = float(coef[k]) if const else 0.0
    out[1, k] = (float(se[k]) if df > 0 else xl_error("#NUM!")) if const else na
    out[2, 0] = ssreg / sstot if sstot else xl_error("#NUM!")
    out[2, 1] = sey
    regressors = len(result["kept"])
    if df > 0 and ssresid > 0 and regressors > 0:
        out[3, 0] = (ssreg / regressors) / (ssresid / df)
    else:
        out[3, 0] = xl_error("#NUM!")
    out[3, 1] = float(df)
    out[4, 0] = ssreg
    out[4, 1] = ssresid
    return out


def _prepare(known_y: Any, known_x: Any, log: bool) -> tuple[np.ndarray, np.ndarray, bool]:
    cells = grid(known_y)
    if cells.shape[0] != 1 and cells.shape[1] != 1:
        raise fail("#REF!")
    x, along_rows = _variables(cells, known_x)
    values = _numeric(known_y).ravel()
    if log:
        if np.any(values <= 0):
            raise fail("#NUM!")
        values = np.log(values)
    return values, x, along_rows


def _estimate(log: bool) -> Callable[..., Any]:
    def estimate(known_y: Any, known_x: Any = None, const: Any = True,
                 stats: Any = False) -> Any:
        values, x, _ = _prepare(known_y, known_x, log)
        result = fit(values, x, _flag(const, True))
        table = _statistics(result)
        if not _flag(stats, False):
            table = table[:1]
        if log:
            for i in range(table.shape[1]):
                table[0, i] = math.exp(table[0, i])
            if not result["const"]:
                table[0, -1] = 1.0
        return array_result(table)

    return estimate


def _project(log: bool) -> Callable[..., Any]:
    def project(known_y: Any, known_x: Any = None, new_x: Any = None,
                const: Any = True) -> Any:
        values, x, along_rows = _prepare(known_y, known_x, log)
        result = fit(values, x, _flag(const, True))
        k = x.shape[1]
        if new_x is None or new_x is EMPTY:
            new, shape = x, grid(known_y).shape
        else:
            cells = _numeric(new_x)
            if k == 1:
                new, shape = cells.reshape(-1, 1), cells.shape
            elif along_rows and cells.shape[0] == k:
                new, shape = cells.T, (1, cells.shape[1])
            elif not along_rows and cells.shape[1] == k:
                new, shape = cells, (cells.shape[0], 1)
            else:
                raise fail("#REF!")
        coef = result["coef"]
        predicted = new @ coef[:k] + (coef[k] if result["const"] else 0.0)
        if log:
            predicted = np.exp(predicted)
        out = np.array([float(v) for v in predicted], dtype=object).reshape(shape)
        return array_result(out)

    return project


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "LINEST": guard(_estimate(False)),
    "LOGEST": guard(_estimate(True)),
    "TREND": guard(_project(False)),
    "GROWTH": guard(_project(True)),
}
