"""The store: schema versions and migrations, read-only queries, status."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from warchest.errors import ReadOnlyQuery, StoreVersionError, WarchestError
from warchest.status import store_status
from warchest.store import Store
from warchest.store.schema import MIGRATIONS, TABLES, Column, Migration, Table


def test_new_store_has_every_table(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert store.version == MIGRATIONS[-1].version
        assert set(store.table_counts()) == {t.name for t in TABLES}


def test_older_store_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:  # written by "the older version" (today's schema)
        store.write("patents", __import__("pyarrow").table({"patent_id": ["10000000"]}), 1)
    # a newer version adds a column to patents and a table, in migration N+1
    newer = MIGRATIONS[-1].version + 1
    tables = [
        Table(t.name, t.doc, t.columns + ((Column("expiry", "date", since=newer),)
                                          if t.name == "patents" else ()), t.key, t.merge)
        for t in TABLES
    ] + [Table("families", "test", (Column("family_id", "bigint"),), since=newer)]
    migrations = (*MIGRATIONS, Migration(newer, "expiry and families"))
    with Store(path, migrations=migrations, tables=tables) as store:
        assert store.version == newer
        assert store.rows("SELECT patent_id, expiry FROM patents") == [
            {"patent_id": "10000000", "expiry": None}]
        assert store.scalar("SELECT count(*) FROM families") == 0
    # and this version now refuses that store rather than misreading it
    with pytest.raises(StoreVersionError, match=f"schema v{newer}.*upgrade warchest"):
        Store(path)


def test_a_duckdb_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE something (a INTEGER)")
    con.close()
    with pytest.raises(StoreVersionError, match="not a warchest store"):
        Store(path)


def test_read_only_queries(store: Store) -> None:
    assert store.read_only_query("SELECT 1 AS one").to_pylist() == [{"one": 1}]
    for statement in ("DELETE FROM patents", "DROP TABLE patents",
                      "SELECT 1; INSERT INTO patents (patent_id) VALUES ('1')",
                      "COPY patents TO '/tmp/x.csv'"):
        with pytest.raises(ReadOnlyQuery, match="only reads are allowed"):
            store.read_only_query(statement)


def test_status_of_the_sample_store(sample_store: Store) -> None:
    status = store_status(sample_store)
    assert status["contains_synthetic"] is True  # the partly synthetic PatentsView sample
    assert status["labels"] == [{"label": "partly synthetic sample", "loads": 5}]
    assert status["tables"]["cpc_titles"] == 260263
    totals = status["totals"]
    assert totals["rows_read"] == totals["rows_loaded"] + totals["rows_quarantined"]
    assert totals["rows_quarantined"] == 0 and totals["failed"] == 0


def test_memory_limit_from_the_environment(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARCHEST_MEMORY_LIMIT", "300MB")
    with Store(tmp_path / "limited.duckdb") as store:
        limit = store.scalar("SELECT current_setting('memory_limit')")
    assert limit == "286.1 MiB"  # 300,000,000 bytes, as DuckDB reports it
    monkeypatch.setenv("WARCHEST_MEMORY_LIMIT", "lots")
    with pytest.raises(WarchestError, match="'lots' is not a size; write it like 512MB"):
        Store(tmp_path / "other.duckdb")


def test_memory_at_most_lowers_the_default_limit_for_a_block_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WARCHEST_MEMORY_LIMIT", raising=False)
    query = "SELECT current_setting('memory_limit')"
    with Store(tmp_path / "default.duckdb") as store:
        default = store.scalar(query)  # DuckDB's own: 80% of this machine's RAM
        with store.memory_at_most("200MB"):
            assert store.scalar(query) == "190.7 MiB"  # 200,000,000 bytes
        assert store.scalar(query) == default
        with store.memory_at_most("100TB"):  # above the default: the default stays
            assert store.scalar(query) == default
        with pytest.raises(WarchestError, match="'a lot' is not a size"), \
                store.memory_at_most("a lot"):
            pass
    # a limit the user chose is kept, even a higher one
    monkeypatch.setenv("WARCHEST_MEMORY_LIMIT", "300MB")
    with Store(tmp_path / "limited.duckdb") as store, store.memory_at_most("200MB"):
        assert store.scalar(query) == "286.1 MiB"


def test_temp_limit_from_the_environment(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARCHEST_TEMP_LIMIT", "1GB")
    with Store(tmp_path / "limited.duckdb") as store:
        limit = store.scalar("SELECT current_setting('max_temp_directory_size')")
    assert limit == "953.6 MiB"  # 1,000,000,000 bytes, as DuckDB reports it
    monkeypatch.setenv("WARCHEST_TEMP_LIMIT", "lots")
    with pytest.raises(WarchestError, match="'lots' is not a size; write it like 20GB"):
        Store(tmp_path / "other.duckdb")


def test_remembered_results_are_dropped_by_any_write(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return int(store.scalar("SELECT count(*) FROM patents"))

    with Store(tmp_path / "r.duckdb") as store:
        assert store.remember(("n",), count) == 0
        assert store.remember(("n",), count) == 0 and len(calls) == 1  # remembered
        lid = store.begin_load("test", "x", None, None, None)
        store.write("patents", pa.table({"patent_id": ["1"]}), lid)
        assert store.remember(("n",), count) == 1 and len(calls) == 2  # the write dropped it
        store.query("UPDATE patents SET title = 'x'")  # a statement that is not a read
        store.remember(("n",), count)
        assert len(calls) == 3
        with store.keeping_results():  # a cache table's write keeps them
            store.write("patent_embeddings", pa.table({"patent_id": ["1"], "model": ["m"],
                                                       "vector": [b"\x00\x00"]}), lid)
        store.remember(("n",), count)
        assert len(calls) == 3
        # the same contents give the same fingerprint, other contents another
        a, b = pa.table({"x": [1, 2]}), pa.table({"x": [1, 3]})
        assert Store.fingerprint(a) == Store.fingerprint(pa.table({"x": [1, 2]}))
        assert Store.fingerprint(a) != Store.fingerprint(b)
    monkeypatch.setenv("WARCHEST_RESULT_CACHE", "0")
    with Store(tmp_path / "r.duckdb") as store:
        store.remember(("n",), count)
        store.remember(("n",), count)
        assert len(calls) == 5  # off: computed every time
    monkeypatch.setenv("WARCHEST_RESULT_CACHE", "lots")
    with pytest.raises(WarchestError, match="'lots' is not a size"):
        Store(tmp_path / "r.duckdb")
