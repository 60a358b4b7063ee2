"""Lint an indicator table: the scorecard mistakes that reach improvement boards.

An indicator table is rows of figures with what each figure is (its *role*: the
polarity, the target, the stated RAG, the methodology text, the Red and Green
tolerances, the monthly values, ...) and where it is. :func:`lint` runs every check of
:mod:`xlkpi.lint_checks` that the row has the figures for, and the checks across rows
(rates against counts). Nothing here knows about Excel: :mod:`xlkpi.workbook.tables`
reads the rows out of a workbook, and a test can build them from a seed report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from xlkpi.lint_checks import (
    CODES,
    Finding,
    check_bands,
    check_direction,
    check_polarity,
    check_rag_missing,
    check_rate_series,
    check_rates,
    check_series,
    check_share,
    check_stated_rag,
    check_target,
    check_value_in_gap,
    number_in,
)

__all__ = [
    "CODES",
    "Entry",
    "Finding",
    "IndicatorRow",
    "Month",
    "lint",
]

@dataclass(frozen=True)
class Entry:
    """A figure and where it is (a cell address, or a label such as ``page 18``)."""

    value: Any
    cell: str
    #: True when the figure is a formula's result rather than typed in
    computed: bool = False


@dataclass(frozen=True)
class Month:
    """A monthly figure: its month (``year * 12 + month - 1``), label, value and cell."""

    period: int
    label: str
    value: Any
    cell: str


@dataclass
class IndicatorRow:
    """One indicator's row: its figures by role, its monthly series, and where it is.

    Roles: ``ref``, ``name``, ``polarity``, ``unit`` (Count, Percentage, Rate), ``value``
    (the current figure when it is not in a month column), ``target``, ``rag`` (stated),
    ``rag_text`` (methodology), ``red`` and ``green`` (tolerances), ``dot`` (stated
    direction), ``numerator``, ``denominator``, ``rate`` (per 10,000 of the current
    figure).
    """

    sheet: str = ""
    label: str = ""
    #: the row's number in its sheet (0 when it has none)
    number: int = 0
    fields: dict[str, Entry] = field(default_factory=dict)
    months: list[Month] = field(default_factory=list)
    #: months between the two figures the direction of travel compares (12: the same
    #: month last year, as Herefordshire's "Comparator with last year")
    dot_lag: int = 1

    def get(self, role: str) -> Any:
        entry = self.fields.get(role)
        return None if entry is None or _blank(entry.value) else entry.value

    def cell(self, role: str) -> str:
        entry = self.fields.get(role)
        return entry.cell if entry else ""

    def current(self) -> Entry | None:
        """The current figure: the ``value`` column, else the latest month's column."""
        if "value" in self.fields:
            return self.fields["value"]
        if not self.months:
            return None
        latest = max(self.months, key=lambda m: m.period)
        return Entry(latest.value, latest.cell)

    def month(self, period: int) -> Month | None:
        return next((m for m in self.months if m.period == period), None)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def _rule_args(row: IndicatorRow) -> dict[str, Any]:
    """The row's RAG rule: its methodology text, else its tolerances and polarity."""
    if row.get("rag_text"):
        return {"text": row.get("rag_text")}
    if row.get("red") is not None and row.get("green") is not None:
        return {"polarity": row.get("polarity"), "red": number_in(row.get("red")),
                "green": number_in(row.get("green"))}
    return {}


def _row_findings(row: IndicatorRow) -> list[Finding]:
    """Every check one row has the figures for."""
    found: list[Finding] = []
    rule = _rule_args(row)
    text = rule.get("text")
    if text:
        found += check_bands(str(text), row.cell("rag_text"))
        found += check_polarity(row.get("polarity"), str(text), where=row.cell("polarity"))
        for month in row.months:
            found += check_value_in_gap(month.value, str(text), month.cell)
    elif rule:
        found += check_polarity(row.get("polarity"), red=rule["red"], green=rule["green"],
                                where=row.cell("polarity"))
    if rule and row.get("target") is not None:
        found += check_target(row.get("target"), where=row.cell("target"), **rule)
    current = row.current()
    if rule and current is not None and "rag" in row.fields:
        found += _stated_rag(row, current, rule)
    found += check_series([m.value for m in row.months], [m.cell for m in row.months])
    found += _direction(row, current)
    found += _share(row, current)
    return [replace(f, sheet=row.sheet, message=f"{row.label}: {f.message}")
            if row.label else replace(f, sheet=row.sheet) for f in found]


def _stated_rag(row: IndicatorRow, current: Entry, rule: dict[str, Any]) -> list[Finding]:
    stated = row.get("rag")
    if stated is not None:
        return check_stated_rag(current.value, stated, where=row.cell("rag"), **rule)
    if row.fields["rag"].computed:  # a formula that leaves it blank does so on purpose
        return []
    return check_rag_missing(current.value, current.cell, row.cell("rag"), **rule)


