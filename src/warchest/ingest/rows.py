"""Rows for several store tables, gathered record by record and turned into Arrow tables."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pyarrow as pa

from warchest.store.schema import ARROW_TYPES
from warchest.store.schema import table as schema_table

_PYTHON_TYPES: dict[str, frozenset[type]] = {
    "text": frozenset({str}), "int": frozenset({int}), "bigint": frozenset({int}),
    "date": frozenset({dt.date}), "bool": frozenset({bool}),
    "double": frozenset({int, float}), "timestamp": frozenset({dt.datetime}),
    "bytes": frozenset({bytes})}
"""The Python types each column type takes (exactly: True is no int, a datetime no date;
text may also be a str subclass, as lxml's text results are)."""
_INT32 = 2 ** 31


@functools.cache
def _column_types(table: str) -> dict[str, tuple[frozenset[type], str]]:
    return {c.name: (_PYTHON_TYPES[c.type], c.type) for c in schema_table(table).columns}


class Rows:
    """Rows for several store tables, turned into Arrow tables with the store's types.

    Each value is checked against its column's type as it is added (a record with a number
    where text belongs fails alone, with the column named, instead of failing its whole
    chunk later); ``mark`` and ``rollback`` take back the rows of a record that fails
    half-way, so a quarantined record leaves nothing behind."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **values: Any) -> None:
        types = _column_types(table)
        for name, value in values.items():
            if value is None:
                continue
            spec = types.get(name)
            if spec is None:
                raise ValueError(f"{table} has no column {name}")
            allowed, kind = spec
            if type(value) in allowed:
                if kind == "int" and not -_INT32 <= value < _INT32:
                    raise ValueError(f"{name}: {value} is out of range for a whole number")
            elif not (kind == "text" and isinstance(value, str)):
                raise ValueError(f"{name}: expected {kind}, found {type(value).__name__} "
                                 f"{str(value)[:60]!r}")
        self.rows.setdefault(table, []).append(values)

    def mark(self) -> dict[str, int]:
        """Where each table's rows end now (for ``rollback``)."""
        return {name: len(rows) for name, rows in self.rows.items()}

    def rollback(self, mark: dict[str, int]) -> None:
        """Drop the rows added since ``mark``."""
        for name, rows in self.rows.items():
            del rows[mark.get(name, 0):]

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
