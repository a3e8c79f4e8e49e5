"""District-court patent litigation: the USPTO Office of the Chief Economist's Patent
Litigation Docket Reports Data (https://www.uspto.gov/ip-policy/economic-research/
research-datasets/patent-litigation-docket-reports-data), CSV files with a header row.

Its data dictionary (Marco, Tesfayesus and Toole 2017, USPTO Economic Working Paper
2017-06; Toole, Miller and Sichelman 2024, Working Paper 2024-01) documents, among others:

- ``cases``: ``case_row_id`` (the dataset's key of a case), ``case_number`` (the court's
  docket number, not unique across courts), ``court_name``, ``case_name``,
  ``case_cause`` (e.g. ``35:271 Patent Infringement``, ``28:2201 Declaratory
  Judgment``), ``date_filed``, ``date_closed``, and more;
- ``names``: ``case_row_id``, ``case_number``, ``party_row_count``, ``party_type``
  (``Plaintiff``, ``Defendant``, ``Counter Claimant``, ``Counter Defendant``,
  ``Intervenor``, ...), ``name_row_count``, ``name``;
- the patent number and case code file (Schwartz, Sichelman and Miller 2019, Working
  Paper 2019-05): ``case_row_id``, ``case_number``, ``patent`` (a patent asserted in the
  case), ``patent_doc_type``.

Columns are matched by header name (the spellings below); other columns and files
(attorneys, documents) are ignored. A case is keyed by ``case_row_id`` where the file has
it, else by its docket number. Each party gets a role (:func:`role_of`) and the name key of
owner resolution, so a plaintiff finds its company as any assignee name does."""

from __future__ import annotations

import functools
import re

import pyarrow as pa
import pyarrow.compute as pc

from warchest.ingest.delimited import CSV, Field, TableSpec
from warchest.owners.names import normalise_name

CASE_ROW_ID = Field("case_row_id", ("case_row_id", "case_id"))
CASE_NUMBER = Field("case_number", ("case_number", "docket_number"), required=True)


def _with_case_id(table: pa.Table) -> pa.Table:
    """``case_id``: the row id where there is one, else the docket number."""
    number = table.column("case_number")
    case_id = pc.coalesce(table.column("case_row_id"), number) \
        if "case_row_id" in table.column_names else number
    return table.append_column("case_id", case_id)


def _derive_case(table: pa.Table) -> pa.Table:
    table = _with_case_id(table)
    cause = table.column("cause") if "cause" in table.column_names else \
        pa.nulls(table.num_rows, pa.string())
    declaratory = pc.fill_null(pc.match_substring_regex(
        cause, r"(?i)2201|declaratory"), False)
    return table.append_column("declaratory", declaratory)


def role_of(party_type: str | None) -> str:
    """The side a party is on: ``plaintiff``, ``defendant`` or ``other``. A counter-claimant
    is the defendant of the action (it counterclaims), a counter-defendant the plaintiff;
    third parties, intervenors, movants and interested parties are ``other``."""
    text = re.sub(r"[^a-z]+", " ", (party_type or "").lower())
    if "counter" in text:
        if "claimant" in text or "plaintiff" in text:
            return "defendant"
        return "plaintiff" if "defendant" in text else "other"
    if re.search(r"third ?party|intervenor|movant|interested|amicus|mediator", text):
        return "other"
    if re.search(r"plaintiff|petitioner|claimant", text):
        return "plaintiff"
    if re.search(r"defendant|respondent", text):
        return "defendant"
    return "other"


_ET_AL = re.compile(r",?\s+et\.?\s*al\.?\s*$", re.IGNORECASE)
_INCORPORATED_IN = re.compile(
    r",\s+an?\s+[\w .'-]*?(corporation|company|limited liability company|partnership|"
    r"limited partnership|entity|llc|trust)\s*$", re.IGNORECASE)
_FORMERLY = re.compile(r"\(\s*(formerly|f/?k/?a|now|n/?k/?a|d/?b/?a|a/?k/?a|successor)\b[^)]*\)",
                       re.IGNORECASE)
_ALIAS = re.compile(r"\s+(d/b/a|dba|f/k/a|fka|a/k/a|aka|n/k/a)\s+.*$", re.IGNORECASE)


def party_name(name: str) -> str:
    """A court caption's party name without what is not the company's name: a trailing
    "et al.", ", a Delaware corporation" and the like, "(formerly ...)" and "d/b/a ..."
    remarks. "DK Crown Holdings Inc. (formerly DraftKings Inc.), a Delaware corporation
    et al." is "DK Crown Holdings Inc."."""
    text = _ET_AL.sub("", name.strip())
    text = _INCORPORATED_IN.sub("", text)
    text = _FORMERLY.sub(" ", text)
    text = _ALIAS.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" ,") or name.strip()


@functools.lru_cache(maxsize=65536)
def party_key(name: str) -> str | None:
    """The name key of owner resolution (:func:`normalise_name`) of a party's name,
    cleaned of caption remarks (:func:`party_name`)."""
    return normalise_name(party_name(name)) or None


def _derive_party(table: pa.Table) -> pa.Table:
    table = _with_case_id(table)
    types = table.column("party_type").to_pylist()
    names = table.column("name").to_pylist()
    table = table.append_column("role", pa.array([role_of(t) for t in types], pa.string()))
    return table.append_column("name_key", pa.array(
        [party_key(n) if n else None for n in names], pa.string()))


SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "cases",
        "lit_cases",
        (
            CASE_ROW_ID,
            CASE_NUMBER,
            Field("court", ("court_name", "court")),
            Field("case_name", ("case_name",)),
            Field("cause", ("case_cause", "cause")),
            Field("filed_date", ("date_filed", "filed_date"), "date"),
            Field("closed_date", ("date_closed", "closed_date"), "date"),
        ),
        file_names=("pacer_cases",),
        dialect=CSV,
        derive=_derive_case,
        record_key=("case_row_id",),
        doc="district-court patent cases",
    ),
    TableSpec(
        "names",
        "lit_parties",
        (
            CASE_ROW_ID,
            CASE_NUMBER,
            Field("party_type", ("party_type",), required=True),
            Field("name", ("name", "party_name"), required=True, not_null=True),
        ),
        file_names=("parties",),
        dialect=CSV,
        derive=_derive_party,
        record_key=("case_row_id",),
        doc="parties of the cases with their roles",
    ),
    TableSpec(
        "patents",
        "lit_patents",
        (
            CASE_ROW_ID,
            CASE_NUMBER,
            Field("patent_id", ("patent", "patent_number", "patent_num", "patent_no"),
                  "patent", required=True, not_null=True),
        ),
        file_names=("patents_in_suit", "patent_numbers"),
        dialect=CSV,
        derive=_with_case_id,
        record_key=("case_row_id",),
        doc="patents asserted in the cases",
    ),
)


def spec_for(stem: str) -> TableSpec | None:
    """The table a file of this name (without extension) holds, or None."""
    for spec in SPECS:
        if stem.lower() in spec.names:
            return spec
    return None
