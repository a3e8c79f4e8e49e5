"""Conveyance texts of recorded assignments -> what the record does to ownership.

Rules are tried in order; the first pattern found in the upper-cased text decides. The
same table is used in Python (``classify_conveyance``) and in SQL (``conveyance_case_sql``),
so the derived tables and the explanations agree.
"""

from __future__ import annotations

import re

# (kind, moves ownership, patterns): order matters (a release of a security interest is a
# release, a corrective assignment is corrective before it is an assignment)
RULES: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("release", False, ("RELEASE", "TERMINATION OF SECURITY", "TERMINATION OF PATENT SECURITY",
                        "SATISFACTION OF", "DISCHARGE")),
    ("security interest", False, ("SECURITY", "MORTGAGE", "LIEN", "PLEDGE", "COLLATERAL")),
    ("government interest", False, ("GOVERNMENT INTEREST", "EXECUTIVE ORDER 9424",
                                    "CONFIRMATORY LICENSE")),
    ("licence", False, ("LICENSE", "LICENCE")),
    ("address change", False, ("CHANGE OF ADDRESS", "ADDRESS CHANGE")),
    ("corrective", True, ("CORRECTIVE", "CORRECTION")),
    ("nunc pro tunc", True, ("NUNC PRO TUNC",)),
    ("merger", True, ("MERGER", "MERGE")),
    ("change of name", True, ("CHANGE OF NAME", "NAME CHANGE", "ENTITY CONVERSION",
                              "CONVERSION")),
    ("assignment", True, ("ASSIGNMENT", "ASSIGNS", "ASSIGNORS INTEREST", "TRANSFER",
                          "CONVEYANCE")),
)
KINDS = (*tuple(kind for kind, _, _ in RULES), "other")
MOVING_KINDS = tuple(kind for kind, moves, _ in RULES if moves)


def classify_conveyance(text: str | None) -> tuple[str, bool]:
    """The kind of a conveyance text and whether it moves ownership."""
    upper = (text or "").upper()
    for kind, moves, patterns in RULES:
        if any(p in upper for p in patterns):
            return kind, moves
    return "other", False


def conveyance_case_sql(column: str) -> str:
    """A portable SQL CASE expression computing the kind from a text column."""
    parts = []
    for kind, _, patterns in RULES:
        cond = " OR ".join(f"upper(coalesce({column}, '')) LIKE '%{p}%'" for p in patterns)
        parts.append(f"WHEN {cond} THEN '{kind}'")
    return "CASE " + " ".join(parts) + " ELSE 'other' END"


_REEL_FRAME = re.compile(r"REEL[ /]*(?:FRAME)?[^0-9]*(\d+)[^0-9]+(\d+)")


def referenced_reel_frame(text: str | None) -> str | None:
    """The earlier record a corrective or release text names ('13206-683'), if any."""
    m = _REEL_FRAME.search((text or "").upper())
    return f"{int(m.group(1))}-{int(m.group(2))}" if m else None
