"""Hostile and unsuitable files: each refused with one clear line, nothing written."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xlkpi.cli import app
from xlkpi.workbook import PackageError, recalc
from xlkpi.workbook.safety import MAX_MEMBERS

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden.xlsx"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _replace(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, parts.pop(info.filename, old.read(info)))
        for name, data in parts.items():
            new.writestr(name, data)
    return target


def _xxe(tmp: Path) -> Path:
    sheet = zipfile.ZipFile(GOLDEN).read("xl/worksheets/sheet1.xml").decode()
    evil = sheet.replace("<worksheet", '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
                         ']><worksheet', 1).replace("<v>", "<v>&xxe;", 1)
    return _replace(GOLDEN, tmp / "xxe.xlsx", {"xl/worksheets/sheet1.xml": evil.encode()})


def _laughs(tmp: Path) -> Path:
    entities = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    strings = (f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="http://schemas.'
               'openxmlformats.org/spreadsheetml/2006/main"><si><t>&j;</t></si></sst>')
    return _replace(GOLDEN, tmp / "laughs.xlsx", {"xl/sharedStrings.xml": strings.encode()})


def _bomb(tmp: Path) -> Path:
    path = tmp / "bomb.xlsx"
    shutil.copy(GOLDEN, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.png", b"\0" * 60_000_000)  # ~60 kB compressed
    return path


def _many(tmp: Path) -> Path:
    path = tmp / "many.xlsx"
    shutil.copy(GOLDEN, path)
    with zipfile.ZipFile(path, "a") as archive:
        for i in range(MAX_MEMBERS):
            archive.writestr(f"customXml/item{i}.xml", b"")
    return path


def _encrypted(tmp: Path) -> Path:
    path = tmp / "encrypted.xlsx"
    path.write_bytes(OLE + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1000)
    return path


def _xls(tmp: Path) -> Path:
    path = tmp / "legacy.xls"
    path.write_bytes(OLE + b"\0" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 1000)
    return path


def _truncated(tmp: Path) -> Path:
    path = tmp / "truncated.xlsx"
    path.write_bytes(GOLDEN.read_bytes()[:3000])
    return path


def _huge_strings(tmp: Path) -> Path:
    """A shared-strings table of 200,000 entries: large but legitimate, so it is read."""
    items = "".join(f"<si><t>text {i}</t></si>" for i in range(200_000))
    strings = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
               f'spreadsheetml/2006/main">{items}</sst>')
    return _replace(GOLDEN, tmp / "strings.xlsx", {"xl/sharedStrings.xml": strings.encode()})


CASES = [
    (_xxe, "declares an XML DTD or entities"),
    (_laughs, "declares an XML DTD or entities"),
    (_bomb, "refused as a zip bomb"),
    (_many, "parts (more than 10,000)"),
    (_encrypted, "password-protected (encrypted) workbook"),
    (_xls, "legacy Excel 97-2003 (.xls)"),
    (_truncated, "not an .xlsx/.xlsm workbook"),
]


@pytest.mark.parametrize(("make", "message"), CASES, ids=[c[0].__name__ for c in CASES])
def test_refused_with_one_clear_line_and_nothing_written(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(PackageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        recalc(path, tmp_path / "out.xlsx")
    result = CliRunner().invoke(app, ["recalc", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "root:" not in result.output
    assert len(result.output.strip().splitlines()) <= 3  # one line, wrapped at most
    assert not (tmp_path / "out.xlsx").exists()


def test_a_huge_shared_strings_table_is_read(tmp_path):
    result = recalc(_huge_strings(tmp_path))
    assert result.value("Summary", "B1") == 13.0
