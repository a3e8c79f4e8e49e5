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
from warchest.synth.names import (
    FIRST_NAMES,
    LAST_NAMES,
    company_names,
    person_name,
)
from warchest.synth.patents import DESIGN, UTILITY, Patents
from warchest.synth.world import EPOCH, Company, day_of

WORLD_DAY = day_of(cal.WORLD_DATE)
MAINTFEE_FILE = "MaintFeeEvents_20251229.txt"
CHUNK = 20_000
"""Patents per chunk of the maintenance-fee and family files (memory stays bounded)."""
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
    patents: np.ndarray
    bank: str = ""
    rf_id: str = ""
    new_name: str = ""
    executed: int = -1  # execution day of the recorded document (set when written)


@dataclass
class Events:
    deals: list[Deal]
    owner_now: np.ndarray
    changes: list[tuple[int, int, int, Deal]] = field(default_factory=list)
    """(patent index, day, new owner, the deal) in date order"""
    # documentid links of the deals' records, in patent order (the employee records'
    # links are drawn again with their patents: EmployeeRecords)
    doc_reel: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    doc_frame: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    doc_seq: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    doc_patent: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    lapse_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    employees: EmployeeRecords | None = None
    numbers: RecordNumbers | None = None
    files: AssignmentFiles | None = None
    names: Any = None
    companies: list[Company] = field(default_factory=list)

    @property
    def records(self) -> int:
        return self.files.records if self.files is not None else 0

    def close(self) -> None:
        if self.files is not None:
            self.files.close()


def lapse_days(p: Patents) -> np.ndarray:
    """Day a patent lapsed for an unpaid maintenance fee (end of the 6-month grace period
    after the fee due 3.5, 7.5 or 11.5 years after grant); -1 when it did not lapse."""
    years = np.where(p.lapse_stage > 0, 4.0 * p.lapse_stage, 0.0)
    out: np.ndarray = np.where(p.lapse_stage > 0, p.grant_day + (years * 365.25).astype(
        np.int32), -1).astype(np.int32)
    return out


def _pick_companies(rng: np.random.Generator, companies: list[Company], lo: int, hi: int,
                    count: int, exclude: set[int]) -> list[int]:
    pool = [c.id for c in companies[lo:hi] if c.id not in exclude and c.parent is None
            and not c.role]
    if not pool:
        return []
    return [int(x) for x in rng.choice(pool, size=min(count, len(pool)), replace=False)]


