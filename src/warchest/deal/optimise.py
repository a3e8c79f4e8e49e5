"""Choosing a patent package: a monotone submodular deterrence objective, greedy and exact.

The buyer wants counter-assertion power against threats ``t`` in markets ``m``. Each pair
``j = (t, m)`` is a *target* with a weight ``w_j`` (threat weight x market weight), the
buyer's power today ``base_j`` and the threat's power against the buyer ``scale_j`` (all
from ``warchest.exposure``: sums of impact x assertion score). Candidate patent ``i`` adds
``A_ij`` (its impact x assertion score against ``t``, 0 when not in force in ``m``).

**Objective** (deterrence, between 0 and the sum of the weights)::

    f(S) = sum_j w_j * g((base_j + sum_{i in S} A_ij) / scale_j)

``g`` is the *deterrence curve*: the piecewise-linear upper envelope of ``1 - exp(-r)``
through its tangents at ``CURVE_POINTS`` (so g(0) = 0, g(1) ~ 0.63 when the buyer matches
the threat, g(2) ~ 0.86, saturating at 1). A concave non-decreasing function of a
non-negative modular function is monotone submodular, and so is a non-negative sum of them
(e.g. Krause & Golovin 2014, "Submodular function maximization", sec. 1.2), so:

- **cardinality** (at most N patents): greedy gets at least (1 - 1/e) of the optimum
  (Nemhauser, Wolsey & Fisher 1978). We also report the data-dependent bound
  OPT <= f(S) + the N largest marginal gains w.r.t. S (Minoux 1978; Leskovec et al. 2007,
  "Cost-effective outbreak detection", eq. 5), usually much tighter;
- **budget** (total price at most B): the better of cost-benefit greedy and the best single
  patent gets at least (1 - 1/e)/2 of the optimum (Khuller, Moss & Naor 1999; Leskovec et
  al. 2007, thm. 2);
- **caps per technology area** (each candidate counted in one area): with a cardinality
  limit the feasible sets form a laminar matroid and greedy gets at least 1/2 (Fisher,
  Nemhauser & Wolsey 1978); the exact MILP measures the real gap.

The **MILP** (HiGHS) is exact for this objective because ``g`` is piecewise linear and
concave: ``y_j <= a_k + b_k * r_j`` for every tangent ``k``, maximise ``sum_j w_j y_j``.

Greedy is *lazy* (Minoux's accelerated greedy): stale marginal gains are upper bounds
(submodularity), so only the candidates whose bound beats the best fresh gain are
re-evaluated, in vectorised batches.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from warchest.errors import (
    InfeasibleDeal,
    InputError,
)

CURVE_POINTS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)
CURVE_A = np.array([1 - math.exp(-r) - math.exp(-r) * r for r in CURVE_POINTS] + [1.0])
CURVE_B = np.array([math.exp(-r) for r in CURVE_POINTS] + [0.0])
GREEDY_BOUND = 1 - 1 / math.e
BUDGET_BOUND = (1 - 1 / math.e) / 2


def deterrence_curve(r: np.ndarray) -> np.ndarray:
    """g(r): the tangent envelope of 1 - exp(-r) (r = counter power / threat power).

    >>> [round(float(v), 3) for v in deterrence_curve(np.array([0.0, 1.0, 2.0, 10.0]))]
    [0.0, 0.632, 0.865, 1.0]
    """
    out: np.ndarray = np.min(CURVE_A + CURVE_B * np.asarray(r, float)[..., None], axis=-1)
    return out


@dataclass
class Instance:
    """A package-selection problem (see the module docstring for the symbols)."""

    gains: np.ndarray          # A: candidates x targets, >= 0
    base: np.ndarray           # buyer's power today per target
    scale: np.ndarray          # threat's power against the buyer per target (> 0)
    weight: np.ndarray         # w_j >= 0
    size: int | None = None    # at most this many patents
    budget: float | None = None
    cost: np.ndarray | None = None       # price per candidate (needed with a budget)
    area: np.ndarray | None = None       # area code per candidate (-1: none)
    area_cap: dict[int, int] = field(default_factory=dict)  # area code -> at most
    must: np.ndarray | list[int] | None = None  # candidates that must be in the package

    def __post_init__(self) -> None:
        self.gains = np.asarray(self.gains, np.float64)
        n, j = self.gains.shape
        self.base = np.asarray(self.base, np.float64).reshape(j)
        self.scale = np.asarray(self.scale, np.float64).reshape(j)
        self.weight = np.asarray(self.weight, np.float64).reshape(j)
        if (self.scale <= 0).any():
            raise InputError("every target's scale (the threat's power) must be > 0")
        if (self.gains < 0).any() or (self.weight < 0).any() or (self.base < 0).any():
            raise InputError("gains, weights and base power must be >= 0")
        if self.size is None and self.budget is None:
            raise InputError("a package needs a size, a budget or both")
        if self.budget is not None and self.cost is None:
            raise InputError("a budget needs a price per candidate")
        if self.cost is not None:
            self.cost = np.asarray(self.cost, np.float64).reshape(n)
        self.required: np.ndarray = np.zeros(0, np.int64) if self.must is None else \
            np.unique(np.asarray(self.must, np.int64))
        self.ratio = self.gains / self.scale       # A / scale
        self.base_ratio = self.base / self.scale

    @property
    def n(self) -> int:
        return int(self.gains.shape[0])

    def value(self, chosen: np.ndarray | list[int]) -> float:
        """f(S)."""
        idx = np.asarray(chosen, np.int64)
        r = self.base_ratio + self.ratio[idx].sum(axis=0)
        return float(self.weight @ deterrence_curve(r))

    def per_target(self, chosen: np.ndarray | list[int]) -> np.ndarray:
        """g per target after adding ``chosen``."""
        idx = np.asarray(chosen, np.int64)
        out: np.ndarray = deterrence_curve(self.base_ratio + self.ratio[idx].sum(axis=0))
        return out

    def feasible(self, chosen: np.ndarray | list[int]) -> bool:
        idx = np.asarray(chosen, np.int64)
        if len(set(idx.tolist())) != len(idx):
            return False
        if self.size is not None and len(idx) > self.size:
            return False
        if self.budget is not None and self.cost is not None \
                and self.cost[idx].sum() > self.budget * (1 + 1e-9):
            return False
        if self.area is not None:
            for code, cap in self.area_cap.items():
                if int((self.area[idx] == code).sum()) > cap:
                    return False
        return bool(np.isin(self.required, idx).all())


@dataclass
class Solution:
    method: str
    chosen: list[int]            # candidate indices, in the order they were picked
    value: float
    gains: list[float]           # marginal gain of each pick when picked
    seconds: float
    bound: float | None = None   # an upper bound on the optimum
    guarantee: str = ""
    gap: float | None = None     # (bound - value) / bound
    status: str = "optimal"

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "patents": len(self.chosen),
                "value": round(self.value, 6),
                "upper_bound": None if self.bound is None else round(self.bound, 6),
                "gap": None if self.gap is None else round(self.gap, 6),
                "guarantee": self.guarantee, "status": self.status,
                "seconds": round(self.seconds, 3)}


def _gains_of(inst: Instance, rows: np.ndarray, current: np.ndarray, now: np.ndarray
              ) -> np.ndarray:
    """Marginal gains of candidates ``rows`` given the current ratios (g(current) = now)."""
    after = deterrence_curve(current + inst.ratio[rows])
    out: np.ndarray = (after - now) @ inst.weight
    return out


def greedy(inst: Instance, batch: int = 64) -> Solution:
    """Lazy greedy: cost-benefit with a budget (plus the best single patent), plain
    otherwise; area caps and must-includes respected."""
    started = time.perf_counter()
    n = inst.n
    cost = inst.cost if inst.cost is not None else np.ones(n)
    by_cost = inst.budget is not None
    chosen, picked_gains = _start(inst)
    current = inst.base_ratio + inst.ratio[chosen].sum(axis=0)
    now = deterrence_curve(current)
    spent = float(cost[chosen].sum())
    used = _area_use(inst, chosen)
    open_ = np.ones(n, bool)
    open_[chosen] = False
    gain = _gains_of(inst, np.arange(n), current, now)
    bound = np.where(open_, gain / (cost if by_cost else 1.0), -np.inf)
    limit = inst.size if inst.size is not None else n
    while len(chosen) < limit:
        fits = open_ & _fits(inst, cost, spent, used)
        if not fits.any():
            break
        bound = np.where(fits, bound, -np.inf)
        while True:
            top = np.argpartition(-bound, min(batch, n - 1))[: batch + 1] if n > batch + 1 \
                else np.arange(n)
            top = top[np.argsort(-bound[top])]
            head, rest = top[:batch], top[batch:]
            head = head[np.isfinite(bound[head])]
            fresh = _gains_of(inst, head, current, now)
            bound[head] = fresh / (cost[head] if by_cost else 1.0)
            top_value = bound[head].max()
            best = int(head[bound[head] == top_value].min())  # ties: the lowest index
            next_bound = bound[rest[0]] if len(rest) and np.isfinite(bound[rest[0]]) \
                else -np.inf
            if top_value > next_bound:
                break
            if top_value == next_bound:  # a tie with stale bounds: settle them all
                tied = np.flatnonzero(bound >= top_value)
                bound[tied] = _gains_of(inst, tied, current, now) / (
                    cost[tied] if by_cost else 1.0)
                top_value = bound[tied].max()
                best = int(tied[bound[tied] == top_value].min())
                break
        g = float(_gains_of(inst, np.array([best]), current, now)[0])
        if g <= 0:
            break
        chosen.append(int(best))
        picked_gains.append(g)
        current = current + inst.ratio[best]
        now = deterrence_curve(current)
        spent += float(cost[best])
        if inst.area is not None and inst.area[best] in inst.area_cap:
            used[int(inst.area[best])] = used.get(int(inst.area[best]), 0) + 1
        open_[best] = False
        bound[best] = -np.inf
    value = inst.value(chosen)
    sol = Solution("greedy", chosen, value, picked_gains, 0.0)
    if by_cost:
        sol = _best_single(inst, sol, cost)
        sol.guarantee = ("(1 - 1/e)/2 = 0.316 of the optimum (budget: the better of "
                         "cost-benefit greedy and the best single patent)")
    elif inst.area_cap:
        sol.guarantee = "1/2 of the optimum (cardinality with caps per area: a matroid)"
    else:
        sol.guarantee = f"(1 - 1/e) = {GREEDY_BOUND:.3f} of the optimum (cardinality)"
        sol.bound = _online_bound(inst, sol.chosen, limit - len(inst.required))
        sol.gap = (sol.bound - sol.value) / sol.bound if sol.bound > 0 else 0.0
    sol.seconds = time.perf_counter() - started
    return sol


def _start(inst: Instance) -> tuple[list[int], list[float]]:
    chosen: list[int] = []
    gains: list[float] = []
    for i in inst.required.tolist():
        before = inst.value(chosen)
        chosen.append(int(i))
        gains.append(inst.value(chosen) - before)
    if not inst.feasible(chosen):
        raise InfeasibleDeal("the must-include patents alone break the package's size, "
                             "budget or area limits; drop some or raise the limits")
    return chosen, gains


def _area_use(inst: Instance, chosen: list[int]) -> dict[int, int]:
    if inst.area is None:
        return {}
    return {code: int((inst.area[chosen] == code).sum()) for code in inst.area_cap}


def _fits(inst: Instance, cost: np.ndarray, spent: float, used: dict[int, int]
          ) -> np.ndarray:
    ok = np.ones(inst.n, bool)
    if inst.budget is not None:
        ok &= cost <= inst.budget - spent + 1e-9 * max(1.0, inst.budget)
    if inst.area is not None:
        for code, cap in inst.area_cap.items():
            if used.get(code, 0) >= cap:
                ok &= inst.area != code
    return ok


def _best_single(inst: Instance, sol: Solution, cost: np.ndarray) -> Solution:
    """The best single affordable patent (with the must-includes), if it beats greedy."""
    base, _ = _start(inst)
    spent = float(cost[base].sum())
    ok = _fits(inst, cost, spent, _area_use(inst, base))
    ok[base] = False
    if not ok.any():
        return sol
    current = inst.base_ratio + inst.ratio[base].sum(axis=0)
    rows = np.flatnonzero(ok)
    gain = _gains_of(inst, rows, current, deterrence_curve(current))
    best = int(rows[int(np.argmax(gain))])
    single = inst.value([*base, best])
    if single > sol.value:
        return Solution("best single patent", [*base, best],
                        single, [*[0.0] * len(base), float(gain.max())], 0.0)
    return sol


def _online_bound(inst: Instance, chosen: list[int], k: int) -> float:
    """OPT <= f(S) + sum of the k largest marginal gains w.r.t. S (submodularity)."""
    current = inst.base_ratio + inst.ratio[chosen].sum(axis=0)
    now = deterrence_curve(current)
    rest = np.setdiff1d(np.arange(inst.n), np.asarray(chosen, np.int64))
    if k <= 0 or len(rest) == 0:
        return inst.value(chosen)
    gain = _gains_of(inst, rest, current, now)
    top = np.sort(gain)[::-1][:k]
    return inst.value(chosen) + float(top[top > 0].sum())


def solve_exact(inst: Instance, time_limit: float = 60.0, start: list[int] | None = None,
                mip_gap: float = 1e-6) -> Solution:
    """The MILP with HiGHS; ``start`` (e.g. greedy's package) is given as an incumbent.
    Reports HiGHS's dual bound, so ``gap`` is the proven distance to the optimum."""
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a dependency
        raise InputError("the exact optimiser needs HiGHS: pip install highspy") from None
    started = time.perf_counter()
    n, jn = inst.gains.shape
    k = len(CURVE_A)
    h = _quiet(highspy.Highs)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("random_seed", 1)
    inf = highspy.kHighsInf
    lower = np.zeros(n + jn)
    lower[inst.required] = 1.0
    upper = np.concatenate([np.ones(n), np.ones(jn)])
    cost_vec = np.concatenate([np.zeros(n), inst.weight])
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.addCols(n + jn, cost_vec, lower, upper, 0, np.zeros(0, np.int32),
              np.zeros(0, np.int32), np.zeros(0))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * n))
    # y_j - b_k * sum_i R_ij x_i <= a_k + b_k * base_j
    ratio = inst.ratio
    for j in range(jn):
        nz = np.flatnonzero(ratio[:, j] > 0).astype(np.int32)
        for kk in range(k):
            b = float(CURVE_B[kk])
            idx = np.concatenate([nz, np.array([n + j], np.int32)]) if b > 0 \
                else np.array([n + j], np.int32)
            val = np.concatenate([-b * ratio[nz, j], [1.0]]) if b > 0 else np.array([1.0])
            h.addRow(-inf, float(CURVE_A[kk] + b * inst.base_ratio[j]), len(idx), idx, val)
    every = np.arange(n, dtype=np.int32)
    if inst.size is not None:
        h.addRow(-inf, float(inst.size), n, every, np.ones(n))
    if inst.budget is not None and inst.cost is not None:
        h.addRow(-inf, float(inst.budget), n, every, inst.cost)
    if inst.area is not None:
        for code, cap in inst.area_cap.items():
            idx = np.flatnonzero(inst.area == code).astype(np.int32)
            if len(idx):
                h.addRow(-inf, float(cap), len(idx), idx, np.ones(len(idx)))
    if start is not None:
        x = np.zeros(n + jn)
        x[start] = 1.0
        x[n:] = inst.per_target(start)
        sol0 = highspy.HighsSolution()
        sol0.col_value = x.tolist()
        sol0.value_valid = True
        h.setSolution(sol0)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if h.getInfo().primal_solution_status == 0:
        raise InfeasibleDeal(f"the exact optimiser found no feasible package ({status})")
    values = np.asarray(h.getSolution().col_value[:n])
    chosen = [int(i) for i in np.flatnonzero(values > 0.5)]
    value = inst.value(chosen)
    info = h.getInfo()
    bound = float(info.mip_dual_bound)
    bound = max(bound, value)
    gap = (bound - value) / bound if bound > 0 else 0.0
    return Solution("MILP (HiGHS)", chosen, value, [], time.perf_counter() - started,
                    bound=bound, gap=gap, guarantee="exact up to the reported gap",
                    status=status)


