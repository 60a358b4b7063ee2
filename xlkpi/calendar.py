"""Working-day calendars for the four UK nations, and working-day arithmetic.

A working day is Monday to Friday and not a bank holiday of the region (from the
``holidays`` package with the nation set as subdivision: England without it would miss
Easter Monday) and not one of the council's own ``closures``.

Conventions (``working_days``):

- ``elapsed`` (default): working days after the start day up to and including the end day;
  the start day is day 0, so the same day gives 0. This is how statutory timescales count
  ("an assessment within 45 working days of referral").
- ``inclusive``: Excel's NETWORKDAYS: both ends count when they are working days.

End before start gives the negative of the reverse count. ``add_working_days`` is Excel's
WORKDAY, so ``working_days(s, add_working_days(s, n)) == n`` for every ``n >= 0`` (and for
negative ``n`` when ``s`` is itself a working day).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xlkpi.dates import as_array, bad_input, is_scalar, parse_dates
from xlkpi.errors import NUM, KpiError
from xlkpi.numbers import parse_numbers

__all__ = [
    "CONVENTIONS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "REGIONS",
    "Region",
    "add_working_days",
    "bank_holidays",
    "busday_calendar",
    "count_days",
    "is_working_day",
    "shift_days",
    "working_days",
]

#: The years every calendar covers; dates outside are refused rather than miscounted.
FIRST_YEAR, LAST_YEAR = 2000, 2040
_FIRST_DAY = np.datetime64(f"{FIRST_YEAR}-01-01", "D")
_LAST_DAY = np.datetime64(f"{LAST_YEAR}-12-31", "D")
_WEEKMASK = "1111100"  # Monday to Friday
_ONE_DAY = np.timedelta64(1, "D")
_MAX_DAYS = 366 * (LAST_YEAR - FIRST_YEAR + 1)  # more than the calendar spans


@dataclass(frozen=True)
class Region:
    """A bank-holiday region: the ``holidays`` country and subdivision behind it."""

    code: str
    name: str
    country: str
    subdivision: str


#: The regions a council can choose, keyed by the code used in worksheets.
REGIONS: dict[str, Region] = {
    r.code: r
    for r in (
        Region("ENG", "England", "GB", "ENG"),
        Region("WLS", "Wales", "GB", "WLS"),
        Region("SCT", "Scotland", "GB", "SCT"),
        Region("NIR", "Northern Ireland", "GB", "NIR"),
    )
}

#: Offset from the start day at which counting begins, per convention.
CONVENTIONS: dict[str, int] = {"elapsed": 1, "inclusive": 0}


def _region(code: Any) -> Region:
    key = "ENG" if code is None or (isinstance(code, str) and not code.strip()) else code
    key = str(key).strip().upper()
    try:
        return REGIONS[key]
    except KeyError:
        raise KpiError(
            f"region: {code!r} is not a region; use one of {', '.join(REGIONS)}",
            argument="region",
        ) from None


@functools.cache
def bank_holidays(region: str = "ENG") -> np.ndarray:
    """Bank holidays of a region for 2000-2040, as sorted ``datetime64[D]``.

    Computed by the ``holidays`` package, then kept in the user's cache folder
    (``$XDG_CACHE_HOME/xlkpi`` or ``~/.cache/xlkpi``) under that package's version, so a
    later process reads the dates instead of importing ``holidays`` (a fifth of a second);
    a new ``holidays`` release computes them afresh. A cache that cannot be read or
    written is ignored."""
    r = _region(region)
    cached = _cache_file(r)
    if cached is not None:
        try:
            days = np.load(cached, allow_pickle=False)
            if days.dtype == np.dtype("datetime64[D]") and days.ndim == 1:
                return days
        except (OSError, ValueError, EOFError):
            pass
    import holidays  # imported on first use: the calendar is cached per region

    found = holidays.country_holidays(
        r.country, subdiv=r.subdivision, years=range(FIRST_YEAR, LAST_YEAR + 1)
    )
    days = np.array(sorted(found), dtype="datetime64[D]")
    if cached is not None:
        _keep(cached, days)
    return days


def _cache_file(region: Region) -> Path | None:
    """Where a region's dates are kept for this version of ``holidays`` (None: unknown)."""
    release = _installed_version("holidays")
    if release is None:
        return None
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = f"bank-holidays-{region.code}-{FIRST_YEAR}-{LAST_YEAR}-holidays-{release}.npy"
    return Path(root) / "xlkpi" / name


