"""Who sues whom, with which patents, and which patents survived a challenge: district-court
patent cases (the USPTO's litigation docket data) and PTAB proceedings, per company
(:func:`litigation_record`) and per patent (:func:`patent_history`), and threat weights
from who sues how often and how lately (:func:`litigation_weights`)."""

from warchest.litigation.history import PatentHistory, patent_history
from warchest.litigation.record import (
    LitigationRecord,
    Petition,
    Suit,
    Tally,
    litigation_record,
)
from warchest.litigation.weights import ThreatWeight, ThreatWeights, litigation_weights

__all__ = [
    "LitigationRecord",
    "PatentHistory",
    "Petition",
    "Suit",
    "Tally",
    "ThreatWeight",
    "ThreatWeights",
    "litigation_record",
    "litigation_weights",
    "patent_history",
]
