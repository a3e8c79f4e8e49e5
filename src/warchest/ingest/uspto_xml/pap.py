"""pap v1.5/v1.6 applications (2001-2004): ``extract_pap``."""

from __future__ import annotations

from typing import Any

from warchest.ingest.uspto_xml.ice import _depends
from warchest.ingest.uspto_xml.records import Document, _date, _int, _t, _text


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
