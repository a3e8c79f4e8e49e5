"""Per-patent facts of the synthetic world, drawn as compact arrays (index = grant order)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warchest.synth import calibration as cal
from warchest.synth.world import Company, Technology, day_of, interpolate, tuesdays

UTILITY, DESIGN, REISSUE = 0, 1, 2
DAYS_PER_YEAR = 365.25

# application series codes by filing date (USPTO series code table)
SERIES = ((day_of("1979-01-01"), 6), (day_of("1987-01-01"), 7), (day_of("1993-01-01"), 8),
          (day_of("1997-10-01"), 9), (day_of("2001-12-01"), 10), (day_of("2004-12-01"), 11),
          (day_of("2007-12-01"), 12), (day_of("2011-05-01"), 13), (day_of("2014-01-01"), 14),
          (day_of("2016-06-01"), 15), (day_of("2019-06-01"), 16), (day_of("2020-12-01"), 17),
          (day_of("2022-12-01"), 18), (day_of("9999-01-01"), 19))
CONTINUATION_KINDS = [k for k, _ in cal.CONTINUATION_KINDS]


@dataclass
class Patents:
    """The world's patents as parallel arrays, in grant order."""

    n: int
    grant_day: np.ndarray
    filing_day: np.ndarray
    year: np.ndarray
    doc_type: np.ndarray
    number: np.ndarray  # int: utility/reissue number or design number
    company: np.ndarray  # index into companies, -1 = unassigned
    cluster: np.ndarray  # technology cluster, -1 for designs
    fitness: np.ndarray
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
    first_symbol: np.ndarray | None = None
    """Index into ``Technology.symbol_flat`` of each patent's first CPC symbol (-1 for
    designs); filled while the PatentsView tables are written."""

    def patent_id(self, i: np.ndarray | int) -> np.ndarray:
        """Canonical numbers of the given patents: '10000000', 'D812345', 'RE49123'
        (computed on demand: a cached array of every number would cost 32 bytes a
        patent)."""
        i = np.atleast_1d(np.asarray(i))
        nums = self.number[i].astype("U8")  # at most 8 digits
        doc = self.doc_type[i]
        prefix = np.where(doc == DESIGN, "D", np.where(doc == REISSUE, "RE", ""))
        out: np.ndarray = np.char.add(prefix, nums)
        return out

    def application_number(self, i: np.ndarray) -> np.ndarray:
        out: np.ndarray = self.app_series[i].astype(np.int64) * 1_000_000 + self.app_serial[i]
        return out


def _year_counts(n: int) -> dict[int, int]:
    total = sum(cal.GRANTS_PER_YEAR.values())
    raw = {y: n * g / total for y, g in cal.GRANTS_PER_YEAR.items()}
    counts = {y: int(v) for y, v in raw.items()}
    rest = n - sum(counts.values())
    for y in sorted(raw, key=lambda y: raw[y] - counts[y], reverse=True)[:rest]:
        counts[y] += 1
    return counts


