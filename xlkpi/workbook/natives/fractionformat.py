"""Excel's fraction format codes, as TEXT shows a number: ``# ?/?`` (a whole part and the
closest fraction with a one-digit denominator), ``?/??`` (an improper fraction),
``# ?/8`` (a fixed denominator). ``?`` pads with a space, ``0`` with a zero, ``#`` with
nothing; a fraction that rounds to nothing leaves spaces in its place.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["fraction_slash", "fraction_text"]

Token = tuple[str, str]
_PAD = {"0": "0", "?": " ", "#": ""}


def fraction_slash(tokens: list[Token]) -> int | None:
    """Where the fraction's ``/`` is: a ``/`` between a placeholder and a placeholder or
    a digit (None: no fraction in this section)."""
    for i, (kind, text) in enumerate(tokens):
        if (kind, text) == ("lit", "/") and 0 < i < len(tokens) - 1 \
                and tokens[i - 1][0] == "digit" and (
                    tokens[i + 1][0] == "digit" or tokens[i + 1][1].isdigit()):
            return i
    return None


def _right(digits: str, kinds: list[str]) -> list[str]:
    """Digits right-aligned over placeholders, the first taking any extra."""
    out, rest = [], list(digits)
    for kind in reversed(kinds[1:]):
        out.append(rest.pop() if rest else _PAD[kind])
    out.append("".join(rest) or _PAD[kinds[0]])
    return out[::-1]


def fraction_text(x: float, tokens: list[Token], slash: int) -> tuple[str, bool]:
    """``x`` (not negative) through a fraction section; also whether it shows non-zero."""
    start = slash
    while start > 0 and tokens[start - 1][0] == "digit":
        start -= 1
    numerator_at = list(range(start, slash))
    whole_at = [i for i in range(start) if tokens[i][0] == "digit"]
    end, fixed = slash + 1, ""
    while end < len(tokens) and tokens[end][0] == "digit":
        end += 1
    if end == slash + 1:
        while end < len(tokens) and tokens[end][0] == "lit" and tokens[end][1].isdigit():
            fixed += tokens[end][1]
            end += 1
    denominator_at = list(range(slash + 1, end))
    whole = int(x) if whole_at else 0
    rest = x - whole
    if fixed:
        denominator = int(fixed)
        numerator = round(rest * denominator) if denominator else 0
    else:
        best = Fraction(rest).limit_denominator(10 ** len(denominator_at) - 1)
        numerator, denominator = best.numerator, best.denominator
    if whole_at and numerator and numerator == denominator:
        whole, numerator = whole + 1, 0
    shown: dict[int, str] = {}
    if whole_at:
        kinds = [tokens[i][1] for i in whole_at]
        text = str(whole) if whole or not numerator else ""
        for i, piece in zip(whole_at, _right(text, kinds), strict=True):
            shown[i] = piece
    blank = whole_at and numerator == 0
    kinds = [tokens[i][1] for i in numerator_at]
    for i, piece in zip(numerator_at, _right(str(numerator), kinds), strict=True):
        shown[i] = " " * len(piece) if blank else piece
    shown[slash] = " " if blank else "/"
    if fixed:
        shown.update({i: " " if blank else tokens[i][1] for i in denominator_at})
    else:
        digits = str(denominator)
        for k, i in enumerate(denominator_at):
            c = digits[k] if k < len(digits) else _PAD[tokens[i][1]]
            shown[i] = " " if blank else c
        if len(digits) > len(denominator_at):
            shown[denominator_at[-1]] += digits[len(denominator_at):]
    out = []
    for i, (kind, text) in enumerate(tokens):
        if i in shown:
            out.append(shown[i])
        elif kind in ("lit", "dot", "percent"):
            out.append(text)
    return "".join(out), bool(whole or numerator)
