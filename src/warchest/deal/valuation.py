"""What a package is worth and what a cross-licence owes: model estimates, with assumptions.

**Package price** (comparable transactions):

1. Each priced comparable (``comparables.csv``, editable; pass your own with
   ``valuation.comparables``) gives a price per patent = price / patents.
2. The range is the 25th, 50th and 75th percentile of those prices per patent (numpy's
   linear interpolation), times the sum over the package's patents of each one's factor
   against an average comparable patent: ``quality x life`` with
   ``quality = clip((value / mean value of the store's in-force patents) **
   quality_elasticity, 0.25, 4)`` (value = impact x market
   coverage on the date, ``warchest.value``; the comparables are assumed to be portfolios
   of average quality) and ``life = clip(remaining years / reference_remaining_years,
   0.25, 2)``.
3. A patent's record counts too: ``record = 1 + asserted_premium`` if it was asserted in
   a district-court case by the date, ``+ survived_premium`` if it came through a PTAB
   challenge with claims standing (a petition denied, or a final written decision that
   left claims patentable), both 0.5 by default (``valuation.asserted_premium``,
   ``valuation.survived_premium``). The grounds: litigated patents are a distinct, more
   valuable set (Allison, Lemley, Moore and Trunkey, "Valuable Patents", Georgetown Law
   Journal 92, 2004; Lanjouw and Schankerman, "Characteristics of Patent Litigation: A
   Window on Competition", RAND Journal of Economics 32, 2001: the probability of suit
   rises with a patent's value), and a patent upheld against a validity challenge is worth
   more than one whose validity is untested (Marco, "The Option Value of Patent
   Litigation: Theory and Evidence", Review of Financial Economics 14, 2005). The sizes
   of the premiums are assumptions, not estimates from those studies: set your own.
   A patent whose challenged claims were all cancelled is not a candidate at all (it
   asserts nothing, ``warchest.exposure``).
4. Each patent's price (the allocation, and its cost under a budget) is the median price
   per patent times its factor (quality x life x record).

**Cross-licence balancing payment** between A and B in a market (a documented model, not
a legal opinion): A's share of the mutual exposure ``s_AB = P_AB / (P_AB + P_BA)``
(``P_AB`` = B's exposure to A's patents); the royalty B would owe A is ``rate x sales_B x
s_AB``, the royalty A would owe B is ``rate x sales_A x s_BA``; the balancing payment is
the difference, paid by the side that owes more. With no exposure either way, nothing is
owed. Without sales figures, sales count 1 and the payment reads as a share of sales.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from warchest.errors import BadInputFile
from warchest.results import Result, Row

COMPARABLES = Path(__file__).with_name("comparables.csv")


@dataclass
class Comparable:
    seller: str
    buyer: str
    year: int
    patents: int
    price_usd: float | None
    source: str
    note: str

    @property
    def per_patent(self) -> float | None:
        return None if self.price_usd is None else self.price_usd / self.patents


def read_comparables(path: Path | None = None) -> list[Comparable]:
    """The comparable transactions table (seller, buyer, year, patents, price_usd, ...)."""
    path = path or COMPARABLES
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            need = {"seller", "buyer", "year", "patents", "price_usd"}
            missing = need - set(reader.fieldnames or [])
            if missing:
                raise BadInputFile(f"{path}: the comparables table lacks the columns "
                                   f"{', '.join(sorted(missing))} (header: seller, buyer, "
                                   "year, patents, price_usd, source, note)")
            out = []
            for line, row in enumerate(reader, start=2):
                try:
                    price = float(row["price_usd"]) if (row["price_usd"] or "").strip() \
                        else None
                    out.append(Comparable(row["seller"], row["buyer"], int(row["year"]),
                                          int(row["patents"]), price,
                                          row.get("source") or "", row.get("note") or ""))
                except ValueError:
                    raise BadInputFile(f"{path}, line {line}: year and patents must be "
                                       "whole numbers and price_usd a number or empty") \
                        from None
                if out[-1].patents <= 0:
                    raise BadInputFile(f"{path}, line {line}: patents must be > 0")
    except OSError as exc:
        raise BadInputFile(f"cannot read the comparables table {path}: {exc.strerror}") \
            from None
    if not any(c.price_usd for c in out):
        raise BadInputFile(f"{path}: no comparable has a price")
    return out


@dataclass
class ValuationParams:
    quality_elasticity: float = 0.5
    reference_remaining_years: float = 10.0
    asserted_premium: float = 0.5
    survived_premium: float = 0.5


def record_factors(asserted: np.ndarray, survived: np.ndarray,
                   params: ValuationParams | None = None) -> np.ndarray:
    """Each patent's litigation record factor (module docstring, step 3): 1, plus
    ``asserted_premium`` if asserted in court, plus ``survived_premium`` if it came
    through a PTAB challenge with claims standing.

    >>> [float(f) for f in record_factors(np.array([True, False, True]),
    ...                                   np.array([True, False, False]))]
    [2.0, 1.0, 1.5]
    """
    params = params or ValuationParams()
    out: np.ndarray = (1.0 + params.asserted_premium * np.asarray(asserted, float)
                       + params.survived_premium * np.asarray(survived, float))
    return out


def patent_factors(value: np.ndarray, remaining: np.ndarray, reference_value: float,
                   params: ValuationParams | None = None,
                   record: np.ndarray | None = None) -> np.ndarray:
    """Each patent's price factor against an average comparable patent (module docstring):
    clip((value / reference) ** elasticity, 0.25, 4) x clip(remaining / reference years,
    0.25, 2) x ``record`` (:func:`record_factors`; 1 when not given).

    >>> [round(float(f), 4) for f in patent_factors(np.array([4.0, 1.0]),
    ...                                             np.array([5.0, 30.0]), 1.0)]
    [1.0, 2.0]
    """
    params = params or ValuationParams()
    value = np.asarray(value, float)
    relative = value / reference_value if reference_value > 0 else np.ones_like(value)
    quality = np.clip(np.where(relative > 0, relative, 0.0) ** params.quality_elasticity,
                      0.25, 4.0)
    life = np.clip(np.asarray(remaining, float) / params.reference_remaining_years, 0.25, 2.0)
    out: np.ndarray = quality * life * (1.0 if record is None else record)
    return out


def price_per_patent(comparables: list[Comparable]) -> tuple[float, float, float]:
    """25th, 50th and 75th percentile of the priced comparables' price per patent."""
    prices = np.array([c.per_patent for c in comparables if c.per_patent is not None])
    low, mid, high = (float(np.percentile(prices, q)) for q in (25, 50, 75))
    return low, mid, high


