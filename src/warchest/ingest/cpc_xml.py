"""CPC XML files: scheme files (titles) and the USPTO CPC Master Classification File.

- CPC scheme XML (``cpc-scheme-A01L.xml``): nested ``classification-item`` elements with a
  ``classification-symbol`` and a ``class-title`` made of ``title-part`` texts and
  references; ``level`` 5 is the subclass, 7 the main group, 8 and up the dotted subgroups.
  Source: https://www.cooperativepatentclassification.org/cpcSchemeAndDefinitions/bulk
- CPC Master Classification File (``CPCMasterClassificationFile``, ST.96 namespaces): one
  ``CPCMasterClassificationRecord`` per granted patent with its main and further CPC
  symbols given by parts (section, class, subclass, main group, subgroup), position
  (F first / L later) and value (I inventive / A additional).
  Source: https://bulkdata.uspto.gov (CPC Master Classification File for US patent grants)

Both are read with a streaming parser (elements are discarded as soon as they are read);
external entities and DTDs are never fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import pyarrow as pa
from lxml import etree

from warchest.classification import main_group_of, rank_of
from warchest.errors import BadInputFile
from warchest.ingest.delimited import Chunk
from warchest.numbers import try_normalize_patent_number
from warchest.store import QuarantinedRow
from warchest.store.schema import ARROW_TYPES
from warchest.store.schema import table as schema_table

BATCH = 5_000


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    out = {}
    for name, items in rows.items():
        cols = [c for c in schema_table(name).columns if any(c.name in r for r in items)]
        out[name] = pa.table({c.name: pa.array([r.get(c.name) for r in items],
                                                ARROW_TYPES[c.type]) for c in cols})
    return out


def _parser(stream: IO[bytes], tags: tuple[str, ...]) -> Any:
    return etree.iterparse(stream, events=("end",), tag=tags, resolve_entities=False,
                           no_network=True, load_dtd=False, huge_tree=True)


def _title(item: Any) -> str:
    parts = []
    for part in item.iterfind("class-title/title-part"):
        text = " ".join("".join(t.itertext()) for t in part.iterfind("text"))
        refs = [" ".join("".join(r.itertext()).split()) for r in part.iter("reference")]
        body = " ".join(text.split())
        if refs:
            body += " (" + "; ".join(refs) + ")"
        parts.append(body)
    return "; ".join(p for p in parts if p)


def read_scheme(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    """Titles from a CPC scheme XML file (``class-scheme``)."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    read = 0
    try:
        for _event, item in _parser(stream, ("classification-item",)):
            symbol = item.findtext("classification-symbol")
            level = int(item.get("level", "0") or 0)
            if symbol and item.find("class-title") is not None and symbol not in seen:
                seen.add(symbol)
                read += 1
                rank = rank_of(symbol)
                rows.append({"symbol": symbol, "rank": rank,
                             "level": level - 7 if "/" in symbol and level >= 7 else None,
                             "title": _title(item)})
            # children are nested: keep them until their parent ends, then drop the text
            for child in item.iterfind("class-title"):
                item.remove(child)
    except etree.XMLSyntaxError as exc:
        raise BadInputFile(f"{source_name} is not well-formed CPC scheme XML ({exc})") from None
    yield Chunk({"cpc_titles": _tables({"cpc_titles": rows})["cpc_titles"]} if rows else {},
                [], read, 0)


def read_master(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    """Patent CPC classifications from a CPC Master Classification File."""
    rows: dict[str, list[dict[str, Any]]] = {"cpc": []}
    quarantined: list[QuarantinedRow] = []
    read = 0
    try:
        for _event, record in _parser(stream, ("{*}CPCMasterClassificationRecord",)):
            read += 1
            number = None
            for el in record.iter():
                if _local(el.tag) == "PatentNumber":
                    number = el.text
                    break
            patent_id = try_normalize_patent_number(number)
            if patent_id is None:
                line = record.sourceline
                quarantined.append(QuarantinedRow(line, f"no US patent number in the record "
                                                  f"(PatentNumber {number!r})",
                                                  etree.tostring(record)[:2000].decode()))
            else:
                for seq, cls in enumerate(record.iter("{*}CPCClassification")):
                    parts = {_local(c.tag): (c.text or "").strip() for c in cls}
                    symbol = (f"{parts.get('CPCSection', '')}{parts.get('Class', '')}"
                              f"{parts.get('Subclass', '')}{parts.get('MainGroup', '')}/"
                              f"{parts.get('Subgroup', '')}")
                    value = parts.get("CPCClassificationValueCode", "")
                    rows["cpc"].append({
                        "patent_id": patent_id, "sequence": seq, "symbol": symbol,
                        "section": symbol[:1], "cpc_class": symbol[:3], "subclass": symbol[:4],
                        "main_group": main_group_of(symbol),
                        "cpc_type": {"I": "inventive", "A": "additional"}.get(value, value),
                        "version": parts.get("ClassificationVersionDate"),
                    })
            record.clear()
            while record.getprevious() is not None:
                del record.getparent()[0]
            if read % BATCH == 0:
                yield Chunk(_tables(rows), quarantined, read, 0)
                rows, quarantined, read = {"cpc": []}, [], 0
    except etree.XMLSyntaxError as exc:
        raise BadInputFile(f"{source_name} is not well-formed XML ({exc}); a truncated "
                           "download? fetch it again") from None
    if read or quarantined:
        yield Chunk(_tables(rows) if rows["cpc"] else {}, quarantined, read, 0)
