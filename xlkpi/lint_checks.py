"""Consistency checks on scorecard figures: the mistakes that reach improvement boards.

Each check looks at what a report states and reports a :class:`Finding` with a stable
code, a severity, where it is and a message an analyst understands. Precision matters:
checks read band texts and printed percentages at their own precision, so
``84% and below`` / ``85%-89%`` is not a gap and 252 / 516 printed as 48.8% is right.

This module holds the checks over values (band texts, polarities, targets, stated RAGs,
shares, series, directions and rates); :mod:`xlkpi.lint` runs them over an indicator table.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlkpi.bands import Band, parse_bands
from xlkpi.errors import KpiError
from xlkpi.polarity import HIGH, LOW, polarity_codes
from xlkpi.privacy import shown_value
from xlkpi.rag import rag, rag_from_text
from xlkpi.trend import direction, read_status

__all__ = [
    "CODES",
    "Finding",
    "check_bands",
    "check_direction",
    "check_polarity",
    "check_rag_missing",
    "check_rate_series",
    "check_rates",
    "check_series",
    "check_share",
    "check_stated_rag",
    "check_target",
    "check_value_in_gap",
    "finding",
    "number_in",
    "rule_status",
    "shown",
    "stated_rag",
]

#: Every finding code with its severity and what it means.
CODES: dict[str, tuple[str, str]] = {
    "BAND-GAP": ("warning", "values between two bands of the methodology get no band"),
    "BAND-OVERLAP": ("warning", "values fall in two bands of the methodology"),
    "BAND-UNREADABLE": ("error", "the methodology text cannot be read as bands"),
    "VALUE-IN-GAP": ("warning", "a figure more precise than its bands falls between two "
                                "of them as written"),
    "POLARITY-BANDS": ("error", "the polarity says one way is better, the bands the other"),
    "TARGET-BANDS": ("error", "a figure that meets the target is not Green by the bands"),
    "RAG-STATED": ("error", "the RAG typed in the report differs from its own rule"),
    "RAG-MISSING": ("warning", "a figure with a RAG rule has no RAG in the report"),
    "DOT-STATED": ("error", "the direction arrow contradicts the figures it compares"),
    "RATE-COUNT": ("error", "a rate per 10,000 does not follow from its count and the "
                            "population the other rates use"),
    "RATE-SERIES": ("error", "a month's rate is not its count over the population the "
                             "other months use"),
    "SERIES-TEXT": ("error", "a monthly figure is text, not a number"),
    "SHARE-PRINTED": ("error", "a percentage does not follow from its numerator and "
                               "denominator at the printed precision"),
    "VERDICT-TYPED": ("error", "a RAG or direction typed by hand in a column that "
                               "computes it with a KPI formula"),
    "KPI-ARGS": ("error", "a KPI function given the wrong number of arguments"),
    "KPI-UNKNOWN": ("error", "a KPI_ function xlkpi does not have (Excel shows #NAME?)"),
    "VOLATILE-KPI": ("warning", "a KPI formula that uses TODAY, NOW, OFFSET or INDIRECT "
                                "changes when the workbook is opened on another day"),
    "FULL-COLUMN": ("warning", "a whole column (A:A) given to a KPI function: a million "
                               "rows sent to Python, headings and notes included"),
}


#: Spellings of a stated RAG beyond those KPI_SYMBOL reads (words, Yellow, ★ ■ ✖).
_MORE_RAG_SPELLINGS = {"g": "Green", "a": "Amber", "r": "Red", "✔": "Green", "✘": "Red"}


@dataclass(frozen=True)
class Finding:
    """One problem: its code, severity, the sheet and cell it is in, what to do about it.

    ``cell`` is a cell address in a workbook, or any label of where the figure is
    (``page 18``, ``W 1 Nov-17``) when the table did not come from a workbook.
    """

    code: str
    severity: str
    sheet: str
    cell: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "code": self.code,
                "severity": self.severity, "message": self.message}


def finding(code: str, cell: str, message: str, sheet: str = "") -> Finding:
    """A finding with its code's severity from :data:`CODES`."""
    return Finding(code, CODES[code][0], sheet, cell, message)


_NUMBER_RE = re.compile(r"^\s*(?:[<>≤≥]=?\s*)?(-?\d[\d,]*(?:\.\d+)?|-?\.\d+)\s*(%?)")


