"""User decisions that win over automatic ones: merges, splits, renames, parents, and
corporate groups read from a file (CSV, YAML, GLEIF)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from warchest.errors import (
    InputError,
)
from warchest.owners.groups import read_gleif, read_groups_file
from warchest.store import Engine

OVERRIDE_ACTIONS = ("merge", "split", "rename", "parent", "unparent")


def add_override(store: Engine, action: str, subject: str, obj: str | None = None,
                 note: str | None = None, source: str = "override") -> None:
    """Record a user decision; it applies from the next ``resolve_owners``."""
    if action not in OVERRIDE_ACTIONS:
        raise InputError(f"unknown override action {action!r}; use one of "
                            f"{', '.join(OVERRIDE_ACTIONS)}")
    if action in ("merge", "rename", "parent") and not obj:
        raise InputError(f"the override {action!r} needs a second value (the other name,"
                            " the new name or the parent)")
    _write_overrides(store, [(action, subject, obj, note, source)], "owners override")


def _write_overrides(store: Engine, rows: list[tuple[str, str, str | None, str | None, str]],
                     loader: str, path: str = "(command line)") -> None:
    now = dt.datetime.now()
    with store.transaction():
        load_id = store.begin_load(loader, path, None, None, None)
        store.write("owner_overrides", pa.table({
            "action": [r[0] for r in rows], "subject": [r[1] for r in rows],
            "object": [r[2] for r in rows], "note": [r[3] for r in rows],
            "source": [r[4] for r in rows],
            "created": pa.array([now] * len(rows), pa.timestamp("us")),
        }), load_id)
        store.finish_load(load_id, rows_read=len(rows), rows_loaded=len(rows),
                          rows_quarantined=0, outputs={"owner_overrides": (len(rows), 0)})


def import_groups(store: Engine, path: Path, gleif_lei: list[Path] | None = None) -> int:
    """Add parent/subsidiary relations from a groups file (CSV/YAML) or, with
    ``gleif_lei``, from GLEIF Level 2 relationship records; returns how many."""
    rels = read_gleif(path, gleif_lei) if gleif_lei else read_groups_file(path)
    _write_overrides(store, [("parent", r.child, r.parent, r.evidence, r.source)
                             for r in rels], "owners groups", str(path))
    return len(rels)
