"""Owner names that new loads brought, placed without clustering every name again
(``place_new_names``, the owners' part of an incremental derivation).

A raw name the store has resolved keeps its company. A new raw name joins the company of
an earlier name with the same key (``name_key``: legal forms, punctuation, case and
abbreviations aside, the same name), else it founds a company of its own, named by it,
with no parent. The other links of ``resolve_owners`` (same words in another order,
spelling, acronyms, changes of name) and the parents by name evidence need every name at
once (a new name can join, or bridge, companies through them), so they wait for the next
full ``warchest owners resolve``. The counts of every name the new loads mention
(mentions, patents, countries) and of their companies are brought up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from warchest.owners.names import name_key
from warchest.owners.resolve import entity_id
from warchest.owners.timeline import grant_assignees_sql, name_counts_sql, source_ids_sql
from warchest.store import Engine

NAMES_TABLE = "_new_owner_names"
"""The registered table of the raw names being placed (column ``raw_name``)."""


@dataclass(frozen=True)
class NewNames:
    """What ``place_new_names`` did: names the new loads mention, of which new to the
    store, joined to an earlier company by key, and companies founded (new names of one
    key found one company)."""

    mentioned: int
    new: int
    joined_by_key: int
    new_companies: int


def _mentioned(store: Engine, patents: str, loads: str) -> list[str]:
    """Raw names on the grants of ``patents`` and in the reassignment parties ``loads``
    wrote (both the names of registered tables)."""
    rows = store.rows(f"""
        SELECT raw_name FROM ({grant_assignees_sql()}) g
        WHERE patent_id IN (SELECT patent_id FROM {patents})
        UNION SELECT name FROM reassignment_assignees
        WHERE load_id IN (SELECT load_id FROM {loads})
        UNION SELECT name FROM reassignment_assignors
        WHERE load_id IN (SELECT load_id FROM {loads})""")
    return sorted({r["raw_name"] for r in rows
                   if r["raw_name"] is not None and r["raw_name"].strip()})


def place_new_names(store: Engine, load_id: int, patents: str, loads: str) -> NewNames:
    """Place the raw names on the grants of ``patents`` and in the reassignment parties of
    ``loads`` (names of registered tables: ``patent_id``, ``load_id``) in companies
    (module docstring) and bring ``owner_names``, ``owner_entities`` and
    ``owner_source_ids`` up to date for them. Runs inside the caller's transaction."""
    names = _mentioned(store, patents, loads)
    if not names:
        return NewNames(0, 0, 0, 0)
    store.register(NAMES_TABLE, pa.table({"raw_name": pa.array(names, pa.string())}))
    try:
        return _place(store, load_id, names)
    finally:
        store.unregister(NAMES_TABLE)


def _place(store: Engine, load_id: int, names: list[str]) -> NewNames:
    counted = store.rows(name_counts_sql(f"raw_name IN (SELECT raw_name FROM {NAMES_TABLE})"))
    known = {r["raw_name"]: r for r in store.rows(
        "SELECT raw_name, name_key, entity_id FROM owner_names "
        f"WHERE raw_name IN (SELECT raw_name FROM {NAMES_TABLE})")}
    keys = {r["raw_name"]: name_key(r["raw_name"]) for r in counted
            if r["raw_name"] not in known}
    store.register("_new_name_keys", pa.table({"name_key": sorted(set(keys.values()))}))
    try:
        by_key = {r["name_key"]: r["entity_id"] for r in store.rows(
            "SELECT name_key, min(entity_id) AS entity_id FROM owner_names "
            "WHERE name_key IN (SELECT name_key FROM _new_name_keys) GROUP BY name_key")}
    finally:
        store.unregister("_new_name_keys")
    founded: dict[str, str] = {}  # entity id -> its display name
    existing = set(by_key)
    joined = 0
    rows: list[dict[str, Any]] = []
    for r in counted:
        raw = r["raw_name"]
        if raw in known:
            key, eid = known[raw]["name_key"], known[raw]["entity_id"]
        else:
            key = keys[raw]
            eid = by_key.get(key) or entity_id(key)
            joined += key in existing
            if key not in by_key:  # its own company (a second new name of the key joins)
                by_key[key] = eid
                founded[eid] = raw
        rows.append({"raw_name": raw, "name_key": key, "entity_id": eid,
                     "mentions": int(r["mentions"]), "patents": int(r["patents"]),
                     "countries": r["countries"]})
    new_names = pa.Table.from_pylist(rows, schema=pa.schema([
        ("raw_name", pa.string()), ("name_key", pa.string()), ("entity_id", pa.string()),
        ("mentions", pa.int64()), ("patents", pa.int64()), ("countries", pa.string())]))
    store.register("_placed_names", new_names)
    try:
        store.derive("owner_names", "SELECT * FROM _placed_names", load_id,
                     replacing=NAMES_TABLE)
    finally:
        store.unregister("_placed_names")
    _recount_entities(store, load_id, {r["entity_id"] for r in rows}, founded)
    store.derive("owner_source_ids", source_ids_sql(NAMES_TABLE), load_id,
                 replacing=NAMES_TABLE)
    return NewNames(len(names), len(names) - len(known), joined, len(founded))


def _recount_entities(store: Engine, load_id: int, entities: set[str],
                      founded: dict[str, str]) -> None:
    """The companies of the placed names with their names and patents counted again; a
    company founded here is its own group, named by its name."""
    store.register("_placed_entities", pa.table({
        "entity_id": pa.array(sorted(entities), pa.string())}))
    store.register("_founded", pa.table({
        "entity_id": pa.array(list(founded), pa.string()),
        "name": pa.array(list(founded.values()), pa.string())}))
    try:  # the SELECT reads the companies' rows as they were (their name, parent)
        store.derive("owner_entities", """
            SELECT n.entity_id, coalesce(e.name, f.name) AS name,
                   CAST(count(*) AS INTEGER) AS names,
                   CAST(sum(n.patents) AS BIGINT) AS patents_at_grant,
                   e.parent_entity_id,
                   coalesce(e.ultimate_entity_id, n.entity_id) AS ultimate_entity_id
            FROM owner_names n
            LEFT JOIN owner_entities e ON e.entity_id = n.entity_id
            LEFT JOIN _founded f ON f.entity_id = n.entity_id
            WHERE n.entity_id IN (SELECT entity_id FROM _placed_entities)
            GROUP BY n.entity_id, e.name, f.name, e.parent_entity_id, e.ultimate_entity_id""",
            load_id, replacing="_placed_entities")
    finally:
        store.unregister("_placed_entities")
        store.unregister("_founded")
