"""A read copy of a store for serving: every patent's card (:func:`describe_patent`, as
JSON) and every company's ownership periods (:data:`warchest.value.holdings.PERIODS_SQL`),
keyed for lookups that cost microseconds, so that a server answers patent and portfolio
reads at hundreds per second while a deal runs beside it.

A copy answers exactly what the store answers (the tests compare every patent and every
company of a world); it records which state of the store it was built from
(:func:`store_fingerprint`: the load log, which every load and every derivation extends)
and is used only while the store is still in that state. What the copy cannot answer (an
unknown name, a patent it lacks) goes to the store, which says what is wrong."""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import sqlite3
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

import pyarrow as pa

from warchest.errors import StoreUnavailable, WarchestError
from warchest.numbers import normalize_patent_number
from warchest.owners.names import normalise_name
from warchest.patents import PatentRecord, describe_patent, describe_patents
from warchest.results import Result, _json_default
from warchest.store import Engine, Store
from warchest.store.readcopy import ReadCopyFile, ReadCopyWriter
from warchest.value.compute import values_computed
from warchest.value.holdings import PERIODS_SQL, sort_periods, value_periods
from warchest.value.views import PortfolioPage, portfolio_page
from warchest.version import __version__

log = logging.getLogger("warchest.readcopy")

VERSION = "4"
"""The layout of a read copy; a copy of another layout is built again."""
PATENT_BATCH = 20_000
"""Patents described per pass over the tables while a copy is built."""
CACHED_ROWS = 2_000_000
"""Ownership periods a server keeps decoded in memory (the most recently read
companies')."""

QUICK_ROWS = 5_000
"""A company with at most this many ownership periods is valued in about a millisecond:
a server answers it without handing it to a thread."""

Progress = Callable[[str, int, int], None]
_T = TypeVar("_T")


@dataclass(frozen=True)
class ReadCopyReport(Result):
    """A read copy built: where, of which store state, how many patent cards and
    companies, its size and how long it took."""

    path: Path
    fingerprint: str
    patents: int
    companies: int
    bytes: int
    seconds: float


def read_copy_path(db: Path) -> Path:
    """Where a store's read copy lives: beside it, ``<store>.read``."""
    return db.with_name(db.name + ".read")


def store_fingerprint(store: Engine) -> str:
    """The state of a store and of the code reading it: the copy's layout, warchest's
    version, and the load log's size, last load and when that finished. Every load and
    every derivation step writes a new entry, so a copy built at another fingerprint is
    out of date (as is one built by another version, whose cards may differ)."""
    row = store.rows("SELECT count(*) AS n, max(load_id) AS last, "
                     "CAST(max(finished) AS VARCHAR) AS finished FROM load_log")[0]
    return f"{VERSION}:{__version__}:{row['n']}:{row['last']}:{row['finished']}"


def card_json(record: PatentRecord) -> str:
    """``record.to_json(indent=None)``, written straight from its rows (the same text;
    a value JSON cannot hold, such as infinity, goes the long way)."""
    try:
        return json.dumps({f.name: getattr(record, f.name) for f in fields(record)},
                          default=_json_default, allow_nan=False)
    except ValueError:
        return record.to_json(indent=None)


