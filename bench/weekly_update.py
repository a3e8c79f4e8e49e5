"""Benchmark: a weekly grant file applied to the full-size store (issue 26: every derived
table current in under 2 minutes), and a check that the refresh gives what the full
derivation gives.

    python bench/weekly_update.py --store bench/out/full-8260142/store.duckdb --repeat 3

``--store`` is a store that ``bench/full_scale.py`` loaded and derived in full (SYNTHETIC).
The script copies it (``weekly.duckdb`` beside it), holds its last week of grants out (the
rows of every table a weekly grant file fills: patents, applications, abstracts, claims,
assignees, inventors, CPC, IPC, citations, ...; moved into tables of their own), derives
the rest in full (``owners resolve``, ``value --compute``, ``techmap map``, each timed),
then puts the week back as one new load and times ``warchest refresh`` (its own process:
wall, CPU, peak RSS, peak temporary disk, as in full_scale.py). The week goes back as rows
of the store, not parsed from XML (bench/uspto_xml.py measures the parse). Repeats undo
the refresh's load-log row, so the same week is refreshed again (its names are then
known). Then every derived table is compared with the original store's, derived in
full from the same rows: equal row for row, but for the tables a full name resolution
decides (names placed by key instead of clustered; counted, not failed).

With ``--xml N`` it then times a weekly file end to end: N real ICE v4 grant documents
of the samples, replicated with new patent numbers (20000000 on; SYNTHETIC copies of
real documents, about a real week's 7,000 grants), written as one XML file, loaded with
``warchest load uspto-xml`` and refreshed with ``warchest refresh``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from full_scale import run_stage  # noqa: E402
from warchest.pipeline import PIPELINE_TABLES  # noqa: E402
from warchest.store import Store  # noqa: E402

OTHER_SOURCES = ("reassignment_documents", "maintenance_events", "families",
                 "ptab_proceedings", "ptab_documents", "lit_cases", "lit_parties",
                 "lit_patents", "patent_embeddings")
"""Tables with patent rows that a weekly grant file does not fill."""
NAME_TABLES = ("owner_names", "owner_entities", "owner_links", "corporate_links",
               "owner_source_ids", "ownership_events", "ownership")
"""Tables a full name resolution decides: compared and counted, not required equal."""
FLOAT_TOLERANCE = 1e-9


def held_tables(store: Store) -> list[str]:
    return [t.name for t in store.tables.values()
            if "patent_id" in t.column_names and not t.reference
            and t.name not in PIPELINE_TABLES and t.name not in OTHER_SOURCES]


def hold_out_week(store: Store, days: int) -> dict[str, int]:
    """Move the last ``days`` of grants' rows into ``_held_<table>``; rows per table."""
    con = store._con
    con.execute(f"""CREATE OR REPLACE TABLE _week AS SELECT patent_id FROM patents
        WHERE grant_date > (SELECT max(grant_date) FROM patents) - {int(days)}""")
    held = {}
    for t in held_tables(store):
        con.execute(f'CREATE OR REPLACE TABLE "_held_{t}" AS SELECT * FROM "{t}" '
                    "WHERE patent_id IN (SELECT patent_id FROM _week)")
        n = con.execute(f'SELECT count(*) FROM "_held_{t}"').fetchone()
        con.execute(f'DELETE FROM "{t}" WHERE patent_id IN (SELECT patent_id FROM _week)')
        if n and n[0]:
            held[t] = int(n[0])
    con.execute("CHECKPOINT")
    return held


def put_week_back(store: Store, held: dict[str, int]) -> int:
    """The held rows written again as one load (as a weekly file's load would)."""
    with store.transaction():
        lid = store.begin_load("uspto-xml", "held-out last week (SYNTHETIC)", None, None,
                               None)
        for t in held:
            store._con.execute(f'INSERT INTO "{t}" BY NAME SELECT * EXCLUDE (load_id), '
                               f'{lid} AS load_id FROM "_held_{t}"')
        total = sum(held.values())
        store.finish_load(lid, rows_read=total, rows_loaded=total, rows_quarantined=0,
                          outputs={})
    return lid


def compare(store: Store, original: Path) -> dict[str, dict[str, Any]]:
    """Rows only in the refreshed store and only in the original, per derived table;
    doubles of patent_indicators compared within FLOAT_TOLERANCE."""
    con = store._con
    con.execute(f"ATTACH '{original}' AS orig (READ_ONLY)")
    out: dict[str, dict[str, Any]] = {}
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                             "WHERE database_name = 'orig'").fetchall()}
        for t in PIPELINE_TABLES:
            if t not in present:  # a table newer than the original store
                continue
            cols = [c for c in store.tables[t].column_names if c != "load_id"]
            if t == "patent_indicators":
                out[t] = _compare_indicators(store, cols)
                continue
            listed = ", ".join(f'"{c}"' for c in cols)
            only = [con.execute(f'SELECT count(*) FROM (SELECT {listed} FROM {a}."{t}" '
                                f'EXCEPT ALL SELECT {listed} FROM {b}."{t}")').fetchone()
                    for a, b in (("main", "orig"), ("orig", "main"))]
            rows = con.execute(f'SELECT count(*) FROM main."{t}"').fetchone()
            out[t] = {"rows": rows[0] if rows else 0,
                      "only_refreshed": only[0][0] if only[0] else 0,
                      "only_full": only[1][0] if only[1] else 0}
    finally:
        con.execute("DETACH orig")
    return out


