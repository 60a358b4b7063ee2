"""``lift``: :func:`~xlkpi.workbook.natives.base.elementwise` with Excel's error values kept
whole when arrays are broadcast.

``numpy.full`` turns an ``XlError`` (a ``str`` subclass) into plain text, so an error
given as a single argument next to an array (``IFNA(A1:A9, NA())``,
``EOMONTH(A1:A9, 1/0)``) or the ``#N/A`` that pads a shorter array reached the scalar
function as the text "#N/A". Here such arguments are first made into arrays holding the
error itself, which the broadcast keeps. (Implicit intersection, which
:func:`~xlkpi.workbook.context.intersect` applies to references in a cell formula, comes
first: only what remains an array is padded.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from xlkpi.workbook.natives.base import elementwise, xl_error
from xlkpi.workbook.xlvalues import XlError

__all__ = ["is_range", "lift"]


def _grid(arg: Any) -> np.ndarray | None:
    if not isinstance(arg, np.ndarray) or arg.ndim == 0:
        return None
    return arg if arg.ndim == 2 else np.asarray(arg, dtype=object).reshape(1, -1)


def _errors_kept(args: tuple[Any, ...]) -> tuple[Any, ...]:
    args = tuple(a.ravel()[0] if isinstance(a, np.ndarray) and a.ndim == 0 else a
                 for a in args)
    grids = [_grid(a) for a in args]
    shaped = [g for g in grids if g is not None]
    if not shaped:
        return args
    rows = max(g.shape[0] for g in shaped)
    cols = max(g.shape[1] for g in shaped)
    out: list[Any] = []
    for arg, grid in zip(args, grids, strict=True):
        if isinstance(arg, XlError):
            one = np.empty((1, 1), dtype=object)
            one[0, 0] = arg
            out.append(one)
        elif grid is not None and (
                (grid.shape[0] not in (1, rows)) or (grid.shape[1] not in (1, cols))):
            r = rows if grid.shape[0] == 1 else grid.shape[0]
            c = cols if grid.shape[1] == 1 else grid.shape[1]
            padded = np.empty((rows, cols), dtype=object)
            na = xl_error("#N/A")
            for i in range(rows):
                for j in range(cols):
                    padded[i, j] = na
            padded[:r, :c] = np.broadcast_to(grid, (r, c))
            out.append(padded)
        else:
            out.append(arg)
    return tuple(out)


def is_range(arg: Any) -> bool:
    """A reference to several cells, as the formula wrote it (not the cells a filled-down
    run reads one row each, which the engine passes together as a "moving" range)."""
    return (getattr(arg, "rect", None) is not None and not getattr(arg, "moving", False)
            and isinstance(arg, np.ndarray) and arg.size > 1)


def lift(errors_pass: bool = False, ranges: str = "lift",
         ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """As :func:`~xlkpi.workbook.natives.base.elementwise`, errors kept whole.

    ``ranges``: what a reference to several cells gives. ``"lift"``: one result per
    cell; ``"refuse"``: ``#VALUE!``, as the functions that came from the Analysis ToolPak
    (EDATE, EOMONTH, WEEKNUM, YEARFRAC, ISEVEN, ISODD) answer: they take arrays but not
    ranges; ``"first"``: the range's first cell, as N and T read it."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        lifted = elementwise(errors_pass)(function)

        @functools.wraps(function)
        def call(*args: Any) -> Any:
            if ranges != "lift" and any(is_range(a) for a in args):
                if ranges == "refuse":
                    return xl_error("#VALUE!")
                args = tuple(a.ravel()[0] if is_range(a) else a for a in args)
            from xlkpi.workbook.context import intersect

            return lifted(*_errors_kept(tuple(intersect(a) for a in args)))

        call.scalar = function  # type: ignore[attr-defined]
        return call

    return decorate
