"""A read copy's file: a SQLite database of keyed blobs (a patent's card, a company's
ownership periods) and small lookup tables, built once from a store and then only read,
by many threads at once. Row lookups by key cost tens of microseconds here, where a
column store pays milliseconds per statement; it is the engine for serving reads.

The file is written to a temporary name and renamed when complete, so a reader never sees
half a copy; it is opened read-only and immutable (no locks)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from warchest.errors import CannotWrite, SetupError

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE cards (patent_id TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE holdings (entity_id TEXT PRIMARY KEY, body BLOB NOT NULL, periods INTEGER);
CREATE TABLE entities (entity_id TEXT PRIMARY KEY, name TEXT, ultimate_entity_id TEXT)
    WITHOUT ROWID;
CREATE TABLE names (raw_name TEXT, name_key TEXT, entity_id TEXT, mentions INTEGER);
"""
INDEXES = """
CREATE INDEX names_raw ON names (raw_name);
CREATE INDEX names_key ON names (name_key);
CREATE INDEX entities_group ON entities (ultimate_entity_id);
"""


class ReadCopyWriter:
    """Writes a new read copy at ``path`` (through a temporary file of its own beside it;
    ``finish`` renames it, so two builders never write one file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        with self._writing():
            handle, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp",
                                            dir=path.parent)
            os.close(handle)
            self.tmp = Path(name)
            self.con = sqlite3.connect(self.tmp)
            self.con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                                   "PRAGMA page_size = 8192;" + SCHEMA)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A failed write (no permission, disk full) as a :class:`CannotWrite` naming the
        file."""
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            raise CannotWrite(f"cannot write the read copy {self.tmp}: {exc}; free disk "
                              "space or make the store's folder writable, or serve without "
                              "it (`warchest serve --no-read-copy`)") from None

    def put(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Append rows to ``table`` (one of the schema's)."""
        width = {"meta": 2, "cards": 2, "holdings": 3, "entities": 3, "names": 4}[table]
        marks = ", ".join("?" for _ in range(width))
        with self._writing():
            self.con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def finish(self, meta: dict[str, str]) -> None:
        """Write ``meta``, index, flush to disk, and put the file in place of any older
        copy (after a crash there is the old copy or the new one, never half of one)."""
        self.put("meta", sorted(meta.items()))
        with self._writing():
            self.con.executescript(INDEXES)
            self.con.commit()
            self.con.execute("ANALYZE")
            self.con.close()
            with self.tmp.open("rb") as done:
                os.fsync(done.fileno())
            os.replace(self.tmp, self.path)

    def abandon(self) -> None:
        """Close and delete the unfinished file."""
        with suppress(sqlite3.Error, OSError):
            self.con.close()
            self.tmp.unlink(missing_ok=True)


class ReadCopyFile:
    """A finished read copy, opened read-only; one connection per thread."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise SetupError(f"{path}: no read copy there; build one with "
                             "`warchest serve --read-copy` (it builds when missing)")
        self.path = path
        self._local = threading.local()
        try:
            self.meta = dict(self._con().execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise SetupError(f"{path}: not a read copy ({exc}); delete it and run "
                             "`warchest serve --read-copy` to build it again") from None

    def _con(self) -> sqlite3.Connection:
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                                  uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def periods(self, keys: Iterable[str]) -> int:
        """How many ownership periods the companies ``keys`` hold, together."""
        keys = list(keys)
        marks = ", ".join("?" for _ in keys)
        row = self._con().execute(f"SELECT coalesce(sum(periods), 0) FROM holdings WHERE "
                                  f"entity_id IN ({marks})", keys).fetchone()
        return int(row[0])

    def blob(self, table: str, key: str) -> bytes | None:
        """The body under ``key`` in ``cards`` or ``holdings``, or None."""
        column = {"cards": "patent_id", "holdings": "entity_id"}[table]
        row = self._con().execute(f"SELECT body FROM {table} WHERE {column} = ?",
                                  [key]).fetchone()
        return None if row is None else bytes(row[0])

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query on the lookup tables."""
        return self._con().execute(sql, list(params)).fetchall()
