"""warchest: who owns which patents, what they are worth, who can sue whom, and which
patents to buy, from the public bulk patent data.

The public API (the CLI, REST API and web pages are thin layers over it)::

    import warchest
    with warchest.Store("warchest.duckdb") as store:
        warchest.load_patentsview(store, ["g_patent.tsv.zip"])
        warchest.describe_patent(store, "US 10,000,000 B2")

Importing the package does nothing else: no files, no network, no logging handlers. Its
names are imported when first used (PEP 562), so that ``import warchest.synth`` does not
load DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOME = {
    "WarchestError": "warchest.errors",
    "fetch_patentsview": "warchest.fetch",
    "FileResult": "warchest.ingest",
    "LoadReport": "warchest.ingest",
    "load_assignments": "warchest.ingest",
    "load_cpc": "warchest.ingest",
    "load_ipc": "warchest.ingest",
    "load_patentsview": "warchest.ingest",
    "load_ppubs": "warchest.ingest",
    "load_uspto_xml": "warchest.ingest",
    "normalize_application_number": "warchest.numbers",
    "normalize_patent_number": "warchest.numbers",
    "try_normalize_patent_number": "warchest.numbers",
    "describe_patent": "warchest.patents",
    "quarantined_rows": "warchest.status",
    "store_status": "warchest.status",
    "Store": "warchest.store",
    "default_db_path": "warchest.store",
    "__version__": "warchest.version",
}
"""The module each public name comes from."""


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'warchest' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
