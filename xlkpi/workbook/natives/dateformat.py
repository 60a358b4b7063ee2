"""Excel's date and time format codes, as the TEXT function shows a serial number:
``d dd ddd dddd``, ``m mm mmm mmmm mmmmm`` (``m``/``mm`` after an hour or before seconds
are minutes), ``y yy yyyy``, ``h hh``, ``s ss`` with ``.0`` to ``.000`` fractions,
``AM/PM`` and ``A/P``, and elapsed ``[h] [m] [s]``. Serial numbers are Excel's 1900
system, 29 February 1900 included.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from xlkpi.workbook.natives.base import fail

__all__ = ["Token", "date_time"]

#: One piece of a format code: (kind, text).
Token = tuple[str, str]

_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_LAST_SERIAL = 2958466  # 1 January 10000


def _day(serial: int) -> tuple[int, int, int]:
    if serial == 60:
        return 1900, 2, 29
    if serial == 0:
        return 1900, 1, 0
    day = dt.date(1899, 12, 31 if serial < 60 else 30) + dt.timedelta(days=serial)
    return day.year, day.month, day.day


def date_time(x: float, section: list[Token]) -> str:
    """A serial date-time through a date/time section."""
    tokens = list(section)
    codes = [t for t in tokens if t[0] in ("date", "elapsed", "ampm", "digit", "dot")]
    if any(t[0] == "digit" and t[1] != "0" for t in tokens):
        raise fail("#VALUE!")
    only_elapsed = [t[0] for t in codes] == ["elapsed"]
    if not only_elapsed and not 0 <= x < _LAST_SERIAL:
        raise fail("#VALUE!")
    places = 0
    for i, token in enumerate(tokens):
        if token[0] == "dot":
            run = 0
            while i + 1 + run < len(tokens) and tokens[i + 1 + run] == ("digit", "0"):
                run += 1
            places = max(places, min(run, 3))
    seconds = float(Decimal(f"{x * 86400:.15g}").quantize(Decimal(1).scaleb(-places),
                                                      rounding=ROUND_HALF_UP))
    day = math.floor(seconds / 86400)
    in_day = seconds - day * 86400
    year, month, mday = _day(day) if 0 <= day < _LAST_SERIAL else (0, 1, 1)
    hour, minute, second = int(in_day // 3600), int(in_day % 3600 // 60), in_day % 60
    twelve = any(t[0] == "ampm" for t in tokens)
    out: list[str] = []
    for i, (kind, text) in enumerate(tokens):
        if kind == "date":
            out.append(_date_code(text, tokens, i, (year, month, mday, day), hour, minute,
                                  second, twelve))
        elif kind == "elapsed":
            unit = {"h": 3600, "m": 60, "s": 1}[text]
            out.append(str(math.floor(seconds / unit)))
        elif kind == "ampm":
            upper = text[0].isupper()
            mark = ("AM" if hour < 12 else "PM") if len(text) == 5 else (
                "A" if hour < 12 else "P")
            out.append(mark if upper else mark.lower())
        elif kind == "dot" and i + 1 < len(tokens) and tokens[i + 1] == ("digit", "0"):
            run = 0
            while i + 1 + run < len(tokens) and tokens[i + 1 + run] == ("digit", "0"):
                run += 1
            fraction = f"{second % 1:.{places}f}"[2:] if places else ""
            out.append("." + fraction[:run].ljust(run, "0"))
        elif kind in ("lit", "dot", "comma", "percent"):
            out.append(text)
    return "".join(out)


def _is_minutes(tokens: list[Token], i: int) -> bool:
    for j in range(i - 1, -1, -1):
        kind, text = tokens[j]
        if kind in ("date", "elapsed"):
            if text[0] == "h":
                return True
            break
    for j in range(i + 1, len(tokens)):
        kind, text = tokens[j]
        if kind in ("date", "elapsed"):
            return text[0] == "s"
    return False


def _date_code(code: str, tokens: list[Token], i: int, date: tuple[int, int, int, int],
               hour: int, minute: int, second: float, twelve: bool) -> str:
    year, month, mday, serial = date
    letter, size = code[0], len(code)
    if letter == "y":
        return f"{year % 100:02d}" if size <= 2 else f"{year:04d}"
    if letter == "d":
        if size <= 2:
            return f"{mday:0{size}d}"
        name = _DAYS[(serial - 1) % 7] if serial > 0 else "Saturday"
        return name[:3] if size == 3 else name
    if letter == "m" and size <= 2 and _is_minutes(tokens, i):
        return f"{minute:0{size}d}"
    if letter == "m":
        if size <= 2:
            return f"{month:0{size}d}"
        name = _MONTHS[month - 1]
        return {3: name[:3], 5: name[0]}.get(size, name)
    if letter == "h":
        shown = (hour % 12 or 12) if twelve else hour
        return f"{shown:0{min(size, 2)}d}"
    return f"{int(second):0{min(size, 2)}d}"