def _compare_indicators(store: Store, cols: list[str]) -> dict[str, Any]:
    con = store._con
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                             "WHERE table_name = 'patent_indicators' "
                             "AND database_name = current_database()").fetchall())
    checks = []
    for c in cols:
        if c == "patent_id":
            continue
        if types.get(c) == "DOUBLE":
            checks.append(f'coalesce(abs(a."{c}" - b."{c}") > {FLOAT_TOLERANCE}, FALSE) '
                          f'OR ((a."{c}" IS NULL) <> (b."{c}" IS NULL))')
        else:
            checks.append(f'a."{c}" IS DISTINCT FROM b."{c}"')
    row = con.execute(f"""SELECT count(*), count(b.patent_id),
        sum(CASE WHEN {' OR '.join(checks)} THEN 1 ELSE 0 END)
        FROM main.patent_indicators a LEFT JOIN orig.patent_indicators b USING (patent_id)
        """).fetchone()
    assert row is not None
    return {"rows": row[0], "matched": row[1], "differing": int(row[2] or 0)}


def write_week_xml(path: Path, documents: int) -> int:
    """``documents`` real grant documents, renumbered from 20000000; returns the bytes."""
    import re

    from uspto_xml import sample_documents

    grants = [d for d in sample_documents() if b"<us-patent-grant" in d[:2000]]
    number = re.compile(rb"(<publication-reference[^>]*>\s*<document-id>\s*<country>"
                        rb"[^<]*</country>\s*<doc-number>)[^<]*(</doc-number>)")
    with path.open("wb") as out:
        for i in range(documents):
            new = str(20_000_000 + i).encode()
            doc = number.sub(lambda m, new=new: m.group(1) + new + m.group(2),
                             grants[i % len(grants)], count=1)
            out.write(doc + b"\n")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path,
                        default=HERE / "out" / "full-8260142" / "store.duckdb")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xml", type=int, default=0,
                        help="then load N renumbered real grant documents and refresh")
    parser.add_argument("--compare-only", action="store_true",
                        help="only compare weekly.duckdb's derived tables with --store's")
    parser.add_argument("--xml-only", action="store_true",
                        help="only the --xml part, on weekly.duckdb as it is")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse weekly.duckdb prepared by an earlier run")
    args = parser.parse_args()
    work = args.store.parent / "weekly.duckdb"
    env = {**os.environ, "COLUMNS": "200"}
    rows: list[dict[str, Any]] = []
    if args.xml_only:
        xml_week(work, args.xml, env)
        return
    if args.compare_only:
        with Store(work) as store:
            print(json.dumps({"compare": compare(store, args.store)}), flush=True)
        return
    if not args.reuse:
        for stale in (work, Path(str(work) + ".wal")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(args.store, work)
        with Store(work) as store:
            held = hold_out_week(store, args.days)
        print(json.dumps({"held_rows": held}), flush=True)
        for name, argv in (("owners resolve", ["owners", "resolve"]),
                           ("value --compute", ["value", "--compute"]),
                           ("techmap map", ["techmap", "map"])):
            rows.append(run_stage(f"full {name} (without the week)", argv, work, env))
            print(json.dumps(rows[-1]), flush=True)
        with Store(work) as store:
            put_week_back(store, held)
    refreshes = []
    for k in range(args.repeat):
        if k or args.reuse:  # the same week again: forget the last refresh
            with Store(work) as store:
                store._con.execute("DELETE FROM load_log WHERE load_id = (SELECT max(load_id)"
                                   " FROM load_log WHERE loader = 'refresh')")
        row = run_stage("refresh", ["refresh", "--json"], work, env)
        report = json.loads((work.parent / "logs" / "refresh.out").read_text())
        row.update({"touched": report["touched"], "scope": report["scope"],
                    "names": report["names"], "parts": report["seconds"]})
        refreshes.append(row)
        print(json.dumps(row), flush=True)
    with Store(work, read_only=False) as store:
        diff = compare(store, args.store)
    print(json.dumps({"compare": diff}), flush=True)
    walls = [r["wall_s"] for r in refreshes]
    print(json.dumps({"refresh_wall_s": walls, "median": statistics.median(walls),
                      "first": walls[0],
                      "peak_rss_gb": max(r["peak_rss_gb"] for r in refreshes),
                      "peak_tmp_gb": max(r["peak_tmp_gb"] for r in refreshes)}), flush=True)
    if args.xml:
        xml_week(work, args.xml, env)


def xml_week(work: Path, documents: int, env: dict[str, str]) -> None:
    """A weekly XML file of ``documents`` grants loaded into ``work`` and refreshed."""
    path = work.parent / f"week-{documents}.xml"
    size = write_week_xml(path, documents)
    load = run_stage("load uspto-xml (week)", ["load", "uspto-xml", str(path), "--json"],
                     work, env)
    refresh = run_stage("refresh (week)", ["refresh", "--json"], work, env)
    report = json.loads((work.parent / "logs" / "refresh_(week).out").read_text())
    refresh.update({"touched": report["touched"], "scope": report["scope"],
                    "names": report["names"], "parts": report["seconds"]})
    print(json.dumps({"xml_mb": round(size / 1e6, 1), "load": load, "refresh": refresh,
                      "total_s": round(load["wall_s"] + refresh["wall_s"], 1)}), flush=True)


if __name__ == "__main__":
    main()
