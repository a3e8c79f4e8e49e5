"""The REST API and the dashboard's server side, through the ASGI client, on a 20k-patent
SYNTHETIC world: keys and roles (401, 403), 422 naming the field, limits, answers equal to
the library's, a deal job end to end, hostile names escaped. The browser tests are in
test_browser.py."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import warchest
from warchest.cli import app as cli
from warchest.demo import run_world_demo
from warchest.store import Store
from warchest.web import WebSettings, create_api_key, create_app, list_api_keys, revoke_api_key
from warchest.web.keys import role_of

HOSTILE = "<script>alert('x')</script> & Co"


@pytest.fixture(scope="module")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's 20k SYNTHETIC world; one company renamed to a hostile name."""
    folder = tmp_path_factory.mktemp("web")
    demo = run_world_demo(folder, 20_000)
    db = folder / "web.duckdb"
    shutil.copy(demo.store, db)
    with Store(db) as store:
        victim = store.scalar("SELECT entity_id FROM owner_entities ORDER BY entity_id LIMIT 1")
        store.query("UPDATE owner_entities SET name = ? WHERE entity_id = ?", [HOSTILE, victim])
    keys = folder / "keys.json"
    return {"db": db, "keys": keys, "analyst": create_api_key(keys, "analyst").secret,
            "viewer": create_api_key(keys, "viewer").secret, "victim": victim,
            "scenario": warchest.load_scenario(demo.scenario), "folder": folder}


@pytest.fixture(scope="module")
def client(web_world: dict[str, Any]) -> Iterator[TestClient]:
    settings = WebSettings(db=web_world["db"], keys=web_world["keys"],
                           jobs=web_world["folder"] / "jobs")
    with TestClient(create_app(settings)) as c:
        yield c


def _h(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _deal_body(web_world: dict[str, Any], size: int = 20) -> dict[str, Any]:
    sc = web_world["scenario"]
    return {"name": "web test", "buyer": sc.buyer, "seller": sc.seller,
            "threats": [{"name": t.name, "weight": t.weight} for t in sc.threats],
            "markets": sc.markets, "as_of": sc.as_of.isoformat(), "size": size,
            "min_remaining_years": 3, "in_force_in": ["US"]}


def test_keys_are_kept_hashed_and_roles_checked(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    made = create_api_key(path, "viewer", "ops")
    assert made.secret is not None and made.secret.startswith("wk_")
    text = path.read_text()
    assert made.secret not in text  # only the digest is kept
    assert json.loads(text)["keys"][0]["role"] == "viewer"
    assert role_of(path, made.secret) == "viewer"
    assert role_of(path, made.secret + "x") is None
    assert [k.key_id for k in list_api_keys(path)] == [made.key_id]
    revoke_api_key(path, made.key_id)
    assert role_of(path, made.secret) is None
    with pytest.raises(warchest.InputError, match="'admin'"):
        create_api_key(path, "admin")
    got = CliRunner().invoke(cli, ["keys", "create", "--role", "analyst", "--keys",
                                   str(path), "--json"])
    assert got.exit_code == 0, got.output
    secret = json.loads(got.output)["secret"]
    assert role_of(path, secret) == "analyst"
    got = CliRunner().invoke(cli, ["keys", "create", "--role", "boss", "--keys", str(path)])
    assert got.exit_code == 1 and "'boss'" in got.output and "Traceback" not in got.output
    # revoke by label when one key has it; two keys with one label need the id
    create_api_key(path, "viewer", "twin")
    twin = create_api_key(path, "viewer", "twin")
    with pytest.raises(warchest.InputError, match="2 keys have the label 'twin'"):
        revoke_api_key(path, "twin")
    assert revoke_api_key(path, twin.key_id).label == "twin"
    got = CliRunner().invoke(cli, ["keys", "revoke", "twin", "--keys", str(path)])
    assert got.exit_code == 0 and "revoked" in got.output
    assert [k.label for k in list_api_keys(path)] == [""]
    got = CliRunner().invoke(cli, ["keys", "revoke", "nobody", "--keys", str(path)])
    assert got.exit_code == 1 and "'nobody'" in got.output


def test_health_is_open_and_everything_else_needs_a_key(client: TestClient,
                                                        web_world: dict[str, Any]) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok",
                                                   "version": warchest.__version__}
    for path in ("/api/v1/status", "/api/v1/companies?q=a", "/api/v1/patents/1",
                 "/api/v1/openapi.json", "/api/v1/deals"):
        got = client.get(path)
        assert got.status_code == 401, path
        assert got.headers["www-authenticate"] == "Bearer"
        assert "warchest keys create" in got.json()["error"]
    assert client.get("/api/v1/status", headers=_h("wk_not-a-key")).status_code == 401
    # a viewer reads but cannot start a deal
    assert client.get("/api/v1/status", headers=_h(web_world["viewer"])).status_code == 200
    got = client.post("/api/v1/deals", json=_deal_body(web_world), headers=_h(web_world["viewer"]))
    assert got.status_code == 403 and "analyst" in got.json()["error"]
    # pages send the browser to sign in
    got = client.get("/deal-room", follow_redirects=False)
    assert got.status_code == 303 and got.headers["location"] == "/login?next=%2Fdeal-room"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"size": 0}, "size", "greater than or equal to 1"),
    ({"size": 6000}, "size", "less than or equal to 5000"),
    ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ({"markets": {"USA": 1}}, "markets", "'USA' is not a two-letter office code"),
    ({"threats": []}, "threats", "at least 1 item"),
    ({"threats": [{"name": f"T{i}"} for i in range(11)]}, "threats", "at most 10 items"),
    ({"as_of": "31/12/2025"}, "as_of", "date"),
    ({"size": None}, "body", "give the package a size"),
    ({"threats": [{"name": "A", "weight": -1}]}, "threats.0.weight", "greater than or equal"),
    ({"threat_weights_from": "rumour"}, "threat_weights_from", "'scenario' or 'litigation'"),
    ({"threat_weights_from": "litigation", "threats": [{"name": "A", "weight": 2}]}, "body",
     "threat 'A' has a weight, and threat_weights_from is litigation"),
])
def test_bad_deals_get_422_naming_the_field(client: TestClient, web_world: dict[str, Any],
                                            change: dict[str, Any], field: str,
                                            words: str) -> None:
    got = client.post("/api/v1/deals", json={**_deal_body(web_world), **change},
                      headers=_h(web_world["analyst"]))
    assert got.status_code == 422, got.text
    fields = got.json()["fields"]
    assert fields[0]["field"] == field
    assert words in fields[0]["message"]
    assert field in got.json()["error"]


