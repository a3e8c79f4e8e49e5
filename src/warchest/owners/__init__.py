"""Owners: who owns what, on any date.

    resolve_owners(store)                 names -> entities, corporate tree, ownership periods
    find_owners(store, "xiaomi")          entities matching a name, with variants and counts
    show_owner(store, "GOOGLE")           one entity: names, links, parents, children
    portfolio(store, "GOOGLE", as_of=...) patents owned on a date and how each was acquired
    add_override(store, "merge", a, b)    a user decision that wins over automatic ones
    import_groups(store, path)            parent/subsidiary relations (CSV, YAML, GLEIF)
    cluster_names_file(in_csv, out_csv)   the same resolver on a CSV of mentions
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from rapidfuzz import fuzz, process

from warchest.errors import WarchestError
from warchest.owners.conveyance import classify_conveyance
from warchest.owners.groups import Relation, read_gleif, read_groups_file
from warchest.owners.names import normalise_name
from warchest.owners.resolve import Resolution, resolve_names
from warchest.owners.timeline import events_sql, grant_owner_name, ownership_sql
from warchest.store import Store

__all__ = [
    "OwnersReport",
    "UnknownEntity",
    "add_override",
    "classify_conveyance",
    "cluster_names_file",
    "find_owners",
    "import_groups",
    "normalise_name",
    "owner_on",
    "portfolio",
    "resolve_names",
    "resolve_owners",
    "show_owner",
]

OVERRIDE_ACTIONS = ("merge", "split", "rename", "parent", "unparent")


class UnknownEntity(WarchestError):
    """A company name or entity id matches nothing in the store."""


class NotResolved(WarchestError):
    """Owners have not been resolved in this store yet."""


@dataclass
class OwnersReport:
    names: int = 0
    entities: int = 0
    links: Counter[str] = field(default_factory=Counter)
    events: int = 0
    events_by_kind: Counter[str] = field(default_factory=Counter)
    periods: int = 0
    uncertain_periods: int = 0
    corporate_links: int = 0
    unmatched_relations: list[str] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------------------- resolution
def _name_rows(store: Store) -> list[dict[str, Any]]:
    owner = grant_owner_name("a")
    return store.rows(f"""
        WITH mentions AS (
            SELECT {owner} AS raw_name, a.patent_id, a.country FROM assignees a
            UNION ALL
            SELECT name, NULL, country FROM reassignment_assignees
            UNION ALL
            SELECT name, NULL, NULL FROM reassignment_assignors
        )
        SELECT raw_name, count(*) AS mentions, count(DISTINCT patent_id) AS patents,
               string_agg(DISTINCT country, ',') AS countries
        FROM mentions WHERE raw_name IS NOT NULL AND trim(raw_name) <> ''
        GROUP BY raw_name ORDER BY raw_name""")


def _co_assigned(store: Store) -> list[tuple[str, str]]:
    oa, ob = grant_owner_name("a"), grant_owner_name("b")
    rows = store.rows(f"""
        SELECT DISTINCT {oa} AS x, {ob} AS y FROM assignees a
        JOIN assignees b ON a.patent_id = b.patent_id AND a.sequence < b.sequence
        WHERE a.organization IS NOT NULL AND b.organization IS NOT NULL""")
    return [(r["x"], r["y"]) for r in rows if r["x"] and r["y"]]


def _renamed(store: Store) -> list[tuple[str, str, str, str]]:
    rows = store.rows("""
        SELECT r.rf_id, o.name AS old, e.name AS new, r.conveyance_text
        FROM reassignments r
        JOIN reassignment_assignors o ON o.rf_id = r.rf_id
        JOIN reassignment_assignees e ON e.rf_id = r.rf_id
        WHERE upper(r.conveyance_text) LIKE '%CHANGE OF NAME%'
           OR upper(r.conveyance_text) LIKE '%NAME CHANGE%'""")
    return [(r["old"], r["new"], "change of name", f"recorded change of name {r['rf_id']}")
            for r in rows if classify_conveyance(r["conveyance_text"])[0] == "change of name"]


def _overrides(store: Store) -> list[dict[str, Any]]:
    return store.rows("SELECT action, subject, object, note, source FROM owner_overrides "
                      "ORDER BY created, load_id")


def resolve_owners(store: Store) -> OwnersReport:
    """Resolve every name in the store into entities, apply groups and overrides, and
    derive the ownership events and periods. Replaces what an earlier run derived."""
    start = dt.datetime.now()
    report = OwnersReport()
    names = _name_rows(store)
    overrides = _overrides(store)
    counts = {r["raw_name"]: int(r["mentions"]) for r in names}
    countries = {r["raw_name"]: set((r["countries"] or "").split(",")) - {""} for r in names}
    known = set(counts)
    raws_by_key: dict[str, list[str]] = defaultdict(list)
    for raw in sorted(known):
        raws_by_key[normalise_name(raw)].append(raw)

    def raw_names_of(text: str) -> list[str]:
        """A user's name: the raw names with its key (or the raw name itself)."""
        return raws_by_key.get(normalise_name(text)) or ([text] if text in known else [])

    same: list[tuple[str, str, str, str]] = []
    separate: list[str] = []
    for o in overrides:
        if o["action"] == "merge":
            a, b = raw_names_of(o["subject"]), raw_names_of(o["object"] or "")
            if a and b:
                same.append((a[0], b[0], "override", f"merge: {o['note'] or 'by the user'}"))
            else:
                report.unmatched_relations.append(f"merge {o['subject']!r} {o['object']!r}")
        elif o["action"] == "split":  # also undoes the user's earlier merges of the name
            split = set(raw_names_of(o["subject"]))
            separate.extend(split)
            same = [m for m in same if not ({m[0], m[1]} & split)]
    same += _renamed(store)
    res = resolve_names(sorted(known), counts, countries, _co_assigned(store), same, separate)
    renames = {o["subject"]: o["object"] for o in overrides if o["action"] == "rename"}
    for eid in list(res.name_of_entity):
        for subject, new in renames.items():
            if subject == eid or normalise_name(subject) == normalise_name(
                    res.name_of_entity[eid]):
                res.name_of_entity[eid] = new

    with store.transaction():
        load_id = store.begin_load("owners resolve", "(store)", None, None, None)
        for t in ("owner_names", "owner_entities", "owner_links", "corporate_links",
                  "ownership_events", "ownership"):
            store.clear(t)
        by_patents: Counter[str] = Counter()
        name_count: Counter[str] = Counter()
        for r in names:
            eid = res.entity(r["raw_name"])
            by_patents[eid] += int(r["patents"])
            name_count[eid] += 1
        store.write("owner_names", pa.table({
            "raw_name": [r["raw_name"] for r in names],
            "name_key": [res.key_of_raw[r["raw_name"]] for r in names],
            "entity_id": [res.entity(r["raw_name"]) for r in names],
            "mentions": pa.array([int(r["mentions"]) for r in names], pa.int64()),
            "patents": pa.array([int(r["patents"]) for r in names], pa.int64()),
            "countries": [r["countries"] for r in names],
        }), load_id)
        store.write("owner_links", pa.table({
            "name_key_a": [k.a for k in res.links], "name_key_b": [k.b for k in res.links],
            "rule": [k.rule for k in res.links], "detail": [k.detail for k in res.links],
        }), load_id)
        relations = _relations(overrides)
        parents, link_rows = _corporate_tree(res, relations, report)
        store.write("corporate_links", pa.table(link_rows), load_id)
        entities = sorted(res.name_of_entity)
        store.write("owner_entities", pa.table({
            "entity_id": entities,
            "name": [res.name_of_entity[e] for e in entities],
            "names": pa.array([name_count[e] for e in entities], pa.int32()),
            "patents_at_grant": pa.array([by_patents[e] for e in entities], pa.int64()),
            "parent_entity_id": [parents.get(e) for e in entities],
            "ultimate_entity_id": [_ultimate(e, parents) for e in entities],
        }), load_id)
        report.events = store.derive("ownership_events", events_sql(), load_id)
        report.periods = store.derive("ownership", ownership_sql(), load_id)
        store.finish_load(load_id, rows_read=len(names), rows_loaded=len(names),
                          rows_quarantined=0, outputs={})
    report.names = len(names)
    report.entities = len(entities)
    report.links = Counter(k.rule for k in res.links)
    report.events_by_kind = Counter({r["kind"]: int(r["n"]) for r in store.rows(
        "SELECT kind, count(*) AS n FROM ownership_events GROUP BY kind")})
    report.uncertain_periods = int(store.scalar(
        "SELECT count(*) FROM ownership WHERE note IS NOT NULL"))
    report.corporate_links = len(link_rows["child_entity_id"])
    report.seconds = (dt.datetime.now() - start).total_seconds()
    store.checkpoint()
    return report


