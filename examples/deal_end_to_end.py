"""The deal, end to end, through the public API only (``import warchest``): a SYNTHETIC
smartphone-expansion world (every company in it is fictional), loaded into a store, owners
resolved, values computed, technology mapped; then the package its phone maker would buy
to deter its threats in the US and Europe, its price, and the report.

    python examples/deal_end_to_end.py [FOLDER] [--patents 20000]

It writes FOLDER/world (the generated bulk files), FOLDER/world.duckdb (the store),
FOLDER/scenario.yaml and FOLDER/deal-report.html (with the package as CSV and the whole
result as JSON beside it), and prints what each step did. tests/test_examples.py runs it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

import warchest


def write_scenario(world: Path, out: Path, size: int = 60) -> Path:
    """A deal scenario from the world's planted answer (truth/stats.json): its buyer and
    seller, and its threats weighted by how many patents they hold."""
    planted = json.loads((world / "truth" / "stats.json").read_text(encoding="utf-8"))
    sc = planted["scenario"]
    biggest = max(t["patents"] for t in sc["threats"]) or 1
    scenario = {
        "name": f"{sc['buyer']['name']} enters the US and Europe (SYNTHETIC world)",
        "synthetic": True,
        "buyer": sc["buyer"]["name"],
        "seller": sc["seller"]["name"],
        "threats": [{"name": t["name"], "weight": round(1 + 2 * t["patents"] / biggest, 2)}
                    for t in sc["threats"]],
        "markets": {"US": 1.0, "EP": 0.6},
        "as_of": sc["as_of"],
        "package": {"size": size},
        "constraints": {"min_remaining_years": 3, "in_force_in": ["US"],
                        "exclude_encumbered": True},
    }
    out.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    return out


def main(folder: Path, patents: int) -> dict[str, object]:
    folder.mkdir(parents=True, exist_ok=True)
    world = folder / "world"
    made = warchest.generate_world(world, patents, seed=7, scenario="smartphone-expansion")
    print(f"SYNTHETIC world: {made.patents:,} patents in {world}")

    db = folder / "world.duckdb"
    db.unlink(missing_ok=True)
    with warchest.Store(db) as store:
        loads = [warchest.load_patentsview(store, [world / "patentsview"]),
                 warchest.load_assignments(store, [world / "assignments"]),
                 warchest.load_maintenance(store, [world / "maintfee"])]
        if (world / "families").exists():
            loads.append(warchest.load_families(store, [world / "families"]))
        for report in loads:
            print(f"load {report.loader}: read {report.rows_read:,} = loaded "
                  f"{report.rows_loaded:,} + quarantined {report.rows_quarantined:,}")
        owners = warchest.resolve_owners(store)
        values = warchest.compute_values(store)
        techmap = warchest.map_technology(store)
        print(f"owners: {owners.entities:,} companies; values: {values.terms:,} patent "
              f"terms; technology map: {techmap.patent_products:,} patent-area links")

        scenario = warchest.load_scenario(write_scenario(world, folder / "scenario.yaml"))
        deal = warchest.plan_deal(store, scenario)
        written = warchest.write_deal_report(deal, folder / "deal-report.html",
                                             folder / "package.csv", folder / "deal.json")
    price = deal.valuation.range_usd
    print(f"deal: {deal.buyer} buys {len(deal.package)} of {deal.candidates:,} candidate "
          f"patents from {deal.seller}; deterrence {deal.objective['before']:.2f} -> "
          f"{deal.objective['after']:.2f}; price {warchest.money(price.low)} - "
          f"{warchest.money(price.high)}")
    print("wrote " + ", ".join(str(p) for p in written))
    return {"buyer": deal.buyer, "package": len(deal.package),
            "before": deal.objective["before"], "after": deal.objective["after"],
            "written": [str(p) for p in written]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", type=Path, default=Path("deal-example"))
    ap.add_argument("--patents", type=int, default=20000)
    args = ap.parse_args()
    main(args.folder, args.patents)
