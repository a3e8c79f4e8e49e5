"""The truth folder: what the generated data hides, for tests and benchmarks.

Never read by the loaders. Files (see the README written beside them):
companies.csv, name_variants.csv, tech_profiles.csv, products.csv, deals.csv,
deal_patents.csv, ownership.csv, ownership_changes.csv, reads_on.csv, deterrence.csv,
threats_on_buyer.csv, stats.json (with the scenario).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from warchest.synth import calibration as cal
from warchest.synth.events import Events, lapse_days
from warchest.synth.patents import DESIGN, Patents
from warchest.synth.world import EPOCH, MARKETS, Company, Technology, day_of

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


def ultimate_parents(companies: list[Company]) -> np.ndarray:
    top = np.arange(len(companies))
    for c in companies:
        root = c
        while root.parent is not None:
            root = companies[root.parent]
        top[c.id] = root.id
    return top


def write_truth(out: Path, p: Patents, companies: list[Company], names: Any,
                tech: Technology, stats: Any, events: Events, seed: int, n_patents: int,
                scenario: str | None, table_rows: dict[str, int]) -> dict[str, Any]:
    folder = out / "truth"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    group = ultimate_parents(companies)
    merged = {d.giver: (d.taker, d.day) for d in events.deals if d.kind == "merger"}
    _write(folder / "companies.csv",
           ["company_id", "name", "country", "archetype", "parent_id", "ultimate_parent_id",
            "role", "share", "start_year", "small_entity", "markets", "sells_in",
            "renamed_to", "renamed_on", "merged_into", "merged_on"],
           ([c.id, c.name, c.country, c.archetype, "" if c.parent is None else c.parent,
             int(group[c.id]), c.role, f"{c.share:.6g}", c.start_year, int(c.small_entity),
             ";".join(c.markets), ";".join(c.sells_in),
             names.renamed.get(c.id, (0, ""))[1],
             _iso(names.renamed[c.id][0]) if c.id in names.renamed else "",
             merged.get(c.id, ("", 0))[0],
             _iso(merged[c.id][1]) if c.id in merged else ""] for c in companies))
    variants = []
    for c in companies:
        for kind, spellings in names.pools[c.id].items():
            for s in spellings:
                variants.append([s, c.id, kind])
        if c.id in names.renamed:
            variants.append([names.renamed[c.id][1], c.id, "new_name"])
    _write(folder / "name_variants.csv", ["raw_name", "company_id", "kind"], variants)
    _write(folder / "tech_profiles.csv", ["company_id", "cpc_main_group", "weight"],
           ([c.id, tech.groups[g], f"{w:.5f}"] for c in companies if c.parent is None
            for g, w in zip(c.focus.tolist(), c.focus_weights.tolist(), strict=True)))
    _write(folder / "products.csv", ["company_id", "market", "countries"],
           ([c.id, m, ";".join(c.sells_in)] for c in companies for m in c.markets))
    _write(folder / "deals.csv",
           ["deal_id", "kind", "rf_id", "executed_date", "record_date", "from_company",
            "to_company", "bank", "new_name", "patents"],
           ([k, d.kind, d.rf_id, _iso(d.executed) if d.executed >= 0 else "", _iso(d.day),
             d.giver, d.taker, d.bank, d.new_name, len(d.patents)]
            for k, d in enumerate(events.deals)))
    _write(folder / "deal_patents.csv", ["deal_id", "patent_id"],
           ([k, pid] for k, d in enumerate(events.deals)
            for pid in p.patent_id(d.patents).tolist()))
    owner_now = events.owner_now
    _write(folder / "ownership.csv",
           ["patent_id", "owner_at_grant", "owner_at_world_date", "group_at_world_date"],
           _ownership_rows(p, owner_now, group))
    _write(folder / "ownership_changes.csv",
           ["patent_id", "date", "recorded_date", "new_owner", "rf_id", "kind"],
           ([str(p.patent_id(i)[0]), _iso(deal.executed), _iso(day), taker, deal.rf_id,
             deal.kind] for i, day, taker, deal in events.changes))

    # which patents read on which major company's products
    parents = [c for c in companies if c.parent is None]
    majors = sorted(parents, key=lambda c: -c.share)[:50]
    majors += [c for c in companies if c.role and c not in majors]
    major_ids = np.array([c.id for c in majors])
    owner_group = np.where(owner_now >= 0, group[np.maximum(owner_now, 0)], -1)
    candidate = np.flatnonzero(np.isin(owner_group, major_ids) & (p.doc_type != DESIGN)
                               & (p.cluster >= 0))
    telecom = np.array(["telecom_standards" in m for m in tech.markets])
    market_sets = [set(m) for m in tech.markets]
    reads: list[list[Any]] = []  # kept only for the scenario: the seller's, and the
    # threats' patents that read on the buyer's products
    scenario_seller = next((c.id for c in companies if c.role == "seller"), None)
    scenario_buyer = next((c.id for c in companies if c.role == "buyer"), None)
    scenario_threats = {c.id for c in companies if c.role == "threat"}
    n_reads = 0
    # a group sells what any of its companies sells (a subsidiary's cameras are the group's)
    group_markets: dict[int, list[str]] = {}
    for c in companies:
        sold = group_markets.setdefault(int(group[c.id]), [])
        sold += [m for m in c.markets if m not in sold]
    with open(folder / "reads_on.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["patent_id", "owner_group", "target_company_id", "market",
                    "in_force_us"])
        for b in majors:
            focus = np.zeros(len(tech.groups), bool)
            focus[b.focus] = True
            sells = group_markets.get(b.id, list(b.markets))
            market_of = np.array([next((m for m in sells if m in ms), "")
                                  for ms in market_sets], dtype=object)
            ok_cluster = (market_of != "") & (focus | (telecom & ("telecom_standards"
                                                                  in sells)))
            cl = p.cluster[candidate]
            # it reads on b's products when its leading CPC symbol is one of the product
            # features b builds in that cluster (Technology.in_product), the same set b's
            # own patents lead with
            assert p.first_symbol is not None
            lead = p.first_symbol[candidate]
            feature = (lead >= 0) & tech.in_product(np.full(len(candidate), b.id), cl,
                                                    np.maximum(lead, 0))
            hit = candidate[ok_cluster[cl] & (owner_group[candidate] != b.id) & feature]
            for at in range(0, len(hit), CHUNK):
                part = hit[at:at + CHUNK]
                rows = zip(p.patent_id(part).tolist(), owner_group[part].tolist(),
                           [b.id] * len(part), market_of[p.cluster[part]].tolist(),
                           part.tolist(), strict=True)
                force = _in_force_us_many(p, events, part).tolist()
                for (*row, i), on in zip(rows, force, strict=True):
                    w.writerow([*row, int(on)])
                    n_reads += 1
                    if row[1] == scenario_seller or (row[2] == scenario_buyer
                                                     and row[1] in scenario_threats):
                        reads.append([*row, i])
    summary = _statistics(p, companies, stats, events, n_patents, seed, table_rows)
    summary["reads_on_rows"] = n_reads
    summary["majors"] = len(majors)
    if scenario:
        summary["scenario"] = _scenario(folder, p, companies, events, reads, scenario)
    (folder / "stats.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    return summary


CHUNK = 20_000


def _ownership_rows(p: Patents, owner_now: np.ndarray, group: np.ndarray
                    ) -> Iterator[list[Any]]:
    """ownership.csv rows, computed a chunk of patents at a time."""
    for at in range(0, p.n, CHUNK):
        idx = np.arange(at, min(at + CHUNK, p.n))
        for pid, grant_owner, now in zip(p.patent_id(idx).tolist(), p.company[idx].tolist(),
                                         owner_now[idx].tolist(), strict=True):
            yield [pid, grant_owner if grant_owner >= 0 else "", now if now >= 0 else "",
                   int(group[now]) if now >= 0 else ""]


def _in_force_us_many(p: Patents, events: Events, idx: np.ndarray) -> np.ndarray:
    """``_in_force_us`` for many patents at once."""
    parent = p.parent_filing[idx]
    earliest = np.where(parent > 0, parent, p.filing_day[idx]).astype(np.float64)
    expiry = (earliest + 20 * 365.25 + p.pta[idx]).astype(np.int64)
    lapse = events.lapse_day[idx]
    lapsed = (lapse >= 0) & (lapse <= WORLD_DAY)
    out: np.ndarray = (expiry > WORLD_DAY) & ~lapsed
    return out


def _in_force_us(p: Patents, events: Events, i: int) -> bool:
    earliest = p.parent_filing[i] if p.parent_filing[i] > 0 else p.filing_day[i]
    expiry = int(earliest + 20 * 365.25 + p.pta[i])
    lapsed = 0 <= events.lapse_day[i] <= WORLD_DAY
    return bool(expiry > WORLD_DAY and not lapsed)


def _scenario(folder: Path, p: Patents, companies: list[Company], events: Events,
              reads: list[list[Any]], scenario: str) -> dict[str, Any]:
    """``reads``: [patent id, owner group, target company, market, patent index] of the
    seller's patents and of the threats' patents that read on the buyer's products."""
    roles = {c.role: c for c in companies if c.role in ("buyer", "seller")}
    threats = [c for c in companies if c.role == "threat"]
    seller, buyer = roles["seller"], roles["buyer"]
    threat_ids = {t.id for t in threats}
    wanted = {r[0] for r in reads}
    in_force_ep: set[str] = set()  # only the patents asked about are kept
    fam_path = folder.parent / "families" / "families.csv"
    with open(fam_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (row["jurisdiction"] == "EP" and row["status"] == "in_force"
                    and row["us_patent_id"] in wanted):
                in_force_ep.add(row["us_patent_id"])
    rows, against = [], []
    for patent, owner, target, market, i in reads:
        status = [int(_in_force_us(p, events, i)), int(patent in in_force_ep)]
        if owner == seller.id and target in threat_ids:
            rows.append([patent, target, market, *status])
        elif target == buyer.id and owner in threat_ids:
            against.append([patent, owner, market, *status])
    header = ["market", "in_force_us", "in_force_ep"]
    _write(folder / "deterrence.csv", ["patent_id", "threat_company_id", *header], rows)
    _write(folder / "threats_on_buyer.csv", ["patent_id", "threat_company_id", *header],
           against)

    def owned(c: Company) -> int:
        return int((events.owner_now == c.id).sum())
    return {
        "name": scenario,
        "as_of": cal.WORLD_DATE,
        "buyer": {"company_id": buyer.id, "name": buyer.name, "patents": owned(buyer),
                  "sells_in": list(buyer.sells_in), "target_markets": ["US", "EP"]},
        "seller": {"company_id": seller.id, "name": seller.name, "patents": owned(seller)},
        "threats": [{"company_id": t.id, "name": t.name, "patents": owned(t),
                     "seller_patents_reading_on_it": sum(1 for r in rows if r[1] == t.id),
                     "in_force_us": sum(1 for r in rows if r[1] == t.id and r[3]),
                     "patents_reading_on_buyer": sum(1 for r in against if r[1] == t.id)}
                    for t in threats],
        "markets": sorted(MARKETS),
    }


def _statistics(p: Patents, companies: list[Company], stats: Any, events: Events,
                n_patents: int, seed: int, table_rows: dict[str, int]) -> dict[str, Any]:
    v = stats.values
    out: dict[str, Any] = {"seed": seed, "patents": n_patents, "synthetic": True,
                           "rows": dict(sorted(table_rows.items()))}
    out["design_share"] = float((p.doc_type == DESIGN).mean())
    out["citations_per_patent"] = v.get("citations", 0) / max(1, p.n)
    out["self_citation_share"] = v.get("citations_self", 0) / max(1, v.get("citations", 1))
    out["same_group_share"] = v.get("citations_same_group", 0) / max(1, v.get("citations", 1))
    out["examiner_share_2001_on"] = v.get("citations_examiner_2001_on", 0) / max(
        1, v.get("citations_2001_on", 1))
    lags = np.array(v.get("lag_samples", [0.0]))
    out["citation_lag_median_years"] = float(np.median(lags))
    forward = stats.forward
    out["share_never_cited"] = float((forward == 0).mean())
    top = np.sort(forward)[::-1]
    out["share_of_citations_to_top_1pct"] = float(top[: max(1, p.n // 100)].sum()
                                                  / max(1, top.sum()))
    y2016 = p.year == 2016
    n2016 = max(1, int(y2016.sum()))
    out["grants_2016"] = n2016
    out["top10_share_2016"] = {
        label: {"world": float((p.company[y2016] == k).sum() / n2016),
                "target": count / cal.GRANTS_2016}
        for k, (label, count, _) in enumerate(cal.TOP_2016)}
    out["companies"] = len(companies)
    out["unassigned_share"] = float((p.company < 0).mean())
    pend = (p.grant_day - p.filing_day) / 365.25
    decades = {}
    for start in (1980, 1990, 2000, 2010, 2020):
        m = (p.year >= start) & (p.year < start + 10) & (p.doc_type != 2)
        target = float(np.interp(start + 5, [a for a, _ in cal.PENDENCY_MEDIAN_YEARS],
                                 [b for _, b in cal.PENDENCY_MEDIAN_YEARS]))
        decades[f"{start}s"] = {"world": float(np.median(pend[m])) if m.any() else None,
                                "target": target}
    out["pendency_median_years"] = decades
    post = p.filing_day >= day_of("2000-05-29")
    out["pta_share_post_2000"] = float((p.pta[post] > 0).mean()) if post.any() else 0.0
    out["pta_median_days"] = float(np.median(p.pta[post & (p.pta > 0)])) if (
        post & (p.pta > 0)).any() else 0.0
    cont = {}
    for start in (1980, 1990, 2000, 2010, 2020):
        m = (p.year >= start) & (p.year < start + 10) & (p.doc_type == 0)
        target = float(np.interp(start + 5, [a for a, _ in cal.CONTINUATION_SHARE],
                                 [b for _, b in cal.CONTINUATION_SHARE]))
        cont[f"{start}s"] = {"world": float((p.parent_kind[m] >= 0).mean()) if m.any()
                             else None, "target": target}
    out["continuation_share"] = cont
    out["terminal_disclaimer_share"] = float(p.disclaimer[p.doc_type == 0].mean())
    maint = {}
    lapse = lapse_days(p)
    for entity, small in (("large", False), ("small", True)):
        rates: list[float] = []
        samples: list[int] = []
        alive = (p.doc_type == 0) & (p.grant_day >= day_of(cal.MAINTENANCE_FROM)) & (
            p.small_entity == small)
        for stage, years in enumerate((3.5, 7.5, 11.5), start=1):
            due_passed = p.grant_day + int((years + 0.5) * 365.25) <= WORLD_DAY
            eligible = alive & due_passed
            lapsed = eligible & (p.lapse_stage == stage)
            rates.append(1 - float(lapsed.sum() / max(1, eligible.sum())))
            samples.append(int(eligible.sum()))
            alive = alive & ~lapsed
        maint[entity] = {"world": rates, "target": list(cal.PAYMENT_RATES[entity]),
                         "sample": samples}
    out["maintenance_payment_rates"] = maint
    out["lapsed_by_world_date"] = float(((lapse >= 0) & (lapse <= WORLD_DAY)).mean())
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
        moved[d.kind] = moved.get(d.kind, 0) + len(d.patents)
    out["deals"] = {"count": kinds, "patents": moved, "assignment_records": events.records}
    return out
