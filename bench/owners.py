"""Benchmark: name resolution quality and speed.

    python bench/owners.py [--benchmark PATH ...] [--halves] [--errors N]
                           [--sizes 50000 185250] [--scale 300000] [--world 200000]

Scores ``warchest owners cluster`` (the resolver of ``warchest owners resolve``, run as the
real command) on any benchmark CSV with the columns ``mention_id,unique_id,organization``
(a repeated mention_id keeps its first row, as the PatentsView evaluation package does),
at both levels (``--level company`` and ``--level group``), beside a naive baseline
(exact match after upper-casing, dropping punctuation and common legal suffixes):
pairwise and B-cubed precision, recall and F1 (Bagga & Baldwin 1998), the number of true
clusters in the predicted entity that holds the most of them, and in the largest predicted
entity (by mentions).

Benchmarks: the default is PatentsView's air-umass assignee set in ``../shared`` (a
developer checkout); the independent NBER subset ships in the same PatentsView evaluation
package (``pip download pv-evaluation==2.1.1 --no-deps``, unzip, then
``--benchmark pv_evaluation/data/assignee/nber-subset-assignees-benchmark.csv``).
Air-umass labels "associate similarly named child and parent companies" (its
documentation), so its level is ``group``; NBER's labels are one company as named, so its
level is ``company``; both levels are printed for both.

``--halves`` also scores each half of a benchmark split by true cluster (the first byte of
the SHA-1 of ``unique_id``, even = A, odd = B), each half resolved on its own: rules are
designed on half A and reported on both. ``--errors N`` prints the N worst merged entities
and split clusters (for the design half only: reading the report half's errors and
fixing them is tuning to it).

``--scale N`` times ``resolve_names`` on N distinct SYNTHETIC names (fictional companies
from ``warchest.synth.names`` and their real-style variants, Zipf mention counts) in a
fresh process each run, with its peak memory; ``--baseline SRC`` runs another checkout's
``src`` folder alternately with it (``git worktree add /tmp/old <commit>``, then
``--baseline /tmp/old/src``). ``--world N`` checks owners on dates against
a synthetic world's truth (``warchest.synth.check``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared/data/benchmarks/assignees/air-umass-assignees-benchmark.csv"
NAIVE_SUFFIXES = re.compile(r"\b(INC|INCORPORATED|CORP|CORPORATION|CO|COMPANY|LTD|LIMITED|LLC|"
                            r"GMBH|AG|SA|NV|BV|PLC|KK)\b")
LEVELS = ("company", "group")


def scores(pred: list[str], true: list[str]) -> dict[str, float]:
    """Pairwise and B-cubed precision/recall/F1 (B-cubed: Bagga & Baldwin 1998), and the
    true clusters held by the most mixed predicted entity and by the largest one."""
    n = len(true)
    pc, tc, jc = Counter(pred), Counter(true), Counter(zip(pred, true, strict=True))
    bp = sum(c * c / pc[p] for (p, _), c in jc.items()) / n
    br = sum(c * c / tc[t] for (_, t), c in jc.items()) / n
    tp = sum(c * (c - 1) / 2 for c in jc.values())
    pp = sum(c * (c - 1) / 2 for c in pc.values())
    tt = sum(c * (c - 1) / 2 for c in tc.values())
    p, r = tp / pp if pp else 1.0, tp / tt if tt else 1.0
    held: Counter[str] = Counter(p_ for p_, _ in jc)
    largest = pc.most_common(1)[0][0]
    return {"bcubed_p": bp, "bcubed_r": br, "bcubed_f1": 2 * bp * br / (bp + br),
            "pairwise_p": p, "pairwise_r": r,
            "pairwise_f1": 2 * p * r / (p + r) if p + r else 0.0,
            "max_true_clusters": max(held.values()), "largest_true_clusters": held[largest]}


def naive(name: str) -> str:
    upper = re.sub(r"[^A-Z0-9 ]", " ", name.upper())
    return " ".join(NAIVE_SUFFIXES.sub(" ", upper).split())


def read_benchmark(path: Path) -> tuple[list[dict[str, str]], int]:
    """Rows with a mention_id seen for the first time, and how many repeats were dropped."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows, seen, dropped = [], set(), 0
        for r in csv.DictReader(fh):
            if r["mention_id"] in seen:
                dropped += 1
                continue
            seen.add(r["mention_id"])
            rows.append(r)
    return rows, dropped


