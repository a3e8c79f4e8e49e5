"""Benchmark: `warchest load patentsview` against DuckDB's own read_csv, same files, same run.

Builds PatentsView-format tables (g_patent, g_us_patent_citation, g_cpc_current,
g_assignee_disambiguated) at a chosen scale by replicating the real sample rows shipped with
warchest (titles, assignee organisations, citation names) and real CPC symbols (the CPC title
list) with fresh ids; text columns are quoted as in the PatentsView files; the id mix has
design, reissue and plant numbers. These tables are SYNTHETIC (replicated) data, for timing.

Then, in separate processes (so peak memory is per run):
- baseline: for each file, ``CREATE TABLE t AS SELECT * FROM read_csv(file)`` into a fresh
  DuckDB file (DuckDB sniffs types; no validation, no normalisation), then ``CHECKPOINT``;
- warchest: ``load_patentsview`` of the folder into a fresh store (validation, number
  normalisation, quarantine, load log, replace-by-key; each file committed and
  checkpointed), as the CLI runs it.

Reports per table: rows, seconds (median of --repeat runs), rows/s, ratio to the baseline;
totals; peak resident memory of each process.

    python bench/load.py --patents 1000000 --repeat 3
    python bench/load.py --patents 8260142 --repeat 3 --cold   # from a cold page cache

``--cold`` empties the kernel's page cache before every run (``sync``, then 1 into
/proc/sys/vm/drop_caches: Linux, as root), so that both read their files from disk
(issue 26: the citation file within 1.3x of read_csv, cold as well as warm).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = ROOT / "src" / "warchest" / "samples"

TABLES = ("g_patent", "g_us_patent_citation", "g_cpc_current", "g_assignee_disambiguated")
# rows per patent in the 2024 PatentsView release (shared/data/README.md):
# 128,401,915 citations, 48,473,812 CPC rows, 7,596,786 assignee rows for 8,260,142 patents
PER_PATENT = {"g_us_patent_citation": 15, "g_cpc_current": 5.9, "g_assignee_disambiguated": 0.92}


def _sample_lines(zip_name: str, column: int) -> list[str]:
    path = SAMPLES / "patentsview_partly_synthetic" / zip_name
    with zipfile.ZipFile(path) as archive:
        member = archive.namelist()[0]
        text = archive.read(member).decode("utf-8")
    values = []
    for line in text.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) > column and parts[column] and '"' not in parts[column]:
            values.append(parts[column])
    return sorted(set(values))


def generate(folder: Path, patents: int) -> dict[str, int]:
    """Write the four tables for ``patents`` patents; returns rows per table."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "rows.json"
    if done.exists():
        rows: dict[str, int] = json.loads(done.read_text())
        return rows
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false").fetchall()
    titles = _sample_lines("g_patent.tsv.zip", 3)
    orgs = _sample_lines("g_assignee_disambiguated.tsv.zip", 5)
    names = ["Berg", "Ishii", "Wakefield", "Godshaw et al.", "Sharpe", "Smith et al.",
             "Nakamura", "Mueller", "Kim et al.", "Lee", "O'Brien", "Garcia et al."]
    with zipfile.ZipFile(SAMPLES / "cpc" / "CPCTitleList202208.zip") as archive:
        symbols = []
        for member in sorted(archive.namelist()):
            for line in archive.read(member).decode("utf-8").splitlines():
                sym = line.split("\t", 1)[0]
                if "/" in sym and not sym.startswith("Y"):
                    symbols.append(sym)
    symbols = symbols[::7]
    con.execute("CREATE TABLE titles AS SELECT unnest(?) AS t, "
                "generate_subscripts(?, 1) - 1 AS ti", [titles, titles])
    con.execute("CREATE TABLE orgs AS SELECT unnest(?) AS o, "
                "generate_subscripts(?, 1) - 1 AS oi", [orgs, orgs])
    con.execute("CREATE TABLE names AS SELECT unnest(?) AS n, "
                "generate_subscripts(?, 1) - 1 AS ni", [names, names])
    con.execute("CREATE TABLE syms AS SELECT unnest(?) AS s, "
                "generate_subscripts(?, 1) - 1 AS si", [symbols, symbols])
    nt, no, nn, ns = len(titles), len(orgs), len(names), len(symbols)
    pid = ("CASE WHEN {x} % 100 < 8 THEN 'D' || (400000 + {x}) "
           "WHEN {x} % 100 = 8 THEN 'RE' || (30000 + {x}) "
           "WHEN {x} % 100 = 9 THEN 'PP' || (10000 + {x}) "
           "ELSE CAST(4000000 + {x} AS VARCHAR) END")
    opts = "(DELIMITER '\t', HEADER true, QUOTE '\"', FORCE_QUOTE ({cols}))"
    n = patents
    con.execute(f"""COPY (SELECT {pid.format(x='i')} AS patent_id,
        CASE WHEN i % 100 < 8 THEN 'design' WHEN i % 100 = 9 THEN 'plant' ELSE 'utility' END
          AS patent_type,
        DATE '1976-01-06' + CAST(i * 17000 // {n} AS INTEGER) AS patent_date,
        t.t AS patent_title, CASE WHEN i % 100 < 8 THEN 'S' ELSE 'B2' END AS wipo_kind,
        1 + i % 30 AS num_claims, 0 AS withdrawn, 'ipg' || (i % 997) || '.xml' AS filename
        FROM range({n}) r(i) JOIN titles t ON t.ti = i % {nt})
        TO '{folder}/g_patent.tsv' {opts.format(cols='patent_title, filename')}""")
    per = PER_PATENT["g_us_patent_citation"]
    con.execute(f"""COPY (SELECT {pid.format(x='(j // ' + str(per) + ')')} AS patent_id,
        j % {per} AS citation_sequence,
        {pid.format(x=f'((j * 7919 + 104729) % {n})')} AS citation_patent_id,
        DATE '1950-01-01' + CAST(j % 25000 AS INTEGER) AS citation_date, m.n AS record_name,
        CASE WHEN j % 3 = 0 THEN 'A' ELSE 'B2' END AS wipo_kind,
        CASE WHEN j % 3 = 0 THEN 'cited by examiner' ELSE 'cited by applicant' END
          AS citation_category
        FROM range({n * per}) r(j) JOIN names m ON m.ni = j % {nn})
        TO '{folder}/g_us_patent_citation.tsv'
        {opts.format(cols='record_name, citation_category')}""")
    cpc_rows = int(n * PER_PATENT["g_cpc_current"])
    con.execute(f"""COPY (SELECT {pid.format(x=f'(k * {n} // {cpc_rows})')} AS patent_id,
        k - (k * {n} // {cpc_rows}) * {cpc_rows} // {n} AS cpc_sequence,
        left(s.s, 1) AS cpc_section, left(s.s, 3) AS cpc_class, left(s.s, 4) AS cpc_subclass,
        s.s AS cpc_group, CASE WHEN k % 4 = 0 THEN 'additional' ELSE 'inventional' END
          AS cpc_type
        FROM range({cpc_rows}) r(k) JOIN syms s ON s.si = (k * 31) % {ns})
        TO '{folder}/g_cpc_current.tsv' {opts.format(cols='cpc_group')}""")
    asg_rows = int(n * PER_PATENT["g_assignee_disambiguated"])
    con.execute(f"""COPY (SELECT {pid.format(x=f'(a * {n} // {asg_rows})')} AS patent_id,
        0 AS assignee_sequence, md5(o.o) AS assignee_id,
        NULL AS disambig_assignee_individual_name_first,
        NULL AS disambig_assignee_individual_name_last,
        o.o AS disambig_assignee_organization, 2 + a % 2 AS assignee_type,
        md5(CAST(a % 5000 AS VARCHAR)) AS location_id
        FROM range({asg_rows}) r(a) JOIN orgs o ON o.oi = (a * 13) % {no})
        TO '{folder}/g_assignee_disambiguated.tsv'
        {opts.format(cols='disambig_assignee_organization')}""")
    rows = {"g_patent": n, "g_us_patent_citation": n * per, "g_cpc_current": cpc_rows,
            "g_assignee_disambiguated": asg_rows}
    done.write_text(json.dumps(rows))
    return rows


