"""Excel's logical functions: IF, AND, OR, XOR, NOT, IFERROR, IFNA, IFS, SWITCH, TRUE, FALSE.

AND, OR and XOR read every value of their arguments: in a range or array, TRUE/FALSE and
numbers count, text and blanks are skipped; a value given directly may also be the text
"TRUE" or "FALSE" (other text is skipped); an error anywhere is that error, and no
logical value at all is ``#VALUE!``. IF, NOT, IFERROR, IFNA, IFS and SWITCH work element
by element over ranges and arrays (a shorter array is padded with #N/A).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import EMPTY, ExcelValueError, boolean, fail, xl_error
from xlkpi.workbook.natives.information import is_number, is_text
from xlkpi.workbook.natives.lifting import lift
from xlkpi.workbook.xlvalues import XlError

__all__ = ["FUNCTIONS", "logicals"]


def logicals(args: tuple[Any, ...]) -> Iterator[bool]:
    """The logical values AND, OR and XOR see in their arguments, in order (raises the
    first error met)."""
    found: list[bool] = []
    for arg in args:
        if isinstance(arg, np.ndarray) and arg.ndim == 0:
            arg = arg.ravel()[0]
        if isinstance(arg, np.ndarray):
            for value in arg.ravel().tolist():
                if isinstance(value, XlError):
                    raise fail(str(value))
                if isinstance(value, bool | np.bool_) or is_number(value):
                    found.append(bool(value))
            continue
        if isinstance(arg, XlError):
            raise fail(str(arg))
        if is_text(arg):
            if arg.strip().upper() in ("TRUE", "FALSE"):
                found.append(arg.strip().upper() == "TRUE")
        elif arg is not EMPTY and arg is not None:
            found.append(boolean(arg))
    yield from found


def _gather(args: tuple[Any, ...]) -> list[bool] | XlError:
    try:
        found = list(logicals(args))
    except ExcelValueError as err:
        return xl_error(err.code)
    return found if found else xl_error("#VALUE!")


def xand(*args: Any) -> bool | XlError:
    """AND: TRUE when every logical value is TRUE."""
    found = _gather(args)
    return found if isinstance(found, XlError) else all(found)


def xor(*args: Any) -> bool | XlError:
    """OR: TRUE when any logical value is TRUE."""
    found = _gather(args)
    return found if isinstance(found, XlError) else any(found)


def xxor(*args: Any) -> bool | XlError:
    """XOR: TRUE when an odd number of logical values are TRUE."""
    found = _gather(args)
    return found if isinstance(found, XlError) else sum(found) % 2 == 1


@lift()
def xnot(value: Any) -> bool:
    """NOT: the opposite of a condition (a blank is FALSE, so NOT gives TRUE)."""
    return not boolean(value)


def _shown(value: Any) -> Any:
    """A value as a result: a blank cell gives 0."""
    return 0.0 if value is EMPTY or value is None else value


@lift(errors_pass=True)
def xif(condition: Any, value_if_true: Any, value_if_false: Any = False) -> Any:
    """IF: ``value_if_true`` where the condition holds (a number not 0, TRUE, the text
    "TRUE"), else ``value_if_false`` (FALSE when not given); other text is #VALUE!, an
    error condition is that error; an error in the branch not taken does not matter."""
    if isinstance(condition, XlError):
        return condition
    holds = condition is not EMPTY and condition is not None and boolean(condition)
    return _shown(value_if_true if holds else value_if_false)


@lift(errors_pass=True)
def iferror(value: Any, value_if_error: Any) -> Any:
    """IFERROR: the value, or ``value_if_error`` where it is an error."""
    return _shown(value_if_error if isinstance(value, XlError) else value)


@lift(errors_pass=True)
def ifna(value: Any, value_if_na: Any) -> Any:
    """IFNA: the value, or ``value_if_na`` where it is #N/A."""
    return _shown(value_if_na if isinstance(value, XlError) and str(value) == "#N/A"
                  else value)


@lift(errors_pass=True)
def ifs(*args: Any) -> Any:
    """IFS: the value after the first TRUE condition; an error in a condition reached is
    that error; none TRUE: #N/A."""
    if len(args) < 2 or len(args) % 2:
        raise fail("#N/A")
    for condition, value in zip(args[::2], args[1::2], strict=True):
        if isinstance(condition, XlError):
            return condition
        if condition is not EMPTY and boolean(condition):
            return _shown(value)
    raise fail("#N/A")


def _matches(expression: Any, value: Any) -> bool:
    """SWITCH's comparison: same type and equal, text without regard to case; a blank
    is the number 0 (it matches 0, not "" or FALSE)."""
    expression, value = (0.0 if v is EMPTY or v is None else v for v in (expression, value))
    if isinstance(expression, bool | np.bool_) or isinstance(value, bool | np.bool_):
        return (isinstance(expression, bool | np.bool_) and isinstance(value, bool | np.bool_)
                and bool(expression) == bool(value))
    if is_number(expression):
        return is_number(value) and float(expression) == float(value)
    return is_text(expression) and is_text(value) and (
        expression.casefold() == value.casefold())


@lift(errors_pass=True)
def switch(expression: Any, *cases: Any) -> Any:
    """SWITCH: the result paired with the first value equal to the expression, else the
    default (an odd last argument), else #N/A. An error expression is that error."""
    if isinstance(expression, XlError):
        return expression
    if not cases:
        raise fail("#VALUE!")
    pairs = len(cases) // 2
    for k in range(pairs):
        value = cases[2 * k]
        if isinstance(value, XlError):
            return value
        if _matches(expression, value):
            return _shown(cases[2 * k + 1])
    if len(cases) % 2:
        return _shown(cases[-1])
    raise fail("#N/A")


def xtrue() -> bool:
    """TRUE()."""
    return True


def xfalse() -> bool:
    """FALSE()."""
    return False


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "IF": xif,
    "AND": xand,
    "OR": xor,
    "XOR": xxor,
    "NOT": xnot,
    "IFERROR": iferror,
    "IFNA": ifna,
    "IFS": ifs,
    "SWITCH": switch,
    "TRUE": xtrue,
    "FALSE": xfalse,
}
