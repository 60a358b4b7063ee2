"""Polarity and status vocabularies as data: which way is good, and the words for a rating.

Scorecards spell polarity many ways: the county report's "Good perf. is" column says
``High`` / ``Low`` / ``Info``; the improvement board's "Polarity" column says ``BIB``
(bigger is better) / ``SIB`` (smaller is better); Herefordshire's "Measure" says
``Higher is Better`` / ``Lower is Better`` / ``To Target`` / ``N/A``. Each spelling maps to
one of four polarities here, and one engine (:func:`polarity_codes`) reads them all,
whole columns at a time.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlkpi.dates import as_array, bad_input
from xlkpi.uniques import factorize

__all__ = [
    "AMBER",
    "BLANK",
    "GREEN",
    "HIGH",
    "LOW",
    "NO_JUDGEMENT",
    "POLARITY_WORDS",
    "RED",
    "STATUS_NAMES",
    "STATUS_WORDS",
    "TO_TARGET",
    "normalise_word",
    "polarity_codes",
    "refuse_to_target",
]

#: Polarity codes: high is better, low is better, closeness to a target, no judgement.
HIGH, LOW, TO_TARGET, NO_JUDGEMENT = 1, -1, 2, 0

#: Every polarity spelling in the seed reports (and their obvious variants), lower case.
POLARITY_WORDS: dict[str, int] = {
    # high is better: county report "High", Herefordshire "Higher is Better", board "BIB"
    "high": HIGH,
    "higher": HIGH,
    "h": HIGH,
    "higher is better": HIGH,
    "high is better": HIGH,
    "high is good": HIGH,
    "bib": HIGH,
    "bigger is better": HIGH,
    # low is better: "Low", "Lower is Better", "SIB"
    "low": LOW,
    "lower": LOW,
    "l": LOW,
    "lower is better": LOW,
    "low is better": LOW,
    "low is good": LOW,
    "sib": LOW,
    "smaller is better": LOW,
    # closeness to a target: Herefordshire "To Target" (re-referrals)
    "to target": TO_TARGET,
    "target": TO_TARGET,
    "close to target": TO_TARGET,
    # no judgement: county report "Info" and "-", Herefordshire "N/A", a blank cell
    "info": NO_JUDGEMENT,
    "information": NO_JUDGEMENT,
    "n/a": NO_JUDGEMENT,
    "na": NO_JUDGEMENT,
    "none": NO_JUDGEMENT,
    "-": NO_JUDGEMENT,
    "": NO_JUDGEMENT,
}

#: Status codes of a RAG rating; a larger code is a worse rating.
BLANK, GREEN, AMBER, RED = 0, 1, 2, 3
#: The word shown for each status code (blank is an empty cell).
STATUS_NAMES: dict[int, str | None] = {BLANK: None, GREEN: "Green", AMBER: "Amber", RED: "Red"}
#: Status words as written in reports; the improvement board writes Yellow for Amber.
STATUS_WORDS: dict[str, int] = {"green": GREEN, "amber": AMBER, "yellow": AMBER, "red": RED}


def normalise_word(value: Any) -> str:
    """A cell's text as a vocabulary key: trimmed, single-spaced, lower case, no full stop."""
    return " ".join(str(value).split()).lower().rstrip(".")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def polarity_codes(polarity: Any, name: str = "polarity") -> np.ndarray:
    """Polarity cells as codes (HIGH, LOW, TO_TARGET, NO_JUDGEMENT) in the cells' shape.

    Blank cells mean no judgement. A word not in :data:`POLARITY_WORDS` raises
    :class:`~xlkpi.errors.KpiError` whose mask marks just those cells.
    """
    arr = as_array(polarity)
    if arr.ndim == 0:
        value = arr[()]
        code = _lookup(value)
        if code is None:
            raise bad_input(name, arr, np.array(True), _UNKNOWN)
        return np.array(code, dtype=np.int8)
    index, uniques = factorize(arr.ravel().astype(object))
    looked_up = [_lookup(u) for u in uniques]  # one look-up per distinct word
    unknown = np.array([c is None for c in looked_up] + [False])
    table = np.array([NO_JUDGEMENT if c is None else c for c in looked_up] + [NO_JUDGEMENT],
                     dtype=np.int8)
    if unknown.any():
        raise bad_input(name, arr, unknown[index].reshape(arr.shape), _UNKNOWN)
    return table[index].reshape(arr.shape)


_UNKNOWN = ("is not a polarity (use High, Low, BIB, SIB, Higher is Better, "
            "Lower is Better, To Target or Info)")


def _lookup(value: Any) -> int | None:
    if _is_blank(value):
        return NO_JUDGEMENT
    if not isinstance(value, str):
        return None
    return POLARITY_WORDS.get(normalise_word(value))


def refuse_to_target(polarity: Any, codes: np.ndarray, function: str) -> None:
    """``To Target`` needs a target: functions without one refuse it, cell by cell."""
    bad = codes == TO_TARGET
    if bad.any():
        raise bad_input("polarity", as_array(polarity), bad,
                        f"rates closeness to a target, which {function} cannot judge "
                        "without one (use KPI_RAG_TARGET)")
