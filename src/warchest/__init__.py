"""warchest: who owns which patents, what they are worth, who can sue whom, and which
patents to buy, from the public bulk patent data.

The public API (the CLI, REST API and web pages are thin layers over it)::

    import warchest
    with warchest.Store("warchest.duckdb") as store:
        warchest.load_patentsview(store, ["g_patent.tsv.zip"])
        warchest.describe_patent(store, "US 10,000,000 B2")

Importing the package does nothing else: no files, no network, no logging handlers.
"""

from warchest.errors import WarchestError
from warchest.fetch import fetch_patentsview
from warchest.ingest import (
    FileResult,
    LoadReport,
    load_assignments,
    load_cpc,
    load_ipc,
    load_patentsview,
    load_ppubs,
    load_uspto_xml,
)
from warchest.numbers import (
    normalize_application_number,
    normalize_patent_number,
    try_normalize_patent_number,
)
from warchest.patents import describe_patent
from warchest.status import quarantined_rows, store_status
from warchest.store import Store, default_db_path
from warchest.version import __version__

__all__ = [
    "FileResult",
    "LoadReport",
    "Store",
    "WarchestError",
    "__version__",
    "default_db_path",
    "describe_patent",
    "fetch_patentsview",
    "load_assignments",
    "load_cpc",
    "load_ipc",
    "load_patentsview",
    "load_ppubs",
    "load_uspto_xml",
    "normalize_application_number",
    "normalize_patent_number",
    "quarantined_rows",
    "store_status",
    "try_normalize_patent_number",
]
