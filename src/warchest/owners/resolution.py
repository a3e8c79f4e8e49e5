"""``resolve_owners``: every owner name in the store -> companies and groups -> ownership.

Owner names come from every source the store holds: raw grant assignees (PatentsView
``g_assignee_not_disambiguated``, the USPTO full-text XML, ppubs), PatentsView's
``g_assignee_disambiguated`` (for the patents without a raw row: a store loaded from that
table alone has owners too), and the parties of recorded assignments. PatentsView's
``assignee_id`` of each name is kept beside warchest's entities as evidence
(``owner_source_ids``), not used to merge: ``warchest owners show`` says where the two
disagree.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from warchest.owners.conveyance import classify_conveyance
from warchest.owners.groups import Relation
from warchest.owners.names import name_key
from warchest.owners.parents import reaches, ultimate
from warchest.owners.resolve import Resolution, resolve_names
from warchest.owners.timeline import (
    EVENT_STEPS,
    events_sql,
    grant_assignees_sql,
    name_counts_sql,
    ownership_sql,
    source_ids_sql,
)
from warchest.progress import StageFn, report_stage
from warchest.results import Result
from warchest.store import Engine

OWNERS_MEMORY = "3GB"
"""The ownership derivations' memory limit unless the user chose one
($WARCHEST_MEMORY_LIMIT): under DuckDB's default (80% of RAM, what it may keep, not what
it needs) its peak on a full-size world is higher at the same time (bench/RESULTS.md,
2026-12-04, bench/owners.py)."""

DERIVED_TABLES = ("owner_names", "owner_source_ids", "owner_entities", "owner_links",
                  "corporate_links", "ownership_events", "ownership")


@dataclass(frozen=True)
class OwnersReport(Result):
    """What ``resolve_owners`` did: names read per source, companies and groups made, the
    links and parents behind them, and the ownership it derived."""

    names: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    entities: int = 0
    groups: int = 0
    links: Counter[str] = field(default_factory=Counter)
    parents_by_name: Counter[str] = field(default_factory=Counter)
    events: int = 0
    events_by_kind: Counter[str] = field(default_factory=Counter)
    periods: int = 0
    uncertain_periods: int = 0
    corporate_links: int = 0
    unmatched_relations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds per stage: names read, names resolved, tables written, events, periods."""


def _name_rows(store: Engine) -> list[dict[str, Any]]:
    return store.rows(name_counts_sql())


def _source_counts(store: Engine) -> dict[str, int]:
    rows = store.rows(f"""
        SELECT source, count(*) AS n FROM ({grant_assignees_sql()}) g
        WHERE raw_name IS NOT NULL GROUP BY source""")
    out = {r["source"]: int(r["n"]) for r in rows}
    out["reassignment parties"] = int(store.scalar(
        "SELECT (SELECT count(*) FROM reassignment_assignees)"
        " + (SELECT count(*) FROM reassignment_assignors)") or 0)
    return out


def _co_assigned(store: Engine) -> list[tuple[str, str]]:
    rows = store.rows(f"""
        WITH g AS ({grant_assignees_sql()})
        SELECT DISTINCT a.raw_name AS x, b.raw_name AS y FROM g a
        JOIN g b ON a.patent_id = b.patent_id AND a.sequence < b.sequence""")
    return [(r["x"], r["y"]) for r in rows if r["x"] and r["y"]]


def _renamed(store: Engine) -> list[tuple[str, str, str, str]]:
    rows = store.rows("""
        SELECT r.rf_id, o.name AS old, e.name AS new, r.conveyance_text
        FROM reassignments r
        JOIN reassignment_assignors o ON o.rf_id = r.rf_id
        JOIN reassignment_assignees e ON e.rf_id = r.rf_id
        WHERE upper(r.conveyance_text) LIKE '%CHANGE OF NAME%'
           OR upper(r.conveyance_text) LIKE '%NAME CHANGE%'""")
    return [(r["old"], r["new"], "change of name", f"recorded change of name {r['rf_id']}")
            for r in rows if classify_conveyance(r["conveyance_text"])[0] == "change of name"]


def _overrides(store: Engine) -> list[dict[str, Any]]:
    return store.rows("SELECT action, subject, object, note, source FROM owner_overrides "
                      "ORDER BY created, load_id")


STAGES = ("read names", "resolve names", "write names", "events", "periods",
          "report and checkpoint")
"""The steps of :func:`resolve_owners`, in order."""


