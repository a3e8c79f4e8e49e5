"""The dashboard as a person uses it: Playwright drives Debian's Chromium (``apt-get
install chromium``; `.ci/run` installs it) against ``warchest serve`` started on loopback,
on the demo's 20k-patent SYNTHETIC world: sign in, search, company, exposure heatmap, the
evidence behind a cell, the deal room, the report and its PDF."""

from __future__ import annotations

import io
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright import sync_api as playwright_api  # the dev extra: a failure, not a skip

from warchest.demo import run_world_demo
from warchest.printing import find_browser
from warchest.web import WebSettings, create_api_key, create_app


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("browser")
    demo = run_world_demo(folder, 20_000)
    keys = folder / "keys.json"
    analyst = create_api_key(keys, "analyst").secret
    viewer = create_api_key(keys, "viewer").secret
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(WebSettings(db=demo.store, keys=keys, jobs=folder / "jobs"))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    yield {"url": f"http://127.0.0.1:{port}", "analyst": analyst, "viewer": viewer,
           "demo": demo, "folder": folder}
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(server: dict[str, Any]) -> Iterator[Any]:
    try:
        executable = find_browser()
    except Exception as exc:  # a failure, not a skip: CI installs Chromium
        pytest.fail(f"these tests need Chromium: {exc}")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def _sign_in(browser: Any, server: dict[str, Any], key: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server["url"] + "/")
    assert "/login" in page.url  # no key yet: sent to sign in
    page.fill("#key", key)
    page.click("button[type=submit]")
    page.wait_for_url(server["url"] + "/")
    return page


def _drawn(page: Any, element_id: str) -> str:
    page.wait_for_selector(f"#{element_id}[data-drawn=true] svg", timeout=20_000)
    return str(page.inner_html(f"#{element_id}"))


def test_search_company_exposure_evidence(browser: Any, server: dict[str, Any]) -> None:
    sc = server["demo"].deal.scenario
    page = _sign_in(browser, server, server["viewer"])
    assert "SYNTHETIC DATA" in page.inner_text(".banner")
    page.fill("header input[name=q]", "Qinara")
    page.press("header input[name=q]", "Enter")
    page.wait_for_selector("a.company")
    page.click(f"a.company:has-text('{sc.buyer}')")
    page.wait_for_selector("h1")
    assert page.inner_text("h1") == sc.buyer
    history = _drawn(page, "history")
    assert "in force at year end" in history and "expiring in the year" in history  # legend
    assert "patents" in history  # the axis title
    _drawn(page, "mix")
    # exposure of the buyer, the seller and the first threat; the heatmap has its legend
    firms = f"{sc.buyer};{sc.seller};{sc.threats[0].name}"
    page.goto(server["url"] + "/exposure?" + f"market=US&as_of={sc.as_of}&firms="
              + firms.replace("&", "%26").replace(";", "%3B").replace(" ", "+"))
    heat = _drawn(page, "heatmap")
    assert "Gradient legend" in heat or "role-legend" in heat
    assert sc.threats[0].name in heat
    # click the threat's cell against the buyer: the evidence behind it
    cell = page.locator(f"#heatmap path[aria-label*='holder: {sc.threats[0].name}; "
                        f"against: {sc.buyer};']")
    assert cell.count() == 1
    box = cell.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r".*/exposure/explain\?.*"), timeout=20_000)
    heading = page.inner_text("h1")
    assert heading == f"{sc.threats[0].name} against {sc.buyer} in US"
    assert page.locator("table tr").count() > 1  # the patents behind the score
    page.close()


