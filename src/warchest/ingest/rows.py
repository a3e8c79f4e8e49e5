"""Rows for several store tables, gathered record by record and turned into Arrow tables."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from warchest.store.schema import ARROW_TYPES
from warchest.store.schema import table as schema_table


class Rows:
    """Rows for several store tables, turned into Arrow tables with the store's types."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **values: Any) -> None:
        self.rows.setdefault(table, []).append(values)

    def tables(self) -> dict[str, pa.Table]:
        """The gathered rows as Arrow tables (and start over)."""
        out: dict[str, pa.Table] = {}
        for name, rows in self.rows.items():
            keys: set[str] = set()
            for r in rows:
                keys.update(r)
            schema = pa.schema([(c.name, ARROW_TYPES[c.type])
                                for c in schema_table(name).columns
                                if c.name != "load_id" and c.name in keys])
            out[name] = pa.Table.from_pylist(rows, schema=schema)
        self.rows = {}
        return out