@dataclass(frozen=True)
class PriceRange:
    """Low, middle and high estimates in USD (from the 25th, 50th and 75th percentile of
    the comparables' price per patent)."""

    low: float
    mid: float
    high: float


@dataclass(frozen=True)
class Valuation(Result):
    """A package's price: the comparables' price per patent (``p25``, ``median``,
    ``p75``), the adjustment for the package's value and remaining life, the range, each
    patent's allocation (in package order) and the assumptions; the comparables are the
    main table."""

    TABLE = "comparables"
    patents: int
    price_per_patent_usd: dict[str, float]
    adjustment: dict[str, float]
    range_usd: PriceRange
    allocation_usd: tuple[float, ...]
    comparables: tuple[Row, ...]
    assumptions: tuple[str, ...]


def value_package(comparables: list[Comparable], value: np.ndarray, remaining: np.ndarray,
                  reference_value: float, params: ValuationParams | None = None,
                  record: np.ndarray | None = None) -> Valuation:
    """The price range of a package and each patent's allocation (module docstring).

    ``value`` (impact x market coverage on the date) and ``remaining`` (years) are per
    package patent; ``reference_value`` is the mean value of the in-force patents in the
    store (the assumed profile of an average comparable patent); ``record`` each one's
    litigation record factor (:func:`record_factors`)."""
    params = params or ValuationParams()
    low, mid, high = price_per_patent(comparables)
    factor = patent_factors(value, remaining, reference_value, params, record)
    on_record = 0 if record is None else int((np.asarray(record) > 1).sum())
    both = 1 + params.asserted_premium + params.survived_premium
    n = len(factor)
    total = float(factor.sum())
    priced = sum(1 for c in comparables if c.per_patent is not None)
    return Valuation(
        patents=n,
        price_per_patent_usd={"p25": low, "median": mid, "p75": high},
        adjustment={"sum_of_factors": total,
                       "mean_factor": total / n if n else 0.0,
                       "package_mean_value": float(np.mean(value)) if n else 0.0,
                       "reference_mean_value": reference_value,
                    "package_mean_remaining_years": float(np.mean(remaining))
                    if n else 0.0},
        range_usd=PriceRange(low * total, mid * total, high * total),
        allocation_usd=tuple((mid * factor).tolist()),
        comparables=tuple(c.__dict__ | {"per_patent_usd": c.per_patent} for c in comparables),
        assumptions=(
            f"price per patent from {priced} priced public transactions (25th, 50th and "
            "75th percentile); prices as reported, not adjusted for inflation",
            "an average comparable patent is assumed to be worth the store's mean in-force "
            "value (impact x market coverage); each patent counts (its value / that mean) "
            f"to the power {params.quality_elasticity:g}, clipped to 0.25..4",
            f"an average comparable patent is assumed to have "
            f"{params.reference_remaining_years:g} years left; each patent counts its "
            "remaining years over that, clipped to 0.25..2",
            f"a patent asserted in court counts {1 + params.asserted_premium:g} times, one "
            f"that came through a PTAB challenge with claims standing "
            f"{1 + params.survived_premium:g} times, both {both:g} times (an assumed "
            "premium for a tested patent: Allison et al. 2004, Lanjouw and Schankerman "
            f"2001, Marco 2005); {on_record} of the package's patents are priced up for "
            "their record",
            "the package's price is the sum of its patents' prices (the allocation)",
            "a model estimate from public data, not an appraisal",
        ),
    )


def balancing_payment(power_ab: float, power_ba: float, rate: float, sales_a: float = 1.0,
                      sales_b: float = 1.0) -> dict[str, Any]:
    """The cross-licence balancing payment between A and B (module docstring).

    ``power_ab``: B's exposure to A's patents; positive ``payment`` flows from B to A.

    >>> r = balancing_payment(30.0, 10.0, 0.02)
    >>> round(r["payment"], 4), r["payer"]
    (0.01, 'B')
    """
    total = power_ab + power_ba
    if total <= 0:
        return {"share_a": None, "share_b": None, "owed_by_b": 0.0, "owed_by_a": 0.0,
                "payment": 0.0, "payer": None}
    share_a, share_b = power_ab / total, power_ba / total
    owed_by_b = rate * sales_b * share_a
    owed_by_a = rate * sales_a * share_b
    payment = owed_by_b - owed_by_a
    return {"share_a": share_a, "share_b": share_b, "owed_by_b": owed_by_b,
            "owed_by_a": owed_by_a, "payment": payment,
            "payer": "B" if payment > 0 else "A" if payment < 0 else None}
