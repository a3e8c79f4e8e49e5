"""Everything the store knows about one patent, with the loads (files) it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warchest.errors import NotFound
from warchest.litigation.history import CASES_SQL, PROCEEDINGS_SQL
from warchest.numbers import normalize_patent_number
from warchest.results import Result, Row
from warchest.store import Engine


@dataclass(frozen=True)
class PatentRecord(Result):
    """Everything the store holds about one patent, table by table (with ``litigation``,
    the district-court cases that asserted it, and ``ptab``, the PTAB proceedings that
    challenged it: :mod:`warchest.litigation.history`). Every row keeps the
    ``load_id`` of the load that wrote it (and, for one-row tables that merge several
    sources, ``merged_from``: the older loads whose values it kept); ``sources`` lists those
    loads (file, checksum, when, provenance label). ``to_arrow`` is the patent's row."""

    patent_id: str
    patent: Row
    application: Row | None
    abstract: Row | None
    term_of_grant: Row | None
    assignees: tuple[Row, ...]
    assignees_disambiguated: tuple[Row, ...]
    inventors: tuple[Row, ...]
    cpc: tuple[Row, ...]
    ipc: tuple[Row, ...]
    wipo_fields: tuple[Row, ...]
    claims: tuple[Row, ...]
    citations_made: tuple[Row, ...]
    citations_received: tuple[Row, ...]
    application_citations: tuple[Row, ...]
    foreign_citations: tuple[Row, ...]
    other_citations: tuple[Row, ...]
    related_documents: tuple[Row, ...]
    reassignments: tuple[Row, ...]
    litigation: tuple[Row, ...]
    ptab: tuple[Row, ...]
    sources: tuple[Row, ...]

    def rows(self) -> list[Row]:
        return [dict(self.patent)]


_SECTIONS: dict[str, str] = {
    "application": "SELECT patent_id AS _key, application_number, application_number_raw,"
    " application_type, filing_date, series_code, rule_47_flag, load_id, merged_from"
    " FROM applications WHERE patent_id {match}",
    "abstract": "SELECT patent_id AS _key, abstract, load_id FROM abstracts"
    " WHERE patent_id {match}",
    "term_of_grant": "SELECT patent_id AS _key, term_grant, term_extension, term_disclaimer,"
    " disclaimer_date, load_id, merged_from FROM term_of_grant WHERE patent_id {match}",
}
"""One-row sections: per patent (``_key``), the row or none. ``{match}`` is the condition
on the key: one patent (``= ?``) or a batch."""

_LISTS: dict[str, str] = {
    "assignees": "SELECT patent_id AS _key, sequence, organization, name_first, name_last,"
    " assignee_type, city, state, country, load_id FROM assignees WHERE patent_id {match}"
    " ORDER BY _key, sequence",
    "assignees_disambiguated": "SELECT patent_id AS _key, sequence, assignee_id, organization,"
    " name_first, name_last, assignee_type, location_id, load_id FROM assignees_disambiguated"
    " WHERE patent_id {match} ORDER BY _key, sequence",
    "inventors": "SELECT patent_id AS _key, sequence, name_first, name_last, city, state,"
    " country, load_id FROM inventors WHERE patent_id {match} ORDER BY _key, sequence",
    "cpc": "SELECT c.patent_id AS _key, c.sequence, c.symbol, c.cpc_type, c.version, t.title,"
    " c.load_id FROM cpc c LEFT JOIN cpc_titles t ON t.symbol = c.symbol"
    " WHERE c.patent_id {match} ORDER BY _key, c.sequence, c.symbol, t.title",
    "ipc": "SELECT i.patent_id AS _key, i.sequence, i.symbol, i.ipc_type, t.title, i.load_id"
    " FROM ipc i LEFT JOIN ipc_titles t ON t.symbol = i.symbol WHERE i.patent_id {match}"
    " ORDER BY _key, i.sequence, i.symbol, t.title",
    "wipo_fields": "SELECT patent_id AS _key, sequence, field_id, sector_title, field_title,"
    " load_id FROM patent_wipo_fields WHERE patent_id {match} ORDER BY _key, sequence",
    "claims": "SELECT patent_id AS _key, claim_number, depends_on, independent, claim_text,"
    " load_id FROM claims WHERE patent_id {match} ORDER BY _key, claim_number",
    "citations_made": "SELECT c.patent_id AS _key, c.sequence, c.cited_patent_id, c.cited_date,"
    " c.cited_name, c.category, p.title AS cited_title, c.load_id FROM citations c"
    " LEFT JOIN patents p ON p.patent_id = c.cited_patent_id"
    " WHERE c.patent_id {match} ORDER BY _key, c.sequence",
    "citations_received": "SELECT c.cited_patent_id AS _key, c.patent_id AS citing_patent_id,"
    " p.grant_date, p.title, c.category, c.load_id FROM citations c"
    " LEFT JOIN patents p ON p.patent_id = c.patent_id"
    " WHERE c.cited_patent_id {match}"
    " ORDER BY _key, p.grant_date, c.patent_id, c.category, c.load_id",
    "application_citations": "SELECT patent_id AS _key, sequence, cited_publication_number,"
    " cited_date, cited_name, category FROM application_citations WHERE patent_id {match}"
    " ORDER BY _key, sequence",
    "foreign_citations": "SELECT patent_id AS _key, sequence, cited_country, cited_number,"
    " cited_kind, cited_date, category FROM foreign_citations WHERE patent_id {match}"
    " ORDER BY _key, sequence",
    "other_citations": "SELECT patent_id AS _key, sequence, text, category FROM other_citations"
    " WHERE patent_id {match} ORDER BY _key, sequence",
    "related_documents": "SELECT patent_id AS _key, sequence, relation, related_number,"
    " related_country, related_date, related_status, related_patent_id, load_id"
    " FROM related_documents WHERE patent_id {match} ORDER BY _key, sequence",
    "reassignments": "SELECT d.patent_id AS _key, r.rf_id, r.recorded_date, r.conveyance_text,"
    " (SELECT string_agg(name, '; ' ORDER BY sequence) FROM reassignment_assignors a"
    "  WHERE a.rf_id = r.rf_id) AS assignors,"
    " (SELECT min(execution_date) FROM reassignment_assignors a WHERE a.rf_id = r.rf_id)"
    "  AS executed,"
    " (SELECT string_agg(name, '; ' ORDER BY sequence) FROM reassignment_assignees e"
    "  WHERE e.rf_id = r.rf_id) AS assignees, r.load_id"
    " FROM reassignments r JOIN (SELECT DISTINCT patent_id, rf_id FROM reassignment_documents"
    " WHERE patent_id {match}) d ON d.rf_id = r.rf_id"
    " ORDER BY _key, r.recorded_date, r.rf_id",
    "litigation": CASES_SQL,
    "ptab": PROCEEDINGS_SQL,
}
"""Many-row sections, per patent (``_key``) in their order."""


