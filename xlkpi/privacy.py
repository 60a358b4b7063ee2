"""What an error message may show of a bad value read from a case-level extract.

Extracts name children. When a column is shifted or a system exports the wrong field, a
child's identifier can land where a date should be, and the message about that cell must
not print it. Date-like and number-like text, and plain words ("TBC", "unknown"), are
shown, so an analyst can find and fix the cell; anything that could identify someone (a
value equal to an identifier in the file, a code mixing letters and digits, a long
number such as an NHS number, long text) is described instead of shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["shown_value"]

_DATE = re.compile(r"[0-9]{1,4}(?:[ /.\-:][0-9]{1,4}){1,2}")
_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,9})(?:\.[0-9]+)?%?")
_WORDS = re.compile(r"[A-Za-z][A-Za-z /'\-]{0,19}")


def shown_value(value: object, identifiers: Iterable[object] = ()) -> str:
    """``repr(value)`` when it cannot identify anyone, else a description of it."""
    text = "" if value is None else str(value)
    stripped = text.strip()
    if stripped and stripped in {str(i).strip() for i in identifiers}:
        return "a value that is an identifier in this file (not shown)"
    digits = sum(c.isdigit() for c in stripped)
    date_like = bool(_DATE.fullmatch(stripped)) and digits <= 8  # not an NHS number
    if not stripped or date_like or _NUMBER.fullmatch(stripped) or (
            _WORDS.fullmatch(stripped) and not digits):
        return repr(text)
    return f"a value of {len(text)} characters (not shown: it may identify someone)"
