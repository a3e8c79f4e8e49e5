"""Runs a load: one source file into the store, in one transaction, with its log entry.

Parsing and conversion (Arrow, which releases the GIL) run in a background thread while the
store writes the previous block, so both cores work. The whole file is one transaction: a
load that fails leaves the store as it was, and its failure is logged.
"""

from __future__ import annotations

import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import pyarrow as pa
import pyarrow.ipc

from warchest.errors import CannotWrite, OutOfMemory, WarchestError
from warchest.ingest.delimited import Chunk
from warchest.ingest.sources import Source
from warchest.results import Result, row_type
from warchest.store import Engine, QuarantinedRow, engine_failure

ProgressFn = Callable[[str, int, int | None, int], None]
"""progress(label, bytes_done, bytes_total or None, rows_done)"""


@row_type
@dataclass(frozen=True)
class FileResult(Result):
    """The outcome of loading one file (or zip member): rows read = loaded + quarantined,
    rows written per table (``outputs``) and replaced from older loads of the same table
    (``replaced``), the load's id in the load log and the file's SHA-256."""

    path: str
    member: str | None
    table: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    outputs: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    load_id: int | None = None
    label: str | None = None
    status: str = "ok"
    sha256: str | None = None


@dataclass(frozen=True)
class LoadReport(Result):
    """What a load did, file by file (the main table), with the files it skipped and why;
    ``rows_read`` = ``rows_loaded`` + ``rows_quarantined``."""

    TABLE = "files"
    loader: str
    files: tuple[FileResult, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        """The fields, the three totals, and each skipped file as path and reason."""
        return {
            "loader": self.loader,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "files": [f.to_dict() for f in self.files],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
        }


_DONE = object()


def _background(chunks: Iterator[Chunk], depth: int = 2) -> Iterator[Chunk]:
    """Run a chunk generator in a thread, a few chunks ahead of the consumer."""
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                q.put(chunk)
            q.put(_DONE)
        except BaseException as exc:  # handed to the consumer, re-raised there
            q.put(exc)

    thread = threading.Thread(target=work, daemon=True, name="warchest-parse")
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Chunk)
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(0.05)


