"""Patent life and value: term and lapse, markets in force, OECD indicators, value on a date.

``compute_values(store)`` derives ``market_weights``, ``patent_terms``, ``patent_markets``
and ``patent_indicators`` from the loaded tables (each written once as portable SQL, see
``terms.py``, ``markets.py``, ``indicators.py``). ``patent_value`` explains one patent with
the rows behind every number; ``portfolio_value`` and ``compare_portfolios`` extend the
owners' portfolio view with in-force counts, remaining life, value and technology mix.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from warchest.errors import NotComputed, UnknownPatent
from warchest.numbers import try_normalize_patent_number
from warchest.progress import StageFn, report_stage
from warchest.store import Store
from warchest.value.indicators import BREAKTHROUGH_MIN, MIN_COHORT, indicators_sql
from warchest.value.markets import coverage_sql, markets_sql, read_market_weights
from warchest.value.terms import terms_sql

VALUE_TABLES = ("market_weights", "patent_terms", "patent_markets", "patent_indicators")
VALUE_MEMORY = "4GB"
"""The value computation's memory limit unless the user chose one ($WARCHEST_MEMORY_LIMIT):
under DuckDB's default (80% of RAM) its peak on a 1M-patent world was about 6 GB, what the
default allows rather than what it needs; under 4GB it peaked at 4.1-4.3 GB in 1.3x the time
(bench/RESULTS.md, 2026-11-24)."""


@dataclass
class ValueReport:
    patents: int = 0
    terms: int = 0
    lapsed: int = 0
    market_rows: int = 0
    indicators: int = 0
    self_citations: bool = False
    owners_resolved: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


def compute_values(store: Store, markets_csv: Path | None = None, *,
                   min_cohort: int = MIN_COHORT,
                   breakthrough_min: int = BREAKTHROUGH_MIN,
                   stage: StageFn | None = None) -> ValueReport:
    """Derive terms, markets in force and indicators for every patent in the store.
    Replaces what an earlier run derived. ``min_cohort``: patents a cohort needs before it
    stops widening (subclass -> class -> section -> year); ``breakthrough_min``: the
    smallest cohort in which a top 1% is called; ``stage``: told each step as it starts
    (:mod:`warchest.progress`)."""
    report = ValueReport()
    weights = read_market_weights(markets_csv)
    report.self_citations = bool(store.scalar(
        "SELECT count(*) > 0 FROM ownership WHERE via = 'grant'"))
    report.owners_resolved = bool(store.scalar("SELECT count(*) > 0 FROM owner_entities"))
    with store.memory_at_most(VALUE_MEMORY), store.transaction():
        load_id = store.begin_load("value compute", str(markets_csv or "(default markets)"),
                                   None, None, None)
        for t in VALUE_TABLES:
            store.clear(t)
        store.write("market_weights", pa.Table.from_pylist(weights, schema=pa.schema([
            ("jurisdiction", pa.string()), ("country", pa.string()), ("name", pa.string()),
            ("weight", pa.float64()), ("basis", pa.string()), ("source", pa.string())])),
            load_id)
        steps = (("patent_terms", terms_sql()), ("patent_markets", markets_sql()),
                 ("patent_indicators", indicators_sql(report.self_citations, min_cohort,
                                                      breakthrough_min)))
        for k, (table, sql) in enumerate(steps):
            report_stage(stage, f"value: {table}", k, len(steps))
            started = time.perf_counter()
            n = store.derive(table, sql, load_id)
            report.seconds[table] = time.perf_counter() - started
            if table == "patent_terms":
                report.terms = n
            elif table == "patent_markets":
                report.market_rows = n
            else:
                report.indicators = n
        report.patents = int(store.scalar("SELECT count(*) FROM patents"))
        report.lapsed = int(store.scalar(
            "SELECT count(*) FROM patent_terms WHERE lapse_date IS NOT NULL"))
        store.finish_load(load_id, rows_read=report.patents, rows_loaded=report.patents,
                          rows_quarantined=0, outputs={})
    store.checkpoint()
    report_stage(stage, "value: done", len(steps), len(steps))
    return report


def values_computed(store: Store) -> bool:
    return bool(store.scalar("SELECT count(*) > 0 FROM patent_terms"))


def _require_computed(store: Store) -> None:
    if not values_computed(store):
        raise NotComputed


def patent_id_of(store: Store, text: str) -> str:
    pid = try_normalize_patent_number(text.strip())
    if pid is None or not store.scalar("SELECT count(*) > 0 FROM patents WHERE patent_id = ?",
                                       [pid]):
        near = [r["patent_id"] for r in store.rows(
            "SELECT patent_id FROM patents WHERE patent_id LIKE ? ORDER BY patent_id LIMIT 5",
            [f"{(pid or text.strip())[:5]}%"])]
        hint = f"; numbers in the store near it: {', '.join(near)}" if near else ""
        raise UnknownPatent(f"patent {text!r} is not in the store{hint}")
    return pid


def status_on(store: Store, patent_id: str, on: dt.date) -> dict[str, Any]:
    """In force or not on a date, and why (the rule that decided the end)."""
    row = store.rows("SELECT * FROM patent_terms WHERE patent_id = ?", [patent_id])
    if not row:
        raise UnknownPatent(f"patent {patent_id!r} has no computed term")
    t = row[0]
    end, granted = t["end_date"], t["grant_date"]
    if granted is None or on < granted:
        state, why = "not granted yet", f"granted {granted}"
    elif end is not None and on >= end:
        lapsed = t["lapse_date"] is not None and t["lapse_date"] == end
        state = "lapsed" if lapsed else "expired"
        why = t["lapse_rule"] if lapsed else t["expiry_rule"]
    else:
        state = "in force"
        why = t["expiry_rule"]
    remaining = (end - on).days / 365.25 if end is not None and state == "in force" else 0.0
    return {"patent_id": patent_id, "on": on, "status": state, "end_date": end,
            "remaining_years": round(remaining, 2), "because": why}


def patent_value(store: Store, text: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """Every indicator of one patent with its cohort, the term and markets, its value on
    ``as_of``, and the citation rows behind the counts."""
    _require_computed(store)
    pid = patent_id_of(store, text)
    as_of = as_of or dt.date.today()
    ind = store.rows("SELECT * FROM patent_indicators WHERE patent_id = ?", [pid])
    term = store.rows("SELECT * FROM patent_terms WHERE patent_id = ?", [pid])
    markets = store.rows("SELECT jurisdiction, in_force_from, in_force_until, via FROM "
                         "patent_markets WHERE patent_id = ? ORDER BY jurisdiction, "
                         "in_force_from", [pid])
    cov = store.rows(f"SELECT * FROM ({coverage_sql(as_of.isoformat())}) c "
                     "WHERE patent_id = ?", [pid])
    coverage = float(cov[0]["coverage"]) if cov else 0.0
    info = ind[0] if ind else {}
    impact = float(info.get("impact") or 0.0)
    cohort = {}
    if info:
        cohort = store.rows("""
            SELECT count(*) AS patents, avg(forward_5y_corrected) AS mean_forward_5y,
                   max(forward_5y_corrected) AS max_forward_5y, avg(claims) AS mean_claims,
                   avg(backward) AS mean_backward, avg(generality) AS mean_generality,
                   sum(CASE WHEN breakthrough THEN 1 ELSE 0 END) AS breakthroughs
            FROM patent_indicators WHERE cohort_year = ? AND cohort_field = ?""",
                            [info["cohort_year"], info["cohort_field"]])[0]
    forward = store.rows("""
        SELECT DISTINCT c.patent_id AS citing, p.grant_date, c.category,
               round(date_diff('day', q.grant_date, p.grant_date) / 365.25, 2) AS years_after
        FROM citations c JOIN patents p ON p.patent_id = c.patent_id
        JOIN patents q ON q.patent_id = c.cited_patent_id
        WHERE c.cited_patent_id = ? ORDER BY p.grant_date, citing""", [pid])
    backward = store.rows("""
        SELECT DISTINCT c.cited_patent_id AS cited, p.grant_date, c.category
        FROM citations c LEFT JOIN patents p ON p.patent_id = c.cited_patent_id
        WHERE c.patent_id = ? ORDER BY cited""", [pid])
    status = status_on(store, pid, as_of)
    return {
        "patent_id": pid,
        "title": store.scalar("SELECT title FROM patents WHERE patent_id = ?", [pid]),
        "as_of": as_of, "status": status, "term": term[0] if term else {},
        "markets": markets, "coverage": coverage,
        "in_force_in": cov[0]["in_force_in"] if cov else "",
        "indicators": info, "cohort": cohort,
        "value": impact * coverage if cov else 0.0,
        "value_formula": "impact x coverage = (forward_5y_corrected / impact_reference, "
                         "the cohort mean shrunk toward the wider cohort by its size) x "
                         "(sum of market weights where in force, US = 1); 0 when not in "
                         "force",
        "forward_citations": forward, "backward_citations": backward,
    }


def values_on_sql(as_of: dt.date, only: str | None = None) -> str:
    """Per patent: status, remaining years, impact, coverage and value on ``as_of``. A
    patent whose term is unknown (no filing date in the store) is in force until grant +
    20 years at the latest, as in ``markets``: a term runs 20 years from the earliest
    filing, and PTA only makes up for time lost before the grant (35 U.S.C. 154).
    ``only``: a table of the patent_ids wanted, filtered early (a few patents of a large
    store)."""
    day = as_of.isoformat()
    among = f"WHERE t.patent_id IN (SELECT patent_id FROM {only})" if only else ""
    return f"""
