"""Load on `warchest serve`: CLIENTS concurrent clients on loopback for SECONDS, each asking
back to back (no think time) for a random patent (GET /api/v1/patents/{id}) or a random
company's portfolio (GET /api/v1/companies/{id}/portfolio, one page of 50), while a deal
job runs (POST /api/v1/deals, started first; restarted when it ends). Prints the latency
percentiles per kind of read, the errors and the throughput.

The server runs in its own process (`python -m warchest serve`). The clients are `wrk`
(Debian's C load generator: `apt-get install wrk`; half the connections on patents, half
on portfolios, one wrk process each) when it is installed, else asyncio tasks over httpx
in this process (`--client httpx`), which on two cores is a ceiling of its own: about 350
requests/s even on a route that does nothing. `--think` needs httpx.

The server answers from the store's read copy (`<store>.read`; built first when missing or
out of date, minutes at 1M patents) unless `--no-read-copy`, the baseline.

Patents are drawn uniformly from the whole store; companies uniformly from those holding at
least MIN_PATENTS patents today (the ones a user looks up), so the largest portfolios are
asked for too.

    python bench/serve.py --db bench/out/engines-1000000/world.duckdb --clients 50 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def sample(db: Path, patents: int, companies: int, min_patents: int, seed: int
           ) -> tuple[list[str], list[str], dict[str, object]]:
    import warchest

    rnd = random.Random(seed)
    with warchest.Store(db, read_only=True) as store:
        ids = [r["patent_id"] for r in store.rows(
            f"SELECT patent_id FROM patents USING SAMPLE {patents} ROWS (reservoir, {seed})")]
        firms = [r["entity_id"] for r in store.rows(
            "SELECT entity_id FROM ownership WHERE end_date IS NULL GROUP BY entity_id "
            "HAVING count(*) >= ? ORDER BY entity_id", [min_patents])]
        threats = [r["name"] for r in store.rows(
            "SELECT e.name, count(*) n FROM ownership o JOIN owner_entities e USING "
            "(entity_id) WHERE o.end_date IS NULL GROUP BY e.name ORDER BY n DESC LIMIT 6")]
    rnd.shuffle(firms)
    deal = {"name": "bench deal", "buyer": threats[5], "seller": threats[0],
            "threats": [{"name": t} for t in threats[1:5]], "markets": {"US": 1.0},
            "as_of": "2025-12-31", "size": 100}
    return ids, firms[:companies], deal


async def client(http: httpx.AsyncClient, stop: float, ids: list[str], firms: list[str],
                 rnd: random.Random, out: dict[str, list[float]], errors: list[str],
                 think: float) -> None:
    while time.perf_counter() < stop:
        if rnd.random() < 0.5:
            kind, url = "patent", f"/api/v1/patents/{rnd.choice(ids)}"
        else:
            kind, url = "portfolio", (f"/api/v1/companies/{rnd.choice(firms)}/portfolio"
                                      "?limit=50&as_of=2025-12-31")
        t = time.perf_counter()
        try:
            got = await http.get(url)
            ok = got.status_code == 200
            if not ok:
                errors.append(f"{url}: {got.status_code} {got.text[:120]}")
        except httpx.HTTPError as exc:
            ok = False
            errors.append(f"{url}: {type(exc).__name__}")
        if ok:
            out[kind].append(time.perf_counter() - t)
        if think:
            await asyncio.sleep(rnd.expovariate(1 / think))


async def deals(http: httpx.AsyncClient, stop: float, body: dict[str, object],
                log: list[dict[str, object]]) -> None:
    while time.perf_counter() < stop:
        job = (await http.post("/api/v1/deals", json=body)).json()
        started = time.perf_counter()
        entry = {"state": job.get("state"), "seconds": 0.0, "error": None}
        log.append(entry)  # kept up to date: the load may end while the deal runs
        while job.get("state") in ("queued", "running") and time.perf_counter() < stop:
            await asyncio.sleep(0.5)
            job = (await http.get(f"/api/v1/deals/{job['id']}")).json()
            entry.update(state=job.get("state"), error=job.get("error"),
                         seconds=round(time.perf_counter() - started, 1))


async def run(url: str, key: str, args: argparse.Namespace, ids: list[str], firms: list[str],
              deal: dict[str, object]) -> dict[str, object]:
    limits = httpx.Limits(max_connections=args.clients + 4,
                          max_keepalive_connections=args.clients + 4)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"},
                                 timeout=60, limits=limits) as http:
        deal_log: list[dict[str, object]] = []
        warm_stop = time.perf_counter() + args.seconds + 5
        deal_task = None
        if not args.no_deal:
            deal_task = asyncio.create_task(deals(http, warm_stop, deal, deal_log))
            await asyncio.sleep(2)  # the deal is running before the load starts
        out: dict[str, list[float]] = {"patent": [], "portfolio": []}
        errors: list[str] = []
        stop = time.perf_counter() + args.seconds
        rnd = random.Random(args.seed)
        await asyncio.gather(*(client(http, stop, ids, firms, random.Random(rnd.random()), out,
                                      errors, args.think) for _ in range(args.clients)))
        if deal_task is not None:
            deal_task.cancel()
    result: dict[str, object] = {"clients": args.clients, "seconds": args.seconds,
                                 "think_s": args.think, "workers": args.workers or 1,
                                 "indexes": not args.no_indexes,
                                 "read_copy": not args.no_read_copy,
                                 "errors": len(errors), "first_errors": errors[:5],
                                 "deals": deal_log}
    for kind, lat in out.items():
        result[kind] = {"n": len(lat), "p50_ms": round(1000 * percentile(lat, 0.5), 1),
                        "p95_ms": round(1000 * percentile(lat, 0.95), 1),
                        "p99_ms": round(1000 * percentile(lat, 0.99), 1),
                        "max_ms": round(1000 * max(lat, default=float("nan")), 1)}
    total = sum(len(v) for v in out.values())
    result["requests_per_s"] = round(total / args.seconds, 1)
    result["all_p95_ms"] = round(1000 * percentile([x for v in out.values() for x in v], 0.95), 1)
    return result


WRK_SCRIPT = r"""
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
math.randomseed(tonumber(os.getenv("WRK_SEED")))
local key = os.getenv("WRK_KEY")
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Authorization"] = "Bearer " .. key})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT n=%d p50=%.3f p95=%.3f p99=%.3f max=%.3f errors=%d status=%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout, summary.errors.status))
end
"""


def keep_a_deal_running(url: str, headers: dict[str, str], body: dict[str, object],
                        load_over: threading.Event, log: list[dict[str, object]]) -> None:
    """Start a deal, watch it, start another when it ends, until the load is over; each
    deal's last state and seconds go to ``log`` ("running" for the one the load outlived)."""
    while not load_over.is_set():
        job = httpx.post(url + "/api/v1/deals", json=body, headers=headers, timeout=60).json()
        started = time.perf_counter()
        entry: dict[str, object] = {"state": job.get("state"), "seconds": 0.0, "error": None}
        log.append(entry)
        while job.get("state") in ("queued", "running") and not load_over.wait(0.5):
            job = httpx.get(f"{url}/api/v1/deals/{job['id']}", headers=headers,
                            timeout=60).json()
            entry.update(state=job.get("state"), error=job.get("error"),
                         seconds=round(time.perf_counter() - started, 1))