def build_read_copy(store: Engine, path: Path, progress: Progress | None = None,
                    workers: int | None = None) -> ReadCopyReport:
    """Build the read copy of ``store`` at ``path`` (replacing any): the cards of every
    patent, the ownership periods of every company, and the names that find them. The
    cards are written by ``workers`` processes (default: one per core) when the store is
    a file opened read-only, which they can open beside it; else in this process."""
    started = time.perf_counter()
    fingerprint = store_fingerprint(store)
    report = progress or (lambda stage, done, total: None)
    writer = ReadCopyWriter(path)
    try:
        ids = store.query("SELECT patent_id FROM patents ORDER BY patent_id")["patent_id"]
        ids = ids.to_pylist()
        ranges = [(ids[at], ids[min(at + PATENT_BATCH, len(ids)) - 1])
                  for at in range(0, len(ids), PATENT_BATCH)]
        done = 0
        for cards in _card_batches(store, ranges, workers):
            writer.put("cards", cards)
            done += len(cards)
            report("patent cards", done, len(ids))
        valued = values_computed(store)
        companies = _put_holdings(store, writer, report) if valued else 0
        writer.put("entities", ((r["entity_id"], r["name"], r["ultimate_entity_id"])
                                for r in store.rows("SELECT entity_id, name, "
                                                    "ultimate_entity_id FROM owner_entities")))
        writer.put("names", ((r["raw_name"], r["name_key"], r["entity_id"], r["mentions"])
                             for r in store.rows("SELECT raw_name, name_key, entity_id, "
                                                 "mentions FROM owner_names")))
        if store_fingerprint(store) != fingerprint:
            raise StoreUnavailable(f"the store changed while its read copy {path} was built; "
                                "serve again to build it from the store as it is now")
        writer.finish({"version": VERSION, "fingerprint": fingerprint,
                       "values_computed": "1" if valued else "0",
                       "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    except BaseException:
        writer.abandon()
        raise
    return ReadCopyReport(path, fingerprint, len(ids), companies, path.stat().st_size,
                          round(time.perf_counter() - started, 1))


def cards_between(db: str, first: str, last: str) -> list[tuple[str, bytes]]:
    """The compressed cards of the patents ``first`` to ``last`` of the store file ``db``
    (in a worker process, on a read-only connection of its own)."""
    with Store(db, read_only=True) as store:
        return _cards(store, first, last)


def _cards(store: Engine, first: str, last: str) -> list[tuple[str, bytes]]:
    return [(r.patent_id, zlib.compress(card_json(r).encode(), 1))
            for r in describe_patents(store, first, last)]


def _card_batches(store: Engine, ranges: list[tuple[str, str]], workers: int | None
                  ) -> Iterator[list[tuple[str, bytes]]]:
    """The cards of each range of patents, in order: from worker processes when the store
    is a file opened read-only and there is more than one range and one core."""
    count = workers or os.cpu_count() or 1
    shared = (isinstance(store, Store) and store.read_only and store.path != ":memory:")
    if not shared or count < 2 or len(ranges) < 2:
        for first, last in ranges:
            yield _cards(store, first, last)
        return
    context = multiprocessing.get_context("spawn")
    db = str(store.path)
    with ProcessPoolExecutor(min(count, len(ranges)), mp_context=context) as pool:
        yield from pool.map(cards_between, [db] * len(ranges), *zip(*ranges, strict=True))


def _put_holdings(store: Engine, writer: ReadCopyWriter, report: Progress) -> int:
    """Each company's ownership periods as one Arrow IPC blob; the number of companies."""
    table = store.query(f"SELECT * FROM ({PERIODS_SQL}) ORDER BY entity_id, patent_id, "
                        "start_date, owner_name")  # each company's in PERIODS_ORDER
    if table.num_rows == 0:
        return 0
    entity = table["entity_id"].to_pylist()
    starts = [0] + [k for k in range(1, len(entity)) if entity[k] != entity[k - 1]]
    bounds = list(zip(starts, [*starts[1:], len(entity)], strict=True))

    def blobs() -> Iterator[tuple[str, bytes, int]]:
        for k, (lo, hi) in enumerate(bounds):
            yield entity[lo], _ipc(table.slice(lo, hi - lo)), hi - lo
            if k % 5000 == 0:
                report("company portfolios", k, len(bounds))

    writer.put("holdings", blobs())
    report("company portfolios", len(bounds), len(bounds))
    return len(bounds)


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.ipc.new_stream(sink, table.schema, options=options) as out:
        out.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


class ReadCopy:
    """A finished read copy, read by any number of threads."""

    def __init__(self, path: Path) -> None:
        self.file = ReadCopyFile(path)
        self.path = path
        self.fingerprint = self.file.meta.get("fingerprint", "")
        self.valued = self.file.meta.get("values_computed") == "1"
        self._cache: OrderedDict[str, pa.Table] = OrderedDict()
        self._cached_rows = 0
        self._lock = threading.Lock()

    def card(self, patent_id: str) -> str | None:
        """The patent's card as JSON (:func:`describe_patent`'s), or None."""
        body = self.file.blob("cards", patent_id)
        return None if body is None else zlib.decompress(body).decode()

    def entity_of(self, text: str) -> str | None:
        """The company ``text`` names, as :func:`warchest.owners.lookup.entity_id_of`
        finds it (an id, a raw name or a name with its key), or None."""
        if self.file.rows("SELECT 1 FROM entities WHERE entity_id = ?", [text]):
            return text
        found = self.file.rows(
            "SELECT entity_id FROM names WHERE raw_name = ? OR name_key = ? GROUP BY "
            "entity_id ORDER BY sum(mentions) DESC, entity_id LIMIT 1",
            [text, normalise_name(text)])
        return str(found[0][0]) if found else None

    def members(self, eid: str, group: bool) -> dict[str, str]:
        """Entity id -> name of the company, or with ``group`` of its whole group."""
        if group:
            return dict(self.file.rows(
                "SELECT e.entity_id, e.name FROM entities e JOIN entities me "
                "ON e.ultimate_entity_id = me.ultimate_entity_id WHERE me.entity_id = ? "
                "ORDER BY e.entity_id", [eid]))
        return dict(self.file.rows("SELECT entity_id, name FROM entities WHERE entity_id = ?",
                                   [eid]))

    def periods(self, eid: str) -> pa.Table | None:
        """The company's ownership periods (kept decoded for the next read), or None."""
        with self._lock:
            table = self._cache.get(eid)
            if table is not None:
                self._cache.move_to_end(eid)
                return table
        body = self.file.blob("holdings", eid)
        if body is None:
            return None
        table = pa.ipc.open_stream(body).read_all()
        with self._lock:
            if eid in self._cache:  # another thread decoded it meanwhile
                self._cache.move_to_end(eid)
                return self._cache[eid]
            self._cache[eid] = table
            self._cached_rows += table.num_rows
            while self._cached_rows > CACHED_ROWS and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cached_rows -= old.num_rows
        return table

    def portfolio_page(self, text: str, as_of: dt.date | None, group: bool, offset: int,
                       limit: int, most_rows: int | None = None) -> PortfolioPage | None:
        """:func:`portfolio_page` from the copy, or None when the copy cannot say (the
        name is not one it knows, the store's values are not computed, the offset is
        negative) or, with ``most_rows``, when the company has more ownership periods
        than that."""
        if not self.valued or offset < 0:
            return None
        eid = self.entity_of(text)
        if eid is None:
            return None
        members = self.members(eid, group)
        if not members:
            return None
        if most_rows is not None and self.file.periods(members) > most_rows:
            return None
        as_of = as_of or dt.date.today()
        tables = [t for t in (self.periods(m) for m in members) if t is not None]
        if not tables:
            return _empty_page(eid, members, as_of, group, offset, limit)
        periods = sort_periods(pa.concat_tables(tables)) if len(tables) > 1 else tables[0]
        found = value_periods(periods, as_of, offset, limit)
        return PortfolioPage(eid, members.get(eid, eid), as_of, group, members, found.page,
                             found.by_via, found.summary, found.total, offset, limit)


def _empty_page(eid: str, members: dict[str, str], as_of: dt.date, group: bool, offset: int,
                limit: int) -> PortfolioPage:
    from warchest.value.views import summarise

    return PortfolioPage(eid, members.get(eid, eid), as_of, group, members, (), {},
                         summarise([]), 0, offset, limit)


DAMAGE = (sqlite3.DatabaseError, zlib.error, pa.ArrowException, UnicodeDecodeError, OSError)
"""What reading a damaged read copy raises (a truncated file, a broken blob)."""


class Reads:
    """Patent cards and portfolio pages for a server: from the read copy when there is
    one and it knows the answer, else from the store (``borrow`` lends a connection). A
    copy found damaged is logged and set aside: every later read goes to the store."""

    def __init__(self, borrow: Callable[[], AbstractContextManager[Engine]],
                 copy: ReadCopy | None = None) -> None:
        self.borrow = borrow
        self.copy = copy

    def _copied(self, read: Callable[[ReadCopy], _T]) -> _T | None:
        """``read(copy)``, or None when there is no copy or it is damaged."""
        copy = self.copy
        if copy is None:
            return None
        try:
            return read(copy)
        except DAMAGE as exc:
            log.error("the read copy %s is damaged (%s: %s); reads go to the store. Delete "
                      "it and start the server again to build it anew", copy.path,
                      type(exc).__name__, exc)
            self.copy = None
            return None

    def copied_patent_json(self, number: str) -> str | None:
        """The card of ``number`` from the read copy alone (None when it lacks it)."""
        key = normalize_patent_number(number)
        return self._copied(lambda copy: copy.card(key))

    def patent_json(self, number: str) -> str:
        """:func:`describe_patent` of ``number`` (any format) as JSON."""
        card = self.copied_patent_json(number)
        if card is not None:
            return card
        with self.borrow() as store:
            return card_json(describe_patent(store, number))

    def quick_portfolio_page(self, text: str, as_of: dt.date | None = None,
                             group: bool = False, offset: int = 0, limit: int = 100
                             ) -> PortfolioPage | None:
        """:meth:`portfolio_page` when the read copy answers it in about a millisecond (a
        company of at most :data:`QUICK_ROWS` ownership periods); else None."""
        return self._copied(lambda copy: copy.portfolio_page(text, as_of, group, offset,
                                                            limit, QUICK_ROWS))

    def portfolio_page(self, text: str, as_of: dt.date | None = None, group: bool = False,
                       offset: int = 0, limit: int = 100) -> PortfolioPage:
        """:func:`portfolio_page` of the company ``text``."""
        page = self._copied(lambda copy: copy.portfolio_page(text, as_of, group, offset,
                                                            limit))
        if page is not None:
            return page
        with self.borrow() as store:
            return portfolio_page(store, text, as_of, group, offset, limit)


def open_read_copy(store: Engine, path: Path, build: bool = True,
                   progress: Progress | None = None) -> ReadCopy | None:
    """The read copy at ``path`` when it was built from the store as it is now; else,
    with ``build``, a new one (None without)."""
    fingerprint = store_fingerprint(store)
    if path.is_file():
        try:
            copy = ReadCopy(path)
        except WarchestError:  # not a read copy: built again
            copy = None
        if copy is not None and copy.fingerprint == fingerprint:
            return copy
    if not build:
        return None
    build_read_copy(store, path, progress)
    return ReadCopy(path)
