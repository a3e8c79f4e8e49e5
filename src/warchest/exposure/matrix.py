"""The exposure matrix: every holder x target score in one pass per market, from the
evidence tables."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from warchest.errors import (
    InputError,
    NotComputed,
)
from warchest.exposure.config import NO_PRODUCTS, ExposureConfig
from warchest.exposure.evidence import (
    _area_sql,
    _citation_sql,
    _citing_sql,
    _Cpc,
    _cpc_proximity,
    _profile_sql,
    _remembered,
    _stock_sql,
    _subgroup_sql,
    _sum_by,
)
from warchest.exposure.firms import _members_table, _products_of, market_countries, resolve_firms
from warchest.exposure.results import Exposure, Firm, PatentScores, _explain_once
from warchest.exposure.text import embed
from warchest.progress import StageFn, report_stage
from warchest.store import Engine


class _Clock:
    """Seconds spent per step (reported with the result, read by bench/exposure.py), and
    each step told to ``stage`` as it starts."""

    STEPS = ("stock and profiles", "cpc", "subgroups", "citations", "embeddings", "text",
             "product areas", "scores", "evidence details")

    def __init__(self, stage: StageFn | None = None) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()
        self._stage = stage

    def start(self, step: str) -> None:
        report_stage(self._stage, f"exposure: {step}", self.STEPS.index(step),
                     len(self.STEPS))

    def mark(self, step: str, following: str | None = None) -> None:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._last
        self._last = now
        if following is not None:
            self.start(following)
        elif step == self.STEPS[-1]:
            report_stage(self._stage, "exposure: done", len(self.STEPS), len(self.STEPS))


def compute_exposure(store: Engine, names: list[str], market: str = "US",
                     as_of: dt.date | None = None, config: ExposureConfig | None = None,
                     text_method: str = "auto", evidence_per_pair: int = 5,
                     evidence_by: str = "weighted", products: Path | None = None,
                     keep_patents: bool = False, stage: StageFn | None = None) -> Exposure:
    """The exposure matrix of the named firms (each as its corporate group) in one market
    (``compute_exposures`` of one market; its docstring has the options)."""
    return compute_exposures(store, names, [market], as_of, config, text_method,
                             evidence_per_pair, evidence_by, products,
                             keep_patents, stage)[market.strip().upper()]


def compute_exposures(store: Engine, names: list[str], markets: list[str],
                      as_of: dt.date | None = None, config: ExposureConfig | None = None,
                      text_method: str = "auto", evidence_per_pair: int = 5,
                      evidence_by: str = "weighted", products: Path | None = None,
                      keep_patents: bool = False,
                      stage: StageFn | None = None) -> dict[str, Exposure]:
    """The exposure matrices of the named firms (each as its corporate group), one per
    market, from one pass over the evidence: every evidence but the stock is the same in
    each market, so it is computed once for the patents in force in any of them.

    ``evidence_per_pair``: how many patents to explain per pair, the strongest by
    ``evidence_by``: ``weighted`` (impact x score, what the exposure sums) or ``score``
    (the assertion score alone: the patents most likely to read on the target).
    ``products``: a CSV of the product areas companies sell in (``company,product``);
    firms it lists are active in those areas, the others where their patents are.
    ``keep_patents``: also return every patent's contribution (``Exposure.patents``).
    ``stage``: told each step as it starts (:mod:`warchest.progress`)."""
    cfg = config or ExposureConfig.load()
    as_of = as_of or dt.date.today()
    if len(names) < 2:
        raise InputError("exposure needs at least two firms, e.g. --firms A,B")
    if evidence_by not in ("weighted", "score"):
        raise InputError(f"evidence_by {evidence_by!r} is not one of: weighted, score")
    if not store.scalar("SELECT count(*) > 0 FROM patent_markets"):
        raise NotComputed
    wanted = list(dict.fromkeys(m.strip().upper() for m in markets))
    if not wanted:
        raise InputError("exposure needs a market, e.g. US")
    clock = _Clock(stage)
    ev = _Evidence.gather(store, resolve_firms(store, names), wanted, as_of, cfg,
                          text_method, products, clock)
    explain_rows = _explainer(store, ev)
    shown = [_strongest(ev, m, evidence_per_pair, evidence_by) for m in range(len(wanted))]
    # a patent in force in several markets is explained once
    reasons = _explain_once(explain_rows, [(i, b) for rows, pairs in shown
                                           for i, _, b in pairs])
    out = {market: _market_exposure(ev, market, rows, pairs, reasons, as_of, clock,
                                    explain_rows if keep_patents else None)
           for market, (rows, pairs) in zip(wanted, shown, strict=True)}
    clock.mark("evidence details")
    return out


@dataclass
class _Evidence:
    """Every stock patent (in force in any of the markets; row ``i``) against every firm
    (column ``b``): each evidence, the factors of the product areas, the score and what
    the patent adds to the firm's exposure (``weighted``)."""

    firms: list[Firm]
    day: str
    stock_q: pa.Table
    stock_ids: list[str]
    owner: np.ndarray
    impact: np.ndarray
    members: pa.Table
    cpc: _Cpc
    subgroup: np.ndarray
    lead_of: Callable[[int, int], tuple[str, int] | None]
    n_ex: np.ndarray
    n_ap: np.ndarray
    cite: np.ndarray
    text: np.ndarray
    sims: np.ndarray
    method: str
    areas: _Areas
    score: np.ndarray
    ok: np.ndarray
    weighted: np.ndarray
    """What each patent adds to each firm's exposure: impact x score when assertable."""

    @property
    def scored(self) -> np.ndarray:
        """The score where assertable, else 0."""
        out: np.ndarray = self.score * self.ok
        return out

    @classmethod
    def gather(cls, store: Engine, firms: list[Firm], markets: list[str], as_of: dt.date,
               cfg: ExposureConfig, text_method: str, products: Path | None,
               clock: _Clock) -> _Evidence:
        day = as_of.isoformat()
        k = len(firms)
        countries = [market_countries(store, m) for m in markets]
        members = _members_table(firms)
        clock.start("stock and profiles")
        stock_q = _remembered(store, {"firm_members": members}, _stock_sql(day, countries))
        recent_q = _remembered(store, {"firm_members": members},
                               _profile_sql(day, cfg.profile_years))
        n = stock_q.num_rows
        owner = stock_q.column("firm").to_numpy().astype(np.int64)
        impact = stock_q.column("impact").to_numpy().astype(np.float32)
        stock_ids = stock_q.column("patent_id").to_pylist()
        stock = pa.table({"idx": pa.array(np.arange(n), pa.int64()),
                          "firm": pa.array(owner, pa.int32()), "patent_id": stock_ids,
                          "lead_symbol": stock_q.column("lead_symbol"),
                          "lead_group": stock_q.column("lead_group")})
        recent = recent_q.select(["firm", "patent_id"])
        tables = {"stock": stock, "recent": recent, "firm_members": members}
        clock.mark("stock and profiles", "cpc")
        cpc = _cpc_proximity(store, tables, n, k)
        clock.mark("cpc", "subgroups")
        subgroup, lead_of = _subgroup_evidence(store, tables, n, k)
        clock.mark("subgroups", "citations")
        n_ex, n_ap = _citation_counts(store, tables, day, n, k)
        cite = 1 - np.exp(-(cfg.examiner * n_ex + cfg.applicant * n_ap) / cfg.scale)
        clock.mark("citations", "embeddings")
        # text: each stock patent against each firm's recent-patent centroid
        stock_vectors, method = embed(store, stock, text_method)
        recent_vectors, _ = embed(store, recent, text_method)
        clock.mark("embeddings", "text")
        sims = _centroid_similarity(stock_vectors, recent_vectors,
                                    recent.column("firm").to_numpy().astype(np.int64), k)
        text = np.clip((sims - cfg.text_floor) / (1 - cfg.text_floor), 0, 1)
        clock.mark("text", "product areas")
        areas = _Areas.of(store, tables, firms, products, cfg, cpc, n)
        clock.mark("product areas", "scores")
        technology = cfg.w_cpc * cpc.proximity + cfg.w_subgroup * subgroup + cfg.w_text * text
        score = np.clip(cfg.w_citation * cite * areas.cite_factor
                        + technology * areas.area_factor, 0, 1)
        if n:
            score[np.arange(n), owner] = 0.0  # a firm is never exposed to itself
        ok = score >= cfg.min_score
        weighted = impact[:, None] * score * ok
        clock.mark("scores", "evidence details")
        return cls(firms, day, stock_q, stock_ids, owner, impact, members, cpc, subgroup,
                   lead_of, n_ex, n_ap, cite, text, sims, method, areas, score, ok, weighted)


