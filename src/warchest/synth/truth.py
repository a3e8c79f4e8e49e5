"""The truth folder: what the generated data hides, for tests and benchmarks.

Never read by the loaders. Files (see the README written beside them):
companies.csv, name_variants.csv, tech_profiles.csv, products.csv, deals.csv,
deal_patents.csv, ownership.csv, ownership_changes.csv, reads_on.csv, deterrence.csv,
threats_on_buyer.csv, stats.json (with the scenario).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from warchest.synth import calibration as cal
from warchest.synth.events import ChunkDeals, Events
from warchest.synth.litigation import AssertablePool
from warchest.synth.patents import DESIGN, Facts, Patents
from warchest.synth.world import EPOCH, MARKETS, Companies, Technology, day_of

WORLD_DAY = day_of(cal.WORLD_DATE)
README = Path(__file__).with_name("truth_README.md")


def _iso(day: int) -> str:
    import datetime as dt

    return dt.date.fromordinal(EPOCH.toordinal() + int(day)).isoformat()


def _write(path: Path, header: list[str], rows: Any) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def ultimate_parents(companies: Companies) -> np.ndarray:
    """The top company of each company's tree."""
    top = np.arange(len(companies))
    while True:
        up = companies.parent[top]
        if not (up >= 0).any():
            return top
        top = np.where(up >= 0, up, top)


