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

_WRITE = re.compile(r"(?:Could not write(?: to)? file|Failed to create checkpoint because of "
                    r"error: Could not write file|could not write)\s*\"?([^\":]*)\"?:?\s*(.*)",
                    re.IGNORECASE)
_NO_ROOM = ("no space left on device", "file too large", "disk quota exceeded",
            "max_temp_directory_size", "not enough space")


def engine_failure(exc: BaseException, store_path: str | None = None) -> WarchestError | None:
    """The clear error for an engine failure about memory or disk, or None for any other
    exception (a bug, to be raised as it is)."""
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc).strip()
    first = (text.splitlines()[0] if text else type(exc).__name__).rstrip(".")
    lower = text.lower()
    where = f" (the store: {store_path})" if store_path else ""
    if "max_temp_directory_size" in lower:
        return CannotWrite(
            f"the temporary files reached their size limit{where}: {first}. Raise it "
            "(WARCHEST_TEMP_LIMIT=50GB) or give more memory (WARCHEST_MEMORY_LIMIT=8GB), "
            "and run the command again; what was committed before is kept")
    if isinstance(exc, duckdb.OutOfMemoryException) or "out of memory" in lower:
        return OutOfMemory(
            f"out of memory{where}: {first}. Give the engine more memory "
            "(WARCHEST_MEMORY_LIMIT=8GB) or close other programs, and run the command again; "
            "what was committed before is kept")
    if any(s in lower for s in _NO_ROOM) or _WRITE.search(text):
        m = _WRITE.search(text)
        target = m.group(1) if m and m.group(1) else (store_path or "the store")
        reason = (m.group(2).strip() if m and m.group(2) else first) or first
        return CannotWrite(
            f"cannot write {target}: {reason}. Free disk space where the store and its "
            f"write-ahead log are ({os.path.dirname(os.path.abspath(target)) or '.'}) and "
            f"the temporary folder ({tempfile.gettempdir()}), and run the command again; "
            "what was committed before is kept, the work that failed was rolled back")
    if "database has been invalidated" in lower or "FATAL" in text:
        return CannotWrite(
            f"the store stopped accepting writes after an earlier failure{where}: {first}. "
            "Run the command again: committed work is kept (the write-ahead log is replayed "
            "when the store opens)")
    return None
