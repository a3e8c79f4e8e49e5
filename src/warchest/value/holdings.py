"""A company's portfolio valued on any date from its ownership periods, without the store:
what a read copy keeps per company, and how it answers :func:`portfolio_page` for any date
in a few milliseconds, even for 100,000 patents.

Every date-dependent fact behind a valued portfolio is an interval, fixed once the store
is derived:

- a patent is **held** from ``start_date`` until ``held_until`` (an ``ownership`` row);
- it is **in force** from its grant until ``term_until`` (``TERM_END_SQL``);
- it is **in force in a market** from ``in_force_from`` until ``in_force_until``
  (``patent_markets``), which makes its coverage on a date;
- a **security interest** is open from its effective date until the first matching
  release on or after it (the rule of ``encumbrances_sql``).

:data:`PERIODS_SQL` gathers them per ownership row; :func:`value_periods` evaluates them on
a date. Its answers equal :func:`warchest.value.views.portfolio_page`'s, field for field
(the tests check every company of a world on several dates)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warchest.value.views import (
    TERM_END_SQL,
    PortfolioSummary,
    ValuedHolding,
    summary_of,
)

PERIODS_SQL = f"""
WITH weights AS (SELECT country, max(weight) AS weight FROM market_weights GROUP BY country),
markets AS (
    SELECT m.patent_id,
           list({{'j': m.jurisdiction, 'f': m.in_force_from, 'u': m.in_force_until,
                  'w': w.weight}}) AS markets
    FROM patent_markets m JOIN weights w ON w.country = m.jurisdiction
    GROUP BY m.patent_id),
liens AS (
    SELECT s.patent_id,
           list({{'rf': s.rf_id, 'f': s.effective_date, 'u': (
               SELECT min(r.effective_date) FROM ownership_events r
               WHERE r.patent_id = s.patent_id AND r.kind = 'release'
                 AND r.effective_date >= s.effective_date
                 AND (r.assignor_entity_id = s.assignee_entity_id
                      OR r.conveyance_text LIKE '%' || replace(s.rf_id, '-', '/') || '%'))}})
               AS liens
    FROM ownership_events s
    WHERE s.kind = 'security interest' AND s.effective_date IS NOT NULL
    GROUP BY s.patent_id)
SELECT o.entity_id, o.patent_id, p.title, p.grant_date, o.owner_name, o.start_date,
       o.end_date AS held_until, o.via, o.via_rf_id, o.note,
       t.patent_id IS NOT NULL AS has_term, t.grant_date AS term_grant,
       t.end_date AS term_end, {TERM_END_SQL} AS term_until,
       i.impact, i.cpc_subclass, m.markets, l.liens
