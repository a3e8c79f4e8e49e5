"""Crash consistency: kill -9 at random points of loads and derivations, reopen, rerun, and
compare every table with a run that was never interrupted (issue 22).

    python bench/crash.py [--kills 24] [--seed 1]

The job is the real samples shipped with warchest, as a user would run it, one CLI process
per step: `warchest load patentsview`, `load assignments`, `load uspto-xml` (a weekly grant
file), `owners resolve` and `value --compute`. A clean run into a fresh store gives the
expected checksums and the job's duration. Then, ``--kills`` times: a fresh store, the job
started and killed with SIGKILL at a random moment of it (uniform over the clean run's
duration), the store reopened (it must open, at its schema version, with no load left
"running"), the whole job run again, and every table's checksum compared with the clean
run's. Checksums cover every column but load ids (``load_id``, ``merged_from``) and
timestamps, as a multiset of rows (count and the sum of row hashes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "src" / "warchest" / "samples"
WARCHEST = [sys.executable, "-c", "from warchest.cli import main; main()"]

STEPS = [
    ["load", "patentsview", str(SAMPLES / "patentsview_partly_synthetic")],
    ["load", "assignments", str(SAMPLES / "assignments")],
    ["load", "uspto-xml", str(SAMPLES / "uspto_xml" / "grant_v4.5_2014-04-03.xml.gz")],
    ["owners", "resolve"],
    ["value", "--compute"],
]

JOB = r"""
import subprocess, sys
db, steps = sys.argv[1], __import__("json").loads(sys.argv[2])
for k, step in enumerate(steps):
    print(f"step {k}", flush=True)  # a marker a kill can wait for
    done = subprocess.run([sys.executable, "-c", "from warchest.cli import main; main()",
                           *step, "--db", db], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(done.returncode)
"""


def run_job(db: Path, timeout: float = 600.0) -> float:
    """Run the whole job into ``db``; its duration in seconds."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", JOB, str(db), json.dumps(STEPS)],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"the job failed on {db}: {done.stderr[-2000:]}")
    return time.perf_counter() - started


def kill_job_at(db: Path, seconds: float, after_step: int | None = None) -> bool:
    """Start the job and SIGKILL it (and every process it started) ``seconds`` after it
    starts, or after step ``after_step`` of ``STEPS`` starts; False when it finished
    first."""
    job = subprocess.Popen([sys.executable, "-c", JOB, str(db), json.dumps(STEPS)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           start_new_session=True, text=True)
    assert job.stdout is not None
    if after_step is not None:
        for line in job.stdout:
            if line.strip() == f"step {after_step}":
                break
    try:
        job.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
        deadline = time.monotonic() + 10  # the step it ran dies too (its lock goes with it)
        while time.monotonic() < deadline:
            try:
                os.killpg(job.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)
        return True
    finally:
        job.stdout.close()


def checksums(db: Path) -> dict[str, tuple[int, int]]:
    """Every table's (rows, sum of row hashes), without load ids and timestamps; raises
    when the store does not open or a load is left "running"."""
    from warchest import Store

    with Store(db, read_only=True) as store:
        running = store.scalar("SELECT count(*) FROM load_log WHERE status = 'running'")
        if running:
            raise AssertionError(f"{running} load(s) left 'running' in {db}")
        out: dict[str, tuple[int, int]] = {}
        for table in sorted(store.tables):
            if table == "load_log":
                continue
            columns = [r["column_name"] for r in store.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "AND column_name NOT IN ('load_id', 'merged_from') "
                "AND data_type NOT LIKE 'TIMESTAMP%' ORDER BY ordinal_position", [table])]
            row = ", ".join(f'"{c}"' for c in columns)
            got = store.rows(f'SELECT count(*) AS n, coalesce(sum(hash({row})::HUGEINT), 0) '
                             f'AS h FROM "{table}"')[0]
            out[table] = (int(got["n"]), int(got["h"]))
        return out


def differences(a: dict[str, tuple[int, int]], b: dict[str, tuple[int, int]]) -> list[str]:
    return [f"{t}: {a.get(t)} != {b.get(t)}" for t in sorted(set(a) | set(b))
            if a.get(t) != b.get(t)]


def one_kill(folder: Path, at: float, expected: dict[str, tuple[int, int]],
             after_step: int | None = None) -> dict[str, object]:
    """Kill the job ``at`` seconds into it (or into step ``after_step``) on a fresh store,
    reopen, rerun, compare."""
    db = folder / "store.duckdb"
    killed = kill_job_at(db, at, after_step)
    result: dict[str, object] = {"at": round(at, 2), "killed": killed,
                                 "store_existed": db.exists()}
    try:
        if db.exists():
            checksums(db)  # opens, nothing left running
        result["reopened"] = True
    except Exception as exc:  # reported, not raised: the run goes on
        result["reopened"] = f"{type(exc).__name__}: {exc}"[:300]
    run_job(db)
    result["problems"] = differences(expected, checksums(db))
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=24)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        clean = Path(tmp) / "clean.duckdb"
        duration = run_job(clean)
        expected = checksums(clean)
        print(f"clean job: {duration:.1f} s, {len(expected)} tables, "
              f"{sum(n for n, _ in expected.values()):,} rows")
        failures = 0
        for k in range(args.kills):
            folder = Path(tmp) / f"kill{k:03d}"
            folder.mkdir()
            got = one_kill(folder, rng.uniform(0.2, duration), expected)
            bad = got["reopened"] is not True or got["problems"]
            failures += bool(bad)
            print(f"kill {k + 1:>3} at {got['at']:>5.2f} s: "
                  f"{'killed' if got['killed'] else 'finished first'}, reopened "
                  f"{got['reopened']}, after the rerun "
                  f"{'identical' if not got['problems'] else got['problems']}")
            shutil.rmtree(folder)
        print(f"\n{args.kills} kills: {args.kills - failures} consistent, {failures} not")
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
