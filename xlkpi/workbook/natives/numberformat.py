"""Excel's number format codes, as the TEXT function applies them.

A format has up to four sections ``positive;negative;zero;text`` (a last section holding
``@`` is the text section), optional ``[>=100]`` conditions, ``[Red]`` colours (ignored),
digit placeholders ``0 # ?``, the decimal point, the comma (thousands separator between
placeholders, division by 1,000 after the last one), ``%``, ``E+00``, literal text (quoted,
``\\`` escaped, ``_x`` a space, ``*x`` fill dropped), date and time codes (``d m y h s``,
``AM/PM``, elapsed ``[h] [m] [s]``; shown by :mod:`xlkpi.workbook.natives.dateformat`),
fractions ``# ?/?`` (:mod:`xlkpi.workbook.natives.fractionformat`) and ``General``.
"""

from __future__ import annotations

import decimal
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from xlkpi.workbook.natives.base import fail
from xlkpi.workbook.natives.dateformat import Token, date_time
from xlkpi.workbook.natives.fractionformat import fraction_slash, fraction_text

__all__ = ["format_number", "format_text", "general_text"]

_CONTEXT = decimal.Context(prec=400, rounding=ROUND_HALF_UP)
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?[\d.]+(?:[eE][+-]?\d+)?)\]")
_DATE_LETTERS = "ymdhs"

def _tokens(code: str) -> list[Token]:
    """The format as (kind, text) tokens; ``;`` separates sections."""
    out: list[Token] = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        low = c.lower()
        if c == '"':
            end = code.find('"', i + 1)
            if end < 0:
                raise fail("#VALUE!")
            out.append(("lit", code[i + 1:end]))
            i = end + 1
        elif c == "\\":
            out.append(("lit", code[i + 1:i + 2]))
            i += 2
        elif c == "_":
            out.append(("lit", " "))
            i += 2
        elif c == "*":
            i += 2
        elif c == "[":
            end = code.find("]", i)
            end = n if end < 0 else end
            out.append(_bracket(code[i:end + 1]))
            i = end + 1
        elif c in "0#?":
            out.append(("digit", c))
            i += 1
        elif c in ".,%;@":
            out.append(({".": "dot", ",": "comma", "%": "percent", ";": "semi",
                         "@": "at"}[c], c))
            i += 1
        elif low == "e" and code[i + 1:i + 2] in ("+", "-"):
            if code[i + 2:i + 3] not in ("0", "#", "?"):
                raise fail("#VALUE!")
            out.append(("exp", code[i:i + 2]))
            i += 2
        elif code[i:i + 7].lower() == "general":
            out.append(("general", ""))
            i += 7
        elif code[i:i + 5].upper() == "AM/PM":
            out.append(("ampm", code[i:i + 5]))
            i += 5
        elif code[i:i + 3].upper() == "A/P":
            out.append(("ampm", code[i:i + 3]))
            i += 3
        elif low in _DATE_LETTERS:
            j = i
            while j < n and code[j].lower() == low:
                j += 1
            out.append(("date", low * (j - i)))
            i = j
        else:
            out.append(("lit", c))
            i += 1
    return out


def _bracket(part: str) -> Token:
    inner = part[1:-1]
    low = inner.lower()
    if low and set(low) <= set("hms") and len(set(low)) == 1:
        return ("elapsed", low[0])
    if _CONDITION.fullmatch(part):
        return ("cond", part)
    if inner.startswith("$"):
        return ("lit", inner[1:].split("-")[0])
    return ("color", part)


def _sections(code: str) -> list[list[Token]]:
    sections: list[list[Token]] = [[]]
    for token in _tokens(code):
        if token[0] == "semi":
            sections.append([])
        else:
            sections[-1].append(token)
    return sections


def _condition(section: list[Token]) -> tuple[str, float] | None:
    for kind, text in section:
        if kind == "cond":
            match = _CONDITION.fullmatch(text)
            assert match
            return match.group(1), float(match.group(2))
    return None


def _holds(condition: tuple[str, float], x: float) -> bool:
    op, bound = condition
    return {"<": x < bound, ">": x > bound, "=": x == bound, "<=": x <= bound,
            ">=": x >= bound, "<>": x != bound}[op]


def _kinds(section: list[Token]) -> set[str]:
    return {kind for kind, _ in section}


