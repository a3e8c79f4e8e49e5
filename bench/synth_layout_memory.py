"""Benchmark (issue 3): the arithmetic layout's
citation sampler keeps no per-patent state.

    python bench/synth_layout_memory.py 100000 1000000

For each size, in a fresh process: lay out N SYNTHETIC patents by year (real US grant
counts, scaled) and technology cluster (the shipped "general" archetype profile), then draw
~15.5 citations for every patent, 5,000 citing patents at a time (60% same cluster, the rest
any cluster, log-normal lag with a median of 7 years, targets in proportion to a log-normal
fitness). Prints the time, the peak RSS and the share of a 20,000-patent sample never cited.
"""

from __future__ import annotations

import subprocess
import sys

RUN = r"""
import resource, sys, time
import numpy as np
from warchest.synth import calibration as cal, streams
from warchest.synth.layout import Layout
from warchest.synth.patents import _year_counts
from warchest.synth.world import Technology

n = int(sys.argv[1])
seed = 7
t0 = time.time()
tech = Technology.load()
profile = tech.profiles["general"]
years = _year_counts(n)
lay = Layout.draw(years, np.tile(profile, (len(years), 1)), seed)
sigma = cal.FITNESS_SIGMA
cap = float(np.exp(3 * sigma))
weight = lambda i, _r: np.minimum(streams.lognormal(seed, 30, i, 0.0, sigma), cap)
sample = np.unique((streams.uniform(seed, 31, np.arange(20_000)) * n).astype(np.int64))
forward = np.zeros(len(sample), np.int64)
cluster_of_bucket = np.arange(lay.buckets)
cluster_p = profile / profile.sum()
drawn = 0
for lo in range(0, n, 5000):
    rows = np.arange(lo, min(n, lo + 5000))
    k = np.maximum(1, (streams.uniform(seed, 32, rows) * 31).astype(np.int64))
    citing = np.repeat(rows, k)
    key = np.arange(len(citing)) + drawn
    drawn += len(citing)
    day = lay.grant_day(citing)
    _, own, _ = lay.locate(citing)
    lag = streams.lognormal(seed, 33, key, np.log(cal.CITATION_LAG_MEDIAN_YEARS),
                            cal.CITATION_LAG_SIGMA) * 365.25
    window = np.maximum(lag * 0.35, 120)
    target = day - lag
    other = np.searchsorted(np.cumsum(cluster_p), streams.uniform(seed, 34, key))
    bucket = np.where(streams.uniform(seed, 35, key) < 0.6, own,
                      np.minimum(other, lay.buckets - 1))
    cited = lay.draw_in_window(bucket, (target - window).astype(np.int64),
                               np.minimum(target + window, day - 7).astype(np.int64),
                               weight, cap, seed, 36, key)
    hit = cited[cited >= 0]
    at = np.searchsorted(sample, hit)
    ok = (at < len(sample)) & (sample[np.minimum(at, len(sample) - 1)] == hit)
    np.add.at(forward, at[ok], 1)
print(f"{n}\t{time.time() - t0:.1f}\t{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}"
      f"\t{drawn}\t{(forward == 0).mean():.3f}")
"""


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    print("| patents | seconds | peak MB | citation draws | sample never cited |")
    print("|---|---|---|---|---|")
    for n in sizes:
        done = subprocess.run([sys.executable, "-c", RUN, str(n)], check=True,
                              capture_output=True, text=True)
        n_, secs, peak, drawn, never = done.stdout.split()
        print(f"| {int(n_):,} | {secs} | {peak} | {int(drawn):,} | {never} |")


if __name__ == "__main__":
    main()
