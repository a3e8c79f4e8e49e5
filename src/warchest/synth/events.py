"""Events after grant: reassignments (employee assignments, sales of patent packages,
mergers, changes of name, security interests and their releases), maintenance-fee events
(payments and expiry for non-payment) and foreign family members.

Files written here: ``assignments/assignment.csv``, ``assignor.csv``, ``assignee.csv``,
``assignment_conveyance.csv`` (``documentid.csv`` is written with the patents, which carry
the titles), ``maintfee/MaintFeeEvents_20251229.txt`` and ``families/families.csv``.
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
    person_name_indexes,
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
    # documentid rows, in patent order: reel, frame, sequence, patent index and the
    # employee record (-1: a deal) whose inventors the row names
    doc_reel: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    doc_frame: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    doc_seq: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    doc_patent: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    doc_employee: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    # inventors of the employee records: (first, last) name indexes, start and count
    inventor_names: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int16))
    inventor_start: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    inventor_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))
    lapse_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    foreign: dict[str, np.ndarray] = field(default_factory=dict)
    records: int = 0


def lapse_days(p: Patents) -> np.ndarray:
    """Day a patent lapsed for an unpaid maintenance fee (end of the 6-month grace period
    after the fee due 3.5, 7.5 or 11.5 years after grant); -1 when it did not lapse."""
    years = np.where(p.lapse_stage > 0, 4.0 * p.lapse_stage, 0.0)
    return np.where(p.lapse_stage > 0, p.grant_day + (years * 365.25).astype(np.int32), -1)


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

    owner = p.company.astype(np.int64).copy()
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


def _reel_frames(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reel and frame numbers increasing with the record date (unique): days in date
    order -> (reels, frames); frames go up by 7 within a reel."""
    reels = np.interp(days, [d for d, _ in REELS], [r for _, r in REELS]).astype(np.int64)
    if len(reels) == 0:
        return reels, reels.copy()
    first = np.concatenate([[True], reels[1:] != reels[:-1]])
    run_start = np.maximum.accumulate(np.where(first, np.arange(len(reels)), 0))
    frames = 1 + (reels * 37) % 200 + 7 * (np.arange(len(reels)) - run_start)
    return reels, frames


RECORDS_PER_CHUNK = 20_000


def write_events(out: Path, p: Patents, companies: list[Company], names: Any, seed: int,
                 step: Callable[[str, int, int], None]) -> Events:
    """Plan the deals, write the assignment tables, then the maintenance-fee and family
    files. Records are kept as arrays and written in chunks: memory holds a few bytes a
    record, not the records."""
    step("reassignments", 0, 1)
    events = plan_deals(p, companies, names, seed)
    _write_assignments(out, p, companies, names, seed, events)
    step("maintenance fees", 0, 1)
    _write_maintenance(out, p, events)
    step("families", 0, 1)
    _write_families(out, p, companies, events, seed)
    return events


