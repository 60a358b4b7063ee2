"""Excel bindings generated from the registry: one calling convention, three sources.

Every route into Excel calls ``excel_call(name, *args)`` with values as xlwings hands
them over (scalars, 2-D lists or arrays, ``None`` or ``""`` for blanks, error codes such
as ``"#N/A"`` as text) and gets back what xlwings writes into cells (a scalar or a 2-D
list, dates as datetimes, errors as their codes, blanks as ``None``).

The binding modules themselves are *rendered* from :data:`xlkpi.functions.REGISTRY`:

- ``render_classic()``: ``udfs/xlkpi_udfs.py`` for classic xlwings (``@xw.func`` with real
  signatures and docstrings, ranges as 2-D numpy arrays, plus the ``refresh`` and
  ``check`` macros);
- ``render_officejs(...)``: ``udfs/lite/main.py`` for xlwings Lite, and the module the
  ``xlkpi serve`` add-in loads (functions ``rag``, ``workdays``... in namespace ``KPI``).

Run ``python -m xlkpi.bindings`` to write the files in ``udfs/``; a test fails when
they are out of date with the registry.
"""

from __future__ import annotations

import datetime as dt
import keyword
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from xlkpi.cells import call_cells
from xlkpi.errors import ExcelError
from xlkpi.functions import REGISTRY, Arg, KpiFunction, get

__all__ = [
    "ERROR_CODES",
    "UDFS",
    "error_reason",
    "excel_call",
    "render_classic",
    "render_officejs",
    "to_cell",
    "write_sources",
]

#: Excel's error values as xlwings passes them with ``err_to_str``.
ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                         "#GETTING_DATA", "#SPILL!", "#CALC!"})
#: Where the generated binding files live in a checkout.
UDFS = Path(__file__).resolve().parent.parent / "udfs"


def _is_error(value: Any) -> bool:
    return isinstance(value, str) and value in ERROR_CODES


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def to_cell(value: Any) -> Any:
    """One result element as xlwings writes it into a cell."""
    if isinstance(value, ExcelError):
        return str(value)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        value = value.astype("datetime64[D]").astype(object)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def error_reason(value: str) -> str:
    """The plain-English reason behind an error cell (for the error's hover text)."""
    message = getattr(value, "message", "")
    if message and message != str(value):
        return message
    return f"an input cell holds {value}"


def excel_call(name: str, *args: Any, error_cell: Callable[[str, str], Any] | None = None) -> Any:
    """Call a registry function as Excel does: ranges in, a value or a 2-D array out.

    Errors come back per cell as Excel error codes (``"#VALUE!"``); an input cell holding
    an error gives the same error in its own output cell. ``error_cell(code, reason)``,
    when given, builds each error cell instead (the add-in server sends the reason on).
    """
    function = get(name)
    result, errors, _ = call_cells(function, args, _is_error, _is_blank)
    out = np.asarray(result, dtype=object)
    if errors is not None:
        out = np.where(np.equal(errors, None), out, errors)
    convert = to_cell
    if error_cell is not None:
        def convert(value: Any) -> Any:
            if isinstance(value, ExcelError) or _is_error(value):
                return error_cell(str(value), error_reason(value))
            return to_cell(value)
    cells = np.frompyfunc(convert, 1, 1)(out) if out.ndim else convert(out[()])
    if not isinstance(cells, np.ndarray):
        return cells
    if cells.ndim == 1:
        cells = cells.reshape(-1, 1)
    if cells.size == 1:
        return cells.ravel()[0]
    return cells.tolist()


# ----------------------------------------------------------------- rendering
_HEADER = '''"""{title}

GENERATED from xlkpi/functions.py by `python -m xlkpi.bindings`: do not edit by hand.
{notes}"""
'''


def _default(arg: Arg) -> str:
    return "" if arg.required else f"={arg.default!r}"


def _parameter(arg: Arg) -> str:
    name = arg.name + ("_" if keyword.iskeyword(arg.name) else "")
    return name + _default(arg)


def _signature(function: KpiFunction) -> str:
    return ", ".join(_parameter(a) for a in function.args)


def _call_args(function: KpiFunction) -> str:
    return ", ".join(a.name + ("_" if keyword.iskeyword(a.name) else "") for a in function.args)


_WIDTH = 96


def _docstring(function: KpiFunction) -> str:
    """The function's help and examples as an indented docstring body."""
    paragraphs = [function.help.strip(), *(f"Example: {e}" for e in function.examples)]
    wrapped = ["\n".join(textwrap.wrap(p, _WIDTH - 4, initial_indent="    ",
                                      subsequent_indent="    ")) for p in paragraphs]
    return "\n\n".join(wrapped).lstrip()


