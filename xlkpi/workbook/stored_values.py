"""A cell's value from the text a sheet stores: its type (``t``), the shared strings, and
Excel's own escapes."""

from __future__ import annotations

import html
import re
from typing import Any

from xlkpi.errors import ExcelError

__all__ = ["decode_xstring", "stored_value"]

_EXCEL_EPOCH_ORDINAL = 693594  # date(1899, 12, 30).toordinal()
_INLINE_TEXT = re.compile(r"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", re.DOTALL)
_XSTRING_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def decode_xstring(text: str) -> str:
    """Excel's stored text with its ``_xHHHH_`` escapes turned back into characters."""
    if "_x" not in text:
        return text
    return _XSTRING_ESCAPE.sub(lambda m: chr(int(m.group()[2:6], 16)), text)


def _serial_from_iso(text: str) -> float:
    """A ``t="d"`` cell's ISO 8601 date as Excel's serial number."""
    from datetime import datetime

    moment = datetime.fromisoformat(text)
    days = moment.toordinal() - _EXCEL_EPOCH_ORDINAL
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return days + seconds / 86400


def stored_value(kind: str, raw: str | None, body: str, shared: list[str]) -> Any:
    """The value of a cell of type ``kind`` whose ``<v>`` text is ``raw`` (None: no
    ``<v>``; ``body``: the element's inside, for an inline string); ``ValueError`` or
    ``IndexError`` for a text that is not a value of its type."""
    if kind == "inlineStr":
        return decode_xstring("".join(html.unescape(t) for t in _INLINE_TEXT.findall(body)))
    if raw is None:
        return None
    text = html.unescape(raw)
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "inlineStr"):
        return decode_xstring(text)
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return ExcelError(text.strip())
    if kind == "d":
        return _serial_from_iso(text)
    if text == "":
        return None
    return float(text)
