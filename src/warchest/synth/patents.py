"""Per-patent facts of the synthetic world, computed on demand.

Patents are laid out by grant year and bucket (a technology cluster, the designs or the
reissues of the year: ``warchest.synth.layout``); every independent per-patent value is a
counter-based draw (``warchest.synth.streams``) of the world seed and the patent index, so
any patent's facts are recomputed when asked for and nothing is kept per patent except the
company it was granted to (4 bytes a patent: continuations and reissues take their parent's
or original's company, which would otherwise have to be drawn again down the whole chain).

The company of a patent is drawn given its cluster and year: P(company | cluster, year) is
proportional to the company's share that year times its weight on the cluster (85% its own
focus clusters, 15% its archetype's profile), so the cluster counts of a year (the layout)
and the companies' sizes and technology mixes are those of drawing the company first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from warchest.synth import calibration as cal
from warchest.synth import streams
from warchest.synth.layout import Layout
from warchest.synth.world import Companies, Technology, day_of, interpolate

UTILITY, DESIGN, REISSUE = 0, 1, 2
DAYS_PER_YEAR = 365.25
FOCUS_SHARE = 0.85
"""A company's patents in its own focus clusters; the rest follow its archetype's profile."""
BUYER_GROWTH = 1.45
"""Yearly growth of the scenario buyer's patenting from 2014 (a fast-growing phone maker)."""
FITNESS_CAP = float(np.exp(1.9 * cal.FITNESS_SIGMA))
"""Fitness is capped at its 97th percentile, so that drawing cited patents in proportion
to fitness by rejection accepts about one proposal in five."""

# application series codes by filing date (USPTO series code table)
SERIES = ((day_of("1979-01-01"), 6), (day_of("1987-01-01"), 7), (day_of("1993-01-01"), 8),
          (day_of("1997-10-01"), 9), (day_of("2001-12-01"), 10), (day_of("2004-12-01"), 11),
          (day_of("2007-12-01"), 12), (day_of("2011-05-01"), 13), (day_of("2014-01-01"), 14),
          (day_of("2016-06-01"), 15), (day_of("2019-06-01"), 16), (day_of("2020-12-01"), 17),
          (day_of("2022-12-01"), 18), (day_of("2026-06-01"), 19))
SERIES_DAYS = np.array([d for d, _ in SERIES], np.int64)
SERIES_CODES = np.array([s for _, s in SERIES], np.int64)
CONTINUATION_KINDS = [k for k, _ in cal.CONTINUATION_KINDS]
CONTINUATION_CUM = np.cumsum([p for _, p in cal.CONTINUATION_KINDS])
MAINTENANCE_DAY = day_of(cal.MAINTENANCE_FROM)
WORLD_DAY = day_of(cal.WORLD_DATE)

# counter-based streams (what is drawn); one number each, never reused
(S_FITNESS, S_PENDENCY, S_CHILD, S_KIND, S_PARENT, S_ORPHAN, S_ORIGINAL, S_PROVISIONAL,
 S_PTA, S_DISCLAIMER, S_LAPSE, S_COMPANY, S_SERIAL, S_NUMBER, S_SUBSIDIARY) = range(40, 55)


def _year_counts(n: int) -> dict[int, int]:
    total = sum(cal.GRANTS_PER_YEAR.values())
    raw = {y: n * g / total for y, g in cal.GRANTS_PER_YEAR.items()}
    counts = {y: int(v) for y, v in raw.items()}
    rest = n - sum(counts.values())
    for y in sorted(raw, key=lambda y: raw[y] - counts[y], reverse=True)[:rest]:
        counts[y] += 1
    return counts


