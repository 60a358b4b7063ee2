"""RAG methodology text, read into bands: ``90% or above Green 85%-89% Amber 84% and below Red``.

The improvement board prints each indicator's rule as a sentence. :func:`parse_bands`
reads it into :class:`Band` records (data that lint can inspect) and :func:`compile_bands`
turns those into a step function that rates a whole column with one ``searchsorted``.

How a value is placed (the choices where the reports are silent):

- **Precision.** A text is read at its own precision: the most decimal places any number
  in it has (``17 or below Green 18.1-20 Amber`` is read to 0.1; ``85%-89%`` to whole
  percent). A value is rounded half up to that precision before it is placed, as the
  scorecard shows it: 84.6% shows as 85% and is in ``85%-89%``, which therefore covers
  [84.5%, 89.5%). So ``84% and below`` / ``85%-89%`` has no gap.
- **Gaps.** A value between two bands takes the worse of the two: 18 in ``17 or below
  Green 18.1-20 Amber`` is Amber.
- **Overlaps.** The band written first wins: 21.5% in ``22% or below Green 21% - 25%
  Amber`` is Green.
- **Outside.** A value beyond every band (``0-100%`` bands and 130%) has no rating: it is
  an error for that value (``#N/A``), never a guess.
- **Percent.** A text with ``%`` compares in percentage points: a cell holding 43% holds
  0.43 and is compared as 43; a value above 1.5 is taken as already in points (43 is 43%).
- Yellow means Amber. Words after a number such as ``of cohort`` are read as a note.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from xlkpi.errors import KpiError
from xlkpi.polarity import RED, STATUS_NAMES, STATUS_WORDS

__all__ = [
    "OUTSIDE",
    "PERCENT_POINTS_ABOVE",
    "Band",
    "BandError",
    "CompiledBands",
    "compile_bands",
    "parse_bands",
]

#: A value above this given to a % band is already in percentage points (43 is 43%).
PERCENT_POINTS_ABOVE = 1.5
#: Up to this many edges a text is rated by comparisons rather than a binary search.
_FEW_EDGES = 32
#: Float noise allowed at a rounding boundary, in units of the text's precision.
_ROUNDING_SLACK = 1e-6
#: Status code for a value beyond every band (no rating); worse than Red, so the worse of
#: two neighbours is always the larger code (GREEN < AMBER < RED).
OUTSIDE = RED + 1

_NUM = (r"(?P<{n}>[-+]?(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.[0-9]+)?|[-+]?\.[0-9]+)"
        r"\s*(?P<{n}pct>%)?(?:\s+of\s+(?:the\s+)?[a-z]+)?")
#: Words after a number that bound it from above (``84% and below``) or below.
_SUFFIXES: dict[str, str] = {
    "or below": "upper", "and below": "upper", "or under": "upper", "and under": "upper",
    "or less": "upper", "or fewer": "upper", "or lower": "upper", "and lower": "upper",
    "or above": "lower", "and above": "lower", "or over": "lower", "and over": "lower",
    "or more": "lower", "or higher": "lower", "and higher": "lower", "or greater": "lower",
    "+": "lower",
}
#: Words before a number: (side it bounds, whether the number itself is in the band).
_PREFIXES: dict[str, tuple[str, bool]] = {
    "<=": ("upper", True), "≤": ("upper", True), "=<": ("upper", True),
    "up to": ("upper", True), "at most": ("upper", True), "no more than": ("upper", True),
    "not more than": ("upper", True), "less than or equal to": ("upper", True),
    "<": ("upper", False), "below": ("upper", False), "under": ("upper", False),
    "less than": ("upper", False), "fewer than": ("upper", False),
    ">=": ("lower", True), "≥": ("lower", True), "=>": ("lower", True),
    "at least": ("lower", True), "no less than": ("lower", True),
    "not less than": ("lower", True), "greater than or equal to": ("lower", True),
    ">": ("lower", False), "above": ("lower", False), "over": ("lower", False),
    "more than": ("lower", False), "greater than": ("lower", False),
}


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SUFFIX_RE = re.compile(rf"^{_NUM.format(n='a')}\s*(?P<word>{_alternation(list(_SUFFIXES))})$")
_PREFIX_RE = re.compile(rf"^(?P<word>{_alternation(list(_PREFIXES))})\s*{_NUM.format(n='a')}$")
_RANGE_RE = re.compile(
    rf"^(?:between\s+)?{_NUM.format(n='a')}\s*(?:-|to|and)\s*{_NUM.format(n='b')}$")
_EXACT_RE = re.compile(rf"^{_NUM.format(n='a')}$")
_STATUS_RE = re.compile(r"\b(" + "|".join(STATUS_WORDS) + r")\b", re.IGNORECASE)
_DECIMALS_RE = re.compile(r"[0-9]\.([0-9]+)|(?<![0-9])\.([0-9]+)")
_PUNCTUATION = " \t,;:()"


class BandError(KpiError):
    """A methodology text that cannot be read (a :class:`KpiError` about ``text``);
    ``detail`` says which part."""

    def __init__(self, text: str, detail: str) -> None:
        super().__init__(f"text: {text!r} {detail}", argument="text", reason=detail)
        self.text = text
        self.detail = detail


@dataclass(frozen=True)
class Band:
    """One band of a methodology text, as written.

    ``lower``/``upper`` are in the text's units (percentage points when ``percent``), with
    ``-inf``/``inf`` for an open end; the ``*_inclusive`` flags say whether the bound itself
    is in the band. ``decimals`` is the precision of the whole text (values are rounded to
    it before they are placed); ``source`` is the fragment the band was read from.
    """

    status: str
    lower: float
    upper: float
    lower_inclusive: bool
    upper_inclusive: bool
    percent: bool
    decimals: int
    source: str

    @property
    def unit(self) -> float:
        """The text's precision: 1 for whole numbers, 0.1 for one decimal place."""
        return 10.0 ** -self.decimals

    def covers(self) -> tuple[float, float]:
        """The half-open range [from, to) of values (in text units) rounded into the band."""
        half = self.unit / 2
        lo = self.lower + (self.unit if not self.lower_inclusive else 0.0) - half
        hi = self.upper - (self.unit if not self.upper_inclusive else 0.0) + half
        return lo, hi


