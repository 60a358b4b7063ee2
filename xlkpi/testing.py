"""A pytest plugin for a council's own CI: recalculate scorecards and assert their cells.

Installed with xlkpi (entry point ``pytest11``), so in any test::

    def test_board_pack(recalculated):
        result = recalculated("scorecards/board-pack.xlsx")
        assert_cell(result, "Summary!B3", 0.875)
        assert_range(result, "Summary!C2:C4", ["Green", "Amber", "Green"])

Numbers compare to the same relative tolerance as ``xlkpi check`` (1e-9).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from xlkpi.workbook.references import address, parse_cell

__all__ = ["assert_cell", "assert_range", "recalculated"]


def _split(reference: str) -> tuple[str, str]:
    sheet, _, address = reference.rpartition("!")
    if not sheet:
        raise ValueError(f"{reference!r}: give the sheet, as in 'Summary!B3'")
    return sheet.strip("'"), address.replace("$", "")


def assert_cell(result: Any, reference: str, expected: Any) -> None:
    """The recalculated value of ``Sheet!A1`` equals ``expected`` (numbers to 1e-9)."""
    from xlkpi.workbook import same_value

    sheet, address = _split(reference)
    actual = result.value(sheet, address)
    wanted = float(expected) if isinstance(expected, int) and not isinstance(
        expected, bool) else expected
    assert same_value(wanted, actual), f"{reference}: expected {expected!r}, got {actual!r}"


def assert_range(result: Any, reference: str, expected: Sequence[Any]) -> None:
    """A column or row range (``Summary!C2:C4``) holds ``expected``, cell by cell."""
    sheet, span = _split(reference)
    first, _, last = span.partition(":")
    (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
    cells = [address(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    assert len(cells) == len(expected), (
        f"{reference} has {len(cells)} cells, {len(expected)} values expected")
    for cell, value in zip(cells, expected, strict=True):
        assert_cell(result, f"{sheet}!{cell}", value)


@pytest.fixture
def recalculated(tmp_path: Path) -> Callable[[str | Path], Any]:
    """Recalculate a workbook (into a temporary copy) and return the result object."""
    from xlkpi.workbook import recalc

    def run(path: str | Path) -> Any:
        return recalc(path, tmp_path / Path(path).name)

    return run
