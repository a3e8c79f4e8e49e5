"""Benchmark: the technology map's keyword matching, the tokenised join (now) against the
keyword-by-text `LIKE` join it replaced (the baseline), on a store whose technology map
has been made (its `taxonomy_terms` is read, nothing is written).

    python bench/techmap.py --db bench/out/engines-1000000/world.duckdb --repeat 3

Each repeat runs both, alternately, to the end (every row made, then counted and hashed)
and checks that they give the same rows: the same count and the same sum of row hashes
(patent, product, evidence, matches). Prints the timings and their medians as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from warchest import Store
from warchest.techmap.mapping import products_sql

HERE = Path(__file__).resolve().parent

BASELINE = products_sql().split("words AS (")[0] + """words AS (
    SELECT product, ' ' || pattern || ' ' AS padded, pattern
    FROM taxonomy_terms WHERE kind = 'keyword'),
texts AS (
    SELECT p.patent_id, {title} || coalesce({abstract}, '') AS body
    FROM patents p LEFT JOIN abstracts a ON a.patent_id = p.patent_id
    WHERE p.title IS NOT NULL OR a.abstract IS NOT NULL
),
by_keyword AS (
    SELECT t.patent_id, w.product, 'keyword' AS via,
           min(w.pattern) AS evidence, count(DISTINCT w.pattern) AS matches
    FROM texts t JOIN words w ON t.body LIKE '%' || w.padded || '%'
    GROUP BY t.patent_id, w.product
)
SELECT patent_id, product, via, evidence, CAST(matches AS INTEGER) AS matches
FROM by_keyword
"""
"""The SQL before this change (keyword part only), kept here as the baseline."""


def _keyword_part(sql: str) -> str:
    head, _, _ = sql.partition("SELECT patent_id, product, via, evidence, CAST(matches AS "
                               "INTEGER) AS matches FROM by_cpc")
    return head + ("SELECT patent_id, product, via, evidence, CAST(matches AS INTEGER) AS "
                   "matches FROM by_keyword")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path,
                        default=HERE / "out" / "engines-1000000" / "world.duckdb")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from warchest.techmap.mapping import _normalised_text

    baseline = BASELINE.replace("{title}", _normalised_text("p.title")).replace(
        "{abstract}", _normalised_text("a.abstract"))
    current = _keyword_part(products_sql())
    times: dict[str, list[float]] = {"tokens": [], "like": []}
    rows: dict[str, int] = {}
    with Store(args.db, read_only=True) as store:
        texts = store.scalar("SELECT count(*) FROM patents")
        keywords = store.scalar("SELECT count(*) FROM taxonomy_terms WHERE kind = 'keyword'")
        digests: dict[str, tuple[int, int]] = {}
        for _ in range(args.repeat):
            for name, sql in (("tokens", current), ("like", baseline)):
                t = time.perf_counter()
                got = store.rows("SELECT count(*) AS n, sum(hash(patent_id, product, evidence,"
                                 f" matches)) AS h FROM ({sql}) x")[0]
                times[name].append(round(time.perf_counter() - t, 2))
                digests[name] = (int(got["n"]), int(got["h"] or 0))
                rows[name] = int(got["n"])
        same = digests["tokens"] == digests["like"]
    print(json.dumps({"db": str(args.db), "patents": texts, "keywords": keywords,
                      "rows": rows, "same_rows": same, "seconds": times,
                      "median_s": {k: statistics.median(v) for k, v in times.items()},
                      "speedup": round(statistics.median(times["like"])
                                       / statistics.median(times["tokens"]), 1)}))


if __name__ == "__main__":
    main()
