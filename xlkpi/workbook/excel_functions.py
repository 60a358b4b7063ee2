"""The KPI functions and the vectorised date functions, as the engine calls them.

- :func:`kpi_evaluator` gives a registry function as a worksheet function (each is filed
  under every name Excel stores it by, in :mod:`xlkpi.workbook.function_table`);
- :data:`NATIVE_DATES`: NETWORKDAYS, NETWORKDAYS.INTL, WORKDAY, WORKDAY.INTL, EDATE and
  DATEDIF over whole columns on :mod:`xlkpi.calendar` (``formulas`` runs those one element
  at a time, 0.5 s per 20,000 rows for NETWORKDAYS, and refuses DATEDIF units written in
  lower case).

Values arrive as the engine passes them: numbers, text, booleans, ``XlError`` and the
``EMPTY`` marker for a blank cell, alone or in 2-D arrays. An error in an input gives the
same error in that element of the result; everything else is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from xlkpi.calendar import count_days, shift_days
from xlkpi.dates import EXCEL_EPOCH, parse_dates, to_serial
from xlkpi.errors import ExcelError, KpiError
from xlkpi.masks import identical, instances, mask_of, with_many
from xlkpi.timescales import edate
from xlkpi.workbook.xlvalues import EMPTY, Array, XlError, xl_error

if TYPE_CHECKING:
    from xlkpi.functions import KpiFunction

_LAST_SERIAL = 2_958_465  # 31 Dec 9999

__all__ = [
    "ELEMENTWISE",
    "EMPTY",
    "NATIVE_DATES",
    "POSITIONAL",
    "WEEKENDS",
    "filled",
    "from_excel",
    "kpi_evaluator",
    "to_excel",
    "xl_error",
]

#: Excel's weekend codes for the .INTL functions, as numpy weekmasks (1 = working day).
WEEKENDS: dict[int, str] = {
    1: "1111100", 2: "0111110", 3: "0011111", 4: "1001111", 5: "1100111", 6: "1110011",
    7: "1111001", 11: "1111110", 12: "0111111", 13: "1011111", 14: "1101111",
    15: "1110111", 16: "1111011", 17: "1111101",
}

#: Native functions that work element by element on the listed argument positions (``None``:
#: on all of them). A filled-down formula whose moving references sit only in such
#: positions is evaluated for the whole column in one call.
ELEMENTWISE: dict[str, frozenset[int] | None] = {
    **dict.fromkeys(
        ("IF", "IFERROR", "IFNA", "NOT", "ISBLANK", "ISNUMBER", "ISTEXT", "ISERROR", "ISERR",
         "ISNA", "ISLOGICAL", "ABS", "INT", "ROUND", "ROUNDUP", "ROUNDDOWN", "TRUNC", "MOD",
         "SIGN", "SQRT", "POWER", "YEAR", "MONTH", "DAY", "WEEKDAY", "DATE", "EDATE",
         "EOMONTH", "DATEDIF", "DATEVALUE", "TEXT", "LEFT", "RIGHT", "MID", "LEN", "UPPER",
         "LOWER", "PROPER", "TRIM", "VALUE", "CONCATENATE", "EXACT", "N", "T"), None),
    "NETWORKDAYS": frozenset({0, 1}),
    "NETWORKDAYS.INTL": frozenset({0, 1, 2}),
    "WORKDAY": frozenset({0, 1}),
    "WORKDAY.INTL": frozenset({0, 1, 2}),
    "COUNTIF": frozenset({1}),
    "SUMIF": frozenset({1}),
    "AVERAGEIF": frozenset({1}),
    "COUNTIFS": frozenset(range(1, 255, 2)),
    "SUMIFS": frozenset(range(2, 255, 2)),
    "AVERAGEIFS": frozenset(range(2, 255, 2)),
}

#: Functions whose result depends on the cell they are in or on the clock: never batched.
POSITIONAL = frozenset({"ROW", "COLUMN", "ROWS", "COLUMNS", "INDIRECT", "OFFSET", "CELL",
                        "TODAY", "NOW", "RAND", "RANDBETWEEN", "RANDARRAY", "INFO"})

def filled(shape: Any, value: Any) -> np.ndarray:
    """An object array of ``shape`` holding ``value`` itself (``np.full`` turns an error
    or the blank marker, which are text subclasses, into plain text)."""
    out = np.empty(shape, dtype=object)
    out.fill(value)
    return out


def first_errors(arrays: list[np.ndarray], shape: tuple[int, ...],
                 is_error: Callable[[Any], bool]) -> np.ndarray | None:
    """:func:`xlkpi.cells.first_errors` (imported when first used: ``xlkpi.cells`` imports
    the KPI registry, which imports pandas)."""
    from xlkpi.cells import first_errors as first

    return first(arrays, shape, is_error)


def _is_xl_error(value: Any) -> bool:
    return isinstance(value, XlError)


def _is_empty_value(value: Any) -> bool:
    return value is EMPTY


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


with_many(_is_xl_error, lambda flat: instances(flat, XlError))
with_many(_is_empty_value, lambda flat: identical(flat, EMPTY))
with_many(_is_str, lambda flat: instances(flat, str))


def _error_cells(code: str) -> np.ndarray:
    """An error as a 0-d object array: ``np.where`` would turn the bare value into text."""
    return np.array(xl_error(code), dtype=object)


def _mask(test: Any, arr: np.ndarray) -> np.ndarray:
    """A boolean mask of ``test`` over an object array (0-d included)."""
    return mask_of(test, np.asarray(arr, dtype=object))


def from_excel(value: Any) -> np.ndarray:
    """A ``formulas`` value as an object array with ``None`` for blanks (errors kept)."""
    arr = np.asarray(value, dtype=object)
    if arr.size:
        arr = np.where(_mask(_is_empty_value, arr), None, arr)
    return arr


def to_excel(value: Any) -> Any:
    """One Python result element as a cell value: dates to serials, errors to XlError."""
    if isinstance(value, ExcelError):
        return xl_error(str(value))
    if value is None:
        return ""
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return ""
        value = value.astype("datetime64[D]").astype(object)
    if hasattr(value, "toordinal") and hasattr(value, "year"):
        serial = value.toordinal() - 693594  # 1899-12-30
        return float(serial if serial >= 61 else serial - 1)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return ""
    return value


_to_excel = np.frompyfunc(to_excel, 1, 1)


def _cell_values(result: Any) -> np.ndarray:
    """A KPI function's result as cell values (``to_excel`` of each element); an array
    of numbers in one step (whole numbers as floats, NaN as an empty cell)."""
    arr = np.asarray(result)
    if arr.dtype.kind in "iuf" and arr.ndim:
        numbers = arr.astype(np.float64)
        out = numbers.astype(object)
        out[np.isnan(numbers)] = ""
        return out
    return _to_excel(np.asarray(result, dtype=object))


def _result(values: np.ndarray, errors: np.ndarray | None) -> Any:
    out = np.asarray(values, dtype=object)
    if errors is not None:
        out = np.where(errors == None, out, errors)  # noqa: E711
    return out.view(Array) if out.ndim else out[()]


# ----------------------------------------------------------------- KPI functions
def kpi_evaluator(function: KpiFunction) -> Callable[..., Any]:
    from xlkpi.cells import call_cells

    def evaluate(*args: Any) -> Any:
        result, errors, _ = call_cells(function, args, _is_xl_error, _is_empty_value)
        return _result(_cell_values(result), errors)

    evaluate.__name__ = function.name
    evaluate.__doc__ = function.help
    return evaluate


# ----------------------------------------------------------------- dates
_serial = np.frompyfunc(
    lambda v: 0.0 if v is None else (
        float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan), 1, 1)


def _serial_numbers(value: Any) -> np.ndarray:
    """Cell values as numbers (blank 0, anything but a number NaN): a column of plain
    numbers is taken as it is."""
    value = np.asarray(value, dtype=object)
    if value.size and set(map(type, value.ravel())) <= {float, int}:  # no bool: own type
        return value.astype(np.float64)
    return np.asarray(_serial(value), dtype=np.float64)


def _dates(value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell values to ``datetime64[D]`` as Excel reads dates: (dates, bad mask).

    A number is a 1900-system serial (its time of day dropped); a blank is serial 0, as in
    Excel; date text (ISO or UK order) is read as DATEVALUE would; anything else is bad.
    """
    value = np.asarray(value, dtype=object)
    numbers = _serial_numbers(value)
    text = _mask(_is_str, value) if value.size else np.zeros(value.shape, bool)
    if text.any():
        numbers[text] = _text_serials(value[text])
    bad = np.isnan(numbers) | (numbers < 0) | (numbers >= _LAST_SERIAL + 1)
    whole = np.floor(np.where(bad, 61, numbers)).astype(np.int64)
    whole = whole + (whole < 60)  # Excel counts a 29 Feb 1900 that never was
    return EXCEL_EPOCH + whole.astype("timedelta64[D]"), bad