class Truth:
    """Writes the truth folder: the per-patent files a chunk of patents at a time (``add``),
    the rest at the end (``finish``)."""

    def __init__(self, out: Path, p: Patents, companies: Companies, names: Any,
                 tech: Technology, events: Events, scenario: str | None) -> None:
        self.folder = folder = out / "truth"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "README.md").write_text(README.read_text(encoding="utf-8"),
                                          encoding="utf-8")
        self.p, self.companies, self.names, self.tech = p, companies, names, tech
        self.events, self.scenario = events, scenario
        self.group = ultimate_parents(companies)
        self.owned = np.zeros(len(companies), np.int64)  # patents owned at the world date
        self.files: list[Any] = []
        self.ownership = self._open("ownership.csv", [
            "patent_id", "owner_at_grant", "owner_at_world_date", "group_at_world_date"])
        self.changes = self._open("ownership_changes.csv", [
            "patent_id", "date", "recorded_date", "new_owner", "rf_id", "kind"])
        self.deal_patents = self._open("deal_patents.csv", ["deal_id", "patent_id"])
        self.reads_on = self._open("reads_on.csv", [
            "patent_id", "owner_group", "target_company_id", "market", "in_force_us"])
        header = ["patent_id", "threat_company_id", "market", "in_force_us", "in_force_ep"]
        self.deterrence = self._open("deterrence.csv", header)
        self.against = self._open("threats_on_buyer.csv", header)
        self.n_reads = 0
        self.pool = AssertablePool()  # what each major could assert against each (lawsuits)
        self.litigation: dict[str, int] = {}
        self.scenario_rows: list[list[Any]] = []  # (threat, in force us) of deterrence rows
        self.against_rows: list[int] = []  # threat of each threats_on_buyer row
        # which patents read on which major company's products
        parents = np.flatnonzero(companies.parent < 0)
        largest = parents[np.argsort(-companies.share[parents], kind="stable")[:50]]
        majors = [companies[i] for i in largest.tolist()]
        chosen = set(largest.tolist())
        majors += [companies[i] for i in np.flatnonzero(~companies.role.matches("")).tolist()
                   if i not in chosen]
        self.majors = majors
        self.major_ids = np.array([c.id for c in majors])
        telecom = np.array(["telecom_standards" in m for m in tech.markets])
        market_sets = [set(m) for m in tech.markets]
        # a group sells what any of its companies sells (a subsidiary's cameras are the
        # group's)
        group_markets: dict[int, list[str]] = {}
        for g, markets in zip(self.group.tolist(), companies.markets.tolist(), strict=True):
            sold = group_markets.setdefault(g, [])
            sold += [m for m in markets if m not in sold]
        self.market_of: list[np.ndarray] = []
        self.ok_cluster: list[np.ndarray] = []
        for b in majors:
            focus = np.zeros(len(tech.groups), bool)
            focus[b.focus] = True
            sells = group_markets.get(b.id, list(b.markets))
            market_of = np.array([next((m for m in sells if m in ms), "")
                                  for ms in market_sets], dtype=object)
            self.market_of.append(market_of)
            self.ok_cluster.append((market_of != "") & (focus | (
                telecom & ("telecom_standards" in sells))))
        self.seller = next(iter(companies.with_role("seller")), None)
        self.buyer = next(iter(companies.with_role("buyer")), None)
        self.threats = set(companies.with_role("threat"))

    def write_litigation(self, out: Path, seed: int) -> None:
        """The world's lawsuits and PTAB proceedings (``warchest.synth.litigation``), from
        what each major's patents read on; call after the last ``add``."""
        from warchest.synth.litigation import Litigator

        self.litigation = Litigator(self.companies, self.group, self.names.renamed,
                                    self.major_ids.tolist(), seed, WORLD_DAY).write(
            out, self.folder, self.pool, sorted(self.threats))

    def write_profiles(self) -> None:
        """truth/tech_profiles.csv: each top-level company's focus CPC main groups and
        weights (written before the patents, so that the company table's focus clusters
        can then be released: ``Companies.release_focus``)."""
        companies, tech = self.companies, self.tech
        if companies.focus_released:
            raise ValueError("the companies' focus clusters were already released")
        _write(self.folder / "tech_profiles.csv", ["company_id", "cpc_main_group", "weight"],
               ([c.id, tech.groups[g], f"{w:.5f}"] for c in companies if c.parent is None
                for g, w in zip(c.focus.tolist(), c.focus_weights.tolist(), strict=True)))

    def _open(self, name: str, header: list[str]) -> Any:
        f = open(self.folder / name, "w", newline="", encoding="utf-8")  # noqa: SIM115
        self.files.append(f)
        w = csv.writer(f)
        w.writerow(header)
        return w

    def add(self, f: Facts, deals: ChunkDeals, first_symbol: np.ndarray,
            ep_in_force: np.ndarray) -> None:
        """The truth rows of a chunk of patents."""
        group = self.group
        pid = f.patent_id().tolist()
        owner = deals.owner_now
        owner_group = np.where(owner >= 0, group[np.maximum(owner, 0)], -1)
        np.add.at(self.owned, owner[owner >= 0], 1)  # no company-sized transient
        self.ownership.writerows(
            [i, g if g >= 0 else "", o if o >= 0 else "", og if o >= 0 else ""]
            for i, g, o, og in zip(pid, f.company.tolist(), owner.tolist(),
                                   owner_group.tolist(), strict=True))
        deals_list = self.events.deals
        self.changes.writerows(
            [pid[r], _iso(deals_list[k].executed), _iso(deals_list[k].day), taker,
             deals_list[k].rf_id, deals_list[k].kind] for r, k, taker in deals.changes)
        self.deal_patents.writerows([k, pid[r]] for k, rows in deals.deal_rows
                                    for r in rows.tolist())
        in_force = in_force_us(f)
        ep = np.zeros(f.n, bool)
        ep[ep_in_force] = True
        candidate = np.flatnonzero(np.isin(owner_group, self.major_ids) & (
            f.doc_type != DESIGN) & (f.cluster >= 0))
        if len(candidate) == 0:
            return
        cl = f.cluster[candidate]
        lead = first_symbol[candidate]
        for j, b in enumerate(self.majors):
            # it reads on b's products when its leading CPC symbol is one of the product
            # features b builds in that cluster (Technology.in_product), the same set b's
            # own patents lead with
            feature = (lead >= 0) & self.tech.in_product(
                np.full(len(candidate), b.id), cl, np.maximum(lead, 0))
            hit = candidate[self.ok_cluster[j][cl] & (owner_group[candidate] != b.id)
                            & feature]
            if len(hit) == 0:
                continue
            markets = self.market_of[j][f.cluster[hit]].tolist()
            for r, market in zip(hit.tolist(), markets, strict=True):
                g = int(owner_group[r])
                self.reads_on.writerow([pid[r], g, b.id, market, int(in_force[r])])
                if in_force[r] and owner[r] == f.company[r]:  # held since its grant
                    self.pool.add(g, b.id, pid[r], int(f.grant_day[r]), int(owner[r]))
                self.n_reads += 1
                status = [int(in_force[r]), int(ep[r])]
                if g == self.seller and b.id in self.threats:
                    self.deterrence.writerow([pid[r], b.id, market, *status])
                    self.scenario_rows.append([b.id, status[0]])
                elif b.id == self.buyer and g in self.threats:
                    self.against.writerow([pid[r], g, market, *status])
                    self.against_rows.append(g)

    def finish(self, stats: Any, seed: int, n_patents: int, table_rows: dict[str, int]
               ) -> dict[str, Any]:
        """Close the per-patent files, write the rest; returns the statistics."""
        for f in self.files:
            f.close()
        folder, companies, names, events = self.folder, self.companies, self.names, \
            self.events
        group = self.group
        merged = {d.giver: (d.taker, d.day) for d in events.deals if d.kind == "merger"}
        _write(folder / "companies.csv",
               ["company_id", "name", "country", "archetype", "parent_id",
                "ultimate_parent_id", "role", "share", "start_year", "small_entity",
                "markets", "sells_in", "renamed_to", "renamed_on", "merged_into",
                "merged_on"],
               ([c.id, c.name, c.country, c.archetype, "" if c.parent is None else c.parent,
                 int(group[c.id]), c.role, f"{c.share:.6g}", c.start_year,
                 int(c.small_entity), ";".join(c.markets), ";".join(c.sells_in),
                 names.renamed.get(c.id, (0, ""))[1],
                 _iso(names.renamed[c.id][0]) if c.id in names.renamed else "",
                 merged.get(c.id, ("", 0))[0],
                 _iso(merged[c.id][1]) if c.id in merged else ""] for c in companies))
        _write(folder / "name_variants.csv", ["raw_name", "company_id", "kind"],
               ([s, c.id, kind] for c in companies
                for kind, spellings in [*names.pool(c.id).items(),
                                        *([("new_name", [names.renamed[c.id][1]])]
                                          if c.id in names.renamed else [])]
                for s in spellings))
        _write(folder / "products.csv", ["company_id", "market", "countries"],
               ([c.id, m, ";".join(c.sells_in)] for c in companies for m in c.markets))
        _write(folder / "deals.csv",
               ["deal_id", "kind", "rf_id", "executed_date", "record_date", "from_company",
                "to_company", "bank", "new_name", "patents"],
               ([k, d.kind, d.rf_id, _iso(d.executed) if d.executed >= 0 else "",
                 _iso(d.day), d.giver, d.taker, d.bank, d.new_name, d.count]
                for k, d in enumerate(events.deals)))
        summary = _statistics(self.p, companies, stats, events, n_patents, seed, table_rows)
        summary["reads_on_rows"] = self.n_reads
        summary["majors"] = len(self.majors)
        summary["litigation"] = self.litigation
        if self.scenario:
            summary["scenario"] = self._scenario()
        (folder / "stats.json").write_text(json.dumps(summary, indent=1, sort_keys=True)
                                           + "\n")
        return summary

    def _scenario(self) -> dict[str, Any]:
        companies = self.companies
        roles = {r: companies[companies.with_role(r)[0]] for r in ("buyer", "seller")}
        threats = [companies[i] for i in companies.with_role("threat")]
        seller, buyer = roles["seller"], roles["buyer"]
        rows = self.scenario_rows
        return {
            "name": self.scenario,
            "as_of": cal.WORLD_DATE,
            "buyer": {"company_id": buyer.id, "name": buyer.name,
                      "patents": int(self.owned[buyer.id]),
                      "sells_in": list(buyer.sells_in), "target_markets": ["US", "EP"]},
            "seller": {"company_id": seller.id, "name": seller.name,
                       "patents": int(self.owned[seller.id])},
            "threats": [{"company_id": t.id, "name": t.name, "patents": int(self.owned[t.id]),
                         "seller_patents_reading_on_it": sum(1 for r in rows if r[0] == t.id),
                         "in_force_us": sum(1 for r in rows if r[0] == t.id and r[1]),
                         "patents_reading_on_buyer": sum(1 for g in self.against_rows
                                                         if g == t.id)}
                        for t in threats],
            "markets": sorted(MARKETS),
        }


