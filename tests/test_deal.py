"""The deal engine: optimiser (brute force, MILP, greedy's guarantee), constraints on a
SYNTHETIC smartphone-expansion world, valuation and cross-licence worked by hand, report."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from warchest.cli import app
from warchest.deal import cross_licence, load_scenario, plan_deal
from warchest.deal.optimise import (
    GREEDY_BOUND,
    Instance,
    brute_force,
    deterrence_curve,
    fill_package,
    greedy,
    solve_exact,
)
from warchest.deal.report import render_html, write_outputs
from warchest.deal.scenario import EXAMPLE
from warchest.deal.valuation import (
    balancing_payment,
    patent_factors,
    price_per_patent,
    read_comparables,
    record_factors,
    value_package,
)
from warchest.demo import WorldDemo, run_world_demo
from warchest.display import money
from warchest.errors import BadInputFile, InfeasibleDeal, WarchestError
from warchest.ingest import load_assignments
from warchest.owners import resolve_owners
from warchest.store import Store
from warchest.value import compute_values, status_on

ON = dt.date(2025, 12, 31)


# ------------------------------------------------------------------ the objective by hand
def test_deterrence_curve_is_the_tangent_envelope_of_1_minus_exp() -> None:
    # at a tangent point the envelope equals 1 - exp(-r); between, it lies above
    assert float(deterrence_curve(np.array(1.0))) == pytest.approx(1 - math.exp(-1))
    assert float(deterrence_curve(np.array(0.0))) == 0.0
    # between the tangents at 1 and 1.5 (they cross at r* = 1.2449...):
    # g(1.2) = 1 - e^-1 + e^-1 * 0.2
    assert float(deterrence_curve(np.array(1.2))) == pytest.approx(
        1 - math.exp(-1) + math.exp(-1) * 0.2)
    assert float(deterrence_curve(np.array(1.2))) > 1 - math.exp(-1.2)
    assert float(deterrence_curve(np.array(50.0))) == 1.0


def v(*values: float) -> np.ndarray:
    """A vector of per-target values (base power, scale, weight)."""
    return np.array(values, dtype=np.float64)


def test_value_of_a_package_by_hand() -> None:
    # two targets: threat powers 2 and 4, weights 3 and 1, buyer has 0 and 2 today
    gains = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    inst = Instance(gains, base=v(0.0, 2.0), scale=v(2.0, 4.0), weight=v(3.0, 1.0), size=1)
    # before: ratios 0 and 0.5 -> g = 0 and 1 - e^-0.5 (0.5 is a tangent point)
    assert inst.value([]) == pytest.approx(1 - math.exp(-0.5))
    # patent 0: ratios 1 and 0.5 -> 3 (1 - e^-1) + (1 - e^-0.5)
    assert inst.value([0]) == pytest.approx(3 * (1 - math.exp(-1)) + 1 - math.exp(-0.5))
    # patent 1: ratios 0 and 1 -> (1 - e^-1)
    assert inst.value([1]) == pytest.approx(1 - math.exp(-1))
    # patent 2: ratios 0.5 and 0.75 -> 3 (1 - e^-0.5) + (1 - e^-0.75)
    assert inst.value([2]) == pytest.approx(3 * (1 - math.exp(-0.5)) + 1 - math.exp(-0.75))
    # best single: patent 0 (2.4292) beats patent 2 (1.6607)
    assert greedy(inst).chosen == [0]
    assert brute_force(inst)[0] == [0]


def _random(seed: int, n: int = 14, j: int = 5, **kw: Any) -> Instance:
    rng = np.random.default_rng(seed)
    gains = rng.gamma(0.6, 1.0, (n, j)) * (rng.random((n, j)) < 0.5)
    return Instance(gains, rng.random(j), rng.random(j) + 0.3, rng.random(j) + 0.1, **kw)


@pytest.mark.parametrize("seed", range(6))
def test_milp_matches_brute_force_and_greedy_keeps_its_guarantee(seed: int) -> None:
    inst = _random(seed, size=4)
    best, opt = brute_force(inst)
    exact = solve_exact(inst)
    assert exact.value == pytest.approx(opt, abs=1e-9)
    assert sorted(exact.chosen) == sorted(best) or inst.value(exact.chosen) == \
        pytest.approx(opt, abs=1e-9)
    g = greedy(inst)
    assert len(g.chosen) <= 4
    assert g.value >= GREEDY_BOUND * opt - 1e-12
    # the data-dependent bound is an upper bound on the optimum
    assert g.bound is not None and g.bound >= opt - 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_budget_greedy_keeps_its_guarantee_and_the_budget(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    inst = _random(seed, budget=2.0, cost=rng.random(14) + 0.2)
    _, opt = brute_force(inst)
    g = greedy(inst)
    assert inst.cost is not None and inst.cost[g.chosen].sum() <= 2.0 + 1e-9
    assert g.value >= (1 - 1 / math.e) / 2 * opt - 1e-12
    assert solve_exact(inst).value == pytest.approx(opt, abs=1e-9)


def test_area_caps_and_must_include_are_respected() -> None:
    area = np.array([0] * 7 + [1] * 7)
    inst = _random(7, size=5, area=area, area_cap={0: 2, 1: 2}, must=[13])
    g = greedy(inst)
    assert 13 in g.chosen and len(g.chosen) <= 4  # two per area at most
    assert (area[g.chosen] == 0).sum() <= 2 and (area[g.chosen] == 1).sum() <= 2
    _, opt = brute_force(inst)
    assert g.value >= 0.5 * opt - 1e-12  # a matroid: greedy gets at least half
    assert solve_exact(inst).value == pytest.approx(opt, abs=1e-9)
    with pytest.raises(InfeasibleDeal, match="must-include"):
        greedy(_random(7, size=1, must=[1, 2]))


def test_fill_adds_the_strongest_rest_once_deterrence_saturates() -> None:
    # one target, threat power 1: patent 0 alone gives ratio 10 (g = 1, saturated)
    gains = np.array([[10.0], [0.5], [2.0], [0.0], [1.0]])
    inst = Instance(gains, base=v(0.0), scale=v(1.0), weight=v(1.0), size=3)
    g = greedy(inst)
    assert g.chosen == [0]  # nothing else adds deterrence
    # the reserve: the most power first (2.0, then 1.0); 0.0-power patents never
    assert fill_package(inst, g.chosen) == [2, 4]
    capped = Instance(gains, v(0.0), v(1.0), v(1.0), size=3, area=v(0, 0, 1, 1, 1),
                      area_cap={1: 1})
    assert fill_package(capped, [0]) == [2, 1]


def test_fill_is_balanced_across_targets() -> None:
    # two targets, both saturated by patents 0 and 1; target 0 has three strong rest
    # candidates (5, 4, 3), target 1 two weak ones (0.1, 0.2). Each step serves the target
    # with the fewest package patents per unit of weight: target 0 (tie, lower index) takes
    # 2 (5.0), target 1 takes 6 (0.2), target 0 takes 3 (4.0); summed power alone would
    # have taken 2, 3, 4 and left target 1 with no reserve
    gains = np.array([[10.0, 0], [0, 10.0], [5.0, 0], [4.0, 0], [3.0, 0], [0, 0.1],
                      [0, 0.2]])
    inst = Instance(gains, base=v(0.0, 0.0), scale=v(1.0, 1.0), weight=v(1.0, 1.0), size=5)
    assert greedy(inst).chosen == [0, 1]
    assert fill_package(inst, [0, 1]) == [2, 6, 3]
    # a target weighing twice as much gets twice the reserve: counts 1/2 vs 1/1 first
    heavy = Instance(gains, v(0.0, 0.0), v(1.0, 1.0), v(2.0, 1.0), size=6)
    assert fill_package(heavy, [0, 1]) == [2, 3, 6, 4]
    # once a target has no candidate left it drops out and the other goes on
    assert fill_package(Instance(gains, v(0.0, 0.0), v(1.0, 1.0), v(1.0, 1.0), size=7),
                        [0, 1]) == [2, 6, 3, 5, 4]


def test_deterrence_scale_falls_back_to_the_buyers_need() -> None:
    from warchest.deal.plan import _deterrence_scales

    names = ["Buyer", "Seller", "T1", "T2"]
    gains = np.array([[3.0, 0, 1.0, 0], [2.0, 0, 0, 0], [1.0, 4.0, 0, 0], [0, 0.5, 0, 0]])
    targets = [(2, "US"), (3, "US"), (2, "EP"), (3, "EP")]
    # T1 has power 5 in the US only: in EP it counts its US power; T2 has none anywhere:
    # the median of the threats' powers (5)
    scale = np.array([5.0, 0.0, 0.0, 0.0])
    source, notes = _deterrence_scales(scale, gains, targets, 4, names)
    assert scale.tolist() == [5.0, 5.0, 5.0, 5.0]
    assert source == ["threat power", "median threat power", "its power in US",
                      "median threat power"]
    assert len(notes) == 3 and "T2 has no assertable patent against Buyer in US" in notes[0]
    # no threat has any power: the buyer's need, the package's even share (4 patents / 4
    # targets = 1) of the best candidates against each target: 3.0, 4.0, 1.0; none for the
    # last target (no candidate reads on it): 1.0, said so
    scale = np.zeros(4)
    source, notes = _deterrence_scales(scale, gains, targets, 4, names)
    assert scale.tolist() == [3.0, 4.0, 1.0, 1.0]
    assert source == ["the buyer's need"] * 3 + ["none: no candidate reads on it either"]
    assert "measured against 3 (the buyer's need)" in notes[0]


@pytest.mark.parametrize(("buyer_cites", "exclude_encumbered"), [(True, False),
                                                                 (False, True)])
def test_known_answer_blocks_world(tmp_path: Path, buyer_cites: bool,
                                   exclude_encumbered: bool) -> None:
    """A SYNTHETIC 5,000-patent patent-blocks world (warchest.synth.blocks): each of three
    threats cites its own block of 60 seller patents, one of them in video coding; the
    seller's 1,820 decoys sit in the same CPC groups. The package of 90 must come from the
    blocks (>= 90%), 20-40 per threat, with no expired, lapsed or sold patent; security
    interests are eligible only when encumbered patents are allowed."""
    from warchest.demo import run_block_world

    done = run_block_world(tmp_path, 5000, buyer_cites=buyer_cites,
                           exclude_encumbered=exclude_encumbered)
    score = done.score
    assert score["package"] == 90
    assert score["share_from_blocks"] >= 0.9
    assert all(20 <= n <= 40 for n in score["per_threat"].values()), score["per_threat"]
    assert score["expired_or_sold"] == 0
    result = done.deal
    if exclude_encumbered:
        assert score["security_interest_in_package"] == 0
        assert result.excluded["encumbered: open security interest"] == 30
    else:
        assert score["security_interest_in_package"] > 0
    if buyer_cites:  # every threat can assert against the buyer: no warning
        assert result.warnings == []
        assert {t["scale_from"] for t in result.targets} == {"threat power"}
    else:  # none can: each threat is measured against the buyer's need, and said so
        assert len(result.warnings) == 3
        assert all("(the buyer's need)" in w for w in result.warnings)
        assert {t["scale_from"] for t in result.targets} == {"the buyer's need"}


def test_lazy_greedy_picks_what_plain_greedy_picks() -> None:
    inst = _random(11, n=300, j=8, size=25)
    lazy = greedy(inst, batch=4)
    chosen: list[int] = []
    for _ in range(25):  # plain greedy: every marginal gain, every step
        rest = [i for i in range(inst.n) if i not in chosen]
        gains = [inst.value([*chosen, i]) - inst.value(chosen) for i in rest]
        if max(gains) <= 0:
            break
        chosen.append(rest[int(np.argmax(gains))])
    assert lazy.chosen == chosen


# ------------------------------------------------------------------ valuation by hand
def test_comparables_percentiles_by_hand() -> None:
    comps = read_comparables()
    # per patent: 750,000 (Nortel), 323,529.41 (Motorola), 1,320,000 (AOL),
    # 846,153.85 (MS-Facebook), 220,588.24 (InterDigital), 225,000 (RPX), 477,272.73
    # (Kodak); Xiaomi has no price. Sorted, positions 0..6; p25 at 1.5, p75 at 4.5.
    low, mid, high = price_per_patent(comps)
    assert low == pytest.approx((225_000 + 5_500_000_000 / 17_000) / 2)  # 274,264.71
    assert mid == pytest.approx(525_000_000 / 1_100)  # 477,272.73
    assert high == pytest.approx((750_000 + 550_000_000 / 650) / 2)  # 798,076.92
    assert [c.seller for c in comps if c.price_usd is None] == ["Microsoft"]


def test_package_valuation_by_hand() -> None:
    comps = read_comparables()
    # patent 1: value 2 x the reference -> sqrt 2; 10 years left -> 1.0: factor 1.41421
    # patent 2: value 0.5 -> sqrt 0.5 = 0.70711; 25 years -> 2.5, clipped to 2: 1.41421
    # patent 3: value 100 -> 10, clipped to 4; 1 year -> 0.1, clipped to 0.25: 1.0
    f = patent_factors(np.array([2.0, 0.5, 100.0]), np.array([10.0, 25.0, 1.0]), 1.0)
    assert f.tolist() == pytest.approx([math.sqrt(2), 2 * math.sqrt(0.5), 1.0])
    v = value_package(comps, np.array([2.0, 0.5, 100.0]), np.array([10.0, 25.0, 1.0]), 1.0)
    total = 2 * math.sqrt(2) + 1.0  # 3.82843
    assert v.range_usd.mid == pytest.approx(477_272.7272727 * total)  # 1,827,206
    assert v.range_usd.low == pytest.approx(274_264.7058824 * total)
    assert list(v.allocation_usd) == pytest.approx([477_272.7272727 * math.sqrt(2)] * 2
                                                   + [477_272.7272727])
    assert sum(v.allocation_usd) == pytest.approx(v.range_usd.mid)
    # the litigation record: patent 1 asserted and upheld (1 + 0.5 + 0.5 = 2), patent 2
    # asserted only (1.5), patent 3 neither (1): factors 2 sqrt 2, 1.5 sqrt 2, 1
    record = record_factors(np.array([True, True, False]), np.array([True, False, False]))
    assert record.tolist() == [2.0, 1.5, 1.0]
    tested = value_package(comps, np.array([2.0, 0.5, 100.0]), np.array([10.0, 25.0, 1.0]),
                           1.0, record=record)
    assert list(tested.allocation_usd) == pytest.approx(
        [477_272.7272727 * 2 * math.sqrt(2), 477_272.7272727 * 1.5 * math.sqrt(2),
         477_272.7272727])
    assert "2 of the package's patents are priced up for their record" in " ".join(
        tested.assumptions)


def test_bad_comparables_table(tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text("seller,buyer,year,patents\nA,B,2012,10\n", encoding="utf-8")
    with pytest.raises(BadInputFile, match="lacks the columns price_usd"):
        read_comparables(bad)
    bad.write_text("seller,buyer,year,patents,price_usd\nA,B,2012,ten,5\n", encoding="utf-8")
    with pytest.raises(BadInputFile, match="line 2"):
        read_comparables(bad)


def test_balancing_payment_by_hand() -> None:
    # A's power against B 30, B's against A 10: shares 0.75 / 0.25; rate 2%;
    # sales A 100, B 300: B owes 0.02 x 300 x 0.75 = 4.5, A owes 0.02 x 100 x 0.25 = 0.5
    r = balancing_payment(30.0, 10.0, 0.02, 100.0, 300.0)
    assert (r["owed_by_b"], r["owed_by_a"]) == pytest.approx((4.5, 0.5))
    assert r["payment"] == pytest.approx(4.0) and r["payer"] == "B"
    swapped = balancing_payment(10.0, 30.0, 0.02, 300.0, 100.0)
    assert swapped["payment"] == pytest.approx(-4.0) and swapped["payer"] == "A"
    assert balancing_payment(0.0, 0.0, 0.02)["payer"] is None


# ------------------------------------------------------------------ scenario files
def test_example_scenario_reads(tmp_path: Path) -> None:
    sc = load_scenario(EXAMPLE)
    assert sc.size == 150 and sc.markets == {"US": 1.0, "EP": 0.6}
    assert [t.weight for t in sc.threats] == [3, 3, 2, 1, 1]
    assert sc.threats[1].name == "Corvana Devices, Inc."


@pytest.mark.parametrize(("text", "message"), [
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\nsellers: x\n", "unknown key"),
    ("buyer: A\nseller: B\nthreats: [C]\n", "package needs a size"),
    ("buyer: A\nthreats: [C]\npackage: {size: 5}\n", "seller is missing"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 0}\n", "package.size"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\nas_of: 2025-13-01\n",
     "not a date"),
    ("buyer: A\nseller: B\nthreats: [{weight: 2}]\npackage: {size: 5}\n", "a threat must"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\n"
     "constraints: {max_share_per_area: 2}\n", "max_share_per_area"),
    ("buyer: [A\n", "not valid YAML"),
    # issue 22: NaN and infinity are refused (a NaN weight was a traceback, a NaN budget
    # an empty package with exit 0), and so are text flags and text sales
    ("buyer: A\nseller: B\nthreats: [{name: C, weight: .nan}]\npackage: {size: 5}\n",
     "weight of C must be a finite number >= 0, not nan"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {budget_usd: .nan}\n",
     "package.budget_usd must be a finite number"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {budget_usd: .inf}\n",
     "package.budget_usd must be a finite number >= 0, not inf"),
    ("buyer: A\nseller: B\nthreats: [C]\nmarkets: {US: -.inf}\npackage: {size: 5}\n",
     "weight of market US must be a finite number"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\n"
     "optimiser: {exact: 'perhaps'}\n", "optimiser.exact must be true or false, not 'perhaps'"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\n"
     "cross_licence: {sales_usd: {A: {US: lots}}}\n", "sales of A in US must be a finite"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\n"
     "threat_weights: {from: rumour}\n", "threat_weights.from must be one of scenario, "
     "litigation, not 'rumour'"),
    ("buyer: A\nseller: B\nthreats: [{name: C, weight: 2}]\npackage: {size: 5}\n"
     "threat_weights: {from: litigation}\n", "threat 'C' has a weight, and threat_weights "
     "comes from litigation"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\n"
     "threat_weights: {from: litigation, half_life_years: 0}\n",
     "threat_weights.half_life_years must be a finite number >= 0.01, not 0"),
    ("buyer: A\nseller: B\nthreats: [C]\npackage: {size: 5}\n"
     "threat_weights: litigation\n", "threat_weights must be a mapping"),
])
def test_bad_scenarios_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInputFile, match=message):
        load_scenario(path)


# ------------------------------------------------------------------ on a SYNTHETIC world
@pytest.fixture(scope="module")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> WorldDemo:
    """The demo's main job on a 20k-patent SYNTHETIC smartphone-expansion world."""
    return run_world_demo(tmp_path_factory.mktemp("demo"), 20_000)


