"""Bring a store up to date: fetch what the USPTO published since the store's newest grant,
load it, and bring the derived tables up to date.

``update_store`` asks the Open Data Portal for the weekly grant files from the day after
the store's newest grant date to ``until`` (default today) and for the newest cumulative
maintenance-fee file, downloads what the cache lacks (``warchest fetch``), loads each file
the store has not loaded yet (the load log's checksums), then, when anything was loaded,
derives again what the new files touched (``refresh_derived``: the touched patents'
owners, terms, markets, citation aggregates and product areas, and the indicators' cohort
statistics) or, with ``full``, everything (``run_steps``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from warchest.errors import InputError
from warchest.fetch import Fetched, fetch_uspto
from warchest.fetch.download import ProgressFn
from warchest.ingest import LoadReport, load_maintenance, load_uspto_xml
from warchest.refresh import RefreshReport, refresh_derived
from warchest.results import Result, Row
from warchest.store import Engine


@dataclass(frozen=True)
class UpdateReport(Result):
    """What ``update_store`` did: the store's newest grant before, the window asked for,
    each file fetched (and whether it was new to the store), the loads, and the seconds
    of each part (``fetch``, ``load``, and the derivation steps)."""

    newest_grant_before: dt.date
    since: dt.date
    until: dt.date
    fetched: tuple[Fetched, ...]
    loaded: tuple[str, ...]
    already_loaded: tuple[str, ...]
    loads: tuple[LoadReport, ...]
    derived: bool
    newest_grant_after: dt.date | None
    seconds: dict[str, float] = field(default_factory=dict)
    refresh: RefreshReport | None = None

    def rows(self) -> list[Row]:
        return [{"file": f.name, "status": f.status,
                 "loaded": "yes" if f.name in self.loaded else "already in the store"}
                for f in self.fetched]


def _loaded_checksums(store: Engine) -> set[str]:
    return {str(r["sha256"]) for r in store.rows(
        "SELECT DISTINCT sha256 FROM load_log WHERE sha256 IS NOT NULL AND status = 'ok'")}


def update_store(store: Engine, *, until: dt.date | None = None, cache: Path | None = None,
                 api_key: str | None = None, base_url: str | None = None,
                 derive: bool = True, full: bool = False,
                 progress: ProgressFn | None = None) -> UpdateReport:
    """Fetch and load the grants published since the store's newest grant and the newest
    maintenance-fee events, then (``derive``) derive again what they touched, or
    everything with ``full``. Needs a USPTO API key (``$USPTO_API_KEY``)."""
    newest = store.scalar("SELECT max(grant_date) FROM patents")
    if newest is None:
        raise InputError("the store has no granted patents to update from: load a full "
                         "release first (`warchest fetch patentsview`, then `warchest load "
                         "patentsview CACHE/patentsview`)")
    since = newest + dt.timedelta(days=1)
    until = until or dt.date.today()
    if until < since:
        raise InputError(f"--until {until} is before the day after the store's newest grant "
                         f"({since}): nothing to update")
    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    grants = fetch_uspto("grants", since=since, until=until, cache=cache, api_key=api_key,
                         base_url=base_url, progress=progress, missing_ok=True)
    maintenance = fetch_uspto("maintenance", cache=cache, api_key=api_key,
                              base_url=base_url, progress=progress)
    seconds["fetch"] = time.perf_counter() - tick
    known = _loaded_checksums(store)
    new_grants = [f for f in grants if f.sha256 not in known]
    new_fees = [f for f in maintenance if f.sha256 not in known]
    tick = time.perf_counter()
    loads = []
    if new_grants:
        loads.append(load_uspto_xml(store, [Path(f.path) for f in new_grants]))
    if new_fees:
        loads.append(load_maintenance(store, [Path(f.path) for f in new_fees]))
    seconds["load"] = time.perf_counter() - tick
    loaded = tuple(f.name for f in (*new_grants, *new_fees))
    refresh = None
    if loaded and derive and full:
        from warchest.pipeline import run_steps

        seconds.update(run_steps(store))
    elif loaded and derive:
        refresh = refresh_derived(store)
        seconds.update({f"refresh: {k}": v for k, v in refresh.seconds.items()})
    return UpdateReport(
        newest, since, until, (*grants, *maintenance), loaded,
        tuple(f.name for f in (*grants, *maintenance) if f.name not in loaded), tuple(loads),
        bool(loaded and derive), store.scalar("SELECT max(grant_date) FROM patents"),
        {k: round(v, 2) for k, v in seconds.items()}, refresh)
