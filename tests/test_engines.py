"""One logic, two engines. The pipeline's steps (``resolve_owners``, ``compute_values``,
``map_technology``) run unchanged on the DuckDB store and on a Parquet lake worked by Spark
(local[2]); every table they write is identical, row for row (floats within 1e-9
relative), on the shipped real samples (with the maintenance-fee fixture: some patents
lapse) and on a 20,000-patent SYNTHETIC world (reassignments, mergers, lapses, families).
Tests marked ``engines`` run one body on each engine."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import warchest
from warchest.pipeline import PIPELINE_TABLES
from warchest.store import LOG_TABLES, Engine, Store
from warchest.store.dialect import inline_params, query_steps, spark_steps
from warchest.store.spark import SparkEngine
from warchest.value.views import status_on

from .conftest import FIXTURES, write
from .test_value import EXPIRIES


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row.values())


def _differences(got: pa.Table, want: pa.Table) -> dict[str, int]:
    """Cells that differ per column, after sorting both tables the same way."""
    columns = [c for c in want.column_names if c != "load_id"]
    a = sorted(got.select(columns).to_pylist(), key=_key)
    b = sorted(want.select(columns).to_pylist(), key=_key)
    assert len(a) == len(b)
    out: dict[str, int] = {}
    for x, y in zip(a, b, strict=True):
        for c in columns:
            u, v = x[c], y[c]
            same = (math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-12)
                    if isinstance(u, float) and isinstance(v, float) else u == v)
            if not same:
                out[c] = out.get(c, 0) + 1
    return out


@pytest.fixture(scope="module")
def samples_lake(sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[tuple[Store, Path]]:
    """The samples (with the maintenance fixture) stepped on DuckDB, and their loaded
    tables exported to a lake (``warchest export parquet``) and stepped on Spark there
    (``warchest lake derive``)."""
    folder = tmp_path_factory.mktemp("engines")
    shutil.copy(sample_store_path, folder / "samples.duckdb")
    with Store(folder / "samples.duckdb") as store:
        warchest.load_maintenance(store, [FIXTURES / "value" / "MaintFeeEvents_20260105.txt"])
        exported = warchest.export_parquet(store, folder / "lake")
        assert {t.table for t in exported.tables} == {*store.tables, *LOG_TABLES}
        warchest.resolve_owners(store)
        warchest.compute_values(store)
        warchest.map_technology(store)
        done = warchest.derive_lake(str(folder / "lake"))
        assert [t.table for t in done.tables] == list(PIPELINE_TABLES)
        assert list(done.seconds)[:4] == ["open", "owners", "values", "techmap"]
        assert {"owners: events", "values: patent_indicators",
                "techmap: patent_products"} <= set(done.seconds)
        yield store, folder / "lake"


@pytest.fixture(scope="module")
def engine(engine_name: str, samples_lake: tuple[Store, Path]) -> Engine:
    store, lake = samples_lake
    return store if engine_name == "duckdb" else SparkEngine(lake)


@pytest.mark.parametrize("table", PIPELINE_TABLES)
def test_every_table_the_steps_write_is_the_same_on_spark(
        samples_lake: tuple[Store, Path], table: str) -> None:
    store, lake = samples_lake
    want = store.query(f'SELECT * FROM "{table}"')
    assert want.num_rows > 0, table  # the samples fill it
    got = SparkEngine(lake).query(f"SELECT * FROM {table}")
    assert got.num_rows == want.num_rows
    assert _differences(got, want) == {}


@pytest.mark.engines
@pytest.mark.parametrize(("patent", "expiry", "rule"), EXPIRIES)
def test_expiry_on_real_patents_on_each_engine(engine: Engine, patent: str, expiry: str,
                                                rule: str) -> None:
    row = engine.rows("SELECT expiry_date, expiry_rule FROM patent_terms "
                      "WHERE patent_id = ?", [patent])
    assert row[0]["expiry_date"] == dt.date.fromisoformat(expiry)
    assert rule in str(row[0]["expiry_rule"])


@pytest.mark.engines
def test_lapse_and_status_on_each_engine(engine: Engine) -> None:
    """7157516 (granted 2007-01-02) paid the 3.5-year fee but not the 7.5-year one: lapsed
    at grant + 8 years; 6981898 expired 2022-01-30 (test_value.py). The read side
    (``status_on``, ``patent_value``) on either engine."""
    assert status_on(engine, "7157516", dt.date(2015, 1, 1)).status == "in force"
    lapsed = status_on(engine, "7157516", dt.date(2015, 1, 2))
    assert lapsed.status == "lapsed" and "grant 2007-01-02 + 8 years" in str(lapsed.because)
    expired = warchest.patent_value(engine, "6981898", dt.date(2023, 1, 1))
    assert expired.status.status == "expired" and expired.value == 0.0


@pytest.mark.engines
def test_each_engine_logs_the_steps(engine: Engine) -> None:
    """Both logs hold the three steps, finished: DuckDB's beside the loads, the lake's
    exported with the tables and continued by Spark."""
    steps = engine.rows("SELECT loader, status FROM load_log WHERE loader IN "
                        "('owners resolve', 'value compute', 'techmap') ORDER BY load_id")
    assert [s["loader"] for s in steps][-3:] == ["owners resolve", "value compute", "techmap"]
    assert {s["status"] for s in steps} == {"ok"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, SparkEngine]]:
    """A 20,000-patent SYNTHETIC world stepped in a store, and its loaded tables stepped
    on Spark in a lake."""
    from warchest.demo import build_world_store

    folder = tmp_path_factory.mktemp("engines-world")
    warchest.generate_world(folder / "world", 20_000, 7, "smartphone-expansion")
    store, _ = build_world_store(folder / "world", folder / "world.duckdb")
    with store:
        warchest.export_parquet(store, folder / "lake", [
            t for t in (*store.tables, *LOG_TABLES) if t not in PIPELINE_TABLES])
        warchest.derive_lake(str(folder / "lake"))
        yield store, SparkEngine(folder / "lake")


@pytest.mark.parametrize("table", [t for t in PIPELINE_TABLES
                                   if t != "patent_fields"])  # no IPC concordance there
def test_spark_writes_the_same_rows_on_a_synthetic_world(
        world: tuple[Store, SparkEngine], table: str) -> None:
    store, lake = world
    want = store.query(f'SELECT * FROM "{table}"')
    assert want.num_rows > 10, table
    got = lake.query(f"SELECT * FROM {table}")
    assert got.num_rows == want.num_rows
    assert _differences(got, want) == {}


def test_exposure_is_the_same_on_spark(world: tuple[Store, SparkEngine]) -> None:
    """The exposure evidence (stock in force per market, technology profiles, CPC
    vectors, subgroups, citations by target, product areas) read from either engine
    gives the same matrices and the same evidence: every patent, reason and count. The
    matrices are float32 sums, whose order follows the rows' order: equal within 1e-6."""
    import numpy as np

    store, lake = world
    names = [r["name"] for r in store.rows(
        "SELECT e.name, count(*) AS n FROM ownership o JOIN owner_entities e USING "
        "(entity_id) WHERE o.end_date IS NULL GROUP BY e.name ORDER BY n DESC, e.name LIMIT 5")]
    on = dt.date(2020, 1, 1)
    want = warchest.compute_exposures(store, names, ["US", "EP"], on)
    got = warchest.compute_exposures(lake, names, ["US", "EP"], on)
    for market in ("US", "EP"):
        a, b = np.array(want[market].matrix), np.array(got[market].matrix)
        assert a.sum() > 10  # the five biggest owners are exposed to each other
        assert np.allclose(a, b, rtol=1e-6, atol=0)
        x, y = want[market].to_dict(), got[market].to_dict()
        assert {k: v for k, v in x.items() if k not in ("matrix", "seconds")} == \
            {k: v for k, v in y.items() if k not in ("matrix", "seconds")}


