"""Work done in a forked child process beside the parent's own, where that is safe.

Reading a large sheet is one Python loop over its cells; with two cores, a child
process forked from the reader reads the second half of the text (which it shares,
copy on write, without it being sent) while the parent reads the first, and sends back
what it found, pickled. Only on Linux (not on Windows or in Pyodide, which cannot fork,
nor on macOS, where forking is unsafe for its system libraries), only from a process
running one thread (forking beside other threads can copy a lock held by one of them),
and only with more than one core to run on. Anything that goes
wrong in the child other than an exception it raises (it dies, or what it sends cannot
be read) is :class:`ChildLostError`, and the caller does the work itself.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["ChildLostError", "Forked", "can_fork"]


class ChildLostError(RuntimeError):
    """The child process gave no result (the work is to be done again in the parent)."""


def can_fork() -> bool:
    """Whether work can be handed to a forked child here (Linux, one thread, two cores).
    Not on macOS, where system libraries are not safe to use after a fork (Python's own
    multiprocessing no longer forks there), nor where there is no ``os.fork``."""
    if sys.platform != "linux" or threading.active_count() != 1:
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return cores > 1


class Forked:
    """``work()`` run in a forked child from the moment this is made; ``result()`` its
    value (or the exception it raised, raised again here). Used as a context manager,
    so a child whose result is never asked for is stopped and reaped."""

    def __init__(self, work: Callable[[], Any]) -> None:
        reading, writing = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            _child(work, reading, writing)
        os.close(writing)
        self.reading: int | None = reading

    def result(self) -> Any:
        """The child's value; the exception it raised; or :class:`ChildLostError`."""
        if self.reading is None:
            raise ChildLostError("the result was taken already")
        with os.fdopen(self.reading, "rb") as pipe:
            self.reading = None
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            outcome, value = pickle.loads(data)
        except Exception as err:  # nothing, or half, was sent: the child died
            raise ChildLostError(f"the child process ended with status {status}") from err
        if outcome == "raised":
            raise value
        if outcome != "done":
            raise ChildLostError(str(value))
        return value

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.reading is not None:
            os.close(self.reading)
            self.reading = None
        if self.pid:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0


def _child(work: Callable[[], Any], reading: int, writing: int) -> None:
    """Run ``work`` and send ("done", value), ("raised", exception) or ("lost", why)."""
    status = 0
    try:
        os.close(reading)
        try:
            outcome: tuple[str, Any] = ("done", work())
        except Exception as err:
            outcome = ("raised", err)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as err:  # an exception that does not pickle
            data = pickle.dumps(("lost", f"{type(err).__name__}: {err}"))
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # no clean-up of the parent's state copied into the child
