"""The demo: a store built from the real samples shipped inside the package."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from warchest.deal import DealResult
from warchest.errors import (
    InputError,
)
from warchest.exposure import Exposure
from warchest.ingest import (
    LoadReport,
    load_assignments,
    load_cpc,
    load_ipc,
    load_patentsview,
    load_ppubs,
    load_ptab,
    load_uspto_xml,
)
from warchest.ingest.runner import ProgressFn
from warchest.owners import OwnersReport
from warchest.progress import StageFn, report_stage
from warchest.results import Result, Row
from warchest.status import StoreStatus
from warchest.store import Engine, Store
from warchest.value import PortfolioComparison, ValueReport

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_COMPANIES = ("Samsung Electronics Co., Ltd.", "Apple Inc.",
                    "HUAWEI TECHNOLOGIES CO., LTD.")
"""The real companies the samples demo compares (small samples of their patents)."""
SAMPLE_DATE = dt.date(2025, 1, 1)


def sample_path(*parts: str) -> Path:
    """Path of a sample shipped with warchest (see ``samples/SOURCES.md``)."""
    return SAMPLES.joinpath(*parts)


def load_samples(store: Engine, progress: ProgressFn | None = None) -> list[LoadReport]:
    """Load every shipped sample into ``store`` (idempotent: running it twice leaves the same
    rows)."""
    return [
        load_cpc(store, [sample_path("cpc")], progress=progress),
        load_ipc(store, [sample_path("ipc")], progress=progress),
        load_patentsview(store, [sample_path("patentsview_partly_synthetic"),
                                 sample_path("patentsview_legacy")], progress=progress),
        load_ppubs(store, [sample_path("ppubs")], progress=progress),
        load_uspto_xml(store, [sample_path("uspto_xml")], progress=progress),
        load_assignments(store, [sample_path("assignments")], progress=progress),
        load_ptab(store, [sample_path("ptab")], progress=progress),
    ]


@dataclass(frozen=True)
class SampleDemo(Result):
    """The real samples in a store: what each load did, the store's status, owners
    resolved, values computed, the sample companies' portfolios side by side and their
    exposure matrix in the US (the main table: one row per holder -> target pair)."""

    store: Path
    loads: tuple[LoadReport, ...]
    status: StoreStatus
    owners: OwnersReport
    values: ValueReport
    portfolios: PortfolioComparison
    exposure: Exposure

    def rows(self) -> list[Row]:
        return self.exposure.rows()


def run_sample_demo(db: Path, progress: ProgressFn | None = None,
                    companies: tuple[str, ...] = SAMPLE_COMPANIES,
                    on: dt.date = SAMPLE_DATE) -> SampleDemo:
    """Load the shipped real samples into the store ``db``, resolve owners, compute values,
    and compare ``companies`` (portfolios and US exposure) on ``on``."""
    from warchest.exposure import compute_exposure
    from warchest.owners import resolve_owners
    from warchest.status import store_status
    from warchest.value import compare_portfolios, compute_values

    with Store(db) as store:
        loads = load_samples(store, progress=progress)
        owners = resolve_owners(store)
        values = compute_values(store)
        return SampleDemo(Path(db), tuple(loads), store_status(store), owners, values,
                          compare_portfolios(store, list(companies), on),
                          compute_exposure(store, list(companies), "US", on,
                                           evidence_per_pair=1))


# ---------------------------------------------------------------- the deal demo (SYNTHETIC)
WORLD_PATENTS = 300_000
WORLD_SEED = 7


def write_demo_scenario(world: Path, out: Path, products: Path | None, size: int) -> Path:
    """The deal scenario of a smartphone-expansion world, from its truth/stats.json: the
    buyer, the seller and the threats (weighted by their number of patents: market
    weight 1 for the US, 0.6 for Europe)."""
    scenario = json.loads((world / "truth" / "stats.json").read_text(encoding="utf-8"))
    sc = scenario.get("scenario")
    if not sc:
        raise InputError(f"{world} has no planted scenario; generate it with "
                            "--scenario smartphone-expansion")
    biggest = max(t["patents"] for t in sc["threats"]) or 1
    doc = {
        "name": f"{sc['buyer']['name']} enters the US and Europe (SYNTHETIC world)",
        "synthetic": True,
        "buyer": sc["buyer"]["name"], "seller": sc["seller"]["name"],
        "threats": [{"name": t["name"],
                     "weight": round(1 + 2 * t["patents"] / biggest, 2)}
                    for t in sc["threats"]],
        "markets": {"US": 1.0, "EP": 0.6}, "as_of": sc["as_of"],
        "package": {"size": size},
        "constraints": {"min_remaining_years": 3, "in_force_in": ["US"],
                        "exclude_encumbered": True, "max_share_per_area": 0.6},
        "optimiser": {"exact": True, "time_limit_s": 60, "exact_max_candidates": 5000},
        "cross_licence": {"royalty_rate": 0.02},
    }
    if products is not None:
        doc["products"] = os.path.relpath(products, out.parent)
    out.write_text("# Written by `warchest demo` (SYNTHETIC world); see "
                   "src/warchest/deal/example.yaml for every key.\n"
                   + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True),
                   encoding="utf-8")
    return out


def build_world_store(world: Path, db: Path, stage: StageFn | None = None,
                      seconds: dict[str, float] | None = None) -> tuple[Store, dict[str, Any]]:
    """A fresh store of a SYNTHETIC world folder: load its tables (families, lawsuits and
    PTAB proceedings when the world has them), resolve owners, compute values and map the
    technology. Returns the open store and what each step returned; ``seconds`` gets each
    step's time."""
    from warchest.ingest import load_families, load_litigation, load_maintenance, load_ptab
    from warchest.owners import resolve_owners
    from warchest.techmap import map_technology
    from warchest.value import compute_values

    for path in (db, db.with_suffix(".duckdb.wal")):
        path.unlink(missing_ok=True)

    def load(s: Store) -> list[LoadReport]:
        got = [load_patentsview(s, [world / "patentsview"]),
               load_assignments(s, [world / "assignments"]),
               load_maintenance(s, [world / "maintfee"])]
        if (world / "families").exists():
            got.append(load_families(s, [world / "families"]))
        if (world / "litigation").exists():
            got.append(load_litigation(s, [world / "litigation"]))
        if (world / "ptab").exists():
            got.append(load_ptab(s, [world / "ptab"]))
        return got

    steps: list[tuple[str, Callable[[Store], Any]]] = [
        ("load", load), ("owners", resolve_owners), ("values", compute_values),
        ("technology map", map_technology)]
    done: dict[str, Any] = {}
    store = Store(db)
    try:
        for name, run in steps:
            report_stage(stage, name, 0, 1)
            tick = time.perf_counter()
            done[name] = run(store)
            if seconds is not None:
                seconds[name] = time.perf_counter() - tick
            report_stage(stage, name, 1, 1)
    except BaseException:
        store.close()
        raise
    return store, done


