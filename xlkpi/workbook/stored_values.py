"""What a sheet stores for a cell, read: its value from the stored text (its type ``t``,
the shared strings, Excel's own escapes) and its formula element's attributes. Used by
both readers of a sheet (``sheet_bulk`` and ``sheet_xml``)."""

from __future__ import annotations

import functools
import html
import re
from typing import Any

from xlkpi.errors import ExcelError

__all__ = ["attributes", "decode_xstring", "sharing_index", "stored_value"]

_EXCEL_EPOCH_ORDINAL = 693594  # date(1899, 12, 30).toordinal()
_INLINE_TEXT = re.compile(r"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t>", re.DOTALL)
_XSTRING_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def attributes(text: str) -> dict[str, str]:
    """The attributes written in a start tag's ``text`` (after its name), unescaped."""
    return {m.group(1): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR.finditer(text)}


@functools.lru_cache(maxsize=4096)
def sharing_index(f_attrs: str) -> str | None:
    """The shared formula's index of an ``<f>`` with these attributes and no text that
    only shares one (``t="shared" si="N"``), else None."""
    found = attributes(f_attrs)
    return found["si"] if found.keys() == {"t", "si"} and found["t"] == "shared" else None


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
