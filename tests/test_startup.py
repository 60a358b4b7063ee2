"""Start-up stays quick: ``import xlkpi`` and the command line's start load none of the
heavy libraries; each command imports what it uses when it runs (issue 21)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: libraries that take tenths of a second to import (numpy alone is tens of milliseconds);
#: pydantic is what typer 0.29 coerces arguments with (0.09 s a command: typer is held
#: below it in pyproject.toml)
HEAVY = ("pandas", "scipy", "formulas", "openpyxl", "lxml", "holidays", "xlwings",
         "python_calamine", "fastapi", "pydantic")


def _loaded(code: str, env: dict[str, str] | None = None) -> set[str]:
    """Top-level modules loaded by running ``code`` in a fresh interpreter."""
    run = subprocess.run([sys.executable, "-c", code + "\nimport sys\n"
                          "print('MODULES:', *sorted({m.split('.')[0] for m in sys.modules}))"],
                         capture_output=True, text=True, check=True,
                         env=None if env is None else {**os.environ, **env})
    last = run.stdout.rstrip().splitlines()[-1]
    assert last.startswith("MODULES:"), run.stdout
    return set(last.split()[1:])


def test_import_xlkpi_loads_nothing_heavy() -> None:
    loaded = _loaded("import xlkpi")
    assert not loaded & {*HEAVY, "numpy"}, loaded & {*HEAVY, "numpy"}


@pytest.mark.parametrize("argv", [["--help"], ["indicators", "--help"], ["recalc", "--help"]])
def test_the_command_line_starts_without_heavy_imports(argv: list[str]) -> None:
    code = ("import sys\nfrom xlkpi.cli import app\nsys.argv = ['xlkpi', *" + repr(argv)
            + "]\ntry:\n    app()\nexcept SystemExit:\n    pass")
    loaded = _loaded(code)
    assert not loaded & {*HEAVY, "numpy"}, loaded & {*HEAVY, "numpy"}


def test_workdays_needs_no_pandas_and_holidays_once(tmp_path) -> None:
    """The first run computes the bank holidays (``holidays``), later runs read them from
    the cache folder."""
    code = ("import sys\nfrom xlkpi.cli import app\nsys.argv = ['xlkpi', 'workdays', "
            "'05/05/2023', '2023-05-10']\ntry:\n    app()\nexcept SystemExit:\n    pass")
    cache = {"XDG_CACHE_HOME": str(tmp_path)}
    first, second = _loaded(code, cache), _loaded(code, cache)
    assert "holidays" in first and "holidays" not in second
    assert not (first | second) & {"pandas", "scipy", "formulas", "openpyxl", "pydantic"}
