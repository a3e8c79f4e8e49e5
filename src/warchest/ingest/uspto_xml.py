"""USPTO full-text XML (weekly grant and application files), every DTD from 2001 to today.

Formats read (root element -> extractor):

- ``us-patent-grant`` ICE v4.0-v4.7 (2005 on) and ``us-patent-application`` ICE v4.0-v4.6;
- ``PATDOC`` ST.32 v2.4/v2.5 grants (2001-2004, numbered elements such as ``B110``);
- ``patent-application-publication`` pap v1.5/v1.6 applications (2001-2004).

A weekly file is many documents concatenated, each with its own XML declaration and
DOCTYPE (some without the declaration). The file is read in blocks; each document is cut
out at its root element's closing tag and parsed on its own (memory is bounded by a
document, not by the file). External DTDs are never loaded and nothing is fetched: the
named character entities the DTDs declare (``&lsqb;``, ``&mdash;`` ...) are replaced from
the official entity tables before parsing; an entity no table knows stays as visible text.

Each document becomes a :class:`Document` record (number, kind, dates, title, abstract,
claims with dependencies, parties, citations with categories, classifications, related
documents, priority claims, PCT data, term of grant); ``add_grant`` / ``add_application``
map records to store rows. A document that is not well-formed is quarantined with its
file, number (when it can be read), byte offset and reason; the rest of the file loads.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

import pyarrow as pa
import pyarrow.compute as pa_compute
from lxml import etree

from warchest.classification import main_group_of, normalize_symbol
from warchest.errors import (
    BadInputFile,
    SetupError,
)
from warchest.ingest.delimited import Chunk
from warchest.ingest.rows import Rows
from warchest.ingest.sources import MAX_RECORD, ByteStream, record_too_long
from warchest.numbers import (
    normalize_application_number,
    patent_type_of,
    try_normalize_patent_number,
)
from warchest.store import QuarantinedRow

ENTITIES: dict[str, str] = json.loads(
    (Path(__file__).with_name("xml_entities.json")).read_text(encoding="utf-8"))
XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9._-]*);")
_NON_DIGIT = re.compile(r"\D")
_NAME = re.compile(rb"<([A-Za-z_][\w.-]*)")
KNOWN_ROOTS = {"us-patent-grant", "us-patent-application", "PATDOC",
               "patent-application-publication"}


# --------------------------------------------------------------------------- splitting
@dataclass
class RawDocument:
    offset: int
    line: int
    data: bytes
    root: str
    complete: bool = True
    problem: str | None = None  # why this span is not a document (junk between documents)


BOM = b"\xef\xbb\xbf"
_DOC_START = re.compile(rb"<\?xml[\s?]|<!DOCTYPE[\s>]|<(?:" + b"|".join(
    re.escape(r.encode()) for r in sorted(KNOWN_ROOTS)) + rb")[\s>/]")
"""Where a document can start: an XML declaration, a DOCTYPE or a known root element."""
_DECLARATION = b"<?xml"
"""How every document of the USPTO bulk files starts: inside a document, the start of the
next one (the current one is cut short)."""


def _skip_prolog(buf: bytes, pos: int) -> int:
    """Skip white space, byte-order marks, XML declarations, comments, processing
    instructions and the DOCTYPE (with its internal subset); return the position of the
    root start tag or -1 if the buffer ends first."""
    n = len(buf)
    while pos < n:
        ch = buf[pos:pos + 1]
        if ch in (b" ", b"\n", b"\r", b"\t"):
            pos += 1
        elif buf.startswith(BOM, pos):
            pos += len(BOM)
        elif buf.startswith(b"<?", pos):
            end = buf.find(b"?>", pos)
            if end < 0:
                return -1
            pos = end + 2
        elif buf.startswith(b"<!--", pos):
            end = buf.find(b"-->", pos)
            if end < 0:
                return -1
            pos = end + 3
        elif buf.startswith(b"<!DOCTYPE", pos):
            bracket = buf.find(b"[", pos)
            close = buf.find(b">", pos)
            if close < 0:
                return -1
            if 0 <= bracket < close:  # internal subset: ends at ']>'
                end = buf.find(b"]>", bracket)
                if end < 0:
                    return -1
                pos = end + 2
            else:
                pos = close + 1
        else:
            return pos
    return -1


def _find_end(buf: bytes, pos: int, closing: bytes) -> tuple[str, int]:
    """From ``pos`` inside a document: ('close', i) at its closing root tag, ('next', i)
    where another document's XML declaration comes first (this one is truncated), or
    ('more', -1) when the
    buffer ends first. A closing tag or a document start inside a CDATA section or a
    comment does not count. Each search stops at the first candidate end, so a document
    costs about its own length."""
    close = buf.find(closing, pos)
    nxt = buf.find(_DECLARATION, pos)
    while True:
        ends = [i for i in (close, nxt) if i >= 0]
        limit = min(ends) if ends else len(buf)
        at = buf.find(b"<!", pos, limit)  # a CDATA section or a comment (or other markup)
        while at >= 0 and not buf.startswith((b"<![CDATA[", b"<!--"), at):
            at = buf.find(b"<!", at + 2, limit)
        if at < 0:
            if not ends:
                return "more", -1
            return ("close", close) if close == limit else ("next", nxt)
        stop = buf.find(b"]]>" if buf.startswith(b"<![CDATA[", at) else b"-->", at + 4)
        if stop < 0:
            return "more", -1
        pos = stop + 3
        if 0 <= close < pos:
            close = buf.find(closing, pos)
        if 0 <= nxt < pos:
            nxt = buf.find(_DECLARATION, pos)


def split_documents(stream: ByteStream, block_size: int = 8 << 20
                    ) -> Iterator[RawDocument]:
    """Cut a (possibly huge) concatenated XML file into documents, streaming.

    A document runs from its prolog (byte-order mark, XML declaration, comments, DOCTYPE,
    all optional) to the closing tag of its root element; a closing tag inside a CDATA
    section or a comment does not end it. Anything between documents that is not one
    (a stray line, binary junk) is given as a span with ``problem`` set, and splitting
    goes on at the next document start (an XML declaration, a DOCTYPE or a known root);
    a document cut short by the start of another is given as incomplete. So damage costs
    the damaged span only. Memory holds one block plus the document being cut.
    """
    buf = b""
    pos = 0  # start of the unread part of buf
    base = 0  # file offset of buf[0]
    line = 1  # line number at buf[pos]
    eof = False

    def fill() -> None:
        nonlocal buf, pos, base, eof
        more = stream.read(block_size)
        if not more:
            eof = True
            return
        if pos:
            base += pos
            buf = buf[pos:]
            pos = 0
        buf += more

    def advance(to: int) -> None:
        nonlocal pos, line
        line += buf.count(b"\n", pos, to)
        pos = to

    while True:
        if not eof and len(buf) - pos < block_size:
            fill()
            continue
        start = pos
        n = len(buf)
        while start < n and buf[start] in b" \n\r\t":
            start += 1
        if start >= n:
            if eof:
                return
            advance(n)
            fill()
            continue
        root_at = _skip_prolog(buf, start)
        # the prolog, or the root element's name, runs past the buffer: read on
        while (root_at < 0 or len(buf) - root_at < 256) and not eof:
            offset = start - pos
            fill()
            start = pos + offset
            root_at = _skip_prolog(buf, start)
        match = _NAME.match(buf, root_at) if root_at >= 0 else None
        if match is None or (match.group(1).decode("ascii", "replace") not in KNOWN_ROOTS \
                and _DOC_START.match(buf, start) is None):
            # not a document here: junk up to the next document start
            nxt = _DOC_START.search(buf, start + 1)
            while nxt is None and not eof:
                if len(buf) - start > MAX_RECORD:
                    raise record_too_long("a span that is not a document",
                                          line + buf.count(b"\n", pos, start))
                offset = start - pos
                fill()
                start = pos + offset
                nxt = _DOC_START.search(buf, start + 1)
            stop = nxt.start() if nxt is not None else len(buf)
            doc_line = line + buf.count(b"\n", pos, start)
            yield RawDocument(base + start, doc_line, buf[start:stop], "", complete=False,
                              problem=f"not a document: {stop - start:,} bytes between "
                              "documents (split on at the next document start)")
            advance(stop)
            if nxt is None:
                return
            continue
        root = match.group(1).decode("ascii", "replace")
        closing = f"</{root}>".encode()
        doc_line = line + buf.count(b"\n", pos, start)
        kind, end = _find_end(buf, match.end(), closing)
        while kind == "more" and not eof:  # the document runs past the buffer: read on
            if len(buf) - start > MAX_RECORD:
                raise record_too_long(f"the <{root}> document", doc_line)
            offset, body = start - pos, match.end() - pos
            fill()
            start = pos + offset
            kind, end = _find_end(buf, pos + body, closing)
            match = _NAME.match(buf, _skip_prolog(buf, start))
            assert match is not None
        if kind != "close":  # cut short: the file ends, or another document starts
            stop = end if kind == "next" else len(buf)
            yield RawDocument(base + start, doc_line, buf[start:stop], root, complete=False)
            advance(stop)
            if kind != "next":
                return
            continue
        stop = end + len(closing)
        if stop - start > MAX_RECORD:
            raise record_too_long(f"the <{root}> document", doc_line)
        yield RawDocument(base + start, doc_line, buf[start:stop], root)
        advance(stop)


def _entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1).decode("ascii")
    if name in XML_ENTITIES:
        return match.group(0)
    text = ENTITIES.get(name)
    if text is None:
        return b"&amp;" + match.group(1) + b";"  # unknown: keep it visible, lose nothing
    return "".join(f"&#x{ord(c):x};" for c in text).encode("ascii")


_PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False,
                          huge_tree=True, remove_comments=True)


_DESCRIPTION = re.compile(rb"<description[\s>]")
_DESCRIPTION_END = b"</description>"


def _well_formed(fragment: bytes) -> bool:
    """Whether ``fragment`` is one well-formed element (checked by expat, no tree built)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(fragment, True)
    except expat.ExpatError:
        return False
    return True


