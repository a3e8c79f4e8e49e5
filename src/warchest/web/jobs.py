"""Deal jobs for ``warchest serve``: each deal runs in a worker process of its own (its own
read-only connection to the store, its own interpreter), so the server's reads stay fast
while it runs. A job is a folder: ``job.json`` (what was asked), ``progress.json``, then
``summary.json`` and the report files, or ``error.json``; any server process sharing the
jobs folder answers for any job."""

from __future__ import annotations

import contextlib
import functools
import json
import multiprocessing
import os
import re
import secrets
import threading
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warchest.deal.scenario import Scenario
from warchest.errors import WarchestError

FILES = {"report.html": "text/html; charset=utf-8", "package.csv": "text/csv; charset=utf-8",
         "result.json": "application/json", "report.pdf": "application/pdf"}
JOB_ID = re.compile(r"[0-9a-f]{16}")
_PRINTING = threading.Lock()  # one Chromium at a time prints a report
DEAL_NICENESS = 10
"""How much a deal's process defers to the server's (Unix nice): reads come first."""


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
    tmp.replace(path)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _follow_parent(parent: int) -> None:
    """In a worker: yield the CPU to the server's reads (a deal is background work: nice
    10), and end when the server that started it is gone (killed, not stopped), rather
    than run on holding the store."""
    with contextlib.suppress(OSError):
        os.nice(DEAL_NICENESS)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="follow-parent").start()


def run_deal_job(db: str, scenario: Scenario, folder: str) -> None:
    """In the worker: plan the deal on the store ``db`` (read-only), writing progress to
    ``folder``, then the report, package CSV, result JSON, the charts and the headline
    figures; a failure is written to ``error.json`` (a user error in its own words)."""
    out = Path(folder)
    try:
        _run(db, scenario, out)
    except WarchestError as exc:
        _write_json(out / "error.json", {"error": str(exc)})
    except Exception as exc:  # a bug: its kind goes to the user, its trace to the log
        _write_json(out / "error.json", {
            "error": f"the deal failed ({type(exc).__name__}); the server's log has the "
                     "details"})
        traceback.print_exc()
        raise


def _run(db: str, scenario: Scenario, out: Path) -> None:
    from warchest.deal import plan_deal
    from warchest.deal.report import deal_charts, write_outputs
    from warchest.store import Store

    def stage(name: str, done: int, total: int) -> None:
        _write_json(out / "progress.json", {"stage": name, "done": done, "total": total})

    stage("starting", 0, 1)
    with Store(db, read_only=True) as store:
        result = plan_deal(store, scenario, stage=stage)
    write_outputs(result, out / "report.html", out / "package.csv", out / "result.json")
    _write_json(out / "charts.json", deal_charts(result))
    val = result.valuation.range_usd
    _write_json(out / "summary.json", {
        "package": len(result.package), "candidates": result.candidates,
        "objective": result.objective,
        "price_usd": {"low": val.low, "mid": val.mid, "high": val.high},
        "synthetic": result.synthetic, "buyer": result.buyer, "seller": result.seller,
        "threats": list(result.threats), "markets": list(result.markets)})


@dataclass(frozen=True)
class Job:
    """A deal job, read from its folder."""

    job_id: str
    folder: Path
    name: str
    submitted: float

    @property
    def state(self) -> str:
        if (self.folder / "error.json").exists():
            return "failed"
        if (self.folder / "summary.json").exists():
            return "done"
        if (self.folder / "progress.json").exists():
            return "running"
        return "queued"

    def progress(self) -> dict[str, Any]:
        data = _read_json(self.folder / "progress.json")
        return data if isinstance(data, dict) else {"stage": "waiting", "done": 0, "total": 1}

    def error(self) -> str | None:
        data = _read_json(self.folder / "error.json")
        return str(data.get("error")) if isinstance(data, dict) else None

    def summary(self) -> dict[str, Any] | None:
        data = _read_json(self.folder / "summary.json")
        return data if isinstance(data, dict) else None


class DealJobs:
    """The deal jobs in one folder: this process runs at most ``workers`` at once and
    accepts a new one while fewer than ``workers + queue`` are unfinished; each runs in a
    spawned process (nothing of the server is shared with it)."""

    def __init__(self, db: str, folder: Path, workers: int = 1, queue: int = 8) -> None:
        self.db = db
        self.folder = folder
        self.limit = workers + queue
        self._lock = threading.Lock()
        self._pending: dict[str, Future[None]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._workers = workers

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._workers,
                                             mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_follow_parent,
                                             initargs=(os.getpid(),))
        return self._pool

    def submit(self, scenario: Scenario) -> Job | None:
        """A new job, or None when this process has too many unfinished."""
        with self._lock:
            if len(self._pending) >= self.limit:
                return None
            job_id = secrets.token_hex(8)
            folder = self.folder / job_id
            folder.mkdir(parents=True)
            job = Job(job_id, folder, scenario.name, time.time())
            _write_json(folder / "job.json", {"name": job.name, "submitted": job.submitted})
            try:
                future = self._executor().submit(run_deal_job, self.db, scenario, str(folder))
            except BrokenProcessPool:  # a worker died (killed, out of memory): a new pool
                self._pool = None
                future = self._executor().submit(run_deal_job, self.db, scenario, str(folder))
            self._pending[job_id] = future
            future.add_done_callback(functools.partial(self._finished, job))
            return job

    def _finished(self, job: Job, future: Future[None]) -> None:
        """A job's process returned or died: one that wrote no outcome has failed."""
        with self._lock:
            self._pending.pop(job.job_id, None)
        if job.state in ("queued", "running"):
            reason = ("the server stopped before the deal finished" if future.cancelled()
                      else "the deal's process ended without a result (killed, or out of "
                           "memory); the server's log may say more")
            _write_json(job.folder / "error.json", {"error": reason})

    def get(self, job_id: str) -> Job | None:
        if not JOB_ID.fullmatch(job_id):  # an id is 16 hex digits: never a path
            return None
        data = _read_json(self.folder / job_id / "job.json")
        if not isinstance(data, dict):
            return None
        return Job(job_id, self.folder / job_id, str(data.get("name", "deal")),
                   float(data.get("submitted", 0)))

    def all(self) -> list[Job]:
        if not self.folder.exists():
            return []
        found = [self.get(p.name) for p in self.folder.iterdir() if p.is_dir()]
        return sorted((j for j in found if j is not None), key=lambda j: -j.submitted)

    def close(self) -> None:
        """Stop: a deal still running is ended with its process (its job stays
        unfinished)."""
        if self._pool is not None:
            workers = list(getattr(self._pool, "_processes", {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                process.terminate()
            self._pool = None
        for job_id in list(self._pending):
            job = self.get(job_id)
            if job is not None and job.state in ("queued", "running"):
                _write_json(job.folder / "error.json",
                            {"error": "the server stopped before the deal finished"})


def job_file(job: Job, name: str) -> Path | None:
    """A finished job's file (``FILES``), or None; the PDF is printed when first asked."""
    if name not in FILES or job.state != "done":
        return None
    path = job.folder / name
    if name == "report.pdf" and not path.exists():
        from warchest.printing import print_pdf

        with _PRINTING:  # printed whole to a temporary name, then renamed: never half
            if not path.exists():
                part = job.folder / "report.part.pdf"
                print_pdf(job.folder / "report.html", part)
                part.replace(path)
    return path if path.exists() else None
