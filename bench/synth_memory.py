"""Benchmark: the generator's memory after each stage (issue 3's "memory does not grow").

    python bench/synth_memory.py 100000 1000000

Each size runs in a fresh process: RSS (from /proc/self/status) when each stage of
``generate_world`` starts, the highest RSS polled (every 50 ms) while it ran, and the peak
(getrusage). SYNTHETIC world, seed 7, the smartphone-expansion scenario, written to a
temporary folder. The "patentsview tables" stage includes writing the truth. The "state"
rows are what grows with the world and stays live while the tables are written (the
``state_bytes`` that ``generate_world`` returns: the company at grant of each patent, the
company of each focus entry, the company table, the ring of recent patents, the truth's
counters); "peak - state" is the rest.
"""

from __future__ import annotations

import subprocess
import sys

STAGES = r"""
import resource, sys, tempfile, threading, time
from pathlib import Path
from warchest.synth import generate_world

def rss():
    with open("/proc/self/status") as f:
        return int(f.read().split("VmRSS:")[1].split()[0]) // 1024

seen = []
top = {}
def stage(name, done, total):
    if name not in seen:
        seen.append(name)
        top[name] = rss()
        print(f"{name}\t{rss()}", flush=True)

def watch():  # the highest RSS seen while each stage runs, polled every 50 ms
    while True:
        if seen:
            top[seen[-1]] = max(top[seen[-1]], rss())
        time.sleep(0.05)

threading.Thread(target=watch, daemon=True).start()

with tempfile.TemporaryDirectory() as d:
    summary = generate_world(Path(d), int(sys.argv[1]), seed=7,
                             scenario="smartphone-expansion", progress=stage)
for name in seen:
    print(f"{name} (highest)\t{top[name]}")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"peak\t{peak:.0f}")
state = summary.state_bytes
for name, size in state.items():
    print(f"state: {name.replace('_', ' ')}\t{size / 2**20:.1f}")
print(f"state: all\t{sum(state.values()) / 2**20:.1f}")
print(f"peak - state\t{peak - sum(state.values()) / 2**20:.0f}")
"""


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    columns = []
    for n in sizes:
        done = subprocess.run([sys.executable, "-c", STAGES, str(n)], check=True,
                              capture_output=True, text=True)
        columns.append(dict(line.split("\t") for line in done.stdout.strip().splitlines()))
    print("| stage | " + " | ".join(f"{n:,} patents MB" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in columns[0]:
        print(f"| {name} | " + " | ".join(c.get(name, "") for c in columns) + " |")


if __name__ == "__main__":
    main()
