"""Events after grant: reassignments (employee assignments, sales of patent packages,
mergers, changes of name, security interests and their releases), maintenance-fee events
(payments and expiry for non-payment) and foreign family members.

Files written here: ``assignments/assignment.csv``, ``assignor.csv``, ``assignee.csv``,
``assignment_conveyance.csv`` (the deals' records here, the employee records and every
``documentid.csv`` row with the patents' year, which carries the titles),
``maintfee/MaintFeeEvents_20251229.txt`` and ``families/families.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from warchest.synth import calibration as cal
from warchest.synth import streams
from warchest.synth.names import (
    FIRST_NAMES,
    LAST_NAMES,
    company_names,
    person_name,
)
from warchest.synth.patents import DESIGN, UTILITY, Facts, Patents
from warchest.synth.world import EPOCH, Companies, day_of

WORLD_DAY = day_of(cal.WORLD_DATE)
MAINTFEE_FILE = "MaintFeeEvents_20251229.txt"
ASSIGNMENT = "ASSIGNMENT OF ASSIGNORS INTEREST (SEE DOCUMENT FOR DETAILS)."
CONVEYANCE = {
    "employee": (ASSIGNMENT, "assignment", True),
    "sale": (ASSIGNMENT, "assignment", False),
    "merger": ("MERGER (SEE DOCUMENT FOR DETAILS).", "merger", False),
    "name_change": ("CHANGE OF NAME (SEE DOCUMENT FOR DETAILS).", "namechg", False),
    "security": ("SECURITY INTEREST (SEE DOCUMENT FOR DETAILS).", "security", False),
    "release": ("RELEASE BY SECURED PARTY (SEE DOCUMENT FOR DETAILS).", "release", False),
}
REELS = ((day_of("1980-01-01"), 3600), (day_of("1987-06-18"), 4724),
         (day_of("1991-03-04"), 5620), (day_of("2003-02-24"), 13779),
         (day_of("2006-09-14"), 18247), (day_of("2012-05-24"), 28268),
         (day_of("2015-08-20"), 36408), (day_of("2018-08-28"), 47493),
         (day_of("2022-07-08"), 60613), (day_of("2024-01-03"), 66186),
         (day_of("2026-01-01"), 70000))
BANKS = ("Harwick Trust Bank, N.A., as Collateral Agent", "Solvane Capital Funding LLC",
         "Merrow Street Bank, N.A.", "Aldermoor Credit Partners, L.P., as Administrative Agent")


@dataclass
class Deal:
    """A recorded conveyance between companies (the truth behind assignment records)."""

    kind: str
    day: int
    giver: int  # company id (-1: a bank)
    taker: int
    patents: np.ndarray  # sales, security interests, releases: the patents conveyed
    bank: str = ""
    reel: int = 0  # the recorded document's reel and frame
    frame: int = 0
    new_name: str = ""
    executed: int = -1  # execution day of the recorded document
    size: int = 0  # sales and security interests: patents wanted
    backup: int = -1  # the giver when the drawn one owns nothing alive then
    count: int = 0  # patents covered (mergers and name changes: counted while written)
    assignors: list[tuple[str, int]] = field(default_factory=list)
    receiver: str = ""
    country: str = ""

    @property
    def rf_id(self) -> str:
        return f"{self.reel}-{self.frame}"


@dataclass
class Events:
    deals: list[Deal]
    employees: EmployeeRecords | None = None
    numbers: RecordNumbers | None = None
    files: AssignmentFiles | None = None
    names: Any = None
    companies: Companies | None = None
    # the patents of sales, security interests and releases, in patent order
    link_patent: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    link_deal: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    link_seq: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def records(self) -> int:
        return self.files.records if self.files is not None else 0

    def close(self) -> None:
        if self.files is not None:
            self.files.close()


POOL_STREAM = 60
"""Counter-based stream of the priorities that pick a deal's patents among its giver's."""


def _pick_companies(rng: np.random.Generator, companies: Companies, lo: int, hi: int,
                    count: int, exclude: set[int], by_share: bool = False) -> list[int]:
    """``count`` distinct companies of ranks [lo, hi) (uniformly, or by their share)."""
    pool = [c.id for c in companies[lo:hi] if c.id not in exclude and c.parent is None
            and not c.role]
    if not pool:
        return []
    weights = companies.share[pool] if by_share else None
    return [int(x) for x in rng.choice(pool, size=min(count, len(pool)), replace=False,
                                       p=None if weights is None else weights / weights.sum())]


def plan_deals(n: int, companies: Companies, names: Any, seed: int) -> list[Deal]:
    """Draw the name changes, mergers, sales and security interests (their patents are
    chosen later: ``choose_deal_patents``), in date order."""
    rng = np.random.default_rng([seed, 4])
    n_companies = len(companies)
    deals: list[Deal] = []
    used: set[int] = set()
    # changes of name (the company stays the same; later grants carry the new name)
    for c in _pick_companies(rng, companies, 10, min(300, n_companies),
                             max(1, round(n * cal.NAME_CHANGES_PER_PATENT)), used):
        used.add(c)
        first = day_of(f"{min(max(companies[c].start_year + 5, 1990), 2023)}-01-01")
        day = int(rng.integers(first, day_of("2024-06-30")))
        new = company_names(rng, [companies[c].archetype], [companies[c].country])[0][0]
        names.renamed[c] = (day, new)
        deals.append(Deal("name_change", day, c, c, np.zeros(0, np.int64), new_name=new))
    # mergers: a mid-size company (by its share: one with patents) merges into a large one
    for c in _pick_companies(rng, companies, 30, min(600, n_companies),
                             max(1, round(n * cal.MERGERS_PER_PATENT)), used, by_share=True):
        used.add(c)
        taker = int(rng.choice([x.id for x in companies[:50] if not x.role and x.parent is None
                                and x.id != c]))
        day = int(rng.integers(day_of("1995-01-01"), day_of("2024-06-30")))
        deals.append(Deal("merger", day, c, taker, np.zeros(0, np.int64)))
    shares = companies.share / companies.share.sum()
    old = shares[:30] / shares[:30].sum()  # the oldest companies: patents at every date

    def size() -> int:
        return int(min(2500, max(1, round(rng.lognormal(np.log(12), 1.3)))))

    for _ in range(max(3, round(n * cal.SALES_PER_PATENT))):
        giver = int(rng.choice(n_companies, p=shares))
        taker = int(rng.choice(n_companies, p=shares))
        while taker == giver or companies[taker].role == "buyer":
            taker = int(rng.choice(n_companies, p=shares))
        day = int(rng.integers(day_of("1990-01-01"), day_of("2025-06-30")))
        backup = int(rng.choice(30, p=old))
        deals.append(Deal("sale", day, giver, taker, np.zeros(0, np.int64), size=size(),
                          backup=backup if backup != taker else -1))
    for _ in range(max(2, round(n * cal.SECURITY_INTERESTS_PER_PATENT))):
        giver = int(rng.choice(n_companies, p=shares))
        day = int(rng.integers(day_of("1995-01-01"), day_of("2025-06-30")))
        bank = BANKS[int(rng.integers(len(BANKS)))]
        deals.append(Deal("security", day, giver, -1, np.zeros(0, np.int64), bank=bank,
                          size=size(), backup=int(rng.choice(30, p=old))))
    deals.sort(key=lambda d: (d.day, d.kind, d.giver))
    return deals


@dataclass
class Pool:
    """A deal's candidate patents: the ``cap`` with the smallest priorities among its
    giver's (and its backup giver's) alive patents on the deal's day, ignoring sales."""

    cap: int
    index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    priority: np.ndarray = field(default_factory=lambda: np.zeros(0))
    filing: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    lapse: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def offer(self, index: np.ndarray, priority: np.ndarray, filing: np.ndarray,
              lapse: np.ndarray) -> None:
        if len(index) == 0:
            return
        idx = np.concatenate([self.index, index])
        pri = np.concatenate([self.priority, priority])
        fil = np.concatenate([self.filing, filing])
        lap = np.concatenate([self.lapse, lapse])
        keep = np.argsort(pri, kind="stable")[:self.cap]
        self.index, self.priority, self.filing, self.lapse = idx[keep], pri[keep], \
            fil[keep], lap[keep]


