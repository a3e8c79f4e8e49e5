"""Exposure and deterrence: who could assert which in-force patents against whom, where.

For firms A and B, a market M (a country, or an office such as EP standing for the
countries its grants cover) and a date D:

1. **A's assertable stock**: the patents A's corporate group owns on D (``ownership``; a
   security interest never moves ownership) that are in force in M on D
   (``patent_markets``: expired, lapsed and not-in-M patents drop out).
2. **B's technology**: the patents B's group owned at some point up to D that were granted
   in the ``profile_years`` before D: their CPC main groups (a share vector) and the
   centroid of their text embeddings.
3. **Evidence that A's patent p reads on B** (each in [0, 1]):
   - *citation*: B's patents cite p (B builds on it): 1 - exp(-(examiner x n_examiner +
     applicant x n_applicant) / scale);
   - *cpc*: the cosine between p's CPC main groups and B's share vector (Jaffe 1986
     proximity at group level);
   - *subgroup*: how much B concentrates on p's leading CPC subgroup: B's recent patents
     leading with it / the most that lead with any subgroup of that main group (a product
     feature B files on);
   - *text*: the cosine between p's title and abstract and B's recent patents' centroid,
     rescaled from ``floor``..1 to 0..1.
   The **assertion score** = c x w_citation x citation + f x (w_cpc x cpc + w_subgroup x
   subgroup + w_text x text), capped at 1, with an explanation naming the citing
   patents, the shared CPC groups and the similarity (weights in ``config.yaml``). Being
   cited by B's own patents is direct evidence that B builds on p: a patent B cites
   heavily scores w_citation (0.35) on that alone, over twice the minimum.
   *f* and *c*, the product areas (``warchest techmap map``; B active in an area holding
   at least ``active_share`` of its recent patents, or in those a ``--products`` file
   lists for it): f = 1 when p is in one of B's active areas, else ``outside`` (0.1;
   ``outside_known``, 0, when the products file lists B: what B does not sell, p cannot
   read on by technology alone). For a B whose products are inferred, a p in no mapped
   area falls back to CPC overlap: its CPC main groups act as its areas (inside when one
   of them holds at least ``active_share`` of B's recent patents). c = 1 inside, and
   outside ``cited_outside`` (0.5; ``cited_outside_known``, 0.2, for a listed B): the
   citation evidence is lowered there, never zeroed, since B's own patents build on p
   even where B is not known to sell (a heavily cited p keeps 0.175 of 0.35, over the
   minimum, outside inferred areas).
4. **Exposure of B to A in M on D** = sum over A's assertable patents with a score of at
   least ``min_score`` of impact (``patent_indicators``) x score.

``deterrence`` compares, per threat T, X's power against T with T's against X (the
"mutual assured destruction" ratio) and lists the product areas where T can assert and X
has nothing to answer with.

The modules, in the pipeline's order: ``config`` (weights), ``firms`` (names to groups,
markets to countries), ``evidence`` (the evidence tables as SQL), ``text`` (embeddings),
``matrix`` (the scores and the matrix), ``results`` (what is returned), ``deterrence``
(one pair explained; the balance against threats).
"""

from __future__ import annotations

from warchest.exposure.config import CONFIG, NAKED_SHARE, NO_PRODUCTS, ExposureConfig
from warchest.exposure.deterrence import (
    Deterrence,
    ExposureExplained,
    NakedArea,
    ThreatBalance,
    deterrence,
    explain,
)
from warchest.exposure.firms import market_countries, read_products, resolve_firms
from warchest.exposure.matrix import compute_exposure, compute_exposures
from warchest.exposure.results import Exposure, Firm, PatentScores
from warchest.exposure.text import embed, patent_texts

__all__ = [
    "CONFIG",
    "NAKED_SHARE",
    "NO_PRODUCTS",
    "Deterrence",
    "Exposure",
    "ExposureConfig",
    "ExposureExplained",
    "Firm",
    "NakedArea",
    "PatentScores",
    "ThreatBalance",
    "compute_exposure",
    "compute_exposures",
    "deterrence",
    "embed",
    "explain",
    "market_countries",
    "patent_texts",
    "read_products",
    "resolve_firms",
]
