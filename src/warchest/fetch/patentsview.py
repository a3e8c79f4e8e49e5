"""PatentsView's granted-patent bulk tables: ``<base>/<table>.tsv.zip`` for each table."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from warchest.errors import FetchError
from warchest.fetch.download import (
    Fetched,
    ProgressFn,
    address,
    fetch_into,
    source_folder,
)

PATENTSVIEW_URL = "https://s3.amazonaws.com/data.patentsview.org/download/"

# The granted-patent bulk tables of a PatentsView release (names as published).
PATENTSVIEW_TABLES = (
    "g_patent",
    "g_application",
    "g_us_patent_citation",
    "g_cpc_current",
    "g_assignee_disambiguated",
    "g_assignee_not_disambiguated",
    "g_us_term_of_grant",
    "g_us_rel_doc",
    "g_patent_abstract",
    "g_wipo_technology",
    "g_ipc_at_issue",
    "g_inventor_disambiguated",
    "g_location_disambiguated",
    "g_foreign_citation",
    "g_us_application_citation",
)
DEFAULT_TABLES = PATENTSVIEW_TABLES[:10]


def fetch_patentsview(
    tables: Iterable[str] | None = None,
    *,
    cache: Path | None = None,
    base_url: str | None = None,
    progress: ProgressFn | None = None,
    force: bool = False,
    timeout: float = 60.0,
) -> list[Fetched]:
    """Download PatentsView granted-patent tables into ``cache/patentsview``.

    ``tables`` defaults to the ten core tables; files already in the cache and matching
    their manifest entry are not downloaded again (unless ``force``).
    """
    chosen = list(tables) if tables else list(DEFAULT_TABLES)
    unknown = [t for t in chosen if t not in PATENTSVIEW_TABLES]
    if unknown:
        raise FetchError(f"unknown PatentsView table(s) {', '.join(unknown)}; known tables: "
                         f"{', '.join(PATENTSVIEW_TABLES)}")
    base = address(base_url, "WARCHEST_PATENTSVIEW_URL", PATENTSVIEW_URL)
    folder, manifest = source_folder(cache, "patentsview")
    return [fetch_into(folder, f"{table}.tsv.zip", f"{base}{table}.tsv.zip", manifest,
                       force=force, progress=progress, timeout=timeout,
                       record={"source": "patentsview"}, what="the table name")
            for table in chosen]
