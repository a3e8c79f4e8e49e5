"""Reading a file: batches of documents parsed in worker processes, repeated documents
set aside, ``read_xml``."""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pa_compute
from lxml import etree

from warchest.errors import (
    BadInputFile,
    SetupError,
)
from warchest.ingest.delimited import Chunk
from warchest.ingest.rows import Rows
from warchest.ingest.sources import ByteStream
from warchest.ingest.uspto_xml.dispatch import extract
from warchest.ingest.uspto_xml.splitter import RawDocument, parse_document, split_documents
from warchest.ingest.uspto_xml.storerows import add_application, add_grant
from warchest.store import QuarantinedRow


def watch_parent(parent: int, every: float = 1.0) -> None:
    """In a parsing worker: exit when the loading process is gone (killed with -9, it
    cannot stop its workers, which would otherwise wait for work forever)."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="warchest-watch-parent").start()


@dataclass(frozen=True)
class Loaded:
    """A document a batch loaded: its key (patent or publication number) and position."""

    key: str
    line: int | None
    offset: int | None


def parse_batch(docs: list[RawDocument], source_name: str, source_file: str
                ) -> tuple[dict[str, Any], list[QuarantinedRow], int, list[Loaded]]:
    """Parse and extract a batch of documents into store rows (run in worker processes).

    A document whose number an earlier document of the batch already had is quarantined
    (:func:`repeated_document`); :func:`read_xml` does the same across batches with the
    returned list of loaded documents."""
    rows = Rows()
    quarantined: list[QuarantinedRow] = []
    loaded: dict[str, Loaded] = {}
    for raw in docs:
        reason: str | None = None
        number: str | None = None
        if not raw.complete:
            reason = raw.problem or (
                "the document is cut short: the file ends, or another document starts, "
                "before its closing tag (truncated)" if raw.root else
                "not XML: no document element found")
        else:
            mark = rows.mark()
            try:
                root = parse_document(raw.data)
                doc = extract(root)
                number = doc.number
                key = (add_grant(rows, doc, source_file) if doc.kind == "grant" else
                       add_application(rows, doc))
                if key in loaded:
                    number, reason = key, repeated_document(key, loaded[key])
                else:
                    loaded[key] = Loaded(key, raw.line, raw.offset)
            except etree.XMLSyntaxError as exc:
                reason = f"not well-formed XML: {exc}"
            except ValueError as exc:
                reason = str(exc)
            except Exception as exc:  # one odd document must not stop the file
                reason = (f"could not be extracted ({type(exc).__name__}: {exc}); please "
                          "report this document")
            if reason is not None:
                rows.rollback(mark)
        if reason is not None:
            number = number or _guess_number(raw.data)
            quarantined.append(QuarantinedRow(raw.line, reason, raw.data[:2000].decode(
                "utf-8", "replace"), record=number, byte_offset=raw.offset))
    return rows.tables(), quarantined, len(docs), list(loaded.values())


def repeated_document(key: str, first: Loaded) -> str:
    """Why a document is quarantined when its number was loaded from this file before.

    A file's first document for a number is the one loaded, whole (its claims,
    citations and parties with it): mixing two documents' rows is never right, and which
    of two differing versions is the correct one is not for the loader to guess."""
    where = f"line {first.line}" if first.line is not None else f"byte {first.offset}"
    return (f"repeated document: {key} was loaded from the document at {where} of this "
            "file; this later one is set aside (remove one of the two and load again to "
            "keep the other)")


def drop_documents(tables: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """The batch's rows without those of the given documents (every table of a grant has
    ``patent_id``, of a publication ``publication_number``)."""
    out = {}
    for name, table in tables.items():
        column = "patent_id" if "patent_id" in table.column_names else "publication_number"
        drop = pa_compute.is_in(table.column(column),
                                value_set=pa.array(sorted(keys), pa.string()))
        out[name] = table.filter(pa_compute.invert(pa_compute.fill_null(drop, False)))
    return out


_GUESS = re.compile(rb"<(?:doc-number|B110>\s*<DNUM>\s*<PDAT)>\s*([A-Z]*\d+)")


def _guess_number(data: bytes) -> str | None:
    m = _GUESS.search(data[:20000])
    return m.group(1).decode("ascii", "replace") if m else None


def read_xml(stream: ByteStream, source_name: str, source_file: str, workers: int = 0,
             batch_bytes: int = 8 << 20) -> Iterator[Chunk]:
    """Chunks of store rows from a USPTO XML file; documents are parsed by ``workers``
    processes (0: one per core; 1: in this process), results kept in file order.

    Batches of about ``batch_bytes`` of documents go to the workers; a file of one batch
    is parsed in this process. Worker processes are started with ``spawn``, so a script
    that loads with several workers needs the ``if __name__ == "__main__":`` guard.
    """
    import os
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    workers = workers or (os.cpu_count() or 1)
    docs = split_documents(stream)

    def batches() -> Iterator[tuple[list[RawDocument], int]]:
        """Batches of documents with their size in bytes."""
        batch: list[RawDocument] = []
        size = 0
        for raw in docs:
            batch.append(raw)
            size += len(raw.data)
            if size >= batch_bytes:
                yield batch, size
                batch, size = [], 0
        if batch:
            yield batch, size

    seen = False
    done = 0
    good = 0
    not_patent: list[str] = []

    first: dict[str, Loaded] = {}

    def chunk_of(result: tuple[dict[str, Any], list[QuarantinedRow], int, list[Loaded]],
                 done: int) -> Chunk:
        """A batch's chunk, less the documents an earlier batch already loaded."""
        tables, quarantined, read, loaded = result
        again = {d.key for d in loaded if d.key in first}
        if again:
            tables = drop_documents(tables, again)
            quarantined = quarantined + [
                QuarantinedRow(d.line, repeated_document(d.key, first[d.key]),
                               f"<the document at byte {d.offset} of the file>",
                               record=d.key, byte_offset=d.offset)
                for d in loaded if d.key in again]
        first.update((d.key, d) for d in loaded if d.key not in first)
        return check(Chunk(tables, quarantined, read, done))

    def check(chunk: Chunk) -> Chunk:
        nonlocal good
        good += chunk.rows_read - len(chunk.quarantined)
        not_patent.extend(q.reason for q in chunk.quarantined
                          if q.reason.startswith(("not XML", "not a document", "<")))
        return chunk

    queue = batches()
    head = list(itertools.islice(queue, 2))
    queue = itertools.chain(head, queue)
    if workers <= 1 or len(head) < 2:  # one batch: not worth starting processes
        for batch, size in queue:
            seen = True
            done += size
            yield chunk_of(parse_batch(batch, source_name, source_file), done)
    else:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        pending: list[tuple[Future[Any], int]] = []
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                     initializer=watch_parent,
                                     initargs=(os.getpid(),)) as pool:
                for batch, size in queue:
                    seen = True
                    pending.append((pool.submit(parse_batch, batch, source_name,
                                                source_file), size))
                    while len(pending) >= 2 * workers:
                        future, size = pending.pop(0)
                        done += size
                        yield chunk_of(future.result(), done)
                for future, size in pending:
                    done += size
                    yield chunk_of(future.result(), done)
        except BrokenProcessPool as exc:
            raise SetupError(
                f"a parsing worker process stopped while reading {source_name}. Worker "
                "processes re-import the calling script: guard its entry point with `if "
                "__name__ == '__main__':`, or load with workers=1 (CLI: --workers 1)"
            ) from exc
    if not seen:
        raise BadInputFile(f"{source_name} is empty: it holds no XML document")
    if good == 0 and not_patent:
        raise BadInputFile(f"{source_name} is not USPTO patent XML ({not_patent[0]}); give "
                           "weekly grant (ipg) or application (ipa) files")