def test_the_deal_is_the_same_on_spark(world: tuple[Store, SparkEngine],
                                       tmp_path: Path) -> None:
    """The demo's deal on the world (buyer, seller, threats from its truth; 50 patents;
    the exact optimiser too) planned on either engine: the same package, patent for
    patent, and the same objective, price and cross-licence (sums of floats in another
    order: within 1e-9)."""
    from warchest.demo import write_demo_scenario

    store, lake = world
    world_folder = Path(str(store.path)).parent / "world"
    scenario = warchest.load_scenario(write_demo_scenario(
        world_folder, tmp_path / "scenario.yaml", None, 50))
    want, got = warchest.plan_deal(store, scenario), warchest.plan_deal(lake, scenario)
    assert len(want.package) > 5
    assert [r["patent_id"] for r in got.package] == [r["patent_id"] for r in want.package]

    def close(a: Any, b: Any) -> bool:
        if isinstance(a, float) and isinstance(b, float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a
                                                if k != "seconds")
        if isinstance(a, list | tuple) and isinstance(b, list | tuple):
            return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
        return bool(a == b)

    x, y = want.to_dict(), got.to_dict()
    assert [k for k in x if k != "seconds" and not close(x[k], y[k])] == []


def test_a_derivation_runs_in_stages_with_doubles() -> None:
    """A CTE read more than once is a step of its own (Spark would inline it into each
    reader), named so that it cannot hide a table; one read once stays a CTE of its
    reader, one read by none is left out; a literal with a fraction is a DOUBLE, as
    DuckDB computes with."""
    steps = spark_steps("WITH a AS (SELECT x / 365.25 AS y FROM t), b AS (SELECT y FROM a), "
                        "c AS (SELECT 1 AS z) SELECT y * 2 FROM b JOIN a USING (y)", "_q1_")
    assert steps == [
        ("_q1_a", "SELECT x / CAST(365.25 AS DOUBLE) AS y FROM t"),
        (None, "WITH b AS (SELECT y FROM _q1_a AS a) SELECT y * 2 FROM b JOIN _q1_a AS a "
               "USING (y)")]


