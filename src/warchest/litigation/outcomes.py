"""A PTAB proceeding's outcome from its record and its documents: the record's status
says what the Board decided when the API had it; a later decision paper (an institution
decision, a final written decision, a termination) says more when the record lags."""

from __future__ import annotations

DECISIVE = ("final written decision", "adverse judgment", "settled", "terminated",
            "not instituted", "decided")
"""Outcomes that end a proceeding."""

LATEST_DECISION_SQL = """
SELECT proceeding_number, outcome AS document_outcome FROM (
    SELECT proceeding_number, outcome, row_number() OVER (
        PARTITION BY proceeding_number
        ORDER BY filing_date DESC NULLS LAST, document_id DESC) AS k
    FROM ptab_documents WHERE outcome IS NOT NULL) d
WHERE k = 1"""
"""Per proceeding: what its latest deciding paper decides."""


def _rank(column: str) -> str:
    decisive = ", ".join(f"'{o}'" for o in DECISIVE)
    return (f"CASE WHEN {column} IN ({decisive}) THEN 3 WHEN {column} = 'instituted' THEN 2 "
            f"WHEN {column} = 'pending' THEN 1 ELSE 0 END")


def outcome_sql(record: str, document: str) -> str:
    """SQL for a proceeding's outcome: the record's (column ``record``), or its latest
    decision paper's (``document``) where that says more: a record still "instituted"
    whose final written decision is filed."""
    return (f"CASE WHEN {_rank(document)} > {_rank(record)} THEN {document} "
            f"ELSE {record} END")


def survived(outcome: str | None, claims: str | None) -> bool | None:
    """Whether the patent came through a challenge with claims standing: the petition
    was denied, or a final written decision left some or all challenged claims
    patentable. False when all challenged claims were held unpatentable (or the owner
    took an adverse judgment); None while undecided or when the proceeding ended
    otherwise (a settlement says nothing about validity)."""
    if outcome == "adverse judgment" or claims == "all unpatentable":
        return False
    if outcome == "not instituted":
        return True
    if outcome == "final written decision" and claims in ("some unpatentable",
                                                          "none unpatentable"):
        return True
    return None
