"""The citations a chunk of patents makes (``Citations``), drawn without keeping
anything per patent."""

from __future__ import annotations

from typing import Any

import numpy as np

from warchest.synth import calibration as cal
from warchest.synth import streams
from warchest.synth.patents import (
    DESIGN,
    FITNESS_CAP,
    UTILITY,
    Facts,
    Patents,
)
from warchest.synth.world import (
    Technology,
    day_of,
)

S_CITE, S_RECENT = 70, 80
"""Counter-based streams of the citation draws and the remembered patents."""
SELF_OVERDRAW = 1.35
"""Self-citation candidates per self-citation kept (repeats of a citing patent's
candidates are dropped, and a company's own earlier patents repeat most)."""

DECADES = (1980, 1990, 2000, 2010, 2020)
FORWARD_SAMPLE = 50_000
"""Patents whose forward citations are counted (a hashed sample: the counts of every
patent would grow with the world)."""


class Citations:
    """Draws the citations a chunk of patents makes: fitness-weighted (capped log-normal
    fitness, by rejection), technology-local, lag-distributed, with self-citations; every
    target is drawn by arithmetic on the layout (``Layout.draw_in_window``), so nothing is
    kept per patent."""

    RECENT = 16
    """Remembered patents per company (self-citations when its cluster holds none near),
    as int32 indexes: 64 bytes a company."""

    def __init__(self, p: Patents, tech: Technology, n_companies: int) -> None:
        self.p = p
        self.tech = tech
        self.recent = np.full((n_companies, self.RECENT), -1, np.int32)
        self.first_day = int(p.layout.flat_days[0])
        years = np.arange(cal.FIRST_YEAR, cal.LAST_YEAR + 1)
        lo, hi = cal.CITATIONS_TREND
        trend = lo + (hi - lo) * (years - years[0]) / (years[-1] - years[0])
        weights = np.array([float(cal.GRANTS_PER_YEAR[y]) for y in years.tolist()])
        # designs make half as many references: utility grants make up the difference
        design_factor = 1 - 0.5 * cal.DESIGN_SHARE
        self.mean_by_year = dict(zip(years.tolist(), (
            trend * cal.CITATIONS_PER_PATENT / np.average(trend, weights=weights)
            / design_factor).tolist(), strict=True))

    def remember(self, f: Facts) -> None:
        """Note a chunk's utility patents as their companies' recent ones."""
        rows = np.flatnonzero((f.company >= 0) & (f.doc_type == UTILITY))
        slot = (streams.bits(self.p.seed, S_RECENT, f.index[rows]) % np.uint64(
            self.RECENT)).astype(np.int64)
        self.recent[f.company[rows], slot] = f.index[rows]

    def _window(self, bucket: np.ndarray, lo: np.ndarray, hi: np.ndarray, key: np.ndarray,
                stream: int, weight: Any = None, cap: float = FITNESS_CAP,
                rounds: int = 12) -> np.ndarray:
        p = self.p
        if weight is None:
            def weight(i: np.ndarray, _pos: np.ndarray) -> np.ndarray:
                return p.fitness(i)
        out: np.ndarray = p.layout.draw_in_window(bucket, lo, hi, weight, cap, p.seed,
                                                  stream, key, rounds)
        return out

    def draw(self, f: Facts, rng: np.random.Generator) -> dict[str, np.ndarray]:
        p, seed = self.p, self.p.seed
        mean = np.array([self.mean_by_year[int(y)] for y in f.year])
        mean = np.where(f.doc_type == DESIGN, mean * 0.5, mean)
        r = cal.CITATION_DISPERSION
        wanted = rng.negative_binomial(r, r / (r + mean))
        # a third again as many candidates as wanted: duplicates and misses are dropped
        k = np.minimum(wanted + wanted // 3 + 2, 1000)
        local = np.repeat(np.arange(f.n), k)
        n = len(local)
        key = f.index[local] * 1024 + (np.arange(n) - np.repeat(np.cumsum(k) - k, k))
        day = f.grant_day[local].astype(np.int64)
        lag = rng.lognormal(np.log(cal.CITATION_LAG_MEDIAN_YEARS), cal.CITATION_LAG_SIGMA, n)
        target = day - (lag * 365.25).astype(np.int64)
        window = np.maximum((lag * 365.25 * 0.35).astype(np.int64), 120)
        lo_day = np.maximum(target - window, 0)
        hi_day = np.minimum(target + window, day - 7)
        cited = np.full(n, -1, np.int64)
        kind = np.full(n, 3, np.int8)  # 0 self, 1 same group, 2 same subclass, 3 any
        u = rng.random(n)
        company = f.company[local]
        is_design = f.doc_type[local] == DESIGN
        # self-citations repeat the few patents of small companies more often than other
        # kinds repeat theirs, and repeats are dropped: candidates have a third more
        self_share = cal.SELF_CITATION_SHARE * SELF_OVERDRAW
        kind[(u < self_share) & (company >= 0)] = 0
        kind[(u >= self_share) & (u < self_share + cal.SAME_GROUP_SHARE)] = 1
        kind[(u >= self_share + cal.SAME_GROUP_SHARE)
             & (u < self_share + cal.SAME_GROUP_SHARE + cal.SAME_SUBCLASS_SHARE)] = 2
        kind[is_design] = 4
        clusters = np.maximum(f.cluster[local], 0)
        earliest = np.full(n, self.first_day, np.int64)
        # self-citations: the company's own earlier patents of its cluster, near the target
        # date, else any earlier, else one it was granted recently
        m = np.flatnonzero(kind == 0)
        if len(m):
            want = company[m]

            def same_company(i: np.ndarray, pos: np.ndarray) -> np.ndarray:
                out: np.ndarray = p.company[i] == want[pos]
                return out

            cited[m] = self._window(clusters[m], lo_day[m], hi_day[m], key[m], S_CITE,
                                    same_company, 1.0, 16)
            miss = m[cited[m] < 0]
            want = company[miss]
            cited[miss] = self._window(clusters[miss], earliest[miss], day[miss] - 7,
                                       key[miss], S_CITE + 1, same_company, 1.0, 16)
            miss = miss[cited[miss] < 0]
            for attempt in range(4):
                slot = (streams.bits(seed, S_CITE + 2, key[miss], attempt) % np.uint64(
                    self.RECENT)).astype(np.int64)
                pick = self.recent[company[miss], slot]
                ok = pick >= 0
                ok[ok] = p.grant_day(pick[ok]) <= day[miss[ok]] - 7
                cited[miss[ok]] = pick[ok]
                miss = miss[~ok]
            kind[miss] = 1  # none: a citation of the same group instead
        # same group, or another group of the same subclass
        m2 = kind == 2
        if m2.any():
            clusters[m2] = self.tech.sibling_clusters(clusters[m2], rng.random(int(m2.sum())))
        m = np.flatnonzero(((kind == 1) | (kind == 2)) & (cited < 0))
        if len(m):
            cited[m] = self._window(clusters[m], lo_day[m], hi_day[m], key[m], S_CITE + 3)
            # nothing near the target date: any earlier patent of the group
            miss = m[cited[m] < 0]
            cited[miss] = self._window(clusters[miss], earliest[miss], day[miss] - 7,
                                       key[miss], S_CITE + 4)
        # anything else, or what found no candidate: an earlier patent near the target date
        # of a cluster drawn by that year's grants
        m = np.flatnonzero((cited < 0) & (kind != 4))
        if len(m):
            year_pos = p.layout.year_of_day(np.maximum(target[m], self.first_day))
            bucket = p.any_cluster(year_pos, streams.uniform(seed, S_CITE + 5, key[m]))
            cited[m] = self._window(bucket, lo_day[m], hi_day[m], key[m], S_CITE + 6)
        m = np.flatnonzero(is_design)  # designs cite earlier designs
        if len(m):
            cited[m] = self._window(np.full(len(m), p.design_bucket), earliest[m],
                                    day[m] - 7, key[m], S_CITE + 7,
                                    lambda i, _pos: np.ones(len(i)), 1.0, 1)
        # targets before 1976 are older patents outside the world (numbers below 3,930,271)
        old = (cited < 0) & (target < day_of("1976-01-06")) & ~is_design
        pre_number = 3930270 - (rng.exponential(350000, n)).astype(np.int64)
        keep = (cited >= 0) | old
        # one citation per cited patent and citing patent
        base = p.n + 10**7
        pair = local.astype(np.int64) * base + np.where(cited >= 0, cited,
                                                        p.n + pre_number % 10**7)
        _, first = np.unique(pair, return_index=True)
        unique = np.zeros(n, bool)
        unique[first] = True
        keep &= unique
        # keep the first `wanted` kept candidates of each citing patent
        kept_before = np.cumsum(keep) - keep
        start = np.repeat(np.cumsum(k) - k, k)
        rank = kept_before - kept_before[start] if n else kept_before
        keep &= rank < np.repeat(wanted, k)
        counts = np.bincount(local[keep], minlength=f.n)
        seq = np.arange(int(keep.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return {"citing": local[keep], "sequence": seq, "cited": cited[keep],
                "old_number": np.maximum(pre_number[keep], 1_000_000),
                "old_day": np.maximum(target[keep], day_of("1836-07-13")),
                "kind": kind[keep]}