def plan_deals(p: Patents, companies: list[Company], names: Any, seed: int) -> Events:
    """Draw the name changes, mergers, sales and security interests, and apply them to the
    owners of the patents in date order."""
    rng = np.random.default_rng([seed, 4])
    n_companies = len(companies)
    deals: list[Deal] = []
    used: set[int] = set()
    # changes of name (the company stays the same; later grants carry the new name)
    for c in _pick_companies(rng, companies, 10, min(300, n_companies),
                             max(1, round(p.n * cal.NAME_CHANGES_PER_PATENT)), used):
        used.add(c)
        first = day_of(f"{min(max(companies[c].start_year + 5, 1990), 2023)}-01-01")
        day = int(rng.integers(first, day_of("2024-06-30")))
        new = company_names(rng, [companies[c].archetype], [companies[c].country])[0][0]
        names.renamed[c] = (day, new)
        deals.append(Deal("name_change", day, c, c, np.zeros(0, np.int64), new_name=new))
    # mergers: a mid-size company merges into a large one
    for c in _pick_companies(rng, companies, 30, min(600, n_companies),
                             max(1, round(p.n * cal.MERGERS_PER_PATENT)), used):
        used.add(c)
        taker = int(rng.choice([x.id for x in companies[:50] if not x.role and x.parent is None
                                and x.id != c]))
        day = int(rng.integers(day_of("1995-01-01"), day_of("2024-06-30")))
        deals.append(Deal("merger", day, c, taker, np.zeros(0, np.int64)))
    shares = np.array([c.share for c in companies])
    shares = shares / shares.sum()
    n_sales = max(3, round(p.n * cal.SALES_PER_PATENT))
    for _ in range(n_sales):
        giver = int(rng.choice(n_companies, p=shares))
        taker = int(rng.choice(n_companies, p=shares))
        while taker == giver or companies[taker].role == "buyer":
            taker = int(rng.choice(n_companies, p=shares))
        day = int(rng.integers(day_of("1990-01-01"), day_of("2025-06-30")))
        deals.append(Deal("sale", day, giver, taker, np.zeros(0, np.int64)))
    for _ in range(max(2, round(p.n * cal.SECURITY_INTERESTS_PER_PATENT))):
        giver = int(rng.choice(n_companies, p=shares))
        day = int(rng.integers(day_of("1995-01-01"), day_of("2025-06-30")))
        bank = BANKS[int(rng.integers(len(BANKS)))]
        deals.append(Deal("security", day, giver, -1, np.zeros(0, np.int64), bank=bank))
    deals.sort(key=lambda d: (d.day, d.kind, d.giver))

    owner = p.company.copy()
    lapse = lapse_days(p)
    events = Events(deals=[], owner_now=owner, lapse_day=lapse)
    releases: list[Deal] = []
    for deal in deals:
        if deal.kind == "name_change":
            covered = np.flatnonzero((owner == deal.giver) & (p.grant_day < deal.day))
            deal.patents = covered
        elif deal.kind == "merger":
            covered = np.flatnonzero((owner == deal.giver) & (p.filing_day < deal.day))
            deal.patents = covered
        elif deal.kind in ("sale", "security"):
            alive = (p.grant_day < deal.day) & (p.doc_type != DESIGN) \
                & ((lapse < 0) | (lapse > deal.day))
            pool = np.flatnonzero(alive & (owner == deal.giver))
            if len(pool) == 0:  # the drawn company owned nothing then: take an owner who did
                owned = np.flatnonzero(alive & (owner >= 0))
                if len(owned) == 0:
                    continue
                deal.giver = int(owner[owned[int(rng.integers(len(owned)))]])
                if deal.giver == deal.taker:
                    continue
                pool = np.flatnonzero(alive & (owner == deal.giver))
            size = int(min(len(pool), max(1, round(rng.lognormal(np.log(12), 1.3)))))
            size = min(size, 2500)
            deal.patents = np.sort(rng.choice(pool, size=size, replace=False))
        if len(deal.patents) == 0 and deal.kind != "name_change":
            continue
        if deal.kind in ("sale", "merger"):
            owner[deal.patents] = deal.taker
            for i in deal.patents.tolist():
                events.changes.append((i, deal.day, deal.taker, deal))
        if deal.kind == "security" and rng.random() < cal.SECURITY_RELEASE_SHARE:
            day = deal.day + int(rng.integers(365, 6 * 365))
            if day < WORLD_DAY:
                releases.append(Deal("release", day, -1, deal.giver, deal.patents,
                                     bank=deal.bank))
        events.deals.append(deal)
    events.deals.extend(releases)
    events.deals.sort(key=lambda d: (d.day, d.kind, d.giver))
    return events


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
        out = {"patent": (lo + has).astype(np.int64),
               "day": (p.filing_day[lo + has] + offset[has]).astype(np.int64),
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


def write_events(out: Path, p: Patents, companies: list[Company], names: Any, seed: int,
                 step: Callable[[str, int, int], None]) -> Events:
    """Plan the deals and write their assignment records, then the maintenance-fee and
    family files. The employee records are written with their patents' year
    (``write_employee_records``); ``events.files`` stays open until ``close``."""
    step("reassignments", 0, 1)
    events = plan_deals(p, companies, names, seed)
    employees = EmployeeRecords(p, seed)
    events.employees = employees
    events.numbers = RecordNumbers(employees.days_histogram(),
                                   np.array([d.day for d in events.deals], np.int64))
    events.files = AssignmentFiles(out / "assignments")
    events.names, events.companies = names, companies
    _write_deal_records(events, seed)
    step("maintenance fees", 0, 1)
    _write_maintenance(out, p, events)
    step("families", 0, 1)
    _write_families(out, p, companies, events, seed)
    return events


def _write_deal_records(events: Events, seed: int) -> None:
    """The deals' records, and the documentid links of their patents (by patent)."""
    rng = np.random.default_rng([seed, 5])
    names, companies, files, numbers = events.names, events.companies, events.files, \
        events.numbers
    assert files is not None and numbers is not None
    docs: list[tuple[np.ndarray, ...]] = []
    for this in events.deals:
        day = this.day
        reel, frame = numbers.deal(day)
        this.rf_id = f"{reel}-{frame}"
        kind = this.kind
        count = len(this.patents)
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
        if not count:
            continue
        docs.append((this.patents.astype(np.int32), np.full(count, reel, np.int32),
                     np.full(count, frame, np.int32), np.arange(1, count + 1, dtype=np.int32)))
        files.record(reel, frame, day, kind, count, assignors, receiver, country)
    if docs:
        patent, reel_, frame_, seq = (np.concatenate(c) for c in zip(*docs, strict=True))
    else:
        patent = reel_ = frame_ = seq = np.zeros(0, np.int32)
    by_patent = np.argsort(patent, kind="stable")
    events.doc_patent, events.doc_reel = patent[by_patent], reel_[by_patent]
    events.doc_frame, events.doc_seq = frame_[by_patent], seq[by_patent]


def write_employee_records(events: Events, lo: int, hi: int) -> dict[str, np.ndarray]:
    """Write the employee records of patents ``[lo, hi)`` (called in patent order) and
    return their documentid links: patent, reel, frame and the inventors' text."""
    employees, numbers, files = events.employees, events.numbers, events.files
    assert employees is not None and numbers is not None and files is not None
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
                     _name_at(events.names, owner, day), events.companies[owner].country)
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


