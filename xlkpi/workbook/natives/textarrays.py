"""Excel's text functions that join, cut or show many values: CONCATENATE, CONCAT,
TEXTJOIN, TEXTBEFORE, TEXTAFTER, VALUETOTEXT, ARRAYTOTEXT, REGEXTEST, REGEXEXTRACT and
REGEXREPLACE.
Any text result longer than 32,767 characters is ``#VALUE!``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import (
    EMPTY,
    MAX_TEXT,
    ExcelValueError,
    array_result,
    boolean,
    elementwise,
    fail,
    integer,
    number,
    values,
    xl_error,
)
from xlkpi.workbook.natives.text import text
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS"]


def _joined(result: str) -> Any:
    return xl_error("#VALUE!") if len(result) > MAX_TEXT else result


def _pieces(args: tuple[Any, ...]) -> list[str]:
    """Every value of the arguments as text, ranges row by row; the first error raised."""
    out = []
    for arg in args:
        for value in values(arg):
            if isinstance(value, XlError):
                raise fail(str(value))
            out.append(text(value))
    return out


@elementwise()
def concatenate(*args: Any) -> str:
    """CONCATENATE: its arguments' text end to end (arrays element by element)."""
    return "".join(text(a) for a in args)


def concat(*args: Any) -> Any:
    """CONCAT: every value of every argument, ranges included, end to end."""
    try:
        return _joined("".join(_pieces(args)))
    except ExcelValueError as err:
        return xl_error(err.code)


def textjoin(delimiter: Any, ignore_empty: Any, *args: Any) -> Any:
    """TEXTJOIN: values joined by the delimiter (a range of delimiters is used in turn),
    empty ones skipped when told."""
    try:
        delimiters = _pieces((delimiter,))
        skip = boolean(ignore_empty if not isinstance(ignore_empty, np.ndarray)
                       else ignore_empty.ravel()[0])
        pieces = [p for p in _pieces(args) if p or not skip]
    except ExcelValueError as err:
        return xl_error(err.code)
    if not args:
        return xl_error("#VALUE!")
    out: list[str] = []
    for k, piece in enumerate(pieces):
        if k:
            out.append(delimiters[(k - 1) % len(delimiters)] if delimiters else "")
        out.append(piece)
    return _joined("".join(out))


def _matches(s: str, delimiters: tuple[str, ...], insensitive: bool) -> list[tuple[int, int]]:
    """(start, end) of every delimiter occurrence, left to right, not overlapping."""
    flags = re.IGNORECASE if insensitive else 0
    pattern = "|".join(re.escape(d) for d in sorted(delimiters, key=len, reverse=True))
    return [(m.start(), m.end()) for m in re.finditer(pattern, s, flags)]


def _cut(after: bool) -> Callable[..., Any]:
    @elementwise(errors_pass=True)
    def one(value: Any, delimiter: Any, instance: Any = None, match_mode: Any = 0.0,
            match_end: Any = 0.0, if_not_found: Any = None) -> Any:
        for item in (value, delimiter, instance, match_mode, match_end):
            if isinstance(item, XlError):
                raise fail(str(item))
        s = text(value)
        delimiters = delimiter if isinstance(delimiter, tuple) else (text(delimiter),)
        n = 1 if instance is None else math.floor(number(instance))
        mode, end = integer(match_mode), integer(match_end)
        if n == 0 or abs(n) > max(len(s), 1) or mode not in (0, 1) or end not in (0, 1):
            raise fail("#VALUE!")
        if any(d == "" for d in delimiters):
            return s if after else ""
        # an instance asked for can be no further than the last place a delimiter fits
        if instance is not None and abs(n) > len(s) - min(map(len, delimiters)) + 1:
            raise fail("#VALUE!")
        found = _matches(s, delimiters, mode == 1)
        if end:
            found = [*found, (len(s), len(s))] if n > 0 else [(0, 0), *found]
        if abs(n) > len(found):
            if if_not_found is None:
                raise fail("#N/A")
            return if_not_found if isinstance(if_not_found, XlError) else text(if_not_found)
        start, stop = found[n - 1] if n > 0 else found[n]
        return s[stop:] if after else s[:start]

    def call(value: Any, delimiter: Any, *rest: Any) -> Any:
        if isinstance(delimiter, np.ndarray):
            items = delimiter.ravel().tolist()
            for item in items:
                if isinstance(item, XlError):
                    return item
            delimiter = tuple(text(item) for item in items)
        return one(value, delimiter, *rest)

    return call


def _shown(value: Any, strict: bool) -> str:
    if isinstance(value, XlError):
        return str(value)
    if value is EMPTY or value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"' if strict else value
    return text(value)


def _format(value: Any) -> bool:
    mode = integer(value)
    if mode not in (0, 1):
        raise fail("#VALUE!")
    return mode == 1


