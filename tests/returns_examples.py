"""Where the sector's synthetic returns are: ``$XLKPI_RETURNS_EXAMPLES``, else
``../shared/returns_examples`` beside the checkout, else ``/work/shared/returns_examples``.

Tests read them in place (never copied into the project) and skip when they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

__all__ = ["EXAMPLES", "example"]

_ROOT = Path(__file__).resolve().parent.parent


def _find() -> Path | None:
    for candidate in (os.environ.get("XLKPI_RETURNS_EXAMPLES"),
                      _ROOT.parent / "shared" / "returns_examples",
                      "/work/shared/returns_examples"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


EXAMPLES = _find()


def example(relative: str) -> Path:
    """The example file at ``relative`` (as SOURCES.md names it); skips the test if absent."""
    if EXAMPLES is None or not (EXAMPLES / relative).exists():
        pytest.skip(f"returns example {relative} not available")
    return EXAMPLES / relative