def in_force_us(f: Facts) -> np.ndarray:
    """Whether each patent is in force in the US at the world date (20 years from the
    earliest US filing plus PTA, unless lapsed for an unpaid fee)."""
    earliest = np.where(f.parent_filing > 0, f.parent_filing, f.filing_day).astype(np.float64)
    expiry = (earliest + 20 * 365.25 + f.pta).astype(np.int64)
    lapse = f.lapse_day()
    lapsed = (lapse >= 0) & (lapse <= WORLD_DAY)
    out: np.ndarray = (expiry > WORLD_DAY) & ~lapsed
    return out


def _statistics(p: Patents, companies: Companies, stats: Any, events: Events,
                n_patents: int, seed: int, table_rows: dict[str, int]) -> dict[str, Any]:
    from warchest.synth.citations import DECADES
    from warchest.synth.generate import median_of

    v = stats.values
    out: dict[str, Any] = {"seed": seed, "patents": n_patents, "synthetic": True,
                           "rows": dict(sorted(table_rows.items()))}
    n = max(1, v.get("patents", 0))
    out["design_share"] = v.get("designs", 0) / n
    out["citations_per_patent"] = v.get("citations", 0) / max(1, p.n)
    out["self_citation_share"] = v.get("citations_self", 0) / max(1, v.get("citations", 1))
    out["same_group_share"] = v.get("citations_same_group", 0) / max(1, v.get("citations", 1))
    out["examiner_share_2001_on"] = v.get("citations_examiner_2001_on", 0) / max(
        1, v.get("citations_2001_on", 1))
    out["citation_lag_median_years"] = median_of(stats.lag, 100.0) or 0.0
    forward = stats.forward
    out["forward_citation_sample"] = len(forward)
    out["share_never_cited"] = float((forward == 0).mean()) if len(forward) else 0.0
    top = np.sort(forward)[::-1]
    out["share_of_citations_to_top_1pct"] = float(top[: max(1, len(top) // 100)].sum()
                                                  / max(1, top.sum()))
    n2016 = max(1, v.get("grants_2016", 0))
    out["grants_2016"] = n2016
    out["top10_share_2016"] = {
        label: {"world": float(stats.top_2016[k] / n2016), "target": count / cal.GRANTS_2016}
        for k, (label, count, _) in enumerate(cal.TOP_2016)}
    out["companies"] = len(companies)
    out["unassigned_share"] = v.get("unassigned", 0) / n
    decades = {}
    for j, start in enumerate(DECADES):
        target = float(np.interp(start + 5, [a for a, _ in cal.PENDENCY_MEDIAN_YEARS],
                                 [b for _, b in cal.PENDENCY_MEDIAN_YEARS]))
        decades[f"{start}s"] = {"world": median_of(stats.pendency[j], 100.0),
                                "target": target}
    out["pendency_median_years"] = decades
    out["pta_share_post_2000"] = v.get("post_2000_pta", 0) / max(1, v.get("post_2000", 0))
    pta = median_of(stats.pta_days, 1.0)
    out["pta_median_days"] = float(int(pta)) if pta is not None else 0.0
    cont = {}
    for j, start in enumerate(DECADES):
        target = float(np.interp(start + 5, [a for a, _ in cal.CONTINUATION_SHARE],
                                 [b for _, b in cal.CONTINUATION_SHARE]))
        total, children = stats.continuation[j].tolist()
        cont[f"{start}s"] = {"world": children / total if total else None, "target": target}
    out["continuation_share"] = cont
    out["terminal_disclaimer_share"] = v.get("disclaimers", 0) / max(1, v.get("utility", 0))
    maint = {}
    for e, entity in enumerate(("large", "small")):
        eligible = stats.maintenance[e, :, 0]
        lapsed = stats.maintenance[e, :, 1]
        maint[entity] = {"world": [1 - float(lp / max(1, el)) for el, lp in zip(
                             eligible.tolist(), lapsed.tolist(), strict=True)],
                         "target": list(cal.PAYMENT_RATES[entity]),
                         "sample": [int(x) for x in eligible.tolist()]}
    out["maintenance_payment_rates"] = maint
    out["lapsed_by_world_date"] = v.get("lapsed", 0) / n
    total_mentions = sum(v.get(f"variant_{k}", 0) for k, _ in cal.VARIANT_SHARES) + v.get(
        "variant_new_name", 0)
    out["assignee_mentions"] = int(total_mentions)
    out["variant_shares"] = {
        k: {"world": v.get(f"variant_{k}", 0) / max(1, total_mentions), "target": share}
        for k, share in cal.VARIANT_SHARES}
    kinds: dict[str, int] = {}
    moved: dict[str, int] = {}
    for d in events.deals:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
        moved[d.kind] = moved.get(d.kind, 0) + d.count
    out["deals"] = {"count": kinds, "patents": moved, "assignment_records": events.records}
    return out
