"""The store: one embedded DuckDB file holding every table, or a lake of Parquet worked on
by Spark, behind one engine contract (the only package that imports an engine).

Loaders hand the store Arrow record batches whose columns are named after the store's
columns; the store appends them, then replaces what older loads wrote for the same keys.
Reads go through :meth:`Store.query`, which returns Arrow tables.
"""

from warchest.store.database import (
    DEFAULT_DB,
    LOG_TABLES,
    SANDBOX,
    Store,
    default_db_path,
    engine_failure,
    migration_statements,
)
from warchest.store.dialect import among
from warchest.store.engine import Engine, QuarantinedRow

__all__ = [
    "DEFAULT_DB",
    "LOG_TABLES",
    "SANDBOX",
    "Engine",
    "QuarantinedRow",
    "Store",
    "among",
    "default_db_path",
    "engine_failure",
    "migration_statements",
]