def _kept_or_made(world: Path, stats: str, wanted: dict[str, Any],
                  make: Callable[[], Any]) -> None:
    """Keep a generated world whose truth/<stats> file says it was made as ``wanted``;
    else generate it afresh with ``make``."""
    path = world / "truth" / stats
    made = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if any(made.get(k) != v for k, v in wanted.items()):
        if world.exists():
            shutil.rmtree(world)
        make()


@dataclass(frozen=True)
class WorldDemo(Result):
    """The main job on a SYNTHETIC world: the world's folder, its store, the scenario
    written for it, the report files (HTML, package CSV, JSON), the deal (its package is
    the main table), seconds per step, and rows read = loaded + quarantined."""

    world: Path
    store: Path
    scenario: Path
    outputs: tuple[Path, ...]
    deal: DealResult
    seconds: dict[str, float]
    read: int
    loaded: int
    quarantined: int

    def rows(self) -> list[Row]:
        return self.deal.rows()


@dataclass(frozen=True)
class BlockWorld(Result):
    """The patent-blocks known-answer world's deal (SYNTHETIC): the package (the main
    table) and ``score``, the package against the planted truth
    (``warchest.synth.blocks.score_package``)."""

    world: Path
    store: Path
    deal: DealResult
    seconds: dict[str, float]
    score: dict[str, Any]

    def rows(self) -> list[Row]:
        return self.deal.rows()