def number_in(value: Any) -> float | None:
    """The figure a cell states: a number, ``"84.5%"`` (0.845), ``"10% or less"`` (0.1),
    ``"<10% of Cohort"`` (0.1); None for a blank, a boolean or words."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return None if math.isnan(value) else float(value)
    match = _NUMBER_RE.match(str(value))
    if not match:
        return None
    figure = float(match.group(1).replace(",", ""))
    return figure / 100 if match.group(2) else figure


def shown(value: Any, percent: bool = False) -> str:
    """A figure as a report shows it: 0.75 beside a % rule is ``75%``, 14.0 is ``14``."""
    figure = number_in(value)
    if value is None:
        return "a blank"
    if figure is None or isinstance(value, str):
        return repr(value) if not isinstance(value, str) else value
    if percent and abs(figure) <= 1.5:
        return f"{round(figure * 100, 6):g}%"
    return f"{figure:g}"


def _percent_rule(text: Any, red: Any = None, green: Any = None) -> bool:
    if text:
        return "%" in str(text)
    figures = [number_in(red), number_in(green)]
    return all(f is not None and abs(f) <= 1.5 for f in figures)


def stated_rag(value: Any) -> str | None:
    """The status a RAG cell states (``Yellow`` and ``■`` are Amber); None if none."""
    if not isinstance(value, str):
        return None
    word = read_status(value) or _MORE_RAG_SPELLINGS.get(value.strip().lower())
    return word if word in ("Green", "Amber", "Red") else None


def _shown(band: Band) -> str:
    return f"{band.status} ({band.source})"


def check_bands(text: str, where: str = "") -> list[Finding]:
    """Gaps and overlaps between the bands of a methodology text, at its precision."""
    try:
        bands = parse_bands(text)
    except KpiError as err:
        return [finding("BAND-UNREADABLE", where, str(err))]
    findings = []
    ordered = sorted(bands, key=lambda b: b.covers()[0])
    for low, high in itertools.pairwise(ordered):
        low_end, high_start = low.covers()[1], high.covers()[0]
        unit = "%" if low.percent else ""
        if high_start > low_end + 1e-9:
            findings.append(finding(
                "BAND-GAP", where,
                f"{_shown(low)} ends at {low_end:g}{unit} and {_shown(high)} starts at "
                f"{high_start:g}{unit}: values in between get no band (the worse one is "
                f"used); write the bands so they meet"))
        elif high_start < low_end - 1e-9:
            findings.append(finding(
                "BAND-OVERLAP", where,
                f"{_shown(low)} and {_shown(high)} both cover {high_start:g}{unit} to "
                f"{low_end:g}{unit}: the band written first wins; write them so they "
                "meet without overlapping"))
    return findings


def _green_above_red(text: Any, red: Any, green: Any) -> bool | None:
    """Whether the rule makes bigger values Green (None when it cannot say)."""
    if text:
        try:
            bands = parse_bands(text)
        except KpiError:
            return None
        greens = [b for b in bands if b.status == "Green"]
        reds = [b for b in bands if b.status == "Red"]
        if not greens or not reds:
            return None
        return greens[0].covers()[0] > reds[0].covers()[0]
    r, g = number_in(red), number_in(green)
    if r is None or g is None or r == g:
        return None
    return g > r


def check_polarity(polarity: Any, text: Any = None, *, red: Any = None, green: Any = None,
                   where: str = "") -> list[Finding]:
    """A polarity that says smaller is better beside bands (a methodology ``text``, or
    ``red`` and ``green`` tolerances) that make bigger values Green, or the reverse."""
    try:
        code = int(polarity_codes(polarity))
    except KpiError:
        return []
    green_higher = _green_above_red(text, red, green)
    if green_higher is None or code not in (HIGH, LOW):
        return []
    if (code == LOW) == green_higher:
        better = "bigger" if green_higher else "smaller"
        rule = "bands" if text else "Red and Green tolerances"
        return [finding("POLARITY-BANDS", where,
                         f"polarity {polarity!r} but the {rule} make {better} values "
                         "Green; correct one of them")]
    return []


def rule_status(value: Any, text: Any = None, polarity: Any = None, red: Any = None,
                green: Any = None) -> str | None:
    """What the report's rule gives ``value``: its methodology text, else its tolerances
    with the polarity (None when the rule gives nothing or cannot be read)."""
    try:
        if text:
            return rag_from_text(value, text) or None
        if red is not None and green is not None and polarity:
            return rag(value, polarity, red, green) or None
    except KpiError:
        return None
    return None


def _how(text: Any, polarity: Any, red: Any, green: Any) -> str:
    if text:
        return f"against {text!r}"
    percent = _percent_rule(None, red, green)
    return (f"with polarity {polarity!r}, Red {shown(red, percent)} and Green "
            f"{shown(green, percent)}")


def check_stated_rag(value: Any, stated: Any, *, text: Any = None, polarity: Any = None,
                     red: Any = None, green: Any = None, where: str = "") -> list[Finding]:
    """A RAG typed in the report that differs from its own rule: the methodology ``text``
    when there is one, else the ``red`` and ``green`` tolerances with the ``polarity``."""
    said = stated_rag(stated)
    figure = number_in(value)
    if not said or figure is None:
        return []
    rule = rule_status(figure, text, polarity, red, green)
    if rule and rule != said:
        return [finding("RAG-STATED", where,
                         f"the report says {str(stated).strip()}, but "
                         f"{shown(value, _percent_rule(text, red, green))} "
                         f"{_how(text, polarity, red, green)} is {rule}")]
    return []


def check_target(target: Any, *, text: Any = None, polarity: Any = None, red: Any = None,
                 green: Any = None, where: str = "") -> list[Finding]:
    """A target that the report's own rule would not rate Green: meeting the target should
    never be Amber or Red (board CIN 4: target 75% beside "98% or above Green")."""
    figure = number_in(target)
    if figure is None:
        return []
    rule = rule_status(figure, text, polarity, red, green)
    if rule and rule != "Green":
        return [finding("TARGET-BANDS", where,
                         f"the target {shown(target, _percent_rule(text, red, green))} is "
                         f"{rule} {_how(text, polarity, red, green)}"
                         ": a figure that meets the target should be Green; correct the "
                         "target or the bands")]
    return []


def check_value_in_gap(value: Any, text: str, where: str = "") -> list[Finding]:
    """A figure written more precisely than its bands that falls between two of them as
    they are written (84.5% between "75%-84% Amber" and "85% or above Green").

    xlkpi rounds the figure to the text's precision first (84.5% is 85%: Green); the
    finding asks the report to say so, because a reader of the text cannot tell.
    """
    figure = number_in(value)
    try:
        bands = parse_bands(text)
    except KpiError:
        return []
    if figure is None or not bands:
        return []
    points = figure * 100 if bands[0].percent and abs(figure) <= 1.5 else figure
    inside = [b for b in bands
              if (b.lower < points or (b.lower_inclusive and b.lower == points))
              and (points < b.upper or (b.upper_inclusive and b.upper == points))]
    if inside:
        return []
    below = [b for b in bands if b.upper <= points]
    above = [b for b in bands if b.lower >= points]
    if not below or not above:
        return []
    low = max(below, key=lambda b: b.upper)
    high = min(above, key=lambda b: b.lower)
    unit = "%" if bands[0].percent else ""
    rule = rule_status(figure, text)
    return [finding("VALUE-IN-GAP", where,
                     f"{points:g}{unit} lies between {_shown(low)} and {_shown(high)} as "
                     f"they are written; rounded to the bands' precision it is {rule}: "
                     "write the bands to cover it, or say how figures are rounded")]


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
        return [finding("SHARE-PRINTED", where,
                         f"{numerator:g} / {denominator:g} is {share:.{decimals + 2}f}%, "
                         f"which prints as {rounded:.{decimals}f}%, not "
                         f"{100 * printed:.{decimals}f}%")]
    return []


def _excel_text(value: Any) -> str:
    return str(value).upper() if isinstance(value, bool) else shown_value(value)


#: Texts a month may hold instead of a figure: a blank or a dash (no figure), and "N/A"
#: (not applicable: the indicator has no denominator that month, as xlkpi's engine,
#: KPI_PCT and KPI_RATE and the DfE's tables write it), in any case.
GAPS = ("", "-", "n/a")


def check_series(values: Sequence[Any], wheres: Sequence[str]) -> list[Finding]:
    """Monthly figures that are text (a month cell holding FALSE, "yes"); a blank, a dash
    or "N/A" (:data:`GAPS`) is an honest gap, not a finding."""
    findings = []
    for value, where in zip(values, wheres, strict=False):
        words = isinstance(value, str) and value.strip().lower() not in GAPS and not (
            _NUMBER_RE.fullmatch(value.strip()))
        if isinstance(value, bool) or words:
            findings.append(finding("SERIES-TEXT", where,
                                     f"{_excel_text(value)} is not a number; a month's "
                                     "figure must be a number or blank"))
    return findings


#: How a finding names a direction.
_SHOW = {"up": "up (↑)", "down": "down (↓)", "same": "no change (➡)"}
#: A stated direction (an arrow, or a word :func:`~xlkpi.trend.read_status` reads) and a
#: KPI_DOT result, as the way the arrow points: ↑ is better, or higher without a polarity.
_POINTS = {"↑": "up", "↓": "down", "➡": "same", "↔": "same", "→": "same", "same": "same",
           "Improving": "up", "Up": "up", "Worsening": "down", "Down": "down",
           "No change": "same"}


def check_direction(current: Any, previous: Any, polarity: str, stated: str,
                    where: str = "") -> list[Finding]:
    """A printed direction (arrow or word) that the two figures it compares contradict.

    The figures' direction is KPI_DOT's (:func:`xlkpi.trend.direction`): with a polarity
    the arrow shows performance (↑ better), without one the raw movement (↑ higher), as
    the seed reports print them. A missing figure with an arrow printed is a finding too:
    there is nothing to compare.
    """
    word = _POINTS.get(stated.strip()) or _POINTS.get(read_status(stated) or "")
    if word is None:
        return []
    try:
        a, b = float(current), float(previous)
    except (TypeError, ValueError):
        return [finding("DOT-STATED", where,
                        f"the report prints {stated} but has no figure to compare: "
                        f"{shown(current)} against {shown(previous)}")]
    try:
        computed = direction(a, b, polarity)
    except KpiError:  # a polarity it cannot read: the raw movement
        computed = direction(a, b)
    move = _POINTS[computed]
    if move == word:
        return []
    if computed in ("Improving", "Worsening") or (
            computed == "No change" and _judged(polarity)):
        better = {"up": "better", "down": "worse", "same": "the same"}[move]
        way = "high" if int(polarity_codes(polarity)) == HIGH else "low"
        return [finding("DOT-STATED", where,
                        f"the report prints {stated}, but {a:g} against {b:g} is {better}"
                        f" ({way} is better), so it should show {_SHOW[move]}")]
    return [finding("DOT-STATED", where,
                    f"the report prints {stated}, but {a:g} against {b:g} is "
                    f"{_SHOW[move]}")]


def _judged(polarity: Any) -> bool:
    """The polarity says which way is better (high or low)."""
    try:
        return int(polarity_codes(polarity)) in (HIGH, LOW)
    except KpiError:
        return False


def _rate_outliers(counts: Sequence[float], rates: Sequence[float], per: float
                   ) -> tuple[float, list[tuple[int, float]]]:
    """The population the (count, rate) pairs imply (their median), and the pairs whose
    rate is further from count / population x ``per`` than its printed precision plus
    0.1% (the slack the other rates' rounding leaves in the population): (index, the
    rate that population gives)."""
    implied = sorted(c / r * per for c, r in zip(counts, rates, strict=True)
                     if r and math.isfinite(r) and math.isfinite(c))
    if len(implied) < 2:
        return 0.0, []
    base = implied[len(implied) // 2]
    if not base:
        return 0.0, []  # no population to test against (counts of 0 imply none)
    outliers = []
    for k, (count, rate) in enumerate(zip(counts, rates, strict=True)):
        decimals = len(f"{rate:g}".partition(".")[2])
        if abs(count / base * per - rate) > 10 ** -decimals + 0.001 * abs(rate):
            outliers.append((k, round(count / base * per, decimals)))
    return base, outliers


def check_rates(counts: Sequence[float], rates: Sequence[float], wheres: Sequence[str],
                per: float = 10_000) -> list[Finding]:
    """Rates per 10,000 that imply a different population from the others (the median of
    the populations the pairs imply is taken as the report's)."""
    base, outliers = _rate_outliers(counts, rates, per)
    return [finding("RATE-COUNT", wheres[k],
                    f"{counts[k]:g} per {base:,.0f} children is {expected:g} per 10,000, "
                    f"not {rates[k]:g} (the other rates use a population of about "
                    f"{base:,.0f})") for k, expected in outliers]


def check_rate_series(counts: Sequence[float], rates: Sequence[float],
                      wheres: Sequence[str], count_label: str) -> list[Finding]:
    """One indicator's monthly rates against its monthly counts (``count_label``): count /
    rate is the same every month (the population, or a twelfth of it for an annualised
    rate), so a month whose ratio differs is a mistyped rate or count."""
    base, outliers = _rate_outliers(counts, rates, 10_000)
    return [finding("RATE-SERIES", wheres[k],
                    f"a rate of {rates[k]:g} from {counts[k]:g} ({count_label}) implies "
                    f"{counts[k] / rates[k] * 10_000:,.0f} children where the other "
                    f"months imply about {base:,.0f}, which gives "
                    f"{counts[k] / base * 10_000:.1f}") for k, _ in outliers]


def check_rag_missing(value: Any, value_cell: str, where: str = "", **rule: Any
                      ) -> list[Finding]:
    """A figure (in ``value_cell``) whose rule (methodology ``text``, or ``polarity``,
    ``red``, ``green``) gives a RAG the report does not print in ``where``."""
    figure = number_in(value)
    verdict = None if figure is None else rule_status(figure, **rule)
    if not verdict:
        return []
    percent = _percent_rule(rule.get("text"), rule.get("red"), rule.get("green"))
    return [finding("RAG-MISSING", where,
                    f"{shown(value, percent)} ({value_cell}) has a RAG rule but no RAG; by "
                    f"the rule it is {verdict}")]
