"""Refuse hostile or unsuitable files before anything is read from them.

Workbooks travel by e-mail; a file can be a zip bomb, carry XML entity tricks, be
password-protected, or be a legacy .xls. Each is recognised and refused with one line
that says what the file is, before any part is decompressed or parsed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

__all__ = [
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "check_archive",
    "check_signature",
    "refuse_dtd",
]

#: More parts than any real workbook has.
MAX_MEMBERS = 10_000
#: Uncompressed size limit for the whole package (a 1M-row sheet is about 100 MB).
MAX_TOTAL_BYTES = 2_000_000_000
#: Compression ratio above which a large member is a zip bomb (XML compresses ~10-30x).
MAX_RATIO = 200
_RATIO_FLOOR = 10_000_000  # small members may compress very well and are harmless
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_signature(path: Path) -> str | None:
    """Why the file is not an .xlsx/.xlsm we can read, judged by its first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        if head == _OLE:
            handle.seek(0)
            body = handle.read(4_000_000)
            if "EncryptionInfo".encode("utf-16-le") in body:
                return ("a password-protected (encrypted) workbook: open it in Excel, "
                        "remove the password (File > Info > Protect Workbook) and save again")
            return ("a legacy Excel 97-2003 (.xls) or other OLE file: open it in Excel and "
                    "save it as .xlsx")
    if not head.startswith(b"PK"):
        return "not an .xlsx/.xlsm workbook (not a zip package)"
    return None


def check_archive(archive: zipfile.ZipFile) -> str | None:
    """Why the zip must not be decompressed (too many parts, a zip bomb), or None."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        return f"has {len(infos):,} parts (more than {MAX_MEMBERS:,}): not a workbook"
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        return (f"would expand to {total / 1e9:.1f} GB (limit {MAX_TOTAL_BYTES / 1e9:.0f} "
                "GB): refused as a zip bomb")
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return (f"part {info.filename} expands {ratio:,} times "
                    f"({info.file_size / 1e6:.0f} MB): refused as a zip bomb")
    return None


def refuse_dtd(part: str, data: bytes) -> str | None:
    """Workbook XML never declares a DTD; one that does is an entity attack (XXE, laughs)."""
    if _DTD.search(data):
        return f"part {part} declares an XML DTD or entities (refused: XML entity attack)"
    return None
