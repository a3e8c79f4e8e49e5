"""A cross-licence between two companies: who pays whom, per market, and why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from warchest.deal.valuation import balancing_payment
from warchest.errors import InputError
from warchest.exposure import compute_exposures
from warchest.progress import StageFn
from warchest.results import Result, Row, row_type
from warchest.store import Engine


@row_type
@dataclass(frozen=True)
class CrossLicenceTerms:
    """One market: each side's power against the other and its share of the total, the
    royalties owed each way, the balancing ``payment`` from ``payer`` to ``payee`` (None
    when even), and the top patents each way (``evidence_a``: A's against B)."""

    market: str
    a: str
    b: str
    a_power_against_b: float
    b_power_against_a: float
    rate: float
    sales_a: float
    sales_b: float
    share_a: float | None
    share_b: float | None
    owed_by_a: float
    owed_by_b: float
    payer: str | None
    payee: str | None
    payment: float
    evidence_a: tuple[Row, ...]
    evidence_b: tuple[Row, ...]


@dataclass(frozen=True)
class CrossLicence(Result):
    """A cross-licence between ``a`` and ``b`` on ``as_of``, market by market."""

    TABLE = "markets"
    a: str
    b: str
    as_of: dt.date
    rate: float
    markets: tuple[CrossLicenceTerms, ...]


def cross_licence(store: Engine, a: str, b: str, markets: list[str], as_of: dt.date,
                  rate: float = 0.02, sales_a: dict[str, float] | None = None,
                  sales_b: dict[str, float] | None = None,
                  products: Path | None = None, stage: StageFn | None = None
                  ) -> CrossLicence:
    """The balancing payment of a cross-licence between A and B per market
    (``warchest.deal.valuation.balancing_payment``): each side's power against the other,
    royalties owed each way at ``rate`` of the sales in the market (``sales_a``,
    ``sales_b``: per market, default 1, so that payments are shares of sales), who pays
    whom and the top evidence each way."""
    if rate < 0:
        raise InputError(f"royalty rate {rate} must be >= 0 (e.g. 0.02 for 2%)")
    out: list[CrossLicenceTerms] = []
    every = compute_exposures(store, [a, b], markets, as_of, evidence_per_pair=5,
                              products=products, stage=stage)
    for m in markets:
        ex = every[m.strip().upper()]
        sa = (sales_a or {}).get(m.upper(), 1.0)
        sb = (sales_b or {}).get(m.upper(), 1.0)
        r = balancing_payment(ex.matrix[0][1], ex.matrix[1][0], rate, sa, sb)
        payer = {"A": ex.firms[0].name, "B": ex.firms[1].name}.get(r["payer"] or "")
        payee = {"A": ex.firms[1].name, "B": ex.firms[0].name}.get(r["payer"] or "")
        out.append(CrossLicenceTerms(
            ex.market, ex.firms[0].name, ex.firms[1].name, ex.matrix[0][1], ex.matrix[1][0],
            rate, sa, sb, r["share_a"], r["share_b"], r["owed_by_a"], r["owed_by_b"], payer,
            payee, abs(r["payment"]), tuple(ex.evidence.get((0, 1), [])),
            tuple(ex.evidence.get((1, 0), []))))
    first = next(iter(every.values()))
    return CrossLicence(first.firms[0].name, first.firms[1].name, as_of, rate, tuple(out))
