"""Exposure and deterrence: who could assert which in-force patents against whom, where.

For firms A and B, a market M (a country, or an office such as EP standing for the
countries its grants cover) and a date D:

1. **A's assertable stock**: the patents A's corporate group owns on D (``ownership``; a
   security interest never moves ownership) that are in force in M on D
   (``patent_markets``: expired, lapsed and not-in-M patents drop out).
2. **B's technology**: the patents B's group owned at some point up to D that were granted
   in the ``profile_years`` before D: their CPC main groups (a share vector) and the
   centroid of their text embeddings.
3. **Evidence that A's patent p reads on B** (each in [0, 1]):
   - *citation*: B's patents cite p (B builds on it): 1 - exp(-(examiner x n_examiner +
     applicant x n_applicant) / scale);
   - *cpc*: the cosine between p's CPC main groups and B's share vector (Jaffe 1986
     proximity at group level);
   - *text*: the cosine between p's title and abstract and B's recent patents' centroid,
     rescaled from ``floor``..1 to 0..1.
   The **assertion score** is their weighted sum (``config.yaml``), capped at 1, with an
   explanation naming the citing patents, the shared CPC groups and the similarity.
4. **Exposure of B to A in M on D** = sum over A's assertable patents with a score of at
   least ``min_score`` of impact (``patent_indicators``) x score.

``deterrence`` compares, per threat T, X's power against T with T's against X (the
"mutual assured destruction" ratio) and lists the product areas where T can assert and X
has nothing to answer with.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import yaml

from warchest.errors import BadInputFile, WarchestError
from warchest.store import Store

CONFIG = Path(__file__).with_name("config.yaml")


class NotReady(WarchestError):
    """Exposure needs owners resolved and values computed first."""


@dataclass
class ExposureConfig:
    w_citation: float = 0.45
    w_cpc: float = 0.35
    w_text: float = 0.20
    examiner: float = 2.0
    applicant: float = 1.0
    scale: float = 2.0
    text_floor: float = 0.30
    profile_years: int = 10
    min_score: float = 0.15

    @classmethod
    def load(cls, path: Path | None = None) -> ExposureConfig:
        path = path or CONFIG
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise BadInputFile(f"cannot read exposure config {path}: {exc.strerror}") \
                from None
        except yaml.YAMLError as exc:
            raise BadInputFile(f"{path} is not valid YAML: {exc}") from None
        try:
            w, c, t = data.get("weights", {}), data.get("citation", {}), data.get("text", {})
            cfg = cls(
                w_citation=float(w.get("citation", cls.w_citation)),
                w_cpc=float(w.get("cpc", cls.w_cpc)), w_text=float(w.get("text", cls.w_text)),
                examiner=float(c.get("examiner", cls.examiner)),
                applicant=float(c.get("applicant", cls.applicant)),
                scale=float(c.get("scale", cls.scale)),
                text_floor=float(t.get("floor", cls.text_floor)),
                profile_years=int(data.get("profile_years", cls.profile_years)),
                min_score=float(data.get("min_score", cls.min_score)))
        except (TypeError, ValueError, AttributeError) as exc:
            raise BadInputFile(f"{path}: {exc}; see the shipped config.yaml for the layout") \
                from None
        if cfg.scale <= 0 or not 0 <= cfg.text_floor < 1 or cfg.profile_years < 1:
            raise BadInputFile(f"{path}: citation.scale must be > 0, text.floor in [0, 1), "
                               "profile_years >= 1")
        return cfg


@dataclass
class Firm:
    name: str
    entity_id: str
    members: list[str]


@dataclass
class Exposure:
    """The result: ``matrix[a][b]`` is B's exposure to A (A's power against B)."""

    firms: list[Firm]
    market: str
    as_of: dt.date
    matrix: list[list[float]]
    assertable: list[list[int]]
    stock: list[int]
    evidence: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    text_method: str = ""

    def to_rows(self) -> list[dict[str, Any]]:
        rows = []
        for a, fa in enumerate(self.firms):
            for b, fb in enumerate(self.firms):
                if a != b:
                    rows.append({"holder": fa.name, "target": fb.name, "market": self.market,
                                 "as_of": self.as_of, "exposure": round(self.matrix[a][b], 4),
                                 "assertable_patents": self.assertable[a][b],
                                 "holder_patents_in_force": self.stock[a]})
        return rows


def resolve_firms(store: Store, names: list[str]) -> list[Firm]:
    """Each name (or entity id) as its whole corporate group."""
    from warchest.owners import entity_id_of

    if not store.scalar("SELECT count(*) > 0 FROM owner_entities"):
        raise NotReady("owners are not resolved yet: run `warchest owners resolve` first")
    firms = []
    for name in names:
        eid = entity_id_of(store, name)
        top = store.scalar("SELECT ultimate_entity_id FROM owner_entities WHERE entity_id = ?",
                           [eid]) or eid
        members = [r["entity_id"] for r in store.rows(
            "SELECT entity_id FROM owner_entities WHERE ultimate_entity_id = ? "
            "ORDER BY entity_id", [top])] or [eid]
        label = store.scalar("SELECT name FROM owner_entities WHERE entity_id = ?", [top])
        firms.append(Firm(str(label or name), top, members))
    if len({f.entity_id for f in firms}) < len(firms):
        raise WarchestError("two of the firms are the same corporate group: "
                            + ", ".join(f.name for f in firms))
    return firms


def market_countries(store: Store, market: str) -> list[str]:
    m = market.strip().upper()
    rows = store.rows("SELECT DISTINCT country FROM market_weights WHERE jurisdiction = ? "
                      "ORDER BY country", [m])
    if rows:
        return [r["country"] for r in rows]
    known = [r["j"] for r in store.rows(
        "SELECT DISTINCT jurisdiction AS j FROM market_weights ORDER BY j")]
    if not known:
        raise NotReady("values are not computed yet: run `warchest value --compute` first")
    raise WarchestError(f"market {market!r} is not in the market table; use one of: "
                        + ", ".join(known))


def _members_table(firms: list[Firm]) -> pa.Table:
    rows = [(k, e) for k, f in enumerate(firms) for e in f.members]
    return pa.table({"firm": pa.array([r[0] for r in rows], pa.int32()),
                     "entity_id": [r[1] for r in rows]})


def _stock_sql(day: str, countries: list[str]) -> str:
    inlist = ", ".join(f"'{c}'" for c in countries)
    return f"""
