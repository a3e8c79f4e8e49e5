"""Download the real bulk files to a local cache (resumable, verified, with progress and a
manifest per folder): PatentsView, the USPTO's bulk products and research datasets
(assignments, litigation dockets), PTAB, the CPC and IPC."""

from warchest.fetch.catalogue import SOURCES, Source, SourceList, fetch_sources
from warchest.fetch.download import Fetched, default_cache_dir, fetch_file
from warchest.fetch.patentsview import (
    DEFAULT_TABLES,
    PATENTSVIEW_TABLES,
    PATENTSVIEW_URL,
    fetch_patentsview,
)
from warchest.fetch.schemes import CPC_VERSION, IPC_VERSION, fetch_scheme
from warchest.fetch.uspto import (
    ASSIGNMENT_TABLES,
    BULK_PRODUCTS,
    LITIGATION_TABLES,
    fetch_assignment_dataset,
    fetch_litigation_dataset,
    fetch_ptab,
    fetch_uspto,
    list_product_files,
)

__all__ = [
    "ASSIGNMENT_TABLES",
    "BULK_PRODUCTS",
    "CPC_VERSION",
    "DEFAULT_TABLES",
    "IPC_VERSION",
    "LITIGATION_TABLES",
    "PATENTSVIEW_TABLES",
    "PATENTSVIEW_URL",
    "SOURCES",
    "Fetched",
    "Source",
    "SourceList",
    "default_cache_dir",
    "fetch_assignment_dataset",
    "fetch_file",
    "fetch_litigation_dataset",
    "fetch_patentsview",
    "fetch_ptab",
    "fetch_scheme",
    "fetch_sources",
    "fetch_uspto",
    "list_product_files",
]
