"""Typed conversion of raw text columns, vectorised over Arrow arrays.

Each converter takes an Arrow string array (empty values already NULL) and returns the
converted array plus a boolean mask of the values it could not read (NULL where fine). The
rules, one place for every loader:

- ``int``: optional sign and digits; ``20.0`` (an integer written by a float writer) is 20.
- ``double``: a decimal number.
- ``date``: ``YYYY-MM-DD``, ``YYYYMMDD``, an ISO timestamp, or the US ``MM-DD-YYYY``
  and ``M/D/YYYY`` (the PTAB and litigation data); a day or month of ``00``
  (USPTO month-precision dates such as ``19920300``) reads as the 1st; year ``0000``
  (the USPTO's "no date" marker, e.g. ``0000-01-01``) reads as NULL.
- ``bool``: 1/0, true/false, t/f, y/n, yes/no (any case).
- ``patent``: a US patent number, normalised by :mod:`warchest.numbers`.
- ``application``: an application number, normalised to 8 digits.
- ``html``: text with HTML entities decoded and tags removed (PatentsView and the USPTO
  search records carry ``&#8220;`` entities and ``<span>`` highlights).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warchest.numbers import normalize_application_number, normalize_patent_numbers

Converted = tuple[pa.Array, pa.Array | None]



def _bad_where(original: pa.Array, converted: pa.Array) -> pa.Array | None:
    """Values that were present but did not convert."""
    bad = pc.and_(pc.is_valid(original), pc.is_null(converted))
    return bad if pc.any(bad).as_py() else None


def _combine(values: pa.Array) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values


def to_text(values: pa.Array) -> Converted:
    return _combine(values), None


_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def clean_markup(text: str) -> str:
    """Decode HTML entities and drop tags: ``'<span>Tennis</span> &#8216;A&#8217;'`` ->
    ``'Tennis ‘A’'``."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return _SPACES.sub(" ", text).strip()


def _bytes_hold(values: pa.Array, chars: bytes) -> bool:
    """Whether the text of an array's values (its data buffer) holds any of ``chars``
    (ASCII): one vectorised scan of the bytes instead of one test per value."""
    data = values.buffers()[2]
    if data is None or data.size == 0:
        return False
    view = np.frombuffer(data, np.uint8)
    return any(bool((view == c).any()) for c in chars)


def to_html_text(values: pa.Array) -> Converted:
    values = _combine(values)
    if not _bytes_hold(values, b"&<"):  # (nearly every file: no entity, no tag)
        return values, None
    marked = pc.fill_null(
        pc.or_(pc.match_substring(values, "&"), pc.match_substring(values, "<")), False
    )
    if not pc.any(marked).as_py():
        return values, None
    # Python for the marked rows only: the others stay in Arrow
    cleaned = pa.array([clean_markup(v) for v in pc.filter(values, marked).to_pylist()],
                       pa.string())
    return pc.replace_with_mask(values, marked, cleaned), None


_INT = r"^\s*[+-]?[0-9]+(\.0+)?\s*$"


def to_int(values: pa.Array, arrow_type: pa.DataType | None = None) -> Converted:
    arrow_type = arrow_type or pa.int32()
    values = _combine(values)
    try:  # fast path: every value is a plain integer
        return pc.cast(values, arrow_type), None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    ok = pc.match_substring_regex(values, _INT)
    cleaned = pc.replace_substring_regex(pc.utf8_trim_whitespace(values), r"\.0+$", "")
    cleaned = pc.if_else(ok, cleaned, pa.scalar(None, pa.string()))
    try:
        converted = pc.cast(cleaned, arrow_type)
    except pa.ArrowInvalid:  # out of range for the type
        ints = []
        lo, hi = (-(2**31), 2**31 - 1) if arrow_type == pa.int32() else (-(2**63), 2**63 - 1)
        for v in cleaned.to_pylist():
            ints.append(int(v) if v is not None and lo <= int(v) <= hi else None)
        converted = pa.array(ints, arrow_type)
    return converted, _bad_where(values, converted)


def to_bigint(values: pa.Array) -> Converted:
    return to_int(values, pa.int64())


_FLOAT = r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"


def to_double(values: pa.Array) -> Converted:
    values = _combine(values)
    ok = pc.match_substring_regex(values, _FLOAT)
    cleaned = pc.if_else(ok, pc.utf8_trim_whitespace(values), pa.scalar(None, pa.string()))
    converted = pc.cast(cleaned, pa.float64())
    return converted, _bad_where(values, converted)


_TRUE = {"1", "true", "t", "y", "yes"}
_FALSE = {"0", "false", "f", "n", "no"}