SELECT t.patent_id, t.end_date,
       CASE WHEN t.grant_date <= DATE '{day}'
             AND DATE '{day}' < coalesce(t.end_date,
                                          CAST(t.grant_date + INTERVAL '20' YEAR AS DATE))
            THEN TRUE ELSE FALSE END
           AS in_force,
       CASE WHEN t.end_date IS NOT NULL AND DATE '{day}' < t.end_date
            THEN date_diff('day', DATE '{day}', t.end_date) / 365.25 ELSE 0 END
           AS remaining_years,
       coalesce(i.impact, 0) AS impact, i.quality_index, i.cpc_subclass,
       coalesce(c.coverage, 0) AS coverage, c.in_force_in,
       coalesce(i.impact, 0) * coalesce(c.coverage, 0) AS value
FROM patent_terms t
LEFT JOIN patent_indicators i ON i.patent_id = t.patent_id
LEFT JOIN ({coverage_sql(day, only)}) c ON c.patent_id = t.patent_id
{among}
"""


def portfolio_value(store: Store, text: str, as_of: dt.date | None = None,
                    group: bool = False) -> dict[str, Any]:
    """The owners' portfolio on ``as_of`` with each patent's status and value, and the
    summary a deal team reads: in force, remaining-life profile, value distribution and
    technology mix."""
    from warchest.owners import portfolio

    _require_computed(store)
    as_of = as_of or dt.date.today()
    held = portfolio(store, text, as_of=as_of, group=group)
    ids = [r["patent_id"] for r in held["patents"]]
    values: dict[str, dict[str, Any]] = {}
    if ids:
        for r in store.rows_with("portfolio_ids", pa.table({"patent_id": ids}),
                                 f"SELECT v.* FROM ({values_on_sql(as_of)}) v "
                                 "JOIN portfolio_ids USING (patent_id)"):
            values[r["patent_id"]] = r
    for r in held["patents"]:
        v = values.get(r["patent_id"], {})
        r.update({k: v.get(k) for k in ("in_force", "end_date", "remaining_years", "impact",
                                         "coverage", "in_force_in", "value", "cpc_subclass")})
        if r.get("end_date") is None:  # the term is unknown (no filing date), not over
            r["remaining_years"] = None
    held["summary"] = summarise(held["patents"])
    return held


LIFE_BINS = ((0, 2), (2, 5), (5, 10), (10, 15), (15, 100))


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """In-force count, remaining-life profile, value distribution and technology mix."""
    live = [r for r in rows if r.get("in_force")]
    values = sorted(float(r.get("value") or 0) for r in live)

    def pct(q: float) -> float:
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]

    known = [r for r in live if r.get("remaining_years") is not None]
    life = {f"{lo}-{hi} y" if hi < 100 else f"{lo}+ y": sum(
        1 for r in known if lo <= float(r["remaining_years"]) < hi)
        for lo, hi in LIFE_BINS}
    if len(known) < len(live):  # no filing date in the store: in force, term unknown
        life["term unknown"] = len(live) - len(known)
    mix: dict[str, int] = {}
    for r in live:
        key = r.get("cpc_subclass") or "?"
        mix[key] = mix.get(key, 0) + 1
    top = dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    return {"owned": len(rows), "in_force": len(live),
            "expired_or_lapsed": len(rows) - len(live),
            "total_value": round(sum(values), 3),
            "value_median": round(pct(0.5), 3), "value_p90": round(pct(0.9), 3),
            "value_max": round(values[-1], 3) if values else 0.0,
            "remaining_life": life, "technology_mix": top}


def compare_portfolios(store: Store, names: list[str], as_of: dt.date | None = None,
                       group: bool = False) -> list[dict[str, Any]]:
    """Side-by-side summaries of several companies' portfolios on one date."""
    out = []
    for name in names:
        held = portfolio_value(store, name, as_of=as_of, group=group)
        out.append({"entity_id": held["entity_id"], "name": held["name"], **held["summary"]})
    return out
