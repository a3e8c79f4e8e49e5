"""The store: schema versions and migrations, read-only queries, status."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warchest.errors import (
    CannotWrite,
    OutOfMemory,
    ReadOnlyQuery,
    StoreVersionError,
    WarchestError,
)
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


def test_read_only_queries(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb"):
        pass  # an empty store
    with Store(tmp_path / "s.duckdb", read_only=True, sandbox=True) as store:
        assert store.read_only_query("SELECT 1 AS one").to_pylist() == [{"one": 1}]
        for statement in ("DELETE FROM patents", "DROP TABLE patents",
                          "SELECT 1; INSERT INTO patents (patent_id) VALUES ('1')",
                          "COPY patents TO '/tmp/x.csv'"):
            with pytest.raises(ReadOnlyQuery, match="only reads are allowed"):
                store.read_only_query(statement)


def test_users_sql_reads_the_store_and_nothing_else(tmp_path: Path) -> None:
    """The holes issue 22 found in `warchest sql`, each closed: by the statement allow-list
    (parsed, not matched as text) or by the sandboxed connection (no file, URL or other
    database; no extension; settings locked)."""
    db = tmp_path / "s.duckdb"
    with Store(db):
        pass
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n", encoding="utf-8")
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    plot = tmp_path / "plot"  # IMPORT DATABASE would run plot/schema.sql
    plot.mkdir()
    (plot / "schema.sql").write_text("CREATE TABLE pwned AS SELECT 1;", encoding="utf-8")
    out = tmp_path / "out.csv"
    with Store(db, read_only=True, sandbox=True) as store:
        assert store.read_only_query("SELECT count(*) AS n FROM patents").to_pylist() == [
            {"n": 0}]
        assert "patent_id" in store.read_only_query("DESCRIBE patents").column(
            "column_name").to_pylist()
        assert "patents" in store.read_only_query("SHOW TABLES").column("name").to_pylist()
        refused_by_type = {
            f"PRAGMA import_database('{plot}')": "PRAGMA",
            f"ATTACH '{other}' AS other": "ATTACH",
            f"COPY patents TO '{out}'": "COPY",
            "INSTALL httpfs": "LOAD", "LOAD httpfs": "LOAD",  # DuckDB parses INSTALL as LOAD
            "SET enable_external_access = true": "SET",
            f"EXPORT DATABASE '{tmp_path / 'dump'}'": "EXPORT",
        }
        for statement, kind in refused_by_type.items():
            with pytest.raises(ReadOnlyQuery, match=f"only reads are allowed here, not {kind}"):
                store.read_only_query(statement)
        for statement in (f"SELECT * FROM read_csv('{secret}')",
                          f"SELECT * FROM read_text('{secret}')",
                          f"SELECT * FROM read_blob('{secret}')",
                          f"SELECT * FROM glob('{tmp_path}/*')",
                          f"SELECT * FROM '{secret}'",
                          f"SELECT * FROM sniff_csv('{secret}')",
                          "SELECT * FROM read_parquet('https://example.com/x.parquet')"):
            with pytest.raises(WarchestError, match="Permission Error"):
                store.read_only_query(statement)
    assert not out.exists() and not (tmp_path / "dump").exists()
    with Store(db, read_only=True) as store:
        assert "pwned" not in {r["table_name"] for r in store.rows(
            "SELECT table_name FROM information_schema.tables")}
        # users' SQL never runs on a store that is not sandboxed
        with pytest.raises(ReadOnlyQuery, match="only on a sandboxed store"):
            store.read_only_query("SELECT 1")
    with pytest.raises(WarchestError, match="a sandboxed store is read-only"):
        Store(db, sandbox=True)


def test_status_of_the_sample_store(sample_store: Store) -> None:
    status = store_status(sample_store)
    assert status.contains_synthetic is True  # the partly synthetic PatentsView sample
    assert status.synthetic_kind == "partly synthetic"
    assert status.labels == ({"label": "partly synthetic sample", "loads": 5},)
    assert status.tables["cpc_titles"] == 260263
    totals = status.totals
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


SAMPLES_PV = Path(__file__).resolve().parents[1] / "src" / "warchest" / "samples" / \
    "patentsview_partly_synthetic"


def _warchest(args: list[str], limit_kb: int | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, optionally under a file-size limit (``ulimit -f``, with
    SIGXFSZ ignored: a write past it fails with EFBIG, "File too large", as a full disk
    fails a write with ENOSPC)."""
    cli = f"{shlex.quote(sys.executable)} -c 'from warchest.cli import main; main()' " + \
        " ".join(shlex.quote(a) for a in args)
    limit = f"trap '' XFSZ; ulimit -f {limit_kb}; " if limit_kb else ""
    return subprocess.run(["bash", "-c", limit + "exec " + cli], capture_output=True,
                          text=True, timeout=300)


