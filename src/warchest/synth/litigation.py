"""Lawsuits and PTAB challenges for a synthetic world, consistent with its exposure truth.

Each major company's group gets a planted litigiousness: its suits a year on the world
date (log-normal; the scenario's threats a factor of two apart) and a trend (the rate ten
years before was between e^-1 and e times today's). Over the ten years before the world
date it files suits (a Poisson process with that rate) against the majors
its patents truly read on (``truth/reads_on.csv``), a defendant in proportion to how many
of its patents read on that defendant's products, asserting one to three of them that it
has held since their grant and that were granted half a year before the filing. The
record is written in the formats of the real data, so the loaders and the name matching
are exercised end to end:

* ``litigation/``: the USPTO Patent Litigation Docket Reports layout (``cases.csv``,
  ``names.csv``, ``patents.csv``). Captions as a court writes them: a subsidiary that
  holds the patents sues, the accused's subsidiary is sometimes accused with it,
  ", a Delaware corporation" or "et al." follows a name, a renamed company sues under the
  name it had on the day; a tenth of the disputes start as a
  declaratory judgment action by the accused (cause 28:2201), three in ten of the others
  carry counterclaims (counter-claimant: the accused; counter-defendant: the holder).
* ``ptab/ptab_proceedings.jsonl``: the PTAB API's flat records. Three accused in ten
  petition for inter partes review of the first patent in suit within a year; the Board
  denies a third of petitions, a fifth of instituted trials settle, and the final written
  decisions hold all challenged claims unpatentable in six of ten, some in a quarter.

The truth (``truth/litigiousness.csv``, ``truth/suits.csv``, ``truth/ptab.csv``) records
the planted rates, who asserted against whom, and which patents lost all their claims by
the world date (those assert nothing after the decision: a checker of exposure drops
them from ``reads_on.csv``)."""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from warchest.synth.world import EPOCH, Companies

YEARS = 10  # suits are filed over the ten years before the world date
KEPT = 8  # patents kept per (holder, target) pair to assert
RATE_MEDIAN = 1.5  # planted suits a year: log-normal around this median
RATE_SIGMA = 1.0
DECLARATORY = 0.10
COUNTERCLAIM = 0.30
ALSO_ACCUSED = 0.25
PETITIONED = 0.30
COURTS = (("Texas Eastern District Court", 0.30), ("Delaware District Court", 0.25),
          ("California Northern District Court", 0.15), ("Texas Western District Court", 0.15),
          ("California Central District Court", 0.10), ("Illinois Northern District Court",
                                                        0.05))
CASE_HEADER = ["case_row_id", "case_number", "pacer_id", "case_name", "court_name",
               "assigned_to", "referred_to", "case_cause", "jurisdictional_basis", "demand",
               "jury_demand", "lead_case", "related_case", "settlement", "date_filed",
               "date_closed", "date_last_filed"]
NAME_HEADER = ["case_row_id", "case_number", "party_row_count", "party_type",
               "name_row_count", "name"]
PATENT_HEADER = ["case_row_id", "case_number", "patent", "patent_doc_type"]


def _date(day: int) -> dt.date:
    return dt.date.fromordinal(EPOCH.toordinal() + int(day))


@dataclass
class AssertablePool:
    """Per (holder group, target major): how many of the holder's in-force patents read on
    the target's products, and up to ``KEPT`` of them (the smallest hashes of their
    numbers: the same whatever the order the chunks come in), with their grant days and
    the group company that holds each."""

    count: dict[tuple[int, int], int] = field(default_factory=dict)
    kept: dict[tuple[int, int], list[tuple[int, str, int, int]]] = field(default_factory=dict)

    def add(self, holder: int, target: int, patent_id: str, grant_day: int,
            owner: int) -> None:
        """One patent of the ``holder`` group (held by its company ``owner`` since its
        grant) that reads on the ``target``'s products."""
        key = (holder, target)
        self.count[key] = self.count.get(key, 0) + 1
        heap = self.kept.setdefault(key, [])
        item = (-zlib.crc32(patent_id.encode()), patent_id, grant_day, owner)  # max-heap
        if len(heap) < KEPT:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)


@dataclass
class _Suit:
    case: int
    holder: int  # the group
    owner: int  # the company of the group that holds the patents in suit: it sues
    target: int
    filed: int
    patents: list[str]
    declaratory: bool
    counterclaim: bool


