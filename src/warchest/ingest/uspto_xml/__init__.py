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

The modules, in the order a file goes through them: ``splitter`` (documents out of a
file, entities, parsing), ``records`` (the ``Document`` record), ``ice``, ``st32`` and
``pap`` (one extractor per DTD family), ``dispatch`` (which extractor reads a document),
``storerows`` (a record as store rows), ``reader`` (batches, worker processes, repeated
documents: ``read_xml``).
"""

from __future__ import annotations

from warchest.ingest.uspto_xml.dispatch import (
    dtd_of,
    extract,
)
from warchest.ingest.uspto_xml.ice import (
    RELATIONS_ICE,
    extract_ice,
)
from warchest.ingest.uspto_xml.pap import (
    extract_pap,
)
from warchest.ingest.uspto_xml.reader import (
    Loaded,
    drop_documents,
    parse_batch,
    read_xml,
    repeated_document,
    watch_parent,
)
from warchest.ingest.uspto_xml.records import (
    Document,
)
from warchest.ingest.uspto_xml.splitter import (
    BOM,
    ENTITIES,
    KNOWN_ROOTS,
    XML_ENTITIES,
    RawDocument,
    parse_document,
    split_documents,
)
from warchest.ingest.uspto_xml.st32 import (
    PARENT_STATUS_V2,
    RELATIONS_V2,
    extract_st32,
)
from warchest.ingest.uspto_xml.storerows import (
    add_application,
    add_grant,
    normalize_ipc_text,
    normalize_uspc,
)

__all__ = [
    "BOM",
    "ENTITIES",
    "KNOWN_ROOTS",
    "PARENT_STATUS_V2",
    "RELATIONS_ICE",
    "RELATIONS_V2",
    "XML_ENTITIES",
    "Document",
    "Loaded",
    "RawDocument",
    "add_application",
    "add_grant",
    "drop_documents",
    "dtd_of",
    "extract",
    "extract_ice",
    "extract_pap",
    "extract_st32",
    "normalize_ipc_text",
    "normalize_uspc",
    "parse_batch",
    "parse_document",
    "read_xml",
    "repeated_document",
    "split_documents",
    "watch_parent",
]
