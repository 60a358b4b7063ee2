"""Dates and times written as text, read as Excel reads them (DATEVALUE, TIMEVALUE, and
any text used where a number is wanted): ISO ``2024-03-31``, ``31-Mar-2024``,
``March 31, 2024``, US ``3/31/2024`` (the workbooks Excel saved here use that locale) and
times ``14:30``, ``2:30 PM``, ``4 pm``, ``4:5 pm``, ``14:30:15`` (minutes past 59 carry into the
hour: ``4:65`` is 5:05); a date and a time together add up.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from xlkpi.workbook.natives.base import fail
from xlkpi.workbook.natives.lifting import lift

__all__ = ["FUNCTIONS", "date_time_value", "datevalue", "serial", "timevalue"]

_EPOCH = dt.date(1899, 12, 30)
_MARCH_1900 = dt.date(1900, 3, 1)
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
#: A time written as text: h:m, h:m:s (either with AM/PM), m:s.f or an hour with AM/PM;
#: spaces allowed around the colons, the last part may be left empty ("10:").
_TIME = re.compile(r"(?<![\d.])(\d+)(?:\s*:\s*(\d*)(?:\s*:\s*(\d*))?(\.\d*)?"
                   r"\s*(?:([AaPp])[Mm]?)?|\s*([AaPp])[Mm]?)$")
#: The largest number any part of a written time may hold.
_PART_LIMIT = 9999
#: Each part's normal range (hours, minutes, seconds): past it only one part may go.
_NORMAL = (24, 60, 60)


def serial(day: dt.date) -> float:
    """A date as Excel's 1900-system serial number (which counts a 29 February 1900)."""
    return float((day - _EPOCH).days - (day < _MARCH_1900))


def _serial(year: int, month: int, day: int) -> float:
    """Excel's serial for a date written as text: 1900-9999 only (ValueError if not)."""
    if not 1900 <= year <= 9999:
        raise ValueError(year)
    if (year, month, day) == (1900, 2, 29):
        return 60.0
    return serial(dt.date(year, month, day))


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 30 else 1900
    return year


def _date(text: str) -> float | None:
    text = text.strip().replace(",", " ")
    parts = [p for p in re.split(r"[\s/\-.]+", text) if p]
    try:
        if re.fullmatch(r"\d+([/-])\d+\1\d+", text):  # 3/31/2024, 2024-03-31 (not 3.31.2024)
            if len(parts[0]) == 4:
                y, m, d = int(parts[0]), int(parts[1]), int(parts[2])
            else:
                m, d, y = int(parts[0]), int(parts[1]), _year(parts[2])
            return _serial(y, m, d)
        if re.fullmatch(r"\d{1,2}[/-]\d{1,4}", text):  # 3/15 (this year), 3/2024
            m, second = int(parts[0]), int(parts[1])
            if len(parts[1]) <= 2 and 1 <= second <= 31:
                return _serial(dt.date.today().year, m, second)
            return _serial(_year(parts[1]), m, 1)
        if len(parts) in (2, 3):
            words = [p.lower()[:3] for p in parts]
            if words[0] in _MONTHS:  # March 31 2024 / Mar 2024
                month = _MONTHS[words[0]]
                if len(parts) == 3:
                    return _serial(_year(parts[2]), month, int(parts[1]))
                return _serial(_year(parts[1]), month, 1) if len(parts[1]) == 4 \
                    else _serial(dt.date.today().year, month, int(parts[1]))
            if words[1] in _MONTHS and parts[0].isdigit():  # 31-Mar-2024 / 31 Mar
                year = _year(parts[2]) if len(parts) == 3 else dt.date.today().year
                return _serial(year, _MONTHS[words[1]], int(parts[0]))
    except ValueError:
        return None
    return None