def test_limits(client: TestClient, web_world: dict[str, Any]) -> None:
    analyst = _h(web_world["analyst"])
    big = {**_deal_body(web_world), "must_exclude": ["1" * 80] * 1000}
    got = client.post("/api/v1/deals", json=big, headers=analyst)
    assert got.status_code == 413 and "65,536 bytes" in got.json()["error"]
    firms = ";".join(f"Firm {i}" for i in range(13))
    got = client.get("/api/v1/exposure", params={"firms": firms}, headers=analyst)
    assert got.status_code == 422 and "at most 12 companies" in got.json()["error"]
    got = client.get("/api/v1/exposure", params={"firms": "a;b", "market": "USA"},
                     headers=analyst)
    assert got.status_code == 422 and got.json()["fields"][0]["field"] == "market"
    # no SQL over HTTP: there is no route that takes a query
    assert client.get("/api/v1/sql", params={"q": "SELECT 1"}, headers=analyst
                      ).status_code == 404
    # CORS is off: no browser origin is allowed
    got = client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in got.headers


def test_reads_equal_the_library(client: TestClient, web_world: dict[str, Any]) -> None:
    h = _h(web_world["viewer"])
    sc = web_world["scenario"]
    with Store(web_world["db"], read_only=True) as store:
        found = warchest.find_owners(store, "Qinara", 5)
        held = warchest.portfolio_value(store, sc.buyer, sc.as_of)
        history = warchest.portfolio_history(store, sc.buyer, sc.as_of)
        first = held.patents[0].patent_id
        record = warchest.describe_patent(store, first)
        value = warchest.patent_value(store, first, sc.as_of)
        firms = [sc.buyer, sc.seller, sc.threats[0].name]
        exposure = warchest.compute_exposure(store, firms, "US", sc.as_of,
                                             evidence_per_pair=3)
    got = client.get("/api/v1/companies", params={"q": "Qinara", "limit": 5}, headers=h).json()
    assert [m["entity_id"] for m in got["matches"]] == [m.entity_id for m in found.matches]
    got = client.get(f"/api/v1/companies/{sc.buyer}/portfolio",
                     params={"as_of": sc.as_of.isoformat(), "limit": 2, "offset": 1},
                     headers=h).json()
    assert got["total"] == len(held.patents)
    assert got["summary"]["in_force"] == held.summary.in_force
    assert [p["patent_id"] for p in got["patents"]] == [
        p.patent_id for p in held.patents[1:3]]
    got = client.get(f"/api/v1/companies/{sc.buyer}/history",
                     params={"as_of": sc.as_of.isoformat()}, headers=h).json()
    assert got["years"] == [{"year": y.year, "in_force": y.in_force, "expiring": y.expiring}
                            for y in history.years]
    # this year's count is the portfolio's in force on the day
    assert got["years"][10]["in_force"] == held.summary.in_force
    got = client.get(f"/api/v1/patents/US{first}B2", headers=h).json()
    assert got["patent"]["title"] == record.patent["title"]
    got = client.get(f"/api/v1/patents/{first}/value", params={"as_of": "2025-12-31"},
                     headers=h).json()
    assert got["value"] == pytest.approx(value.value)
    got = client.get("/api/v1/exposure", params={"firms": ";".join(firms),
                                                 "as_of": sc.as_of.isoformat()},
                     headers=h).json()
    flat = [v for row in exposure.matrix for v in row]
    assert max(flat) > 0  # the threat has power against the buyer
    assert [v for row in got["matrix"] for v in row] == pytest.approx(flat)
    assert got["assertable"] == exposure.assertable
    got = client.get("/api/v1/companies/No Such Company Ltd", headers=h)
    assert got.status_code == 404 and "No Such Company Ltd" in got.json()["error"]
    got = client.get("/api/v1/patents/99999999999", headers=h)
    assert got.status_code in (404, 422) and "99999999999" in got.json()["error"]