WITH held AS (
    SELECT DISTINCT m.firm, o.patent_id
    FROM ownership o JOIN firm_members m ON m.entity_id = o.entity_id
    WHERE o.start_date <= DATE '{day}' AND (o.end_date IS NULL OR o.end_date > DATE '{day}')
),
in_market AS (
    SELECT DISTINCT patent_id FROM patent_markets
    WHERE jurisdiction IN ({inlist}) AND in_force_from <= DATE '{day}'
      AND (in_force_until IS NULL OR DATE '{day}' < in_force_until)
)
SELECT h.firm, h.patent_id, coalesce(i.impact, 1.0) AS impact, p.title, a.abstract
FROM held h JOIN in_market USING (patent_id)
LEFT JOIN patent_indicators i ON i.patent_id = h.patent_id
LEFT JOIN patents p ON p.patent_id = h.patent_id
LEFT JOIN abstracts a ON a.patent_id = h.patent_id
ORDER BY h.firm, h.patent_id
"""


def _profile_sql(day: str, years: int) -> str:
    return f"""
SELECT DISTINCT m.firm, o.patent_id, p.title, a.abstract
FROM ownership o JOIN firm_members m ON m.entity_id = o.entity_id
JOIN patents p ON p.patent_id = o.patent_id
LEFT JOIN abstracts a ON a.patent_id = o.patent_id
WHERE o.start_date <= DATE '{day}' AND p.grant_date <= DATE '{day}'
  AND p.grant_date > CAST(DATE '{day}' - INTERVAL '{years}' YEAR AS DATE)
ORDER BY m.firm, o.patent_id
"""


def _cpc_sql() -> str:
    """Per (candidate patent, target firm): Jaffe cosine and the shared groups."""
    return """
