"""Compare what a store resolved with a synthetic world's truth: owners on dates.

``check_ownership(store, world)`` maps each resolved entity to a true company (the company
behind most of the entity's raw-name mentions, from ``truth/name_variants.csv``) and then
asks, patent by patent, whether the store's owner on a date is the truth's owner:

- on the world date, for every patent (a patent with no assignee must have no owner);
- around every planted sale and merger: the day before the change and the day it takes
  effect (its execution date; the grant date when it was executed before the grant, when
  the grant still names the old owner: counted apart as "... before grant");
- around every planted security interest and release: the owner must not move;
- every planted change of name: the old and the new name resolve to one entity;
- no bank (the secured party of a security interest) ever owns a patent.

Agreement is counted at the company level and at the group level (the ultimate parent),
because the resolver merges a subsidiary named after its parent ("X Japan K.K." with "X
Company") as the real PatentsView benchmark does. Only the truth files and the store's
derived tables are read; nothing here is used by the loaders.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from warchest.store import Store

WORLD_DATE = dt.date(2025, 12, 31)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class _Truth:
    def __init__(self, folder: Path) -> None:
        companies = _rows(folder / "companies.csv")
        self.group = {c["company_id"]: c["ultimate_parent_id"] for c in companies}
        self.name = {c["company_id"]: c["name"] for c in companies}
        spellings: dict[str, set[str]] = defaultdict(set)
        for r in _rows(folder / "name_variants.csv"):
            spellings[r["raw_name"]].add(r["company_id"])
        self.company_of_name = {n: next(iter(c)) for n, c in spellings.items() if len(c) == 1}
        self.at_grant: dict[str, str] = {}
        for r in _rows(folder / "ownership.csv"):
            self.at_grant[r["patent_id"]] = r["owner_at_grant"]
        self.changes: dict[str, list[tuple[dt.date, str, str]]] = defaultdict(list)
        for r in _rows(folder / "ownership_changes.csv"):
            self.changes[r["patent_id"]].append((_day(r["date"]), r["new_owner"], r["kind"]))
        for steps in self.changes.values():
            steps.sort()
        self.deals = _rows(folder / "deals.csv")
        self.deal_patents: dict[str, list[str]] = defaultdict(list)
        for r in _rows(folder / "deal_patents.csv"):
            self.deal_patents[r["deal_id"]].append(r["patent_id"])

    def owner_on(self, patent: str, day: dt.date, granted: dt.date) -> str:
        """The true owner on ``day`` (a change executed before the grant counts from it)."""
        owner = self.at_grant.get(patent, "")
        for when, new, _ in self.changes.get(patent, ()):
            if max(when, granted) <= day:
                owner = new
        return owner


class _Store:
    def __init__(self, store: Store, truth: _Truth) -> None:
        self.entity_of_name: dict[str, str] = {}
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for r in store.rows("SELECT raw_name, entity_id, mentions FROM owner_names"):
            self.entity_of_name[r["raw_name"]] = r["entity_id"]
            company = truth.company_of_name.get(r["raw_name"])
            if company is not None:
                votes[r["entity_id"]][company] += int(r["mentions"] or 0) or 1
        self.company = {e: v.most_common(1)[0][0] for e, v in votes.items()}
        self.periods: dict[str, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
        for r in store.rows("SELECT patent_id, entity_id, start_date, end_date FROM ownership"):
            self.periods[r["patent_id"]].append((r["start_date"], r["end_date"],
                                                 r["entity_id"] or ""))
        self.granted = {r["patent_id"]: r["grant_date"]
                        for r in store.rows("SELECT patent_id, grant_date FROM patents")}

    def companies_on(self, patent: str, day: dt.date) -> set[str]:
        return {self.company.get(e, "?" + e) for start, end, e in self.periods.get(patent, ())
                if start <= day and (end is None or day < end)}


class _Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.misses: list[dict[str, Any]] = []

    def check(self, what: str, truth: _Truth, ours: set[str], want: str,
              detail: dict[str, Any]) -> None:
        self.counts[what + ".checked"] += 1
        company_ok = ours == ({want} if want else set())
        group_ok = {truth.group.get(c, c) for c in ours} == (
            {truth.group.get(want, want)} if want else set())
        self.counts[what + ".company"] += company_ok
        self.counts[what + ".group"] += group_ok
        if not group_ok and self.counts[what + ".shown"] < 5:
            self.counts[what + ".shown"] += 1
            self.misses.append({"check": what, "ours": sorted(ours), "truth": want, **detail})


def check_ownership(store: Store, world: Path) -> dict[str, Any]:
    """Agreement of the store's owners with ``world/truth`` (see the module docstring)."""
    truth = _Truth(world / "truth")
    ours = _Store(store, truth)
    tally = _Tally()
    for patent in truth.at_grant:
        granted = ours.granted.get(patent)
        if granted is None:
            continue
        tally.check("world_date", truth, ours.companies_on(patent, WORLD_DATE),
                    truth.owner_on(patent, WORLD_DATE, granted), {"patent": patent})
    for patent, steps in truth.changes.items():
        granted = ours.granted.get(patent)
        if granted is None:
            continue
        for when, _, kind in steps:
            effective = max(when, granted)
            days = [effective] if effective == granted else [effective - dt.timedelta(1),
                                                             effective]
            what = kind if when >= granted else kind + " before grant"
            for day in days:
                tally.check(what, truth, ours.companies_on(patent, day),
                            truth.owner_on(patent, day, granted),
                            {"patent": patent, "date": day.isoformat()})
    banks: set[str] = set()
    for deal in truth.deals:
        if deal["kind"] == "name_change":
            tally.counts["name_change.checked"] += 1
            old = ours.entity_of_name.get(truth.name[deal["from_company"]])
            new = ours.entity_of_name.get(deal["new_name"])
            tally.counts["name_change.company"] += old is not None and old == new
            tally.counts["name_change.group"] += old is not None and old == new
        if deal["kind"] not in ("security", "release"):
            continue
        banks.add(deal["bank"])
        on = _day(deal["executed_date"] or deal["record_date"])
        for patent in truth.deal_patents[deal["deal_id"]]:
            granted = ours.granted.get(patent)
            if granted is None or on <= granted:
                continue
            for day in (on - dt.timedelta(1), on, _day(deal["record_date"])):
                tally.check(deal["kind"], truth, ours.companies_on(patent, day),
                            truth.owner_on(patent, day, granted),
                            {"patent": patent, "date": day.isoformat()})
    bank_entities = {ours.entity_of_name[b] for b in banks if b in ours.entity_of_name}
    owned_by_banks = sum(1 for periods in ours.periods.values()
                         for *_, e in periods if e in bank_entities)
    counts = {k: v for k, v in sorted(tally.counts.items()) if not k.endswith(".shown")}
    return {"counts": counts, "bank_owned_periods": owned_by_banks,
            "entities_mapped": len(ours.company), "misses": tally.misses}


def write_products(truth: Path, out: Path) -> None:
    """The product areas each company sells in, as a user would supply them (company
    names from companies.csv, areas from products.csv): what companies sell is public
    knowledge, unlike which patents read on it."""
    with open(truth / "companies.csv", newline="", encoding="utf-8") as f:
        names = {r["company_id"]: r["name"] for r in csv.DictReader(f)}
    sells: set[str] = set()
    with open(truth / "products.csv", newline="", encoding="utf-8") as f, \
            open(out, "w", newline="", encoding="utf-8") as o:
        w = csv.writer(o)
        w.writerow(["company", "product"])
        for r in csv.DictReader(f):
            w.writerow([names[r["company_id"]], r["market"]])
            sells.add(r["company_id"])
        for cid, name in names.items():  # companies known to sell no product
            if cid not in sells:
                w.writerow([name, "none"])