@pytest.fixture
def world_store(demo_world: WorldDemo, tmp_path: Path) -> Iterator[Store]:
    db = tmp_path / "w.duckdb"
    shutil.copy(demo_world.store, db)
    with Store(db) as store:
        yield store


def test_demo_job_loads_everything_and_writes_the_report(demo_world: WorldDemo) -> None:
    assert demo_world.quarantined == 0
    assert demo_world.loaded == demo_world.read > 500_000
    r = demo_world.deal
    assert r.synthetic and r.buyer == "Qinara Mobile Technology Co., Ltd."
    assert r.seller == "Macrovance Software Corporation"
    assert 0 < len(r.package) <= 150
    assert r.objective["after"] > r.objective["before"]
    # the exact MILP ran (optimiser.exact in the demo scenario) and greedy is within its gap
    assert r.exact is not None and r.exact.status == "Optimal"
    assert r.solution.value >= r.exact.value * (1 - 1e-6) - 1e-9
    # per threat and market, the (at most 3) package patents adding the most, strongest first
    package = {p["patent_id"] for p in r.package}
    for d, t in zip(r.difference, r.targets, strict=True):
        assert (d["threat"], d["market"]) == (t["threat"], t["market"])
        powers = [p["power"] for p in d["patents"]]
        assert powers == sorted(powers, reverse=True) and len(powers) <= 3
        assert {p["patent_id"] for p in d["patents"]} <= package
        assert len(powers) == min(3, t["package_patents_reading_on_threat"])
        assert d["power_added"] == pytest.approx(
            t["buyer_power_after"] - t["buyer_power_before"], abs=1e-3)
    # naked areas say whether the threat sells there itself (the taxonomy is mapped)
    index = {f.name: i for i, f in enumerate(r.exposures[r.markets[0]].firms)}
    for n in r.naked:
        sold = r.exposures[n["market"]].areas_sold
        assert sold is not None and n["threat_sells_there"] == (
            n["area"] in sold[index[n["threat"]]])
        assert n["threat_power"] > 0 and n["buyer_before"] < 0.1 * n["threat_power"]
    html = demo_world.outputs[0].read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in html
    # the headline shows the deal's own numbers: package, deterrence, price as $1.27M
    price = r.valuation.range_usd
    assert (f"Package: {len(r.package):,} patents of {r.candidates:,} candidates; deterrence "
            f"{r.objective['before']:.2f} &rarr; {r.objective['after']:.2f} (of "
            f"{r.objective['maximum']:.2f}); price {money(price.low)} &ndash; "
            f"{money(price.high)} (mid {money(price.mid)})") in html
    assert price.low < price.mid < price.high and money(price.mid).startswith("$")
    assert not re.search(r"\d[eE][+-]\d\d", html)  # no number in e-notation
    assert "<th>threat sells there</th>" in html
    assert "What made the difference" in html
    # no network: no script, no link, no URL other than the SVG and XLink namespaces
    assert "<script" not in html and "<link" not in html
    assert set(re.findall(r"https?://[^\s\"'<]+", html)) == {
        "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    # every chart is there: 2 before/after charts, 2 heatmaps per market, areas, comparables
    assert html.count("<svg") == 2 + 2 * len(r.markets) + 2
    rows = list(csv.DictReader(demo_world.outputs[1].open(encoding="utf-8")))
    assert [row["patent_id"] for row in rows] == [p["patent_id"] for p in r.package]
    assert {row["synthetic"] for row in rows} == {"True"}


def test_constraints_are_respected(demo_world: WorldDemo) -> None:
    r = demo_world.deal
    sc = r.scenario
    db = demo_world.store
    with Store(db, read_only=True) as store:
        for p in r.package:
            assert status_on(store, p["patent_id"], ON).status == "in force"  # not expired
            assert p["remaining_years"] >= sc.min_remaining_years
            assert "US" in p["in_force_in"].split(",")
            assert store.scalar("SELECT count(*) FROM ownership o JOIN owner_entities e "
                                "USING (entity_id) WHERE o.patent_id = ? AND o.start_date "
                                "<= ? AND (o.end_date IS NULL OR o.end_date > ?) AND "
                                "e.ultimate_entity_id = (SELECT ultimate_entity_id FROM "
                                "owner_entities WHERE name = ?)",
                                [p["patent_id"], ON, ON, r.seller]) == 1
    areas: dict[str, int] = {}
    for p in r.package:
        areas[p["area"]] = areas.get(p["area"], 0) + 1
    assert max(areas.values()) <= math.floor(0.6 * 150)


def _write_encumbrances(folder: Path, seller: str, lien: str, licence: str) -> None:
    folder.mkdir()
    rows = {
        "assignment.csv": (["rf_id", "reel_no", "frame_no", "record_dt", "last_update_dt",
                            "page_count", "convey_text", "corr_name", "purge_indicator"],
                           [["90001-1", "90001", "1", "2024-05-02", "2024-05-02", "2",
                             "SECURITY INTEREST (SEE DOCUMENT FOR DETAILS).", "X", "N"],
                            ["90001-2", "90001", "2", "2024-06-03", "2024-06-03", "2",
                             "LICENSE (SEE DOCUMENT FOR DETAILS).", "X", "N"]]),
        "assignor.csv": (["rf_id", "or_seq", "or_name", "exec_dt", "ack_dt"],
                         [["90001-1", "1", seller, "2024-05-01", ""],
                          ["90001-2", "1", seller, "2024-06-01", ""]]),
        "assignee.csv": (["rf_id", "ee_seq", "ee_name"],
                         [["90001-1", "1", "Gamma Bank N.A."],
                          ["90001-2", "1", "Delta Licensing LLC"]]),
        "documentid.csv": (["rf_id", "doc_seq", "title", "grant_doc_num"],
                           [["90001-1", "1", "X", lien], ["90001-2", "1", "X", licence]]),
    }
    for name, (header, data) in rows.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(data)


def test_encumbered_and_excluded_patents_are_never_chosen(world_store: Store,
                                                          demo_world: WorldDemo,
                                                          tmp_path: Path) -> None:
    first = demo_world.deal
    top = [p["patent_id"] for p in first.package]
    assert len(top) >= 3
    _write_encumbrances(tmp_path / "enc", first.seller, top[0], top[1])
    report = load_assignments(world_store, [tmp_path / "enc"])
    assert report.rows_quarantined == 0
    resolve_owners(world_store)
    compute_values(world_store)
    sc = load_scenario(demo_world.scenario)
    sc = dataclasses.replace(sc, must_exclude=[top[2]])
    again = plan_deal(world_store, sc, exact=False)
    chosen = {p["patent_id"] for p in again.package}
    assert not chosen & {top[0], top[1], top[2]}
    assert again.excluded["encumbered: open security interest"] == 1
    assert again.excluded["encumbered: recorded licence"] == 1
    assert again.excluded["must_exclude"] == 1
    # with exclude_encumbered off, the strongest patent is back
    sc = dataclasses.replace(sc, exclude_encumbered=False)
    assert top[0] in {p["patent_id"] for p in plan_deal(world_store, sc, False).package}
    # a must-include that a constraint rules out is an error that names it
    sc = dataclasses.replace(sc, must_include=[top[2]])
    with pytest.raises(InfeasibleDeal, match=f"{top[2]} is ruled out: must_exclude"):
        plan_deal(world_store, sc, False)


def test_unknown_company_in_a_scenario(world_store: Store, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "seller: Macrovance Software Corporation", "seller: Macrovanse Softwear Corp")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WarchestError, match="no company named 'Macrovanse Softwear Corp'"):
        plan_deal(world_store, load_scenario(path))


