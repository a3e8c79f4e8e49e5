"""A patent's litigation and PTAB history: the district-court cases that asserted it and
the PTAB proceedings that challenged it, each with its parties, dates and outcome (the
sections of a patent's card, and of its value view)."""

from __future__ import annotations

from dataclasses import dataclass

from warchest.litigation.outcomes import LATEST_DECISION_SQL, outcome_sql, survived
from warchest.numbers import normalize_patent_number
from warchest.results import Result, Row
from warchest.store import Engine


def _side(role: str) -> str:
    return ("(SELECT string_agg(DISTINCT s.name, '; ' ORDER BY s.name) FROM lit_parties s "
            f"WHERE s.case_id = c.case_id AND s.role = {role})")


CASES_SQL = (
    "SELECT l.patent_id AS _key, l.case_id, c.case_number, c.court, c.case_name,"
    " c.filed_date, c.closed_date, coalesce(c.declaratory, false) AS declaratory, "
    + _side("CASE WHEN coalesce(c.declaratory, false) THEN 'defendant' ELSE 'plaintiff' END")
    + " AS asserting, "
    + _side("CASE WHEN coalesce(c.declaratory, false) THEN 'plaintiff' ELSE 'defendant' END")
    + " AS accused, l.load_id"
    " FROM (SELECT DISTINCT patent_id, case_id, load_id FROM lit_patents"
    " WHERE patent_id {match}) l LEFT JOIN lit_cases c ON c.case_id = l.case_id"
    " ORDER BY _key, c.filed_date NULLS LAST, l.case_id")
"""Per patent (``_key``): the cases that asserted it, with the asserting and accused
parties (the plaintiffs, or in a declaratory judgment action the defendants, assert)."""

PROCEEDINGS_SQL = (
    "SELECT p.patent_id AS _key, p.proceeding_number, p.proceeding_type, p.filing_date,"
    " p.petitioner, p.patent_owner, p.institution_date, p.decision_date, "
    + outcome_sql("p.outcome", "d.document_outcome") + " AS outcome,"
    " p.claims_outcome, p.status, p.load_id FROM ptab_proceedings p"
    f" LEFT JOIN ({LATEST_DECISION_SQL}) d ON d.proceeding_number = p.proceeding_number"
    " WHERE p.patent_id {match} ORDER BY _key, p.filing_date NULLS LAST, p.proceeding_number")
"""Per patent (``_key``): the PTAB proceedings on it, with their outcome (the record's,
or its latest decision paper's where that says more)."""


@dataclass(frozen=True)
class PatentHistory(Result):
    """A patent's cases and PTAB proceedings. ``asserted``: cases asserting it;
    ``challenged``: proceedings on it; ``survived``: whether it came through a challenge
    with claims standing (True), lost all challenged claims (False), or neither is known
    (None, also when never challenged)."""

    TABLE = "cases"
    patent_id: str
    cases: tuple[Row, ...]
    proceedings: tuple[Row, ...]
    asserted: int
    challenged: int
    survived: bool | None
    claims_cancelled: bool


def history_of(patent_id: str, cases: tuple[Row, ...], proceedings: tuple[Row, ...]
               ) -> PatentHistory:
    """The history from a patent's section rows (``CASES_SQL``, ``PROCEEDINGS_SQL``)."""
    verdicts = [survived(p.get("outcome"), p.get("claims_outcome")) for p in proceedings]
    lost = any(v is False for v in verdicts)
    standing = None if not verdicts else False if lost else \
        True if any(v is True for v in verdicts) else None
    return PatentHistory(patent_id, cases, proceedings, len(cases), len(proceedings),
                         standing, lost)


def patent_history(store: Engine, number: str) -> PatentHistory:
    """The litigation and PTAB history of one patent (any number format)."""
    patent_id = normalize_patent_number(number)
    cases = tuple(_strip(r) for r in store.rows(CASES_SQL.format(match="= ?"), [patent_id]))
    proceedings = tuple(_strip(r) for r in store.rows(PROCEEDINGS_SQL.format(match="= ?"),
                                                       [patent_id]))
    return history_of(patent_id, cases, proceedings)


def _strip(row: Row) -> Row:
    return {k: v for k, v in row.items() if k != "_key"}
