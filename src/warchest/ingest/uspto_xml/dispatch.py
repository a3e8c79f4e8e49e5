"""Which extractor reads a document: by its root element (``extract``)."""

from __future__ import annotations

from typing import Any

from warchest.ingest.uspto_xml.ice import extract_ice
from warchest.ingest.uspto_xml.pap import extract_pap
from warchest.ingest.uspto_xml.records import Document
from warchest.ingest.uspto_xml.st32 import extract_st32


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


