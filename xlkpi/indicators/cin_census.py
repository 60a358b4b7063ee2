"""The DfE Children in Need census (XML) read as a stream into the normalised tables.

A census is ``Message/Header`` (``CollectionDetails``: ``Collection`` "CIN", ``Year``,
``ReferenceDate``) and ``Message/Children/Child``, each child holding ``ChildIdentifiers``
(with ``ChildCharacteristics/Ethnicity``, read as a field of the child's identifiers)
and one ``CINdetails`` per episode of need, which holds its ``Assessments``,
``CINPlanDates`` (from 2017), ``Section47`` enquiries and ``ChildProtectionPlans`` (with
``Reviews/CPPreviewDate``). Every schema year 2016-2026 has this shape; ``Sex`` replaces
``GenderCurrent`` from 2024-25, 2016 has no ``CINPlanDates``, 2026 adds
``PreProceedingsandFGDM`` (not read). A namespace on the root is accepted.

The file is read with ``lxml.etree.iterparse`` one ``Child`` at a time (each cleared once
read, so memory holds the collected values, not the tree); the values go into one Python
list per field, and everything after that is vectorised in :mod:`.cin_census_rules`,
which also says what each data-quality rule leaves out. A file with a DTD or entity
declarations is refused before it is parsed (no entity is ever expanded).

Collection year: the year to 31 March of ``ReferenceDate``'s year (ReferenceDate
2023-03-31 -> "2022-23"); without a ReferenceDate, ``Year`` is the year it ends in (the
DfE writes Year 2023 for the 2022-23 census).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from xlkpi.errors import KpiError
from xlkpi.indicators import cin_census_rules as rules
from xlkpi.indicators.reading import Reading
from xlkpi.privacy import shown_value

__all__ = ["BLOCKS", "KIND", "read", "recognise"]

KIND = "CIN census"

#: The blocks read and the elements of each (raw field names are the element names).
BLOCKS: dict[str, tuple[str, ...]] = rules.FIELDS
#: Blocks inside a CINdetails, each one record of its table.
_SUB_BLOCKS = ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans")
#: Collection names of the census (``Collection`` in the schema, ``CollectionName`` in
#: some suppliers' headers).
_COLLECTION_TAGS = ("Collection", "CollectionName")
_SNIFF_BYTES = 64 * 1024
#: read() looks this far for the root element (past any long comment before it)
_READ_SNIFF_BYTES = 16 * 1024 * 1024
_CHUNK = 8 * 1024
_DTD = re.compile(r"<!\s*(?:DOCTYPE\s+([^\s\[>]*)|ENTITY)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False,
         "huge_tree": False}


@dataclass
class _Prolog:
    """What the first few KB say: root element, namespace, DTD, collection name."""

    root: str = ""
    namespace: str = ""
    dtd: bool = False
    collection: str = ""
    children: bool = False


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _encoding(head: bytes) -> str:
    """The encoding to scan the first bytes in (BOM or UTF-16 without one; else bytes)."""
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if encoding is None and head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        encoding = "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    return encoding or "latin-1"


def _sniff(path: Path, limit: int = _SNIFF_BYTES) -> _Prolog:
    """Read up to ``limit`` bytes: stops at the first ``Children``/``Child``, a DTD, or
    broken XML. The text is scanned for ``<!DOCTYPE``/``<!ENTITY`` before the parser
    sees it, so no entity is ever expanded."""
    info = _Prolog()
    parser = etree.XMLPullParser(events=("start", "end"), **_SAFE)
    with path.open("rb") as handle:
        chunk = handle.read(_CHUNK)
        decoder = codecs.getincrementaldecoder(_encoding(chunk))(errors="replace")
        seen, tail = 0, ""
        while chunk and seen < limit:
            text = tail + decoder.decode(chunk)
            found = _DTD.search(text)
            if found:
                info.dtd, info.root = True, _local(found.group(1) or "")
                return info
            tail, seen = text[-16:], seen + len(chunk)
            try:
                parser.feed(chunk)
                broken = False
            except etree.XMLSyntaxError:
                broken = True
            if _events(info, parser) or broken:
                return info
            chunk = handle.read(_CHUNK)
    return info


def _events(info: _Prolog, parser: etree.XMLPullParser) -> bool:
    """Note what the parser's new events say; True once the answer is known."""
    for event, element in parser.read_events():
        name = _local(element.tag)
        if not info.root:
            info.root = name
            info.namespace = element.tag[:-len(name)]
            docinfo = element.getroottree().docinfo
            info.dtd = bool(docinfo.doctype) or docinfo.internalDTD is not None
            if info.dtd or name != "Message":
                return True
        elif event == "start" and name in ("Children", "Child"):
            info.children = True
            return True
        elif event == "end" and name in _COLLECTION_TAGS and (element.text or "").strip():
            info.collection = element.text.strip()
    return False


