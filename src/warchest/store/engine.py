"""The engine contract: what warchest's steps ask of wherever the tables live.

Every step from loaded tables to derived ones (``resolve_owners``, ``compute_values``,
``map_technology``, the exposure evidence) talks to an :class:`Engine` and nothing else.
An engine answers portable SQL written in DuckDB's dialect (``query``), reads Arrow tables
a step hands it under a name (``register``), appends the rows of a SELECT to a table
(``derive``) or of a stream of Arrow batches (``write_stream``), and groups writes that
stand or fall together (``transaction``). Two engines implement it:

- :class:`warchest.store.Store`, one embedded DuckDB file (the default);
- :class:`warchest.store.spark.SparkEngine`, a lake of Parquet folders worked on by Spark
  (local, or a cluster), which translates the dialect (``warchest.store.spark``).

The rest of this class (rows as dicts, a single value, results remembered until the
next write) is built on those five, once, for both.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import pyarrow as pa

from warchest.errors import InputError
from warchest.store.schema import ARROW_TYPES, TABLES, Table

T = TypeVar("T")

_SIZE = re.compile(r"\s*\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", re.IGNORECASE)
_UNITS = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}
READS = re.compile(r"\s*(SELECT|WITH|FROM|EXPLAIN|DESCRIBE|SHOW|SUMMARIZE|VALUES|\()",
                   re.IGNORECASE)
"""Statements that only read (a remembered result stays valid after them)."""


def check_size(value: str, what: str, example: str, variable: str) -> str:
    """A size setting like 512MB, or an error naming the bad value and how to write it."""
    if not _SIZE.fullmatch(value):
        raise InputError(f"{what} {value!r} is not a size; write it like {example} "
                         f"({variable})")
    return value


def size_bytes(value: str, variable: str) -> int:
    """A size like 512MB or 1GB (or 0) in bytes."""
    if value.strip() == "0":
        return 0
    check_size(value, "cache size", "512MB or 1GB (0: off)", variable)
    number = re.match(r"\s*(\d+(?:\.\d+)?)\s*([kmgt])", value, re.IGNORECASE)
    assert number is not None
    return int(float(number.group(1)) * _UNITS[number.group(2).lower()])


def _nbytes(value: Any) -> int:
    """Roughly how much memory a remembered value holds."""
    if isinstance(value, pa.Table | pa.Array | pa.ChunkedArray | pa.RecordBatch):
        return int(value.nbytes)
    if hasattr(value, "nbytes"):
        return int(value.nbytes)
    if isinstance(value, tuple | list):
        return sum(_nbytes(v) for v in value) + 64
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values()) + 64
    return 64


@dataclass(frozen=True)
class QuarantinedRow:
    """A row or document that could not be loaded, and why."""

    line: int | None
    reason: str
    raw: str
    record: str | None = None
    """What identifies the record when a line does not (e.g. a patent number)."""
    byte_offset: int | None = None
    """Where the record starts in the file (for documents of XML files)."""


def repeated_key(key: str, row: dict[str, Any]) -> QuarantinedRow:
    """A row a load wrote for a key it wrote again later (``drop_repeated_keys``)."""
    return QuarantinedRow(None, f"repeated key: {key} {row[key]} appears again later in "
                          "this file, whose last row for it is the one loaded",
                          json.dumps(row, default=str)[:2000], record=str(row[key]))


class Engine(ABC):
    """Where the tables live and the SQL runs (module docstring)."""

    dialect = "duckdb"
    """The SQL dialect the engine reads natively (every step writes DuckDB's)."""

    def __init__(self, tables: Sequence[Table] = TABLES) -> None:
        self.tables = {t.name: t for t in tables}
        self._generation = 0  # bumped by every write: remembered results are then stale
        self._keeping = 0
        self._memo: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._memo_bytes = 0
        self._memo_limit = size_bytes(os.environ.get("WARCHEST_RESULT_CACHE") or "1GB",
                                      "WARCHEST_RESULT_CACHE")

    # ------------------------------------------------------------------ the contract
    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query (DuckDB's dialect, ``?`` parameters) and return an Arrow table."""

    @abstractmethod
    def register(self, name: str, data: pa.Table) -> None:
        """Make ``data`` readable as a table named ``name`` (until ``unregister``)."""

    @abstractmethod
    def unregister(self, name: str) -> None:
        """Forget a table ``register`` made readable."""

    @abstractmethod
    def derive(self, table: str, select_sql: str, load_id: int, *,
               steps: Collection[str] | None = None, replacing: str | None = None) -> int:
        """Append the rows of a portable SELECT (columns matched by name) to a table;
        returns the rows appended. ``replacing`` (an incremental derivation): the name of
        a table (stored or ``register``-ed) whose first column is a key column of
        ``table`` (``patent_id``, ``raw_name``); the table's rows with those keys are
        replaced by the SELECT's, which is to give the new rows of those keys only (it
        reads the tables as they were before the call, the rows it replaces included).
        ``steps`` (None: one statement): compute each CTE the SELECT reads more than
        once, and each CTE named in ``steps``, as a step of its own, a table written
        before the next step runs
        (:func:`warchest.store.dialect.query_steps`), so that no one statement holds the
        whole derivation's intermediate results at once: same rows, bounded memory and
        spill for the largest derivations. (The Spark engine runs every query in steps.)"""

    @abstractmethod
    def write_stream(self, table: str,
                     batches: Iterable[pa.RecordBatch] | pa.RecordBatchReader,
                     load_id: int) -> None:
        """Append a stream of record batches (with :meth:`arrow_schema`)."""

    @abstractmethod
    def transaction(self) -> Any:
        """A context manager: the writes inside stand or fall together."""

    @abstractmethod
    def clear(self, table: str) -> int:
        """Delete every row of a derived table; returns the rows it had."""

    @abstractmethod
    def begin_load(self, loader: str, path: str, member: str | None, sha256: str | None,
                   size_bytes: int | None, label: str | None = None) -> int:
        """Record the start of a load (or of a derivation step); returns its ``load_id``."""

    @abstractmethod
    def finish_load(self, load_id: int, *, rows_read: int, rows_loaded: int,
                    rows_quarantined: int, outputs: dict[str, tuple[int, int]],
                    status: str = "ok") -> None:
        """Close a load's log row; ``outputs`` maps table -> (rows written, replaced)."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine's resources."""

    # ------------------------------------------------------------------ loads
    path: str
    """Where the tables are (a store file, a lake folder or URI): errors name it."""

    @abstractmethod
    def delete_loads_of(self, path: str, member: str | None) -> None:
        """Forget quarantine rows of earlier loads of the same file (a reload supersedes)."""

    @abstractmethod
    def quarantine_stream(self, load_id: int, path: str, member: str | None,
                          reader: pa.RecordBatchReader) -> None:
        """Store quarantined rows (line, record, reason, raw) read from a stream."""

    @abstractmethod
    def drop_repeated_keys(self, table: str, load_id: int) -> list[QuarantinedRow]:
        """In a one-row-per-key table (``merge``), the rows this load wrote more than once
        for a key: all but the last written are deleted and returned as quarantined rows
        (a file that names a patent twice keeps its last row, and says so)."""

    @abstractmethod
    def replace_older(self, table: str, load_id: int) -> int:
        """Make this load's rows the current ones for every key it wrote: rows earlier
        loads wrote for the same keys are deleted; for one-row-per-key tables (``merge``)
        values this load left empty are first taken from the older row. Returns the
        number of older rows replaced."""

    @abstractmethod
    def set_load_file(self, load_id: int, sha256: str | None, size_bytes: int | None) -> None:
        """Record the checksum and size of the file a load read (known once it is read)."""

    # ------------------------------------------------------------------ built on it
    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts."""
        rows: list[dict[str, Any]] = self.query(sql, params).to_pylist()
        return rows

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The first value of a query's first row (None when it has no row)."""
        table = self.query(sql, params)
        if table.num_rows == 0:
            return None
        return table.column(0)[0].as_py()

    def query_using(self, tables: dict[str, pa.Table], sql: str,
                    params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query that reads each Arrow table under its name; an Arrow table."""
        self.note_statement(sql)
        for name, data in tables.items():
            self.register(name, data)
        try:
            return self.query(sql, params)
        finally:
            for name in tables:
                self.unregister(name)

    def rows_using(self, tables: dict[str, pa.Table], sql: str,
                   params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query that reads each Arrow table under its name; rows as dicts."""
        rows: list[dict[str, Any]] = self.query_using(tables, sql, params).to_pylist()
        return rows

    def rows_with(self, name: str, data: pa.Table, sql: str,
                  params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query that reads ``data`` as a table named ``name`` (e.g. a list of patent
        ids to join with), and return its rows as dicts."""
        return self.rows_using({name: data}, sql, params)

    def write(self, table: str, data: pa.Table | pa.RecordBatch, load_id: int) -> int:
        """Append rows (columns matched by name; missing columns are NULL)."""
        if data.num_rows == 0:
            return 0
        if table not in self.tables:
            raise KeyError(table)
        whole = data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
        self.write_stream(table, whole.to_reader(), load_id)
        return int(data.num_rows)

    def arrow_schema(self, table: str) -> pa.Schema:
        """Arrow schema of the columns a load writes (all but load_id and merged_from)."""
        return pa.schema([
            (c.name, ARROW_TYPES[c.type]) for c in self.tables[table].columns
            if c.name not in ("load_id", "merged_from")
        ])

    def build_serving_indexes(self) -> list[str]:
        """Indexes for the read side's point lookups, where the engine has them (the
        DuckDB store does; a lake has none to build); returns the ones made."""
        return []

    @contextmanager
    def memory_at_most(self, limit: str) -> Iterator[None]:
        """Run the block under a memory limit of at most ``limit`` where the engine has
        one to set (the embedded store); a cluster sizes its own executors."""
        check_size(limit, "memory limit", "512MB or 2GB", "memory_at_most")
        yield

    def checkpoint(self) -> None:  # noqa: B027 (a no-op unless the engine has a log)
        """Make everything committed durable (nothing to do where each write is)."""

    # ------------------------------------------------------------------ remembered results
    def changed(self) -> None:
        """The data may have changed: results remembered so far are dropped."""
        if not self._keeping:
            self._generation += 1
            self._memo.clear()
            self._memo_bytes = 0

    def note_statement(self, sql: str) -> None:
        """A statement is about to run: one that may write drops remembered results."""
        if not READS.match(sql):
            self.changed()

    @contextmanager
    def keeping_results(self) -> Iterator[None]:
        """Writes inside do not drop remembered results: only for caches that no remembered
        result reads (e.g. ``patent_embeddings``)."""
        self._keeping += 1
        try:
            yield
        finally:
            self._keeping -= 1

    def remember(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()``, remembered in this process under ``key`` until the next write
        (least recently used first out, within ``$WARCHEST_RESULT_CACHE``, default 1GB; 0
        turns it off). For derived inputs that are costly to read again, such as the
        per-patent evidence behind an exposure matrix."""
        if self._memo_limit <= 0:
            return compute()
        full = (self._generation, *key)
        hit = self._memo.get(full)
        if hit is not None:
            self._memo.move_to_end(full)
            return cast(T, hit[0])
        value = compute()
        size = _nbytes(value)
        if size <= self._memo_limit:
            self._memo[full] = (value, size)
            self._memo_bytes += size
            while self._memo_bytes > self._memo_limit:
                _, (_, dropped) = self._memo.popitem(last=False)
                self._memo_bytes -= dropped
        return value

    @staticmethod
    def fingerprint(*tables: pa.Table) -> str:
        """A digest of Arrow tables' contents (to key remembered results on them)."""
        h = hashlib.blake2b(digest_size=16)
        for t in tables:
            h.update(repr((t.schema, t.num_rows)).encode())
            for column in t.columns:
                for chunk in column.chunks:
                    for buf in chunk.buffers():
                        if buf is not None:
                            h.update(memoryview(buf))
        return h.hexdigest()
