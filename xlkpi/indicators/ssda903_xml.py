"""The SSDA903 return in its XML form, read as a stream into the same rows as the CSV files.

Root ``EXPSSDA903``, no namespace; one ``CHILD`` element per child holding one ``HEADER``
and any number of ``EPISODE`` elements. ``HEADER`` holds the header fields (``CHILDID`` is
the CSV's ``CHILD``), ``UASC``/``DUC``, the OC3 fields (``IN_TOUCH``, ``ACTIV``,
``ACCOM``) and AD1 fields (``DATE_INT``, ``DATE_MATCH``...) directly, and the blocks
``AREVIEW`` (reviews), ``AMISSING`` (missing), ``OC2``, ``PERMANENCE`` (previous
permanence) and ``AD_PLACED`` (placed for adoption). ``EPISODE`` uses ``PL`` where the CSV
has ``PLACE``. Rows of a block carry the child's ``CHILD`` and ``DOB``, as the CSV files do.

The file is parsed with ``lxml.etree.iterparse`` one ``CHILD`` at a time (memory stays
flat), with entities unresolved, no network and no DTD; a file declaring a DOCTYPE or an
ENTITY is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from xlkpi.errors import KpiError
from xlkpi.indicators.ssda903_layout import ALIASES, LAYOUTS

__all__ = ["BLOCKS", "HEADER_KINDS", "ROOT", "is_903_xml", "read_rows"]

ROOT = "EXPSSDA903"
#: Element under HEADER (or CHILD, for EPISODE) -> the 903 file kind its rows belong to.
BLOCKS: dict[str, str] = {"EPISODE": "episodes", "AREVIEW": "reviews", "AMISSING": "missing",
                          "OC2": "oc2", "PERMANENCE": "previous_permanence",
                          "AD_PLACED": "placed_for_adoption"}
#: File kinds whose fields sit directly under HEADER -> fields of which one must be given
#: for the child to have a row (every child has a header row).
HEADER_KINDS: dict[str, tuple[str, ...]] = {"header": (), "oc3": ("IN_TOUCH", "ACTIV", "ACCOM"),
                                            "ad1": ("DATE_INT", "DATE_MATCH")}
#: Header fields copied into every block row (as the CSV files repeat them).
_CARRIED = ("CHILD", "DOB")
_PROLOG = 65536
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*)")
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_COMMENT = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.DOTALL)


def _first_tag(head: bytes) -> str | None:
    match = _FIRST_TAG.search(_COMMENT.sub(b"", head))
    return match.group(1).decode("ascii", "replace") if match else None


def is_903_xml(head: bytes) -> bool:
    """Whether the first bytes of a file open an ``EXPSSDA903`` document."""
    return _first_tag(head) == ROOT


def _leaves(element: etree._Element) -> dict[str, str]:
    """Text of the element's direct children that have no children of their own (trimmed
    later, with the CSV's)."""
    return {ALIASES.get(c.tag, c.tag): c.text or ""
            for c in element if len(c) == 0 and isinstance(c.tag, str)}


def read_rows(path: Path) -> dict[str, tuple[pd.DataFrame, np.ndarray]]:
    """File kind -> (rows with the CSV's column names as text, each row's locator).

    Locators: ``CHILD 12`` for header-level rows, ``CHILD 12 / EPISODE 3`` or
    ``CHILD 12 / AREVIEW 2`` for a block (positions count from 1).
    """
    with path.open("rb") as handle:
        head = handle.read(_PROLOG)
    if _DECLARATION.search(_COMMENT.sub(b"", head).split(b"<" + ROOT.encode(), 1)[0]):
        raise KpiError(f"{path.name}: refused: the XML declares a DOCTYPE or ENTITY "
                       "(not allowed in a 903 return)")
    rows: dict[str, list[dict[str, str]]] = {kind: [] for kind in LAYOUTS}
    where: dict[str, list[str]] = {kind: [] for kind in LAYOUTS}
    context = etree.iterparse(str(path), events=("end",), tag="CHILD",
                              resolve_entities=False, no_network=True, load_dtd=False,
                              remove_comments=True, huge_tree=False)
    number = 0
    try:
        for _, child in context:
            if child.getparent() is None or child.getparent().tag != ROOT:
                continue
            if number == 0 and child.getroottree().docinfo.doctype:
                raise KpiError(f"{path.name}: refused: the XML declares a DOCTYPE")
            number += 1
            _child_rows(child, f"CHILD {number}", rows, where)
            child.clear()
            while child.getprevious() is not None:
                del child.getparent()[0]
    except etree.XMLSyntaxError as err:
        line = f", line {err.lineno}" if err.lineno else ""
        raise KpiError(f"{path.name}{line}: not well-formed XML (truncated or damaged)"
                       ) from None
    finally:
        del context
    if number == 0:
        raise KpiError(f"{path.name}: an {ROOT} document with no CHILD elements")
    return {kind: (pd.DataFrame(rows[kind], dtype=object).fillna(""),
                   np.asarray(where[kind], dtype=object))
            for kind in LAYOUTS if rows[kind]}


def _child_rows(child: etree._Element, label: str, rows: dict[str, list[dict[str, str]]],
                where: dict[str, list[str]]) -> None:
    """Append one CHILD element's rows to ``rows`` (kind -> list of field dicts)."""
    header: dict[str, str] = {}
    blocks: list[tuple[str, dict[str, str], str]] = []
    counts: dict[str, int] = {}
    for part in child:
        if part.tag == "HEADER":
            header.update(_leaves(part))
            inner = [block for block in part if block.tag in BLOCKS]
        elif part.tag in BLOCKS:
            inner = [part]
        else:
            continue
        for block in inner:
            counts[block.tag] = counts.get(block.tag, 0) + 1
            blocks.append((BLOCKS[block.tag], _leaves(block),
                           f"{label} / {block.tag} {counts[block.tag]}"))
    carried = {name: header.get(name, "") for name in _CARRIED}
    for kind, markers in HEADER_KINDS.items():
        if not markers or any(header.get(name) for name in markers):
            rows[kind].append(header)
            where[kind].append(label)
    for kind, fields, locator in blocks:
        rows[kind].append({**carried, **fields})
        where[kind].append(locator)
