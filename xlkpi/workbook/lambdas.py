"""LAMBDA calls as LET, which the ``formulas`` parser evaluates.

``LAMBDA(x, y, body)(a, b)`` (a LAMBDA called where it is written) and ``MYFUNC(a, b)``
(a name defined as such a LAMBDA) both become ``LET(x, (a), y, (b), body)``. A parameter
written ``_xlop.y`` (an optional one, ``[y]`` in Excel) is ``_xlpm.y`` in the body; an
argument left out or left empty is bound to :data:`OMITTED`, which ``ISOMITTED`` tells
apart and which is #N/A wherever else it is used.
"""

from __future__ import annotations

import re
from typing import Any

from xlkpi.workbook.rewriting import matching, split_args
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "IMMEDIATE", "OMITTED_CALL", "OmittedError", "as_let", "immediate_calls"]

#: The text an argument left out becomes: a call of :func:`_omitted`.
OMITTED_CALL = "_XLKPI.OMITTED()"
#: A LAMBDA written and called at once: ``LAMBDA(x, x+1)(5)``.
IMMEDIATE = re.compile(r"(?<![\w.])(?:_xlfn\.)?LAMBDA\(", re.IGNORECASE)


class OmittedError(XlError):
    """The value of a LAMBDA parameter whose argument was left out."""

    def __new__(cls) -> OmittedError:
        return super().__new__(cls, "#N/A")


def as_let(params: list[str], args: list[str]) -> str | None:
    """``LET`` binding ``params[:-1]`` to ``args`` around the body ``params[-1]``; None
    when there are more arguments than parameters."""
    names, body = params[:-1], params[-1]
    if len(args) > len(names):
        return None
    names = [re.sub(r"^_xlop\.", "_xlpm.", n, flags=re.IGNORECASE) for n in names]
    given = [f"({a})" if a.strip() else OMITTED_CALL for a in args]
    given += [OMITTED_CALL] * (len(names) - len(args))
    pairs = [f"{n},{a}" for n, a in zip(names, given, strict=True)]
    return f"_xlfn.LET({','.join(pairs)},{body})" if pairs else f"({body})"


def immediate_calls(text: str) -> str:
    """Every ``LAMBDA(...)(...)`` in the formula ``text`` (not inside a string) as its
    ``LET``."""
    at = 0
    for _ in range(100):
        match = IMMEDIATE.search(text, at)
        if match is None:
            return text
        if text.count('"', 0, match.start()) % 2:  # inside a string literal
            at = match.end()
            continue
        close = matching(text, match.end() - 1)
        if close is None or text[close + 1: close + 2] != "(":
            at = match.end()
            continue
        call_close = matching(text, close + 1)
        if call_close is None:
            return text
        inside = text[close + 2: call_close]
        let = as_let(split_args(text[match.end(): close]),
                     split_args(inside) if inside.strip() else [])
        if let is None:
            at = match.end()
            continue
        text = text[: match.start()] + let + text[call_close + 1:]
    return text


def _omitted() -> OmittedError:
    return OmittedError()


def _isomitted(value: Any) -> bool:
    """ISOMITTED: TRUE for a LAMBDA parameter whose argument was left out."""
    if hasattr(value, "ravel") and getattr(value, "size", 0) == 1:
        value = value.ravel()[0]
    return isinstance(value, OmittedError)


#: The functions this module gives the engine.
FUNCTIONS = {"_XLKPI.OMITTED": _omitted, "ISOMITTED": _isomitted}
