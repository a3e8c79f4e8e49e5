"""Patents laid out by grant year and bucket, so that no per-patent state is needed.

Patent index = (year, bucket, k): every bucket (a technology cluster, or the designs or
reissues of the year) is a range of indexes, so "a patent of cluster c" is an arithmetic
draw, not a lookup in an index of the world. The k-th patent of a bucket with n patents is
granted on the year's Tuesday number ``t = floor((k + phase) * T / n)`` (T Tuesdays, phase
in [0, 1) per bucket): increasing in k, and the patents of a bucket on each Tuesday are a
range of k given by the inverse formula. Phases are fractions of 2**20, so the arithmetic
is exact in integers.

Patent numbers increase with the grant date across a year (as the USPTO's do): a patent's
rank in its year, in (Tuesday, bucket, k) order, comes from a per-year table of how many
patents of each bucket are granted on each Tuesday, built on demand (one year at a time)
from the same formula.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from warchest.synth import streams
from warchest.synth.world import tuesdays

PHASE_BITS = 20
ONE = 1 << PHASE_BITS


def _ceil_div(a: np.ndarray, b: np.ndarray | int) -> np.ndarray:
    out: np.ndarray = -((-np.asarray(a)) // b)
    return out


@dataclass
class Layout:
    """Counts of patents per (year, bucket) and the arithmetic that places them."""

    years: np.ndarray  # (Y,) grant years, ascending
    counts: np.ndarray  # (Y, B) int64
    phase: np.ndarray  # (Y, B) int64 in [0, ONE)
    start: np.ndarray = field(init=False)  # (Y * B + 1,) first index of each bucket
    days: list[np.ndarray] = field(init=False)  # each year's Tuesdays
    t_count: np.ndarray = field(init=False)  # (Y,) Tuesdays in each year
    flat_days: np.ndarray = field(init=False)
    t_offset: np.ndarray = field(init=False)
    day0: int = field(init=False)
    day_year: np.ndarray = field(init=False)
    day_after: np.ndarray = field(init=False)
    bucket_before: np.ndarray = field(init=False)
    bucket_flat: np.ndarray = field(init=False)
    _ranks: OrderedDict[tuple[int, bytes], tuple[np.ndarray, np.ndarray]] = field(
        init=False, default_factory=OrderedDict)

    def __post_init__(self) -> None:
        flat = self.counts.reshape(-1)
        self.start = np.concatenate([[0], np.cumsum(flat)]).astype(np.int64)
        # patents of each bucket granted in the years before each year, (B, Y + 1), and
        # the same with each bucket's row shifted by (bucket x (n + 1)): one sorted array
        self.bucket_before = np.concatenate([
            np.zeros((self.counts.shape[1], 1), np.int64),
            np.cumsum(self.counts.T, axis=1)], axis=1).astype(np.int64)
        self.bucket_flat = (self.bucket_before + np.arange(self.counts.shape[1])[:, None]
                            * (int(self.start[-1]) + 1)).reshape(-1)
        self.days = [tuesdays(int(y)) for y in self.years.tolist()]
        self.t_count = np.array([len(d) for d in self.days], np.int64)
        # every day of the layout's years -> its year and the first Tuesday on or after
        # it (position in that year): lookups without per-year loops
        self.flat_days = np.concatenate(self.days).astype(np.int64)
        self.t_offset = np.concatenate([[0], np.cumsum(self.t_count)[:-1]]).astype(np.int64)
        firsts = np.array([tuesdays(int(y))[0] - ((tuesdays(int(y))[0] + 3) % 7)
                           for y in self.years.tolist()], np.int64)  # the year's Monday
        self.day0 = int(firsts[0]) - 7
        span = np.arange(self.day0, int(self.flat_days[-1]) + 8)
        self.day_year = np.clip(np.searchsorted(firsts, span, side="right") - 1, 0,
                                len(self.years) - 1)
        first_t = self.t_offset[self.day_year]
        self.day_after = np.searchsorted(self.flat_days, span, side="left") - first_t

    @classmethod
    def draw(cls, year_counts: dict[int, int], probs: np.ndarray, seed: int) -> Layout:
        """Bucket counts ~ Multinomial(patents of the year, probs[year]) per year."""
        years = np.array(sorted(year_counts), np.int64)
        counts = np.zeros((len(years), probs.shape[1]), np.int64)
        for j, y in enumerate(years.tolist()):
            p = np.asarray(probs[j], np.float64)
            counts[j] = np.random.default_rng([seed, 20, y]).multinomial(
                year_counts[y], p / p.sum())
        phase = (streams.uniform(seed, 21, np.arange(counts.size)) * ONE).astype(
            np.int64).reshape(counts.shape)
        return cls(years, counts, phase)

    @property
    def n(self) -> int:
        return int(self.start[-1])

    @property
    def buckets(self) -> int:
        return int(self.counts.shape[1])

    def index(self, year: np.ndarray, bucket: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Patent index of the k-th patent of (year position, bucket)."""
        out: np.ndarray = self.start[np.asarray(year) * self.buckets + np.asarray(bucket)] + k
        return out

    def locate(self, index: np.ndarray | int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(year position, bucket, k) of each patent index."""
        i = np.atleast_1d(np.asarray(index, np.int64))
        flat = np.searchsorted(self.start, i, side="right") - 1
        return flat // self.buckets, flat % self.buckets, i - self.start[flat]

    def _tn(self, year: np.ndarray) -> np.ndarray:
        out: np.ndarray = self.t_count[year]
        return out

    def tuesday(self, year: np.ndarray, bucket: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Position (among the year's Tuesdays) of the k-th patent's grant."""
        n = self.counts[year, bucket]
        t_n = self._tn(year)
        out: np.ndarray = ((np.asarray(k, np.int64) * ONE + self.phase[year, bucket]) * t_n) \
            // (np.maximum(n, 1) * ONE)
        return out

    def grant_day(self, index: np.ndarray | int) -> np.ndarray:
        """Grant day (days since 1970) of each patent index."""
        year, bucket, k = self.locate(index)
        out: np.ndarray = self.flat_days[self.t_offset[year] + self.tuesday(year, bucket, k)]
        return out

    def first_k(self, year: np.ndarray, bucket: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Smallest k granted on Tuesday position t or later (n when none)."""
        n = self.counts[year, bucket]
        t_n = self._tn(year)
        k = _ceil_div(np.asarray(t, np.int64) * n * ONE - self.phase[year, bucket] * t_n,
                      t_n * ONE)
        out: np.ndarray = np.clip(k, 0, n)
        return out

    def k_range(self, year: np.ndarray, bucket: np.ndarray, t_from: np.ndarray,
                t_to: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """[k_lo, k_hi): the patents of the bucket granted on Tuesday positions
        t_from..t_to (inclusive)."""
        return self.first_k(year, bucket, t_from), self.first_k(year, bucket,
                                                                np.asarray(t_to) + 1)

    def _rank_table(self, year: int, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For the buckets ``members`` (bool, B) of a year: patents granted before each
        Tuesday, and on each Tuesday in the member buckets before each bucket."""
        key = (year, members.tobytes())
        if key in self._ranks:
            self._ranks.move_to_end(key)
            return self._ranks[key]
        t_n = len(self.days[year])
        t = np.arange(t_n + 1)[:, None]
        b = np.arange(self.buckets)[None, :]
        y = np.full_like(b, year)
        first = self.first_k(y, b, t)  # (T + 1, B)
        on = (first[1:] - first[:-1]) * members[None, :]  # (T, B)
        per_day = on.sum(axis=1)
        before_day = np.concatenate([[0], np.cumsum(per_day)[:-1]])
        # at most the patents of one Tuesday: two bytes up to 65,535 of them (worlds of
        # about 170M patents), so every year's table, kept for the whole pass, takes
        # about 0.3 MB (T x B), whatever the world's size
        small = len(per_day) == 0 or int(per_day.max()) < 2**16
        before_bucket = (np.cumsum(on, axis=1) - on).astype(np.uint16 if small else np.int32)
        self._ranks[key] = (before_day, before_bucket)
        if len(self._ranks) > 64:
            self._ranks.popitem(last=False)
        return before_day, before_bucket

    def rank_in_year(self, index: np.ndarray | int, members: np.ndarray) -> np.ndarray:
        """Rank of each patent (in a member bucket) among its year's patents of the member
        buckets, ordered by (grant Tuesday, bucket, k): 0, 1, 2, ... with no gaps."""
        year, bucket, k = self.locate(index)
        t = self.tuesday(year, bucket, k)
        out = np.empty(len(k), np.int64)
        for y in np.unique(year).tolist():
            m = year == y
            before_day, before_bucket = self._rank_table(int(y), members)
            first = self.first_k(year[m], bucket[m], t[m])
            out[m] = before_day[t[m]] + before_bucket[t[m], bucket[m]] + k[m] - first
        return out

    def year_of_day(self, day: np.ndarray) -> np.ndarray:
        """Year position of each day (clipped to the layout's years)."""
        at = np.clip(np.asarray(day, np.int64) - self.day0, 0, len(self.day_year) - 1)
        out: np.ndarray = self.day_year[at]
        return out

    def tuesday_from(self, year: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Position among the year's Tuesdays of the first Tuesday on or after ``day`` (its
        first Tuesday for a day before the year's first Monday)."""
        at = np.clip(np.asarray(day, np.int64) - self.day0, 0, len(self.day_year) - 1)
        out: np.ndarray = np.where(self.day_year[at] == year, self.day_after[at], 0)
        return out

    def count_before(self, bucket: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Patents of each bucket granted before each day."""
        y = self.year_of_day(day)
        t = self.tuesday_from(y, day)
        b = np.asarray(bucket, np.int64)
        out: np.ndarray = self.bucket_before[b, y] + self.first_k(y, b, t)
        return out

    def nth_of_bucket(self, bucket: np.ndarray, rank: np.ndarray) -> np.ndarray:
        """Index of the patent of each bucket with the given rank (in grant order)."""
        b = np.asarray(bucket, np.int64)
        width = self.bucket_before.shape[1]
        at = np.searchsorted(self.bucket_flat, b * (self.n + 1) + rank, side="right") - 1
        y = at - b * width
        out: np.ndarray = self.start[y * self.buckets + b] + rank - self.bucket_before[b, y]
        return out

    def draw_in_window(self, bucket: np.ndarray, lo_day: np.ndarray, hi_day: np.ndarray,
                       weight: Callable[[np.ndarray, np.ndarray], np.ndarray],
                       weight_cap: float, seed: int, stream: int, key: np.ndarray,
                       rounds: int = 12) -> np.ndarray:
        """For each request, a patent of ``bucket`` granted in [lo_day, hi_day], drawn in
        proportion to ``weight(index, requests)`` (``requests``: the positions of the
        proposals among the requests; rejection: accepted with weight / weight_cap);
        -1 where the window holds none or every round was rejected. ``key`` numbers the
        requests for the counter-based draws (distinct keys: independent draws).

        The patents of a bucket in a window are a range of its ranks in grant order
        (``count_before``), so a proposal is a uniform rank in that range."""
        m = len(bucket)
        out = np.full(m, -1, np.int64)
        if m == 0:
            return out
        first = self.count_before(bucket, lo_day)
        total = self.count_before(bucket, np.asarray(hi_day, np.int64) + 1) - first
        todo = np.flatnonzero(total > 0)
        for r in range(rounds):
            if len(todo) == 0:
                break
            u = streams.uniform(seed, stream, key[todo], 2 * r)
            rank = first[todo] + np.minimum((u * total[todo]).astype(np.int64),
                                            total[todo] - 1)
            index = self.nth_of_bucket(bucket[todo], rank)
            accept = streams.uniform(seed, stream, key[todo], 2 * r + 1) * weight_cap \
                < weight(index, todo)
            out[todo[accept]] = index[accept]
            todo = todo[~accept]
        return out