def to_bool(values: pa.Array) -> Converted:
    values = _combine(values)
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    is_true = pc.is_in(lowered, value_set=pa.array(sorted(_TRUE)))
    is_false = pc.is_in(lowered, value_set=pa.array(sorted(_FALSE)))
    converted = pc.if_else(
        is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_()))
    )
    converted = pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), converted)
    return converted, _bad_where(values, converted)


_DATE_SLOW = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$")
_DATE_US = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


def parse_date_text(text: str) -> dt.date | None:
    """Read one date by the rules in this module's docstring.

    Returns None for the USPTO "no date" marker (year 0000); raises ValueError when the text
    is not a date.

    >>> parse_date_text("19920300")
    datetime.date(1992, 3, 1)
    """
    m = _DATE_SLOW.match(text.strip())
    if m is None:
        us = _DATE_US.match(text.strip())
        if us is None:
            raise ValueError(text)
        return dt.date(int(us.group(3)), int(us.group(1)), int(us.group(2)))
    year, month, day = (int(g) for g in m.groups())
    if year == 0:
        return None
    return dt.date(year, month or 1, day or 1)


_FIRST_DAY = (dt.date(1, 1, 1) - dt.date(1970, 1, 1)).days
"""0001-01-01 as days since 1970: every earlier ISO date has the year 0000."""


def to_date(values: pa.Array) -> Converted:
    values = _combine(values)
    try:  # fast path: every value is an ISO date (YYYY-MM-DD) of a year after 0000
        fast = pc.cast(values, pa.date32())
        earliest = pc.min(fast.view(pa.int32())).as_py()  # days since 1970-01-01
        if earliest is None or earliest >= _FIRST_DAY:
            return fast, None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    head = pc.utf8_slice_codeunits(values, 0, 10)
    parsed = pc.strptime(head, format="%Y-%m-%d", unit="s", error_is_null=True)
    # Arrow reads year 0000 as a date; it is the USPTO's "no date" marker
    no_date = pc.fill_null(pc.starts_with(head, "0000"), False)
    parsed = pc.if_else(no_date, pa.scalar(None, parsed.type), parsed)
    converted = pc.cast(parsed, pa.date32())
    failed = pc.and_(pc.and_(pc.is_valid(values), pc.is_null(converted)), pc.invert(no_date))
    if not pc.any(failed).as_py():
        return converted, None
    # slow path for the few non-ISO values: compact dates, 00 days, the 0000 marker
    out = converted.to_pylist()
    bad = [False] * len(values)
    for i, (raw, miss) in enumerate(zip(values.to_pylist(), failed.to_pylist(), strict=True)):
        if not miss:
            continue
        try:
            out[i] = parse_date_text(raw)
        except ValueError:
            bad[i] = True
    return pa.array(out, pa.date32()), pa.array(bad) if any(bad) else None


def to_patent(values: pa.Array) -> Converted:
    values = _combine(values)
    converted = normalize_patent_numbers(values)
    if converted is values:  # every value already canonical
        return converted, None
    return converted, _bad_where(values, converted)


def to_application(values: pa.Array) -> Converted:
    values = _combine(values)
    stripped = pc.replace_substring(values, "/", "")
    fast = pc.fill_null(
        pc.and_(pc.utf8_is_digit(stripped), pc.equal(pc.utf8_length(stripped), 8)), False
    )
    if pc.all(fast).as_py():
        converted = stripped
    else:
        # Python for the rows the fast path does not read, only them
        slow = pc.and_(pc.invert(fast), pc.is_valid(values))
        fixed = pa.array([normalize_application_number(v)
                          for v in pc.filter(values, slow).to_pylist()], pa.string())
        converted = pc.replace_with_mask(
            pc.if_else(fast, stripped, pa.nulls(len(values), pa.string())), slow, fixed)
    return converted, _bad_where(values, converted)


CONVERTERS: dict[str, Callable[[pa.Array], Converted]] = {
    "text": to_text,
    "html": to_html_text,
    "int": to_int,
    "bigint": to_bigint,
    "double": to_double,
    "bool": to_bool,
    "date": to_date,
    "patent": to_patent,
    "application": to_application,
}

STORE_KINDS = {
    "text": "text",
    "html": "text",
    "int": "int",
    "bigint": "bigint",
    "double": "double",
    "bool": "bool",
    "date": "date",
    "patent": "text",
    "application": "text",
}

DESCRIPTIONS = {
    "int": "not an integer",
    "bigint": "not an integer",
    "double": "not a number",
    "bool": "not a yes/no flag",
    "date": "not a date",
    "patent": "not a US patent number",
    "application": "not a US application number",
}