def _split(code: str) -> tuple[list[list[Token]], list[Token] | None]:
    """The number sections and the text section (None: text shows as it is)."""
    sections = _sections(code)
    text_section = None
    if len(sections) >= 4:
        text_section = sections[3]
        sections = sections[:3]
    elif len(sections) > 1 and "at" in _kinds(sections[-1]):
        text_section = sections.pop()
    elif len(sections) == 1 and "at" in _kinds(sections[0]):
        text_section, sections = sections[0], []
    for section in sections:
        if "at" in _kinds(section):
            raise fail("#VALUE!")
    if text_section is not None and _kinds(text_section) & {
            "digit", "date", "elapsed", "ampm", "exp", "general"}:
        raise fail("#VALUE!")
    return sections, text_section


def format_text(value: str, code: str) -> str:
    """Text through a format: its text section with ``@`` the text, or the text as is."""
    _, section = _split(code)
    if section is None:
        return value
    return "".join(value if kind == "at" else text for kind, text in section
                   if kind in ("at", "lit", "dot", "comma", "percent"))


def format_number(x: float, code: str) -> str:
    """A number through an Excel format code, as TEXT shows it."""
    sections, _ = _split(code)
    if not sections:
        return general_text(x)
    conditions = [_condition(s) for s in sections]
    auto_minus = True  # the minus sign is shown unless a negative section was chosen
    if any(conditions):
        chosen = None
        for section, condition in zip(sections, conditions, strict=True):
            if condition is not None and _holds(condition, x):
                chosen = section
                break
        if chosen is None:
            rest = [s for s, c in zip(sections, conditions, strict=True) if c is None]
            if not rest:
                raise fail("#VALUE!")
            chosen = rest[0]
        section = chosen
    elif len(sections) == 1 or (x > 0 or (x == 0 and len(sections) == 2)):
        section = sections[0]
    elif x < 0:
        section, auto_minus = sections[1], False
    else:
        section = sections[2]
    kinds = _kinds(section)
    if kinds & {"date", "elapsed", "ampm"}:
        return date_time(x, section)
    body, nonzero = _number(abs(x), section)
    if auto_minus and x < 0 and nonzero:
        return "-" + body
    return body


def _rounded(x: float, places: int) -> Decimal:
    value = Decimal(f"{x:.15g}") if x else Decimal(0)
    return value.quantize(Decimal(1).scaleb(-places), context=_CONTEXT)


