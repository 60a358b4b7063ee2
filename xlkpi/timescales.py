"""Statutory timescales as data, due dates, and within-timescale tests.

Each timescale is a declaration (code, amount, unit, start event, statutory source); one
engine turns it into due dates. Units: ``WD`` working days (see :mod:`xlkpi.calendar`),
``D`` calendar days, ``W`` weeks, ``M`` calendar months by Excel's EDATE (31 January plus
one month is 28 or 29 February).

"Within" means: for working days, the elapsed working days from start to end are no more
than the limit (how the Children in Need census counts 45 working days); for calendar
units, the end date is on or before the due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xlkpi.calendar import _wrap, add_working_days, working_days
from xlkpi.dates import as_array, bad_input, parse_dates
from xlkpi.errors import KpiError
from xlkpi.numbers import parse_numbers

__all__ = ["TIMESCALES", "UNITS", "Timescale", "due_date", "edate", "timescale", "within"]


@dataclass(frozen=True)
class Timescale:
    """A statutory (or local) timescale: ``amount`` ``unit`` after ``start_event``."""

    code: str
    description: str
    amount: int
    unit: str
    start_event: str
    source: str


#: Units and what they count.
UNITS: dict[str, str] = {
    "WD": "working days",
    "D": "calendar days",
    "W": "weeks",
    "M": "calendar months (EDATE)",
}

_WT = "Working Together to Safeguard Children (DfE)"
_CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33"

#: The timescale catalogue, keyed by code.
TIMESCALES: dict[str, Timescale] = {
    t.code: t
    for t in (
        Timescale("ASSESSMENT", "Child and family assessment completed", 45, "WD",
                  "referral", f"{_WT}: no longer than 45 working days from the point of referral"),
        Timescale("ICPC", "Initial child protection conference held", 15, "WD",
                  "strategy discussion",
                  f"{_WT}: within 15 working days of the strategy discussion"),
        Timescale("RCPC_FIRST", "First review child protection conference", 3, "M",
                  "initial child protection conference",
                  f"{_WT}: first review within three months of the initial conference"),
        Timescale("RCPC", "Later review child protection conference", 6, "M",
                  "previous review conference",
                  f"{_WT}: further reviews at intervals of not more than six months"),
        Timescale("CP_VISIT", "Child protection visit", 20, "WD", "previous visit",
                  "Local practice standard (a setting): seed 003 uses 4-weekly, 20 working "
                  "days; pass a number and unit to use your own"),
        Timescale("CIN_VISIT", "Child in need visit", 20, "WD", "previous visit",
                  "Local practice standard (a setting): seed 002 reports CIN visits within "
                  "the last 4 weeks, 20 working days; pass a number and unit to use your "
                  "own"),
        Timescale("CLA_REVIEW_FIRST", "First looked-after child review", 20, "WD",
                  "date the child became looked after",
                  f"{_CPPCR}(1): within 20 working days of becoming looked after"),
        Timescale("CLA_REVIEW_SECOND", "Second looked-after child review", 3, "M",
                  "first review", f"{_CPPCR}(2): not more than three months after the first"),
        Timescale("CLA_REVIEW", "Later looked-after child reviews", 6, "M", "previous review",
                  f"{_CPPCR}(3): at intervals of not more than six months"),
        Timescale("REREFERRAL", "Re-referral window", 12, "M", "previous referral",
                  "DfE Children in Need census: a referral within 12 months of a previous "
                  "referral of the same child (on or after EDATE(referral, -12))"),
    )
}


def timescale(code: str) -> Timescale:
    """The catalogue entry for ``code`` (case-insensitive)."""
    key = str(code).strip().upper().replace(" ", "_")
    try:
        return TIMESCALES[key]
    except KeyError:
        raise KpiError(
            f"timescale: {code!r} is not a timescale; use a number of days or one of "
            f"{', '.join(TIMESCALES)}",
            argument="timescale",
        ) from None


def edate(start: Any, months: Any) -> Any:
    """Excel's EDATE: the same day ``months`` calendar months on, clipped to month end."""
    s = np.asarray(parse_dates(start, "start"))
    n = parse_numbers(months, "months")
    s, n = np.broadcast_arrays(s, n)
    blank = np.isnat(s) | np.isnan(n)
    s0 = np.where(blank, np.datetime64("2000-01-01", "D"), s)
    k = np.where(blank, 0, np.trunc(n)).astype(np.int64)
    month = s0.astype("datetime64[M]")
    day = (s0 - month.astype("datetime64[D]")).astype(np.int64)
    target = month + k.astype("timedelta64[M]")
    last_day = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    result = target.astype("datetime64[D]") + np.minimum(day, last_day - 1).astype(
        "timedelta64[D]"
    )
    return _wrap(np.where(blank, np.datetime64("NaT", "D"), result), (start, months))


