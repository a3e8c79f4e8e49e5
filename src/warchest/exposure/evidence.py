"""The evidence tables, as portable SQL: assertable stock, technology profiles, CPC
proximity, subgroup focus, product areas, citations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from warchest.litigation.outcomes import cancelled_sql
from warchest.store import Engine


def _stock_sql(day: str, markets: list[list[str]]) -> str:
    """The firms' patents in force on the day in any of the markets (each a list of
    countries), with a flag per market (``in_0``, ``in_1``, ...), less those whose
    challenged claims were all cancelled at the PTAB by the day (they assert nothing)."""
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
),
cancelled AS ({cancelled_sql(day)}
)
SELECT h.firm, h.patent_id, CAST(coalesce(i.impact, 1.0) AS DOUBLE) AS impact,
       i.lead_symbol, i.lead_group, {picked}
FROM held h JOIN in_market m USING (patent_id)
LEFT JOIN cancelled x ON x.patent_id = h.patent_id
LEFT JOIN patent_indicators i ON i.patent_id = h.patent_id
WHERE x.patent_id IS NULL
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


def _cpc_proximity(store: Engine, tables: dict[str, pa.Table], n: int, k: int) -> _Cpc:
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


def _remembered(store: Engine, tables: dict[str, pa.Table], sql: str) -> pa.Table:
    """A query's result, remembered in this process until the store changes (keyed on the
    SQL and the contents of the tables it reads): a second matrix on the same firms, market
    and date reads no evidence again."""
    key = ("query", sql, tuple(sorted(tables)), store.fingerprint(
        *(tables[name] for name in sorted(tables))))
    return store.remember(key, lambda: store.query_using(tables, sql))