def general_text(x: float) -> str:
    """A number in the General format TEXT uses: at most 11 characters besides the sign."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    if x == 0:
        return "0"
    power = math.floor(math.log10(x))
    scientific = _general_scientific(x)
    if power <= 10:
        decimals = 9 - power if power >= 0 else 9
        shown = format(_rounded(x, max(decimals, 0)), "f")
        if "." in shown:
            shown = shown.rstrip("0").rstrip(".")
        whole = shown.split(".")[0]
        if len(whole) <= 11 and shown not in ("0", ""):
            digits = len(shown.replace(".", "").lstrip("0"))
            wanted = len(scientific.split("E")[0].replace(".", ""))
            if power >= 0 or digits >= wanted:
                return sign + shown
    return sign + scientific


def _general_scientific(x: float) -> str:
    power = math.floor(math.log10(x))
    places = 5 if abs(power) < 100 else 4
    mantissa, exponent = f"{x:.{places}E}".split("E")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    e = int(exponent)
    return f"{mantissa}E{'+' if e >= 0 else '-'}{abs(e):02d}"


def _number(x: float, section: list[Token]) -> tuple[str, bool]:
    """A number's digits through one section; also whether any shown digit is not 0."""
    tokens = list(section)
    x *= 100 ** sum(1 for kind, _ in tokens if kind == "percent")
    exp_at = next((i for i, t in enumerate(tokens) if t[0] == "exp"), len(tokens))
    dot_at = next((i for i, t in enumerate(tokens[:exp_at]) if t[0] == "dot"), None)
    tokens, grouping, scale = _commas(tokens, dot_at, exp_at)
    x /= scale
    exp_at = next((i for i, t in enumerate(tokens) if t[0] == "exp"), len(tokens))
    dot_at = next((i for i, t in enumerate(tokens[:exp_at]) if t[0] == "dot"), None)
    int_end = exp_at if dot_at is None else dot_at
    int_slots = [i for i in range(int_end) if tokens[i][0] == "digit"]
    frac_slots = [i for i in range(int_end, exp_at) if tokens[i][0] == "digit"]
    exp_slots = [i for i in range(exp_at, len(tokens)) if tokens[i][0] == "digit"]
    shown: dict[int, str] = {}
    exponent_text = ""
    if "general" in _kinds(tokens):
        general = general_text(x)
        return "".join(general if k == "general" else t for k, t in tokens
                       if k in ("general", "lit", "percent", "comma")), x != 0
    slash = fraction_slash(tokens)
    if slash is not None:
        return fraction_text(x, tokens, slash)
    if exp_at < len(tokens):
        exponent = 0
        if x:
            exponent = math.floor(math.log10(x))
            if len(int_slots) > 1:
                exponent -= exponent % len(int_slots)
            elif not int_slots:
                exponent += 1
            mantissa = _rounded(x / 10 ** exponent, len(frac_slots))
            if int_slots and mantissa >= 10 ** max(len(int_slots), 1):
                exponent += max(len(int_slots), 1)
                mantissa = _rounded(x / 10 ** exponent, len(frac_slots))
        else:
            mantissa = Decimal(0)
        value = mantissa
        letter, plus = tokens[exp_at][1]
        sign = "-" if exponent < 0 else ("+" if plus == "+" else "")
        digits = str(abs(exponent)).rjust(sum(1 for i in exp_slots if tokens[i][1] == "0"),
                                          "0")
        exponent_text = letter + sign + digits
    else:
        value = _rounded(x, len(frac_slots))
    text = format(value, "f")
    whole, _, fraction = text.partition(".")
    whole = "" if whole == "0" else whole
    fraction = fraction.ljust(len(frac_slots), "0")
    nonzero = any(c not in "0." for c in text)
    _place_whole(whole, [tokens[i][1] for i in int_slots], grouping, int_slots, shown)
    last = max((k for k, c in enumerate(fraction) if c != "0"), default=-1)
    for k, i in enumerate(frac_slots):
        kind = tokens[i][1]
        if k <= last or kind == "0":
            shown[i] = fraction[k]
        else:
            shown[i] = " " if kind == "?" else ""
    out = []
    for i, (kind, piece) in enumerate(tokens):
        if i == exp_at:
            out.append(exponent_text)
        elif i in shown:
            out.append(shown[i])
        elif i in exp_slots:
            continue
        elif kind == "dot" and not int_slots and i == dot_at:
            out.append(whole + piece)  # no integer placeholder: its digits still show
        elif kind in ("lit", "dot", "percent"):
            out.append(piece)
        elif kind == "date":
            raise fail("#VALUE!")
    return "".join(out), nonzero


def _commas(tokens: list[Token], dot_at: int | None,
            exp_at: int) -> tuple[list[Token], bool, float]:
    """Excel's commas: grouping between placeholders, /1000 after the last, else text."""
    grouping, scale = False, 1.0
    out: list[Token] = []
    int_end = exp_at if dot_at is None else dot_at
    for i, token in enumerate(tokens):
        if token[0] != "comma":
            out.append(token)
            continue
        j = i - 1
        while j >= 0 and tokens[j][0] == "comma":
            j -= 1
        if j < 0 or tokens[j][0] != "digit" or i > exp_at:
            out.append(("lit", ","))
            continue
        end = int_end if i < int_end else exp_at
        following = any(t[0] == "digit" for t in tokens[i + 1:end])
        if i < int_end and i + 1 < len(tokens) and tokens[i + 1][0] == "digit":
            grouping = True
        elif not following:
            scale *= 1000
    return out, grouping, scale


def _place_whole(whole: str, kinds: list[str], grouping: bool, slots: list[int],
                 shown: dict[int, str]) -> None:
    """The integer digits over their placeholders, the first taking any extra digits.

    Thousands separators go by placeholder position (counted from the right, an empty
    ``#`` counting too), after each shown digit three, six... places from the right."""
    if not slots:
        return
    pad = {"0": "0", "?": " ", "#": ""}
    pieces: list[list[str]] = []
    digits = list(whole)
    for kind in reversed(kinds[1:]):
        pieces.append([digits.pop() if digits else pad[kind]])
    pieces.append(digits or [pad[kinds[0]]])
    pieces.reverse()
    position = sum(len(piece) for piece in pieces)
    for slot, piece in zip(slots, pieces, strict=True):
        text = ""
        for c in piece:
            text += c
            position -= 1
            if grouping and position and position % 3 == 0 and c.isdigit():
                text += ","
        shown[slot] = text
