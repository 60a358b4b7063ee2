"""Excel's information functions: the IS... tests, N, T, TYPE, ERROR.TYPE and NA.

The IS... tests look at a value's type without converting it (``ISNUMBER("12")`` is
FALSE, a formula's "" is not blank) and never fail; N, T, ISEVEN and ISODD pass an error
on. All of them work element by element over ranges and arrays, except TYPE, which
describes its whole argument (64 for an array).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, fail, number, xl_error
from xlkpi.workbook.natives.lifting import lift
from xlkpi.workbook.xlvalues import XlError

__all__ = ["ERROR_CODES", "FUNCTIONS", "is_number", "is_text"]

#: ERROR.TYPE's numbers.
ERROR_CODES = {"#NULL!": 1, "#DIV/0!": 2, "#VALUE!": 3, "#REF!": 4, "#NAME?": 5, "#NUM!": 6,
               "#N/A": 7, "#GETTING_DATA": 8, "#SPILL!": 9, "#CONNECT!": 10,
               "#BLOCKED!": 11, "#UNKNOWN!": 12, "#FIELD!": 13, "#CALC!": 14}


def is_text(value: Any) -> bool:
    """Text, not an error and not a blank cell (both of which ``formulas`` holds as
    ``str``)."""
    return isinstance(value, str) and not isinstance(value, XlError) and value is not EMPTY


def is_number(value: Any) -> bool:
    """A number (TRUE and FALSE are not)."""
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


@lift(errors_pass=True)
def isblank(value: Any) -> bool:
    """ISBLANK: an empty cell (a formula's "" is not)."""
    return value is EMPTY or value is None


@lift(errors_pass=True)
def isnumber(value: Any) -> bool:
    """ISNUMBER: a number, not text that reads as one."""
    return is_number(value)


@lift(errors_pass=True)
def istext(value: Any) -> bool:
    """ISTEXT: text."""
    return is_text(value)


@lift(errors_pass=True)
def isnontext(value: Any) -> bool:
    """ISNONTEXT: anything but text (a blank too)."""
    return not is_text(value)


@lift(errors_pass=True)
def islogical(value: Any) -> bool:
    """ISLOGICAL: TRUE or FALSE."""
    return isinstance(value, bool | np.bool_)


@lift(errors_pass=True)
def iserror(value: Any) -> bool:
    """ISERROR: any error."""
    return isinstance(value, XlError)


@lift(errors_pass=True)
def iserr(value: Any) -> bool:
    """ISERR: any error but #N/A."""
    return isinstance(value, XlError) and str(value) != "#N/A"


@lift(errors_pass=True)
def isna(value: Any) -> bool:
    """ISNA: the #N/A error."""
    return isinstance(value, XlError) and str(value) == "#N/A"


def _whole(value: Any) -> int:
    if isinstance(value, bool | np.bool_):
        raise fail("#VALUE!")
    return int(number(value))


@lift(ranges="refuse")
def iseven(value: Any) -> bool:
    """ISEVEN: the number truncated is even (TRUE/FALSE are #VALUE!; a blank is 0)."""
    return _whole(value) % 2 == 0


@lift(ranges="refuse")
def isodd(value: Any) -> bool:
    """ISODD: the number truncated is odd."""
    return _whole(value) % 2 == 1


@lift(ranges="first")
def n(value: Any) -> float:
    """N: a number as itself, TRUE/FALSE as 1/0, text and blanks as 0; errors pass on."""
    if isinstance(value, bool | np.bool_):
        return float(value)
    return float(value) if is_number(value) else 0.0


@lift(ranges="first")
def t(value: Any) -> str:
    """T: text as itself, anything else as ""; errors pass on."""
    return value if is_text(value) else ""


def xtype(value: Any) -> float:
    """TYPE: 1 number (or blank), 2 text, 4 logical, 16 error, 64 array, 128 function."""
    if isinstance(value, np.ndarray):
        if value.size != 1:
            return 64.0
        value = value.ravel()[0]
    if isinstance(value, XlError):
        return 16.0
    if isinstance(value, bool | np.bool_):
        return 4.0
    if callable(value):
        return 128.0
    return 2.0 if is_text(value) else 1.0


@lift(errors_pass=True)
def error_type(value: Any) -> float:
    """ERROR.TYPE: the number of an error (1 #NULL! ... 7 #N/A ... 14 #CALC!); not an
    error: #N/A."""
    if isinstance(value, XlError) and str(value) in ERROR_CODES:
        return float(ERROR_CODES[str(value)])
    raise fail("#N/A")


def na() -> XlError:
    """NA: the #N/A error."""
    return xl_error("#N/A")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ISBLANK": isblank,
    "ISNUMBER": isnumber,
    "ISTEXT": istext,
    "ISNONTEXT": isnontext,
    "ISLOGICAL": islogical,
    "ISERROR": iserror,
    "ISERR": iserr,
    "ISNA": isna,
    "ISEVEN": iseven,
    "ISODD": isodd,
    "N": n,
    "T": t,
    "TYPE": xtype,
    "ERROR.TYPE": error_type,
    "NA": na,
}