def merger_takes(merger: Deal, owner: np.ndarray, filing: np.ndarray) -> np.ndarray:
    """Which patents a merger moves to its taker: those its company owns that were filed
    before the merger (the one rule the pools, the sales and the tables apply)."""
    out: np.ndarray = (owner == merger.giver) & (filing < merger.day)
    return out


def merged(owner: np.ndarray, filing: np.ndarray, mergers: list[Deal], after: np.ndarray,
           until: int) -> np.ndarray:
    """Owners after the mergers recorded in (after, until] (a merger takes the patents
    its company owns that were filed before it)."""
    out = owner.copy()
    for m in mergers:
        if m.day > until:
            break
        hit = merger_takes(m, out, filing) & (after < m.day)
        out[hit] = m.taker
    return out


def collect_pools(p: Patents, deals: list[Deal], seed: int, chunk: int = 50_000
                  ) -> dict[int, tuple[Pool, Pool]]:
    """One pass over the patents: every sale's and security interest's candidates."""
    pools = {k: (Pool(2 * d.size + 16), Pool(2 * d.size + 16)) for k, d in enumerate(deals)
             if d.kind in ("sale", "security")}
    for lo in range(0, p.n, chunk):
        idx = np.arange(lo, min(p.n, lo + chunk), dtype=np.int64)
        f = p.basics(idx)
        owner = f["company"].copy()
        for k, d in enumerate(deals):
            if d.kind == "merger":
                owner[merger_takes(d, owner, f["filing_day"])] = d.taker
            elif k in pools:
                alive = (f["grant_day"] < d.day) & (f["doc_type"] != DESIGN) & (
                    (f["lapse_day"] < 0) | (f["lapse_day"] > d.day))
                for pool, giver in zip(pools[k], (d.giver, d.backup), strict=True):
                    if giver < 0:
                        continue
                    rows = np.flatnonzero(alive & (owner == giver))
                    pool.offer(idx[rows], streams.uniform(seed, POOL_STREAM, idx[rows], k),
                               f["filing_day"][rows], f["lapse_day"][rows])
    return pools


