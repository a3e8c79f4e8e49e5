"""The names a company goes by in court and before the Board: every name key owner
resolution gave the company (or its whole group), so that a plaintiff written "Alpha
Widgets, L.L.C." finds the company whose patents say "ALPHA WIDGETS LLC"."""

from __future__ import annotations

from dataclasses import dataclass

from warchest.errors import NotResolved, UnknownEntity
from warchest.owners.lookup import entity_id_of, group_members
from warchest.owners.names import normalise_name
from warchest.store import Engine


@dataclass(frozen=True)
class Party:
    """A company as litigation sees it: its entity (None when it owns no patent in the
    store and is known only as a party), its name, members and name keys."""

    entity_id: str | None
    name: str
    members: dict[str, str]
    keys: tuple[str, ...]


def party_of(store: Engine, text: str, group: bool = False) -> Party:
    """The company ``text`` names (an entity id or any of its names), with the name keys
    of it or, with ``group``, of every company in its group. A name no patent owner has
    is looked up among the parties and petitioners themselves."""
    try:
        eid = entity_id_of(store, text)
    except (UnknownEntity, NotResolved) as exc:
        key = normalise_name(text)
        if key and _known_party(store, key):
            return Party(None, text, {}, (key,))
        raise UnknownEntity(f"{exc} No party or PTAB petitioner is named {text!r} either."
                            if isinstance(exc, UnknownEntity) else
                            f"no party or PTAB petitioner named {text!r}, and owners are not "
                            "resolved yet (run `warchest owners resolve` to find companies "
                            "by any of their names)") from None
    members = group_members(store, eid, group)
    marks = ", ".join("?" for _ in members)
    names = {r["entity_id"]: r["name"] for r in store.rows(
        f"SELECT entity_id, name FROM owner_entities WHERE entity_id IN ({marks}) "
        "ORDER BY entity_id", members)}
    keys = {r["name_key"] for r in store.rows(
        f"SELECT DISTINCT name_key FROM owner_names WHERE entity_id IN ({marks}) "
        "AND name_key IS NOT NULL", members)}
    keys.update(k for k in (normalise_name(n) for n in names.values() if n) if k)
    return Party(eid, names.get(eid, eid), names, tuple(sorted(keys)))


def _known_party(store: Engine, key: str) -> bool:
    return bool(store.scalar(
        "SELECT (SELECT count(*) FROM lit_parties WHERE name_key = ?) + "
        "(SELECT count(*) FROM ptab_proceedings WHERE petitioner_key = ? "
        "OR patent_owner_key = ?)", [key, key, key]))


def marks(keys: tuple[str, ...]) -> str:
    """``?, ?, ...`` for the keys (an IN list)."""
    return ", ".join("?" for _ in keys)


def held_sql(party: Party) -> tuple[str, list[str]]:
    """SQL and its parameters for the cases the company brought as the holder of a patent
    in suit: one of its members (``party.members``) held it on the filing day, under
    whatever name it sued (only the patentee has standing to sue, 35 U.S.C. 281), and
    none of its names is on the accused side (the defendant, or the plaintiff of a
    declaratory judgment action: a counterclaim with its own patents does not make the
    accused the side that brought the suit)."""
    members, keys = tuple(party.members), party.keys
    accused = "" if not keys else f"""
        LEFT JOIN (SELECT DISTINCT q.case_id FROM lit_parties q
                   JOIN lit_cases k ON k.case_id = q.case_id
                   WHERE q.name_key IN ({marks(keys)})
                     AND ((q.role = 'defendant' AND NOT coalesce(k.declaratory, false))
                          OR (q.role = 'plaintiff' AND coalesce(k.declaratory, false)))) a
               ON a.case_id = c.case_id"""
    sql = f"""
        SELECT DISTINCT c.case_id, c.case_number, c.court, c.case_name, c.filed_date,
               c.closed_date, coalesce(c.declaratory, false) AS declaratory
        FROM lit_patents l JOIN lit_cases c ON c.case_id = l.case_id
        JOIN ownership o ON o.patent_id = l.patent_id{accused}
        WHERE o.entity_id IN ({marks(members)}) AND o.start_date <= c.filed_date
          AND (o.end_date IS NULL OR o.end_date > c.filed_date)"""
    return sql + (" AND a.case_id IS NULL" if keys else ""), [*keys, *members]
