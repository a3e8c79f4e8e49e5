"""The store's tables, described once, engine-neutral, with their versioned migrations.

Each table is a list of ``(column, type, description)``; types are the portable names
``text``, ``int``, ``bigint``, ``date``, ``bool``, ``double``, ``timestamp`` that every engine
maps. Every data table carries ``load_id``: the row of ``load_log`` (file, checksum, time)
that wrote it, so any number can be traced back to the file and the load behind it.

Migrations: ``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``. A new store
runs them all; an older store runs the ones it lacks; a store newer than this code is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "int": pa.int32(),
    "bigint": pa.int64(),
    "date": pa.date32(),
    "bool": pa.bool_(),
    "double": pa.float64(),
    "timestamp": pa.timestamp("us"),
    "bytes": pa.binary(),
}
"""Arrow type of each portable column type (Arrow is how data moves between layers)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str = ""
    since: int = 1
    """Schema version that added the column (older stores get it by ALTER TABLE)."""


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    """Columns naming the unit a load replaces: loading rows for a key replaces the rows
    earlier loads wrote for that key (for child tables: all rows of that patent)."""
    merge: bool = False
    """One row per key: a newer load keeps an older load's values where it has none."""
    reference: bool = False
    """Reference data (titles, concordances) rather than patent data."""
    since: int = 1

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: str, doc: str = "") -> Column:
    return Column(name, type_, doc)


LOAD_ID = _c("load_id", "int", "load_log row that wrote this row")
MERGED_FROM = _c("merged_from", "text",
                 "older loads (load_ids, comma-separated) whose values this row kept")

