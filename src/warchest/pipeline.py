"""The derivations, in pipeline order: every table computed from the loaded tables by one
portable SELECT, and running them on Spark.

The DuckDB store runs each derivation where its step runs (``resolve_owners``,
``compute_values``, ``map_technology``); ``derive_on_spark`` runs the same SELECTs, in the
same order, on Spark, each reading the tables the earlier ones derived there
(``warchest.store.spark``). The tables a step writes from Python (the resolved names,
companies and links of ``resolve_owners``, the market weights, the taxonomy) are inputs.
"""

from __future__ import annotations

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


def derive_on_spark(store: Store, session: SparkSession | None = None,
                    self_citations: bool | None = None) -> dict[str, pa.Table]:
    """Every derived table computed on Spark from the store's loaded tables (read into the
    session), each derivation reading the ones Spark derived before it. Returns the tables
    by name, without ``load_id``."""
    from warchest.store.spark import SparkDerivations, spark_session

    spark = SparkDerivations(session or spark_session())
    steps = derivations(bool(store.scalar("SELECT count(*) > 0 FROM ownership WHERE via = "
                                          "'grant'")) if self_citations is None
                        else self_citations)
    derived = {name for name, _ in steps}
    for table in store.tables:
        if table not in derived:
            spark.register(table, store.query(f'SELECT * FROM "{table}"'))
    out: dict[str, pa.Table] = {}
    for name, sql in steps:
        out[name] = spark.derive(sql)
        spark.register(name, out[name])
    return out
