"""Benchmark: `warchest deal` and `warchest exposure` on a full-size store (issue 21).

    python bench/deal_scale.py --db STORE --scenario SCENARIO.yaml [--repeat 3]

The store is one `warchest demo --patents 8300000` builds (a SYNTHETIC smartphone-expansion
world of the full corpus size: load, owners, values and the technology map done), the
scenario the one the demo writes beside it. Each run is a fresh CLI process, as a user
runs it, timed wall-clock:

- `warchest deal SCENARIO --out report.html --csv package.csv --json-out deal.json` (the
  report included); target < 30 s;
- `warchest exposure --firms BUYER;SELLER;THREATS... --market US` (the scenario's 7
  firms); target < 20 s.

The first run of each may encode text vectors the store has not cached yet
(`patent_embeddings`); it is reported apart, and the target is the median of the
``--repeat`` runs after it. Also prints the deal's own step times from its JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--scenario", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("warchest"))
    sc = yaml.safe_load(args.scenario.read_text(encoding="utf-8"))
    firms = [sc["buyer"], sc["seller"], *[t["name"] if isinstance(t, dict) else t
                                          for t in sc["threats"]]]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        deal = [exe, "deal", str(args.scenario), "--db", str(args.db), "--out",
                str(out / "report.html"), "--csv", str(out / "package.csv"), "--json-out",
                str(out / "deal.json")]
        exposure = [exe, "exposure", "--firms", ";".join(firms), "--market", "US",
                    "--as-of", str(sc["as_of"]), "--db", str(args.db)]
        first = {"deal": timed(deal), "exposure": timed(exposure)}
        runs: dict[str, list[float]] = {"deal": [], "exposure": []}
        for _ in range(args.repeat):  # alternating, so both see the same machine load
            runs["deal"].append(timed(deal))
            runs["exposure"].append(timed(exposure))
        steps = json.loads((out / "deal.json").read_text(encoding="utf-8"))["seconds"]
    for name, target in (("deal", 30.0), ("exposure", 20.0)):
        med = statistics.median(runs[name])
        print(f"{name}: first run {first[name]:.1f} s; median of {args.repeat} "
              f"{med:.1f} s ({', '.join(f'{r:.1f}' for r in runs[name])}); target "
              f"{target:.0f} s: {'met' if med < target else 'NOT met'}")
    print("deal steps (last run, s): " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))


if __name__ == "__main__":
    main()
