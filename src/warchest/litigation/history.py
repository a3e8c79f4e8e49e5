"""A patent's litigation and PTAB history: the district-court cases that asserted it and
the PTAB proceedings that challenged it, each with its parties, dates and outcome (the
sections of a patent's card, and of its value view)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

from warchest.litigation.outcomes import proceedings_on_sql, survived
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

def proceedings_sql(day: str | None = None) -> str:
    """Per patent (``_key``): the PTAB proceedings on it as they stood on the day (None:
    as loaded), with their outcome (:func:`~warchest.litigation.outcomes.proceedings_on_sql`);
    ``{match}`` is left for the patent condition."""
    return ("SELECT q.patent_id AS _key, q.proceeding_number, q.proceeding_type,"
            " q.filing_date, q.petitioner, q.patent_owner, q.institution_date,"
            " q.decision_date, q.outcome, q.claims_outcome, q.status, q.load_id"
            f" FROM ({proceedings_on_sql(day)}) q"
            " WHERE q.patent_id {match}"
            " ORDER BY _key, q.filing_date NULLS LAST, q.proceeding_number")


PROCEEDINGS_SQL = proceedings_sql()
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
    return patent_histories(store, [patent_id]).get(patent_id) or \
        history_of(patent_id, (), ())


def patent_histories(store: Engine, ids: list[str], as_of: dt.date | None = None
                     ) -> dict[str, PatentHistory]:
    """The histories of many patents (canonical ids) at once, as the record stood on
    ``as_of`` (None: all of it): cases filed and proceedings petitioned after the day are
    left out, and a proceeding decided after it counts as pending (instituted, if it was
    by the day). Patents with no case and no proceeding are left out of the answer."""
    if not ids:
        return {}
    table = pa.table({"patent_id": pa.array(ids, pa.string())})
    match = "IN (SELECT patent_id FROM history_ids)"
    cases: dict[str, list[Row]] = {}
    for r in store.rows_with("history_ids", table, CASES_SQL.format(match=match)):
        if as_of is None or r["filed_date"] is None or r["filed_date"] <= as_of:
            cases.setdefault(r["_key"], []).append(_strip(r))
    proceedings: dict[str, list[Row]] = {}
    day = None if as_of is None else as_of.isoformat()
    for r in store.rows_with("history_ids", table, proceedings_sql(day).format(match=match)):
        proceedings.setdefault(r["_key"], []).append(_strip(r))
    return {pid: history_of(pid, tuple(cases.get(pid, ())), tuple(proceedings.get(pid, ())))
            for pid in sorted(set(cases) | set(proceedings))}


def history_text(history: PatentHistory) -> str:
    """One line for a report: 'asserted in 2 cases (latest 2019-03-04); IPR2016-00831
    settled; came through a challenge with claims standing'."""
    parts = []
    if history.asserted:
        dates = [c["filed_date"] for c in history.cases if c.get("filed_date")]
        latest = f" (latest filed {max(dates)})" if dates else ""
        parts.append(f"asserted in {history.asserted} case"
                     f"{'s' if history.asserted != 1 else ''}{latest}")
    parts += [f"{p['proceeding_number']} {p.get('outcome') or 'outcome unknown'}"
              for p in history.proceedings]
    if history.survived is True:
        parts.append("came through a challenge with claims standing")
    elif history.survived is False:
        parts.append("all challenged claims cancelled")
    return "; ".join(parts)


def _strip(row: Row) -> Row:
    return {k: v for k, v in row.items() if k != "_key"}
