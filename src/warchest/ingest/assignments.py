"""USPTO Patent Assignment Dataset (reassignments): ``assignment``, ``assignor``,
``assignee``, ``documentid`` and ``assignment_conveyance`` CSV tables.

Layout: https://www.uspto.gov/learning-and-resources/electronic-data-products/patent-assignment-dataset
Columns are matched by header name. Dates of ``0000-01-01`` (the dataset's "no date") read
as NULL. Grant numbers become canonical patent numbers, so a reassignment joins its patent.
"""

from __future__ import annotations

from warchest.ingest.delimited import CSV, Field, TableSpec

RF_ID = Field("rf_id", ("rf_id",), required=True, not_null=True)

SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        "assignment",
        "reassignments",
        (
            RF_ID,
            Field("reel_no", ("reel_no",), "int"),
            Field("frame_no", ("frame_no",), "int"),
            Field("recorded_date", ("record_dt",), "date"),
            Field("last_update_date", ("last_update_dt",), "date"),
            Field("page_count", ("page_count",), "int"),
            Field("conveyance_text", ("convey_text",), required=True),
            Field("correspondent", ("corr_name", "cname")),
            Field("purge_indicator", ("purge_indicator",)),
        ),
        dialect=CSV,
        record_key=("rf_id",),
        doc="recorded assignments with their conveyance text",
    ),
    TableSpec(
        "assignment_conveyance",
        "reassignments",
        (
            RF_ID,
            Field("conveyance_type", ("convey_ty",), required=True),
            Field("employer_assignment", ("employer_assign",), "bool"),
        ),
        dialect=CSV,
        record_key=("rf_id",),
        doc="conveyance type of each assignment (merged into reassignments)",
    ),
    TableSpec(
        "assignor",
        "reassignment_assignors",
        (
            RF_ID,
            Field("sequence", ("or_seq",), "int"),
            Field("name", ("or_name",), required=True),
            Field("execution_date", ("exec_dt",), "date"),
            Field("acknowledgement_date", ("ack_dt",), "date"),
        ),
        dialect=CSV,
        record_key=("rf_id", "sequence"),
        doc="parties conveying",
    ),
    TableSpec(
        "assignee",
        "reassignment_assignees",
        (
            RF_ID,
            Field("sequence", ("ee_seq",), "int"),
            Field("name", ("ee_name",), required=True),
            Field("address_1", ("ee_address_1",)),
            Field("address_2", ("ee_address_2",)),
            Field("city", ("ee_city",)),
            Field("state", ("ee_state",)),
            Field("postcode", ("ee_postcode",)),
            Field("country", ("ee_country",)),
        ),
        dialect=CSV,
        record_key=("rf_id", "sequence"),
        doc="parties receiving",
    ),
    TableSpec(
        "documentid",
        "reassignment_documents",
        (
            RF_ID,
            Field("sequence", ("doc_seq",), "int"),
            Field("title", ("title",)),
            Field("application_number", ("appno_doc_num",), "application"),
            Field("application_date", ("appno_date",), "date"),
            Field("publication_number", ("pgpub_doc_num",)),
            Field("publication_date", ("pgpub_date",), "date"),
            Field("patent_id", ("grant_doc_num",), "patent"),
            Field("grant_date", ("grant_date",), "date"),
            Field("pct_number", ("pct_num",)),
            Field("inventors", ("inventors",)),
        ),
        dialect=CSV,
        record_key=("rf_id", "sequence"),
        doc="patents and applications each assignment covers",
    ),
)


def spec_for(stem: str) -> TableSpec | None:
    for spec in SPECS:
        if stem in spec.names:
            return spec
    return None