def _write_assignments(out: Path, p: Patents, companies: list[Company], names: Any,
                       seed: int, events: Events) -> None:
    rng = np.random.default_rng([seed, 5])
    # employee-to-employer assignments, recorded soon after filing
    assigned = np.flatnonzero((p.company >= 0)
                              & (rng.random(p.n) < cal.EMPLOYEE_ASSIGNMENT_SHARE)
                              ).astype(np.int32)
    record_day = (p.filing_day[assigned] + rng.integers(10, 200, len(assigned))).astype(
        np.int32)
    n_inventors = (1 + rng.binomial(2, 0.4, len(assigned))).astype(np.int8)
    people = person_name_indexes(rng, int(n_inventors.sum()))
    starts = np.concatenate([[0], np.cumsum(n_inventors, dtype=np.int64)[:-1]])
    # every record in date order: employee records (key = patent index) before deals
    # recorded the same day (key = -1 - deal number), as arrays
    n_deals = len(events.deals)
    days = np.concatenate([record_day.astype(np.int64),
                           np.array([d.day for d in events.deals], np.int64)])
    keys = np.concatenate([assigned.astype(np.int64), -1 - np.arange(n_deals, dtype=np.int64)])
    order = np.lexsort((keys, days))
    del keys
    reels, frames = _reel_frames(days[order])
    # documentid rows: one per patent of each record (employee records: its patent)
    doc_parts: list[tuple[np.ndarray, ...]] = []

    folder = out / "assignments"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "assignment.csv", "w", newline="", encoding="utf-8") as fa, \
            open(folder / "assignor.csv", "w", newline="", encoding="utf-8") as fo, \
            open(folder / "assignee.csv", "w", newline="", encoding="utf-8") as fe, \
            open(folder / "assignment_conveyance.csv", "w", newline="", encoding="utf-8") as fc:
        wa, wo, we, wc = (csv.writer(f) for f in (fa, fo, fe, fc))
        wa.writerow(["rf_id", "reel_no", "frame_no", "record_dt", "last_update_dt",
                     "page_count", "convey_text", "corr_name", "purge_indicator"])
        wo.writerow(["rf_id", "or_seq", "or_name", "exec_dt", "ack_dt"])
        we.writerow(["rf_id", "ee_seq", "ee_name", "ee_address_1", "ee_address_2", "ee_city",
                     "ee_state", "ee_postcode", "ee_country"])
        wc.writerow(["rf_id", "convey_ty", "employer_assign"])
        for at in range(0, len(order), RECORDS_PER_CHUNK):
            part = order[at:at + RECORDS_PER_CHUNK]
            emp_rows: list[int] = []  # positions (in `part`) of employee records
            for pos, (which, reel, frame) in enumerate(zip(
                    part.tolist(), reels[at:at + RECORDS_PER_CHUNK].tolist(),
                    frames[at:at + RECORDS_PER_CHUNK].tolist(), strict=True)):
                day = int(days[which])
                rf = f"{reel}-{frame}"
                record_dt = _iso(EPOCH.toordinal() + day)
                if which < len(assigned):  # an employee record
                    kind = "employee"
                    i = int(assigned[which])
                    inventors = [person_name(*people[k]) for k in range(
                        int(starts[which]), int(starts[which]) + int(n_inventors[which]))]
                    owner = int(p.company[i])
                    assignors = [(name, day - int(rng.integers(1, 40))) for name in inventors]
                    receiver = _name_at(names, owner, day)
                    country = companies[owner].country
                    count = 1
                    emp_rows.append(pos)
                else:
                    this: Deal = events.deals[which - len(assigned)]
                    kind = this.kind
                    this.rf_id = rf
                    count = len(this.patents)
                    if kind == "name_change":
                        old = names.canonical[this.giver]
                        assignors = [(old, day - int(rng.integers(5, 90)))]
                        receiver, country = this.new_name, companies[this.giver].country
                    elif kind == "security":
                        assignors = [(_name_at(names, this.giver, day),
                                      day - int(rng.integers(1, 10)))]
                        receiver, country = this.bank, "US"
                    elif kind == "release":
                        assignors = [(this.bank, day - int(rng.integers(1, 10)))]
                        receiver = _name_at(names, this.taker, day)
                        country = companies[this.taker].country
                    else:
                        assignors = [(_name_at(names, this.giver, day),
                                      day - int(rng.integers(1, 60)))]
                        receiver = _name_at(names, this.taker, day)
                        country = companies[this.taker].country
                    this.executed = assignors[0][1]
                    if count:
                        doc_parts.append((
                            np.full(count, reel, np.int32), np.full(count, frame, np.int32),
                            np.arange(1, count + 1, dtype=np.int32),
                            this.patents.astype(np.int32), np.full(count, -1, np.int32)))
                if not count:
                    continue
                text, short, employer = CONVEYANCE[kind]
                wa.writerow([rf, reel, frame, record_dt, record_dt, 2 + count // 20, text,
                             "SYNTHETIC LAW OFFICES LLP", "N"])
                for seq, (name, exec_day) in enumerate(assignors, start=1):
                    wo.writerow([rf, seq, name, _iso(EPOCH.toordinal() + exec_day), ""])
                wc.writerow([rf, short, 1 if employer else 0])
                we.writerow([rf, 1, receiver, "", "", "", "", "",
                             "" if country == "US" else _COUNTRY_NAMES.get(country, country)])
                events.records += 1
            if emp_rows:
                at_rows = np.array(emp_rows, np.int64)
                which = part[at_rows]
                doc_parts.append((reels[at + at_rows].astype(np.int32),
                                  frames[at + at_rows].astype(np.int32),
                                  np.ones(len(which), np.int32), assigned[which],
                                  which.astype(np.int32)))
    if doc_parts:
        reel_, frame_, seq_, patent_, emp_ = (np.concatenate(c)
                                              for c in zip(*doc_parts, strict=True))
    else:
        reel_ = frame_ = seq_ = patent_ = emp_ = np.zeros(0, np.int32)
    by_patent = np.argsort(patent_, kind="stable")
    events.doc_reel, events.doc_frame = reel_[by_patent], frame_[by_patent]
    events.doc_seq, events.doc_patent = seq_[by_patent], patent_[by_patent]
    events.doc_employee = emp_[by_patent]
    events.inventor_names = people
    events.inventor_start, events.inventor_count = starts, n_inventors


def inventors_text(events: Events, employee: np.ndarray) -> list[str]:
    """The documentid ``inventors`` text of records (employee record index, -1 = none):
    'First Last, First Last'."""
    out = []
    for e in employee.tolist():
        if e < 0:
            out.append("")
            continue
        start = int(events.inventor_start[e])
        out.append(", ".join(
            FIRST_NAMES[first].title() + " " + LAST_NAMES[last].title()
            for first, last in events.inventor_names[start:start + int(
                events.inventor_count[e])].tolist()))
    return out


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
