"""The functions whose value changes each time Excel calculates: TODAY, NOW, RAND and
RANDBETWEEN.

They are computed when the engine recalculates, from the machine's clock in local time
(as Excel reads the computer's clock) and Python's random numbers; every cell computed
from one is listed as volatile, and ``xlkpi check`` does not compare it with the value
Excel saved on its own day.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import fail, number
from xlkpi.workbook.natives.dates import serial_of
from xlkpi.workbook.natives.lifting import lift

__all__ = ["FUNCTIONS"]


def _serial(moment: dt.datetime) -> float:
    return float(serial_of(moment.year, moment.month, moment.day))


def today() -> float:
    """TODAY: today's date as a serial number."""
    return _serial(dt.datetime.now())


def now() -> float:
    """NOW: this moment as a serial number, the time of day its fraction."""
    moment = dt.datetime.now()
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return _serial(moment) + (seconds + moment.microsecond / 1e6) / 86_400


def rand() -> float:
    """RAND: a number from 0 up to (not including) 1."""
    return random.random()


def _bound(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    return number(value)


@lift()
def randbetween(bottom: Any, top: Any) -> float:
    """RANDBETWEEN: a whole number from ``bottom`` (rounded up) to ``top`` (rounded down);
    #NUM! when there is none."""
    low, high = math.ceil(_bound(bottom)), math.floor(_bound(top))
    if low > high:
        raise fail("#NUM!")
    return float(random.randint(low, high))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "TODAY": today,
    "NOW": now,
    "RAND": rand,
    "RANDBETWEEN": randbetween,
}