def test_a_deal_job_end_to_end(client: TestClient, web_world: dict[str, Any]) -> None:
    analyst, viewer = _h(web_world["analyst"]), _h(web_world["viewer"])
    body = _deal_body(web_world)
    got = client.post("/api/v1/deals", json=body, headers=analyst)
    assert got.status_code == 202
    job = got.json()
    assert job["state"] in ("queued", "running")
    # reads go on while the deal runs (it runs in a worker process)
    read = client.get("/api/v1/companies", params={"q": "Qinara"}, headers=viewer)
    assert read.status_code == 200
    deadline = time.monotonic() + 300
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = client.get(f"/api/v1/deals/{job['id']}", headers=viewer).json()
    assert job["state"] == "done", job
    assert job["progress"]["stage"] == "deal: done"
    # the same package as the library's plan_deal on the same scenario
    from warchest.web.models import DealIn

    with Store(web_world["db"], read_only=True) as store:
        direct = warchest.plan_deal(store, DealIn.model_validate(body).to_scenario())
    assert job["result"]["package"] == len(direct.package)
    assert job["result"]["price_usd"]["mid"] == pytest.approx(direct.valuation.range_usd.mid)
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/api/v1/deals/{job['id']}/package.csv", headers=viewer).text)))
    assert [r["patent_id"] for r in rows] == [p["patent_id"] for p in direct.package]
    full = client.get(f"/api/v1/deals/{job['id']}/result.json", headers=viewer).json()
    assert full["objective"]["after"] == pytest.approx(direct.objective["after"])
    report = client.get(f"/api/v1/deals/{job['id']}/report.html", headers=viewer)
    assert report.headers["content-type"].startswith("text/html")
    assert "SYNTHETIC DATA" in report.text
    assert client.get(f"/api/v1/deals/{job['id']}/secrets.txt", headers=viewer
                      ).status_code == 404
    assert client.get("/api/v1/deals/0000", headers=viewer).status_code == 404
    # the deal room page shows the same figures and links the downloads
    page = client.get(f"/deal-room/jobs/{job['id']}", headers=viewer).text
    assert f"Package: {len(direct.package)} patents" in page
    assert f"/api/v1/deals/{job['id']}/report.pdf" in page
    shown = page.split('<table id="package">')[1].split("</table>")[0]
    assert [f'<a href="/patents/{p["patent_id"]}">' in shown for p in direct.package[:25]] \
        == [True] * min(25, len(direct.package))
    assert "Product areas still naked" in page
    for n in direct.naked:
        assert f"<td>{n['area']}</td>" in page


