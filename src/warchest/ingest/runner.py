"""Runs a load: one source file into the store, in one transaction, with its log entry.

Parsing and conversion (Arrow, which releases the GIL) run in a background thread while the
store writes the previous block, so both cores work. The whole file is one transaction: a
load that fails leaves the store as it was, and its failure is logged.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any, cast

import pyarrow as pa

from warchest.errors import WarchestError
from warchest.ingest.delimited import Chunk
from warchest.ingest.sources import Source
from warchest.store import QuarantinedRow, Store

ProgressFn = Callable[[str, int, int | None, int], None]
"""progress(label, bytes_done, bytes_total or None, rows_done)"""


@dataclass
class FileResult:
    """The outcome of loading one file (or zip member)."""

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LoadReport:
    """What a load command did, file by file."""

    loader: str
    files: list[FileResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

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


def _store_columns(store: Store, table: str, data: pa.Table) -> pa.Table:
    keep = [c for c in data.column_names if c in store.tables[table].column_names]
    return data.select(keep)


def run_load(
    store: Store,
    source: Source,
    loader: str,
    table_label: str,
    read: Callable[[IO[bytes]], Iterator[Chunk]],
    progress: ProgressFn | None = None,
) -> FileResult:
    """Load one source with ``read`` (which turns the stream into chunks) in a transaction."""
    result = FileResult(str(source.path), source.member, table_label, label=source.label)
    started = time.perf_counter()
    try:
        total: int | None = source.size()
    except OSError:
        total = None
    if source.path.name.lower().endswith(".gz"):
        total = None
    stream = source.open()
    try:
        with store.transaction():
            load_id = store.begin_load(loader, str(source.path), source.member, None, None,
                                       source.label)
            result.load_id = load_id
            store.delete_loads_of(str(source.path), source.member)
            quarantined: list[QuarantinedRow] = []
            for chunk in _background(read(cast(IO[bytes], stream))):
                for table, data in chunk.outputs.items():
                    written = store.write(table, _store_columns(store, table, data), load_id)
                    result.outputs[table] = result.outputs.get(table, 0) + written
                quarantined.extend(chunk.quarantined)
                if len(quarantined) >= 10_000:
                    store.quarantine(load_id, str(source.path), source.member, quarantined)
                    quarantined = []
                result.rows_read += chunk.rows_read
                result.rows_quarantined += len(chunk.quarantined)
                if progress is not None:
                    progress(source.display, chunk.bytes_done, total,
                             result.rows_read)
            store.quarantine(load_id, str(source.path), source.member, quarantined)
            result.rows_loaded = result.rows_read - result.rows_quarantined
            for table in result.outputs:
                result.replaced[table] = store.replace_older(table, load_id)
            result.sha256 = stream.finish()
            store.set_load_file(load_id, result.sha256, source.path.stat().st_size)
            result.seconds = time.perf_counter() - started
            store.finish_load(
                load_id,
                rows_read=result.rows_read,
                rows_loaded=result.rows_loaded,
                rows_quarantined=result.rows_quarantined,
                outputs={t: (n, result.replaced.get(t, 0)) for t, n in result.outputs.items()},
            )
    except WarchestError as exc:
        result.status = f"failed: {exc}"
        _log_failure(store, source, loader, str(exc))
        raise
    finally:
        stream.close()
    return result


def _log_failure(store: Store, source: Source, loader: str, message: str) -> None:
    load_id = store.begin_load(loader, str(source.path), source.member, None, None,
                               source.label)
    store.finish_load(load_id, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={},
                      status=f"failed: {message}"[:500])
