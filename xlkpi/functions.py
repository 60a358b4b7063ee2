"""THE registry: every worksheet function, its Python implementation and its help text.

Every binding is generated from this table: the headless engine, the classic xlwings
UDFs, the Office.js server and xlwings Lite. Adding a function means adding one entry
here. ``KpiFunction.call`` is the one place where Python errors become Excel error
values, element by element: a bad cell in a 50,000-row range gives ``#VALUE!`` in that
cell and the rest of the column is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xlkpi.calendar import add_working_days, working_days
from xlkpi.dates import as_array
from xlkpi.errors import ExcelError, KpiError
from xlkpi.measures import change_text, pct, rate
from xlkpi.timescales import due_date, within

__all__ = ["REGISTRY", "REQUIRED", "Arg", "KpiFunction", "get", "register"]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: Marks an argument with no default.
REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Arg:
    """One argument of a worksheet function.

    ``kind``: ``value`` broadcasts element by element (a cell or a range); ``option`` is a
    single setting for the whole call (region, convention); ``series`` is a whole range
    taken as one input (the 13 months of a trend).
    """

    name: str
    description: str
    default: Any = REQUIRED
    kind: str = "value"

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class KpiFunction:
    """A worksheet function: Excel name, implementation, arguments, result and help."""

    name: str
    impl: Callable[..., Any]
    args: tuple[Arg, ...]
    result: str
    help: str
    ranges: bool = True
    category: str = "xlkpi"
    examples: tuple[str, ...] = field(default_factory=tuple)

    @property
    def python_name(self) -> str:
        """The name behind ``=KPI.RAG`` in the server: ``rag`` for ``KPI_RAG``."""
        return self.name.removeprefix("KPI_").lower()

    @property
    def min_args(self) -> int:
        return sum(a.required for a in self.args)

    @property
    def max_args(self) -> int:
        return len(self.args)

    def signature(self) -> str:
        """``KPI_WORKDAYS(start, end, [convention], [region], [closures])``."""
        parts = [a.name if a.required else f"[{a.name}]" for a in self.args]
        return f"{self.name}({', '.join(parts)})"

    def call(self, *args: Any) -> Any:
        """Evaluate with Excel semantics: errors become :class:`ExcelError` per element.

        A ``KpiError`` with a mask blanks those elements of the offending argument, the
        call is repeated once per offending argument, and the errors are put back into
        the result in their cells. An error about a whole-call setting fills the result.
        """
        if not self.min_args <= len(args) <= self.max_args:
            return ExcelError(
                "#VALUE!", f"{self.signature()} takes {self.min_args} to {self.max_args} "
                f"arguments, not {len(args)}"
            )
        values = [_blank_to_default(v, a) for v, a in zip(args, self.args, strict=False)]
        values += [a.default for a in self.args[len(values):]]
        try:
            np.broadcast_shapes(*(np.shape(as_array(v)) for v, a in
                                  zip(values, self.args, strict=True) if a.kind == "value"))
        except ValueError:
            return ExcelError("#VALUE!", f"{self.name}: the ranges given are not the same "
                              "size (or one row and one column)")
        errors: list[tuple[np.ndarray, np.ndarray]] = []
        names = [a.name for a in self.args]
        for _ in range(len(self.args) + 1):
            try:
                result = self.impl(*values)
                break
            except KpiError as err:
                cell_error = ExcelError(err.excel, str(err))
                index = names.index(err.argument) if err.argument in names else None
                if (err.mask is None or index is None or not np.any(err.mask)
                        or self.args[index].kind != "value"):
                    # a setting (a region, the closure dates) is one for every cell
                    return _fill(cell_error, self._shape(values))
                raw = as_array(values[index]).astype(object)
                if raw.shape != err.mask.shape:
                    return _fill(cell_error, self._shape(values))
                errors.append((err.mask, _cell_errors(err, raw)))
                raw[err.mask] = None
                values[index] = raw if raw.ndim else raw[()]
            except (TypeError, ValueError, ArithmeticError, IndexError) as err:
                # a bug, not bad input: the cells say so (and tests look for it) rather
                # than the whole range crashing
                return _fill(ExcelError("#VALUE!", f"internal error in {self.name}: "
                                        f"{type(err).__name__}: {err}"), self._shape(values))
        else:  # pragma: no cover - every retry removes at least one bad element
            return _fill(ExcelError("#VALUE!", "could not evaluate"), self._shape(values))
        return _merge(result, errors)

    def _shape(self, values: list[Any]) -> tuple[int, ...]:
        shapes = [
            np.shape(as_array(v)) for v, a in zip(values, self.args, strict=True)
            if a.kind == "value"
        ]
        try:
            return np.broadcast_shapes(*shapes) if shapes else ()
        except ValueError:
            return ()


def _blank_to_default(value: Any, arg: Arg) -> Any:
    """An omitted optional setting (a blank cell) takes its default."""
    blank = value is None or (isinstance(value, str) and value == "")
    if arg.kind == "option" and not arg.required and blank:
        return arg.default
    return value


def _cell_errors(err: KpiError, raw: np.ndarray) -> np.ndarray:
    """One error per bad element, each naming its own value."""
    out = np.empty(raw.shape, dtype=object)
    for index in map(tuple, np.argwhere(err.mask)):
        message = f"{err.argument}: {raw[index]!r} {err.reason}" if err.reason else str(err)
        out[index] = ExcelError(err.excel, message)
    return out


def _fill(error: ExcelError, shape: tuple[int, ...]) -> Any:
    if shape == ():
        return error
    out = np.empty(shape, dtype=object)
    out.fill(error)
    return out


def _merge(result: Any, errors: list[tuple[np.ndarray, np.ndarray]]) -> Any:
    if not errors:
        return result
    shape = np.broadcast_shapes(np.shape(result), *(m.shape for m, _ in errors))
    if shape == ():
        return errors[0][1][()]
    out = np.array(np.broadcast_to(np.asarray(result, dtype=object), shape))
    for mask, cell_errors in errors:
        where = np.broadcast_to(mask, shape)
        out[where] = np.broadcast_to(cell_errors, shape)[where]
    return out


#: Excel name -> function. Bindings iterate over this and nothing else.
REGISTRY: dict[str, KpiFunction] = {}


def register(fn: KpiFunction) -> KpiFunction:
    """Add a function to the registry (names are unique)."""
    if fn.name in REGISTRY:
        raise ValueError(f"{fn.name} is registered twice")
    REGISTRY[fn.name] = fn
    return fn


def get(name: str) -> KpiFunction:
    """The registry entry for an Excel name in any stored form (``_xldudf_KPI_RAG``)."""
    key = name.strip().upper()
    for prefix in ("_XLDUDF_KPI_DEV_", "_XLDUDF_KPI_", "KPI."):
        if key.startswith(prefix):
            key = "KPI_" + key.removeprefix(prefix)
    return REGISTRY[key]


_START = Arg("start", "Start date: a date cell, a serial number, 2017-01-31 or 31/01/2017")
_REGION = Arg("region", "Bank-holiday region: ENG, WLS, SCT or NIR", "ENG", "option")
_CLOSURES = Arg("closures", "Council closure dates (a range of dates)", None, "option")

register(KpiFunction(
    "KPI_WORKDAYS", working_days,
    (
        _START,
        Arg("end", "End date"),
        Arg("convention", "elapsed (start day is day 0) or inclusive (as NETWORKDAYS)",
            "elapsed", "option"),
        _REGION, _CLOSURES,
    ),
    "Working days between start and end (negative when end is before start)",
    "Working days from start to end. 'elapsed' counts the days after the start up to and "
    "including the end, as statutory timescales do; 'inclusive' is Excel's NETWORKDAYS.",
    examples=("=KPI_WORKDAYS(DATE(2023,5,5), DATE(2023,5,10)) -> 2",),
))
register(KpiFunction(
    "KPI_WORKDAY", add_working_days,
    (_START, Arg("days", "Working days to add (negative goes back)"), _REGION, _CLOSURES),
    "The date that many working days after start",
    "Excel's WORKDAY with the region's bank holidays and council closures.",
    examples=("=KPI_WORKDAY(DATE(2023,5,5), 2) -> 10/05/2023",),
))
register(KpiFunction(
    "KPI_DUE", due_date,
    (
        _START,
        Arg("timescale", "A timescale code (ASSESSMENT, ICPC, RCPC_FIRST, ...) or a number"),
        Arg("unit", "WD, D, W or M when timescale is a number", None, "option"),
        _REGION, _CLOSURES,
    ),
    "The due date of a statutory timescale",
    "When a task started on start is due: ASSESSMENT is 45 working days from referral, "
    "ICPC 15 working days from the strategy discussion, RCPC_FIRST 3 months from the ICPC.",
))
register(KpiFunction(
    "KPI_WITHIN", within,
    (
        _START,
        Arg("end", "Completion date (blank while the task is open)"),
        Arg("timescale", "A timescale code or a limit in units"),
        Arg("unit", "WD, D, W or M when timescale is a number", "WD", "option"),
        Arg("as_of", "Reporting date: an open task past its due date is late", None),
        _REGION, _CLOSURES,
    ),
    "TRUE when done in time, FALSE when late, blank while still in time",
    "Whether a task was done within its timescale. With end blank, FALSE once as_of is "
    "past the due date, blank while it is still in time.",
))
register(KpiFunction(
    "KPI_PCT", pct,
    (Arg("numerator", "Cases meeting the measure"), Arg("denominator", "All cases")),
    "The fraction (format the cell as %), or N/A with no denominator",
    "numerator / denominator; a zero or blank denominator gives N/A, never 0%.",
))
register(KpiFunction(
    "KPI_RATE", rate,
    (
        Arg("count", "Number of children"),
        Arg("population", "Population, usually children aged 0-17"),
        Arg("per", "Rate per this many (10,000)", 10_000, "option"),
    ),
    "Rate per 10,000, or N/A with no population",
    "count / population x 10,000, the rate scorecards compare with England and "
    "statistical neighbours.",
))
register(KpiFunction(
    "KPI_CHANGE", change_text,
    (
        Arg("current", "This period's value"),
        Arg("previous", "The value to compare with"),
        Arg("style", "count: -5,821 (-17.1%); points: 2.9% for percentages", "count",
            "option"),
    ),
    "Change text such as -5,821 (-17.1%)",
    "The difference and percentage change, as the county report's Difference rows print it.",
))

# RAG ratings, direction of travel, trend, quartiles and symbols (issue 4). Imported here,
# after the foundation's entries, so this block can be appended without touching the rest.
from xlkpi.rag import rag, rag_from_text, rag_target  # noqa: E402
from xlkpi.trend import direction, quartile, symbol, trend  # noqa: E402

_POLARITY = Arg("polarity", "Which way is good: High / BIB / Higher is better, Low / SIB / "
                "Lower is better, To Target, or Info / N/A / blank for no judgement")

register(KpiFunction(
    "KPI_RAG", rag,
    (
        Arg("value", "The indicator's value (43% is 0.43)"),
        _POLARITY,
        Arg("red", "Red tolerance: worse than this is Red"),
        Arg("green", "Green tolerance: this or better is Green"),
    ),
    "Green, Amber, Red, or blank for no judgement",
    "RAG from tolerance thresholds as the county report's Red and Green columns: when high "
    "is better Green at or above green, Red below red, else Amber; when low is better the "
    "mirror. Info, N/A or a blank polarity gives a blank.",
    examples=("=KPI_RAG(78.2%, \"High\", 70%, 80%) -> Amber",),
))
register(KpiFunction(
    "KPI_RAG_TARGET", rag_target,
    (
        Arg("value", "The indicator's value"),
        Arg("target", "The target"),
        _POLARITY,
        Arg("tolerance", "Amber band as a fraction of the target (0.1 = 10%)", 0.1),
    ),
    "Green, Amber, Red, or blank for no judgement",
    "RAG by distance from target: Green when the target is met, Amber within tolerance of "
    "it, Red beyond. To Target: Green within tolerance either side, Amber within twice it.",
    examples=("=KPI_RAG_TARGET(82%, 90%, \"BIB\") -> Amber",),
))
register(KpiFunction(
    "KPI_RAG_TEXT", rag_from_text,
    (
        Arg("value", "The indicator's value (43% is 0.43)"),
        Arg("text", "RAG methodology text, e.g. 90% or above Green 85%-89% Amber "
            "84% and below Red"),
    ),
    "Green, Amber, Red, or blank for a blank text",
    "RAG from the improvement board's methodology text, read at the text's own precision "
    "(85%-89% covers 84.5% to 89.5%). A value in a gap takes the worse band; in an "
    "overlap the band written first. Yellow means Amber.",
    examples=("=KPI_RAG_TEXT(82%, \"90% or above Green 85%-89% Amber 84% and below Red\")"
              " -> Red",),
))
register(KpiFunction(
    "KPI_DOT", direction,
    (
        Arg("current", "This period's value"),
        Arg("previous", "The value to compare with (last month, last year)"),
        Arg("polarity", "Which way is good; blank for the raw direction", None),
        Arg("tolerance", "Differences up to this (in the values' units) are No change", 0),
    ),
    "Improving / Worsening / No change, or Up / Down / No change",
    "Direction of travel. With a polarity of high or low it judges performance; with none "
    "(or Info, N/A, To Target) it gives the raw direction.",
    examples=("=KPI_DOT(23.8%, 20.0%, \"Low\") -> Worsening",),
))
register(KpiFunction(
    "KPI_TREND", trend,
    (Arg("values", "The months in order, oldest first: one row or one column", kind="series"),),
    "Increasing / Reducing / Stable / Dataset is incomplete",
    "The sign of the least-squares slope over the values (the county report's 'Trend 13 "
    "month linear'). Any blank or non-numeric cell gives Dataset is incomplete.",
    examples=("=KPI_TREND(C5:C17) -> Increasing",),
))
register(KpiFunction(
    "KPI_QUARTILE", quartile,
    (
        Arg("value", "The indicator's value"),
        Arg("benchmarks", "Benchmark values, e.g. statistical neighbours", kind="series"),
        _POLARITY,
    ),
    "1 to 4, 1 being the best quarter",
    "Which quarter of the benchmark values the value falls in, respecting polarity; cut "
    "points are QUARTILE.INC of the benchmarks and a value on one takes the better quarter.",
))
register(KpiFunction(
    "KPI_SYMBOL", symbol,
    (
        Arg("status", "A status word: Green, Amber, Red, Improving, Up, Increasing, ..."),
        Arg("set", "Symbol set: default (★ ■ ✖ ↑ ↓ ➡), double (↔), faces or words",
            "default", "option"),
    ),
    "The symbol for the status",
    "The symbol a report shows for a status: the county report's ★ Green, ■ Amber, ✖ Red "
    "and ↑ ↓ ➡ arrows by default.",
    examples=("=KPI_SYMBOL(\"Green\") -> ★",),
))
