"""Where the ``xlkpi`` commands write: results to stdout, one-line errors to stderr."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["BAD_INPUT", "FINDINGS", "console", "errors", "fail"]

#: Exit codes: 0 clean, 1 findings or differences, 2 bad usage or unreadable input.
FINDINGS = 1
BAD_INPUT = 2

console = Console()
errors = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print one clear error line (no traceback) and give the exit for bad input."""
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(BAD_INPUT)
