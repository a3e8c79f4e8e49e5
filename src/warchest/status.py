"""What a store holds: tables and row counts, the load log, quarantine, provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warchest.results import Result, Row
from warchest.store import Engine, Store


@dataclass(frozen=True)
class StoreStatus(Result):
    """A store's summary: its path and schema version, rows per table (``tables``), the
    load log's totals (``totals``: loads, failed, rows read, loaded, quarantined), the
    provenance labels and how many loads carried each, whether any data is synthetic
    (``synthetic_kind``: "synthetic", "partly synthetic" or None), the latest loads, newest
    first (the main table), and the rows in quarantine."""

    TABLE = "loads"
    store: str
    schema_version: int
    tables: dict[str, int]
    totals: Row
    labels: tuple[Row, ...]
    contains_synthetic: bool
    synthetic_kind: str | None
    loads: tuple[Row, ...]
    quarantine_rows: int


@dataclass(frozen=True)
class Quarantine(Result):
    """Rows a load set aside, latest loads first: load id, file (``path`` and archive
    ``member``), line or record, reason and the raw text."""

    TABLE = "records"
    load_id: int | None
    """The load asked for (None: every load)."""
    records: tuple[Row, ...]


def store_status(store: Store, loads: int = 50) -> StoreStatus:
    """A summary of the store: schema version, rows per table, the latest loads, how many
    rows were quarantined, and provenance labels (e.g. synthetic data) of what was loaded."""
    counts = store.table_counts()
    log = store.rows(
        "SELECT l.load_id, l.loader, l.path, l.member, l.sha256, l.rows_read, l.rows_loaded,"
        " l.rows_quarantined, l.started, l.finished, l.status, l.label,"
        " (SELECT string_agg(table_name || ':' || rows_written, ', ' ORDER BY table_name)"
        "  FROM load_outputs o WHERE o.load_id = l.load_id) AS outputs"
        " FROM load_log l ORDER BY l.load_id DESC LIMIT ?",
        [loads],
    )
    labels = store.rows(
        "SELECT label, count(*) AS loads FROM load_log WHERE label IS NOT NULL"
        " AND status = 'ok' GROUP BY label ORDER BY label"
    )
    totals = store.rows(
        "SELECT count(*) AS loads, coalesce(sum(rows_read), 0) AS rows_read,"
        " coalesce(sum(rows_loaded), 0) AS rows_loaded,"
        " coalesce(sum(rows_quarantined), 0) AS rows_quarantined,"
        " count(*) FILTER (WHERE status <> 'ok') AS failed FROM load_log"
    )[0]
    synthetic = _any_synthetic(labels)
    return StoreStatus(str(store.path), int(store.version), counts, totals, tuple(labels),
                       synthetic, synthetic_kind(store), tuple(log),
                       int(store.scalar("SELECT count(*) FROM quarantine")))


def _any_synthetic(labels: list[dict[str, Any]]) -> bool:
    return any("synthetic" in (row["label"] or "").lower() for row in labels)


def contains_synthetic(store: Engine) -> bool:
    """Whether any successful load into the store was labelled synthetic."""
    return _any_synthetic(store.rows(
        "SELECT DISTINCT label FROM load_log WHERE label IS NOT NULL AND status = 'ok'"))


def synthetic_kind(store: Engine) -> str | None:
    """"synthetic" when a load was labelled synthetic outright (a generated world),
    "partly synthetic" when only samples labelled partly synthetic were (real ids, dates,
    titles and owners, some fields filled in), else None."""
    labels = [str(r["label"]).lower() for r in store.rows(
        "SELECT DISTINCT label FROM load_log WHERE label IS NOT NULL AND status = 'ok'")]
    synthetic = [label for label in labels if "synthetic" in label]
    if not synthetic:
        return None
    return "partly synthetic" if all("partly synthetic" in x for x in synthetic) \
        else "synthetic"


SMALL_STORE = 100_000
"""Fewer patents than this: results are computed from a small sample, not companies'
whole portfolios (the shipped samples hold about 11,000)."""


@dataclass(frozen=True)
class Provenance(Result):
    """What a reader of any result from a store should be told with it: whether the data
    is synthetic (``synthetic_kind``: "synthetic", "partly synthetic" or None) and whether
    the store is a small sample (fewer than ``SMALL_STORE`` patents)."""

    synthetic_kind: str | None
    patents: int
    small_sample: bool


def store_provenance(store: Engine) -> Provenance:
    """Whether a store's data is synthetic and whether it is a small sample."""
    patents = int(store.scalar("SELECT count(*) FROM patents") or 0)
    return Provenance(synthetic_kind(store), patents, patents < SMALL_STORE)


def quarantined_rows(store: Engine, load_id: int | None = None, limit: int = 100
                     ) -> Quarantine:
    """Rows that could not be loaded, with file, line and reason (latest loads first)."""
    where = "WHERE q.load_id = ?" if load_id is not None else ""
    params: list[Any] = [load_id] if load_id is not None else []
    return Quarantine(load_id, tuple(store.rows(
        "SELECT q.load_id, q.path, q.member, q.line, q.record, q.reason, q.raw FROM quarantine q "
        f"{where} ORDER BY q.load_id DESC, q.line LIMIT ?",
        [*params, limit],
    )))