def recognise(path: Path) -> bool:
    """Whether ``path`` is a CIN census: root ``Message`` (any namespace) whose header
    names the collection "CIN", or, without a collection name, holding ``Children``.

    Reads only the first 64 KB; never raises. A ``Message`` file with a DTD is recognised
    (by its DOCTYPE's root name) so that :func:`read` refuses it with a clear message.
    """
    try:
        info = _sniff(Path(path))
    except Exception:
        return False
    if info.root != "Message":
        return False
    if info.dtd:
        return True
    if info.collection:
        return info.collection.upper() == "CIN"
    return info.children


def _refuse_dtd(name: str) -> KpiError:
    return KpiError(f"{name}: has a DTD or entity declarations; a CIN census never does, "
                    "refused")


def _syntax_error(name: str, err: etree.XMLSyntaxError) -> KpiError:
    """One line for broken XML, without lxml's text (it may quote the file's content)."""
    message = str(err.msg or "")
    if "amplification" in message:
        return _refuse_dtd(name)
    truncated = any(word in message for word in
                    ("Premature end", "EndTag", "end of data", "not properly terminated",
                     "Extra content", "Document is empty"))
    why = ("ends before the XML is complete (truncated?)" if truncated
           else "is not well-formed XML")
    line = err.lineno or next((entry.line for entry in reversed(err.error_log) if entry.line),
                              0)
    where = f"{name}, line {line}" if line else name
    return KpiError(f"{where}: {why}; cannot read it as a CIN census")


def _qualified(namespace: str) -> dict[str, str]:
    names = {field for fields in BLOCKS.values() for field in fields}
    names |= set(BLOCKS) | {"Child", "Header", "Reviews", "CPPreviewDate",
                            "ReferenceDate", "Year", "ChildCharacteristics"}
    return {name: namespace + name for name in names}


def _header_years(name: str, header: etree._Element | None, q: dict[str, str]
                  ) -> tuple[str, ...]:
    """The collection year from the header's ReferenceDate (else Year)."""
    def first(tag: str) -> str:
        found = next(header.iter(q[tag]), None) if header is not None else None
        return (found.text or "").strip() if found is not None else ""

    reference, year = first("ReferenceDate"), first("Year")
    if reference:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", reference)
        if not match:
            raise KpiError(f"{name}, Header ReferenceDate: {shown_value(reference)} is not "
                           "a date")
        end = int(match.group(1))
    elif re.fullmatch(r"\d{4}", year):
        end = int(year)
    else:
        raise KpiError(f"{name}: no Header ReferenceDate or Year; cannot tell which "
                       "collection year the census is")
    return (f"{end - 1}-{end % 100:02d}",)