@dataclass
class Facts:
    """The facts of a set of patents (``index``), as parallel arrays."""

    index: np.ndarray
    year: np.ndarray
    grant_day: np.ndarray
    filing_day: np.ndarray
    doc_type: np.ndarray
    number: np.ndarray
    company: np.ndarray  # -1 = unassigned
    cluster: np.ndarray  # -1 for designs
    app_series: np.ndarray
    app_serial: np.ndarray
    parent: np.ndarray  # index of the parent patent (continuations), -1
    parent_kind: np.ndarray  # index into CONTINUATION_KINDS, -1
    parent_app: np.ndarray  # parent application number (series*1e6+serial), 0
    parent_filing: np.ndarray
    original: np.ndarray  # reissues: index of the original patent, -1
    family: np.ndarray
    provisional_day: np.ndarray  # -1 when none
    pta: np.ndarray
    disclaimer: np.ndarray  # bool
    lapse_stage: np.ndarray  # 0 maintained (or not due), 1..3 = stage not paid
    small_entity: np.ndarray

    @property
    def n(self) -> int:
        return len(self.index)

    def patent_id(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Canonical numbers ('10000000', 'D812345', 'RE49123') of the patents (or of the
        given rows of them)."""
        return format_ids(self.number, self.doc_type, rows)

    def application_number(self) -> np.ndarray:
        out: np.ndarray = self.app_series.astype(np.int64) * 1_000_000 + self.app_serial
        return out

    def lapse_day(self) -> np.ndarray:
        return lapse_day(self.grant_day, self.lapse_stage)


def lapse_day(grant_day: np.ndarray, stage: np.ndarray) -> np.ndarray:
    """Day a patent lapsed for an unpaid maintenance fee (end of the 6-month grace period
    after the fee due 3.5, 7.5 or 11.5 years after grant: 4 years a stage); -1 when it
    did not."""
    out: np.ndarray = np.where(stage > 0, grant_day + (4.0 * stage * DAYS_PER_YEAR).astype(
        np.int64), -1)
    return out


class Lineage(NamedTuple):
    """See ``Patents.lineage``."""

    year_pos: np.ndarray
    bucket: np.ndarray
    grant_day: np.ndarray
    filing_day: np.ndarray
    parent: np.ndarray
    kind: np.ndarray
    original: np.ndarray
    cluster: np.ndarray


def format_ids(number: np.ndarray, doc_type: np.ndarray, rows: np.ndarray | None = None
               ) -> np.ndarray:
    if rows is not None:
        number, doc_type = number[rows], doc_type[rows]
    nums = np.asarray(number).astype("U8")
    prefix = np.where(doc_type == DESIGN, "D", np.where(doc_type == REISSUE, "RE", ""))
    out: np.ndarray = np.char.add(prefix, nums)
    return out


class CompanySampler:
    """Draws a patent's company given its year and cluster (or, for designs, its year)."""

    def __init__(self, companies: Companies, tech: Technology, years: np.ndarray) -> None:
        self.companies = companies
        self.years = years
        general = tech.profiles["general"]
        self.general = general
        n_clusters = len(general)
        buyers = companies.with_role("buyer")
        self.buyer = buyers[0] if buyers else -1
        ids = np.flatnonzero((companies.parent < 0) & (companies.share > 0)
                             & (np.arange(len(companies)) != self.buyer))
        top_arch = companies.archetype[ids]
        self.archetypes = sorted(set(top_arch.tolist()))
        arch_index = {a: i for i, a in enumerate(self.archetypes)}
        self.profile = np.array([tech.profiles.get(a, general) for a in self.archetypes])
        # every ordinary company by archetype and start year, with cumulative shares
        arch = np.array([arch_index[a] for a in top_arch.tolist()], np.int64)
        start = companies.start_year[ids].astype(np.int64)
        share = companies.share[ids]
        order = np.lexsort((ids, start, arch))
        self.a_key = (arch[order] * 10_000 + start[order]).astype(np.int32)
        self.a_company = ids[order].astype(np.int32)
        self.a_cum = np.concatenate([[0.0], np.cumsum(share[order])])
        # the same, all archetypes together (designs)
        order = np.lexsort((ids, start))
        self.d_start = start[order].astype(np.int32)
        self.d_company = ids[order].astype(np.int32)
        self.d_cum = np.concatenate([[0.0], np.cumsum(share[order])])
        del arch, order
        # focus entries: (cluster, start year) -> company, share x focus weight, sorted by
        # (cluster, start year, company), built a block of clusters at a time so that the
        # sort's temporaries stay small
        if len(years) and (np.any(np.diff(years) != 1) or companies.start_year.min() < years[0]
                           or companies.start_year.max() > years[-1]):
            raise ValueError("the sampler's years must be consecutive and hold every start year")
        self._sort_focus(companies, ids, start.astype(np.int32), share * FOCUS_SHARE,
                         n_clusters, years)
        # per year: each archetype's active share (Y, A), the buyer's weight, the total
        self.arch_share = np.zeros((len(years), len(self.archetypes)))
        for j, y in enumerate(years.tolist()):
            for a in range(len(self.archetypes)):
                self.arch_share[j, a] = self._cum_at(self.a_key, self.a_cum,
                                                     a * 10_000, a * 10_000 + y)
        self.buyer_weight = np.zeros(len(years))
        self.buyer_focus = np.zeros(0, np.int32)
        if self.buyer >= 0:
            b = companies[self.buyer]
            self.buyer_focus = b.focus  # a copy (views copy): kept after release_focus
            self.buyer_weight = np.array([
                b.share * BUYER_GROWTH ** max(0, y - 2014) if y >= b.start_year else 0.0
                for y in years.tolist()])
            self.buyer_profile = FOCUS_SHARE * np.bincount(
                b.focus, weights=b.focus_weights, minlength=n_clusters) + (
                1 - FOCUS_SHARE) * tech.profiles.get(b.archetype, general)
        else:
            self.buyer_profile = np.zeros(n_clusters)
        self.total_weight = self.arch_share.sum(axis=1) + self.buyer_weight  # (Y,)
        # focus mass of each (year, cluster)
        self.focus_mass = np.zeros((len(years), n_clusters))
        for j in range(len(years)):
            self.focus_mass[j] = self.f_cum[self.f_cut[:, j + 1]] - self.f_cum[self.f_cut[:, 0]]
        self.profile_mass = (1 - FOCUS_SHARE) * self.arch_share @ self.profile  # (Y, C)
        self.buyer_mass = self.buyer_weight[:, None] * self.buyer_profile[None, :]
        assigned = (self.focus_mass + self.profile_mass + self.buyer_mass) \
            / np.maximum(self.total_weight, 1e-300)[:, None]
        self.assigned_mass = (1 - cal.UNASSIGNED_SHARE) * assigned  # (Y, C)
        self.unassigned_mass = cal.UNASSIGNED_SHARE * general[None, :]
        # subsidiaries: a share of a parent's patents is held by its subsidiaries
        self.children: dict[int, list[int]] = {}
        for cid in np.flatnonzero(companies.parent >= 0).tolist():
            self.children.setdefault(int(companies.parent[cid]), []).append(cid)
        with_kids = sum(float(companies.share[c]) for c in self.children) / max(
            1e-12, companies.share.sum())
        self.move = min(0.3, dict(cal.VARIANT_SHARES)["subsidiary"] / max(with_kids, 1e-9))
        self.kids_from = np.full(len(companies), 9999, np.int16)
        self.kid_offset = np.zeros(len(companies) + 1, np.int32)
        kids: list[int] = []
        for cid in range(len(companies)):
            mine = self.children.get(cid, [])
            kids += mine
            self.kid_offset[cid + 1] = len(kids)
            if mine:
                self.kids_from[cid] = int(companies.start_year[mine].min())
        self.kids = np.array(kids, np.int64)
        self.draws_released = False

    def release_draws(self) -> None:
        """Free what only ``draw`` needs once every patent's company is drawn: the focus
        entries' cumulative masses (8 bytes each, 0.7 a patent) and the companies by
        archetype, start year and parent. ``in_focus`` keeps working; ``draw`` refuses."""
        self.f_cum = np.zeros(0)
        self.a_key = self.d_start = np.zeros(0, np.int32)
        self.a_company = self.d_company = np.zeros(0, np.int32)
        self.a_cum = self.d_cum = np.zeros(0)
        self.kids = np.zeros(0, np.int64)
        self.kids_from = np.zeros(0, np.int16)
        self.kid_offset = np.zeros(0, np.int32)
        self.children = {}
        self.draws_released = True

    def _sort_focus(self, companies: Companies, ids: np.ndarray, start: np.ndarray,
                    scale: np.ndarray, n_clusters: int, years: np.ndarray, block: int = 64
                    ) -> None:
        """``f_company`` and ``f_cum`` (the cumulative share x focus weight) of the focus
        entries of the companies ``ids`` (ascending; their focus ranges ascend with them),
        sorted by (cluster, start year, company), and ``f_cut``: for each cluster, where
        its entries begin (column 0) and end for the companies started by each year
        (column j + 1: start year <= years[j]). The sort keys are not kept."""
        flat = companies.focus_flat
        first = companies.focus_start[ids]
        end = first + companies.focus_len[ids]
        total = int((end - first).sum())
        self.f_cut = np.zeros((n_clusters, len(years) + 1), np.int32)
        self.f_company = np.empty(total, np.int32)
        mass = np.empty(total)
        pos = 0
        for lo in range(0, n_clusters, block):
            at = np.flatnonzero((flat >= lo) & (flat < lo + block))
            owner = np.maximum(np.searchsorted(first, at, side="right") - 1, 0)
            mine = (at >= first[owner]) & (at < end[owner])  # not the buyer's range
            at, owner = at[mine], owner[mine]
            key = flat[at] * 10_000 + start[owner]
            # ascending positions are ascending companies: a stable sort on the key keeps
            # them in company order within each (cluster, start year)
            order = np.argsort(key, kind="stable")
            m = len(order)
            sorted_key = key[order]
            cl = np.arange(lo, min(lo + block, n_clusters), dtype=np.int64)
            self.f_cut[cl, 0] = pos + np.searchsorted(sorted_key, cl * 10_000, side="left")
            self.f_cut[cl, 1:] = pos + np.searchsorted(
                sorted_key, cl[:, None] * 10_000 + years[None, :], side="right")
            self.f_company[pos:pos + m] = ids[owner[order]]
            mass[pos:pos + m] = scale[owner[order]] * companies.focus_weight_flat[at[order]]
            pos += m
        self.f_cum = np.concatenate([[0.0], np.cumsum(mass)])

    @staticmethod
    def _cum_at(keys: np.ndarray, cum: np.ndarray, lo_key: int, hi_key: int) -> float:
        lo = np.searchsorted(keys, lo_key, side="left")
        hi = np.searchsorted(keys, hi_key, side="right")
        return float(cum[hi] - cum[lo])

    def in_focus(self, company: np.ndarray, cluster: np.ndarray) -> np.ndarray:
        """Whether each cluster is one of its top-level company's focus clusters (the
        scenario buyer's included; company -1: False). A vectorised binary search in the
        focus entries, which are sorted by (cluster, start year, company): no table of
        (company, cluster) keys is kept."""
        company = np.asarray(company, np.int64)
        cluster = np.asarray(cluster, np.int64)
        who = np.maximum(company, 0)
        # the entries of the cluster whose company started in the company's start year
        j = self.companies.start_year[who].astype(np.int64) - int(self.years[0])
        lo = self.f_cut[cluster, j].astype(np.int64)
        hi = self.f_cut[cluster, j + 1].astype(np.int64)
        end = hi.copy()
        last = max(len(self.f_company) - 1, 0)
        while (lo < hi).any():  # first entry of the key's range with company >= who
            mid = (lo + hi) // 2
            less = self.f_company[np.minimum(mid, last)] < who
            active = lo < hi
            lo = np.where(active & less, mid + 1, lo)
            hi = np.where(active & ~less, mid, hi)
        at = np.minimum(lo, last)
        found = (lo < end) & (self.f_company[at] == who)
        if self.buyer >= 0:
            found |= (company == self.buyer) & np.isin(cluster, self.buyer_focus)
        out: np.ndarray = (company >= 0) & found
        return out

    def cluster_probs(self) -> np.ndarray:
        """P(cluster | year) of utility patents, (Y, C)."""
        total = self.assigned_mass + self.unassigned_mass
        out: np.ndarray = total / total.sum(axis=1, keepdims=True)
        return out

    def draw(self, year_pos: np.ndarray, cluster: np.ndarray, index: np.ndarray,
             seed: int) -> np.ndarray:
        """Company of each patent (-1: unassigned); ``cluster`` -1 for designs."""
        if self.draws_released:
            raise RuntimeError("the sampler's draws were released (release_draws)")
        m = len(index)
        out = np.full(m, -1, np.int64)
        u = streams.uniform(seed, S_COMPANY, index, 0)
        u2 = streams.uniform(seed, S_COMPANY, index, 1)
        u3 = streams.uniform(seed, S_COMPANY, index, 2)
        year = self.years[year_pos]
        design = cluster < 0
        # designs: the unassigned share, the buyer, or any company by its share that year
        d = np.flatnonzero(design)
        if len(d):
            assigned = u[d] >= cal.UNASSIGNED_SHARE
            yp = year_pos[d]
            buyer_p = self.buyer_weight[yp] / np.maximum(self.total_weight[yp], 1e-300)
            v = (u[d] - cal.UNASSIGNED_SHARE) / (1 - cal.UNASSIGNED_SHARE)
            is_buyer = assigned & (v < buyer_p)
            hi = np.searchsorted(self.d_start, year[d].astype(np.int32), side="right")
            pick = np.searchsorted(self.d_cum, u2[d] * self.d_cum[hi], side="right") - 1
            pick = np.clip(pick, 0, np.maximum(hi - 1, 0))
            got = np.where(hi > 0, self.d_company[np.minimum(pick, len(self.d_company) - 1)],
                           -1)
            out[d] = np.where(assigned, np.where(is_buyer, self.buyer, got), -1)
        # utility: unassigned, buyer, a company with the cluster in focus, or by profile
        t = np.flatnonzero(~design)
        if len(t):
            yp, c = year_pos[t], cluster[t]
            scale = (1 - cal.UNASSIGNED_SHARE) / np.maximum(self.total_weight[yp], 1e-300)
            parts = np.stack([self.unassigned_mass[0, c], self.buyer_mass[yp, c] * scale,
                              self.focus_mass[yp, c] * scale,
                              self.profile_mass[yp, c] * scale], axis=1)
            cum = np.cumsum(parts, axis=1)
            x = u[t] * cum[:, -1]
            part = (cum <= x[:, None]).sum(axis=1)
            res = np.full(len(t), -1, np.int64)
            res[part == 1] = self.buyer
            f = np.flatnonzero(part == 2)
            if len(f):
                lo = self.f_cut[c[f], 0].astype(np.int64)
                hi = self.f_cut[c[f], yp[f] + 1].astype(np.int64)
                target = self.f_cum[lo] + u2[t][f] * (self.f_cum[hi] - self.f_cum[lo])
                pick = np.clip(np.searchsorted(self.f_cum, target, side="right") - 1, lo,
                               np.maximum(hi - 1, lo))
                res[f] = self.f_company[pick]
            g = np.flatnonzero(part >= 3)
            if len(g):
                w = self.profile[:, c[g]].T * self.arch_share[yp[g]]  # (k, A)
                wc = np.cumsum(w, axis=1)
                a = np.minimum((wc <= (u2[t][g] * wc[:, -1])[:, None]).sum(axis=1),
                               len(self.archetypes) - 1)
                lo = np.searchsorted(self.a_key, (a * 10_000).astype(np.int32), side="left")
                hi = np.searchsorted(self.a_key, (a * 10_000 + year[t][g]).astype(np.int32),
                                     side="right")
                target = self.a_cum[lo] + u3[t][g] * (self.a_cum[hi] - self.a_cum[lo])
                pick = np.clip(np.searchsorted(self.a_cum, target, side="right") - 1, lo,
                               np.maximum(hi - 1, lo))
                res[g] = np.where(hi > lo, self.a_company[np.minimum(
                    pick, len(self.a_company) - 1)], -1)
            out[t] = res
        # a share of a parent company's patents is held by its subsidiaries
        holder = np.maximum(out, 0)
        n_kids = self.kid_offset[holder + 1] - self.kid_offset[holder]
        s = streams.uniform(seed, S_SUBSIDIARY, index)
        moved = (out >= 0) & (n_kids > 0) & (s < self.move) & (year >= self.kids_from[holder])
        if moved.any():
            which = (streams.uniform(seed, S_SUBSIDIARY, index[moved], 1)
                     * n_kids[moved]).astype(np.int64)
            out[moved] = self.kids[self.kid_offset[holder[moved]] + which]
        return out


class Patents:
    """The world's patents: the layout, the draws, and the company at grant of each."""

    def __init__(self, n: int, seed: int, companies: Companies, tech: Technology
                 ) -> None:
        self.seed = seed
        self.companies = companies
        counts = _year_counts(n)
        years = np.array(sorted(counts), np.int64)
        self.sampler = CompanySampler(companies, tech, years)
        self.n_clusters = len(tech.groups)
        self.design_bucket = self.n_clusters
        self.reissue_bucket = self.n_clusters + 1
        probs = np.zeros((len(years), self.n_clusters + 2))
        reissue = np.where(years >= 1980, cal.REISSUE_SHARE, 0.0)
        probs[:, :self.n_clusters] = self.sampler.cluster_probs() * (
            1 - cal.DESIGN_SHARE - reissue)[:, None]
        probs[:, self.design_bucket] = cal.DESIGN_SHARE
        probs[:, self.reissue_bucket] = reissue
        self.layout = Layout.draw(counts, probs, seed)
        self.year_probs = probs[:, :self.n_clusters] / probs[:, :self.n_clusters].sum(
            axis=1, keepdims=True)
        # cumulative P(cluster | year), each year's row shifted by its position so that
        # one sorted array serves every year
        cum = np.cumsum(self.year_probs, axis=1)
        cum[:, -1] = 1.0
        self.year_cum = (cum + np.arange(len(years))[:, None]).reshape(-1)
        self.utility_members = np.zeros(self.layout.buckets, bool)
        self.utility_members[:self.n_clusters] = True
        lay = self.layout
        self.utility_count = lay.counts[:, :self.n_clusters].sum(axis=1)
        self.design_before = np.concatenate([[0], np.cumsum(lay.counts[:, self.design_bucket])])
        self.reissue_before = np.concatenate([[0], np.cumsum(
            lay.counts[:, self.reissue_bucket])])
        self.small = np.append(companies.small_entity, True)
        self.company = np.full(self.n, -1, np.int32)
        """The company each patent was granted to (filled by ``assign_companies``)."""

    @property
    def n(self) -> int:
        return self.layout.n

    @property
    def years(self) -> np.ndarray:
        return self.layout.years

    def year_range(self, year_pos: int) -> tuple[int, int]:
        """First and end index of the patents granted in a year (by position)."""
        b = self.layout.buckets
        return int(self.layout.start[year_pos * b]), int(self.layout.start[(year_pos + 1) * b])

    # -- values any patent's facts are computed from -------------------------------------
    def where(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(year position, bucket, grant day) of each patent."""
        y, b, k = self.layout.locate(index)
        day = self.layout.flat_days[self.layout.t_offset[y] + self.layout.tuesday(y, b, k)]
        return y, b, day

    def doc_type(self, bucket: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.where(bucket == self.design_bucket, DESIGN, np.where(
            bucket == self.reissue_bucket, REISSUE, UTILITY)).astype(np.int8)
        return out

    def fitness(self, index: np.ndarray) -> np.ndarray:
        """A patent's pull for citations: log-normal, capped at FITNESS_CAP."""
        out: np.ndarray = np.minimum(streams.lognormal(
            self.seed, S_FITNESS, index, 0.0, cal.FITNESS_SIGMA), FITNESS_CAP)
        return out

    def drawn_filing_day(self, index: np.ndarray, year: np.ndarray, grant_day: np.ndarray
                         ) -> np.ndarray:
        median = interpolate(cal.PENDENCY_MEDIAN_YEARS, year.astype(float))
        pendency = streams.lognormal(self.seed, S_PENDENCY, index, np.log(median),
                                     cal.PENDENCY_SIGMA) * DAYS_PER_YEAR
        pendency = np.clip(pendency, 120, DAYS_PER_YEAR * 12)
        out: np.ndarray = (grant_day - pendency).astype(np.int64)
        return out

    def number(self, index: np.ndarray, year_pos: np.ndarray, bucket: np.ndarray
               ) -> np.ndarray:
        """Patent numbers: in the real ranges of each grant year, increasing with the grant
        date (utility), and across the world for designs and reissues."""
        lay = self.layout
        out = np.zeros(len(index), np.int64)
        util = bucket < self.n_clusters
        if util.any():
            i = index[util]
            yp = year_pos[util]
            rank = lay.rank_in_year(i, self.utility_members)
            yr = self.years[yp]
            lo = np.array([cal.FIRST_UTILITY_NUMBER[y] for y in yr.tolist()], np.int64)
            hi = np.array([cal.FIRST_UTILITY_NUMBER[y + 1] for y in yr.tolist()], np.int64)
            step = np.maximum(1, (hi - lo) // np.maximum(1, self.utility_count[yp]))
            out[util] = lo + rank * step + streams.integers(self.seed, S_NUMBER, i, 0, step)
        d = bucket == self.design_bucket
        if d.any():
            _, _, k = lay.locate(index[d])
            rank = self.design_before[year_pos[d]] + k
            first, last = cal.FIRST_DESIGN_NUMBER[1976], cal.FIRST_DESIGN_NUMBER[2026]
            out[d] = first + rank * max(1, (last - first) // max(1, int(
                self.design_before[-1])))
        r = bucket == self.reissue_bucket
        if r.any():
            _, _, k = lay.locate(index[r])
            rank = self.reissue_before[year_pos[r]] + k
            out[r] = 30000 + rank * max(1, 20000 // max(1, int(self.reissue_before[-1])))
        return out

    def patent_id(self, index: np.ndarray) -> np.ndarray:
        index = np.atleast_1d(np.asarray(index, np.int64))
        y, b, _ = self.where(index)
        return format_ids(self.number(index, y, b), self.doc_type(b))

    def cited_facts(self, index: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Patent number text, grant day, document type and cluster (-1: none) of cited
        patents (utility or design: cited patents come from those buckets)."""
        index = np.asarray(index, np.int64)
        y, b, day = self.where(index)
        doc = self.doc_type(b)
        cluster = np.where(b < self.n_clusters, b, -1)
        return format_ids(self.number(index, y, b), doc), day, doc, cluster

    def grant_day(self, index: np.ndarray) -> np.ndarray:
        return self.where(np.atleast_1d(np.asarray(index, np.int64)))[2]

    def any_cluster(self, year_pos: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A cluster drawn in proportion to a year's utility grants."""
        at = np.searchsorted(self.year_cum, np.asarray(year_pos) + u, side="right")
        out: np.ndarray = np.clip(at - np.asarray(year_pos) * self.n_clusters, 0,
                                  self.n_clusters - 1)
        return out

    # -- continuations and reissues ------------------------------------------------------
    def parents(self, index: np.ndarray, year: np.ndarray, bucket: np.ndarray,
                grant_day: np.ndarray, filing_day: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """(parent index or -1, continuation kind or -1) of each patent: a utility grant
        claims a copending earlier application of its cluster (granted after the child was
        filed, filed at least 60 days before it) with the calibrated share; when none is
        found the parent application was abandoned (parent -1, kind >= 0)."""
        seed = self.seed
        share = interpolate(cal.CONTINUATION_SHARE, year.astype(float))
        child = (streams.uniform(seed, S_CHILD, index) < share) & (bucket < self.n_clusters)
        kind = np.where(child, np.searchsorted(CONTINUATION_CUM, streams.uniform(
            seed, S_KIND, index), side="right"), -1)
        kind = np.minimum(kind, len(CONTINUATION_KINDS) - 1)
        parent = np.full(len(index), -1, np.int64)
        todo = np.flatnonzero(child)
        for attempt in range(4):
            if len(todo) == 0:
                break
            cand = self.layout.draw_in_window(
                bucket[todo], filing_day[todo] + 1, grant_day[todo] - 7,
                lambda i, _pos: np.ones(len(i)), 1.0, seed, S_PARENT + 100 * attempt,
                index[todo], rounds=1)
            ok = cand >= 0
            if ok.any():
                cy, _, cday = self.where(cand[ok])
                cfiling = self.drawn_filing_day(cand[ok], self.years[cy], cday)
                good = cfiling < filing_day[todo[ok]] - 60
                parent[todo[np.flatnonzero(ok)[good]]] = cand[ok][good]
            todo = todo[parent[todo] < 0]
        return parent, kind

    def originals(self, index: np.ndarray, year_pos: np.ndarray, grant_day: np.ndarray
                  ) -> np.ndarray:
        """The earlier utility patent each reissue reissues (granted 2 to 12 years before;
        -1 when the window holds none)."""
        u = streams.uniform(self.seed, S_ORIGINAL, index, 0)
        cluster = self.any_cluster(year_pos, u)
        out: np.ndarray = self.layout.draw_in_window(
            cluster, grant_day - 365 * 12, grant_day - 700, lambda i, _pos: np.ones(len(i)),
            1.0, self.seed, S_ORIGINAL + 100, index, rounds=1)
        return out

    def _reissue_origins(self, index: np.ndarray, y: np.ndarray, b: np.ndarray,
                         day: np.ndarray, filing: np.ndarray
                         ) -> tuple[np.ndarray, np.ndarray]:
        """Each patent's original (reissues; -1 elsewhere or when none is found) and
        cluster (a reissue has its original's, one without an original a cluster drawn by
        its year's grants; designs -1). A reissue is filed at least 200 days after its
        original's grant: ``filing`` is moved in place."""
        cluster = np.where(b < self.n_clusters, b, -1).astype(np.int64)
        original = np.full(len(index), -1, np.int64)
        r = np.flatnonzero(b == self.reissue_bucket)
        if len(r):
            original[r] = self.originals(index[r], y[r], day[r])
            has = r[original[r] >= 0]
            if len(has):
                _, ob, oday = self.where(original[has])
                cluster[has] = ob
                filing[has] = np.maximum(oday + 200, filing[has])
            none = r[original[r] < 0]
            cluster[none] = self.any_cluster(y[none], streams.uniform(
                self.seed, S_ORIGINAL, index[none], 1))
        return original, cluster

    def lineage(self, index: np.ndarray) -> Lineage:
        """Where, when and from what each patent comes: year position, bucket, grant and
        filing day, parent and continuation kind, original and cluster."""
        y, b, day = self.where(index)
        filing = self.drawn_filing_day(index, self.years[y], day)
        parent, kind = self.parents(index, self.years[y], b, day, filing)
        original, cluster = self._reissue_origins(index, y, b, day, filing)
        return Lineage(y, b, day, filing, parent, kind, original, cluster)

    def assign_companies(self, chunk: int = 50_000) -> None:
        """Draw the company at grant of every patent, in index order (a continuation's
        parent and a reissue's original always come first: they are granted earlier)."""
        for lo in range(0, self.n, chunk):
            idx = np.arange(lo, min(self.n, lo + chunk), dtype=np.int64)
            line = self.lineage(idx)
            source = np.where(line.parent >= 0, line.parent, line.original)
            own = self.sampler.draw(line.year_pos, line.cluster, idx, self.seed)
            company = self.company
            company[lo:lo + len(idx)] = np.where(source < 0, own, -1)
            inherit = np.flatnonzero(source >= 0)
            # parents inside this chunk: resolved in index order, a chain at a time
            while len(inherit):
                src = source[inherit]
                ready = (src < lo) | ~np.isin(src, idx[inherit])
                company[idx[inherit[ready]]] = company[src[ready]]
                inherit = inherit[~ready]

    # -- every fact of some patents -------------------------------------------------------
    def facts(self, index: np.ndarray) -> Facts:
        seed = self.seed
        index = np.asarray(index, np.int64)
        y, b, day, filing, parent, kind, original, cluster = self.lineage(index)
        year = self.years[y]
        doc = self.doc_type(b)
        company = self.company[index].astype(np.int64)
        series, serial = self.application(index, filing, doc)
        # continuations
        has_parent = parent >= 0
        parent_app = np.zeros(len(index), np.int64)
        parent_filing = np.full(len(index), -1, np.int64)
        if has_parent.any():
            pf = self.facts_light(parent[has_parent])
            parent_app[has_parent] = pf["application"]
            parent_filing[has_parent] = pf["filing_day"]
        orphan = (kind >= 0) & ~has_parent
        if orphan.any():
            o = index[orphan]
            parent_filing[orphan] = filing[orphan] - streams.integers(seed, S_ORPHAN, o, 200,
                                                                      1100)
            parent_app[orphan] = series[orphan].astype(np.int64) * 1_000_000 \
                + streams.integers(seed, S_ORPHAN, o, 1000, 999_000, 1)
        family = self.family(index, parent, original)
        provisional = np.full(len(index), -1, np.int64)
        has_prov = (streams.uniform(seed, S_PROVISIONAL, index) < cal.PROVISIONAL_SHARE) \
            & (filing > day_of("1995-06-08")) & (doc == UTILITY) & (kind < 0)
        provisional[has_prov] = filing[has_prov] - streams.integers(
            seed, S_PROVISIONAL, index[has_prov], 30, 365, 1)
        pta = np.zeros(len(index), np.int64)
        gets = (filing >= day_of("2000-05-29")) & (doc != REISSUE) & (
            streams.uniform(seed, S_PTA, index) < cal.PTA_SHARE)
        pta[gets] = np.clip(streams.lognormal(seed, S_PTA, index[gets], np.log(
            cal.PTA_MEDIAN_DAYS), cal.PTA_SIGMA, 1), 1, 3000).astype(np.int64)
        td_share = np.where(has_parent, cal.TERMINAL_DISCLAIMER_SHARE_CONTINUATIONS,
                            cal.TERMINAL_DISCLAIMER_SHARE)
        disclaimer = (streams.uniform(seed, S_DISCLAIMER, index) < td_share) & (doc == UTILITY)
        small = self.small[company]
        lapse = self.lapse_stages(index, doc, day, small)
        return Facts(index=index, year=year, grant_day=day, filing_day=filing, doc_type=doc,
                     number=self.number(index, y, b), company=company, cluster=cluster,
                     app_series=series, app_serial=serial,
                     parent=parent, parent_kind=kind, parent_app=parent_app,
                     parent_filing=parent_filing, original=original, family=family,
                     provisional_day=provisional, pta=pta, disclaimer=disclaimer,
                     lapse_stage=lapse, small_entity=small)

    def basics(self, index: np.ndarray) -> dict[str, np.ndarray]:
        """What the deals are planned from: company at grant, grant and filing day, document
        type and maintenance lapse day (-1: none) of some patents."""
        index = np.asarray(index, np.int64)
        y, b, day = self.where(index)
        doc = self.doc_type(b)
        filing = self.drawn_filing_day(index, self.years[y], day)
        self._reissue_origins(index, y, b, day, filing)
        company = self.company[index].astype(np.int64)
        lapse = lapse_day(day, self.lapse_stages(index, doc, day, self.small[company]))
        return {"company": company, "grant_day": day, "filing_day": filing, "doc_type": doc,
                "lapse_day": lapse}

    def lapse_stages(self, index: np.ndarray, doc: np.ndarray, grant_day: np.ndarray,
                     small: np.ndarray) -> np.ndarray:
        stage_of = np.zeros(len(index), np.int8)
        alive = (doc == UTILITY) & (grant_day >= MAINTENANCE_DAY)
        for stage, years_due in enumerate((3.5, 7.5, 11.5), start=1):
            due_passed = grant_day + int((years_due + 0.5) * DAYS_PER_YEAR) <= WORLD_DAY
            rates = np.where(small, cal.PAYMENT_RATES["small"][stage - 1],
                             cal.PAYMENT_RATES["large"][stage - 1])
            lapses = alive & due_passed & (
                streams.uniform(self.seed, S_LAPSE, index, stage) >= rates)
            stage_of[lapses] = stage
            alive &= ~lapses
        return stage_of

    def application(self, index: np.ndarray, filing: np.ndarray, doc: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Application series (by filing date; 29 for designs) and serial (increasing with
        the filing date across the series' period, like the USPTO's)."""
        s = np.clip(np.searchsorted(SERIES_DAYS, filing, side="right"), 0, len(SERIES) - 1)
        series = np.where(filing < SERIES_DAYS[0], 5, SERIES_CODES[s])
        s_lo = np.where(s > 0, SERIES_DAYS[np.maximum(s - 1, 0)], SERIES_DAYS[0] - 3000)
        s_hi = SERIES_DAYS[s]
        design = doc == DESIGN
        series = np.where(design, 29, series)
        s_lo = np.where(design, 0, s_lo)
        s_hi = np.where(design, 20_600, s_hi)
        frac = (filing - s_lo + streams.uniform(self.seed, S_SERIAL, index)) / np.maximum(
            1, s_hi - s_lo)
        serial = (1000 + np.clip(frac, 0, 1) * 989_000).astype(np.int64)
        return series.astype(np.int64), serial

    def facts_light(self, index: np.ndarray) -> dict[str, np.ndarray]:
        """Grant and filing day and application number of some utility patents."""
        y, b, day = self.where(index)
        filing = self.drawn_filing_day(index, self.years[y], day)
        series, serial = self.application(index, filing, self.doc_type(b))
        return {"grant_day": day, "filing_day": filing,
                "application": series * 1_000_000 + serial}

    def family(self, index: np.ndarray, parent: np.ndarray, original: np.ndarray
               ) -> np.ndarray:
        """Family id: 10,000,000 + the index of the family's root (a continuation joins
        its parent's family, a reissue its original's)."""
        root = index.copy()
        up = np.where(parent >= 0, parent, original)
        todo = np.flatnonzero(up >= 0)
        while len(todo):
            root[todo] = up[todo]
            line = self.lineage(root[todo])
            nxt = np.where(line.parent >= 0, line.parent, line.original)
            up[todo] = nxt
            todo = todo[nxt >= 0]
        out: np.ndarray = root + 10_000_000
        return out


def draw_patents(n: int, seed: int, companies: Companies, tech: Technology) -> Patents:
    """The world's patents, with the company at grant of each drawn."""
    p = Patents(n, seed, companies, tech)
    p.assign_companies()
    p.sampler.release_draws()  # only in_focus is asked from here on
    return p
