"""Cutting a weekly file into documents and parsing one without its DTD (named
entities replaced from the official tables)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from lxml import etree

from warchest.ingest.sources import MAX_RECORD, ByteStream, record_too_long

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


