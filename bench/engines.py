"""The pipeline's steps on both engines: DuckDB (the store) and Spark local[2] (a lake).

Builds (or reuses) a SYNTHETIC world of ``--patents`` patents and its store (loads,
owners, values, technology map), exports the store's loaded tables to a Parquet lake
once (``warchest export parquet``, timed), then, ``--repeat`` times and alternately:

- DuckDB: ``run_steps`` on the store (``resolve_owners``, ``compute_values``,
  ``map_technology``: every derived table written again);
- Spark: ``derive_lake`` on the lake (the same steps, unchanged, on ``SparkEngine``:
  every table they write lands in the lake), in a Spark session started once (6 GB
  driver: in local mode the driver does the work; its
  start-up, a fresh JVM, is timed on its own).

Prints one JSON line per run (seconds per step and per part of each: where each engine's
time goes) and the medians, and checks that both
engines wrote the same number of rows to every table (the cell-by-cell comparison is
``tests/test_engines.py``).

    python bench/engines.py --patents 100000 --repeat 3
    python bench/engines.py --patents 100000 --repeat 1 --master 'local[1]'
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--master", default="local[2]",
                        help="Spark master (local[1] against local[2]: the gain of a core)")
    args = parser.parse_args()

    import warchest
    from warchest.demo import build_world_store
    from warchest.pipeline import PIPELINE_TABLES, run_steps
    from warchest.store import LOG_TABLES
    from warchest.store.spark import spark_session

    folder = HERE / "out" / f"engines-{args.patents}"
    world = folder / "world"
    if not (world / "truth" / "stats.json").exists():
        warchest.generate_world(world, args.patents, 7, "smartphone-expansion")
    db = folder / "world.duckdb"
    if db.exists():
        store = warchest.Store(db)
    else:
        store, _ = build_world_store(world, db)
    with store:
        tick = time.perf_counter()
        warchest.export_parquet(store, folder / "lake", [
            t for t in (*store.tables, *LOG_TABLES) if t not in PIPELINE_TABLES])
        export = time.perf_counter() - tick
        tick = time.perf_counter()
        session = spark_session(args.master, **{"spark.driver.memory": "6g"})
        startup = time.perf_counter() - tick
        runs = []
        for k in range(args.repeat):
            run: dict[str, object] = {"run": k + 1}
            tick = time.perf_counter()
            duck_steps = run_steps(store)
            run["duckdb_s"] = round(time.perf_counter() - tick, 1)
            run["duckdb_steps"] = {s: round(v, 2) for s, v in duck_steps.items()}
            tick = time.perf_counter()
            done = warchest.derive_lake(str(folder / "lake"), session)
            run["spark_s"] = round(time.perf_counter() - tick, 1)
            run["spark_steps"] = {s: round(v, 2) for s, v in done.seconds.items()}
            duck = {t: int(store.scalar(f'SELECT count(*) FROM "{t}"')) for t in PIPELINE_TABLES}
            assert {t.table: t.rows for t in done.tables} == duck, "engines disagree"
            run["rows"] = sum(duck.values())
            print(json.dumps(run), flush=True)
            runs.append(run)
        duck_s = statistics.median(float(str(r["duckdb_s"])) for r in runs)
        spark_s = statistics.median(float(str(r["spark_s"])) for r in runs)
        print(json.dumps({"patents": args.patents, "master": args.master,
                          "rows_written": runs[0]["rows"],
                          "export_s": round(export, 1), "spark_startup_s": round(startup, 1),
                          "duckdb_median_s": duck_s, "spark_median_s": spark_s,
                          "spark_over_duckdb": round(spark_s / duck_s, 1)}))


if __name__ == "__main__":
    main()