@elementwise(errors_pass=True)
def valuetotext(value: Any, format_: Any = 0.0) -> str:
    """VALUETOTEXT: a value as text (format 1: text in quotes); errors as their text."""
    if isinstance(format_, XlError):
        raise fail(str(format_))
    return _shown(value, _format(format_))


def arraytotext(array: Any, format_: Any = 0.0) -> Any:
    """ARRAYTOTEXT: every value as text, ", " between (format 1: ``{a,b;c,d}``); an
    array of formats gives an array of texts."""
    grid = np.atleast_2d(np.asarray(array, dtype=object)) if isinstance(
        array, np.ndarray) else np.array([[array]], dtype=object)
    if grid.size == 1 and grid[0, 0] is EMPTY:  # one blank cell: no array at all
        return xl_error("#VALUE!")

    @elementwise()
    def one(mode: Any) -> str:
        strict = _format(mode)
        rows = [[_shown(v, strict) for v in row] for row in grid.tolist()]
        if strict:
            return "{" + ";".join(",".join(r) for r in rows) + "}"
        return ", ".join(v for r in rows for v in r)

    return one(format_)


def _flags(case: Any) -> int:
    mode = integer(case)
    if mode not in (0, 1):
        raise fail("#VALUE!")
    return re.IGNORECASE if mode else 0


def _regex(pattern: str, case: Any) -> re.Pattern[str]:
    try:
        return re.compile(pattern, _flags(case))
    except re.error as err:
        raise fail("#VALUE!") from err


@elementwise()
def regextest(value: Any, pattern: Any, case: Any = 0.0) -> bool:
    """REGEXTEST: whether the pattern matches anywhere in the text."""
    return _regex(text(pattern), case).search(text(value)) is not None


def _expand(replacement: str, match: re.Match[str]) -> str:
    def group(found: re.Match[str]) -> str:
        key = found.group(1) or found.group(2)
        if key == "&":
            return match.group(0)
        try:
            return match.group(int(key) if key.isdigit() else key) or ""
        except (IndexError, re.error):
            return found.group(0)

    return re.sub(r"\$(?:(\d+|&)|\{(\w+)\})", group, replacement)


@elementwise()
def regexreplace(value: Any, pattern: Any, replacement: Any, occurrence: Any = 0.0,
                 case: Any = 0.0) -> str:
    """REGEXREPLACE: matches replaced (``$1`` a group); occurrence 0 all, n the n-th,
    negative counted from the end."""
    s, regex, new, n = text(value), _regex(text(pattern), case), text(replacement), \
        integer(occurrence)
    found = list(regex.finditer(s))
    if n:
        if abs(n) > len(found):
            return s
        found = [found[n - 1] if n > 0 else found[n]]
    out, at = [], 0
    for match in found:
        out.append(s[at:match.start()])
        out.append(_expand(new, match))
        at = match.end()
    out.append(s[at:])
    return "".join(out)


@elementwise()
def _first_match(value: Any, pattern: Any, mode: Any = 0.0, case: Any = 0.0) -> Any:
    found = _extract(value, pattern, mode, case)
    return found[0] if isinstance(found, list) else found


def _extract(value: Any, pattern: Any, mode: Any, case: Any) -> str | list[Any]:
    regex, s, how = _regex(text(pattern), case), text(value), integer(mode)
    if how not in (0, 1, 2):
        raise fail("#VALUE!")
    if how == 1:
        found = [m.group(0) for m in regex.finditer(s)]
        if not found:
            raise fail("#N/A")
        return found
    match = regex.search(s)
    if match is None:
        raise fail("#N/A")
    if how == 2:  # the groups; a group that took no part is #N/A
        if not match.groups():
            raise fail("#VALUE!")
        return [xl_error("#N/A") if g is None else g for g in match.groups()]
    return match.group(0)


def regexextract(value: Any, pattern: Any, mode: Any = 0.0, case: Any = 0.0) -> Any:
    """REGEXEXTRACT: the first match (mode 0), every match (1) or the first match's
    groups (2) in a row; #N/A when nothing matches."""
    single = not any(isinstance(a, np.ndarray) and a.size > 1
                     for a in (value, pattern, mode, case))
    if single:
        items = [a.ravel()[0] if isinstance(a, np.ndarray) else a
                 for a in (value, pattern, mode, case)]
        for item in items:
            if isinstance(item, XlError):
                return item
        try:
            found = _extract(*items)
        except ExcelValueError as err:
            return xl_error(err.code)
        if isinstance(found, list):
            return array_result(np.array([found], dtype=object))
        return found
    return _first_match(value, pattern, mode, case)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "CONCATENATE": concatenate, "CONCAT": concat, "TEXTJOIN": textjoin,
    "TEXTBEFORE": _cut(after=False), "TEXTAFTER": _cut(after=True),
    "VALUETOTEXT": valuetotext, "ARRAYTOTEXT": arraytotext,
    "REGEXTEST": regextest, "REGEXREPLACE": regexreplace, "REGEXEXTRACT": regexextract,
}
