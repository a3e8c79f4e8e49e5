"""What the REST API accepts: pydantic models, so a bad body gets a 422 naming the field.
Nothing here reads a file: a scenario over HTTP has no paths (products, weights and
comparables are the store's and the package's defaults)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from warchest.deal.scenario import Scenario, Threat

MAX_FIRMS = 12
"""Firms in one request: exposure matrices, or a deal's buyer, seller and threats."""
MAX_PACKAGE = 5000
"""Patents in one deal's package."""
MAX_PATENTS_LISTED = 1000
"""Patent numbers in a must_include or must_exclude list."""
NAME = Field(min_length=1, max_length=300)
MARKET = re.compile(r"^[A-Z]{2}$")


class ThreatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = NAME
    weight: float = Field(1.0, ge=0, le=1000)


class DealIn(BaseModel):
    """A deal scenario (as the YAML file's keys, flattened; ``warchest/deal/example.yaml``
    documents each)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field("deal", min_length=1, max_length=200)
    buyer: str = NAME
    seller: str = NAME
    threats: list[ThreatIn] = Field(min_length=1, max_length=MAX_FIRMS - 2)
    markets: dict[str, float] = Field(default_factory=lambda: {"US": 1.0}, min_length=1,
                                      max_length=20)
    as_of: dt.date = Field(default_factory=dt.date.today)
    size: int | None = Field(None, ge=1, le=MAX_PACKAGE)
    budget_usd: float | None = Field(None, gt=0, le=1e13)
    fill: bool = True
    min_remaining_years: float = Field(0.0, ge=0, le=30)
    in_force_in: list[str] = Field(default_factory=list, max_length=20)
    exclude_encumbered: bool = True
    must_include: list[str] = Field(default_factory=list, max_length=MAX_PATENTS_LISTED)
    must_exclude: list[str] = Field(default_factory=list, max_length=MAX_PATENTS_LISTED)
    max_share_per_area: float | None = Field(None, gt=0, le=1)
    exact: bool = False
    time_limit_s: float = Field(60.0, ge=1, le=600)
    royalty_rate: float = Field(0.02, ge=0, le=1)
    threat_weights_from: Literal["scenario", "litigation"] = "scenario"
    half_life_years: float = Field(3.0, ge=0.01, le=100)
    asserted_premium: float = Field(0.5, ge=0, le=10)
    survived_premium: float = Field(0.5, ge=0, le=10)

    @field_validator("markets")
    @classmethod
    def _markets(cls, value: dict[str, float]) -> dict[str, float]:
        out = {}
        for market, weight in value.items():
            code = market.strip().upper()
            if not MARKET.match(code):
                raise ValueError(f"market {market!r} is not a two-letter office code (US, EP)")
            if not 0 <= weight <= 1000:
                raise ValueError(f"the weight of market {code} must be in [0, 1000]")
            out[code] = float(weight)
        return out

    @field_validator("in_force_in")
    @classmethod
    def _in_force(cls, value: list[str]) -> list[str]:
        codes = [m.strip().upper() for m in value]
        bad = [m for m in codes if not MARKET.match(m)]
        if bad:
            raise ValueError(f"market {bad[0]!r} is not a two-letter office code (US, EP)")
        return codes

    @model_validator(mode="after")
    def _limits(self) -> DealIn:
        if self.size is None and self.budget_usd is None:
            raise ValueError("give the package a size (number of patents), a budget_usd or "
                             "both")
        given = [t.name for t in self.threats if "weight" in t.model_fields_set]
        if self.threat_weights_from == "litigation" and given:
            raise ValueError(f"threat {given[0]!r} has a weight, and threat_weights_from is "
                             "litigation: give weights by hand or from litigation, not both")
        return self

    def to_scenario(self) -> Scenario:
        return Scenario(
            buyer=self.buyer, seller=self.seller,
            threats=[Threat(t.name, t.weight) for t in self.threats], markets=self.markets,
            as_of=self.as_of, size=self.size, budget_usd=self.budget_usd, fill=self.fill,
            min_remaining_years=self.min_remaining_years, in_force_in=self.in_force_in,
            exclude_encumbered=self.exclude_encumbered, must_include=self.must_include,
            must_exclude=self.must_exclude, max_share_per_area=self.max_share_per_area,
            exact=self.exact, time_limit_s=self.time_limit_s, royalty_rate=self.royalty_rate,
            weights_from=self.threat_weights_from, half_life_years=self.half_life_years,
            asserted_premium=self.asserted_premium, survived_premium=self.survived_premium,
            name=self.name)
