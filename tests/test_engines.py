"""One logic, two engines: every derived table computed on Spark (local[2]) from the same
portable SQL equals the DuckDB store's, row for row (floats within 1e-9 relative), on
the shipped real samples (with the maintenance-fee fixture: some patents lapse) and on a
20,000-patent SYNTHETIC world (reassignments, mergers, lapses, families)."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import warchest
from warchest.pipeline import derivations, derive_on_spark
from warchest.store import Store
from warchest.store.spark import spark_steps

from .conftest import FIXTURES


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row.values())


def _differences(got: pa.Table, want: pa.Table) -> dict[str, int]:
    """Cells that differ per column, after sorting both tables the same way."""
    columns = want.column_names
    a = sorted(got.select(columns).to_pylist(), key=_key)
    b = sorted(want.to_pylist(), key=_key)
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
def derived(sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[Store, dict[str, pa.Table]]]:
    path = tmp_path_factory.mktemp("engines") / "samples.duckdb"
    shutil.copy(sample_store_path, path)
    with Store(path) as store:
        warchest.load_maintenance(store, [FIXTURES / "value" / "MaintFeeEvents_20260105.txt"])
        warchest.resolve_owners(store)
        warchest.compute_values(store)
        warchest.map_technology(store)
        yield store, derive_on_spark(store)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Store, dict[str, pa.Table]]]:
    from warchest.demo import build_world_store

    folder = tmp_path_factory.mktemp("engines-world")
    warchest.generate_world(folder / "world", 20_000, 7, "smartphone-expansion")
    store, _ = build_world_store(folder / "world", folder / "world.duckdb")
    with store:
        yield store, derive_on_spark(store)


def _same_rows(store: Store, spark: dict[str, pa.Table], table: str) -> None:
    want = store.query(f'SELECT * EXCLUDE (load_id) FROM "{table}"')
    assert spark[table].num_rows == want.num_rows
    assert _differences(spark[table], want) == {}


@pytest.mark.parametrize("table", [name for name, _ in derivations(True)])
def test_spark_derives_the_same_rows(derived: tuple[Store, dict[str, pa.Table]],
                                     table: str) -> None:
    store, spark = derived
    assert store.scalar(f'SELECT count(*) FROM "{table}"') > 0, table  # the samples fill it
    _same_rows(store, spark, table)


@pytest.mark.parametrize("table", [name for name, _ in derivations(True)
                                   if name != "patent_fields"])  # no IPC concordance there
def test_spark_derives_the_same_rows_on_a_synthetic_world(
        world: tuple[Store, dict[str, pa.Table]], table: str) -> None:
    store, spark = world
    assert store.scalar(f'SELECT count(*) FROM "{table}"') > 1000, table
    _same_rows(store, spark, table)


def test_a_derivation_runs_in_stages_with_doubles() -> None:
    """Each CTE is a step of its own (Spark would inline the ones read several times);
    a literal with a fraction is a DOUBLE, as DuckDB computes with."""
    steps = spark_steps("WITH a AS (SELECT x / 365.25 AS y FROM t), b AS (SELECT y FROM a) "
                        "SELECT y * 2 FROM b JOIN a USING (y)")
    assert [name for name, _ in steps] == ["a", "b", None]
    assert steps[0][1] == "SELECT x / CAST(365.25 AS DOUBLE) AS y FROM t"
    assert steps[2][1] == "SELECT y * 2 FROM b JOIN a USING (y)"


def test_a_lake_exported_then_derived_on_spark(derived: tuple[Store, dict[str, pa.Table]],
                                               tmp_path: Path) -> None:
    """`warchest export parquet` then `warchest lake derive`: Spark reads the loaded tables
    from Parquet folders and writes every derived table back, with the store's rows."""
    import pyarrow.parquet as pq

    store, _ = derived
    exported = warchest.export_parquet(store, tmp_path / "lake")
    by_name = {t.table: t.rows for t in exported.tables}
    assert by_name["patents"] == store.scalar("SELECT count(*) FROM patents") > 10_000
    assert set(by_name) == set(store.tables)
    done = warchest.derive_lake(str(tmp_path / "lake"))
    assert [t.table for t in done.tables] == [name for name, _ in derivations(True)]
    for t in done.tables:
        want = store.query(f'SELECT * EXCLUDE (load_id) FROM "{t.table}"')
        got = pq.read_table(tmp_path / "lake" / t.table)
        assert t.rows == got.num_rows == want.num_rows, t.table
        assert _differences(got, want) == {}, t.table


def test_a_lake_without_patents_is_named(tmp_path: Path) -> None:
    (tmp_path / "lake" / "cpc").mkdir(parents=True)
    with pytest.raises(warchest.NotFound, match="holds no patents table"):
        warchest.derive_lake(str(tmp_path / "lake"))