class _Writer:
    """The docket files, the PTAB records and the truth, one row at a time."""

    def __init__(self, out: Path, truth: Path) -> None:
        self.files: list[Any] = []
        lit = out / "litigation"
        lit.mkdir(parents=True, exist_ok=True)
        self.cases = self._csv(lit / "cases.csv", CASE_HEADER)
        self.names = self._csv(lit / "names.csv", NAME_HEADER)
        self.patents = self._csv(lit / "patents.csv", PATENT_HEADER)
        self.suits = self._csv(truth / "suits.csv", [
            "case_row_id", "date_filed", "asserting_group", "accused_group", "plaintiff_id",
            "defendant_id", "declaratory", "patents"])
        self.ptab_truth = self._csv(truth / "ptab.csv", [
            "proceeding_number", "patent_id", "owner_group", "petitioner_group",
            "date_filed", "date_decided", "outcome", "claims_outcome", "cancelled_by_world_date"])
        (out / "ptab").mkdir(parents=True, exist_ok=True)
        self.ptab = open(out / "ptab" / "ptab_proceedings.jsonl", "w",  # noqa: SIM115
                         encoding="utf-8")
        self.files.append(self.ptab)

    def _csv(self, path: Path, header: list[str]) -> Any:
        f = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self.files.append(f)
        w = csv.writer(f)
        w.writerow(header)
        return w

    def close(self) -> None:
        for f in self.files:
            f.close()


