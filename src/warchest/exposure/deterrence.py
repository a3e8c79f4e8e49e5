"""One pair's evidence explained, and the deterrence balance of a company against its threats."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warchest.exposure.config import NAKED_SHARE, ExposureConfig
from warchest.exposure.matrix import compute_exposure, compute_exposures
from warchest.progress import StageFn
from warchest.results import Result, Row, row_type
from warchest.store import Engine


@dataclass(frozen=True)
class ExposureExplained(Result):
    """The patents behind ``target``'s exposure to ``holder`` in a market, best first:
    each with its weighted score, its impact and the reasons it reads on the target
    (cited by the target, same CPC groups, similar text, in the areas the target sells)."""

    TABLE = "patents"
    holder: str
    target: str
    market: str
    as_of: dt.date
    exposure: float
    assertable_patents: int
    holder_patents_in_force: int
    patents: tuple[Row, ...]


@row_type
@dataclass(frozen=True)
class NakedArea:
    """A product area where the threat's power is at least ten times the company's:
    the threat's strongest patents there, and whether the threat sells there itself
    (None when the taxonomy is not mapped)."""

    area: str
    threat_power: float
    company_power: float
    threat_patents: tuple[str, ...]
    threat_sells_there: bool | None


@row_type
@dataclass(frozen=True)
class ThreatBalance:
    """The company against one threat in one market: each side's power against the other,
    their ratio (infinite when only the company has power, None when neither has), the
    balance in words and the areas where the company is naked."""

    company: str
    threat: str
    market: str
    as_of: dt.date
    power_against_threat: float
    threat_power_against_company: float
    ratio: float | None
    balance: str
    naked_areas: tuple[NakedArea, ...]


@dataclass(frozen=True)
class Deterrence(Result):
    """A company's deterrence balance against each threat, per market (the main table)."""

    TABLE = "threats"
    company: str
    as_of: dt.date
    markets: tuple[str, ...]
    threats: tuple[ThreatBalance, ...]


def explain(store: Engine, holder: str, target: str, market: str = "US",
            as_of: dt.date | None = None, config: ExposureConfig | None = None,
            limit: int = 50, products: Path | None = None,
            stage: StageFn | None = None) -> ExposureExplained:
    """The patents behind B's exposure to A, each with its score and reasons; ``stage``
    is told each step as it starts (:mod:`warchest.progress`)."""
    result = compute_exposure(store, [holder, target], market, as_of, config,
                              evidence_per_pair=limit, products=products, stage=stage)
    return ExposureExplained(result.firms[0].name, result.firms[1].name, result.market,
                             result.as_of, result.matrix[0][1], result.assertable[0][1],
                             result.stock[0], tuple(result.evidence[(0, 1)]))


def deterrence(store: Engine, company: str, threats: list[str], markets: list[str],
               as_of: dt.date | None = None, config: ExposureConfig | None = None,
               products: Path | None = None, stage: StageFn | None = None) -> Deterrence:
    """Per threat and market: X's power against T, T's against X, their ratio (mutual
    assured destruction when both are large), and the product areas where X is naked."""
    out: list[ThreatBalance] = []
    every = compute_exposures(store, [company, *threats], markets, as_of, config,
                              evidence_per_pair=200, products=products, stage=stage)
    areas = _areas(store)
    for market in markets:
        result = every[market.strip().upper()]
        for t in range(1, len(result.firms)):
            mine, theirs = result.matrix[0][t], result.matrix[t][0]
            ratio = mine / theirs if theirs > 0 else math.inf if mine > 0 else None
            sold = None if result.areas_sold is None else result.areas_sold[t]
            naked = _naked_areas(areas, result.evidence.get((t, 0), []),
                                 result.evidence.get((0, t), []), sold)
            out.append(ThreatBalance(
                result.firms[0].name, result.firms[t].name, result.market, result.as_of,
                round(mine, 4), round(theirs, 4),
                None if ratio is None else ratio if math.isinf(ratio) else round(ratio, 3),
                _balance(mine, theirs), naked))
    first = next(iter(every.values()))
    return Deterrence(first.firms[0].name, first.as_of,
                      tuple(m.strip().upper() for m in markets), tuple(out))


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


def _areas(store: Engine) -> dict[str, list[str]]:
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
                 ) -> tuple[NakedArea, ...]:
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
    return tuple(
        NakedArea(a, round(v, 3), round(m.get(a, 0.0), 3),
                  tuple([r["patent_id"] for r in theirs
                         if a in areas.get(r["patent_id"], ["(unmapped)"])][:5]),
                  None if threat_sells is None else a in threat_sells)
        for a, v in sorted(t.items(), key=lambda kv: -kv[1]) if m.get(a, 0.0) < NAKED_SHARE * v)
