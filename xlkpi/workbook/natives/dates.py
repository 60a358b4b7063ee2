"""Excel's calendar: serial numbers in the 1900 date system, and the functions that build
dates and times or take them apart (DATE, YEAR, MONTH, DAY, WEEKDAY, EDATE, EOMONTH,
TIME, HOUR, MINUTE, SECOND, DAYS).

Excel's serial 1 is 1 January 1900, and it counts a 29 February 1900 that never was
(serial 60), so serials before 61 are one day off the real calendar; serial 0 reads as
"0 January 1900". A date argument is read as a number (a blank is 0, date text is read as
DATEVALUE reads it, other text is ``#VALUE!``); a negative serial or one past 31 December
9999 is ``#NUM!``. Every function works element by element over ranges and arrays.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, fail, number
from xlkpi.workbook.natives.lifting import lift

__all__ = [
    "FUNCTIONS",
    "MAX_SERIAL",
    "date_serial",
    "days_in_month",
    "serial_of",
    "sunday_index",
    "whole",
    "ymd",
]

#: 31 December 9999, the last date Excel knows.
MAX_SERIAL = 2_958_465
_EPOCH = dt.date(1899, 12, 30)
_MARCH_1900 = dt.date(1900, 3, 1)
_HALF_SECOND = 0.5 / 86_400


def whole(value: Any) -> int:
    """A count argument (months, days, hours...) truncated towards zero."""
    result = number(value)
    if not math.isfinite(result):
        raise fail("#NUM!")
    return int(result)


def date_serial(value: Any, *, bools: bool = True, rounded: bool = False) -> int:
    """A date argument as a whole serial number (its time of day dropped).

    ``bools=False``: TRUE/FALSE are ``#VALUE!``, as in the functions that came from the
    Analysis ToolPak (EDATE, EOMONTH, YEARFRAC...). ``rounded``: the serial is first
    rounded to the nearest second, as Excel does when it splits a date-time into its
    parts (46000.999999 is the next day)."""
    if not bools and isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    serial = number(value)
    if not math.isfinite(serial) or serial < 0:
        raise fail("#NUM!")
    day = math.floor(serial + _HALF_SECOND) if rounded else math.floor(serial)
    if day > MAX_SERIAL:
        raise fail("#NUM!")
    return day


@functools.lru_cache(maxsize=65_536)
def serial_of(year: int, month: int, day: int = 1) -> int:
    """Excel's serial for a year, a month (any whole number: 13 is January of the next
    year, 0 December of the year before) and a day of that month (any whole number,
    counted on from the month's first day). Outside 1900-9999 is ``#NUM!``."""
    year, month0 = divmod(year * 12 + month - 1, 12)
    if not 1900 <= year <= 9999:
        raise fail("#NUM!")
    first = dt.date(year, month0 + 1, 1)
    serial = (first - _EPOCH).days - (first < _MARCH_1900) + day - 1
    if not 0 <= serial <= MAX_SERIAL:
        raise fail("#NUM!")
    return serial


@functools.lru_cache(maxsize=65_536)
def ymd(serial: int) -> tuple[int, int, int]:
    """Year, month and day of a whole serial as Excel shows them (0 is 1900-01-00,
    60 is 1900-02-29)."""
    if serial == 0:
        return 1900, 1, 0
    if serial == 60:
        return 1900, 2, 29
    day = _EPOCH + dt.timedelta(days=serial + (serial < 60))
    return day.year, day.month, day.day


def days_in_month(year: int, month: int) -> int:
    """The length of a month in Excel's calendar (February 1900 has 29 days)."""
    if month == 12:
        return 31
    return serial_of(year, month + 1) - serial_of(year, month)


def sunday_index(serial: int) -> int:
    """The day of the week of a serial, 0 for Sunday to 6 for Saturday (serial 1, 1
    January 1900, is a Sunday in Excel's calendar)."""
    return (serial - 1) % 7


@lift()
def date(year: Any, month: Any, day: Any) -> float:
    """DATE: years 0-1899 are 1900-3799; months and days overflow into the next ones."""
    y = whole(year)
    if not 0 <= y <= 9999:
        raise fail("#NUM!")
    if y < 1900:
        y += 1900
    return serial_of(y, whole(month), whole(day))


@lift()
def year(serial: Any) -> float:
    """YEAR of a date."""
    return ymd(date_serial(serial, rounded=True))[0]


@lift()
def month(serial: Any) -> float:
    """MONTH of a date."""
    return ymd(date_serial(serial, rounded=True))[1]


@lift()
def day(serial: Any) -> float:
    """DAY of a date."""
    return ymd(date_serial(serial, rounded=True))[2]


#: WEEKDAY's return types: (the day numbered 1 or 0 as Sunday index, first number).
_WEEKDAY_TYPES = {1: (0, 1), 2: (1, 1), 3: (1, 0), 11: (1, 1), 12: (2, 1), 13: (3, 1),
                  14: (4, 1), 15: (5, 1), 16: (6, 1), 17: (0, 1)}


@lift()
def weekday(serial: Any, return_type: Any = 1.0) -> float:
    """WEEKDAY: 1 (Sunday) to 7 by default; types 2, 3 and 11-17 start elsewhere."""
    kind = _WEEKDAY_TYPES.get(1 if return_type is EMPTY else whole(return_type))
    start = date_serial(serial, rounded=True)
    if kind is None:
        raise fail("#NUM!")
    first, base = kind
    return (sunday_index(start) - first) % 7 + base


def _months_on(start: Any, months: Any) -> tuple[int, int, int]:
    """EDATE's and EOMONTH's reading: the start's year and month moved on, and its day."""
    if isinstance(months, bool | np.bool_):
        raise fail("#VALUE!")
    y, m, d = ymd(date_serial(start, bools=False))
    return y, m + whole(months), d


@lift(ranges="refuse")
def edate(start: Any, months: Any) -> float:
    """EDATE: the same day ``months`` later, clipped to the end of a shorter month."""
    y, m, d = _months_on(start, months)
    y, m0 = divmod(y * 12 + m - 1, 12)
    return serial_of(y, m0 + 1, min(d, days_in_month(y, m0 + 1)))


@lift(ranges="refuse")
def eomonth(start: Any, months: Any) -> float:
    """EOMONTH: the last day of the month ``months`` after the start's."""
    y, m, _ = _months_on(start, months)
    y, m0 = divmod(y * 12 + m - 1, 12)
    if not 1900 <= y <= 9999:
        raise fail("#NUM!")
    return serial_of(y, m0 + 2) - 1 if (y, m0) != (9999, 11) else MAX_SERIAL


@lift()
def time(hour: Any, minute: Any, second: Any) -> float:
    """TIME: a fraction of a day; parts overflow, whole days are dropped."""
    parts = [whole(hour), whole(minute), whole(second)]
    if any(p > 32_767 for p in parts):
        raise fail("#NUM!")
    total = parts[0] * 3600 + parts[1] * 60 + parts[2]
    if total < 0:
        raise fail("#NUM!")
    return (total % 86_400) / 86_400


def _second_of_day(serial: Any) -> int:
    value = number(serial)
    if not math.isfinite(value) or value < 0:
        raise fail("#NUM!")
    if value >= MAX_SERIAL + 1:
        raise fail("#NUM!")
    return math.floor(value * 86_400 + 0.5) % 86_400


@lift()
def hour(serial: Any) -> float:
    """HOUR of a time, to the nearest second."""
    return _second_of_day(serial) // 3600


@lift()
def minute(serial: Any) -> float:
    """MINUTE of a time, to the nearest second."""
    return _second_of_day(serial) // 60 % 60


@lift()
def second(serial: Any) -> float:
    """SECOND of a time, rounded to the nearest second."""
    return _second_of_day(serial) % 60


@lift()
def days(end: Any, start: Any) -> float:
    """DAYS: whole days from ``start`` to ``end`` (times of day dropped)."""
    last = date_serial(end)
    return last - date_serial(start)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "DATE": date,
    "YEAR": year,
    "MONTH": month,
    "DAY": day,
    "WEEKDAY": weekday,
    "EDATE": edate,
    "EOMONTH": eomonth,
    "TIME": time,
    "HOUR": hour,
    "MINUTE": minute,
    "SECOND": second,
    "DAYS": days,
}
