"""The derivations on both engines: DuckDB (the store) and Spark local[2], same SQL.

Builds (or reuses) a SYNTHETIC world of ``--patents`` patents and its store (loads,
owners, values, technology map), then, ``--repeat`` times and alternately:

- DuckDB: every derivation of ``warchest.pipeline.derivations()`` run on the store into
  Arrow, in pipeline order (each reads the tables the store derived before it);
- Spark: the Spark session's start-up (once, a fresh JVM), then the store's loaded tables
  written to a Parquet lake, every derivation in stages, each written back to the lake
  and read by the ones after it, and the derived tables read back
  (``warchest.pipeline.derive_on_spark``).

Prints one JSON line per run and the medians, and checks that both engines' rows agree
(row counts; the cell-by-cell comparison is ``tests/test_engines.py``).

    python bench/engines.py --patents 100000 --repeat 3
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
    args = parser.parse_args()

    import warchest
    from warchest.demo import build_world_store
    from warchest.pipeline import derivations, derive_on_spark
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
        self_citations = bool(store.scalar(
            "SELECT count(*) > 0 FROM ownership WHERE via = 'grant'"))
        steps = derivations(self_citations)
        started = time.perf_counter()
        session = spark_session()
        startup = time.perf_counter() - started
        runs = []
        for k in range(args.repeat):
            run: dict[str, object] = {"run": k + 1}
            tick = time.perf_counter()
            duck = {name: store.query(sql).num_rows for name, sql in steps}
            run["duckdb_s"] = round(time.perf_counter() - tick, 2)
            tick = time.perf_counter()
            spark = derive_on_spark(store, session)
            run["spark_s"] = round(time.perf_counter() - tick, 2)
            assert {n: t.num_rows for n, t in spark.items()} == duck, "engines disagree"
            run["rows"] = sum(duck.values())
            print(json.dumps(run), flush=True)
            runs.append(run)
        duck_s = statistics.median(float(str(r["duckdb_s"])) for r in runs)
        spark_s = statistics.median(float(str(r["spark_s"])) for r in runs)
        print(json.dumps({"patents": args.patents, "derived_rows": runs[0]["rows"],
                          "spark_startup_s": round(startup, 1),
                          "duckdb_median_s": duck_s, "spark_median_s": spark_s,
                          "spark_over_duckdb": round(spark_s / duck_s, 1)}))


if __name__ == "__main__":
    main()
