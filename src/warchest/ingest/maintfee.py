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

Lines are split on white space, so padded columns read the same. A line without seven
fields, or with a date or number that does not read, is quarantined with its line number.
Each weekly file is cumulative: loading a newer one replaces the events of the patents it
lists (the table's key is the patent).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from warchest.ingest.delimited import Chunk, Field, TableSpec, chunks_from_records
from warchest.ingest.sources import iter_lines
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


def _iso(text: str) -> str:
    """``19850901`` -> ``1985-09-01`` (other text is left for the date check to refuse)."""
    if len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def _records(stream: IO[bytes]) -> Iterator[tuple[int, str, dict[str, str | None]]
                                            | QuarantinedRow]:
    for number, raw in enumerate(iter_lines(stream), start=1):
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError as exc:  # the file is ASCII: a bad byte is damage
            yield QuarantinedRow(number, f"not ASCII text (byte {raw[exc.start]:#04x} at "
                                 f"{exc.start})", raw.decode("ascii", "replace"))
            continue
        parts = text.split()
        if not parts:
            continue
        if len(parts) != len(_FIELDS):
            yield QuarantinedRow(number, f"expected 7 space-separated fields (patent, "
                                 f"application, entity, filing, grant and event dates, "
                                 f"code), found {len(parts)}", text)
            continue
        for k in _DATES:
            parts[k] = _iso(parts[k])
        yield number, text, dict(zip(_FIELDS, parts, strict=True))


def read_maintenance_events(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    return chunks_from_records(_records(stream), MAINTENANCE, batch_rows=200_000)