def test_deal_room_to_report_and_pdf(browser: Any, server: dict[str, Any]) -> None:
    import pypdf

    sc = server["demo"].deal.scenario
    # a viewer cannot run a deal
    page = _sign_in(browser, server, server["viewer"])
    page.goto(server["url"] + "/deal-room")
    page.fill("#buyer", sc.buyer)
    page.fill("#seller", sc.seller)
    page.fill("#threats", sc.threats[0].name)
    page.click("#run")
    assert "needs an analyst's key" in page.inner_text(".error")
    page.close()
    page = _sign_in(browser, server, server["analyst"])
    page.goto(server["url"] + "/deal-room")
    page.fill("#name", "browser deal")
    page.fill("#buyer", sc.buyer)
    page.fill("#seller", sc.seller)
    page.fill("#threats", "\n".join(f"{t.name} | {t.weight}" for t in sc.threats))
    page.fill("#markets", "US: 1, EP: 0.6")
    page.fill("#as_of", sc.as_of.isoformat())
    page.fill("#size", "0")
    page.click("#run")
    assert "size" in page.inner_text(".error")  # 422 in words, the field named
    page.fill("#size", "30")
    page.fill("#min_remaining_years", "3")
    page.fill("#in_force_in", "US")
    page.click("#run")
    page.wait_for_selector("#report", timeout=300_000)  # the page refreshes until done
    state = page.inner_text("#state")
    assert re.match(r"Package: \d+ patents of \d+ candidates", state)
    assert not re.search(r"\d[eE][+-]\d", state) and "$" in state
    before = _drawn(page, "chart-deterrence")
    assert "before" in before and "after" in before  # the legend
    _drawn(page, "chart-before-US")
    # the report: the same charts as SVG, a legend on every heatmap, short, no e-notation
    page.click("#report")
    page.wait_for_load_state()
    html = page.content()
    heatmaps = len(re.findall(r"Y-axis titled .holder of the patents", html))
    assert heatmaps == 4  # before and after, US and EP
    assert html.count("Gradient legend titled") == heatmaps
    assert not re.search(r"\d[eE][+-]\d\d", page.inner_text("body"))
    assert page.evaluate("document.documentElement.scrollHeight") < 8000
    pdf_url = page.url.replace("report.html", "report.pdf")
    got = page.request.get(pdf_url)
    assert got.status == 200 and got.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(got.body()))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for column in ("# patent role title area years left in force in value marginal gain "
                   "strongest against price (USD) why"):
        assert column in text  # every column of the package table printed, in order
    page.close()


def test_demo_report_is_short_with_legends(browser: Any, server: dict[str, Any],
                                           tmp_path: Path) -> None:
    """The demo deal's own report (150 patents): under 8,000 px, a legend on every
    heatmap, no e-notation; printed with `warchest deal --pdf`, every column kept."""
    import pypdf
    from typer.testing import CliRunner

    from warchest.cli import app

    demo = server["demo"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(demo.outputs[0].resolve().as_uri())
    assert page.evaluate("document.documentElement.scrollHeight") < 8000
    html = page.content()
    assert html.count("Gradient legend titled") == len(re.findall(
        r"Y-axis titled .holder of the patents", html)) == 2 * len(demo.deal.markets)
    assert not re.search(r"\d[eE][+-]\d\d", page.inner_text("body"))
    # no table wider than the page
    assert page.evaluate("[...document.querySelectorAll('table')].filter("
                         "t => t.scrollWidth > t.parentElement.clientWidth + 1).length") == 0
    page.close()
    db = tmp_path / "w.duckdb"
    shutil.copy(demo.store, db)
    pdf = tmp_path / "deal.pdf"
    got = CliRunner().invoke(app, ["deal", str(demo.scenario), "--pdf", str(pdf), "--db",
                                   str(db)])
    assert got.exit_code == 0, got.output
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    assert ("# patent role title area years left in force in value marginal gain strongest "
            "against price (USD) litigation and PTAB why") in text
    got = CliRunner().invoke(app, ["deal", str(demo.scenario), "--pdf", str(tmp_path / "x.png"),
                                   "--db", str(db)])
    assert got.exit_code == 1 and "x.png" in got.output and ".pdf" in got.output
