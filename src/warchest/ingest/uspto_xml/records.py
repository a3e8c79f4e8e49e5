"""The ``Document`` record and the helpers every extractor uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from warchest.ingest.uspto_xml.splitter import _NON_DIGIT


@dataclass
class Document:
    """Everything extracted from one patent document (grant or published application)."""

    kind: str  # "grant" or "application"
    dtd: str
    number: str
    kind_code: str | None = None
    date: str | None = None
    title: str | None = None
    application_number: str | None = None
    application_date: str | None = None
    application_type: str | None = None
    series_code: str | None = None
    abstract: str | None = None
    num_claims: int | None = None
    claims: list[dict[str, Any]] = field(default_factory=list)
    assignees: list[dict[str, Any]] = field(default_factory=list)
    inventors: list[dict[str, Any]] = field(default_factory=list)
    applicants: list[dict[str, Any]] = field(default_factory=list)
    us_patent_citations: list[dict[str, Any]] = field(default_factory=list)
    us_application_citations: list[dict[str, Any]] = field(default_factory=list)
    foreign_citations: list[dict[str, Any]] = field(default_factory=list)
    other_citations: list[dict[str, Any]] = field(default_factory=list)
    cpc: list[dict[str, Any]] = field(default_factory=list)
    ipc: list[dict[str, Any]] = field(default_factory=list)
    uspc: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)
    priority_claims: list[dict[str, Any]] = field(default_factory=list)
    pct: dict[str, Any] = field(default_factory=dict)
    term: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _text(el: Any) -> str | None:
    """The element's text (with its descendants'), white space collapsed."""
    if el is None:
        return None
    value = el.text if len(el) == 0 else "".join(el.itertext())
    if not value:
        return None
    return " ".join(value.split()) or None


def _kids(el: Any) -> dict[Any, Any]:
    """An element's children by tag (the first of each tag, as ``find`` would give)."""
    return {child.tag: child for child in reversed(el)}


def _field(value: str) -> str | None:
    """A field flattened by XSLT ``normalize-space``: '' -> None; non-ASCII white space
    (no-break spaces...) collapsed as ``str.split`` does, like every other text field."""
    if not value:
        return None
    if not value.isascii():
        value = " ".join(value.split())
    return value or None


def _long_text(el: Any) -> str | None:
    """``_text`` for elements with much nested markup (claims, abstracts): the text is
    serialised by libxml2 in one call instead of node by node."""
    if el is None:
        return None
    value = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return " ".join(value.split()) or None


def _find(el: Any, path: str) -> Any:
    return el.find(path) if el is not None else None


def _kid_text(kids: dict[Any, Any], tag: str) -> str | None:
    child = kids.get(tag)
    return _text(child) if child is not None else None


def _raw(el: Any) -> str | None:
    """Text with its leading spaces (they align the fields of old classification codes)."""
    if el is None:
        return None
    value = "".join(el.itertext()).rstrip()
    return value if value.strip() else None


def _t(el: Any, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path)
    return _text(found) if found is not None else None


def _date(value: str | None) -> str | None:
    """'20220217' -> '2022-02-17' (a day or month of 00 kept as 01, year 0000 -> None)."""
    if not value:
        return None
    digits = value if len(value) == 8 and value.isdigit() else _NON_DIGIT.sub("", value)
    if len(digits) < 8 or digits[:4] == "0000":
        return None
    year, month, day = digits[:4], digits[4:6], digits[6:8]
    return f"{year}-{month if month != '00' else '01'}-{day if day != '00' else '01'}"


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    digits = _NON_DIGIT.sub("", value)
    return int(digits) if digits else None


_DOCID_FIELDS = {"country": "country", "doc-number": "number", "kind": "kind", "name": "name",
                 "date": "date"}


def _docid(el: Any) -> dict[str, Any]:
    """A document-id's fields, read in one pass over its children."""
    out: dict[str, Any] = {"country": None, "number": None, "kind": None, "name": None,
                           "date": None}
    if el is None:
        return {}
    for child in el:
        key = _DOCID_FIELDS.get(child.tag)
        if key is not None:
            out[key] = _text(child)
    out["date"] = _date(out["date"])
    return out