def _text_serials(text: np.ndarray) -> np.ndarray:
    """Date text to serials, NaN where it is not a date."""
    values = text.astype(object).copy()
    while True:
        try:
            days = np.asarray(parse_dates(values, "date"))
            break
        except KpiError as err:
            if err.mask is None:
                return np.full(text.shape, np.nan)
            values[err.mask] = None
    serial = np.asarray(to_serial(days), dtype=np.float64)
    return np.where(np.equal(values, None), np.nan, serial)


def _serials(dates: np.ndarray) -> np.ndarray:
    return np.asarray(to_serial(dates), dtype=np.float64)


def _holidays(value: Any) -> tuple[np.ndarray, XlError | None]:
    """A holidays range as dates (blanks skipped); an error or non-date gives #VALUE!."""
    if value is None or value is EMPTY:
        return np.array([], dtype="datetime64[D]"), None
    flat = from_excel(value).ravel()
    flat = flat[~np.equal(flat, None)]
    if flat.size and _mask(_is_xl_error, flat).any():
        return np.array([], dtype="datetime64[D]"), xl_error("#VALUE!")
    days, bad = _dates(flat)
    if bad.any():
        return days[:0], xl_error("#VALUE!")
    return days, None


def _weekmask(code: Any) -> str | None:
    """Excel's weekend argument (a code or a 7-character 0/1 string) as a numpy weekmask."""
    if code is None or code is EMPTY:
        return WEEKENDS[1]
    if isinstance(code, str):
        if len(code) == 7 and set(code) <= {"0", "1"} and code != "1111111":
            return "".join("1" if c == "0" else "0" for c in code)
        return None
    if isinstance(code, bool):
        return None
    try:
        return WEEKENDS.get(int(code))
    except (TypeError, ValueError):
        return None