def test_cli_deal_writes_outputs(demo_world: WorldDemo, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["deal", str(demo_world.scenario), "--db",
                                      str(demo_world.store), "--out", str(out), "--csv",
                                      str(tmp_path / "p.csv"), "--json-out",
                                      str(tmp_path / "d.json"), "--greedy-only"],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output and "wrote" in result.output
    # at 80 columns the threats' names wrap between words, never inside one
    start = result.output.index("deterrence per threat")
    table = result.output[start:result.output.index("└", start)]
    for threat in demo_world.deal.threats:
        assert all(word in table for word in threat.split()), threat
    # and the table fits: every line ends on its right border, nothing cut at the edge
    lines = table.splitlines()[1:]
    assert lines and all(line.rstrip()[-1] in "│┃┓┩" for line in lines), lines
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data["synthetic"] is True and data["exact"] is None
    reserve = [p for p in data["package"] if p["role"] == "reserve"]
    assert data["optimiser"]["patents"] + len(reserve) == len(data["package"])
    assert all(p["marginal_gain"] == 0 for p in reserve)
    bad = CliRunner().invoke(app, ["deal", str(tmp_path / "missing.yaml")])
    assert bad.exit_code != 0 and "cannot read the scenario" in bad.output
    assert "Traceback" not in bad.output


def test_report_renders_without_a_store(demo_world: WorldDemo, tmp_path: Path) -> None:
    r = demo_world.deal
    assert render_html(r).startswith("<!doctype html>")
    with pytest.raises(WarchestError, match=r"\.html"):
        write_outputs(r, html=tmp_path / "report.pdf")


# ------------------------------------------------------------------ cross-licence
A, B = "Alpha Devices Inc.", "Beta Phones Corp."


def _cross_world(path: Path, swap: bool) -> Store:
    """A holds 8100001 and 8100003 (H04W72/04, 2012); B holds 8200001 (H04W72/04, 2018),
    which cites 8100001 (examiner). ``swap``: the portfolios change hands."""
    first, second = (B, A) if swap else (A, B)
    owners = {"8100001": first, "8100003": first, "8200001": second}
    dates = {"8100001": dt.date(2012, 1, 3), "8100003": dt.date(2012, 1, 3),
             "8200001": dt.date(2018, 1, 2)}
    ids = sorted(owners)
    store = Store(path)
    with store.transaction():
        lid = store.begin_load("test", "hand-built cross-licence world", None, None, None)
        store.write("patents", pa.table({
            "patent_id": ids, "patent_type": ["utility"] * 3,
            "grant_date": pa.array([dates[p] for p in ids], pa.date32()),
            "title": [f"Patent {p}" for p in ids]}), lid)
        store.write("applications", pa.table({
            "patent_id": ids, "filing_date": pa.array(
                [d.replace(year=d.year - 2) for d in (dates[p] for p in ids)], pa.date32())}),
            lid)
        store.write("assignees", pa.table({
            "patent_id": ids, "sequence": pa.array([0] * 3, pa.int32()),
            "organization": [owners[p] for p in ids]}), lid)
        store.write("cpc", pa.table({
            "patent_id": ids, "symbol": ["H04W72/04"] * 3, "subclass": ["H04W"] * 3,
            "main_group": ["H04W72/00"] * 3, "sequence": pa.array([0, 1, 2], pa.int32())}),
            lid)
        store.write("citations", pa.table({
            "patent_id": ["8200001"], "cited_patent_id": ["8100001"],
            "category": ["cited by examiner"], "sequence": pa.array([0], pa.int32())}), lid)
        store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})
    resolve_owners(store)
    compute_values(store)
    return store


