"""USPTO full-text XML: every DTD version against expected records read off the XML, whole
sample files, damaged input, parallel parsing, agreement with PatentsView."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
from pathlib import Path

import pytest

from warchest import Store, load_patentsview, load_ppubs, load_uspto_xml
from warchest.errors import BadInputFile
from warchest.ingest.uspto_xml import extract, parse_document, read_xml, split_documents

from .conftest import FIXTURES
from .xml_expected import comparable

EXPECTED = sorted((FIXTURES / "uspto_xml" / "expected").glob("*.json"))


def _sample(samples: Path, name: str) -> Path:
    return samples / "uspto_xml" / name


@pytest.mark.parametrize("expected_file", EXPECTED, ids=lambda p: p.stem)
def test_every_dtd_version_matches_the_expected_record(samples: Path,
                                                       expected_file: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    with gzip.open(_sample(samples, expected["file"])) as f:
        docs = list(split_documents(f))
    record = comparable(extract(parse_document(docs[expected["document_index"]].data)))
    assert record == {k: v for k, v in expected.items() if k not in ("file",
                                                                      "document_index")}


def test_every_dtd_is_covered() -> None:
    names = {p.stem for p in EXPECTED}
    assert {"grant_v2_2.4", "grant_v2_2.5", "grant_v40_2004-12-02", "grant_v4.1_2005-08-25",
            "grant_v4.2_2006-08-23", "grant_v4.4_2013-05-16", "grant_v4.5_2014-04-03",
            "grant_v4.7_2022-02-17", "application_v1_pap-v15-2001-01-31",
            "application_v4.0_2004-12-02", "application_v4.1_2005-08-25",
            "application_v4.3_2012-12-04", "application_v4.4_2014-04-03",
            "application_v4.5_2021-08-30", "application_v4.6_2022-02-17"} <= names


def test_all_sample_documents_load(store: Store, samples: Path) -> None:
    report = load_uspto_xml(store, [samples / "uspto_xml"], workers=1)
    # shared/data/uspto_xml/manifest.csv: 470 documents, 453 grants and 17 applications
    assert (report.rows_read, report.rows_quarantined) == (470, 0)
    assert store.scalar("SELECT count(*) FROM patents") == 453
    assert store.scalar("SELECT count(*) FROM publications") == 17
    # the 2001 design patent the manifest flags as not well-formed: its only flaw is a
    # commented-out DOCTYPE before the real one, which the splitter skips (lxml and expat
    # both accept the document)
    row = store.rows("SELECT p.title, p.kind, t.term_grant FROM patents p "
                     "JOIN term_of_grant t USING (patent_id) WHERE patent_id = 'D435854'")
    assert row == [{"title": "Disc cartridge", "kind": "S", "term_grant": 14}]
    claims = store.scalar("SELECT claim_text FROM claims WHERE patent_id = 'D435854'")
    assert claims == "The ornamental design for a disc cartridge, as shown and described."
    # named entities of the DTDs become characters: a 2002 design patent's claim reads
    # 'The ornamental design for &ldquo;a brush&rdquo;, as shown.' in the XML
    quoted = store.scalar("SELECT count(*) FROM claims WHERE claim_text = "
                          "'The ornamental design for “a brush”, as shown.'")
    assert quoted == 1
    assert store.scalar("SELECT count(*) FROM other_citations WHERE text = "
                        "'Whitehouse Uniform Originals—1941 p. 14 Item T.*'") == 1


def test_store_rows_of_one_grant(store: Store, samples: Path) -> None:
    load_uspto_xml(store, [_sample(samples, "grant_v4.5_2014-04-03.xml.gz")], workers=1)
    p = store.rows("SELECT * FROM patents WHERE patent_id = '8926509'")[0]
    assert (p["kind"], str(p["grant_date"]), p["num_claims"]) == ("B2", "2015-01-06", 31)
    assert p["source_file"] == "grant_v4.5_2014-04-03.xml"
    assert store.scalar("SELECT term_extension FROM term_of_grant "
                        "WHERE patent_id = '8926509'") == 605
    cites = store.rows("SELECT cited_patent_id, category FROM citations "
                       "WHERE patent_id = '8926509' ORDER BY sequence LIMIT 2")
    assert cites == [{"cited_patent_id": "4313443", "category": "cited by applicant"},
                     {"cited_patent_id": "4784162", "category": "cited by applicant"}]
    cpc = store.rows("SELECT symbol, main_group, cpc_type, version FROM cpc "
                     "WHERE patent_id = '8926509' ORDER BY sequence LIMIT 2")
    assert cpc == [
        {"symbol": "A61B5/0205", "main_group": "A61B5/00", "cpc_type": "inventive",
         "version": "2013-01-01"},
        {"symbol": "A61B5/0024", "main_group": "A61B5/00", "cpc_type": "inventive",
         "version": "2013-01-01"},
    ]
    assert store.rows("SELECT organization, assignee_type, city, country FROM assignees "
                      "WHERE patent_id = '8926509'") == [
        {"organization": "Hmicro, Inc.", "assignee_type": "2", "city": "Fremont",
         "country": "US"}]
    assert store.rows("SELECT relation, related_number FROM related_documents "
                      "WHERE patent_id = '8926509' ORDER BY sequence") == [
        {"relation": "us-provisional-application", "related_number": "60968023"},
        {"relation": "related-publication", "related_number": "20090054737"}]


def _docs(samples: Path, name: str) -> list[bytes]:
    with gzip.open(_sample(samples, name)) as f:
        return [d.data for d in split_documents(f)]


def test_malformed_document_is_quarantined_and_the_rest_loads(store: Store, samples: Path,
                                                              tmp_path: Path) -> None:
    docs = _docs(samples, "grant_v40_2004-12-02.xml.gz")
    broken = docs[1].replace(b"</invention-title>", b"</invention-titel>", 1)
    path = tmp_path / "ipg050104.xml"
    path.write_bytes(docs[0] + b"\n" + broken + b"\n" + docs[2] + b"\n")
    report = load_uspto_xml(store, [path], workers=1)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    q = store.rows("SELECT record, reason, byte_offset, line FROM quarantine")[0]
    assert q["record"] == "06837063"  # the second document's number, read off its text
    assert q["reason"].startswith("not well-formed XML: Opening and ending tag mismatch")
    assert q["byte_offset"] == len(docs[0]) + 1
    assert q["line"] == docs[0].count(b"\n") + 2


def test_a_fault_inside_the_description_is_quarantined(store: Store, samples: Path,
                                                      tmp_path: Path) -> None:
    """The description is checked by expat without a tree; a fault there still makes the
    document fail, with lxml's reason, as a full parse would."""
    docs = _docs(samples, "grant_v4.5_2014-04-03.xml.gz")
    start = docs[1].index(b"<description")
    at = docs[1].index(b"</p>", start)
    broken = docs[1][:at] + b"</b>" + docs[1][at:]  # a closing tag with no opening one
    path = tmp_path / "ipg140408.xml"
    path.write_bytes(docs[0] + b"\n" + broken + b"\n" + docs[2] + b"\n")
    report = load_uspto_xml(store, [path], workers=1)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    q = store.rows("SELECT record, reason FROM quarantine")[0]
    assert q["reason"].startswith("not well-formed XML: Opening and ending tag mismatch")
    assert q["record"] == extract(parse_document(docs[1])).number


