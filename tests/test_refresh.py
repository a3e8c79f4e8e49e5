"""The incremental derivation (``refresh_derived``): after new loads it gives every derived
table what a full derivation of the same store gives, but for the names only a full name
resolution can cluster."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warchest import add_override, refresh_derived, run_steps
from warchest.cli import app
from warchest.demo import sample_path
from warchest.ingest import (
    load_assignments,
    load_cpc,
    load_ipc,
    load_patentsview,
    load_ppubs,
    load_ptab,
    load_uspto_xml,
)
from warchest.owners.names import name_key
from warchest.owners.resolve import entity_id
from warchest.owners.timeline import events_sql, name_counts_sql, ownership_sql
from warchest.pipeline import PIPELINE_TABLES
from warchest.store import Store

from .conftest import spark_problems

NAME_TABLES = ("owner_names", "owner_entities", "owner_links", "corporate_links",
               "ownership_events", "ownership")
"""What a full name resolution decides (a new name clustered by spelling or acronym)."""


def load_first(store: Store) -> None:
    """Every shipped sample but the full-text XML and the assignments."""
    load_cpc(store, [sample_path("cpc")])
    load_ipc(store, [sample_path("ipc")])
    load_patentsview(store, [sample_path("patentsview_partly_synthetic"),
                             sample_path("patentsview_legacy")])
    load_ppubs(store, [sample_path("ppubs")])
    load_ptab(store, [sample_path("ptab")])


def load_later(store: Store) -> None:
    """The loads of a later week: grants in full text (with their citations, CPC and
    assignees) and recorded assignments."""
    load_uspto_xml(store, [sample_path("uspto_xml")], workers=1)
    load_assignments(store, [sample_path("assignments")])


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """``full``: everything loaded, then derived in full; ``refreshed``: derived in full
    after the first loads, then the later loads and ``refresh_derived``."""
    folder = tmp_path_factory.mktemp("refresh")
    with Store(folder / "full.duckdb") as full, Store(folder / "refreshed.duckdb") as inc:
        load_first(full)
        load_later(full)
        run_steps(full)
        load_first(inc)
        run_steps(inc)
        before = {r["raw_name"]: r for r in inc.rows("SELECT * FROM owner_names")}
        keys = {r["name_key"]: r["entity_id"] for r in before.values()}
        loads_before = int(inc.scalar("SELECT max(load_id) FROM load_log"))
        load_later(inc)
        report = refresh_derived(inc)
        yield {"full": full, "refreshed": inc, "report": report, "names_before": before,
               "keys_before": keys, "loads_before": loads_before}


def differing_rows(a: Store, b: Store, table: str) -> tuple[int, int]:
    """Rows only in ``a``'s table and only in ``b``'s (load_id aside)."""
    cols = ", ".join(f'"{c}"' for c in a.tables[table].column_names if c != "load_id")
    rows = [Counter(tuple(r.values()) for r in s.rows(f'SELECT {cols} FROM "{table}"'))
            for s in (a, b)]
    return sum((rows[0] - rows[1]).values()), sum((rows[1] - rows[0]).values())


def test_refresh_gives_the_full_derivation_s_tables(stores: dict[str, object]) -> None:
    full, inc = stores["full"], stores["refreshed"]
    assert isinstance(full, Store) and isinstance(inc, Store)
    report = stores["report"]
    assert not report.full and report.reason == ""  # type: ignore[attr-defined]
    # the loads applied: every one after the full derivation (the XML files, assignments)
    loads = inc.rows("SELECT load_id FROM load_log WHERE load_id > ? AND loader <> 'refresh'"
                     " ORDER BY load_id", [stores["loads_before"]])
    assert report.loads == tuple(r["load_id"] for r in loads)  # type: ignore[attr-defined]
    assert len(report.loads) > 5  # type: ignore[attr-defined]
    for table in PIPELINE_TABLES:
        if table in NAME_TABLES:
            continue
        rows = int(full.scalar(f'SELECT count(*) FROM "{table}"'))
        assert rows > 0, table
        assert differing_rows(inc, full, table) == (0, 0), table
    # the name tables hold the same names, raw names and patents' periods
    for sql in ("SELECT raw_name, mentions, patents, countries FROM owner_names",
                "SELECT patent_id, owner_name, start_date, end_date, via FROM ownership",
                "SELECT patent_id, rf_id, kind, effective_date FROM ownership_events"):
        assert sorted(map(str, inc.rows(sql))) == sorted(map(str, full.rows(sql))), sql


def test_refresh_places_new_names_by_key(stores: dict[str, object]) -> None:
    """A known name keeps its company; a new name joins the company of its key, else
    founds one with the id of its key, its own group."""
    inc = stores["refreshed"]
    assert isinstance(inc, Store)
    before = stores["names_before"]
    keys = stores["keys_before"]
    assert isinstance(before, dict) and isinstance(keys, dict)
    after = inc.rows("SELECT n.raw_name, n.name_key, n.entity_id, e.ultimate_entity_id, "
                     "e.name FROM owner_names n JOIN owner_entities e USING (entity_id)")
    new = [r for r in after if r["raw_name"] not in before]
    joined = [r for r in new if r["name_key"] in keys]
    founded = [r for r in new if r["name_key"] not in keys]
    report = stores["report"]
    assert report.names["new"] == len(new) > 0  # type: ignore[attr-defined]
    assert report.names["joined by key"] == len(joined) > 0  # type: ignore[attr-defined]
    for r in after:
        if r["raw_name"] in before:
            assert r["entity_id"] == before[r["raw_name"]]["entity_id"], r
    for r in joined:
        assert r["entity_id"] == keys[r["name_key"]], r
    for r in founded:
        assert r["name_key"] == name_key(r["raw_name"])
        assert r["entity_id"] == entity_id(r["name_key"]) == r["ultimate_entity_id"], r
    # every company's counts are its names' (as a full resolution writes them)
    assert inc.rows("""SELECT e.entity_id FROM owner_entities e
        JOIN (SELECT entity_id, count(*) AS k, sum(patents) AS p FROM owner_names
              GROUP BY entity_id) n USING (entity_id)
        WHERE e.names <> n.k OR e.patents_at_grant <> n.p""") == []


def test_refresh_without_new_loads_does_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        load_ptab(store, [sample_path("ptab")])
        load_patentsview(store, [sample_path("patentsview_legacy")])
        first = refresh_derived(store)  # never derived: the full derivation
        assert first.full and first.reason == "the store has not been derived in full yet"
        assert store.scalar("SELECT count(*) FROM patent_indicators") == store.scalar(
            "SELECT count(*) FROM patents WHERE grant_date IS NOT NULL") > 0
        logged = store.scalar("SELECT count(*) FROM load_log")
        again = refresh_derived(store)
        assert (again.full, again.loads, again.touched) == (False, (), 0)
        assert store.scalar("SELECT count(*) FROM load_log") == logged
        add_override(store, "merge", "A", "B")
        assert refresh_derived(store).reason == ("owner overrides or groups were added: "
                                                 "names are resolved again")


def test_refresh_cli(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    with Store(db) as store:
        load_patentsview(store, [sample_path("patentsview_legacy")])
        run_steps(store)
        load_ptab(store, [sample_path("ptab")])  # proceedings and documents: 2 loads
        named = store.scalar("SELECT count(DISTINCT patent_id) FROM ptab_proceedings")
    result = CliRunner().invoke(app, ["refresh", "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert out.startswith(f"refreshed after 2 load(s): {named} patents touched; terms "
                          f"{named}, indicator_inputs {named}; names: 0 new"), out
    result = CliRunner().invoke(app, ["refresh", "--db", str(db)])
    assert " ".join(result.output.split()) == ("nothing to refresh: no loads since the last "
                                               "derivation")


def test_scoped_owner_sql_carries_over_to_spark() -> None:
    """The owners' SELECTs restricted to a table of patents (and the names' counts
    restricted to some names) are SQL Spark reads too (the other scoped SELECTs are
    checked beside their full versions)."""
    for sql in (events_sql("scope"), ownership_sql("scope"),
                name_counts_sql("raw_name IN (SELECT raw_name FROM names)")):
        assert spark_problems(sql) == []
