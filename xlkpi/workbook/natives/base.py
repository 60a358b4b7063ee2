"""Excel's value rules in one place, for the engine's own worksheet functions.

Values arrive as the engine holds them: ``float``, ``str``, ``bool``, an Excel error
(``XlError``), the ``EMPTY`` marker for a blank cell, or a 2-D array of those (a range or
an array result). The rules here are Excel's:

- :func:`number` reads a value where a number is wanted: a blank is 0, TRUE is 1, text
  that reads as a number, percentage, date or time is that number, other text is
  ``#VALUE!``;
- :func:`text` shows a value where text is wanted: numbers in the General format (up to
  15 significant digits), TRUE/FALSE, a blank as "";
- :func:`boolean` reads a condition: numbers are TRUE unless 0, "TRUE"/"FALSE" text;
- :func:`elementwise` lifts a function of single values to ranges and arrays: each
  element computed alone, an error in any argument element giving that error in that
  element of the result, never in the others.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from xlkpi.workbook.excel_functions import EMPTY, filled, xl_error
from xlkpi.workbook.xlvalues import Array, XlError

__all__ = [
    "EMPTY",
    "MAX_TEXT",
    "ExcelValueError",
    "aggregate_numbers",
    "array_result",
    "boolean",
    "elementwise",
    "fail",
    "guarded",
    "hidden_blanks",
    "integer",
    "is_blank",
    "is_error",
    "number",
    "number_or_none",
    "scalar",
    "text",
    "values",
    "xl_error",
]

#: The longest text a cell can hold.
MAX_TEXT = 32_767


class ExcelValueError(Exception):
    """Raised inside a scalar function to give one element an Excel error."""

    def __init__(self, code: str = "#VALUE!") -> None:
        super().__init__(code)
        self.code = code


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """A function whose :class:`ExcelValueError` becomes its value (the error it names)."""

    @functools.wraps(function)
    def evaluate(*args: Any) -> Any:
        try:
            return function(*args)
        except ExcelValueError as err:
            return xl_error(err.code)

    return evaluate


def fail(code: str = "#VALUE!") -> ExcelValueError:
    """``raise fail("#NUM!")``: this element is that error."""
    return ExcelValueError(code)


def is_error(value: Any) -> bool:
    return isinstance(value, XlError)


def is_blank(value: Any) -> bool:
    return value is EMPTY or value is None


_NUMBER_TEXT = re.compile(r"^\s*([+-]?)\s*\$?\s*(\d[\d,]*\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?"
                          r"\s*(%?)\s*$")


def number_or_none(value: Any) -> float | None:
    """Text as Excel reads it where a number is wanted, or None when it is not one."""
    match = _NUMBER_TEXT.match(value)
    if match:
        sign, digits, exponent, percent = match.groups()
        if "," in digits and not re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d*)?", digits):
            return None
        result = float(digits.replace(",", "") + (f"e{exponent}" if exponent else ""))
        result = -result if sign == "-" else result
        return result / 100 if percent else result
    from xlkpi.workbook.natives.datetext import date_time_value

    return date_time_value(value)


def number(value: Any) -> float:
    """A value where Excel wants a number (see the module docstring)."""
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, float | int | np.number):
        return float(value)
    if value is EMPTY or value is None:
        return 0.0
    if isinstance(value, XlError):
        raise fail(str(value))
    if isinstance(value, str):
        result = number_or_none(value)
        if result is None:
            raise fail("#VALUE!")
        return result
    raise fail("#VALUE!")


def integer(value: Any) -> int:
    """A number argument truncated towards zero, as Excel reads counts and positions."""
    result = number(value)
    if not math.isfinite(result):
        raise fail("#NUM!")
    return int(result)


def text(value: Any) -> str:
    """A value where Excel wants text: numbers in the General format."""
    if value is EMPTY or value is None:  # the blank marker is itself a str subclass
        return ""
    if isinstance(value, XlError):  # so is an error value
        raise fail(str(value))
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    return general(float(value))


def general(value: float) -> str:
    """A number as Excel's General format writes it into text (15 significant digits)."""
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    shown = f"{value:.15G}"
    if "E" in shown:
        mantissa, exponent = shown.split("E")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        power = int(exponent)
        if -10 < power < 0 and len(mantissa.replace("-", "").replace(".", "")) - power <= 16:
            return f"{value:.{15 - power}f}".rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if power >= 0 else '-'}{abs(power):02d}"
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return shown