def _subgroup_evidence(store: Engine, tables: dict[str, pa.Table], n: int, k: int
                       ) -> tuple[np.ndarray, Callable[[int, int], tuple[str, int] | None]]:
    """The subgroup evidence per (stock row, firm), and the leading subgroup behind it
    (its symbol and how many of the firm's recent patents lead with it)."""
    subgroup = np.zeros((n, k), np.float32)
    got = _remembered(store, tables, _subgroup_sql())
    at = (got.column("idx").to_numpy(), got.column("target").to_numpy())
    subgroup[at] = got.column("subgroup").to_numpy()
    lead_key = at[0].astype(np.int64) * k + at[1]
    lead_order = np.argsort(lead_key, kind="stable")
    lead_key = lead_key[lead_order]
    lead_rows = got.select(["symbol", "n"]).take(pa.array(lead_order))

    def lead_of(i: int, b: int) -> tuple[str, int] | None:
        j = int(np.searchsorted(lead_key, i * k + b))
        if j < len(lead_key) and lead_key[j] == i * k + b:
            return (lead_rows.column("symbol")[j].as_py(), lead_rows.column("n")[j].as_py())
        return None

    return subgroup, lead_of


def _citation_counts(store: Engine, tables: dict[str, pa.Table], day: str, n: int, k: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Per (stock row, firm): the firm's patents citing it, by the examiner and by the
    applicant."""
    n_ex = np.zeros((n, k), np.float32)
    n_ap = np.zeros((n, k), np.float32)
    got = _remembered(store, tables, _citation_sql(day))
    at = (got.column("idx").to_numpy(), got.column("target").to_numpy())
    n_ex[at] = got.column("examiner").to_numpy()
    n_ap[at] = got.column("applicant").to_numpy()
    return n_ex, n_ap


def _centroid_similarity(stock_vectors: np.ndarray, recent_vectors: np.ndarray,
                         recent_firm: np.ndarray, k: int) -> np.ndarray:
    """The cosine of each stock patent's text vector with each firm's recent-patent
    centroid."""
    centroids = _sum_by(recent_firm, recent_vectors, k)
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    centroids = (centroids / np.where(norms == 0, 1.0, norms)).astype(np.float32)
    if not len(stock_vectors):
        return np.zeros((0, k), np.float32)
    sims: np.ndarray = (stock_vectors @ centroids.T).astype(np.float32)
    return sims


@dataclass
class _Areas:
    """How the product areas scale the evidence: the technology evidence (CPC, subgroup,
    text) by ``area_factor``, the citations by ``cite_factor``; both 1 inside the target's
    active areas, and 1 everywhere when the taxonomy is not mapped (``names`` empty)."""

    area_factor: np.ndarray
    cite_factor: np.ndarray
    names: list[str]
    has: np.ndarray
    sells: np.ndarray
    unmapped: np.ndarray

    @property
    def mapped(self) -> bool:
        return bool(self.names)

    @classmethod
    def of(cls, store: Engine, tables: dict[str, pa.Table], firms: list[Firm],
           products: Path | None, cfg: ExposureConfig, cpc: _Cpc, n: int) -> _Areas:
        """Outside the target's active areas technology evidence counts ``outside`` of
        itself; a patent in no mapped area is judged by CPC overlap instead (in when it
        shares a main group with the target's recent patents). Only when the taxonomy is
        mapped."""
        k = len(firms)
        ones = np.ones((n, k), np.float32)
        if not store.scalar("SELECT count(*) > 0 FROM patent_products"):
            return cls(ones, ones, [], np.zeros((n, 0), np.float32),
                       np.zeros((k, 0), np.float32), np.zeros(n, bool))
        known = _products_of(store, products, firms) if products else pa.table(
            {"firm": pa.array([], pa.int32()), "product": pa.array([], pa.string())})
        stock_sql, active_sql = _area_sql(cfg.active_share)
        mine = _remembered(store, tables, stock_sql)
        active = _remembered(store, {**tables, "known_areas": known}, active_sql)
        names = sorted(set(mine.column("product").to_pylist())
                       | set(active.column("product").to_pylist()))
        code = {a: j for j, a in enumerate(names)}
        has = np.zeros((n, len(names)), np.float32)
        has[mine.column("idx").to_numpy(),
            [code[a] for a in mine.column("product").to_pylist()]] = 1.0
        sells = np.zeros((k, len(names)), np.float32)
        sells[active.column("firm").to_numpy(),
              [code[a] for a in active.column("product").to_pylist()]] = 1.0
        # outside the target's areas: cfg.outside, or cfg.outside_known when the products
        # file says what the target sells (then a patent outside all of it cannot read on it)
        listed = np.zeros(k, bool)
        listed[np.unique(known.column("firm").to_numpy()).astype(np.int64)] = True
        outside = np.where(listed, cfg.outside_known, cfg.outside).astype(np.float32)
        unmapped = has.sum(axis=1) == 0
        # the fallback to CPC overlap is for targets whose products are inferred: what a
        # products file lists is in taxonomy areas, and an unmapped patent is in none
        inside = has @ sells.T > 0
        if unmapped.any() and not listed.all():
            inside |= unmapped[:, None] & ~listed[None, :] & cpc.active(
                cfg.active_share, n, unmapped)
        cited = np.where(listed, cfg.cited_outside_known, cfg.cited_outside).astype(np.float32)
        return cls(np.where(inside, np.float32(1.0), outside[None, :]),
                   np.where(inside, np.float32(1.0), cited[None, :]), names, has, sells,
                   unmapped)

    def sold(self) -> list[list[str]] | None:
        """Each firm's active product areas; None when the taxonomy is not mapped."""
        if not self.mapped:
            return None
        return [[a for j, a in enumerate(self.names)
                 if self.sells[b, j] and a != NO_PRODUCTS] for b in range(len(self.sells))]

    def shared(self, i: int, b: int) -> str | None:
        """The areas patent row ``i`` is in that firm ``b`` is active in."""
        if not self.mapped:
            return None
        return ", ".join(a for j, a in enumerate(self.names)
                         if self.has[i, j] and self.sells[b, j])


def _explainer(store: Engine, ev: _Evidence
               ) -> Callable[[list[tuple[int, int]]], list[dict[str, Any]]]:
    """The reasons of (stock row, target) pairs, in one query for the titles and one for
    the citing patents."""
    def explain_rows(rows: list[tuple[int, int]]) -> list[dict[str, Any]]:
        titles: dict[str, str | None] = {}
        if rows:  # remembered until the store changes, as every evidence query here
            got = _remembered(
                store, {"shown": pa.table({"patent_id": [ev.stock_ids[i] for i, _ in rows]})},
                "SELECT DISTINCT p.patent_id, p.title FROM shown s "
                "JOIN patents p USING (patent_id)")
            titles = dict(zip(got.column("patent_id").to_pylist(),
                              got.column("title").to_pylist(), strict=True))
        cited = [(i, b) for i, b in rows if ev.n_ex[i, b] + ev.n_ap[i, b] > 0]
        citing: dict[tuple[int, int], str] = {}
        if cited:
            got = _remembered(store, {"pairs": pa.table({
                "idx": pa.array([i for i, _ in cited], pa.int64()),
                "target": pa.array([b for _, b in cited], pa.int32()),
                "patent_id": [ev.stock_ids[i] for i, _ in cited]}),
                "firm_members": ev.members}, _citing_sql(ev.day))
            citing = dict(zip(zip(got.column("idx").to_pylist(),
                                  got.column("target").to_pylist(), strict=True),
                              got.column("citing").to_pylist(), strict=True))
        out = []
        for i, b in rows:
            lead = ev.lead_of(i, b)
            areas = ev.areas
            detail = {"areas": areas.shared(i, b), "mapped": areas.mapped,
                      "unmapped": bool(areas.mapped and areas.unmapped[i]),
                      "area_factor": float(areas.area_factor[i, b]),
                      "cite_factor": float(areas.cite_factor[i, b]),
                      "title": titles.get(ev.stock_ids[i]), "citing": citing.get((i, b)),
                      "groups": ev.cpc.shared(i, b),
                      "lead": f"{lead[0]} ({lead[1]} of its recent patents lead with it)"
                      if lead else None}
            out.append(_explain_row(
                ev.stock_ids[i], detail, ev.firms[b].name, float(ev.impact[i]),
                float(ev.score[i, b]), float(ev.cite[i, b]), float(ev.cpc.proximity[i, b]),
                float(ev.subgroup[i, b]), float(ev.text[i, b]), float(ev.sims[i, b]),
                int(ev.n_ex[i, b]), int(ev.n_ap[i, b])))
        return out

    return explain_rows


def _strongest(ev: _Evidence, market: int, per_pair: int, by: str
               ) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """The stock rows in force in the market, and the (row, holder, target) triples to
    explain: per pair, the ``per_pair`` strongest assertable patents ``by`` weighted score
    or by score."""
    rows = np.flatnonzero(ev.stock_q.column(f"in_{market}").to_numpy(zero_copy_only=False))
    k = len(ev.firms)
    mine_owner = ev.owner[rows]
    ranked = ev.weighted if by == "weighted" else ev.scored
    shown: list[tuple[int, int, int]] = []
    for a in range(k):
        mine = rows[mine_owner == a]
        for b in range(k):
            if a == b or len(mine) == 0:
                continue
            key = ranked[mine, b]
            order = mine[np.argsort(-key, kind="stable")[:per_pair]]
            shown += [(int(i), a, b) for i in order if ev.ok[i, b]]
    return rows, shown


def _market_exposure(ev: _Evidence, market: str, rows: np.ndarray,
                     shown: list[tuple[int, int, int]],
                     reasons: dict[tuple[int, int], dict[str, Any]], as_of: dt.date,
                     clock: _Clock,
                     explain_rows: Callable[[list[tuple[int, int]]], list[dict[str, Any]]]
                     | None) -> Exposure:
    """One market's matrix (sum of the weighted scores of each holder's patents in force
    there), assertable counts, stock and evidence rows."""
    k = len(ev.firms)
    mine_owner = ev.owner[rows]
    mine_weighted = ev.weighted[rows]
    matrix = _sum_by(mine_owner, mine_weighted.astype(np.float64), k)
    assertable = _sum_by(mine_owner, ev.ok[rows].astype(np.int64), k)
    np.fill_diagonal(matrix, 0.0)
    np.fill_diagonal(assertable, 0)
    counts = np.bincount(mine_owner, minlength=k) if len(rows) else np.zeros(k, np.int64)
    evidence: dict[tuple[int, int], list[dict[str, Any]]] = {
        (a, b): [] for a in range(k) for b in range(k) if a != b}
    for i, a, b in shown:
        evidence[(a, b)].append(dict(reasons[(i, b)]))
    kept = PatentScores([ev.stock_ids[i] for i in rows.tolist()], mine_owner, ev.impact[rows],
                        ev.scored[rows], mine_weighted.astype(np.float32), rows,
                        explain_rows) if explain_rows is not None else None
    return Exposure(ev.firms, market, as_of, matrix.tolist(), assertable.tolist(),
                    [int(c) for c in counts], evidence, ev.method, clock.seconds, kept,
                    ev.areas.sold())


def _explain_row(patent: str, detail: dict[str, Any], target: str, impact: float,
                 score: float, cite: float, cpc: float, subgroup: float, text: float,
                 sim: float, n_ex: int, n_ap: int) -> dict[str, Any]:
    reasons = []
    if n_ex or n_ap:
        reasons.append(f"cited by {n_ex + n_ap} of {target}'s patents ({n_ex} by the "
                       f"examiner): {detail.get('citing') or ''}")
    if cpc > 0:
        reasons.append(f"CPC groups in {target}'s technology: {detail.get('groups') or ''} "
                       f"(cosine {cpc:.2f})")
    if subgroup > 0:
        reasons.append(f"leads with a subgroup {target} files in: {detail.get('lead') or ''}"
                       f" ({subgroup:.2f} of {target}'s most used subgroup there)")
    if text > 0:
        reasons.append(f"text close to {target}'s recent patents (cosine {sim:.2f})")
    factor = float(detail.get("area_factor", 1.0))
    if detail.get("areas"):
        reasons.append(f"in {target}'s product areas: {detail['areas']}")
    elif detail.get("unmapped") and factor >= 1:
        reasons.append(f"in no mapped product area: judged by its CPC main groups, one of "
                       f"which {target} is active in")
    elif detail.get("mapped"):
        where = ("in no mapped product area and in no CPC main group "
                 f"{target} is active in" if detail.get("unmapped")
                 else f"outside {target}'s product areas")
        kept = (f"; citation evidence counts {float(detail.get('cite_factor', 1.0)):g} of "
                "itself (never zeroed)") if n_ex or n_ap else ""
        reasons.append(f"{where}: technology evidence counts {factor:g} of itself{kept}")
    return {"patent_id": patent, "title": detail.get("title"), "impact": round(impact, 3),
            "score": round(score, 3), "citation": round(cite, 3), "cpc": round(cpc, 3),
            "subgroup": round(subgroup, 3), "text": round(text, 3),
            "weighted": round(impact * score, 3),
            "why": "; ".join(reasons) or "no evidence"}