def _time(text: str) -> float | None:
    """Time text as a fraction of a day, by Excel's rules: parts of at most 9999 (a part
    starting with 0 at most two digits), and only one part past its normal range
    ("23:99" and "0:0:9999" are times, "24:99" and "23:60:99" text); with AM/PM the
    hour is 0-12 and nothing may pass its range. Two parts are hours and minutes
    ("23:59", "23:59."), or minutes and seconds when the seconds have decimals
    ("59:9999.5")."""
    match = _TIME.match(text.strip())
    if not match or match.group(1) is None:
        return None
    first, second, third, decimals, meridian = match.group(1, 2, 3, 4, 5)
    if second is None:  # "4 PM"
        hour = int(first)
        if hour > 12:
            return None
        return (hour % 12 + (12 if match.group(6).upper() == "P" else 0)) / 24
    parts = [first, second] + ([] if third is None else [third])
    if any(len(p) > 2 and p.startswith("0") for p in parts) or (third is not None
                                                              and not second):
        return None
    values = [int(p) if p else 0 for p in parts]
    if any(v > _PART_LIMIT for v in values):
        return None
    fraction = float(decimals) if decimals and len(decimals) > 1 else 0.0
    if third is None and decimals and len(decimals) > 1:  # m:s.f
        if meridian or not second:
            return None
        minutes, seconds = values
        if minutes >= 60 and seconds >= 60:
            return None
        return (minutes * 60 + seconds + fraction) / 86400
    if decimals and len(decimals) > 1 and not third:
        return None
    limits = _NORMAL[: len(values)]
    over = sum(v >= limit for v, limit in zip(values, limits, strict=True))
    if meridian:
        if values[0] > 12 or any(v >= limit for v, limit in zip(values[1:], limits[1:],
                                                                strict=True)):
            return None
        values[0] = values[0] % 12 + (12 if meridian.upper() == "P" else 0)
    elif over > 1:
        return None
    hours, minutes = values[0], values[1]
    seconds = (values[2] if len(values) > 2 else 0) + fraction
    return (hours * 3600 + minutes * 60 + seconds) / 86400


def date_time_value(text: str) -> float | None:
    """Date or time text as a serial number, or None when Excel would not read it."""
    parts = _day_and_time(text)
    return None if parts is None else parts[0] + parts[1]


def _day_and_time(text: str) -> tuple[float, float] | None:
    """Date text's serial day (0 when only a time is written) and time of day. Spaces
    around a time alone are allowed (" 1:30 "), around a date not (" 2026-01-10 ")."""
    padded = text != text.strip()
    text = text.strip()
    if not text:
        return None
    found = _TIME.search(text)
    if not found:
        day = None if padded else _date(text)
        return None if day is None else (day, 0.0)
    time = _time(found.group())
    rest = text[: found.start()].strip()
    if time is None or (rest and padded):
        return None
    day = _date(rest) if rest else 0.0
    return None if day is None else (day, time)


@lift()
def datevalue(value: Any) -> float:
    """DATEVALUE: date text as its serial (a time in it dropped); not text: ``#VALUE!``."""
    if not isinstance(value, str):
        raise fail("#VALUE!")
    parts = _day_and_time(value)
    if parts is None:
        raise fail("#VALUE!")
    return float(math.floor(parts[0] + parts[1]))


@lift()
def timevalue(value: Any) -> float:
    """TIMEVALUE: time text as a fraction of a day (a date in it dropped); not text:
    ``#VALUE!``."""
    if not isinstance(value, str):
        raise fail("#VALUE!")
    parts = _day_and_time(value)
    if parts is None:
        raise fail("#VALUE!")
    return parts[1] % 1


def _families() -> dict[str, Callable[..., Any]]:
    from xlkpi.workbook.natives import dates, daycounts

    return {**dates.FUNCTIONS, **daycounts.FUNCTIONS}


#: DATEVALUE and TIMEVALUE, and the calendar functions of :mod:`.dates` and
#: :mod:`.daycounts`.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "DATEVALUE": datevalue,
    "TIMEVALUE": timevalue,
    **_families(),
}