def test_a_full_disk_is_a_clear_error_and_a_rerun_completes_the_load(tmp_path: Path) -> None:
    """The store's files may not grow past about 2 MB: the load stops with one clear line
    (no traceback) that names the file it could not write; the store reopens with what was
    committed, and the same command run again with room loads everything, the same rows
    as a load that never failed."""
    db = tmp_path / "s.duckdb"
    failed = _warchest(["load", "patentsview", str(SAMPLES_PV), "--db", str(db)], 1953)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "error:" in failed.stderr and "File too large" in failed.stderr
    assert "Free disk space" in failed.stderr
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM load_log WHERE status = 'running'") == 0
    again = _warchest(["load", "patentsview", str(SAMPLES_PV), "--db", str(db)])
    assert again.returncode == 0, again.stderr
    clean = tmp_path / "clean.duckdb"
    assert _warchest(["load", "patentsview", str(SAMPLES_PV), "--db", str(clean)]
                     ).returncode == 0
    tables = ("patents", "cpc", "assignees_disambiguated", "inventors", "locations")
    with Store(db, read_only=True) as a, Store(clean, read_only=True) as b:
        for t in tables:
            q = f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL"
            assert a.query(q).to_pylist() == b.query(q).to_pylist(), t


def test_out_of_memory_is_a_clear_error_and_reaches_the_load_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a 6 MB memory limit with no room to spill, a load fails with an error that
    says what to raise; the failure is in the load log and what loaded before is kept."""
    monkeypatch.setenv("WARCHEST_TEMP_LIMIT", "0KB")
    from warchest import load_patentsview

    db = tmp_path / "s.duckdb"
    with Store(db, memory_limit="6MB") as store:
        with pytest.raises(WarchestError, match="WARCHEST_MEMORY_LIMIT") as raised:
            load_patentsview(store, [SAMPLES_PV])
        message = str(raised.value)
    assert isinstance(raised.value, OutOfMemory | CannotWrite)
    with Store(db, read_only=True) as store:
        log = store.rows("SELECT status FROM load_log ORDER BY load_id")
        assert log[-1]["status"] == f"failed: {message}"[:500]
        assert all(r["status"] == "ok" for r in log[:-1])
    with Store(tmp_path / "q.duckdb", memory_limit="20MB") as store, \
            pytest.raises(WarchestError, match="WARCHEST_MEMORY_LIMIT"):
        store.query("SELECT count(DISTINCT x || 'text') FROM range(20000000) t(x)")


def test_engine_failures_are_told_by_type_not_by_words_in_the_query(tmp_path: Path) -> None:
    """Words a query or the data echo ("FATAL", "Out of memory", "could not write") never
    turn an ordinary error into a resource error; a real out-of-memory error does."""
    from warchest.store import engine_failure

    con = duckdb.connect()
    for sql in ("SELECT FATAL", "SELECT 'Out of memory error'::INT",
                "SELECT 'could not write: no space left on device'::INT",
                "SELECT 'Not enough space for widgets'::INT"):
        with pytest.raises(duckdb.Error) as raised:
            con.sql(sql).fetchall()
        assert engine_failure(raised.value) is None, sql
    con.execute("SET memory_limit = '20MB'; SET max_temp_directory_size = '0KB'")
    with pytest.raises(duckdb.Error) as raised:
        con.sql("SELECT count(DISTINCT x || 'text') FROM range(20000000) t(x)").fetchall()
    assert isinstance(engine_failure(raised.value), OutOfMemory | CannotWrite)
    full = duckdb.IOException('Could not write all bytes to file "/data/s.duckdb.wal": No '
                              "space left on device")
    failure = engine_failure(full)
    assert isinstance(failure, CannotWrite)
    assert str(failure).startswith("cannot write /data/s.duckdb.wal: No space left on device. "
                                   "Free disk space where the store and its write-ahead log "
                                   "are (/data)")
    denied = engine_failure(duckdb.IOException('Could not write file "/ro/s.duckdb": '
                                               "Permission denied"))
    assert isinstance(denied, CannotWrite) and "Check that /ro is writable" in str(denied)


def test_a_load_committed_before_its_checkpoint_failed_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from warchest import load_patentsview

    def full(self: Store) -> None:
        raise CannotWrite("cannot write s.duckdb: No space left on device. Free disk space")

    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        monkeypatch.setattr(Store, "checkpoint", full)
        with pytest.raises(CannotWrite, match=r"g_patent.tsv was loaded and committed \(4,704 "
                                              r"rows; kept in the write-ahead log"):
            load_patentsview(store, [SAMPLES_PV / "g_patent.tsv.zip"])
        monkeypatch.undo()
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM patents") == 4704
