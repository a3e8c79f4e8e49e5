"""Benchmark: parsing the maintenance-fee events file, the Arrow-compute block parser (now)
against the line-by-line Python parser it replaced (the baseline), on a SYNTHETIC world's
file in the real format.

    python bench/maintenance.py --repeat 3 [--file MaintFeeEvents_yyyymmdd.txt]

Each repeat parses the whole file with both, alternately (the same conversion and
quarantine rules), and checks that they give the same rows and the same quarantined
lines. Prints the timings, their medians and the ratio as JSON; the full corpus has about
16M events (issue 26: `load maintenance` took 104 s on them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pyarrow as pa

from warchest.ingest.delimited import Chunk, chunks_from_records
from warchest.ingest.maintfee import _DATES, _FIELDS, MAINTENANCE, read_maintenance_events
from warchest.ingest.sources import iter_lines
from warchest.store import QuarantinedRow

HERE = Path(__file__).resolve().parent


def _baseline_records(stream: IO[bytes]) -> Iterator[tuple[int, str, dict[str, str | None]]
                                                      | QuarantinedRow]:
    """The parser before this change: one line at a time in Python."""
    for number, raw in enumerate(iter_lines(stream), start=1):
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError as exc:
            yield QuarantinedRow(number, f"not ASCII text (byte {raw[exc.start]:#04x} at "
                                 f"{exc.start})", raw.decode("ascii", "replace"))
            continue
        parts = text.split()
        if not parts:
            continue
        if len(parts) != len(_FIELDS):
            yield QuarantinedRow(number, f"expected 7 space-separated fields, found "
                                 f"{len(parts)}", text)
            continue
        for k in _DATES:
            p = parts[k]
            if len(p) == 8 and p.isdigit():
                parts[k] = f"{p[:4]}-{p[4:6]}-{p[6:]}"
        yield number, text, dict(zip(_FIELDS, parts, strict=True))


def baseline(stream: IO[bytes], name: str) -> Iterator[Chunk]:
    return chunks_from_records(_baseline_records(stream), MAINTENANCE, batch_rows=200_000)


def parse(reader: object, path: Path) -> tuple[float, pa.Table, list[int]]:
    t = time.perf_counter()
    tables, lines = [], []
    with open(path, "rb") as f:
        for chunk in reader(f, path.name):  # type: ignore[operator]
            tables.append(chunk.outputs[MAINTENANCE.target])
            lines += [q.line for q in chunk.quarantined]
    return time.perf_counter() - t, pa.concat_tables(tables), sorted(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=HERE / "out" / "engines-1000000" / "world"
                        / "maintfee" / "MaintFeeEvents_20251229.txt")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"arrow": [], "baseline": []}
    out: dict[str, tuple[pa.Table, list[int]]] = {}
    for _ in range(args.repeat):
        for name, reader in (("arrow", read_maintenance_events), ("baseline", baseline)):
            seconds, table, lines = parse(reader, args.file)
            times[name].append(round(seconds, 2))
            out[name] = (table, lines)
    same = (out["arrow"][0].equals(out["baseline"][0])
            and out["arrow"][1] == out["baseline"][1])
    print(json.dumps({"file": str(args.file), "bytes": args.file.stat().st_size,
                      "rows": out["arrow"][0].num_rows, "quarantined": len(out["arrow"][1]),
                      "same_result": same, "seconds": times,
                      "median_s": {k: statistics.median(v) for k, v in times.items()},
                      "speedup": round(statistics.median(times["baseline"])
                                       / statistics.median(times["arrow"]), 1)}))


if __name__ == "__main__":
    main()
