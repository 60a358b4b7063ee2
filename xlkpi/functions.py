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
        errors: list[tuple[np.ndarray, np.ndarray]] = []
        names = [a.name for a in self.args]
        for _ in range(len(self.args) + 1):
            try:
                result = self.impl(*values)
                break
            except KpiError as err:
                cell_error = ExcelError(err.excel, str(err))
                index = names.index(err.argument) if err.argument in names else None
                if err.mask is None or index is None or not np.any(err.mask):
                    return _fill(cell_error, self._shape(values))
                raw = as_array(values[index]).astype(object)
                if raw.shape != err.mask.shape:
                    return _fill(cell_error, self._shape(values))
                errors.append((err.mask, _cell_errors(err, raw)))
                raw[err.mask] = None
                values[index] = raw if raw.ndim else raw[()]
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
    if arg.kind == "option" and not arg.required and (value is None or value == ""):
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
