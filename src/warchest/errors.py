"""Errors raised by warchest.

Every error a user can cause is a :class:`WarchestError`; the CLI prints its message as one
line and exits with code 1. The message names the bad value and says what to do next.
"""

from __future__ import annotations


class WarchestError(Exception):
    """Base class for errors caused by input, options or data (not by bugs). Raise one of
    its subclasses, never the base class itself (tests/test_package.py checks)."""


# ------------------------------------------------------------------ what the user gave
class InputError(WarchestError, ValueError):
    """An option, argument or setting is not valid; the message names the value and what
    to give instead."""


class InvalidPatentNumber(InputError):
    """A text could not be read as a US patent number."""


class InfeasibleDeal(InputError):
    """The deal's constraints leave no package that satisfies them."""


class UnknownTable(WarchestError):
    """A bulk file's name does not match any table the loader knows."""


class MissingColumns(WarchestError):
    """A bulk file lacks a column the loader needs."""


class BadInputFile(WarchestError):
    """A file is unreadable: empty, truncated, not the expected format."""


class StoreVersionError(WarchestError):
    """The store was written by a newer warchest, or is not a warchest store."""


class NotFound(WarchestError):
    """Something the user named (patent, company, file, store) does not exist."""


class UnknownPatent(NotFound):
    """A patent number that is not in the store."""


class UnknownEntity(NotFound):
    """A company name or entity id matches nothing in the store."""


# ------------------------------------------------------------------ a step not yet run
class MissingStep(WarchestError):
    """Something was asked for before the step that derives it ran; the message, built
    here once per step, says which command to run."""

    def __init__(self, what: str, command: str) -> None:
        super().__init__(f"{what}: run `{command}` first")
        self.command = command


class NotComputed(MissingStep):
    """Values were asked for before ``warchest value --compute``."""

    def __init__(self) -> None:
        super().__init__("values are not computed yet", "warchest value --compute")


class NotResolved(MissingStep):
    """Owners were asked for before ``warchest owners resolve``."""

    def __init__(self) -> None:
        super().__init__("owners are not resolved in this store yet",
                         "warchest owners resolve")


# ------------------------------------------------------------------ the machine
class StoreUnavailable(WarchestError):
    """The store file cannot be opened (another process holds it, permissions)."""


class SetupError(WarchestError):
    """The environment lacks something: an optional dependency, a script guard for
    worker processes."""


class FetchError(WarchestError):
    """A download failed or did not verify."""


class ReadOnlyQuery(InputError):
    """A statement given to the read-only SQL command would change the store."""


class OutOfMemory(WarchestError):
    """The engine ran out of memory (within its limit, or of the machine's)."""


class CannotWrite(WarchestError):
    """The store, its write-ahead log or a temporary file could not be written (disk full,
    a file-size or quota limit)."""


class GroupsFileError(BadInputFile):
    """A corporate groups file cannot be read."""
