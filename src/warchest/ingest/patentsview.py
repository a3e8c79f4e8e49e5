"""PatentsView granted-patent bulk tables (``g_*.tsv``, ``g_*.tsv.zip``) and the legacy
tables (``patent.tsv``, ``uspatentcitation.tsv``).

Columns are matched by header name; the accepted names for each store column are listed
below (new releases' names first, legacy names after). Documentation of the tables:
https://patentsview.org/download/data-download-dictionary
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from warchest.classification import main_group_of, normalize_symbol
from warchest.ingest.delimited import Also, Field, TableSpec
from warchest.numbers import normalize_application_number

PATENT = Field("patent_id", ("patent_id",), "patent", required=True, not_null=True)


def _map_unique(values: pa.Array, fn: Callable[[str], str | None]) -> pa.Array:
    """Apply a Python function once per distinct value."""
    if len(values) == 0:
        return pa.array([], pa.string())
    distinct = pc.unique(values)
    mapped = pa.array([None if v is None else fn(v) for v in distinct.to_pylist()], pa.string())
    return pc.take(mapped, pc.index_in(values, value_set=distinct))


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, values)
    return table.append_column(name, values)


def classification_parts(table: pa.Table, kind_column: str) -> pa.Table:
    """Fill symbol, section, class, subclass and main group from whatever parts a source
    gives (a full symbol, or only section/class/subclass), and name the type
    ``inventive``/``additional``."""
    class_col = "cpc_class" if "cpc_class" in table.column_names else "ipc_class"
    symbol = table.column("symbol")
    subclass = table.column("subclass")
    full = pc.coalesce(symbol, subclass)
    symbol = _map_unique(full.combine_chunks() if isinstance(full, pa.ChunkedArray) else full,
                         lambda s: normalize_symbol(s) or s)
    table = _set(table, "symbol", symbol)
    table = _set(table, "section", pc.coalesce(table.column("section"),
                                               pc.utf8_slice_codeunits(symbol, 0, 1)))
    table = _set(table, class_col, pc.coalesce(table.column(class_col),
                                               pc.utf8_slice_codeunits(symbol, 0, 3)))
    table = _set(table, "subclass", pc.coalesce(subclass, pc.utf8_slice_codeunits(symbol, 0, 4)))
    table = _set(table, "main_group", _map_unique(symbol, main_group_of))
    if kind_column in table.column_names:
        kinds = pc.utf8_lower(table.column(kind_column))
        kinds = _map_unique(kinds.combine_chunks() if isinstance(kinds, pa.ChunkedArray)
                            else kinds, normalize_class_type)
        table = _set(table, kind_column, kinds)
    return table


def normalize_class_type(value: str) -> str:
    """``inventional``/``I``/``F`` (first) -> ``inventive``; ``A``/``L`` -> ``additional``."""
    v = value.strip().lower()
    if v in ("inventional", "inventive", "i", "f", "first"):
        return "inventive"
    if v in ("additional", "a", "l", "later", "n"):
        return "additional"
    return v


def _cpc(table: pa.Table) -> pa.Table:
    return classification_parts(table, "cpc_type")


def _ipc(table: pa.Table) -> pa.Table:
    """g_ipc_at_issue gives the parts (section ``G``, class ``01``, subclass ``S``, main
    group ``7``, subgroup ``48``): assemble ``G01S7/48`` and the full class/subclass."""
    if "main_group_part" in table.column_names:
        rows = zip(
            table.column("section").to_pylist(), table.column("ipc_class").to_pylist(),
            table.column("subclass").to_pylist(), table.column("main_group_part").to_pylist(),
            table.column("subgroup_part").to_pylist(), strict=True,
        )
        symbols, classes, subclasses = [], [], []
        for section, cls, sub, group, subgroup in rows:
            section, cls, sub = section or "", cls or "", sub or ""
            full_class = cls if len(cls) == 3 else section + cls.zfill(2)
            full_sub = sub if len(sub) == 4 else full_class + sub
            classes.append(full_class or None)
            subclasses.append(full_sub or None)
            symbols.append(normalize_symbol(f"{full_sub}{group}/{subgroup}") if group
                           and subgroup else full_sub or None)
        table = _set(table, "ipc_class", pa.array(classes, pa.string()))
        table = _set(table, "subclass", pa.array(subclasses, pa.string()))
        built = pa.array(symbols, pa.string())
        table = _set(table, "symbol", pc.coalesce(table.column("symbol"), built))
        table = table.drop_columns(["main_group_part", "subgroup_part"])
    return classification_parts(table, "ipc_type")


def _application(table: pa.Table) -> pa.Table:
    raw = table.column("application_number_raw").to_pylist()
    series = table.column("series_code").to_pylist()
    numbers = [normalize_application_number(r, s) for r, s in zip(raw, series, strict=True)]
    return _set(table, "application_number", pa.array(numbers, pa.string()))


SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "g_patent",
        "patents",
        (
            Field("patent_id", ("patent_id", "id", "number"), "patent", True, True),
            Field("patent_type", ("patent_type", "type")),
            Field("grant_date", ("patent_date", "date"), "date", required=True),
            Field("title", ("patent_title", "title"), "html"),
            Field("kind", ("wipo_kind", "kind")),
            Field("num_claims", ("num_claims",), "int"),
            Field("withdrawn", ("withdrawn",), "bool"),
            Field("source_file", ("filename",)),
            Field("abstract", ("patent_abstract", "abstract"), "html"),
        ),
        file_names=("patent",),
        also=(Also("abstracts", ("patent_id", "abstract"), "abstract"),),
        record_key=("patent_id",),
        doc="granted patents (and their abstracts in older releases)",
    ),
    TableSpec(
        "g_application",
        "applications",
        (
            Field("application_number_raw", ("application_id",), required=True),
            PATENT,
            Field("application_type", ("patent_application_type", "type")),
            Field("filing_date", ("filing_date", "date"), "date"),
            Field("series_code", ("series_code",)),
            Field("rule_47_flag", ("rule_47_flag",), "bool"),
        ),
        file_names=("application",),
        derive=_application,
        record_key=("patent_id",),
        doc="the application each patent was granted on",
    ),
    TableSpec(
        "g_us_patent_citation",
        "citations",
        (
            PATENT,
            Field("sequence", ("citation_sequence", "sequence"), "int"),
            Field("cited_patent_id", ("citation_patent_id", "citation_id"), "patent",
                  required=True, not_null=True),
            Field("cited_date", ("citation_date", "date"), "date"),
            Field("cited_name", ("record_name", "name"), "html"),
            Field("cited_kind", ("wipo_kind", "kind")),
            Field("category", ("citation_category", "category")),
        ),
        file_names=("uspatentcitation",),
        record_key=("patent_id", "sequence"),
        doc="US patent citations",
    ),
    TableSpec(
        "g_cpc_current",
        "cpc",
        (
            PATENT,
            Field("sequence", ("cpc_sequence", "sequence"), "int"),
            Field("section", ("cpc_section", "section_id")),
            Field("cpc_class", ("cpc_class", "subsection_id")),
            Field("subclass", ("cpc_subclass", "group_id"), required=True),
            Field("symbol", ("cpc_group", "subgroup_id")),
            Field("cpc_type", ("cpc_type", "category")),
        ),
        file_names=("cpc_current",),
        derive=_cpc,
        record_key=("patent_id", "sequence"),
        doc="current CPC classifications",
    ),
    TableSpec(
        "g_ipc_at_issue",
        "ipc",
        (
            PATENT,
            Field("sequence", ("ipc_sequence", "sequence"), "int"),
            Field("section", ("section",)),
            Field("ipc_class", ("ipc_class", "class")),
            Field("subclass", ("subclass",), required=True),
            Field("main_group_part", ("main_group",)),
            Field("subgroup_part", ("subgroup",)),
            Field("symbol", ("ipc_symbol", "symbol")),
            Field("ipc_type", ("classification_value",)),
            Field("version", ("ipc_version_indicator",)),
        ),
        file_names=("ipcr",),
        derive=_ipc,
        record_key=("patent_id", "sequence"),
        doc="IPC classifications at issue",
    ),
    TableSpec(
        "g_assignee_disambiguated",
        "assignees_disambiguated",
        (
            PATENT,
            Field("sequence", ("assignee_sequence", "sequence"), "int"),
            Field("assignee_id", ("assignee_id",)),
            Field("name_first", ("disambig_assignee_individual_name_first", "name_first"),
                  "html"),
            Field("name_last", ("disambig_assignee_individual_name_last", "name_last"), "html"),
            Field("organization", ("disambig_assignee_organization", "organization"), "html",
                  required=True),
            Field("assignee_type", ("assignee_type", "type")),
            Field("location_id", ("location_id",)),
        ),
        record_key=("patent_id", "sequence"),
        doc="PatentsView's disambiguated assignees",
    ),
    TableSpec(
        "g_assignee_not_disambiguated",
        "assignees",
        (
            PATENT,
            Field("sequence", ("assignee_sequence", "sequence"), "int"),
            Field("name_first", ("raw_assignee_individual_name_first", "name_first"), "html"),
            Field("name_last", ("raw_assignee_individual_name_last", "name_last"), "html"),
            Field("organization", ("raw_assignee_organization", "organization"), "html",
                  required=True),
            Field("assignee_type", ("assignee_type", "type")),
        ),
        file_names=("rawassignee",),
        record_key=("patent_id", "sequence"),
        doc="assignees as printed on the grant",
    ),
    TableSpec(
        "g_inventor_disambiguated",
        "inventors",
        (
            PATENT,
            Field("sequence", ("inventor_sequence", "sequence"), "int"),
            Field("inventor_id", ("inventor_id",)),
            Field("name_first", ("disambig_inventor_name_first", "name_first"), "html"),
            Field("name_last", ("disambig_inventor_name_last", "name_last"), "html",
                  required=True),
            Field("gender_code", ("gender_code",)),
            Field("location_id", ("location_id",)),
        ),
        record_key=("patent_id", "sequence"),
        doc="inventors",
    ),
    TableSpec(
        "g_location_disambiguated",
        "locations",
        (
            Field("location_id", ("location_id",), required=True, not_null=True),
            Field("city", ("disambig_city", "city"), "html"),
            Field("state", ("disambig_state", "state")),
            Field("country", ("disambig_country", "country")),
            Field("latitude", ("latitude",), "double"),
            Field("longitude", ("longitude",), "double"),
            Field("county", ("county",)),
            Field("state_fips", ("state_fips",)),
            Field("county_fips", ("county_fips",)),
        ),
        record_key=("location_id",),
        doc="disambiguated locations",
    ),
    TableSpec(
        "g_us_term_of_grant",
        "term_of_grant",
        (
            PATENT,
            Field("disclaimer_date", ("disclaimer_date",), "date"),
            Field("term_disclaimer", ("term_disclaimer",)),
            Field("term_grant", ("term_grant",), "int"),
            Field("term_extension", ("term_extension",), "int"),
        ),
        file_names=("us_term_of_grant",),
        record_key=("patent_id",),
        doc="patent term adjustment and terminal disclaimers",
    ),
    TableSpec(
        "g_us_rel_doc",
        "related_documents",
        (
            PATENT,
            Field("sequence", ("related_doc_sequence", "sequence"), "int"),
            Field("relation", ("related_doc_type", "doctype"), required=True),
            Field("related_number", ("related_doc_number", "number"), required=True,
                  not_null=True),
            Field("related_country", ("published_country", "country")),
            Field("related_kind", ("related_doc_kind", "kind")),
            Field("related_date", ("related_doc_published_date", "date"), "date"),
            Field("related_status", ("related_doc_status", "status")),
        ),
        file_names=("usreldoc",),
        record_key=("patent_id", "sequence"),
        doc="continuity and related documents",
    ),
    TableSpec(
        "g_patent_abstract",
        "abstracts",
        (PATENT, Field("abstract", ("patent_abstract", "abstract"), "html", required=True)),
        record_key=("patent_id",),
        doc="abstracts",
    ),
    TableSpec(
        "g_wipo_technology",
        "patent_wipo_fields",
        (
            PATENT,
            Field("sequence", ("wipo_field_sequence", "sequence"), "int"),
            Field("field_id", ("wipo_field_id", "field_id"), "int", required=True,
                  not_null=True),
            Field("sector_title", ("wipo_sector_title", "sector_title")),
            Field("field_title", ("wipo_field_title", "field_title")),
        ),
        file_names=("wipo",),
        record_key=("patent_id", "sequence"),
        doc="WIPO technology fields",
    ),
)


def spec_for(stem: str) -> TableSpec | None:
    """The table spec a file name selects (``g_patent`` from ``g_patent.tsv.zip``)."""
    for spec in SPECS:
        if stem in spec.names:
            return spec
    return None