def _direction(row: IndicatorRow, current: Entry | None) -> list[Finding]:
    stated = row.get("dot")
    if stated is None or current is None or not row.months:
        return []
    latest = max(m.period for m in row.months)
    previous = row.month(latest - row.dot_lag)
    if previous is None:
        return []
    return check_direction(number_in(current.value), number_in(previous.value),
                           row.get("polarity") or "", str(stated), row.cell("dot"))


#: More decimal places of a percentage than any report prints: a full-precision figure.
_PRINTED_DECIMALS = 4


def _percent_decimals(share: float) -> int:
    """Decimal places of a typed percentage: 0.84 is 84% (0), 0.488 is 48.8% (1)."""
    text = f"{round(share * 100, 8):.8f}".rstrip("0")
    return len(text.partition(".")[2])


def _share(row: IndicatorRow, current: Entry | None) -> list[Finding]:
    num, den = number_in(row.get("numerator")), number_in(row.get("denominator"))
    if num is None or den is None or current is None or current.computed:
        return []
    share = number_in(current.value)
    if share is None or not 0 <= share <= 1.5:
        return []
    decimals = _percent_decimals(share)
    if decimals > _PRINTED_DECIMALS:  # a figure kept at full precision: it must be exact
        if den and math.isclose(share, num / den, rel_tol=1e-9, abs_tol=1e-12):
            return []
        decimals = 6
    return check_share(num, den, share, decimals, current.cell)


# rates across rows ----------------------------------------------------------------------

_RATE_WORDS = re.compile(r"rate|per|10k|10,000|10000|under|18s?|under-18s?|population|"
                         r"aged|0-17|in|month|in-month|annualised|number|of|no|the|a")
_ROLLING = re.compile(r"rolling|annualised|ytd|year to date", re.IGNORECASE)
_RATE_NAME = re.compile(r"rate\b.*\bper\s*10|per\s*10[,.]?000|per\s*10k", re.IGNORECASE)


def _stem(name: str) -> frozenset[str]:
    """The words of an indicator's name that say what is counted (not how)."""
    words = re.findall(r"[a-z0-9']+(?:-[a-z0-9']+)?", name.lower())
    return frozenset(w for w in words if not _RATE_WORDS.fullmatch(w))


def _is_count(row: IndicatorRow) -> bool:
    unit = str(row.get("unit") or "").lower()
    if unit:
        return unit.startswith(("count", "number", "no"))
    figures = [number_in(m.value) for m in row.months]
    figures = [f for f in figures if f is not None]
    return bool(figures) and all(f >= 1 and f == int(f) for f in figures)


def _is_rate_row(row: IndicatorRow) -> bool:
    """A rate per 10,000 of one month's count: not one whose unit (data note) or name marks
    it rolling, annualised or year to date (a rolling 12-month rate is not a month's count
    over the population, so its months cannot be checked against the count row's)."""
    unit = str(row.get("unit") or "").lower()
    name = str(row.get("name") or "")
    return (unit == "rate" or bool(_RATE_NAME.search(name))) and not (
        _ROLLING.search(unit) or _ROLLING.search(name))


def _rate_series(rows: Sequence[IndicatorRow]) -> list[Finding]:
    """A rate row's months against its count row's: count / rate is the same every month
    (the population, or a twelfth of it for an annualised rate)."""
    found = []
    for k, row in enumerate(rows):
        if not _is_rate_row(row):
            continue
        stem = _stem(str(row.get("name") or ""))
        counts = [r for r in rows[:k] if r.sheet == row.sheet and _is_count(r)
                  and not _is_rate_row(r) and stem and stem <= _stem(str(r.get("name")))]
        if not counts:
            continue
        count_row = counts[-1]
        pairs = [(number_in(c.value), number_in(m.value), m.cell) for m in row.months
                 if (c := count_row.month(m.period)) is not None]
        pairs = [p for p in pairs if p[0] is not None and p[1] is not None and p[0] > 0]
        found += [replace(f, sheet=row.sheet, message=f"{row.label}: {f.message}")
                  for f in check_rate_series([p[0] for p in pairs], [p[1] for p in pairs],
                                             [p[2] for p in pairs], count_row.label)]
    return found


def _rates_against_counts(rows: Sequence[IndicatorRow]) -> list[Finding]:
    """Each row's rate per 10,000 against its current count, one population for all."""
    pairs = []
    for row in rows:
        current = row.current()
        rate = number_in(row.get("rate"))
        count = number_in(current.value) if current else None
        if rate and count is not None and math.isfinite(count) and count >= 1 and \
                count == int(count):
            pairs.append((count, rate, row))
    # each pair's index is its "where", so each finding goes back to its row and sheet
    findings = check_rates([p[0] for p in pairs], [p[1] for p in pairs],
                           [str(k) for k in range(len(pairs))])
    return [replace(f, sheet=row.sheet, cell=row.cell("rate"),
                    message=f"{row.label}: {f.message}")
            for f in findings for row in [pairs[int(f.cell)][2]]]


def lint(rows: Iterable[IndicatorRow]) -> list[Finding]:
    """Every finding in an indicator table, row by row and then across rows."""
    rows = list(rows)
    found = [f for row in rows for f in _row_findings(row)]
    found += _rate_series(rows)
    found += _rates_against_counts(rows)
    return found