def _write_maintenance(out: Path, p: Patents, events: Events) -> None:
    """USPTO maintenance fee events: ``patent application entity filing grant event code``
    (space separated), one line per event, in patent order. Codes: M1551/M1552/M1553 (fee
    paid in year 4/8/12, large entity), M2551/M2552/M2553 (small entity), REM. (reminder
    mailed), EXP. (patent expired for failure to pay)."""
    folder = out / "maintfee"
    folder.mkdir(parents=True, exist_ok=True)
    all_eligible = np.flatnonzero((p.doc_type == UTILITY) & (p.grant_day >= day_of(
        cal.MAINTENANCE_FROM)))
    with open(folder / MAINTFEE_FILE, "w", encoding="ascii") as f:
        for k, start in enumerate(range(0, len(all_eligible), CHUNK)):
            eligible = all_eligible[start:start + CHUNK]
            rng = np.random.default_rng([p.n, 6, k])
            f.write(_maintenance_lines(p, eligible, rng))


def _maintenance_lines(p: Patents, eligible: np.ndarray, rng: np.random.Generator) -> str:
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


def _write_families(out: Path, p: Patents, companies: list[Company], events: Events,
                    seed: int) -> None:
    """One row per family and jurisdiction: the member and its status at the world date.

    US rows come from the patents (expiry 20 years from the earliest US filing plus PTA,
    17 years from grant for pre-June-1995 filings; lapse for an unpaid maintenance fee);
    foreign filings are drawn by company size and home country; EP grants are validated in
    DE, GB and FR; foreign patents lapse when yearly renewal fees stop (exponential, mean
    9 years after grant) or expire 20 years after filing.
    """
    folder = out / "families"
    folder.mkdir(parents=True, exist_ok=True)
    all_roots = np.flatnonzero((p.parent < 0) & (p.original < 0) & (p.doc_type == UTILITY))
    with open(folder / "families.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["family_id", "us_patent_id", "jurisdiction", "member_number",
                    "filing_date", "grant_date", "status", "status_date"])
        for k, start in enumerate(range(0, len(all_roots), CHUNK)):
            rng = np.random.default_rng([seed, 7, k])
            _family_rows(w, p, companies, events, all_roots[start:start + CHUNK], rng)


def _family_rows(w: Any, p: Patents, companies: list[Company], events: Events,
                 roots: np.ndarray, rng: np.random.Generator) -> None:
    big = np.array([c.share > 0.001 or c.role in ("threat", "seller") for c in companies]
                   + [False])[p.company[roots]]
    home = np.array([c.country for c in companies] + ["US"])[p.company[roots]]
    earliest = np.where(p.parent_filing > 0, p.parent_filing, p.filing_day)[roots]
    expiry = (earliest + int(20 * 365.25) + p.pta[roots]).astype(np.int64)
    old = p.filing_day[roots] < day_of("1995-06-08")
    expiry = np.where(old, np.maximum(expiry, p.grant_day[roots] + int(17 * 365.25)), expiry)
    lapse = events.lapse_day[roots]
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
        member = np.char.add(jur, np.char.zfill(((roots[rows] * 104729) % 10**7).astype("U7"),
                                                7))
        shown_grant = np.where(granted & ~pending, grant, -1)
        add(rows, jur, member, filed, shown_grant, st, st_day)
        if jur == "EP":
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
