"""Benchmark: name resolution quality and speed on the real PatentsView assignee benchmark.

    python bench/owners.py [--benchmark PATH] [--sizes 50000 100000 185250]
                           [--world 200000 [--seed 7]]

Runs `warchest owners cluster` (the same resolver as `warchest owners resolve`) on the
benchmark's mentions and scores the output against its true clusters: pairwise and B-cubed
precision, recall and F1, and the naive baseline (exact match after upper-casing, dropping
punctuation and common legal suffixes) for comparison. Then times the command on the first
N mentions for each size (fresh process each; time includes reading and writing the CSVs).
Targets (issue 5): B-cubed F1 >= 0.98 with B-cubed precision >= 0.99, pairwise F1 >= 0.99,
185k mentions in under 60 s.

``--world N`` also generates a synthetic world of N patents, loads it, resolves owners and
compares the owner of every patent on the world date, and around every planted sale,
merger, change of name, security interest and release, with the world's truth/ files
(``warchest.synth.check``): agreement at the company and the group level.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared/data/benchmarks/assignees/air-umass-assignees-benchmark.csv"
NAIVE_SUFFIXES = re.compile(r"\b(INC|INCORPORATED|CORP|CORPORATION|CO|COMPANY|LTD|LIMITED|LLC|"
                            r"GMBH|AG|SA|NV|BV|PLC|KK)\b")


def scores(pred: list[str], true: list[str]) -> dict[str, float]:
    """Pairwise and B-cubed precision/recall/F1 (B-cubed: Bagga & Baldwin 1998)."""
    n = len(true)
    pc, tc, jc = Counter(pred), Counter(true), Counter(zip(pred, true, strict=True))
    bp = sum(c * c / pc[p] for (p, _), c in jc.items()) / n
    br = sum(c * c / tc[t] for (_, t), c in jc.items()) / n
    tp = sum(c * (c - 1) / 2 for c in jc.values())
    pp = sum(c * (c - 1) / 2 for c in pc.values())
    tt = sum(c * (c - 1) / 2 for c in tc.values())
    p, r = tp / pp, tp / tt
    return {"bcubed_p": bp, "bcubed_r": br, "bcubed_f1": 2 * bp * br / (bp + br),
            "pairwise_p": p, "pairwise_r": r, "pairwise_f1": 2 * p * r / (p + r)}


def naive(name: str) -> str:
    upper = re.sub(r"[^A-Z0-9 ]", " ", name.upper())
    return " ".join(NAIVE_SUFFIXES.sub(" ", upper).split())


def run_cluster(rows: list[dict[str, str]], folder: Path) -> tuple[float, dict[str, str]]:
    source, out = folder / "in.csv", folder / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["mention_id", "organization"])
        w.writerows([r["mention_id"], r["organization"]] for r in rows)
    exe = Path(sys.executable).with_name("warchest")
    started = time.perf_counter()
    subprocess.run([str(exe), "owners", "cluster", str(source), "--out", str(out)],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - started
    with out.open(newline="", encoding="utf-8") as fh:
        return seconds, {r["mention_id"]: r["entity_id"] for r in csv.DictReader(fh)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--benchmark", type=Path, default=DEFAULT)
    parser.add_argument("--sizes", type=int, nargs="*", default=[50_000, 100_000, 185_250])
    parser.add_argument("--world", type=int, default=0,
                        help="also check owners on dates against a synthetic world this big")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.world:
        world_check(args.world, args.seed)
    with args.benchmark.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    true = [r["unique_id"] for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        _seconds, entity = run_cluster(rows, Path(tmp))
        ours = scores([entity[r["mention_id"]] for r in rows], true)
        base = scores([naive(r["organization"]) for r in rows], true)
        print(f"{len(rows):,} mentions, {len(set(true)):,} true clusters, "
              f"{len({r['organization'] for r in rows}):,} distinct names")
        print("| method | B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 |")
        print("|---|---|---|---|---|---|---|")
        for label, s in (("naive baseline", base), ("warchest owners cluster", ours)):
            print(f"| {label} | {s['bcubed_p']:.4f} | {s['bcubed_r']:.4f} | "
                  f"{s['bcubed_f1']:.4f} | {s['pairwise_p']:.4f} | {s['pairwise_r']:.4f} | "
                  f"{s['pairwise_f1']:.4f} |")
        print("\n| mentions | seconds (command, median of 3) |\n|---|---|")
        for n in args.sizes:
            times = sorted(run_cluster(rows[:n], Path(tmp))[0] for _ in range(3))
            print(f"| {min(n, len(rows)):,} | {times[1]:.2f} |")


def world_check(n: int, seed: int) -> None:
    from warchest import Store, load_assignments, load_patentsview
    from warchest.owners import resolve_owners
    from warchest.synth import generate_world
    from warchest.synth.check import check_ownership

    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        generate_world(world, n, seed, "smartphone-expansion")
        with Store(Path(tmp) / "w.duckdb") as store:
            load_patentsview(store, [world / "patentsview"])
            load_assignments(store, [world / "assignments"])
            started = time.perf_counter()
            report = resolve_owners(store)
            seconds = time.perf_counter() - started
            result = check_ownership(store, world)
    counts = result["counts"]
    print(f"\nSYNTHETIC world: {n:,} patents, seed {seed}; resolve_owners {seconds:.1f} s "
          f"({report.names:,} names, {report.entities:,} entities, {report.periods:,} periods)")
    print("| check | checked | same company | same group |\n|---|---|---|---|")
    for kind in sorted({k.rsplit(".", 1)[0] for k in counts}):
        c = counts[kind + ".checked"]
        print(f"| {kind} | {c:,} | {counts[kind + '.company'] / c:.4%} | "
              f"{counts[kind + '.group'] / c:.4%} |")
    print(f"periods owned by a bank (secured party): {result['bank_owned_periods']}")
    for miss in result["misses"]:
        print("miss:", miss)


if __name__ == "__main__":
    main()
