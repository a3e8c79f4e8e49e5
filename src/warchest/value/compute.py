"""Deriving every patent's term, markets in force and indicators (``compute_values``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from warchest.errors import NotComputed
from warchest.progress import StageFn, report_stage
from warchest.results import Result
from warchest.store import Engine
from warchest.value.indicators import (
    BREAKTHROUGH_MIN,
    INPUT_STEPS,
    MIN_COHORT,
    indicators_sql,
    inputs_sql,
)
from warchest.value.markets import markets_sql, read_market_weights
from warchest.value.terms import terms_sql

VALUE_TABLES = ("market_weights", "patent_terms", "patent_markets", "indicator_inputs",
                "patent_indicators")
VALUE_MEMORY = "4GB"
"""The value computation's memory limit unless the user chose one ($WARCHEST_MEMORY_LIMIT):
under DuckDB's default (80% of RAM) it holds what the limit allows rather than what it
needs; under this limit its peak is lower at little cost in time (bench/RESULTS.md,
2026-11-24, bench/value.py)."""


@dataclass(frozen=True)
class ValueReport(Result):
    """What ``compute_values`` derived: patents, terms (``lapsed`` of them for unpaid
    fees), market rows and indicator rows; whether self citations could be told apart
    (owners at grant resolved) and seconds per table."""

    patents: int
    terms: int
    lapsed: int
    market_rows: int
    indicators: int
    self_citations: bool
    owners_resolved: bool
    seconds: dict[str, float]


def compute_values(store: Engine, markets_csv: Path | None = None, *,
                   min_cohort: int = MIN_COHORT,
                   breakthrough_min: int = BREAKTHROUGH_MIN,
                   stage: StageFn | None = None) -> ValueReport:
    """Derive terms, markets in force and indicators for every patent in the store.
    Replaces what an earlier run derived. ``min_cohort``: patents a cohort needs before it
    stops widening (subclass -> class -> section -> year); ``breakthrough_min``: the
    smallest cohort in which a top 1% is called; ``stage``: told each step as it starts
    (:mod:`warchest.progress`)."""
    weights = read_market_weights(markets_csv)
    self_citations = bool(store.scalar("SELECT count(*) > 0 FROM ownership WHERE via = 'grant'"))
    owners_resolved = bool(store.scalar("SELECT count(*) > 0 FROM owner_entities"))
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    with store.memory_at_most(VALUE_MEMORY), store.transaction():
        load_id = store.begin_load("value compute", str(markets_csv or "(default markets)"),
                                   None, None, None)
        for t in VALUE_TABLES:
            store.clear(t)
        store.write("market_weights", pa.Table.from_pylist(weights, schema=pa.schema([
            ("jurisdiction", pa.string()), ("country", pa.string()), ("name", pa.string()),
            ("weight", pa.float64()), ("basis", pa.string()), ("source", pa.string())])),
            load_id)
        steps = (("patent_terms", terms_sql(), None),
                 ("patent_markets", markets_sql(), None),
                 ("indicator_inputs", inputs_sql(self_citations), INPUT_STEPS),
                 ("patent_indicators", indicators_sql(min_cohort, breakthrough_min), ()))
        for k, (table, sql, parts) in enumerate(steps):
            report_stage(stage, f"value: {table}", k, len(steps))
            started = time.perf_counter()
            rows[table] = store.derive(table, sql, load_id, steps=parts)
            seconds[table] = time.perf_counter() - started
        patents = int(store.scalar("SELECT count(*) FROM patents"))
        lapsed = int(store.scalar(
            "SELECT count(*) FROM patent_terms WHERE lapse_date IS NOT NULL"))
        store.finish_load(load_id, rows_read=patents, rows_loaded=patents,
                          rows_quarantined=0, outputs={})
    store.checkpoint()
    report_stage(stage, "value: done", len(steps), len(steps))
    return ValueReport(patents, rows["patent_terms"], lapsed, rows["patent_markets"],
                       rows["patent_indicators"], self_citations, owners_resolved, seconds)


def values_computed(store: Engine) -> bool:
    """Whether ``compute_values`` has run on the store."""
    return bool(store.scalar("SELECT count(*) > 0 FROM patent_terms"))


def require_computed(store: Engine) -> None:
    if not values_computed(store):
        raise NotComputed


