"""Reading values: one patent explained with the rows behind every number, a company's
portfolio valued on a date, several portfolios side by side."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from warchest.errors import UnknownPatent
from warchest.litigation.history import PatentHistory, history_text, patent_histories
from warchest.numbers import try_normalize_patent_number
from warchest.owners.lookup import Holding, Portfolio
from warchest.results import Result, Row, row_type
from warchest.store import Engine
from warchest.value.compute import require_computed
from warchest.value.markets import coverage_sql

VALUE_FORMULA = ("impact x coverage = (forward_5y_corrected / impact_reference, the cohort "
                 "mean shrunk toward the wider cohort by its size) x (sum of market weights "
                 "where in force, US = 1); 0 when not in force")


@dataclass(frozen=True)
class PatentStatus(Result):
    """In force or not on a date (``status``: in force, lapsed, expired, not granted yet),
    when the term ends and the rule that decided it (``because``)."""

    patent_id: str
    on: dt.date
    status: str
    end_date: dt.date | None
    remaining_years: float
    because: str | None


@dataclass(frozen=True)
class PatentValue(Result):
    """One patent explained: its status and term, the markets where it is in force, every
    indicator with its cohort's averages, its value (``value_formula``), the citation
    rows behind the counts, and its litigation and PTAB history by the date (``history``,
    None when it has none)."""

    TABLE = "forward_citations"
    patent_id: str
    title: str | None
    as_of: dt.date
    status: PatentStatus
    term: Row
    markets: tuple[Row, ...]
    coverage: float
    in_force_in: str
    indicators: Row
    cohort: Row
    value: float
    value_formula: str
    forward_citations: tuple[Row, ...]
    backward_citations: tuple[Row, ...]
    history: PatentHistory | None = None  # its cases and PTAB proceedings by the date
    history_text: str = ""  # the same in one line ("" when none)


@row_type
@dataclass(frozen=True)
class ValuedHolding(Holding):
    """A patent owned on the date with its status and value then; ``remaining_years`` is
    None when its term is unknown (no filing date in the store)."""

    in_force: bool | None
    end_date: dt.date | None
    remaining_years: float | None
    impact: float | None
    coverage: float | None
    in_force_in: str | None
    value: float | None
    cpc_subclass: str | None


@row_type
@dataclass(frozen=True)
class PortfolioSummary(Result):
    """What a deal team reads first: patents owned, in force, expired or lapsed; the value
    distribution of those in force; how many have 0-2, 2-5, ... years left
    (``remaining_life``, with "term unknown" apart); the ten largest CPC subclasses."""

    owned: int
    in_force: int
    expired_or_lapsed: int
    total_value: float
    value_median: float
    value_p90: float
    value_max: float
    remaining_life: dict[str, int]
    technology_mix: dict[str, int]


@dataclass(frozen=True)
class ValuedPortfolio(Portfolio):
    """A company's portfolio on ``as_of`` (as :class:`warchest.owners.lookup.Portfolio`),
    each patent with its status and value, and the summary."""

    patents: tuple[ValuedHolding, ...]
    summary: PortfolioSummary


@row_type
@dataclass(frozen=True)
class CompanySummary:
    """One company's line in a comparison."""

    entity_id: str
    name: str
    summary: PortfolioSummary


@dataclass(frozen=True)
class PortfolioComparison(Result):
    """Several companies' portfolio summaries on one date; ``to_arrow`` has one row per
    company with the summary's fields as columns."""

    TABLE = "companies"
    as_of: dt.date
    group: bool
    companies: tuple[CompanySummary, ...]

    def rows(self) -> list[Row]:
        return [{"entity_id": c.entity_id, "name": c.name, **c.summary.to_dict()}
                for c in self.companies]


def patent_id_of(store: Engine, text: str) -> str:
    pid = try_normalize_patent_number(text.strip())
    if pid is None or not store.scalar("SELECT count(*) > 0 FROM patents WHERE patent_id = ?",
                                       [pid]):
        near = [r["patent_id"] for r in store.rows(
            "SELECT patent_id FROM patents WHERE patent_id LIKE ? ORDER BY patent_id LIMIT 5",
            [f"{(pid or text.strip())[:5]}%"])]
        hint = f"; numbers in the store near it: {', '.join(near)}" if near else ""
        raise UnknownPatent(f"patent {text!r} is not in the store{hint}")
    return pid


def status_on(store: Engine, patent_id: str, on: dt.date) -> PatentStatus:
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
    return PatentStatus(patent_id, on, state, end, round(remaining, 2), why)


def patent_value(store: Engine, text: str, as_of: dt.date | None = None) -> PatentValue:
    """Every indicator of one patent with its cohort, the term and markets, its value on
    ``as_of``, and the citation rows behind the counts."""
    require_computed(store)
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
    cohort: Row = {}
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
    history = patent_histories(store, [pid], as_of).get(pid)
    return PatentValue(
        pid, store.scalar("SELECT title FROM patents WHERE patent_id = ?", [pid]), as_of,
        status, term[0] if term else {}, tuple(markets), coverage,
        cov[0]["in_force_in"] if cov else "", info, cohort,
        impact * coverage if cov else 0.0, VALUE_FORMULA, tuple(forward), tuple(backward),
        history, history_text(history) if history is not None else "")


