"""Deal jobs for ``warchest serve``: each deal runs in a worker process of its own (its own
read-only connection to the store, its own interpreter), so the server's reads stay fast
while it runs. A job's folder holds its progress, its result and the report files."""

from __future__ import annotations

import json
import multiprocessing
import secrets
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warchest.deal.scenario import Scenario
from warchest.errors import WarchestError

FILES = {"report.html": "text/html; charset=utf-8", "package.csv": "text/csv; charset=utf-8",
         "result.json": "application/json", "report.pdf": "application/pdf"}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
    tmp.replace(path)


def run_deal_job(db: str, scenario: Scenario, folder: str) -> dict[str, Any]:
    """In the worker: plan the deal on the store ``db`` (read-only), writing progress to
    ``folder``/progress.json, then the report, package CSV and result JSON; returns the
    headline figures."""
    from warchest.deal import plan_deal
    from warchest.deal.report import write_outputs
    from warchest.store import Store

    out = Path(folder)

    def stage(name: str, done: int, total: int) -> None:
        _write_json(out / "progress.json", {"stage": name, "done": done, "total": total})

    with Store(db, read_only=True) as store:
        result = plan_deal(store, scenario, stage=stage)
    write_outputs(result, out / "report.html", out / "package.csv", out / "result.json")
    from warchest.deal.report import deal_charts

    _write_json(out / "charts.json", deal_charts(result))
    val = result.valuation.range_usd
    return {"package": len(result.package), "candidates": result.candidates,
            "objective": result.objective, "price_usd": {"low": val.low, "mid": val.mid,
                                                         "high": val.high},
            "synthetic": result.synthetic, "buyer": result.buyer, "seller": result.seller,
            "threats": list(result.threats), "markets": list(result.markets)}


@dataclass
class Job:
    """A deal job as the server sees it."""

    job_id: str
    folder: Path
    scenario: Scenario
    owner: str
    submitted: float = field(default_factory=time.time)
    future: Future[dict[str, Any]] | None = None

    @property
    def state(self) -> str:
        if self.future is None or (not self.future.running() and not self.future.done()):
            return "queued"
        if not self.future.done():
            return "running"
        return "failed" if self.future.exception() is not None else "done"

    def progress(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads((self.folder / "progress.json").read_text())
        except (OSError, ValueError):
            data = {"stage": "waiting", "done": 0, "total": 1}
        return data

    def error(self) -> str | None:
        if self.future is None or not self.future.done():
            return None
        exc = self.future.exception()
        if exc is None:
            return None
        if isinstance(exc, WarchestError):
            return str(exc)
        return f"the deal failed ({type(exc).__name__}); the server log has the details"

    def summary(self) -> dict[str, Any] | None:
        if self.state != "done" or self.future is None:
            return None
        return self.future.result()


class DealJobs:
    """The deal jobs of one server: at most ``workers`` run at once, at most ``queue`` wait;
    each in its own process (spawned: nothing of the server is shared with it)."""

    def __init__(self, db: str, folder: Path, workers: int = 1, queue: int = 8) -> None:
        self.db = db
        self.folder = folder
        self.limit = workers + queue
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._workers = workers

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def waiting(self) -> int:
        return sum(1 for j in self._jobs.values() if j.state in ("queued", "running"))

    def submit(self, scenario: Scenario, owner: str) -> Job | None:
        """A new job, or None when the queue is full."""
        with self._lock:
            if self.waiting() >= self.limit:
                return None
            job_id = secrets.token_hex(8)
            folder = self.folder / job_id
            folder.mkdir(parents=True)
            job = Job(job_id, folder, scenario, owner)
            job.future = self._executor().submit(run_deal_job, self.db, scenario, str(folder))
            self._jobs[job_id] = job
            return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: -j.submitted)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def job_file(job: Job, name: str) -> Path | None:
    """A finished job's file (``FILES``), or None; the PDF is printed when first asked."""
    if name not in FILES or job.state != "done":
        return None
    path = job.folder / name
    if name == "report.pdf" and not path.exists():
        from warchest.printing import print_pdf

        print_pdf(job.folder / "report.html", path)
    return path if path.exists() else None


__all__ = ["FILES", "DealJobs", "Job", "job_file"]
