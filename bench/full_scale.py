"""Benchmark: the whole pipeline at the full corpus's size, one stage at a time, as a user
runs it (the CLI), each stage measured on its own: wall time, CPU time (user + system),
peak resident memory, peak temporary disk (the store's spill folder) and the store's size.

    python bench/full_scale.py --patents 8260142            # the full corpus's size
    python bench/full_scale.py --patents 1000000 --repeat 1 # a smaller world, same stages

The world is a SYNTHETIC world in the real formats (``warchest synth``, seed 7, the
smartphone-expansion scenario: PatentsView tables, assignments, maintenance fees,
families), made once in ``bench/out/full-<N>/world`` and reused. Each repeat loads it into
a fresh store and derives everything:

    load patentsview, load assignments, load maintenance, load families, load litigation,
    load ptab (those three when the world has them), owners resolve, value --compute,
    techmap map

Each stage is its own process (``python -m warchest ...``): its CPU time and peak memory
come from ``os.wait4``; a thread samples the store's spill folder (``<store>.tmp``) and the
store file every 0.25 s. Prints one JSON line per stage and a summary; with ``--record``
appends the summary to bench/RESULTS.md's top. Targets (issue 26, 8.3M patents on the
2-core machine): all stages < 15 min, peak RSS < 6 GB, peak temporary disk < 8 GB.

Disk: the 8.3M world takes about 20 GB and its store about 9.5 GB (2026-12-05); with the
spill (about 1 GB since the indicators run in steps), keep 35 GB free.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGETS = {"wall_s": 15 * 60, "peak_rss_gb": 6.0, "peak_tmp_gb": 8.0}


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # a spill file removed while we looked
                total += (Path(root) / name).stat().st_size
    return total


def run_stage(name: str, argv: list[str], db: Path, env: dict[str, str]) -> dict[str, Any]:
    """One stage in its own process, measured."""
    tmp = Path(str(db) + ".tmp")
    peak = {"tmp": 0, "db": 0}
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.25):
            peak["tmp"] = max(peak["tmp"], _size(tmp) if tmp.exists() else 0)
            peak["db"] = max(peak["db"], _size(db) if db.exists() else 0)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    logs = db.parent / "logs"
    logs.mkdir(exist_ok=True)
    slug = name.replace(" ", "_").replace("-", "")
    with open(logs / f"{slug}.out", "wb") as stdout, open(logs / f"{slug}.err", "wb") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "warchest", *argv, "--db", str(db)],
                                 env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    done.set()
    watcher.join()
    out = (logs / f"{slug}.out").read_text("utf-8", "replace")
    err = (logs / f"{slug}.err").read_text("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"stage {name} failed ({code}): {err[-2000:]}")
    row: dict[str, Any] = {
        "stage": name, "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_gb": round(usage.ru_maxrss / 1024 ** 2, 2),  # ru_maxrss is in KiB
        "peak_tmp_gb": round(peak["tmp"] / 1024 ** 3, 2),
        "store_gb": round(_size(db) / 1024 ** 3, 2)}
    try:
        report = json.loads(out)
        if isinstance(report, dict) and "rows_read" in report:
            row.update({k: report[k] for k in ("rows_read", "rows_loaded", "rows_quarantined")})
    except ValueError:
        pass
    return row


def stages(world: Path) -> list[tuple[str, list[str]]]:
    got = [("load patentsview", ["load", "patentsview", str(world / "patentsview"), "--json"]),
           ("load assignments", ["load", "assignments", str(world / "assignments"), "--json"]),
           ("load maintenance", ["load", "maintenance", str(world / "maintfee"), "--json"])]
    for folder, command in (("families", "families"), ("litigation", "litigation"),
                            ("ptab", "ptab")):
        if (world / folder).exists():
            got.append((f"load {command}", ["load", command, str(world / folder), "--json"]))
    return [*got, ("owners resolve", ["owners", "resolve"]),
            ("value --compute", ["value", "--compute"]), ("techmap map", ["techmap", "map"])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patents", type=int, default=8_260_142)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the world and the store (default bench/out/full-N)")
    parser.add_argument("--record", action="store_true",
                        help="append the summary to bench/RESULTS.md")
    args = parser.parse_args()
    folder = args.out or HERE / "out" / f"full-{args.patents}"
    world = folder / "world"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COLUMNS": "200"}
    made: dict[str, Any] | None = None
    if not (world / "truth" / "stats.json").exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "warchest", "synth", "--patents",
                        str(args.patents), "--seed", "7", "--out", str(world)], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        made = {"stage": "synth (not counted)", "wall_s": round(time.perf_counter() - started)}
        print(json.dumps(made), flush=True)
    runs: list[list[dict[str, Any]]] = []
    for _ in range(args.repeat):
        db = folder / "store.duckdb"
        for stale in (db, Path(str(db) + ".wal")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(Path(str(db) + ".tmp"), ignore_errors=True)
        rows = []
        for name, argv in stages(world):
            row = run_stage(name, argv, db, env)
            print(json.dumps(row), flush=True)
            rows.append(row)
        runs.append(rows)
    summary = {
        "patents": args.patents, "runs": len(runs),
        "wall_s": round(statistics.median(sum(r["wall_s"] for r in run) for run in runs), 1),
        "cpu_s": round(statistics.median(sum(r["cpu_s"] for r in run) for run in runs), 1),
        "peak_rss_gb": max(r["peak_rss_gb"] for run in runs for r in run),
        "peak_tmp_gb": max(r["peak_tmp_gb"] for run in runs for r in run),
        "store_gb": runs[-1][-1]["store_gb"],
        "stages_s": {r["stage"]: statistics.median(
            run[k]["wall_s"] for run in runs) for k, r in enumerate(runs[0])}}
    summary["meets"] = {k: summary[k] < v for k, v in TARGETS.items()}
    print(json.dumps(summary), flush=True)
    if args.record:
        _record(summary, runs[-1])


def _record(summary: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    lines = [f"## {time.strftime('%Y-%m-%d')} the pipeline at {summary['patents']:,} "
             f"patents, stage by stage: `python bench/full_scale.py --patents "
             f"{summary['patents']} --repeat {summary['runs']}` (2 cores)", "",
             "| stage | wall s | CPU s | peak RSS GB | peak temp disk GB | store GB |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['stage']} | {r['wall_s']} | {r['cpu_s']} | {r['peak_rss_gb']} | "
              f"{r['peak_tmp_gb']} | {r['store_gb']} |" for r in rows]
    lines += ["", f"- All stages: {summary['wall_s']} s wall (median of {summary['runs']}), "
              f"{summary['cpu_s']} s CPU; peak RSS {summary['peak_rss_gb']} GB; peak "
              f"temporary disk {summary['peak_tmp_gb']} GB. Targets at 8.3M: < 900 s, "
              "< 6 GB, < 8 GB.", "", ""]
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    first = text.index("\n## ") + 1
    path.write_text(text[:first] + "\n".join(lines) + text[first:], encoding="utf-8")


if __name__ == "__main__":
    main()
