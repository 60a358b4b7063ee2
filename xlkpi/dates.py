"""Date parsing in one place: every form a scorecard or an extract hands us, to numpy days.

Accepted forms, scalar or in any array-like:

- Excel serial numbers in the 1900 date system (1 = 1900-01-01). Serial 60 is Excel's
  fictitious 29 February 1900 and is refused; serials 1-59 are shifted one day as Excel does.
- ``datetime.date`` / ``datetime.datetime`` / ``pandas.Timestamp`` / ``numpy.datetime64``
  (the time of day is dropped).
- Text in ISO form ``2017-01-31`` (a time part is allowed) or UK form ``31/01/2017``.
  US order is never guessed: ``12/31/2017`` is an error, ``02/03/2017`` is 2 March.

Blank cells (``None``, ``""``, ``NaN``, ``NaT``) are blank: they come back as ``NaT``.
Anything else (``"31/02/2017"``, ``"FALSE"``, ``True``, negative serials) raises
:class:`~xlkpi.errors.KpiError` naming the argument, the first bad value and its element;
its ``mask`` marks every bad element so a binding can fail just those cells.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable
from typing import Any

import numpy as np

from xlkpi.errors import VALUE, KpiError

__all__ = [
    "EXCEL_EPOCH",
    "FIRST_DATE",
    "LAST_DATE",
    "as_array",
    "describe_element",
    "from_serial",
    "is_scalar",
    "parse_dates",
    "to_serial",
]

#: Day 0 of Excel's 1900 system for serials from 61 (1 March 1900) on.
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
#: The first and last dates Excel can hold (serials 1 and 2,958,465).
FIRST_DATE = np.datetime64("1900-01-01", "D")
LAST_DATE = np.datetime64("9999-12-31", "D")
_FAKE_LEAP_DAY = 60
_LAST_SERIAL = 2958465
_NAT = np.datetime64("NaT", "D")

_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?Z?)?"
_UK = r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})" + _TIME + "$"
_ISO = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})" + _TIME + "$"

_DATE_TYPES = (dt.date, np.datetime64)
_NUMBER_TYPES = (int, float, np.integer, np.floating)


def _pandas_column(value: Any) -> bool:
    """A pandas Series or Index (pandas is not imported for this: if it is not loaded
    yet, nothing can be one)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, pd.Series | pd.Index)


def _is_nat(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and value is pd.NaT


def is_scalar(value: Any) -> bool:
    """True for a single cell value (not a list, array or Series)."""
    return np.ndim(value) == 0 and not (isinstance(value, np.ndarray) or _pandas_column(value))


def as_array(values: Any) -> np.ndarray:
    """Any scalar, list, tuple, Series or array as a numpy array (0-d for a scalar)."""
    if _pandas_column(values):
        values = values.to_numpy()
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, str | bytes | dt.date | np.datetime64) or values is None:
        return np.array(values, dtype=object)
    if isinstance(values, Iterable):
        values = list(values)
        try:
            arr = np.asarray(values)
        except ValueError:  # ragged
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
        mixed_bools = arr.dtype.kind in "iufb" and arr.dtype.kind != "b" and any(
            isinstance(v, bool | np.bool_) for v in values
        )  # [True, 1] must not become [1, 1]: a bool cell is an error, not a number
        if mixed_bools or arr.dtype.kind in "U" or (
            arr.dtype.kind == "M" and not _all_datetime64(values)
        ):
            arr = np.asarray(values, dtype=object)
        return arr
    return np.array(values, dtype=object) if not isinstance(values, _NUMBER_TYPES) else np.asarray(
        values
    )


def _all_datetime64(values: list) -> bool:
    return all(isinstance(v, np.datetime64) for v in values)


def describe_element(mask: np.ndarray) -> tuple[tuple[int, ...] | None, int]:
    """Index of the first True element of ``mask`` and how many are True."""
    count = int(np.count_nonzero(mask))
    if count == 0 or mask.ndim == 0:
        return None, count
    first = tuple(int(i) for i in np.argwhere(mask)[0])
    return first, count


