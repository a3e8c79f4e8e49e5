"""Benchmark: threat weights from litigation against the planted litigiousness of SYNTHETIC
worlds (issue 27).

    python bench/litigation.py [--patents 20000] [--seeds 1 2 3 4 5] [--half-life 3]

For each seed, a SYNTHETIC smartphone-expansion world of ``--patents`` patents (kept in
bench/out/litigation-N-S) is generated with its lawsuits and PTAB proceedings
(``warchest.synth.litigation``: every major group sues at a planted rate that moves over
the ten years, against the majors its patents truly read on; the scenario's five threats
have today's rates a factor of two apart), loaded as a user would (`warchest demo`'s
store build: every loader, owner resolution), and each planted group's weight is asked
for with :func:`warchest.litigation_weights` on the world date, by its canonical name,
with its group. Scored against the truth (``truth/litigiousness.csv``: today's rate):

* Spearman's rank correlation of the weights with the planted rates, over the five
  threats (target >= 0.8) and over every planted group;
* the same for the baseline that counts suits without recency (half-life infinite);
* the suits each group filed (truth) against the suits the weights found, and the groups
  whose rank is furthest off, with why.

Prints a Markdown block for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))

from warchest.demo import build_world_store  # noqa: E402
from warchest.litigation import litigation_weights  # noqa: E402
from warchest.synth import generate_world  # noqa: E402

WORLD_DATE = dt.date(2025, 12, 31)


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties given their mean rank (as Spearman's rho takes them)."""
    order = np.argsort(values, kind="stable")
    out = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        out[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return out


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho: Pearson's correlation of the ranks."""
    if len(a) < 2:
        return float("nan")
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def one_world(patents: int, seed: int, half_life: float) -> dict[str, object]:
    world = ROOT / "out" / f"litigation-{patents}-{seed}"
    if not (world / "truth" / "litigiousness.csv").exists():
        generate_world(world, patents, seed, "smartphone-expansion")
    tick = time.perf_counter()
    store, done = build_world_store(world, world / "world.duckdb")
    built = time.perf_counter() - tick
    try:
        names = {r["company_id"]: r["name"] for r in _rows(world / "truth" / "companies.csv")}
        planted = _rows(world / "truth" / "litigiousness.csv")
        asked = [names[r["company_id"]] for r in planted]
        rate = np.array([float(r["suits_per_year"]) for r in planted])
        filed = np.array([int(r["suits_filed"]) for r in planted])
        threat = np.array([r["threat"] == "1" for r in planted])
        tick = time.perf_counter()
        got = litigation_weights(store, asked, {"US": ["US"]}, WORLD_DATE, half_life)
        seconds = time.perf_counter() - tick
        flat = litigation_weights(store, asked, {"US": ["US"]}, WORLD_DATE, 1e9)
    finally:
        store.close()
    weight = np.array([w.weight for w in got.weights])
    counted = np.array([w.weight for w in flat.weights])
    found = np.array([w.suits for w in got.weights])
    off = np.abs(ranks(weight) - ranks(rate))
    worst = [f"{asked[i]} (planted {rate[i]:.2f}/yr, filed {filed[i]}, found {found[i]}, "
             f"rank off by {off[i]:.0f})" for i in np.argsort(-off, kind="stable")[:3]]
    loads = [f for r in done["load"] for f in r.files if r.loader in ("litigation", "ptab")]
    return {
        "seed": seed, "groups": len(planted), "threats": int(threat.sum()),
        "rho_threats": spearman(weight[threat], rate[threat]),
        "rho_all": spearman(weight, rate),
        "rho_threats_counts": spearman(counted[threat], rate[threat]),
        "rho_all_counts": spearman(counted, rate),
        "suits_filed": int(filed.sum()), "suits_found": int(found.sum()),
        "groups_missing_suits": int((found < filed).sum()),
        "read": sum(f.rows_read for f in loads), "loaded": sum(f.rows_loaded for f in loads),
        "quarantined": sum(f.rows_quarantined for f in loads),
        "weights_s": seconds, "build_s": built, "worst": worst,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patents", type=int, default=20_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--half-life", type=float, default=3.0)
    args = ap.parse_args()
    rows = [one_world(args.patents, s, args.half_life) for s in args.seeds]
    print(f"\n`python bench/litigation.py --patents {args.patents} --seeds "
          f"{' '.join(map(str, args.seeds))} --half-life {args.half_life:g}`\n")
    print("| seed | groups | rho, 5 threats | rho, all groups | baseline rho (counts), threats "
          "/ all | suits filed / found | groups missing suits | docket+PTAB rows read = "
          "loaded + quarantined | weights (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['seed']} | {r['groups']} | {r['rho_threats']:.3f} | {r['rho_all']:.3f} "
              f"| {r['rho_threats_counts']:.3f} / {r['rho_all_counts']:.3f} | "
              f"{r['suits_filed']:,} / {r['suits_found']:,} | {r['groups_missing_suits']} | "
              f"{r['read']:,} = {r['loaded']:,} + {r['quarantined']:,} | "
              f"{r['weights_s']:.2f} |")
    for key in ("rho_threats", "rho_all", "rho_threats_counts", "rho_all_counts"):
        values = [float(r[key]) for r in rows]  # type: ignore[arg-type]
        print(f"\n{key}: median {statistics.median(values):.3f}, min {min(values):.3f}")
    print("\nFurthest off, per seed:")
    for r in rows:
        print(f"- seed {r['seed']}: " + "; ".join(r["worst"]))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
