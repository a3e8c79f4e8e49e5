"""Planning a deal (``plan_deal``): the steps are in the package docstring."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from warchest.deal.optimise import (
    Instance,
    Solution,
    deterrence_curve,
    fill_package,
    greedy,
    solve_exact,
)
from warchest.deal.scenario import Scenario
from warchest.deal.valuation import (
    Comparable,
    Valuation,
    ValuationParams,
    balancing_payment,
    patent_factors,
    price_per_patent,
    read_comparables,
    record_factors,
    value_package,
)
from warchest.errors import (
    InfeasibleDeal,
    InputError,
)
from warchest.exposure import (
    NAKED_SHARE,
    Exposure,
    ExposureConfig,
    compute_exposures,
)
from warchest.litigation.history import PatentHistory, history_text, patent_histories
from warchest.litigation.weights import ThreatWeights
from warchest.progress import StageFn, report_stage
from warchest.results import Result
from warchest.store import Engine

EXPLAINED = 200  # package patents explained one by one (the rest: numbers only)
DIFFERENCE = 3  # per threat and market, the package patents shown as making the difference


@dataclass(frozen=True)
class DealResult(Result):
    """A planned deal: the package (the main table, one row per patent with why it was
    chosen and its price), the optimiser's solution and bound, before/after per threat
    and market (``targets``), what the seller gives up, the areas still naked, the
    valuation, the cross-licence balance, and the assumptions."""

    TABLE = "package"
    scenario: Scenario
    buyer: str
    seller: str
    threats: list[str]
    markets: list[str]
    candidates: int
    excluded: dict[str, int]
    package: list[dict[str, Any]]
    solution: Solution
    exact: Solution | None
    exact_note: str
    targets: list[dict[str, Any]]
    objective: dict[str, float]
    seller_after: dict[str, Any]
    naked: list[dict[str, Any]]
    difference: list[dict[str, Any]]  # per threat and market: the package patents behind it
    valuation: Valuation
    cross_licence: list[dict[str, Any]]
    exposures: dict[str, Exposure]
    after: dict[str, Exposure]
    assumptions: list[str]
    synthetic: bool
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # headline caveats (no threat power)
    threat_weights: ThreatWeights | None = None  # when the weights come from litigation
    instance: Instance | None = None       # the optimiser's problem (for benchmarks)
    candidate_ids: list[str] = field(default_factory=list)  # its rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name, "synthetic": self.synthetic,
            "as_of": self.scenario.as_of.isoformat(), "buyer": self.buyer,
            "seller": self.seller, "threats": self.threats, "markets": self.markets,
            "candidates": self.candidates, "excluded": self.excluded,
            "optimiser": self.solution.to_dict(),
            "exact": None if self.exact is None else self.exact.to_dict(),
            "exact_note": self.exact_note,
            "objective": self.objective, "targets": self.targets,
            "seller_after": self.seller_after, "naked": self.naked,
            "difference": self.difference,
            "valuation": {k: v for k, v in self.valuation.to_dict().items()
                          if k != "allocation_usd"},
            "cross_licence": self.cross_licence, "assumptions": self.assumptions,
            "threat_weights": None if self.threat_weights is None else [
                w.to_dict() for w in self.threat_weights.weights],
            "warnings": self.warnings, "package": self.package, "seconds": self.seconds,
        }


def _candidate_facts(store: Engine, ids: list[str], as_of: dt.date) -> dict[str, dict[str, Any]]:
    from warchest.owners import encumbrances_sql
    from warchest.value import values_on_sql

    day = as_of.isoformat()
    rows = store.rows_with("deal_ids", pa.table({"patent_id": ids}), f"""
        SELECT d.patent_id, p.title, v.remaining_years, v.impact, v.coverage, v.value,
               v.in_force_in, coalesce(e.open_liens, 0) AS open_liens, e.lien_rf_ids,
               coalesce(e.licences, 0) AS licences, e.licence_rf_ids, a.area,
               v.cpc_subclass AS subclass
        FROM deal_ids d
        LEFT JOIN patents p USING (patent_id)
        LEFT JOIN ({values_on_sql(as_of, "deal_ids")}) v USING (patent_id)
        LEFT JOIN ({encumbrances_sql(day)}) e USING (patent_id)
        LEFT JOIN (SELECT pp.patent_id, min(pp.product) AS area FROM patent_products pp
                   JOIN deal_ids USING (patent_id) GROUP BY pp.patent_id) a
               USING (patent_id)""")
    return {r["patent_id"]: r for r in rows}


def _reference_value(store: Engine, as_of: dt.date) -> float:
    from warchest.value import values_on_sql

    got = store.scalar(f"SELECT avg(value) FROM ({values_on_sql(as_of)}) WHERE in_force")
    return float(got or 0.0)


def _areas_of(store: Engine, ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not ids:
        return out
    for r in store.rows_with("area_ids", pa.table({"patent_id": ids}), """
            SELECT a.patent_id, pp.product FROM area_ids a
            JOIN patent_products pp USING (patent_id) ORDER BY a.patent_id, pp.product"""):
        out.setdefault(r["patent_id"], []).append(r["product"])
    return out


def _check_markets(scenario: Scenario) -> None:
    markets = list(scenario.markets)
    missing = [m for m in scenario.in_force_in if m not in markets]
    if missing:
        raise InputError(f"constraints.in_force_in names {missing[0]!r}, which is not a "
                         f"target market ({', '.join(markets)}); add it to markets or "
                         "drop it")


def _add_histories(package: list[dict[str, Any]], histories: dict[str, PatentHistory]
                   ) -> None:
    """Each package row's litigation and PTAB history, in one line (None: none)."""
    for row in package:
        found = histories.get(row["patent_id"])
        row["history"] = history_text(found) if found is not None else None


