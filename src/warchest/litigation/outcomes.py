"""A PTAB proceeding's outcome from its record and its documents: the record's status
says what the Board decided when the API had it; a later decision paper (an institution
decision, a final written decision, a termination) says more when the record lags."""

from __future__ import annotations

DECISIVE = ("final written decision", "adverse judgment", "settled", "terminated",
            "not instituted", "decided")
"""Outcomes that end a proceeding."""

LATEST_DECISION_SQL = """
SELECT proceeding_number, outcome AS document_outcome, filing_date AS document_date FROM (
    SELECT proceeding_number, outcome, filing_date, row_number() OVER (
        PARTITION BY proceeding_number
        ORDER BY filing_date DESC NULLS LAST, document_id DESC) AS k
    FROM ptab_documents WHERE outcome IS NOT NULL) d
WHERE k = 1"""
"""Per proceeding: what its latest deciding paper decides, and when it was filed."""


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


def cancelled_sql(day: str) -> str:
    """SQL for the patents that had lost all their challenged claims at the PTAB on the
    day (ISO): an adverse judgment against the owner (by the record or its latest deciding
    paper), or a decision holding all challenged claims unpatentable, dated on or before
    the day (the decision date, else the deciding paper's filing date, else the petition's).
    What :func:`survived` calls False; such a patent asserts nothing after that day."""
    outcome = outcome_sql("p.outcome", "d.document_outcome")
    return f"""
SELECT DISTINCT p.patent_id FROM ptab_proceedings p
LEFT JOIN ({LATEST_DECISION_SQL}) d ON d.proceeding_number = p.proceeding_number
WHERE p.patent_id IS NOT NULL
  AND (p.claims_outcome = 'all unpatentable' OR {outcome} = 'adverse judgment')
  AND coalesce(p.decision_date, d.document_date, p.filing_date) <= DATE '{day}'"""
