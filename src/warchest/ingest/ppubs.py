"""USPTO full-text search (Patent Public Search, "ppubs") JSON records.

One JSON object per line (``ppubs_*.jsonl``), fields named as the USPTO search service
returns them: ``publicationReferenceDocumentNumber``, ``kindCode``, ``datePublished``,
``inventionTitle``, ``applicationNumber``, ``applicationFilingDate``, ``assigneeName`` /
``assigneeCity`` / ``assigneeState`` / ``assigneeCountry``, ``cpcInventiveFlattened`` /
``cpcAdditionalFlattened``, ``ipcCodeFlattened``, ``familyIdentifierCur``,
``numberOfClaims``; full records add ``abstractHtml``, ``claimsHtml``, ``usRefGroup``,
``foreignRefGroup``, ``otherRefPub``, ``termOfExtension`` (PTA days), ``continuityData``,
``inventorsName`` and ``assigneeTypeCode``.

Grants (``type`` ``USPAT`` and the OCR'd older grants ``USOCR``) go to ``patents`` and the
tables around it; pre-grant publications (``US-PGPUB``) go to ``publications``. A record
without a readable number or date is quarantined with its line number.

Also read: a CSV of citation edges extracted from ``usRefGroup`` (``citing_guid, ...,
seq``): its middle columns hold the reference text split at commas, which is re-joined and
parsed like ``usRefGroup``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from warchest.errors import BadInputFile
from warchest.ingest.convert import clean_markup, parse_date_text
from warchest.ingest.delimited import Chunk, not_utf8
from warchest.ingest.rows import Rows
from warchest.ingest.sources import iter_lines
from warchest.numbers import (
    normalize_application_number,
    patent_type_of,
    try_normalize_patent_number,
)
from warchest.store import QuarantinedRow

BATCH = 2_000
PLACEHOLDER_TITLES = {"OCR SCANNED DOCUMENT"}


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _date(value: Any) -> Any:
    value = _first(value)
    if not value:
        return None
    return parse_date_text(str(value))


def _split(value: Any) -> list[str]:
    """A list of texts, or one text of ';'-separated parts; anything else is refused (a
    JSON object or number where names belong is damage, not a name)."""
    if not value:
        return []
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value if v):
            raise ValueError(f"expected a list of texts, found {str(value)[:60]!r}")
        return [v for v in value if v]
    if not isinstance(value, str):
        raise ValueError(f"expected text or a list of texts, found {type(value).__name__} "
                         f"{str(value)[:60]!r}")
    return [v.strip() for v in value.split(";") if v.strip()]


def _text(record: dict[str, Any], key: str) -> str | None:
    """A text field of a record: text or absent; a number or an object there is damage."""
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{key}: expected text, found {type(value).__name__} {str(value)[:60]!r}")


def _int(value: Any) -> int | None:
    value = _first(value)
    if value in (None, ""):
        return None
    return int(str(value).strip())


# ------------------------------------------------------------------ references
_REF_HEAD = re.compile(
    r"^(?:(?P<country>[A-Z]{2})\s+)?(?P<number>\S+)\s+(?:(?P<kind>[A-Z][0-9]?)\s+)?(?P<rest>.*)$"
)
_DATE8 = re.compile(r"\b(\d{8})\b")
_CLASS_TOKEN = re.compile(r"^(\d+/[\d.A-Z]+|[A-H]\d{2}[A-Z]|\d+/\d+|\d{1,4}/\d{2,6})$")
_FOREIGN = re.compile(
    r"^(?P<country>[A-Z]{2})\s+(?P<number>.+?)\s+(?:(?P<kind>[A-Z][0-9]?)\s+)?"
    r"(?P<date>\d{8})\s*(?P<category>cited by [a-z]+(?: party)?)?.*$"
)
_CATEGORY = re.compile(r"cited by [a-z]+(?: party)?")


def parse_us_reference(text: str) -> dict[str, Any] | None:
    """Read one ``usRefGroup`` entry, in any of the three layouts the USPTO uses:

    - ``US 5093563 A Small 19920300 cited by examiner G02B 27/58 250/201.9`` (name, date)
    - ``US 3872448 A 19750300 Mitchell, Jr. et al. cited by other`` (date, name)
    - ``2952318 19600900 Ritch 166/278`` (older grants: no country, no kind, no category)

    >>> ref = parse_us_reference("US 5093563 A Small 19920300 cited by examiner G02B 27/58")
    >>> ref["number"], ref["kind"], ref["name"], ref["date"], ref["category"]
    ('5093563', 'A', 'Small', datetime.date(1992, 3, 1), 'cited by examiner')
    >>> parse_us_reference("2952318 19600900 Ritch 166/278")["name"]
    'Ritch'
    """
    head = _REF_HEAD.match(" ".join(text.split()))
    if head is None:
        return None
    rest = head.group("rest")
    date_m = _DATE8.search(rest)
    if date_m is None:
        return None
    category_m = _CATEGORY.search(rest)
    if date_m.start() == 0:  # date first, then the name up to the category (or classes)
        stop = category_m.start() if category_m else len(rest)
        tokens = rest[date_m.end():stop].split()
        if category_m is None:
            while tokens and _CLASS_TOKEN.match(tokens[-1]):
                tokens.pop()
        name = " ".join(tokens)
    else:
        name = rest[: date_m.start()].strip()
    try:
        date = parse_date_text(date_m.group(1))
    except ValueError:
        date = None
    return {
        "country": head.group("country") or "US",
        "number": head.group("number"),
        "kind": head.group("kind"),
        "name": name or None,
        "date": date,
        "category": category_m.group(0) if category_m else None,
    }


def _add_us_reference(rows: Rows, patent_id: str, sequence: int, text: str) -> bool:
    ref = parse_us_reference(text)
    if ref is None:
        return False
    number = ref["number"]
    if "/" in number or (number.isdigit() and len(number) == 11):
        rows.add("application_citations", patent_id=patent_id, sequence=sequence,
                 cited_publication_number=number.replace("/", ""), cited_date=ref["date"],
                 cited_name=ref["name"], cited_kind=ref["kind"], category=ref["category"])
        return True
    cited = try_normalize_patent_number(number)
    if cited is None:
        return False
    rows.add("citations", patent_id=patent_id, sequence=sequence, cited_patent_id=cited,
             cited_date=ref["date"], cited_name=ref["name"], cited_kind=ref["kind"],
             category=ref["category"])
    return True


# ------------------------------------------------------------------ continuity
_PARENT = re.compile(
    r"^(?P<relation>[a-z][a-z\-]+)\s+parent-doc\s+(?P<country>[A-Z]{2})\s+(?P<number>\S+)\s+"
    r"(?P<date>\d{8})?\s*(?P<status>[A-Z]{4,})?\s*"
    r"(?:[A-Z]{2}\s+(?P<patent>(?:RE\.?\s*)?[A-Z]*\d[\d,]*)(?:\s+\d{8})?)?\s*child-doc",
    re.IGNORECASE,
)
_PROVISIONAL = re.compile(
    r"^us-provisional-application\s+US\s+(?P<number>\S+)\s+(?P<date>\d{8})", re.IGNORECASE
)


def parse_continuity(entries: list[str]) -> list[dict[str, Any]]:
    """Structured continuity lines -> related documents (free-text ones are skipped).

    >>> parse_continuity(["division parent-doc US 16523162 20190726 US 10967768 "
    ...                   "child-doc US 17143605"])[0]["related_patent_id"]
    '10967768'
    """
    out: list[dict[str, Any]] = []
    for entry in entries:
        for line in re.split(r"<br\s*/?>|\n", entry):
            line = " ".join(line.split())
            if not line:
                continue
            m = _PARENT.match(line)
            if m:
                number = m.group("number")
                patent = m.group("patent")
                out.append({
                    "relation": m.group("relation").lower(),
                    "related_number": normalize_application_number(number) or number,
                    "related_country": m.group("country"),
                    "related_date": parse_date_text(m.group("date")) if m.group("date")
                    else None,
                    "related_status": (m.group("status") or "").upper() or None,
                    "related_patent_id": try_normalize_patent_number(patent) if patent
                    else None,
                })
                continue
            m = _PROVISIONAL.match(line)
            if m:
                number = m.group("number")
                out.append({
                    "relation": "us-provisional-application",
                    "related_number": normalize_application_number(number) or number,
                    "related_country": "US",
                    "related_date": parse_date_text(m.group("date")),
                    "related_status": None,
                    "related_patent_id": None,
                })
    return out


# ------------------------------------------------------------------ claims
_CLAIM_START = re.compile(r"^\s*(\d+)\s*\.\s*(.*)$", re.DOTALL)
_CLAIM_REF = re.compile(r"\bclaims?\s+(\d+)", re.IGNORECASE)


def parse_claims(html_text: str) -> list[dict[str, Any]]:
    """Split ``claimsHtml`` into numbered claims with the claim each depends on.

    >>> [(c["claim_number"], c["depends_on"]) for c in parse_claims(
    ...     "1. A lamp. <br /> 2. The lamp of claim 1, red.")]
    [(1, None), (2, 1)]
    """
    claims: list[dict[str, Any]] = []
    for part in re.split(r"<br\s*/?>", html_text):
        text = clean_markup(part)
        m = _CLAIM_START.match(text)
        if m is None:
            if claims and text:
                claims[-1]["claim_text"] += " " + text
            continue
        number = int(m.group(1))
        body = text
        ref = _CLAIM_REF.search(m.group(2))
        depends = int(ref.group(1)) if ref and int(ref.group(1)) < number else None
        claims.append({"claim_number": number, "claim_text": body, "depends_on": depends,
                       "independent": depends is None})
    return claims


# ------------------------------------------------------------------ records
def add_record(rows: Rows, record: dict[str, Any]) -> str:
    """Turn one search record into store rows; returns the document number.

    Raises ValueError with the reason when the record cannot be loaded.
    """
    number_text = record.get("publicationReferenceDocumentNumber")
    doc_type = _text(record, "type")
    published = _date(record.get("datePublished"))
    if published is None:
        raise ValueError("no publication date (datePublished)")
    kind = _first(record.get("kindCode"))
    title = clean_markup(_text(record, "inventionTitle") or "") or None
    if title in PLACEHOLDER_TITLES:
        title = None
    family = _int(record.get("familyIdentifierCur"))
    app_raw = _text(record, "applicationNumber")
    app_number = normalize_application_number(app_raw) if app_raw else None
    filed = _date(record.get("applicationFilingDate"))
    if doc_type == "US-PGPUB":
        if not number_text or not str(number_text).isdigit():
            raise ValueError(f"publication number {number_text!r} is not a number")
        rows.add("publications", publication_number=str(number_text), kind=kind,
                 publication_date=published, title=title, application_number=app_number,
                 filing_date=filed, family_id=family)
        return str(number_text)
    patent_id = try_normalize_patent_number(number_text)
    if patent_id is None:
        raise ValueError(f"publicationReferenceDocumentNumber {number_text!r} is not a US "
                         "patent number")
    rows.add("patents", patent_id=patent_id, patent_type=patent_type_of(patent_id), kind=kind,
             grant_date=published, title=title, num_claims=_int(record.get("numberOfClaims")),
             family_id=family, source_file=None)
    if app_raw or filed:
        rows.add("applications", patent_id=patent_id, application_number=app_number,
                 application_number_raw=app_raw, filing_date=filed,
                 application_type=record.get("applicationRefFilingType"))
    names = _split(record.get("assigneeName"))
    details = {k: record.get(k) or [] for k in
               ("assigneeCity", "assigneeState", "assigneeCountry", "assigneeTypeCode")}
    for i, name in enumerate(names):
        def pick(key: str, i: int = i) -> Any:
            vals = details[key]
            return vals[i] if isinstance(vals, list) and len(vals) == len(names) else None
        rows.add("assignees", patent_id=patent_id, sequence=i, organization=clean_markup(name),
                 assignee_type=(pick("assigneeTypeCode") or "").lstrip("0") or None,
                 city=pick("assigneeCity"), state=pick("assigneeState"),
                 country=pick("assigneeCountry"))
    versions = {}
    for entry in (record.get("cpcInventive") or []) + (record.get("cpcAdditional") or []):
        parts = entry.split()
        if len(parts) == 2:
            versions[parts[0]] = parts[1]
    seq = 0
    for kind_name, key in (("inventive", "cpcInventiveFlattened"),
                           ("additional", "cpcAdditionalFlattened")):
        for symbol in _split(record.get(key)):
            rows.add("cpc", patent_id=patent_id, sequence=seq, symbol=symbol,
                     section=symbol[:1], cpc_class=symbol[:3], subclass=symbol[:4],
                     main_group=symbol.split("/")[0] + "/00" if "/" in symbol else None,
                     cpc_type=kind_name, version=versions.get(symbol))
            seq += 1
    for i, symbol in enumerate(_split(record.get("ipcCodeFlattened"))):
        rows.add("ipc", patent_id=patent_id, sequence=i, symbol=symbol, section=symbol[:1],
                 ipc_class=symbol[:3], subclass=symbol[:4],
                 main_group=symbol.split("/")[0] + "/00" if "/" in symbol else None)
    for i, ref in enumerate(record.get("usRefGroup") or []):
        if not _add_us_reference(rows, patent_id, i, ref):
            raise ValueError(f"usRefGroup entry {i + 1} is not a readable reference: {ref!r}")
    for i, ref in enumerate(record.get("foreignRefGroup") or []):
        m = _FOREIGN.match(" ".join(ref.split()))
        if m:
            rows.add("foreign_citations", patent_id=patent_id, sequence=i,
                     cited_country=m.group("country"), cited_number=m.group("number"),
                     cited_kind=m.group("kind"), cited_date=parse_date_text(m.group("date")),
                     category=m.group("category"))
    others: list[str] = []
    for block in record.get("otherRefPub") or []:
        others.extend(p for p in re.split(r"<br\s*/?>", block) if p.strip())
    for i, text in enumerate(others):
        clean = clean_markup(text)
        cat = _CATEGORY.search(clean)
        rows.add("other_citations", patent_id=patent_id, sequence=i,
                 text=_CATEGORY.sub("", clean).strip(), category=cat.group(0) if cat else None)
    pta = _int(record.get("termOfExtension"))
    if pta is not None:
        rows.add("term_of_grant", patent_id=patent_id, term_extension=pta)
    abstract = record.get("abstractHtml")
    if abstract:
        rows.add("abstracts", patent_id=patent_id, abstract=clean_markup(abstract))
    if record.get("claimsHtml"):
        for claim in parse_claims(record["claimsHtml"]):
            rows.add("claims", patent_id=patent_id, **claim)
    for i, rel in enumerate(parse_continuity(record.get("continuityData") or [])):
        rows.add("related_documents", patent_id=patent_id, sequence=i, **rel)
    inventors = record.get("inventorsName") or []
    places = {k: record.get(k) or [] for k in ("inventorCity", "inventorState",
                                               "inventorCountry")}
    for i, name in enumerate(inventors):
        last, _, first = name.partition(";")

        def where(key: str, i: int = i) -> Any:
            vals = places[key]
            return vals[i] if len(vals) == len(inventors) else None
        rows.add("inventors", patent_id=patent_id, sequence=i, name_last=last.strip(),
                 name_first=first.strip() or None, city=where("inventorCity"),
                 state=where("inventorState"), country=where("inventorCountry"))
    return patent_id


def read_jsonl(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    """Chunks of store rows from a ppubs JSONL stream."""
    rows = Rows()
    quarantined: list[QuarantinedRow] = []
    read = 0
    done = 0
    for number, raw in enumerate(iter_lines(stream), start=1):
        done += len(raw) + 1
        if not raw.strip():
            continue
        read += 1
        mark = rows.mark()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            quarantined.append(QuarantinedRow(number, not_utf8(exc),
                                              raw[:2000].decode("utf-8", "replace")))
        else:
            try:
                record = json.loads(text)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                add_record(rows, record)
            except RecursionError:
                rows.rollback(mark)
                quarantined.append(QuarantinedRow(number, "JSON nested too deeply to read",
                                                  text[:2000]))
            except Exception as exc:  # one odd record must not stop the file
                rows.rollback(mark)
                reason = f"not valid JSON: {exc}" if isinstance(exc, json.JSONDecodeError) \
                    else str(exc) if isinstance(exc, ValueError | KeyError) \
                    else f"unexpected value ({type(exc).__name__}: {exc})"
                quarantined.append(QuarantinedRow(number, reason, text[:2000]))
        if read % BATCH == 0:
            yield Chunk(rows.tables(), quarantined, read, done)
            quarantined, read = [], 0
    if read or quarantined:
        yield Chunk(rows.tables(), quarantined, read, done)


def _csv_line(text: str) -> list[str]:
    """One line of the citation CSV as its fields. A record is one line: a line with an
    unclosed quote, a NUL byte or a field over the csv module's limit is refused alone
    (read line by line, a stray quote cannot swallow the lines after it; a quote inside an
    unquoted field, as in 5" disk, is text)."""
    try:
        return next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        reason = "an unmatched quote" if "unexpected end of data" in str(exc) else \
            f"cannot be read as CSV ({exc})"
        raise ValueError(reason) from None


def read_citation_csv(stream: IO[bytes], source_name: str) -> Iterator[Chunk]:
    """Chunks from the citation-edge CSV derived from ``usRefGroup`` (one record a line)."""
    lines = iter_lines(stream)
    first = next(lines, b"")
    try:
        header = [h.strip().lower() for h in _csv_line(first.decode("utf-8"))]
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInputFile(f"{source_name}: the header line cannot be read ({exc}); save it "
                           "as a UTF-8 CSV with LF or CRLF line ends") from None
    if "\r" in first.decode("utf-8"):
        raise BadInputFile(f"{source_name}: the header line holds a carriage return: the "
                           "file's lines end with CR only; convert them to LF or CRLF")
    if not header or header[0] != "citing_guid" or header[-1] != "seq":
        raise BadInputFile(f"{source_name}: expected a header starting with citing_guid and "
                         f"ending with seq, found {header}")
    rows = Rows()
    quarantined: list[QuarantinedRow] = []
    read = 0
    for line, raw_bytes in enumerate(lines, start=2):
        if not raw_bytes.strip():
            continue
        read += 1
        raw = raw_bytes.decode("utf-8", "replace")
        mark = rows.mark()
        try:
            try:
                text = raw_bytes.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(not_utf8(exc)) from None
            values = _csv_line(text)
            if len(values) < 2:
                raise ValueError(f"expected citing_guid, the reference and seq, found "
                                 f"{len(values)} field(s)")
            guid, *middle, seq = values
            parts = guid.split("-")
            patent_id = try_normalize_patent_number(parts[1] if len(parts) >= 2 else guid)
            if patent_id is None:
                raise ValueError(f"citing_guid {guid!r} is not a US patent")
            ref_text = " ".join(middle[:2]) + " " + ",".join(middle[2:])
            if not _add_us_reference(rows, patent_id, int(seq) - 1, ref_text):
                raise ValueError(f"unreadable reference {ref_text!r}")
        except (ValueError, IndexError) as exc:
            rows.rollback(mark)
            quarantined.append(QuarantinedRow(line, str(exc), raw[:4000]))
    yield Chunk(rows.tables(), quarantined, read, 0)
