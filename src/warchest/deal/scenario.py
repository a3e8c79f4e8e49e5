"""The deal scenario file (YAML): who buys from whom, against which threats, where, and the
limits on the package. ``warchest/deal/example.yaml`` documents every key."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warchest.errors import BadInputFile
from warchest.yamlfile import read_yaml

EXAMPLE = Path(__file__).with_name("example.yaml")
KEYS = {"name", "buyer", "seller", "threats", "markets", "as_of", "package", "constraints",
        "optimiser", "products", "exposure_config", "valuation", "cross_licence",
        "synthetic", "threat_weights"}
WEIGHTS_FROM = ("scenario", "litigation")
"""Where threat weights come from: the scenario's ``weight`` per threat, or the threats'
litigation record (``threat_weights: {from: litigation}``)."""


@dataclass(frozen=True)
class Threat:
    """A company the buyer wants to deter, and how much it counts."""

    name: str
    weight: float = 1.0


@dataclass(frozen=True)
class Scenario:
    """A deal scenario (the YAML file's keys; ``example.yaml`` documents each): who buys
    from whom to deter which threats in which markets, the package's size or budget, the
    constraints, the optimiser and valuation settings. Frozen: change a copy with
    ``dataclasses.replace(scenario, size=100)``."""

    buyer: str
    seller: str
    threats: list[Threat]
    markets: dict[str, float]            # market -> weight
    as_of: dt.date
    size: int | None = None
    budget_usd: float | None = None
    fill: bool = True
    min_remaining_years: float = 0.0
    in_force_in: list[str] = field(default_factory=list)  # in force in all of these
    exclude_encumbered: bool = True
    must_include: list[str] = field(default_factory=list)
    must_exclude: list[str] = field(default_factory=list)
    max_share_per_area: float | None = None
    exact: bool = False
    time_limit_s: float = 60.0
    exact_max_candidates: int = 5000
    products: Path | None = None
    exposure_config: Path | None = None
    comparables: Path | None = None
    quality_elasticity: float = 0.5
    reference_remaining_years: float = 10.0
    asserted_premium: float = 0.5
    survived_premium: float = 0.5
    royalty_rate: float = 0.02
    sales_usd: dict[str, dict[str, float]] = field(default_factory=dict)
    weights_from: str = "scenario"
    half_life_years: float = 3.0
    name: str = "deal"
    synthetic: bool = False
    source: Path | None = None


def _fail(path: Path, message: str) -> BadInputFile:
    return BadInputFile(f"{path}: {message} (see {EXAMPLE.name} in warchest/deal, or "
                        "docs/deal.md, for every key)")


def _number(path: Path, key: str, value: Any, low: float = 0.0) -> float:
    """A finite number >= ``low`` (YAML's .nan and .inf are refused, as are text and
    true/false)."""
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or value < low:
        raise _fail(path, f"{key} must be a finite number >= {low:g}, not {value!r}")
    return float(value)


def _flag(path: Path, key: str, value: Any) -> bool:
    """true or false (YAML booleans), not text that merely looks like one."""
    if not isinstance(value, bool):
        raise _fail(path, f"{key} must be true or false, not {value!r}")
    return value


def _patents(path: Path, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(path, f"{key} must be a list of patent numbers, not {value!r}")
    return [str(v).strip() for v in value]


def _threats(path: Path, raw: Any) -> list[Threat]:
    """The threats: names, or {name, weight}."""
    if not isinstance(raw, list):
        raise _fail(path, "threats must be a list of names or {name, weight}")
    threats = []
    for t in raw:
        if isinstance(t, str):
            threats.append(Threat(t))
        elif isinstance(t, dict) and t.get("name"):
            threats.append(Threat(str(t["name"]), _number(path, f"weight of {t['name']}",
                                                          t.get("weight", 1.0))))
        else:
            raise _fail(path, f"a threat must be a name or {{name, weight}}, not {t!r}")
    return threats


def _threat_weights(path: Path, value: Any, threats: list[Any]) -> tuple[str, float]:
    """``threat_weights: {from: litigation, half_life_years: 3}``: where the threats'
    weights come from, and how fast a suit's weight halves."""
    if value is None:
        return "scenario", 3.0
    if not isinstance(value, dict):
        raise _fail(path, f"threat_weights must be a mapping like {{from: litigation}}, not "
                          f"{value!r}")
    unknown = sorted(set(value) - {"from", "half_life_years"})
    if unknown:
        raise _fail(path, f"unknown key threat_weights.{unknown[0]}; keys are: from, "
                          "half_life_years")
    source = value.get("from", "scenario")
    if source not in WEIGHTS_FROM:
        raise _fail(path, f"threat_weights.from must be one of {', '.join(WEIGHTS_FROM)}, "
                          f"not {source!r}")
    given = [t["name"] for t in threats if isinstance(t, dict) and "weight" in t]
    if source == "litigation" and given:
        raise _fail(path, f"threat {given[0]!r} has a weight, and threat_weights comes from "
                          "litigation: give weights by hand or from litigation, not both")
    half_life = _number(path, "threat_weights.half_life_years",
                        value.get("half_life_years", 3.0), 0.01)
    return str(source), half_life


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file; every error names the key and the bad value."""
    data = read_yaml(path, "the scenario")
    if not isinstance(data, dict):
        raise _fail(path, "a scenario is a mapping of keys (buyer, seller, threats, ...)")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise _fail(path, f"unknown key {unknown[0]!r}; keys are: {', '.join(sorted(KEYS))}")
    for key in ("buyer", "seller", "threats"):
        if not data.get(key):
            raise _fail(path, f"{key} is missing")
    threats = _threats(path, data["threats"])
    weights_from, half_life = _threat_weights(path, data.get("threat_weights"),
                                              data["threats"])
    markets_raw = data.get("markets", ["US"])
    if isinstance(markets_raw, list):
        markets = {str(m).upper(): 1.0 for m in markets_raw}
    elif isinstance(markets_raw, dict):
        markets = {str(m).upper(): _number(path, f"weight of market {m}", w)
                   for m, w in markets_raw.items()}
    else:
        raise _fail(path, f"markets must be a list (US, EP) or market: weight, not "
                          f"{markets_raw!r}")
    if not markets:
        raise _fail(path, "markets is empty")
    as_of = data.get("as_of", dt.date.today())
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise _fail(path, f"as_of {as_of!r} is not a date like 2025-12-31") from None
    if not isinstance(as_of, dt.date):
        raise _fail(path, f"as_of {as_of!r} is not a date like 2025-12-31")
    package = data.get("package") or {}
    cons = data.get("constraints") or {}
    opt = data.get("optimiser") or {}
    val = data.get("valuation") or {}
    cross = data.get("cross_licence") or {}
    for key, part in (("package", package), ("constraints", cons), ("optimiser", opt),
                      ("valuation", val), ("cross_licence", cross)):
        if not isinstance(part, dict):
            raise _fail(path, f"{key} must be a mapping, not {part!r}")
    size = package.get("size")
    budget = package.get("budget_usd")
    if size is None and budget is None:
        raise _fail(path, "package needs a size (number of patents), a budget_usd or both")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise _fail(path, f"package.size must be a whole number >= 1, not {size!r}")
    share = cons.get("max_share_per_area")
    if share is not None and not 0 < _number(path, "constraints.max_share_per_area",
                                             share) <= 1:
        raise _fail(path, f"constraints.max_share_per_area must be in (0, 1], not {share!r}")
    in_force = cons.get("in_force_in") or []
    if not isinstance(in_force, list):
        raise _fail(path, f"constraints.in_force_in must be a list of markets, not "
                          f"{in_force!r}")
    sales = cross.get("sales_usd") or {}
    if not isinstance(sales, dict) or not all(isinstance(v, dict) for v in sales.values()):
        raise _fail(path, "cross_licence.sales_usd must map company -> {market: sales}")
    here = path.parent

    def local(value: Any) -> Path | None:
        return None if not value else (here / str(value)).resolve()

    return Scenario(
        buyer=str(data["buyer"]), seller=str(data["seller"]), threats=threats,
        markets=markets, as_of=as_of, size=size,
        fill=_flag(path, "package.fill", package.get("fill", True)),
        budget_usd=None if budget is None else _number(path, "package.budget_usd", budget),
        min_remaining_years=_number(path, "constraints.min_remaining_years",
                                    cons.get("min_remaining_years", 0)),
        in_force_in=[str(m).upper() for m in in_force],
        exclude_encumbered=_flag(path, "constraints.exclude_encumbered",
                                 cons.get("exclude_encumbered", True)),
        must_include=_patents(path, "constraints.must_include", cons.get("must_include")),
        must_exclude=_patents(path, "constraints.must_exclude", cons.get("must_exclude")),
        max_share_per_area=None if share is None else float(share),
        exact=_flag(path, "optimiser.exact", opt.get("exact", False)),
        time_limit_s=_number(path, "optimiser.time_limit_s", opt.get("time_limit_s", 60), 1),
        exact_max_candidates=int(_number(path, "optimiser.exact_max_candidates",
                                         opt.get("exact_max_candidates", 5000), 1)),
        products=local(data.get("products")),
        exposure_config=local(data.get("exposure_config")),
        comparables=local(val.get("comparables")),
        quality_elasticity=_number(path, "valuation.quality_elasticity",
                                   val.get("quality_elasticity", 0.5)),
        reference_remaining_years=_number(path, "valuation.reference_remaining_years",
                                          val.get("reference_remaining_years", 10), 0.1),
        asserted_premium=_number(path, "valuation.asserted_premium",
                                 val.get("asserted_premium", 0.5)),
        survived_premium=_number(path, "valuation.survived_premium",
                                 val.get("survived_premium", 0.5)),
        royalty_rate=_number(path, "cross_licence.royalty_rate",
                             cross.get("royalty_rate", 0.02)),
        sales_usd={str(k): {str(m).upper(): _number(path, f"sales of {k} in {m}", v)
                            for m, v in d.items()} for k, d in sales.items()},
        weights_from=weights_from, half_life_years=half_life,
        name=str(data.get("name") or path.stem),
        synthetic=_flag(path, "synthetic", data.get("synthetic", False)),
        source=path)