def choose_deal_patents(p: Patents, deals: list[Deal], seed: int) -> list[Deal]:
    """Pick each sale's and security interest's patents in date order (what earlier sales
    moved is no longer the giver's; what the giver bought is), add the releases, and
    return every deal in date order."""
    rng = np.random.default_rng([seed, 4, 1])
    pools = collect_pools(p, deals, seed)
    mergers = [d for d in deals if d.kind == "merger"]
    # patents sold so far: index -> (day, taker, filing, lapse)
    sold: dict[int, tuple[int, int, int, int]] = {}
    kept: list[Deal] = []
    releases: list[Deal] = []
    for k, d in enumerate(deals):
        if k in pools:
            picked = np.zeros(0, np.int64)
            for pool, giver in zip(pools[k], (d.giver, d.backup), strict=True):
                if giver < 0 or giver == d.taker:
                    continue
                cand, pri = _available(pool, giver, d.day, sold, mergers, seed, k)
                if len(cand):
                    picked = np.sort(cand[np.argsort(pri, kind="stable")[:d.size]])
                    d.giver = giver
                    break
            if len(picked) == 0:
                continue
            d.patents = picked
            d.count = len(picked)
            if d.kind == "sale":
                f = p.basics(picked)
                for i, fil, lap in zip(picked.tolist(), f["filing_day"].tolist(),
                                       f["lapse_day"].tolist(), strict=True):
                    sold[i] = (d.day, d.taker, fil, lap)
            if d.kind == "security" and rng.random() < cal.SECURITY_RELEASE_SHARE:
                day = d.day + int(rng.integers(365, 6 * 365))
                if day < WORLD_DAY:
                    releases.append(Deal("release", day, -1, d.giver, d.patents, bank=d.bank,
                                         count=len(d.patents)))
        kept.append(d)
    kept.extend(releases)
    kept.sort(key=lambda d: (d.day, d.kind, d.giver))
    return kept