def bad_input(name: str, values: np.ndarray, bad: np.ndarray, why: str) -> KpiError:
    """A KpiError naming the argument, the first bad value and where it is."""
    where, count = describe_element(bad)
    flat_values = np.asarray(values, dtype=object)
    first = flat_values[where] if where is not None else flat_values[()]
    if where is None:
        text = f"{name}: {first!r} {why}"
    else:
        pos = where[0] if len(where) == 1 else where
        more = f"; {count} bad values in all" if count > 1 else ""
        text = f"{name}: {first!r} {why} (element {pos}{more})"
    return KpiError(text, argument=name, mask=bad, excel=VALUE, reason=why)


def from_serial(serials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel 1900-system serials to dates; returns (dates, bad) with bad serials as NaT."""
    serials = np.asarray(serials, dtype=np.float64)
    blank = np.isnan(serials)
    whole = np.floor(np.where(blank | ~np.isfinite(serials), 1.0, serials))
    bad = ~blank & (
        ~np.isfinite(serials) | (whole < 1) | (whole > _LAST_SERIAL) | (whole == _FAKE_LEAP_DAY)
    )
    days = np.where(bad | blank, 1, whole).astype(np.int64)
    days = days + (days < _FAKE_LEAP_DAY)  # Excel counts a 29 Feb 1900 that never was
    dates = EXCEL_EPOCH + days.astype("timedelta64[D]")
    return np.where(bad | blank, _NAT, dates), bad


def to_serial(dates: Any) -> Any:
    """Dates as Excel 1900-system serial numbers (float; NaN for blanks)."""
    days = parse_dates(dates, "date")
    arr = np.asarray(days)
    serial = (arr - EXCEL_EPOCH).astype("timedelta64[D]").astype(np.float64)
    serial = np.where(arr < np.datetime64("1900-03-01"), serial - 1, serial)
    serial = np.where(np.isnat(arr), np.nan, serial)
    return float(serial) if np.ndim(serial) == 0 else serial


_DATE_TEXT = (re.compile(_ISO), re.compile(_UK))


def _year_month_day(text: str) -> tuple[int, int, int]:
    """(year, month, day) of an ISO or UK date text, (0, 0, 0) when it is neither."""
    for pattern in _DATE_TEXT:
        found = pattern.match(text)
        if found:
            return int(found["y"]), int(found["m"]), int(found["d"])
    return 0, 0, 0


def _from_text(text: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text to dates: (dates, blank, bad). Each distinct text is matched once."""
    flat = np.char.strip(text.ravel().astype(str))
    distinct, where = np.unique(flat, return_inverse=True)
    parts = np.array([_year_month_day(t) for t in distinct.tolist()],
                     dtype=np.int64).reshape(-1, 3)[where.ravel()]
    yy, mm, dd = parts[:, 0], parts[:, 1], parts[:, 2]
    blank = flat == ""
    matched = yy > 0
    month_ok = (mm >= 1) & (mm <= 12)
    month = ((np.where(matched, yy, 2000) - 1970) * 12 + np.where(month_ok, mm, 1) - 1
             ).astype("datetime64[M]")
    dates = month.astype("datetime64[D]") + (np.maximum(dd, 1) - 1).astype("timedelta64[D]")
    day_ok = (dd >= 1) & (dates.astype("datetime64[M]") == month)
    ok = matched & month_ok & day_ok & (yy >= 1900)
    bad = ~blank & ~ok
    dates = np.where(ok, dates, _NAT)
    shape = text.shape
    return dates.reshape(shape), blank.reshape(shape), bad.reshape(shape)


#: value types that are plain numbers (a bool is not, though it is an int)
_PLAIN_NUMBER_TYPES = frozenset({float, int, np.float64, np.float32, np.int64, np.int32})


def _from_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mixed cell values (as Excel or a DataFrame hands them) to dates: (dates, bad)."""
    flat = values.ravel()
    if flat.size and set(map(type, flat)) <= _PLAIN_NUMBER_TYPES:  # a column of serials
        dates, bad = from_serial(flat.astype(np.float64))
        return dates.reshape(values.shape), bad.reshape(values.shape)
    kind = np.frompyfunc(_kind, 1, 1)(flat).astype(str) if flat.size else flat.astype(str)
    dates = np.full(flat.shape, _NAT)
    bad = kind == "bad"
    for k, convert in (("text", _from_text), ("number", None), ("date", None)):
        sel = kind == k
        if not sel.any():
            continue
        chunk = flat[sel]
        if k == "text":
            got, _blank, b = convert(chunk)
        elif k == "number":
            got, b = from_serial(chunk.astype(np.float64))
        else:
            got, b = _from_date_objects(chunk)
        dates[sel] = got
        bad[sel] = b
    return dates.reshape(values.shape), bad.reshape(values.shape)


def _kind(value: Any) -> str:
    if value is None or _is_nat(value):
        return "blank"
    if isinstance(value, bool | np.bool_):
        return "bad"
    if isinstance(value, _NUMBER_TYPES):
        return "blank" if value != value else "number"  # NaN is a blank cell
    if isinstance(value, str):
        return "text"
    if isinstance(value, _DATE_TYPES):
        return "blank" if isinstance(value, np.datetime64) and np.isnat(value) else "date"
    return "bad"


def _from_date_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """date / datetime / Timestamp / datetime64 objects to days (time of day dropped)."""
    naive = [v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for v in values]
    days = np.array(naive, dtype="datetime64[us]").astype("datetime64[D]")
    bad = (days < FIRST_DATE) | (days > LAST_DATE)
    return np.where(bad, _NAT, days), bad


def parse_dates(values: Any, name: str = "date") -> Any:
    """Parse dates in any accepted form to ``datetime64[D]`` (``NaT`` for blank cells).

    Returns a 0-d ``numpy.datetime64`` for a scalar and an array of the same shape
    otherwise. Raises :class:`KpiError` naming ``name`` and the first bad element.
    """
    arr = as_array(values)
    kind = arr.dtype.kind
    if kind == "M":
        dates = arr.astype("datetime64[D]")
        bad = ~np.isnat(dates) & ((dates < FIRST_DATE) | (dates > LAST_DATE))
    elif kind in "iuf":
        dates, bad = from_serial(arr)
    elif kind == "b":
        dates, bad = np.full(arr.shape, _NAT), np.ones(arr.shape, dtype=bool)
    elif kind in "US":
        dates, _blank, bad = _from_text(arr.astype(str))
    else:
        dates, bad = _from_objects(arr.astype(object))
    if bad.any():
        raise bad_input(name, arr, bad, "is not a date (use 31/01/2017, 2017-01-31 or a date cell)")
    return dates[()] if dates.ndim == 0 else dates


_MONTH_NAMES = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for name in names
}
_PERIOD = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})$"
_MONTH_LABEL = r"^(?P<name>[A-Za-z]{3,9})[-\s']*(?P<y>[0-9]{2}|[0-9]{4})$"


def parse_months(values: Any, name: str = "period") -> Any:
    """Calendar months as ``datetime64[M]``: ``2017-04``, ``Apr-17``, ``Jan 17``, ``April 2017``
    or any date (its month). Blank gives ``NaT``; anything else raises :class:`KpiError`."""
    import pandas as pd

    arr = as_array(values)
    flat = pd.Series(arr.ravel(), dtype=object)
    text = flat.map(lambda v: isinstance(v, str)).to_numpy(bool)
    months = np.full(flat.shape, np.datetime64("NaT", "M"))
    labelled = np.zeros(flat.shape, dtype=bool)
    if text.any():
        s = flat[text].astype(str).str.strip()
        period = s.str.extract(_PERIOD)
        label = s.str.extract(_MONTH_LABEL)
        month_no = label["name"].str.lower().map(_MONTH_NAMES)
        year = pd.to_numeric(label["y"]).to_numpy(np.float64)
        year = np.where(year < 100, 2000 + year, year)  # "Apr-17" is April 2017
        y = pd.to_numeric(period["y"]).fillna(pd.Series(year, index=s.index)).to_numpy(np.float64)
        m = pd.to_numeric(period["m"]).fillna(month_no).to_numpy(np.float64)
        ok = ~np.isnan(y) & ~np.isnan(m) & (m >= 1) & (m <= 12) & (y >= 1900)
        got = np.where(ok, (np.where(ok, y, 1970) - 1970) * 12 + np.where(ok, m, 1) - 1, 0)
        sel = np.flatnonzero(text)[ok]
        months[sel] = got[ok].astype(np.int64).astype("datetime64[M]")
        labelled[sel] = True
    rest = ~labelled
    if rest.any():
        days = np.asarray(parse_dates(flat[rest].to_numpy(), name))
        months[rest] = days.astype("datetime64[M]")
    months = months.reshape(arr.shape)
    return months[()] if months.ndim == 0 else months
