"""Python's cycle collector paused while a reader builds many small objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a while, back as it was after: reading a
    workbook or a return makes hundreds of thousands of small acyclic objects (cells,
    records), and collections over them would cost a third of the run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