def parse_document(data: bytes, *, description: bool = False) -> Any:
    """Parse one document without loading its DTD (named entities replaced first).

    The ICE ``<description>`` (more than half of a document's bytes) is not stored, so
    unless ``description`` is asked for it is checked for well-formedness by expat without
    building a tree, and the tree holds everything else. Whenever that shortcut does not
    apply or finds a fault, the whole document is parsed by lxml, whose verdict counts: a
    document loads exactly when lxml finds it well-formed.
    """
    if b"&" in data:
        data = _ENTITY.sub(_entity, data)
    if not description:
        start = _DESCRIPTION.search(data)
        end = data.rfind(_DESCRIPTION_END)
        if start is not None and end > start.start():
            end += len(_DESCRIPTION_END)
            try:
                root = etree.fromstring(data[:start.start()] + data[end:], _PARSER)
            except etree.XMLSyntaxError:
                root = None
            if root is not None and _well_formed(data[start.start():end]):
                return root
    return etree.fromstring(data, _PARSER)


# --------------------------------------------------------------------------- records
@dataclass
class Document:
    """Everything extracted from one patent document (grant or published application)."""

    kind: str  # "grant" or "application"
    dtd: str
    number: str
    kind_code: str | None = None
    date: str | None = None
    title: str | None = None
    application_number: str | None = None
    application_date: str | None = None
    application_type: str | None = None
    series_code: str | None = None
    abstract: str | None = None
    num_claims: int | None = None
    claims: list[dict[str, Any]] = field(default_factory=list)
    assignees: list[dict[str, Any]] = field(default_factory=list)
    inventors: list[dict[str, Any]] = field(default_factory=list)
    applicants: list[dict[str, Any]] = field(default_factory=list)
    us_patent_citations: list[dict[str, Any]] = field(default_factory=list)
    us_application_citations: list[dict[str, Any]] = field(default_factory=list)
    foreign_citations: list[dict[str, Any]] = field(default_factory=list)
    other_citations: list[dict[str, Any]] = field(default_factory=list)
    cpc: list[dict[str, Any]] = field(default_factory=list)
    ipc: list[dict[str, Any]] = field(default_factory=list)
    uspc: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)
    priority_claims: list[dict[str, Any]] = field(default_factory=list)
    pct: dict[str, Any] = field(default_factory=dict)
    term: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _text(el: Any) -> str | None:
    """The element's text (with its descendants'), white space collapsed."""
    if el is None:
        return None
    value = el.text if len(el) == 0 else "".join(el.itertext())
    if not value:
        return None
    return " ".join(value.split()) or None


def _kids(el: Any) -> dict[Any, Any]:
    """An element's children by tag (the first of each tag, as ``find`` would give)."""
    return {child.tag: child for child in reversed(el)}


def _field(value: str) -> str | None:
    """A field flattened by XSLT ``normalize-space``: '' -> None; non-ASCII white space
    (no-break spaces...) collapsed as ``str.split`` does, like every other text field."""
    if not value:
        return None
    if not value.isascii():
        value = " ".join(value.split())
    return value or None


def _long_text(el: Any) -> str | None:
    """``_text`` for elements with much nested markup (claims, abstracts): the text is
    serialised by libxml2 in one call instead of node by node."""
    if el is None:
        return None
    value = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return " ".join(value.split()) or None


def _find(el: Any, path: str) -> Any:
    return el.find(path) if el is not None else None


def _kid_text(kids: dict[Any, Any], tag: str) -> str | None:
    child = kids.get(tag)
    return _text(child) if child is not None else None


def _raw(el: Any) -> str | None:
    """Text with its leading spaces (they align the fields of old classification codes)."""
    if el is None:
        return None
    value = "".join(el.itertext()).rstrip()
    return value if value.strip() else None