def resolve_owners(store: Engine, progress: StageFn | None = None) -> OwnersReport:
    """Resolve every owner name in the store into companies and groups, apply corporate
    trees and overrides, and derive the ownership events and periods. Replaces what an
    earlier run derived. ``progress`` is told each step as it starts
    (:mod:`warchest.progress`)."""
    start = dt.datetime.now()
    unmatched: list[str] = []
    stages: dict[str, float] = {}
    clock = time.perf_counter()
    report_stage(progress, f"owners: {STAGES[0]}", 0, len(STAGES))

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[name] = round(now - clock, 2)
        clock = now
        done = STAGES.index(name) + 1
        following = STAGES[done] if done < len(STAGES) else "done"
        report_stage(progress, f"owners: {following}", done, len(STAGES))

    names = _name_rows(store)
    overrides = _overrides(store)
    counts = {r["raw_name"]: int(r["mentions"]) for r in names}
    countries = {r["raw_name"]: set((r["countries"] or "").split(",")) - {""} for r in names}
    known = set(counts)
    raws_by_key: dict[str, list[str]] = defaultdict(list)

    def raw_names_of(text: str) -> list[str]:
        """A user's name: the raw names with its key (or the raw name itself)."""
        if not raws_by_key:  # only a store with overrides needs every name's key here
            for raw in sorted(known):
                raws_by_key[name_key(raw)].append(raw)
        return raws_by_key.get(name_key(text)) or ([text] if text in known else [])

    same: list[tuple[str, str, str, str]] = []
    separate: list[str] = []
    for o in overrides:
        if o["action"] == "merge":
            a, b = raw_names_of(o["subject"]), raw_names_of(o["object"] or "")
            if a and b:
                same.append((a[0], b[0], "override", f"merge: {o['note'] or 'by the user'}"))
            else:
                unmatched.append(f"merge {o['subject']!r} {o['object']!r}")
        elif o["action"] == "split":  # also undoes the user's earlier merges of the name
            split = set(raw_names_of(o["subject"]))
            separate.extend(split)
            same = [m for m in same if not ({m[0], m[1]} & split)]
    same += _renamed(store)
    co_assigned = _co_assigned(store)
    stage("read names")
    res = resolve_names(sorted(known), counts, countries, co_assigned, same, separate)
    stage("resolve names")
    for o in overrides:  # a rename names one company: an id, or a name of it
        if o["action"] == "rename":
            eid = entity_of_text(res, o["subject"])
            if eid is None:
                unmatched.append(f"rename {o['subject']!r} (no entity "
                                                  "with this name)")
            else:
                res.name_of_entity[eid] = o["object"]

    with store.memory_at_most(OWNERS_MEMORY), store.transaction():
        load_id = store.begin_load("owners resolve", "(store)", None, None, None)
        for t in DERIVED_TABLES:
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
        store.derive("owner_source_ids", source_ids_sql(), load_id)
        store.write("owner_links", pa.table({
            "name_key_a": [k.a for k in res.links], "name_key_b": [k.b for k in res.links],
            "rule": [k.rule for k in res.links], "detail": [k.detail for k in res.links],
        }), load_id)
        parents, link_rows = _corporate_tree(res, _relations(overrides), unmatched)
        store.write("corporate_links", pa.table(link_rows), load_id)
        entities = sorted(res.name_of_entity)
        tops = {e: ultimate(e, parents) for e in entities}
        store.write("owner_entities", pa.table({
            "entity_id": entities,
            "name": [res.name_of_entity[e] for e in entities],
            "names": pa.array([name_count[e] for e in entities], pa.int32()),
            "patents_at_grant": pa.array([by_patents[e] for e in entities], pa.int64()),
            "parent_entity_id": [parents.get(e) for e in entities],
            "ultimate_entity_id": [tops[e] for e in entities],
        }), load_id)
        stage("write names")
        events = store.derive("ownership_events", events_sql(), load_id, steps=EVENT_STEPS)
        stage("events")
        periods = store.derive("ownership", ownership_sql(), load_id, steps=())
        stage("periods")
        store.finish_load(load_id, rows_read=len(names), rows_loaded=len(names),
                          rows_quarantined=0, outputs={})
    links = Counter(k.rule for k in res.links)
    parents_by_name = Counter(p.rule for c, p in res.parent_of.items()
                              if parents.get(c) == p.parent)
    events_by_kind = Counter({r["kind"]: int(r["n"]) for r in store.rows(
        "SELECT kind, count(*) AS n FROM ownership_events GROUP BY kind")})
    uncertain = int(store.scalar("SELECT count(*) FROM ownership WHERE note IS NOT NULL"))
    store.checkpoint()
    stage("report and checkpoint")
    return OwnersReport(
        names=len(names), sources=_source_counts(store), entities=len(entities),
        groups=len(set(tops.values())), links=links, parents_by_name=parents_by_name,
        events=events, events_by_kind=events_by_kind, periods=periods,
        uncertain_periods=uncertain, corporate_links=len(link_rows["child_entity_id"]),
        unmatched_relations=unmatched,
        seconds=(dt.datetime.now() - start).total_seconds(), stages=stages)


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


def entity_of_text(res: Resolution, text: str) -> str | None:
    """The entity a user's text names: an entity id, a raw name or a name's key."""
    if text in res.name_of_entity:
        return text
    if text in res.key_of_raw:
        return res.entity(text)
    return res.entity_of_key.get(name_key(text))


def _corporate_tree(res: Resolution, relations: list[tuple[Relation | None, str]],
                    unmatched: list[str]) -> tuple[dict[str, str], dict[str, list[Any]]]:
    """Parents by name evidence, then the groups files' and the user's relations on top
    (a relation for a child replaces its parent by name; 'unparent' removes either)."""
    parents: dict[str, str] = {c: p.parent for c, p in res.parent_of.items()}
    evidence: dict[str, tuple[str, str]] = {
        c: (f"name ({p.rule})", p.detail) for c, p in res.parent_of.items()}
    for rel, subject in relations:
        child = entity_of_text(res, subject)
        if child is None:
            unmatched.append(f"{subject!r} (no entity with this name)")
            continue
        if rel is None:
            parents.pop(child, None)
            continue
        parent = entity_of_text(res, rel.parent)
        if parent is None:
            unmatched.append(f"{rel.parent!r} (no entity with this name)")
            continue
        if reaches(parent, child, parents):
            unmatched.append(
                f"{rel.child!r} -> {rel.parent!r} (would make a cycle)")
            continue
        parents[child] = parent
        evidence[child] = (rel.source, rel.evidence)
    rows: dict[str, list[Any]] = {k: [] for k in (
        "child_entity_id", "parent_entity_id", "child_name", "parent_name", "source",
        "evidence")}
    for child, parent in sorted(parents.items()):
        source, detail = evidence[child]
        for k, v in (("child_entity_id", child), ("parent_entity_id", parent),
                     ("child_name", res.name_of_entity[child]),
                     ("parent_name", res.name_of_entity[parent]), ("source", source),
                     ("evidence", detail)):
            rows[k].append(v)
    return parents, rows
