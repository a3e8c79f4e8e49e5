"""The read copy a server answers from (warchest.readcopy): on the shipped real samples,
its patent cards are describe_patent's JSON, character for character, and its portfolio
pages are portfolio_page's, field for field, for companies and groups on dates before,
between and after their transfers; a copy of another state of the store is not used;
what the copy cannot answer goes to the store. The valuation of periods is also checked
on a portfolio computed by hand."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from warchest.demo import run_sample_demo
from warchest.errors import CannotWrite, NotFound
from warchest.patents import describe_patent, describe_patents
from warchest.readcopy import (
    ReadCopy,
    Reads,
    build_read_copy,
    open_read_copy,
    read_copy_path,
    store_fingerprint,
)
from warchest.store import Store
from warchest.value.holdings import sort_periods, value_periods
from warchest.value.views import portfolio_page

DATES = (dt.date(2012, 6, 30), dt.date(2021, 1, 1), dt.date(2024, 6, 1))


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The real samples loaded, resolved and valued, and their read copy."""
    db = tmp_path_factory.mktemp("readcopy") / "samples.duckdb"
    run_sample_demo(db)
    with Store(db, read_only=True) as store:
        report = build_read_copy(store, read_copy_path(db))
    return {"db": db, "report": report, "copy": ReadCopy(read_copy_path(db))}


