"""Day counts and week numbers in Excel's calendar: DAYS360, YEARFRAC (all five bases),
DATEDIF, WEEKNUM and ISOWEEKNUM, element by element over arrays."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, boolean, fail
from xlkpi.workbook.natives.dates import (
    date_serial,
    days_in_month,
    serial_of,
    sunday_index,
    whole,
    ymd,
)
from xlkpi.workbook.natives.lifting import lift
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "datedif", "days360", "isoweeknum", "weeknum", "yearfrac"]


def _last_of_february(y: int, m: int, d: int) -> bool:
    return m == 2 and d == days_in_month(y, 2)


@lift()
def days360(start: Any, end: Any, method: Any = False) -> float:
    """DAYS360: the US (NASD) method by default (a start on the last day of February or
    on the 31st counts as the 30th; an end on the 31st counts as the 30th when the start
    is the 30th or later); ``method`` TRUE: the European method (31sts count as 30ths)."""
    european = False if method is EMPTY else boolean(method)
    y1, m1, d1 = ymd(date_serial(start, rounded=True))
    y2, m2, d2 = ymd(date_serial(end, rounded=True))
    if european:
        d1, d2 = min(d1, 30), min(d2, 30)
    else:
        if d1 == 31 or _last_of_february(y1, m1, d1):
            d1 = 30
        if d2 == 31 and d1 >= 30:
            d2 = 30
    return (y2 - y1) * 360 + (m2 - m1) * 30 + d2 - d1


def _basis0(y1: int, m1: int, d1: int, y2: int, m2: int, d2: int) -> float:
    """30/360 US as YEARFRAC counts it (both ends on the last of February: both 30)."""
    feb1, feb2 = _last_of_february(y1, m1, d1), _last_of_february(y2, m2, d2)
    if d1 == 31 and d2 == 31:
        d1 = d2 = 30
    elif d1 == 31:
        d1 = 30
    elif d1 == 30 and d2 == 31:
        d2 = 30
    elif feb1 and feb2:
        d1 = d2 = 30
    elif feb1:
        d1 = 30
    return ((y2 - y1) * 360 + (m2 - m1) * 30 + d2 - d1) / 360


def _year_days(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _basis1(start: int, end: int) -> float:
    """Actual/actual: within a year, days over that year's length (366 when a 29
    February falls in the span); over several years, over their average length."""
    y1, m1, d1 = ymd(start)
    y2, m2, d2 = ymd(end)
    span = end - start
    if y1 == y2 or (y2 == y1 + 1 and (m1, d1) >= (m2, d2)):
        if y1 == y2:
            length = _year_days(y1)
        elif (calendar.isleap(y1) and m1 <= 2) or (calendar.isleap(y2) and (m2, d2) >= (2, 29)):
            length = 366
        else:
            length = 365
        return span / length
    years = range(y1, y2 + 1)
    average = sum(_year_days(y) for y in years) / len(years)
    return span / average


@lift(errors_pass=True, ranges="refuse")
def yearfrac(start: Any, end: Any, basis: Any = 0.0) -> float:
    """YEARFRAC: the fraction of a year between two dates, on a day-count basis (0: 30/360
    US, 1: actual/actual, 2: actual/360, 3: actual/365, 4: 30/360 European). The basis is
    read and checked first, then the dates (booleans are ``#VALUE!``)."""
    if isinstance(basis, XlError):
        return basis
    if isinstance(basis, bool | np.bool_):
        raise fail("#VALUE!")
    kind = whole(basis)
    if not 0 <= kind <= 4:
        raise fail("#NUM!")
    for value in (start, end):
        if isinstance(value, XlError):
            return value
    first, last = sorted((date_serial(start, bools=False), date_serial(end, bools=False)))
    if kind == 1:
        return _basis1(first, last)
    if kind == 2:
        return (last - first) / 360
    if kind == 3:
        return (last - first) / 365
    (y1, m1, d1), (y2, m2, d2) = ymd(first), ymd(last)
    if kind == 0:
        return _basis0(y1, m1, d1, y2, m2, d2)
    return ((y2 - y1) * 360 + (m2 - m1) * 30 + min(d2, 30) - min(d1, 30)) / 360


#: WEEKNUM's return types: the day a week starts on, as a Sunday index.
_WEEK_STARTS = {1: 0, 2: 1, 11: 1, 12: 2, 13: 3, 14: 4, 15: 5, 16: 6, 17: 0}


def _iso_week(serial: int) -> int:
    thursday = serial - (sunday_index(serial) + 6) % 7 + 3
    y = ymd(thursday)[0] if thursday >= 1 else 1899
    first = serial_of(y, 1) if y >= 1900 else -364
    return (thursday - first) // 7 + 1


@lift(ranges="refuse")
def weeknum(serial: Any, return_type: Any = 1.0) -> float:
    """WEEKNUM: the week of the year, the week holding 1 January being week 1 (weeks start
    on Sunday by default; types 2 and 11-17 start elsewhere, 21 is the ISO week)."""
    kind = 1 if return_type is EMPTY else whole(return_type)
    day = date_serial(serial, bools=False)
    if kind == 21:
        return _iso_week(day)
    if kind not in _WEEK_STARTS:
        raise fail("#NUM!")
    jan1 = serial_of(ymd(day)[0], 1)
    offset = (sunday_index(jan1) - _WEEK_STARTS[kind]) % 7
    return (day - jan1 + offset) // 7 + 1


@lift()
def isoweeknum(serial: Any) -> float:
    """ISOWEEKNUM: the ISO 8601 week (weeks start on Monday; week 1 holds the year's
    first Thursday)."""
    return _iso_week(date_serial(serial))


@lift()
def datedif(start: Any, end: Any, unit: Any) -> float:
    """DATEDIF in Excel's units (any case): "Y" whole years, "M" whole months, "D" days,
    "YM" months beyond the years, "MD" days beyond the months (counted back from the
    end's month, so a start day the month before lacks gives Excel's negative answers),
    "YD" days beyond the years (the end moved into the start's year). The end before the
    start, or another unit, is #NUM!."""
    first, last = date_serial(start), date_serial(end)
    kind = unit.strip().upper() if isinstance(unit, str) and unit is not EMPTY else ""
    if kind not in ("Y", "M", "D", "MD", "YM", "YD") or last < first:
        raise fail("#NUM!")
    (y1, m1, d1), (y2, m2, d2) = ymd(first), ymd(last)
    months = (y2 - y1) * 12 + m2 - m1 - (d2 < d1)
    if kind == "D":
        return last - first
    if kind == "M":
        return months
    if kind == "Y":
        return months // 12
    if kind == "YM":
        return months % 12
    if kind == "MD":
        return d2 - d1 if d2 >= d1 else last - serial_of(y2, m2 - 1, d1)
    year = y1 if (m2, d2) >= (m1, d1) else y1 + 1
    return serial_of(year, m2, d2) - first


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "DATEDIF": datedif,
    "DAYS360": days360,
    "YEARFRAC": yearfrac,
    "WEEKNUM": weeknum,
    "ISOWEEKNUM": isoweeknum,
}
