"""Threat weights from the litigation record: a threat that sues often and lately counts
more. Each suit a threat brought (the suits ``litigation_record`` puts on its asserting
side: by name, or as the holder of a patent in suit) counts
``0.5 ** (age / half_life)``, its age the years from its filing to the day, so a suit
filed on the day counts 1 and one a half-life old counts 1/2: how often and how recently,
in one number (an exponentially weighted count, as in the recency-weighted event counts of
litigation-risk models). In each market the threats' counts are divided by their mean,
so the weights average 1 like weights given by hand; a threat that never sued there
weighs 0. The docket data are US district courts: a suit counts in a market that covers
the US; in a market with no suit of any threat every threat weighs 1 (no evidence
either way), and the result says so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from warchest.errors import InputError
from warchest.litigation.parties import Party, party_of
from warchest.litigation.record import Suit, suits_of
from warchest.results import Result, row_type
from warchest.store import Engine

COURT_COUNTRY = "US"
"""Where the docket data's courts sit (US district courts)."""

SHOWN_CASES = 5
"""Case numbers listed per threat (the latest first)."""


@row_type
@dataclass(frozen=True)
class ThreatWeight(Result):
    """One threat's weight in one market, with the suits behind it: how many it brought
    by the day, the latest filing, their recency-weighted count and the latest cases.
    ``threat`` is as the question named it, ``name`` the company's name in the store."""

    threat: str
    name: str
    market: str
    suits: int
    latest: dt.date | None
    recency_weighted: float
    weight: float
    cases: str | None
    basis: str


@dataclass(frozen=True)
class ThreatWeights(Result):
    """The weights of the threats in each market, from their litigation record."""

    TABLE = "weights"
    as_of: dt.date
    half_life_years: float
    weights: tuple[ThreatWeight, ...]

    def weight(self, threat: str, market: str) -> float:
        """The weight of one threat (as named in the question) in one market."""
        for w in self.weights:
            if w.threat == threat and w.market == market:
                return w.weight
        raise KeyError((threat, market))


def _asserted(store: Engine, party: Party, day: dt.date) -> list[Suit]:
    """The cases filed by the day in which the company asserted, latest first: its suits
    on the asserting side as ``litigation_record`` finds them (a party with one of its
    name keys asserting, or the holder of a patent in suit: :func:`suits_of`), each once."""
    brought = {s.case_id: s for s in suits_of(store, party) if s.side == "asserting"
               and s.filed_date is not None and s.filed_date <= day}
    by_case = sorted(brought.values(), key=lambda s: s.case_id)
    return sorted(by_case, key=lambda s: s.filed_date or day, reverse=True)


def litigation_weights(store: Engine, threats: list[str], markets: dict[str, list[str]],
                       as_of: dt.date, half_life_years: float = 3.0,
                       group: bool = True) -> ThreatWeights:
    """Each threat's weight in each market (``markets``: market -> its countries) from
    the suits it brought by ``as_of``, each counted ``0.5 ** (age / half_life_years)``,
    divided by the threats' mean in that market (the module docstring has the rule).
    Threats are names or entity ids; with ``group`` each counts its whole group's suits."""
    if not half_life_years > 0:
        raise InputError(f"half_life_years must be > 0, not {half_life_years!r}")
    threats = list(dict.fromkeys(threats))  # a threat named twice counts once
    counted: dict[str, tuple[int, dt.date | None, float, str | None]] = {}
    names: dict[str, str] = {}
    for name in threats:
        party = party_of(store, name, group)
        names[name] = party.name
        cases = _asserted(store, party, as_of)
        decayed = sum(0.5 ** ((as_of - (c.filed_date or as_of)).days / 365.25
                              / half_life_years) for c in cases)
        shown = ", ".join(c.case_number or c.case_id for c in cases[:SHOWN_CASES])
        counted[name] = (len(cases), cases[0].filed_date if cases else None, decayed,
                         shown or None)
    rows: list[ThreatWeight] = []
    for market, countries in markets.items():
        covered = COURT_COUNTRY in countries
        total = sum(c[2] for c in counted.values()) if covered else 0.0
        mean = total / len(threats) if threats else 0.0
        for name in threats:
            n, last, decayed, listed = counted[name] if covered else (0, None, 0.0, None)
            if mean > 0:
                weight, basis = decayed / mean, "litigation"
            else:
                weight = 1.0
                basis = ("no suit of any threat in the litigation data: equal weights"
                         if covered else f"no litigation data for {market} (the docket "
                         "data are US district courts): equal weights")
            rows.append(ThreatWeight(name, names[name], market, n, last, decayed, weight,
                                     listed, basis))
    return ThreatWeights(as_of, half_life_years, tuple(rows))