def _collect(path: Path, namespace: str) -> tuple[rules.Raw, tuple[str, ...]]:
    """Stream the Child elements into per-field lists (one pass over each subtree)."""
    q = _qualified(namespace)
    raw = rules.Raw.new()
    fields = {block: [(q[f], raw.values[block][f].append) for f in BLOCKS[block]]
              for block in BLOCKS}
    tables = {q[block]: block for block in _SUB_BLOCKS}
    positions = raw.positions
    idents, cin_tag, reviews_tag, review_tag = (q["ChildIdentifiers"], q["CINdetails"],
                                                q["Reviews"], q["CPPreviewDate"])
    characteristics = q["ChildCharacteristics"]
    review_date = raw.values["Reviews"]["CPPreviewDate"].append
    header = None
    child_no = 0
    distinct: dict[str | None, str | None] = {}

    def shared(text: str | None) -> str | None:
        """One string object per distinct value (dates and codes repeat: memory stays
        proportional to records, not to characters)."""
        return distinct.setdefault(text, text)

    etree.clear_error_log()  # the log is per thread: earlier files' errors must not show
    context = etree.iterparse(str(path), events=("end",), tag=(q["Header"], q["Child"]),
                              **_SAFE)
    try:
        for _event, element in context:
            if element.tag != q["Child"]:
                header = element
                continue
            if child_no == 0:
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise _refuse_dtd(path.name)
            child_no += 1
            found = element.find(idents)
            values = {} if found is None else {e.tag: e.text for e in found}
            found = element.find(characteristics)  # Ethnicity, read with the identifiers
            if found is not None:
                values.update((e.tag, shared(e.text)) for e in found)
            for tag, append in fields["ChildIdentifiers"]:
                append(values.get(tag))
            positions["ChildIdentifiers"].extend((child_no, child_no - 1, 0))
            for cin_no, cin in enumerate(element.iterchildren(cin_tag), start=1):
                referral = len(positions["CINdetails"]) // 3
                values = {}
                counts = dict.fromkeys(_SUB_BLOCKS, 0)
                for part in cin:
                    block = tables.get(part.tag)
                    if block is None:
                        values[part.tag] = part.text
                        continue
                    counts[block] += 1
                    inner = {e.tag: e.text for e in part}
                    for tag, append in fields[block]:
                        append(shared(inner.get(tag)))
                    positions[block].extend((child_no, referral, counts[block]))
                    if block == "ChildProtectionPlans" and reviews_tag in inner:
                        plan = len(positions[block]) // 3 - 1
                        for number, date in enumerate(
                                part.find(reviews_tag).iterchildren(review_tag), start=1):
                            review_date(shared(date.text))
                            positions["Reviews"].extend((child_no, plan, number))
                for tag, append in fields["CINdetails"]:
                    append(shared(values.get(tag)))
                positions["CINdetails"].extend((child_no, child_no - 1, cin_no))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as err:
        raise _syntax_error(path.name, err) from None
    return raw, _header_years(path.name, header, q)


def read(path: Path) -> Reading:
    """The census at ``path`` as normalised tables (``children``, ``referrals``,
    ``assessments``, ``s47``, ``cin_plans``, ``cp_plans``, ``cp_reviews``) and findings.

    Raises :class:`~xlkpi.errors.KpiError` (one line naming the file) for a file that is
    not a CIN census, has a DTD or entity declarations, or is truncated or malformed.
    """
    path = Path(path)
    try:
        info = _sniff(path, _READ_SNIFF_BYTES)
    except OSError as err:
        raise KpiError(f"{path.name}: cannot open it ({err.strerror})") from None
    if info.dtd:
        raise _refuse_dtd(path.name)
    is_cin = info.collection.upper() == "CIN" if info.collection else info.children
    if info.root != "Message" or not is_cin:
        raise KpiError(f"{path.name}: not a CIN census (the root element is not a Message "
                       "of the CIN collection)")
    try:
        raw, years = _collect(path, info.namespace)
    except OSError as err:
        raise KpiError(f"{path.name}: cannot read it ({err.strerror})") from None
    frames, findings, locators = rules.tables_of(raw, path.name, KIND)
    return Reading(KIND, path.name, years, frames, findings, locators=locators)
