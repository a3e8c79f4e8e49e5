"""What the stray-quote guard of the delimited reader costs (issue 22), on one 16 MB block.

    python bench/stray_scan.py [--repeat 5]

A block of 300,000 PatentsView-shaped TSV rows (SYNTHETIC, replicated): the line count that
decides whether to look for swallowing records at all (every block pays it), the whole read
of the clean block, and the same with one quoted value holding a line end (a legitimate
multi-line record: the block is then scanned for swallowing records). Medians of --repeat.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from warchest.ingest.delimited import (
    TSV,
    Field,
    TableSpec,
    _records_over_lines,
    read_delimited,
)


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    line = b"1234567\tsome title text here for a patent\t2001-01-01\n"
    block = line * 300_000
    spec = TableSpec("t", "patents", (Field("c0"), Field("c1"), Field("c2")), dialect=TSV)
    header = b"c0\tc1\tc2\n"
    multi = block.replace(b"some title", b'"some\ntitle"', 1)
    print(f"block: {len(block) / 1e6:.1f} MB, {args.repeat} runs, medians")
    for label, run in (
        ("line count (every block)", lambda: _records_over_lines(block, 300_000)),
        ("read, clean block", lambda: list(read_delimited(io.BytesIO(header + block), spec,
                                                          "bench"))),
        ("read, one multi-line value", lambda: list(read_delimited(io.BytesIO(header + multi),
                                                                   spec, "bench")))):
        print(f"{label}: {median_seconds(run, args.repeat):.4f} s")


if __name__ == "__main__":
    main()