WITH pg AS (
    SELECT DISTINCT c.patent_id, c.main_group FROM cpc c
    JOIN stock s ON s.patent_id = c.patent_id WHERE c.main_group IS NOT NULL
),
pk AS (SELECT patent_id, count(*) AS k FROM pg GROUP BY patent_id),
prof AS (
    SELECT r.firm, c.main_group, count(DISTINCT r.patent_id) AS n
    FROM recent r JOIN cpc c ON c.patent_id = r.patent_id
    WHERE c.main_group IS NOT NULL GROUP BY r.firm, c.main_group
),
norm AS (SELECT firm, sqrt(sum(n * n)) AS norm, sum(n) AS total FROM prof GROUP BY firm)
SELECT pg.patent_id, prof.firm AS target,
       sum(prof.n) / (sqrt(pk.k) * norm.norm) AS cpc,
       string_agg(pg.main_group || ' (' || CAST(round(100.0 * prof.n / norm.total, 1)
                  AS VARCHAR) || '%)', ', ' ORDER BY prof.n DESC, pg.main_group) AS groups
FROM pg JOIN pk ON pk.patent_id = pg.patent_id
JOIN prof ON prof.main_group = pg.main_group
JOIN norm ON norm.firm = prof.firm
GROUP BY pg.patent_id, prof.firm, pk.k, norm.norm
"""


def _citation_sql(day: str) -> str:
    """Per (candidate patent, target firm): citations from the target's patents."""
    return f"""
WITH owned_ever AS (
    SELECT DISTINCT m.firm, o.patent_id
    FROM ownership o JOIN firm_members m ON m.entity_id = o.entity_id
    WHERE o.start_date <= DATE '{day}'
)
SELECT c.cited_patent_id AS patent_id, oe.firm AS target,
       count(DISTINCT CASE WHEN lower(c.category) LIKE '%examiner%' THEN c.patent_id END)
           AS examiner,
       count(DISTINCT CASE WHEN lower(coalesce(c.category, '')) NOT LIKE '%examiner%'
                           THEN c.patent_id END) AS applicant,
       string_agg(DISTINCT c.patent_id, ', ') AS citing
FROM citations c
JOIN owned_ever oe ON oe.patent_id = c.patent_id
JOIN patents p ON p.patent_id = c.patent_id
JOIN (SELECT DISTINCT patent_id FROM stock) s ON s.patent_id = c.cited_patent_id
WHERE p.grant_date <= DATE '{day}'
GROUP BY c.cited_patent_id, oe.firm
"""


def _text_of(title: Any, abstract: Any) -> str:
    return f"{title or ''}. {abstract or ''}".strip(". ")


def embed(store: Store, patents: list[str], texts: list[str], method: str = "auto"
          ) -> tuple[np.ndarray, str]:
    """Normalised text vectors for patents, read from and added to the store's cache
    (``patent_embeddings``, static model only)."""
    from warchest.techmap.text import TextEncoder

    encoder = TextEncoder(method)
    if encoder.method != "static":
        return encoder.fit(texts).encode(texts), encoder.method
    dims = encoder.dims
    model = f"static-{dims}"
    vectors = np.zeros((len(patents), dims), np.float32)
    cached: dict[str, bytes] = {}
    if patents:
        for r in store.rows_with("wanted", pa.table({"patent_id": patents}),
                                 "SELECT e.patent_id, e.vector FROM patent_embeddings e "
                                 "JOIN wanted USING (patent_id) WHERE e.model = ?", [model]):
            cached[r["patent_id"]] = r["vector"]
    missing = [k for k, p in enumerate(patents) if p not in cached]
    for k, p in enumerate(patents):
        if p in cached:
            vectors[k] = np.frombuffer(cached[p], np.float16).astype(np.float32)
    if missing:
        fresh = encoder.encode([texts[k] for k in missing])
        vectors[missing] = fresh
        with store.transaction():
            lid = store.begin_load("embeddings", model, None, None, None)
            store.write("patent_embeddings", pa.table({
                "patent_id": [patents[k] for k in missing],
                "model": [model] * len(missing),
                "vector": pa.array([struct.pack(f"<{dims}e", *row) for row in
                                    fresh.astype(np.float16).tolist()], pa.binary())}), lid)
            store.finish_load(lid, rows_read=len(missing), rows_loaded=len(missing),
                              rows_quarantined=0, outputs={})
    return vectors, encoder.method