def test_steps_named_by_the_caller_and_duckdb_s_own_dialect() -> None:
    """A CTE named in ``also`` is a step even when read once; in DuckDB's dialect literals
    stay as written; a name that is no CTE of the query is refused, by name."""
    sql = ("WITH a AS (SELECT x / 365.25 AS y FROM t), b AS (SELECT y FROM a), "
           "c AS (SELECT y + 1 AS z FROM b) SELECT z FROM c")
    assert query_steps(sql, "_s_", also=("b",)) == [
        ("_s_b", "WITH a AS (SELECT x / 365.25 AS y FROM t) SELECT y FROM a"),
        (None, "WITH c AS (SELECT y + 1 AS z FROM _s_b AS b) SELECT z FROM c")]
    with pytest.raises(ValueError, match="no CTE named d in the query"):
        query_steps(sql, "_s_", also=("d",))


def test_a_derivation_in_steps_on_duckdb(tmp_path: Path) -> None:
    """``Store.derive`` in steps appends the rows of the one statement and drops its step
    tables; a failing step raises, leaves no table behind, and the transaction is rolled
    back."""
    sql = ("WITH p AS (SELECT patent_id, num_claims FROM patents), "
           "big AS (SELECT patent_id, num_claims FROM p WHERE num_claims > {n}) "
           "SELECT 'US' AS jurisdiction, patent_id AS country, 'n' AS name, "
           "CAST(b.num_claims AS DOUBLE) * 2 AS weight, 'b' AS basis, 's' AS source "
           "FROM big b JOIN p USING (patent_id)")
    with Store(tmp_path / "s.duckdb") as store:
        lid = store.begin_load("test", "t", None, None, None)
        store.write("patents", pa.table({"patent_id": ["1", "2", "3"],
                                         "num_claims": pa.array([1, 5, 7], pa.int32())}), lid)
        tables = store.scalar("SELECT count(*) FROM duckdb_tables()")
        with store.transaction():
            assert store.derive("market_weights", sql.format(n=1), lid, steps=("big",)) == 2
        assert store.rows("SELECT country, weight FROM market_weights ORDER BY 1") == [
            {"country": "2", "weight": 10.0}, {"country": "3", "weight": 14.0}]
        assert store.scalar("SELECT count(*) FROM duckdb_tables()") == tables
        with pytest.raises(Exception, match="Could not convert string 'x'"), \
                store.transaction():
            store.clear("market_weights")
            store.derive("market_weights", sql.format(n="CAST('x' AS INTEGER)"), lid,
                         steps=("big",))
        assert store.scalar("SELECT count(*) FROM market_weights") == 2
        assert store.scalar("SELECT count(*) FROM duckdb_tables()") == tables


