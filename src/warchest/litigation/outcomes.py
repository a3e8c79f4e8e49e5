"""A PTAB proceeding's outcome from its record and its documents: the record's status
says what the Board decided when the API had it; a later decision paper (an institution
decision, a final written decision, a termination) says more when the record lags."""

from __future__ import annotations

DECISIVE = ("final written decision", "adverse judgment", "settled", "terminated",
            "not instituted", "decided")
"""Outcomes that end a proceeding."""

def latest_decision_sql(day: str | None = None) -> str:
    """SQL, per proceeding: what its latest deciding paper decides and when it was filed;
    with ``day`` (ISO), the latest one filed by that day (an undated paper is then left
    out: it cannot be placed before the day)."""
    cut = f" AND filing_date <= DATE '{day}'" if day else ""
    return f"""
SELECT proceeding_number, outcome AS document_outcome, filing_date AS document_date FROM (
    SELECT proceeding_number, outcome, filing_date, row_number() OVER (
        PARTITION BY proceeding_number
        ORDER BY filing_date DESC NULLS LAST, document_id DESC) AS k
    FROM ptab_documents WHERE outcome IS NOT NULL{cut}) d
WHERE k = 1"""


LATEST_DECISION_SQL = latest_decision_sql()
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


def proceedings_on_sql(day: str | None = None) -> str:
    """SQL: every PTAB proceeding as it stood on the day (ISO; None: as loaded), one row
    each: ``proceeding_number, proceeding_type, patent_id, filing_date, petitioner,
    patent_owner, institution_date, decision_date, status, load_id, outcome,
    outcome_date, claims_outcome``. On a day, a proceeding petitioned later is left out;
    a record decided later reads "instituted" (if instituted by the day) or "pending",
    with no claims outcome; the deciding papers are those filed by the day. The outcome is
    the record's, or the latest deciding paper's where that says more
    (:func:`outcome_sql`), and ``outcome_date`` is the date of whichever gave it (the
    record's decision date, else its petition's: a decided record without a decision
    date counts as decided when petitioned)."""
    if day:
        later = f"p.decision_date > DATE '{day}'"
        record = (f"CASE WHEN {later} THEN CASE WHEN p.institution_date <= DATE '{day}' "
                  f"THEN 'instituted' ELSE 'pending' END ELSE p.outcome END")
        claims = f"CASE WHEN {later} THEN NULL ELSE p.claims_outcome END"
        filed = f"WHERE p.filing_date IS NULL OR p.filing_date <= DATE '{day}'"
    else:
        record, claims, filed = "p.outcome", "p.claims_outcome", ""
    better = f"{_rank('d.document_outcome')} > {_rank('q.record_outcome')}"
    return f"""
SELECT q.proceeding_number, q.proceeding_type, q.patent_id, q.filing_date, q.petitioner,
       q.patent_owner, q.institution_date, q.decision_date, q.status, q.load_id,
       CASE WHEN {better} THEN d.document_outcome ELSE q.record_outcome END AS outcome,
       CASE WHEN {better} THEN d.document_date
            ELSE coalesce(q.decision_date, q.filing_date) END AS outcome_date,
       q.record_claims AS claims_outcome
FROM (SELECT p.proceeding_number, p.proceeding_type, p.patent_id, p.filing_date,
             p.petitioner, p.patent_owner, p.institution_date, p.decision_date, p.status,
             p.load_id, {record} AS record_outcome, {claims} AS record_claims
      FROM ptab_proceedings p {filed}) q
LEFT JOIN ({latest_decision_sql(day)}) d ON d.proceeding_number = q.proceeding_number"""


def cancelled_sql(day: str) -> str:
    """SQL for the patents that had lost all their challenged claims at the PTAB on the
    day (ISO): an adverse judgment against the owner (by the record or a deciding paper)
    or a decision holding all challenged claims unpatentable, as the proceeding stood on
    the day (:func:`proceedings_on_sql`). What :func:`survived` calls False. Claims the
    petition did not challenge survive such a decision; the records give no claim counts,
    so the patent is taken to assert nothing from then on (an approximation)."""
    return f"""
SELECT DISTINCT patent_id FROM ({proceedings_on_sql(day)}) x
WHERE patent_id IS NOT NULL
  AND (claims_outcome = 'all unpatentable' OR outcome = 'adverse judgment')"""