def _relations(overrides: list[dict[str, Any]]) -> list[tuple[Relation | None, str]]:
    """Parent relations in the order given; an 'unparent' removes an earlier one."""
    out: list[tuple[Relation | None, str]] = []
    for o in overrides:
        if o["action"] == "parent":
            out.append((Relation(o["subject"], o["object"], o["source"] or "override",
                                 o["note"] or ""), o["subject"]))
        elif o["action"] == "unparent":
            out.append((None, o["subject"]))
    return out


def _entity_of_text(res: Resolution, text: str) -> str | None:
    if text in res.name_of_entity:
        return text
    if text in res.key_of_raw:
        return res.entity(text)
    key = normalise_name(text)
    return res.entity_of_key.get(key)


def _corporate_tree(res: Resolution, relations: list[tuple[Relation | None, str]],
                    report: OwnersReport) -> tuple[dict[str, str], dict[str, list[Any]]]:
    parents: dict[str, str] = {}
    evidence: dict[str, Relation] = {}
    for rel, subject in relations:
        child = _entity_of_text(res, subject)
        if child is None:
            report.unmatched_relations.append(f"{subject!r} (no entity with this name)")
            continue
        if rel is None:
            parents.pop(child, None)
            continue
        parent = _entity_of_text(res, rel.parent)
        if parent is None:
            report.unmatched_relations.append(f"{rel.parent!r} (no entity with this name)")
            continue
        if parent == child or _ultimate(parent, parents) == child:
            report.unmatched_relations.append(
                f"{rel.child!r} -> {rel.parent!r} (would make a cycle)")
            continue
        parents[child] = parent
        evidence[child] = rel
    rows: dict[str, list[Any]] = {k: [] for k in (
        "child_entity_id", "parent_entity_id", "child_name", "parent_name", "source",
        "evidence")}
    for child, parent in sorted(parents.items()):
        rel = evidence[child]
        for k, v in (("child_entity_id", child), ("parent_entity_id", parent),
                     ("child_name", res.name_of_entity[child]),
                     ("parent_name", res.name_of_entity[parent]), ("source", rel.source),
                     ("evidence", rel.evidence)):
            rows[k].append(v)
    return parents, rows