def test_cross_licence_direction_flips_when_portfolios_swap(tmp_path: Path) -> None:
    with _cross_world(tmp_path / "a.duckdb", swap=False) as store:
        before = cross_licence(store, A, B, ["US"], dt.date(2020, 6, 30), 0.02).markets[0]
    with _cross_world(tmp_path / "b.duckdb", swap=True) as store:
        after = cross_licence(store, A, B, ["US"], dt.date(2020, 6, 30), 0.02).markets[0]
    # A's two older patents, one cited by B's examiner, outweigh B's one: B pays A
    assert before.a_power_against_b > before.b_power_against_a > 0
    assert (before.payer, before.payee) == (B, A)
    share = before.a_power_against_b / (before.a_power_against_b
                                          + before.b_power_against_a)
    assert before.payment == pytest.approx(0.02 * share - 0.02 * (1 - share))
    assert (after.payer, after.payee) == (A, B)
    assert after.payment == pytest.approx(before.payment)


def test_a_budget_is_respected(world_store: Store, demo_world: WorldDemo) -> None:
    sc = load_scenario(demo_world.scenario)
    first = demo_world.deal
    prices = sorted(p["price_usd"] for p in first.package)
    budget = sum(prices[: max(1, len(prices) // 3)])  # about a third of the package
    sc = dataclasses.replace(sc, size=None, budget_usd=budget)
    r = plan_deal(world_store, sc, exact=False)
    assert r.package and sum(p["price_usd"] for p in r.package) <= budget * (1 + 1e-9)
    assert "(1 - 1/e)/2" in r.solution.guarantee
    assert r.instance is not None and r.instance.cost is not None
    # each patent's price is the median comparable price x its factor
    chosen = {p["patent_id"]: p["price_usd"] for p in r.package}
    for pid, cost in zip(r.candidate_ids, r.instance.cost.tolist(), strict=True):
        if pid in chosen:
            assert chosen[pid] == pytest.approx(cost, abs=0.01)


def test_cli_demo_runs_the_main_job(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--dir", str(tmp_path / "d"), "--patents",
                                      "20000", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["world"]["quarantined"] == 0
    assert data["world"]["deal"]["synthetic"] is True
    assert (tmp_path / "d" / "deal-report.html").exists()
    samples = data["samples"]  # the real samples part too
    assert samples["status"]["tables"]["cpc_titles"] == 260263
    side = {r["name"]: r["summary"] for r in samples["portfolios"]["companies"]}
    assert side["Apple Inc."]["owned"] == 38 + 14 + 1  # as in test_value.test_value_cli


def test_the_shipped_example_runs_on_the_demo_world(world_store: Store) -> None:
    r = plan_deal(world_store, load_scenario(EXAMPLE))  # the documented example, as shipped
    assert r.buyer == "Qinara Mobile Technology Co., Ltd." and len(r.threats) == 5
    assert r.markets == ["US", "EP"] and 0 < len(r.package) <= 150
    assert r.exact is None and r.exact_note.startswith("not asked for")


def test_threat_weights_from_the_worlds_lawsuits(world_store: Store, demo_world: WorldDemo,
                                                 tmp_path: Path) -> None:
    import yaml

    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["threats"] = [t["name"] for t in doc["threats"]]
    doc["threat_weights"] = {"from": "litigation", "half_life_years": 3}
    doc["package"]["size"] = 40
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = plan_deal(world_store, load_scenario(path))
    assert r.threat_weights is not None
    us = [w for w in r.threat_weights.weights if w.market == "US"]
    ep = [w for w in r.threat_weights.weights if w.market == "EP"]
    # US: recency-weighted suit counts over their mean (so they average 1); EP: no docket
    # data, equal weights, and the reason given
    mean = sum(w.recency_weighted for w in us) / len(us)
    assert [w.weight for w in us] == pytest.approx([w.recency_weighted / mean for w in us])
    assert sum(w.weight for w in us) == pytest.approx(len(us))
    assert [w.weight for w in ep] == [1.0] * len(ep) and "US district courts" in ep[0].basis
    # the objective's weights are those times the market's (US 1.0, EP 0.6)
    weight_of = {(w.name, w.market): w.weight for w in r.threat_weights.weights}
    for t in r.targets:
        assert t["weight"] == pytest.approx(weight_of[(t["threat"], t["market"])]
                                            * {"US": 1.0, "EP": 0.6}[t["market"]])
    # the suits found are the world's (truth/litigiousness.csv: suits each group filed)
    truth = demo_world.world / "truth"
    with open(truth / "companies.csv", newline="", encoding="utf-8") as f:
        name_of = {row["company_id"]: row["name"] for row in csv.DictReader(f)}
    with open(truth / "litigiousness.csv", newline="", encoding="utf-8") as f:
        filed = {name_of[row["company_id"]]: int(row["suits_filed"])
                 for row in csv.DictReader(f)}
    assert {w.name: w.suits for w in us} == {w.name: filed.get(w.name, 0) for w in us}
    html = render_html(r)
    assert "Threat weights from litigation" in html
    # each package patent's history is the world's record of it by the date
    asserted = {row["patent_id"] for row in world_store.rows(
        "SELECT DISTINCT l.patent_id FROM lit_patents l JOIN lit_cases c USING (case_id) "
        "WHERE c.filed_date <= DATE '2025-12-31'")}
    assert [p["patent_id"] for p in r.package if (p["history"] or "").startswith(
        "asserted")] == [p["patent_id"] for p in r.package if p["patent_id"] in asserted]


def test_a_patents_value_view_shows_its_lawsuits(world_store: Store) -> None:
    from warchest.value import patent_value

    pid = world_store.scalar("SELECT min(patent_id) FROM lit_patents")
    cases = world_store.scalar("SELECT count(DISTINCT l.case_id) FROM lit_patents l JOIN "
                               "lit_cases c USING (case_id) WHERE l.patent_id = ? AND "
                               "c.filed_date <= DATE '2025-12-31'", [pid])
    view = patent_value(world_store, pid, ON)
    assert view.history is not None and view.history.asserted == cases >= 1
    assert view.history_text.startswith(f"asserted in {cases} case")
    # before the first suit, none of it
    first = world_store.scalar("SELECT min(c.filed_date) FROM lit_patents l JOIN lit_cases c "
                               "USING (case_id) WHERE l.patent_id = ?", [pid])
    early = patent_value(world_store, pid, first - dt.timedelta(days=1))
    assert early.history is None or early.history.asserted == 0


def test_a_patent_whose_claims_were_cancelled_is_no_candidate(world_store: Store,
                                                              tmp_path: Path) -> None:
    import yaml

    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["package"]["size"] = 20
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    before = plan_deal(world_store, load_scenario(path))
    pid = before.package[0]["patent_id"]
    assert pid in before.candidate_ids
    with world_store.transaction():  # the seller loses it at the PTAB in 2024
        lid = world_store.begin_load("test", "an adverse judgment", None, None, None)
        world_store.write("ptab_proceedings", pa.table({
            "proceeding_number": ["IPR2023-99999"], "patent_id": [pid],
            "filing_date": pa.array([dt.date(2023, 3, 1)], pa.date32()),
            "decision_date": pa.array([dt.date(2024, 2, 1)], pa.date32()),
            "outcome": ["adverse judgment"]}), lid)
        world_store.finish_load(lid, rows_read=1, rows_loaded=1, rows_quarantined=0,
                                outputs={})
    after = plan_deal(world_store, load_scenario(path))
    assert pid not in after.candidate_ids and pid not in {p["patent_id"] for p in after.package}
    reason = "claims cancelled at the PTAB"
    assert after.excluded[reason] == before.excluded[reason] + 1
    doc["constraints"]["must_include"] = [pid]
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(InfeasibleDeal, match=f"must_include patent {pid} lost all its "
                                             "challenged claims at the PTAB by 2025-12-31"):
        plan_deal(world_store, load_scenario(path))