def compute_exposure(store: Store, names: list[str], market: str = "US",
                     as_of: dt.date | None = None, config: ExposureConfig | None = None,
                     text_method: str = "auto", evidence_per_pair: int = 5) -> Exposure:
    """The exposure matrix of the named firms (each as its corporate group)."""
    cfg = config or ExposureConfig.load()
    as_of = as_of or dt.date.today()
    if len(names) < 2:
        raise WarchestError("exposure needs at least two firms, e.g. --firms A,B")
    if not store.scalar("SELECT count(*) > 0 FROM patent_markets"):
        raise NotReady("values are not computed yet: run `warchest value --compute` first")
    firms = resolve_firms(store, names)
    countries = market_countries(store, market)
    day = as_of.isoformat()
    members = _members_table(firms)
    stock = store.rows_with("firm_members", members, _stock_sql(day, countries))
    recent = store.rows_with("firm_members", members, _profile_sql(day, cfg.profile_years))
    stock_t = pa.table({"firm": pa.array([r["firm"] for r in stock], pa.int32()),
                        "patent_id": [r["patent_id"] for r in stock]})
    recent_t = pa.table({"firm": pa.array([r["firm"] for r in recent], pa.int32()),
                         "patent_id": [r["patent_id"] for r in recent]})
    cpc_rows = store.rows_using({"stock": stock_t, "recent": recent_t}, _cpc_sql())
    cite_rows = store.rows_using({"stock": stock_t, "firm_members": members},
                                 _citation_sql(day))

    k = len(firms)
    n = len(stock)
    by_patent: dict[str, list[int]] = {}
    for i, r in enumerate(stock):
        by_patent.setdefault(r["patent_id"], []).append(i)
    cpc = np.zeros((n, k), np.float32)
    groups: dict[tuple[int, int], str] = {}
    for r in cpc_rows:
        for i in by_patent.get(r["patent_id"], []):
            cpc[i, r["target"]] = min(1.0, float(r["cpc"]))
            groups[(i, r["target"])] = r["groups"]
    n_ex = np.zeros((n, k), np.float32)
    n_ap = np.zeros((n, k), np.float32)
    citing: dict[tuple[int, int], str] = {}
    for r in cite_rows:
        for i in by_patent.get(r["patent_id"], []):
            n_ex[i, r["target"]] = r["examiner"]
            n_ap[i, r["target"]] = r["applicant"]
            citing[(i, r["target"])] = r["citing"]
    cite = 1 - np.exp(-(cfg.examiner * n_ex + cfg.applicant * n_ap) / cfg.scale)

    # text: each stock patent against each firm's recent-patent centroid
    all_ids = [r["patent_id"] for r in stock] + [r["patent_id"] for r in recent]
    all_texts = [_text_of(r["title"], r["abstract"]) for r in stock] + [
        _text_of(r["title"], r["abstract"]) for r in recent]
    unique = list(dict.fromkeys(all_ids))
    text_by_id = dict(zip(all_ids, all_texts, strict=True))
    vectors, method = embed(store, unique, [text_by_id[p] for p in unique], text_method)
    row_of = {p: j for j, p in enumerate(unique)}
    centroids = np.zeros((k, vectors.shape[1]), np.float32)
    for f in range(k):
        rows = [row_of[r["patent_id"]] for r in recent if r["firm"] == f]
        if rows:
            c = vectors[rows].mean(axis=0)
            norm = float(np.linalg.norm(c))
            centroids[f] = c / norm if norm else c
    sims = vectors[[row_of[r["patent_id"]] for r in stock]] @ centroids.T if n else \
        np.zeros((0, k), np.float32)
    text = np.clip((sims - cfg.text_floor) / (1 - cfg.text_floor), 0, 1)

    score = np.clip(cfg.w_citation * cite + cfg.w_cpc * cpc + cfg.w_text * text, 0, 1)
    owner = np.array([r["firm"] for r in stock], np.int32)
    impact = np.array([float(r["impact"]) for r in stock], np.float32)
    counts = np.bincount(owner, minlength=k) if n else np.zeros(k, np.int64)
    matrix = [[0.0] * k for _ in range(k)]
    assertable = [[0] * k for _ in range(k)]
    evidence: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for a in range(k):
        mine = np.flatnonzero(owner == a)
        for b in range(k):
            if a == b or len(mine) == 0:
                continue
            s = score[mine, b]
            ok = s >= cfg.min_score
            weighted = impact[mine] * s * ok
            matrix[a][b] = float(weighted.sum())
            assertable[a][b] = int(ok.sum())
            top = mine[np.argsort(-weighted, kind="stable")[:evidence_per_pair]]
            evidence[(a, b)] = [_explain_row(stock[i], i, b, firms, cite, cpc, text, sims,
                                             score, n_ex, n_ap, citing, groups, impact)
                                for i in top if score[i, b] >= cfg.min_score]
    return Exposure(firms, market.upper(), as_of, matrix, assertable,
                    [int(c) for c in counts], evidence, method)