def test_hostile_names_are_escaped(client: TestClient, web_world: dict[str, Any]) -> None:
    h = _h(web_world["viewer"])
    page = client.get(f"/companies/{web_world['victim']}", headers=h)
    assert page.status_code in (200, 409), page.text
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in page.text
    got = client.get("/search", params={"q": "<img src=x onerror=alert(1)>"}, headers=h)
    assert "<img src=x" not in got.text and "&lt;img src=x" in got.text
    # a chart's spec is JSON that cannot end its script element
    from warchest.charts import bar_chart, embed_html, rows_of

    html = embed_html(bar_chart("t", [(HOSTILE, [("n", 1.0)])], {"n": "#000"}), "c")
    assert "</script> &" not in html.split('type="application/json"')[1].split("</script>")[0]
    assert rows_of(json.loads(html.split('id="c-spec">')[1].split("</script>")[0])
                   )[0]["label"] == HOSTILE
    # the API returns names as data (JSON), never as markup
    got = client.get(f"/api/v1/companies/{web_world['victim']}", headers=h).json()
    assert got["name"] == HOSTILE


def test_login_sets_a_strict_cookie(client: TestClient, web_world: dict[str, Any]) -> None:
    got = client.post("/login", data={"key": "wk_wrong", "next": "/"},
                      follow_redirects=False)
    assert got.status_code == 401 and "not an API key" in got.text
    got = client.post("/login", data={"key": web_world["viewer"], "next": "//evil.example"},
                      follow_redirects=False)
    assert got.status_code == 303 and got.headers["location"] == "/"
    cookie = got.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    client.cookies.clear()


def test_lookup_indexes_change_no_answer_and_loads_drop_them(sample_store_path: Path,
                                                             tmp_path: Path) -> None:
    """The server's lookup indexes (one per SERVING_INDEXES column) answer the same rows;
    the next load drops them, so loads and upgrades never pay for them."""
    from warchest.store.database import SERVING_INDEXES

    db = tmp_path / "s.duckdb"
    shutil.copy(sample_store_path, db)
    with Store(db, read_only=True) as store:
        number = store.scalar("SELECT patent_id FROM citations ORDER BY patent_id LIMIT 1")
        before = warchest.describe_patent(store, number).to_dict()
    with Store(db) as store:
        made = store.build_serving_indexes()
        assert len(made) == len(SERVING_INDEXES)
        assert store.build_serving_indexes() == []  # idempotent
    with Store(db, read_only=True) as store:
        assert warchest.describe_patent(store, number).to_dict() == before
        assert store.scalar("SELECT count(*) FROM duckdb_indexes() "
                            "WHERE starts_with(index_name, 'serve_')") == len(SERVING_INDEXES)
    with Store(db) as store:
        lid = store.begin_load("test", "x", None, None, None)
        store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})
        assert store.scalar("SELECT count(*) FROM duckdb_indexes()") == 0
    with Store(db, read_only=True) as store, pytest.raises(warchest.InputError,
                                                          match="read-only"):
        store.build_serving_indexes()


def test_portfolio_history_counts_as_the_portfolio_does(web_world: dict[str, Any]) -> None:
    """Each year end's count is the valued portfolio's in-force count on that day, and the
    expiries ahead are the end dates of the patents in force today, by year."""
    import datetime as dt
    from collections import Counter

    sc = web_world["scenario"]
    with Store(web_world["db"], read_only=True) as store:
        history = warchest.portfolio_history(store, sc.seller, sc.as_of, years=4)
        assert [y.year for y in history.years] == list(range(2021, 2030))
        for y in history.years[:4]:
            held = warchest.portfolio_value(store, sc.seller, dt.date(y.year, 12, 31))
            assert y.in_force == held.summary.in_force and y.expiring is None
        now = warchest.portfolio_value(store, sc.seller, sc.as_of)
    assert history.years[4].in_force == now.summary.in_force > 0
    ends = Counter(p.end_date.year for p in now.patents if p.in_force and p.end_date)
    assert [y.expiring for y in history.years[4:]] == [ends.get(y, 0)
                                                       for y in range(2025, 2030)]
    assert [y.in_force for y in history.years[5:]] == [None] * 4


