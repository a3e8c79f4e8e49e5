"""USPTO full-text search records (ppubs JSON) and the citation CSV derived from them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from warchest import load_ppubs
from warchest.ingest.ppubs import parse_claims, parse_continuity, parse_us_reference
from warchest.store import Store

from .conftest import write


@pytest.fixture
def ppubs_store(store: Store, samples: Path) -> Store:
    load_ppubs(store, [samples / "ppubs"])
    return store


def test_counts(store: Store, samples: Path) -> None:
    report = load_ppubs(store, [samples / "ppubs"])
    assert [(Path(f.path).name, f.rows_read, f.rows_quarantined) for f in report.files] == [
        ("ppubs_biblio.jsonl.gz", 5929, 0),
        ("ppubs_fulltext.jsonl.gz", 51, 0),
        ("ppubs_fulltext_us_citations.csv", 910, 0),
    ]
    # 5,782 USPAT grants + 50 OCR'd grants; 97 pre-grant publications (16 fulltext overlap)
    assert store.scalar("SELECT count(*) FROM patents") == 5832
    assert store.scalar("SELECT count(*) FROM publications") == 97


def test_grant_record(ppubs_store: Store) -> None:
    p = ppubs_store.rows("SELECT * FROM patents WHERE patent_id = '10000000'")[0]
    assert (p["kind"], p["grant_date"], p["num_claims"], p["family_id"]) == (
        "B2", dt.date(2018, 6, 19), 20, 55456961)
    assert p["title"] == "Coherent LADAR using intra-pixel quadrature detection"
    app = ppubs_store.rows("SELECT * FROM applications WHERE patent_id = '10000000'")[0]
    assert (app["application_number"], app["filing_date"]) == ("14643719", dt.date(2015, 3, 10))
    assert ppubs_store.rows("SELECT organization, assignee_type, city, state, country "
                            "FROM assignees WHERE patent_id = '10000000'") == [
        {"organization": "Raytheon Company", "assignee_type": "2", "city": "Waltham",
         "state": "MA", "country": "US"}]
    cpc = ppubs_store.rows("SELECT symbol, cpc_type, version FROM cpc "
                           "WHERE patent_id = '10000000' ORDER BY sequence")
    assert cpc[0] == {"symbol": "G01S7/4865", "cpc_type": "inventive", "version": "20130101"}
    assert cpc[-1] == {"symbol": "G01S17/894", "cpc_type": "additional", "version": "20200101"}
    assert ppubs_store.scalar("SELECT term_extension FROM term_of_grant "
                              "WHERE patent_id = '10000000'") == 430
    claims = ppubs_store.rows("SELECT claim_number, depends_on, independent FROM claims "
                              "WHERE patent_id = '10000000' ORDER BY claim_number")
    assert len(claims) == 20
    assert claims[0] == {"claim_number": 1, "depends_on": None, "independent": True}
    assert claims[1] == {"claim_number": 2, "depends_on": 1, "independent": False}


def test_highlight_markup_removed_from_titles(ppubs_store: Store) -> None:
    # the recorded search response wraps the query term in <span class="highlight18">
    assert ppubs_store.scalar("SELECT title FROM patents WHERE patent_id = 'D1007004'") == (
        "Shading system")


def test_citations_of_every_layout(ppubs_store: Store) -> None:
    rows = ppubs_store.rows("SELECT sequence, cited_patent_id, cited_date, cited_name, category"
                            " FROM citations WHERE patent_id = '10000000' ORDER BY sequence")
    assert rows == [
        {"sequence": 0, "cited_patent_id": "5093563", "cited_date": dt.date(1992, 3, 1),
         "cited_name": "Small", "category": "cited by examiner"},
        {"sequence": 1, "cited_patent_id": "5751830", "cited_date": dt.date(1998, 5, 1),
         "cited_name": "Hutchinson", "category": "cited by applicant"},
    ]
    # older grant: no country, kind or category in the reference
    old = ppubs_store.rows("SELECT cited_patent_id, cited_name, category FROM citations "
                           "WHERE patent_id = '5439055' ORDER BY sequence LIMIT 1")
    assert old == [{"cited_patent_id": "2952318", "cited_name": "Ritch", "category": None}]
    apps = ppubs_store.rows("SELECT cited_publication_number, category FROM "
                            "application_citations WHERE patent_id = '10000000' ORDER BY 1")
    assert apps == [{"cited_publication_number": "20030076485", "category": "cited by applicant"},
                    {"cited_publication_number": "20060227317", "category": "cited by examiner"}]


def test_citation_csv_gives_the_same_edges_as_the_json(store: Store, samples: Path) -> None:
    load_ppubs(store, [samples / "ppubs" / "ppubs_fulltext.jsonl.gz"])
    from_json = store.rows("SELECT patent_id, sequence, cited_patent_id, cited_date, "
                           "cited_name, category FROM citations ORDER BY 1, 2")
    load_ppubs(store, [samples / "ppubs" / "ppubs_fulltext_us_citations.csv"])
    from_csv = store.rows("SELECT patent_id, sequence, cited_patent_id, cited_date, "
                          "cited_name, category FROM citations ORDER BY 1, 2")
    assert from_csv == from_json
    assert len(from_json) == 709


def test_continuity_and_publications(ppubs_store: Store) -> None:
    rel = ppubs_store.rows("SELECT relation, related_number, related_date, related_status, "
                           "related_patent_id FROM related_documents WHERE patent_id = 'RE43633'"
                           " ORDER BY sequence")
    assert rel[0] == {"relation": "reissue", "related_number": "08676890",
                      "related_date": dt.date(1996, 7, 8), "related_status": "GRANTED",
                      "related_patent_id": "5822720"}
    assert rel[1]["related_patent_id"] == "RE40731"
    pub = ppubs_store.rows("SELECT * FROM publications WHERE publication_number = "
                           "'20090150362'")[0]
    assert (pub["kind"], pub["application_number"], pub["filing_date"]) == (
        "A1", "12342091", dt.date(2008, 12, 23))


def test_bad_records_are_quarantined_with_line(store: Store, tmp_path: Path) -> None:
    good = {"type": "USPAT", "publicationReferenceDocumentNumber": "10000000",
            "kindCode": ["B2"], "datePublished": "2018-06-19T00:00:00Z",
            "inventionTitle": "Coherent LADAR"}
    lines = [json.dumps(good), "{not json", json.dumps({**good, "datePublished": None}),
             json.dumps({**good, "publicationReferenceDocumentNumber": "ABC"})]
    path = write(tmp_path / "ppubs_test.jsonl", "\n".join(lines) + "\n")
    report = load_ppubs(store, [path])
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 1, 3)
    q = store.rows("SELECT line, reason FROM quarantine ORDER BY line")
    assert [r["line"] for r in q] == [2, 3, 4]
    assert q[0]["reason"].startswith("not valid JSON")
    assert q[1]["reason"] == "no publication date (datePublished)"
    assert "'ABC' is not a US patent number" in q[2]["reason"]


def test_parsers_on_real_strings() -> None:
    ref = parse_us_reference("US 3872448 A 19750300 Mitchell, Jr. et al. cited by other")
    assert ref is not None and (ref["name"], ref["category"]) == ("Mitchell, Jr. et al.",
                                                                   "cited by other")
    rel = parse_continuity(["continuation-in-part parent-doc US 16803085 20200227 ABANDONED "
                            "child-doc US 16834313\n<br />us-provisional-application US "
                            "62829858 20190405\n<br />"])
    assert [(r["relation"], r["related_number"]) for r in rel] == [
        ("continuation-in-part", "16803085"), ("us-provisional-application", "62829858")]
    claims = parse_claims("1. A device. <br /> 2. The device of any one of claims 1, red.")
    assert [c["depends_on"] for c in claims] == [None, 1]


def test_damaged_real_records_fail_alone(store: Store, samples: Path, tmp_path: Path) -> None:
    """Issue 22: a bad byte was replaced by U+FFFD and loaded; a number where text belongs
    (a traceback) and deeply nested JSON (RecursionError) failed the whole file. Now each
    damaged line of the real sample is quarantined with its reason, its rows are taken
    back, and the other records load as from the undamaged file."""
    import gzip

    with gzip.open(samples / "ppubs" / "ppubs_biblio.jsonl.gz") as f:
        lines = [f.readline().rstrip(b"\n") for _ in range(12)]
    clean = write(tmp_path / "clean" / "ppubs_clean.jsonl", b"\n".join(lines) + b"\n")
    records = [json.loads(x) for x in lines]
    damaged = list(lines)
    damaged[2] = lines[2].replace(b"LADAR", b"LAD\xffAR") if b"LADAR" in lines[2] else \
        lines[2][:40] + b"\xff" + lines[2][40:]
    damaged[5] = json.dumps({**records[5], "inventionTitle": 12345}).encode()
    damaged[7] = b"[" * 100_000 + b"]" * 100_000
    damaged[9] = json.dumps({**records[9], "assigneeName": {"nested": ["x"]}}).encode()
    path = write(tmp_path / "bad" / "ppubs_damaged.jsonl", b"\n".join(damaged) + b"\n")
    report = load_ppubs(store, [path])
    q = store.rows("SELECT line, reason FROM quarantine ORDER BY line")
    assert [r["line"] for r in q] == [3, 6, 8, 10]
    assert q[0]["reason"].startswith("not UTF-8 text")
    assert q[1]["reason"] == "inventionTitle: expected text, found int '12345'"
    assert q[2]["reason"] == "JSON nested too deeply to read"
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (12, 8, 4)
    loaded = {r["patent_id"] for r in store.rows("SELECT patent_id FROM patents")}
    with Store(":memory:") as other:
        load_ppubs(other, [clean])
        expected = {r["patent_id"] for r in other.rows("SELECT patent_id FROM patents")}
        wanted = {str(records[k]["publicationReferenceDocumentNumber"]) for k in (2, 5, 7, 9)}
    assert loaded == {p for p in expected if p not in wanted}


def test_damaged_citation_csv_lines_fail_alone(store: Store, samples: Path,
                                               tmp_path: Path) -> None:
    """Issue 22: a line of the real citation CSV with a bad byte was loaded with U+FFFD,
    and a line with a single field stopped the file; each is now quarantined alone."""
    lines = (samples / "ppubs" / "ppubs_fulltext_us_citations.csv").read_bytes().split(b"\n")
    lines = [x for x in lines if x][:30]
    damaged = list(lines)
    damaged[4] = lines[4].replace(b",", b",\xff", 1)
    damaged[9] = b"US-10000000-B2"
    path = write(tmp_path / "damaged_us_citations.csv", b"\n".join(damaged) + b"\n")
    report = load_ppubs(store, [path])
    assert (report.rows_read, report.rows_quarantined) == (29, 2)
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    q = store.rows("SELECT line, reason FROM quarantine ORDER BY line")
    assert [r["line"] for r in q] == [5, 10]
    assert q[0]["reason"].startswith("not UTF-8 text")
    assert q[1]["reason"].startswith("expected citing_guid, the reference and seq")
    assert not store.scalar("SELECT count(*) FROM citations WHERE cited_name LIKE '%\ufffd%'")