def _t(el: Any, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    return _text(found) if found is not None else None


def _date(value: str | None) -> str | None:
    """'20220217' -> '2022-02-17' (a day or month of 00 kept as 01, year 0000 -> None)."""
    if not value:
        return None
    digits = value if len(value) == 8 and value.isdigit() else _NON_DIGIT.sub("", value)
    if len(digits) < 8 or digits[:4] == "0000":
        return None
    year, month, day = digits[:4], digits[4:6], digits[6:8]
    return f"{year}-{month if month != '00' else '01'}-{day if day != '00' else '01'}"


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    digits = _NON_DIGIT.sub("", value)
    return int(digits) if digits else None


_DOCID_FIELDS = {"country": "country", "doc-number": "number", "kind": "kind", "name": "name",
                 "date": "date"}


def _docid(el: Any) -> dict[str, Any]:
    """A document-id's fields, read in one pass over its children."""
    out: dict[str, Any] = {"country": None, "number": None, "kind": None, "name": None,
                           "date": None}
    if el is None:
        return {}
    for child in el:
        key = _DOCID_FIELDS.get(child.tag)
        if key is not None:
            out[key] = _text(child)
    out["date"] = _date(out["date"])
    return out


_CLAIM_REF = re.compile(r"\bclaims?\s+(\d+)", re.IGNORECASE)


def _depends(text: str | None, number: int | None, found: int | None) -> int | None:
    """The claim a claim depends on: from its claim reference element, else from a
    'claim N' in its text (an earlier claim only)."""
    if found is not None:
        return found
    if not text or number is None:
        return None
    m = _CLAIM_REF.search(text[:400])
    if m and int(m.group(1)) < number:
        return int(m.group(1))
    return None


def _claims_ice(claims: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if claims is None:
        return out
    for claim in claims.iterchildren("claim"):
        number = _int(claim.get("num")) or _int(claim.get("id"))
        ref = next(claim.iter("claim-ref"), None)
        depends = _int(ref.get("idref")) if ref is not None and ref.get("idref") else None
        text = _long_text(claim)
        out.append({"number": number, "text": text,
                    "depends_on": _depends(text, number, depends)})
    return out


def _party_ice(el: Any) -> dict[str, Any]:
    book = el.find("addressbook")
    kids = _kids(book if book is not None else el)
    address = kids.get("address")
    place = _kids(address) if address is not None else {}
    return {
        "organization": _kid_text(kids, "orgname"),
        "last_name": _kid_text(kids, "last-name"),
        "first_name": _kid_text(kids, "first-name"),
        "role": _kid_text(kids, "role"),
        "city": _kid_text(place, "city"),
        "state": _kid_text(place, "state"),
        "country": _kid_text(place, "country") or _t(el, "residence/country"),
    }


def _symbol_ice(kids: dict[Any, Any]) -> str:
    """'H04W 4/80' style symbol of a classification-cpc or classification-ipcr element."""
    return (f"{_kid_text(kids, 'section') or ''}{_kid_text(kids, 'class') or ''}"
            f"{_kid_text(kids, 'subclass') or ''}{_kid_text(kids, 'main-group') or ''}/"
            f"{_kid_text(kids, 'subgroup') or ''}")


def _ice_classifications(bib: Any, doc: Document) -> None:
    for path, value_default in (("classifications-cpc/main-cpc/classification-cpc", "I"),
                                ("classifications-cpc/further-cpc/classification-cpc", None)):
        for el in bib.iterfind(path):
            kids = _kids(el)
            doc.cpc.append({"symbol": _symbol_ice(kids),
                            "value": _kid_text(kids, "classification-value") or value_default,
                            "position": _kid_text(kids, "symbol-position"),
                            "version": _date(_t(kids.get("cpc-version-indicator"), "date"))})
    for el in bib.iterfind("classifications-ipcr/classification-ipcr"):
        kids = _kids(el)
        doc.ipc.append({"symbol": _symbol_ice(kids),
                        "value": _kid_text(kids, "classification-value"),
                        "version": _date(_t(kids.get("ipc-version-indicator"), "date"))})
    old = bib.find("classification-ipc")
    if old is not None:  # v4.0-v4.1: IPC 7th edition text, e.g. '7G06F 15/16'
        for tag in ("main-classification", "further-classification"):
            for el in old.iterfind(tag):
                doc.ipc.append({"symbol": _raw(el), "value": "I" if tag.startswith("main")
                                else None, "version": _t(old, "edition")})
    national = bib.find("classification-national")
    if national is not None:
        for tag in ("main-classification", "further-classification"):
            for el in national.iterfind(tag):
                doc.uspc.append({"symbol": _raw(el), "main": tag.startswith("main")})


RELATIONS_ICE = ("continuation", "division", "continuation-in-part", "continuing-reissue",
                 "reissue", "divisional-reissue", "reexamination", "reexamination-reissue-merger",
                 "substitution", "us-reexamination-reissue-merger", "utility-model-basis",
                 "correction", "addition")


def _ice_related(bib: Any, doc: Document) -> None:
    rel = bib.find("us-related-documents")
    if rel is None:
        return
    for child in rel:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag
        if tag in ("us-provisional-application", "provisional-application"):
            d = _docid(child.find("document-id"))
            doc.related.append({"relation": "us-provisional-application", "number": d.get(
                "number"), "country": d.get("country"), "kind": d.get("kind"),
                "date": d.get("date"), "status": None, "patent": None})
        elif tag == "related-publication":
            d = _docid(child.find("document-id"))
            doc.related.append({"relation": "related-publication", "number": d.get("number"),
                                "country": d.get("country"), "kind": d.get("kind"),
                                "date": d.get("date"), "status": None, "patent": None})
        else:
            for relation in child.iterfind(".//relation"):
                parent = _docid(relation.find("parent-doc/document-id"))
                grant = _docid(relation.find("parent-doc/parent-grant-document/document-id"))
                pct = _docid(relation.find("parent-doc/parent-pct-document/document-id"))
                doc.related.append({
                    "relation": tag, "number": parent.get("number"),
                    "country": parent.get("country"), "kind": parent.get("kind"),
                    "date": parent.get("date"),
                    "status": _t(relation, "parent-doc/parent-status"),
                    "patent": grant.get("number") or None,
                    "pct": pct.get("number") or None,
                })


# One C-level pass (libxslt) flattens the citations, most of a grant's bibliographic
# elements, into a line each: category, a P when there is a patcit, its first
# document-id's country, number, kind, name and date, an N when there is an nplcit, its
# text; every field white-space collapsed (normalize-space) and tab-separated.
_CITATIONS = etree.XSLT(etree.XML(b"""\
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="/">
<xsl:for-each select="*/*">
<xsl:value-of select="normalize-space(category)"/><xsl:text>&#9;</xsl:text>
<xsl:if test="patcit">P</xsl:if><xsl:text>&#9;</xsl:text>
<xsl:for-each select="patcit[1]/document-id[1]">
<xsl:value-of select="normalize-space(country)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(doc-number)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(kind)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(name)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(date)"/>
</xsl:for-each><xsl:text>&#9;</xsl:text>
<xsl:if test="nplcit">N</xsl:if><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(nplcit)"/><xsl:text>&#10;</xsl:text>
</xsl:for-each>
</xsl:template>
</xsl:stylesheet>"""), access_control=etree.XSLTAccessControl.DENY_ALL)


def _ice_citations(refs: Any, doc: Document) -> None:
    """us-citation (v4.2 on) and citation (v4.0-v4.1) elements, in order, by kind."""
    for seq, line in enumerate(str(_CITATIONS(refs)).split("\n")[:-1]):
        parts = line.split("\t")
        if len(parts) == 5:  # a patcit without a document-id: no document-id fields
            parts = parts[:2] + [""] * 5 + parts[3:]
        category, patcit, country, number, kind, name, date, nplcit, npl_text = (
            [p or None for p in parts] if line.isascii() else [_field(p) for p in parts])
        if patcit:
            d = {"country": country, "number": number, "kind": kind, "name": name,
                 "date": _date(date), "sequence": seq, "category": category}
            num = number or ""
            if (country or "US") != "US":
                doc.foreign_citations.append(d)
            elif "/" in num or (num.isdigit() and len(num) == 11) or (
                    (kind or "").startswith("A") and len(num) >= 10):
                doc.us_application_citations.append(d)
            else:
                doc.us_patent_citations.append(d)
        if nplcit:
            doc.other_citations.append({"sequence": seq, "text": npl_text,
                                        "category": category})


def extract_ice(root: Any, dtd: str) -> Document:
    grant = root.tag == "us-patent-grant"
    bib = None
    abstract = claims = None
    for child in root:  # bibliographic data, abstract, drawings, claims ...
        tag = child.tag
        if tag == ("us-bibliographic-data-grant" if grant else
                   "us-bibliographic-data-application"):
            bib = child if bib is None else bib
        elif tag == "abstract" and abstract is None:
            abstract = child
        elif tag == "claims" and claims is None:
            claims = child
    if bib is None:
        raise ValueError(f"no bibliographic data in <{root.tag}>")
    kids = _kids(bib)
    pub = _docid(_find(kids.get("publication-reference"), "document-id"))
    if not pub.get("number"):
        raise ValueError("no publication-reference document number")
    app_ref = kids.get("application-reference")
    app = _docid(_find(app_ref, "document-id"))
    doc = Document(
        kind="grant" if grant else "application", dtd=dtd, number=pub["number"],
        kind_code=pub.get("kind"), date=pub.get("date"),
        title=_kid_text(kids, "invention-title"),
        application_number=app.get("number"), application_date=app.get("date"),
        application_type=app_ref.get("appl-type") if app_ref is not None else None,
        series_code=_kid_text(kids, "us-application-series-code"),
        abstract=_long_text(abstract), num_claims=_int(_kid_text(kids, "number-of-claims")),
    )
    doc.claims = _claims_ice(claims)
    term = kids.get("us-term-of-grant")
    if term is not None:
        doc.term = {"extension_days": _int(_t(term, "us-term-extension")),
                    "length_years": _int(_t(term, "length-of-grant")),
                    "disclaimer": _t(term, "disclaimer") or ("" if term.find("disclaimer")
                                                             is not None else None),
                    "disclaimer_date": _date(_t(term, "disclaimer/date"))}
    priority = kids.get("priority-claims")
    for pc in () if priority is None else priority.iterchildren("priority-claim"):
        doc.priority_claims.append({"sequence": _int(pc.get("sequence")),
                                    "kind": pc.get("kind"), "country": _t(pc, "country"),
                                    "number": _t(pc, "doc-number"),
                                    "date": _date(_t(pc, "date"))})
    _ice_classifications(bib, doc)
    refs = kids.get("us-references-cited")
    if refs is None:
        refs = kids.get("references-cited")
    if refs is not None:
        _ice_citations(refs, doc)
    _ice_related(bib, doc)
    parties = kids.get("us-parties")
    if parties is None:
        parties = kids.get("parties")
    if parties is not None:
        for path, bucket in (("us-applicants/us-applicant", doc.applicants),
                             ("applicants/applicant", doc.applicants),
                             ("inventors/inventor", doc.inventors)):
            for el in parties.iterfind(path):
                party = _party_ice(el)
                party["app_type"] = el.get("app-type")
                bucket.append(party)
        if not doc.inventors:  # v4.0-v4.1: inventors are applicants of type inventor
            doc.inventors = [p for p in doc.applicants
                             if (p.get("app_type") or "").endswith("inventor")]
    inventors = kids.get("inventors")
    if inventors is not None and not doc.inventors:
        doc.inventors = [_party_ice(el) for el in inventors.iterfind("inventor")]
    assignees = kids.get("assignees")
    for el in () if assignees is None else assignees.iterchildren("assignee"):
        doc.assignees.append(_party_ice(el))
    filing = kids.get("pct-or-regional-filing-data")
    if filing is not None:
        d = _docid(filing.find("document-id"))
        doc.pct = {"number": d.get("number"), "filing_date": d.get("date"),
                   "date_371": _date(_t(filing, "us-371c124-date/date")
                                     or _t(filing, "us-371c12-date/date"))}
    publishing = kids.get("pct-or-regional-publishing-data")
    if publishing is not None:
        d = _docid(publishing.find("document-id"))
        doc.pct.update(publication_number=d.get("number"), publication_date=d.get("date"))
    return doc


# --------------------------------------------------------------------------- ST.32 v2
def _pdat(el: Any, path: str) -> str | None:
    return _t(el, path)


def _doc_v2(el: Any) -> dict[str, Any]:
    if el is None:
        return {}
    return {"number": _pdat(el, "DNUM"), "date": _date(_pdat(el, "DATE")),
            "country": _pdat(el, "CTRY"), "kind": _pdat(el, "KIND")}


def _party_v2(el: Any) -> dict[str, Any]:
    party = el.find("PARTY-US")
    if party is None:
        party = el.find("PARTY-FOR") if el.find("PARTY-FOR") is not None else el
    return {
        "organization": _pdat(party, "NAM/ONM"),
        "last_name": _pdat(party, "NAM/SNM"),
        "first_name": _pdat(party, "NAM/FNM"),
        "city": _pdat(party, "ADR/CITY"),
        "state": _pdat(party, "ADR/STATE"),
        "country": _pdat(party, "ADR/CTRY"),
        "role": None,
    }


PARENT_STATUS_V2 = {"00": "PENDING", "01": "GRANTED", "03": "ABANDONED", "04": "SIR"}
"""PSTA codes of the ST.32 DTD (parent status)."""

RELATIONS_V2 = {"B610": "addition", "B620": "division", "B631": "continuation",
                "B632": "continuation-in-part", "B633": "continuing-reissue", "B640": "reissue",
                "B645": "reexamination"}


def extract_st32(root: Any, dtd: str) -> Document:
    bib = root.find("SDOBI")
    if bib is None:
        raise ValueError("no SDOBI (bibliographic data) in <PATDOC>")
    number = _pdat(bib, "B100/B110/DNUM")
    if not number:
        raise ValueError("no document number (B110)")
    doc = Document(
        kind="grant", dtd=dtd, number=number, kind_code=_pdat(bib, "B100/B130"),
        date=_date(_pdat(bib, "B100/B140/DATE")), title=_pdat(bib, "B500/B540"),
        application_number=_pdat(bib, "B200/B210/DNUM"),
        application_date=_date(_pdat(bib, "B200/B220/DATE")),
        series_code=_pdat(bib, "B200/B211US"),
        abstract=_text(root.find("SDOAB")),
        num_claims=_int(_pdat(bib, "B500/B570/B577")),
    )
    for prio in bib.iterfind("B300"):
        doc.priority_claims.append({"sequence": None, "kind": None,
                                    "country": _pdat(prio, "B330/CTRY"),
                                    "number": _pdat(prio, "B310/DNUM"),
                                    "date": _date(_pdat(prio, "B320/DATE"))})
    term = bib.find("B400/B472")
    if term is not None:
        ext = _pdat(term, "B474US")
        doc.term = {"extension_days": _int(ext) if ext and "year" not in ext else
                    (5 * 365 if ext else None),
                    "length_years": _int(_pdat(term, "B474")),
                    "disclaimer": "" if term.find("B473US") is not None else None,
                    "disclaimer_date": _date(_pdat(term, "B473/DATE"))}
    ipc = bib.find("B500/B510")
    if ipc is not None:
        edition = _pdat(ipc, "B516")
        for tag in ("B511", "B512"):
            for el in ipc.iterfind(tag):
                doc.ipc.append({"symbol": _raw(el), "value": "I" if tag == "B511" else None,
                                "version": edition})
    for tag in ("B521", "B522"):
        for el in bib.iterfind(f"B500/B520/{tag}"):
            doc.uspc.append({"symbol": _raw(el), "main": tag == "B521"})
    for seq, cit in enumerate(c for c in bib.iterfind("B500/B560/*")):
        category = ("cited by examiner" if cit.find("CITED-BY-EXAMINER") is not None else
                    "cited by other" if cit.find("CITED-BY-OTHER") is not None else None)
        if cit.tag == "B561":
            d = _doc_v2(cit.find("PCIT/DOC"))
            d.update(sequence=seq, category=category,
                     name=_pdat(cit, "PCIT/PARTY-US/NAM/SNM") or _pdat(
                         cit, "PCIT/PARTY-US/NAM/ONM"))
            if d.get("country") and d["country"] != "US":
                doc.foreign_citations.append(d)
            elif len(re.sub(r"\D", "", d.get("number") or "")) >= 10:
                doc.us_application_citations.append(d)
            else:
                doc.us_patent_citations.append(d)
        elif cit.tag == "B562":
            doc.other_citations.append({"sequence": seq, "text": _text(cit.find("NCIT")),
                                        "category": category})
    for el in bib.iterfind("B600/*"):
        items = [el] if el.tag != "B630" else list(el)
        for item in items:
            if item.tag in ("B680US", "B690US"):
                d = _doc_v2(item.find("DOC"))
                doc.related.append({"relation": "us-provisional-application"
                                    if item.tag == "B680US" else "related-publication",
                                    "number": d.get("number"), "country": d.get("country"),
                                    "kind": d.get("kind"), "date": d.get("date"),
                                    "status": None, "patent": None})
                continue
            relation = RELATIONS_V2.get(item.tag)
            parent = item.find("PARENT-US")
            if relation is None or parent is None:
                continue
            pdoc = _doc_v2(parent.find("PDOC/DOC"))
            ppub = _doc_v2(parent.find("PPUB/DOC"))
            doc.related.append({"relation": relation, "number": pdoc.get("number"),
                                "country": pdoc.get("country"), "kind": pdoc.get("kind"),
                                "date": pdoc.get("date"),
                                "status": PARENT_STATUS_V2.get(_pdat(parent, "PSTA") or "",
                                                               _pdat(parent, "PSTA")),
                                "patent": ppub.get("number") or None})
    for el in bib.iterfind("B700/B720/B721"):
        doc.inventors.append(_party_v2(el))
    for el in bib.iterfind("B700/B730/B731"):
        party = _party_v2(el)
        party["role"] = _pdat(bib, "B700/B730/B732US")
        doc.assignees.append(party)
    pct = bib.find("B800/B860")
    if pct is not None:
        d = _doc_v2(pct.find("B861/DOC"))
        doc.pct = {"number": d.get("number"), "filing_date": d.get("date"),
                   "date_371": _date(_pdat(pct, "B864US/DATE"))}
        pub = _doc_v2(bib.find("B800/B870/B871/DOC"))
        if pub:
            doc.pct.update(publication_number=pub.get("number"),
                           publication_date=pub.get("date"))
    for clm in root.iterfind("SDOCL/CL/CLM"):
        ref = clm.find(".//CLREF")
        claim_no, text = _int(clm.get("ID")), _text(clm)
        doc.claims.append({"number": claim_no, "text": text, "depends_on": _depends(
            text, claim_no, _int(ref.get("ID")) if ref is not None else None)})
    return doc


# --------------------------------------------------------------------------- pap v1.x
def _name_pap(el: Any) -> tuple[str | None, str | None]:
    first = " ".join(filter(None, (_t(el, "name/given-name"), _t(el, "name/middle-name"))))
    return _t(el, "name/family-name"), first or None


def extract_pap(root: Any, dtd: str) -> Document:
    bib = root.find("subdoc-bibliographic-information")
    if bib is None:
        raise ValueError("no subdoc-bibliographic-information")
    number = _t(bib, "document-id/doc-number")
    if not number:
        raise ValueError("no document-id/doc-number")
    tech = bib.find("technical-information")
    doc = Document(
        kind="application", dtd=dtd, number=number, kind_code=_t(bib, "document-id/kind-code"),
        date=_date(_t(bib, "document-id/document-date")),
        title=_t(tech, "title-of-invention"),
        application_number=_t(bib, "domestic-filing-data/application-number/doc-number"),
        application_date=_date(_t(bib, "domestic-filing-data/filing-date")),
        series_code=_t(bib, "domestic-filing-data/application-number-series-code"),
        abstract=_text(root.find("subdoc-abstract")),
    )
    for prio in bib.iterfind("foreign-priority-data"):
        doc.priority_claims.append({"sequence": None, "kind": None,
                                    "country": _t(prio, "country-code"),
                                    "number": _t(prio, "priority-application-number/doc-number"),
                                    "date": _date(_t(prio, "filing-date"))})
    if tech is not None:
        for tag, value in (("classification-ipc/classification-ipc-primary/ipc", "I"),
                           ("classification-ipc/classification-ipc-secondary/ipc", None)):
            for el in tech.iterfind(tag):
                doc.ipc.append({"symbol": _text(el), "value": value,
                                "version": _t(tech, "classification-ipc/"
                                                    "classification-ipc-edition")})
        for tag, main in (("classification-us/classification-us-primary/uspc", True),
                          ("classification-us/classification-us-secondary/uspc", False)):
            for el in tech.iterfind(tag):
                doc.uspc.append({"symbol": f"{_t(el, 'class') or ''}/{_t(el, 'subclass') or ''}",
                                 "main": main})
    continuity = bib.find("continuity-data")
    if continuity is not None:
        for el in continuity.iter():
            if not isinstance(el.tag, str) or el.find("parent-child") is None:
                continue
            relation = el.tag.replace("-of", "").replace("a-371-international", "371")
            for pc in el.iterfind("parent-child"):
                doc.related.append({"relation": relation,
                                    "number": _t(pc, "parent/document-id/doc-number"),
                                    "country": _t(pc, "parent/document-id/country-code"),
                                    "kind": _t(pc, "parent/document-id/kind-code"),
                                    "date": _date(_t(pc, "parent/document-id/document-date")),
                                    "status": _t(pc, "parent-status"),
                                    "patent": _t(pc, "parent-patent/document-id/doc-number")})
        for el in continuity.iterfind("non-provisional-of-provisional"):
            doc.related.append({"relation": "us-provisional-application",
                                "number": _t(el, "document-id/doc-number"), "country": "US",
                                "kind": None, "date": _date(_t(el, "document-id/document-date")),
                                "status": None, "patent": None})
    for tag in ("inventors/first-named-inventor", "inventors/inventor"):
        for el in bib.iterfind(tag):
            last, first = _name_pap(el)
            res = el.find("residence")
            doc.inventors.append({
                "organization": None, "last_name": last, "first_name": first, "role": None,
                "city": _t(res, ".//city"), "state": _t(res, ".//state"),
                "country": _t(res, ".//country-code") or ("US" if res is not None and
                                                         res.find("residence-us")
                                                         is not None else None)})
    for el in bib.iterfind("assignee"):
        last, first = _name_pap(el)
        doc.assignees.append({
            "organization": _t(el, "organization-name"), "last_name": last,
            "first_name": first, "role": _t(el, "assignee-type"),
            "city": _t(el, "address/city"), "state": _t(el, "address/state"),
            "country": _t(el, "address/country/country-code")})
    for claim in root.iterfind("subdoc-claims/claim"):
        ref = claim.find(".//dependent-claim-reference")
        claim_no, text = _int(claim.get("id")), _text(claim)
        doc.claims.append({"number": claim_no, "text": text, "depends_on": _depends(
            text, claim_no, _int(ref.get("depends_on")) if ref is not None
            and ref.get("depends_on") else None)})
    doc.num_claims = len(doc.claims) or None
    return doc


def dtd_of(root: Any) -> str:
    """A readable name of the document's format and version."""
    if root.tag == "PATDOC":
        return f"ST.32 v{root.get('DTD', '?')}"
    if root.tag == "patent-application-publication":
        return "pap v1.x"
    version = root.get("dtd-version", "")
    return f"{root.tag} {version}".strip()


def extract(root: Any) -> Document:
    """The record of a parsed document, by its root element."""
    dtd = dtd_of(root)
    if root.tag in ("us-patent-grant", "us-patent-application"):
        return extract_ice(root, dtd)
    if root.tag == "PATDOC":
        return extract_st32(root, dtd)
    if root.tag == "patent-application-publication":
        return extract_pap(root, dtd)
    raise ValueError(f"<{root.tag}> is not a patent document this loader reads")


# --------------------------------------------------------------------------- store rows
_IPC_PACKED = re.compile(r"^([A-H]\d\d[A-Z])(.{3})(\S.*)?$")


def normalize_ipc_text(text: str | None) -> str | None:
    """IPC symbols as the old formats write them: ``G06F 1516`` (ST.32, ICE v4.0: group
    right-aligned in 3 characters, then the subgroup), ``7G06F 15/16`` (with the edition),
    ``G06F015/16`` (pap) -> ``G06F15/16``."""
    if not text:
        return None
    s = text.strip()
    if len(s) > 1 and s[0].isdigit() and s[1].isalpha():
        s = s[1:]
    if "/" in s:
        return normalize_symbol(s.replace(" ", ""))
    m = _IPC_PACKED.match(s)
    if m is None:
        return None
    group, subgroup = m.group(2).strip(), (m.group(3) or "").strip()
    if not group.isdigit() or not subgroup.replace(" ", "").isdigit():
        return None
    return normalize_symbol(f"{m.group(1)}{int(group)}/{subgroup.replace(' ', '')}")


def normalize_uspc(text: str | None) -> str | None:
    """USPC as the formats write it: ``' 36103'`` (3-character class, then the subclass),
    ``'455/414.1'``, ``'705/026000'`` -> ``'36/103'``, ``'455/414.1'``, ``'705/26'``."""
    if not text or not text.strip():
        return None
    s = text.rstrip()
    if "/" in s:
        cls, sub = (x.strip() for x in s.split("/", 1))
    else:
        cls, sub = s[:3].strip(), s[3:].replace(" ", "")
    if sub.isdigit() and len(sub) == 6:  # pap: 026000 = 026.000
        whole, part = int(sub[:3]), sub[3:].rstrip("0")
        sub = f"{whole}.{part}" if part else str(whole)
    cls = cls.lstrip("0") or cls
    return f"{cls}/{sub.lstrip('0') or sub}" if sub else cls


def _class_type(value: str | None) -> str | None:
    return {"I": "inventive", "A": "additional", "N": "additional"}.get((value or "")[:1])


def _party_type(role: str | None) -> str | None:
    return role.lstrip("0") or role if role else None


def _application_number(doc: Document) -> str | None:
    number = doc.application_number
    if not number:
        return None
    if len(re.sub(r"\D", "", number)) <= 6 and doc.series_code:
        return normalize_application_number(number, doc.series_code)
    return normalize_application_number(number)


def _related_rows(doc: Document) -> list[dict[str, Any]]:
    out = []
    for seq, r in enumerate(doc.related):
        number = r.get("number")
        related = normalize_application_number(number) if number else None
        out.append({"sequence": seq, "relation": r["relation"],
                    "related_number": related or number,
                    "related_country": r.get("country"), "related_kind": r.get("kind"),
                    "related_date": _as_date(r.get("date")),
                    "related_status": r.get("status"),
                    "related_patent_id": try_normalize_patent_number(r.get("patent"))
                    if r.get("patent") else None})
    return out


def _as_date(value: str | None) -> Any:
    return dt.date.fromisoformat(value) if value else None


def add_grant(rows: Rows, doc: Document, source_file: str) -> str:
    patent_id = try_normalize_patent_number(doc.number)
    if patent_id is None:
        raise ValueError(f"document number {doc.number!r} is not a US patent number")
    rows.add("patents", patent_id=patent_id, patent_type=patent_type_of(patent_id),
             kind=doc.kind_code, grant_date=_as_date(doc.date), title=doc.title,
             num_claims=doc.num_claims if doc.num_claims is not None else len(doc.claims)
             or None, source_file=source_file)
    pct = doc.pct
    rows.add("applications", patent_id=patent_id, application_number=_application_number(doc),
             application_number_raw=doc.application_number,
             application_type=doc.application_type, filing_date=_as_date(doc.application_date),
             series_code=doc.series_code, pct_number=pct.get("number"),
             pct_filing_date=_as_date(pct.get("filing_date")),
             pct_371_date=_as_date(pct.get("date_371")),
             pct_publication_number=pct.get("publication_number"),
             pct_publication_date=_as_date(pct.get("publication_date")))
    if doc.abstract:
        rows.add("abstracts", patent_id=patent_id, abstract=doc.abstract)
    for c in doc.claims:
        rows.add("claims", patent_id=patent_id, claim_number=c["number"], claim_text=c["text"],
                 depends_on=c["depends_on"], independent=c["depends_on"] is None)
    for seq, a in enumerate(doc.assignees):
        rows.add("assignees", patent_id=patent_id, sequence=seq, organization=a["organization"],
                 name_first=a["first_name"], name_last=a["last_name"],
                 assignee_type=_party_type(a.get("role")), city=a["city"], state=a["state"],
                 country=a["country"])
    for seq, a in enumerate(doc.inventors):
        rows.add("inventors", patent_id=patent_id, sequence=seq, name_first=a["first_name"],
                 name_last=a["last_name"], city=a["city"], state=a["state"],
                 country=a["country"])
    for seq, c in enumerate(doc.cpc):
        symbol = normalize_symbol(c["symbol"]) or c["symbol"]
        rows.add("cpc", patent_id=patent_id, sequence=seq, symbol=symbol,
                 section=symbol[:1], cpc_class=symbol[:3], subclass=symbol[:4],
                 main_group=main_group_of(symbol), cpc_type=_class_type(c["value"]),
                 version=c["version"])
    for seq, c in enumerate(doc.ipc):
        symbol = normalize_ipc_text(c["symbol"])
        if symbol is None:  # e.g. a design patent's Locarno class: not IPC
            continue
        rows.add("ipc", patent_id=patent_id, sequence=seq, symbol=symbol, section=symbol[:1],
                 ipc_class=symbol[:3], subclass=symbol[:4], main_group=main_group_of(symbol),
                 ipc_type=_class_type(c["value"]), version=c["version"])
    for seq, u in enumerate(doc.uspc):
        rows.add("uspc", patent_id=patent_id, sequence=seq, symbol=normalize_uspc(u["symbol"]),
                 main=u["main"])
    for c in doc.us_patent_citations:
        cited = try_normalize_patent_number(c.get("number"))
        if cited is None:
            rows.add("other_citations", patent_id=patent_id, sequence=c["sequence"],
                     text=" ".join(filter(None, ("US", c.get("number"), c.get("kind"),
                                                 c.get("name"), c.get("date")))),
                     category=c["category"])
            continue
        rows.add("citations", patent_id=patent_id, sequence=c["sequence"],
                 cited_patent_id=cited, cited_date=_as_date(c.get("date")),
                 cited_name=c.get("name"), cited_kind=c.get("kind"), category=c["category"])
    for c in doc.us_application_citations:
        rows.add("application_citations", patent_id=patent_id, sequence=c["sequence"],
                 cited_publication_number=re.sub(r"\D", "", c.get("number") or ""),
                 cited_date=_as_date(c.get("date")), cited_name=c.get("name"),
                 cited_kind=c.get("kind"), category=c["category"])
    for c in doc.foreign_citations:
        rows.add("foreign_citations", patent_id=patent_id, sequence=c["sequence"],
                 cited_country=c.get("country"), cited_number=c.get("number"),
                 cited_kind=c.get("kind"), cited_date=_as_date(c.get("date")),
                 category=c["category"])
    for c in doc.other_citations:
        rows.add("other_citations", patent_id=patent_id, sequence=c["sequence"],
                 text=c["text"], category=c["category"])
    term = doc.term
    if term and any(v is not None for v in term.values()):
        rows.add("term_of_grant", patent_id=patent_id, term_grant=term.get("length_years"),
                 term_extension=term.get("extension_days"),
                 term_disclaimer=(term.get("disclaimer") or
                                  "This patent is subject to a terminal disclaimer.")
                 if term.get("disclaimer") is not None else None,
                 disclaimer_date=_as_date(term.get("disclaimer_date")))
    for r in _related_rows(doc):
        rows.add("related_documents", patent_id=patent_id, **r)
    for seq, p in enumerate(doc.priority_claims):
        rows.add("priority_claims", patent_id=patent_id, sequence=p["sequence"] or seq,
                 country=p["country"], number=p["number"], date=_as_date(p["date"]),
                 kind=p["kind"])
    return patent_id


def add_application(rows: Rows, doc: Document) -> str:
    number = re.sub(r"\D", "", doc.number)
    if len(number) != 11:
        raise ValueError(f"publication number {doc.number!r} is not an 11-digit US "
                         "pre-grant publication number")
    rows.add("publications", publication_number=number, kind=doc.kind_code,
             publication_date=_as_date(doc.date), title=doc.title,
             application_number=_application_number(doc),
             filing_date=_as_date(doc.application_date))
    if doc.abstract:
        rows.add("publication_abstracts", publication_number=number, abstract=doc.abstract)
    for c in doc.claims:
        rows.add("publication_claims", publication_number=number, claim_number=c["number"],
                 claim_text=c["text"], depends_on=c["depends_on"],
                 independent=c["depends_on"] is None)
    for role, parties in (("assignee", doc.assignees), ("inventor", doc.inventors),
                          ("applicant", doc.applicants)):
        for seq, a in enumerate(parties):
            rows.add("publication_parties", publication_number=number, role=role, sequence=seq,
                     organization=a["organization"], name_first=a["first_name"],
                     name_last=a["last_name"], party_type=_party_type(a.get("role")),
                     city=a["city"], state=a["state"], country=a["country"])
    seq = 0
    for scheme, items in (("cpc", doc.cpc), ("ipc", doc.ipc), ("uspc", doc.uspc)):
        for c in items:
            symbol = (normalize_uspc(c["symbol"]) if scheme == "uspc" else
                      normalize_ipc_text(c["symbol"]) if scheme == "ipc" else
                      normalize_symbol(c["symbol"]) or c["symbol"])
            if symbol is None:
                continue
            rows.add("publication_classifications", publication_number=number, scheme=scheme,
                     sequence=seq, symbol=symbol, class_type=_class_type(c.get("value")),
                     version=c.get("version"))
            seq += 1
    for r in _related_rows(doc):
        rows.add("publication_related_documents", publication_number=number, **r)
    return number


def watch_parent(parent: int, every: float = 1.0) -> None:
    """In a parsing worker: exit when the loading process is gone (killed with -9, it
    cannot stop its workers, which would otherwise wait for work forever)."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="warchest-watch-parent").start()


@dataclass(frozen=True)
class Loaded:
    """A document a batch loaded: its key (patent or publication number) and position."""

    key: str
    line: int | None
    offset: int | None


def parse_batch(docs: list[RawDocument], source_name: str, source_file: str
                ) -> tuple[dict[str, Any], list[QuarantinedRow], int, list[Loaded]]:
    """Parse and extract a batch of documents into store rows (run in worker processes).

    A document whose number an earlier document of the batch already had is quarantined
    (:func:`repeated_document`); :func:`read_xml` does the same across batches with the
    returned list of loaded documents."""
    rows = Rows()
    quarantined: list[QuarantinedRow] = []
    loaded: dict[str, Loaded] = {}
    for raw in docs:
        reason: str | None = None
        number: str | None = None
        if not raw.complete:
            reason = raw.problem or (
                "the document is cut short: the file ends, or another document starts, "
                "before its closing tag (truncated)" if raw.root else
                "not XML: no document element found")
        else:
            mark = rows.mark()
            try:
                root = parse_document(raw.data)
                doc = extract(root)
                number = doc.number
                key = (add_grant(rows, doc, source_file) if doc.kind == "grant" else
                       add_application(rows, doc))
                if key in loaded:
                    number, reason = key, repeated_document(key, loaded[key])
                else:
                    loaded[key] = Loaded(key, raw.line, raw.offset)
            except etree.XMLSyntaxError as exc:
                reason = f"not well-formed XML: {exc}"
            except ValueError as exc:
                reason = str(exc)
            except Exception as exc:  # one odd document must not stop the file
                reason = (f"could not be extracted ({type(exc).__name__}: {exc}); please "
                          "report this document")
            if reason is not None:
                rows.rollback(mark)
        if reason is not None:
            number = number or _guess_number(raw.data)
            quarantined.append(QuarantinedRow(raw.line, reason, raw.data[:2000].decode(
                "utf-8", "replace"), record=number, byte_offset=raw.offset))
    return rows.tables(), quarantined, len(docs), list(loaded.values())


def repeated_document(key: str, first: Loaded) -> str:
    """Why a document is quarantined when its number was loaded from this file before.

    A file's first document for a number is the one loaded, whole (its claims,
    citations and parties with it): mixing two documents' rows is never right, and which
    of two differing versions is the correct one is not for the loader to guess."""
    where = f"line {first.line}" if first.line is not None else f"byte {first.offset}"
    return (f"repeated document: {key} was loaded from the document at {where} of this "
            "file; this later one is set aside (remove one of the two and load again to "
            "keep the other)")


def drop_documents(tables: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """The batch's rows without those of the given documents (every table of a grant has
    ``patent_id``, of a publication ``publication_number``)."""
    out = {}
    for name, table in tables.items():
        column = "patent_id" if "patent_id" in table.column_names else "publication_number"
        drop = pa_compute.is_in(table.column(column),
                                value_set=pa.array(sorted(keys), pa.string()))
        out[name] = table.filter(pa_compute.invert(pa_compute.fill_null(drop, False)))
    return out


_GUESS = re.compile(rb"<(?:doc-number|B110>\s*<DNUM>\s*<PDAT)>\s*([A-Z]*\d+)")


def _guess_number(data: bytes) -> str | None:
    m = _GUESS.search(data[:20000])
    return m.group(1).decode("ascii", "replace") if m else None


def read_xml(stream: ByteStream, source_name: str, source_file: str, workers: int = 0,
             batch_bytes: int = 8 << 20) -> Iterator[Chunk]:
    """Chunks of store rows from a USPTO XML file; documents are parsed by ``workers``
    processes (0: one per core; 1: in this process), results kept in file order.

    Batches of about ``batch_bytes`` of documents go to the workers; a file of one batch
    is parsed in this process. Worker processes are started with ``spawn``, so a script
    that loads with several workers needs the ``if __name__ == "__main__":`` guard.
    """
    import os
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    workers = workers or (os.cpu_count() or 1)
    docs = split_documents(stream)

    def batches() -> Iterator[tuple[list[RawDocument], int]]:
        """Batches of documents with their size in bytes."""
        batch: list[RawDocument] = []
        size = 0
        for raw in docs:
            batch.append(raw)
            size += len(raw.data)
            if size >= batch_bytes:
                yield batch, size
                batch, size = [], 0
        if batch:
            yield batch, size

    seen = False
    done = 0
    good = 0
    not_patent: list[str] = []

    first: dict[str, Loaded] = {}

    def chunk_of(result: tuple[dict[str, Any], list[QuarantinedRow], int, list[Loaded]],
                 done: int) -> Chunk:
        """A batch's chunk, less the documents an earlier batch already loaded."""
        tables, quarantined, read, loaded = result
        again = {d.key for d in loaded if d.key in first}
        if again:
            tables = drop_documents(tables, again)
            quarantined = quarantined + [
                QuarantinedRow(d.line, repeated_document(d.key, first[d.key]),
                               f"<the document at byte {d.offset} of the file>",
                               record=d.key, byte_offset=d.offset)
                for d in loaded if d.key in again]
        first.update((d.key, d) for d in loaded if d.key not in first)
        return check(Chunk(tables, quarantined, read, done))

    def check(chunk: Chunk) -> Chunk:
        nonlocal good
        good += chunk.rows_read - len(chunk.quarantined)
        not_patent.extend(q.reason for q in chunk.quarantined
                          if q.reason.startswith(("not XML", "not a document", "<")))
        return chunk

    queue = batches()
    head = list(itertools.islice(queue, 2))
    queue = itertools.chain(head, queue)
    if workers <= 1 or len(head) < 2:  # one batch: not worth starting processes
        for batch, size in queue:
            seen = True
            done += size
            yield chunk_of(parse_batch(batch, source_name, source_file), done)
    else:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        pending: list[tuple[Future[Any], int]] = []
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                     initializer=watch_parent,
                                     initargs=(os.getpid(),)) as pool:
                for batch, size in queue:
                    seen = True
                    pending.append((pool.submit(parse_batch, batch, source_name,
                                                source_file), size))
                    while len(pending) >= 2 * workers:
                        future, size = pending.pop(0)
                        done += size
                        yield chunk_of(future.result(), done)
                for future, size in pending:
                    done += size
                    yield chunk_of(future.result(), done)
        except BrokenProcessPool as exc:
            raise SetupError(
                f"a parsing worker process stopped while reading {source_name}. Worker "
                "processes re-import the calling script: guard its entry point with `if "
                "__name__ == '__main__':`, or load with workers=1 (CLI: --workers 1)"
            ) from exc
    if not seen:
        raise BadInputFile(f"{source_name} is empty: it holds no XML document")
    if good == 0 and not_patent:
        raise BadInputFile(f"{source_name} is not USPTO patent XML ({not_patent[0]}); give "
                           "weekly grant (ipg) or application (ipa) files")
