"""ST.32 v2.4/v2.5 grants (``PATDOC``, 2001-2004): ``extract_st32``."""

from __future__ import annotations

import re
from typing import Any

from warchest.ingest.uspto_xml.ice import _depends
from warchest.ingest.uspto_xml.records import Document, _date, _int, _raw, _t, _text


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