def parse_bands(text: str) -> list[Band]:
    """The bands of a methodology text, in the order written (a blank text has none).

    Raises :class:`BandError` (a :class:`~xlkpi.errors.KpiError`) quoting the text when
    any part of it cannot be read.
    """
    return list(_parse(text))


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[Band, ...]:
    plain = " ".join(str(text).replace("–", "-").replace("—", "-").split())
    if not plain:
        return ()
    parts = _STATUS_RE.split(plain)
    if len(parts) < 3:
        raise BandError(text, "names no status (Green, Amber or Red)")
    statuses, gaps = parts[1::2], [p.strip(_PUNCTUATION) for p in parts[0::2]]
    if gaps[0]:  # condition first: "90% or above Green ..."
        conditions, trailing = gaps[:-1], gaps[-1]
    else:  # status first: "Green: 90% or above; Amber ..."
        conditions, trailing = gaps[1:], ""
    if trailing.strip(". "):
        raise BandError(text, f"cannot read {trailing!r} after the last status")
    decimals = max((len(a or b) for a, b in _DECIMALS_RE.findall(plain)), default=0)
    percent = "%" in plain
    return tuple(
        _band(cond.rstrip(". "), STATUS_WORDS[word.lower()], percent, decimals, text)
        for word, cond in zip(statuses, conditions, strict=True)
    )


def _number(match: re.Match[str], group: str) -> float:
    return float(match.group(group).replace(",", ""))


def _band(cond: str, code: int, percent: bool, decimals: int, text: str) -> Band:
    """One condition such as ``85%-89%`` read into a band."""
    status = STATUS_NAMES[code] or ""
    inf = math.inf
    if not cond:
        raise BandError(text, f"{status} has no condition")
    said = cond.lower()
    if m := _SUFFIX_RE.match(said):
        value = _number(m, "a")
        if _SUFFIXES[m.group("word")] == "upper":
            return Band(status, -inf, value, False, True, percent, decimals, cond)
        return Band(status, value, inf, True, False, percent, decimals, cond)
    if m := _PREFIX_RE.match(said):
        value = _number(m, "a")
        side, inclusive = _PREFIXES[m.group("word")]
        if side == "upper":
            return Band(status, -inf, value, False, inclusive, percent, decimals, cond)
        return Band(status, value, inf, inclusive, False, percent, decimals, cond)
    if m := _RANGE_RE.match(said):
        lo, hi = _number(m, "a"), _number(m, "b")
        if lo > hi:
            raise BandError(text, f"{cond!r} runs from high to low")
        return Band(status, lo, hi, True, True, percent, decimals, cond)
    if m := _EXACT_RE.match(said):
        value = _number(m, "a")
        return Band(status, value, value, True, True, percent, decimals, cond)
    raise BandError(text, f"cannot read {cond!r} as a band for {status}")


