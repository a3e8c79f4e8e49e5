"""How to write a transformation once for two engines: SQL transpiled by sqlglot at run
time (what warchest does), Ibis, or SQLFrame, measured on two real transformations.

- ``owner_source_ids`` (``warchest.owners.timeline.source_ids_sql``): a join, an anti-join,
  a union, DISTINCT and a GROUP BY, with the owner-name expression;
- ``patent_fields`` (``warchest.techmap.mapping.fields_sql``): IPC (or CPC where a patent
  has no IPC) symbols matched to the WIPO concordance by the longest prefix (a join on a
  LIKE, a window function), then counted per field.

Each is written three ways: the SQL text warchest runs (on DuckDB as it is, on Spark
through ``warchest.store.dialect``), an Ibis expression, and SQLFrame (PySpark's
DataFrame API, run here on DuckDB; the same code runs on PySpark with a Spark session).
For each: parity (rows equal to the SQL's, sorted), the code (lines of the function; what
a port would have to rewrite) and DuckDB's speed (median of ``--repeat`` runs, the three
alternately, on a copy of a SYNTHETIC world's store with the shipped IPC concordance
loaded).

Needs ``pip install 'ibis-framework[duckdb]' 'sqlframe[duckdb]'`` (not warchest's
dependencies):

    python bench/engine_choice.py --store bench/out/engines-100000/world.duckdb --repeat 5
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

HERE = Path(__file__).resolve().parent


# ----------------------------------------------------------------------------- Ibis
def source_ids_ibis(con: Any) -> pa.Table:
    import ibis

    a, d = con.table("assignees"), con.table("assignees_disambiguated")

    def name(t: Any) -> Any:
        person = (t.name_first.fill_null("") + " " + t.name_last.fill_null("")).strip()
        return ibis.coalesce(t.organization.strip().nullif(""), person.nullif(""))

    raw = a.join(d, [a.patent_id == d.patent_id, a.sequence == d.sequence]).select(
        patent_id=a.patent_id, sequence=a.sequence, raw_name=name(a),
        source_id=d.assignee_id).distinct()
    alone = d.anti_join(a, d.patent_id == a.patent_id)
    disambiguated = alone.select(patent_id=alone.patent_id, sequence=alone.sequence,
                                 raw_name=name(alone), source_id=alone.assignee_id).distinct()
    m = raw.union(disambiguated, distinct=False)
    m = m.filter(m.raw_name.notnull(), m.source_id.notnull(), m.source_id.strip() != "")
    out = m.group_by(["raw_name", "source_id"]).aggregate(mentions=m.count())
    return out.select("raw_name", source=ibis.literal("PatentsView assignee_id"),
                      source_id=out.source_id, mentions=out.mentions).to_pyarrow()


def fields_ibis(con: Any) -> pa.Table:
    import ibis

    k = con.table("ipc_wipo_fields")
    k = k.filter(k.ipc_prefix.notnull())
    k = k.select("field_id", "field_title", "sector", "ipc_prefix",
                 subclass=k.ipc_prefix.substr(0, 4), depth=k.ipc_prefix.length())
    ipc, cpc = con.table("ipc"), con.table("cpc")
    by_ipc = ipc.filter(ipc.symbol.notnull()).select(
        "patent_id", symbol=ipc.symbol.replace(" ", ""), via=ibis.literal("ipc"))
    no_ipc = cpc.filter(cpc.symbol.notnull()).anti_join(ipc, "patent_id")
    by_cpc = no_ipc.select("patent_id", "symbol", via=ibis.literal("cpc"))
    s = by_ipc.union(by_cpc, distinct=False)
    j = s.join(k, [k.subclass == s.symbol.substr(0, 4), s.symbol.like(k.ipc_prefix + "%")])
    first = ibis.row_number().over(group_by=[j.patent_id, j.symbol],
                                   order_by=[ibis.desc(j.depth), j.field_id])
    m = j.mutate(r=first)
    m = m.filter(m.r == 0)  # Ibis numbers rows from 0
    return m.group_by(["patent_id", "field_id"]).aggregate(
        field_title=m.field_title.min(), sector=m.sector.min(), via=m.via.min(),
        symbols=m.count().cast("int32"), evidence=m.symbol.min()).to_pyarrow()


# ----------------------------------------------------------------------------- SQLFrame
def source_ids_sqlframe(session: Any) -> pa.Table:
    from sqlframe.duckdb import functions as F

    org = F.trim(F.col("organization"))
    person = F.trim(F.concat_ws(" ", F.col("name_first"), F.col("name_last")))
    name = F.coalesce(F.when(org != "", org), F.when(person != "", person))
    a = session.table("assignees").select("patent_id", "sequence", name.alias("raw_name"))
    d = session.table("assignees_disambiguated").select(
        F.col("patent_id").alias("d_patent_id"), F.col("sequence").alias("d_sequence"),
        F.col("assignee_id").alias("source_id"), name.alias("d_name"))
    raw = a.join(d, (a.patent_id == d.d_patent_id) & (a.sequence == d.d_sequence)).select(
        "patent_id", "sequence", "raw_name", "source_id").distinct()
    alone = d.join(a.select(F.col("patent_id").alias("pid")).distinct(),
                   d.d_patent_id == F.col("pid"), "left_anti")
    disambiguated = alone.select(
        F.col("d_patent_id").alias("patent_id"), F.col("d_sequence").alias("sequence"),
        F.col("d_name").alias("raw_name"), "source_id").distinct()
    m = raw.unionByName(disambiguated)
    m = m.where(F.col("raw_name").isNotNull() & F.col("source_id").isNotNull()
                & (F.trim(F.col("source_id")) != ""))
    out = m.groupBy("raw_name", "source_id").agg(F.count("*").alias("mentions"))
    return out.select("raw_name", F.lit("PatentsView assignee_id").alias("source"),
                      "source_id", "mentions").toArrow()


def fields_sqlframe(session: Any) -> pa.Table:
    from sqlframe.duckdb import Window
    from sqlframe.duckdb import functions as F

    k = session.table("ipc_wipo_fields").where(F.col("ipc_prefix").isNotNull()).select(
        "field_id", "field_title", "sector", "ipc_prefix",
        F.substring("ipc_prefix", 1, 4).alias("subclass"),
        F.length("ipc_prefix").alias("depth"))
    ipc, cpc = session.table("ipc"), session.table("cpc")
    by_ipc = ipc.where(F.col("symbol").isNotNull()).select(
        "patent_id", F.regexp_replace("symbol", " ", "").alias("symbol"),
        F.lit("ipc").alias("via"))
    no_ipc = cpc.where(F.col("symbol").isNotNull()).join(
        ipc.select("patent_id").distinct(), "patent_id", "left_anti")
    by_cpc = no_ipc.select("patent_id", "symbol", F.lit("cpc").alias("via"))
    s = by_ipc.unionByName(by_cpc)
    j = s.join(k, (k.subclass == F.substring(s.symbol, 1, 4))
               & s.symbol.startswith(k.ipc_prefix))
    w = Window.partitionBy("patent_id", "symbol").orderBy(F.desc("depth"), "field_id")
    m = j.withColumn("r", F.row_number().over(w)).where(F.col("r") == 1)
    out = m.groupBy("patent_id", "field_id").agg(
        F.min("field_title").alias("field_title"), F.min("sector").alias("sector"),
        F.min("via").alias("via"), F.count("*").cast("int").alias("symbols"),
        F.min("symbol").alias("evidence"))
    return out.toArrow()


# ----------------------------------------------------------------------------- the bench
def _rows(table: pa.Table, columns: list[str]) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[c] for c in columns) for r in table.select(columns).to_pylist())


def _lines(fn: Callable[..., Any] | str) -> int:
    text = fn if isinstance(fn, str) else inspect.getsource(fn)
    return sum(1 for line in text.splitlines() if line.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path,
                        default=HERE / "out" / "engines-100000" / "world.duckdb")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import duckdb
    import ibis
    from sqlframe.duckdb import DuckDBSession

    import warchest
    from warchest.demo import sample_path
    from warchest.owners.timeline import source_ids_sql
    from warchest.techmap.mapping import fields_sql

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.duckdb"
        shutil.copy(args.store, path)
        with warchest.Store(path) as store:
            warchest.load_ipc(store, [sample_path("ipc") / "pvdb_ipc_technology.csv"])
        con = duckdb.connect(str(path), read_only=True)
        icon = ibis.duckdb.from_connection(con)
        session = DuckDBSession(conn=con)
        cases = {
            "owner_source_ids": (source_ids_sql(), source_ids_ibis, source_ids_sqlframe),
            "patent_fields": (fields_sql(), fields_ibis, fields_sqlframe),
        }
        report: dict[str, Any] = {"store": str(args.store), "repeat": args.repeat}
        for name, (sql, with_ibis, with_sqlframe) in cases.items():
            runs: dict[str, Callable[[], pa.Table]] = {
                "sql": lambda sql=sql: con.sql(sql).to_arrow_table(),
                "ibis": lambda f=with_ibis: f(icon),
                "sqlframe": lambda f=with_sqlframe: f(session),
            }
            want = runs["sql"]()
            columns = want.column_names
            seconds: dict[str, list[float]] = {k: [] for k in runs}
            same: dict[str, bool] = {}
            for _ in range(args.repeat):
                for kind, run in runs.items():
                    tick = time.perf_counter()
                    got = run()
                    seconds[kind].append(time.perf_counter() - tick)
                    same[kind] = _rows(got, columns) == _rows(want, columns)
            report[name] = {
                "rows": want.num_rows,
                "identical_rows": same,
                "lines": {"sql": _lines(sql), "ibis": _lines(with_ibis),
                          "sqlframe": _lines(with_sqlframe)},
                "duckdb_median_s": {k: round(statistics.median(v), 3)
                                    for k, v in seconds.items()},
            }
            print(json.dumps({name: report[name]}), flush=True)
        con.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
