"""Benchmark: the technology map's text embeddings and the exposure matrix (issue 7).

    python bench/exposure.py [--texts 50000] [--repeat 3] [--world 1000000] [--firms 50]

1. **Embeddings**: abstracts per second with the shipped static model, the median of
   ``--repeat`` runs: real abstracts (the ppubs sample's full-text abstracts, repeated to
   the count) and SYNTHETIC ones (a generated world's g_patent_abstract). Target: >= 3,000
   abstracts/s on 2 cores.
2. **Exposure matrix** (``--world N``): on the store `bench/value.py` builds for an N-patent
   SYNTHETIC world (bench/out/value-N.duckdb, copied so the original keeps no cache), the
   ``--firms`` largest corporate groups, market US, on the world date, with the product
   areas each company sells in given as a user would (from truth/products.csv: public
   knowledge, unlike which patents read on them): a cold run (no text
   vectors cached) and a second run (vectors cached), each with the top 5 patents per pair
   explained (as `warchest exposure` shows), then a third run explaining 50 per pair (for
   precision@50), with the time per step. Targets: a 50 x 50 matrix on a 1M-patent world
   in under 30 s cold and under 3 s cached.
3. **Truth recovery** on that world: Spearman rank correlation between the computed
   exposure and the number of the holder's patents ``truth/reads_on.csv`` says read on the
   target's products and are in force in the US on the world date (the exposure is the US
   one on that date; also shown against every reading patent, in force or not), over the
   firm pairs; and precision@50 of each pair's top assertable patents against that truth
   (pairs with at least 50 true patents; the 50 with the highest assertion score). Only
   pairs the truth covers count: both firms among its 50 largest groups or the scenario's
   firms (a pair outside says nothing, not zero). Targets: >= 0.8 and >= 0.7.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORLD_DATE = dt.date(2025, 12, 31)


def real_abstracts() -> list[str]:
    from warchest.ingest.convert import clean_markup

    out = []
    path = ROOT / "src" / "warchest" / "samples" / "ppubs" / "ppubs_fulltext.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("abstractHtml")
            if text:
                out.append(clean_markup(text))
    return out


def synthetic_abstracts(n: int) -> list[str]:
    from warchest.synth import generate_world

    with tempfile.TemporaryDirectory() as tmp:
        generate_world(Path(tmp), max(n, 5000), seed=7)
        lines = (Path(tmp) / "patentsview" / "g_patent_abstract.tsv").read_text(
            encoding="utf-8").splitlines()[1:]
    return [line.split("\t", 1)[1].strip('"') for line in lines][:n]


def rate(texts: list[str], repeat: int) -> tuple[float, float]:
    from warchest.techmap.text import TextEncoder

    encoder = TextEncoder("static")
    encoder.encode(texts[:100])  # warm up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        encoder.encode(texts)
        runs.append(len(texts) / (time.perf_counter() - started))
    words = sum(len(t.split()) for t in texts) / len(texts)
    return statistics.median(runs), words


def embeddings(args: argparse.Namespace) -> None:
    real = real_abstracts()
    real_texts = (real * (args.texts // len(real) + 1))[:args.texts]
    synthetic = synthetic_abstracts(args.texts)
    print("| abstracts | count | mean words | abstracts/s (median of "
          f"{args.repeat}) |\n|---|---|---|---|")
    for label, texts in ((f"real (ppubs sample, {len(real)} repeated)", real_texts),
                         ("SYNTHETIC (generated world)", synthetic)):
        per_second, words = rate(texts, args.repeat)
        print(f"| {label} | {len(texts):,} | {words:.0f} | {per_second:,.0f} |")


MATRIX = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
from warchest import Store
from warchest.exposure import ExposureConfig, compute_exposure
from warchest.techmap import map_technology
db, k, products = sys.argv[1], int(sys.argv[2]), sys.argv[3]
configs = json.loads(sys.argv[4]) if len(sys.argv) > 4 else []
with Store(db) as s:
    t = time.perf_counter()
    map_technology(s)
    mapped = time.perf_counter() - t
    firms = [r["entity_id"] for r in s.rows(
        "SELECT entity_id FROM owner_entities WHERE entity_id = ultimate_entity_id "
        "ORDER BY patents_at_grant DESC, entity_id LIMIT ?", [k])]
    out = []
    for run, shown in (("cold", 5), ("cached", 5), ("cached, 50 evidence per pair", 50)):
        t = time.perf_counter()
        r = compute_exposure(s, firms, "US", dt.date(2025, 12, 31), evidence_per_pair=shown,
                             evidence_by="score", products=Path(products))
        out.append({"run": run, "seconds": time.perf_counter() - t, "steps": r.seconds,
                    "stock": sum(r.stock)})
    pairs = [{"holder": a, "target": b, "exposure": r.matrix[a][b],
              "assertable": r.assertable[a][b],
              "top": [e["patent_id"] for e in r.evidence[(a, b)]]}
             for a in range(k) for b in range(k) if a != b]
    variants = []
    for path in configs:
        v = compute_exposure(s, firms, "US", dt.date(2025, 12, 31), ExposureConfig.load(
            Path(path)), evidence_per_pair=50, evidence_by="score", products=Path(products))
        variants.append({"config": path, "pairs": [
            {"holder": a, "target": b, "exposure": v.matrix[a][b],
             "assertable": v.assertable[a][b],
             "top": [e["patent_id"] for e in v.evidence[(a, b)]]}
            for a in range(k) for b in range(k) if a != b]})
    names = [[(x["raw_name"], x["mentions"]) for x in s.rows(
        "SELECT raw_name, mentions FROM owner_names WHERE entity_id IN (SELECT unnest(?))",
        [f.members])] for f in r.firms]
print(json.dumps({"runs": out, "pairs": pairs, "techmap_s": mapped, "names": names,
                  "variants": variants,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def spearman(x: list[float], y: list[float]) -> float:
    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        out = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for m in range(i, j + 1):
                out[order[m]] = (i + j) / 2 + 1
            i = j + 1
        return out

    rx, ry = ranks(x), ranks(y)
    mx, my = statistics.mean(rx), statistics.mean(ry)
    num = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    den = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return num / den if den else 0.0


def matrix(args: argparse.Namespace) -> None:
    from warchest.synth.check import write_products

    source = HERE / "out" / f"value-{args.world}.duckdb"
    world = HERE / "out" / f"world-{args.world}"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run `python bench/value.py --patents "
                         f"{args.world}` first")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "x.duckdb"
        shutil.copy(source, db)
        products = Path(tmp) / "products.csv"
        write_products(world / "truth", products)
        done = subprocess.run([sys.executable, "-c", MATRIX, str(db), str(args.firms),
                               str(products), json.dumps([str(c.resolve())
                                                          for c in args.config])],
                              check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\nSYNTHETIC world, {args.world:,} patents: {args.firms} x {args.firms} exposure "
          f"matrix, US, {WORLD_DATE}; peak {result['peak_mb']:.0f} MB; `techmap map` "
          f"first: {result['techmap_s']:.1f} s\n")
    print("| run | seconds | patents in force | steps (s) |\n|---|---|---|---|")
    for r in result["runs"]:
        steps = ", ".join(f"{k} {v:.2f}" for k, v in r["steps"].items())
        print(f"| {r['run']} | {r['seconds']:.1f} | {r['stock']:,} | {steps} |")
    truth_recovery(world, result["pairs"], result["names"])
    for v in result["variants"]:
        print(f"\nwith --config {v['config']} (50 evidence per pair):")
        truth_recovery(world, v["pairs"], result["names"])


def truth_recovery(world: Path, pairs: list[dict[str, object]],
                   names: list[list[tuple[str, int]]]) -> None:
    """Each firm is the true company group behind most of its raw names' mentions
    (truth/name_variants.csv), as warchest.synth.check maps entities."""
    truth = world / "truth"
    group_of, company_of = {}, {}
    parents: list[tuple[float, int, str]] = []
    roles = set()
    with open(truth / "companies.csv", newline="", encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f)):
            group_of[r["company_id"]] = r["ultimate_parent_id"]
            if not r["parent_id"]:
                parents.append((-float(r["share"]), n, r["company_id"]))
            if r["role"]:
                roles.add(r["company_id"])
    # the truth covers the 50 largest groups and the scenario firms (warchest.synth.truth)
    majors = {c for _, _, c in sorted(parents)[:50]} | roles
    with open(truth / "name_variants.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            company_of.setdefault(r["raw_name"], set()).add(r["company_id"])
    firm_group = []
    for raw in names:
        votes = Counter[str]()
        for name, mentions in raw:
            ids = company_of.get(name, set())
            if len(ids) == 1:
                votes[group_of[next(iter(ids))]] += int(mentions or 1)
        firm_group.append(votes.most_common(1)[0][0] if votes else "")
    # the truth per pair: every patent that reads on the target's products, and those of
    # them in force in the US on the world date (what the US exposure can count)
    reads: dict[tuple[str, str], set[str]] = {}
    in_force: dict[tuple[str, str], set[str]] = {}
    from warchest.synth.litigation import cancelled_patents

    cancelled = cancelled_patents(truth)  # lost all claims at the PTAB: assert nothing
    with open(truth / "reads_on.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (r["owner_group"], r["target_company_id"])
            reads.setdefault(key, set()).add(r["patent_id"])
            if r.get("in_force_us", "1") == "1" and r["patent_id"] not in cancelled:
                in_force.setdefault(key, set()).add(r["patent_id"])
    for label, truth_sets in (("in force in the US", in_force), ("all, in force or not", reads)):
        ours, counts, theirs, precisions = [], [], [], []
        zero = 0
        covered = 0
        for p in pairs:
            key = (firm_group[int(p["holder"])], firm_group[int(p["target"])])  # type: ignore[call-overload]
            if key[0] not in majors or key[1] not in majors:
                continue  # the truth says nothing about this pair
            covered += 1
            true = truth_sets.get(key)
            zero += not true
            ours.append(float(p["exposure"]))  # type: ignore[arg-type]
            counts.append(float(p["assertable"]))  # type: ignore[arg-type]
            theirs.append(float(len(true or ())))
            top = list(p["top"])  # type: ignore[call-overload]
            if true and len(true) >= 50 and len(top) >= 50:
                precisions.append(sum(1 for t in top[:50] if t in true) / 50)
        rho = spearman(ours, theirs)
        print(f"\ntruth recovery ({label}): Spearman rho {rho:.3f} (exposure), "
              f"{spearman(counts, theirs):.3f} (count of assertable patents) over {covered} "
              f"pairs the truth covers, of {len(pairs)} ({zero} with no true patents); "
              "precision@50 "
              + (f"{statistics.mean(precisions):.3f} (mean over {len(precisions)} pairs)"
                 if precisions else "n/a (no pair with 50 true patents)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--world", type=int, default=0,
                        help="also time the exposure matrix on this synthetic world")
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--skip-embeddings", action="store_true")
    parser.add_argument("--config", type=Path, nargs="*", default=[],
                        help="Also the matrix with these exposure configs (sensitivity of "
                        "the truth recovery to the weights and area factors).")
    args = parser.parse_args()
    if not args.skip_embeddings:
        embeddings(args)
    if args.world:
        matrix(args)


if __name__ == "__main__":
    main()