def _threat_weights(store: Engine, scenario: Scenario, firms: list[Any]
                    ) -> ThreatWeights | None:
    """The threats' weights from their litigation record, when the scenario asks for them
    (``threat_weights: {from: litigation}``); None: the scenario's own weights."""
    if scenario.weights_from != "litigation":
        return None
    from warchest.exposure import market_countries
    from warchest.litigation import litigation_weights

    return litigation_weights(store, [f.entity_id for f in firms[2:]],
                              {m: market_countries(store, m) for m in scenario.markets},
                              scenario.as_of, scenario.half_life_years)


DEAL_STEPS = ("exposure", "candidates", "greedy", "exact", "report")
"""The steps of :func:`plan_deal`, in order (``exact`` only when asked for)."""


def plan_deal(store: Engine, scenario: Scenario, exact: bool | None = None,
              stage: StageFn | None = None) -> DealResult:
    """Choose the package, explain it, price it (the steps are in ``warchest.deal``'s
    docstring); ``stage`` is told
    each step as it starts (:mod:`warchest.progress`)."""
    from warchest.exposure import resolve_firms
    from warchest.status import contains_synthetic

    def step(name: str) -> None:
        report_stage(stage, f"deal: {name}", DEAL_STEPS.index(name) if name != "done"
                     else len(DEAL_STEPS), len(DEAL_STEPS))

    clock: dict[str, float] = {}
    started = tick = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal tick
        clock[name] = time.perf_counter() - tick
        tick = time.perf_counter()

    step("exposure")
    markets = list(scenario.markets)
    names = [scenario.buyer, scenario.seller, *[t.name for t in scenario.threats]]
    firms = resolve_firms(store, names)
    _check_markets(scenario)
    weights = _threat_weights(store, scenario, firms)
    config = ExposureConfig.load(scenario.exposure_config)
    exposures = compute_exposures(store, names, markets, scenario.as_of, config,
                                  products=scenario.products, keep_patents=True,
                                  evidence_per_pair=0)
    lap("exposure")
    step("candidates")
    cands = _Candidates.of(store, scenario, firms, exposures)
    problem = _Problem.of(store, scenario, firms, exposures, cands, weights)
    lap("candidates")
    step("greedy")
    sol = greedy(problem.instance)
    lap("greedy")
    use_exact = scenario.exact if exact is None else exact
    exact_sol: Solution | None = None
    exact_note = "not asked for (optimiser.exact or --exact)"
    n = len(cands.keep)
    if use_exact and n > scenario.exact_max_candidates:
        exact_note = (f"skipped: {n:,} candidates is more than optimiser.exact_max_candidates "
                      f"({scenario.exact_max_candidates:,})")
    elif use_exact:
        step("exact")
        exact_sol = solve_exact(problem.instance, scenario.time_limit_s, start=sol.chosen)
        lap("exact")
        exact_note = (f"{exact_sol.status}: MILP value {exact_sol.value:.6g}, proven upper "
                      f"bound {exact_sol.bound:.6g}")
        if exact_sol.bound is not None and exact_sol.bound > 0:
            sol.bound = exact_sol.bound if sol.bound is None else min(sol.bound,
                                                                      exact_sol.bound)
            sol.gap = (sol.bound - sol.value) / sol.bound
    best = exact_sol if exact_sol is not None and exact_sol.value > sol.value + 1e-12 else sol
    step("report")
    # the reserve fills a package size (a budget alone is not spent on saturated threats)
    reserve = fill_package(problem.instance, best.chosen) \
        if scenario.fill and scenario.size else []
    result = _describe(store, scenario, firms, exposures, cands.keep, cands.facts,
                       cands.rows_in, problem.targets, problem.instance, best,
                       best.chosen + reserve, problem.value, problem.remaining,
                       problem.reference, problem.comparables, problem.params,
                       problem.seller_power, problem.scale_from, problem.record)
    _add_histories(result["package"], problem.histories)
    lap("report")
    clock["total"] = time.perf_counter() - started
    step("done")
    return DealResult(
        scenario=scenario, buyer=firms[0].name, seller=firms[1].name,
        threats=[f.name for f in firms[2:]], markets=markets, candidates=n,
        excluded=cands.excluded, solution=sol, exact=exact_sol, exact_note=exact_note,
        assumptions=problem.notes + result.pop("assumptions"), warnings=problem.notes,
        exposures=exposures, synthetic=scenario.synthetic or contains_synthetic(store),
        seconds=clock, threat_weights=weights, instance=problem.instance,
        candidate_ids=cands.keep, **result)