@dataclass(frozen=True)
class CompiledBands:
    """A text as a step function over cell values, ready for ``np.searchsorted``.

    ``edges`` are ascending value thresholds ending with ``inf``; a value ``v`` falls in
    step ``searchsorted(edges, v, 'right')`` and a blank (NaN) in the step after the last.
    ``codes`` holds the status code of each step (OUTSIDE beyond every band, BLANK last);
    ``names`` the word shown for it.
    """

    edges: np.ndarray
    codes: np.ndarray
    names: np.ndarray
    has_outside: bool

    def steps(self, values: np.ndarray) -> np.ndarray:
        """The step each value falls in (``searchsorted(edges, values, 'right')``).

        A methodology text has a handful of edges, so counting the edges at or below each
        value (one comparison per edge) is several times faster than a binary search.
        """
        if len(self.edges) > _FEW_EDGES:
            return np.searchsorted(self.edges, values, side="right")
        step = np.isnan(values).astype(np.int8) * np.int8(len(self.edges))  # blank: last
        for edge in self.edges[:-1]:  # the last edge is inf
            step += values >= edge
        return step


@lru_cache(maxsize=4096)
def compile_bands(text: str) -> CompiledBands:
    """The step function of a methodology text, built once per distinct text."""
    bands = _parse(text)
    if not bands:
        return _steps([], [OUTSIDE], blank_text=True)
    scale = 10 ** bands[0].decimals
    lattice = [_on_lattice(b, scale) for b in bands]
    starts = sorted({a for a, _ in lattice if a > -math.inf} | {b + 1 for _, b in lattice
                                                                if b < math.inf})
    reps = [starts[0] - 1, *starts] if starts else [0]
    step_codes = [_status_at(k, lattice, bands) for k in reps]
    # a rounded value k >= start  <=>  x >= (start - 1/2) / scale, in text units
    thresholds = [(s - 0.5 - _ROUNDING_SLACK) / scale for s in starts]
    if not bands[0].percent:
        return _steps(thresholds, step_codes)
    return _percent_steps(thresholds, step_codes)


def _on_lattice(band: Band, scale: int) -> tuple[float, float]:
    """A band as whole units of the text's precision, both ends included."""
    lo = -math.inf if band.lower == -math.inf else round(band.lower * scale) + (
        0 if band.lower_inclusive else 1)
    hi = math.inf if band.upper == math.inf else round(band.upper * scale) - (
        0 if band.upper_inclusive else 1)
    return lo, hi


def _status_at(k: int, lattice: list[tuple[float, float]], bands: tuple[Band, ...]) -> int:
    """The status of rounded value ``k``: the first band written that holds it, else the
    worse of the bands either side of the gap, else OUTSIDE."""
    for (lo, hi), band in zip(lattice, bands, strict=True):
        if lo <= k <= hi:
            return STATUS_WORDS[band.status.lower()]
    below = [hi for _, hi in lattice if hi < k]
    above = [lo for lo, _ in lattice if lo > k]
    if not below or not above:
        return OUTSIDE
    near = [STATUS_WORDS[band.status.lower()] for (lo, hi), band in zip(lattice, bands,
                                                                          strict=True)
            if hi == max(below) or lo == min(above)]
    return max(near)


def _percent_steps(thresholds: list[float], codes: list[int]) -> CompiledBands:
    """Steps over cell values for a % text: |v| <= 1.5 is a fraction (x100), else points."""
    t = np.array(thresholds)
    limit = PERCENT_POINTS_ABOVE
    cands = {-limit, float(np.nextafter(limit, math.inf))}
    cands |= {x / 100 for x in thresholds if -limit <= x / 100 <= limit}
    cands |= {x for x in thresholds if abs(x) > limit}
    edges = sorted(cands)
    mids = [edges[0] - 1.0] + [(a + b) / 2 for a, b in pairwise(edges)]
    mids.append(edges[-1] + 1.0)
    points = [m if abs(m) > limit else m * 100 for m in mids]
    step_codes = [codes[int(np.searchsorted(t, p, side="right"))] for p in points]
    return _steps(edges, step_codes)


def _steps(edges: list[float], codes: list[int], blank_text: bool = False) -> CompiledBands:
    """Merge equal neighbouring steps and add the blank step for NaN."""
    keep_edges: list[float] = []
    keep_codes = [codes[0]]
    for edge, code in zip(edges, codes[1:], strict=True):
        if code != keep_codes[-1]:
            keep_edges.append(edge)
            keep_codes.append(code)
    if blank_text:
        keep_codes = [0]
    all_codes = np.array([*keep_codes, 0], dtype=np.int8)
    names = np.array([STATUS_NAMES.get(int(c)) for c in all_codes], dtype=object)
    return CompiledBands(
        edges=np.array([*keep_edges, math.inf]),
        codes=all_codes,
        names=names,
        has_outside=bool((all_codes == OUTSIDE).any()),
    )

