"""The comparable view of one extracted document (used by the tests and to write the
expected files, which were checked field by field against the raw XML)."""

from __future__ import annotations

from typing import Any

from warchest.ingest.uspto_xml import Document, normalize_ipc_text, normalize_uspc


def comparable(doc: Document) -> dict[str, Any]:
    return {
        "dtd": doc.dtd, "kind": doc.kind, "number": doc.number, "kind_code": doc.kind_code,
        "date": doc.date, "title": doc.title, "application_number": doc.application_number,
        "application_date": doc.application_date,
        "claims": len(doc.claims),
        "claim_1_starts": (doc.claims[0]["text"] or "")[:100] if doc.claims else None,
        "claim_2_depends_on": doc.claims[1]["depends_on"] if len(doc.claims) > 1 else None,
        "us_patent_citations": len(doc.us_patent_citations),
        "first_us_patent_citations": [[c["number"], c["category"]]
                                      for c in doc.us_patent_citations[:2]],
        "us_application_citations": len(doc.us_application_citations),
        "foreign_citations": len(doc.foreign_citations),
        "other_citations": len(doc.other_citations),
        "assignees": [a["organization"] or f'{a["last_name"]}, {a["first_name"]}'
                      for a in doc.assignees],
        "cpc": [[c["symbol"], c["value"]] for c in doc.cpc[:3]],
        "ipc": [normalize_ipc_text(c["symbol"]) for c in doc.ipc[:2]],
        "uspc_main": next((normalize_uspc(u["symbol"]) for u in doc.uspc if u["main"]), None),
        "pta_days": doc.term.get("extension_days"),
        "term_years": doc.term.get("length_years"),
        "priority_claims": [[p["country"], p["number"], p["date"]]
                            for p in doc.priority_claims[:2]],
        "related": [[r["relation"], r["number"], r["date"]] for r in doc.related[:2]],
    }