def _ultimate(entity: str, parents: dict[str, str]) -> str:
    seen = {entity}
    while entity in parents and parents[entity] not in seen:
        entity = parents[entity]
        seen.add(entity)
    return entity


# ---------------------------------------------------------------------------- overrides
def add_override(store: Store, action: str, subject: str, obj: str | None = None,
                 note: str | None = None, source: str = "override") -> None:
    """Record a user decision; it applies from the next ``resolve_owners``."""
    if action not in OVERRIDE_ACTIONS:
        raise WarchestError(f"unknown override action {action!r}; use one of "
                            f"{', '.join(OVERRIDE_ACTIONS)}")
    if action in ("merge", "rename", "parent") and not obj:
        raise WarchestError(f"the override {action!r} needs a second value (the other name,"
                            " the new name or the parent)")
    _write_overrides(store, [(action, subject, obj, note, source)], "owners override")


def _write_overrides(store: Store, rows: list[tuple[str, str, str | None, str | None, str]],
                     loader: str, path: str = "(command line)") -> None:
    now = dt.datetime.now()
    with store.transaction():
        load_id = store.begin_load(loader, path, None, None, None)
        store.write("owner_overrides", pa.table({
            "action": [r[0] for r in rows], "subject": [r[1] for r in rows],
            "object": [r[2] for r in rows], "note": [r[3] for r in rows],
            "source": [r[4] for r in rows],
            "created": pa.array([now] * len(rows), pa.timestamp("us")),
        }), load_id)
        store.finish_load(load_id, rows_read=len(rows), rows_loaded=len(rows),
                          rows_quarantined=0, outputs={"owner_overrides": (len(rows), 0)})