def run_wrk(url: str, key: str, args: argparse.Namespace, ids: list[str], firms: list[str],
            deal: dict[str, object], tmp: Path) -> dict[str, object]:
    """The same load with two wrk processes (patents, portfolios), a deal job started
    first and started again whenever one ends, until the window closes."""
    script = tmp / "paths.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    lists = {"patent": [f"/api/v1/patents/{i}" for i in ids],
             "portfolio": [f"/api/v1/companies/{f}/portfolio?limit=50&as_of=2025-12-31"
                           for f in firms]}
    headers = {"Authorization": f"Bearer {key}"}
    deal_log: list[dict[str, object]] = []
    load_over = threading.Event()
    dealer = None
    if not args.no_deal:
        dealer = threading.Thread(target=keep_a_deal_running,
                                  args=(url, headers, deal, load_over, deal_log))
        dealer.start()
        time.sleep(2)  # the deal is running before the load starts
    procs = {}
    for k, (kind, paths) in enumerate(lists.items()):
        listing = tmp / f"{kind}.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        env = {**os.environ, "WRK_PATHS": str(listing), "WRK_KEY": key,
               "WRK_SEED": str(args.seed + k)}
        conns = args.clients // 2 + (args.clients % 2 if k == 0 else 0)
        procs[kind] = subprocess.Popen(
            ["wrk", "-t1", f"-c{conns}", f"-d{int(args.seconds)}s", "--timeout", "60s",
             "-s", str(script), url], env=env, stdout=subprocess.PIPE, text=True)
    outputs = {kind: p.communicate()[0] for kind, p in procs.items()}
    load_over.set()
    if dealer is not None:
        dealer.join()
    result: dict[str, object] = {"client": "wrk", "clients": args.clients,
                                 "seconds": args.seconds, "workers": args.workers or 1,
                                 "indexes": not args.no_indexes,
                                 "read_copy": not args.no_read_copy, "deals": deal_log}
    total, errors = 0, 0
    for kind, text in outputs.items():
        m = re.search(r"RESULT n=(\d+) p50=([\d.]+) p95=([\d.]+) p99=([\d.]+) "
                      r"max=([\d.]+) errors=(\d+) status=(\d+)", text)
        if m is None:
            raise SystemExit(f"wrk gave no result for {kind}: {text[-500:]}")
        n = int(m.group(1))
        result[kind] = {"n": n, "p50_ms": float(m.group(2)), "p95_ms": float(m.group(3)),
                        "p99_ms": float(m.group(4)), "max_ms": float(m.group(5))}
        total += n
        errors += int(m.group(6)) + int(m.group(7))
    result["errors"] = errors
    result["requests_per_s"] = round(total / args.seconds, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/engines-1000000/world.duckdb")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--patents", type=int, default=20000, help="patents to draw from")
    parser.add_argument("--companies", type=int, default=2000, help="companies to draw from")
    parser.add_argument("--min-patents", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None, help="server worker processes")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-deal", action="store_true",
                        help="no deal job during the load (the reads alone)")
    parser.add_argument("--no-indexes", action="store_true",
                        help="serve without the lookup indexes (the baseline)")
    parser.add_argument("--no-read-copy", action="store_true",
                        help="serve every read from the store, not its read copy (the "
                             "baseline)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause between a client's requests, seconds (exponential; "
                             "0: back to back)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--client", choices=("wrk", "httpx"),
                        default="wrk" if shutil.which("wrk") else "httpx",
                        help="the load generator (default: wrk when installed)")
    args = parser.parse_args()
    if args.client == "wrk" and args.think:
        parser.error("--think needs --client httpx (wrk asks back to back)")
    ids, firms, deal = sample(args.db, args.patents, args.companies, args.min_patents, args.seed)
    with tempfile.TemporaryDirectory(prefix="warchest-bench-serve-") as tmp:
        keys = Path(tmp) / "keys.json"
        env = {**os.environ, "WARCHEST_KEYS": str(keys)}
        made = subprocess.run([sys.executable, "-m", "warchest", "keys", "create", "--role",
                               "analyst", "--json"], env=env, capture_output=True, text=True,
                              check=True)
        key = json.loads(made.stdout)["secret"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        command = [sys.executable, "-m", "warchest", "serve", "--db", str(args.db), "--port",
                   str(port), "--jobs", str(Path(tmp) / "jobs")]
        if args.workers:
            command += ["--workers", str(args.workers)]
        if args.no_indexes:
            command.append("--no-indexes")
        if args.no_read_copy:
            command.append("--no-read-copy")
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 3600  # a missing read copy is built first
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url + "/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.3)
            if args.client == "wrk":
                runs = [run_wrk(url, key, args, ids, firms, deal, Path(tmp))
                        for _ in range(args.repeat)]
            else:
                runs = [asyncio.run(run(url, key, args, ids, firms, deal))
                        for _ in range(args.repeat)]
        finally:
            server.terminate()
            server.wait(30)
    for r in runs:
        print(json.dumps(r))
    if len(runs) > 1:
        for kind in ("patent", "portfolio"):
            p95 = [r[kind]["p95_ms"] for r in runs]  # type: ignore[index]
            print(f"{kind}: median p95 {statistics.median(p95):.1f} ms over {len(runs)} runs")


if __name__ == "__main__":
    main()
