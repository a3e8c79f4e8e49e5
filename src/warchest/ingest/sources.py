"""Input files: plain, gzip or zip members, found in files and folders, read as streams.

A :class:`Source` is one readable table: a plain file, a ``.gz`` file or one member of a
``.zip`` archive (read straight from the archive, never extracted to disk). Reading is
streaming; the SHA-256 of the file on disk is computed as it is read (for zip archives, in
one pass over the archive).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from warchest.errors import BadInputFile

PROVENANCE_FILE = "PROVENANCE.json"


@dataclass(frozen=True)
class Source:
    """One table to read: a file, or one member of a zip archive."""

    path: Path
    member: str | None = None
    label: str | None = None
    """Provenance label (e.g. 'partly synthetic') from a PROVENANCE.json beside the file."""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        """The table file's own name (the zip member's name for archives)."""
        return Path(self.member).name if self.member else self.path.name

    @property
    def display(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def stem(self) -> str:
        """The name without compression and table extensions: ``g_patent.tsv.zip`` ->
        ``g_patent``."""
        name = self.name.lower()
        for ext in (".zip", ".gz", ".tsv", ".csv", ".txt", ".jsonl", ".json"):
            if name.endswith(ext):
                name = name[: -len(ext)]
        for ext in (".tsv", ".csv", ".txt", ".jsonl"):
            if name.endswith(ext):
                name = name[: -len(ext)]
        return name

    def size(self) -> int:
        """Bytes the reader will deliver (uncompressed size where known)."""
        if self.member is not None:
            with _open_zip(self.path) as archive:
                return archive.getinfo(self.member).file_size
        return self.path.stat().st_size

    def open(self) -> HashingStream:
        """Open for streaming binary reads (decompressing as needed)."""
        return HashingStream.open(self)


class ByteStream(Protocol):
    """Anything with ``read(size) -> bytes``: an open binary file, a gzip or zip member, a
    BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


MAX_RECORD = 256 << 20
"""The longest record (a line, a delimited record, an XML document) a reader holds in
memory: far above any real one (the largest grant documents are tens of MB). A file with a
longer one is refused with a message that says so, rather than filling memory."""


def record_too_long(what: str, line: int | None = None) -> BadInputFile:
    """The error for a record past :data:`MAX_RECORD`."""
    where = f" at line {line}" if line is not None else ""
    return BadInputFile(
        f"{what}{where} is longer than {MAX_RECORD >> 20} MB, the limit for one record: the "
        "file is damaged (a missing line end or closing tag) or not the format this loader "
        "reads; nothing of it was loaded")


BOMB_RATIO = 200
"""Decompressed bytes per compressed byte above which an archive is refused as a
decompression bomb (real bulk files: about 5-15), once past ``BOMB_FLOOR``."""
BOMB_FLOOR = 256 << 20


