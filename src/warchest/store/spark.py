"""Spark (PySpark) as the second engine: a lake of Parquet folders (one per table) that
Spark reads and writes, running the same portable SQL as the DuckDB store, translated once
in ``warchest.store.dialect``. :class:`SparkEngine` implements the engine contract
(``warchest.store.engine``), so every step, loads included, runs on it unchanged.

Two things keep a derivation written for DuckDB identical on Spark:

- **Stages.** A derivation is one ``WITH ... SELECT``. Spark inlines every reference to a
  CTE, and a CTE read by several others (the citations in the indicators are read six
  times) multiplies the plan until the analyser runs out of memory. Each CTE is run as its
  own step and checkpointed (``localCheckpoint``: materialised, its lineage cut), then
  read by name, as DuckDB reads a materialised CTE.
- **Numbers.** A literal such as ``365.25`` or ``1.0`` is a DECIMAL in both dialects, but
  DuckDB divides decimals into DOUBLEs where Spark keeps a DECIMAL rounded to 6 places;
  literals with a fraction are read as DOUBLE on Spark (what DuckDB computes with).

Everything else is sqlglot's DuckDB-to-Spark translation. PySpark is an optional extra:
``pip install 'warchest[spark]'`` (with Java 17).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from warchest.errors import SetupError
from warchest.store.dialect import inline_params, spark_steps
from warchest.store.engine import Engine, QuarantinedRow, repeated_key
from warchest.store.schema import ARROW_TYPES, TABLES, Column, Table
from warchest.version import __version__

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

INSTALL = "pip install 'warchest[spark]' (PySpark 4, with Java 17 on the PATH)"


def chosen_master(master: str | None) -> str | None:
    """The master to set: the one given; else None under spark-submit (which set its own:
    PySpark then talks to the JVM spark-submit started, ``$PYSPARK_GATEWAY_PORT``); else
    ``local[2]``."""
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        return "local[2]"
    return master


def spark_session(master: str | None = None, **config: str) -> SparkSession:
    """A Spark session for warchest, in UTC; a clear error naming the install command when
    PySpark is missing. ``master``: None takes the one spark-submit gives (the script
    runs under spark-submit) or else ``local[2]``; a local master also gets settings for
    one machine (4 shuffle partitions, no web UI, a 2 GB driver, which does the work)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SetupError(f"the Spark engine needs PySpark: {INSTALL}") from None
    master = chosen_master(master)
    builder = SparkSession.builder.appName("warchest").config(
        "spark.sql.session.timeZone", "UTC")
    if master is not None:
        builder = builder.master(master)
    if master is not None and master.startswith("local"):
        builder = (builder.config("spark.sql.shuffle.partitions", "4")
                   .config("spark.ui.enabled", "false")
                   .config("spark.driver.memory", "2g"))
    for key, value in config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _table(name: str, columns: str) -> Table:
    pairs = [c.split() for c in columns.split(",")]
    return Table(name, "", tuple(Column(column, type_) for column, type_ in pairs))


LOG_SCHEMAS = (
    _table("load_log", "load_id int, loader text, path text, member text, sha256 text, "
           "size_bytes bigint, rows_read bigint, rows_loaded bigint, rows_quarantined "
           "bigint, started timestamp, finished timestamp, status text, label text, "
           "warchest_version text"),
    _table("load_outputs", "load_id int, table_name text, rows_written bigint, "
           "rows_replaced bigint"),
    _table("quarantine", "load_id int, path text, member text, line bigint, record text, "
           "reason text, raw text, byte_offset bigint"),
)
"""The store's log of loads and derivation steps, as lake tables (``BOOKKEEPING``)."""

_SPARK_TYPES = {"text": "string", "int": "int", "bigint": "bigint", "date": "date",
                "bool": "boolean", "double": "double", "timestamp": "timestamp",
                "bytes": "binary"}


