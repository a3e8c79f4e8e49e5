"""Reading resolved owners: find a company, show its names and evidence, list what it
owned on a date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from warchest.errors import (
    InputError,
    NotResolved,
    UnknownEntity,
)
from warchest.owners.names import normalise_name
from warchest.results import Result, Row, row_type
from warchest.store import Engine


@row_type
@dataclass(frozen=True)
class NameVariant:
    """One raw name a company appears under, with how often it appears."""

    raw_name: str
    mentions: int
    patents: int


@dataclass(frozen=True)
class Company(Result):
    """A resolved company: its id, name, patent counts, parent and name variants."""

    TABLE = "variants"
    entity_id: str
    name: str
    patents_at_grant: int
    """Patents naming the company as owner at grant."""
    patents_now: int
    """Patents it owns today (an open ownership period)."""
    parent_entity_id: str | None
    ultimate_entity_id: str | None
    """The top of its corporate group (itself when it has no parent)."""
    variants: tuple[NameVariant, ...]


@row_type
@dataclass(frozen=True)
class OwnerMatch(Company):
    """A company found by name: ``score`` 100 when it has every word of the query, else
    the name similarity (rapidfuzz WRatio, 0-100)."""

    score: float
    exact: bool


@dataclass(frozen=True)
class OwnerSearch(Result):
    """The companies matching a query, best first; ``exact`` is False when none has the
    query's words and the matches are the closest names."""

    TABLE = "matches"
    query: str
    exact: bool
    matches: tuple[OwnerMatch, ...]


@dataclass(frozen=True)
class CompanyGroup:
    """The top of a company's corporate group and how many companies it holds."""

    entity_id: str
    name: str | None
    companies: int


@dataclass(frozen=True)
class OwnerDetail(Company):
    """One company with the evidence behind it: the merge decisions (``links``), parents
    and subsidiaries, its group, the ids other disambiguations give its names and where
    they disagree with warchest."""

    links: tuple[Row, ...]
    parents: tuple[Row, ...]
    children: tuple[Row, ...]
    group: CompanyGroup
    source_ids: tuple[Row, ...]
    disagreements: tuple[str, ...]


@row_type
@dataclass(frozen=True)
class Holding:
    """A patent owned on the date: how it was acquired (``via`` the grant or a recorded
    assignment, with its reel-frame) and its open security interests."""

    patent_id: str
    title: str | None
    grant_date: dt.date | None
    owner_name: str
    entity_id: str
    start_date: dt.date
    via: str
    via_rf_id: str | None
    note: str | None
    open_liens: int
    lien_rf_ids: str | None


@dataclass(frozen=True)
class Portfolio(Result):
    """The patents a company (or its group, ``group``) owns on ``as_of``; ``members``:
    entity id -> name of the companies counted; ``by_via``: patents per way acquired."""

    TABLE = "patents"
    entity_id: str
    name: str
    as_of: dt.date
    group: bool
    members: dict[str, str]
    patents: tuple[Holding, ...]
    by_via: dict[str, int]


def _require_resolved(store: Engine) -> None:
    if not store.scalar("SELECT count(*) FROM owner_entities"):
        raise NotResolved


def find_owners(store: Engine, query: str, limit: int = 10) -> OwnerSearch:
    """Entities whose names match ``query`` (contained words, else the closest names),
    each with its most used name variants and patent counts."""
    _require_resolved(store)
    key = normalise_name(query) or query.strip().upper()
    if not key:
        raise InputError("give a company name to look for, e.g. 'xiaomi'")
    keys = store.rows("SELECT name_key, entity_id, sum(mentions) AS m FROM owner_names "
                      "GROUP BY name_key, entity_id")
    words = key.split()
    hits: dict[str, float] = {}
    for r in keys:
        if all(w in r["name_key"].split() for w in words) or key in r["name_key"]:
            hits[r["entity_id"]] = max(hits.get(r["entity_id"], 0), 100.0)
    exact = bool(hits)
    if not hits:
        choices = {i: r["name_key"] for i, r in enumerate(keys)}
        for _, score, i in process.extract(key, choices, scorer=fuzz.WRatio, limit=limit * 3):
            eid = keys[i]["entity_id"]
            hits[eid] = max(hits.get(eid, 0), float(score))
    out = [OwnerMatch(**_company(store, eid).__dict__, score=round(score, 1), exact=exact)
           for eid, score in hits.items()]
    out.sort(key=lambda e: (-e.score, -e.patents_at_grant, e.name))
    return OwnerSearch(query, exact, tuple(out[:limit]))


