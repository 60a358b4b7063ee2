"""Read an .xlsx/.xlsm package and write it back with only cached formula values changed.

The workbook is never loaded into an object model and re-saved: openpyxl and friends drop
chart caches, custom-function metadata, rich data and web-extension parts. Instead each
sheet's XML is scanned for its cells; on writing, only the ``<v>`` value and the ``t``
type attribute of evaluated cells are replaced (see :mod:`xlkpi.workbook.writing`), text
outside those cells is kept as it was, and every other part of the zip is copied byte for
byte. Writing goes to a temporary file in the target directory, is checked (every replaced
part re-parsed) and is renamed over the target, so a crash never leaves a half-written or
damaged workbook.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from itertools import repeat
from operator import eq
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedElementTree

from xlkpi.workbook.cell_values import addresses
from xlkpi.workbook.safety import check_archive, check_signature, refuse_dtd
from xlkpi.workbook.sheet_xml import PackageError, SheetReader
from xlkpi.workbook.sheets import VALUE_IN_ELEMENT, Cell, Sheet, Targets
from xlkpi.workbook.stored_values import decode_xstring
from xlkpi.workbook.streaming import Streamed, encoded, stream_member, write_atomically
from xlkpi.workbook.writing import (
    check_apart,
    check_places,
    check_written,
    check_xml,
    encode_xstring,
    format_value,
    formatted,
    patch_cell,
)

__all__ = [
    "Cell",
    "Package",
    "PackageError",
    "Sheet",
    "Streamed",
    "decode_xstring",
    "encode_xstring",
    "format_value",
    "write_atomically",
]

#: cells patched per chunk of a streamed sheet: small enough that nothing the size of the
#: sheet is made beside it
_CELLS_A_CHUNK = 8192
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
class Package:
    """An .xlsx/.xlsm file held in memory: its parts, sheets, shared strings, names."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.texts: dict[str, str] = {}  # a sheet's text, by part, once it is read
        try:
            refused = check_signature(self.path)
            if refused:
                raise PackageError(f"{self.path}: {refused}")
            with zipfile.ZipFile(self.path) as archive:
                refused = check_archive(archive)
                if refused:
                    raise PackageError(f"{self.path}: {refused}")
                self.infos = archive.infolist()
                self.parts = _Parts({i.filename: archive.read(i) for i in self.infos},
                                    self.texts)
        except FileNotFoundError:
            raise PackageError(f"{self.path}: no such file") from None
        except IsADirectoryError:
            raise PackageError(f"{self.path}: is a directory, not a workbook") from None
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as err:
            raise PackageError(
                f"{self.path}: not an .xlsx/.xlsm workbook (not a readable zip: {err})"
            ) from None
        for name, data in self.parts.items():
            if name.endswith((".xml", ".rels")):
                refused = refuse_dtd(name, data)
                if refused:
                    raise PackageError(f"{self.path}: {refused}")
        self.workbook_part = self._workbook_part()
        self.shared_strings = self._shared_strings()
        self.sheets, self.defined_names = self._sheets_and_names()
        for sheet in self.sheets:
            self._read_sheet(sheet)

    # reading -----------------------------------------------------------------
    def _xml(self, part: str) -> ElementTree.Element:
        try:
            return DefusedElementTree.fromstring(self.parts[part])
        except KeyError:
            raise PackageError(f"{self.path}: the package has no part {part}") from None
        except (ElementTree.ParseError, DefusedXmlException) as err:
            raise PackageError(f"{self.path}: part {part} is not well-formed XML ({err})") from None

    def _workbook_part(self) -> str:
        if "_rels/.rels" not in self.parts:
            raise PackageError(f"{self.path}: not an .xlsx/.xlsm workbook (no _rels/.rels)")
        for rel in self._xml("_rels/.rels").iter(f"{{{_PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "").lstrip("/")
        raise PackageError(f"{self.path}: not a workbook (no office document in _rels/.rels)")

    def _rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self.parts:
            return {}
        targets = {}
        for rel in self._xml(rels_part).iter(f"{{{_PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            resolved = (target.lstrip("/") if target.startswith("/")
                        else posixpath.normpath(posixpath.join(folder, target)))
            targets[rel.get("Id", "")] = resolved
        return targets

    def _shared_strings(self) -> list[str]:
        rels = self._rels(self.workbook_part)
        part = next((p for p in rels.values() if p.endswith("sharedStrings.xml")), None)
        if part is None or part not in self.parts:
            return []
        strings = []
        for item in self._xml(part).iter(f"{{{_MAIN}}}si"):
            # plain text, or rich-text runs; phonetic hints (rPh) are not part of the value
            runs = [item, *item.findall(f"{{{_MAIN}}}r")]
            strings.append(decode_xstring("".join(t.text or "" for run in runs
                                                  for t in run.findall(f"{{{_MAIN}}}t"))))
        return strings

    def _sheets_and_names(self) -> tuple[list[Sheet], dict[str, str]]:
        root = self._xml(self.workbook_part)
        rels = self._rels(self.workbook_part)
        sheets = []
        for node in root.iter(f"{{{_MAIN}}}sheet"):
            part = rels.get(node.get(f"{{{_REL}}}id", ""))
            if part and part in self.parts and _SHEET_DATA.search(self.parts[part]):
                sheets.append(Sheet(node.get("name", ""), part))
        names = {}
        for node in root.iter(f"{{{_MAIN}}}definedName"):
            if node.get("localSheetId") is None and node.text:
                names[node.get("name", "").upper()] = node.text
        if not sheets:
            raise PackageError(f"{self.path}: the workbook has no worksheets")
        return sheets, names

    def _read_sheet(self, sheet: Sheet) -> None:
        try:
            text = self.parts[sheet.part].decode("utf-8")
        except UnicodeDecodeError as err:
            raise PackageError(f"{self.path}: sheet {sheet.name!r} is not UTF-8 ({err})") from None
        self.texts[sheet.part] = text
        self.parts.held_as_text(sheet.part)  # the bytes let go before reading
        reader = SheetReader(f"{self.path}: sheet {sheet.name!r}", self.shared_strings)
        sheet.held, sheet.constants, sheet.formulas = reader.read(text)

    # writing -----------------------------------------------------------------
    def patched_sheet(self, sheet: Sheet, results: Mapping[tuple[int, int], Any]) -> Streamed:
        """The sheet part with the given cells' cached values replaced, the rest as it was:
        checked now (each new text is character data or a cell that parses, with one value,
        and goes where a value was: the part stays as well-formed as it was), made a chunk
        at a time as it is written."""
        text = self.texts[sheet.part]
        rows, cols = addresses(results)
        targets = sheet.targets(rows, cols)  # formula cells only (KeyError otherwise)
        kinds, values = formatted(list(results.values()))
        del rows, cols
        # the common case, one value text for another of the same type: only the text
        # inside <v> changes; any other cell is written again whole (patch_cell)
        places: list[tuple[int, int] | None] = [
            place if place is not None and kind == old else None
            for place, kind, old in zip(targets.places, kinds, targets.kinds, strict=True)]
        check_written(sheet.part, values, [])  # every value text: no markup
        whole = [k for k, place in enumerate(places) if place is None]
        for k in whole:
            start, end = places[k] = int(targets.starts[k]), int(targets.ends[k])
            values[k] = patch_cell(text[start:end], kinds[k], values[k])
        check_written(sheet.part, [], [values[k] for k in whole])  # one <v> each
        rewritten = np.zeros(len(values), dtype=bool)
        rewritten[whole] = True
        empty = np.zeros(len(values), dtype=bool)
        for k, prefix in enumerate(targets.empties):
            if prefix is not None and places[k] == targets.places[k]:  # <v/>: a value
                values[k] = f"<{prefix}v>{values[k]}</{prefix}v>"  # element in its place
                empty[k] = True
        starts, ends = _value_places(text, targets, places)
        order = check_apart(sheet.part, starts, ends)  # the elements' order
        del targets, places

        def chunks() -> Iterator[bytes]:
            """The new part, a few thousand cells at a time: the text between replaced
            values kept as it was."""
            last = 0
            for at in range(0, len(order), _CELLS_A_CHUNK):
                chunk = order[at: at + _CELLS_A_CHUNK]
                check_places(sheet.part, text, starts[chunk], ends[chunk], rewritten[chunk],
                             empty[chunk])  # while the last chunk is compressed
                kept_to = ends[chunk].tolist()
                out: list[str] = [""] * (2 * len(kept_to))
                out[0::2] = [text[a:b] for a, b in zip([last, *kept_to], starts[chunk].tolist(),
                                                       strict=False)]
                out[1::2] = map(values.__getitem__, chunk.tolist())
                last = kept_to[-1]
                yield from encoded("".join(out))
            yield from encoded(text[last:])

        return Streamed(chunks, len(text))

    def patched_workbook_xml(self) -> bytes:
        """workbook.xml with ``fullCalcOnLoad="1"`` so Excel recalculates on open."""
        text = self.parts[self.workbook_part].decode("utf-8")
        calc = re.search(r"<(?:[\w.-]+:)?calcPr\b[^>]*?/?>", text)
        if calc:
            tag = calc.group()
            if "fullCalcOnLoad" in tag:
                new = re.sub(r"""fullCalcOnLoad\s*=\s*["'][^"']*["']""",
                             'fullCalcOnLoad="1"', tag)
            else:
                new = re.sub(r"\s*(/?>)$", r' fullCalcOnLoad="1"\1', tag)
            text = text[: calc.start()] + new + text[calc.end():]
        else:
            prefix = re.match(r"[\s\S]*?<([\w.-]+:)?workbook\b", text)
            ns = (prefix.group(1) or "") if prefix else ""
            anchor = re.search(rf"</{ns}definedNames>|</{ns}sheets>", text)
            if anchor:
                text = (text[: anchor.end()] + f'<{ns}calcPr fullCalcOnLoad="1"/>'
                        + text[anchor.end():])
        return text.encode("utf-8")

    def save(self, out: str | Path, replaced: Mapping[str, bytes | Streamed]) -> None:
        """Write the package to ``out`` atomically, with ``replaced`` parts swapped in.

        Every part replaced whole is parsed as XML before the file is kept; a streamed
        sheet was checked as it was made (``patched_sheet``). The written file is then
        opened again: every member there, every CRC right, a whole part's bytes the same,
        a streamed part's length and CRC those of the chunks written."""
        whole = {name: part for name, part in replaced.items() if isinstance(part, bytes)}
        sums: dict[str, tuple[int, int]] = {}

        def write(handle: Any) -> None:
            check_xml(whole)
            with zipfile.ZipFile(handle, "w") as archive:
                for info in self.infos:
                    name = info.filename  # (not .get(name, parts[name]): that would
                    part = replaced[name] if name in replaced else self.parts[name]  # encode it)
                    if isinstance(part, Streamed):
                        sums[info.filename] = stream_member(archive, info, part)
                    else:
                        archive.writestr(info, part, compress_type=info.compress_type)

        def verify(written: Path) -> None:
            bad = OSError(f"the written copy of {Path(out).name} did not verify")
            with zipfile.ZipFile(written) as archive:
                members = archive.infolist()
                if [i.filename for i in members] != [i.filename for i in self.infos]:
                    raise bad
                for info in members:  # reading to the end checks each member's CRC
                    try:
                        if info.filename in sums:
                            if sums[info.filename] != (info.CRC, info.file_size):
                                raise OSError(f"part {info.filename} did not verify after "
                                              "writing")
                            with archive.open(info) as member:
                                while member.read(1 << 22):
                                    pass
                            continue
                        data = archive.read(info)
                    except (zipfile.BadZipFile, zlib.error):
                        raise bad from None
                    if info.filename in whole and data != whole[info.filename]:
                        raise OSError(f"part {info.filename} did not verify after writing")

        write_atomically(Path(out), write, verify)


class _Parts(dict[str, bytes]):
    """The package's parts by name, as bytes. A sheet's bytes are not kept once its text
    is (a second copy of the largest part): asked for, they are the text encoded again,
    which gives the same bytes (the text was decoded from them as UTF-8)."""

    def __init__(self, parts: dict[str, bytes], texts: dict[str, str]) -> None:
        super().__init__(parts)
        self.texts = texts

    def held_as_text(self, name: str) -> None:
        """Let go of the part's bytes: its text is in ``texts``."""
        super().__setitem__(name, None)  # type: ignore[assignment]

    def __getitem__(self, name: str) -> bytes:
        data = super().__getitem__(name)
        return self.texts[name].encode("utf-8") if data is None else data


def _value_places(text: str, targets: Targets, places: list[tuple[int, int] | None]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Where each new value text goes in the sheet text (start, end). A plain value
    element ends its cell (``<v>TEXT</v></c>``: the text ends 8 characters before the
    element does), so where its length is known the place is worked out in bulk; the
    others are given, or found by searching their element."""
    ends = targets.ends - len("</v></c>")
    starts = ends - targets.lengths
    inside = np.fromiter(map(eq, places, repeat(VALUE_IN_ELEMENT)), dtype=bool,
                         count=len(places))
    for k in np.flatnonzero(~inside | (targets.lengths < 0)).tolist():
        place = places[k]
        if place == VALUE_IN_ELEMENT:
            start, end = int(targets.starts[k]), int(targets.ends[k])
            at = text.index("<v>", start, end) + 3
            place = (at, text.index("</v>", at, end))
        starts[k], ends[k] = place  # type: ignore[misc]
    return starts, ends