@dataclass
class _Candidates:
    """The seller's patents in force in some target market that the constraints keep
    (``keep``), each one's row in each market's exposure (``rows_in``), their facts, the
    ones ruled out per reason and the must-include ones."""

    keep: list[str]
    rows_in: dict[str, dict[str, int]]
    facts: dict[str, dict[str, Any]]
    excluded: dict[str, int]
    wanted: set[str]

    @classmethod
    def of(cls, store: Engine, scenario: Scenario, firms: list[Any],
           exposures: dict[str, Exposure]) -> _Candidates:
        rows_in: dict[str, dict[str, int]] = {}
        for m, ex in exposures.items():
            assert ex.patents is not None
            for i in np.flatnonzero(ex.patents.owner == 1).tolist():
                rows_in.setdefault(ex.patents.patent_id[i], {})[m] = i
        ids = sorted(rows_in)
        facts = _candidate_facts(store, ids, scenario.as_of)
        cancelled = _cancelled_of(store, firms[1].members, scenario.as_of)
        excluded = {"claims cancelled at the PTAB": len(cancelled),
                    "not in force in every in_force_in market": 0,
                    "less than min_remaining_years left": 0,
                    "encumbered: open security interest": 0,
                    "encumbered: recorded licence": 0, "must_exclude": 0}
        wanted = set(_normalise(store, scenario.must_include))
        unwanted = set(_normalise(store, scenario.must_exclude))
        unknown = sorted(wanted - set(ids))
        markets = ", ".join(scenario.markets)
        if set(unknown) & cancelled:
            raise InfeasibleDeal(f"must_include patent {sorted(set(unknown) & cancelled)[0]} "
                                 f"lost all its challenged claims at the PTAB by "
                                 f"{scenario.as_of}: it asserts nothing; remove it from "
                                 "must_include")
        if unknown:
            raise InfeasibleDeal(f"must_include patent {unknown[0]} is not an in-force patent "
                                 f"of {firms[1].name} in {markets} on {scenario.as_of}; "
                                 "remove it from must_include")
        keep: list[str] = []
        for pid in ids:
            reason = _ruled_out(scenario, facts.get(pid, {}), rows_in[pid], pid in unwanted)
            if reason:
                if pid in wanted:
                    raise InfeasibleDeal(f"must_include patent {pid} is ruled out: {reason}; "
                                         "remove it from must_include or relax the "
                                         "constraint")
                excluded[reason] += 1
            else:
                keep.append(pid)
        if not keep:
            raise InfeasibleDeal(
                f"no patent of {firms[1].name} is left after the constraints "
                f"({', '.join(f'{k}: {v}' for k, v in excluded.items() if v)}); relax them")
        return cls(keep, rows_in, facts, excluded, wanted)