def test_parameters_become_quoted_literals() -> None:
    """Spark SQL takes no ``?`` parameters: each becomes a literal, a string quoted (a
    quote in it doubled), never spliced as SQL."""
    sql = inline_params("SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d IS ?",
                        ["x'; DROP TABLE t; --", 3, dt.date(2020, 1, 2), None])
    assert sql == ("SELECT * FROM t WHERE a = 'x''; DROP TABLE t; --' AND b = 3 AND "
                   "c = DATE '2020-01-02' AND d IS NULL")
    assert inline_params("SELECT '?' AS q, ? AS v", [1]) == "SELECT '?' AS q, 1 AS v"
    with pytest.raises(ValueError, match="1 parameters, 2 given"):
        inline_params("SELECT ?", [1, 2])


def test_a_failed_transaction_on_the_lake_moves_nothing(samples_lake: tuple[Store, Path]
                                                        ) -> None:
    """Writes inside a transaction wait beside the lake; a failure deletes them and the
    tables read as before."""
    _, lake = samples_lake
    spark = SparkEngine(lake)
    before = spark.scalar("SELECT count(*) FROM patent_fields")
    with pytest.raises(RuntimeError, match="stop"), spark.transaction():
        assert spark.clear("patent_fields") == before
        assert spark.scalar("SELECT count(*) FROM patent_fields") == 0
        raise RuntimeError("stop")
    assert spark.scalar("SELECT count(*) FROM patent_fields") == before
    assert SparkEngine(lake).scalar("SELECT count(*) FROM patent_fields") == before


def test_a_lake_without_patents_is_named(tmp_path: Path) -> None:
    (tmp_path / "lake" / "cpc").mkdir(parents=True)
    with pytest.raises(warchest.NotFound, match="holds no patents table"):
        warchest.derive_lake(str(tmp_path / "lake"))


# --------------------------------------------------------------------------- loads
def _g_patent(samples: Path) -> tuple[str, list[list[str]]]:
    import zipfile

    with zipfile.ZipFile(samples / "patentsview_partly_synthetic" / "g_patent.tsv.zip") as z:
        lines = z.read(z.namelist()[0]).decode("utf-8").splitlines()
    return lines[0], [line.split("\t") for line in lines[1:41]]


def _load_files(engine: Engine, samples: Path, folder: Path) -> list[warchest.LoadReport]:
    """40 real g_patent rows with the first repeated further down (a changed title),
    loaded twice (the reload replaces the first load); the maintenance fixture (one
    malformed line); then a file giving 3 of the patents again without a title or type
    (both kept from the reload, which ``merged_from`` names)."""
    header, rows = _g_patent(samples)
    again = [*rows[0][:3], "A corrected title", *rows[0][4:]]
    first = write(folder / "g_patent.tsv",
                  "\n".join("\t".join(r) for r in [header.split("\t"), *rows, again]) + "\n")
    blank = [[r[0], "", r[2], "", *r[4:]] for r in rows[1:4]]
    second = write(folder / "update" / "g_patent.tsv",
                   "\n".join("\t".join(r) for r in [header.split("\t"), *blank]) + "\n")
    return [warchest.load_patentsview(engine, [first]),
            warchest.load_patentsview(engine, [first]),
            warchest.load_maintenance(engine, [FIXTURES / "value" /
                                               "MaintFeeEvents_20260105.txt"]),
            warchest.load_patentsview(engine, [second])]


_LOADED: dict[str, tuple[Engine, list[warchest.LoadReport]]] = {}


def _loaded(engine_name: str, samples: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Engine, list[warchest.LoadReport]]:
    """The same files loaded into an empty store and into an empty lake (once each)."""
    if engine_name not in _LOADED:
        folder = tmp_path_factory.mktemp(f"loads-{engine_name}")
        engine: Engine = (Store(folder / "store.duckdb") if engine_name == "duckdb"
                          else warchest.open_lake(folder / "lake"))
        inputs = tmp_path_factory.getbasetemp() / "load-inputs"  # the same paths in both
        _LOADED[engine_name] = engine, _load_files(engine, samples, inputs)
    return _LOADED[engine_name]


@pytest.fixture(scope="module")
def loaded(engine_name: str, samples: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Engine, list[warchest.LoadReport]]:
    return _loaded(engine_name, samples, tmp_path_factory)