def boolean(value: Any) -> bool:
    """A value where Excel wants TRUE or FALSE."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, float | int | np.number):
        return value != 0
    if value is EMPTY or value is None:
        return False
    if isinstance(value, XlError):
        raise fail(str(value))
    if isinstance(value, str):
        upper = value.strip().upper()
        if upper in ("TRUE", "FALSE"):
            return upper == "TRUE"
    raise fail("#VALUE!")


def values(arg: Any) -> Iterator[Any]:
    """Every element of an argument (a single value, a range or an array), row by row."""
    if isinstance(arg, np.ndarray):
        yield from arg.ravel().tolist()
    else:
        yield arg


def scalar(arg: Any) -> Any:
    """A single value from an argument (the top-left element of a range or array)."""
    if isinstance(arg, np.ndarray):
        return arg.ravel()[0] if arg.size else EMPTY
    return arg


def aggregate_numbers(args: tuple[Any, ...], text_in_ranges: str = "skip",
                      bools_in_ranges: str = "skip") -> list[float]:
    """The numbers SUM, AVERAGE, MIN, MAX... take from their arguments, by Excel's rule:
    a value typed as an argument is converted (TRUE is 1, "3" is 3, other text is
    #VALUE!); in a range or array, text, booleans and blanks are skipped (``"zero"``:
    counted as 0, as the ...A functions do). An error anywhere is that error."""
    out: list[float] = []
    for arg in args:
        if isinstance(arg, np.ndarray):
            for v in arg.ravel().tolist():
                if isinstance(v, XlError):
                    raise fail(str(v))
                if v is EMPTY or v is None:  # before str: the blank marker is a str
                    continue
                if isinstance(v, bool | np.bool_):
                    if bools_in_ranges == "zero":
                        out.append(float(v))
                elif isinstance(v, str):
                    if text_in_ranges == "zero":
                        out.append(0.0)
                else:
                    out.append(float(v))
        elif arg is EMPTY or arg is None:
            out.append(0.0)
        else:
            out.append(number(arg))
    return out


def hidden_blanks(arg: Any) -> int:
    """Blank cells a range covers beyond the array it arrives as.

    The engine cuts a whole column or row (``A:A``, ``1:1``) to the cells the sheet uses;
    it can record how many blank cells it cut as a ``hidden_blanks`` attribute of the
    array, so that counts of blanks (``COUNTIF(A:A,"<>x")``, COUNTBLANK) reach Excel's
    1,048,576 rows. Without the attribute: none.
    """
    try:
        return max(int(getattr(arg, "hidden_blanks", 0) or 0), 0)
    except (TypeError, ValueError):
        return 0


def _broadcast(args: tuple[Any, ...]) -> tuple[tuple[int, int] | None, list[Any]]:
    """Excel's array broadcasting: a one-row or one-column array stretches, anything else
    out of range is #N/A. Returns the result shape (None: all single values)."""
    arrays = [np.asarray(a, dtype=object) if isinstance(a, np.ndarray) else None for a in args]
    shaped = [a.reshape(a.shape if a.ndim == 2 else (1, -1)) if a is not None and a.ndim
              else a for a in arrays]
    sizes = [a.shape for a in shaped if a is not None and a.ndim == 2]
    if not sizes:
        return None, [scalar(a) if isinstance(a, np.ndarray) else a for a in args]
    rows = max(s[0] for s in sizes)
    cols = max(s[1] for s in sizes)
    out = []
    na = xl_error("#N/A")
    for arg, arr in zip(args, shaped, strict=True):
        if arr is None or arr.ndim != 2:
            out.append(filled((rows, cols), scalar(arg) if arr is not None else arg))
            continue
        grid = filled((rows, cols), na)
        r = rows if arr.shape[0] == 1 else arr.shape[0]
        c = cols if arr.shape[1] == 1 else arr.shape[1]
        grid[:r, :c] = np.broadcast_to(arr, (r, c)) if (arr.shape[0] == 1 or
                                                        arr.shape[1] == 1) else arr
        out.append(grid)
    return (rows, cols), out


def array_result(grid: np.ndarray) -> Any:
    """A 2-D object array as the engine's array value."""
    return np.asarray(grid, dtype=object).view(Array)


def _finish(result: Any) -> Any:
    if isinstance(result, ExcelValueError):
        return xl_error(result.code)
    if isinstance(result, str) and len(result) > MAX_TEXT:
        return xl_error("#VALUE!")
    if isinstance(result, float) and not math.isfinite(result):
        return xl_error("#NUM!")
    if isinstance(result, int) and not isinstance(result, bool):
        return float(result)
    if isinstance(result, np.generic):
        return _finish(result.item())
    return result


def elementwise(errors_pass: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Lift a function of single values to ranges and arrays, one element at a time.

    An error in any argument element gives the first such error in that element of the
    result (unless ``errors_pass``: the function sees errors itself, as IFERROR does);
    an :class:`ExcelValueError` raised by the function gives its error in that element.
    """

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        def one(*items: Any) -> Any:
            if not errors_pass:
                for item in items:
                    if isinstance(item, XlError):
                        return item
            try:
                return _finish(function(*items))
            except ExcelValueError as err:
                return xl_error(err.code)
            except (ValueError, TypeError, OverflowError, ZeroDivisionError, IndexError):
                return xl_error("#VALUE!")

        @functools.wraps(function)
        def lifted(*args: Any) -> Any:
            from xlkpi.workbook.context import intersect

            shape, items = _broadcast(tuple(intersect(a) for a in args))
            if shape is None:
                return one(*items)
            flat = [np.asarray(i, dtype=object).ravel() for i in items]
            out = np.empty(shape[0] * shape[1], dtype=object)
            for k in range(out.size):
                out[k] = one(*(f[k] for f in flat))
            return array_result(out.reshape(shape))

        lifted.scalar = function  # type: ignore[attr-defined]
        return lifted

    return decorate