def import_groups(store: Store, path: Path, gleif_lei: list[Path] | None = None) -> int:
    """Add parent/subsidiary relations from a groups file (CSV/YAML) or, with
    ``gleif_lei``, from GLEIF Level 2 relationship records; returns how many."""
    rels = read_gleif(path, gleif_lei) if gleif_lei else read_groups_file(path)
    _write_overrides(store, [("parent", r.child, r.parent, r.evidence, r.source)
                             for r in rels], "owners groups", str(path))
    return len(rels)


# ---------------------------------------------------------------------------- reading
def _require_resolved(store: Store) -> None:
    if not store.scalar("SELECT count(*) FROM owner_entities"):
        raise NotResolved("owners are not resolved in this store yet; run "
                          "'warchest owners resolve' first")


def find_owners(store: Store, query: str, limit: int = 10) -> list[dict[str, Any]]:
    """Entities whose names match ``query`` (contained words, else the closest names),
    each with its most used name variants and patent counts."""
    _require_resolved(store)
    key = normalise_name(query) or query.strip().upper()
    if not key:
        raise WarchestError("give a company name to look for, e.g. 'xiaomi'")
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
    out = [_entity_summary(store, eid) | {"score": round(score, 1), "exact": exact}
           for eid, score in hits.items()]
    out.sort(key=lambda e: (-e["score"], -e["patents_at_grant"], e["name"]))
    return out[:limit]


def _entity_summary(store: Store, eid: str) -> dict[str, Any]:
    row = store.rows("SELECT * FROM owner_entities WHERE entity_id = ?", [eid])[0]
    variants = store.rows("SELECT raw_name, mentions, patents FROM owner_names "
                          "WHERE entity_id = ? ORDER BY mentions DESC, raw_name", [eid])
    owned = store.scalar("SELECT count(DISTINCT patent_id) FROM ownership "
                         "WHERE entity_id = ? AND end_date IS NULL", [eid])
    return {"entity_id": eid, "name": row["name"], "patents_at_grant":
            int(row["patents_at_grant"]), "patents_now": int(owned or 0),
            "parent_entity_id": row["parent_entity_id"],
            "ultimate_entity_id": row["ultimate_entity_id"],
            "variants": variants}


def entity_id_of(store: Store, text: str) -> str:
    """The entity a user means: an entity id, a raw name, or a name with the same key;
    otherwise an error listing the closest candidates."""
    _require_resolved(store)
    if store.scalar("SELECT count(*) FROM owner_entities WHERE entity_id = ?", [text]):
        return text
    rows = store.rows("SELECT entity_id FROM owner_names WHERE raw_name = ? OR name_key = ? "
                      "GROUP BY entity_id ORDER BY sum(mentions) DESC",
                      [text, normalise_name(text)])
    if rows:
        return str(rows[0]["entity_id"])
    near = find_owners(store, text, limit=5)
    listed = "; ".join(f"{e['name']} ({e['entity_id']}, {e['patents_at_grant']} patents)"
                       for e in near)
    raise UnknownEntity(f"no company named {text!r} in the store. Closest: {listed or 'none'}."
                        " Use one of these names or ids (see 'warchest owners find').")