def _scalar(value: Any) -> Any:
    arr = from_excel(value)
    return arr.ravel()[0] if arr.size else None


def _workday_native(offset: int | None, intl: bool) -> Callable[..., Any]:
    """NETWORKDAYS (``offset`` 0, inclusive) or WORKDAY (``offset`` None), .INTL or not."""

    def evaluate(start: Any, second: Any, *rest: Any) -> Any:
        weekend, holidays = (*rest, None, None)[:2] if intl else (None, *(rest or (None,)))
        mask = _weekmask(_scalar(weekend) if weekend is not None else None)
        if mask is None:
            return xl_error("#NUM!" if offset is None else "#VALUE!")
        days, error = _holidays(holidays)
        if error is not None:
            return error
        cal = np.busdaycalendar(weekmask=mask, holidays=days)
        a, b = from_excel(start), from_excel(second)
        shape = np.broadcast_shapes(a.shape, b.shape)
        errors = first_errors([a, b], shape, _is_xl_error)
        a = np.where(_mask(_is_xl_error, a), None, a) if a.size else a
        b = np.where(_mask(_is_xl_error, b), None, b) if b.size else b
        s, bad_s = _dates(a)
        if offset is None:
            n = _serial_numbers(b)
            bad = np.broadcast_to(bad_s, shape) | np.broadcast_to(np.isnan(n), shape)
            k = np.trunc(np.where(np.isnan(n), 0, n)).astype(np.int64)
            s, k = np.broadcast_arrays(np.where(bad_s, EXCEL_EPOCH, s), k)
            result = _serials(shift_days(s, k, cal))
        else:
            e, bad_e = _dates(b)
            bad = np.broadcast_to(bad_s | bad_e, shape) if shape else bad_s | bad_e
            s, e = np.broadcast_arrays(np.where(bad_s, EXCEL_EPOCH, s),
                                       np.where(bad_e, EXCEL_EPOCH, e))
            result = count_days(s, e, offset, cal).astype(np.float64)
        out = np.where(bad, _error_cells("#VALUE!"), result.astype(object))
        return _result(out, errors)

    return evaluate