def run_world_demo(folder: Path, patents: int = WORLD_PATENTS, seed: int = WORLD_SEED,
                   size: int = 150, stage: StageFn | None = None) -> WorldDemo:
    """The main job on a SYNTHETIC smartphone-expansion world: generate it (kept when it is
    already there), load it into a fresh store, resolve owners, compute values, map the
    technology, plan the deal and write the report. Returns what was done and where."""
    from warchest.deal import load_scenario, plan_deal
    from warchest.deal.report import write_outputs
    from warchest.synth import generate_world
    from warchest.synth.check import write_products

    def mark(name: str, done: int, total: int = 1) -> None:
        report_stage(stage, name, done, total)

    folder.mkdir(parents=True, exist_ok=True)
    world = folder / "world"
    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    _kept_or_made(world, "stats.json", {"patents": patents, "seed": seed},
                  lambda: generate_world(world, patents, seed, "smartphone-expansion",
                                         progress=stage))
    seconds["generate"] = time.perf_counter() - tick
    db = folder / "world.duckdb"
    store, done = build_world_store(world, db, stage, seconds)
    with store:
        products = folder / "products.csv"
        write_products(world / "truth", products)
        scenario_path = write_demo_scenario(world, folder / "scenario.yaml", products, size)
        mark("deal", 0)
        tick = time.perf_counter()
        result = plan_deal(store, load_scenario(scenario_path))
        seconds["deal"] = time.perf_counter() - tick
        mark("deal", 1)
    paths = write_outputs(result, folder / "deal-report.html", folder / "package.csv",
                          folder / "deal.json")
    loads = done["load"]
    return WorldDemo(world, db, scenario_path, tuple(paths), result, seconds,
                     sum(r.rows_read for r in loads), sum(r.rows_loaded for r in loads),
                     sum(r.rows_quarantined for r in loads))


def run_block_world(folder: Path, patents: int = 5000, seed: int = WORLD_SEED,
                    exact: bool = True, rebuild: bool = True, buyer_cites: bool = True,
                    exclude_encumbered: bool = False) -> BlockWorld:
    """The known-answer deal of a SYNTHETIC patent-blocks world
    (``warchest.synth.blocks``): generate it (kept when already there), build its store
    (kept when ``rebuild`` is false and it exists), plan the deal and score the package
    against the truth."""
    from warchest.deal import load_scenario, plan_deal
    from warchest.synth.blocks import (
        VERSION,
        block_scenario,
        generate_block_world,
        score_package,
    )

    folder.mkdir(parents=True, exist_ok=True)
    world = folder / "world"
    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    _kept_or_made(world, "blocks.json", {"requested": patents, "seed": seed,
                                         "buyer_cites": buyer_cites, "version": VERSION},
                  lambda: generate_block_world(world, patents, seed, buyer_cites))
    seconds["generate"] = time.perf_counter() - tick
    db = folder / "world.duckdb"
    if rebuild or not db.exists():
        store, _ = build_world_store(world, db, None, seconds)
    else:
        store = Store(db)
    with store:
        scenario = load_scenario(block_scenario(world, folder / "scenario.yaml", exact))
        scenario = dataclasses.replace(scenario, exclude_encumbered=exclude_encumbered)
        tick = time.perf_counter()
        result = plan_deal(store, scenario)
        seconds["deal"] = time.perf_counter() - tick
    package = [p["patent_id"] for p in result.package]
    return BlockWorld(world, db, result, seconds, score_package(world, package))
