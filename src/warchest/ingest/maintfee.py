"""USPTO Patent Maintenance Fee Events (``MaintFeeEvents_yyyymmdd.txt``, weekly, cumulative).

Source: https://data.uspto.gov/bulkdata/datasets/ptmnfee2, documented in
``MaintFeeEventsFileDocumentation.doc``. One ASCII line per event, fields separated by
spaces, no header:

    patent number, application number (8 digits), small entity (N large, Y small, M micro),
    application filing date, grant date, event entry date (all YYYYMMDD), event code

e.g. ``4290224 07151446 N 19800418 19810901 19850901 EXP.``. Event codes used by
``warchest.value``: ``M1551``/``M1552``/``M1553`` (fee paid at 3.5/7.5/11.5 years, large
entity; ``M2...`` small, ``M3...`` micro, ``M17x``/``M18x`` older codes), ``EXP.`` (patent
expired for failure to pay a maintenance fee), ``EXPX`` (reinstated after payment
confirmed), ``PMFG`` (petition to accept late payment granted), ``REM.`` (reminder mailed).

Lines are split on white space, so padded columns read the same; a block of lines at a
time goes through Arrow compute (split, dates, then the shared conversion), not a Python
loop per line. A line without seven
fields, or with a date or number that does not read, is quarantined with its line number.
Each weekly file is cumulative: loading a newer one replaces the events of the patents it
lists (the table's key is the patent).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc

from warchest.ingest.delimited import Chunk, Field, TableSpec, convert_rows
from warchest.ingest.sources import iter_line_blocks
from warchest.store import QuarantinedRow

MAINTENANCE = TableSpec(
    "maintfeeevents",
    "maintenance_events",
    (
        Field("patent_id", kind="patent", not_null=True),
        Field("application_number", kind="application"),
        Field("entity_status"),
        Field("filing_date", kind="date"),
        Field("grant_date", kind="date"),
        Field("event_date", kind="date", not_null=True),
        Field("event_code", not_null=True),
    ),
    record_key=("patent_id",),
    doc="maintenance fee events",
)

_FIELDS = ("patent_id", "application_number", "entity_status", "filing_date", "grant_date",
           "event_date", "event_code")
_DATES = (3, 4, 5)


def _iso(dates: pa.Array) -> pa.Array:
    """``19850901`` -> ``1985-09-01``; other text is left for the date check to refuse."""
    eight_digits = pc.and_(pc.equal(pc.utf8_length(dates), 8), pc.utf8_is_digit(dates))
    dashed = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(dates, 0, 4), pc.utf8_slice_codeunits(dates, 4, 6),
        pc.utf8_slice_codeunits(dates, 6, 8), "-")
    return pc.if_else(eight_digits, dashed, dates)


def _block(lines: list[bytes], first: int, done: int) -> Chunk:
    """One block of lines (the first is line ``first``), parsed with Arrow compute: split on
    white space, seven fields, dates dashed, then the shared conversion and quarantine."""
    quarantined: list[QuarantinedRow] = []
    numbers = list(range(first, first + len(lines)))
    if not all(line.isascii() for line in lines):  # the file is ASCII: a bad byte is damage
        keep = []
        for number, raw in zip(numbers, lines, strict=True):
            try:
                raw.decode("ascii")
                keep.append((number, raw))
            except UnicodeDecodeError as exc:
                quarantined.append(QuarantinedRow(
                    number, f"not ASCII text (byte {raw[exc.start]:#04x} at {exc.start})",
                    raw.decode("ascii", "replace")))
        numbers, lines = [k[0] for k in keep], [k[1] for k in keep]
    text = pa.array(lines, pa.binary()).cast(pa.string())
    # trimmed first: split alone keeps an empty field for a leading or trailing space
    trimmed = pc.utf8_trim_whitespace(text)
    blank = pc.equal(pc.utf8_length(trimmed), 0)
    parts = pc.utf8_split_whitespace(trimmed)
    counts = pc.if_else(blank, 0, pc.list_value_length(parts))
    line_no = pa.array(numbers, pa.int64())
    wrong = pc.and_(pc.not_equal(counts, len(_FIELDS)), pc.invert(blank))
    for i in pc.indices_nonzero(wrong).to_pylist():
        quarantined.append(QuarantinedRow(
            numbers[i], f"expected 7 space-separated fields (patent, application, entity, "
            f"filing, grant and event dates, code), found {counts[i].as_py()}",
            text[i].as_py()))
    good = pc.equal(counts, len(_FIELDS))
    parts, text, line_no = parts.filter(good), text.filter(good), line_no.filter(good)
    raw = pa.table({name: _iso(pc.list_element(parts, k)) if k in _DATES
                    else pc.list_element(parts, k) for k, name in enumerate(_FIELDS)})
    converted, mask, reasons = convert_rows(MAINTENANCE, raw, list(_FIELDS))
    if mask is not None:
        for i, why in zip(pc.indices_nonzero(mask).to_pylist(), reasons, strict=True):
            quarantined.append(QuarantinedRow(line_no[i].as_py(), "; ".join(why),
                                              text[i].as_py()))
        converted = converted.filter(pc.invert(mask))
    quarantined.sort(key=lambda q: q.line or 0)
    rows_read = converted.num_rows + len(quarantined)
    return Chunk({MAINTENANCE.target: converted}, quarantined, rows_read, done)


def read_maintenance_events(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    """The events, a block of about 8 MB (150,000 lines) at a time."""
    number, done = 1, 0
    for lines in iter_line_blocks(stream, 8 << 20):
        done += sum(map(len, lines)) + len(lines)
        yield _block(lines, number, done)
        number += len(lines)