def describe_patent(store: Engine, number: str) -> PatentRecord:
    """Everything the store holds about one patent, in any number format a user types.

    Each part keeps the ``load_id`` of the load that wrote it (and, for one-row tables that
    merge several sources, ``merged_from``: the older loads whose values it kept);
    ``sources`` lists those loads (file, checksum, when, provenance label), so every value
    traces back to a file.
    """
    patent_id = normalize_patent_number(number)
    rows = store.rows("SELECT * FROM patents WHERE patent_id = ?", [patent_id])
    if not rows:
        total = store.scalar("SELECT count(*) FROM patents")
        hint = (
            f"the store has {total:,} patents; load the PatentsView or USPTO files that hold "
            "it (`warchest load ...`)"
            if total
            else "the store has no patents yet; load some with `warchest load ...` or run "
            "`warchest demo`"
        )
        raise NotFound(f"patent {patent_id} (from {number!r}) is not in the store; {hint}")
    return _records(store, rows, "= ?", [patent_id])[0]


def describe_patents(store: Engine, first: str, last: str) -> list[PatentRecord]:
    """:func:`describe_patent` for every patent whose id lies between ``first`` and
    ``last`` (inclusive, in the store's text order), with one query per section for the
    whole range: the same records, for building a read copy of many patents."""
    rows = store.rows("SELECT * FROM patents WHERE patent_id BETWEEN ? AND ? "
                      "ORDER BY patent_id", [first, last])
    return _records(store, rows, "BETWEEN ? AND ?", [first, last]) if rows else []


def _records(store: Engine, patents: list[Row], match: str, params: list[Any]
             ) -> list[PatentRecord]:
    """The records of ``patents`` (rows of ``patents``), each section read once for all of
    them with the key condition ``match``."""
    parts: dict[str, dict[str, list[Row]]] = {}
    for name, sql in (_SECTIONS | _LISTS).items():
        grouped: dict[str, list[Row]] = parts.setdefault(name, {})
        for row in store.rows(sql.format(match=match), params):
            grouped.setdefault(row.pop("_key"), []).append(row)
    records, wanted = [], set()
    for patent in patents:
        pid = patent["patent_id"]
        record: dict[str, Any] = {"patent_id": pid, "patent": patent}
        for name in _SECTIONS:
            found = parts[name].get(pid)
            record[name] = found[0] if found else None
        for name in _LISTS:
            record[name] = tuple(parts[name].get(pid, ()))
        load_ids: set[int] = set()
        for value in record.values():
            items = value if isinstance(value, tuple) else [value]
            for item in items:
                if isinstance(item, dict) and item.get("load_id") is not None:
                    load_ids.add(int(item["load_id"]))
                if isinstance(item, dict) and item.get("merged_from"):
                    load_ids.update(int(i) for i in str(item["merged_from"]).split(","))
        record["sources"] = sorted(load_ids)
        wanted |= load_ids
        records.append(record)
    logs = {int(r["load_id"]): r for r in store.rows(
        "SELECT load_id, loader, path, member, sha256, finished, label FROM load_log"
        f" WHERE load_id IN ({', '.join(str(i) for i in sorted(wanted))})")} if wanted else {}
    for record in records:
        record["sources"] = tuple(logs[i] for i in record["sources"] if i in logs)
    return [PatentRecord(**record) for record in records]
