"""Patent families: DOCDB/INPADOC-style member lists (CSV) and EPO OPS family XML.

- **Member list CSV** (one row per family member, matched by header; e.g. an export of
  DOCDB/INPADOC families or the synthetic world's ``families.csv``): ``family_id``; the
  member's office (``jurisdiction``, ``country`` or ``publication_country``); its number
  (``member_number``, ``publication_number`` or ``doc_number``); optional ``kind``,
  ``application_number``, ``filing_date``, ``publication_date``, ``grant_date``, ``status``
  (in force, granted, pending, expired, lapsed, refused, withdrawn, revoked),
  ``status_date`` and ``us_patent_id`` (the US patent the family was looked up from).
- **EPO OPS family XML** (``ops:world-patent-data/ops:patent-family``, the response of the
  OPS ``family`` service): one ``ops:family-member`` per publication, with its
  ``family-id`` attribute, the DOCDB ``publication-reference`` (country, doc-number, kind,
  date) and ``application-reference`` (number and filing date). OPS family data carries no
  legal status: a member published with a grant kind (B, C, or a US grant number) reads as
  granted on its publication date, status empty. Elements are found by name, whatever
  their namespace prefix.

A family's rows are replaced by a later load that lists the same family (the key is the
family id), so loading a file twice leaves the same rows. A row without a family id, an
office or a member number is quarantined with its line (CSV) or its position (XML).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from lxml import etree

from warchest.ingest.delimited import (
    CSV,
    Chunk,
    Field,
    TableSpec,
    chunks_from_records,
    read_delimited,
)
from warchest.numbers import try_normalize_patent_number
from warchest.store import QuarantinedRow

FAMILIES = TableSpec(
    "families",
    "families",
    (
        Field("family_id", ("family_id", "family", "docdb_family_id", "inpadoc_family_id"),
              required=True, not_null=True),
        Field("jurisdiction", ("jurisdiction", "country", "publication_country", "office"),
              required=True, not_null=True),
        Field("member_number", ("member_number", "publication_number", "doc_number",
                                "number"), required=True, not_null=True),
        Field("kind", ("kind", "kind_code")),
        Field("application_number", ("application_number",)),
        Field("filing_date", ("filing_date", "application_date"), "date"),
        Field("publication_date", ("publication_date",), "date"),
        Field("grant_date", ("grant_date",), "date"),
        Field("status", ("status", "legal_status")),
        Field("status_date", ("status_date", "legal_status_date"), "date"),
        Field("us_patent_id", ("us_patent_id", "patent_id"), "patent"),
    ),
    dialect=CSV,
    record_key=("family_id",),
    doc="patent family members and where they are in force",
)

GRANT_KINDS = ("B", "C", "E", "S", "P", "D")
"""DOCDB kind-code letters of granted publications (US grants before 2001 carry ``A``; DE
``D1`` is the German publication of a European patent in force in Germany)."""
EP_TRANSLATION_OFFICES = frozenset((
    "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR",
    "HU", "IE", "IS", "IT", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO", "RS",
    "SE", "SI", "SK", "SM", "TR"))
"""Offices where kind ``T`` is the translation of a granted European patent (validation);
elsewhere (JP, KR, ...) ``T`` is the translation of a PCT application, not a grant."""


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(node: etree._Element, name: str) -> etree._Element | None:
    for c in node:
        if _local(c.tag) == name:
            return c
    return None


def _docdb(ref: etree._Element | None) -> dict[str, str]:
    """Fields of the DOCDB ``document-id`` inside a publication/application reference."""
    if ref is None:
        return {}
    for doc in ref:
        if _local(doc.tag) == "document-id" and doc.get("document-id-type") == "docdb":
            return {_local(c.tag): (c.text or "").strip() for c in doc}
    return {}


def _iso(text: str | None) -> str | None:
    if text and len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text or None


def _ops_records(stream: IO[bytes]) -> Iterator[tuple[int, str, dict[str, str | None]]
                                                | QuarantinedRow]:
    data = stream.read()
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                      huge_tree=True))
    except etree.XMLSyntaxError as exc:
        yield QuarantinedRow(getattr(exc, "lineno", None), f"not well-formed XML: {exc}",
                             data[:200].decode("utf-8", "replace"))
        return
    position = 0
    for member in root.iter():
        if _local(member.tag) != "family-member":
            continue
        position += 1
        pub = _docdb(_child(member, "publication-reference"))
        app = _docdb(_child(member, "application-reference"))
        raw = etree.tostring(member, encoding="unicode")[:500]
        family = member.get("family-id")
        if not family or not pub.get("country") or not pub.get("doc-number"):
            yield QuarantinedRow(member.sourceline, f"family member {position}: no family-id, "
                                 "country or doc-number in its DOCDB publication-reference",
                                 raw, record=f"family-member {position}")
            continue
        country, number, kind = pub["country"], pub["doc-number"], pub.get("kind", "")
        us_grant = None
        if country == "US":
            us_grant = try_normalize_patent_number(number)
            if us_grant is not None and not us_grant.isdigit() and kind[:1] == "A":
                us_grant = None
            if kind[:1] == "A" and len(number) > 8:  # a US pre-grant publication
                us_grant = None
        granted = (kind[:1] in GRANT_KINDS or us_grant is not None
                   or (kind[:1] == "T" and country in EP_TRANSLATION_OFFICES))
        yield member.sourceline or position, raw, {
            "family_id": family,
            "jurisdiction": country,
            "member_number": f"{country}{number}{kind}",
            "kind": kind or None,
            "application_number": (app.get("country", "") + app.get("doc-number", "")) or None,
            "filing_date": _iso(app.get("date")),
            "publication_date": _iso(pub.get("date")),
            "grant_date": _iso(pub.get("date")) if granted else None,
            "status": None,
            "status_date": None,
            "us_patent_id": us_grant,
        }


def read_family_csv(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    return read_delimited(stream, FAMILIES, source_name)


def read_ops_family_xml(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    return chunks_from_records(_ops_records(stream), FAMILIES)


def looks_like_ops_family(head: str) -> bool:
    return "patent-family" in head and "world-patent-data" in head