@pytest.mark.engines
def test_loads_on_each_engine(loaded: tuple[Engine, list[warchest.LoadReport]],
                              samples: Path) -> None:
    engine, reports = loaded
    counts = [(r.rows_read, r.rows_loaded, r.rows_quarantined) for r in reports]
    assert counts == [(41, 40, 1), (41, 40, 1), (7, 6, 1), (3, 3, 0)]
    _, rows = _g_patent(samples)
    assert engine.scalar("SELECT count(*) FROM patents") == 40
    assert engine.rows("SELECT title FROM patents WHERE patent_id = ?", [rows[0][0]]) == [
        {"title": "A corrected title"}]
    # the update left title and type empty: both kept from load 2, which merged_from names
    kept = engine.rows("SELECT patent_id, title, patent_type, merged_from, load_id "
                       "FROM patents WHERE patent_id IN (?, ?, ?) ORDER BY patent_id",
                       [r[0] for r in rows[1:4]])
    assert [(k["title"], k["patent_type"], k["merged_from"], k["load_id"]) for k in kept] == [
        (r[3], r[1], "2", 4) for r in sorted(rows[1:4])]
    quarantined = engine.rows("SELECT load_id, line, record, reason FROM quarantine "
                              "ORDER BY load_id")
    # the reload replaced load 1's quarantined row
    assert [(q["load_id"], q["line"], q["record"]) for q in quarantined] == [
        (2, None, rows[0][0]), (3, 7, None)]
    assert "repeated key" in quarantined[0]["reason"]
    log = engine.rows("SELECT load_id, loader, status, rows_read FROM load_log ORDER BY load_id")
    assert [(r["load_id"], r["loader"], r["status"], r["rows_read"]) for r in log] == [
        (1, "patentsview", "ok", 41), (2, "patentsview", "ok", 41),
        (3, "maintenance", "ok", 7), (4, "patentsview", "ok", 3)]


def test_loads_write_the_same_rows_on_both_engines(samples: Path,
                                                   tmp_path_factory: pytest.TempPathFactory
                                                   ) -> None:
    """Every table, load ids and ``merged_from`` included, is the same in the store and
    the lake after the same loads."""
    store, _ = _loaded("duckdb", samples, tmp_path_factory)
    lake, _ = _loaded("spark", samples, tmp_path_factory)
    for table in [*store.tables, "quarantine", "load_outputs"]:
        want = store.query(f'SELECT * FROM "{table}"')
        got = lake.query(f"SELECT * FROM {table}")
        assert got.num_rows == want.num_rows, table
        if want.num_rows:
            assert _differences(got, want) == {}, table


def test_the_lake_logs_with_the_store_s_columns(store: Store) -> None:
    from warchest.store.spark import LOG_SCHEMAS

    for table in LOG_SCHEMAS:
        assert store.query(f"SELECT * FROM {table.name}").schema.names == list(
            table.column_names), table.name