def _decorator(call: str, leading: str, doc: str) -> str:
    """``@call(leading, doc="...")``, the doc split over lines to stay under 100 columns."""
    head = f"@{call}({leading}, doc="
    pieces = textwrap.wrap(doc, _WIDTH - 8, drop_whitespace=False) or [""]
    if len(head) + len(doc) + 4 <= _WIDTH + 4 and len(pieces) == 1:
        return f"{head}{_quoted(doc)})"
    indent = " " * (len(call) + 2)
    lines = [f"@{call}({leading},", f"{indent}doc=" + _quoted(pieces[0])]
    lines += [f"{indent}    {_quoted(piece)}" for piece in pieces[1:]]
    return "\n".join(lines) + ")"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', "'") + '"'


def render_classic() -> str:
    """Source of ``udfs/xlkpi_udfs.py`` (classic xlwings, Windows desktop)."""
    parts = [_HEADER.format(
        title="xlkpi worksheet functions and macros for classic xlwings (Windows desktop).",
        notes=("\nAdd this folder to the add-in's PYTHONPATH and `xlkpi_udfs` to its UDF "
               "Modules, then\nImport Functions (see the README, \"Use in Excel\"). Ranges "
               "arrive as 2-D arrays, so one\ncall covers a whole column and spills its "
               "result.\n")),
        "\nimport numpy as np\nimport xlwings as xw\n\n"
        "from xlkpi.bindings import excel_call\n"
        "from xlkpi.macros import check_book, refresh_book\n"]
    for function in REGISTRY.values():
        decorators = ['@xw.func(category="xlkpi")']
        for arg in function.args:
            leading = f'"{arg.name}"' if arg.kind == "option" else (
                f'"{arg.name}", np.array, ndim=2, err_to_str=True')
            decorators.append(_decorator("xw.arg", leading, arg.description))
        body = (f"def {function.name}({_signature(function)}):  # noqa: N802 (Excel's name)\n"
                f'    """{_docstring(function)}"""\n'
                f'    return excel_call("{function.name}", {_call_args(function)})\n')
        parts.append("\n\n" + "\n".join(decorators) + "\n" + body)
    parts.append('''

@xw.sub
def refresh():
    """Recalculate every KPI formula in the active workbook."""
    refresh_book(xw.Book.caller())


@xw.sub
def check():
    """Recalculate the saved workbook headlessly and list differences in a Checks sheet."""
    check_book(xw.Book.caller())
''')
    return "".join(parts)


def render_officejs(namespace: str, python_names: bool, decorator_import: str,
                    title: str) -> str:
    """Source of an Office.js custom-function module (xlwings Lite or ``xlkpi serve``).

    ``python_names``: name each function as the server does (``rag`` behind ``KPI.RAG``);
    otherwise by its registry name in lower case (``kpi_rag``, shown as ``KPI_RAG``).
    """
    parts = [_HEADER.format(title=title, notes=""),
             f"\n{decorator_import}\n\nfrom xlkpi.bindings import excel_call\n"]
    if namespace:
        parts.append(f'\n__xlwings_func_namespace__ = "{namespace}"\n')
    for function in REGISTRY.values():
        name = function.python_name if python_names else function.name.lower()
        decorators = ["@func"] + [
            _decorator("arg", f'"{a.name}"' if a.kind == "option" else
                       f'"{a.name}", ndim=2, err_to_str=True', a.description)
            for a in function.args
        ]
        body = (f"def {name}({_signature(function)}):\n"
                f'    """{_docstring(function)}"""\n'
                f'    return excel_call("{function.name}", {_call_args(function)})\n')
        parts.append("\n\n" + "\n".join(decorators) + "\n" + body)
    return "".join(parts)


def render_lite() -> str:
    """Source of ``udfs/lite/main.py``: paste it into xlwings Lite's editor."""
    return render_officejs(
        "", python_names=False, decorator_import="from xlwings import arg, func",
        title="xlkpi worksheet functions for xlwings Lite (Excel on Windows, Mac and the web).\n"
              "\nPaste into xlwings Lite's main.py, and udfs/lite/requirements.txt into its "
              "requirements.txt.\nFunctions appear as =KPI_RAG(...), =KPI_WORKDAYS(...), the "
              "same names the headless\nengine and classic xlwings use.")


def write_sources(folder: Path = UDFS) -> list[Path]:
    """Write the generated binding files into ``folder`` (``udfs/``)."""
    (folder / "lite").mkdir(parents=True, exist_ok=True)
    written = []
    for path, text in ((folder / "xlkpi_udfs.py", render_classic()),
                       (folder / "lite" / "main.py", render_lite())):
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_sources():
        print(written_path)
