"""Direction of travel, linear trend, benchmark quartiles and display symbols.

- :func:`direction` (``KPI_DOT``): this period against the last, judged by polarity as the
  county report's "DOT (Month on Month)" column is, or the raw direction as the
  Herefordshire pages' "Direction of Travel (Comparator with last year)" arrows are.
- :func:`trend` (``KPI_TREND``): the county report's "Trend 13 month linear" row: the sign
  of the least-squares slope, not last minus first.
- :func:`quartile` (``KPI_QUARTILE``): which quarter of the benchmark values (statistical
  neighbours, all England) a value is in, 1 being the best.
- :func:`symbol` (``KPI_SYMBOL``): the symbol a report shows for a status word.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlkpi.calendar import _wrap
from xlkpi.dates import as_array, bad_input
from xlkpi.errors import KpiError
from xlkpi.numbers import parse_numbers
from xlkpi.polarity import HIGH, LOW, normalise_word, polarity_codes, refuse_to_target
from xlkpi.uniques import factorize

__all__ = [
    "DIRECTION_WORDS",
    "SYMBOL_SETS",
    "TREND_WORDS",
    "direction",
    "quartile",
    "read_status",
    "symbol",
    "trend",
]

#: KPI_DOT results by code (0 is a blank cell).
DIRECTION_WORDS = (None, "Improving", "Worsening", "No change", "Up", "Down")
_IMPROVING, _WORSENING, _NO_CHANGE, _UP, _DOWN = 1, 2, 3, 4, 5
_DIRECTION_NAMES = np.array(DIRECTION_WORDS, dtype=object)
#: KPI_TREND verdicts, as the county report words them (without its full stop).
INCREASING, REDUCING, STABLE, INCOMPLETE = (
    "Increasing", "Reducing", "Stable", "Dataset is incomplete")
TREND_WORDS = (INCREASING, REDUCING, STABLE, INCOMPLETE)
#: Equal to this relative precision counts as equal (float noise, not a movement).
_REL_NOISE = 1e-9


def direction(current: Any, previous: Any, polarity: Any = None, tolerance: Any = 0) -> Any:
    """Direction of travel from ``previous`` to ``current``.

    With a polarity of high or low: ``Improving`` / ``Worsening``, ``No change`` when the
    values differ by no more than ``tolerance`` (in the values' own units). With no
    polarity (blank, Info, N/A) or To Target, which has no better side without a target:
    the raw ``Up`` / ``Down`` / ``No change``. A blank value gives a blank.
    """
    cur = parse_numbers(current, "current")
    prev = parse_numbers(previous, "previous")
    codes = polarity_codes(polarity)
    tol = parse_numbers(tolerance, "tolerance")
    negative = tol < 0
    if negative.any():
        raise bad_input("tolerance", as_array(tolerance), negative, "must be 0 or more")
    tol = np.nan_to_num(tol)
    cur, prev, p, tol = np.broadcast_arrays(cur, prev, codes, tol)
    diff = cur - prev
    with np.errstate(invalid="ignore"):
        noise = _REL_NOISE * np.maximum(np.abs(cur), np.abs(prev))
        same = np.abs(diff) <= tol + noise
    judged = (p == HIGH) | (p == LOW)
    better = np.sign(diff) * p  # HIGH is +1, LOW is -1: positive means improving
    code = np.select(
        [np.isnan(diff), same, judged & (better > 0), judged, diff > 0],
        [0, _NO_CHANGE, _IMPROVING, _WORSENING, _UP],
        _DOWN,
    )
    words = np.asarray(_DIRECTION_NAMES[code], dtype=object)
    return _wrap(words, (current, previous, polarity, tolerance))


def _series(values: Any, name: str) -> np.ndarray:
    """A row or a column of cells as a 1-D object/number array."""
    if not isinstance(values, np.ndarray) and hasattr(values, "to_numpy"):  # a DataFrame
        values = values.to_numpy()
    # a list keeps TRUE/FALSE cells as booleans (numpy alone would make them 1 and 0)
    listed = isinstance(values, list | tuple)
    arr = np.array(values, dtype=object) if listed else as_array(values)
    if arr.ndim == 2 and 1 in arr.shape:
        return arr.reshape(-1)
    if arr.ndim > 1:
        raise KpiError(f"{name}: give one row or one column, not a {arr.shape[0]} x "
                       f"{arr.shape[1]} block", argument=name)
    return arr.reshape(-1)


def trend(values: Any) -> str:
    """The county report's "Trend 13 month linear": the sign of the least-squares slope of
    the values in order (oldest first).

    ``Increasing`` / ``Reducing``; ``Stable`` when the slope is zero up to float noise
    (relative 1e-9); ``Dataset is incomplete`` when any cell is blank or not a number
    (``-``, ``FALSE``, ``n/a``), or there are fewer than two values. Adding a constant to
    every value leaves the slope, and so the verdict, unchanged.
    """
    cells = _series(values, "values")
    try:
        y = np.asarray(parse_numbers(cells, "values"), dtype=np.float64)
    except KpiError:
        return INCOMPLETE
    if y.size < 2 or np.isnan(y).any():
        return INCOMPLETE
    weights = np.arange(y.size) - (y.size - 1) / 2  # centred months: the slope's numerator
    slope = float(weights @ y)
    noise = _REL_NOISE * float(np.abs(weights) @ np.abs(y))
    if abs(slope) <= noise:
        return STABLE
    return INCREASING if slope > 0 else REDUCING


def quartile(value: Any, benchmarks: Any, polarity: Any) -> Any:
    """Which quarter of ``benchmarks`` ``value`` falls in: 1 is the best, 4 the worst.

    Quartile cut points are Excel's ``QUARTILE.INC`` of the benchmark values (blanks are
    left out). High is better: 1 at or above the upper quartile, 2 at or above the median,
    3 at or above the lower quartile, else 4; low is better mirrors it. A value on a cut
    point takes the better quarter (the DfE's "top quartile" figure is in quarter 1).
    Blank value, Info / N/A / blank polarity, or no benchmark values give a blank;
    To Target is an error for that cell (it has no better end).
    """
    codes = polarity_codes(polarity)
    refuse_to_target(polarity, codes, "KPI_QUARTILE")
    v = parse_numbers(value, "value")
    try:
        bench = np.asarray(parse_numbers(_series(benchmarks, "benchmarks"), "benchmarks"))
    except KpiError as exc:  # a range is one input: the error is for the whole call
        raise KpiError(str(exc), argument="benchmarks") from None
    bench = bench[~np.isnan(bench)]
    v, p = np.broadcast_arrays(v, codes)
    blank = np.isnan(v) | ~((p == HIGH) | (p == LOW))
    if bench.size == 0:
        blank = np.ones(v.shape, dtype=bool)
        cuts = np.zeros(3)
    else:
        cuts = np.percentile(bench, [25, 50, 75])  # linear: Excel's QUARTILE.INC
    slack = _REL_NOISE * max(float(np.abs(cuts).max()), 1.0)
    with np.errstate(invalid="ignore"):
        high = np.select([v >= cuts[2] - slack, v >= cuts[1] - slack, v >= cuts[0] - slack],
                         [1, 2, 3], 4)
        low = np.select([v <= cuts[0] + slack, v <= cuts[1] + slack, v <= cuts[2] + slack],
                        [1, 2, 3], 4)
    result = np.where(p == HIGH, high, low)
    if blank.any():
        result = np.where(blank, np.nan, result)
    return _wrap(result, (value, polarity))


_DIRECTIONS = {"Improving": "↑", "Worsening": "↓", "No change": "➡", "Up": "↑", "Down": "↓",
               "Increasing": "↑", "Reducing": "↓", "Stable": "➡", INCOMPLETE: "-"}
#: Display symbols by set, for every status word xlkpi returns. ``default`` is the county
#: report's: ★ Green, ■ Amber, ✖ Red, ↑ ↓ ➡ for direction (and "-" where it has none);
#: ``double`` writes no change as ↔ (its adoptions row 10.1); ``faces`` are Herefordshire's
#: "Overall assessment" faces; ``words`` gives the status word itself, so it also reads a
#: symbol back (``★`` -> ``Green``) and tidies spellings (``Yellow`` -> ``Amber``).
SYMBOL_SETS: dict[str, dict[str, str]] = {
    "default": {"Green": "★", "Amber": "■", "Red": "✖", **_DIRECTIONS},
    "double": {"Green": "★", "Amber": "■", "Red": "✖", **_DIRECTIONS,
               "No change": "↔", "Stable": "↔"},
    "faces": {"Green": "😊", "Amber": "😐", "Red": "☹️", **_DIRECTIONS,
              "Improving": "😊", "Worsening": "☹️", "No change": "😐"},
    "words": {word: word for word in ("Green", "Amber", "Red", *_DIRECTIONS)},
}


def _status_aliases() -> dict[str, str]:
    """Every spelling :func:`symbol` reads: the words, Yellow, and any symbol that stands
    for one status only in every set (★ is Green; ↑ could be Improving or Up, so it is not
    read)."""
    aliases = {normalise_word(w): w for w in SYMBOL_SETS["words"]}
    aliases["yellow"] = "Amber"
    meanings: dict[str, set[str]] = {}
    for table in SYMBOL_SETS.values():
        for word, sym in table.items():
            meanings.setdefault(sym, set()).add(word)
    aliases.update({sym: next(iter(m)) for sym, m in meanings.items()
                    if len(m) == 1 and sym not in aliases})
    return aliases


_ALIASES = _status_aliases()


def read_status(text: Any) -> str | None:
    """The status word a cell's text stands for (``yellow`` -> ``Amber``, ``★`` ->
    ``Green``, ``no change`` -> ``No change``); None for anything else."""
    return _ALIASES.get(normalise_word(text)) if isinstance(text, str) else None


def symbol(status: Any, set: str = "default") -> Any:
    """The symbol a report shows for a status word (``Green`` -> ``★`` in the default set).

    Reads every word KPI_RAG, KPI_DOT and KPI_TREND return, ``Yellow`` and unambiguous
    symbols, in any case; blank gives blank; anything else is an error for that cell.
    """
    key = normalise_word(set) if set is not None else "default"
    table = SYMBOL_SETS.get(key or "default")
    if table is None:
        raise KpiError(f"set: {set!r} is not a symbol set; use one of "
                       f"{', '.join(SYMBOL_SETS)}", argument="set")
    cells = as_array(status)
    index, uniques = factorize(cells.reshape(-1).astype(object))
    words = [read_status(u) for u in uniques]
    known = np.array([w is not None or _blank_text(u) for w, u in zip(words, uniques,
                                                                       strict=True)] + [True])
    if not known.all():
        raise bad_input("status", cells, ~known[index].reshape(cells.shape),
                        "is not a status word (Green, Amber, Red, Improving, Up, ...)")
    shown = np.array([table[w] if w else None for w in words] + [None], dtype=object)
    return _wrap(shown[index].reshape(cells.shape), (status,))


def _blank_text(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()