FROM ownership o
LEFT JOIN patents p ON p.patent_id = o.patent_id
LEFT JOIN patent_terms t ON t.patent_id = o.patent_id
LEFT JOIN patent_indicators i ON i.patent_id = o.patent_id
LEFT JOIN markets m ON m.patent_id = o.patent_id
LEFT JOIN liens l ON l.patent_id = o.patent_id
"""
"""Per ownership row: the patent, how it is held, and every interval its value on a date
depends on (markets with their weights, security interests until released)."""

PERIODS_ORDER = (("patent_id", "ascending"), ("entity_id", "ascending"),
                 ("start_date", "ascending"), ("owner_name", "ascending"))
"""The order of a portfolio's rows: by patent number, then company, start and owner's
name (as :func:`warchest.owners.lookup.portfolio` lists them)."""


def sort_periods(periods: pa.Table) -> pa.Table:
    """``periods`` in :data:`PERIODS_ORDER`."""
    return periods.sort_by(list(PERIODS_ORDER))


_NEVER = np.iinfo(np.int32).max
_ALWAYS = np.iinfo(np.int32).min
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class ValuedPeriods:
    """A portfolio on a date from its periods: ``total`` patents held, their summary and
    ways acquired, and the requested page of holdings."""

    total: int
    summary: PortfolioSummary
    by_via: dict[str, int]
    page: tuple[ValuedHolding, ...]


def _days(column: pa.ChunkedArray | pa.Array, fill: int) -> np.ndarray:
    """Days since 1970 of a date column, ``fill`` where null."""
    days = pc.cast(column, pa.int32())
    return np.asarray(pc.fill_null(days, fill).to_numpy(zero_copy_only=False), dtype=np.int64)


def value_periods(periods: pa.Table, as_of: dt.date, offset: int, limit: int
                  ) -> ValuedPeriods:
    """The portfolio on ``as_of`` of ``periods`` (rows of :data:`PERIODS_SQL` in
    :data:`PERIODS_ORDER`, of one company or several): the summary of every patent held,
    and holdings ``offset`` to ``offset + limit`` in that order."""
    day = (as_of - _EPOCH).days
    start = _days(periods["start_date"], _NEVER)
    until = _days(periods["held_until"], _NEVER)
    held = periods.filter(pa.array((start <= day) & (until > day)))
    n = held.num_rows
    has_term = np.asarray(held["has_term"].to_numpy(zero_copy_only=False), dtype=bool)
    in_force = (has_term & (_days(held["term_grant"], _NEVER) <= day)
                & (day < _days(held["term_until"], _ALWAYS)))
    term_end = _days(held["term_end"], _ALWAYS)
    end_known = ~np.asarray(pc.is_null(held["term_end"]).to_numpy(zero_copy_only=False),
                            dtype=bool)
    remaining = np.where(end_known & (day < term_end), (term_end - day) / 365.25, 0.0)
    impact = np.asarray(pc.fill_null(pc.cast(held["impact"], pa.float64()), 0.0)
                        .to_numpy(zero_copy_only=False), dtype=float)
    coverage, in_force_in = _coverage(held["markets"], day, n)
    value = impact * coverage
    subclass = held["cpc_subclass"].to_pylist()
    live = np.flatnonzero(in_force)
    summary = summary_of(n, value[live].tolist(),
                         [float(remaining[k]) if end_known[k] else None for k in live],
                         [subclass[k] for k in live])
    by_via = dict(Counter(held["via"].to_pylist()))
    page = held.slice(offset, limit) if offset < n else held.slice(0, 0)
    rows = page.select(["patent_id", "title", "grant_date", "owner_name", "entity_id",
                        "start_date", "via", "via_rf_id", "note"]).to_pylist()
    liens = page["liens"].to_pylist()
    out = []
    for k, (row, open_liens) in enumerate(zip(rows, liens, strict=True)):
        at = offset + k
        still_open = [x["rf"] for x in open_liens or ()
                      if x["f"] <= as_of and (x["u"] is None or as_of < x["u"])]
        lien_ids = sorted(str(rf) for rf in still_open if rf is not None)
        term = bool(has_term[at])
        out.append(ValuedHolding(
            **row, open_liens=len(still_open),
            lien_rf_ids=", ".join(lien_ids) if lien_ids else None,
            in_force=bool(in_force[at]) if term else None,
            end_date=held["term_end"][at].as_py() if term else None,
            remaining_years=float(remaining[at]) if term and end_known[at] else None,
            impact=float(impact[at]) if term else None,
            coverage=float(coverage[at]) if term else None,
            in_force_in=in_force_in(at) if term else None,
            value=float(value[at]) if term else None,
            cpc_subclass=subclass[at] if term else None))
    return ValuedPeriods(n, summary, by_via, tuple(out))


def _coverage(markets: pa.ChunkedArray, day: int, n: int
              ) -> tuple[np.ndarray, _Countries]:
    """Per row: the weight of the distinct countries where it is in force on ``day``, and
    a function giving a row's countries (sorted, comma-joined; None when none)."""
    markets = markets.combine_chunks() if isinstance(markets, pa.ChunkedArray) else markets
    flat = pc.list_flatten(markets)
    if len(flat) == 0:
        return np.zeros(n), _Countries([], np.zeros(0, dtype=np.int64), np.zeros(0, np.int64))
    parent = np.asarray(pc.list_parent_indices(markets).to_numpy(), dtype=np.int64)
    live = ((_days(flat.field("f"), _NEVER) <= day) & (day < _days(flat.field("u"), _NEVER)))
    codes = pc.dictionary_encode(flat.field("j")).combine_chunks() \
        if isinstance(flat.field("j"), pa.ChunkedArray) else pc.dictionary_encode(flat.field("j"))
    names = codes.dictionary.to_pylist()
    code = np.asarray(codes.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    weight_of = np.zeros(len(names))
    weights = pc.fill_null(pc.cast(flat.field("w"), pa.float64()), 0.0)  # as sum() skips nulls
    weight_of[code] = np.asarray(weights.to_numpy(zero_copy_only=False), dtype=float)
    keys = np.unique(parent[live] * len(names) + code[live])
    rows, countries = keys // len(names), keys % len(names)
    coverage = np.bincount(rows, weights=weight_of[countries], minlength=n)
    return coverage, _Countries(names, rows, countries)


class _Countries:
    """A row's countries in force, sorted and comma-joined (None when none)."""

    def __init__(self, names: Sequence[str], rows: np.ndarray, countries: np.ndarray) -> None:
        self.names, self.rows, self.countries = names, rows, countries

    def __call__(self, row: int) -> str | None:
        lo, hi = np.searchsorted(self.rows, [row, row + 1])
        found = sorted(self.names[c] for c in self.countries[lo:hi])
        return ",".join(found) if found else None
