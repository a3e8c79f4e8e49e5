"""A ``Document`` as store rows: ``add_grant``, ``add_application``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from warchest.classification import main_group_of, normalize_symbol
from warchest.ingest.rows import Rows
from warchest.ingest.uspto_xml.records import Document
from warchest.numbers import (
    normalize_application_number,
    patent_type_of,
    try_normalize_patent_number,
)

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