def _cancelled_of(store: Engine, members: list[str], as_of: dt.date) -> set[str]:
    """The patents the seller's group held on the day whose challenged claims were all
    cancelled at the PTAB by then (they assert nothing, so no exposure counts them)."""
    from warchest.litigation.outcomes import cancelled_sql

    day = as_of.isoformat()
    marks = ", ".join("?" for _ in members)
    return {r["patent_id"] for r in store.rows(f"""
        SELECT DISTINCT o.patent_id FROM ownership o
        JOIN ({cancelled_sql(day)}) x ON x.patent_id = o.patent_id
        WHERE o.entity_id IN ({marks}) AND o.start_date <= DATE '{day}'
          AND (o.end_date IS NULL OR o.end_date > DATE '{day}')""", members)}


def _ruled_out(scenario: Scenario, facts: dict[str, Any], markets: dict[str, int],
               unwanted: bool) -> str | None:
    """Why the constraints rule a candidate out, or None."""
    if any(m not in markets for m in scenario.in_force_in):
        return "not in force in every in_force_in market"
    if float(facts.get("remaining_years") or 0) < scenario.min_remaining_years:
        return "less than min_remaining_years left"
    if scenario.exclude_encumbered and facts.get("open_liens"):
        return "encumbered: open security interest"
    if scenario.exclude_encumbered and facts.get("licences"):
        return "encumbered: recorded licence"
    return "must_exclude" if unwanted else None


