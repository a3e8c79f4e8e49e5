"""What a store holds: tables and row counts, the load log, quarantine, provenance."""

from __future__ import annotations

from typing import Any

from warchest.store import Store


def store_status(store: Store, loads: int = 50) -> dict[str, Any]:
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
    return {
        "store": store.path,
        "schema_version": store.version,
        "tables": counts,
        "totals": totals,
        "labels": labels,
        "contains_synthetic": synthetic,
        "synthetic_kind": synthetic_kind(store),
        "loads": log,
        "quarantine_rows": store.scalar("SELECT count(*) FROM quarantine"),
    }


def _any_synthetic(labels: list[dict[str, Any]]) -> bool:
    return any("synthetic" in (row["label"] or "").lower() for row in labels)


def contains_synthetic(store: Store) -> bool:
    """Whether any successful load into the store was labelled synthetic."""
    return _any_synthetic(store.rows(
        "SELECT DISTINCT label FROM load_log WHERE label IS NOT NULL AND status = 'ok'"))


def synthetic_kind(store: Store) -> str | None:
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


def quarantined_rows(store: Store, load_id: int | None = None, limit: int = 100
                     ) -> list[dict[str, Any]]:
    """Rows that could not be loaded, with file, line and reason (latest loads first)."""
    where = "WHERE q.load_id = ?" if load_id is not None else ""
    params: list[Any] = [load_id] if load_id is not None else []
    return store.rows(
        "SELECT q.load_id, q.path, q.member, q.line, q.record, q.reason, q.raw FROM quarantine q "
        f"{where} ORDER BY q.load_id DESC, q.line LIMIT ?",
        [*params, limit],
    )