def _available(pool: Pool, giver: int, day: int, sold: dict[int, tuple[int, int, int, int]],
               mergers: list[Deal], seed: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The pool's patents still the giver's on ``day`` (not sold away), and those it
    bought earlier and still holds (alive), with their priorities."""
    if pool.index.size:
        gone = np.array([i in sold and sold[i][0] < day for i in pool.index.tolist()], bool)
        # sold earlier, and maybe bought back (or merged back): owner now
        own = ~gone
        if gone.any():
            g = np.flatnonzero(gone)
            taker = np.array([sold[i][1] for i in pool.index[g].tolist()], np.int64)
            since = np.array([sold[i][0] for i in pool.index[g].tolist()], np.int64)
            own[g] = merged(taker, pool.filing[g], mergers, since, day) == giver
        cand, pri = pool.index[own], pool.priority[own]
    else:
        cand, pri = np.zeros(0, np.int64), np.zeros(0)
    if sold:
        items = [(i, v) for i, v in sold.items() if v[0] < day]
        if items:
            idx = np.array([i for i, _ in items], np.int64)
            since = np.array([v[0] for _, v in items], np.int64)
            taker = np.array([v[1] for _, v in items], np.int64)
            filing = np.array([v[2] for _, v in items], np.int64)
            lapse = np.array([v[3] for _, v in items], np.int64)
            mine = (merged(taker, filing, mergers, since, day) == giver) & (
                (lapse < 0) | (lapse > day)) & ~np.isin(idx, cand)
            cand = np.concatenate([cand, idx[mine]])
            pri = np.concatenate([pri, streams.uniform(seed, POOL_STREAM, idx[mine], k)])
    return cand, pri


def link_deals(events: Events) -> None:
    """Index the conveyed patents of sales, security interests and releases by patent."""
    parts = [(d.patents, np.full(len(d.patents), k, np.int64),
              np.arange(1, len(d.patents) + 1, dtype=np.int64))
             for k, d in enumerate(events.deals) if len(d.patents)]
    if parts:
        patent, deal, seq = (np.concatenate(c) for c in zip(*parts, strict=True))
    else:
        patent = deal = seq = np.zeros(0, np.int64)
    order = np.lexsort((deal, patent))
    events.link_patent, events.link_deal, events.link_seq = patent[order], deal[order], \
        seq[order]


@dataclass
class ChunkDeals:
    """What the deals do to a chunk of patents (rows into the chunk)."""

    owner_now: np.ndarray
    doc_row: np.ndarray  # documentid links: row, reel, frame, doc_seq
    doc_reel: np.ndarray
    doc_frame: np.ndarray
    doc_seq: np.ndarray
    deal_rows: list[tuple[int, np.ndarray]]  # (deal id, rows covered)
    changes: list[tuple[int, int, int]]  # (row, deal id, new owner) in date order


def apply_deals(events: Events, f: Facts) -> ChunkDeals:
    """Run the deals in date order over a chunk of patents (in patent order)."""
    owner = f.company.copy()
    lo, hi = np.searchsorted(events.link_patent, [f.index[0], f.index[-1] + 1])
    link_patent = events.link_patent[lo:hi]
    link_deal = events.link_deal[lo:hi]
    link_seq = events.link_seq[lo:hi]
    explicit = set(np.unique(link_deal).tolist())
    rows_of = f.index[0]  # chunks are consecutive indexes
    doc: list[tuple[np.ndarray, int, np.ndarray]] = []  # (rows, deal id, seq)
    deal_rows: list[tuple[int, np.ndarray]] = []
    changes: list[tuple[int, int, int]] = []
    for k, d in enumerate(events.deals):
        if d.kind == "merger":
            rows = np.flatnonzero(merger_takes(d, owner, f.filing_day))
        elif d.kind == "name_change":
            rows = np.flatnonzero((owner == d.giver) & (f.grant_day < d.day))
        elif k in explicit:
            m = link_deal == k
            rows = link_patent[m] - rows_of
            doc.append((rows, k, link_seq[m]))
            deal_rows.append((k, rows))
            if d.kind == "sale":
                owner[rows] = d.taker
                changes += [(r, k, d.taker) for r in rows.tolist()]
            continue
        else:
            continue
        if len(rows) == 0:
            continue
        doc.append((rows, k, d.count + 1 + np.arange(len(rows))))
        d.count += len(rows)
        deal_rows.append((k, rows))
        if d.kind == "merger":
            owner[rows] = d.taker
            changes += [(r, k, d.taker) for r in rows.tolist()]
    reel = np.array([events.deals[k].reel for _, k, _ in doc], np.int64)
    frame = np.array([events.deals[k].frame for _, k, _ in doc], np.int64)
    sizes = np.array([len(r) for r, _, _ in doc], np.int64)
    return ChunkDeals(
        owner_now=owner,
        doc_row=np.concatenate([r for r, _, _ in doc] + [np.zeros(0, np.int64)]),
        doc_reel=np.repeat(reel, sizes), doc_frame=np.repeat(frame, sizes),
        doc_seq=np.concatenate([s for _, _, s in doc] + [np.zeros(0, np.int64)]),
        deal_rows=deal_rows, changes=changes)


EMPLOYEE_BLOCK = 20_000
"""Patents per block of employee assignment records: each block is drawn from its own
stream, so any block can be drawn again and nothing is kept for the whole world."""
FIRST_RECORD_DAY = day_of("1960-01-01")
"""Record days are counted from here (filings reach back before 1970)."""


class EmployeeRecords:
    """The employee-to-employer assignment records (one for 45% of assigned patents,
    recorded 10 to 200 days after filing), drawn a block of patents at a time."""

    def __init__(self, p: Patents, seed: int) -> None:
        self.p, self.seed = p, seed
        self._cache: tuple[int, dict[str, np.ndarray]] | None = None

    def block(self, b: int) -> dict[str, np.ndarray]:
        """Records of patents ``[b * EMPLOYEE_BLOCK, (b + 1) * EMPLOYEE_BLOCK)``: patent
        index, record day, inventor count, inventors' name indexes and the days before the
        record each inventor signed (drawn in a fixed order from the block's own stream)."""
        if self._cache is not None and self._cache[0] == b:
            return self._cache[1]
        p = self.p
        lo, hi = b * EMPLOYEE_BLOCK, min(p.n, (b + 1) * EMPLOYEE_BLOCK)
        m = hi - lo
        rng = np.random.default_rng([self.seed, 5, b])
        chosen = rng.random(m) < cal.EMPLOYEE_ASSIGNMENT_SHARE
        offset = rng.integers(10, 200, m)
        count = 1 + rng.binomial(2, 0.4, m)
        first = rng.integers(len(FIRST_NAMES), size=(m, 3))
        last = rng.integers(len(LAST_NAMES), size=(m, 3))
        signed = rng.integers(1, 40, size=(m, 3))
        has = np.flatnonzero(chosen & (p.company[lo:hi] >= 0))
        filing = p.basics(lo + has)["filing_day"]
        out = {"patent": (lo + has).astype(np.int64),
               "day": (filing + offset[has]).astype(np.int64),
               "count": count[has], "first": first[has], "last": last[has],
               "signed": signed[has]}
        self._cache = (b, out)
        return out

    def between(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Records of patents ``[lo, hi)`` (which may span blocks)."""
        parts = []
        for b in range(lo // EMPLOYEE_BLOCK, (hi - 1) // EMPLOYEE_BLOCK + 1):
            r = self.block(b)
            keep = (r["patent"] >= lo) & (r["patent"] < hi)
            parts.append({k: v[keep] for k, v in r.items()})
        return {k: np.concatenate([x[k] for x in parts]) for k in parts[0]}

    def days_histogram(self) -> np.ndarray:
        """How many employee records are recorded on each day (from FIRST_RECORD_DAY)."""
        counts = np.zeros(WORLD_DAY + 400 - FIRST_RECORD_DAY, np.int64)
        for b in range((self.p.n + EMPLOYEE_BLOCK - 1) // EMPLOYEE_BLOCK):
            counts += np.bincount(self.block(b)["day"] - FIRST_RECORD_DAY,
                                  minlength=len(counts))
        return counts


class RecordNumbers:
    """Reel and frame of every assignment record without sorting the records: reels and
    frames increase with the record date (deals first within a day, then employee records
    in patent order), so a record's place follows from how many records come before its
    day, which two counts per day give."""

    def __init__(self, employee_days: np.ndarray, deal_days: np.ndarray) -> None:
        self.deals_on = np.bincount(deal_days - FIRST_RECORD_DAY,
                                    minlength=len(employee_days))
        on_day = employee_days + self.deals_on
        self.before = np.concatenate([[0], np.cumsum(on_day)[:-1]])
        days = np.arange(len(on_day)) + FIRST_RECORD_DAY
        self.reel = np.interp(days, [d for d, _ in REELS], [r for _, r in REELS]).astype(
            np.int64)
        # first place of each day's reel: the place of the first day with that reel
        first_day = np.concatenate([[True], self.reel[1:] != self.reel[:-1]])
        self.reel_start = self.before[np.maximum.accumulate(
            np.where(first_day, np.arange(len(days)), 0))]
        self.employees_seen = np.zeros(len(on_day), np.int64)
        self.deals_seen = np.zeros(len(on_day), np.int64)

    def _numbers(self, at: np.ndarray, place: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        reel = self.reel[at]
        return reel, 1 + (reel * 37) % 200 + 7 * (place - self.reel_start[at])

    def deal(self, day: int) -> tuple[int, int]:
        """Reel and frame of the next deal recorded on ``day``."""
        at = day - FIRST_RECORD_DAY
        place = self.before[at] + self.deals_seen[at]
        self.deals_seen[at] += 1
        reel, frame = self._numbers(np.array([at]), np.array([place]))
        return int(reel[0]), int(frame[0])

    def employees(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reels and frames of employee records given in patent order (each call continues
        where the last one stopped)."""
        at = days - FIRST_RECORD_DAY
        order = np.argsort(at, kind="stable")
        sorted_at = at[order]
        new = np.ones(len(at), bool)
        new[1:] = sorted_at[1:] != sorted_at[:-1]
        run = np.arange(len(at)) - np.maximum.accumulate(
            np.where(new, np.arange(len(at)), 0))
        rank = np.empty(len(at), np.int64)
        rank[order] = run
        place = self.before[at] + self.deals_on[at] + self.employees_seen[at] + rank
        np.add.at(self.employees_seen, at, 1)
        return self._numbers(at, place)


ASSIGNMENT_HEADERS = {
    "assignment.csv": ["rf_id", "reel_no", "frame_no", "record_dt", "last_update_dt",
                       "page_count", "convey_text", "corr_name", "purge_indicator"],
    "assignor.csv": ["rf_id", "or_seq", "or_name", "exec_dt", "ack_dt"],
    "assignee.csv": ["rf_id", "ee_seq", "ee_name", "ee_address_1", "ee_address_2",
                     "ee_city", "ee_state", "ee_postcode", "ee_country"],
    "assignment_conveyance.csv": ["rf_id", "convey_ty", "employer_assign"],
}


class AssignmentFiles:
    """The four record-level assignment tables, open for the whole generation: the deals'
    records are written first, the employee records with their patents' year."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # open until close(): records are written across the whole generation
        self.files = [open(folder / name, "w", newline="", encoding="utf-8")  # noqa: SIM115
                      for name in ASSIGNMENT_HEADERS]
        self.wa, self.wo, self.we, self.wc = (csv.writer(f) for f in self.files)
        for w, header in zip((self.wa, self.wo, self.we, self.wc), ASSIGNMENT_HEADERS.values(),
                             strict=True):
            w.writerow(header)
        self.records = 0

    def record(self, reel: int, frame: int, day: int, kind: str, count: int,
               assignors: list[tuple[str, int]], receiver: str, country: str) -> None:
        rf = f"{reel}-{frame}"
        record_dt = _iso(EPOCH.toordinal() + day)
        text, short, employer = CONVEYANCE[kind]
        self.wa.writerow([rf, reel, frame, record_dt, record_dt, 2 + count // 20, text,
                          "SYNTHETIC LAW OFFICES LLP", "N"])
        for seq, (name, exec_day) in enumerate(assignors, start=1):
            self.wo.writerow([rf, seq, name, _iso(EPOCH.toordinal() + exec_day), ""])
        self.wc.writerow([rf, short, 1 if employer else 0])
        self.we.writerow([rf, 1, receiver, "", "", "", "", "",
                          "" if country == "US" else _COUNTRY_NAMES.get(country, country)])
        self.records += 1

    def close(self) -> None:
        for f in self.files:
            f.close()


def prepare_events(out: Path, p: Patents, companies: Companies, names: Any, seed: int,
                   step: Callable[[str, int, int], None]) -> Events:
    """Plan the deals, pick the patents of sales and security interests (one pass over the
    patents), number every assignment record and open the assignment files. The records
    are written while the patents are (``write_employee_records``, ``apply_deals``) and
    at the end (``write_deal_records``); ``events.files`` stays open until ``close``."""
    step("reassignments", 0, 1)
    deals = choose_deal_patents(p, plan_deals(p.n, companies, names, seed), seed)
    events = Events(deals=deals)
    link_deals(events)
    employees = EmployeeRecords(p, seed)
    events.employees = employees
    events.numbers = RecordNumbers(employees.days_histogram(),
                                   np.array([d.day for d in events.deals], np.int64))
    events.files = AssignmentFiles(out / "assignments")
    events.names, events.companies = names, companies
    _number_deals(events, seed)
    return events


def _number_deals(events: Events, seed: int) -> None:
    """Reel, frame, parties and execution day of every deal's record."""
    rng = np.random.default_rng([seed, 5])
    names, companies, numbers = events.names, events.companies, events.numbers
    assert numbers is not None and companies is not None
    for this in events.deals:
        day = this.day
        this.reel, this.frame = numbers.deal(day)
        kind = this.kind
        if kind == "name_change":
            assignors = [(names.canonical[this.giver], day - int(rng.integers(5, 90)))]
            receiver, country = this.new_name, companies[this.giver].country
        elif kind == "security":
            assignors = [(_name_at(names, this.giver, day), day - int(rng.integers(1, 10)))]
            receiver, country = this.bank, "US"
        elif kind == "release":
            assignors = [(this.bank, day - int(rng.integers(1, 10)))]
            receiver = _name_at(names, this.taker, day)
            country = companies[this.taker].country
        else:
            assignors = [(_name_at(names, this.giver, day), day - int(rng.integers(1, 60)))]
            receiver = _name_at(names, this.taker, day)
            country = companies[this.taker].country
        this.executed = assignors[0][1]
        this.assignors, this.receiver, this.country = assignors, receiver, country


def write_deal_records(events: Events) -> None:
    """The deals' assignment records (once every patent was written: a merger's and a
    change of name's patents are counted then)."""
    files = events.files
    assert files is not None
    for d in events.deals:
        files.record(d.reel, d.frame, d.day, d.kind, d.count, d.assignors, d.receiver, d.country)


def write_employee_records(events: Events, lo: int, hi: int) -> dict[str, np.ndarray]:
    """Write the employee records of patents ``[lo, hi)`` (called in patent order) and
    return their documentid links: patent, reel, frame and the inventors' text."""
    employees, numbers, files = events.employees, events.numbers, events.files
    companies = events.companies
    assert employees is not None and numbers is not None and files is not None
    assert companies is not None
    r = employees.between(lo, hi)
    reels, frames = numbers.employees(r["day"])
    p = employees.p
    inventors = []
    for k, (i, day, reel, frame, n) in enumerate(zip(
            r["patent"].tolist(), r["day"].tolist(), reels.tolist(), frames.tolist(),
            r["count"].tolist(), strict=True)):
        people = list(zip(r["first"][k, :n].tolist(), r["last"][k, :n].tolist(),
                          strict=True))
        signed = r["signed"][k, :n].tolist()
        owner = int(p.company[i])
        files.record(reel, frame, day, "employee", 1,
                     [(person_name(a, b), day - s) for (a, b), s in zip(people, signed,
                                                                       strict=True)],
                     _name_at(events.names, owner, day), companies.country[owner])
        inventors.append(", ".join(FIRST_NAMES[a].title() + " " + LAST_NAMES[b].title()
                                   for a, b in people))
    return {"patent": r["patent"], "reel": reels, "frame": frames,
            "inventors": np.array(inventors, dtype=object)}


_COUNTRY_NAMES = {"JP": "JAPAN", "KR": "KOREA, REPUBLIC OF", "CN": "CHINA", "TW": "TAIWAN",
                  "DE": "GERMANY", "FR": "FRANCE", "NL": "NETHERLANDS", "GB": "UNITED KINGDOM",
                  "FI": "FINLAND", "SE": "SWEDEN", "CH": "SWITZERLAND"}


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(int(ordinal)).isoformat()


def _name_at(names: Any, company: int, day: int) -> str:
    renamed = names.renamed.get(company)
    if renamed is not None and day >= renamed[0]:
        return str(renamed[1])
    return str(names.canonical[company])


def maintenance_lines(f: Facts, rng: np.random.Generator) -> str:
    """USPTO maintenance fee events of a chunk of patents: ``patent application entity
    filing grant event code`` (space separated), one line per event, in patent order.
    Codes: M1551/M1552/M1553 (fee paid in year 4/8/12, large entity), M2551/M2552/M2553
    (small entity), REM. (reminder mailed), EXP. (patent expired for failure to pay)."""
    p = f
    eligible = np.flatnonzero((f.doc_type == UTILITY) & (f.grant_day >= day_of(
        cal.MAINTENANCE_FROM)))
    if len(eligible) == 0:
        return ""
    small = p.small_entity[eligible]
    app = np.char.zfill((p.app_series[eligible].astype(np.int64) * 1_000_000
                         + p.app_serial[eligible]).astype("U8"), 8)
    head = np.char.add(np.char.add(np.char.add(p.patent_id(eligible), " "), app),
                       np.where(small, " Y ", " N "))
    head = np.char.add(np.char.add(np.char.add(head, _compact(p.filing_day[eligible])), " "),
                       _compact(p.grant_day[eligible]))
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (patent order, day, text)
    stage_of = p.lapse_stage[eligible]
    for stage, years in enumerate((3.5, 7.5, 11.5), start=1):
        due = (p.grant_day[eligible] + int(years * 365.25)).astype(np.int64)
        reached = (stage_of == 0) | (stage_of > stage)
        paid = due - rng.integers(0, 180, len(eligible))
        m = reached & (due <= WORLD_DAY) & (paid <= WORLD_DAY)
        code = np.where(small, f"M255{stage}", f"M155{stage}")
        parts.append((np.flatnonzero(m), paid[m], code[m]))
        lapsed = stage_of == stage
        rem = lapsed & (due + 30 <= WORLD_DAY)
        parts.append((np.flatnonzero(rem), due[rem] + 30, np.full(int(rem.sum()), "REM.")))
        exp = lapsed & (due + 183 <= WORLD_DAY)
        parts.append((np.flatnonzero(exp), due[exp] + 183, np.full(int(exp.sum()), "EXP.")))
    who = np.concatenate([x[0] for x in parts])
    if len(who) == 0:
        return ""
    day = np.concatenate([x[1] for x in parts])
    code = np.concatenate([x[2] for x in parts]).astype(str)
    order = np.lexsort((day, who))
    lines = np.char.add(np.char.add(np.char.add(head[who[order]], " "),
                                    _compact(day[order])), np.char.add(" ", code[order]))
    return "".join(line + "\n" for line in lines.tolist())


def _compact(days: np.ndarray) -> np.ndarray:
    return np.char.replace(_iso_days(days), "-", "")


def _iso_days(days: np.ndarray | int) -> np.ndarray:
    return np.datetime_as_string(np.asarray(days, dtype="datetime64[D]"), unit="D").astype(
        "U10")


def family_rows(w: Any, f: Facts, companies: Companies, rng: np.random.Generator
                ) -> np.ndarray:
    """Write the family rows of a chunk's family roots, one per family and jurisdiction:
    the member and its status at the world date. Returns the chunk rows whose family is
    in force in the EP.

    US rows come from the patents (expiry 20 years from the earliest US filing plus PTA,
    17 years from grant for pre-June-1995 filings; lapse for an unpaid maintenance fee);
    foreign filings are drawn by company size and home country; EP grants are validated in
    DE, GB and FR; foreign patents lapse when yearly renewal fees stop (exponential, mean
    9 years after grant) or expire 20 years after filing.
    """
    p = f
    roots = np.flatnonzero((f.parent < 0) & (f.original < 0) & (f.doc_type == UTILITY))
    ep_in_force = np.zeros(0, np.int64)
    if len(roots) == 0:
        return ep_in_force
    owner = p.company[roots]
    known = np.maximum(owner, 0)
    big = (owner >= 0) & companies.worldwide(known)
    home = np.where(owner >= 0, companies.country[known], "US").astype(str)
    earliest = np.where(p.parent_filing > 0, p.parent_filing, p.filing_day)[roots]
    expiry = (earliest + int(20 * 365.25) + p.pta[roots]).astype(np.int64)
    old = p.filing_day[roots] < day_of("1995-06-08")
    expiry = np.where(old, np.maximum(expiry, p.grant_day[roots] + int(17 * 365.25)), expiry)
    lapse = f.lapse_day()[roots]
    lapsed = (lapse >= 0) & (lapse <= WORLD_DAY)
    expired = ~lapsed & (expiry <= WORLD_DAY)
    status = np.where(lapsed, "lapsed", np.where(expired, "expired", "in_force"))
    status_day = np.where(lapsed, lapse, np.where(expired, expiry, p.grant_day[roots]))
    columns: dict[str, list[np.ndarray]] = {k: [] for k in (
        "family_id", "us_patent_id", "jurisdiction", "member_number", "filing_date",
        "grant_date", "status", "status_date")}

    def add(rows: np.ndarray, jur: str, member: np.ndarray, filed: np.ndarray,
            grant: np.ndarray, st: np.ndarray, st_day: np.ndarray) -> None:
        columns["family_id"].append(p.family[roots[rows]].astype("U9"))
        columns["us_patent_id"].append(p.patent_id(roots[rows]))
        columns["jurisdiction"].append(np.full(len(rows), jur))
        columns["member_number"].append(member)
        columns["filing_date"].append(_iso_days(filed))
        columns["grant_date"].append(np.where(grant >= 0, _iso_days(np.maximum(grant, 0)), ""))
        columns["status"].append(st)
        columns["status_date"].append(_iso_days(st_day))

    everyone = np.arange(len(roots))
    add(everyone, "US", p.patent_id(roots), p.filing_day[roots], p.grant_day[roots], status,
        status_day)
    rates_big = {"EP": 0.6, "CN": 0.5, "JP": 0.5, "KR": 0.35, "IN": 0.15}
    rates_small = {"EP": 0.2, "CN": 0.15, "JP": 0.1, "KR": 0.05, "IN": 0.03}
    ep_home = np.isin(home, ["DE", "FR", "GB", "NL", "FI", "SE", "CH"])
    for jur in ("EP", "CN", "JP", "KR", "IN"):
        rate = np.where(big, rates_big[jur], rates_small[jur])
        if jur == "EP":
            rate = np.where(ep_home, 0.95, rate)
        else:
            rate = np.where(home == jur, 1.0, rate)
        rows = everyone[rng.random(len(roots)) < rate]
        filed = p.filing_day[roots[rows]] + rng.integers(0, 365, len(rows))
        granted = rng.random(len(rows)) < (0.6 if jur == "EP" else 0.7)
        grant = filed + rng.integers(900, 2200, len(rows))
        end = np.minimum(filed + int(20 * 365.25),
                         grant + rng.exponential(9 * 365.25, len(rows)).astype(np.int64))
        pending = granted & (grant > WORLD_DAY)
        refused = ~granted & (filed + 2000 <= WORLD_DAY)
        st = np.where(~granted, np.where(refused, "refused", "pending"),
                      np.where(pending, "pending", np.where(
                          end > WORLD_DAY, "in_force",
                          np.where(end == filed + int(20 * 365.25), "expired", "lapsed"))))
        st_day = np.where(~granted, np.where(refused, filed + 2000, filed),
                          np.where(pending, filed, np.where(end > WORLD_DAY, grant, end)))
        if len(rows) == 0:
            continue
        member = np.char.add(jur, np.char.zfill(((f.index[roots[rows]] * 104729) % 10**7)
                                                .astype("U7"), 7))
        shown_grant = np.where(granted & ~pending, grant, -1)
        add(rows, jur, member, filed, shown_grant, st, st_day)
        if jur == "EP":
            ep_in_force = roots[rows[st == "in_force"]]
            ok = granted & ~pending
            for nat, share in (("DE", 0.9), ("GB", 0.8), ("FR", 0.7)):
                v = ok & (rng.random(len(rows)) < share)
                nat_end = np.minimum(filed[v] + int(20 * 365.25), grant[v] + rng.exponential(
                    9 * 365.25, int(v.sum())).astype(np.int64))
                nat_st = np.where(nat_end > WORLD_DAY, "in_force", np.where(
                    nat_end == filed[v] + int(20 * 365.25), "expired", "lapsed"))
                nat_day = np.where(nat_end > WORLD_DAY, grant[v], nat_end)
                add(rows[v], nat, np.char.add(nat, np.char.lstrip(member[v], "EP")),
                    filed[v], grant[v], nat_st, nat_day)
    table = {k: np.concatenate(v) for k, v in columns.items()}
    order = np.argsort(table["family_id"].astype(np.int64), kind="stable")
    w.writerows(zip(*(table[k][order].tolist() for k in table), strict=True))
    return ep_in_force
