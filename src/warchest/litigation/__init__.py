"""Who sues whom, with which patents, and which patents survived a challenge: district-court
patent cases (the USPTO's litigation docket data) and PTAB proceedings, per company
(:func:`litigation_record`) and per patent (:func:`patent_history`)."""

from warchest.litigation.history import PatentHistory, patent_history
from warchest.litigation.record import (
    LitigationRecord,
    Petition,
    Suit,
    Tally,
    litigation_record,
)

__all__ = [
    "LitigationRecord",
    "PatentHistory",
    "Petition",
    "Suit",
    "Tally",
    "litigation_record",
    "patent_history",
]
