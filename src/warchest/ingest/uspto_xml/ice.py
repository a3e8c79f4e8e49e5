"""ICE v4.x grants and applications (2005 on): ``extract_ice``."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from warchest.ingest.uspto_xml.records import (
    Document,
    _date,
    _docid,
    _field,
    _find,
    _int,
    _kid_text,
    _kids,
    _long_text,
    _raw,
    _t,
)

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


