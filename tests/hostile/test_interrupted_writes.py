"""Interrupted and impossible writes lose nothing: the original stays byte-identical."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from xlkpi.cli import app

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden.xlsx"


def _big_workbook(path: Path) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_recalc import build

    return build(path, 20_000)


def test_kill_during_in_place_leaves_old_or_new_file_never_half(tmp_path):
    source = _big_workbook(tmp_path / "big.xlsx")
    original = source.read_bytes()
    outcomes = set()
    for delay in (0.3, 0.8, 1.3, 1.8, 2.6):
        target = tmp_path / f"card_{delay}.xlsx"
        target.write_bytes(original)
        process = subprocess.Popen([sys.executable, "-m", "xlkpi", "recalc", str(target),
                                    "--in-place"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        data = target.read_bytes()
        if data == original:
            outcomes.add("old")
        else:  # the new file, complete: a zip whose every member checks
            with zipfile.ZipFile(target) as archive:
                assert archive.testzip() is None
                assert archive.namelist() == zipfile.ZipFile(source).namelist()
            outcomes.add("new")
        leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        for name in leftovers:  # a killed run may leave its temp file, never the target
            assert name.endswith(".tmp")
            os.unlink(tmp_path / name)
    assert "old" in outcomes  # at least one kill landed before the rename


def test_read_only_target_folder_gives_a_clear_error(tmp_path, monkeypatch):
    import xlkpi.workbook.streaming as streaming

    def refused(*args, **kwargs):  # what a read-only folder does (root is never refused)
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(streaming.tempfile, "mkstemp", refused)
    result = CliRunner().invoke(app, ["recalc", str(GOLDEN), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 2
    assert "cannot write (Permission denied)" in result.output
    assert not (tmp_path / "o.xlsx").exists()


def test_a_failed_write_keeps_the_target_untouched(tmp_path, monkeypatch):
    import xlkpi.workbook.streaming as streaming

    target = tmp_path / "card.xlsx"
    shutil.copy(GOLDEN, target)
    before = target.read_bytes()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(streaming.os, "replace", failing_replace)
    result = CliRunner().invoke(app, ["recalc", str(target), "--in-place"])
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["card.xlsx"]  # temp file removed