class Litigator:
    """Draws and writes the world's suits and PTAB proceedings (module docstring)."""

    def __init__(self, companies: Companies, group: np.ndarray, renamed: dict[int, Any],
                 majors: list[int], seed: int, world_day: int) -> None:
        self.companies, self.group, self.renamed = companies, group, renamed
        self.majors, self.world_day = majors, world_day
        self.rng = np.random.default_rng([seed, 21])
        self.cancelled: dict[str, int] = {}  # patent -> the day its claims were cancelled
        self.subsidiaries: dict[int, list[int]] = {}
        for c in np.flatnonzero(companies.parent >= 0).tolist():
            self.subsidiaries.setdefault(int(group[c]), []).append(c)

    def name_on(self, company: int, day: int) -> str:
        """The company's name on the day (a renamed company's new name after the day)."""
        got = self.renamed.get(company)
        return str(got[1]) if got and day >= got[0] else str(self.companies.name[company])

    def _caption(self, company: int, day: int) -> str:
        """The company's name as a caption gives it on the day."""
        name = self.name_on(company, day)
        roll = self.rng.random()
        if roll < 0.15 and self.companies.country[company] == "US":
            name += ", a Delaware corporation"
        elif roll < 0.25:
            name += " et al."
        return name

    def rates(self, pool: AssertablePool, threats: list[int]
              ) -> dict[int, tuple[float, float]]:
        """The planted litigiousness of each holder group with something to assert: its
        suits a year on the world date and the trend of that rate over the ten years (the
        rate ``YEARS`` ago was ``exp(-trend)`` times today's). The scenario's threats get
        today's rates a factor of two apart (in an order drawn from the seed), so their
        ranking is there to be found; the others log-normal around ``RATE_MEDIAN``."""
        holders = sorted({h for h, _ in pool.count})
        drawn = RATE_MEDIAN * np.exp(self.rng.normal(0.0, RATE_SIGMA, len(holders)))
        trend = self.rng.uniform(-1.0, 1.0, len(holders))
        out = {h: (float(r), float(b)) for h, r, b in zip(holders, drawn.tolist(),
                                                          trend.tolist(), strict=True)}
        planted = [t for t in threats if t in out]
        ladder = 8.0 / 2.0 ** np.arange(len(planted))
        for t, rate in zip(planted, self.rng.permutation(ladder).tolist(), strict=True):
            out[t] = (float(rate), out[t][1])
        return out

    def _filing_days(self, rate: float, trend: float) -> list[int]:
        """Filing days over the ten years to the world date, from a Poisson process whose
        rate moves from ``rate x exp(-trend)`` to ``rate`` (inverse of its distribution)."""
        rng, span = self.rng, YEARS * 365.25
        expected = rate * YEARS * (1.0 if abs(trend) < 1e-9 else
                                   (1 - np.exp(-trend)) / trend)
        u = rng.random(rng.poisson(expected))
        x = u if abs(trend) < 1e-9 else np.log1p(u * np.expm1(trend)) / trend
        return sorted((self.world_day - span + x * span).astype(np.int64).tolist())

    def draw(self, pool: AssertablePool, rates: dict[int, tuple[float, float]]
             ) -> list[_Suit]:
        """Every suit, in filing order."""
        rng = self.rng
        suits: list[_Suit] = []
        for holder, (rate, trend) in rates.items():
            targets = sorted(t for h, t in pool.count if h == holder)
            for filed in self._filing_days(rate, trend):
                ready = [t for t in targets if any(g <= filed - 182 for _, _, g, _ in
                                                   pool.kept[(holder, t)])]
                if not ready:
                    continue
                weights = np.array([pool.count[(holder, t)] for t in ready], float)
                target = ready[int(rng.choice(len(ready), p=weights / weights.sum()))]
                usable = sorted((p, o) for _, p, g, o in pool.kept[(holder, target)]
                                if g <= filed - 182)
                owner = usable[int(rng.integers(len(usable)))][1]
                theirs = [p for p, o in usable if o == owner]  # the plaintiff holds them all
                n = min(len(theirs), 1 + int(rng.integers(3)))
                chosen = sorted(rng.choice(theirs, n, replace=False).tolist())
                suits.append(_Suit(0, holder, owner, target, filed, chosen,
                                   bool(rng.random() < DECLARATORY),
                                   bool(rng.random() < COUNTERCLAIM)))
        suits.sort(key=lambda s: (s.filed, s.holder, s.target))
        for k, s in enumerate(suits):
            s.case = 100_001 + k
        return suits

    def write(self, out: Path, truth: Path, pool: AssertablePool, threats: list[int]
              ) -> dict[str, int]:
        """Write the docket, the PTAB records and the truth; returns what was written."""
        rates = self.rates(pool, threats)
        suits = self.draw(pool, rates)
        w = _Writer(out, truth)
        filed: dict[int, int] = {}
        proceedings = cancelled = written = 0
        try:
            for s in suits:
                # a patent whose claims were all cancelled before the filing asserts nothing
                s.patents = [p for p in s.patents if self.cancelled.get(p, s.filed + 1) > s.filed]
                if not s.patents:
                    continue
                filed[s.holder] = filed.get(s.holder, 0) + 1
                written += 1
                self._write_case(w, s)
                if self.rng.random() < PETITIONED:
                    made, lost = self._petition(w, s, proceedings)
                    proceedings += made
                    cancelled += lost
            _write_rows(truth / "litigiousness.csv",
                        ["company_id", "suits_per_year", "trend", "threat", "suits_filed"],
                        ([h, f"{r:.6g}", f"{b:.6g}", int(h in threats), filed.get(h, 0)]
                         for h, (r, b) in rates.items()))
        finally:
            w.close()
        return {"suits": written, "ptab_proceedings": proceedings,
                "patents_cancelled": cancelled}

    def _write_case(self, w: _Writer, s: _Suit) -> None:
        rng, day = self.rng, s.filed
        holder, holder_name = s.owner, self._caption(s.owner, day)
        accused, accused_name = s.target, self._caption(s.target, day)
        subs = self.subsidiaries.get(s.target, [])
        also = [self._caption(subs[int(rng.integers(len(subs)))], day)] \
            if subs and rng.random() < ALSO_ACCUSED else []  # its local subsidiary too
        year = _date(day).year
        court = COURTS[int(rng.choice(len(COURTS), p=[p for _, p in COURTS]))][0]
        number = f"{1 + int(rng.integers(4))}:{year % 100:02d}-cv-{s.case % 100_000:05d}"
        plaintiff, defendant = (accused_name, holder_name) if s.declaratory else \
            (holder_name, accused_name)
        closes = day + int(rng.integers(200, 1100))
        closed = _date(closes).isoformat() if closes <= self.world_day else ""
        cause = "28:2201 Declaratory Judgment" if s.declaratory else \
            "35:271 Patent Infringement"
        w.cases.writerow([s.case, number, 900_000 + s.case, f"{plaintiff} v. {defendant}",
                          court, "", "", cause, "Federal Question", "", "Both", "", "", "",
                          _date(day).isoformat(), closed, closed])
        parties = [("Plaintiff", plaintiff), ("Defendant", defendant)]
        parties += [("Plaintiff" if s.declaratory else "Defendant", n) for n in also]
        if s.counterclaim and not s.declaratory:
            parties += [("Counter Claimant", accused_name), ("Counter Defendant", holder_name)]
        for k, (kind, name) in enumerate(parties, start=1):
            w.names.writerow([s.case, number, k, kind, 1, name])
        for pid in s.patents:
            w.patents.writerow([s.case, number, pid, "Patent"])
        w.suits.writerow([s.case, _date(day).isoformat(), s.holder, s.target,
                          accused if s.declaratory else holder,
                          holder if s.declaratory else accused, int(s.declaratory),
                          ";".join(s.patents)])

    def _petition(self, w: _Writer, s: _Suit, made: int) -> tuple[int, int]:
        """An IPR petition by the accused against the first patent in suit; returns
        (proceedings written, patents cancelled by the world date)."""
        rng = self.rng
        filing = s.filed + int(rng.integers(90, 366))
        if filing > self.world_day or self.cancelled.get(s.patents[0], filing + 1) <= filing:
            return 0, 0  # after the world date, or the patent's claims are already gone
        year = _date(filing).year
        number = f"IPR{year}-{made + 1:05d}"
        instituted_on = filing + 180
        record: dict[str, Any] = {
            "proceedingNumber": number, "proceedingTypeCategory": "AIA Trial",
            "subproceedingTypeCategory": "IPR",
            "proceedingFilingDate": _date(filing).strftime("%m-%d-%Y"),
            "respondentPatentNumber": s.patents[0],
            "respondentPatentOwnerName": self.name_on(s.owner, filing),
            "respondentPartyName": self.name_on(s.owner, filing),
            "petitionerPartyName": self.name_on(s.target, filing)}
        roll, claims = rng.random(), ""
        if roll < 1 / 3:
            decided, outcome, words = instituted_on, "not instituted", (
                "Decision", "Institution Denied")
        else:
            record["institutionDecisionDate"] = _date(instituted_on).strftime("%m-%d-%Y")
            if rng.random() < 0.2:
                decided, outcome, words = instituted_on + int(rng.integers(30, 300)), \
                    "settled", ("Decision", "Settlement after Institution")
            else:
                decided, outcome = instituted_on + 365, "final written decision"
                claims = str(rng.choice(["all unpatentable", "some unpatentable",
                                         "none unpatentable"], p=[0.6, 0.25, 0.15]))
                words = ("Final Written Decision", {
                    "all unpatentable": "All Challenged Claims Unpatentable",
                    "some unpatentable": "Some Challenged Claims Unpatentable",
                    "none unpatentable": "No Challenged Claims Unpatentable"}[claims])
        if decided <= self.world_day:
            record["decisionDate"] = _date(decided).strftime("%m-%d-%Y")
            record["decisionTypeCategory"], record["subdecisionTypeCategory"] = words
        else:  # still open on the world date
            begun = "institutionDecisionDate" in record and instituted_on <= self.world_day
            record["proceedingStatusCategory"] = "Instituted" if begun else "Pending"
            if not begun:
                record.pop("institutionDecisionDate", None)
            outcome, claims = ("instituted" if begun else "pending"), ""
        lost = int(claims == "all unpatentable")
        if lost:  # the first cancellation stands (a later decision cannot revive it)
            self.cancelled[s.patents[0]] = min(decided, self.cancelled.get(s.patents[0],
                                                                          decided))
        w.ptab.write(json.dumps(record) + "\n")
        w.ptab_truth.writerow([number, s.patents[0], s.holder, s.target,
                               _date(filing).isoformat(),
                               _date(decided).isoformat() if decided <= self.world_day
                               else "", outcome, claims, lost])
        return 1, lost


def _write_rows(path: Path, header: list[str], rows: Any) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)


def cancelled_patents(truth: Path) -> set[str]:
    """The patents whose claims were all cancelled at the PTAB by the world date (a
    world's ``truth/ptab.csv``; empty for a world without one): they read on products but
    assert nothing, so a checker of exposure or deterrence leaves them out."""
    path = truth / "ptab.csv"
    if not path.exists():
        return set()
    with open(path, newline="", encoding="utf-8") as f:
        return {r["patent_id"] for r in csv.DictReader(f) if r["cancelled_by_world_date"] == "1"}