TERM_END_SQL = "coalesce(t.end_date, CAST(t.grant_date + INTERVAL '20' YEAR AS DATE))"
"""The end of a patent's US term (``t``: ``patent_terms``): its end date (expiry or
lapse), or grant + 20 years when the term is unknown."""


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
       CASE WHEN t.grant_date <= DATE '{day}' AND DATE '{day}' < {TERM_END_SQL}
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


def portfolio_value(store: Engine, text: str, as_of: dt.date | None = None,
                    group: bool = False) -> ValuedPortfolio:
    """The owners' portfolio on ``as_of`` with each patent's status and value, and the
    summary a deal team reads: in force, remaining-life profile, value distribution and
    technology mix."""
    from warchest.owners.lookup import portfolio

    require_computed(store)
    as_of = as_of or dt.date.today()
    held = portfolio(store, text, as_of=as_of, group=group)
    ids = [r.patent_id for r in held.patents]
    values: dict[str, dict[str, Any]] = {}
    if ids:
        valued = values_on_sql(as_of, only="portfolio_ids")
        for r in store.rows_with("portfolio_ids", pa.table({"patent_id": ids}),
                                 f"SELECT v.* FROM ({valued}) v "
                                 "JOIN portfolio_ids USING (patent_id)"):
            values[r["patent_id"]] = r
    patents = []
    for h in held.patents:
        v = values.get(h.patent_id, {})
        known = v.get("end_date") is not None  # else the term is unknown, not over
        patents.append(ValuedHolding(
            **h.__dict__, in_force=v.get("in_force"), end_date=v.get("end_date"),
            remaining_years=v.get("remaining_years") if known else None,
            impact=v.get("impact"), coverage=v.get("coverage"),
            in_force_in=v.get("in_force_in"), value=v.get("value"),
            cpc_subclass=v.get("cpc_subclass")))
    return ValuedPortfolio(held.entity_id, held.name, held.as_of, held.group, held.members,
                           tuple(patents), held.by_via, summarise(patents))


LIFE_BINS = ((0, 2), (2, 5), (5, 10), (10, 15), (15, 100))


def summarise(rows: list[ValuedHolding]) -> PortfolioSummary:
    """In-force count, remaining-life profile, value distribution and technology mix."""
    live = [r for r in rows if r.in_force]
    return summary_of(len(rows), [float(r.value or 0) for r in live],
                      [r.remaining_years for r in live], [r.cpc_subclass for r in live])


def summary_of(owned: int, values: list[float], remaining: list[float | None],
               subclasses: list[str | None]) -> PortfolioSummary:
    """The summary of a portfolio of ``owned`` patents from its patents in force: each
    one's value, remaining years (None when the term is unknown) and CPC subclass."""
    in_force = len(values)
    values = sorted(values)

    def pct(q: float) -> float:
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]

    known = np.array([float(y) for y in remaining if y is not None], dtype=float)
    life = {f"{lo}-{hi} y" if hi < 100 else f"{lo}+ y": int(((known >= lo) & (known < hi)).sum())
            for lo, hi in LIFE_BINS}
    if len(known) < in_force:  # no filing date in the store: in force, term unknown
        life["term unknown"] = in_force - len(known)
    mix = Counter(key or "?" for key in subclasses)
    top = dict(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
    return PortfolioSummary(owned, in_force, owned - in_force,
                            round(sum(values), 3), round(pct(0.5), 3), round(pct(0.9), 3),
                            round(values[-1], 3) if values else 0.0, life, top)


@dataclass(frozen=True)
class PortfolioPage(ValuedPortfolio):
    """One page of a company's valued portfolio: the summary (and ways acquired) of all
    ``total`` patents held on ``as_of``, and the patents ``offset`` to ``offset + limit``
    in patent number order."""

    total: int
    offset: int
    limit: int


def portfolio_page(store: Engine, text: str, as_of: dt.date | None = None,
                   group: bool = False, offset: int = 0, limit: int = 100) -> PortfolioPage:
    """One page of :func:`portfolio_value`: its summary of the whole portfolio and the
    patents ``offset`` to ``offset + limit`` (a web page, an API answer)."""
    held = portfolio_value(store, text, as_of, group)
    return PortfolioPage(held.entity_id, held.name, held.as_of, held.group, held.members,
                         held.patents[offset:offset + limit], held.by_via, held.summary,
                         len(held.patents), offset, limit)


def compare_portfolios(store: Engine, names: list[str], as_of: dt.date | None = None,
                       group: bool = False) -> PortfolioComparison:
    """Side-by-side summaries of several companies' portfolios on one date."""
    as_of = as_of or dt.date.today()
    out = []
    for name in names:
        held = portfolio_value(store, name, as_of=as_of, group=group)
        out.append(CompanySummary(held.entity_id, held.name, held.summary))
    return PortfolioComparison(as_of, group, tuple(out))