BASELINE = r"""
import duckdb, json, resource, sys, time
db, files = sys.argv[1], sys.argv[2:]
con = duckdb.connect(db)
con.execute("SET enable_progress_bar = false").fetchall()
out = {}
for f in files:
    t = time.perf_counter()
    con.execute(f"CREATE TABLE t{len(out)} AS SELECT * FROM read_csv('{f}', delim='\t', "
                "header=true, quote='\"')").fetchall()
    con.execute("CHECKPOINT").fetchall()
    out[f] = time.perf_counter() - t
con.close()
print(json.dumps({"seconds": out,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

WARCHEST = r"""
import json, resource, sys, time
import warchest
db, folder = sys.argv[1], sys.argv[2]
t = time.perf_counter()
with warchest.Store(db) as store:
    report = warchest.load_patentsview(store, [folder])
total = time.perf_counter() - t
print(json.dumps({"total": total, "files": [
    {"path": f.path, "rows": f.rows_read, "seconds": f.seconds,
     "quarantined": f.rows_quarantined} for f in report.files],
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True,
                         capture_output=True, text=True)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def _drop_caches() -> None:
    """Empty the page cache (``--cold``), or stop with what it needs."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("1\n", encoding="ascii")
    except OSError as e:
        raise SystemExit(f"--cold needs Linux and root to empty the page cache: {e}") from e


def _fresh(path: Path) -> str:
    for p in (path, path.with_suffix(".duckdb.wal")):
        if p.exists():
            p.unlink()
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--cold", action="store_true",
                        help="empty the page cache before each run (Linux, root)")
    parser.add_argument("--results", type=Path, default=None,
                        help="append a markdown summary to this file (e.g. bench/RESULTS.md)")
    args = parser.parse_args()

    folder = args.out / f"pv-{args.patents}"
    t = time.perf_counter()
    rows = generate(folder, args.patents)
    print(f"tables in {folder} ({time.perf_counter() - t:.1f} s to build or reuse); SYNTHETIC "
          "(replicated real rows) data for timing", flush=True)
    files = [str(folder / f"{name}.tsv") for name in TABLES]
    sizes = {name: (folder / f"{name}.tsv").stat().st_size for name in TABLES}

    base_runs, wc_runs = [], []
    for i in range(args.repeat):
        if args.cold:
            _drop_caches()
        base_runs.append(_run(BASELINE, _fresh(args.out / "baseline.duckdb"), *files))
        if args.cold:
            _drop_caches()
        wc_runs.append(_run(WARCHEST, _fresh(args.out / "warchest.duckdb"), str(folder)))
        print(f"run {i + 1}: baseline {sum(base_runs[-1]['seconds'].values()):.1f} s, "  # type: ignore[union-attr]
              f"warchest {wc_runs[-1]['total']:.1f} s", flush=True)

    lines = []
    header = ("| table | rows | MB | DuckDB read_csv s | warchest s | warchest rows/s | "
              "ratio |")
    lines += [header, "|---|---|---|---|---|---|---|"]
    total_b = total_w = 0.0
    for name, f in zip(TABLES, files, strict=True):
        b = statistics.median(r["seconds"][f] for r in base_runs)  # type: ignore[index]
        w = statistics.median(next(x["seconds"] for x in r["files"]  # type: ignore[union-attr]
                                   if x["path"] == f) for r in wc_runs)
        total_b += b
        total_w += w
        lines.append(f"| {name} | {rows[name]:,} | {sizes[name] / 1e6:,.0f} | {b:.2f} | {w:.2f} "
                     f"| {rows[name] / w:,.0f} | {w / b:.2f} |")
    wall = statistics.median(float(r["total"]) for r in wc_runs)  # type: ignore[arg-type]
    peak_w = max(float(r["peak_mb"]) for r in wc_runs)  # type: ignore[arg-type]
    peak_b = max(float(r["peak_mb"]) for r in base_runs)  # type: ignore[arg-type]
    lines.append(f"| **all four** | {sum(rows.values()):,} | "
                 f"{sum(sizes.values()) / 1e6:,.0f} | {total_b:.2f} | {total_w:.2f} | "
                 f"{sum(rows.values()) / total_w:,.0f} | {total_w / total_b:.2f} |")
    summary = (f"warchest load wall time (open store to commit, all four tables): {wall:.1f} s; "
               f"peak RSS warchest {peak_w:,.0f} MB, DuckDB baseline {peak_b:,.0f} MB "
               f"(median of {args.repeat} runs, {'cold' if args.cold else 'warm'} page "
               f"cache; {os.cpu_count()} cores, "
               f"{platform.python_version()})")
    print("\n".join(lines))
    print(summary)
    if args.results:  # latest first: after the file's heading, before the first entry
        text = args.results.read_text(encoding="utf-8")
        first = text.index("\n## ") + 1
        entry = (f"## {dt.date.today()} load: `python bench/load.py --patents {args.patents} "
                 f"--repeat {args.repeat}{' --cold' if args.cold else ''}`\n\n"
                 + "\n".join(lines) + "\n\n" + summary + "\n\n")
        args.results.write_text(text[:first] + entry + text[first:], encoding="utf-8")


if __name__ == "__main__":
    main()
