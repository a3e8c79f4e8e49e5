"""Benchmark: the value indicators statement (`patent_indicators`) against its text at an
earlier revision (the baseline), on a store whose values are computed (read only).

    python bench/indicators.py --baseline-rev 2bd1b30 --repeat 3

Each repeat runs both to the end, alternately, under the values step's memory limit, and
then both once more into temporary tables to compare them column by column: the largest
difference per column (floating-point sums in another order differ in their last bits;
two runs of one statement do too). Prints JSON.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from warchest.value.compute import VALUE_MEMORY
from warchest.value.indicators import indicators_sql

HERE = Path(__file__).resolve().parent
TEXT = ("cohort_field", "cpc_subclass", "lead_symbol", "lead_group", "breakthrough",
        "patent_id")


def baseline_sql(rev: str) -> str:
    source = subprocess.run(["git", "show", f"{rev}:src/warchest/value/indicators.py"],
                            cwd=HERE.parent, capture_output=True, text=True, check=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("baseline_indicators", f.name)
    assert spec is not None and spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.indicators_sql(True))


def largest_differences(con: Any, a: str, b: str) -> dict[str, Any]:
    """Per column of two indicator tables ``a`` and ``b`` (relations, by patent_id): the
    rows that differ (text and flag columns) or the largest absolute difference; only
    the columns that differ."""
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {a}").fetchall()]
    differences: dict[str, Any] = {}
    for col in columns:
        if col == "patent_id":
            continue
        measure = "count(*)" if col in TEXT else f"max(abs(x.{col} - y.{col}))"
        got = con.execute(f"SELECT {measure} FROM {a} x FULL JOIN {b} y "
                          f"USING (patent_id) WHERE x.{col} IS DISTINCT FROM y.{col}"
                          ).fetchall()[0][0]
        if got:
            differences[col] = got
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path,
                        default=HERE / "out" / "engines-1000000" / "world.duckdb")
    parser.add_argument("--baseline-rev", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # the current statement reads indicator_inputs: the store needs `value --compute` by a
    # version that has it (since 2026-12-06), and only the second part is timed then
    sql = {"current": indicators_sql(), "baseline": baseline_sql(args.baseline_rev)}
    con = duckdb.connect()
    con.execute(f"ATTACH '{args.db}' AS w (READ_ONLY)")
    con.execute("USE w")
    con.execute(f"SET memory_limit = '{VALUE_MEMORY}'")
    times: dict[str, list[float]] = {"current": [], "baseline": []}
    for _ in range(args.repeat):
        for name in ("current", "baseline"):
            t = time.perf_counter()
            con.execute(f"SELECT count(*) FROM ({sql[name]}) x").fetchall()
            times[name].append(round(time.perf_counter() - t, 2))
    con.execute(f"CREATE TEMP TABLE cur AS {sql['current']}")
    con.execute(f"CREATE TEMP TABLE base AS {sql['baseline']}")
    differences = largest_differences(con, "temp.cur", "temp.base")
    rows = {n: con.execute(f"SELECT count(*) FROM temp.{t}").fetchall()[0][0]
            for n, t in (("current", "cur"), ("baseline", "base"))}
    print(json.dumps({"db": str(args.db), "baseline_rev": args.baseline_rev, "rows": rows,
                      "seconds": times,
                      "median_s": {k: statistics.median(v) for k, v in times.items()},
                      "ratio": round(statistics.median(times["baseline"])
                                     / statistics.median(times["current"]), 2),
                      "largest_difference": differences}, default=str))


if __name__ == "__main__":
    main()
