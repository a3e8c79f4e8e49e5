"""One pair's evidence explained, and the deterrence balance of a company against its threats."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from warchest.exposure.config import NAKED_SHARE, ExposureConfig
from warchest.exposure.matrix import compute_exposure, compute_exposures
from warchest.store import Store


def explain(store: Store, holder: str, target: str, market: str = "US",
            as_of: dt.date | None = None, config: ExposureConfig | None = None,
            limit: int = 50, products: Path | None = None) -> dict[str, Any]:
    """The patents behind B's exposure to A, each with its score and reasons."""
    result = compute_exposure(store, [holder, target], market, as_of, config,
                              evidence_per_pair=limit, products=products)
    return {"holder": result.firms[0].name, "target": result.firms[1].name,
            "market": result.market, "as_of": result.as_of,
            "exposure": result.matrix[0][1], "assertable_patents": result.assertable[0][1],
            "holder_patents_in_force": result.stock[0], "patents": result.evidence[(0, 1)]}


def deterrence(store: Store, company: str, threats: list[str], markets: list[str],
               as_of: dt.date | None = None, config: ExposureConfig | None = None,
               products: Path | None = None) -> list[dict[str, Any]]:
    """Per threat and market: X's power against T, T's against X, their ratio (mutual
    assured destruction when both are large), and the product areas where X is naked."""
    out = []
    every = compute_exposures(store, [company, *threats], markets, as_of, config,
                              evidence_per_pair=200, products=products)
    areas = _areas(store)
    for market in markets:
        result = every[market.strip().upper()]
        for t in range(1, len(result.firms)):
            mine, theirs = result.matrix[0][t], result.matrix[t][0]
            ratio = mine / theirs if theirs > 0 else math.inf if mine > 0 else None
            sold = None if result.areas_sold is None else result.areas_sold[t]
            naked = _naked_areas(areas, result.evidence.get((t, 0), []),
                                 result.evidence.get((0, t), []), sold)
            out.append({"company": result.firms[0].name, "threat": result.firms[t].name,
                        "market": result.market, "as_of": result.as_of,
                        "power_against_threat": round(mine, 4),
                        "threat_power_against_company": round(theirs, 4),
                        "ratio": None if ratio is None else
                        (ratio if math.isinf(ratio) else round(ratio, 3)),
                        "balance": _balance(mine, theirs), "naked_areas": naked})
    return out


def _balance(mine: float, theirs: float) -> str:
    if mine == 0 and theirs == 0:
        return "no exposure either way"
    if theirs == 0:
        return "one-sided in the company's favour"
    if mine == 0:
        return "naked: the threat can assert, the company has nothing to answer with"
    r = mine / theirs
    if r >= 0.5 and r <= 2:
        return "mutual assured destruction (balanced)"
    return "the company is stronger" if r > 2 else "the threat is stronger"


def _areas(store: Store) -> dict[str, list[str]]:
    rows = store.rows("SELECT patent_id, product FROM patent_products")
    if rows:
        areas: dict[str, list[str]] = {}
        for r in rows:
            areas.setdefault(r["patent_id"], []).append(r["product"])
        return areas
    return {r["patent_id"]: [r["subclass"]] for r in store.rows(
        "SELECT patent_id, min(subclass) AS subclass FROM cpc GROUP BY patent_id")}


def _naked_areas(areas: dict[str, list[str]], theirs: list[dict[str, Any]],
                 mine: list[dict[str, Any]], threat_sells: list[str] | None
                 ) -> list[dict[str, Any]]:
    """The areas where the threat's power is at least ten times the company's, with
    whether the threat sells there itself (None when the taxonomy is not mapped): where it
    does not, no patent answers in kind."""
    def per_area(rows: list[dict[str, Any]]) -> dict[str, float]:
        total: dict[str, float] = {}
        for r in rows:
            for a in sorted(set(areas.get(r["patent_id"], ["(unmapped)"]))):
                total[a] = total.get(a, 0.0) + float(r["weighted"])
        return total

    t, m = per_area(theirs), per_area(mine)
    return [{"area": a, "threat_power": round(v, 3), "company_power": round(m.get(a, 0.0), 3),
             "threat_patents": [r["patent_id"] for r in theirs
                                if a in areas.get(r["patent_id"], ["(unmapped)"])][:5],
             "threat_sells_there": None if threat_sells is None else a in threat_sells}
            for a, v in sorted(t.items(), key=lambda kv: -kv[1]) if m.get(a, 0.0) < NAKED_SHARE * v]
