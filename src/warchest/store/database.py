"""The DuckDB store: open and migrate the file, write streams, replace older loads,
query, read-only SQL in a sandbox (the package docstring says what the store is)."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
import pyarrow as pa

from warchest.errors import (
    InputError,
    NotFound,
    ReadOnlyQuery,
    StoreUnavailable,
    StoreVersionError,
)
from warchest.store.dialect import query_steps
from warchest.store.engine import (
    Engine,
    QuarantinedRow,
    check_size,
    repeated_key,
    size_bytes,
)
from warchest.store.failures import engine_failure as engine_failure
from warchest.store.schema import (
    BOOKKEEPING,
    MIGRATIONS,
    TABLES,
    Migration,
    Table,
)
from warchest.version import __version__

DEFAULT_DB = "warchest.duckdb"
LOG_TABLES = ("load_log", "load_outputs", "quarantine")
"""The store's own log: its loads, what each wrote, the rows each quarantined."""

_TYPES = {
    "text": "VARCHAR",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "date": "DATE",
    "bool": "BOOLEAN",
    "double": "DOUBLE",
    "timestamp": "TIMESTAMP",
    "bytes": "BLOB",
}

_READ_STATEMENTS = {"SELECT", "EXPLAIN"}
"""The statement types (as DuckDB's parser gives them) users' SQL may hold: SELECT (with
DESCRIBE and SHOW, which parse as SELECT) and EXPLAIN."""
SANDBOX = {"enable_external_access": False, "autoinstall_known_extensions": False,
           "autoload_known_extensions": False, "allow_community_extensions": False,
           "allow_unsigned_extensions": False}
"""DuckDB settings of a sandboxed store: no file, URL or other database can be read or
written (read_csv, glob, read_text, COPY, ATTACH, EXPORT/IMPORT DATABASE are refused), no
extension installed or loaded; locked once the store is open."""


def default_db_path() -> Path:
    """The store path: ``$WARCHEST_DB`` if set, else ``./warchest.duckdb``."""
    return Path(os.environ.get("WARCHEST_DB") or DEFAULT_DB)




def _create_table_sql(table: Table, version: int) -> str:
    cols = ", ".join(
        f'"{c.name}" {_TYPES[c.type]}' for c in table.columns if c.since <= version
    )
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" ({cols})'


def migration_statements(migration: Migration, tables: Sequence[Table] = TABLES) -> list[str]:
    """The SQL a migration runs: new tables, new columns of older tables, then its own."""
    out: list[str] = []
    for t in tables:
        if t.since == migration.version:
            out.append(_create_table_sql(t, migration.version))
        elif t.since < migration.version:
            for c in t.columns:
                if c.since == migration.version:
                    out.append(
                        f'ALTER TABLE "{t.name}" ADD COLUMN IF NOT EXISTS "{c.name}" '
                        f"{_TYPES[c.type]}"
                    )
    out.extend(migration.statements)
    return out


M = TypeVar("M", bound=Callable[..., Any])


