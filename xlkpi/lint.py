"""Consistency checks on scorecard figures: the mistakes that reach improvement boards.

Each check looks at what a report states and reports a :class:`Finding` with a stable
code, a severity, where it is and a message an analyst understands. Precision matters:
checks read band texts and printed percentages at their own precision, so
``84% and below`` / ``85%-89%`` is not a gap and 252 / 516 printed as 48.8% is right.

This module holds the checks over values (band texts, polarities, stated RAGs, shares
and series); reading them out of a workbook and the ``xlkpi lint`` command build on it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from xlkpi.bands import Band, parse_bands
from xlkpi.errors import KpiError
from xlkpi.polarity import HIGH, LOW, polarity_codes
from xlkpi.rag import rag_from_text

__all__ = [
    "CODES",
    "Finding",
    "check_bands",
    "check_direction",
    "check_polarity",
    "check_rates",
    "check_series",
    "check_share",
    "check_stated_rag",
]

#: Every finding code with its severity and what it means.
CODES: dict[str, tuple[str, str]] = {
    "BAND-GAP": ("warning", "values between two bands of the methodology get no band"),
    "BAND-OVERLAP": ("warning", "values fall in two bands of the methodology"),
    "BAND-UNREADABLE": ("error", "the methodology text cannot be read as bands"),
    "POLARITY-BANDS": ("error", "the polarity says one way is better, the bands the other"),
    "RAG-STATED": ("error", "the RAG typed in the report differs from its own rule"),
    "DOT-STATED": ("error", "the direction arrow contradicts the figures it compares"),
    "RATE-COUNT": ("error", "a rate per 10,000 does not follow from its count and the "
                            "population the other rates use"),
    "SERIES-TEXT": ("error", "a monthly figure is text, not a number"),
    "SHARE-PRINTED": ("error", "a percentage does not follow from its numerator and "
                               "denominator at the printed precision"),
}


@dataclass(frozen=True)
class Finding:
    """One problem: its code, severity, where it is and what to do about it."""

    code: str
    severity: str
    where: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _finding(code: str, where: str, message: str) -> Finding:
    return Finding(code, CODES[code][0], where, message)


def _shown(band: Band) -> str:
    return f"{band.status} ({band.source})"


def check_bands(text: str, where: str = "") -> list[Finding]:
    """Gaps and overlaps between the bands of a methodology text, at its precision."""
    try:
        bands = parse_bands(text)
    except KpiError as err:
        return [_finding("BAND-UNREADABLE", where, str(err))]
    findings = []
    ordered = sorted(bands, key=lambda b: b.covers()[0])
    for low, high in itertools.pairwise(ordered):
        low_end, high_start = low.covers()[1], high.covers()[0]
        unit = "%" if low.percent else ""
        if high_start > low_end + 1e-9:
            findings.append(_finding(
                "BAND-GAP", where,
                f"{_shown(low)} ends at {low_end:g}{unit} and {_shown(high)} starts at "
                f"{high_start:g}{unit}: values in between get no band (the worse one is "
                f"used); write the bands so they meet"))
        elif high_start < low_end - 1e-9:
            findings.append(_finding(
                "BAND-OVERLAP", where,
                f"{_shown(low)} and {_shown(high)} both cover {high_start:g}{unit} to "
                f"{low_end:g}{unit}: the band written first wins; write them so they "
                "meet without overlapping"))
    return findings


def check_polarity(polarity: str, text: str, where: str = "") -> list[Finding]:
    """A polarity that says smaller is better beside bands that put Green at the top."""
    try:
        code = int(polarity_codes(polarity))
        bands = parse_bands(text)
    except KpiError:
        return []
    green = [b for b in bands if b.status == "Green"]
    red = [b for b in bands if b.status == "Red"]
    if not green or not red or code not in (HIGH, LOW):
        return []
    green_higher = green[0].covers()[0] > red[0].covers()[0]
    if (code == LOW) == green_higher:
        better = "bigger" if green_higher else "smaller"
        return [_finding("POLARITY-BANDS", where,
                         f"polarity {polarity!r} but the bands make {better} values "
                         "Green; correct one of them")]
    return []


def check_stated_rag(value: Any, text: str, stated: str, where: str = "") -> list[Finding]:
    """A RAG typed in the report that differs from what its methodology text gives."""
    if not stated or value in (None, "") or not text:
        return []
    try:
        rule = rag_from_text(value, text)
    except KpiError:
        return []
    stated_word = {"Yellow": "Amber"}.get(stated.strip().title(), stated.strip().title())
    if rule and rule != stated_word:
        return [_finding("RAG-STATED", where,
                         f"the report says {stated}, but {value!r} against {text!r} is "
                         f"{rule}")]
    return []


def check_share(numerator: float, denominator: float, printed: float, decimals: int,
                where: str = "") -> list[Finding]:
    """A printed percentage that its own counts do not give at the printed precision.

    ``printed`` is a fraction (0.488 for 48.8%); ``decimals`` the percentage's printed
    decimal places (1 for 48.8%).
    """
    if not denominator:
        return []
    share = 100 * numerator / denominator
    rounded = math.floor(share * 10**decimals + 0.5) / 10**decimals
    if abs(rounded - 100 * printed) > 10 ** -(decimals + 3):
        return [_finding("SHARE-PRINTED", where,
                         f"{numerator:g} / {denominator:g} is {share:.{decimals + 2}f}%, "
                         f"which prints as {rounded:.{decimals}f}%, not "
                         f"{100 * printed:.{decimals}f}%")]
    return []


def check_series(values: Sequence[Any], labels: Iterable[str], where: str = ""
                 ) -> list[Finding]:
    """Monthly figures that are text (a month cell holding FALSE, "n/a", "-")."""
    findings = []
    for value, label in zip(values, labels, strict=False):
        if isinstance(value, bool) or (isinstance(value, str) and value.strip() not in (
                "", "-")):
            try:
                float(str(value).replace(",", "").rstrip("%"))
            except ValueError:
                findings.append(_finding("SERIES-TEXT", f"{where} {label}".strip(),
                                         f"{value!r} is not a number; a month's figure "
                                         "must be a number or blank"))
    return findings


#: The arrows reports print for a direction, as the direction words they mean.
_ARROWS = {"↑": "up", "↓": "down", "➡": "same", "↔": "same", "→": "same"}


def check_direction(current: Any, previous: Any, polarity: str, stated: str,
                    where: str = "") -> list[Finding]:
    """A printed direction (arrow or word) that the two figures it compares contradict.

    With a polarity the arrow shows performance (↑ better), without one the raw
    movement (↑ higher), as the seed reports print them. A missing figure with an arrow
    printed is a finding too: there is nothing to compare.
    """
    word = _ARROWS.get(stated.strip(), stated.strip().lower())
    word = {"improving": "up", "worsening": "down", "no change": "same"}.get(word, word)
    if word not in ("up", "down", "same"):
        return []
    try:
        a, b = float(current), float(previous)
    except (TypeError, ValueError):
        return [_finding("DOT-STATED", where,
                         f"the report prints {stated} but has no figure to compare "
                         f"({current!r} against {previous!r})")]
    try:
        code = int(polarity_codes(polarity))
    except KpiError:
        code = 0
    move = "same" if a == b else ("up" if a > b else "down")
    if code == LOW and move != "same":
        move = "down" if move == "up" else "up"
    if move != word:
        judged = " by its polarity" if code in (HIGH, LOW) else ""
        return [_finding("DOT-STATED", where,
                         f"the report prints {stated}, but {a:g} against {b:g} is "
                         f"{move}{judged}")]
    return []


def check_rates(counts: Sequence[float], rates: Sequence[float], wheres: Sequence[str],
                per: float = 10_000) -> list[Finding]:
    """Rates per 10,000 that imply a different population from the others.

    The population each (count, rate) pair implies is count / rate x 10,000; the median
    is taken as the report's. A rate further from count / population x 10,000 than its
    printed precision plus 0.1% (the slack the other rates' rounding leaves in the
    population) is reported.
    """
    implied = [c / r * per for c, r in zip(counts, rates, strict=True) if r]
    if len(implied) < 2:
        return []
    implied.sort()
    base = implied[len(implied) // 2]
    findings = []
    for count, rate, where in zip(counts, rates, wheres, strict=True):
        decimals = len(f"{rate:g}".partition(".")[2])
        expected = round(count / base * per, decimals)
        if abs(count / base * per - rate) > 10 ** -decimals + 0.001 * abs(rate):
            findings.append(_finding(
                "RATE-COUNT", where,
                f"{count:g} per {base:,.0f} children is {expected:g} per 10,000, not "
                f"{rate:g} (the other rates use a population of about {base:,.0f})"))
    return findings
