"""Engine failures a user can act on, as clear errors: out of memory, a disk that is full.

Only ``store/`` imports the engine; everyone else asks :func:`engine_failure` whether an
exception is one of these and gets a :class:`~warchest.errors.WarchestError` that says what
happened and what to do, instead of the engine's traceback.
"""

from __future__ import annotations

import os
import re
import tempfile

import duckdb

from warchest.errors import CannotWrite, OutOfMemory, WarchestError

_PREFIX = re.compile(r"^(?:[A-Za-z ]*Error: |Failed to commit: |Failed to create checkpoint "
                     r"because of error: )*")
_WRITE = re.compile(r'^Could not write(?: all bytes to)? file "([^"]*)": ?(.*)$')
_NO_ROOM = ("no space left on device", "file too large", "disk quota exceeded")
"""The operating system's words for a full disk (ENOSPC), a file-size limit (EFBIG) and a
quota (EDQUOT): only these get the advice to free disk space."""


def engine_failure(exc: BaseException, store_path: str | None = None) -> WarchestError | None:
    """The clear error for an engine failure about memory or disk, or None for any other
    exception (a bug, or an error of the user's query, raised as it is). Decided by the
    exception's type and the start of its first line, never by words that a query or the
    data could echo."""
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc).strip()
    first = (text.splitlines()[0] if text else type(exc).__name__).rstrip(".")
    where = f" (the store: {store_path})" if store_path else ""
    if isinstance(exc, duckdb.OutOfMemoryException):
        if "max_temp_directory_size" in text:
            return CannotWrite(
                f"the temporary files reached their size limit{where}: {first}. Raise it "
                "(WARCHEST_TEMP_LIMIT=50GB) or give more memory (WARCHEST_MEMORY_LIMIT=8GB), "
                "and run the command again; what was committed before is kept")
        return OutOfMemory(
            f"out of memory{where}: {first}. Give the engine more memory "
            "(WARCHEST_MEMORY_LIMIT=8GB) or close other programs, and run the command again; "
            "what was committed before is kept")
    if not isinstance(exc, duckdb.IOException | duckdb.FatalException |
                      duckdb.TransactionException | duckdb.InvalidInputException):
        return None
    body = _PREFIX.sub("", first)
    m = _WRITE.match(body)
    if m:
        target, reason = m.group(1), (m.group(2) or first).strip()
        folder = os.path.dirname(os.path.abspath(target))
        if any(s in reason.lower() for s in _NO_ROOM):
            return CannotWrite(
                f"cannot write {target}: {reason}. Free disk space where the store and its "
                f"write-ahead log are ({folder}) and the temporary folder "
                f"({tempfile.gettempdir()}), and run the command again; what was committed "
                "before is kept, the work that failed was rolled back")
        return CannotWrite(
            f"cannot write {target}: {reason}. Check that {folder} is writable and the disk "
            "is sound, and run the command again; what was committed before is kept")
    if isinstance(exc, duckdb.FatalException) or body.startswith(
            ("database has been invalidated", "Failed to create checkpoint")):
        return CannotWrite(
            f"the store stopped accepting writes after an earlier failure{where}: {first}. "
            "Run the command again: committed work is kept (the write-ahead log is replayed "
            "when the store opens)")
    return None
