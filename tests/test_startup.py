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


@pytest.mark.parametrize(("given", "expected"), [(None, False), ("1", True)])
def test_the_command_tells_numpy_not_to_ask_for_huge_pages(given, expected) -> None:
    """Where the kernel compacts memory for huge pages on first touch, numpy's madvise
    made each fresh large array several times slower to fill: the ``xlkpi`` command turns
    it off for its own process, unless the user chose."""
    import tomllib
    from pathlib import Path

    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert scripts["project"]["scripts"]["xlkpi"] == "xlkpi.cli:main"
    code = ("import sys\nimport xlkpi.cli as cli\nleave = cli._leave\n"
            "def report(code):\n    import numpy._core.multiarray as m\n"
            "    print('HUGE', m._get_madvise_hugepage())\n    leave(code)\n"
            "cli._leave = report\n"
            "sys.argv = ['xlkpi', 'workdays', '2023-05-02', '2023-05-10']\ncli.main()")
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if given is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = given
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert run.stdout.split()[-2:] == ["HUGE", str(expected)]


@pytest.mark.parametrize(("ending", "code", "err"), [
    ("raise SystemExit(3)", 3, ""), ("sys.exit('refused')", 1, "refused\n"),
    ("pass", 0, "")])
def test_the_command_ends_its_process_at_once_with_its_output_and_code(ending, code, err):
    """``main`` ends the process without the interpreter's teardown (which frees every
    object one at a time): everything printed is still there, and the exit code is the
    command's."""
    script = ("import sys\nimport xlkpi.cli as cli\ndef command():\n"
              "    print('x' * 100_000)\n    print('to stderr', file=sys.stderr)\n"
              f"    {ending}\ncli.app = command\ncli.main()\nprint('not reached')")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == code
    assert run.stdout == "x" * 100_000 + "\n"
    assert run.stderr == "to stderr\n" + err


@pytest.mark.parametrize("command", ["recalc", "check"])
@pytest.mark.parametrize("workbook", ["workbooks/city_scorecard.xlsx",
                                      "workbooks/board_priority_indicators.xlsx",
                                      "tests/data/golden.xlsx"])
def test_a_scorecard_the_engine_computes_itself_never_imports_formulas(tmp_path, command,
                                                                        workbook) -> None:
    """The engine parses, compiles and computes these scorecards' formulas (KPI
    functions, IF, IFERROR, NETWORKDAYS, COUNTIFS, arithmetic) on its own."""
    from pathlib import Path

    from tests.fresh_process import cli_loads

    path = Path(__file__).parent.parent / workbook
    out = ["-o", str(tmp_path / "out.xlsx")] if command == "recalc" else []
    loaded, _ = cli_loads([command, str(path), *out],
                          ["xlkpi.workbook.engine", "formulas", "scipy", "pandas"])
    assert loaded == {"xlkpi.workbook.engine"}  # it did run the engine, and nothing else