def _plain_failures(method: M) -> M:
    """Out of memory or a full disk inside the engine comes out as a clear
    :class:`~warchest.errors.WarchestError` (:func:`engine_failure`), not the engine's own."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except duckdb.Error as exc:
            failure = engine_failure(exc, self.path)
            if failure is None:
                raise
            raise failure from None

    return cast(M, wrapper)


SERVING_INDEXES: tuple[tuple[str, str], ...] = (
    ("patents", "patent_id"), ("applications", "patent_id"), ("abstracts", "patent_id"),
    ("claims", "patent_id"), ("assignees", "patent_id"),
    ("assignees_disambiguated", "patent_id"), ("inventors", "patent_id"),
    ("cpc", "patent_id"), ("ipc", "patent_id"), ("citations", "patent_id"),
    ("citations", "cited_patent_id"), ("application_citations", "patent_id"),
    ("foreign_citations", "patent_id"), ("other_citations", "patent_id"),
    ("term_of_grant", "patent_id"), ("related_documents", "patent_id"),
    ("patent_wipo_fields", "patent_id"), ("reassignment_documents", "patent_id"),
    ("reassignments", "rf_id"), ("patent_terms", "patent_id"),
    ("patent_indicators", "patent_id"), ("patent_markets", "patent_id"),
    ("ownership", "patent_id"), ("ownership", "entity_id"), ("owner_entities", "entity_id"),
    ("owner_entities", "ultimate_entity_id"), ("owner_names", "entity_id"))
"""The columns the read side looks single rows up by (a patent's tables, its owners): a
server builds an index on each (ART: a point lookup reads a few rows, not the table), and
the next load or derivation drops them (they would slow its writes and block upgrades)."""


class Store(Engine):
    """A warchest store in one DuckDB file (or in memory with ``":memory:"``).

    >>> with Store(":memory:") as store:
    ...     store.version == store.latest_version
    True
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        migrations: Sequence[Migration] = MIGRATIONS,
        tables: Sequence[Table] = TABLES,
        memory_limit: str | None = None,
        sandbox: bool = False,
    ) -> None:
        self.path = str(default_db_path() if path is None else path)
        self.read_only = read_only
        self.sandboxed = sandbox
        """A sandboxed store (read-only) runs users' SQL (``read_only_query``): its
        connection reads the store's own tables and nothing else (``SANDBOX``)."""
        if sandbox and not read_only:
            raise InputError("a sandboxed store is read-only: open it with "
                                "read_only=True, sandbox=True")
        super().__init__(tables)
        self._migrations = tuple(migrations)
        self._lock = threading.RLock()
        in_memory = self.path == ":memory:"
        if read_only and not in_memory and not Path(self.path).exists():
            raise NotFound(
                f"no store at {self.path}; create one with `warchest init` or load data "
                "with `warchest load ...` (or point --db / WARCHEST_DB at an existing store)"
            )
        config: dict[str, Any] = {}
        memory_limit = memory_limit or os.environ.get("WARCHEST_MEMORY_LIMIT") or None
        self.memory_limit_chosen = bool(memory_limit)
        """Whether the store runs under a memory limit chosen by its user (``memory_limit``
        or $WARCHEST_MEMORY_LIMIT) rather than DuckDB's default (80% of RAM)."""
        if memory_limit:
            config["memory_limit"] = check_size(memory_limit, "memory limit", "512MB or 2GB",
                                           "WARCHEST_MEMORY_LIMIT")
        temp_limit = os.environ.get("WARCHEST_TEMP_LIMIT") or None
        if temp_limit:
            config["max_temp_directory_size"] = check_size(temp_limit, "temp limit", "20GB",
                                                      "WARCHEST_TEMP_LIMIT")
        if sandbox:
            config.update(SANDBOX)
        try:
            self._con = duckdb.connect(
                self.path, read_only=read_only and not in_memory, config=config
            )
        except duckdb.IOException as exc:
            raise StoreUnavailable(f"cannot open store {self.path}: {exc}") from None
        except duckdb.Error as exc:
            raise StoreVersionError(
                f"{self.path} is not a DuckDB store warchest can read ({exc}); "
                "choose another path with --db"
            ) from None
        self._con.execute("SET enable_progress_bar = false").fetchall()  # the library is quiet
        try:
            self._check_and_migrate()
        except duckdb.Error as exc:
            self._con.close()
            failure = engine_failure(exc, self.path)
            if failure is None:
                raise
            raise failure from None
        if sandbox:  # from here on no statement can change the sandbox's settings
            self._con.execute("SET lock_configuration = true").fetchall()

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    @property
    def latest_version(self) -> int:
        return self._migrations[-1].version

    @property
    def version(self) -> int:
        row = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    def _one(self, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...] | None:
        """First row of a query (the result is drained, as DuckDB 2 requires)."""
        rows = self._con.execute(sql, list(params) if params else None).fetchall()
        return rows[0] if rows else None

    def _check_and_migrate(self) -> None:
        existing = {
            r[0]
            for r in self._con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        if existing and "meta" not in existing:
            raise StoreVersionError(
                f"{self.path} is a DuckDB file but not a warchest store (it has tables "
                f"{', '.join(sorted(existing)[:5])}); choose another path with --db"
            )
        current = self.version if "meta" in existing else 0
        if current > self.latest_version:
            raise StoreVersionError(
                f"{self.path} was written by a newer warchest (schema v{current}; this "
                f"version reads up to v{self.latest_version}); upgrade warchest"
            )
        if current == self.latest_version:
            return
        if self.read_only:
            raise StoreVersionError(
                f"{self.path} has schema v{current} and needs an upgrade to "
                f"v{self.latest_version}; open it once without read-only (e.g. "
                "`warchest init`) to upgrade it"
            )
        if current:  # an index on a table blocks ALTER TABLE: a server builds them again
            self._drop_serving_indexes()
        self._con.begin()
        try:
            for stmt in BOOKKEEPING.split(";"):
                if stmt.strip():
                    self._con.sql(stmt)
            for migration in self._migrations:
                if migration.version <= current:
                    continue
                for stmt in migration_statements(migration, list(self.tables.values())):
                    self._con.sql(stmt)
            self._con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), "
                "('written_by', ?)",
                [str(self.latest_version), __version__],
            )
            if current == 0:
                self._con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('created_at', CAST(now() AS VARCHAR))"
                )
            self._con.commit()
        except Exception:
            self._rollback_quietly()
            raise

    def _rollback_quietly(self) -> None:
        """Roll back, if a transaction is still open (a failed write or commit may have
        ended it: the failure itself is what the caller raises)."""
        with suppress(duckdb.Error):
            self._con.rollback()

    # ------------------------------------------------------------------ writing
    @contextmanager
    def memory_at_most(self, limit: str) -> Iterator[None]:
        """Run the block under a memory limit of at most ``limit`` (like ``4GB``), the
        limit before it restored afterwards. A limit the user chose (``memory_limit`` or
        $WARCHEST_MEMORY_LIMIT) is kept as it is, and a lower default too. For the large
        derivations, whose peak is otherwise what DuckDB's default allows (80% of RAM:
        it keeps what it may), not what they need."""
        check_size(limit, "memory limit", "512MB or 2GB", "memory_at_most")
        before = str(self.scalar("SELECT current_setting('memory_limit')"))
        if self.memory_limit_chosen or size_bytes(before, "memory_limit") <= size_bytes(
                limit, "memory_at_most"):
            yield
            return
        self._con.execute(f"SET memory_limit = '{limit}'").fetchall()
        try:
            yield
        finally:  # back to DuckDB's default, exactly (not its rounded text)
            self._con.execute("RESET memory_limit").fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is committed together or not at all."""
        self.changed()
        with self._lock:
            self._con.begin()
            try:
                yield
            except BaseException:
                self._rollback_quietly()
                raise
            try:
                self._con.commit()
            except duckdb.Error:
                self._rollback_quietly()
                raise

    def begin_load(
        self,
        loader: str,
        path: str,
        member: str | None,
        sha256: str | None,
        size_bytes: int | None,
        label: str | None = None,
    ) -> int:
        """Record the start of a load; returns its ``load_id``."""
        self.changed()
        self._drop_serving_indexes()
        row = self._one("SELECT coalesce(max(load_id), 0) + 1 FROM load_log")
        assert row is not None
        load_id = int(row[0])
        self._con.execute(
            "INSERT INTO load_log (load_id, loader, path, member, sha256, size_bytes, started,"
            " status, label, warchest_version) VALUES (?, ?, ?, ?, ?, ?, now(), 'running', ?, ?)",
            [load_id, loader, path, member, sha256, size_bytes, label, __version__],
        )
        return load_id

    def _serving_indexes(self) -> list[str]:
        return [str(r[0]) for r in self._con.execute(
            "SELECT index_name FROM duckdb_indexes() WHERE starts_with(index_name, 'serve_')"
        ).fetchall()]

    def _drop_serving_indexes(self) -> None:
        for name in self._serving_indexes():
            self._con.execute(f'DROP INDEX IF EXISTS "{name}"').fetchall()

    @_plain_failures
    def build_serving_indexes(self) -> list[str]:
        """An index on each of :data:`SERVING_INDEXES` the store lacks (the read side's
        point lookups); returns the ones made."""
        if self.read_only:
            raise InputError("the store is open read-only: open it writable to build its "
                             "indexes")
        have = set(self._serving_indexes())
        made = []
        for table, column in SERVING_INDEXES:
            name = f"serve_{table}_{column}"
            if name not in have and table in self.tables:
                self._con.execute(f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                                  ).fetchall()
                made.append(name)
        return made

    @_plain_failures
    def checkpoint(self) -> None:
        """Write everything committed into the store file (empties the write-ahead log)."""
        if not self.read_only:
            self._con.execute("CHECKPOINT").fetchall()

    def set_load_file(self, load_id: int, sha256: str | None, size_bytes: int | None) -> None:
        """Record the checksum and size of the file a load read (known once it is read)."""
        self.changed()
        self._con.execute(
            "UPDATE load_log SET sha256 = ?, size_bytes = ? WHERE load_id = ?",
            [sha256, size_bytes, load_id],
        )

    @_plain_failures
    def clear(self, table: str) -> int:
        """Delete every row of a derived table (before it is derived again)."""
        self.changed()
        if table not in self.tables:
            raise KeyError(table)
        before = int(self.scalar(f'SELECT count(*) FROM "{table}"'))
        self._con.execute(f'DELETE FROM "{table}"').fetchall()
        return before

    @_plain_failures
    def derive(self, table: str, select_sql: str, load_id: int, *,
               steps: Collection[str] | None = None, replacing: str | None = None) -> int:
        """Append the rows of a portable SELECT (columns matched by name) to a derived table.

        This is where derived tables are computed from loaded ones: the SELECT is written
        once in portable SQL, so another engine can run the same text. ``steps`` (the
        contract says what): each step's table is compressed in the store file, and
        dropped at the end.
        """
        self.changed()
        if table not in self.tables:
            raise KeyError(table)
        parts = ([(None, select_sql)] if steps is None
                 else query_steps(select_sql, "_step_", also=steps))
        made: list[str] = []
        try:
            for name, sql in parts:
                if name is None:
                    source = f"({sql}) AS derived"
                    if replacing is not None:  # computed before the deletion: reads old rows
                        made.append("_replacement")
                        self._con.execute(f'CREATE OR REPLACE TEMP TABLE "_replacement" AS '
                                          f"{sql}").fetchall()
                        key = self._con.sql(f'SELECT * FROM "{replacing}" LIMIT 0').columns[0]
                        self._con.execute(f'DELETE FROM "{table}" WHERE "{key}" IN '
                                          f'(SELECT "{key}" FROM "{replacing}")').fetchall()
                        source = '"_replacement"'
                    before = int(self.scalar(f'SELECT count(*) FROM "{table}"'))
                    self._con.execute(
                        f'INSERT INTO "{table}" BY NAME SELECT *, {int(load_id)} AS load_id '
                        f"FROM {source}").fetchall()
                else:
                    self._con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {sql}').fetchall()
                    made.append(name)
        finally:
            for name in made:
                with suppress(duckdb.Error):  # a failed step has ended the transaction
                    self._con.execute(f'DROP TABLE IF EXISTS "{name}"').fetchall()
        return int(self.scalar(f'SELECT count(*) FROM "{table}"')) - before

    @_plain_failures
    def write_stream(self, table: str, batches: Iterable[pa.RecordBatch] | pa.RecordBatchReader,
                     load_id: int) -> None:
        """Append a stream of record batches (with :meth:`arrow_schema`) in one INSERT.

        The batches are pulled as the engine inserts, so a producer can parse the next part
        of a file meanwhile; memory is bounded by the batches in flight.

        Only a one-row-per-key table (``merge``: the last row of a key given twice wins)
        keeps the stream's row order. Other tables are written without it: DuckDB's
        order-preserving parallel insert writes its row groups twice (once in the insert,
        again when the transaction's data is merged at the checkpoint), which costs the
        citation load a quarter of its CPU time.
        """
        self.changed()
        if table not in self.tables:
            raise KeyError(table)
        reader = batches if isinstance(batches, pa.RecordBatchReader) else \
            pa.RecordBatchReader.from_batches(self.arrow_schema(table), iter(batches))
        name = f"_incoming_{threading.get_ident()}"
        in_order = self.tables[table].merge
        self._con.register(name, reader)
        try:
            if not in_order:
                self._con.execute("SET preserve_insertion_order = false").fetchall()
            self._con.execute(
                f'INSERT INTO "{table}" BY NAME SELECT *, {int(load_id)} AS load_id FROM {name}'
            ).fetchall()
        finally:
            if not in_order:
                with suppress(duckdb.Error):  # (a failed insert may have ended the transaction)
                    self._con.execute("RESET preserve_insertion_order").fetchall()
            self._con.unregister(name)

    def quarantine_stream(self, load_id: int, path: str, member: str | None,
                          reader: pa.RecordBatchReader) -> None:
        """Store quarantined rows (line, record, reason, raw) read from a stream."""
        self.changed()
        self._con.register("_quarantine_rows", reader)
        try:
            self._con.execute(
                "INSERT INTO quarantine BY NAME SELECT *, ? AS load_id, ? AS path, ? AS member "
                "FROM _quarantine_rows", [load_id, path, member]
            ).fetchall()
        finally:
            self._con.unregister("_quarantine_rows")

    def drop_repeated_keys(self, table: str, load_id: int) -> list[QuarantinedRow]:
        """In a one-row-per-key table (``merge``), the rows this load wrote more than once
        for a key: all but the last written are deleted and returned as quarantined rows
        (a file that names a patent twice keeps its last row, and says so)."""
        t = self.tables[table]
        if not t.merge:
            return []
        key = t.key[0]
        lid = int(load_id)
        repeated = self._con.sql(
            f'SELECT rowid AS _row, * EXCLUDE (load_id) FROM "{table}" WHERE load_id = {lid} '
            f'QUALIFY row_number() OVER (PARTITION BY "{key}" ORDER BY rowid DESC) > 1'
        ).to_arrow_table()
        if repeated.num_rows == 0:
            return []
        self.changed()
        self._con.register("_repeated", repeated.select(["_row"]))
        try:
            self._con.execute(f'DELETE FROM "{table}" WHERE rowid IN '
                              "(SELECT _row FROM _repeated)").fetchall()
        finally:
            self._con.unregister("_repeated")
        return [repeated_key(key, r) for r in repeated.drop_columns(["_row"]).to_pylist()]

    def replace_older(self, table: str, load_id: int) -> int:
        """Make this load's rows the current ones for every key it wrote.

        Rows that earlier loads wrote for the same keys are deleted; for one-row-per-key
        tables (``merge``) values this load left empty are first taken from the older row.
        Returns the number of older rows replaced.
        """
        self.changed()
        t = self.tables[table]
        key = t.key[0]
        lid = int(load_id)
        if t.merge:
            others = [c for c in t.column_names if c not in (key, "load_id", "merged_from")]
            sets = ", ".join(f'"{c}" = coalesce("{table}"."{c}", o."{c}")' for c in others)
            took = " OR ".join(f'("{table}"."{c}" IS NULL AND o."{c}" IS NOT NULL)'
                               for c in others)
            self._con.execute(
                f'UPDATE "{table}" SET {sets}, merged_from = CASE WHEN {took} THEN '
                "concat_ws(',', o.merged_from, CAST(o.load_id AS VARCHAR)) "
                f'ELSE "{table}".merged_from END FROM (SELECT * FROM "{table}" '
                f"WHERE load_id <> {lid} QUALIFY row_number() OVER "
                f'(PARTITION BY "{key}" ORDER BY load_id DESC) = 1) o '
                f'WHERE "{table}".load_id = {lid} AND "{table}"."{key}" = o."{key}"'
            ).fetchall()
        row = self._one(
            f'SELECT count(*) FROM "{table}" WHERE load_id <> {lid} AND "{key}" IN '
            f'(SELECT "{key}" FROM "{table}" WHERE load_id = {lid})'
        )
        replaced = int(row[0]) if row else 0
        if replaced:
            self._con.sql(
                f'DELETE FROM "{table}" WHERE load_id <> {lid} AND "{key}" IN '
                f'(SELECT "{key}" FROM "{table}" WHERE load_id = {lid})'
            )
        return replaced

    def finish_load(
        self,
        load_id: int,
        *,
        rows_read: int,
        rows_loaded: int,
        rows_quarantined: int,
        outputs: dict[str, tuple[int, int]],
        status: str = "ok",
    ) -> None:
        """Close a load's log row; ``outputs`` maps table -> (rows written, rows replaced)."""
        self.changed()
        self._con.execute(
            "UPDATE load_log SET rows_read = ?, rows_loaded = ?, rows_quarantined = ?, "
            "finished = now(), status = ? WHERE load_id = ?",
            [rows_read, rows_loaded, rows_quarantined, status, load_id],
        )
        for table, (written, replaced) in outputs.items():
            self._con.execute(
                "INSERT INTO load_outputs VALUES (?, ?, ?, ?)",
                [load_id, table, written, replaced],
            )

    def delete_loads_of(self, path: str, member: str | None) -> None:
        """Forget quarantine rows of earlier loads of the same file (a reload supersedes)."""
        self.changed()
        self._con.execute(
            "DELETE FROM quarantine WHERE path = ? AND member IS NOT DISTINCT FROM ?",
            [path, member],
        )

    # ------------------------------------------------------------------ reading
    @_plain_failures
    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts: fetched as Python values directly,
        which for the read side's small results costs less than going through Arrow (the
        same values: tests/test_web.py compares a patent's record both ways)."""
        self.note_statement(sql)
        with self._lock:
            cursor = self._con.execute(sql, list(params) if params else None)
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @_plain_failures
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""
        self.note_statement(sql)
        with self._lock:
            if params:
                return self._con.sql(sql, params=list(params)).to_arrow_table()
            return self._con.sql(sql).to_arrow_table()

    def register(self, name: str, data: pa.Table) -> None:
        with self._lock:
            self._con.register(name, data)

    def unregister(self, name: str) -> None:
        with self._lock:
            self._con.unregister(name)

    @_plain_failures
    def query_using(self, tables: dict[str, pa.Table], sql: str,
                    params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query that reads each Arrow table under its name; an Arrow table."""
        self.note_statement(sql)
        with self._lock:
            for name, data in tables.items():
                self._con.register(name, data)
            try:
                return (self._con.sql(sql, params=list(params)) if params
                        else self._con.sql(sql)).to_arrow_table()
            finally:
                for name in tables:
                    self._con.unregister(name)

    def read_only_query(self, sql: str) -> pa.Table:
        """Run a user's query on a sandboxed store (``sandbox=True``): each statement is
        parsed and must be a read (``_READ_STATEMENTS``), and the connection itself reads
        the store's tables and nothing else (``SANDBOX``)."""
        if not self.sandboxed:
            raise ReadOnlyQuery("users' SQL runs only on a sandboxed store: open it with "
                                "Store(path, read_only=True, sandbox=True)")
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error as exc:
            raise ReadOnlyQuery(f"cannot parse the query: {exc}") from None
        if not statements:
            raise ReadOnlyQuery("the query is empty; give a SELECT statement")
        for stmt in statements:
            kind = str(stmt.type).rsplit(".", 1)[-1]
            if kind not in _READ_STATEMENTS:
                raise ReadOnlyQuery(
                    f"only reads are allowed here, not {kind}: {stmt.query.strip()[:80]!r}; "
                    "use the load commands to change the store"
                )
        try:
            result: pa.Table | None = None
            for stmt in statements:
                result = self._con.sql(stmt.query).to_arrow_table()
            assert result is not None
            return result
        except duckdb.Error as exc:
            failure = engine_failure(exc, self.path)
            if failure is not None:
                raise failure from None
            raise InputError(f"query failed: {str(exc).splitlines()[0]}") from None

    @_plain_failures
    def export_parquet(self, folder: Path, tables: Sequence[str] | None = None,
                       file_size: str = "256MB") -> dict[str, int]:
        """Write tables (default: every table, and the load log) as Parquet, one folder per
        table (``folder/<table>/data_<n>.parquet``, zstd), split into files of about
        ``file_size`` (the unit a cluster reads in parallel); an existing folder of a
        table is replaced. Returns the rows written per table."""
        check_size(file_size, "file size", "256MB", "file_size")
        folder.mkdir(parents=True, exist_ok=True)
        out: dict[str, int] = {}
        for name in tables or [*self.tables, *LOG_TABLES]:
            if name not in self.tables and name not in LOG_TABLES:
                raise KeyError(name)
            target = folder / name
            if target.exists():
                for old in target.glob("*.parquet"):
                    old.unlink()
            path = str(target).replace("'", "''")
            self._con.execute(f"COPY (SELECT * FROM \"{name}\") TO '{path}' (FORMAT PARQUET, "
                              f"COMPRESSION zstd, FILE_SIZE_BYTES '{file_size}', "
                              "OVERWRITE_OR_IGNORE true)").fetchall()
            out[name] = int(self.scalar(f'SELECT count(*) FROM "{name}"'))
        return out

    def table_counts(self) -> dict[str, int]:
        """Rows in every store table, in schema order."""
        parts = " UNION ALL ".join(
            f"SELECT '{name}' AS t, count(*) AS n FROM \"{name}\"" for name in self.tables
        )
        counts = {r["t"]: int(r["n"]) for r in self.rows(parts)}
        return {name: counts[name] for name in self.tables}