class HashingStream(io.RawIOBase):
    """A binary stream over a source that hashes the bytes of the file on disk as it goes,
    and refuses a decompression bomb (``BOMB_RATIO``) before it fills memory or disk."""

    def __init__(self, inner: IO[bytes], raw: IO[bytes] | None, sha: hashlib._Hash | None,
                 source: Source) -> None:
        super().__init__()
        self._inner = inner
        self._raw = raw
        self._sha = sha
        self.source = source
        self.bytes_read = 0
        self.sha256: str | None = None
        self._digest: Future[str] | None = None
        self._tap: _HashTap | None = None
        self.packed: Callable[[], int] | None = None
        """Compressed bytes read so far (None for a plain file)."""

    @classmethod
    def open(cls, source: Source) -> HashingStream:
        path = source.path
        try:
            if source.member is not None:
                archive = _open_zip(path)
                try:
                    inner = archive.open(source.member)
                except KeyError:
                    raise BadInputFile(f"{path} has no member {source.member!r}") from None
                stream = cls(inner, None, None, source)
                size = archive.getinfo(source.member).compress_size  # known up front
                stream.packed = lambda: size
                # the archive is hashed whole, beside the parse (the digest is needed when
                # the load ends); hashlib and file reads let go of the GIL
                stream._digest = background_sha256(path)
                stream._archive = archive  # type: ignore[attr-defined]
                return stream
            raw = open(path, "rb")  # noqa: SIM115 - closed by close()
        except FileNotFoundError:
            raise BadInputFile(f"{path} does not exist") from None
        except IsADirectoryError:
            raise BadInputFile(f"{path} is a folder, not a file") from None
        sha = hashlib.sha256()
        hashing = _HashTap(raw, sha)
        if path.name.lower().endswith(".gz"):
            unzipped: IO[bytes] = gzip.GzipFile(fileobj=hashing, mode="rb")  # type: ignore[assignment]
            stream = cls(unzipped, raw, sha, source)
            stream.packed = raw.tell
        else:
            stream = cls(hashing, raw, sha, source)  # type: ignore[arg-type]
        stream._tap = hashing
        return stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._inner.read(size)
        except (EOFError, zlib.error, zipfile.BadZipFile, gzip.BadGzipFile, OSError) as exc:
            raise BadInputFile(
                f"{self.source.display} is truncated or damaged ({exc}); nothing of it was "
                "loaded: download it again (`warchest fetch` resumes and verifies the files "
                "it knows)"
            ) from None
        self.bytes_read += len(data)
        if self.bytes_read > BOMB_FLOOR and self.packed is not None:
            self._check_ratio(self.packed())
        return data

    def _check_ratio(self, packed: int) -> None:
        if self.bytes_read > BOMB_RATIO * max(packed, 1):
            raise BadInputFile(
                f"{self.source.display} decompresses to more than {BOMB_RATIO} times its "
                f"size ({self.bytes_read >> 20:,} MB from {max(packed, 1) >> 10:,} KB read so "
                "far): refused as a decompression bomb; if you trust it, decompress it "
                "yourself and load the plain file")

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def finish(self) -> str | None:
        """Drain nothing; return the SHA-256 of the file (complete once fully read)."""
        if self._digest is not None:
            try:
                self.sha256 = self._digest.result()
            except OSError as exc:
                raise BadInputFile(f"{self.source.path} could not be read to hash it "
                                   f"({exc}); nothing of it was loaded") from None
        if self._sha is not None:
            if self._tap is not None:
                self._tap.drain()
            if self._raw is not None:
                # hash whatever the decompressor left unread (gzip trailer, padding)
                rest = self._raw.read()
                self._sha.update(rest)
            self.sha256 = self._sha.hexdigest()
        return self.sha256

    def close(self) -> None:
        try:
            self._inner.close()
            if self._raw is not None:
                self._raw.close()
            archive = getattr(self, "_archive", None)
            if archive is not None:
                archive.close()
        finally:
            super().close()


READ_AHEAD = 64 << 20
"""Bytes of a plain file the kernel is asked to read ahead of the parse
(``posix_fadvise(WILLNEED)``, where the system has it), so that a file read from disk
(a cold page cache) arrives while the parse works on the blocks before it."""


class _HashTap(io.RawIOBase):
    """Reads ``raw`` and hands each block to the hashing thread, in order (one worker), so
    the parse does not wait for the hash; asks the kernel to read ``READ_AHEAD`` bytes
    ahead of the reads."""

    def __init__(self, raw: IO[bytes], sha: hashlib._Hash) -> None:
        super().__init__()
        self._raw = raw
        self._sha = sha
        self._last: Future[None] | None = None
        self._ahead = 0 if hasattr(os, "posix_fadvise") else -1

    def readable(self) -> bool:
        return True

    def _read_ahead(self) -> None:
        if self._ahead < 0 or self._raw.tell() + READ_AHEAD // 2 < self._ahead:
            return
        try:
            os.posix_fadvise(self._raw.fileno(), self._ahead, READ_AHEAD,
                             os.POSIX_FADV_WILLNEED)
            self._ahead += READ_AHEAD
        except (OSError, ValueError, io.UnsupportedOperation):  # not a plain file: no hint
            self._ahead = -1

    def read(self, size: int = -1) -> bytes:
        self._read_ahead()
        data = self._raw.read(size)
        if data:
            self._last = _HASHER.submit(self._sha.update, data)
        return data

    def drain(self) -> None:
        """Wait until every block read so far is hashed."""
        if self._last is not None:
            self._last.result()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BadInputFile(f"{path} does not exist") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInputFile(
            f"{path} is not a readable zip archive ({exc}); the download is probably "
            "truncated: fetch it again"
        ) from None


