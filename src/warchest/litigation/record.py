"""A company's litigation record: the district-court suits it brought and faced, by year,
court and counterparty, and the PTAB petitions it filed and faced, with their outcomes.

Who asserts: the plaintiff, except in a declaratory judgment action (cause ``28:2201``),
where the accused infringer sues first and the patent holder, the defendant, is the side
asserting the patents. A company's suits are those naming it, and those in which a patent
in suit was held by one of its members on the filing day (it asserted them, under
whatever name). A counter-claimant is the defendant of the action (see
:func:`warchest.ingest.litigation.role_of`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from warchest.litigation.outcomes import LATEST_DECISION_SQL, outcome_sql
from warchest.litigation.parties import Party, held_sql, marks, party_of
from warchest.results import Result, Row, row_type
from warchest.store import Engine


@row_type
@dataclass(frozen=True)
class Suit(Result):
    """One district-court case of the company: on the ``asserting`` side (it brought the
    patents) or the ``accused`` side, the other side's parties and the patents in suit."""

    case_id: str
    case_number: str | None
    court: str | None
    case_name: str | None
    filed_date: dt.date | None
    closed_date: dt.date | None
    side: str
    declaratory: bool
    counterparties: str | None
    patents: str | None


@row_type
@dataclass(frozen=True)
class Petition(Result):
    """One PTAB proceeding of the company: as ``petitioner`` (it challenged the patent) or
    ``patent owner``, with the other party and the outcome."""

    proceeding_number: str
    proceeding_type: str | None
    patent_id: str | None
    filing_date: dt.date | None
    side: str
    counterparty: str | None
    outcome: str | None
    claims_outcome: str | None
    decision_date: dt.date | None


@row_type
@dataclass(frozen=True)
class Tally(Result):
    """Suits (or petitions) counted under one key: a year, a court, a counterparty."""

    key: str
    asserting: int
    accused: int


@dataclass(frozen=True)
class LitigationRecord(Result):
    """Everything the store's litigation data says about one company (or its group)."""

    TABLE = "suits"
    query: str
    entity_id: str | None
    name: str
    group: bool
    members: dict[str, str]
    suits: tuple[Suit, ...]
    petitions: tuple[Petition, ...]
    by_year: tuple[Tally, ...]
    by_court: tuple[Tally, ...]
    by_counterparty: tuple[Tally, ...]
    petition_outcomes: dict[str, dict[str, int]]

    @property
    def brought(self) -> int:
        """Suits in which the company asserted patents."""
        return sum(s.side == "asserting" for s in self.suits)

    @property
    def faced(self) -> int:
        """Suits in which the company was accused."""
        return sum(s.side == "accused" for s in self.suits)


def litigation_record(store: Engine, company: str, group: bool = False) -> LitigationRecord:
    """The suits ``company`` (an entity id or any of its names; with ``group`` its whole
    corporate group) brought and faced, tallied by year, court and counterparty, and the
    PTAB petitions it filed and faced, with outcomes. Parties are matched by the name keys
    of owner resolution; a company that owns no patent is found by its name as a party."""
    party = party_of(store, company, group)
    suits = suits_of(store, party)
    petitions = _petitions(store, party)
    outcomes: dict[str, dict[str, int]] = {}
    for side in ("petitioner", "patent owner"):
        counted = Counter(p.outcome or "unknown" for p in petitions if p.side == side)
        outcomes[side] = dict(sorted(counted.items()))
    years = _tally(suits, lambda s: [str(s.filed_date.year)] if s.filed_date else ["unknown"])
    courts = _tally(suits, lambda s: [s.court or "unknown"])
    others = _tally(suits, lambda s: (s.counterparties or "").split("; ")
                    if s.counterparties else [])
    return LitigationRecord(company, party.entity_id, party.name, group, party.members,
                            suits, petitions, tuple(sorted(years, key=lambda t: t.key)),
                            _by_count(courts), _by_count(others), outcomes)


