"""The derivations, in pipeline order: every table computed from the loaded tables by one
portable SELECT, and running them on Spark.

The DuckDB store runs each derivation where its step runs (``resolve_owners``,
``compute_values``, ``map_technology``); ``warchest.lake.derive_lake`` runs the same
SELECTs, in the same order, on Spark, each reading the tables the earlier ones derived
there (``warchest.store.spark``); ``derive_on_spark`` does so for a store. The tables a
step writes from Python (the resolved names, companies and links of ``resolve_owners``,
the market weights, the taxonomy) are inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from warchest.owners.timeline import events_sql, ownership_sql, source_ids_sql
from warchest.store import Store
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


def derive_on_spark(store: Store, session: SparkSession | None = None) -> dict[str, pa.Table]:
    """Every derived table computed on Spark from the store's loaded tables: they are
    written to a temporary Parquet lake (``warchest.lake``), Spark derives the lake, and
    the derived tables are read back. Returns them by name, without ``load_id``."""
    import tempfile

    import pyarrow.parquet as pq

    from warchest.lake import derive_lake, export_parquet

    derived = [name for name, _ in derivations(True)]
    with tempfile.TemporaryDirectory(prefix="warchest-lake-") as folder:
        export_parquet(store, folder, [t for t in store.tables if t not in derived])
        derive_lake(folder, session)
        return {name: pq.read_table(Path(folder) / name) for name in derived}
