"""Read-only SQL over a store, for what the typed functions do not answer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from warchest.errors import InputError
from warchest.results import Result, Row
from warchest.store import Store


@dataclass(frozen=True)
class QueryResult(Result):
    """The rows of a read-only query, with its columns in order; ``to_arrow`` is the
    engine's own Arrow table (every column type kept, maps and lists included)."""

    TABLE = "records"
    sql: str
    columns: tuple[str, ...]
    records: tuple[Row, ...]
    table: pa.Table = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {"sql": self.sql, "columns": list(self.columns),
                "records": [dict(r) for r in self.records]}

    def to_arrow(self) -> pa.Table:
        return self.table

    def _columns(self) -> list[str]:
        return list(self.columns)


def run_query(store: Store, sql: str) -> QueryResult:
    """Run one read-only statement (DuckDB dialect) on ``store``, which must be opened
    with ``read_only=True, sandbox=True`` (no file or network access); a statement that
    would write, attach or read files is refused. Columns must have distinct names."""
    table = store.read_only_query(sql)
    twice = [name for name, n in Counter(table.column_names).items() if n > 1]
    if twice:
        raise InputError(f"the query returns column {twice[0]!r} more than once; give each "
                         "column its own name (... AS name)")
    return QueryResult(sql, tuple(table.column_names), tuple(table.to_pylist()), table)
