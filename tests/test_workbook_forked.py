"""A long sheet read in two halves at once (the second by a forked child process) gives
exactly the cells one pass gives, whatever lies across the split; a child that dies is
replaced by the parent reading its half."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

from tests.test_workbook_package import _plain_package
from xlkpi.workbook import PackageError, recalc, sheet_bulk, sheet_xml
from xlkpi.workbook.forked import ChildLostError, Forked, can_fork
from xlkpi.workbook.package import Package

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs Linux and two cores")

ROWS = 400


def _rows(bad_at: int | None = None, twice_at: int | None = None) -> str:
    """Values, plain formulas, a shared formula whose anchor is in row 2 and whose cells
    run to the last row, text cells, an unusual element (single quotes); optionally an
    unreadable number, or a cell listed again out of order."""
    out = []
    for r in range(1, ROWS + 1):
        shared = ('<c r="D2"><f t="shared" ref="D2:D400" si="0">B2*10</f><v>0</v></c>'
                  if r == 2 else f'<c r="D{r}"><f t="shared" si="0"/><v>0</v></c>'
                  if r > 2 else "")
        number = "x1" if r == bad_at else str(r)
        out.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>case {r}</t></is></c>'
                   f'<c r="B{r}"><v>{number}</v></c><c r="C{r}"><f>B{r}*2</f><v>0</v></c>'
                   f"{shared}<c r='E{r}'><f>C{r}+1</f><v>0</v></c></row>")
        if r == twice_at:
            out.append(f'<row r="3"><c r="B3"><v>{1000 + r}</v></c></row>')
    return "".join(out)


def _read(path, monkeypatch, parallel: bool, bulk: bool = False):
    """The sheet read a cell at a time, in one pass or two halves (or in bulk)."""
    monkeypatch.setattr(sheet_xml, "PARALLEL_FROM", 0 if parallel else 1 << 62)
    monkeypatch.setattr(sheet_bulk, "scan", _SCAN if bulk else lambda *args: None)
    return Package(path).sheets[0]


_SCAN = sheet_bulk.scan


def _same_sheet(one, two) -> None:
    assert one.held == two.held
    for name in ("constants", "formulas"):
        a, b = getattr(one, name), getattr(two, name)
        assert (a is None) == (b is None)
        if a is not None:
            for field in ("rows", "cols", "starts", "ends"):
                assert np.array_equal(getattr(a, field), getattr(b, field))
            assert a.values.tolist() == b.values.tolist()
    if one.formulas is not None:
        assert one.formulas.texts == two.formulas.texts
        assert np.array_equal(one.formulas.lengths, two.formulas.lengths)


def test_two_halves_read_as_one_pass_and_compute_the_same(tmp_path, monkeypatch):
    path = _plain_package(tmp_path / "long.xlsx", _rows())
    serial, parallel = (_read(path, monkeypatch, flag) for flag in (False, True))
    _same_sheet(serial, parallel)
    assert parallel.cell(ROWS, 4).formula == f"B{ROWS}*10"  # shared from row 2, across
    out = tmp_path / "out.xlsx"
    result = recalc(path, out)
    assert [result.value("Data", f"{c}{ROWS}") for c in "CDE"] == [
        2.0 * ROWS, 10.0 * ROWS, 2.0 * ROWS + 1]
    monkeypatch.setattr(sheet_xml, "PARALLEL_FROM", 1 << 62)
    again = tmp_path / "again.xlsx"
    recalc(path, again)
    with zipfile.ZipFile(out) as a, zipfile.ZipFile(again) as b:
        assert all(a.read(n) == b.read(n) for n in a.namelist())


def test_the_bulk_reader_with_cells_read_one_at_a_time_gives_the_same_sheet(
        tmp_path, monkeypatch):
    path = _plain_package(tmp_path / "long.xlsx", _rows())
    _same_sheet(_read(path, monkeypatch, False), _read(path, monkeypatch, False, bulk=True))
    path = _plain_package(tmp_path / "twice.xlsx", _rows(twice_at=300))  # out of order
    _same_sheet(_read(path, monkeypatch, False), _read(path, monkeypatch, False, bulk=True))


def test_a_cell_listed_again_in_the_other_half_is_the_later_one(tmp_path, monkeypatch):
    path = _plain_package(tmp_path / "twice.xlsx", _rows(twice_at=ROWS - 5))
    serial, parallel = (_read(path, monkeypatch, flag) for flag in (False, True))
    assert parallel.constants is None and parallel.formulas is None  # every cell an object
    assert parallel.held == serial.held and parallel.cell(3, 2).value == 1000.0 + ROWS - 5


def test_an_unreadable_value_in_the_childs_half_is_reported_as_in_one_pass(
        tmp_path, monkeypatch):
    path = _plain_package(tmp_path / "bad.xlsx", _rows(bad_at=ROWS - 3))
    messages = []
    for parallel in (False, True):
        with pytest.raises(PackageError) as caught:
            _read(path, monkeypatch, parallel)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and f"cell B{ROWS - 3}" in messages[0]


def test_a_child_that_dies_is_replaced_by_the_parent(tmp_path, monkeypatch):
    class Dying(Forked):
        def __init__(self, work):
            super().__init__(lambda: os._exit(3))

    path = _plain_package(tmp_path / "long.xlsx", _rows())
    serial = _read(path, monkeypatch, False)
    monkeypatch.setattr(sheet_xml, "Forked", Dying)
    _same_sheet(serial, _read(path, monkeypatch, True))


def test_forked_gives_the_value_or_the_exception_or_says_it_was_lost():
    with Forked(lambda: {"cells": list(range(5))}) as child:
        assert child.result() == {"cells": [0, 1, 2, 3, 4]}
    with Forked(lambda: int("x")) as child, pytest.raises(ValueError, match="'x'"):
        child.result()
    with Forked(lambda: os._exit(0)) as child, pytest.raises(ChildLostError):
        child.result()
    with Forked(lambda: os.getpid()) as child:
        pass  # never asked for: stopped and reaped on leaving
    assert child.pid == 0 and child.reading is None


def test_no_child_is_forked_beside_another_thread():
    """A fork copies no other thread: a lock one of them held would stay held forever in
    the child, so a process running threads (a server) reads in one pass."""
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        other.join()
    assert can_fork()