@dataclass
class _Problem:
    """The optimiser's instance (gains per candidate and threat x market, today's powers,
    weights, prices, area caps) and what the report needs of it."""

    instance: Instance
    targets: list[tuple[int, str]]
    value: np.ndarray
    remaining: np.ndarray
    reference: float
    comparables: list[Comparable]
    params: ValuationParams
    seller_power: np.ndarray
    scale_from: list[str]
    notes: list[str]
    record: np.ndarray  # each candidate's litigation record factor (valuation)
    histories: dict[str, PatentHistory]  # the candidates with a case or a proceeding

    @classmethod
    def of(cls, store: Engine, scenario: Scenario, firms: list[Any],
           exposures: dict[str, Exposure], cands: _Candidates,
           weights: ThreatWeights | None) -> _Problem:
        keep, rows_in, facts = cands.keep, cands.rows_in, cands.facts
        markets = list(scenario.markets)
        targets = [(t, m) for m in markets for t in range(2, len(firms))]
        n, jn = len(keep), len(targets)
        gains = np.zeros((n, jn))
        base, scale, weight, seller_power = (np.zeros(jn) for _ in range(4))
        # per market: each candidate's row in that market's exposure (those in force there)
        in_market = {m: [(c, rows_in[pid][m]) for c, pid in enumerate(keep)
                         if m in rows_in[pid]] for m in markets}
        for j, (t, m) in enumerate(targets):
            ex = exposures[m]
            assert ex.patents is not None
            if in_market[m]:
                cs, rs = (np.array(x) for x in zip(*in_market[m], strict=True))
                gains[cs, j] = ex.patents.weighted[rs, t]
            base[j] = ex.matrix[0][t]
            scale[j] = ex.matrix[t][0]
            seller_power[j] = ex.matrix[1][t]
            weight[j] = (scenario.threats[t - 2].weight if weights is None
                         else weights.weight(firms[t].entity_id, m)) * scenario.markets[m]
        scale_from, notes = _deterrence_scales(scale, gains, targets, scenario.size,
                                               [f.name for f in firms])
        comparables = read_comparables(scenario.comparables)
        params = ValuationParams(scenario.quality_elasticity,
                                 scenario.reference_remaining_years,
                                 scenario.asserted_premium, scenario.survived_premium)
        reference = _reference_value(store, scenario.as_of)
        value = np.array([float(facts[p].get("value") or 0) for p in keep])
        remaining = np.array([float(facts[p].get("remaining_years") or 0) for p in keep])
        histories = patent_histories(store, keep, scenario.as_of)
        record = record_factors(
            np.array([p in histories and histories[p].asserted > 0 for p in keep], bool),
            np.array([p in histories and histories[p].survived is True for p in keep], bool),
            params)
        cost = price_per_patent(comparables)[1] * patent_factors(value, remaining, reference,
                                                                 params, record)
        area_names = [facts[p].get("area") or "(unmapped)" for p in keep]
        codes = {a: k for k, a in enumerate(sorted(set(area_names)))}
        area = np.array([codes[a] for a in area_names])
        caps: dict[int, int] = {}
        if scenario.max_share_per_area is not None:
            cap = max(1, math.floor(scenario.max_share_per_area * (scenario.size or n)))
            caps = {code: cap for a, code in codes.items() if a != "(unmapped)"}
        must = np.array([keep.index(p) for p in sorted(cands.wanted)], np.int64)
        inst = Instance(gains, base, scale, weight, size=scenario.size,
                        budget=scenario.budget_usd, cost=cost, area=area, area_cap=caps,
                        must=must)
        return cls(inst, targets, value, remaining, reference, comparables, params,
                   seller_power, scale_from, notes, record, histories)


