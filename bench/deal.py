"""Benchmark: the deal optimiser's speed, its distance from the exact optimum, and the package
it picks on a SYNTHETIC smartphone-expansion world against the world's truth (issue 8).

    python bench/deal.py [--candidates 60000] [--threats 20] [--markets 3] [--size 1500]
                         [--repeat 3] [--gap-sizes 2000 3000 5000] [--world 300000]
                         [--skip-demo]

1. **Speed**: greedy choosing ``--size`` patents from ``--candidates`` against ``--threats``
   threats in ``--markets`` markets, on a SYNTHETIC instance (each candidate reads on a
   Poisson(1.5) number of threats with impact x score, in force in the US always and in
   the other markets with probability 0.45 and 0.3; each threat's power against the buyer
   is 3% of what all candidates could muster against it). Median of ``--repeat`` runs.
   Target: under 5 s for 1,500 of 60,000 against 20 threats in 3 markets.
2. **Gap**: greedy against the exact MILP (HiGHS, time limit ``--milp-limit``) on SYNTHETIC
   instances of ``--gap-sizes`` candidates (20 threats x 3 markets, threat power 20% of
   what all candidates could muster: no package saturates them), two seeds with a
   package of 5% of the candidates and one with a budget of 5% of their prices;
   gap = (MILP value - greedy value) / MILP value, and greedy against the MILP's proven
   upper bound. Target: greedy within 1%.
3. **Truth** (``--world N``): `warchest demo`'s main job on an N-patent SYNTHETIC world
   (kept in bench/out/deal-world-N), then the package is scored with the world's truth
   (truth/deterrence.csv: which seller patents truly read on which threat's products;
   truth/threats_on_buyer.csv: which threat patents truly read on the buyer's; each in
   force in the US / EP or not): truth deterrence = sum over threat x market of the
   scenario's weight x g(package patents truly reading on the threat in force there /
   the threat's patents truly reading on the buyer in force there), g the same deterrence
   curve (a threat with none counts against the median; the buyer's own patents are left
   out). The truth's best package of the same size is the exact optimum of that measure
   over the same candidates and limits (MILP). Target: ratio >= 1 (the package deters as
   well as the truth's best). ``--exposure-config FILE...`` plans the same deal with other
   evidence weights and scores those packages too. Also the weighted coverage: the threat
   x market pairs where the package holds at least 5 patents truly reading on the threat
   in force there (all there are when fewer), against the most any package of the size
   can cover.
   Also timed end to end.
4. **Known-answer blocks** (``--blocks N...``): the SYNTHETIC patent-blocks world
   (``warchest.synth.blocks``: three threats each citing a block of 60 seller patents, one
   block in video coding, 1,820 decoys in the same CPC groups, expired, lapsed, sold and
   security-interest block patents) inside a background world of N patents in all; the
   90-patent deal against the three threats in the US (exact MILP on, security-interest
   patents allowed), scored against the truth: the share of the package from eligible
   block patents (target >= 90%), the count per threat (20-40), expired / lapsed / sold
   picked (0) and security-interest patents picked (eligible). ``--block-seeds`` repeats
   each size with other seeds; ``--block-variants`` also runs a buyer that cites no threat
   (no threat power: the buyer's need) and a deal excluding encumbered patents.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from warchest.deal.optimise import Instance, greedy, solve_exact  # noqa: E402
from warchest.demo import WorldDemo  # noqa: E402
from warchest.synth.litigation import cancelled_patents  # noqa: E402

COUNTER = 5.0


def synthetic_instance(n: int, threats: int, markets: int, size: int, seed: int,
                       pressure: float = 0.03) -> Instance:
    """A SYNTHETIC package-selection instance (module docstring)."""
    rng = np.random.default_rng(seed)
    reads = np.zeros((n, threats), bool)
    k = np.minimum(rng.poisson(1.5, n), threats)
    for i in np.flatnonzero(k):
        reads[i, rng.choice(threats, k[i], replace=False)] = True
    strength = rng.lognormal(0.0, 0.8, n)[:, None] * rng.uniform(0.15, 1.0, (n, threats))
    present = np.ones((n, markets), bool)
    for m, p in enumerate([1.0, 0.45, 0.3, 0.2, 0.2][:markets]):
        present[:, m] = rng.random(n) < p
    gains = np.concatenate([strength * reads * present[:, [m]] for m in range(markets)],
                           axis=1)
    scale = np.maximum(pressure * gains.sum(axis=0), 1e-6)
    base = rng.uniform(0.0, 0.5, gains.shape[1]) * scale
    weight = np.concatenate([rng.uniform(1.0, 3.0, threats) * w
                             for w in [1.0, 0.6, 0.4, 0.3, 0.3][:markets]])
    return Instance(gains, base, scale, weight, size=size)


def speed(args: argparse.Namespace) -> dict[str, object]:
    inst = synthetic_instance(args.candidates, args.threats, args.markets, args.size, 1)
    runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        sol = greedy(inst)
        runs.append(time.perf_counter() - started)
    out = {"candidates": args.candidates, "threats": args.threats, "markets": args.markets,
           "size": args.size, "median_s": statistics.median(runs), "runs_s": runs,
           "chosen": len(sol.chosen), "value": sol.value, "bound": sol.bound,
           "gap_to_bound": sol.gap}
    print(f"speed: {len(sol.chosen):,} of {args.candidates:,} candidates, {args.threats} "
          f"threats x {args.markets} markets: median {out['median_s']:.2f} s over "
          f"{args.repeat} runs ({', '.join(f'{r:.2f}' for r in runs)}); value "
          f"{sol.value:.4f}, data-dependent bound {sol.bound:.4f} (gap <= "
          f"{(sol.gap or 0):.3%})")
    return out


def gaps(args: argparse.Namespace) -> list[dict[str, object]]:
    rows = []
    for n in args.gap_sizes:
        for seed, kind in ((1, "size"), (2, "size"), (3, "budget")):
            inst = synthetic_instance(n, 20, 3, max(1, n // 20), seed, pressure=0.2)
            if kind == "budget":  # prices lognormal; a budget of 5% of the total
                cost = np.random.default_rng(seed).lognormal(0.0, 0.5, n)
                inst = Instance(inst.gains, inst.base, inst.scale, inst.weight,
                                budget=0.05 * float(cost.sum()), cost=cost)
            g = greedy(inst)
            e = solve_exact(inst, args.milp_limit, start=g.chosen)
            best = max(e.value, g.value)
            bound = e.bound if e.bound is not None else best
            row = {"candidates": n, "seed": seed, "limit": kind,
                   "size": inst.size, "greedy": g.value, "greedy_method": g.method,
                   "greedy_s": g.seconds, "milp": e.value, "milp_bound": bound,
                   "milp_s": e.seconds, "status": e.status,
                   "gap_to_milp": (best - g.value) / best if best else 0.0,
                   "gap_to_bound": (bound - g.value) / bound if bound else 0.0}
            rows.append(row)
            limit = f"package {inst.size}" if kind == "size" else "budget 5% of prices"
            print(f"gap: {n:,} candidates, 20 threats x 3 markets (seed {seed}, {limit}): "
                  f"greedy {g.value:.5f} in {g.seconds:.2f} s, MILP {e.value:.5f} (bound "
                  f"{bound:.5f}, {e.status}) in {e.seconds:.1f} s: greedy within "
                  f"{row['gap_to_milp']:.4%} of the MILP, {row['gap_to_bound']:.4%} of its "
                  "bound", flush=True)
    return rows


def truth(args: argparse.Namespace) -> dict[str, object]:
    from warchest.demo import run_world_demo

    folder = HERE / "out" / f"deal-world-{args.world}"
    started = time.perf_counter()
    done = run_world_demo(folder, args.world)
    seconds = time.perf_counter() - started
    return score_truth(folder, done, seconds, args)


def score_truth(folder: Path, done: WorldDemo, seconds: float,
                args: argparse.Namespace) -> dict[str, object]:
    """The demo deal of ``folder``'s world scored with its truth (module docstring, 3)."""
    r = done.deal
    inst, ids = r.instance, r.candidate_ids
    assert inst is not None
    sc = r.scenario
    companies = {}
    with open(folder / "world" / "truth" / "companies.csv", newline="",
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            companies[row["company_id"]] = row["name"]
    threat_of = {t.name: k for k, t in enumerate(sc.threats)}
    markets = list(sc.markets)
    row_of = {p: i for i, p in enumerate(ids)}
    flag = {"US": "in_force_us", "EP": "in_force_ep"}
    reads = np.zeros(inst.gains.shape)
    against: dict[int, set[str]] = {}
    truth_dir = folder / "world" / "truth"
    cancelled = cancelled_patents(truth_dir)  # lost all claims at the PTAB: assert nothing
    with open(truth_dir / "deterrence.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            i = row_of.get(row["patent_id"]) if row["patent_id"] not in cancelled else None
            t = threat_of.get(companies.get(row["threat_company_id"], ""))
            if i is None or t is None:
                continue
            for m_idx, m in enumerate(markets):
                if row[flag[m]] == "1":
                    reads[i, m_idx * len(sc.threats) + t] = 1.0
    with open(truth_dir / "threats_on_buyer.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = threat_of.get(companies.get(row["threat_company_id"], ""))
            if t is None or row["patent_id"] in cancelled:
                continue
            for m_idx, m in enumerate(markets):
                if row[flag[m]] == "1":
                    against.setdefault(m_idx * len(sc.threats) + t, set()).add(
                        row["patent_id"])
    scale = np.array([len(against.get(j, ())) for j in range(reads.shape[1])], float)
    positive = scale[scale > 0]
    scale[scale == 0] = float(np.median(positive)) if len(positive) else 1.0
    size = len(r.package)
    true_inst = Instance(reads, np.zeros(reads.shape[1]), scale, inst.weight, size=size,
                         area=inst.area, area_cap=inst.area_cap)
    ours = [row_of[p["patent_id"]] for p in r.package]
    best = solve_exact(true_inst, 120, start=greedy(true_inst).chosen)
    mine = true_inst.value(ours)
    true_in_package = int((reads[ours].sum(axis=1) > 0).sum())
    # coverage: the threat x market pairs where the package gives a credible counter-suit,
    # at least COUNTER patents truly reading on the threat in force there (or all there are)
    avail = reads.sum(axis=0)
    need = np.minimum(COUNTER, avail)
    reachable = avail > 0

    def covered(idx: list[int]) -> float:
        hit = reachable & (reads[idx].sum(axis=0) >= need)
        return float(inst.weight[hit].sum())

    best_cover = float(inst.weight[reachable].sum()) if need.sum() <= size else \
        covered(best.chosen)
    world_size = getattr(args, "world", 0)
    out = {"world": world_size, "candidates": len(ids), "package": size,
           "truth_value_ours": mine, "truth_value_best": best.value,
           "ratio": mine / best.value if best.value else None, "best_status": best.status,
           "package_patents_truly_reading": true_in_package,
           "candidates_truly_reading": int((reads.sum(axis=1) > 0).sum()),
           "coverage_ours": covered(ours), "coverage_best": best_cover,
           "coverage_ratio": covered(ours) / best_cover if best_cover else None,
           "pairs_reachable": int(reachable.sum()),
           "truth_threat_patents": scale.tolist(),
           "truth_per_target_ours": reads[ours].sum(axis=0).tolist(),
           "truth_per_target_best": reads[best.chosen].sum(axis=0).tolist(),
           "demo_seconds": seconds, "steps": done.seconds}
    print(f"truth ({world_size:,}-patent SYNTHETIC world): package {size} of {len(ids):,} "
          f"candidates; truth deterrence {mine:.4f} vs the truth's best {best.value:.4f} "
          f"({best.status}): ratio {out['ratio']:.4f}; weighted coverage of the "
          f"{out['pairs_reachable']} reachable threat x market pairs (>= {COUNTER:g} true "
          f"patents each, or all there are): {out['coverage_ratio']:.4f} of the best; "
          f"{true_in_package} of the package's "
          f"patents truly read on a threat ({out['candidates_truly_reading']} candidates "
          f"do); demo job {seconds:.1f} s: "
          + ", ".join(f"{k} {v:.1f}" for k, v in done.seconds.items()))
    for config in args.exposure_config:  # sensitivity: the same deal with other weights
        from warchest import Store
        from warchest.deal import load_scenario, plan_deal

        other = dataclasses.replace(load_scenario(folder / "scenario.yaml"),
                                    exposure_config=config.resolve())
        with Store(folder / "world.duckdb") as store:
            again = plan_deal(store, other, exact=False)
        assert again.candidate_ids == ids
        picked = [row_of[p["patent_id"]] for p in again.package]
        value = true_inst.value(picked)
        out.setdefault("sensitivity", []).append({
            "exposure_config": str(config), "ratio": value / best.value,
            "coverage_ratio": covered(picked) / best_cover if best_cover else None,
            "package_patents_truly_reading": int((reads[picked].sum(axis=1) > 0).sum())})
        print(f"  with {config}: ratio {value / best.value:.4f}, coverage "
              f"{covered(picked) / best_cover:.4f}, "
              f"{int((reads[picked].sum(axis=1) > 0).sum())} of {len(picked)} truly read")
    return out


def blocks(args: argparse.Namespace) -> list[dict[str, object]]:
    from warchest.demo import run_block_world

    variants = [(True, False)] + ([(False, False), (True, True)] if args.block_variants
                                  else [])
    rows = []
    for n in args.blocks:
        for seed in args.block_seeds:
            for buyer_cites, exclude in variants:
                folder = HERE / "out" / f"block-world-{n}-{seed}-{int(buyer_cites)}"
                started = time.perf_counter()
                done = run_block_world(folder, n, seed, buyer_cites=buyer_cites,
                                       exclude_encumbered=exclude)
                seconds = time.perf_counter() - started
                score = done.score
                r = done.deal
                row = {"patents": n, "seed": seed, "buyer_cites": buyer_cites,
                       "exclude_encumbered": exclude, **score,
                       "scale_from": [t["scale_from"] for t in r.targets],
                       "seconds": seconds, "steps": done.seconds,
                       "deal_steps": r.seconds}
                rows.append(row)
                per = ", ".join(f"{v}" for v in score["per_threat"].values())
                print(f"blocks ({n:,}-patent SYNTHETIC world, seed {seed}"
                      f"{'' if buyer_cites else ', buyer cites no threat'}"
                      f"{', encumbered excluded' if exclude else ''}): "
                      f"{score['share_from_blocks']:.1%} of {score['package']} from the "
                      f"blocks, per threat {per}; expired/lapsed/sold "
                      f"{score['expired_or_sold']}, security interest "
                      f"{score['security_interest_in_package']}; scale from "
                      f"{sorted(set(row['scale_from']))}; {seconds:.1f} s ("
                      + ", ".join(f"{k} {v:.1f}" for k, v in done.seconds.items()) + ")",
                      flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--candidates", type=int, default=60_000)
    ap.add_argument("--threats", type=int, default=20)
    ap.add_argument("--markets", type=int, default=3)
    ap.add_argument("--size", type=int, default=1_500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gap-sizes", type=int, nargs="*", default=[2_000, 3_000, 5_000])
    ap.add_argument("--milp-limit", type=float, default=300.0)
    ap.add_argument("--world", type=int, default=300_000)
    ap.add_argument("--skip-demo", action="store_true")
    ap.add_argument("--exposure-config", type=Path, nargs="*", default=[],
                    help="Also plan the world's deal with these exposure configs "
                    "(sensitivity of the truth ratio to the evidence weights).")
    ap.add_argument("--blocks", type=int, nargs="*", default=[],
                    help="Sizes of known-answer patent-blocks worlds to run (e.g. 5000 "
                    "300000 1000000); with --blocks only, nothing else runs.")
    ap.add_argument("--block-seeds", type=int, nargs="*", default=[7])
    ap.add_argument("--block-variants", action="store_true",
                    help="Also a buyer citing no threat, and encumbered patents excluded.")
    ap.add_argument("--json", type=Path, help="Write every figure here.")
    args = ap.parse_args()
    result: dict[str, object] = {}
    if args.blocks:
        result["blocks"] = blocks(args)
    else:
        result = {"speed": speed(args), "gaps": gaps(args)}
        if not args.skip_demo:
            result["truth"] = truth(args)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