def suits_of(store: Engine, party: Party) -> tuple[Suit, ...]:
    """The company's cases, each on its side: ``asserting`` (it brought the patents) or
    ``accused``; named as a party, or the holder of a patent in suit (``_with_held``)."""
    keys = party.keys
    mine = store.rows(f"""
        SELECT DISTINCT p.case_id, p.role, c.case_number, c.court, c.case_name,
               c.filed_date, c.closed_date, coalesce(c.declaratory, false) AS declaratory
        FROM lit_parties p LEFT JOIN lit_cases c ON c.case_id = p.case_id
        WHERE p.name_key IN ({marks(keys)}) AND p.role IN ('plaintiff', 'defendant')
        ORDER BY c.filed_date, p.case_id, p.role""", list(keys)) if keys else []
    mine = _with_held(store, party, mine)
    if not mine:
        return ()
    cases = sorted({r["case_id"] for r in mine})
    parties = store.rows(f"""
        SELECT case_id, role, name, name_key FROM lit_parties
        WHERE case_id IN ({marks(tuple(cases))}) AND role IN ('plaintiff', 'defendant')
        ORDER BY case_id, name""", cases)
    patents = store.rows(f"""
        SELECT DISTINCT case_id, patent_id FROM lit_patents
        WHERE case_id IN ({marks(tuple(cases))}) ORDER BY case_id, patent_id""", cases)
    by_case: dict[str, list[str]] = defaultdict(list)
    for r in patents:
        by_case[r["case_id"]].append(r["patent_id"])
    own = set(keys)
    out = []
    for r in mine:
        other_role = "defendant" if r["role"] == "plaintiff" else "plaintiff"
        names: dict[str, str] = {}
        for p in parties:  # the other side, one name per company key, not the company
            if p["case_id"] == r["case_id"] and p["role"] == other_role \
                    and p["name_key"] not in own:
                names.setdefault(p["name_key"] or p["name"], p["name"])
        asserting = (r["role"] == "plaintiff") != bool(r["declaratory"])
        out.append(Suit(r["case_id"], r["case_number"], r["court"], r["case_name"],
                        r["filed_date"], r["closed_date"],
                        "asserting" if asserting else "accused", bool(r["declaratory"]),
                        "; ".join(sorted(names.values())) or None,
                        ", ".join(by_case.get(r["case_id"], [])) or None))
    return tuple(out)


def _with_held(store: Engine, party: Party, mine: list[Row]) -> list[Row]:
    """The company's cases by name, and those it brought under a name owner resolution
    never saw: a patent in suit held by one of its members on the filing day (only the
    patentee has standing to sue, 35 U.S.C. 281), on the asserting side (the plaintiff,
    or the defendant of a declaratory judgment action)."""
    members = tuple(party.members)
    if not members:
        return mine
    named = {r["case_id"] for r in mine}
    sql, params = held_sql(party)
    held = [r | {"role": "defendant" if r["declaratory"] else "plaintiff"}
            for r in store.rows(sql, params) if r["case_id"] not in named]
    return sorted(mine + held, key=lambda r: (r["filed_date"] is None, r["filed_date"] or
                                              dt.date.min, r["case_id"], r["role"]))


def _petitions(store: Engine, party: Party) -> tuple[Petition, ...]:
    keys = party.keys
    if not keys:
        return ()
    rows = store.rows(f"""
        SELECT p.proceeding_number, p.proceeding_type, p.patent_id, p.filing_date,
               p.petitioner, p.patent_owner, p.petitioner_key, p.patent_owner_key,
               {outcome_sql("p.outcome", "d.document_outcome")} AS outcome,
               p.claims_outcome, p.decision_date
        FROM ptab_proceedings p
        LEFT JOIN ({LATEST_DECISION_SQL}) d ON d.proceeding_number = p.proceeding_number
        WHERE p.petitioner_key IN ({marks(keys)}) OR p.patent_owner_key IN ({marks(keys)})
        ORDER BY p.filing_date, p.proceeding_number""", [*keys, *keys])
    own = set(keys)
    out = []
    for r in rows:
        outcome = r["outcome"]
        for side, other, key in (("petitioner", r["patent_owner"], r["petitioner_key"]),
                                 ("patent owner", r["petitioner"], r["patent_owner_key"])):
            if key in own:
                out.append(Petition(r["proceeding_number"], r["proceeding_type"],
                                    r["patent_id"], r["filing_date"], side, other, outcome,
                                    r["claims_outcome"], r["decision_date"]))
    return tuple(out)


def _tally(suits: tuple[Suit, ...], keys_of: Callable[[Suit], list[str]]) -> list[Tally]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for suit in suits:
        for key in keys_of(suit):
            counts[key][suit.side] += 1
    return [Tally(k, c["asserting"], c["accused"]) for k, c in counts.items()]


def _by_count(tallies: list[Tally]) -> tuple[Tally, ...]:
    return tuple(sorted(tallies, key=lambda t: (-(t.asserting + t.accused), t.key)))
