"""Litigation and PTAB: the shipped real PTAB records (warchest.ingest.ptab) and a
constructed docket fixture in the layout of the USPTO litigation docket data
(tests/fixtures/litigation, see its SOURCES.md) load whole, idempotently, with bad records
quarantined; a company's record and a patent's history are checked by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from warchest import (
    litigation_record,
    litigation_weights,
    load_litigation,
    load_ptab,
    patent_history,
)
from warchest.errors import UnknownEntity
from warchest.ingest.litigation import party_name, role_of
from warchest.ingest.ptab import claims_outcome_of, outcome_of
from warchest.litigation.history import history_text, patent_histories
from warchest.litigation.outcomes import cancelled_sql
from warchest.owners import resolve_owners
from warchest.store import Store

from .conftest import FIXTURES, write

DOCKETS = FIXTURES / "litigation"


@pytest.fixture
def ptab_store(store: Store, samples: Path) -> Store:
    load_ptab(store, [samples / "ptab"])
    return store


def test_every_ptab_sample_record_loads(store: Store, samples: Path) -> None:
    report = load_ptab(store, [samples / "ptab"])
    counts = {Path(f.path).name: (f.rows_read, f.rows_loaded, f.rows_quarantined)
              for f in report.files}
    assert counts == {"ptab_documents.jsonl": (105, 105, 0),
                      "ptab_proceedings.jsonl": (72, 72, 0)}
    assert store.scalar("SELECT count(*) FROM ptab_proceedings") == 72
    assert store.scalar("SELECT count(*) FROM ptab_documents") == 105
    again = load_ptab(store, [samples / "ptab"])  # idempotent: the same rows, replaced
    assert again.rows_loaded == 177
    assert store.scalar("SELECT count(*) FROM ptab_proceedings") == 72
    assert store.scalar("SELECT count(*) FROM ptab_documents") == 105
    # 20 + 1 + 1 AIA trials (all IPR), 44 regular and 6 reexamination appeals
    kinds = {r["proceeding_type"]: r["n"] for r in store.rows(
        "SELECT proceeding_type, count(*) AS n FROM ptab_proceedings GROUP BY 1")}
    assert kinds == {"APPEAL": 44, "IPR": 22, "REEXAM APPEAL": 6}


def test_one_proceeding_by_hand(ptab_store: Store) -> None:
    # IPR2022-00037 in ptab_proceedings.jsonl: Apple Inc. v. LoganTree LP, US 6,059,576
    row = ptab_store.rows("SELECT * FROM ptab_proceedings "
                          "WHERE proceeding_number = 'IPR2022-00037'")[0]
    assert (row["proceeding_type"], row["category"], row["patent_id"]) == (
        "IPR", "AIA Trial", "6059576")
    assert (row["petitioner"], row["petitioner_key"]) == ("Apple Inc.", "APPLE")
    assert (row["patent_owner"], row["patent_owner_key"]) == ("LoganTree LP", "LOGANTREE")
    assert (row["filing_date"], row["institution_date"], row["decision_date"]) == (
        dt.date(2021, 10, 15), dt.date(2022, 9, 1), dt.date(2023, 8, 30))
    assert row["status"] == "Final Written Decision - Appealed"
    assert row["outcome"] == "final written decision"
    # a decision record (IPR2016-00831): settled after institution, by its subdecision
    row = ptab_store.rows("SELECT * FROM ptab_proceedings "
                          "WHERE proceeding_number = 'IPR2016-00831'")[0]
    assert row["status"] == "Decision; Settlement after Institution"
    assert (row["outcome"], row["decision_date"]) == ("settled", dt.date(2017, 7, 6))
    assert (row["petitioner"], row["patent_owner"], row["patent_id"]) == (
        "Commissariat a l\u2019Energie Atomique et aux Energies Alternatives",
        "Silicon Genesis Corporation", "6162705")
    # an ex parte appeal: the appellant owns the patent; decided on 2001-11-27
    row = ptab_store.rows("SELECT * FROM ptab_proceedings "
                          "WHERE proceeding_number = '1998003162'")[0]
    assert (row["proceeding_type"], row["patent_id"], row["patent_owner"], row["petitioner"],
            row["outcome"], row["decision_date"]) == (
        "APPEAL", "6448328", "KAPPLER et al", None, "decided", dt.date(2001, 11, 27))
    # the documents: what each deciding paper decides, and only those
    docs = {r["document_id"]: r["outcome"] for r in ptab_store.rows(
        "SELECT document_id, outcome FROM ptab_documents WHERE outcome IS NOT NULL")}
    assert docs == {"169355259": "instituted", "169514971": "settled",
                    "170646753": "final written decision"}


def test_bad_ptab_records_are_quarantined(store: Store, tmp_path: Path) -> None:
    good = {"proceedingNumber": "IPR2020-00001", "subproceedingTypeCategory": "IPR",
            "proceedingTypeCategory": "AIA Trial", "respondentPatentNumber": "7,000,000",
            "petitionerPartyName": "Acme Corp. et al.", "respondentPartyName": "Widget LLC",
            "proceedingFilingDate": "2020-01-02", "proceedingStatusCategory": "Denied"}
    lines = [json.dumps(good), "{not json", json.dumps({"petitionerPartyName": "X"}),
             json.dumps({**good, "proceedingNumber": "IPR2020-00002",
                         "proceedingFilingDate": "31-31-2020"}),
             json.dumps({**good, "proceedingNumber": "IPR2020-00003",
                         "respondentPatentNumber": "ABC"}), "", "[1, 2]"]
    path = write(tmp_path / "ptab_mixed.jsonl", "\n".join(lines) + "\n")
    report = load_ptab(store, [path])
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (6, 1, 5)
    reasons = {r["line"]: r["reason"] for r in store.rows("SELECT line, reason FROM quarantine")}
    assert sorted(reasons) == [2, 3, 4, 5, 7]
    assert reasons[2].startswith("not valid JSON")
    assert "no proceeding number" in reasons[3]
    assert "proceedingFilingDate" in reasons[4] and "31-31-2020" in reasons[4]
    assert "ABC" in reasons[5]
    row = store.rows("SELECT * FROM ptab_proceedings")[0]
    assert (row["patent_id"], row["petitioner_key"], row["outcome"], row["filing_date"]) == (
        "7000000", "ACME", "not instituted", dt.date(2020, 1, 2))


def test_the_nested_trials_api_shape(store: Store, tmp_path: Path) -> None:
    # the Open Data Portal's trials API nests the same facts (and wraps them in a Bag)
    answer = {"count": 1, "patentTrialProceedingDataBag": [{
        "trialNumber": "PGR2024-00011",
        "trialMetaData": {"trialTypeCode": "PGR", "petitionFilingDate": "2024-02-20",
                          "institutionDecisionDate": "2024-08-21",
                          "latestDecisionDate": "2025-08-19",
                          "trialStatusCategory": "Final Written Decision",
                          "trialOutcomeCategory": "All Challenged Claims Unpatentable"},
        "patentOwnerData": {"patentNumber": "11500000", "patentOwnerName": "Holder Inc."},
        "regularPetitionerData": {"realPartyInInterestName": "Challenger Co."}}]}
    path = write(tmp_path / "answer.json", json.dumps(answer, indent=2))
    report = load_ptab(store, [path])
    assert (report.rows_read, report.rows_quarantined) == (1, 0)
    row = store.rows("SELECT * FROM ptab_proceedings")[0]
    assert (row["proceeding_number"], row["proceeding_type"], row["patent_id"],
            row["petitioner"], row["patent_owner"]) == (
        "PGR2024-00011", "PGR", "11500000", "Challenger Co.", "Holder Inc.")
    assert (row["filing_date"], row["institution_date"], row["decision_date"]) == (
        dt.date(2024, 2, 20), dt.date(2024, 8, 21), dt.date(2025, 8, 19))
    assert (row["outcome"], row["claims_outcome"]) == ("final written decision",
                                                       "all unpatentable")


def test_outcome_words() -> None:
    assert outcome_of("Terminated-Settled") == "settled"
    assert outcome_of("Decision; Settlement after Institution") == "settled"
    assert outcome_of("Institution Denied") == "not instituted"
    assert outcome_of("Discretionary Denial") == "not instituted"
    assert outcome_of("Terminated-Adverse Judgment") == "adverse judgment"
    assert outcome_of("Final Written Decision - Appealed") == "final written decision"
    assert outcome_of("Terminated-Dismissed") == "terminated"
    assert outcome_of("Instituted") == "instituted"
    assert outcome_of("Confidential filing") is None
    assert outcome_of(None) is None
    assert claims_outcome_of("All Challenged Claims Unpatentable") == "all unpatentable"
    assert claims_outcome_of("Mixed Outcome") == "some unpatentable"
    assert claims_outcome_of("All Claims Patentable") == "none unpatentable"


def test_the_docket_fixture_loads(store: Store) -> None:
    report = load_litigation(store, [DOCKETS])
    counts = {Path(f.path).name: (f.rows_read, f.rows_loaded, f.rows_quarantined)
              for f in report.files}
    assert counts == {"cases.csv": (5, 4, 1), "names.csv": (14, 13, 1),
                      "patents.csv": (7, 6, 1)}
    load_litigation(store, [DOCKETS])  # idempotent
    assert store.scalar("SELECT count(*) FROM lit_cases") == 4
    assert store.scalar("SELECT count(*) FROM lit_parties") == 13
    assert store.scalar("SELECT count(*) FROM lit_patents") == 6
    case = store.rows("SELECT * FROM lit_cases WHERE case_id = '103'")[0]
    assert (case["case_number"], case["court"], case["declaratory"], case["filed_date"],
            case["closed_date"]) == ("3:17-cv-00303", "California Northern District Court",
                                     True, dt.date(2017, 7, 1), dt.date(2018, 2, 1))
    roles = [tuple(r.values()) for r in store.rows(
        "SELECT party_type, role, name_key FROM lit_parties WHERE case_id = '104' "
        "ORDER BY party_type")]
    assert roles == [("Counter Claimant", "defendant", "ALPHA WIDGETS"),
                     ("Counter Defendant", "plaintiff", "GAMMA PHONES"),
                     ("Defendant", "defendant", "ALPHA WIDGETS"),
                     ("Intervenor", "other", "EPSILON CHIPS"),
                     ("Plaintiff", "plaintiff", "GAMMA PHONES")]
    assert store.scalar("SELECT string_agg(patent_id, ',' ORDER BY patent_id) FROM "
                        "lit_patents WHERE case_id = '101'") == "7654321,8000001"
    bad = [(Path(r["path"]).name, r["line"], r["reason"]) for r in store.rows(
        "SELECT path, line, reason FROM quarantine ORDER BY path")]
    assert [(name, line) for name, line, _ in bad] == [
        ("cases.csv", 6), ("names.csv", 15), ("patents.csv", 7)]
    assert "date_filed" in bad[0][2] or "filed_date" in bad[0][2]
    assert "name" in bad[1][2]
    assert "patent" in bad[2][2]


def test_a_companys_record_by_hand(store: Store) -> None:
    load_litigation(store, [DOCKETS])
    record = litigation_record(store, "Alpha Widgets LLC")  # a party only: no owners here
    assert record.entity_id is None
    # 101 and 102 it brought; 103 is a declaratory action in which it, the defendant,
    # asserts 8000001; in 104 it is defendant and counter-claimant: accused once
    assert [(s.case_id, s.side, s.counterparties, s.patents) for s in record.suits] == [
        ("101", "asserting", "Beta Devices Inc.; Beta Devices USA Inc.", "7654321, 8000001"),
        ("102", "asserting", "Gamma Phones Corp.", "7654321"),
        ("103", "asserting", "Beta Devices Inc.", "8000001"),
        ("104", "accused", "Gamma Phones Corp.", "9111111")]
    assert (record.brought, record.faced) == (3, 1)
    assert [(t.key, t.asserting, t.accused) for t in record.by_year] == [
        ("2015", 1, 0), ("2016", 1, 0), ("2017", 1, 0), ("2018", 0, 1)]
    assert [(t.key, t.asserting, t.accused) for t in record.by_court] == [
        ("Texas Eastern District Court", 1, 1), ("California Northern District Court", 1, 0),
        ("Delaware District Court", 1, 0)]
    assert [(t.key, t.asserting, t.accused) for t in record.by_counterparty] == [
        ("Beta Devices Inc.", 2, 0), ("Gamma Phones Corp.", 1, 1),
        ("Beta Devices USA Inc.", 1, 0)]
    # the same record from the other side
    gamma = litigation_record(store, "GAMMA PHONES CORPORATION")
    assert [(s.case_id, s.side) for s in gamma.suits] == [("102", "accused"),
                                                          ("104", "asserting")]
    with pytest.raises(UnknownEntity, match="Omega"):
        litigation_record(store, "Omega Nobody Ltd")


def test_a_patents_history(store: Store) -> None:
    load_litigation(store, [DOCKETS])
    history = patent_history(store, "US 8,000,001 B2")
    assert [(c["case_id"], c["asserting"], c["accused"], c["declaratory"])
            for c in history.cases] == [
        ("101", "Alpha Widgets LLC", "Beta Devices Inc.; Beta Devices USA Inc.", False),
        ("103", "Alpha Widgets LLC", "Beta Devices Inc.", True)]
    assert (history.asserted, history.challenged, history.survived) == (2, 0, None)


def test_ptab_on_the_real_samples(sample_store: Store) -> None:
    # the samples' PTAB records: Apple Inc. petitioned against LoganTree's 6,059,576
    record = litigation_record(sample_store, "Apple Inc.")
    filed = [(p.proceeding_number, p.side, p.counterparty, p.outcome)
             for p in record.petitions]
    assert ("IPR2022-00037", "petitioner", "LoganTree LP", "final written decision") in filed
    assert record.petition_outcomes["petitioner"]["final written decision"] >= 1


def test_party_names_and_roles() -> None:
    assert party_name("DK Crown Holdings Inc. (formerly DraftKings Inc.), a Delaware "
                      "corporation et al.") == "DK Crown Holdings Inc."
    assert party_name("Open Text Inc.  et al.") == "Open Text Inc."
    assert party_name("Acme Corp. d/b/a Widgets Direct") == "Acme Corp."
    assert party_name("Et Al Industries") == "Et Al Industries"
    assert [role_of(t) for t in ("Plaintiff", "Counter Claimant", "Counter Defendant",
                                 "Third Party Defendant", "Intervenor", "Respondent")] == [
        "plaintiff", "defendant", "plaintiff", "other", "other", "defendant"]


def test_the_command(tmp_path: Path) -> None:
    from warchest.cli import app

    db = tmp_path / "lit.duckdb"
    with Store(db) as store:
        load_litigation(store, [DOCKETS])
    runner = CliRunner()
    got = runner.invoke(app, ["litigation", "Alpha Widgets LLC", "--db", str(db), "--json"])
    assert got.exit_code == 0, got.output
    out = json.loads(got.stdout)
    assert [s["case_id"] for s in out["suits"]] == ["101", "102", "103", "104"]
    assert out["by_court"][0] == {"key": "Texas Eastern District Court", "asserting": 1,
                                  "accused": 1}
    got = runner.invoke(app, ["litigation", "Nobody \x1b[2J Ltd", "--db", str(db)])
    assert got.exit_code == 1
    assert "Nobody" in got.output and "\x1b[2J" not in got.output
    assert "Traceback" not in got.output


def test_threat_weights_from_the_docket_by_hand(store: Store) -> None:
    load_litigation(store, [DOCKETS])
    day = dt.date(2019, 6, 30)
    got = litigation_weights(store, ["Alpha Widgets LLC", "Gamma Phones Corp.",
                                     "Beta Devices Inc."],
                             {"US": ["US"], "EP": ["DE", "FR"]}, day, half_life_years=3.0)

    def aged(filed: str) -> float:  # a suit filed on the day counts 1, 3 years old 1/2
        return float(0.5 ** ((day - dt.date.fromisoformat(filed)).days / 365.25 / 3.0))

    # Alpha asserted in 101, 102 (plaintiff) and 103 (defendant of a declaratory
    # action); in 104 it is the defendant and counter-claimant: accused, not counted.
    # Gamma asserted in 104. Beta brought only the declaratory action 103: it asserts
    # nothing there. Case 105 has no valid filing date and counts for no one.
    alpha = aged("2015-03-02") + aged("2016-05-10") + aged("2017-07-01")
    gamma = aged("2018-09-12")
    mean = (alpha + gamma + 0.0) / 3
    us = {w.threat: w for w in got.weights if w.market == "US"}
    assert [(w.suits, str(w.latest)) for w in us.values()] == [
        (3, "2017-07-01"), (1, "2018-09-12"), (0, "None")]
    assert us["Alpha Widgets LLC"].recency_weighted == pytest.approx(alpha)
    assert us["Alpha Widgets LLC"].weight == pytest.approx(alpha / mean)
    assert us["Gamma Phones Corp."].weight == pytest.approx(gamma / mean)
    assert us["Beta Devices Inc."].weight == 0.0
    assert us["Alpha Widgets LLC"].cases == "3:17-cv-00303, 1:16-cv-00202, 2:15-cv-00101"
    # by hand: 1581, 1146 and 729 days old -> 0.3677 + 0.4842 + 0.6308; 291 days -> 0.8319
    assert round(alpha, 4) == 1.4828 and round(gamma, 4) == 0.8319
    # no docket data covers Europe: equal weights there, and the reason given
    ep = [w for w in got.weights if w.market == "EP"]
    assert [w.weight for w in ep] == [1.0, 1.0, 1.0]
    assert "US district courts" in ep[0].basis
    # before any suit: equal weights in the US too
    early = litigation_weights(store, ["Alpha Widgets LLC", "Gamma Phones Corp."],
                               {"US": ["US"]}, dt.date(2014, 1, 1))
    assert [w.weight for w in early.weights] == [1.0, 1.0]


def test_histories_as_the_record_stood(store: Store, samples: Path) -> None:
    load_litigation(store, [DOCKETS])
    load_ptab(store, [samples / "ptab"])
    now = patent_histories(store, ["8000001", "6162705", "7000000"])
    assert sorted(now) == ["6162705", "8000001"]  # no case, no proceeding: left out
    assert now["8000001"].asserted == 2
    assert [p["outcome"] for p in now["6162705"].proceedings] == ["settled"]
    then = patent_histories(store, ["8000001", "6162705"], dt.date(2016, 12, 31))
    assert [c["case_id"] for c in then["8000001"].cases] == ["101"]  # 103 was filed in 2017
    # IPR2016-00831: instituted by the paper of 2016-09-28 (169355259), settled on
    # 2017-07-06: instituted at the end of 2016, pending in mid-2016
    assert [p["outcome"] for p in then["6162705"].proceedings] == ["instituted"]
    before = patent_histories(store, ["6162705"], dt.date(2016, 6, 30))
    assert [p["outcome"] for p in before["6162705"].proceedings] == ["pending"]
    assert history_text(now["8000001"]) == "asserted in 2 cases (latest filed 2017-07-01)"


def _one_patent(store: Store, owner: str) -> None:
    """7654321, granted 2010-01-05 to ``owner``, with owners resolved."""
    with store.transaction():
        lid = store.begin_load("test", "one patent", None, None, None)
        store.write("patents", pa.table({
            "patent_id": ["7654321"], "patent_type": ["utility"],
            "grant_date": pa.array([dt.date(2010, 1, 5)], pa.date32()),
            "title": ["Widget"]}), lid)
        store.write("applications", pa.table({
            "patent_id": ["7654321"],
            "filing_date": pa.array([dt.date(2008, 1, 7)], pa.date32())}), lid)
        store.write("assignees", pa.table({
            "patent_id": ["7654321"], "sequence": pa.array([0], pa.int32()),
            "organization": [owner]}), lid)
        store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})
    resolve_owners(store)


def test_a_holder_suing_under_another_name_still_asserts(store: Store, tmp_path: Path) -> None:
    # 7654321 belongs to Alpha Widgets LLC; case 201 is brought with it by a licensing
    # arm no patent names ("AW Licensing Sub LLC"): only the patentee has standing, so
    # it is Alpha's suit, in its record and in its weight
    _one_patent(store, "Alpha Widgets LLC")
    extra = tmp_path / "more"
    extra.mkdir()
    for name in ("cases", "names", "patents"):
        header = (DOCKETS / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        row = {"cases": "201,1:19-cv-00201,90201,AW Licensing Sub LLC v. Gamma Phones Corp.,"
                        "Delaware District Court,,,35:271 Patent Infringement,,,,,,,"
                        "2019-01-02,,",
               "names": "201,1:19-cv-00201,1,Plaintiff,1,AW Licensing Sub LLC\n"
                        "201,1:19-cv-00201,2,Defendant,1,Gamma Phones Corp.",
               "patents": "201,1:19-cv-00201,7654321,Patent"}[name]
        write(extra / f"{name}.csv", header + "\n" + row + "\n")
    load_litigation(store, [DOCKETS, extra])
    record = litigation_record(store, "Alpha Widgets LLC")
    assert [(s.case_id, s.side, s.counterparties) for s in record.suits][-1] == (
        "201", "asserting", "Gamma Phones Corp.")
    assert (record.brought, record.faced) == (4, 1)
    got = litigation_weights(store, ["Alpha Widgets LLC"], {"US": ["US"]},
                             dt.date(2019, 6, 30))
    assert got.weights[0].suits == 4
    assert got.weights[0].cases is not None and got.weights[0].cases.startswith("1:19-cv-00201")


def test_proceedings_as_they_stood_on_a_day(store: Store) -> None:
    # 9000001: the record says only "instituted" (2019-07-01); the Board's adverse
    # judgment is a paper filed 2021-01-04. 9000002: the record itself says "adverse
    # judgment", decided 2021-01-04. 9000003: all challenged claims unpatentable, the
    # record undated: decided, as far as we know, when petitioned (2019-01-02).
    with store.transaction():
        lid = store.begin_load("test", "three proceedings", None, None, None)
        day = pa.date32()
        store.write("ptab_proceedings", pa.table({
            "proceeding_number": ["IPR2019-00001", "IPR2019-00002", "IPR2019-00003"],
            "patent_id": ["9000001", "9000002", "9000003"],
            "filing_date": pa.array([dt.date(2019, 1, 2)] * 3, day),
            "institution_date": pa.array([dt.date(2019, 7, 1)] * 2 + [None], day),
            "decision_date": pa.array([None, dt.date(2021, 1, 4), None], day),
            "outcome": ["instituted", "adverse judgment", "final written decision"],
            "claims_outcome": [None, None, "all unpatentable"]}), lid)
        store.write("ptab_documents", pa.table({
            "document_id": ["d1"], "proceeding_number": ["IPR2019-00001"],
            "filing_date": pa.array([dt.date(2021, 1, 4)], day),
            "document_type": ["Judgment"], "outcome": ["adverse judgment"]}), lid)
        store.finish_load(lid, rows_read=4, rows_loaded=4, rows_quarantined=0, outputs={})

    def cancelled(on: str) -> list[str]:
        return [r["patent_id"] for r in store.rows(
            f"SELECT patent_id FROM ({cancelled_sql(on)}) x ORDER BY patent_id")]

    assert cancelled("2018-12-31") == []  # not yet petitioned
    assert cancelled("2020-06-01") == ["9000003"]  # the others still instituted then
    assert cancelled("2021-01-04") == ["9000001", "9000002", "9000003"]  # on the day
    then = patent_histories(store, ["9000001", "9000002"], dt.date(2020, 6, 1))
    assert [p["outcome"] for p in then["9000001"].proceedings] == ["instituted"]
    assert [p["outcome"] for p in then["9000002"].proceedings] == ["instituted"]
    assert then["9000001"].survived is None and not then["9000001"].claims_cancelled
    now = patent_histories(store, ["9000001", "9000002"])
    assert [p["outcome"] for p in now["9000001"].proceedings] == ["adverse judgment"]
    assert now["9000001"].survived is False and now["9000002"].survived is False


def test_an_accused_counterclaiming_with_its_own_patents_did_not_bring_the_suit(
        store: Store) -> None:
    # Gamma Phones owns 7654321 and is the defendant (and counter-claimant) of case 301,
    # in which 7654321 is in suit: Gamma is accused there, whoever holds the patents
    _one_patent(store, "Gamma Phones Corp.")
    folder = write(Path(store.path).parent / "d301" / "cases.csv",
                   "case_row_id,case_number,case_name,case_cause,date_filed\n"
                   "301,1:20-cv-00301,Omega LLC v. Gamma Phones Corp.,35:271,2020-02-03\n"
                   ).parent
    n = "301,1:20-cv-00301"
    write(folder / "names.csv", f"case_row_id,case_number,party_type,name\n{n},Plaintiff,"
          f"Omega LLC\n{n},Defendant,Gamma Phones Corp.\n{n},Counter Claimant,"
          "Gamma Phones Corp.\n")
    write(folder / "patents.csv", f"case_row_id,case_number,patent\n{n},7654321\n")
    load_litigation(store, [folder])
    record = litigation_record(store, "Gamma Phones Corp.")
    assert [(s.case_id, s.side) for s in record.suits] == [("301", "accused")]
    got = litigation_weights(store, ["Gamma Phones Corp."], {"US": ["US"]},
                             dt.date(2021, 1, 1))
    assert got.weights[0].suits == 0