class SparkEngine(Engine):
    """The tables of a lake (``lake/<table>/``, Parquet: a local folder, or any URI
    Spark's Hadoop layer reads: ``hdfs://``, ``s3a://``, ``abfss://``, ``gs://``), read
    and written by a Spark session. A table missing from the lake reads as empty.

    Appends (a load's rows, the log) add a Parquet file to the table's folder, written by
    pyarrow as the batches come (its file systems: local, ``s3://`` (``s3a://`` read as
    it), ``gs://``, ``hdfs://``, ``abfs://``). A rewrite (a derivation, older rows
    replaced) is written beside the lake (``lake/_staging/``) and moved into place. Inside
    ``transaction()`` the moves wait for the end of the block; if it fails, nothing
    moves and the files it added are deleted."""

    dialect = "spark"

    def __init__(self, lake: str | Path, session: SparkSession | None = None,
                 master: str | None = None, tables: Sequence[Table] = TABLES) -> None:
        super().__init__(tables)
        text = str(lake)
        # a local folder as an absolute path: Spark resolves a relative one against the
        # directory its JVM started in, not the caller's
        self.lake = text.rstrip("/") if "://" in text else str(Path(text).resolve())
        self.path = self.lake
        # a session of its own (the same Spark context): its tables are views named
        # after them, which another lake's engine must not replace
        self.session = (session or spark_session(master)).newSession()
        # dates and times as the store has them, whatever session it was given
        self.session.conf.set("spark.sql.session.timeZone", "UTC")
        self._schemas = {t.name: t for t in (*self.tables.values(), *LOG_SCHEMAS)}
        self._pending: dict[str, str] | None = None  # table -> its staged folder
        self._added: list[str] = []  # files appended inside the transaction
        self._parts: dict[tuple[str, int], list[str]] = {}  # files of the open load
        self._queries = 0
        for name in self._schemas:
            self._refresh(name)

    def close(self) -> None:
        """Nothing to release: the session outlives the engine (``session.stop()``)."""

    # ------------------------------------------------------------------ the lake's files
    def _fs(self, path: str) -> tuple[Any, Any]:
        """Hadoop's file system of a path, and the path (what Spark itself uses)."""
        jvm = self.session.sparkContext._jvm
        assert jvm is not None  # a classic (not Spark Connect) session
        conf = self.session.sparkContext._jsc.hadoopConfiguration()
        hpath = jvm.org.apache.hadoop.fs.Path(path)
        return hpath.getFileSystem(conf), hpath

    def _arrow_fs(self) -> tuple[Any, str]:
        """pyarrow's file system of the lake, and the lake's path in it."""
        import pyarrow.fs as pafs

        if "://" not in self.lake:
            return pafs.LocalFileSystem(), self.lake
        fs, root = pafs.FileSystem.from_uri(re.sub(r"^s3a://", "s3://", self.lake))
        return fs, str(root)

    def lake_tables(self) -> list[str]:
        """The table folders in the lake."""
        fs, root = self._fs(self.lake)
        if not fs.exists(root):
            return []
        return sorted(str(s.getPath().getName()) for s in fs.listStatus(root)
                      if s.isDirectory() and not str(s.getPath().getName()).startswith(("_", ".")))

    def _where(self, name: str) -> str:
        """The folder (relative to the lake) holding the table's rows now."""
        return (self._pending or {}).get(name, name)

    def _refresh(self, name: str) -> None:
        """The table readable by its name, from its folder, by its schema (a column the
        files lack reads as NULL; no folder, or an empty one, as no rows)."""
        fs, path = self._fs(f"{self.lake}/{self._where(name)}")
        if fs.exists(path):
            self.session.read.schema(self._ddl(name)).parquet(
                f"{self.lake}/{self._where(name)}").createOrReplaceTempView(name)
        else:
            self._empty(name).createOrReplaceTempView(name)

    def _ddl(self, name: str) -> str:
        return ", ".join(f"`{c.name}` {_SPARK_TYPES[c.type]}"
                         for c in self._schemas[name].columns)

    def _empty(self, name: str) -> DataFrame:
        return self.session.createDataFrame([], self._ddl(name))

    def _conform(self, frame: DataFrame, name: str) -> DataFrame:
        """The table's columns, in order, each cast to its type (NULL where missing)."""
        from pyspark.sql import functions as F

        have = set(frame.columns)
        return frame.select([
            (F.col(f"`{c.name}`") if c.name in have else F.lit(None))
            .cast(_SPARK_TYPES[c.type]).alias(c.name)
            for c in self._schemas[name].columns])

    def _replace(self, name: str, frame: DataFrame) -> int:
        """Write ``frame`` as the table's rows (moved into place now, or at the end of the
        transaction); returns its rows."""
        if name not in self._schemas:
            raise KeyError(name)
        self.changed()
        staged = f"_staging/{name}-{uuid.uuid4().hex}"
        self._conform(frame, name).write.mode("overwrite").parquet(f"{self.lake}/{staged}")
        if self._pending is not None:
            earlier = self._pending.get(name)
            self._pending[name] = staged
            self._refresh(name)
            if earlier is not None:
                self._delete(earlier)
        else:
            self._move(name, staged)
        return int(self.session.table(name).count())

    def _move(self, name: str, staged: str) -> None:
        fs, target = self._fs(f"{self.lake}/{name}")
        _, source = self._fs(f"{self.lake}/{staged}")
        fs.delete(target, True)
        if not fs.rename(source, target):
            raise OSError(f"could not move {self.lake}/{staged} to {self.lake}/{name}")
        self._refresh(name)

    def _delete(self, relative: str) -> None:
        fs, path = self._fs(f"{self.lake}/{relative}")
        fs.delete(path, True)

    def _write_part(self, name: str, batches: Iterable[pa.RecordBatch],
                    constants: dict[str, Any], load_id: int) -> int:
        """Append the batches to the table as one new Parquet file, each column matched by
        name and cast to the table's type (``constants``: columns with one value); returns
        the rows written."""
        import pyarrow.parquet as pq

        self.changed()
        columns = self._schemas[name].columns
        schema = pa.schema([(c.name, ARROW_TYPES[c.type]) for c in columns])
        folder = self._where(name)
        relative = f"{folder}/part-{load_id:08d}-{uuid.uuid4().hex}.parquet"
        fs, root = self._arrow_fs()
        fs.create_dir(f"{root}/{folder}", recursive=True)
        rows = 0
        try:
            with fs.open_output_stream(f"{root}/{relative}") as out, \
                    pq.ParquetWriter(out, schema, compression="zstd") as writer:
                for batch in batches:
                    n = batch.num_rows
                    have = set(batch.schema.names)
                    writer.write_batch(pa.RecordBatch.from_arrays([
                        pa.array([constants[c.name]] * n, field.type) if c.name in constants
                        else batch.column(c.name).cast(field.type) if c.name in have
                        else pa.nulls(n, field.type)
                        for c, field in zip(columns, schema, strict=True)], schema=schema))
                    rows += n
        except BaseException:  # a file cut short is no part of the table
            fs.delete_file(f"{root}/{relative}")
            raise
        if self._pending is not None:
            self._added.append(relative)
        self._parts.setdefault((name, load_id), []).append(relative)
        self._refresh(name)
        return rows

    # ------------------------------------------------------------------ the contract
    def _run(self, sql: str, params: Sequence[Any] | None = None, also: Collection[str] = ()
             ) -> tuple[DataFrame, list[str]]:
        """The query's final frame, its CTEs run as checkpointed steps (the module
        docstring says why); returns the step names to drop once the frame is read."""
        self._queries += 1
        frame: DataFrame | None = None
        names: list[str] = []
        try:
            for name, step in spark_steps(inline_params(sql, params), f"_q{self._queries}_",
                                          also):
                frame = self.session.sql(step)
                if name is not None:
                    frame.localCheckpoint(eager=True).createOrReplaceTempView(name)
                    names.append(name)
        except BaseException:  # the steps run so far are dropped with their data
            self._drop(names)
            raise
        assert frame is not None
        return frame, names

    def _drop(self, names: list[str]) -> None:
        for name in names:
            self.session.catalog.dropTempView(name)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        self.note_statement(sql)
        frame, names = self._run(sql, params)
        try:
            return frame.toArrow()
        finally:
            self._drop(names)

    def register(self, name: str, data: pa.Table) -> None:
        self.session.createDataFrame(data).createOrReplaceTempView(name)

    def unregister(self, name: str) -> None:
        self.session.catalog.dropTempView(name)

    def derive(self, table: str, select_sql: str, load_id: int, *,
               steps: Collection[str] | None = None, replacing: str | None = None) -> int:
        from pyspark.sql import functions as F

        if table not in self.tables:
            raise KeyError(table)
        frame, names = self._run(select_sql, also=steps or ())
        try:
            kept = self._conform(self.session.table(table), table)
            if replacing is not None:  # the new rows computed before the old ones go
                frame = frame.localCheckpoint(eager=True)
                keys = self.session.table(replacing)
                key = keys.columns[0]
                kept = self._conform(
                    kept.join(keys.select(key).distinct(), key, "left_anti"), table)
            before = int(kept.count())
            frame = self._conform(frame.withColumn("load_id", F.lit(int(load_id))), table)
            if before:
                frame = kept.unionByName(frame)
            return self._replace(table, frame) - before
        finally:
            self._drop(names)

    def write_stream(self, table: str,
                     batches: Iterable[pa.RecordBatch] | pa.RecordBatchReader,
                     load_id: int) -> None:
        if table not in self.tables:
            raise KeyError(table)
        self._write_part(table, batches, {"load_id": int(load_id)}, load_id)

    def clear(self, table: str) -> int:
        if table not in self.tables:
            raise KeyError(table)
        before = int(self.session.table(table).count())
        self._replace(table, self._empty(table))
        return before

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._pending is not None:  # inside another: its end moves everything
            yield
            return
        self._pending, self._added = {}, []
        try:
            yield
        except BaseException:
            pending, self._pending = self._pending, None
            for relative in [*pending.values(), *self._added]:
                self._delete(relative)
            self._added, self._parts = [], {}
            for name in self._schemas:
                self._refresh(name)
            raise
        pending, self._pending = self._pending, None
        self._added, self._parts = [], {}  # a load's files matter until it commits
        for name, staged in pending.items():
            self._move(name, staged)

    # ------------------------------------------------------------------ loads
    def begin_load(self, loader: str, path: str, member: str | None, sha256: str | None,
                   size_bytes: int | None, label: str | None = None) -> int:
        load_id = int(self.scalar("SELECT coalesce(max(load_id), 0) + 1 FROM load_log"))
        self._write_part("load_log", [pa.RecordBatch.from_pylist([{
            "loader": loader, "path": path, "member": member, "sha256": sha256,
            "size_bytes": size_bytes, "started": _now(), "status": "running",
            "label": label, "warchest_version": __version__}])], {"load_id": load_id},
            load_id)
        return load_id

    def _update_log(self, load_id: int, **values: Any) -> None:
        log = self.query("SELECT * FROM load_log").to_pylist()
        for row in log:
            if row["load_id"] == load_id:
                row.update(values)
        schema = pa.schema([(c.name, ARROW_TYPES[c.type])
                            for c in self._schemas["load_log"].columns])
        self._replace("load_log", self.session.createDataFrame(
            pa.Table.from_pylist(log, schema)))

    def set_load_file(self, load_id: int, sha256: str | None, size_bytes: int | None) -> None:
        self._update_log(load_id, sha256=sha256, size_bytes=size_bytes)

    def finish_load(self, load_id: int, *, rows_read: int, rows_loaded: int,
                    rows_quarantined: int, outputs: dict[str, tuple[int, int]],
                    status: str = "ok") -> None:
        self._update_log(load_id, rows_read=rows_read, rows_loaded=rows_loaded,
                         rows_quarantined=rows_quarantined, finished=_now(), status=status)
        if outputs:
            self._write_part("load_outputs", [pa.RecordBatch.from_pylist([
                {"table_name": t, "rows_written": w, "rows_replaced": r}
                for t, (w, r) in outputs.items()])], {"load_id": load_id}, load_id)

    def delete_loads_of(self, path: str, member: str | None) -> None:
        where = "coalesce(path = ? AND member IS NOT DISTINCT FROM ?, FALSE)"
        if self.scalar(f"SELECT count(*) FROM quarantine WHERE {where}", [path, member]):
            frame, names = self._run(f"SELECT * FROM quarantine WHERE NOT {where}",
                                     [path, member])
            try:
                self._replace("quarantine", frame)
            finally:
                self._drop(names)

    def quarantine_stream(self, load_id: int, path: str, member: str | None,
                          reader: pa.RecordBatchReader) -> None:
        self._write_part("quarantine", reader,
                         {"load_id": int(load_id), "path": path, "member": member}, load_id)

    def drop_repeated_keys(self, table: str, load_id: int) -> list[QuarantinedRow]:
        """As the store's (``Engine``); the load's rows are read in the order its files
        were written, the key column first, whole rows only where a key repeats."""
        import numpy as np
        import pyarrow.parquet as pq

        t = self.tables[table]
        parts = self._parts.get((table, load_id), [])
        if not t.merge or not parts:
            return []
        key = t.key[0]
        fs, root = self._arrow_fs()
        keys = [pq.read_table(f"{root}/{p}", columns=[key], filesystem=fs).column(key)
                for p in parts]
        sizes = [len(k) for k in keys]
        every = pa.chunked_array([c for k in keys for c in k.chunks], keys[0].type)
        last = pa.table({"k": every, "i": np.arange(len(every))}).group_by("k").aggregate(
            [("i", "max")]).column("i_max").to_numpy()
        keep = np.zeros(len(every), bool)
        keep[last] = True
        if keep.all():
            return []
        out: list[QuarantinedRow] = []
        offsets = np.cumsum([0, *sizes])
        for part, start, end in zip(parts, offsets[:-1], offsets[1:], strict=True):
            mask = keep[start:end]
            if mask.all():
                continue
            rows = pq.read_table(f"{root}/{part}", filesystem=fs)
            dropped = rows.filter(pa.array(~mask)).drop_columns(["load_id"])
            out += [repeated_key(key, r) for r in dropped.to_pylist()]
            pq.write_table(rows.filter(pa.array(mask)), f"{root}/{part}", filesystem=fs,
                           compression="zstd")
        self._refresh(table)
        return out

    def replace_older(self, table: str, load_id: int) -> int:
        t = self.tables[table]
        key, lid = t.key[0], int(load_id)
        new_keys = f'SELECT DISTINCT "{key}" FROM "{table}" WHERE load_id = {lid}'
        replaced = int(self.scalar(
            f'SELECT count(*) FROM "{table}" x JOIN ({new_keys}) k ON k."{key}" = x."{key}" '
            f"WHERE x.load_id <> {lid}"))
        if not replaced:
            return 0
        kept = (f'SELECT x.* FROM "{table}" x LEFT JOIN ({new_keys}) k '
                f'ON k."{key}" = x."{key}" WHERE x.load_id <> {lid} AND k."{key}" IS NULL')
        frame, names = self._run(f"{self._merged(table, lid)} UNION ALL {kept}" if t.merge
                                 else f'SELECT * FROM "{table}" WHERE load_id = {lid} '
                                 f"UNION ALL {kept}")
        try:
            self._replace(table, frame)
        finally:
            self._drop(names)
        return replaced

    def _merged(self, table: str, lid: int) -> str:
        """This load's rows of a one-row-per-key table, each value it left empty taken
        from the key's latest older row (noted in ``merged_from``)."""
        t = self.tables[table]
        key = t.key[0]
        others = [c for c in t.column_names if c not in (key, "load_id", "merged_from")]
        values = ", ".join(f'coalesce(n."{c}", o."{c}") AS "{c}"' for c in others)
        took = " OR ".join(f'(n."{c}" IS NULL AND o."{c}" IS NOT NULL)' for c in others)
        return (f'SELECT n."{key}", {values}, n.load_id, CASE WHEN {took} THEN '
                "concat_ws(',', o.merged_from, CAST(o.load_id AS VARCHAR)) "
                f'ELSE n.merged_from END AS merged_from FROM "{table}" n LEFT JOIN '
                f'(SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY "{key}" ORDER BY '
                f'load_id DESC) AS _rank FROM "{table}" WHERE load_id <> {lid}) r '
                f'WHERE _rank = 1) o ON o."{key}" = n."{key}" WHERE n.load_id = {lid}')


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