def show_owner(store: Store, text: str) -> dict[str, Any]:
    """One entity: its names, the merge decisions behind them, its parent and children."""
    eid = entity_id_of(store, text)
    out = _entity_summary(store, eid)
    out["links"] = store.rows("""
        SELECT l.name_key_a, l.name_key_b, l.rule, l.detail FROM owner_links l
        WHERE l.name_key_a IN (SELECT name_key FROM owner_names WHERE entity_id = ?)
        ORDER BY l.rule, l.name_key_a, l.name_key_b""", [eid])
    out["parents"] = store.rows("SELECT parent_entity_id, parent_name, source, evidence "
                                "FROM corporate_links WHERE child_entity_id = ?", [eid])
    out["children"] = store.rows("SELECT child_entity_id, child_name, source, evidence "
                                 "FROM corporate_links WHERE parent_entity_id = ? "
                                 "ORDER BY child_name", [eid])
    return out


def portfolio(store: Store, text: str, as_of: dt.date | None = None,
              group: bool = False) -> dict[str, Any]:
    """Patents an entity (or its whole corporate group) owns on ``as_of`` (default today),
    each with how it was acquired and any open security interest."""
    eid = entity_id_of(store, text)
    as_of = as_of or dt.date.today()
    members = [eid]
    if group:
        top = store.scalar("SELECT ultimate_entity_id FROM owner_entities WHERE entity_id = ?",
                           [eid])
        members = [r["entity_id"] for r in store.rows(
            "SELECT entity_id FROM owner_entities WHERE ultimate_entity_id = ?", [top])]
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
        ORDER BY h.patent_id""", [*members, as_of, as_of])
    names = {r["entity_id"]: r["name"] for r in store.rows(
        f"SELECT entity_id, name FROM owner_entities WHERE entity_id IN ({marks})", members)}
    return {"entity_id": eid, "name": names.get(eid, eid), "as_of": as_of, "group": group,
            "members": names, "patents": rows,
            "by_via": dict(Counter(r["via"] for r in rows))}


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


def owner_on(store: Store, patent_id: str, on: dt.date) -> list[dict[str, Any]]:
    """Who owned one patent on a date (several rows when co-owned)."""
    return store.rows("""
        SELECT o.entity_id, e.name AS entity_name, o.owner_name, o.start_date, o.end_date,
               o.via, o.via_rf_id, o.note
        FROM ownership o LEFT JOIN owner_entities e ON e.entity_id = o.entity_id
        WHERE o.patent_id = ? AND o.start_date <= ? AND (o.end_date IS NULL OR o.end_date > ?)
        ORDER BY o.owner_name""", [patent_id, on, on])


# ---------------------------------------------------------------------------- bulk
def cluster_names_file(source: Path, out: Path) -> dict[str, int]:
    """Resolve the mentions of a CSV (``mention_id,organization`` and optional location
    columns such as ``country``) and write ``mention_id,entity_id,entity_name``."""
    try:
        fh = source.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise WarchestError(f"cannot read {source}: {exc.strerror}") from None
    with fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "mention_id" not in header or "organization" not in header:
            raise WarchestError(f"{source}: the header {reader.fieldnames} needs the columns "
                                "mention_id and organization")
        cols = {h.strip().lower(): h for h in reader.fieldnames or []}
        country_col = cols.get("country")
        mentions: list[tuple[str, str]] = []
        countries: dict[str, set[str]] = defaultdict(set)
        for row in reader:
            name = (row[cols["organization"]] or "").strip()
            mentions.append((row[cols["mention_id"]], name))
            if country_col and row.get(country_col):
                countries[name].add(row[country_col].strip().upper())
    counts = Counter(name for _, name in mentions)
    res = resolve_names(sorted(counts), counts, countries)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["mention_id", "entity_id", "entity_name"])
        for mid, name in mentions:
            eid = res.entity(name)
            writer.writerow([mid, eid, res.name_of_entity[eid]])
    return {"mentions": len(mentions), "names": len(counts),
            "entities": len(set(res.entity_of_key.values()))}


