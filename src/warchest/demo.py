"""The demo: a store built from the real samples shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from warchest.ingest import (
    LoadReport,
    load_assignments,
    load_cpc,
    load_ipc,
    load_patentsview,
    load_ppubs,
    load_uspto_xml,
)
from warchest.ingest.runner import ProgressFn
from warchest.store import Store

SAMPLES = Path(__file__).parent / "samples"


def sample_path(*parts: str) -> Path:
    """Path of a sample shipped with warchest (see ``samples/SOURCES.md``)."""
    return SAMPLES.joinpath(*parts)


def load_samples(store: Store, progress: ProgressFn | None = None) -> list[LoadReport]:
    """Load every shipped sample into ``store`` (idempotent: running it twice leaves the same
    rows)."""
    return [
        load_cpc(store, [sample_path("cpc")], progress=progress),
        load_ipc(store, [sample_path("ipc")], progress=progress),
        load_patentsview(store, [sample_path("patentsview_partly_synthetic"),
                                 sample_path("patentsview_legacy")], progress=progress),
        load_ppubs(store, [sample_path("ppubs")], progress=progress),
        load_uspto_xml(store, [sample_path("uspto_xml")], progress=progress),
        load_assignments(store, [sample_path("assignments")], progress=progress),
    ]
