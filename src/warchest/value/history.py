"""A portfolio over time: how many of a company's patents were in force (US term and
lapse) at each year end, and how many of those in force now expire in each year ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from warchest.results import Result, row_type
from warchest.store import Engine


@row_type
@dataclass(frozen=True)
class YearCount:
    """One year: patents owned and in force at its end (past years and this one), or
    owned now and expiring in it (years ahead)."""

    year: int
    in_force: int | None
    expiring: int | None


@dataclass(frozen=True)
class PortfolioHistory(Result):
    """What ``portfolio_history`` returns: one row per year, past and ahead."""

    TABLE = "years"
    entity_id: str
    name: str
    as_of: dt.date
    group: bool
    years: tuple[YearCount, ...]


def portfolio_history(store: Engine, text: str, as_of: dt.date | None = None,
                      years: int = 10, group: bool = False) -> PortfolioHistory:
    """For the company ``text`` (or its whole group): patents owned and in force on each
    31 December of the ``years`` years before ``as_of`` and on ``as_of``; and of those in
    force on ``as_of``, how many expire in each of the next ``years`` years. In force: the
    US term as ``patent_value`` counts it (granted, before its end date: expiry or lapse;
    grant + 20 years when the term is unknown)."""
    from warchest.owners.lookup import entity_id_of, group_members
    from warchest.value.compute import require_computed
    from warchest.value.views import TERM_END_SQL

    require_computed(store)
    as_of = as_of or dt.date.today()
    eid = entity_id_of(store, text)
    name = store.scalar("SELECT name FROM owner_entities WHERE entity_id = ?", [eid])
    days = [dt.date(y, 12, 31) for y in range(as_of.year - years, as_of.year)] + [as_of]
    wanted = pa.table({"entity_id": pa.array(group_members(store, eid, group), pa.string())})
    dates = pa.table({"day": pa.array(days, pa.date32())})
    counted = store.query_using({"wanted": wanted, "days": dates}, f"""
        WITH held AS (
            SELECT DISTINCT o.patent_id, o.start_date, o.end_date AS sold,
                   t.grant_date, {TERM_END_SQL} AS ends
            FROM ownership o JOIN wanted w ON w.entity_id = o.entity_id
            JOIN patent_terms t ON t.patent_id = o.patent_id
        )
        SELECT d.day, count(DISTINCT h.patent_id) AS in_force
        FROM days d JOIN held h
          ON h.start_date <= d.day AND (h.sold IS NULL OR h.sold > d.day)
         AND h.grant_date <= d.day AND d.day < h.ends
        GROUP BY d.day""")
    in_force = dict(zip(counted.column("day").to_pylist(),
                        counted.column("in_force").to_pylist(), strict=True))
    ends = store.query_using({"wanted": wanted}, f"""
        SELECT DISTINCT o.patent_id, {TERM_END_SQL} AS ends
        FROM ownership o JOIN wanted w ON w.entity_id = o.entity_id
        JOIN patent_terms t ON t.patent_id = o.patent_id
        WHERE o.start_date <= ? AND (o.end_date IS NULL OR o.end_date > ?)
          AND t.grant_date <= ?""", [as_of, as_of, as_of]).column("ends").to_pylist()
    ahead: dict[int, int] = {}
    for end in ends:
        if end is not None and end > as_of:
            ahead[end.year] = ahead.get(end.year, 0) + 1
    rows = [YearCount(d.year, int(in_force.get(d, 0)), None) for d in days[:-1]]
    rows.append(YearCount(as_of.year, int(in_force.get(as_of, 0)), ahead.get(as_of.year, 0)))
    rows += [YearCount(y, None, ahead.get(y, 0))
             for y in range(as_of.year + 1, as_of.year + years + 1)]
    return PortfolioHistory(eid, str(name or eid), as_of, group, tuple(rows))
