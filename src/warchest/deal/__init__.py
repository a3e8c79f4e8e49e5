"""The deal engine: which patents to buy from a seller to deter threats, and at what price.

``plan_deal(store, scenario)``:

1. **Exposure** per target market (``warchest.exposure``, with every patent's contribution
   kept): the buyer's power against each threat today, each threat's power against the
   buyer, and what each of the seller's in-force patents would add against each threat.
2. **Candidates**: the seller group's patents in force in a target market on the date,
   minus those the constraints rule out (each reason counted): not in force in every
   ``in_force_in`` market, too little life left, encumbered (an open security interest or
   a recorded licence, ``warchest.owners.encumbrances_sql``), ``must_exclude``.
3. **Choice** (``warchest.deal.optimise``): the monotone submodular deterrence objective,
   lazy greedy with its guarantee and a data-dependent bound, optionally the exact MILP
   (HiGHS) with its proven gap; caps per product area; a budget priced by the valuation.
4. **Before/after** per threat and market, what the seller gives up, the product areas
   still naked, and per patent why it was chosen (its exposure evidence).
5. **Valuation** and **cross-licence** balancing payments (``warchest.deal.valuation``).
"""

from warchest.deal.crosslicence import CrossLicence, CrossLicenceTerms, cross_licence
from warchest.deal.plan import DealResult, plan_deal
from warchest.deal.scenario import EXAMPLE, Scenario, Threat, load_scenario
from warchest.errors import InfeasibleDeal

__all__ = [
    "EXAMPLE",
    "CrossLicence",
    "CrossLicenceTerms",
    "DealResult",
    "InfeasibleDeal",
    "Scenario",
    "Threat",
    "cross_licence",
    "load_scenario",
    "plan_deal",
]