TABLES: tuple[Table, ...] = (
    Table(
        "patents",
        "Granted US patents, one row per patent number.",
        (
            _c("patent_id", "text", "canonical patent number (see warchest.numbers)"),
            _c("patent_type", "text", "utility, design, plant, reissue, ..."),
            _c("kind", "text", "WIPO kind code (B1, B2, S, E, P3, ...)"),
            _c("grant_date", "date"),
            _c("title", "text"),
            _c("num_claims", "int"),
            _c("withdrawn", "bool"),
            _c("family_id", "bigint", "USPTO/DOCDB family identifier where the source has one"),
            _c("source_file", "text", "source file name given by the data provider"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("patent_id",),
        merge=True,
    ),
    Table(
        "publications",
        "Published applications and other non-grant documents (pre-grant publications).",
        (
            _c("publication_number", "text"),
            _c("kind", "text"),
            _c("publication_date", "date"),
            _c("title", "text"),
            _c("application_number", "text"),
            _c("filing_date", "date"),
            _c("family_id", "bigint"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("publication_number",),
        merge=True,
    ),
    Table(
        "applications",
        "The application each patent was granted on.",
        (
            _c("patent_id", "text"),
            _c("application_number", "text", "8 digits: series code + serial"),
            _c("application_number_raw", "text", "as the source wrote it"),
            _c("application_type", "text"),
            _c("filing_date", "date"),
            _c("series_code", "text"),
            _c("rule_47_flag", "bool"),
            Column("pct_number", "text", "PCT application (e.g. PCT/US2003/012345)", since=2),
            Column("pct_filing_date", "date", since=2),
            Column("pct_371_date", "date", "date of the 35 USC 371(c)(1),(2),(4) national stage",
                   since=2),
            Column("pct_publication_number", "text", "e.g. WO2004/012345", since=2),
            Column("pct_publication_date", "date", since=2),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("patent_id",),
        merge=True,
    ),
    Table(
        "abstracts",
        "Patent abstracts.",
        (_c("patent_id", "text"), _c("abstract", "text"), LOAD_ID),
        key=("patent_id",),
    ),
    Table(
        "claims",
        "Claims of a patent, with the claim each one depends on.",
        (
            _c("patent_id", "text"),
            _c("claim_number", "int"),
            _c("claim_text", "text"),
            _c("depends_on", "int", "the claim this one refers to; NULL for independent"),
            _c("independent", "bool"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "assignees",
        "Assignees as printed on the grant (not disambiguated).",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("organization", "text"),
            _c("name_first", "text"),
            _c("name_last", "text"),
            _c("assignee_type", "text", "USPTO type code: 2 US company, 3 foreign company, ..."),
            _c("city", "text"),
            _c("state", "text"),
            _c("country", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "assignees_disambiguated",
        "PatentsView's disambiguated assignees (its own entity ids and names).",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("assignee_id", "text"),
            _c("organization", "text"),
            _c("name_first", "text"),
            _c("name_last", "text"),
            _c("assignee_type", "text"),
            _c("location_id", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "inventors",
        "Inventors of each patent.",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("inventor_id", "text"),
            _c("name_first", "text"),
            _c("name_last", "text"),
            _c("gender_code", "text"),
            _c("city", "text"),
            _c("state", "text"),
            _c("country", "text"),
            _c("location_id", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "locations",
        "PatentsView disambiguated locations.",
        (
            _c("location_id", "text"),
            _c("city", "text"),
            _c("state", "text"),
            _c("country", "text"),
            _c("latitude", "double"),
            _c("longitude", "double"),
            _c("county", "text"),
            _c("state_fips", "text"),
            _c("county_fips", "text"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("location_id",),
        merge=True,
        reference=True,
    ),
    Table(
        "cpc",
        "CPC classifications of each patent.",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("symbol", "text", "full symbol, e.g. H04W72/04 (subclass where no group given)"),
            _c("section", "text"),
            _c("cpc_class", "text", "e.g. H04"),
            _c("subclass", "text", "e.g. H04W"),
            _c("main_group", "text", "e.g. H04W72/00"),
            _c("cpc_type", "text", "inventive or additional"),
            _c("version", "text", "scheme version date when given"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "ipc",
        "IPC classifications of each patent (IPCR at issue).",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("symbol", "text", "e.g. G01S7/48"),
            _c("section", "text"),
            _c("ipc_class", "text"),
            _c("subclass", "text"),
            _c("main_group", "text"),
            _c("ipc_type", "text", "inventive, additional or NULL"),
            _c("version", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "citations",
        "US patent citations made by each patent (citing patent_id -> cited_patent_id).",
        (
            _c("patent_id", "text", "citing patent"),
            _c("sequence", "int"),
            _c("cited_patent_id", "text"),
            _c("cited_date", "date"),
            _c("cited_name", "text", "patentee name printed with the citation"),
            _c("cited_kind", "text"),
            _c("category", "text", "cited by examiner / cited by applicant / ..."),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "application_citations",
        "US published applications cited by each patent.",
        (
            _c("patent_id", "text", "citing patent"),
            _c("sequence", "int"),
            _c("cited_publication_number", "text", "e.g. 20030076485"),
            _c("cited_date", "date"),
            _c("cited_name", "text"),
            _c("cited_kind", "text"),
            _c("category", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "foreign_citations",
        "Foreign patent documents cited by each patent.",
        (
            _c("patent_id", "text", "citing patent"),
            _c("sequence", "int"),
            _c("cited_country", "text"),
            _c("cited_number", "text"),
            _c("cited_kind", "text"),
            _c("cited_date", "date"),
            _c("category", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "other_citations",
        "Non-patent literature cited by each patent.",
        (
            _c("patent_id", "text", "citing patent"),
            _c("sequence", "int"),
            _c("text", "text"),
            _c("category", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "term_of_grant",
        "Term of grant: patent term adjustment days and terminal disclaimers.",
        (
            _c("patent_id", "text"),
            _c("term_grant", "int", "term in years printed on old grants"),
            _c("term_extension", "int", "patent term adjustment (PTA) days"),
            _c("term_disclaimer", "text", "terminal disclaimer text or flag"),
            _c("disclaimer_date", "date"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("patent_id",),
        merge=True,
    ),
    Table(
        "related_documents",
        "Continuity and other related documents (continuation, division, CIP, provisional,"
        " reissue).",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("relation", "text", "continuation, division, continuation-in-part, ..."),
            _c("related_number", "text", "application or document number as normalised"),
            _c("related_country", "text"),
            _c("related_kind", "text"),
            _c("related_date", "date"),
            _c("related_status", "text"),
            _c("related_patent_id", "text", "patent granted on the related application"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "patent_wipo_fields",
        "WIPO technology fields (35 fields) of each patent, as PatentsView assigns them.",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("field_id", "int"),
            _c("sector_title", "text"),
            _c("field_title", "text"),
            LOAD_ID,
        ),
        key=("patent_id",),
    ),
    Table(
        "uspc",
        "US Patent Classification (USPC) of each patent (original and cross-reference).",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("symbol", "text", "class/subclass, e.g. 455/414.1"),
            _c("main", "bool", "the original (OR) classification"),
            LOAD_ID,
        ),
        key=("patent_id",),
        since=2,
    ),
    Table(
        "priority_claims",
        "Foreign (Paris Convention) priority claims of each patent.",
        (
            _c("patent_id", "text"),
            _c("sequence", "int"),
            _c("country", "text"),
            _c("number", "text"),
            _c("date", "date"),
            _c("kind", "text", "national, regional or international"),
            LOAD_ID,
        ),
        key=("patent_id",),
        since=2,
    ),
    Table(
        "publication_abstracts",
        "Abstracts of published applications.",
        (_c("publication_number", "text"), _c("abstract", "text"), LOAD_ID),
        key=("publication_number",),
        since=2,
    ),
    Table(
        "publication_claims",
        "Claims of published applications.",
        (
            _c("publication_number", "text"),
            _c("claim_number", "int"),
            _c("claim_text", "text"),
            _c("depends_on", "int"),
            _c("independent", "bool"),
            LOAD_ID,
        ),
        key=("publication_number",),
        since=2,
    ),
    Table(
        "publication_parties",
        "Assignees, inventors and applicants of published applications.",
        (
            _c("publication_number", "text"),
            _c("role", "text", "assignee, inventor or applicant"),
            _c("sequence", "int"),
            _c("organization", "text"),
            _c("name_first", "text"),
            _c("name_last", "text"),
            _c("party_type", "text"),
            _c("city", "text"),
            _c("state", "text"),
            _c("country", "text"),
            LOAD_ID,
        ),
        key=("publication_number",),
        since=2,
    ),
    Table(
        "publication_classifications",
        "CPC, IPC and USPC classifications of published applications.",
        (
            _c("publication_number", "text"),
            _c("scheme", "text", "cpc, ipc or uspc"),
            _c("sequence", "int"),
            _c("symbol", "text"),
            _c("class_type", "text", "inventive, additional or NULL"),
            _c("version", "text"),
            LOAD_ID,
        ),
        key=("publication_number",),
        since=2,
    ),
    Table(
        "publication_related_documents",
        "Continuity data of published applications.",
        (
            _c("publication_number", "text"),
            _c("sequence", "int"),
            _c("relation", "text"),
            _c("related_number", "text"),
            _c("related_country", "text"),
            _c("related_kind", "text"),
            _c("related_date", "date"),
            _c("related_status", "text"),
            _c("related_patent_id", "text"),
            LOAD_ID,
        ),
        key=("publication_number",),
        since=2,
    ),
    Table(
        "reassignments",
        "Recorded assignments (USPTO Patent Assignment Dataset: assignment table).",
        (
            _c("rf_id", "text", "reel-frame id, e.g. 4724-617"),
            _c("reel_no", "int"),
            _c("frame_no", "int"),
            _c("recorded_date", "date"),
            _c("last_update_date", "date"),
            _c("page_count", "int"),
            _c("conveyance_text", "text"),
            _c("conveyance_type", "text", "from assignment_conveyance when loaded"),
            _c("employer_assignment", "bool"),
            _c("correspondent", "text"),
            _c("purge_indicator", "text"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("rf_id",),
        merge=True,
    ),
    Table(
        "reassignment_assignors",
        "Parties conveying in a recorded assignment.",
        (
            _c("rf_id", "text"),
            _c("sequence", "int"),
            _c("name", "text"),
            _c("execution_date", "date"),
            _c("acknowledgement_date", "date"),
            LOAD_ID,
        ),
        key=("rf_id",),
    ),
    Table(
        "reassignment_assignees",
        "Parties receiving in a recorded assignment.",
        (
            _c("rf_id", "text"),
            _c("sequence", "int"),
            _c("name", "text"),
            _c("address_1", "text"),
            _c("address_2", "text"),
            _c("city", "text"),
            _c("state", "text"),
            _c("postcode", "text"),
            _c("country", "text"),
            LOAD_ID,
        ),
        key=("rf_id",),
    ),
    Table(
        "reassignment_documents",
        "Patents and applications a recorded assignment covers.",
        (
            _c("rf_id", "text"),
            _c("sequence", "int"),
            _c("title", "text"),
            _c("application_number", "text"),
            _c("application_date", "date"),
            _c("publication_number", "text"),
            _c("publication_date", "date"),
            _c("patent_id", "text", "canonical number of the granted patent, if any"),
            _c("grant_date", "date"),
            _c("pct_number", "text"),
            _c("inventors", "text"),
            LOAD_ID,
        ),
        key=("rf_id",),
    ),
    Table(
        "cpc_titles",
        "CPC scheme titles (official CPC title list).",
        (
            _c("symbol", "text"),
            _c("rank", "text", "section, class, subclass, main group or subgroup"),
            _c("level", "int", "dot level of a group (0 = main group)"),
            _c("title", "text"),
            LOAD_ID,
        ),
        key=("symbol",),
        reference=True,
    ),
    Table(
        "ipc_titles",
        "IPC scheme titles.",
        (
            _c("symbol", "text", "e.g. A01B21/06"),
            _c("rank", "text"),
            _c("title", "text"),
            LOAD_ID,
        ),
        key=("symbol",),
        reference=True,
    ),
    Table(
        "ipc_wipo_fields",
        "IPC to WIPO technology field concordance (35 fields, 5 sectors).",
        (
            _c("ipc_pattern", "text", "as published, e.g. 'A61K 103/%'"),
            _c("ipc_prefix", "text", "normalised prefix a symbol must start with"),
            _c("field_id", "int"),
            _c("sector", "text"),
            _c("field_title", "text"),
            _c("updated_on", "text"),
            _c("remark", "text"),
            LOAD_ID,
        ),
        key=("ipc_pattern",),
        reference=True,
    ),
)

DERIVED = "derived from the loaded tables by `warchest owners resolve`; load_id names the run"

OWNER_TABLES: tuple[Table, ...] = (
    Table(
        "owner_names",
        "Raw organisation and person names and the entity each resolves to (" + DERIVED + ").",
        (
            _c("raw_name", "text", "as printed on a grant or a recorded assignment"),
            _c("name_key", "text", "normalised comparison key (warchest.owners.names)"),
            _c("entity_id", "text"),
            _c("mentions", "bigint", "grant assignee rows and assignment parties with it"),
            _c("patents", "bigint", "patents whose grant names it as assignee"),
            _c("countries", "text", "countries seen with the name, comma-separated"),
            LOAD_ID,
        ),
        key=("raw_name",),
        since=3,
    ),
    Table(
        "owner_source_ids",
        "The ids other disambiguations give each owner name, kept as evidence beside"
        " warchest's own entities (" + DERIVED + ").",
        (
            _c("raw_name", "text"),
            _c("source", "text", "whose id: 'PatentsView assignee_id'"),
            _c("source_id", "text"),
            _c("mentions", "bigint", "grant assignee rows with this name and this id"),
            LOAD_ID,
        ),
        since=8,
    ),
    Table(
        "owner_entities",
        "Resolved companies (and people) with their corporate parent (" + DERIVED + ").",
        (
            _c("entity_id", "text"),
            _c("name", "text", "display name: the entity's most used raw name"),
            _c("names", "int", "distinct raw names"),
            _c("patents_at_grant", "bigint", "patents whose grant names the entity"),
            _c("parent_entity_id", "text", "direct parent in the corporate tree"),
            _c("ultimate_entity_id", "text", "top of the corporate tree (itself if none)"),
            LOAD_ID,
        ),
        key=("entity_id",),
        since=3,
    ),
    Table(
        "owner_links",
        "Why two name keys belong to one entity: one row per merge decision (" + DERIVED + ").",
        (
            _c("name_key_a", "text"),
            _c("name_key_b", "text"),
            _c("rule", "text", "same words, spelling, acronym, change of name, override"),
            _c("detail", "text"),
            LOAD_ID,
        ),
        since=3,
    ),
    Table(
        "corporate_links",
        "Parent/subsidiary relations between entities, with where each came from.",
        (
            _c("child_entity_id", "text"),
            _c("parent_entity_id", "text"),
            _c("child_name", "text"),
            _c("parent_name", "text"),
            _c("source", "text", "name (extension, regional, affiliate, truncated), groups"
               " file, GLEIF level 2, override"),
            _c("evidence", "text", "the names that show it, file and row, LEIs, or the"
               " override"),
            LOAD_ID,
        ),
        since=3,
    ),
    Table(
        "owner_overrides",
        "User decisions that win over automatic ones (`warchest owners override`).",
        (
            _c("action", "text", "merge, split, rename, parent, unparent"),
            _c("subject", "text", "a raw name or entity (id or name)"),
            _c("object", "text", "the other name, the new name, or the parent"),
            _c("note", "text"),
            _c("source", "text", "override, groups file, GLEIF level 2"),
            _c("created", "timestamp"),
            LOAD_ID,
        ),
        since=3,
    ),
    Table(
        "ownership_events",
        "Every recorded assignment matched to a patent, classified, in date order ("
        + DERIVED
        + ").",
        (
            _c("patent_id", "text"),
            _c("rf_id", "text"),
            _c("effective_date", "date", "latest execution date of the assignors, else recorded"),
            _c("recorded_date", "date"),
            _c(
                "kind",
                "text",
                "assignment, merger, change of name, nunc pro tunc, corrective,"
                " security interest, release, licence, government interest,"
                " address change, other",
            ),
            _c("moves_ownership", "bool"),
            _c("assignors", "text", "conveying parties, ' | ' separated"),
            _c("assignees", "text", "receiving parties, ' | ' separated"),
            _c("assignee_entity_id", "text", "entity of the first receiving party"),
            _c("assignor_entity_id", "text", "entity of the first conveying party"),
            _c("matched_by", "text", "grant number or application number"),
            _c("conveyance_text", "text"),
            _c("grant_date", "date", "from patents, else from the assignment's document"),
            LOAD_ID,
        ),
        since=3,
    ),
    Table(
        "ownership",
        "Who owned each patent from when to when, and how it was acquired (" + DERIVED + ").",
        (
            _c("patent_id", "text"),
            _c("entity_id", "text"),
            _c("owner_name", "text", "the name on the grant or the assignment"),
            _c("start_date", "date"),
            _c("end_date", "date", "NULL while still owned"),
            _c("via", "text", "grant, or the kind of the recorded assignment"),
            _c("via_rf_id", "text", "reel-frame of that assignment"),
            _c("note", "text", "why the chain is uncertain here, if it is"),
            LOAD_ID,
        ),
        since=3,
    ),
)
TABLES = (*TABLES, *OWNER_TABLES)

VALUED = "derived by `warchest value --compute`; load_id names the run"

VALUE_TABLES: tuple[Table, ...] = (
    Table(
        "maintenance_events",
        "USPTO maintenance fee events (payments, expiry for non-payment, reinstatement).",
        (
            _c("patent_id", "text"),
            _c("application_number", "text"),
            _c("entity_status", "text", "N large, Y small, M micro entity"),
            _c("filing_date", "date"),
            _c("grant_date", "date"),
            _c("event_date", "date"),
            _c("event_code", "text", "M1551 paid (3.5 y, large), EXP. expired, EXPX reinstated"),
            LOAD_ID,
        ),
        key=("patent_id",),
        since=4,
    ),
    Table(
        "families",
        "Patent family members per office, with grant and legal status where known.",
        (
            _c("family_id", "text", "DOCDB/INPADOC family id as given"),
            _c("jurisdiction", "text", "office: US, EP, DE, GB, FR, CN, JP, KR, IN, ..."),
            _c("member_number", "text"),
            _c("kind", "text"),
            _c("application_number", "text"),
            _c("filing_date", "date"),
            _c("publication_date", "date"),
            _c("grant_date", "date"),
            _c("status", "text", "in force, granted, pending, expired, lapsed, refused, ..."),
            _c("status_date", "date", "when the status took effect"),
            _c("us_patent_id", "text", "the US patent of the family this row was listed for"),
            LOAD_ID,
        ),
        key=("family_id",),
        since=4,
    ),
    Table(
        "market_weights",
        "Market size of each jurisdiction relative to the US, as used (" + VALUED + ").",
        (
            _c("jurisdiction", "text", "the office whose grant covers the country (EP, US, ..)"),
            _c("country", "text", "a market: one row per country an office's grant covers"),
            _c("name", "text"),
            _c("weight", "double", "the country's market size relative to the US (US = 1)"),
            _c("basis", "text"),
            _c("source", "text"),
            LOAD_ID,
        ),
        since=4,
    ),
    Table(
        "patent_terms",
        "Expiry of every patent, the rule that decided it, and lapse for non-payment ("
        + VALUED + ").",
        (
            _c("patent_id", "text"),
            _c("patent_type", "text"),
            _c("grant_date", "date"),
            _c("filing_date", "date", "the application's own US filing date"),
            _c("term_start_date", "date",
               "earliest US non-provisional filing in the continuity chain (PCT date for a"
               " national stage)"),
            _c("term_start_via", "text", "which application gave term_start_date"),
            _c("pta_days", "int"),
            _c("disclaimer_date", "date", "terminal disclaimer: term ends by this date"),
            _c("expiry_date", "date", "end of the full term"),
            _c("expiry_rule", "text", "the rule and arithmetic behind expiry_date"),
            _c("lapse_date", "date", "lapsed for an unpaid maintenance fee"),
            _c("lapse_rule", "text"),
            _c("end_date", "date", "first day not in force: min(expiry, lapse)"),
            LOAD_ID,
        ),
        since=4,
    ),
    Table(
        "patent_markets",
        "Where and when each patent (through its family) is in force (" + VALUED + ").",
        (
            _c("patent_id", "text"),
            _c("jurisdiction", "text"),
            _c("in_force_from", "date"),
            _c("in_force_until", "date", "first day not in force"),
            _c("via", "text", "the US term, or the family member and its status"),
            LOAD_ID,
        ),
        since=4,
    ),
    Table(
        "indicator_inputs",
        "Each granted patent's field and citation and family aggregates: the part of the"
        " indicators read from the citations, kept so that an update recomputes it only for"
        " the patents a load touched (" + VALUED + ").",
        (
            _c("patent_id", "text"),
            _c("grant_date", "date"),
            _c("num_claims", "int"),
            _c("filing_date", "date"),
            _c("cpc_subclass", "text", "its first CPC subclass"),
            _c("lead_symbol", "text"),
            _c("lead_group", "text"),
            _c("forward_5y", "bigint"),
            _c("forward_7y", "bigint"),
            _c("forward_5y_self", "bigint"),
            _c("forward_7y_self", "bigint"),
            _c("forward_total", "bigint"),
            _c("lag_y0", "bigint", "citations received 0 to 1 years after grant"),
            _c("lag_y1", "bigint", "citations received 1 to 2 years after grant"),
            _c("lag_y2", "bigint", "citations received 2 to 3 years after grant"),
            _c("lag_y3", "bigint", "citations received 3 to 4 years after grant"),
            _c("lag_y4", "bigint", "citations received 4 to 5 years after grant"),
            _c("backward", "bigint"),
            _c("family_size", "int"),
            _c("generality", "double"),
            _c("originality", "double"),
            _c("radicalness", "double"),
            LOAD_ID,
        ),
        since=11,
    ),
    Table(
        "patent_indicators",
        "OECD-style value indicators, normalised within the cohort (grant year x CPC"
        " subclass) (" + VALUED + ").",
        (
            _c("patent_id", "text"),
            _c("cohort_year", "int", "grant year"),
            _c("cohort_field", "text",
               "CPC subclass of the first CPC symbol; its class, section or 'all' when the"
               " subclass cohort has under 30 patents"),
            _c("cpc_subclass", "text", "the patent's own first CPC subclass"),
            Column("lead_symbol", "text", "its leading CPC symbol (first inventive, else"
                   " first)", since=7),
            Column("lead_group", "text", "the main group of that symbol", since=7),
            _c("cohort_size", "bigint"),
            _c("forward_5y", "int", "citations received within 5 years of grant"),
            _c("forward_7y", "int"),
            _c("forward_5y_self", "int", "of which from the same owner group"),
            _c("forward_7y_self", "int"),
            _c("forward_total", "int"),
            _c("observed_years", "double", "years between grant and the data's last grant"),
            _c("expected_share_5y", "double",
               "share of 5-year citations a patent of this field has received by then"),
            _c("forward_5y_corrected", "double", "forward_5y / expected_share_5y"),
            _c("backward", "int", "US patent citations made"),
            _c("claims", "int"),
            _c("family_size", "int", "offices where the family has a member"),
            _c("generality", "double", "Hall's bias-corrected 1 - sum s_j^2, citing"),
            _c("originality", "double", "the same over cited patents"),
            _c("radicalness", "double", "share of cited classes the patent is not in"),
            _c("grant_lag_days", "int"),
            _c("forward_5y_norm", "double", "value / cohort mean (likewise below)"),
            _c("backward_norm", "double"),
            _c("claims_norm", "double"),
            _c("family_size_norm", "double"),
            _c("generality_norm", "double"),
            _c("originality_norm", "double"),
            _c("radicalness_norm", "double"),
            _c("grant_lag_norm", "double"),
            _c("forward_5y_percentile", "double", "percent rank in the cohort"),
            _c("breakthrough", "bool", "top 1% of the cohort by corrected 5-year citations"),
            _c("quality_index", "double",
               "mean of forward 5y, family size, claims, generality, each / cohort max"),
            _c("impact", "double", "corrected 5-year citations / impact_reference (1.0"
               " when too recent to tell or no patent of the year has citations)"),
            Column("impact_reference", "double", "the empirical-Bayes mean of corrected"
                   " 5-year citations of the patent's grant year x CPC subclass, shrunk"
                   " toward its class, section and year by cohort size", since=9),
            LOAD_ID,
        ),
        since=4,
    ),
)
TABLES = (*TABLES, *VALUE_TABLES)

MAPPED = "derived by `warchest techmap`; load_id names the run"

TECHMAP_TABLES: tuple[Table, ...] = (
    Table(
        "taxonomy_terms",
        "Product areas of the taxonomy in use: one row per CPC prefix or keyword (" + MAPPED
        + ").",
        (
            _c("product", "text"),
            _c("description", "text"),
            _c("kind", "text", "cpc or keyword"),
            _c("pattern", "text", "CPC prefix (H04W72/) or lower-case keyword"),
            _c("source", "text", "the taxonomy file"),
            LOAD_ID,
        ),
        since=5,
    ),
    Table(
        "patent_products",
        "Patents in each product area, with the evidence (" + MAPPED + ").",
        (
            _c("patent_id", "text"),
            _c("product", "text"),
            _c("via", "text", "cpc or keyword"),
            _c("evidence", "text", "the first matching CPC symbol or keyword"),
            _c("matches", "int", "how many symbols or keywords matched"),
            LOAD_ID,
        ),
        since=5,
    ),
    Table(
        "patent_fields",
        "WIPO technology fields (35) of each patent from the IPC concordance (" + MAPPED
        + ").",
        (
            _c("patent_id", "text"),
            _c("field_id", "int"),
            _c("field_title", "text"),
            _c("sector", "text"),
            _c("via", "text", "ipc symbols, or cpc symbols when the patent has no IPC"),
            _c("symbols", "int", "symbols of the patent in the field"),
            _c("evidence", "text", "the first such symbol"),
            LOAD_ID,
        ),
        since=5,
    ),
)
TABLES = (*TABLES, *TECHMAP_TABLES)

EXPOSURE_TABLES: tuple[Table, ...] = (
    Table(
        "patent_embeddings",
        "Cache of text vectors (title and abstract) by model, written when exposure needs"
        " them.",
        (
            _c("patent_id", "text"),
            _c("model", "text", "e.g. static-256: the shipped static model, 256 dimensions"),
            _c("vector", "bytes", "little-endian float16 values, L2-normalised"),
            LOAD_ID,
        ),
        since=6,
    ),
)
TABLES = (*TABLES, *EXPOSURE_TABLES)

LITIGATION_TABLES: tuple[Table, ...] = (
    Table(
        "ptab_proceedings",
        "PTAB proceedings (USPTO PTAB API records): AIA trials (IPR, PGR, CBM, derivation)"
        " and ex parte appeals, with parties, patent, dates and outcome.",
        (
            _c("proceeding_number", "text", "IPR2016-00831, 2003000028, ..."),
            _c("proceeding_type", "text", "IPR, PGR, CBM, DER, APPEAL, REEXAM APPEAL"),
            _c("category", "text", "as given: AIA Trial, Appeal"),
            _c("patent_id", "text", "the patent challenged (canonical number)"),
            _c("application_number", "text"),
            _c("petitioner", "text", "the challenger (AIA trials); NULL for appeals"),
            _c("petitioner_key", "text", "the petitioner's name key (owner resolution)"),
            _c("patent_owner", "text", "the patent owner (or the appellant)"),
            _c("patent_owner_key", "text", "the patent owner's name key"),
            _c("filing_date", "date"),
            _c("institution_date", "date", "date of the institution decision"),
            _c("decision_date", "date", "date of the last decision"),
            _c("status", "text", "the record's status and decision text, as given"),
            _c("outcome", "text", "pending, instituted, not instituted, settled,"
               " terminated, final written decision, adverse judgment, decided"),
            _c("claims_outcome", "text", "all unpatentable, some unpatentable, none"
               " unpatentable; NULL when the record does not say"),
            _c("source_file", "text"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("proceeding_number",),
        merge=True,
        since=10,
    ),
    Table(
        "ptab_documents",
        "Documents filed in PTAB proceedings (papers, exhibits, decisions).",
        (
            _c("document_id", "text", "the API's documentIdentifier"),
            _c("proceeding_number", "text"),
            _c("filing_date", "date"),
            _c("document_type", "text", "Petition, Institution Decision, Final Written"
               " Decision, ... as given"),
            _c("title", "text"),
            _c("filing_party", "text", "PETITIONER, PATENT OWNER, BOARD, ..."),
            _c("outcome", "text", "what the document decides, when it decides (the"
               " proceeding outcomes' words)"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("document_id",),
        merge=True,
        since=10,
    ),
    Table(
        "lit_cases",
        "District-court patent cases (USPTO Patent Litigation Docket Reports: cases file).",
        (
            _c("case_id", "text", "case_row_id (or the case number where the file has no"
               " row id)"),
            _c("case_number", "text", "the court's docket number, e.g. 2:15-cv-00123"),
            _c("court", "text", "the court's name"),
            _c("case_name", "text"),
            _c("cause", "text", "the cause of action, e.g. 35:271 Patent Infringement"),
            _c("declaratory", "bool", "a declaratory judgment action (the accused"
               " infringer sues: the defendant asserts the patents)"),
            _c("filed_date", "date"),
            _c("closed_date", "date"),
            LOAD_ID,
            MERGED_FROM,
        ),
        key=("case_id",),
        merge=True,
        since=10,
    ),
    Table(
        "lit_parties",
        "Parties of district-court patent cases with their roles (names file).",
        (
            _c("case_id", "text"),
            _c("party_type", "text", "as given: Plaintiff, Defendant, Counter Claimant, ..."),
            _c("role", "text", "plaintiff, defendant or other (a counter-claimant is the"
               " defendant, a counter-defendant the plaintiff)"),
            _c("name", "text"),
            _c("name_key", "text", "the name key (owner resolution)"),
            LOAD_ID,
        ),
        key=("case_id",),
        since=10,
    ),
    Table(
        "lit_patents",
        "Patents asserted in district-court cases (patents-in-suit file).",
        (
            _c("case_id", "text"),
            _c("patent_id", "text"),
            LOAD_ID,
        ),
        key=("case_id",),
        since=10,
    ),
)
TABLES = (*TABLES, *LITIGATION_TABLES)

BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS load_log (
    load_id INTEGER PRIMARY KEY,
    loader VARCHAR,
    path VARCHAR,
    member VARCHAR,
    sha256 VARCHAR,
    size_bytes BIGINT,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    started TIMESTAMP,
    finished TIMESTAMP,
    status VARCHAR,
    label VARCHAR,
    warchest_version VARCHAR
);
CREATE TABLE IF NOT EXISTS load_outputs (
    load_id INTEGER, table_name VARCHAR, rows_written BIGINT, rows_replaced BIGINT
);
CREATE TABLE IF NOT EXISTS quarantine (
    load_id INTEGER, path VARCHAR, member VARCHAR, line BIGINT, record VARCHAR,
    reason VARCHAR, raw VARCHAR
);
"""


@dataclass(frozen=True)
class Migration:
    """Step from ``version - 1`` to ``version``.

    The step creates the tables whose ``since`` is ``version`` and adds the columns whose
    ``since`` is ``version`` to older tables (both read from ``TABLES``), then runs
    ``statements`` (data fixes, renames) written in portable SQL.
    """

    version: int
    description: str
    statements: tuple[str, ...] = field(default_factory=tuple)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "initial schema: bibliographic, classification, citation, reassignment and"
        " reference tables; load log and quarantine",
    ),
    Migration(
        2,
        "USPTO full-text XML: USPC and priority claims of patents, PCT data of applications,"
        " the published applications' abstracts, claims, parties, classifications and"
        " continuity, byte offsets of quarantined documents",
        statements=("ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS byte_offset BIGINT",),
    ),
    Migration(
        3,
        "owners: resolved names and entities with their merge decisions, corporate links,"
        " user overrides, classified ownership events and ownership periods",
    ),
    Migration(
        4,
        "value: maintenance fee events, family members, market weights, patent terms,"
        " markets in force and value indicators",
    ),
    Migration(
        5,
        "technology map: product taxonomies, patents per product area, WIPO fields",
    ),
    Migration(6, "exposure: cache of patent text vectors"),
    Migration(7, "leading CPC symbol and main group of each patent in patent_indicators"
              " (run `warchest value --compute` again to fill them)"),
    Migration(8, "owners: PatentsView's assignee ids of every owner name as evidence; owners"
              " at grant also from g_assignee_disambiguated; companies and groups by name"
              " evidence (run `warchest owners resolve` again)"),
    Migration(9, "value: impact against an empirical-Bayes cohort mean, impact_reference"
              " (run `warchest value --compute` again to fill it)"),
    Migration(10, "litigation: PTAB proceedings and documents, district-court cases,"
              " parties and patents in suit"),
    Migration(11, "value: the indicators' citation aggregates per patent, indicator_inputs,"
              " so that an update derives only what a load touched (run `warchest value"
              " --compute` again to fill it)"),
)

SCHEMA_VERSION = MIGRATIONS[-1].version


def table(name: str) -> Table:
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def schema_markdown() -> str:
    """The schema as a markdown reference (``docs/schema.md`` is this text; a test keeps
    them equal)."""
    lines = [
        "# Store schema",
        "",
        f"Schema version {SCHEMA_VERSION}. Generated from `src/warchest/store/schema.py`",
        "(`python -c 'import warchest.store.schema as s; print(s.schema_markdown(), end=\"\")'",
        "> docs/schema.md`); do not edit by hand: `tests/test_docs.py` checks it.",
        "",
        "Every data table has `load_id` (the `load_log` row that wrote the row). Tables with",
        "one row per key that several sources can fill also have `merged_from` (older loads",
        "whose values the row kept). Loading rows for a key replaces what earlier loads wrote",
        "for that key.",
        "",
    ]
    for t in TABLES:
        kind = " (reference data)" if t.reference else ""
        lines += [f"## `{t.name}`{kind}", "", t.doc, ""]
        if t.key:
            rule = "one row per key, merged" if t.merge else "rows replaced per key"
            lines += [f"Key: `{', '.join(t.key)}` ({rule}).", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        for c in t.columns:
            lines.append(f"| `{c.name}` | {c.type} | {c.doc} |")
        lines.append("")
    lines += [
        "## Bookkeeping",
        "",
        "- `meta`: `schema_version`, `written_by`, `created_at`.",
        "- `load_log`: one row per file (or zip member) loaded: loader, path, member, sha256,",
        "  size, rows read / loaded / quarantined, started, finished, status, provenance label.",
        "- `load_outputs`: rows each load wrote to each table, and how many older rows it",
        "  replaced.",
        "- `quarantine`: rows that could not be loaded: load, path, member, line, record key,",
        "  reason, raw text.",
        "",
    ]
    return "\n".join(lines)
