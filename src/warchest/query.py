"""Read-only SQL over a store, for what the typed functions do not answer."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from warchest.results import Result, Row
from warchest.store import Store


@dataclass(frozen=True)
class QueryResult(Result):
    """The rows of a read-only query, with its columns in order."""

    TABLE = "records"
    sql: str
    columns: tuple[str, ...]
    records: tuple[Row, ...]

    def to_arrow(self) -> pa.Table:
        if not self.records:
            return pa.table({c: pa.array([], pa.null()) for c in self.columns})
        return pa.Table.from_pylist(list(self.records)).select(list(self.columns))

    def _columns(self) -> list[str]:
        return list(self.columns)


def run_query(store: Store, sql: str) -> QueryResult:
    """Run one read-only statement (DuckDB dialect) on ``store``; a statement that would
    write, attach, or read files is refused (``Store.read_only_query``). Open the store
    with ``sandbox=True`` for a query from someone else: no file or network access."""
    table = store.read_only_query(sql)
    return QueryResult(sql, tuple(table.column_names), tuple(table.to_pylist()))
