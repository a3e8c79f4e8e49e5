"""`warchest fetch` for every source but PatentsView (tests/test_fetch.py): the USPTO Open
Data Portal's bulk products, the Patent Assignment Dataset, PTAB searches and the CPC/IPC
schemes, against a server this test starts on 127.0.0.1 that answers as those services
do (a product listing, redirects to a content network, paged JSON) with recorded real
files: the shipped grant XML, the maintenance-fee fixture, the assignment CSVs, the PTAB
records and the CPC title list."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import warchest
from warchest.cli import app
from warchest.errors import FetchError
from warchest.fetch import fetch_ptab, fetch_scheme, fetch_uspto
from warchest.fetch.uspto import fetch_assignment_dataset, fetch_litigation_dataset

from .recorded_services import KEY, Services, start


@pytest.fixture
def server(samples: Path) -> Iterator[Services]:
    srv = start(samples)
    yield srv
    srv.shutdown()
    srv.server_close()


def _api(server: Services) -> str:
    return f"http://127.0.0.1:{server.port}/api/v1/datasets/products/"


def test_weekly_grants_for_a_date_range_load(server: Services, tmp_path: Path) -> None:
    got = fetch_uspto("grants", since=dt.date(2025, 1, 1), until=dt.date(2025, 1, 31),
                      cache=tmp_path, api_key=KEY, base_url=_api(server))
    assert [f.name for f in got] == ["ipg250107.zip", "ipg250114.zip"]  # not 12-31 or 02-04, no PDF
    for f in got:
        assert f.status == "downloaded"
        assert f.sha256 == hashlib.sha256(server.files[f.name]).hexdigest()
    manifest = json.loads((tmp_path / "grants" / "manifest.json").read_text())
    assert manifest["ipg250107.zip"]["product"] == "PTGRXML"
    assert manifest["ipg250107.zip"]["data_from"] == "2025-01-07"
    # the key went to the API, and not to the content network it redirected to
    keys = {path: key for path, key in server.seen}
    assert keys["/files/PTGRXML/ipg250107.zip"] == KEY
    assert keys["/cdn/ipg250107.zip"] is None
    # a second fetch finds them in the cache
    again = fetch_uspto("grants", since=dt.date(2025, 1, 1), until=dt.date(2025, 1, 31),
                        cache=tmp_path, api_key=KEY, base_url=_api(server))
    assert [f.status for f in again] == ["cached", "cached"]
    # what was fetched loads
    # what was fetched loads: the same patents as the two recorded files read directly
    samples = Path(warchest.__file__).parent / "samples" / "uspto_xml"
    with warchest.Store(tmp_path / "s.duckdb") as store, \
            warchest.Store(tmp_path / "direct.duckdb") as direct:
        report = warchest.load_uspto_xml(store, [tmp_path / "grants"])
        assert report.rows_quarantined == 0
        assert sorted((Path(f.path).name, f.member) for f in report.files) == [
            ("ipg250107.zip", "ipg250107.xml"), ("ipg250114.zip", "ipg250114.xml")]
        warchest.load_uspto_xml(direct, [samples / "grant_v4.7_2022-02-17.xml.gz",
                                         samples / "grant_v4.5_2014-04-03.xml.gz"])
        ids = "SELECT patent_id FROM patents ORDER BY patent_id"
        assert [r["patent_id"] for r in store.rows(ids)] == [
            r["patent_id"] for r in direct.rows(ids)]
        assert store.scalar("SELECT count(*) FROM patents") > 10


def test_maintenance_takes_the_newest_cumulative_release(server: Services,
                                                         tmp_path: Path) -> None:
    got = fetch_uspto("maintenance", cache=tmp_path, api_key=KEY, base_url=_api(server))
    assert [f.name for f in got] == ["MaintFeeEvents_20260105.zip"]
    with warchest.Store(tmp_path / "s.duckdb") as store:
        report = warchest.load_maintenance(store, [tmp_path / "maintenance"])
        # 7 lines: 6 events and one malformed line (an extra field), as in the fixture
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 6, 1)


def test_api_key_is_needed_and_checked(server: Services, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("USPTO_API_KEY", raising=False)
    with pytest.raises(FetchError, match=r"needs an API key: set \$USPTO_API_KEY"):
        fetch_uspto("maintenance", cache=tmp_path, base_url=_api(server))
    with pytest.raises(FetchError, match=r"HTTP 403.*API key was refused"):
        fetch_uspto("maintenance", cache=tmp_path, api_key="wrong", base_url=_api(server))
    with pytest.raises(FetchError, match="unknown USPTO bulk source 'grant'; known: grants"):
        fetch_uspto("grant", cache=tmp_path, api_key=KEY)


def test_a_file_shorter_than_listed_is_refused(server: Services, tmp_path: Path) -> None:
    server.listings["PTMNFEE2"][1]["fileSize"] += 5
    with pytest.raises(FetchError, match=r"MaintFeeEvents_20260105.zip: \d[\d,]* bytes, but "
                                         r"the source lists"):
        fetch_uspto("maintenance", cache=tmp_path, api_key=KEY, base_url=_api(server))
    assert not list((tmp_path / "maintenance").glob("*.zip*"))  # nothing half-kept


def test_an_empty_range_says_so(server: Services, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="lists no grants files from 2030-01-01"):
        fetch_uspto("grants", since=dt.date(2030, 1, 1), cache=tmp_path, api_key=KEY,
                    base_url=_api(server))


def test_ptab_search_pages_into_json_lines(server: Services, tmp_path: Path,
                                           samples: Path) -> None:
    url = f"http://127.0.0.1:{server.port}/ptab/proceedings"
    got = fetch_ptab(cache=tmp_path, api_key=KEY, base_url=url, page_size=30)
    lines = Path(got.path).read_text("utf-8").splitlines()
    wanted = (samples / "ptab" / "ptab_proceedings.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 72 and [json.loads(x) for x in lines] == [json.loads(x) for x in wanted]
    offsets = [urllib.parse.parse_qs(urllib.parse.urlsplit(p).query) for p, _ in server.seen]
    assert len([p for p, _ in server.seen if p.startswith("/ptab/")]) == 3  # 30 + 30 + 12
    assert offsets  # the query string went to the server
    entry = json.loads((tmp_path / "ptab" / "manifest.json").read_text())[got.name]
    assert (entry["records"], entry["query"]) == (72, "*:*")
    one = fetch_ptab(query="proceedingNumber:IPR2016-00831", cache=tmp_path, api_key=KEY,
                     base_url=url)
    rows = [json.loads(x) for x in Path(one.path).read_text("utf-8").splitlines()]
    assert [(r["proceedingNumber"], r["respondentPatentNumber"]) for r in rows] == [
        ("IPR2016-00831", "6162705")]
    capped = fetch_ptab(cache=tmp_path, api_key=KEY, base_url=url, page_size=50,
                        max_records=60)
    assert len(Path(capped.path).read_text("utf-8").splitlines()) == 60


def test_assignment_dataset_and_cpc_titles_load(server: Services, tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{server.port}/"
    got = fetch_assignment_dataset(cache=tmp_path, base_url=base + "pad/2023",
                                   tables=("assignment", "assignor", "assignee", "documentid"))
    assert [f.name for f in got] == ["assignment.csv.zip", "assignor.csv.zip",
                                     "assignee.csv.zip", "documentid.csv.zip"]
    cpc = fetch_scheme("cpc", version="202208", cache=tmp_path, base_url=base + "cpc/")
    assert [f.name for f in cpc] == ["CPCTitleList202208.zip"]
    with warchest.Store(tmp_path / "s.duckdb") as store:
        report = warchest.load_assignments(store, [tmp_path / "assignment-dataset"])
        assert report.rows_quarantined == 0
        assert store.scalar("SELECT count(*) FROM reassignments") == 310
        titles = warchest.load_cpc(store, [tmp_path / "cpc"])
        assert titles.rows_quarantined == 0
        assert store.scalar("SELECT count(*) FROM cpc_titles") == 260263
    with pytest.raises(FetchError, match="has no fixed address"):
        fetch_assignment_dataset(cache=tmp_path)
    with pytest.raises(FetchError, match="--version '22': a CPC release is YYYYMM"):
        fetch_scheme("cpc", version="22", cache=tmp_path)


def test_litigation_dataset_arrives_and_loads(server: Services, tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{server.port}/lit/2024"
    got = fetch_litigation_dataset(cache=tmp_path, base_url=base)
    assert [f.name for f in got] == ["cases.csv.zip", "names.csv.zip", "patents.csv.zip"]
    with warchest.Store(tmp_path / "s.duckdb") as store:
        report = warchest.load_litigation(store, [tmp_path / "litigation"])
        # the fixture's counts (tests/test_litigation.py): 5 = 4 + 1, 14 = 13 + 1, 7 = 6 + 1
        assert [(f.rows_read, f.rows_loaded, f.rows_quarantined) for f in report.files] == [
            (5, 4, 1), (14, 13, 1), (7, 6, 1)]
    with pytest.raises(FetchError, match="Docket Reports Data has no fixed address"):
        fetch_litigation_dataset(cache=tmp_path)
    with pytest.raises(FetchError, match=r"unknown table\(s\) attorneys"):
        fetch_litigation_dataset(cache=tmp_path, base_url=base, tables=("attorneys",))


def test_cli_fetch_lists_sources_and_reports_bad_options(server: Services,
                                                         tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["fetch", "sources", "--json"])
    assert listed.exit_code == 0
    commands = {r["command"]: r for r in json.loads(listed.stdout)["sources"]}
    assert set(commands) == {"patentsview", "grants", "applications", "assignments-daily",
                             "assignments-yearly", "maintenance", "assignment-dataset",
                             "litigation", "ptab", "cpc", "ipc"}
    assert commands["ptab"]["load"] == "warchest load ptab CACHE/ptab"
    assert commands["maintenance"]["address"].endswith("/PTMNFEE2")
    assert commands["maintenance"]["api_key"] is True
    bad = runner.invoke(app, ["fetch", "grants", "--since", "2025-13-01"],
                        env={"USPTO_API_KEY": KEY})
    assert bad.exit_code == 1 and "--since '2025-13-01' is not a date" in bad.stderr
    ok = runner.invoke(app, ["fetch", "grants", "--since", "2025-01-10", "--cache",
                             str(tmp_path), "--base-url", _api(server), "--json"],
                       env={"USPTO_API_KEY": KEY})
    assert ok.exit_code == 0, ok.stderr
    assert [r["name"] for r in json.loads(ok.stdout)] == ["ipg250114.zip", "ipg250204.zip"]


def test_assignment_xml_and_ipc_titles_arrive_whole(server: Services, tmp_path: Path) -> None:
    import zipfile

    record = (Path(__file__).parent / "fixtures" / "assignment_xml"
              / "patent-assignment-31066-972.xml").read_bytes()
    daily = fetch_uspto("assignments-daily", since=dt.date(2025, 1, 1), cache=tmp_path,
                        api_key=KEY, base_url=_api(server))
    yearly = fetch_uspto("assignments-yearly", since=dt.date(1980, 1, 1), cache=tmp_path,
                         api_key=KEY, base_url=_api(server))
    for got, member in ((daily, "ad20250102.xml"), (yearly, "ad19800101-20241231-01.xml")):
        assert len(got) == 1
        with zipfile.ZipFile(got[0].path) as z:
            assert z.read(member) == record
    ipc = fetch_scheme("ipc", version="20240101", cache=tmp_path,
                       base_url=f"http://127.0.0.1:{server.port}/ipc")
    assert [f.name for f in ipc] == ["EN_ipc_title_list_20240101.zip"]
    manifest = json.loads((tmp_path / "ipc" / "manifest.json").read_text())
    assert manifest["EN_ipc_title_list_20240101.zip"]["version"] == "20240101"


def test_update_fetches_and_loads_what_is_new_then_nothing(server: Services,
                                                          tmp_path: Path) -> None:
    import gzip
    import zipfile

    xml = Path(warchest.__file__).parent / "samples" / "uspto_xml"
    first = tmp_path / "ipg131224.zip"
    with zipfile.ZipFile(first, "w") as z:
        z.writestr("ipg131224.xml", gzip.decompress(
            (xml / "grant_v4.4_2013-05-16.xml.gz").read_bytes()))
    with warchest.Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(warchest.InputError, match="no granted patents to update from"):
            warchest.update_store(store, api_key=KEY, base_url=_api(server))
        warchest.load_uspto_xml(store, [first])
        before = store.scalar("SELECT count(*) FROM patents")
        assert str(store.scalar("SELECT max(grant_date) FROM patents")) == "2013-12-24"
        with pytest.raises(warchest.InputError, match="before the day after"):
            warchest.update_store(store, until=dt.date(2013, 12, 1), api_key=KEY,
                                  base_url=_api(server))
        got = warchest.update_store(store, until=dt.date(2025, 1, 31), cache=tmp_path / "c",
                                    api_key=KEY, base_url=_api(server))
        assert got.since == dt.date(2013, 12, 25)
        assert got.loaded == ("ipg241231.zip", "ipg250107.zip", "ipg250114.zip",
                              "MaintFeeEvents_20260105.zip")  # not 02-04: after --until
        # never derived before: the refresh derives everything (run_steps)
        assert got.derived and got.refresh is not None and got.refresh.full
        assert got.refresh.reason == "the store has not been derived in full yet"
        assert {"refresh: owners", "refresh: values"} <= set(got.seconds)
        # the same patents as the three recorded files loaded by hand (the first of them
        # holds the 2013 file's documents again: replaced, not doubled)
        with warchest.Store(tmp_path / "direct.duckdb") as direct:
            warchest.load_uspto_xml(direct, [first] + [
                tmp_path / "c" / "grants" / n for n in got.loaded[:3]])
            wanted = direct.scalar("SELECT count(*) FROM patents")
            newest = direct.scalar("SELECT max(grant_date) FROM patents")
        assert store.scalar("SELECT count(*) FROM patents") == wanted > before
        assert got.newest_grant_after == newest
        assert store.scalar("SELECT count(*) FROM maintenance_events") == 6
        assert store.scalar("SELECT count(*) FROM patent_indicators") == wanted
        again = warchest.update_store(store, until=dt.date(2025, 1, 31),
                                      cache=tmp_path / "c", api_key=KEY, base_url=_api(server))
        assert again.loaded == () and not again.derived
        assert {f.status for f in again.fetched} == {"cached"}


def test_hostile_answers_get_clear_errors_and_no_key(server: Services, tmp_path: Path) -> None:
    """A review's findings: the key goes only to the listing's own host; a listing of the
    wrong shape, a cache that is a file and a server that does not page each get a one-line
    error or a bounded result, not a traceback or an endless file."""
    entry = server.listings["PTMNFEE2"][1]
    entry["fileDownloadURI"] = entry["fileDownloadURI"].replace(
        "/files/PTMNFEE2/", "/cdn/").replace("127.0.0.1", "localhost")
    got = fetch_uspto("maintenance", cache=tmp_path, api_key=KEY, base_url=_api(server))
    assert got[0].name == "MaintFeeEvents_20260105.zip"
    assert dict(server.seen)["/cdn/MaintFeeEvents_20260105.zip"] is None  # no key sent
    server.listings["PTGRXML"] = {"fileName": "x"}  # type: ignore[assignment]
    with pytest.raises(FetchError, match="not in the Open Data Portal's form"):
        fetch_uspto("grants", since=dt.date(2025, 1, 1), cache=tmp_path, api_key=KEY,
                    base_url=_api(server))
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with pytest.raises(FetchError, match=r"cannot use .* as a cache folder"):
        fetch_uspto("maintenance", cache=blocked, api_key=KEY, base_url=_api(server))
    same = fetch_ptab(cache=tmp_path, api_key=KEY, page_size=10,
                      base_url=f"http://127.0.0.1:{server.port}/ptab-nopage/proceedings")
    assert len(Path(same.path).read_text("utf-8").splitlines()) == 10  # not the page again