def _deterrence_scales(scale: np.ndarray, gains: np.ndarray, targets: list[tuple[int, str]],
                       size: int | None, names: list[str]) -> tuple[list[str], list[str]]:
    """Fill in, in place, the deterrence scale of each threat x market target whose threat
    has no power against the buyer there, and say where each scale came from. In order:

    1. the threat's own power against the buyer in the market (``threat power``);
    2. else its power against the buyer in the other target markets (the largest):
       it sells the same products there (``its power in M``);
    3. else the median power of the other threats against the buyer (``median threat
       power``);
    4. else **the buyer's need**: the power of the package's even share against that
       target, the sum of the ``size / targets`` largest candidate gains against it, so
       deterrence reaches parity (0.63) when the package holds that share of the best
       patents against it (``the buyer's need``).

    Returns (where each scale came from, one warning per threat x market without power)."""
    own = scale > 0
    source = ["threat power" if ok else "" for ok in own.tolist()]
    warnings: list[str] = []
    share = max(1, (size or gains.shape[0]) // max(1, len(targets)))
    positive = scale[own]
    for j, (t, m) in enumerate(targets):
        if own[j]:
            continue
        same = [(scale[jj], mm) for jj, (tt, mm) in enumerate(targets) if tt == t and own[jj]]
        if same:
            value, market = max(same)
            scale[j], source[j] = value, f"its power in {market}"
        elif len(positive):
            scale[j], source[j] = float(np.median(positive)), "median threat power"
        else:
            top = np.sort(gains[:, j])[::-1][:share]
            need = float(top.sum())
            scale[j] = need if need > 0 else 1.0
            source[j] = ("the buyer's need" if need > 0 else
                         "none: no candidate reads on it either")
        warnings.append(
            f"{names[t]} has no assertable patent against {names[0]} in {m}: its deterrence "
            f"is measured against {scale[j]:.3g} ({source[j]})")
    return source, warnings


def _normalise(store: Engine, numbers: list[str]) -> list[str]:
    from warchest.value import patent_id_of

    return [patent_id_of(store, n) for n in numbers]


def _describe(store: Engine, scenario: Scenario, firms: list[Any],
              exposures: dict[str, Exposure], keep: list[str], facts: dict[str, Any],
              rows_in: dict[str, dict[str, int]], targets: list[tuple[int, str]],
              inst: Instance, sol: Solution, chosen: list[int], value: np.ndarray,
              remaining: np.ndarray, reference: float, comparables: list[Any],
              params: ValuationParams, seller_power: np.ndarray,
              scale_from: list[str], record: np.ndarray) -> dict[str, Any]:
    markets, bought = list(scenario.markets), inst.gains[chosen]
    added = bought.sum(axis=0) if chosen else np.zeros(len(targets))
    g_before = deterrence_curve(inst.base_ratio)
    g_after = inst.per_target(chosen)
    rows = []
    for j, (t, m) in enumerate(targets):
        rows.append({
            "threat": firms[t].name, "market": m, "weight": float(inst.weight[j]),
            "threat_power_against_buyer": float(exposures[m].matrix[t][0]),
            "deterrence_scale": float(inst.scale[j]), "scale_from": scale_from[j],
            "buyer_power_before": float(inst.base[j]),
            "buyer_power_after": float(inst.base[j] + added[j]),
            "ratio_before": float(inst.base[j] / inst.scale[j]),
            "ratio_after": float((inst.base[j] + added[j]) / inst.scale[j]),
            "deterrence_before": float(g_before[j]), "deterrence_after": float(g_after[j]),
            "package_patents_reading_on_threat": int((bought[:, j] > 0).sum()),
            "seller_power_before": float(seller_power[j]),
            "seller_power_after": float(seller_power[j] - added[j]),
        })
    objective = {"before": float(inst.weight @ g_before), "after": float(inst.weight @ g_after),
                 "maximum": float(inst.weight.sum())}
    valuation = value_package(comparables, value[chosen], remaining[chosen], reference, params,
                              record[chosen])
    alloc = valuation.allocation_usd
    if sol.gains:
        gain_of = dict(zip(sol.chosen, sol.gains, strict=True))
    else:  # the MILP's package: the marginal gains in the order greedy would pick it
        sub = Instance(inst.gains[sol.chosen], inst.base, inst.scale, inst.weight,
                       size=len(sol.chosen))
        again = greedy(sub)
        gain_of = {sol.chosen[i]: g for i, g in zip(again.chosen, again.gains, strict=True)}
    package = []
    power = inst.ratio @ inst.weight
    picked = set(sol.chosen)
    order = sorted(range(len(chosen)), key=lambda k: (chosen[k] not in picked,
                                                      -gain_of.get(chosen[k], 0.0),
                                                      -power[chosen[k]]))
    # every explanation the report shows, in one pass per market
    asked: dict[str, list[tuple[int, int]]] = {m: [] for m in markets}
    for k in order[:EXPLAINED]:
        per = inst.gains[chosen[k]]
        j = int(np.argmax(per))
        if per[j] > 0:
            t, m = targets[j]
            asked[m].append((rows_in[keep[chosen[k]]][m], t))
    tops: list[list[int]] = []
    for j, (t, m) in enumerate(targets):
        top = sorted((c for c in chosen if inst.gains[c, j] > 0),
                     key=lambda c: (-inst.gains[c, j], keep[c]))[:DIFFERENCE]
        tops.append(top)
        asked[m] += [(rows_in[keep[c]][m], t) for c in top]
    # the markets' exposures share their evidence rows: one pass for all of them (a
    # patent in force in two markets has the same reasons in both)
    shared: dict[tuple[str, int, int], tuple[int, int]] = {}
    for m, pairs in asked.items():
        sp = exposures[m].patents
        assert sp is not None
        shared.update({(m, i, t): (int(sp.rows[i]), t) for i, t in pairs})
    any_scores = next(iter(exposures.values())).patents
    assert any_scores is not None
    found = any_scores.reasons(shared.values())
    reasons = {key: found[pair] for key, pair in shared.items()}
    for rank, k in enumerate(order):
        c = chosen[k]
        pid = keep[c]
        per = inst.gains[c]
        j = int(np.argmax(per))
        t, m = targets[j]
        why = ""
        if rank < EXPLAINED and per[j] > 0:
            why = reasons[(m, rows_in[pid][m], t)]["why"]
        f = facts[pid]
        package.append({
            "rank": rank + 1, "patent_id": pid, "title": f.get("title"),
            "role": "deters" if c in picked else "reserve",
            "area": f.get("area") or f.get("subclass"),
            "remaining_years": round(float(remaining[c]), 2),
            "in_force_in": f.get("in_force_in"), "value": round(float(value[c]), 4),
            "marginal_gain": round(gain_of.get(c, 0.0), 6),
            "power_added": {f"{firms[tt].name} / {mm}": round(float(per[jj]), 4)
                            for jj, (tt, mm) in enumerate(targets) if per[jj] > 0},
            "strongest_against": f"{firms[t].name} in {m}" if per[j] > 0 else None,
            "price_usd": round(float(alloc[k]), 2), "why": why})
    # the seller's position after the sale
    seller_stock = {m: int(exposures[m].stock[1]) for m in markets}
    sold_in = {m: sum(1 for c in chosen if m in rows_in[keep[c]]) for m in markets}
    seller_after = {
        "in_force_before": seller_stock, "sold": sold_in,
        "in_force_after": {m: seller_stock[m] - sold_in[m] for m in markets},
        "value_sold": float(value[chosen].sum()) if chosen else 0.0,
        "power_given_up": {f"{r['threat']} / {r['market']}": round(
            r["seller_power_before"] - r["seller_power_after"], 4) for r in rows}}
    naked = _naked(store, firms, exposures, targets, [keep[c] for c in chosen], rows_in)
    cross = _cross_licences(scenario, firms, exposures, targets, added)
    after_ex = {m: _after_matrix(ex, targets, added, bought, m) for m, ex in exposures.items()}
    difference = []
    for j, (t, m) in enumerate(targets):
        shown = []
        for c in tops[j]:
            reason = reasons[(m, rows_in[keep[c]][m], t)]
            shown.append({"patent_id": keep[c], "title": reason["title"],
                          "power": round(float(inst.gains[c, j]), 4), "why": reason["why"]})
        difference.append({"threat": firms[t].name, "market": m,
                           "power_added": round(float(added[j]), 4), "patents": shown})
    return {"package": package, "targets": rows, "objective": objective,
            "difference": difference,
            "seller_after": seller_after, "naked": naked, "valuation": valuation,
            "cross_licence": cross, "after": after_ex,
            "assumptions": [
                "deterrence per threat and market = g(buyer's power / threat's power), g the "
                "tangent envelope of 1 - exp(-r) (0.63 at parity, 0.86 at twice)",
                "power = sum of impact x assertion score over assertable in-force patents "
                "(warchest exposure); a bought patent keeps its score against each threat",
                f"cross-licence: royalty rate {scenario.royalty_rate:g} of the payer's "
                "sales in the market (sales 1 where not given: a share of sales)",
                *valuation.assumptions]}


def _cross_licences(scenario: Scenario, firms: list[Any], exposures: dict[str, Exposure],
                    targets: list[tuple[int, str]], added: np.ndarray
                    ) -> list[dict[str, Any]]:
    """The balancing payment between the buyer and each threat, before and after."""
    cross = []
    for j, (t, m) in enumerate(targets):
        ex = exposures[m]
        sales = scenario.sales_usd
        given = scenario.buyer in sales and scenario.threats[t - 2].name in sales
        sa = sales.get(scenario.buyer, {}).get(m, 1.0)
        st = sales.get(scenario.threats[t - 2].name, {}).get(m, 1.0)
        before = balancing_payment(ex.matrix[0][t], ex.matrix[t][0], scenario.royalty_rate,
                                   sa, st)
        after = balancing_payment(ex.matrix[0][t] + float(added[j]), ex.matrix[t][0],
                                  scenario.royalty_rate, sa, st)
        cross.append({"threat": firms[t].name, "market": m,
                      "buyer_sales": sa, "threat_sales": st,
                      "before": _payment_text(before, firms[0].name, firms[t].name,
                                              not given),
                      "after": _payment_text(after, firms[0].name, firms[t].name, not given),
                      "payment_before": -before["payment"],
                      "payment_after": -after["payment"]})
    return cross


def _payment_text(r: dict[str, Any], buyer: str, threat: str, share: bool) -> str:
    if r["payer"] is None:
        return "no balancing payment"
    payer, payee = (threat, buyer) if r["payer"] == "B" else (buyer, threat)
    amount = f"{abs(r['payment']):.2%} of sales" if share else f"${abs(r['payment']):,.0f}"
    return f"{payer} pays {payee} {amount}"


def _after_matrix(ex: Exposure, targets: list[tuple[int, str]], added: np.ndarray,
                  bought: np.ndarray, market: str) -> Exposure:
    """The matrix after the purchase: the package's power and its patents that read on
    each threat (``bought``: the package's gains, a row per patent) move from the seller's
    row (1) to the buyer's (0)."""
    moved = (bought > 0).sum(axis=0)
    matrix = [row[:] for row in ex.matrix]
    assertable = [row[:] for row in ex.assertable]
    for j, (t, m) in enumerate(targets):
        if m == market:
            matrix[0][t] += float(added[j])
            matrix[1][t] = max(0.0, matrix[1][t] - float(added[j]))
            assertable[0][t] += int(moved[j])
            assertable[1][t] = max(0, assertable[1][t] - int(moved[j]))
    return Exposure(ex.firms, ex.market, ex.as_of, matrix, assertable, ex.stock,
                    areas_sold=ex.areas_sold)


def _naked(store: Engine, firms: list[Any], exposures: dict[str, Exposure],
           targets: list[tuple[int, str]], bought: list[str],
           rows_in: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Per threat and market, the product areas where the threat can assert and the buyer
    (before and after) has less than a tenth of that to answer with, and whether the threat
    sells in the area itself (``threat_sells_there``; None when the taxonomy is not
    mapped): where it does not, no patent answers in kind (a patent outside what a
    company sells hardly reads on it) and deterrence has to come from other areas."""
    out = []
    wanted: set[str] = set(bought)
    for ex in exposures.values():
        assert ex.patents is not None
        keep = (ex.patents.owner == 0) | (ex.patents.owner >= 2)
        wanted |= {ex.patents.patent_id[i] for i in np.flatnonzero(keep)}
    areas = _areas_of(store, sorted(wanted))
    for t, m in targets:
        sp = exposures[m].patents
        assert sp is not None
        sold = exposures[m].areas_sold
        theirs: dict[str, float] = {}
        mine: dict[str, float] = {}
        gained: dict[str, float] = {}
        for i in np.flatnonzero((sp.owner == t) & (sp.weighted[:, 0] > 0)).tolist():
            for a in areas.get(sp.patent_id[i], ["(unmapped)"]):
                theirs[a] = theirs.get(a, 0.0) + float(sp.weighted[i, 0])
        for i in np.flatnonzero((sp.owner == 0) & (sp.weighted[:, t] > 0)).tolist():
            for a in areas.get(sp.patent_id[i], ["(unmapped)"]):
                mine[a] = mine.get(a, 0.0) + float(sp.weighted[i, t])
        for pid in bought:
            row = rows_in[pid].get(m)
            if row is not None and sp.weighted[row, t] > 0:
                for a in areas.get(pid, ["(unmapped)"]):
                    gained[a] = gained.get(a, 0.0) + float(sp.weighted[row, t])
        for a, v in sorted(theirs.items(), key=lambda kv: -kv[1]):
            before = mine.get(a, 0.0)
            after = before + gained.get(a, 0.0)
            if before < NAKED_SHARE * v:
                out.append({"threat": firms[t].name, "market": m, "area": a,
                            "threat_power": round(v, 4), "buyer_before": round(before, 4),
                            "buyer_after": round(after, 4),
                            "still_naked": after < NAKED_SHARE * v,
                            "threat_sells_there": None if sold is None else a in sold[t]})
    return out