def fill_package(inst: Instance, chosen: list[int]) -> list[int]:
    """Candidates to add once deterrence is saturated (every marginal gain is 0): a reserve,
    since asserted patents are often challenged, balanced across the threat x market
    targets. Each step serves the target with the fewest package patents reading on it per
    unit of weight (``count_j / w_j``; ties: the lowest target), adding its strongest open
    candidate (largest ``A_ij / scale_j``; ties: more weighted power over all targets,
    then the lowest index) within the size, budget and area limits; a target with no
    candidate left drops out. Patents with no power against any threat are never added,
    and one threat's patents never crowd out another's."""
    cost = inst.cost if inst.cost is not None else np.ones(inst.n)
    limit = inst.size if inst.size is not None else inst.n
    power = inst.ratio @ inst.weight
    taken = np.zeros(inst.n, bool)
    taken[chosen] = True
    spent = float(cost[chosen].sum()) if chosen else 0.0
    used = _area_use(inst, chosen)
    reads = inst.ratio > 0
    count = reads[chosen].sum(axis=0).astype(float) if chosen else np.zeros(inst.ratio.shape[1])
    live = (inst.weight > 0) & reads.any(axis=0)
    # each target's candidates, strongest first; a pointer walks each list once
    order = [np.lexsort((np.arange(inst.n), -power, -inst.ratio[:, j]))[
        : int(reads[:, j].sum())] for j in range(inst.ratio.shape[1])]
    at = [0] * len(order)
    added: list[int] = []
    while len(chosen) + len(added) < limit and live.any():
        need = np.where(live, count / np.where(inst.weight > 0, inst.weight, 1.0), np.inf)
        j = int(np.argmin(need))
        pick = -1
        while at[j] < len(order[j]):
            i = int(order[j][at[j]])
            at[j] += 1
            if taken[i]:
                continue
            if inst.budget is not None and spent + cost[i] > inst.budget * (1 + 1e-9):
                continue  # spending only grows: it never fits later
            code = int(inst.area[i]) if inst.area is not None else -1
            if code in inst.area_cap and used.get(code, 0) >= inst.area_cap[code]:
                continue  # likewise for a full area
            pick = i
            break
        if pick < 0:
            live[j] = False
            continue
        added.append(pick)
        taken[pick] = True
        spent += float(cost[pick])
        count += reads[pick]
        code = int(inst.area[pick]) if inst.area is not None else -1
        if code in inst.area_cap:
            used[code] = used.get(code, 0) + 1
    return added


def _quiet(make: Any) -> Any:
    """Call ``make`` with the process's stdout closed (HiGHS prints a banner from C++ when
    it starts, before any option can turn output off)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return make()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def brute_force(inst: Instance) -> tuple[list[int], float]:
    """Every feasible package (tiny instances only: tests)."""
    if inst.n > 20:
        raise InputError("brute force is for at most 20 candidates")
    best: tuple[list[int], float] = ([], inst.value([]))
    limit = inst.size if inst.size is not None else inst.n
    for r in range(limit + 1):
        for combo in combinations(range(inst.n), r):
            if inst.feasible(list(combo)):
                v = inst.value(list(combo))
                if v > best[1] + 1e-12:
                    best = (list(combo), v)
    return best