def _same(a: Any, b: Any, where: str = "") -> None:
    """Equal, floats to 1e-9 (a sum of market weights in another order)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{k}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (where, a, b)
    else:
        assert a == b, (where, a, b)


def test_cards_are_describe_patents_json(copied: dict[str, Any]) -> None:
    copy: ReadCopy = copied["copy"]
    with Store(copied["db"], read_only=True) as store:
        assert copied["report"].patents == store.scalar("SELECT count(*) FROM patents")
        # every 40th patent, and those with the most of each kind of section
        ids = [r["patent_id"] for r in store.rows(
            "SELECT patent_id FROM patents ORDER BY patent_id")][::40]
        for table, key in (("claims", "patent_id"), ("ipc", "patent_id"),
                           ("citations", "cited_patent_id"), ("inventors", "patent_id"),
                           ("reassignment_documents", "patent_id"),
                           ("foreign_citations", "patent_id")):
            ids += [r["k"] for r in store.rows(
                f"SELECT {key} AS k FROM {table} WHERE {key} IN (SELECT patent_id FROM "
                f"patents) GROUP BY k ORDER BY count(*) DESC, k LIMIT 5")]
        for pid in ids:
            assert copy.card(pid) == describe_patent(store, pid).to_json(indent=None), pid
        first, last = ids[0], ids[3]
        assert [r.to_json() for r in describe_patents(store, first, last)] == [
            describe_patent(store, r["patent_id"]).to_json() for r in store.rows(
                "SELECT patent_id FROM patents WHERE patent_id BETWEEN ? AND ? "
                "ORDER BY patent_id", [first, last])]
    assert copy.card("99999999") is None


def test_portfolio_pages_are_the_librarys(copied: dict[str, Any]) -> None:
    copy: ReadCopy = copied["copy"]
    with Store(copied["db"], read_only=True) as store:
        assert copied["report"].companies == store.scalar(
            "SELECT count(DISTINCT entity_id) FROM ownership")
        # every 60th company, the largest, the groups, and those with liens or transfers
        firms = [r["entity_id"] for r in store.rows(
            "SELECT DISTINCT entity_id FROM ownership ORDER BY entity_id")][::60]
        firms += [r["entity_id"] for r in store.rows(
            "SELECT entity_id FROM ownership GROUP BY entity_id ORDER BY count(*) DESC, "
            "entity_id LIMIT 8")]
        firms += [r["entity_id"] for r in store.rows(
            "SELECT DISTINCT o.entity_id FROM ownership o JOIN ownership_events e "
            "USING (patent_id) WHERE e.kind IN ('security interest', 'release') "
            "OR o.via <> 'grant' ORDER BY 1 LIMIT 25")]
        liens = checked = 0
        for firm in firms:
            for day in DATES:
                for group in (False, True):
                    live = portfolio_page(store, firm, day, group, 2, 30)
                    got = copy.portfolio_page(firm, day, group, 2, 30)
                    assert got is not None
                    _same(json.loads(live.to_json()), json.loads(got.to_json()), firm)
                    liens += sum(p.open_liens for p in got.patents)
                    checked += 1
        # a company's name finds it as the library finds it
        name = store.scalar("SELECT name FROM owner_entities WHERE entity_id = ?", [firms[-1]])
        got = copy.portfolio_page(name, DATES[1], False, 0, 100)
        assert got is not None and got.entity_id == firms[-1]
        _same(json.loads(portfolio_page(store, name, DATES[1]).to_json()),
              json.loads(got.to_json()))
    assert checked == len(firms) * len(DATES) * 2
    assert liens > 0  # the samples' security interests were among the pages compared


def test_a_copy_of_another_state_is_not_used(copied: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "changed.duckdb"
    shutil.copy(copied["db"], db)
    shutil.copy(read_copy_path(copied["db"]), read_copy_path(db))
    with Store(db, read_only=True) as store:
        assert open_read_copy(store, read_copy_path(db), build=False) is not None
    with Store(db) as store:  # a load or a derivation writes a new load-log entry
        store.query("INSERT INTO load_log (load_id, loader, path, started, finished, status) "
                    "SELECT max(load_id) + 1, 'test', 'x', now(), now(), 'ok' FROM load_log")
        assert store.scalar("SELECT count(*) FROM load_log") > 1
    with Store(db, read_only=True) as store:
        assert open_read_copy(store, read_copy_path(db), build=False) is None
        rebuilt = open_read_copy(store, read_copy_path(db))
        assert rebuilt is not None and rebuilt.fingerprint == store_fingerprint(store)


def test_what_the_copy_lacks_goes_to_the_store(copied: dict[str, Any]) -> None:
    with Store(copied["db"], read_only=True) as store:
        reads = Reads(lambda: nullcontext(store), copied["copy"])
        with pytest.raises(NotFound, match="99999999"):
            reads.patent_json("99999999")
        with pytest.raises(NotFound, match="No Such Company"):
            reads.portfolio_page("No Such Company Ltd")
        pid = store.scalar("SELECT min(patent_id) FROM patents")
        assert json.loads(reads.patent_json(f"US {pid} B2"))["patent_id"] == pid


def _periods(**columns: list[Any]) -> pa.Table:
    base: dict[str, list[Any]] = {
        "entity_id": ["E1"], "patent_id": ["9000001"], "title": ["A widget"],
        "grant_date": [dt.date(2010, 1, 5)], "owner_name": ["ACME"],
        "start_date": [dt.date(2010, 1, 5)], "held_until": [dt.date(2020, 1, 1)],
        "via": ["grant"], "via_rf_id": [None], "note": [None], "has_term": [True],
        "term_grant": [dt.date(2010, 1, 5)], "term_end": [dt.date(2028, 3, 1)],
        "term_until": [dt.date(2028, 3, 1)], "impact": [2.0], "cpc_subclass": ["H04L"],
        "markets": [[{"j": "US", "f": dt.date(2010, 1, 5), "u": dt.date(2028, 3, 1), "w": 1.0},
                     {"j": "DE", "f": dt.date(2012, 1, 1), "u": dt.date(2015, 1, 1), "w": 0.2},
                     {"j": "DE", "f": dt.date(2013, 1, 1), "u": None, "w": 0.2}]],
        "liens": [[{"rf": "111-1", "f": dt.date(2011, 1, 1), "u": dt.date(2013, 1, 1)},
                   {"rf": "099-9", "f": dt.date(2012, 1, 1), "u": None}]]}
    base.update(columns)
    return pa.table(base)


def test_periods_valued_by_hand() -> None:
    table = _periods()
    # 2012-06-01: held, in force in US and DE (DE counted once), both liens open
    got = value_periods(table, dt.date(2012, 6, 1), 0, 10)
    (p,) = got.page
    assert p.coverage == pytest.approx(1.2) and p.value == pytest.approx(2.4)
    assert p.in_force_in == "DE,US"
    assert (p.open_liens, p.lien_rf_ids) == (2, "099-9, 111-1")
    assert p.remaining_years == pytest.approx((dt.date(2028, 3, 1)
                                               - dt.date(2012, 6, 1)).days / 365.25)
    assert got.summary.in_force == 1 and got.summary.total_value == 2.4
    # 2012-06-01 to 2028-03-01: 5,752 days, 15.75 years
    assert got.summary.remaining_life == {"0-2 y": 0, "2-5 y": 0, "5-10 y": 0,
                                          "10-15 y": 0, "15+ y": 1}
    # 2016-01-01: the first DE member has ended, the second still runs; one lien released
    (p,) = value_periods(table, dt.date(2016, 1, 1), 0, 10).page
    assert p.coverage == pytest.approx(1.2)
    assert (p.open_liens, p.lien_rf_ids) == (1, "099-9")
    # 2020-01-01: no longer held (the period ends that day)
    assert value_periods(table, dt.date(2020, 1, 1), 0, 10).total == 0
    # a term unknown to the store: held, but no status or value
    unknown = _periods(has_term=[False], term_grant=[None], term_end=[None],
                       term_until=[None], impact=[None], cpc_subclass=[None])
    got = value_periods(unknown, dt.date(2016, 1, 1), 0, 10)
    assert got.total == 1 and got.summary.in_force == 0
    (p,) = got.page
    assert (p.in_force, p.value, p.coverage, p.remaining_years) == (None, None, None, None)
    # the page is cut after the summary is taken over everything held
    two = sort_periods(pa.concat_tables([table, _periods(patent_id=["9000000"])]))
    got = value_periods(two, dt.date(2016, 1, 1), 1, 5)
    assert got.total == 2 and got.summary.in_force == 2
    assert [h.patent_id for h in got.page] == ["9000001"]


def test_the_server_answers_from_the_copy(copied: dict[str, Any], tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from warchest.web import WebSettings, create_api_key, create_app

    keys = tmp_path / "keys.json"
    secret = create_api_key(keys, "viewer").secret
    settings = WebSettings(db=copied["db"], keys=keys, jobs=tmp_path / "jobs",
                           build_indexes=False, build_read_copy=False)
    with TestClient(create_app(settings)) as client:
        assert client.app.state.reads.copy is not None  # type: ignore[attr-defined]
        h = {"Authorization": f"Bearer {secret}"}
        with Store(copied["db"], read_only=True) as store:
            pid = store.scalar("SELECT patent_id FROM citations GROUP BY patent_id "
                               "ORDER BY count(*) DESC, patent_id LIMIT 1")
            firm = store.scalar("SELECT entity_id FROM ownership GROUP BY entity_id "
                                "ORDER BY count(*) DESC, entity_id LIMIT 1")
            card = describe_patent(store, pid).to_json(indent=None)
            page = portfolio_page(store, firm, DATES[2], False, 5, 20)
        got = client.get(f"/api/v1/patents/{pid}", headers=h)
        assert got.status_code == 200 and got.text == card
        got = client.get(f"/api/v1/companies/{firm}/portfolio", headers=h,
                         params={"as_of": DATES[2].isoformat(), "offset": 5, "limit": 20})
        _same(json.loads(page.to_json()), got.json())
        assert got.json()["total"] == page.total > 25
        got = client.get(f"/api/v1/companies/{'A' * 301}/portfolio", headers=h)
        assert got.status_code == 422 and "300 characters" in got.text


def test_a_copy_that_cannot_be_written_is_a_clear_error(copied: dict[str, Any],
                                                        tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with Store(copied["db"], read_only=True) as store, \
            pytest.raises(CannotWrite, match=r"cannot write the read copy .*a-file"):
        build_read_copy(store, blocker / "store.duckdb.read")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_cards_written_by_worker_processes_are_the_same(copied: dict[str, Any],
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    import sqlite3

    import warchest.readcopy as readcopy

    monkeypatch.setattr(readcopy, "PATENT_BATCH", 1_500)  # eight ranges, two processes
    with Store(copied["db"], read_only=True) as store:
        report = build_read_copy(store, tmp_path / "two.read", workers=2)
    assert report.patents == copied["report"].patents
    query = "SELECT patent_id, body FROM cards ORDER BY patent_id"
    with sqlite3.connect(tmp_path / "two.read") as two, \
            sqlite3.connect(read_copy_path(copied["db"])) as one:
        assert two.execute(query).fetchall() == one.execute(query).fetchall()


def test_liens_without_a_reel_frame_and_markets_without_a_weight() -> None:
    # as encumbrances_sql counts them: count(*) counts every open interest, string_agg
    # skips a missing reel-frame; as coverage_sql sums them: sum() skips a missing weight
    table = _periods(
        markets=[[{"j": "US", "f": dt.date(2010, 1, 5), "u": None, "w": 1.0},
                  {"j": "XX", "f": dt.date(2010, 1, 5), "u": None, "w": None}]],
        liens=[[{"rf": None, "f": dt.date(2011, 1, 1), "u": None},
                {"rf": "099-9", "f": dt.date(2012, 1, 1), "u": None}]])
    (p,) = value_periods(table, dt.date(2016, 1, 1), 0, 10).page
    assert (p.open_liens, p.lien_rf_ids) == (2, "099-9")
    assert p.coverage == 1.0 and p.value == 2.0 and p.in_force_in == "US,XX"
    alone = _periods(liens=[[{"rf": None, "f": dt.date(2011, 1, 1), "u": None}]])
    (p,) = value_periods(alone, dt.date(2016, 1, 1), 0, 10).page
    assert (p.open_liens, p.lien_rf_ids) == (1, None)


def test_a_store_without_values_is_answered_by_the_store(copied: dict[str, Any],
                                                         tmp_path: Path) -> None:
    from warchest.errors import NotComputed

    db = tmp_path / "unvalued.duckdb"
    shutil.copy(copied["db"], db)
    with Store(db) as store:
        store.query("DELETE FROM patent_terms")
    with Store(db, read_only=True) as store:
        copy = open_read_copy(store, read_copy_path(db))
        assert copy is not None and not copy.valued
        firm = store.scalar("SELECT min(entity_id) FROM ownership")
        assert copy.portfolio_page(firm, DATES[1], False, 0, 10) is None
        reads = Reads(lambda: nullcontext(store), copy)
        with pytest.raises(NotComputed):
            reads.portfolio_page(firm, DATES[1])


def test_a_damaged_copy_is_set_aside(copied: dict[str, Any], tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "damaged.read"
    shutil.copy(read_copy_path(copied["db"]), path)
    with Store(copied["db"], read_only=True) as store:
        pid = store.scalar("SELECT min(patent_id) FROM patents")
        firm = store.scalar("SELECT entity_id FROM ownership GROUP BY entity_id "
                            "ORDER BY count(*) DESC, entity_id LIMIT 1")
        with sqlite3.connect(path) as con:
            con.execute("UPDATE cards SET body = x'00ff' WHERE patent_id = ?", [pid])
            con.execute("UPDATE holdings SET body = x'00ff' WHERE entity_id = ?", [firm])
        card = describe_patent(store, pid).to_json(indent=None)
        reads = Reads(lambda: nullcontext(store), ReadCopy(path))
        assert reads.patent_json(pid) == card  # a broken card: the store's answer
        assert reads.copy is None  # and the copy set aside
        reads = Reads(lambda: nullcontext(store), ReadCopy(path))
        page = reads.portfolio_page(firm, DATES[2], False, 0, 10)  # a broken Arrow block
        _same(json.loads(portfolio_page(store, firm, DATES[2], False, 0, 10).to_json()),
              json.loads(page.to_json()))
        assert reads.copy is None


def test_periods_decoded_by_threads_at_once_are_counted_once(copied: dict[str, Any]
                                                             ) -> None:
    import threading

    copy = ReadCopy(read_copy_path(copied["db"]))
    with Store(copied["db"], read_only=True) as store:
        firm = store.scalar("SELECT entity_id FROM ownership GROUP BY entity_id "
                            "ORDER BY count(*) DESC, entity_id LIMIT 1")
        rows = store.scalar("SELECT count(*) FROM ownership WHERE entity_id = ?", [firm])
    together = threading.Barrier(4)
    blob = copy.file.blob

    def slow_blob(table: str, key: str) -> bytes | None:
        together.wait(timeout=10)  # every thread has missed the cache before any decodes
        return blob(table, key)

    copy.file.blob = slow_blob  # type: ignore[method-assign]
    threads = [threading.Thread(target=copy.periods, args=(firm,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert copy._cached_rows == rows and list(copy._cache) == [firm]


def test_a_copy_built_by_another_version_is_not_used(copied: dict[str, Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import warchest.readcopy as readcopy

    with Store(copied["db"], read_only=True) as store:
        assert open_read_copy(store, read_copy_path(copied["db"]), build=False) is not None
        monkeypatch.setattr(readcopy, "__version__", "0.0.1-another")
        assert open_read_copy(store, read_copy_path(copied["db"]), build=False) is None
