"""``xlkpi check`` over many workbooks: one worker process per core, reports in order.

A CI job checks dozens of scorecards at once. Each workbook is checked in a worker
process (forked where the system allows, so the engine is not imported again), and what
the check prints for it is rendered there and handed back; the parent prints the reports
in the order the files were given, as they arrive, with an overall progress bar on a
terminal. A workbook that cannot be read stops the run as it does one at a time (exit 2),
after the files before it were reported.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Checked", "check_in_workers", "cores"]


@dataclass(frozen=True)
class Checked:
    """One workbook's check as a worker reports it (plain data, sent between processes)."""

    path: Path
    ok: bool = False
    agrees: bool = False
    findings: int = 0
    #: what the check prints for the workbook (rendered in the worker)
    shown: str = ""
    #: the ``--json`` record of the workbook
    record: dict[str, Any] | None = None
    #: the workbook could not be read: the message to stop with
    error: str | None = None


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


#: The function a worker runs: path and whether the output is JSON -> the report.
Worker = Callable[[Path, bool], Checked]


def check_in_workers(paths: list[Path], jobs: int, worker: Worker, as_json: bool
                     ) -> Iterator[Checked]:
    """Each path's report, in order, from ``jobs`` worker processes."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    sys.stdout.flush()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(worker, path, as_json) for path in paths]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