def test_skipping_the_description_tree_changes_no_record(samples: Path) -> None:
    """Every sample document gives the same record with and without the description's
    tree (the shortcut only skips building what is not stored)."""
    compared = 0
    for path in sorted((samples / "uspto_xml").glob("*.xml.gz")):
        with gzip.open(path) as f:
            for raw in split_documents(f):
                fast = extract(parse_document(raw.data))
                full = extract(parse_document(raw.data, description=True))
                assert fast.to_dict() == full.to_dict(), (path.name, fast.number)
                compared += 1
    assert compared == 470


def test_truncated_empty_and_foreign_files(store: Store, samples: Path,
                                           tmp_path: Path) -> None:
    docs = _docs(samples, "grant_v4.1_2005-08-25.xml.gz")
    cut = tmp_path / "ipg050830.xml"
    cut.write_bytes(docs[0] + docs[1][: len(docs[1]) // 2])
    report = load_uspto_xml(store, [cut], workers=1)
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    assert "truncated" in store.scalar("SELECT reason FROM quarantine")
    empty = tmp_path / "ipg000000.xml"
    empty.write_bytes(b"")
    with pytest.raises(BadInputFile, match="is empty"):
        load_uspto_xml(store, [empty], workers=1)
    html = tmp_path / "page.xml"
    html.write_bytes(b'<?xml version="1.0"?>\n<html><body>hello</body></html>\n')
    with pytest.raises(BadInputFile, match="is not USPTO patent XML"):
        load_uspto_xml(store, [html], workers=1)
    text = tmp_path / "notes.xml"
    text.write_bytes(b"patent_id,title\n1,hello\n")
    with pytest.raises(BadInputFile, match="is not USPTO patent XML"):
        load_uspto_xml(store, [text], workers=1)


def test_parallel_workers_give_the_same_rows(samples: Path) -> None:
    path = _sample(samples, "grant_v4.2_2006-08-23.xml.gz")
    results = []
    for workers in (1, 2):
        with Store(":memory:") as store:
            load_uspto_xml(store, [path], workers=workers)
            results.append({t: store.query(f"SELECT * EXCLUDE (load_id) FROM {t} "
                                           "ORDER BY ALL").to_pylist()
                            for t in ("patents", "citations", "claims", "assignees")})
    assert results[0] == results[1]
    assert len(results[0]["patents"]) == 315


def test_reload_is_idempotent(store: Store, samples: Path) -> None:
    path = _sample(samples, "grant_v2_2.5.xml.gz")
    load_uspto_xml(store, [path], workers=1)
    first = store.query("SELECT * EXCLUDE (load_id) FROM citations ORDER BY ALL").to_pylist()
    load_uspto_xml(store, [path], workers=1)
    assert store.query("SELECT * EXCLUDE (load_id) FROM citations ORDER BY ALL"
                       ).to_pylist() == first


def test_xml_and_patentsview_agree_on_the_shared_patents(store: Store, samples: Path
                                                         ) -> None:
    """7642029 and D456624 are in both samples: title, date, assignee and technology
    agree (the PatentsView sample's titles, dates, organisations and CPC subclasses are
    the real ones; its other columns were filled in by its author)."""
    load_patentsview(store, [samples / "patentsview_partly_synthetic"])
    pv = store.rows("SELECT p.patent_id, p.title, p.grant_date, "
                    "(SELECT min(organization) FROM assignees_disambiguated a "
                    " WHERE a.patent_id = p.patent_id) AS org, "
                    "(SELECT min(subclass) FROM cpc c WHERE c.patent_id = p.patent_id) AS sub "
                    "FROM patents p WHERE patent_id IN ('7642029', 'D456624') ORDER BY 1")
    with Store(":memory:") as xml_store:
        load_uspto_xml(xml_store, [samples / "uspto_xml"], workers=1)
        xml = xml_store.rows(
            "SELECT p.patent_id, p.title, p.grant_date, "
            "(SELECT min(organization) FROM assignees a WHERE a.patent_id = p.patent_id) AS org,"
            " (SELECT min(subclass) FROM ipc c WHERE c.patent_id = p.patent_id) AS sub "
            "FROM patents p WHERE patent_id IN ('7642029', 'D456624') ORDER BY 1")
    assert xml == pv
    assert [r["org"] for r in xml] == ["Xerox Corporation", "Asientos Esteban, S.L."]


def test_xml_and_ppubs_write_citations_the_same_way(store: Store, samples: Path) -> None:
    """No patent, and no cited patent, has citation rows in two of the samples, so rows
    cannot be compared one to one; both sources must still use one vocabulary and one form:
    categories as PatentsView spells them, canonical cited numbers, month-only dates
    (USPTO '19910300') on the 1st of the month."""
    load_uspto_xml(store, [samples / "uspto_xml"], workers=1)
    with Store(":memory:") as ppubs_store:
        load_ppubs(ppubs_store, [samples / "ppubs"])
        ppubs = ppubs_store.rows("SELECT cited_patent_id, cited_date, cited_name, cited_kind, "
                                 "category FROM citations WHERE patent_id = '11557320' AND "
                                 "cited_patent_id = '9053728'")
    xml = store.rows("SELECT cited_patent_id, cited_date, cited_name, cited_kind, category "
                     "FROM citations WHERE patent_id = 'D456588' AND cited_patent_id = '4999845'")
    # the same kind of reference, read from the two formats
    assert xml == [{"cited_patent_id": "4999845", "cited_date": dt.date(1991, 3, 1),
                    "cited_name": "Jenks, Jr. et al.", "cited_kind": "A",
                    "category": "cited by examiner"}]
    assert ppubs == [{"cited_patent_id": "9053728", "cited_date": dt.date(2015, 6, 1),
                      "cited_name": "French, Jr.", "cited_kind": "B1",
                      "category": "cited by examiner"}]
    categories = {r["category"] for r in store.rows("SELECT DISTINCT category FROM citations")}
    assert categories == {"cited by applicant", "cited by examiner", "cited by other"}
    assert store.scalar("SELECT count(*) FROM citations WHERE NOT regexp_full_match("
                        "cited_patent_id, '(D|RE|PP|H|T|X|RX|AI)?[1-9][0-9]{0,7}')") == 0


@pytest.mark.parametrize("block_size", [100, 4096])
def test_splitting_does_not_depend_on_the_block_size(samples: Path, block_size: int) -> None:
    import io

    with gzip.open(_sample(samples, "grant_v2_2.4.xml.gz")) as f:
        one = f.read()
    with gzip.open(_sample(samples, "application_v1_pap-v15-2001-01-31.xml.gz")) as f:
        four = f.read()
    data = one + four + b"\n\n" + one
    whole = [(d.offset, d.line, d.data, d.root) for d in split_documents(io.BytesIO(data))]
    small = [(d.offset, d.line, d.data, d.root)
             for d in split_documents(io.BytesIO(data), block_size=block_size)]
    assert small == whole
    assert [w[3] for w in whole] == ["PATDOC"] + ["patent-application-publication"] * 4 + [
        "PATDOC"]
    assert whole[1][0] == len(one) and whole[1][1] == one.count(b"\n") + 1


def test_worker_processes_keep_file_order(samples: Path) -> None:
    """Small batches force several worker batches; the chunks match the serial ones."""
    path = _sample(samples, "grant_v4.5_2014-04-03.xml.gz")

    def chunks(workers: int) -> list[tuple[int, list[str]]]:
        with gzip.open(path) as stream:
            return [(c.rows_read, c.outputs["patents"].column("patent_id").to_pylist())
                    for c in read_xml(stream, "x", "x", workers=workers,
                                      batch_bytes=50_000)]

    serial = chunks(1)
    assert len(serial) == 4  # batches of 1, 1, 2 and 1 documents
    assert chunks(2) == serial


def test_an_extraction_failure_quarantines_the_document_not_the_file(
        store: Store, samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from warchest.ingest.uspto_xml import ice
    from warchest.ingest.uspto_xml.records import Document

    def fail(refs: object, doc: Document) -> None:
        if doc.number == "08926509":
            raise RuntimeError("unexpected layout")

    monkeypatch.setattr(ice, "_ice_citations", fail)
    report = load_uspto_xml(store, [_sample(samples, "grant_v4.5_2014-04-03.xml.gz")],
                            workers=1)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 4, 1)
    q = store.rows("SELECT record, reason FROM quarantine")
    assert q == [{"record": "08926509", "reason": "could not be extracted (RuntimeError: "
                  "unexpected layout); please report this document"}]


@pytest.mark.parametrize("damage", ["junk line", "byte-order marks", "closing tag in CDATA",
                                    "closing tag in a comment", "cut short", "binary junk",
                                    "small blocks"])
def test_damage_between_documents_costs_only_the_damaged_span(
        samples: Path, tmp_path: Path, damage: str) -> None:
    """Issue 22: a stray line, a byte-order mark, or a closing root tag inside a CDATA
    section or a comment used to stop the splitting, so everything after one became a
    single quarantined record (8 documents, a junk line after the third: read 4 = loaded 3
    + quarantined 1). Now only the damaged span is lost, and every other document loads."""
    docs = _docs(samples, "grant_v4.1_2005-08-25.xml.gz")[:8]
    numbers = [extract(parse_document(d)).number for d in docs]
    parts = [d + b"\n" for d in docs]
    lost: set[int] = set()  # documents the damage destroys
    junk = 0  # spans that are not documents
    block = 8 << 20
    if damage == "junk line":
        parts[2] += b"this line is not XML\n"
        junk = 1
    elif damage == "byte-order marks":
        parts[0] = b"\xef\xbb\xbf" + parts[0]
        parts[4] = b"\xef\xbb\xbf" + parts[4]
    elif damage == "closing tag in CDATA":
        parts[3] = parts[3].replace(b"<us-bibliographic-data-grant>",
                                    b"<![CDATA[ </us-patent-grant> <?xml ]]>"
                                    b"<us-bibliographic-data-grant>", 1)
    elif damage == "closing tag in a comment":
        parts[3] = parts[3].replace(b"<us-bibliographic-data-grant>",
                                    b"<!-- </us-patent-grant> --><us-bibliographic-data-grant>",
                                    1)
    elif damage == "cut short":
        parts[5] = parts[5][: len(parts[5]) // 2]  # the next document starts right after
        lost = {5}
    elif damage == "binary junk":
        parts[1] += bytes(range(256)) + b"\x00\x00\n"
        junk = 1
    else:  # the same file read in 4 KB blocks: documents and spans cross block ends
        parts[2] += b"this line is not XML\n"
        parts[6] = b"\xef\xbb\xbf" + parts[6]
        junk = 1
        block = 4096
    data = b"".join(parts)
    assert b"<![CDATA[" not in b"".join(docs) or damage != "closing tag in CDATA"
    spans = list(split_documents(io.BytesIO(data), block_size=block))
    whole = [s for s in spans if s.complete]
    assert [extract(parse_document(s.data)).number for s in whole] == [
        n for k, n in enumerate(numbers) if k not in lost]
    assert len(spans) == len(whole) + len(lost) + junk
    assert all(s.problem for s in spans if not s.complete and not s.root)
    assert sum(len(s.data) for s in spans) <= len(data)  # every byte in at most one span
    # through the loader: read = loaded + quarantined, the counts the CLI reports
    path = tmp_path / "ipg050830.xml"
    path.write_bytes(data)
    with Store(":memory:") as store:
        report = load_uspto_xml(store, [path], workers=1)
        assert report.rows_loaded == 8 - len(lost)
        assert report.rows_quarantined == len(lost) + junk
        assert report.rows_read == report.rows_loaded + report.rows_quarantined
        assert store.scalar("SELECT count(*) FROM patents") == 8 - len(lost)


def test_workers_exit_when_the_loading_process_is_killed(samples: Path,
                                                         tmp_path: Path) -> None:
    """Issue 22: parsing workers outlived a loader killed with -9, waiting for work
    forever. Each now watches its parent and exits within about a second of it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    docs = _docs(samples, "grant_v4.5_2014-04-03.xml.gz")
    path = tmp_path / "ipg140403.xml"
    path.write_bytes(b"\n".join(docs * 400) + b"\n")  # long enough to be killed mid-load
    marker = str(tmp_path)
    script = ("import sys\nfrom warchest import Store, load_uspto_xml\n"
              "if __name__ == '__main__':\n"
              "    with Store(sys.argv[2]) as s:\n"
              "        load_uspto_xml(s, [sys.argv[1]], workers=2)\n")
    loader = subprocess.Popen([sys.executable, "-c", script, str(path),
                               str(tmp_path / "s.duckdb")], cwd=marker)

    def workers() -> list[int]:
        found = []
        for pid in os.listdir("/proc"):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == loader.pid:
                found.append(int(pid))
        return found

    deadline = time.time() + 60
    while len(workers()) < 2 and time.time() < deadline and loader.poll() is None:
        time.sleep(0.1)
    children = workers()
    assert len(children) >= 2, "the loader finished before its workers could be seen"
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()
    def running(pid: int) -> bool:  # a zombie has exited
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"

    deadline = time.time() + 10
    alive = children
    while alive and time.time() < deadline:
        time.sleep(0.2)
        alive = [c for c in children if running(c)]
    assert alive == []


@pytest.mark.parametrize("batch_bytes", [8 << 20, 1])
def test_a_repeated_document_is_set_aside_whole(store: Store, samples: Path, tmp_path: Path,
                                                batch_bytes: int) -> None:
    """A weekly file with the second grant twice (the repeat with another title): the first
    is loaded with its own claims and citations only, the repeat is quarantined whole, in
    one batch of documents or across batches (batch_bytes=1: a batch per document)."""
    docs = _docs(samples, "grant_v40_2004-12-02.xml.gz")
    again = re.sub(rb"(<invention-title[^>]*>)[^<]*", rb"\1CHANGED", docs[1], count=1)
    assert again != docs[1]
    path = tmp_path / "ipg050104.xml"
    path.write_bytes(b"\n".join([docs[0], docs[1], docs[2], again, docs[3]]) + b"\n")
    clean_path = tmp_path / "clean" / "ipg050104.xml"
    clean_path.parent.mkdir()
    clean_path.write_bytes(b"\n".join(docs[:4]) + b"\n")
    tables = ("patents", "claims", "citations", "inventors", "applications")
    with Store(":memory:") as clean:
        load_uspto_xml(clean, [clean_path], workers=1)
        expected = {t: clean.query(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL")
                    .to_pylist() for t in tables}
    chunks = list(read_xml(path.open("rb"), path.name, path.name, workers=1,
                           batch_bytes=batch_bytes))
    assert sum(c.rows_read for c in chunks) == 5
    quarantined = [q for c in chunks for q in c.quarantined]
    newlines = [d.count(b"\n") + 1 for d in docs]  # each document and the line end after it
    assert [(q.record, q.line) for q in quarantined] == [("6837063", 1 + sum(newlines[:3]))]
    assert quarantined[0].reason == (
        f"repeated document: 6837063 was loaded from the document at line {1 + newlines[0]} "
        "of this file; this later one is set aside (remove one of the two and load again to "
        "keep the other)")
    report = load_uspto_xml(store, [path], workers=1)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (5, 4, 1)
    assert {t: store.query(f"SELECT * EXCLUDE (load_id) FROM {t} ORDER BY ALL").to_pylist()
            for t in tables} == expected