def draw_patents(n: int, seed: int, companies: list[Company], tech: Technology) -> Patents:
    rng = np.random.default_rng([seed, 2])
    counts = _year_counts(n)
    years = np.concatenate([np.full(c, y, np.int16) for y, c in counts.items()])
    grant_day = np.concatenate([
        np.sort(rng.choice(tuesdays(y), size=c)) for y, c in counts.items()
    ]).astype(np.int32)

    # document type
    u = rng.random(n)
    doc_type = np.where(u < cal.DESIGN_SHARE, DESIGN, UTILITY).astype(np.int8)
    doc_type[(u >= cal.DESIGN_SHARE) & (u < cal.DESIGN_SHARE + cal.REISSUE_SHARE)
             & (years >= 1980)] = REISSUE

    # owner at grant: companies by share, active from their start year
    shares = np.array([c.share for c in companies])
    starts = np.array([c.start_year for c in companies])
    company = np.full(n, -1, np.int32)
    for y in counts:
        rows = np.flatnonzero(years == y)
        assigned = rows[rng.random(len(rows)) >= cal.UNASSIGNED_SHARE]
        w = shares * (starts <= y)
        buyer = [c.id for c in companies if c.role == "buyer"]
        for b in buyer:  # the scenario's buyer grows fast from a thin start
            w[b] = shares[b] * (1.45 ** max(0, y - 2014)) if y >= starts[b] else 0.0
        company[assigned] = rng.choice(len(companies), size=len(assigned), p=w / w.sum())
    # a share of a parent's patents is held by its subsidiaries
    children: dict[int, list[int]] = {}
    for c in companies:
        if c.parent is not None:
            children.setdefault(c.parent, []).append(c.id)
    # so that subsidiaries hold the benchmark's share of all assigned patents
    with_kids = sum(companies[c].share for c in children) / max(1e-12, shares.sum())
    move = min(0.3, dict(cal.VARIANT_SHARES)["subsidiary"] / max(with_kids, 1e-9))
    for holder, kids in children.items():
        rows = np.flatnonzero(company == holder)
        moved = rows[rng.random(len(rows)) < move]
        moved = moved[years[moved] >= min(companies[k].start_year for k in kids)]
        company[moved] = rng.choice(kids, size=len(moved))

    # technology
    cluster = np.full(n, -1, np.int32)
    general = tech.profiles["general"]
    order = np.argsort(company, kind="stable")
    bounds = np.searchsorted(company[order], np.arange(-1, len(companies) + 1))
    for c_id in range(-1, len(companies)):
        rows = order[bounds[c_id + 1]:bounds[c_id + 2]]
        if len(rows) == 0:
            continue
        if c_id < 0:
            cluster[rows] = rng.choice(len(general), size=len(rows), p=general)
            continue
        c = companies[c_id]
        profile = tech.profiles.get(c.archetype, general)
        from_focus = rng.random(len(rows)) < 0.85
        k = int(from_focus.sum())
        cluster[rows[from_focus]] = c.focus[rng.choice(len(c.focus), size=k, p=c.focus_weights)]
        cluster[rows[~from_focus]] = rng.choice(len(profile), size=len(rows) - k, p=profile)
    cluster[doc_type == DESIGN] = -1

    fitness = rng.lognormal(0.0, cal.FITNESS_SIGMA, n).astype(np.float32)

    # filing dates
    median = interpolate(cal.PENDENCY_MEDIAN_YEARS, years.astype(float))
    pendency = rng.lognormal(np.log(median), cal.PENDENCY_SIGMA) * 365.25
    pendency = np.clip(pendency, 120, 365.25 * 12)
    filing_day = (grant_day - pendency).astype(np.int32)

    # application numbers: series by filing date, serials in filing order
    series = np.array([s for _, s in SERIES])
    app_series = series[np.searchsorted([d for d, _ in SERIES], filing_day, side="right")]
    app_series = np.where(filing_day < SERIES[0][0], 5, app_series).astype(np.int16)
    app_series[doc_type == DESIGN] = 29
    app_serial = np.zeros(n, np.int32)
    for s in np.unique(app_series):
        rows = np.flatnonzero(app_series == s)
        rows = rows[np.argsort(filing_day[rows], kind="stable")]
        step = max(1, 990_000 // max(1, len(rows)))
        app_serial[rows] = 1000 + np.arange(len(rows)) * step + rng.integers(0, step, len(rows))

    # continuations: a copending earlier application of the same company
    parent = np.full(n, -1, np.int32)
    parent_kind = np.full(n, -1, np.int8)
    parent_app = np.zeros(n, np.int32)  # series * 1e6 + serial < 2**31
    parent_filing = np.full(n, -1, np.int32)
    share = interpolate(cal.CONTINUATION_SHARE, years.astype(float))
    is_child = (rng.random(n) < share) & (doc_type == UTILITY)
    kinds = rng.choice(len(CONTINUATION_KINDS), size=n,
                       p=[p for _, p in cal.CONTINUATION_KINDS])
    base = filing_day.min()
    key = company.astype(np.int64) * (1 << 32) + (filing_day - base)
    by_company = np.argsort(key, kind="stable")
    sorted_key = key[by_company]
    sorted_company = company[by_company]
    kid_rows = np.flatnonzero(is_child)
    # the company's latest application filed at least 60 days before the child, or one of
    # the five before it, that was still pending when the child was filed
    j = np.searchsorted(sorted_key, company[kid_rows].astype(np.int64) * (1 << 32)
                        + (filing_day[kid_rows] - 60 - base)) - 1
    for back in range(6):
        pos = j - back
        ok = pos >= 0
        cand = by_company[np.maximum(pos, 0)]
        ok &= (company[cand] == company[kid_rows]) & (grant_day[cand] > filing_day[kid_rows])
        ok &= (doc_type[cand] == UTILITY) & (cand != kid_rows) & (parent[kid_rows] < 0)
        parent[kid_rows[ok]] = cand[ok]
    has_parent = parent >= 0
    parent_kind[is_child] = kinds[is_child]
    parent_app[has_parent] = (app_series[parent[has_parent]].astype(np.int64) * 1_000_000
                              + app_serial[parent[has_parent]])
    parent_filing[has_parent] = filing_day[parent[has_parent]]
    orphans = is_child & ~has_parent  # parent application abandoned, never granted
    parent_filing[orphans] = filing_day[orphans] - rng.integers(200, 1100, int(orphans.sum()))
    parent_app[orphans] = (app_series[orphans].astype(np.int64) * 1_000_000
                           + rng.integers(1000, 999_000, int(orphans.sum())))
    cluster[has_parent] = cluster[parent[has_parent]]

    # reissues: an earlier utility patent of the same company, reissued
    original = np.full(n, -1, np.int32)
    for r in np.flatnonzero(doc_type == REISSUE):
        c_id = company[r]
        if c_id < 0:
            doc_type[r] = UTILITY
            continue
        lo, hi = np.searchsorted(sorted_company, [c_id, c_id + 1])
        cands = by_company[lo:hi]
        cands = cands[(doc_type[cands] == UTILITY) & (grant_day[cands] < grant_day[r] - 700)
                      & (grant_day[cands] > grant_day[r] - 365 * 12)]
        if len(cands) == 0:
            doc_type[r] = UTILITY
            continue
        o = int(cands[rng.integers(len(cands))])
        original[r] = o
        cluster[r] = cluster[o]
        filing_day[r] = max(int(grant_day[o]) + 200, int(filing_day[r]))

    # numbers in the real ranges of each grant year, increasing with the grant date
    number = np.zeros(n, np.int32)
    for kind, ranges in ((UTILITY, cal.FIRST_UTILITY_NUMBER), (REISSUE, None),
                         (DESIGN, None)):
        rows = np.flatnonzero(doc_type == kind)
        if kind == UTILITY:
            for y in counts:
                ry = rows[years[rows] == y]
                lo, hi = ranges[y], ranges[y + 1]  # type: ignore[index]
                step = max(1, (hi - lo) // max(1, len(ry)))
                number[ry] = lo + np.arange(len(ry)) * step + rng.integers(0, step, len(ry))
        elif kind == DESIGN:
            lo, hi = cal.FIRST_DESIGN_NUMBER[1976], cal.FIRST_DESIGN_NUMBER[2026]
            step = max(1, (hi - lo) // max(1, len(rows)))
            number[rows] = lo + np.arange(len(rows)) * step
        else:
            step = max(1, 20000 // max(1, len(rows)))
            number[rows] = 30000 + np.arange(len(rows)) * step

    # families: a continuation joins its parent's family; a reissue its original's
    family = np.arange(n, dtype=np.int32) + 10_000_000
    for i in np.argsort(filing_day, kind="stable"):
        if parent[i] >= 0:
            family[i] = family[parent[i]]
        elif original[i] >= 0:
            family[i] = family[original[i]]

    provisional_day = np.full(n, -1, np.int32)
    has_prov = (rng.random(n) < cal.PROVISIONAL_SHARE) & (filing_day > day_of("1995-06-08")) \
        & (doc_type == UTILITY) & ~has_parent
    provisional_day[has_prov] = filing_day[has_prov] - rng.integers(30, 365, int(has_prov.sum()))

    pta = np.zeros(n, np.int32)
    eligible = (filing_day >= day_of("2000-05-29")) & (doc_type != REISSUE)
    gets = eligible & (rng.random(n) < cal.PTA_SHARE)
    pta[gets] = np.clip(rng.lognormal(np.log(cal.PTA_MEDIAN_DAYS), cal.PTA_SIGMA,
                                      int(gets.sum())), 1, 3000).astype(np.int32)

    td_share = np.where(has_parent, cal.TERMINAL_DISCLAIMER_SHARE_CONTINUATIONS,
                        cal.TERMINAL_DISCLAIMER_SHARE)
    disclaimer = (rng.random(n) < td_share) & (doc_type == UTILITY)

    small = np.array([c.small_entity for c in companies] + [True])[company]
    lapse_stage = np.zeros(n, np.int8)
    world = day_of(cal.WORLD_DATE)
    maint = (doc_type == UTILITY) & (grant_day >= day_of(cal.MAINTENANCE_FROM))
    alive = maint.copy()
    for stage, years_due in enumerate((3.5, 7.5, 11.5), start=1):
        due_passed = grant_day + int((years_due + 0.5) * 365.25) <= world
        rates = np.where(small, cal.PAYMENT_RATES["small"][stage - 1],
                         cal.PAYMENT_RATES["large"][stage - 1])
        lapses = alive & due_passed & (rng.random(n) >= rates)
        lapse_stage[lapses] = stage
        alive &= ~lapses

    return Patents(n=n, grant_day=grant_day, filing_day=filing_day, year=years,
                   doc_type=doc_type, number=number, company=company, cluster=cluster,
                   fitness=fitness, app_series=app_series, app_serial=app_serial,
                   parent=parent, parent_kind=parent_kind, parent_app=parent_app,
                   parent_filing=parent_filing, original=original, family=family,
                   provisional_day=provisional_day, pta=pta, disclaimer=disclaimer,
                   lapse_stage=lapse_stage, small_entity=small)
