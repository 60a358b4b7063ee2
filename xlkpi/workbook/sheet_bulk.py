"""A sheet's cells found in bulk: numpy over the sheet's bytes, no Python step a cell.

The cells in the forms Excel and openpyxl write nearly all of them (``<c r="B2" s="1"
t="str"><f>A2*2</f><v>4</v></c>``, a value cell, a cell sharing a formula ``<f t="shared"
si="0"/>``, a blank ``<c r="B2" s="1"/>``) are read here at once: where every element
starts and ends, its address, type, formula and value text, by comparing the bytes at
the positions of the tags. Their values are converted by C-level ``map`` over the value
texts. A cell in any other form (an inline string, a shared formula's anchor, an array
formula, spaces or quotes Excel does not write) is left for the reader of one cell at a
time, which also reads a sheet this module declines (``scan`` gives None): prefixed
element names, CDATA, a ``>`` in text (the tags then do not alternate), a value text it
cannot read.

Positions are the sheet text's (characters, not bytes: the two differ after a
character outside ASCII).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from xlkpi.workbook.cell_columns import Constants, Formulas
from xlkpi.workbook.stored_values import sharing_index

__all__ = ["Bulk", "scan"]

#: the types (``t``) read here: None (no attribute) and the others as written, by code
KINDS: tuple[str | None, ...] = (None, "n", "s", "str", "b", "e", "d")
_NUMERIC = (0, 1)  # no t, t="n": the value text is a number
_DIGITS = 15  # a whole number of this many digits or fewer is exact as a float
_SHARED_STRING = 2
#: bytes past the end of the text, so that a look a few bytes ahead never runs off it
_PAD = 64
_AHEAD = 6  # a cell's element is at most six tags: <c><f>...</f><v>...</v></c>
_PREFIXED_CELL = re.compile(r"<[A-Za-z_][\w.-]*:c[\s/>]")
#: the text is read in stretches of whole rows about this long
_CHUNK = 1 << 20


def _bytes(chosen: bytes) -> np.ndarray:
    """A lookup table: True at each byte of ``chosen``."""
    table = np.zeros(256, dtype=bool)
    table[list(chosen)] = True
    return table


#: what may follow ``<c`` in a cell's start tag (``_CELL``'s lookahead)
_AFTER_NAME = _bytes(b" \t\r\n\f\v/>")
_AFTER_F = _bytes(b" />")


@dataclass
class Bulk:
    """The cells read in bulk, and where the others start."""

    constants: Constants
    formulas: Formulas
    #: where each cell left for the one-at-a-time reader starts, and where the next cell
    #: after it starts (its element must end before that: else the sheet is read whole by
    #: that reader)
    others: list[int]
    limits: list[int]

    @classmethod
    def joined(cls, parts: list[Bulk]) -> Bulk:
        """The cells of ``parts``, one after another."""
        if len(parts) == 1:
            return parts[0]
        return cls(Constants.joined([part.constants for part in parts]),
                   Formulas.joined([part.formulas for part in parts]),
                   [at for part in parts for at in part.others],
                   [at for part in parts for at in part.limits])

    def shifted(self, by: int) -> Bulk:
        """The same cells, their positions ``by`` characters further on."""
        for columns in (self.constants, self.formulas):
            columns.starts += by
            columns.ends += by
        return Bulk(self.constants, self.formulas, [at + by for at in self.others],
                    [at + by for at in self.limits])


def scan(text: str, shared: list[str], value: Callable[[str | None, str], Any]
         ) -> Bulk | None:
    """The cells of a sheet's XML ``text`` in the common forms; None for a sheet this does
    not read (see the module). ``shared`` are the workbook's shared strings; ``value(kind,
    raw)`` is a cell's value from its ``t`` attribute and value text, for a text other than
    a number or a shared string's index. A value text that cannot be read (``ValueError``,
    ``IndexError``) declines the sheet: the reader of one cell at a time reports it."""
    parts = []
    begin = 0
    while not parts or begin < len(text):  # a few thousand rows at a time: arrays that
        stop = text.find("<row", begin + _CHUNK)  # stay in cache
        stop = len(text) if stop < 0 else stop
        part = _scan_part(text[begin:stop], shared, value)
        if part is None:
            return None
        parts.append(part.shifted(begin))
        begin = stop
    return Bulk.joined(parts)


def _scan_part(text: str, shared: list[str], value: Callable[[str | None, str], Any]
               ) -> Bulk | None:
    """``scan`` of a stretch of the text holding whole rows (positions in it)."""
    data = text.encode("utf-8")
    size = len(data)
    a = np.frombuffer(data + bytes(_PAD), dtype=np.uint8)
    tags = _Tags.of(a, size)
    if tags is None or tags.declined(a) or (
            _may_hold_prefixed_cells(a, size) and _PREFIXED_CELL.search(text)):
        return None
    found = _Found(a, tags)
    try:
        return found.result(text, data, shared, value)
    except _DeclinedError:
        return None


class _DeclinedError(Exception):
    """A value text this reader does not read (the other reader reports it)."""


def _is(a: np.ndarray, at: np.ndarray, pattern: bytes) -> np.ndarray:
    """Whether ``pattern`` starts at each position ``at``."""
    mask = a[at] == pattern[0]
    for k, byte in enumerate(pattern[1:], start=1):
        mask &= a[at + k] == byte
    return mask


def _count(positions: np.ndarray, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """How many of ``positions`` (sorted) lie in each span ``[begin, end)``."""
    return np.searchsorted(positions, end) - np.searchsorted(positions, begin)


def _may_hold_prefixed_cells(a: np.ndarray, size: int) -> bool:
    """Whether ``:c`` followed by what may follow a cell's name is anywhere in the first
    ``size`` bytes (a cell element with a namespace prefix, ``<x:c ...>``, to look for)."""
    colons = np.flatnonzero(a[:size] == ord(":"))
    return bool(((a[colons + 1] == ord("c")) & _AFTER_NAME[a[colons + 2]]).any())


def _first(positions: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The first of ``positions`` (sorted, ending with a sentinel) at or after each of
    ``after``."""
    return positions[np.minimum(np.searchsorted(positions, after), len(positions) - 1)]


