"""Incremental derivation: bring every derived table up to date after new loads by deriving
again only what they touched (``refresh_derived``), instead of everything.

The loads since the last derivation (the load log: every load after the latest of the
three steps, ``owners resolve``, ``value compute`` and ``techmap``, or a refresh) name the
**touched** patents: every patent a new row of a loaded table names (its patent_id; the
patents a new reassignment document names by grant or application number; the patents of
a family a new family row names). A patent a new citation cites is not touched: only its
citation aggregates change (below). Then, in one
transaction:

- **owners**: the raw names those rows mention are placed (``place_new_names``: a name
  the store knows keeps its company, a new one joins the company of its key or founds
  one); ownership events and periods of the touched patents derived again.
- **terms**: the touched patents and the patents that name them as parent or original,
  two generations down (a continuation's term starts at its parent's filing; a reissue
  takes its original's term).
- **markets**: the patents whose terms were derived again.
- **indicators**: the citation aggregates (``indicator_inputs``) of the touched patents,
  the patents they cite and the patents citing them; then ``patent_indicators`` in full
  from the inputs (cohorts, the truncation correction and every normalisation move with
  each new grant, and the data's last grant date moves every patent's observed years).
- **technology map**: the touched patents' product areas and WIPO fields, with the
  taxonomy and market weights the store already uses.

Every table then holds what a full derivation of the same store gives, except what only a
full name resolution decides (module ``warchest.owners.newcomers``): run ``warchest owners
resolve`` from time to time. A store not yet fully derived (or with owner overrides or
groups added since) gets the full derivation instead (``run_steps``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyarrow as pa

from warchest.owners.newcomers import place_new_names
from warchest.owners.timeline import events_sql, ownership_sql
from warchest.results import Result
from warchest.store import Engine
from warchest.techmap.mapping import fields_sql, products_sql
from warchest.value.compute import VALUE_MEMORY
from warchest.value.indicators import INPUT_STEPS, indicators_sql, inputs_sql
from warchest.value.markets import FAMILY_LINKS, markets_sql
from warchest.value.terms import terms_sql

STEP_LOADERS = {"owners": ("owners resolve",), "values": ("value compute",),
                "techmap": ("techmap",)}
"""The load-log entries of each full step; a refresh (``REFRESH``) counts for all three."""
REFRESH = "refresh"
NOT_LOADS = ("owners resolve", "value compute", "techmap", REFRESH, "embeddings")
"""Load-log entries that are derivations or caches, not loads."""
RESOLVE_AGAIN = ("owners override", "owners groups")
"""Loads that only a full name resolution applies."""
_LOADED = "_refresh_loads"
_TOUCHED = "_refresh_touched"
_TERMS = "_refresh_terms"
_INPUTS = "_refresh_inputs"


@dataclass(frozen=True)
class RefreshReport(Result):
    """What ``refresh_derived`` did: whether it derived everything again instead
    (``full``, with ``reason``), the loads it applied, the patents they touched, the
    patents derived again per table, names placed and seconds per part."""

    full: bool
    reason: str
    loads: tuple[int, ...]
    touched: int
    scope: dict[str, int] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _latest(store: Engine, loaders: tuple[str, ...]) -> int | None:
    names = ", ".join(f"'{n}'" for n in (*loaders, REFRESH))
    value = store.scalar(f"SELECT max(load_id) FROM load_log WHERE status = 'ok' "
                         f"AND loader IN ({names})")
    return None if value is None else int(value)


def new_loads(store: Engine) -> tuple[int | None, list[dict[str, object]]]:
    """The load id every step has derived up to (None: a step never ran) and the loads
    since then (load_id, loader)."""
    marks = [_latest(store, loaders) for loaders in STEP_LOADERS.values()]
    since = None if None in marks else min(m for m in marks if m is not None)
    skip = ", ".join(f"'{n}'" for n in NOT_LOADS)
    rows = store.rows(f"SELECT load_id, loader FROM load_log WHERE status = 'ok' "
                      f"AND loader NOT IN ({skip}) AND load_id > ? ORDER BY load_id",
                      [since or 0])
    return since, rows


def _full_reason(store: Engine, since: int | None, loads: list[dict[str, object]]) -> str:
    if since is None:
        return "the store has not been derived in full yet"
    if any(r["loader"] in RESOLVE_AGAIN for r in loads):
        return "owner overrides or groups were added: names are resolved again"
    if not store.scalar("SELECT count(*) > 0 FROM indicator_inputs") and \
            store.scalar("SELECT count(*) > 0 FROM patents"):
        return "the store's values were computed before indicator_inputs existed"
    return ""


def _patent_tables(store: Engine) -> list[str]:
    from warchest.pipeline import PIPELINE_TABLES

    return [t.name for t in store.tables.values()
            if {"patent_id", "load_id"} <= set(t.column_names)
            and t.name not in PIPELINE_TABLES and not t.reference]


def _touched_sql(store: Engine) -> str:
    """The patents the loads in ``_LOADED`` touched (module docstring)."""
    new = f"load_id IN (SELECT load_id FROM {_LOADED})"
    parts = [f"SELECT patent_id FROM {t} WHERE {new}" for t in _patent_tables(store)]
    parts.append(f"""SELECT coalesce(d.patent_id, a.patent_id) FROM reassignment_documents d
        LEFT JOIN applications a
          ON d.patent_id IS NULL AND d.application_number = a.application_number
        WHERE d.{new} OR d.rf_id IN (
            SELECT rf_id FROM reassignments WHERE {new}
            UNION SELECT rf_id FROM reassignment_assignors WHERE {new}
            UNION SELECT rf_id FROM reassignment_assignees WHERE {new})""")
    parts.append(f"""SELECT l.patent_id FROM ({FAMILY_LINKS}) l
        WHERE l.family_id IN (SELECT family_id FROM families WHERE {new})""")
    union = "\nUNION ".join(parts)
    return f"SELECT DISTINCT patent_id FROM ({union}) t(patent_id) WHERE patent_id IS NOT NULL"


def _terms_scope_sql() -> str:
    """The touched patents and those naming them as parent or original, two generations."""
    return f"""