def _edate(start: Any, months: Any) -> Any:
    """EDATE on whole columns: same day ``months`` on, clipped to the month's end."""
    a, m = from_excel(start), from_excel(months)
    shape = np.broadcast_shapes(a.shape, m.shape)
    errors = first_errors([a, m], shape, _is_xl_error)
    s, bad = _dates(np.where(_mask(_is_xl_error, a), None, a) if a.size else a)
    n = _serial_numbers(np.where(_mask(_is_xl_error, m), None, m))
    bad = np.broadcast_to(bad, shape) | np.broadcast_to(np.isnan(n), shape)
    moved = edate(np.where(np.broadcast_to(bad, shape), EXCEL_EPOCH,
                           np.broadcast_to(s, shape)),
                  np.where(bad, 0, np.broadcast_to(n, shape)))
    out = np.where(bad, _error_cells("#VALUE!"), _serials(moved).astype(object))
    return _result(out, errors)


_UNITS = ("Y", "M", "D", "MD", "YM", "YD")


def _datedif(start: Any, end: Any, unit: Any) -> Any:
    """DATEDIF with units in either case: Y, M, D, MD, YM, YD; end before start is #NUM!."""
    a, b, u = from_excel(start), from_excel(end), from_excel(unit)
    shape = np.broadcast_shapes(a.shape, b.shape, u.shape)
    errors = first_errors([a, b, u], shape, _is_xl_error)
    s, bad_s = _dates(np.where(_mask(_is_xl_error, a), None, a) if a.size else a)
    e, bad_e = _dates(np.where(_mask(_is_xl_error, b), None, b) if b.size else b)
    s, e = np.broadcast_to(s, shape), np.broadcast_to(e, shape)
    units = np.broadcast_to(np.frompyfunc(
        lambda v: str(v).strip().upper() if isinstance(v, str) else "", 1, 1)(u)
        if u.size else u, shape)
    ys, ms, ds = _ymd(s)
    ye, me, de = _ymd(e)
    months = (ye - ys) * 12 + (me - ms) - (de < ds)
    days = (e - s).astype(np.int64)
    month_start = e.astype("datetime64[M]")
    prev_len = (month_start.astype("datetime64[D]")
                - (month_start - 1).astype("datetime64[D]")).astype(np.int64)
    md = np.where(de >= ds, de - ds, de - ds + prev_len)
    anniversary = edate(s, (ye - ys) * 12)
    anniversary = np.where(anniversary > e, edate(s, (ye - ys - 1) * 12), anniversary)
    yd = (e - anniversary).astype(np.int64)
    table = {"Y": months // 12, "M": months, "D": days, "MD": md, "YM": months % 12,
             "YD": yd}
    result = np.select([units == k for k in _UNITS], [table[k] for k in _UNITS], np.nan)
    out = result.astype(object)
    out = np.where(np.isnan(result), _error_cells("#NUM!"), out)
    out = np.where(e < s, _error_cells("#NUM!"), out)
    out = np.where(bad_s | bad_e, _error_cells("#VALUE!"), out)
    return _result(out, errors)


def _ymd(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]").astype("datetime64[D]")).astype(
        np.int64) + 1
    return years, months, days


#: The vectorised date functions on :mod:`xlkpi.calendar`, by Excel name.
NATIVE_DATES: dict[str, Callable[..., Any]] = {
    "NETWORKDAYS": _workday_native(0, intl=False),
    "NETWORKDAYS.INTL": _workday_native(0, intl=True),
    "WORKDAY": _workday_native(None, intl=False),
    "WORKDAY.INTL": _workday_native(None, intl=True),
    "EDATE": _edate,
    "DATEDIF": _datedif,
}
