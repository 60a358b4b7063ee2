"""Excel's probability distributions: NORM, LOGNORM, EXPON, POISSON, BINOM (and
BINOM.DIST.RANGE, BINOM.INV), NEGBINOM, GAMMA (and GAMMA, GAMMALN), BETA, WEIBULL,
FISHER, CONFIDENCE, with their pre-2010 names.

Every argument is a single value read as Excel reads one (a blank is 0, TRUE is 1, text
that reads as a number is that number); a range where one value is wanted is read at the
formula's own row, and an array argument gives an array of results (see
:func:`~xlkpi.workbook.natives.base.elementwise`). Counts (successes, trials, events) are
truncated to whole numbers. Arguments outside a distribution's domain are #NUM!.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from xlkpi.workbook.natives.base import EMPTY, boolean, elementwise, fail
from xlkpi.workbook.natives.base import number as _plain_number
from xlkpi.workbook.natives.statistics import text_number

__all__ = ["FUNCTIONS"]


def number(value: Any) -> float:
    """A value where a number is wanted; text as :func:`text_number` reads it."""
    if isinstance(value, str) and value is not EMPTY:
        return text_number(value)
    return _plain_number(value)


def _stats() -> Any:
    from scipy import special, stats

    return stats, special


def _positive(*values: float) -> None:
    if any(v <= 0 for v in values):
        raise fail("#NUM!")


def _probability(p: float, closed: bool = False) -> None:
    if (p < 0 or p > 1) if closed else (p <= 0 or p >= 1):
        raise fail("#NUM!")


@elementwise()
def _norm_dist(x: Any, mean: Any, sd: Any, cumulative: Any) -> float:
    x, mu, sigma = number(x), number(mean), number(sd)
    _positive(sigma)
    stats, _ = _stats()
    if boolean(cumulative):
        return float(stats.norm.cdf(x, mu, sigma))
    return float(stats.norm.pdf(x, mu, sigma))


@elementwise()
def _norm_inv(p: Any, mean: Any, sd: Any) -> float:
    q, mu, sigma = number(p), number(mean), number(sd)
    _probability(q)
    _positive(sigma)
    _, special = _stats()
    return mu + sigma * float(special.ndtri(q))


@elementwise()
def _norm_s_dist(z: Any, cumulative: Any) -> float:
    stats, _ = _stats()
    x = number(z)
    return float(stats.norm.cdf(x) if boolean(cumulative) else stats.norm.pdf(x))


@elementwise()
def _normsdist(z: Any) -> float:
    stats, _ = _stats()
    return float(stats.norm.cdf(number(z)))


@elementwise()
def _norm_s_inv(p: Any) -> float:
    q = number(p)
    _probability(q)
    _, special = _stats()
    return float(special.ndtri(q))


@elementwise()
def _lognorm_dist(x: Any, mean: Any, sd: Any, cumulative: Any = True) -> float:
    value, mu, sigma = number(x), number(mean), number(sd)
    _positive(value, sigma)
    stats, _ = _stats()
    z = (math.log(value) - mu) / sigma
    if boolean(cumulative):
        return float(stats.norm.cdf(z))
    return float(stats.norm.pdf(z)) / (value * sigma)


@elementwise()
def _lognorm_inv(p: Any, mean: Any, sd: Any) -> float:
    q, mu, sigma = number(p), number(mean), number(sd)
    _probability(q)
    _positive(sigma)
    _, special = _stats()
    return math.exp(mu + sigma * float(special.ndtri(q)))


@elementwise()
def _expon_dist(x: Any, rate: Any, cumulative: Any) -> float:
    value, lam = number(x), number(rate)
    if value < 0:
        raise fail("#NUM!")
    _positive(lam)
    if boolean(cumulative):
        return -math.expm1(-lam * value)
    return lam * math.exp(-lam * value)


def _count(value: Any) -> float:
    """A count argument: truncated towards zero."""
    return float(math.trunc(number(value)))


@elementwise()
def _poisson_dist(x: Any, mean: Any, cumulative: Any) -> float:
    k, mu = number(x), number(mean)
    if k < 0 or mu < 0:
        raise fail("#NUM!")
    k = math.trunc(k)
    stats, _ = _stats()
    if boolean(cumulative):
        return float(stats.poisson.cdf(k, mu))
    return float(stats.poisson.pmf(k, mu))


@elementwise()
def _binom_dist(successes: Any, trials: Any, p: Any, cumulative: Any) -> float:
    k, n, q = _count(successes), _count(trials), number(p)
    if k < 0 or k > n or n > 2 ** 31:
        raise fail("#NUM!")
    _probability(q, closed=True)
    stats, _ = _stats()
    if boolean(cumulative):
        return float(stats.binom.cdf(k, n, q))
    return float(stats.binom.pmf(k, n, q))


@elementwise()
def _binom_dist_range(trials: Any, p: Any, first: Any, last: Any = None) -> float:
    n, q, s = _count(trials), number(p), _count(first)
    s2 = s if last is None else _count(last)
    _probability(q, closed=True)
    if n < 0 or s < 0 or s > n or s2 < s or s2 > n:
        raise fail("#NUM!")
    stats, _ = _stats()
    return float(stats.binom.cdf(s2, n, q) - (stats.binom.cdf(s - 1, n, q) if s else 0.0))


@elementwise()
def _binom_inv(trials: Any, p: Any, alpha: Any) -> float:
    n, q, a = _count(trials), number(p), number(alpha)
    if n < 0:
        raise fail("#NUM!")
    _probability(q)
    _probability(a)
    stats, _ = _stats()
    for k in range(int(n) + 1):
        if stats.binom.cdf(k, n, q) >= a * (1 - 1e-15):
            return float(k)
    return n


@elementwise()
def _negbinom_dist(failures: Any, successes: Any, p: Any, cumulative: Any = False) -> float:
    f, s, q = _count(failures), _count(successes), number(p)
    if f < 0 or s < 1:
        raise fail("#NUM!")
    _probability(q)
    stats, _ = _stats()
    if boolean(cumulative):
        return float(stats.nbinom.cdf(f, s, q))
    return float(stats.nbinom.pmf(f, s, q))


@elementwise()
def _gamma_dist(x: Any, alpha: Any, beta: Any, cumulative: Any) -> float:
    value, a, b = number(x), number(alpha), number(beta)
    if value < 0:
        raise fail("#NUM!")
    _positive(a, b)
    stats, _ = _stats()
    if boolean(cumulative):
        return float(stats.gamma.cdf(value, a, scale=b))
    return float(stats.gamma.pdf(value, a, scale=b))


@elementwise()
def _gamma_inv(p: Any, alpha: Any, beta: Any) -> float:
    q, a, b = number(p), number(alpha), number(beta)
    _probability(q, closed=True)
    _positive(a, b)
    if q == 0:
        return 0.0
    if q == 1:
        raise fail("#NUM!")
    stats, _ = _stats()
    return float(stats.gamma.ppf(q, a, scale=b))


@elementwise()
def _gamma(x: Any) -> float:
    value = number(x)
    if value <= 0 and value == math.floor(value):
        raise fail("#NUM!")
    try:
        return math.gamma(value)
    except OverflowError:
        raise fail("#NUM!") from None


@elementwise()
def _gammaln(x: Any) -> float:
    value = number(x)
    _positive(value)
    return math.lgamma(value)


@elementwise()
def _beta_dist(x: Any, alpha: Any, beta: Any, cumulative: Any, low: Any = 0.0,
               high: Any = 1.0) -> float:
    value, a, b, lo, hi = number(x), number(alpha), number(beta), number(low), number(high)
    _positive(a, b)
    if value < lo or value > hi or lo == hi:
        raise fail("#NUM!")
    stats, _ = _stats()
    scaled = (value - lo) / (hi - lo)
    if boolean(cumulative):
        return float(stats.beta.cdf(scaled, a, b))
    return float(stats.beta.pdf(scaled, a, b)) / (hi - lo)


@elementwise()
def _betadist(x: Any, alpha: Any, beta: Any, low: Any = 0.0, high: Any = 1.0) -> float:
    return _beta_dist.scalar(x, alpha, beta, True, low, high)  # type: ignore[attr-defined]


@elementwise()
def _beta_inv(p: Any, alpha: Any, beta: Any, low: Any = 0.0, high: Any = 1.0) -> float:
    q, a, b, lo, hi = number(p), number(alpha), number(beta), number(low), number(high)
    _probability(q)
    _positive(a, b)
    if lo >= hi:
        raise fail("#NUM!")
    stats, _ = _stats()
    return lo + (hi - lo) * float(stats.beta.ppf(q, a, b))


@elementwise()
def _weibull_dist(x: Any, alpha: Any, beta: Any, cumulative: Any) -> float:
    value, a, b = number(x), number(alpha), number(beta)
    if value < 0:
        raise fail("#NUM!")
    _positive(a, b)
    if boolean(cumulative):
        return -math.expm1(-((value / b) ** a))
    return a / b ** a * value ** (a - 1) * math.exp(-((value / b) ** a))


@elementwise()
def _fisher(x: Any) -> float:
    value = number(x)
    if value <= -1 or value >= 1:
        raise fail("#NUM!")
    return 0.5 * math.log((1 + value) / (1 - value))


@elementwise()
def _fisherinv(y: Any) -> float:
    return math.tanh(number(y))


def _confidence(student: bool) -> Callable[..., Any]:
    @elementwise()
    def confidence(alpha: Any, sd: Any, size: Any) -> float:
        a, sigma, n = number(alpha), number(sd), _count(size)
        _probability(a)
        _positive(sigma)
        if n < 1:
            raise fail("#NUM!")
        stats, _ = _stats()
        if student:
            if n == 1:
                raise fail("#DIV/0!")
            return float(stats.t.ppf(1 - a / 2, n - 1)) * sigma / math.sqrt(n)
        return float(stats.norm.ppf(1 - a / 2)) * sigma / math.sqrt(n)

    return confidence


#: The functions this module gives the engine, by Excel name.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "NORM.DIST": _norm_dist,
    "NORMDIST": _norm_dist,
    "NORM.INV": _norm_inv,
    "NORMINV": _norm_inv,
    "NORM.S.DIST": _norm_s_dist,
    "NORMSDIST": _normsdist,
    "NORM.S.INV": _norm_s_inv,
    "NORMSINV": _norm_s_inv,
    "LOGNORM.DIST": _lognorm_dist,
    "LOGNORMDIST": _lognorm_dist,
    "LOGNORM.INV": _lognorm_inv,
    "LOGINV": _lognorm_inv,
    "EXPON.DIST": _expon_dist,
    "EXPONDIST": _expon_dist,
    "POISSON.DIST": _poisson_dist,
    "POISSON": _poisson_dist,
    "BINOM.DIST": _binom_dist,
    "BINOMDIST": _binom_dist,
    "BINOM.DIST.RANGE": _binom_dist_range,
    "BINOM.INV": _binom_inv,
    "CRITBINOM": _binom_inv,
    "NEGBINOM.DIST": _negbinom_dist,
    "NEGBINOMDIST": _negbinom_dist,
    "GAMMA.DIST": _gamma_dist,
    "GAMMADIST": _gamma_dist,
    "GAMMA.INV": _gamma_inv,
    "GAMMAINV": _gamma_inv,
    "GAMMA": _gamma,
    "GAMMALN": _gammaln,
    "GAMMALN.PRECISE": _gammaln,
    "BETA.DIST": _beta_dist,
    "BETADIST": _betadist,
    "BETA.INV": _beta_inv,
    "BETAINV": _beta_inv,
    "WEIBULL.DIST": _weibull_dist,
    "WEIBULL": _weibull_dist,
    "FISHER": _fisher,
    "FISHERINV": _fisherinv,
    "CONFIDENCE.NORM": _confidence(False),
    "CONFIDENCE": _confidence(False),
    "CONFIDENCE.T": _confidence(True),
}
