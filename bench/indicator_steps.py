"""Benchmark: the value indicators' citation aggregates (``indicator_inputs``, the part of
the indicators that reads the citations) derived in steps, as ``compute_values`` does
(``Engine.derive``'s ``steps``: each CTE read more than once and each per-patent aggregate
a table of its own), against the same SELECT as one statement (the baseline), on a store
whose owners are resolved. (Before 2026-12-06 the whole indicators statement was one
SELECT, and this compared it; the figures of 2026-12-05 in bench/RESULTS.md are those.)

    python bench/indicator_steps.py --db bench/out/ind-1000000/store.duckdb --repeat 3
    python bench/indicator_steps.py --db STORE --memory 512MB   # a smaller memory limit

Each repeat runs both, alternately, each in its own process under the values step's memory
limit (``VALUE_MEMORY``, or ``--memory``), inside a transaction that is rolled back (the
store is left as it was): wall time, CPU time, peak resident memory (``os.wait4``) and peak
temporary disk (the store's spill folder ``<store>.tmp``, sampled every 0.25 s). The last
repeat also writes both results to Parquet and compares them column by column (the
largest difference per numeric column; floating-point sums in another order differ in
their last bits). Prints JSON lines and a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from full_scale import _size  # bench/ is on the path when run as a script
from indicators import largest_differences

HERE = Path(__file__).resolve().parent

CHILD = r"""
import sys
from warchest import Store
from warchest.value.compute import VALUE_MEMORY
from warchest.value.indicators import INPUT_STEPS, inputs_sql

db, mode, memory, parquet = sys.argv[1:5]
with Store(db) as store:
    self_citations = bool(store.scalar(
        "SELECT count(*) > 0 FROM ownership WHERE via = 'grant'"))
    sql = inputs_sql(self_citations)
    try:
        with store.memory_at_most(memory or VALUE_MEMORY), store.transaction():
            store.clear("indicator_inputs")
            store.derive("indicator_inputs", sql, 0,
                         steps=INPUT_STEPS if mode == "steps" else None)
            if parquet:
                import pyarrow.parquet as pq
                pq.write_table(store.query("SELECT * EXCLUDE (load_id) FROM "
                                           "indicator_inputs"), parquet)
            raise KeyboardInterrupt  # roll back: the store stays as it was
    except KeyboardInterrupt:
        pass
"""


def run(db: Path, mode: str, memory: str, parquet: str) -> dict[str, Any]:
    tmp = Path(str(db) + ".tmp")
    peak = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            peak[0] = max(peak[0], _size(tmp) if tmp.exists() else 0)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db), mode, memory, parquet])
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    watcher.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{mode} failed")
    return {"mode": mode, "wall_s": round(wall, 1),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_gb": round(usage.ru_maxrss / 1024 ** 2, 2),
            "peak_tmp_gb": round(peak[0] / 1024 ** 3, 2)}


def compare(steps: str, one: str) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    differences = largest_differences(con, f"'{steps}'", f"'{one}'")
    rows = {n: con.execute(f"SELECT count(*) FROM '{p}'").fetchall()[0][0]
            for n, p in (("steps", steps), ("one statement", one))}
    return {"rows": rows, "largest_difference": differences}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", default="", help="memory limit (default VALUE_MEMORY)")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"steps": [], "one": []}
    with tempfile.TemporaryDirectory() as folder:
        out = {m: str(Path(folder) / f"{m}.parquet") for m in runs}
        for k in range(args.repeat):
            for mode in ("steps", "one"):
                row = run(args.db, mode, args.memory,
                          out[mode] if k == args.repeat - 1 else "")
                print(json.dumps(row), flush=True)
                runs[mode].append(row)
        same = compare(out["steps"], out["one"])

    def median(mode: str, key: str) -> float:
        return float(statistics.median(r[key] for r in runs[mode]))

    print(json.dumps({
        "db": str(args.db), "memory": args.memory or "VALUE_MEMORY", "repeat": args.repeat,
        **{f"{mode}_{key}": median(mode, key) for mode in runs
           for key in ("wall_s", "peak_rss_gb")},
        **{f"{mode}_peak_tmp_gb": max(r["peak_tmp_gb"] for r in runs[mode]) for mode in runs},
        "time_ratio_one_over_steps": round(median("one", "wall_s")
                                           / median("steps", "wall_s"), 2),
        **same}), flush=True)


if __name__ == "__main__":
    main()
