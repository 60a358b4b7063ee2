"""Excel's Bessel functions BESSELI, BESSELJ, BESSELK and BESSELY.

Excel does not compute these to full precision: it uses the classic rational and
polynomial approximations (Abramowitz & Stegun 9.4 and 9.8, as given in *Numerical
Recipes*) for orders 0 and 1, with recurrences for higher orders (Miller's downward
recurrence for I and J below the argument, upward recurrence otherwise). Its answers
differ from the exact values in about the eighth digit, so the same formulas are used
here: ``BESSELJ(0, 0)`` is Excel's 1.00000000283141, not 1.

The order is truncated to a whole number; a negative order is ``#NUM!``, as is an
argument of 0 or less for K and Y. TRUE/FALSE are ``#VALUE!``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import fail, number
from xlkpi.workbook.natives.engineering import toolpak

__all__ = ["FUNCTIONS", "bessel_i", "bessel_j", "bessel_k", "bessel_y"]

#: Miller's recurrence starts ``sqrt(_ACC * n)`` orders above ``n``; values beyond
#: ``_BIG`` are rescaled by ``1 / _BIG`` to stay in range.
_ACC = 40.0
_BIG = 1.0e10

#: The approximations' coefficients, lowest power first: (numerator, denominator) of
#: the rational forms below 8 and the P, Q series of the asymptotic forms above it.
_J0_SMALL = ((57568490574.0, -13362590354.0, 651619640.7, -11214424.18, 77392.33017,
              -184.9052456),
             (57568490411.0, 1029532985.0, 9494680.718, 59272.64853, 267.8532712, 1.0))
_J1_SMALL = ((72362614232.0, -7895059235.0, 242396853.1, -2972611.439, 15704.48260,
              -30.16036606),
             (144725228442.0, 2300535178.0, 18583304.74, 99447.43394, 376.9991397, 1.0))
_Y0_SMALL = ((-2957821389.0, 7062834065.0, -512359803.6, 10879881.29, -86327.92757,
              228.4622733),
             (40076544269.0, 745249964.8, 7189466.438, 47447.26470, 226.1030244, 1.0))
_Y1_SMALL = ((-0.4900604943e13, 0.1275274390e13, -0.5153438139e11, 0.7349264551e9,
              -0.4237922726e7, 0.8511937935e4),
             (0.2499580570e14, 0.4244419664e12, 0.3733650367e10, 0.2245904002e8,
              0.1020426050e6, 0.3549632885e3, 1.0))
_P0 = (1.0, -0.1098628627e-2, 0.2734510407e-4, -0.2073370639e-5, 0.2093887211e-6)
#: Excel's J0 above 8 has the second coefficient's digits 8627 as 8267 (its answers match
#: this exactly; Y0 keeps the first form).
_P0_J = (1.0, -0.1098628267e-2, 0.2734510407e-4, -0.2073370639e-5, 0.2093887211e-6)
_Q0_J = (-0.1562499995e-1, 0.1430488765e-3, -0.6911147651e-5, 0.7621095161e-6,
         -0.934935152e-7)
_Q0_Y = (-0.1562499995e-1, 0.1430488765e-3, -0.6911147651e-5, 0.7621095161e-6,
         -0.934945152e-7)
_P1 = (1.0, 0.183105e-2, -0.3516396496e-4, 0.2457520174e-5, -0.240337019e-6)
#: Excel's J1 above 8 repeats the third coefficient (its answers match this exactly).
_P1_J = (1.0, 0.183105e-2, -0.3516396496e-4, -0.3516396496e-4, 0.2457520174e-5,
         -0.240337019e-6)
_Q1 = (0.04687499995, -0.2002690873e-3, 0.8449199096e-5, -0.88228987e-6, 0.105787412e-6)
_I0_SMALL = (1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2)
_I0_LARGE = (0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2,
             -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2)
_I1_SMALL = (0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2,
             0.32411e-3)
_I1_LARGE = (0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1,
             0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2)
_K0_SMALL = (-0.57721566, 0.42278420, 0.23069756, 0.3488590e-1, 0.262698e-2, 0.10750e-3,
             0.74e-5)
_K0_LARGE = (1.25331414, -0.7832358e-1, 0.2189568e-1, -0.1062446e-1, 0.587872e-2,
             -0.251540e-2, 0.53208e-3)
_K1_SMALL = (1.0, 0.15443144, -0.67278579, -0.18156897, -0.1919402e-1, -0.110404e-2,
             -0.4686e-4)
_K1_LARGE = (1.25331414, 0.23498619, -0.3655620e-1, 0.1504268e-1, -0.780353e-2,
             0.325614e-2, -0.68245e-3)
_TWO_OVER_PI = 0.636619772


def _poly(coefficients: tuple[float, ...], y: float) -> float:
    """The polynomial with these coefficients (lowest power first) at ``y``."""
    result = 0.0
    for c in reversed(coefficients):
        result = result * y + c
    return result


def _asymptotic(x: float, p: tuple[float, ...], q: tuple[float, ...], phase: float,
                sine: bool) -> float:
    z = 8.0 / x
    y = z * z
    xx = x - phase
    a, b = _poly(p, y), _poly(q, y)
    if sine:
        return math.sqrt(_TWO_OVER_PI / x) * (math.sin(xx) * a + z * math.cos(xx) * b)
    return math.sqrt(_TWO_OVER_PI / x) * (math.cos(xx) * a - z * math.sin(xx) * b)


def _j0(x: float) -> float:
    ax = abs(x)
    if ax < 8.0:
        y = x * x
        return _poly(_J0_SMALL[0], y) / _poly(_J0_SMALL[1], y)
    return _asymptotic(ax, _P0_J, _Q0_J, 0.785398164, sine=False)


def _j1(x: float) -> float:
    ax = abs(x)
    if ax < 8.0:
        y = x * x
        return x * _poly(_J1_SMALL[0], y) / _poly(_J1_SMALL[1], y)
    result = _asymptotic(ax, _P1_J, _Q1, 2.356194491, sine=False)
    return -result if x < 0 else result


def _y0(x: float) -> float:
    if x < 8.0:
        y = x * x
        return _poly(_Y0_SMALL[0], y) / _poly(_Y0_SMALL[1], y) + \
            _TWO_OVER_PI * _j0(x) * math.log(x)
    return _asymptotic(x, _P0, _Q0_Y, 0.785398164, sine=True)


def _y1(x: float) -> float:
    if x < 8.0:
        y = x * x
        return x * _poly(_Y1_SMALL[0], y) / _poly(_Y1_SMALL[1], y) + \
            _TWO_OVER_PI * (_j1(x) * math.log(x) - 1.0 / x)
    return _asymptotic(x, _P1, _Q1, 2.356194491, sine=True)


def _i0(x: float) -> float:
    ax = abs(x)
    if ax < 3.75:
        return _poly(_I0_SMALL, (x / 3.75) ** 2)
    return math.exp(ax) / math.sqrt(ax) * _poly(_I0_LARGE, 3.75 / ax)


def _i1(x: float) -> float:
    ax = abs(x)
    if ax < 3.75:
        result = ax * _poly(_I1_SMALL, (x / 3.75) ** 2)
    else:
        result = math.exp(ax) / math.sqrt(ax) * _poly(_I1_LARGE, 3.75 / ax)
    return -result if x < 0 else result


def _k0(x: float) -> float:
    if x <= 2.0:
        return -math.log(x / 2.0) * _i0(x) + _poly(_K0_SMALL, x * x / 4.0)
    return math.exp(-x) / math.sqrt(x) * _poly(_K0_LARGE, 2.0 / x)


def _k1(x: float) -> float:
    if x <= 2.0:
        return math.log(x / 2.0) * _i1(x) + (1.0 / x) * _poly(_K1_SMALL, x * x / 4.0)
    return math.exp(-x) / math.sqrt(x) * _poly(_K1_LARGE, 2.0 / x)


def bessel_j(x: float, n: int) -> float:
    """J_n(x) as Excel computes it."""
    if n == 0:
        return _j0(x)
    if n == 1:
        return _j1(x)
    ax = abs(x)
    if ax == 0.0:
        return 0.0
    tox = 2.0 / ax
    if ax > n:
        previous, current = _j0(ax), _j1(ax)
        for j in range(1, n):
            previous, current = current, j * tox * current - previous
        result = current
    else:
        m = 2 * ((n + int(math.sqrt(_ACC * n))) // 2)
        even = False
        above, current, result, total = 0.0, 1.0, 0.0, 0.0
        for j in range(m, 0, -1):
            below = j * tox * current - above
            above, current = current, below
            if abs(current) > _BIG:
                current, above, result, total = (current / _BIG, above / _BIG,
                                                 result / _BIG, total / _BIG)
            if even:
                total += current
            even = not even
            if j == n:
                result = above
        result /= 2.0 * total - current
    return -result if x < 0 and n % 2 else result


def bessel_i(x: float, n: int) -> float:
    """I_n(x) as Excel computes it."""
    if n == 0:
        return _i0(x)
    if n == 1:
        return _i1(x)
    if x == 0.0:
        return 0.0
    tox = 2.0 / abs(x)
    above, current, result = 0.0, 1.0, 0.0
    for j in range(2 * (n + int(math.sqrt(_ACC * n))), 0, -1):
        below = above + j * tox * current
        above, current = current, below
        if abs(current) > _BIG:
            result, current, above = result / _BIG, current / _BIG, above / _BIG
        if j == n:
            result = above
    result *= _i0(x) / current
    return -result if x < 0 and n % 2 else result


def _upward(first: Callable[[float], float], second: Callable[[float], float],
            sign: float) -> Callable[[float, int], float]:
    """K_n and Y_n by upward recurrence from orders 0 and 1."""

    def apply(x: float, n: int) -> float:
        if n == 0:
            return first(x)
        tox = 2.0 / x
        previous, current = first(x), second(x)
        for j in range(1, n):
            previous, current = current, sign * previous + j * tox * current
        return current

    return apply


bessel_k = _upward(_k0, _k1, 1.0)
bessel_y = _upward(_y0, _y1, -1.0)


def _excel(function: Callable[[float, int], float], positive: bool) -> Callable[..., Any]:
    @toolpak
    def apply(x: Any, n: Any) -> float:
        if isinstance(x, bool | np.bool_) or isinstance(n, bool | np.bool_):
            raise fail("#VALUE!")
        value, order = number(x), number(n)
        if not (math.isfinite(value) and math.isfinite(order)) or order < 0:
            raise fail("#NUM!")
        if positive and value <= 0:
            raise fail("#NUM!")
        try:
            return function(value, int(order))
        except (OverflowError, ZeroDivisionError):
            raise fail("#NUM!") from None

    return apply


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "BESSELI": _excel(bessel_i, positive=False),
    "BESSELJ": _excel(bessel_j, positive=False),
    "BESSELK": _excel(bessel_k, positive=True),
    "BESSELY": _excel(bessel_y, positive=True),
}
