"""Errors raised by warchest.

Every error a user can cause is a :class:`WarchestError`; the CLI prints its message as one
line and exits with code 1. The message names the bad value and says what to do next.
"""

from __future__ import annotations


class WarchestError(Exception):
    """Base class for errors caused by input, options or data (not by bugs)."""


class InvalidPatentNumber(WarchestError, ValueError):
    """A text could not be read as a US patent number."""


class UnknownTable(WarchestError):
    """A bulk file's name does not match any table the loader knows."""


class MissingColumns(WarchestError):
    """A bulk file lacks a column the loader needs."""


class BadInputFile(WarchestError):
    """A file is unreadable: empty, truncated, not the expected format."""


class StoreVersionError(WarchestError):
    """The store was written by a newer warchest, or is not a warchest store."""


class NotFound(WarchestError):
    """Something the user named (patent, company, file) does not exist."""


class FetchError(WarchestError):
    """A download failed or did not verify."""


class ReadOnlyQuery(WarchestError):
    """A statement given to the read-only SQL command would change the store."""


class OutOfMemory(WarchestError):
    """The engine ran out of memory (within its limit, or of the machine's)."""


class CannotWrite(WarchestError):
    """The store, its write-ahead log or a temporary file could not be written (disk full,
    a file-size or quota limit)."""