def test_exposure_on_a_served_store_computes_what_is_not_cached(
        client: TestClient, web_world: dict[str, Any]) -> None:
    """A served store is read-only: text vectors it has not cached are computed for the
    request and not kept (the request does not fail)."""
    with Store(web_world["db"], read_only=True) as store:
        cached = store.scalar("SELECT count(*) FROM patent_embeddings")
        firms = [r["name"] for r in store.rows(
            "SELECT e.name, count(*) AS n FROM ownership o JOIN owner_entities e "
            "USING (entity_id) WHERE o.end_date IS NULL AND e.name <> ? GROUP BY 1 "
            "ORDER BY n DESC, 1 LIMIT 12", [HOSTILE])][8:11]
        direct = warchest.compute_exposure(store, firms, "US")
    got = client.get("/api/v1/exposure", params={"firms": ";".join(firms), "evidence": 0},
                     headers=_h(web_world["viewer"]))
    assert got.status_code == 200, got.text
    assert got.json()["text_method"] == direct.text_method == "static"
    assert [v for row in got.json()["matrix"] for v in row] == pytest.approx(
        [v for row in direct.matrix for v in row])
    with Store(web_world["db"], read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM patent_embeddings") == cached


def test_posts_need_a_length_and_this_origin(client: TestClient,
                                             web_world: dict[str, Any]) -> None:
    analyst = _h(web_world["analyst"])
    body = json.dumps(_deal_body(web_world)).encode()
    got = client.post("/api/v1/deals", content=iter([body]),  # chunked: no Content-Length
                      headers={**analyst, "Content-Type": "application/json"})
    assert got.status_code == 411 and "Content-Length" in got.json()["error"]
    got = client.post("/deal-room", data={"buyer": "x"},
                      headers={**analyst, "Origin": "http://localhost:9999"})
    assert got.status_code == 403 and "http://localhost:9999" in got.json()["error"]
    from warchest.web.pages import _safe_next

    assert [_safe_next(t) for t in ("/deal-room?x=1", "//evil.example", "/\\evil.example",
                                    "https://evil.example", "/a\tb")] == [
        "/deal-room?x=1", "/", "/", "/", "/"]


def test_a_failed_deal_says_why_and_pages_say_synthetic(client: TestClient,
                                                       web_world: dict[str, Any]) -> None:
    analyst, viewer = _h(web_world["analyst"]), _h(web_world["viewer"])
    body = {**_deal_body(web_world), "buyer": "Nobody Such Holdings"}
    job = client.post("/api/v1/deals", json=body, headers=analyst).json()
    deadline = time.monotonic() + 120
    while job["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.3)
        job = client.get(f"/api/v1/deals/{job['id']}", headers=viewer).json()
    assert job["state"] == "failed" and "Nobody Such Holdings" in job["error"]
    got = client.get(f"/api/v1/deals/{job['id']}/report.html", headers=viewer)
    assert got.status_code == 409 and "failed" in got.json()["error"]
    sc = web_world["scenario"]
    page = client.get("/exposure", params={"firms": f"{sc.buyer};{sc.seller}",
                                           "market": "US"}, headers=viewer).text
    assert "(SYNTHETIC data)" in page  # the heatmap's own title says so too
    bad = client.get("/exposure", params={"firms": f"{sc.buyer};{sc.seller}",
                                          "market": "USA"}, headers=viewer)
    assert bad.status_code == 422 and "&#39;USA&#39; is not a two-letter" in bad.text


def test_deal_processes_defer_to_the_reads() -> None:
    """A deal's process runs at a lower priority (nice + 10) than the server's reads."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from warchest.web.jobs import DEAL_NICENESS, _follow_parent

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_follow_parent, initargs=(os.getpid(),)) as pool:
        assert pool.submit(os.nice, 0).result(60) == min(19, os.nice(0) + DEAL_NICENESS)
