"""Loaders for the real bulk formats. Each takes files, folders or zip archives, streams
them into the store and returns a :class:`LoadReport` (read / loaded / quarantined per file).

Loading is idempotent: a file loaded twice leaves the same rows, and a newer release of a
table replaces the rows an older one wrote for the same patents (or reassignments, symbols).
"""

from warchest.ingest.loaders import (
    load_assignments,
    load_cpc,
    load_families,
    load_ipc,
    load_litigation,
    load_maintenance,
    load_patentsview,
    load_ppubs,
    load_ptab,
    load_uspto_xml,
)
from warchest.ingest.runner import FileResult, LoadReport, ProgressFn

__all__ = [
    "FileResult",
    "LoadReport",
    "ProgressFn",
    "load_assignments",
    "load_cpc",
    "load_families",
    "load_ipc",
    "load_litigation",
    "load_maintenance",
    "load_patentsview",
    "load_ppubs",
    "load_ptab",
    "load_uspto_xml",
]
