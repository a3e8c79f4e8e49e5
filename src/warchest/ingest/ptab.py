"""PTAB proceedings and documents: the records of the USPTO PTAB API, one JSON object a line
(``warchest fetch ptab`` writes them so), a JSON array, or a saved API answer (the records
under a key ending in ``Bag``, or ``results``).

Elements are matched by name, never by position, in both shapes the API has had:

- the flat records of the PTAB API v2 (``proceedingNumber``, ``respondentPatentNumber``,
  ``petitionerPartyName``, ``proceedingFilingDate`` as ``MM-DD-YYYY``, ...), as in the
  shipped samples;
- the nested records of the Open Data Portal's trials API (``trialNumber``,
  ``patentOwnerData.patentNumber``, ``regularPetitionerData.realPartyInInterestName``,
  ``trialMetaData.petitionFilingDate`` as ``YYYY-MM-DD``, ...).

A record without a proceeding number, or with a date or patent number that does not read,
is quarantined with its line and the reason. A proceeding's outcome is classified from its
status and decision text (:func:`outcome_of`); the words the Board uses are listed there.
Party names get the name key of owner resolution, so a petitioner or patent owner finds
its company as any assignee name does."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from warchest.ingest.convert import parse_date_text
from warchest.ingest.delimited import Chunk
from warchest.ingest.litigation import party_key
from warchest.ingest.rows import Rows
from warchest.ingest.sources import iter_lines
from warchest.numbers import normalize_patent_number
from warchest.store import QuarantinedRow

BATCH = 5_000

NUMBER = ("proceedingNumber", "trialNumber", "appealNumber")
SUBTYPE = ("subproceedingTypeCategory", "trialTypeCode", "trialTypeCategory")
CATEGORY = ("proceedingTypeCategory", "trialCategory")
PATENT = ("respondentPatentNumber", "patentOwnerData.patentNumber", "appellantPatentNumber",
          "patentNumber")
APPLICATION = ("respondentApplicationNumberText", "patentOwnerData.applicationNumberText",
               "appellantApplicationNumberText", "applicationNumberText")
PETITIONER = ("petitionerPartyName", "regularPetitionerData.realPartyInInterestName",
              "petitionerRealPartyInInterestName", "realPartyInInterestName")
OWNER = ("respondentPatentOwnerName", "patentOwnerData.patentOwnerName", "respondentPartyName",
         "appellantPatentOwnerName", "appellantPartyName", "patentOwnerName")
FILING = ("proceedingFilingDate", "accordedFilingDate", "trialMetaData.petitionFilingDate",
          "petitionFilingDate", "trialMetaData.accordedFilingDate", "filingDate")
INSTITUTION = ("institutionDecisionDate", "trialMetaData.institutionDecisionDate")
DECISION = ("decisionDate", "latestDecisionDate", "trialMetaData.latestDecisionDate")
STATUS = ("proceedingStatusCategory", "trialStatusCategory", "trialMetaData.trialStatusCategory",
          "decisionTypeCategory", "subdecisionTypeCategory", "trialOutcomeCategory",
          "decisionData.trialOutcomeCategory")
DOCUMENT = ("documentIdentifier", "documentIdentifierText", "documentData.documentIdentifier")
DOC_TYPE = ("documentTypeName", "documentData.documentTypeDescriptionText",
            "documentTypeDescriptionText")
DOC_TITLE = ("documentTitleText", "documentData.documentTitleText", "documentName")
DOC_DATE = ("documentFilingDate", "documentData.documentFilingDate")
DOC_PARTY = ("filingPartyCategory", "documentData.filingPartyCategory")

_OUTCOMES: tuple[tuple[str, str], ...] = (
    (r"adverse judg", "adverse judgment"),
    (r"settle", "settled"),
    (r"\bden(y|ied|ial)|not instituted|non-institution", "not instituted"),
    (r"final written decision|final decision|\bfwd\b", "final written decision"),
    (r"terminat|dismiss|withdraw", "terminated"),
    (r"institut", "instituted"),
    (r"pending|filed|awaiting|notice of filing date", "pending"),
)
"""Words of a status or decision (lower case) and the outcome they mean, first match wins:
a settlement after institution is a settlement, a termination after a denial a denial."""

_CLAIMS: tuple[tuple[str, str], ...] = (
    (r"adverse judg|all (challenged )?claims (are )?(unpatentable|cancel)", "all unpatentable"),
    (r"mixed|some (challenged )?claims (are )?(unpatentable|patentable|cancel)",
     "some unpatentable"),
    (r"all (challenged )?claims (are )?patentable|no (challenged )?claims (are )?"
     r"unpatentable|none unpatentable", "none unpatentable"),
)
"""Words saying what became of the challenged claims."""


def outcome_of(text: str | None) -> str | None:
    """The outcome a status or decision text states (see ``_OUTCOMES``), or None."""
    low = (text or "").lower()
    return next((name for pattern, name in _OUTCOMES if re.search(pattern, low)), None)


def claims_outcome_of(text: str | None) -> str | None:
    """What the text says of the challenged claims (all, some or none unpatentable)."""
    low = (text or "").lower()
    return next((name for pattern, name in _CLAIMS if re.search(pattern, low)), None)


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every scalar of a record by its dotted path and, where no other element has taken
    it, by its own name (nested objects in the trials API; lists are left out)."""
    out: dict[str, Any] = {}
    leaves: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            inner = flatten(value, f"{prefix}{key}.")
            out.update(inner)
            for path, v in inner.items():
                leaves.setdefault(path.rsplit(".", 1)[-1], v)
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    for key, value in leaves.items():
        out.setdefault(f"{prefix}{key}", value)
    return out


