"""Excel's text functions on single values: characters and codes (Windows-1252, as Excel
on Windows), case, lengths and parts, FIND/SEARCH (``? * ~`` wildcards), SUBSTITUTE,
REPLACE, TRIM, CLEAN, EXACT, REPT, BAHTTEXT, TEXT (format codes in
:mod:`xlkpi.workbook.natives.numberformat`), VALUE, NUMBERVALUE, FIXED and DOLLAR.

The ``...B`` variants count bytes in double-byte languages; for single-byte languages
(the workbooks here) they are the plain functions. Any text result longer than 32,767
characters is ``#VALUE!``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from xlkpi.workbook.natives.base import (
    EMPTY,
    MAX_TEXT,
    boolean,
    elementwise,
    fail,
    integer,
    number,
    number_or_none,
)
from xlkpi.workbook.natives.base import text as general_or_text
from xlkpi.workbook.natives.numberformat import format_number, format_text

__all__ = ["FUNCTIONS", "excel_value", "text", "wildcard"]


def text(value: Any) -> str:
    """A value where Excel wants text; a blank cell (schedula's ``EMPTY``, itself a
    ``str``) is empty text."""
    if value is EMPTY or value is None:
        return ""
    return general_or_text(value)


@elementwise()
def char(code: Any) -> str:
    """CHAR: the Windows-1252 character of a code 1-255 (undefined codes map to
    themselves, as Excel shows them)."""
    n = integer(code)
    if not 1 <= n <= 255:
        raise fail("#VALUE!")
    try:
        return bytes([n]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(n)


@elementwise()
def code_(value: Any) -> float:
    """CODE: the Windows-1252 code of the first character (``?``, 63, when it has none)."""
    s = text(value)
    if not s:
        raise fail("#VALUE!")
    try:
        return float(s[0].encode("cp1252")[0])
    except UnicodeEncodeError:
        return float(ord(s[0])) if ord(s[0]) < 256 else 63.0


@elementwise()
def unichar(code: Any) -> str:
    """UNICHAR: the character of a Unicode code point."""
    n = integer(code)
    if not 1 <= n <= 0x10FFFF:
        raise fail("#VALUE!")
    if 0xD800 <= n <= 0xDFFF:
        raise fail("#N/A")
    return chr(n)


@elementwise()
def unicode_(value: Any) -> float:
    """UNICODE: the code point of the first character."""
    s = text(value)
    if not s:
        raise fail("#VALUE!")
    return float(ord(s[0]))


def _one_case(c: str, changed: str) -> str:
    return changed if len(changed) == 1 else c


def _units(s: str) -> str:
    """Text as Excel counts it: UTF-16 code units (a character past U+FFFF is two)."""
    if s.isascii() or all(ord(c) < 0x10000 for c in s):
        return s
    return "".join(c if ord(c) < 0x10000 else _pair(ord(c)) for c in s)


def _pair(code: int) -> str:
    code -= 0x10000
    return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))


def _joined(s: str) -> str:
    """Code units back to text (half of a pair cut in two shows as U+FFFD, which a
    workbook file can hold)."""
    if all(ord(c) < 0xD800 or ord(c) > 0xDFFF for c in s):
        return s
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


@elementwise()
def upper(value: Any) -> str:
    """UPPER, character by character (``ß`` stays, as in Excel)."""
    return "".join(_one_case(c, c.upper()) for c in text(value))


@elementwise()
def lower(value: Any) -> str:
    """LOWER, character by character."""
    return "".join(_one_case(c, c.lower()) for c in text(value))


@elementwise()
def proper(value: Any) -> str:
    """PROPER: a letter after a non-letter is upper case, every other letter lower case."""
    out, after_letter = [], False
    for c in text(value):
        out.append(c.lower() if after_letter else c.upper())
        after_letter = c.isalpha()
    return "".join(out)


@elementwise()
def len_(value: Any) -> float:
    """LEN, in UTF-16 code units as Excel counts (an emoji is 2)."""
    return float(len(_units(text(value))))


def _count(value: Any) -> int:
    n = integer(value)
    if n < 0:
        raise fail("#VALUE!")
    return n


@elementwise()
def left(value: Any, count: Any = 1.0) -> str:
    """LEFT."""
    return _joined(_units(text(value))[:_count(count)])


@elementwise()
def right(value: Any, count: Any = 1.0) -> str:
    """RIGHT."""
    n = _count(count)
    s = _units(text(value))
    return _joined(s[len(s) - n:] if n < len(s) else s)


@elementwise()
def mid(value: Any, start: Any, count: Any) -> str:
    """MID."""
    s, first, n = _units(text(value)), integer(start), _count(count)
    if first < 1:
        raise fail("#VALUE!")
    return _joined(s[first - 1:first - 1 + n])


def _start(within: str, start: Any) -> int:
    first = integer(start)
    if first < 1 or first > len(within) + 1:
        raise fail("#VALUE!")
    return first - 1


@elementwise()
def find(needle: Any, within: Any, start: Any = 1.0) -> float:
    """FIND: case-sensitive position, no wildcards."""
    haystack = _units(text(within))
    at = haystack.find(_units(text(needle)), _start(haystack, start))
    if at < 0:
        raise fail("#VALUE!")
    return float(at + 1)


def wildcard(pattern: str) -> str:
    """Excel's ``? * ~`` wildcards as a regular expression."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "~":  # the next character as itself; a last ~ stands for nothing
            out.append(re.escape(pattern[i + 1:i + 2]))
            i += 2
            continue
        out.append(".*?" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return "".join(out)


@elementwise()
def search(needle: Any, within: Any, start: Any = 1.0) -> float:
    """SEARCH: case-insensitive position, with wildcards."""
    haystack = _units(text(within))
    first = _start(haystack, start)
    found = re.compile(wildcard(_units(text(needle))), re.IGNORECASE | re.DOTALL).search(
        haystack, first)
    if not found:
        raise fail("#VALUE!")
    return float(found.start() + 1)


@elementwise()
def substitute(value: Any, old: Any, new: Any, instance: Any = None) -> str:
    """SUBSTITUTE: every occurrence, or only the n-th."""
    s, a, b = text(value), text(old), text(new)
    if instance is None:
        if not a:
            return s
        if len(b) > len(a) and s.count(a) * (len(b) - len(a)) + len(s) > MAX_TEXT:
            raise fail("#VALUE!")
        return s.replace(a, b)
    if isinstance(instance, bool):  # TRUE is no instance number here
        raise fail("#VALUE!")
    n = integer(instance)
    if n < 1:
        raise fail("#VALUE!")
    if not a:
        return s
    at = -1
    for _ in range(n):
        at = s.find(a, at + 1)
        if at < 0:
            return s
    return s[:at] + b + s[at + len(a):]


@elementwise()
def replace(value: Any, start: Any, count: Any, new: Any) -> str:
    """REPLACE: characters start..start+count-1 replaced."""
    s, first, n = _units(text(value)), integer(start), _count(count)
    if first < 1:
        raise fail("#VALUE!")
    return _joined(s[:first - 1] + _units(text(new)) + s[first - 1 + n:])


@elementwise()
def trim(value: Any) -> str:
    """TRIM: spaces off both ends, inner runs of spaces made one."""
    return re.sub(" +", " ", text(value).strip(" "))


@elementwise()
def clean(value: Any) -> str:
    """CLEAN: the control characters 0-31 removed."""
    return "".join(c for c in text(value) if ord(c) >= 32)


@elementwise()
def exact(a: Any, b: Any) -> bool:
    """EXACT: the same text, case included."""
    return text(a) == text(b)


@elementwise()
def rept(value: Any, times: Any) -> str:
    """REPT: refused (#VALUE!) before building a result over 32,767 characters."""
    s, n = text(value), integer(times)
    if n < 0 or len(s) * n > MAX_TEXT:
        raise fail("#VALUE!")
    return s * n


_CURRENCY = "$€£¥"
_MIXED = re.compile(r"([+-]?)(\d+) +(\d+)/(\d+)")


def excel_value(s: str) -> float:
    """Text as VALUE reads it: a number, percentage, currency amount, date or time."""
    body = s.strip()
    negative = body.startswith("(") and body.endswith(")")
    if negative:
        body = body[1:-1].strip()
    result = number_or_none(body)
    mixed = _MIXED.fullmatch(body)
    if result is None and mixed and int(mixed.group(4)):  # 1 1/2
        whole, top, bottom = (int(mixed.group(k)) for k in (2, 3, 4))
        result = (whole + top / bottom) * (-1 if mixed.group(1) == "-" else 1)
    if result is None and body and (body[0] in _CURRENCY or body[-1] in _CURRENCY):
        result = number_or_none(body.strip(_CURRENCY).strip())
    if result is None:
        raise fail("#VALUE!")
    return -result if negative else result


@elementwise()
def value_(value: Any) -> float:
    """VALUE: text read as a number."""
    if isinstance(value, bool):
        raise fail("#VALUE!")
    if isinstance(value, str) and value is not EMPTY:
        return excel_value(value)
    return number(value)


@elementwise()
def numbervalue(value: Any, decimal: Any = ".", group: Any = None) -> float:
    """NUMBERVALUE: text read with the given decimal and group separators (by default
    the comma, or the point when the comma is the decimal separator)."""
    s, dec = text(value), text(decimal)
    grp = text(group) if group is not None else ("." if dec[:1] == "," else ",")
    if not dec or not grp:
        raise fail("#VALUE!")
    dec, grp = dec[0], grp[0]
    if dec == grp:
        raise fail("#VALUE!")
    s = re.sub(r"\s", "", s)
    if not s:
        return 0.0
    percents = len(s) - len(s.rstrip("%"))
    s = s.rstrip("%")
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1]
        percents += len(s) - len(s.rstrip("%"))
        s = s.rstrip("%")
        if s[:1] in ("+", "-"):
            raise fail("#VALUE!")
    whole, _, fraction = s.partition(dec)
    if dec in fraction:
        raise fail("#VALUE!")
    plain = whole.replace(grp, "") + ("." + fraction if _ else "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", plain):
        raise fail("#VALUE!")
    result = float(plain) / 100 ** percents
    return -result if negative else result


