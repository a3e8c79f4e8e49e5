"""Benchmark: synthetic world generation time and peak memory at several sizes.

    python bench/synth.py --patents 100000 1000000 --results bench/RESULTS.md

Each size runs in a fresh process (peak RSS from getrusage). Targets (issue 3): 1M patents
(about 15M citations) in under 2 minutes, peak memory under 3 GB, memory not growing with N.
With --load, the smallest world is also loaded with the foundation loaders and the
quarantined rows are counted (target: zero).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

GENERATE = r"""
import json, resource, sys, time
from pathlib import Path
from warchest.synth import generate_world
out, n = Path(sys.argv[1]), int(sys.argv[2])
t = time.perf_counter()
s = generate_world(out, n, seed=7, scenario="smartphone-expansion")
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "citations": s.files["patentsview/g_us_patent_citation.tsv"],
                  "citations_per_patent": s.stats["citations_per_patent"]}))
"""

LOAD = r"""
import json, sys, time, warchest
t = time.perf_counter()
with warchest.Store(":memory:") as store:
    pv = warchest.load_patentsview(store, [sys.argv[1] + "/patentsview"])
    pad = warchest.load_assignments(store, [sys.argv[1] + "/assignments"])
print(json.dumps({"rows": pv.rows_read + pad.rows_read,
                  "quarantined": pv.rows_quarantined + pad.rows_quarantined,
                  "seconds": time.perf_counter() - t}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patents", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--load", action="store_true")
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()
    lines = ["| patents | citations | citations/patent | seconds | peak RSS MB |",
             "|---|---|---|---|---|"]
    for n in args.patents:
        folder = args.out / f"world-{n}"
        shutil.rmtree(folder, ignore_errors=True)
        run = subprocess.run([sys.executable, "-c", GENERATE, str(folder), str(n)],
                             check=True, capture_output=True, text=True)
        r = json.loads(run.stdout)
        lines.append(f"| {n:,} | {r['citations']:,} | {r['citations_per_patent']:.2f} | "
                     f"{r['seconds']:.1f} | {r['peak_mb']:,.0f} |")
        print(lines[-1], flush=True)
    notes = []
    if args.load:
        folder = args.out / f"world-{min(args.patents)}"
        run = subprocess.run([sys.executable, "-c", LOAD, str(folder)], check=True,
                             capture_output=True, text=True)
        r = json.loads(run.stdout)
        notes.append(f"world of {min(args.patents):,} patents loaded with `load patentsview` "
                     f"and `load assignments`: {r['rows']:,} rows read, {r['quarantined']} "
                     f"quarantined, {r['seconds']:.1f} s")
        print(notes[-1])
    if args.results:
        with open(args.results, "a", encoding="utf-8") as f:
            f.write(f"\n## {dt.date.today()} synth: `python bench/synth.py --patents "
                    f"{' '.join(str(n) for n in args.patents)}"
                    f"{' --load' if args.load else ''}` ({os.cpu_count()} cores)\n\n")
            f.write("\n".join(lines) + "\n")
            for note in notes:
                f.write(f"\n{note}\n")


if __name__ == "__main__":
    main()