def test_the_command_line_on_a_lake(tmp_path: Path) -> None:
    """`warchest --engine spark --lake PATH ...` runs a command on the lake (`--lake`
    alone implies Spark); commands about the store file say they need one; a missing
    lake, a wrong engine or both --db and --lake are named."""
    import json

    from typer.testing import CliRunner

    from warchest.cli import app

    runner = CliRunner()
    lake = str(tmp_path / "lake")
    fees = str(FIXTURES / "value" / "MaintFeeEvents_20260105.txt")
    done = runner.invoke(app, ["--engine", "spark", "--lake", lake, "load", "maintenance",
                               fees, "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert (report["rows_read"], report["rows_loaded"], report["rows_quarantined"]) == (7, 6, 1)
    assert (tmp_path / "lake" / "maintenance_events").is_dir()
    shown = runner.invoke(app, ["--lake", lake, "quarantine", "--json"])
    assert shown.exit_code == 0, shown.output
    assert [(r["line"], r["path"]) for r in json.loads(shown.stdout)["records"]] == [(7, fees)]
    status = runner.invoke(app, ["--lake", lake, "status"])
    assert status.exit_code == 1 and "works on a DuckDB store (--db), not on a lake" in \
        status.stderr
    both = runner.invoke(app, ["--lake", lake, "owners", "find", "Apple", "--db", "x.duckdb"])
    assert both.exit_code == 1 and f"--engine spark works on the lake {lake}" in both.stderr
    bare = runner.invoke(app, ["--engine", "spark", "status"])
    assert bare.exit_code == 2 and "--engine spark needs --lake PATH" in bare.stderr
    wrong = runner.invoke(app, ["--engine", "postgres", "status"])
    assert wrong.exit_code == 2 and "'postgres' is not one of 'duckdb', 'spark'" in wrong.stderr


def test_two_lakes_open_side_by_side(tmp_path: Path) -> None:
    """Each engine reads its own lake: a table is a view in the engine's own session."""
    one, two = warchest.open_lake(tmp_path / "one"), warchest.open_lake(tmp_path / "two")
    one.write("market_weights", pa.table({"jurisdiction": ["US"], "country": ["US"]}), 1)
    assert one.scalar("SELECT count(*) FROM market_weights") == 1
    assert two.scalar("SELECT count(*) FROM market_weights") == 0
    assert one.session.sparkContext is two.session.sparkContext


def test_the_master_is_spark_submit_s_when_it_runs_the_code(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Under spark-submit (PySpark then finds the JVM it started through
    $PYSPARK_GATEWAY_PORT) no master is set, so spark-submit's --master holds; run
    directly, the default is local[2]; a master given is kept."""
    from warchest.store.spark import chosen_master

    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    assert chosen_master(None) == "local[2]"
    assert chosen_master("yarn") == "yarn"
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "40123")
    assert chosen_master(None) is None
    assert chosen_master("local[1]") == "local[1]"


def test_python_dash_m_warchest_is_the_command_line() -> None:
    """`python -m warchest` (the file spark-submit runs, docs/engines.md) is the CLI."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "warchest", "--version"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, warchest.__version__)


@pytest.mark.engines
def test_a_refused_file_leaves_nothing_but_its_log_row(engine_name: str, tmp_path: Path
                                                       ) -> None:
    """A file refused whole (no patent_id column) writes no row and logs the failure; the
    next load on the same engine goes on from there."""
    engine: Engine = (Store(tmp_path / "store.duckdb") if engine_name == "duckdb"
                      else warchest.open_lake(tmp_path / "lake"))
    bad = write(tmp_path / "g_patent.tsv", "patent_title\tpatent_date\nA title\t2020-01-07\n")
    with pytest.raises(warchest.WarchestError, match="patent_id"):
        warchest.load_patentsview(engine, [bad])
    assert engine.scalar("SELECT count(*) FROM patents") == 0
    report = warchest.load_maintenance(engine, [FIXTURES / "value" /
                                                "MaintFeeEvents_20260105.txt"])
    assert (report.rows_loaded, report.rows_quarantined) == (6, 1)
    log = engine.rows("SELECT load_id, status FROM load_log ORDER BY load_id")
    assert [r["load_id"] for r in log] == [1, 2]
    assert log[0]["status"].startswith("failed: ") and log[1]["status"] == "ok"
    assert engine.scalar("SELECT count(*) FROM quarantine") == 1


@pytest.mark.engines
def test_a_derivation_replacing_some_keys(engine_name: str, tmp_path: Path) -> None:
    """``derive(..., replacing=K)`` deletes the table's rows whose key (K's first column)
    is in K, then appends the SELECT's rows; the other rows stay as they were."""
    engine: Engine = (Store(tmp_path / "s.duckdb") if engine_name == "duckdb"
                      else warchest.open_lake(tmp_path / "lake"))
    row = ("SELECT '{j}' AS jurisdiction, '{j}' AS country, '{name}' AS name, "
           "CAST({w} AS DOUBLE) AS weight, 'b' AS basis, 's' AS source")
    with engine:
        with engine.transaction():
            lid = engine.begin_load("test", "t", None, None, None)
            sql = " UNION ALL ".join(row.format(j=j, name="old", w=w)
                                     for j, w in (("US", 1), ("EP", 2), ("JP", 3)))
            assert engine.derive("market_weights", sql, lid) == 3
        engine.register("_keys", pa.table({"jurisdiction": ["EP", "KR"]}))
        with engine.transaction():
            sql = " UNION ALL ".join(row.format(j=j, name="new", w=w)
                                     for j, w in (("EP", 9), ("KR", 4)))
            assert engine.derive("market_weights", sql, lid, replacing="_keys") == 2
        engine.unregister("_keys")
        assert engine.rows("SELECT jurisdiction, name, weight FROM market_weights "
                           "ORDER BY jurisdiction") == [
            {"jurisdiction": "EP", "name": "new", "weight": 9.0},
            {"jurisdiction": "JP", "name": "old", "weight": 3.0},
            {"jurisdiction": "KR", "name": "new", "weight": 4.0},
            {"jurisdiction": "US", "name": "old", "weight": 1.0}]
