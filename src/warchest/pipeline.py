"""The derivations, in pipeline order: every table computed from the loaded tables by one
portable SELECT, and running them on Spark.

Each derivation runs where its step runs (``resolve_owners``, ``compute_values``,
``map_technology``), on whichever engine the step is given (``warchest.store.Engine``):
the DuckDB store, or a lake on Spark (``warchest.lake.derive_lake``, ``run_steps``).
"""

from __future__ import annotations

import time

from warchest.owners.timeline import events_sql, ownership_sql, source_ids_sql
from warchest.store import Engine
from warchest.techmap.mapping import fields_sql, products_sql
from warchest.value.indicators import BREAKTHROUGH_MIN, MIN_COHORT, indicators_sql, inputs_sql
from warchest.value.markets import markets_sql
from warchest.value.terms import terms_sql


def derivations(self_citations: bool, min_cohort: int = MIN_COHORT,
                breakthrough_min: int = BREAKTHROUGH_MIN) -> list[tuple[str, str]]:
    """(table, SELECT) for every derived table, in the order the pipeline computes them;
    ``self_citations``: whether owners at grant are resolved (``compute_values``)."""
    return [
        ("owner_source_ids", source_ids_sql()),
        ("ownership_events", events_sql()),
        ("ownership", ownership_sql()),
        ("patent_terms", terms_sql()),
        ("patent_markets", markets_sql()),
        ("indicator_inputs", inputs_sql(self_citations)),
        ("patent_indicators", indicators_sql(min_cohort, breakthrough_min)),
        ("patent_products", products_sql()),
        ("patent_fields", fields_sql()),
    ]


PIPELINE_TABLES = (
    "owner_names", "owner_source_ids", "owner_links", "corporate_links", "owner_entities",
    "ownership_events", "ownership", "market_weights", "patent_terms", "patent_markets",
    "indicator_inputs", "patent_indicators", "taxonomy_terms", "patent_products", "patent_fields",
)
"""Every table the pipeline's steps write (``run_steps``): the derivations above and the
tables the steps compute in Python (resolved names, companies, links, market weights,
taxonomy terms)."""


def run_steps(engine: Engine) -> dict[str, float]:
    """The pipeline's steps on any engine, in order, with their defaults:
    ``resolve_owners``, ``compute_values``, ``map_technology``. Returns seconds per step
    (``owners``, ``values``, ``techmap``) and per part of each, as its report gives them
    (``owners: events``, ``values: patent_indicators``, ``techmap: patent_products``, ...)."""
    from warchest.owners import resolve_owners
    from warchest.techmap import map_technology
    from warchest.value import compute_values

    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    owners = resolve_owners(engine)
    seconds["owners"] = time.perf_counter() - tick
    tick = time.perf_counter()
    values = compute_values(engine)
    seconds["values"] = time.perf_counter() - tick
    tick = time.perf_counter()
    techmap = map_technology(engine)
    seconds["techmap"] = time.perf_counter() - tick
    for step, parts in (("owners", owners.stages), ("values", values.seconds),
                        ("techmap", techmap.seconds)):
        seconds.update({f"{step}: {part}": s for part, s in parts.items()})
    return seconds
