"""Benchmark: patent terms, markets in force and all value indicators on synthetic worlds.

    python bench/value.py --patents 100000 300000 1000000

For each size: a SYNTHETIC world (``warchest synth``, seed 7, reused from bench/out/ when
there) is loaded into its own store with the PatentsView tables, assignments, maintenance
fees and families, and owners are resolved (so self citations are counted); then
``compute_values`` runs in a fresh process, timed, with its peak memory (getrusage).
Target (issue 6): 1M patents / ~15M citations in under 2 minutes, peak under 6 GB; the
time growth from 100k to 1M is projected to the full corpus (8.3M patents, 128M citations)
in proportion to citations, the largest input.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

PREPARE = r"""
import json, sys, time
from pathlib import Path
from warchest import Store, load_assignments, load_patentsview
from warchest.ingest import load_families, load_maintenance
from warchest.owners import resolve_owners
from warchest.synth import generate_world
world, db, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
t = time.perf_counter()
if not (world / "truth" / "stats.json").exists():
    generate_world(world, n, seed=7, scenario="smartphone-expansion")
made = time.perf_counter() - t
t = time.perf_counter()
with Store(db) as s:
    load_patentsview(s, [world / "patentsview"])
    load_assignments(s, [world / "assignments"])
    load_maintenance(s, [world / "maintfee"])
    load_families(s, [world / "families"])
    loaded = time.perf_counter() - t
    t = time.perf_counter()
    resolve_owners(s)
print(json.dumps({"generate_s": made, "load_s": loaded, "owners_s": time.perf_counter() - t}))
"""

COMPUTE = r"""
import json, resource, sys, time
from warchest import Store
from warchest.value import compute_values
t = time.perf_counter()
with Store(sys.argv[1]) as s:
    r = compute_values(s)
    citations = s.scalar("SELECT count(*) FROM citations")
    lapsed = r.lapsed
print(json.dumps({"seconds": time.perf_counter() - t, "steps": r.seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "patents": r.patents, "citations": citations, "lapsed": lapsed,
                  "market_rows": r.market_rows, "self_citations": r.self_citations}))
"""


def run(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", code, *args], check=True,
                          capture_output=True, text=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patents", type=int, nargs="+", default=[100_000, 300_000,
                                                                   1_000_000])
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    rows = []
    for n in args.patents:
        world, db = OUT / f"world-{n}", OUT / f"value-{n}.duckdb"
        if not db.exists():
            prep = run(PREPARE, str(world), str(db), str(n))
            print(f"{n:,}: prepared {prep}", file=sys.stderr)
        result = run(COMPUTE, str(db))
        rows.append((n, result))
        print(f"{n:,}: {result}", file=sys.stderr)
    print("SYNTHETIC worlds (seed 7)\n")
    print("| patents | citations | value compute s | terms s | markets s | indicators s "
          "| peak MB |")
    print("|---|---|---|---|---|---|---|")
    for n, r in rows:
        steps = r["steps"]
        assert isinstance(steps, dict)
        print(f"| {n:,} | {r['citations']:,} | {r['seconds']:.1f} | "
              f"{steps['patent_terms']:.1f} | {steps['patent_markets']:.1f} | "
              f"{steps['patent_indicators']:.1f} | {r['peak_mb']:.0f} |")
    if len(rows) >= 2:
        (_, small), (_, big) = rows[0], rows[-1]
        per_citation = (float(big["seconds"]) - float(small["seconds"])) / (
            float(big["citations"]) - float(small["citations"]))  # type: ignore[arg-type]
        full = float(big["seconds"]) + per_citation * (128.4e6 - float(big["citations"]))  # type: ignore[arg-type]
        print(f"\nprojection to 8.3M patents / 128.4M citations (linear in citations from "
              f"the two ends): about {full / 60:.0f} min")


if __name__ == "__main__":
    main()