def _explain_row(row: dict[str, Any], i: int, b: int, firms: list[Firm], cite: np.ndarray,
                 cpc: np.ndarray, text: np.ndarray, sims: np.ndarray, score: np.ndarray,
                 n_ex: np.ndarray, n_ap: np.ndarray, citing: dict[tuple[int, int], str],
                 groups: dict[tuple[int, int], str], impact: np.ndarray) -> dict[str, Any]:
    target = firms[b].name
    reasons = []
    if n_ex[i, b] or n_ap[i, b]:
        reasons.append(f"cited by {int(n_ex[i, b] + n_ap[i, b])} of {target}'s patents "
                       f"({int(n_ex[i, b])} by the examiner): {citing.get((i, b), '')}")
    if cpc[i, b] > 0:
        reasons.append(f"CPC groups in {target}'s technology: {groups.get((i, b), '')} "
                       f"(cosine {cpc[i, b]:.2f})")
    if text[i, b] > 0:
        reasons.append(f"text close to {target}'s recent patents (cosine {sims[i, b]:.2f})")
    return {"patent_id": row["patent_id"], "title": row["title"],
            "impact": round(float(impact[i]), 3), "score": round(float(score[i, b]), 3),
            "citation": round(float(cite[i, b]), 3), "cpc": round(float(cpc[i, b]), 3),
            "text": round(float(text[i, b]), 3),
            "weighted": round(float(impact[i] * score[i, b]), 3),
            "why": "; ".join(reasons) or "no evidence"}


def explain(store: Store, holder: str, target: str, market: str = "US",
            as_of: dt.date | None = None, config: ExposureConfig | None = None,
            limit: int = 50) -> dict[str, Any]:
    """The patents behind B's exposure to A, each with its score and reasons."""
    result = compute_exposure(store, [holder, target], market, as_of, config,
                              evidence_per_pair=limit)
    return {"holder": result.firms[0].name, "target": result.firms[1].name,
            "market": result.market, "as_of": result.as_of,
            "exposure": result.matrix[0][1], "assertable_patents": result.assertable[0][1],
            "holder_patents_in_force": result.stock[0], "patents": result.evidence[(0, 1)]}


def deterrence(store: Store, company: str, threats: list[str], markets: list[str],
               as_of: dt.date | None = None, config: ExposureConfig | None = None
               ) -> list[dict[str, Any]]:
    """Per threat and market: X's power against T, T's against X, their ratio (mutual
    assured destruction when both are large), and the product areas where X is naked."""
    out = []
    for market in markets:
        result = compute_exposure(store, [company, *threats], market, as_of, config,
                                  evidence_per_pair=200)
        areas = _areas(store)
        for t in range(1, len(result.firms)):
            mine, theirs = result.matrix[0][t], result.matrix[t][0]
            ratio = mine / theirs if theirs > 0 else math.inf if mine > 0 else None
            naked = _naked_areas(areas, result.evidence.get((t, 0), []),
                                 result.evidence.get((0, t), []))
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
                 mine: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def per_area(rows: list[dict[str, Any]]) -> dict[str, float]:
        total: dict[str, float] = {}
        for r in rows:
            for a in sorted(set(areas.get(r["patent_id"], ["(unmapped)"]))):
                total[a] = total.get(a, 0.0) + float(r["weighted"])
        return total

    t, m = per_area(theirs), per_area(mine)
    return [{"area": a, "threat_power": round(v, 3), "company_power": round(m.get(a, 0.0), 3),
             "threat_patents": [r["patent_id"] for r in theirs
                                if a in areas.get(r["patent_id"], ["(unmapped)"])][:5]}
            for a, v in sorted(t.items(), key=lambda kv: -kv[1]) if m.get(a, 0.0) < 0.1 * v]