def _first(flat: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = flat.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def parse_date(value: str | None, element: str) -> dt.date | None:
    """A date as the API writes it (``MM-DD-YYYY`` in v2, ``YYYY-MM-DD`` with or without a
    time in the trials API), read by the loaders' one date rule
    (:func:`warchest.ingest.convert.parse_date_text`); an error names the element."""
    if value is None:
        return None
    try:
        return parse_date_text(value)
    except ValueError:
        raise ValueError(f"{element}: {value.strip()[:40]!r} is not a date (MM-DD-YYYY or "
                         "YYYY-MM-DD)") from None


def _patent(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize_patent_number(value)
    except ValueError as exc:
        raise ValueError(f"patent number {value[:40]!r}: {exc}") from None


def _key(name: str | None) -> str | None:
    return party_key(name) if name else None


def _kind(number: str, subtype: str | None, category: str | None) -> str:
    """IPR, PGR, CBM, DER for AIA trials; APPEAL or REEXAM APPEAL for ex parte appeals."""
    sub = (subtype or "").upper()
    cat = (category or "").lower()
    if "appeal" in cat:
        return "REEXAM APPEAL" if "REEXAM" in sub else "APPEAL"
    if sub in ("IPR", "PGR", "CBM", "DER"):
        return sub
    prefix = re.match(r"[A-Za-z]+", number)
    return prefix.group(0).upper() if prefix else (sub or cat.upper() or "UNKNOWN")


def _dates(flat: dict[str, Any], names: tuple[str, ...]) -> dt.date | None:
    for name in names:
        value = flat.get(name)
        if value is not None and str(value).strip():
            return parse_date(str(value), name)
    return None


def add_proceeding(rows: Rows, flat: dict[str, Any], source_name: str) -> None:
    """The ``ptab_proceedings`` row of one record (a proceeding, or a decision record that
    names one: both merge into one row per proceeding)."""
    number = _first(flat, NUMBER)
    if number is None:
        raise ValueError("no proceeding number (proceedingNumber or trialNumber)")
    petitioner, owner = _first(flat, PETITIONER), _first(flat, OWNER)
    texts = [t for t in (_first(flat, (s,)) for s in STATUS) if t]
    status = "; ".join(dict.fromkeys(texts)) or None
    outcome = outcome_of(status)
    category = _first(flat, CATEGORY)
    decision = _dates(flat, DECISION)
    if outcome in (None, "pending") and decision is not None and "appeal" in \
            (category or "").lower():
        outcome = "decided"  # an appeal with a decision date has been decided
    rows.add("ptab_proceedings", proceeding_number=number,
             proceeding_type=_kind(number, _first(flat, SUBTYPE), category),
             category=category, patent_id=_patent(_first(flat, PATENT)),
             application_number=_first(flat, APPLICATION),
             petitioner=petitioner, petitioner_key=_key(petitioner),
             patent_owner=owner, patent_owner_key=_key(owner),
             filing_date=_dates(flat, FILING), institution_date=_dates(flat, INSTITUTION),
             decision_date=decision, status=status, outcome=outcome,
             claims_outcome=claims_outcome_of(status), source_file=source_name)


def add_document(rows: Rows, flat: dict[str, Any]) -> None:
    """The ``ptab_documents`` row of one document record."""
    doc_id = _first(flat, DOCUMENT)
    number = _first(flat, NUMBER)
    if doc_id is None or number is None:
        raise ValueError("a document record needs documentIdentifier and proceedingNumber")
    kind, title = _first(flat, DOC_TYPE), _first(flat, DOC_TITLE)
    rows.add("ptab_documents", document_id=doc_id, proceeding_number=number,
             filing_date=_dates(flat, DOC_DATE), document_type=kind, title=title,
             filing_party=_first(flat, DOC_PARTY),
             outcome=_document_outcome(kind, title))


def _document_outcome(kind: str | None, title: str | None) -> str | None:
    """What a Board paper decides: only decisions, judgments and terminations count (an
    exhibit titled "... Final Written Decision", an order on a motion to withdraw counsel
    do not)."""
    text = f"{kind or ''} | {title or ''}"
    if not re.search(r"decision|judg|terminat|institut", (kind or "").lower()):
        return None
    found = outcome_of(text)
    return None if found == "pending" else found


def records_of(document: Any) -> list[Any]:
    """The records of a whole-file JSON answer: a list, or the list under a key ending in
    ``Bag`` or ``results``."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, list) and (key.endswith("Bag") or key == "results"):
                return value
        return [document]
    raise ValueError("not a JSON object or array")


def read_ptab(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    """Chunks of ``ptab_proceedings`` or ``ptab_documents`` rows from JSON Lines (or one
    JSON document holding a list of records). A record with a ``documentIdentifier`` is a
    document; any other is a proceeding (or a decision naming one)."""
    rows = Rows()
    quarantined: list[QuarantinedRow] = []
    read = 0
    for number, record, done in _records(stream):
        read += 1
        mark = rows.mark()
        try:
            if isinstance(record, QuarantinedRow):
                raise ValueError(record.reason)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            flat = flatten(record)
            if _first(flat, DOCUMENT) is not None:
                add_document(rows, flat)
            else:
                add_proceeding(rows, flat, source_name)
        except (ValueError, TypeError, RecursionError) as exc:
            rows.rollback(mark)
            raw = record.raw if isinstance(record, QuarantinedRow) else \
                json.dumps(record, ensure_ascii=False)[:2000]
            quarantined.append(QuarantinedRow(number, str(exc), raw))
        if read % BATCH == 0:
            yield Chunk(rows.tables(), quarantined, read, done)
            quarantined, read = [], 0
    if read or quarantined:
        yield Chunk(rows.tables(), quarantined, read, done if read else 0)


def _records(stream: IO[bytes]) -> Iterator[tuple[int, Any, int]]:
    """(line or record number, record or the reason it cannot be read, bytes read): one
    JSON object a line, or one JSON document (an array, an API answer) over the file."""
    lines = iter_lines(stream)
    first = next(lines, None)
    if first is None:
        return
    head = first.strip()
    if head.startswith(b"[") or head.endswith((b"{", b"[", b",")):  # one indented document
        body = b"\n".join(_chain(first, lines))
        try:
            records = records_of(json.loads(body))
        except (ValueError, RecursionError) as exc:
            yield 1, QuarantinedRow(1, f"not valid JSON: {exc}",
                                    body[:2000].decode("utf-8", "replace")), len(body)
            return
        for number, record in enumerate(records, start=1):
            yield number, record, len(body)
        return
    done = 0
    for number, raw in enumerate(_chain(first, lines), start=1):
        done += len(raw) + 1
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
            for one in _answer_records(record):  # a saved API answer on one line
                yield number, one, done
        except UnicodeDecodeError:
            yield number, QuarantinedRow(number, "not UTF-8 text",
                                         raw[:2000].decode("utf-8", "replace")), done
        except (ValueError, RecursionError) as exc:
            yield number, QuarantinedRow(number, f"not valid JSON: {exc}",
                                         raw[:2000].decode("utf-8", "replace")), done


def _answer_records(record: Any) -> list[Any]:
    """A line's records: the records of an API answer (a list under a key ending in
    ``Bag`` or ``results``), else the line's object itself."""
    if isinstance(record, dict) and not any(k in record for k in (*NUMBER, *DOCUMENT)):
        found = records_of(record)
        if found is not record and not (len(found) == 1 and found[0] is record):
            return found
    return [record]


def _chain(first: bytes, lines: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from lines