def _fixed(x: float, decimals: int, commas: bool) -> str:
    if decimals > 127:
        raise fail("#VALUE!")
    with localcontext() as context:
        context.prec = 400
        return _fixed_text(x, decimals, commas)


def _fixed_text(x: float, decimals: int, commas: bool) -> str:
    value = Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-max(decimals, 0)),
                                          rounding=ROUND_HALF_UP)
    if decimals < 0:
        value = Decimal(f"{x:.15g}").scaleb(decimals).quantize(
            Decimal(1), rounding=ROUND_HALF_UP).scaleb(-decimals)
        value = value.quantize(Decimal(1))
    shown = f"{abs(value):,f}" if commas else f"{abs(value):f}"
    return ("-" if value < 0 else "") + shown


@elementwise()
def fixed(value: Any, decimals: Any = 2.0, no_commas: Any = False) -> str:
    """FIXED: rounded to the decimals, with thousands separators unless told not to."""
    return _fixed(number(value), integer(decimals), not boolean(no_commas))


@elementwise()
def dollar(value: Any, decimals: Any = 2.0) -> str:
    """DOLLAR: currency text, negative amounts in parentheses."""
    shown = _fixed(number(value), integer(decimals), True)
    return f"(${shown[1:]})" if shown.startswith("-") else f"${shown}"


