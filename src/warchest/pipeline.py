"""The derivations, in pipeline order: every table computed from the loaded tables by one
portable SELECT, and running them on Spark.

Each derivation runs where its step runs (``resolve_owners``, ``compute_values``,
``map_technology``), on whichever engine the step is given (``warchest.store.Engine``):
the DuckDB store, or a lake on Spark (``warchest.lake.derive_lake``, ``run_steps``);
``derive_on_spark`` runs the steps on Spark for a store's loaded tables.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from warchest.owners.timeline import events_sql, ownership_sql, source_ids_sql
from warchest.store import LOG_TABLES, Engine, Store
from warchest.techmap.mapping import fields_sql, products_sql
from warchest.value.indicators import BREAKTHROUGH_MIN, MIN_COHORT, indicators_sql
from warchest.value.markets import markets_sql
from warchest.value.terms import terms_sql

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


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
        ("patent_indicators", indicators_sql(self_citations, min_cohort, breakthrough_min)),
        ("patent_products", products_sql()),
        ("patent_fields", fields_sql()),
    ]


PIPELINE_TABLES = (
    "owner_names", "owner_source_ids", "owner_links", "corporate_links", "owner_entities",
    "ownership_events", "ownership", "market_weights", "patent_terms", "patent_markets",
    "patent_indicators", "taxonomy_terms", "patent_products", "patent_fields",
)
"""Every table the pipeline's steps write (``run_steps``): the derivations above and the
tables the steps compute in Python (resolved names, companies, links, market weights,
taxonomy terms)."""


def run_steps(engine: Engine) -> dict[str, float]:
    """The pipeline's steps on any engine, in order, with their defaults:
    ``resolve_owners``, ``compute_values``, ``map_technology``; seconds per step."""
    from warchest.owners import resolve_owners
    from warchest.techmap import map_technology
    from warchest.value import compute_values

    seconds: dict[str, float] = {}
    for name, step in (("owners", resolve_owners), ("values", compute_values),
                       ("techmap", map_technology)):
        tick = time.perf_counter()
        step(engine)
        seconds[name] = time.perf_counter() - tick
    return seconds


def derive_on_spark(store: Store, session: SparkSession | None = None) -> dict[str, pa.Table]:
    """The pipeline's steps run on Spark from the store's loaded tables: they are written
    to a temporary Parquet lake (``warchest.lake``), the steps run on the lake
    (``derive_lake``), and every table they wrote is read back. Returns them by name,
    without ``load_id``."""
    import tempfile

    import pyarrow.parquet as pq

    from warchest.lake import derive_lake, export_parquet

    with tempfile.TemporaryDirectory(prefix="warchest-lake-") as folder:
        export_parquet(store, folder, [t for t in (*store.tables, *LOG_TABLES)
                                       if t not in PIPELINE_TABLES])
        derive_lake(folder, session)
        return {name: pq.read_table(Path(folder) / name).drop_columns(["load_id"])
                for name in PIPELINE_TABLES}