def _company(store: Engine, eid: str) -> Company:
    row = store.rows("SELECT * FROM owner_entities WHERE entity_id = ?", [eid])[0]
    variants = store.rows("SELECT raw_name, mentions, patents FROM owner_names "
                          "WHERE entity_id = ? ORDER BY mentions DESC, raw_name", [eid])
    owned = store.scalar("SELECT count(DISTINCT patent_id) FROM ownership "
                         "WHERE entity_id = ? AND end_date IS NULL", [eid])
    return Company(eid, row["name"], int(row["patents_at_grant"]), int(owned or 0),
                   row["parent_entity_id"], row["ultimate_entity_id"],
                   tuple(NameVariant(v["raw_name"], int(v["mentions"]), int(v["patents"]))
                         for v in variants))


def entity_id_of(store: Engine, text: str) -> str:
    """The entity a user means: an entity id, a raw name, or a name with the same key;
    otherwise an error listing the closest candidates."""
    _require_resolved(store)
    if store.scalar("SELECT count(*) FROM owner_entities WHERE entity_id = ?", [text]):
        return text
    rows = store.rows("SELECT entity_id FROM owner_names WHERE raw_name = ? OR name_key = ? "
                      "GROUP BY entity_id ORDER BY sum(mentions) DESC, entity_id",
                      [text, normalise_name(text)])
    if rows:
        return str(rows[0]["entity_id"])
    near = find_owners(store, text, limit=5).matches
    listed = "; ".join(f"{e.name} ({e.entity_id}, {e.patents_at_grant} patents)"
                       for e in near)
    raise UnknownEntity(f"no company named {text!r} in the store. Closest: {listed or 'none'}."
                        " Use one of these names or ids (see 'warchest owners find').")


def show_owner(store: Engine, text: str) -> OwnerDetail:
    """One company: its names, the merge decisions behind them, its parent, group and
    subsidiaries, the ids other disambiguations give its names, and where those disagree
    with warchest (``disagreements``: one line each)."""
    eid = entity_id_of(store, text)
    company = _company(store, eid)
    links = store.rows("""
        SELECT l.name_key_a, l.name_key_b, l.rule, l.detail FROM owner_links l
        WHERE l.name_key_a IN (SELECT name_key FROM owner_names WHERE entity_id = ?)
        ORDER BY l.rule, l.name_key_a, l.name_key_b""", [eid])
    parents = store.rows("SELECT parent_entity_id, parent_name, source, evidence "
                         "FROM corporate_links WHERE child_entity_id = ?", [eid])
    children = store.rows("SELECT child_entity_id, child_name, source, evidence "
                          "FROM corporate_links WHERE parent_entity_id = ? "
                          "ORDER BY child_name", [eid])
    top = company.ultimate_entity_id or eid
    group = CompanyGroup(top, store.scalar(
        "SELECT name FROM owner_entities WHERE entity_id = ?", [top]), int(store.scalar(
            "SELECT count(*) FROM owner_entities WHERE ultimate_entity_id = ?", [top])))
    source_ids, disagreements = _source_evidence(store, eid, top)
    return OwnerDetail(**company.__dict__, links=tuple(links), parents=tuple(parents),
                       children=tuple(children), group=group, source_ids=tuple(source_ids),
                       disagreements=tuple(disagreements))


def _source_evidence(store: Engine, eid: str, top: str
                     ) -> tuple[list[dict[str, Any]], list[str]]:
    """The other disambiguations' ids of a company's names, and the lines saying where
    they split the company or put other companies' names with it."""
    ids = store.rows("""
        SELECT s.source, s.source_id, CAST(sum(s.mentions) AS BIGINT) AS mentions,
               string_agg(DISTINCT s.raw_name, ' | ') AS names
        FROM owner_source_ids s JOIN owner_names n ON n.raw_name = s.raw_name
        WHERE n.entity_id = ?
        GROUP BY s.source, s.source_id ORDER BY mentions DESC, s.source_id""", [eid])
    others = store.rows("""
        SELECT s.source, s.source_id, n.entity_id, e.name, e.ultimate_entity_id,
               CAST(sum(s.mentions) AS BIGINT) AS mentions
        FROM owner_source_ids s
        JOIN owner_names n ON n.raw_name = s.raw_name
        JOIN owner_entities e ON e.entity_id = n.entity_id
        WHERE n.entity_id <> ? AND s.source_id IN (
            SELECT s2.source_id FROM owner_source_ids s2
            JOIN owner_names n2 ON n2.raw_name = s2.raw_name WHERE n2.entity_id = ?)
        GROUP BY s.source, s.source_id, n.entity_id, e.name, e.ultimate_entity_id
        ORDER BY mentions DESC, n.entity_id""", [eid, eid])
    lines: list[str] = []
    for source in sorted({r["source"] for r in ids}):
        mine = [r for r in ids if r["source"] == source]
        if len(mine) > 1:
            lines.append(f"{source}: {len(mine)} ids for this company's names, where "
                         "warchest has one company: " + "; ".join(
                             f"{r['source_id']} ({r['names']})" for r in mine[:5])
                         + (f"; {len(mine) - 5} more" if len(mine) > 5 else ""))
    for r in others:
        where = "in the same group" if r["ultimate_entity_id"] == top else "another group"
        lines.append(f"{r['source']} {r['source_id']} also covers {r['name']} "
                     f"({r['entity_id']}, {where}, {r['mentions']} mentions), a company "
                     "warchest keeps apart")
    return ids, lines