def _amount_and_unit(limit: Any, unit: Any) -> tuple[Any, str]:
    """A timescale code or a number of units: (amount, unit code)."""
    if isinstance(limit, str) and limit.strip() and not _is_numeric_text(limit):
        t = timescale(limit)
        return t.amount, t.unit
    key = "WD" if unit is None or (isinstance(unit, str) and not unit.strip()) else unit
    key = str(key).strip().upper()
    if key not in UNITS:
        raise KpiError(
            f"unit: {unit!r} is not a unit; use one of {', '.join(UNITS)}", argument="unit"
        )
    return limit, key


def _is_numeric_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def due_date(
    start: Any, timescale: Any, unit: str | None = None, region: str = "ENG",
    closures: Any = None,
) -> Any:
    """The date a task is due: ``timescale`` (a catalogue code, or a number of ``unit``)
    after ``start``."""
    amount, unit_code = _amount_and_unit(timescale, unit)
    if unit_code == "WD":
        return add_working_days(start, amount, region=region, closures=closures)
    if unit_code == "M":
        return edate(start, amount)
    days = parse_numbers(amount, "timescale") * (7 if unit_code == "W" else 1)
    s = np.asarray(parse_dates(start, "start"))
    s, days = np.broadcast_arrays(s, days)
    blank = np.isnat(s) | np.isnan(days)
    result = s + np.where(blank, 0, np.trunc(days)).astype("timedelta64[D]")
    return _wrap(np.where(blank, np.datetime64("NaT", "D"), result), (start, timescale))


def within(
    start: Any, end: Any, timescale: Any, unit: str | None = None, as_of: Any = None,
    region: str = "ENG", closures: Any = None,
) -> Any:
    """TRUE when done in time, FALSE when late, blank when not yet due (or start blank).

    With ``end`` blank the task is still open: FALSE once ``as_of`` is past the due date
    (overdue), blank while it is still in time or when no ``as_of`` is given. An end
    before its start is an error for that element, never a silent "in time".
    """
    amount, unit_code = _amount_and_unit(timescale, unit)
    s = np.asarray(parse_dates(start, "start"))
    e = np.asarray(parse_dates(end, "end"))
    a = np.asarray(parse_dates(as_of, "as_of"))
    s, e, a = np.broadcast_arrays(s, e, a)
    backwards = ~np.isnat(s) & ~np.isnat(e) & (e < s)
    if backwards.any():
        shown = np.broadcast_to(np.asarray(as_array(end), dtype=object), backwards.shape)
        raise bad_input("end", shown, backwards, "is before its start date")
    limit = parse_numbers(amount, "timescale")
    done_by = np.where(np.isnat(e), a, e)
    blank = np.isnat(s) | np.isnat(done_by) | np.isnan(limit)
    s0 = np.where(blank, np.datetime64("2000-01-03", "D"), s)
    d0 = np.where(blank, s0, done_by)
    if unit_code == "WD":
        taken = np.asarray(working_days(s0, d0, region=region, closures=closures))
        in_time = taken <= np.where(np.isnan(limit), 0, limit)
    else:
        due = np.asarray(due_date(s0, np.where(np.isnan(limit), 0, limit), unit=unit_code))
        in_time = d0 <= due
    # an open task that is not yet late has no verdict
    open_in_time = np.isnat(e) & in_time
    verdict_blank = blank | open_in_time
    if verdict_blank.any():
        out = np.where(verdict_blank, None, in_time).astype(object)
    else:
        out = in_time.astype(bool)
    return _wrap(out, (start, end, as_of))