WITH down1 AS (
    SELECT patent_id FROM related_documents
    WHERE related_patent_id IN (SELECT patent_id FROM {_TOUCHED})
),
down2 AS (
    SELECT patent_id FROM related_documents
    WHERE related_patent_id IN (SELECT patent_id FROM down1)
)
SELECT patent_id FROM {_TOUCHED} UNION SELECT patent_id FROM down1
UNION SELECT patent_id FROM down2"""


def _inputs_scope_sql() -> str:
    """The touched patents and those at the other end of their citations."""
    return f"""
WITH near AS (
    SELECT patent_id, cited_patent_id FROM citations
    WHERE patent_id IN (SELECT patent_id FROM {_TOUCHED})
       OR cited_patent_id IN (SELECT patent_id FROM {_TOUCHED})
)
SELECT patent_id FROM {_TOUCHED}
UNION SELECT patent_id FROM near
UNION SELECT cited_patent_id FROM near WHERE cited_patent_id IS NOT NULL"""


def _keep(store: Engine, name: str, sql: str) -> int:
    """Register the patent_ids a query gives under ``name``; returns how many."""
    table = store.query(sql).rename_columns(["patent_id"])
    store.register(name, table)
    return int(table.num_rows)


def refresh_derived(store: Engine) -> RefreshReport:
    """Bring every derived table up to date after new loads, deriving again only what
    they touched (module docstring); the full derivation (``run_steps``) when the store
    has not been derived in full, or owner overrides or groups were added since."""
    since, loads = new_loads(store)
    reason = _full_reason(store, since, loads)
    if reason:
        from warchest.pipeline import run_steps

        return RefreshReport(True, reason, tuple(int(str(r["load_id"])) for r in loads), 0,
                             seconds=run_steps(store))
    if not loads:
        return RefreshReport(False, "", (), 0)
    ids = tuple(int(str(r["load_id"])) for r in loads)
    store.register(_LOADED, pa.table({"load_id": pa.array(ids, pa.int32())}))
    try:
        return _refresh(store, ids)
    finally:
        for name in (_LOADED, _TOUCHED, _TERMS, _INPUTS):
            store.unregister(name)


def _refresh(store: Engine, ids: tuple[int, ...]) -> RefreshReport:
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(part: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[part] = round(now - clock, 2)
        clock = now

    scope = {"touched": _keep(store, _TOUCHED, _touched_sql(store))}
    scope["terms"] = _keep(store, _TERMS, _terms_scope_sql())
    scope["indicator_inputs"] = _keep(store, _INPUTS, _inputs_scope_sql())
    lap("scope")
    self_citations = bool(store.scalar(
        "SELECT count(*) > 0 FROM ownership WHERE via = 'grant'"))
    with store.memory_at_most(VALUE_MEMORY), store.transaction():
        load_id = store.begin_load(REFRESH, f"loads {ids[0]}..{ids[-1]}", None, None, None)
        placed = place_new_names(store, load_id, _TOUCHED, _LOADED)
        lap("owner names")
        for table, sql in (("ownership_events", events_sql(_TOUCHED)),
                           ("ownership", ownership_sql(_TOUCHED))):
            store.derive(table, sql, load_id, replacing=_TOUCHED)
            lap(table)
        store.derive("patent_terms", terms_sql(_TERMS), load_id, replacing=_TERMS)
        lap("patent_terms")
        store.derive("patent_markets", markets_sql(_TERMS), load_id, replacing=_TERMS)
        lap("patent_markets")
        store.derive("indicator_inputs", inputs_sql(self_citations, _INPUTS, _TOUCHED), load_id,
                     steps=INPUT_STEPS, replacing=_INPUTS)
        lap("indicator_inputs")
        store.clear("patent_indicators")
        store.derive("patent_indicators", indicators_sql(), load_id, steps=())
        lap("patent_indicators")
        for table, sql in (("patent_products", products_sql(_TOUCHED)),
                           ("patent_fields", fields_sql(_TOUCHED))):
            store.derive(table, sql, load_id, replacing=_TOUCHED)
            lap(table)
        touched = scope["touched"]
        store.finish_load(load_id, rows_read=touched, rows_loaded=touched,
                          rows_quarantined=0, outputs={})
    store.checkpoint()
    lap("checkpoint")
    return RefreshReport(False, "", ids, touched, scope, {
        "mentioned": placed.mentioned, "new": placed.new,
        "joined by key": placed.joined_by_key, "new companies": placed.new_companies},
        seconds)
