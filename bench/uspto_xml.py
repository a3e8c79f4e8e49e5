"""Benchmark: USPTO full-text XML, bare lxml parse against warchest's extraction and loader.

Builds a weekly-format file of ``--size-mb`` megabytes by concatenating the real ICE v4.x
sample documents shipped with warchest (grants v4.0-v4.7 and applications v4.0-v4.6, each
with its own XML declaration and DOCTYPE, as in ``ipgYYMMDD.xml``). The documents are real;
the file is a REPLICATION of them (document numbers repeat), for timing only.

Measures, each in a fresh process so that peak memory is per run:

- ``split``: cutting the file into documents (``split_documents``), nothing else;
- ``bare``: split + ``lxml.etree.fromstring`` of every document (no DTD, no extraction):
  the reference the issue's target is stated against;
- ``extract``: split + parse + full extraction of every field into records
  (``extract(parse_document(...))``: the issue's "full extraction"), one core;
- ``rows``: the same records turned into store rows as Arrow tables, batch by batch
  (``read_xml`` with one worker: everything the loader does but writing), one core;
  ``rows-2``: the same with two worker processes (parallel scaling without the store);
- ``load-1`` / ``load-2``: ``load_uspto_xml`` into a fresh DuckDB store (parse + extract +
  write + checkpoint) with 1 and 2 worker processes, as ``warchest load uspto-xml`` runs it.

Reports MB/s, documents/s, the ratio to the bare parse, and peak resident memory; with
``--sizes`` it repeats ``extract`` and ``load-2`` on files of several sizes (throughput
against file size).

    python bench/uspto_xml.py --size-mb 1000 --repeat 3 --sizes 100,300,1000,2000
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = ROOT / "src" / "warchest" / "samples" / "uspto_xml"


def sample_documents() -> list[bytes]:
    """The real ICE v4.x documents of the samples (grants and applications)."""
    from warchest.ingest.uspto_xml import split_documents

    docs: list[bytes] = []
    for path in sorted(SAMPLES.glob("*_v4*.xml.gz")):
        with gzip.open(path, "rb") as stream:
            for raw in split_documents(stream):  # type: ignore[arg-type]
                if raw.complete:
                    docs.append(raw.data)
    return docs


def build(path: Path, size_mb: int) -> tuple[int, int]:
    """Write ``size_mb`` MB of concatenated sample documents; returns (bytes, documents)."""
    docs = sample_documents()
    target = size_mb * 1_000_000
    written = count = 0
    with path.open("wb") as out:
        while written < target:
            for data in docs:
                out.write(data)
                out.write(b"\n")
                written += len(data) + 1
                count += 1
                if written >= target:
                    break
    return written, count


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_mode(mode: str, path: Path) -> dict[str, float]:
    """One measurement, in this process."""
    from warchest.ingest.uspto_xml import extract, parse_document, read_xml, split_documents

    size = path.stat().st_size
    docs = 0
    start = time.perf_counter()
    if mode == "split":
        with path.open("rb") as stream:
            for _ in split_documents(stream):
                docs += 1
    elif mode == "bare":
        from lxml import etree

        parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False,
                                 huge_tree=True)
        failed = 0
        with path.open("rb") as stream:
            for raw in split_documents(stream):
                try:
                    etree.fromstring(raw.data, parser)
                except etree.XMLSyntaxError:
                    failed += 1  # undeclared named entities: counted, still parsed work
                docs += 1
    elif mode == "extract":
        with path.open("rb") as stream:
            for raw in split_documents(stream):
                extract(parse_document(raw.data))
                docs += 1
    elif mode.startswith("rows"):
        workers = int(mode.split("-")[1]) if "-" in mode else 1
        with path.open("rb") as stream:
            for chunk in read_xml(stream, path.name, path.name, workers=workers):
                docs += chunk.rows_read
    elif mode.startswith("load-"):
        from warchest.ingest import load_uspto_xml
        from warchest.store import Store

        workers = int(mode.split("-")[1])
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.duckdb")
            report = load_uspto_xml(store, [path], workers=workers)
            store.close()
            docs = report.rows_read
            assert report.rows_quarantined == 0, report.to_dict()
    else:
        raise SystemExit(f"unknown mode {mode}")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "mb": size / 1e6, "docs": docs,
            "mb_per_s": size / 1e6 / seconds, "docs_per_s": docs / seconds,
            "peak_mb": _peak_mb()}


def measure(mode: str, path: Path, repeat: int = 1) -> dict[str, float]:
    """Run one mode ``repeat`` times, each in a fresh process; the run with the median time
    is reported (peak memory: the largest of all runs, children included)."""
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--child", mode, str(path)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            raise SystemExit(proc.stderr)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    result: dict[str, float] = runs[len(runs) // 2]
    result["peak_mb"] = max(r["peak_mb"] for r in runs)
    result["peak_children_mb"] = max(r["peak_children_mb"] for r in runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1000)
    parser.add_argument("--sizes", default="", help="comma list of sizes (MB) for scaling")
    parser.add_argument("--modes", default="split,bare,extract,rows,rows-2,load-1,load-2")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per mode on the main file (the median is reported)")
    parser.add_argument("--keep", help="folder for the built files (default: a temp dir)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        out = run_mode(args.child[0], Path(args.child[1]))
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out["peak_children_mb"] = children
        print(json.dumps(out))
        return

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="warchest-xml-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"# warchest XML benchmark {dt.date.today()}  python {platform.python_version()}  "
          f"cores {os.cpu_count()}")
    print("# file: real ICE v4.x sample documents REPLICATED (synthetic concatenation)")

    def file_of(size_mb: int) -> Path:
        path = folder / f"ipg_bench_{size_mb}mb.xml"
        if not path.exists():
            written, count = build(path, size_mb)
            print(f"built {path.name}: {written / 1e6:.0f} MB, {count:,} documents")
        return path

    main_file = file_of(args.size_mb)
    results: dict[str, dict[str, float]] = {}
    bare = None
    print(f"\n{'mode':10} {'MB':>7} {'docs':>9} {'s':>7} {'MB/s':>7} {'docs/s':>8} "
          f"{'x bare':>7} {'peak MB':>8}")
    for mode in args.modes.split(","):
        r = measure(mode, main_file, args.repeat)
        results[mode] = r
        if mode == "bare":
            bare = r["mb_per_s"]
        ratio = f"{r['mb_per_s'] / bare:.2f}" if bare else "-"
        peak = max(r["peak_mb"], r["peak_children_mb"])
        print(f"{mode:10} {r['mb']:7.0f} {r['docs']:9,.0f} {r['seconds']:7.1f} "
              f"{r['mb_per_s']:7.1f} {r['docs_per_s']:8,.0f} {ratio:>7} {peak:8.0f}",
              flush=True)
    if args.sizes:
        print(f"\n{'size MB':>8} {'mode':10} {'MB/s':>7} {'docs/s':>8} {'peak MB':>8}")
        for size in (int(s) for s in args.sizes.split(",")):
            path = file_of(size)
            for mode in ("extract", "load-2"):
                r = measure(mode, path)
                peak = max(r["peak_mb"], r["peak_children_mb"])
                print(f"{size:8} {mode:10} {r['mb_per_s']:7.1f} {r['docs_per_s']:8,.0f} "
                      f"{peak:8.0f}", flush=True)
    if not args.keep:
        for path in folder.glob("*.xml"):
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