_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warchest-sha256")
_DIGESTS: dict[tuple[str, int, int], Future[str]] = {}
_DIGESTS_LOCK = threading.Lock()


def _fresh_hasher() -> None:
    """A forked child has no hashing thread (only its parent's record of one): give it its
    own, or what it hands over would never be hashed."""
    global _HASHER, _DIGESTS_LOCK
    _HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warchest-sha256")
    _DIGESTS_LOCK = threading.Lock()
    _DIGESTS.clear()


os.register_at_fork(after_in_child=_fresh_hasher)


def background_sha256(path: Path) -> Future[str]:
    """The SHA-256 of a file, computed on a thread of its own; an archive whose members
    load one after another is hashed once (keyed by path, size and modification time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _DIGESTS_LOCK:
        digest = _DIGESTS.get(key)
        if digest is None or (digest.done() and digest.exception() is not None):
            if len(_DIGESTS) >= 256:
                _DIGESTS.clear()
            digest = _DIGESTS[key] = _HASHER.submit(file_sha256, path)
        return digest


def file_sha256(path: Path, chunk: int = 8 << 20) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            sha.update(block)
    return sha.hexdigest()


def _provenance_label(folder: Path) -> str | None:
    meta = folder / PROVENANCE_FILE
    if not meta.exists():
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BadInputFile(f"{meta} is not valid JSON: {exc}") from None
    label = data.get("label")
    return str(label) if label else None


def find_sources(
    paths: Iterable[str | Path],
    suffixes: tuple[str, ...],
    label: str | None = None,
) -> list[Source]:
    """Expand files and folders into the readable tables they hold.

    ``suffixes`` are the table file endings to accept (e.g. ``('.tsv', '.csv')``); the same
    endings followed by ``.gz`` are accepted, and ``.zip`` archives are opened to list their
    members with those endings. Folders are searched recursively, in name order.
    """
    out: list[Source] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise BadInputFile(f"{path} does not exist; give a file or a folder")
        # in a folder, the PROVENANCE.json that labels its files is not one of them
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and p.name != PROVENANCE_FILE) if path.is_dir() else [path]
        before = len(out)
        for f in files:
            file_label = label or _provenance_label(f.parent)
            lower = f.name.lower()
            if lower.endswith(".zip"):
                with _open_zip(f) as archive:
                    for info in archive.infolist():
                        if info.is_dir():
                            continue
                        if info.filename.lower().endswith(suffixes):
                            out.append(Source(f, info.filename, file_label))
            elif lower.endswith(suffixes) or lower.endswith(tuple(s + ".gz" for s in suffixes)):
                out.append(Source(f, None, file_label))
        if len(out) == before:
            kinds = ", ".join(suffixes)
            raise BadInputFile(
                f"{path} holds no table files this loader reads ({kinds}, also .gz or in .zip)"
            )
    return out


def iter_line_blocks(stream: IO[bytes], chunk: int = 4 << 20) -> Iterator[list[bytes]]:
    """The lines of a binary stream (without line ends or a leading UTF-8 byte-order mark),
    a block of about ``chunk`` bytes at a time, streaming: for parsers that work on many
    lines at once (Arrow compute)."""
    pending = b""
    first = True
    while True:
        block = stream.read(chunk)
        if not block:
            break
        block = pending + block
        if first and len(block) >= 3:
            block, first = block.removeprefix(b"\xef\xbb\xbf"), False
        lines = block.split(b"\n")
        pending = lines.pop()
        if len(block) > MAX_RECORD and max(len(pending), *map(len, lines)) > MAX_RECORD:
            raise record_too_long("a line")
        if lines:
            yield [line.rstrip(b"\r") for line in lines]
    if pending:
        yield [pending.rstrip(b"\r")]


def iter_lines(stream: IO[bytes], chunk: int = 4 << 20) -> Iterator[bytes]:
    """Yield the lines of a binary stream (without line ends or a leading UTF-8 byte-order
    mark), streaming."""
    for lines in iter_line_blocks(stream, chunk):
        yield from lines