def group_members(store: Engine, eid: str, group: bool) -> list[str]:
    """The entity ``eid`` alone, or with ``group`` every entity of its corporate group."""
    if not group:
        return [eid]
    top = store.scalar("SELECT ultimate_entity_id FROM owner_entities WHERE entity_id = ?",
                       [eid])
    return [r["entity_id"] for r in store.rows(
        "SELECT entity_id FROM owner_entities WHERE ultimate_entity_id = ? ORDER BY entity_id",
        [top])]


def portfolio(store: Engine, text: str, as_of: dt.date | None = None,
              group: bool = False) -> Portfolio:
    """Patents an entity (or its whole corporate group) owns on ``as_of`` (default today),
    each with how it was acquired and any open security interest."""
    eid = entity_id_of(store, text)
    as_of = as_of or dt.date.today()
    members = group_members(store, eid, group)
    marks = ", ".join("?" for _ in members)
    rows = store.rows(f"""
        WITH held AS (
            SELECT o.* FROM ownership o
            WHERE o.entity_id IN ({marks}) AND o.start_date <= ?
              AND (o.end_date IS NULL OR o.end_date > ?)
        ),
        liens AS ({encumbrances_sql(as_of.isoformat())})
        SELECT h.patent_id, p.title, p.grant_date, h.owner_name, h.entity_id, h.start_date,
               h.via, h.via_rf_id, h.note, coalesce(l.open_liens, 0) AS open_liens,
               l.lien_rf_ids
        FROM held h LEFT JOIN patents p ON p.patent_id = h.patent_id
        LEFT JOIN liens l ON l.patent_id = h.patent_id
        ORDER BY h.patent_id, h.entity_id, h.start_date, h.owner_name""", [*members, as_of, as_of])
    names = {r["entity_id"]: r["name"] for r in store.rows(
        f"SELECT entity_id, name FROM owner_entities WHERE entity_id IN ({marks}) "
        "ORDER BY entity_id", members)}
    return Portfolio(eid, names.get(eid, eid), as_of, group, names,
                     tuple(Holding(**r) for r in rows), dict(Counter(r["via"] for r in rows)))


def encumbrances_sql(day: str) -> str:
    """Per patent on ``day``: open security interests (no later release by the secured
    party or naming the interest's reel-frame) and recorded licences."""
    return f"""
        SELECT s.patent_id,
               count(*) FILTER (WHERE s.kind = 'security interest') AS open_liens,
               string_agg(s.rf_id, ', ' ORDER BY s.rf_id)
                   FILTER (WHERE s.kind = 'security interest') AS lien_rf_ids,
               count(*) FILTER (WHERE s.kind = 'licence') AS licences,
               string_agg(s.rf_id, ', ' ORDER BY s.rf_id)
                   FILTER (WHERE s.kind = 'licence') AS licence_rf_ids
        FROM ownership_events s
        WHERE s.kind IN ('security interest', 'licence') AND s.effective_date <= DATE '{day}'
          AND NOT EXISTS (
            SELECT 1 FROM ownership_events r
            WHERE s.kind = 'security interest'
              AND r.patent_id = s.patent_id AND r.kind = 'release'
              AND r.effective_date <= DATE '{day}' AND r.effective_date >= s.effective_date
              AND (r.assignor_entity_id = s.assignee_entity_id
                   OR r.conveyance_text LIKE '%' || replace(s.rf_id, '-', '/') || '%'))
        GROUP BY s.patent_id"""


def owner_on(store: Engine, patent_id: str, on: dt.date) -> list[dict[str, Any]]:
    """Who owned one patent on a date (several rows when co-owned)."""
    return store.rows("""
        SELECT o.entity_id, e.name AS entity_name, o.owner_name, o.start_date, o.end_date,
               o.via, o.via_rf_id, o.note
        FROM ownership o LEFT JOIN owner_entities e ON e.entity_id = o.entity_id
        WHERE o.patent_id = ? AND o.start_date <= ? AND (o.end_date IS NULL OR o.end_date > ?)
        ORDER BY o.owner_name""", [patent_id, on, on])