def half_of(unique_id: str) -> str:
    return "AB"[hashlib.sha1(unique_id.encode()).digest()[0] % 2]


def run_cluster(rows: list[dict[str, str]], folder: Path, level: str
                ) -> tuple[float, dict[str, str]]:
    source, out = folder / "in.csv", folder / f"out-{level}.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["mention_id", "organization"])
        w.writerows([r["mention_id"], r["organization"]] for r in rows)
    exe = Path(sys.executable).with_name("warchest")
    started = time.perf_counter()
    subprocess.run([str(exe), "owners", "cluster", str(source), "--out", str(out),
                    "--level", level], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    with out.open(newline="", encoding="utf-8") as fh:
        return seconds, {r["mention_id"]: r["entity_id"] for r in csv.DictReader(fh)}


def score_rows(label: str, rows: list[dict[str, str]], folder: Path, errors: int) -> None:
    true = [r["unique_id"] for r in rows]
    print(f"\n### {label}: {len(rows):,} mentions, {len(set(true)):,} true clusters, "
          f"{len({r['organization'] for r in rows}):,} distinct names\n")
    print("| method | B3 P | B3 R | B3 F1 | pair P | pair R | pair F1 | most true clusters "
          "in one entity | in the largest entity |")
    print("|---|---|---|---|---|---|---|---|---|")
    results = [("naive baseline", scores([naive(r["organization"]) for r in rows], true))]
    predicted: dict[str, list[str]] = {}
    for level in LEVELS:
        _, entity = run_cluster(rows, folder, level)
        predicted[level] = [entity[r["mention_id"]] for r in rows]
        results.append((f"warchest `--level {level}`", scores(predicted[level], true)))
    for name, s in results:
        print(f"| {name} | {s['bcubed_p']:.4f} | {s['bcubed_r']:.4f} | {s['bcubed_f1']:.4f} | "
              f"{s['pairwise_p']:.4f} | {s['pairwise_r']:.4f} | {s['pairwise_f1']:.4f} | "
              f"{s['max_true_clusters']} | {s['largest_true_clusters']} |")
    if errors:
        for level in LEVELS:
            print_errors(rows, predicted[level], level, errors)


def print_errors(rows: list[dict[str, str]], pred: list[str], level: str, n: int) -> None:
    """The entities that mix the most mentions of different true clusters, and the true
    clusters split the most (with their commonest spellings)."""
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    per_entity: dict[str, Counter[str]] = defaultdict(Counter)
    per_true: dict[str, Counter[str]] = defaultdict(Counter)
    for r, p in zip(rows, pred, strict=True):
        names[(p, r["unique_id"])][r["organization"]] += 1
        per_entity[p][r["unique_id"]] += 1
        per_true[r["unique_id"]][p] += 1

    def lost(c: Counter[str]) -> int:
        return sum(c.values()) ** 2 - sum(v * v for v in c.values())

    for what, groups, merged in (("merges", per_entity, True), ("splits", per_true, False)):
        print(f"\nworst {what} at the {level} level:")
        for key, c in sorted(groups.items(), key=lambda kv: -lost(kv[1]))[:n]:
            if len(c) > 1:
                print(f"- {key}: " + "; ".join(
                    f"{other} {k}x " + str([s for s, _ in names[
                        (key, other) if merged else (other, key)].most_common(2)])
                    for other, k in c.most_common(4)))


SCALE_SCRIPT = """
import json, resource, sys, time
import numpy as np
from warchest.owners.resolve import resolve_names
from warchest.synth.names import company_names, make_variant, subsidiary_name

n = int(sys.argv[1])
rng = np.random.default_rng(1)
companies = n // 2
countries = rng.choice(["US", "JP", "DE", "KR", "CN", "FR", "GB", "TW"], companies,
                       p=[.45, .2, .1, .07, .08, .04, .03, .03]).tolist()
made = company_names(rng, ["general"] * companies, countries)
names = {name: int(rng.zipf(1.6)) % 5000 + 1 for name, _, _ in made}
kinds = ["suffix", "case_punctuation", "abbreviation", "typo", "qualifier"]
while len(names) < n:
    name, base, form = made[int(rng.integers(len(made)))]
    if rng.random() < 0.85:
        kind = kinds[int(rng.integers(len(kinds)))]
        variant = make_variant(kind, name, base, form, "US", rng)
    else:
        variant = subsidiary_name(base, rng)[0]
    names[variant] = names.get(variant, 0) + 1
started = time.perf_counter()
res = resolve_names(sorted(names), names)
seconds = time.perf_counter() - started
print(json.dumps({"names": len(names), "seconds": seconds,
                  "companies": len(set(res.entity_of_key.values())),
                  "parents": len(getattr(res, "parent_of", ())),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _scale_run(n: int, src: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if src is not None:  # another checkout's package first on the path
        env["PYTHONPATH"] = str(src)
    out = subprocess.run([sys.executable, "-c", SCALE_SCRIPT, str(n)], check=True,
                         capture_output=True, text=True, env=env).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def scale(n: int, repeat: int, baseline: Path | None) -> None:
    """Median time and peak of resolve_names on n synthetic names; with ``baseline`` (the
    ``src`` folder of another checkout) the two alternate, run by run."""
    runs, base = [], []
    for _ in range(repeat):
        runs.append(_scale_run(n, None))
        if baseline is not None:
            base.append(_scale_run(n, baseline))
    for label, rs in (("this checkout", runs), (f"baseline {baseline}", base)):
        if not rs:
            continue
        each = ", ".join(f"{r['seconds']:.1f}" for r in rs)
        print(f"\n{label}: SYNTHETIC names: {rs[0]['names']:,} distinct -> "
              f"{rs[0]['companies']:,} companies, {rs[0]['parents']:,} parents by name; "
              f"resolve_names median {statistics.median(r['seconds'] for r in rs):.1f} s "
              f"(runs {each}), peak RSS median "
              f"{statistics.median(r['peak_mb'] for r in rs):,.0f} MB (the whole process)")
    if base:
        ratio = statistics.median(r["seconds"] for r in runs) / statistics.median(
            r["seconds"] for r in base)
        print(f"time ratio this / baseline: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--benchmark", type=Path, action="append")
    parser.add_argument("--halves", action="store_true",
                        help="also score each half split by true cluster")
    parser.add_argument("--errors", type=int, default=0,
                        help="print the N worst merges and splits")
    parser.add_argument("--sizes", type=int, nargs="*", default=[],
                        help="time the command on the first N mentions of the first benchmark")
    parser.add_argument("--scale", type=int, default=0,
                        help="time resolve_names on this many distinct synthetic names")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path,
                        help="with --scale: the src folder of another checkout, run "
                             "alternately as the baseline")
    parser.add_argument("--world", type=int, default=0,
                        help="also check owners on dates against a synthetic world this big")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.world:
        world_check(args.world, args.seed)
    benchmarks = args.benchmark or [DEFAULT]
    with tempfile.TemporaryDirectory() as tmp:
        for path in benchmarks:
            rows, dropped = read_benchmark(path)
            print(f"\n## {path.name}" + (f" ({dropped:,} repeated mention ids dropped)"
                                         if dropped else ""))
            score_rows("whole", rows, Path(tmp), 0 if args.halves else args.errors)
            if args.halves:
                for half in "AB":
                    part = [r for r in rows if half_of(r["unique_id"]) == half]
                    score_rows(f"half {half}", part, Path(tmp),
                               args.errors if half == "A" else 0)
        if args.sizes:
            rows, _ = read_benchmark(benchmarks[0])
            print("\n| mentions | seconds (command, median) |\n|---|---|")
            for n in args.sizes:
                times = sorted(run_cluster(rows[:n], Path(tmp), "company")[0]
                               for _ in range(args.repeat))
                print(f"| {min(n, len(rows)):,} | {statistics.median(times):.2f} |")
    if args.scale:
        scale(args.scale, args.repeat, args.baseline)


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
          f"({report.names:,} names, {report.entities:,} companies, {report.groups:,} "
          f"groups, {report.periods:,} periods)")
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
