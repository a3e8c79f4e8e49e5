"""CSV files a user opens in a spreadsheet: every cell that a spreadsheet would run as a
formula is written as text.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (CSV injection, OWASP): a company name or a title such
as ``=HYPERLINK(...)`` from a hostile record would run when the file is opened. Such text
cells get a leading apostrophe, which spreadsheets show as text and do not display
(OWASP's recommendation); numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs as a formula (module docstring).

    >>> [spreadsheet_safe(v) for v in ["=1+1", "-x", "ACME", -2.5, None]]
    ["'=1+1", "'-x", 'ACME', -2.5, '']
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_rows(fh: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A header and rows, every cell through ``spreadsheet_safe``."""
    writer = csv.writer(fh)
    writer.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