def _installed_version(package: str) -> str | None:
    """The installed version of ``package``, without importing it: from the name of the
    one ``<package>-<version>.dist-info`` folder beside it (a directory listing), else from
    ``importlib.metadata``, whose import and search of every installed distribution cost
    0.04 s of each command's start."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.origin:
        return None
    prefix = f"{package}-"
    with contextlib.suppress(OSError):
        folder = Path(spec.origin).parent.parent
        found = [entry.name[len(prefix):-len(".dist-info")] for entry in os.scandir(folder)
                 if entry.name.startswith(prefix) and entry.name.endswith(".dist-info")]
        if len(found) == 1:
            return found[0]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _keep(path: Path, days: np.ndarray) -> None:
    """Write the dates beside ``path`` and rename them into place (never half a file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            np.save(out, days, allow_pickle=False)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _blank_scalar(value: Any) -> bool:
    """NaN, NaT, pandas' NA or "" (a blank cell)."""
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pandas' NA has no truth value
        return True


def _closure_key(closures: Any) -> tuple[np.datetime64, ...]:
    if closures is None or (is_scalar(closures) and _blank_scalar(closures)):
        return ()
    days = np.atleast_1d(parse_dates(closures, "closures")).ravel()
    return tuple(sorted(set(days[~np.isnat(days)].tolist())))


@functools.lru_cache(maxsize=64)
def _calendar(region: str, closures: tuple) -> np.busdaycalendar:
    extra = np.array(closures, dtype="datetime64[D]")
    return np.busdaycalendar(
        weekmask=_WEEKMASK, holidays=np.concatenate([bank_holidays(region), extra])
    )


def busday_calendar(region: str = "ENG", closures: Any = None) -> np.busdaycalendar:
    """The numpy business-day calendar for a region plus council closure dates (cached)."""
    return _calendar(_region(region).code, _closure_key(closures))


def _in_range(name: str, raw: Any, days: np.ndarray) -> None:
    out = ~np.isnat(days) & ((days < _FIRST_DAY) | (days > _LAST_DAY))
    if out.any():
        err = bad_input(
            name, np.asarray(raw, dtype=object) if not is_scalar(raw) else raw, out,
            f"is outside the working-day calendar ({FIRST_YEAR}-{LAST_YEAR})",
        )
        err.excel = NUM
        raise err


def _wrap(result: np.ndarray, like: Iterable[Any]) -> Any:
    """Scalars in, scalars out; a Series in, a Series (same index) out."""
    pd = sys.modules.get("pandas")  # a Series can only come in if pandas is loaded
    for arg in like:
        if pd is not None and isinstance(arg, pd.Series) and len(arg) == np.size(result):
            return pd.Series(result, index=arg.index)
    if np.ndim(result) == 0:
        value = result[()]
        if isinstance(value, np.datetime64):
            return None if np.isnat(value) else value.astype(object)
        if isinstance(value, np.floating) and np.isnan(value):
            return None
        return value.item() if isinstance(value, np.generic) else value
    return result


def _counts_or_blank(counts: np.ndarray, blank: np.ndarray) -> np.ndarray:
    """Integer counts, or floats with NaN where an input was blank."""
    if blank.any():
        return np.where(blank, np.nan, counts)
    return counts


def working_days(
    start: Any,
    end: Any,
    convention: str = "elapsed",
    region: str = "ENG",
    closures: Any = None,
) -> Any:
    """Working days from ``start`` to ``end`` (see the module docstring for conventions).

    Broadcasts like numpy over scalars, lists, arrays and Series; a blank start or end
    gives a blank (``None`` for scalars, ``NaN`` in arrays).
    """
    try:
        offset = CONVENTIONS[str(convention).strip().lower()]
    except KeyError:
        raise KpiError(
            f"convention: {convention!r} is not a convention; use 'elapsed' or 'inclusive'",
            argument="convention",
        ) from None
    cal = busday_calendar(region, closures)
    s = np.asarray(parse_dates(start, "start"))
    e = np.asarray(parse_dates(end, "end"))
    _in_range("start", start, s)
    _in_range("end", end, e)
    s, e = np.broadcast_arrays(s, e)
    blank = np.isnat(s) | np.isnat(e)
    if blank.any():
        s = np.where(blank, _FIRST_DAY, s)
        e = np.where(blank, _FIRST_DAY, e)
    counts = count_days(s, e, offset, cal)
    return _wrap(_counts_or_blank(counts, blank), (start, end))


def count_days(
    start: np.ndarray, end: np.ndarray, offset: int, cal: np.busdaycalendar
) -> np.ndarray:
    """Business days of ``cal`` from ``start + offset`` days up to and including ``end``.

    The numpy core of ``working_days`` and of the engine's NETWORKDAYS (``offset`` 1 is
    ``elapsed``, 0 is ``inclusive``); end before start gives the negative reverse count.
    Both arguments are ``datetime64[D]`` arrays without NaT.
    """
    backwards = end < start
    if backwards.any():  # count the reverse span and negate it
        start, end = np.where(backwards, end, start), np.where(backwards, start, end)
    counts = np.busday_count(start + offset * _ONE_DAY, end + _ONE_DAY, busdaycal=cal)
    return np.where(backwards, -counts, counts) if backwards.any() else counts


def shift_days(start: np.ndarray, days: np.ndarray, cal: np.busdaycalendar) -> np.ndarray:
    """Excel's WORKDAY on ``datetime64[D]`` and whole-day ``int64`` arrays (no NaT).

    ``days`` 0 gives ``start`` itself, even on a non-working day.
    """
    forward = np.busday_offset(start, days, roll="backward", busdaycal=cal)
    backward = np.busday_offset(start, days, roll="forward", busdaycal=cal)
    return np.where(days > 0, forward, np.where(days < 0, backward, start))


def add_working_days(start: Any, n: Any, region: str = "ENG", closures: Any = None) -> Any:
    """Excel's WORKDAY: the date ``n`` working days after ``start`` (before it when negative).

    ``n = 0`` gives ``start`` itself; fractions of a day are dropped, as Excel does.
    Scalars give a ``datetime.date``; arrays give ``datetime64[D]`` with ``NaT`` for blanks.
    """
    cal = busday_calendar(region, closures)
    s = np.asarray(parse_dates(start, "start"))
    _in_range("start", start, s)
    days = _whole_days(n)
    s, days = np.broadcast_arrays(s, days)
    blank = np.isnat(s) | np.isnan(days)
    s0 = np.where(blank, _FIRST_DAY, s)
    k = np.where(blank, 0, days).astype(np.int64)
    result = shift_days(s0, k, cal)
    _in_range("result", np.where(blank, np.datetime64("NaT"), result), result)
    return _wrap(np.where(blank, np.datetime64("NaT", "D"), result), (start, n))


def _whole_days(n: Any) -> np.ndarray:
    """A day count truncated toward zero, as Excel's WORKDAY does (NaN for blanks)."""
    days = parse_numbers(n, "days")
    too_big = np.abs(np.nan_to_num(days)) > _MAX_DAYS
    if too_big.any():
        err = bad_input("days", as_array(n), too_big, "is too many working days")
        err.excel = NUM
        raise err
    return np.trunc(days)


def is_working_day(day: Any, region: str = "ENG", closures: Any = None) -> Any:
    """True when ``day`` is a working day of the region (blank for a blank day)."""
    cal = busday_calendar(region, closures)
    d = np.asarray(parse_dates(day, "day"))
    _in_range("day", day, d)
    blank = np.isnat(d)
    result = np.is_busday(np.where(blank, _FIRST_DAY, d), busdaycal=cal)
    out = np.where(blank, None, result).astype(object) if blank.any() else result
    return _wrap(out, (day,))