class _Tags:
    """Every tag of the text (``<`` to ``>``), in order. Read only where each ``<`` is
    closed by the next ``>`` before another ``<`` opens, so that a tag is a pair of
    positions and the tags after a cell's start tag are the next entries; Excel and
    openpyxl write no ``>`` in text (they write ``&gt;``)."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray) -> None:
        self.starts, self.ends = starts, ends

    @classmethod
    def of(cls, a: np.ndarray, size: int) -> _Tags | None:
        starts = np.flatnonzero(a[:size] == ord("<"))
        ends = np.flatnonzero(a[:size] == ord(">"))
        if len(starts) != len(ends) or not (
                (starts < ends).all() and (ends[:-1] < starts[1:]).all()):
            return None
        # past the last tag, tags at the padding (which match no name)
        more = np.full(_AHEAD, size, dtype=starts.dtype)
        return cls(np.concatenate([starts, more]), np.concatenate([ends, more]))

    def declined(self, a: np.ndarray) -> bool:
        """Whether a CDATA section opens here (its text may hold what looks like cells)."""
        starts = self.starts[:-_AHEAD]
        return bool(((a[starts + 1] == ord("!")) & (a[starts + 2] == ord("["))).any())

    def named(self, a: np.ndarray, at: np.ndarray, name: bytes) -> np.ndarray:
        """Whether the tags ``at`` are exactly ``name`` (``<v>``, ``</f>``...)."""
        return (self.ends[at] - self.starts[at] == len(name) - 1) & _is(a, self.starts[at], name)


class _Found:
    """Every cell's parts, as arrays (positions in bytes)."""

    def __init__(self, a: np.ndarray, tags: _Tags) -> None:
        self.a, self.tags = a, tags
        starts = tags.starts
        self.at = np.flatnonzero((a[starts + 1] == ord("c")) & _AFTER_NAME[a[starts + 2]])
        self.cells = starts[self.at]
        self.tag_end = tags.ends[self.at]  # the '>' ending each start tag
        self.closed = a[self.tag_end - 1] == ord("/")  # <c .../>
        self.simple = _is(a, self.cells, b'<c r="')
        self._address()
        self._type()
        self._bodies()

    def _address(self) -> None:
        """Row and column from ``r="AB12"`` (1-3 capitals, a row without a leading 0)."""
        window = self.a[self.cells[:, None] + 6 + np.arange(11)]
        capital = (window >= ord("A")) & (window <= ord("Z"))
        digit = (window >= ord("0")) & (window <= ord("9"))
        letters = np.argmin(capital, axis=1)
        place = np.arange(11)
        after = ~digit & (place >= letters[:, None])
        digits = np.argmax(after, axis=1) - letters
        rows = np.arange(len(self.cells))
        self.simple &= ((letters >= 1) & (letters <= 3) & (digits >= 1) & (digits <= 7)
                        & (window[rows, letters] != ord("0"))
                        & (window[rows, np.minimum(letters + digits, 10)] == ord('"')))
        col = np.zeros(len(self.cells), dtype=np.int64)
        for k in range(min(3, int(letters.max(initial=0)))):
            col = np.where(k < letters, col * 26 + window[:, k] - 64, col)
        row = np.zeros(len(self.cells), dtype=np.int64)
        for k in range(min(10, int((letters + digits).max(initial=0)))):
            inside = (k >= letters) & (k < letters + digits)
            row = np.where(inside, row * 10 + window[:, k] - 48, row)
        self.rows, self.cols = row, col
        self.after_address = self.cells + 6 + letters + digits + 1

    def _type(self) -> None:
        """The ``t`` attribute's code in KINDS (-1: one not read here), from the rest of
        the start tag. The rest must be attributes written ``name="value"`` (no quote but
        double ones, no space around ``=``, no whitespace but spaces), so that the first
        `` t="`` in it is the attribute."""
        a = self.a
        begin, end = self.after_address, self.tag_end - self.closed
        equals = np.flatnonzero(a == ord("="))
        loose = equals[(a[equals + 1] != ord('"')) | (a[equals - 1] == ord(" "))]
        odd = np.flatnonzero((a <= 13) | (a == ord("'")))  # whitespace but spaces, quotes
        self.simple &= _count(np.union1d(loose, odd), begin, end) == 0
        marks = equals[(a[equals - 1] == ord("t")) & (a[equals - 2] == ord(" "))] - 2
        at = _first(np.append(marks, len(a) - _PAD), begin)
        typed = np.flatnonzero(at < end)
        kinds = np.zeros(len(self.cells), dtype=np.int64)
        kinds[typed] = -1
        for code, name in enumerate(KINDS[1:], start=1):
            spelled = name.encode() + b'"'  # type: ignore[union-attr]
            kinds[typed[_is(a, at[typed] + 4, spelled)]] = code
        self.simple &= kinds >= 0
        self.kinds = kinds

    def _bodies(self) -> None:
        """The formula and value of each cell with a body, from the tags after its start
        tag: ``<f ...>TEXT</f>`` or ``<f .../>``, then ``<v>TEXT</v>``, then ``</c>``."""
        a, tags = self.a, self.tags
        starts, ends = tags.starts, tags.ends
        at = self.at + 1  # the tag after the start tag
        self.has_f = ~self.closed & _is(a, starts[at], b"<f") & _AFTER_F[a[starts[at] + 2]]
        f_closed = a[ends[at] - 1] == ord("/")
        self.f_attrs = (starts[at] + 2, ends[at] - f_closed)
        self.f_text = (ends[at] + 1, np.where(f_closed, ends[at] + 1, starts[at + 1]))
        self.simple &= ~self.has_f | f_closed | tags.named(a, at + 1, b"</f>")
        at = np.where(self.has_f, np.where(f_closed, at + 1, at + 2), at)
        self.has_v = ~self.closed & tags.named(a, at, b"<v>")
        self.simple &= ~self.has_v | tags.named(a, at + 1, b"</v>")
        self.raw = (ends[at] + 1, starts[at + 1])
        at = np.where(self.has_v, at + 2, at)
        self.simple &= self.closed | tags.named(a, at, b"</c>")
        #: where each element ends (for one not read here, where the next tag starts)
        self.ends = np.where(self.closed, self.tag_end, ends[at]) + 1

    def result(self, text: str, data: bytes, shared: list[str],
               value: Callable[[str | None, str], Any]) -> Bulk:
        """The cells read here as columns, the others' starts."""
        has_attrs = self.has_f & (self.f_attrs[1] > self.f_attrs[0])
        sharing = np.full(len(self.cells), None, dtype=object)
        if has_attrs.any():  # a formula shared from its anchor (or one to leave)
            sharing[has_attrs] = _shared_indices(data, self.f_attrs, has_attrs)
            no_text = self.f_text[1] == self.f_text[0]
            self.simple &= ~has_attrs | (no_text & np.not_equal(sharing, None))
        positions = _Positions(data, len(text))
        others = np.flatnonzero(~self.simple)
        nexts = np.append(self.cells[1:], len(data))
        ours = np.flatnonzero(self.simple)
        values = self._values(text, data, ours, positions, shared, value)
        formula = self.has_f[ours]
        return Bulk(
            self._columns(ours[~formula], values[~formula], positions),
            self._formulas(text, ours[formula], values[formula], positions,
                           sharing[ours[formula]]),
            positions.of(self.cells[others]).tolist(),
            positions.of(nexts[others]).tolist())

    def _values(self, text: str, data: bytes, ours: np.ndarray, positions: _Positions,
                shared: list[str], value: Callable[[str | None, str], Any]) -> np.ndarray:
        """Each cell's value: a number by ``float`` over its bytes, a shared string by its
        index, any other by ``value`` over its text; None without a value text."""
        out = np.full(len(ours), None, dtype=object)
        kinds = self.kinds[ours]
        raw = (self.raw[0][ours], self.raw[1][ours])
        has_v = self.has_v[ours]
        numeric = np.flatnonzero(has_v & (raw[1] > raw[0]) & np.isin(kinds, _NUMERIC))
        whole, numbers = _whole_numbers(self.a, raw[0][numeric], raw[1][numeric])
        out[numeric[whole]] = numbers
        rest = numeric[~whole]  # decimals, exponents...: Python reads them
        strings = np.flatnonzero(has_v & (kinds == _SHARED_STRING))
        other = np.flatnonzero(has_v & (kinds > _SHARED_STRING))
        try:
            out[rest] = list(map(float, _slices(data, (raw[0][rest], raw[1][rest]))))
            out[strings] = list(map(shared.__getitem__, map(int, _slices(
                data, (raw[0][strings], raw[1][strings])))))
            texts = _slices(text, (positions.of(raw[0][other]), positions.of(raw[1][other])))
            out[other] = list(map(value, map(KINDS.__getitem__, kinds[other].tolist()), texts))
        except (ValueError, IndexError):
            raise _DeclinedError from None
        return out

    def _columns(self, picked: np.ndarray, values: np.ndarray,
                 positions: _Positions) -> Constants:
        return Constants(self.rows[picked], self.cols[picked], values,
                         positions.of(self.cells[picked]), positions.of(self.ends[picked]))

    def _formulas(self, text: str, picked: np.ndarray, values: np.ndarray,
                  positions: _Positions, sharing: np.ndarray) -> Formulas:
        held = self._columns(picked, values, positions)
        plain = np.equal(sharing, None)  # a cell sharing a formula has no text of its own
        texts = np.full(len(picked), None, dtype=object)
        spans = (self.f_text[0][picked], self.f_text[1][picked])
        texts[plain] = _slices(text, (positions.of(spans[0]), positions.of(spans[1])), plain)
        ampersands = np.append(np.flatnonzero(self.a == ord("&")), len(self.a))
        escaped = plain & (_first(ampersands, spans[0]) < spans[1])  # &amp; &lt; ...
        if escaped.any():
            texts[escaped] = list(map(html.unescape, texts[escaped].tolist()))
        lengths = np.where(self.has_v[picked], positions.of(self.raw[1][picked])
                           - positions.of(self.raw[0][picked]), -1)
        codes = self.kinds[picked]
        kinds = (list(map(KINDS.__getitem__, codes.tolist())) if codes.any()
                 else [None] * len(picked))  # (numbers: no t attribute)
        return Formulas(held.rows, held.cols, held.values, held.starts, held.ends,
                        texts.tolist(), kinds, lengths, sharing.tolist())


