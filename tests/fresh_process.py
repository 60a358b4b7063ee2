"""The command line run in a fresh interpreter, and which modules it loaded: what a
command imports is part of how fast it starts (issue 21)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable

__all__ = ["cli_loads"]


def cli_loads(argv: list[str], modules: Iterable[str]) -> tuple[set[str], str]:
    """Which of ``modules`` (dotted names) ``xlkpi`` run with ``argv`` loaded, and what
    it printed."""
    names = tuple(modules)
    code = ("import sys\nfrom xlkpi.cli import app\nsys.argv = ['xlkpi', *" + repr(argv)
            + "]\ntry:\n    app()\nexcept SystemExit:\n    pass\n"
            + "print('MODULES:', *sorted(m for m in " + repr(names) + " if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    last = run.stdout.rstrip().splitlines()[-1]
    assert last.startswith("MODULES:"), run.stdout + run.stderr
    return set(last.split()[1:]), run.stdout