@elementwise()
def text_(value: Any, code: Any) -> str:
    """TEXT: a value through a number format code."""
    fmt = text(code)
    if isinstance(value, bool):
        return format_text("TRUE" if value else "FALSE", fmt)
    if isinstance(value, str) and value is not EMPTY:
        read = number_or_none(value) if value.strip() else None
        if read is None:
            return format_text(value, fmt)
        value = read
    return format_number(number(value), fmt)


_THAI_DIGITS = ["ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"]
_THAI_PLACES = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"]


def _thai(n: int) -> str:
    """A whole number in Thai words (millions by ล้าน, as Thai counts)."""
    if n >= 1_000_000:
        high, low = divmod(n, 1_000_000)
        return _thai(high) + "ล้าน" + (_thai(low) if low else "")
    out = []
    digits = str(n)
    for k, c in enumerate(digits):
        d, place = int(c), len(digits) - 1 - k
        if d == 0:
            continue
        if place == 1:
            out.append({1: "", 2: "ยี่"}.get(d, _THAI_DIGITS[d]) + "สิบ")
        elif place == 0 and d == 1 and n > 9:
            out.append("เอ็ด")
        else:
            out.append(_THAI_DIGITS[d] + _THAI_PLACES[place])
    return "".join(out) or _THAI_DIGITS[0]


@elementwise()
def bahttext(value: Any) -> str:
    """BAHTTEXT: an amount in Thai words, baht and satang."""
    x = number(value)
    cents = int(Decimal(f"{abs(x):.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                * 100)
    baht, satang = divmod(cents, 100)
    words = (_thai(baht) + "บาท") if baht or not satang else ""
    words += _thai(satang) + "สตางค์" if satang else "ถ้วน"
    return ("ลบ" if x < 0 and cents else "") + words


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "CHAR": char, "CODE": code_, "UNICHAR": unichar, "UNICODE": unicode_,
    "UPPER": upper, "LOWER": lower, "PROPER": proper,
    "LEN": len_, "LEFT": left, "RIGHT": right, "MID": mid,
    "FIND": find, "SEARCH": search, "SUBSTITUTE": substitute, "REPLACE": replace,
    "LENB": len_, "LEFTB": left, "RIGHTB": right, "MIDB": mid,
    "FINDB": find, "SEARCHB": search, "REPLACEB": replace,
    "TRIM": trim, "CLEAN": clean, "EXACT": exact, "REPT": rept,
    "TEXT": text_, "VALUE": value_, "NUMBERVALUE": numbervalue,
    "FIXED": fixed, "DOLLAR": dollar, "BAHTTEXT": bahttext,
}