def _whole_numbers(a: np.ndarray, starts: np.ndarray, ends: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Which texts ``a[start:end]`` are whole numbers of at most 15 digits (dates, counts,
    codes: nearly every number a case-level sheet holds), and their values as floats,
    exact (below 2**53) and equal to ``float`` of the text."""
    lengths = ends - starts
    whole = (lengths >= 1) & (lengths <= _DIGITS)
    numbers = np.zeros(len(starts), dtype=np.int64)
    longest = int(lengths[whole].max()) if whole.any() else 0
    for k in range(longest):
        inside = k < lengths
        digit = a[starts + k].astype(np.int64) - ord("0")
        whole &= ~inside | ((digit >= 0) & (digit <= 9))
        numbers = np.where(inside, numbers * 10 + digit, numbers)
    return whole, numbers[whole].astype(np.float64)


def _slices(source: Any, spans: tuple[np.ndarray, np.ndarray],
            picked: np.ndarray | None = None) -> list[Any]:
    """``source[start:end]`` for each span (those ``picked``)."""
    starts, ends = spans
    if picked is not None:
        starts, ends = starts[picked], ends[picked]
    return list(map(source.__getitem__, map(slice, starts.tolist(), ends.tolist())))


def _shared_indices(data: bytes, spans: tuple[np.ndarray, np.ndarray],
                    picked: np.ndarray) -> list[str | None]:
    """The shared formula's index of each ``<f>`` whose attributes only share one."""
    attributes = _slices(data, spans, picked)
    known = {attrs: sharing_index(attrs.decode("utf-8")) for attrs in set(attributes)}
    return list(map(known.__getitem__, attributes))


class _Positions:
    """Byte positions as the text's (character) positions."""

    def __init__(self, data: bytes, characters: int) -> None:
        self.continuing = None
        if characters != len(data):  # some characters took more than one byte
            a = np.frombuffer(data, dtype=np.uint8)
            self.continuing = np.flatnonzero((a & 0xC0) == 0x80)

    def of(self, at: np.ndarray) -> np.ndarray:
        if self.continuing is None:
            return at.astype(np.int64, copy=False)
        return at - np.searchsorted(self.continuing, at)