class _Spill:
    """Rows held back while the primary table streams in: written to temporary Arrow IPC
    files (memory stays bounded), then inserted table by table."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, tuple[pa.ipc.RecordBatchFileWriter, pa.Schema]] = {}

    def add(self, table: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        if table not in self.writers:
            path = self.folder / f"{table}.arrow"
            self.writers[table] = (pa.ipc.new_file(str(path), data.schema), data.schema)
        writer, schema = self.writers[table]
        writer.write_table(data.cast(schema))

    def tables(self) -> Iterator[tuple[str, pa.RecordBatchReader]]:
        for table, (writer, schema) in self.writers.items():
            writer.close()
            # read, not memory-mapped: a mapped file's pages would stay resident until
            # the whole table is inserted
            with pa.OSFile(str(self.folder / f"{table}.arrow")) as source:
                reader = pa.ipc.open_file(source)
                batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
                yield table, pa.RecordBatchReader.from_batches(schema, batches)


def _conform(store: Engine, table: str, data: pa.Table) -> pa.Table:
    """The data with exactly the store table's columns and types (missing ones NULL)."""
    schema = store.arrow_schema(table)
    columns = []
    for f in schema:
        if f.name in data.column_names:
            columns.append(data.column(f.name).cast(f.type))
        else:
            columns.append(pa.nulls(data.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=schema)


_QUARANTINE_SCHEMA = pa.schema([("line", pa.int64()), ("record", pa.string()),
                                ("reason", pa.string()), ("raw", pa.string()),
                                ("byte_offset", pa.int64())])


def _quarantine_table(rows: list[QuarantinedRow]) -> pa.Table:
    return pa.table({
        "line": pa.array([r.line for r in rows], pa.int64()),
        "record": pa.array([r.record for r in rows], pa.string()),
        "reason": pa.array([r.reason for r in rows], pa.string()),
        "raw": pa.array([r.raw[:4000] for r in rows], pa.string()),
        "byte_offset": pa.array([r.byte_offset for r in rows], pa.int64()),
    }, schema=_QUARANTINE_SCHEMA)


def run_load(
    store: Engine,
    source: Source,
    loader: str,
    table_label: str,
    read: Callable[[IO[bytes]], Iterator[Chunk]],
    progress: ProgressFn | None = None,
    primary: str | None = None,
) -> FileResult:
    """Load one source with ``read`` (which turns the stream into chunks) in one transaction.

    Rows for the ``primary`` table stream into the store in one INSERT while the file is
    parsed in a background thread; rows for other tables and quarantined rows are spilled
    to temporary Arrow files and inserted after it.
    """
    result = _Tally()
    started = time.perf_counter()
    load_id: int | None = None
    sha256: str | None = None
    try:
        total: int | None = source.size()
    except OSError:
        total = None
    if source.path.name.lower().endswith(".gz"):
        total = None
    stream = source.open()
    if progress is not None:  # the file's clock starts now, not at its first block
        progress(source.display, 0, total, 0)
    failure: list[BaseException] = []
    try:
        with tempfile.TemporaryDirectory(prefix="warchest-load-") as tmp, store.transaction():
            spill = _Spill(Path(tmp))
            load_id = store.begin_load(loader, str(source.path), source.member, None, None,
                                       source.label)
            store.delete_loads_of(str(source.path), source.member)

            def primary_batches() -> Iterator[pa.RecordBatch]:
                try:
                    for chunk in _background(read(cast(IO[bytes], stream))):
                        for table, data in chunk.outputs.items():
                            data = _conform(store, table, data)
                            result.outputs[table] = result.outputs.get(table, 0) + data.num_rows
                            if table == primary:
                                yield from data.to_batches()
                            else:
                                spill.add(table, data)
                        if chunk.quarantined:
                            spill.add("quarantine", _quarantine_table(chunk.quarantined))
                        result.rows_read += chunk.rows_read
                        result.rows_quarantined += len(chunk.quarantined)
                        if progress is not None:
                            progress(source.display, chunk.bytes_done, total, result.rows_read)
                except BaseException as exc:  # re-raised below, with its own type
                    failure.append(exc)

            if primary is not None:
                store.write_stream(primary, primary_batches(), load_id)
            else:
                for _ in primary_batches():
                    pass
            if failure:
                raise failure[0]
            for table, reader in spill.tables():
                if table == "quarantine":
                    store.quarantine_stream(load_id, str(source.path), source.member, reader)
                else:
                    store.write_stream(table, reader, load_id)
            # a key given twice in one file: its last row is kept, the others quarantined;
            # a record that fills several one-row-per-key tables (an XML document: patents
            # and applications) counts once, as the table with the most repeats
            repeated = max((store.drop_repeated_keys(table, load_id)
                            for table in result.outputs), key=len, default=[])
            if repeated:
                store.quarantine_stream(load_id, str(source.path), source.member,
                                        _quarantine_table(repeated).to_reader())
                result.rows_quarantined += len(repeated)
            for table in result.outputs:
                result.replaced[table] = store.replace_older(table, load_id)
            sha256 = stream.finish()
            store.set_load_file(load_id, sha256, source.path.stat().st_size)
            store.finish_load(
                load_id,
                rows_read=result.rows_read,
                rows_loaded=result.rows_read - result.rows_quarantined,
                rows_quarantined=result.rows_quarantined,
                outputs={t: (n, result.replaced.get(t, 0)) for t, n in result.outputs.items()},
            )
    except WarchestError as exc:
        _log_failure(store, source, loader, str(exc))
        raise
    except Exception as exc:
        engine = engine_failure(exc, store.path)
        if engine is None:
            raise
        _log_failure(store, source, loader, str(engine))
        raise engine from None
    finally:
        stream.close()
    try:
        store.checkpoint()  # the load is on disk, not only in the write-ahead log
    except Exception as exc:  # (the store's own methods translate engine failures)
        engine = exc if isinstance(exc, OutOfMemory | CannotWrite) else \
            engine_failure(exc, store.path)
        if engine is None:
            raise
        raise type(engine)(
            f"{source.display} was loaded and committed "
            f"({result.rows_read - result.rows_quarantined:,} rows; kept "
            "in the write-ahead log and written into the store file when the store next "
            f"opens), but writing it into the store file failed: {engine}. Files after it "
            "were not loaded") from None
    return FileResult(str(source.path), source.member, table_label, result.rows_read,
                      result.rows_read - result.rows_quarantined, result.rows_quarantined,
                      result.outputs, result.replaced,
                      time.perf_counter() - started,  # including commit and checkpoint
                      load_id, source.label, "ok", sha256)


@dataclass
class _Tally:
    """What a load counts while it runs (``FileResult`` is made from it at the end)."""

    rows_read: int = 0
    rows_quarantined: int = 0
    outputs: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)


def _log_failure(store: Engine, source: Source, loader: str, message: str) -> None:
    """Record a failed load in the load log (unless the store cannot be written at all:
    a full disk, a broken engine; the error itself then says so)."""
    try:
        with store.transaction():
            load_id = store.begin_load(loader, str(source.path), source.member, None, None,
                                       source.label)
            store.finish_load(load_id, rows_read=0, rows_loaded=0, rows_quarantined=0,
                              outputs={}, status=f"failed: {message}"[:500])
    except Exception as exc:
        if engine_failure(exc, store.path) is None:
            raise
