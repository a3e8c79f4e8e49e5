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
   - *subgroup*: how much B concentrates on p's leading CPC subgroup: B's recent patents
     leading with it / the most that lead with any subgroup of that main group (a product
     feature B files on);
   - *text*: the cosine between p's title and abstract and B's recent patents' centroid,
     rescaled from ``floor``..1 to 0..1.
   The **assertion score** = c x w_citation x citation + f x (w_cpc x cpc + w_subgroup x
   subgroup + w_text x text), capped at 1, with an explanation naming the citing
   patents, the shared CPC groups and the similarity (weights in ``config.yaml``). Being
   cited by B's own patents is direct evidence that B builds on p: a patent B cites
   heavily scores w_citation (0.35) on that alone, over twice the minimum.
   *f* and *c*, the product areas (``warchest techmap map``; B active in an area holding
   at least ``active_share`` of its recent patents, or in those a ``--products`` file
   lists for it): f = 1 when p is in one of B's active areas, else ``outside`` (0.1;
   ``outside_known``, 0, when the products file lists B: what B does not sell, p cannot
   read on by technology alone). For a B whose products are inferred, a p in no mapped
   area falls back to CPC overlap: its CPC main groups act as its areas (inside when one
   of them holds at least ``active_share`` of B's recent patents). c = 1 inside, and
   outside ``cited_outside`` (0.5; ``cited_outside_known``, 0.2, for a listed B): the
   citation evidence is lowered there, never zeroed, since B's own patents build on p
   even where B is not known to sell (a heavily cited p keeps 0.175 of 0.35, over the
   minimum, outside inferred areas).
4. **Exposure of B to A in M on D** = sum over A's assertable patents with a score of at
   least ``min_score`` of impact (``patent_indicators``) x score.

``deterrence`` compares, per threat T, X's power against T with T's against X (the
"mutual assured destruction" ratio) and lists the product areas where T can assert and X
has nothing to answer with.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from warchest.errors import (
    BadInputFile,
    InputError,
    NotComputed,
    NotResolved,
)
from warchest.store import Store
from warchest.yamlfile import read_yaml

CONFIG = Path(__file__).with_name("config.yaml")
NAKED_SHARE = 0.1  # naked in an area: less than this share of the threat's power there
NO_PRODUCTS = "none"
"""The product a ``--products`` file lists for a company known to sell nothing: it is no
area, so the company is active in none."""


@dataclass
class ExposureConfig:
    w_citation: float = 0.35
    w_cpc: float = 0.20
    w_subgroup: float = 0.30
    w_text: float = 0.15
    examiner: float = 2.0
    applicant: float = 1.0
    scale: float = 2.0
    text_floor: float = 0.30
    profile_years: int = 10
    min_score: float = 0.15
    area_share: float = 0.05
    off_area: float = 0.1
    known_off_area: float = 0.0
    cited_outside: float = 0.5
    cited_outside_known: float = 0.2

    @classmethod
    def load(cls, path: Path | None = None) -> ExposureConfig:
        path = path or CONFIG
        data = read_yaml(path, "exposure config") or {}
        try:
            w, c, t = data.get("weights", {}), data.get("citation", {}), data.get("text", {})
            cfg = cls(
                w_citation=float(w.get("citation", cls.w_citation)),
                w_cpc=float(w.get("cpc", cls.w_cpc)),
                w_subgroup=float(w.get("subgroup", cls.w_subgroup)),
                w_text=float(w.get("text", cls.w_text)),
                examiner=float(c.get("examiner", cls.examiner)),
                applicant=float(c.get("applicant", cls.applicant)),
                scale=float(c.get("scale", cls.scale)),
                text_floor=float(t.get("floor", cls.text_floor)),
                profile_years=int(data.get("profile_years", cls.profile_years)),
                min_score=float(data.get("min_score", cls.min_score)),
                area_share=float(data.get("products", {}).get("active_share",
                                                              cls.area_share)),
                off_area=float(data.get("products", {}).get("outside", cls.off_area)),
                known_off_area=float(data.get("products", {}).get("outside_known",
                                                                  cls.known_off_area)),
                cited_outside=float(data.get("products", {}).get("cited_outside",
                                                                 cls.cited_outside)),
                cited_outside_known=float(data.get("products", {}).get(
                    "cited_outside_known", cls.cited_outside_known)))
        except (TypeError, ValueError, AttributeError) as exc:
            raise BadInputFile(f"{path}: {exc}; see the shipped config.yaml for the layout") \
                from None
        if cfg.scale <= 0 or not 0 <= cfg.text_floor < 1 or cfg.profile_years < 1:
            raise BadInputFile(f"{path}: citation.scale must be > 0, text.floor in [0, 1), "
                               "profile_years >= 1")
        for key, got in (("cited_outside", cfg.cited_outside),
                         ("cited_outside_known", cfg.cited_outside_known)):
            if not 0 < got <= 1:
                raise BadInputFile(f"{path}: products.{key} must be in (0, 1]: a patent the "
                                   f"target cites is never zeroed (got {got})")
        return cfg


@dataclass
class Firm:
    name: str
    entity_id: str
    members: list[str]


@dataclass
class PatentScores:
    """Every in-force patent of the firms behind an exposure matrix: ``weighted[i, b]`` is
    what patent ``i`` adds to firm ``b``'s exposure (impact x score when assertable, else
    0); ``explain(i, b)`` gives its reasons, ``explain_many`` those of many pairs at once."""

    patent_id: list[str]
    owner: np.ndarray
    impact: np.ndarray
    score: np.ndarray
    weighted: np.ndarray
    rows: np.ndarray
    """Each patent's row in the evidence shared by the markets computed together
    (``compute_exposures``)."""
    explain_shared: Callable[[list[tuple[int, int]]], list[dict[str, Any]]]
    """Reasons for (shared row, target) pairs, of any of those markets, in one pass."""

    def explain_many(self, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """Reasons for many (row, target) pairs in one pass (one query for titles, one
        for the citing patents), in the order asked."""
        return self.explain_shared([(int(self.rows[i]), b) for i, b in pairs])

    def reasons(self, shared_pairs: Iterable[tuple[int, int]]
                ) -> dict[tuple[int, int], dict[str, Any]]:
        """Reasons per distinct (shared row, target) pair, of any of the markets computed
        together, in one pass."""
        return _explain_once(self.explain_shared, shared_pairs)

    def explain(self, i: int, b: int) -> dict[str, Any]:
        """Why patent row ``i`` reads on firm ``b`` (``explain_many`` of one pair)."""
        return self.explain_many([(i, b)])[0]


def _explain_once(explain: Callable[[list[tuple[int, int]]], list[dict[str, Any]]],
                  pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
    """``explain`` called once, on the distinct pairs."""
    unique = sorted(set(pairs))
    return dict(zip(unique, explain(unique), strict=True)) if unique else {}


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
    seconds: dict[str, float] = field(default_factory=dict)
    patents: PatentScores | None = None  # per patent, when asked for (``keep_patents``)
    areas_sold: list[list[str]] | None = None
    """Each firm's active product areas (what it sells, as far as known); None when the
    taxonomy is not mapped (``warchest techmap map``)."""

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
        raise NotResolved
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
        raise InputError("two of the firms are the same corporate group: "
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
        raise NotComputed
    raise InputError(f"market {market!r} is not in the market table; use one of: "
                        + ", ".join(known))


class _Clock:
    """Seconds spent per step (reported with the result, read by bench/exposure.py)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._last
        self._last = now


def _members_table(firms: list[Firm]) -> pa.Table:
    rows = [(k, e) for k, f in enumerate(firms) for e in f.members]
    return pa.table({"firm": pa.array([r[0] for r in rows], pa.int32()),
                     "entity_id": [r[1] for r in rows]})


def _stock_sql(day: str, markets: list[list[str]]) -> str:
    """The firms' patents in force on the day in any of the markets (each a list of
    countries), with a flag per market (``in_0``, ``in_1``, ...)."""
    every = sorted({c for countries in markets for c in countries})
    inlist = ", ".join(f"'{c}'" for c in every)
    flags = ",\n           ".join(
        "bool_or(jurisdiction IN ({})) AS in_{}".format(
            ", ".join(f"'{c}'" for c in countries), k)
        for k, countries in enumerate(markets))
    picked = ", ".join(f"m.in_{k}" for k in range(len(markets)))
    return f"""
WITH held AS (
    SELECT DISTINCT m.firm, o.patent_id
    FROM ownership o JOIN firm_members m ON m.entity_id = o.entity_id
    WHERE o.start_date <= DATE '{day}' AND (o.end_date IS NULL OR o.end_date > DATE '{day}')
),
in_market AS (
    SELECT patent_id,
           {flags}
    FROM patent_markets
    WHERE jurisdiction IN ({inlist}) AND in_force_from <= DATE '{day}'
      AND (in_force_until IS NULL OR DATE '{day}' < in_force_until)
    GROUP BY patent_id
)
SELECT h.firm, h.patent_id, CAST(coalesce(i.impact, 1.0) AS DOUBLE) AS impact,
       i.lead_symbol, i.lead_group, {picked}
FROM held h JOIN in_market m USING (patent_id)
LEFT JOIN patent_indicators i ON i.patent_id = h.patent_id
ORDER BY h.firm, h.patent_id
"""


def _profile_sql(day: str, years: int) -> str:
    return f"""
SELECT DISTINCT m.firm, o.patent_id
FROM ownership o JOIN firm_members m ON m.entity_id = o.entity_id
JOIN patents p ON p.patent_id = o.patent_id
WHERE o.start_date <= DATE '{day}' AND p.grant_date <= DATE '{day}'
  AND p.grant_date > CAST(DATE '{day}' - INTERVAL '{years}' YEAR AS DATE)
ORDER BY m.firm, o.patent_id
"""


def _sum_by(keys: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Rows of ``values`` summed by ``keys`` (0..size-1) into a (size, ...) array: a
    sort and ``np.add.reduceat`` (much faster than ``np.add.at`` on many rows)."""
    out = np.zeros((size, *values.shape[1:]), values.dtype)
    if len(keys) == 0:
        return out
    if len(keys) > 1 and bool((keys[1:] >= keys[:-1]).all()):
        k, v = keys, values  # already in key order: no sort, no copy
    else:
        order = np.argsort(keys, kind="stable")
        k, v = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    out[k[starts]] = np.add.reduceat(v, starts, axis=0)
    return out


def _cpc_sql() -> tuple[str, str]:
    """Each firm's recent patents per CPC main group, and the main groups of each stock
    row, with the groups numbered in SQL (-1: a group no firm's profile has)."""
    vocab = """
WITH prof AS (
    SELECT r.firm, c.main_group, count(DISTINCT r.patent_id) AS n
    FROM recent r JOIN cpc c ON c.patent_id = r.patent_id
    WHERE c.main_group IS NOT NULL GROUP BY r.firm, c.main_group
),
vocab AS (
    SELECT main_group, CAST(row_number() OVER (ORDER BY main_group) - 1 AS INTEGER) AS g
    FROM (SELECT DISTINCT main_group FROM prof) d
)"""
    profile = vocab + """
SELECT prof.firm, v.g, prof.n, prof.main_group FROM prof JOIN vocab v USING (main_group)
"""
    groups = vocab + """
SELECT s.idx, CAST(coalesce(v.g, -1) AS INTEGER) AS g
FROM stock s JOIN (SELECT DISTINCT patent_id, main_group FROM cpc
                   WHERE main_group IS NOT NULL) pg ON pg.patent_id = s.patent_id
LEFT JOIN vocab v ON v.main_group = pg.main_group
"""
    return profile, groups


@dataclass
class _Cpc:
    """CPC evidence: the proximity matrix and what the explanations need."""

    proximity: np.ndarray
    share: np.ndarray  # (groups, firms): share of each firm's recent patents in each group
    names: list[str]  # group number -> main group
    rows: np.ndarray  # (stock row, group number) pairs, sorted by row on first use
    cols: np.ndarray
    _sorted: bool = False

    def active(self, share: float, n: int, among: np.ndarray) -> np.ndarray:
        """(stock row, firm): whether one of the patent's CPC main groups holds at least
        ``share`` of the firm's recent patents (the firm is active in that group), for the
        rows ``among`` marks (False elsewhere)."""
        hit = np.zeros((n, self.share.shape[1]), bool)
        wanted = among[self.rows] if len(self.rows) else np.zeros(0, bool)
        if not wanted.any():
            return hit
        hot = np.vstack([self.share >= share, np.zeros((1, self.share.shape[1]), bool)])
        rows, cols = self.rows[wanted], self.cols[wanted]
        groups = np.where(cols < 0, len(self.share), cols)
        np.logical_or.at(hit, rows, hot[groups])
        return hit

    def shared(self, i: int, target: int) -> str:
        """The patent's groups in the target's profile, with the target's share, largest
        first: 'H04W72/00 (4.1%), H04L5/00 (1.2%)'."""
        if not self._sorted:
            order = np.argsort(self.rows, kind="stable")
            self.rows, self.cols, self._sorted = self.rows[order], self.cols[order], True
        lo, hi = np.searchsorted(self.rows, [i, i + 1])
        found = [(float(self.share[g, target]), self.names[g])
                 for g in self.cols[lo:hi].tolist() if g >= 0 and self.share[g, target] > 0]
        return ", ".join(f"{name} ({100 * sh:.1f}%)" for sh, name in
                         sorted(found, key=lambda x: (-x[0], x[1])))


def _cpc_proximity(store: Store, tables: dict[str, pa.Table], n: int, k: int) -> _Cpc:
    """Jaffe cosine of each stock patent's CPC main groups (equal weights) with each firm's
    recent vector: the sum over the patent's groups of n_firm(g), divided by sqrt(number
    of the patent's groups) x the norm of the firm's vector."""
    profile_sql, groups_sql = _cpc_sql()
    prof = _remembered(store, tables, profile_sql)
    mine = _remembered(store, tables, groups_sql)
    g = prof.column("g").to_numpy()
    size = int(g.max()) + 1 if len(g) else 0
    names = [""] * size
    for gi, name in zip(g.tolist(), prof.column("main_group").to_pylist(), strict=True):
        names[gi] = name
    counts = np.zeros((size + 1, k), np.float32)  # the last row: groups no firm has
    counts[g, prof.column("firm").to_numpy()] = prof.column("n").to_numpy()
    totals = counts.sum(axis=0)
    share = counts / np.where(totals == 0, 1.0, totals)
    norms = np.sqrt((counts ** 2).sum(axis=0))
    unit = counts / np.where(norms == 0, 1.0, norms)
    idx = mine.column("idx").to_numpy()
    group = mine.column("g").to_numpy().astype(np.int64)
    proximity = _sum_by(idx, unit[np.where(group < 0, size, group)], n)
    per_patent = np.bincount(idx, minlength=n).astype(np.float32)
    proximity /= np.sqrt(np.where(per_patent == 0, 1.0, per_patent))[:, None]
    return _Cpc(np.minimum(proximity, 1.0), share, names, idx, group)


def _subgroup_sql() -> str:
    """Per (stock row, target firm): how much the target concentrates on the patent's
    leading CPC subgroup (``patent_indicators.lead_symbol``): recent target patents leading
    with it / the most that lead with any one subgroup of the same main group. The holder
    itself is included (its own column is zeroed afterwards): an inequality here let the
    planner pick a nested-loop join that blew up on a 1M-patent world."""
    return """
WITH prof AS (
    SELECT r.firm, i.lead_symbol AS symbol, i.lead_group AS main_group,
           count(DISTINCT r.patent_id) AS n
    FROM recent r JOIN patent_indicators i ON i.patent_id = r.patent_id
    WHERE i.lead_symbol IS NOT NULL AND i.lead_group IS NOT NULL
    GROUP BY r.firm, i.lead_symbol, i.lead_group
),
top AS (SELECT firm, main_group, max(n) AS top FROM prof GROUP BY firm, main_group)
SELECT s.idx, p.firm AS target, CAST(p.n AS DOUBLE) / t.top AS subgroup,
       p.symbol, CAST(p.n AS INTEGER) AS n
FROM stock s JOIN prof p ON p.symbol = s.lead_symbol
JOIN top t ON t.firm = p.firm AND t.main_group = s.lead_group
"""


def _area_sql(share: float) -> tuple[str, str]:
    """The product areas (``warchest techmap map``) of the stock patents, and the areas
    each firm is active in: those the user says it sells in (``known_areas``), else those
    holding at least ``share`` of its recent patents."""
    stock_areas = """
SELECT s.idx, pp.product FROM stock s JOIN patent_products pp ON pp.patent_id = s.patent_id
GROUP BY s.idx, pp.product
"""
    active = f"""
WITH totals AS (SELECT firm, count(DISTINCT patent_id) AS total FROM recent GROUP BY firm),
inferred AS (
    SELECT r.firm, pp.product
    FROM recent r JOIN patent_products pp ON pp.patent_id = r.patent_id
    JOIN totals t ON t.firm = r.firm
    WHERE r.firm NOT IN (SELECT firm FROM known_areas)
    GROUP BY r.firm, pp.product, t.total
    HAVING count(DISTINCT r.patent_id) >= {float(share)} * t.total
)
SELECT firm, product FROM inferred UNION SELECT firm, product FROM known_areas
"""
    return stock_areas, active


def _products_of(store: Store, path: Path, firms: list[Firm]) -> pa.Table:
    """``read_products``, remembered in this process until the store or the file
    changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise BadInputFile(f"cannot read products file {path}: {exc.strerror}") from None
    key = ("products", str(path.resolve()), stat.st_mtime_ns, stat.st_size,
           tuple(tuple(f.members) for f in firms))
    got: pa.Table = store.remember(key, lambda: read_products(store, path, firms))
    return got


def read_products(store: Store, path: Path, firms: list[Firm]) -> pa.Table:
    """A CSV of the product areas companies sell in (``company,product``; extra columns
    such as countries are ignored), as (firm, product) rows for the firms asked about.
    Companies are matched by raw name or normalised name; a company listed with the
    product ``none`` (``NO_PRODUCTS``) sells in no area (its exposure counts only
    ``outside`` of each score); firms the file does not list are active where their
    patents are."""
    import csv

    from warchest.owners.names import normalise_name

    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise BadInputFile(f"cannot read products file {path}: {exc.strerror}") from None
    if not rows or not {"company", "product"} <= set(rows[0]):
        raise BadInputFile(f"{path}: expected a header with 'company' and 'product' columns")
    member_of = {e: k for k, f in enumerate(firms) for e in f.members}
    # the file's names matched in one query (raw name, else normalised key), so a file
    # listing thousands of companies costs one join, not a lookup each
    names = sorted({r["company"] for r in rows if r.get("company")})
    # a name the store knows as a raw owner name has its key there already: only the
    # others are normalised here (a file listing every company of a large store would
    # otherwise cost a normalisation per name, about 15 s per 200,000)
    stored = {r["company"]: r["name_key"] for r in store.rows_with(
        "listed_raw", pa.table({"company": names}),
        "SELECT l.company, min(n.name_key) AS name_key FROM listed_raw l "
        "JOIN owner_names n ON n.raw_name = l.company GROUP BY l.company")}
    keys = [stored.get(n) or normalise_name(n) for n in names]
    found = store.rows_with("listed", pa.table({"company": names, "name_key": keys}), """
        WITH hits AS (  -- two equi-joins: an OR in the join condition is a nested loop
            SELECT l.company, n.raw_name, n.entity_id, n.mentions FROM listed l
            JOIN owner_names n ON n.raw_name = l.company
            UNION
            SELECT l.company, n.raw_name, n.entity_id, n.mentions FROM listed l
            JOIN owner_names n ON n.name_key = l.name_key)
        SELECT company, entity_id, sum(mentions) AS m FROM hits
        GROUP BY company, entity_id""")
    best: dict[str, tuple[int, str]] = {}
    for hit in found:
        m = int(hit["m"] or 0)
        if hit["company"] not in best or m > best[hit["company"]][0]:
            best[hit["company"]] = (m, hit["entity_id"])
    out: set[tuple[int, str]] = set()
    for r in rows:
        eid = best.get(r["company"], (0, ""))[1]
        k = member_of.get(eid)
        if k is not None and r["product"].strip():
            out.add((k, r["product"].strip()))
    return pa.table({"firm": pa.array([k for k, _ in sorted(out)], pa.int32()),
                     "product": [p for _, p in sorted(out)]})


def _citation_sql(day: str) -> str:
    """Per (stock row, target firm): citations from the target's patents."""
    return f"""
WITH owned_ever AS (
    SELECT DISTINCT m.firm, o.patent_id
    FROM ownership o JOIN firm_members m ON m.entity_id = o.entity_id
    WHERE o.start_date <= DATE '{day}'
),
per_patent AS (
    SELECT c.cited_patent_id AS patent_id, oe.firm AS target,
           count(DISTINCT CASE WHEN lower(c.category) LIKE '%examiner%' THEN c.patent_id
                          END) AS examiner,
           count(DISTINCT CASE WHEN lower(coalesce(c.category, '')) NOT LIKE '%examiner%'
                               THEN c.patent_id END) AS applicant
    FROM citations c
    JOIN owned_ever oe ON oe.patent_id = c.patent_id
    JOIN patents p ON p.patent_id = c.patent_id
    JOIN (SELECT DISTINCT patent_id FROM stock) s ON s.patent_id = c.cited_patent_id
    WHERE p.grant_date <= DATE '{day}'
    GROUP BY c.cited_patent_id, oe.firm
)
SELECT s.idx, p.target, CAST(p.examiner AS DOUBLE) AS examiner,
       CAST(p.applicant AS DOUBLE) AS applicant
FROM per_patent p JOIN stock s ON s.patent_id = p.patent_id
"""


def _citing_sql(day: str) -> str:
    """The citing patents behind chosen (stock row, target) ``pairs``, for explanations."""
    return f"""
SELECT pr.idx, pr.target, string_agg(DISTINCT c.patent_id, ', ' ORDER BY c.patent_id)
           AS citing
FROM pairs pr
JOIN citations c ON c.cited_patent_id = pr.patent_id
JOIN patents p ON p.patent_id = c.patent_id
JOIN ownership o ON o.patent_id = c.patent_id
JOIN firm_members m ON m.entity_id = o.entity_id AND m.firm = pr.target
WHERE p.grant_date <= DATE '{day}' AND o.start_date <= DATE '{day}'
GROUP BY pr.idx, pr.target
"""


def _remembered(store: Store, tables: dict[str, pa.Table], sql: str) -> pa.Table:
    """A query's result, remembered in this process until the store changes (keyed on the
    SQL and the contents of the tables it reads): a second matrix on the same firms, market
    and date reads no evidence again."""
    key = ("query", sql, tuple(sorted(tables)), store.fingerprint(
        *(tables[name] for name in sorted(tables))))
    return store.remember(key, lambda: store.query_using(tables, sql))


def _text_of(title: Any, abstract: Any) -> str:
    return f"{title or ''}. {abstract or ''}".strip(". ")


@functools.lru_cache(maxsize=1)
def _float16_table() -> np.ndarray:
    """Every float16 bit pattern as float32: decoding by lookup costs the same for every
    value (numpy's float16 cast is slow on subnormals, which small vector components are)."""
    table: np.ndarray = np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32)
    return table


def _vectors_of(column: pa.ChunkedArray | pa.Array, dims: int) -> np.ndarray:
    """float16 blobs (all ``dims`` long) as a float32 matrix, without a Python loop."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if len(arr) == 0:
        return np.zeros((0, dims), np.float32)
    offsets = np.frombuffer(arr.buffers()[1], np.int32, len(arr) + 1, arr.offset * 4)
    data = np.frombuffer(arr.buffers()[2], np.uint8)[offsets[0]:offsets[-1]]
    bits = data.view(np.uint16).reshape(len(arr), dims)
    out: np.ndarray = _float16_table()[bits]
    return out


def embed(store: Store, rows: pa.Table, method: str = "auto") -> tuple[np.ndarray, str]:
    """Normalised text vectors (title and abstract) for the patents of ``rows`` (a table
    with a ``patent_id`` column), in its order; vectors of the static model are read from
    and added to the store's cache (``patent_embeddings``), and remembered in this process
    until the store changes."""
    ids = rows.select(["patent_id"])

    def compute() -> tuple[np.ndarray, str]:
        vectors, used = _embed(store, ids, method)
        vectors.setflags(write=False)  # shared by later calls
        return vectors, used
    return store.remember(("embed", method, store.fingerprint(ids)), compute)


def _embed(store: Store, rows: pa.Table, method: str) -> tuple[np.ndarray, str]:
    from warchest.techmap.text import TextEncoder

    encoder = TextEncoder(method)
    n = rows.num_rows
    wanted = pa.table({"k": pa.array(np.arange(n), pa.int64()),
                       "patent_id": rows.column("patent_id")})
    if encoder.method != "static":
        texts = patent_texts(store, wanted)
        return encoder.fit(texts).encode(texts), encoder.method
    dims = encoder.dims
    model = f"static-{dims}"
    have = np.zeros(n, bool)
    vectors = np.zeros((0, dims), np.float32)
    if n:
        cached = store.query_using({"wanted": wanted}, (
            "SELECT w.k, e.vector FROM wanted w JOIN patent_embeddings e "
            "ON e.patent_id = w.patent_id WHERE e.model = ? ORDER BY w.k"), [model])
        at = cached.column("k").to_numpy()
        if len(at) == n:  # every vector cached: rows 0..n-1 in order, no scatter
            return _vectors_of(cached.column("vector"), dims), encoder.method
        vectors = np.zeros((n, dims), np.float32)
        vectors[at] = _vectors_of(cached.column("vector"), dims)
        have[at] = True
    missing = np.flatnonzero(~have)
    if len(missing):
        todo = wanted.take(pa.array(missing))
        texts = patent_texts(store, todo)
        fresh = encoder.encode(texts)
        # as stored (float16): the same numbers whether a vector was cached or not
        vectors[missing] = fresh.astype(np.float16).astype(np.float32)
        ids = todo.column("patent_id").to_pylist()
        first = sorted({p: j for j, p in reversed(list(enumerate(ids)))}.values())
        blob = fresh[first].astype("<f2").tobytes()
        size = dims * 2
        offsets = pa.array(np.arange(0, size * (len(first) + 1), size, dtype=np.int32))
        vector = pa.BinaryArray.from_buffers(pa.binary(), len(first),
                                             [None, offsets.buffers()[1], pa.py_buffer(blob)])
        with store.keeping_results(), store.transaction():  # a cache: no result reads it
            lid = store.begin_load("embeddings", model, None, None, None)
            store.write("patent_embeddings", pa.table({
                "patent_id": pa.array([ids[j] for j in first], pa.string()),
                "model": pa.array([model] * len(first), pa.string()),
                "vector": vector}), lid)
            store.finish_load(lid, rows_read=len(first), rows_loaded=len(first),
                              rows_quarantined=0, outputs={})
    return vectors, encoder.method


def patent_texts(store: Store, wanted: pa.Table) -> list[str]:
    """Title and abstract of each wanted patent (``k``, ``patent_id``), in ``k`` order."""
    got = store.query_using({"wanted": wanted}, """
        SELECT w.k, p.title, a.abstract FROM wanted w
        LEFT JOIN patents p ON p.patent_id = w.patent_id
        LEFT JOIN abstracts a ON a.patent_id = w.patent_id ORDER BY w.k""")
    return [_text_of(t, a) for t, a in zip(got.column("title").to_pylist(),
                                           got.column("abstract").to_pylist(), strict=True)]


def compute_exposure(store: Store, names: list[str], market: str = "US",
                     as_of: dt.date | None = None, config: ExposureConfig | None = None,
                     text_method: str = "auto", evidence_per_pair: int = 5,
                     evidence_by: str = "weighted", products: Path | None = None,
                     keep_patents: bool = False) -> Exposure:
    """The exposure matrix of the named firms (each as its corporate group) in one market
    (``compute_exposures`` of one market; its docstring has the options)."""
    return compute_exposures(store, names, [market], as_of, config, text_method,
                             evidence_per_pair, evidence_by, products,
                             keep_patents)[market.strip().upper()]


def compute_exposures(store: Store, names: list[str], markets: list[str],
                      as_of: dt.date | None = None, config: ExposureConfig | None = None,
                      text_method: str = "auto", evidence_per_pair: int = 5,
                      evidence_by: str = "weighted", products: Path | None = None,
                      keep_patents: bool = False) -> dict[str, Exposure]:
    """The exposure matrices of the named firms (each as its corporate group), one per
    market, from one pass over the evidence: every evidence but the stock is the same in
    each market, so it is computed once for the patents in force in any of them.

    ``evidence_per_pair``: how many patents to explain per pair, the strongest by
    ``evidence_by``: ``weighted`` (impact x score, what the exposure sums) or ``score``
    (the assertion score alone: the patents most likely to read on the target).
    ``products``: a CSV of the product areas companies sell in (``company,product``);
    firms it lists are active in those areas, the others where their patents are.
    ``keep_patents``: also return every patent's contribution (``Exposure.patents``)."""
    cfg = config or ExposureConfig.load()
    as_of = as_of or dt.date.today()
    if len(names) < 2:
        raise InputError("exposure needs at least two firms, e.g. --firms A,B")
    if evidence_by not in ("weighted", "score"):
        raise InputError(f"evidence_by {evidence_by!r} is not one of: weighted, score")
    if not store.scalar("SELECT count(*) > 0 FROM patent_markets"):
        raise NotComputed
    clock = _Clock()
    firms = resolve_firms(store, names)
    wanted = list(dict.fromkeys(m.strip().upper() for m in markets))
    if not wanted:
        raise InputError("exposure needs a market, e.g. US")
    countries = [market_countries(store, m) for m in wanted]
    day = as_of.isoformat()
    members = _members_table(firms)
    stock_q = _remembered(store, {"firm_members": members}, _stock_sql(day, countries))
    recent_q = _remembered(store, {"firm_members": members},
                                 _profile_sql(day, cfg.profile_years))
    k, n = len(firms), stock_q.num_rows
    owner = stock_q.column("firm").to_numpy().astype(np.int64)
    impact = stock_q.column("impact").to_numpy().astype(np.float32)
    stock_ids = stock_q.column("patent_id").to_pylist()
    stock = pa.table({"idx": pa.array(np.arange(n), pa.int64()),
                      "firm": pa.array(owner, pa.int32()), "patent_id": stock_ids,
                      "lead_symbol": stock_q.column("lead_symbol"),
                      "lead_group": stock_q.column("lead_group")})
    recent = recent_q.select(["firm", "patent_id"])
    tables = {"stock": stock, "recent": recent, "firm_members": members}
    clock.mark("stock and profiles")

    evidence_cpc = _cpc_proximity(store, tables, n, k)
    cpc = evidence_cpc.proximity
    clock.mark("cpc")
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
    clock.mark("subgroups")
    n_ex = np.zeros((n, k), np.float32)
    n_ap = np.zeros((n, k), np.float32)
    got = _remembered(store, tables, _citation_sql(day))
    at = (got.column("idx").to_numpy(), got.column("target").to_numpy())
    n_ex[at] = got.column("examiner").to_numpy()
    n_ap[at] = got.column("applicant").to_numpy()
    cite = 1 - np.exp(-(cfg.examiner * n_ex + cfg.applicant * n_ap) / cfg.scale)
    clock.mark("citations")

    # text: each stock patent against each firm's recent-patent centroid
    stock_vectors, method = embed(store, stock, text_method)
    recent_vectors, _ = embed(store, recent, text_method)
    clock.mark("embeddings")
    recent_firm = recent.column("firm").to_numpy().astype(np.int64)
    centroids = _sum_by(recent_firm, recent_vectors, k)
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    centroids = (centroids / np.where(norms == 0, 1.0, norms)).astype(np.float32)
    sims = (stock_vectors @ centroids.T).astype(np.float32) if n else \
        np.zeros((0, k), np.float32)
    text = np.clip((sims - cfg.text_floor) / (1 - cfg.text_floor), 0, 1)
    clock.mark("text")

    # product areas scale the technology evidence (CPC, subgroup, text), never the
    # citations: outside the target's active areas it counts off_area of itself; a patent
    # in no mapped area is judged by CPC overlap instead (in when it shares a main group
    # with the target's recent patents). Only when the taxonomy is mapped.
    area_factor = np.ones((n, k), np.float32)
    cite_factor = np.ones((n, k), np.float32)
    areas: dict[str, Any] = {}
    if store.scalar("SELECT count(*) > 0 FROM patent_products"):
        known = _products_of(store, products, firms) if products else pa.table(
            {"firm": pa.array([], pa.int32()), "product": pa.array([], pa.string())})
        stock_sql, active_sql = _area_sql(cfg.area_share)
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
        # outside the target's areas: off_area, or known_off_area when the products file
        # says what the target sells (then a patent outside all of it cannot read on it)
        listed = np.zeros(k, bool)
        listed[np.unique(known.column("firm").to_numpy()).astype(np.int64)] = True
        outside = np.where(listed, cfg.known_off_area, cfg.off_area).astype(np.float32)
        unmapped = has.sum(axis=1) == 0
        # the fallback to CPC overlap is for targets whose products are inferred: what a
        # products file lists is in taxonomy areas, and an unmapped patent is in none
        inside = has @ sells.T > 0
        if unmapped.any() and not listed.all():
            inside |= unmapped[:, None] & ~listed[None, :] & evidence_cpc.active(
                cfg.area_share, n, unmapped)
        area_factor = np.where(inside, np.float32(1.0), outside[None, :])
        cited = np.where(listed, cfg.cited_outside_known, cfg.cited_outside).astype(np.float32)
        cite_factor = np.where(inside, np.float32(1.0), cited[None, :])
        areas = {"names": names, "has": has, "sells": sells, "unmapped": unmapped}
    clock.mark("product areas")
    technology = cfg.w_cpc * cpc + cfg.w_subgroup * subgroup + cfg.w_text * text
    score = np.clip(cfg.w_citation * cite * cite_factor + technology * area_factor, 0, 1)
    if n:
        score[np.arange(n), owner] = 0.0  # a firm is never exposed to itself
    ok = score >= cfg.min_score
    weighted = impact[:, None] * score * ok
    clock.mark("scores")
    def explain_rows(rows: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """Evidence for (stock row, target) pairs."""
        titles: dict[str, str | None] = {}
        if rows:  # remembered until the store changes, as every evidence query here
            got = _remembered(
                store, {"shown": pa.table({"patent_id": [stock_ids[i] for i, _ in rows]})},
                "SELECT DISTINCT p.patent_id, p.title FROM shown s "
                "JOIN patents p USING (patent_id)")
            titles = dict(zip(got.column("patent_id").to_pylist(),
                              got.column("title").to_pylist(), strict=True))
        cited = [(i, b) for i, b in rows if n_ex[i, b] + n_ap[i, b] > 0]
        citing: dict[tuple[int, int], str] = {}
        if cited:
            got = _remembered(store, {"pairs": pa.table({
                "idx": pa.array([i for i, _ in cited], pa.int64()),
                "target": pa.array([b for _, b in cited], pa.int32()),
                "patent_id": [stock_ids[i] for i, _ in cited]}),
                "firm_members": members}, _citing_sql(day))
            citing = dict(zip(zip(got.column("idx").to_pylist(),
                                  got.column("target").to_pylist(), strict=True),
                              got.column("citing").to_pylist(), strict=True))
        out = []
        for i, b in rows:
            lead = lead_of(i, b)
            detail = {"areas": ", ".join(a for j, a in enumerate(areas["names"])
                                         if areas["has"][i, j] and areas["sells"][b, j])
                      if areas else None, "mapped": bool(areas),
                      "unmapped": bool(areas and areas["unmapped"][i]),
                      "area_factor": float(area_factor[i, b]),
                      "cite_factor": float(cite_factor[i, b]),
                      "title": titles.get(stock_ids[i]), "citing": citing.get((i, b)),
                      "groups": evidence_cpc.shared(i, b),
                      "lead": f"{lead[0]} ({lead[1]} of its recent patents lead with it)"
                      if lead else None}
            out.append(_explain_row(
                stock_ids[i], detail, firms[b].name, float(impact[i]), float(score[i, b]),
                float(cite[i, b]), float(cpc[i, b]), float(subgroup[i, b]),
                float(text[i, b]), float(sims[i, b]), int(n_ex[i, b]), int(n_ap[i, b])))
        return out

    sold = [[a for j, a in enumerate(areas["names"])
             if areas["sells"][b, j] and a != NO_PRODUCTS] for b in range(k)] if areas else None
    scored = score * ok
    markets_rows = []
    for m_idx, market in enumerate(wanted):
        rows = np.flatnonzero(stock_q.column(f"in_{m_idx}").to_numpy(zero_copy_only=False))
        mine_owner = owner[rows]
        shown: list[tuple[int, int, int]] = []  # (stock row, holder, target)
        for a in range(k):
            mine = rows[mine_owner == a]
            for b in range(k):
                if a == b or len(mine) == 0:
                    continue
                key = weighted[mine, b] if evidence_by == "weighted" else scored[mine, b]
                order = mine[np.argsort(-key, kind="stable")[:evidence_per_pair]]
                shown += [(int(i), a, b) for i in order if ok[i, b]]
        markets_rows.append((market, rows, shown))
    # a patent in force in several markets is explained once
    reasons = _explain_once(explain_rows, [(i, b) for _, _, shown in markets_rows
                                           for i, _, b in shown])
    out: dict[str, Exposure] = {}
    for market, rows, shown in markets_rows:
        mine_owner = owner[rows]
        mine_weighted = weighted[rows]
        matrix = _sum_by(mine_owner, mine_weighted.astype(np.float64), k)
        assertable = _sum_by(mine_owner, ok[rows].astype(np.int64), k)
        np.fill_diagonal(matrix, 0.0)
        np.fill_diagonal(assertable, 0)
        counts = np.bincount(mine_owner, minlength=k) if len(rows) else np.zeros(k, np.int64)
        evidence: dict[tuple[int, int], list[dict[str, Any]]] = {
            (a, b): [] for a in range(k) for b in range(k) if a != b}
        for i, a, b in shown:
            evidence[(a, b)].append(dict(reasons[(i, b)]))
        kept = PatentScores([stock_ids[i] for i in rows.tolist()], mine_owner, impact[rows],
                            scored[rows], mine_weighted.astype(np.float32), rows,
                            explain_rows) if keep_patents else None
        out[market] = Exposure(firms, market, as_of, matrix.tolist(), assertable.tolist(),
                               [int(c) for c in counts], evidence, method, clock.seconds,
                               kept, sold)
    clock.mark("evidence details")
    return out


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
