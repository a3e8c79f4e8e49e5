"""Limits on what one record may hold (issue 22): a record longer than the limit refuses
its file with a clear message instead of filling memory; a document nested deeper than the
parsers go is quarantined alone. The limit is lowered to 1 MB here so the files stay
small; it is 256 MB (``warchest.ingest.sources.MAX_RECORD``)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from warchest import Store, load_patentsview, load_ppubs, load_uspto_xml
from warchest.errors import BadInputFile
from warchest.ingest import delimited, sources
from warchest.ingest.uspto_xml import split_documents, splitter

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "warchest" / "samples"
LIMIT = 1 << 20


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (sources, delimited, splitter):
        monkeypatch.setattr(module, "MAX_RECORD", LIMIT)


def _legacy_patents() -> bytes:
    return (SAMPLES / "patentsview_legacy" / "patent.tsv").read_bytes()


def test_a_table_row_longer_than_the_limit_refuses_the_file(small_limit: None,
                                                            tmp_path: Path) -> None:
    lines = _legacy_patents().split(b"\n")
    lines.insert(3, lines[2].replace(b"\t", b"\t" + b"x" * (2 * LIMIT), 1))
    path = tmp_path / "patent.tsv"
    path.write_bytes(b"\n".join(lines))
    with Store(":memory:") as store:
        with pytest.raises(BadInputFile, match="a record at line 4 is longer than 1 MB, the "
                                               "limit for one record"):
            load_patentsview(store, [path], block_size=64 << 10)
        assert store.scalar("SELECT count(*) FROM patents") == 0  # nothing half-loaded


def test_a_json_line_longer_than_the_limit_refuses_the_file(small_limit: None,
                                                            tmp_path: Path) -> None:
    with gzip.open(SAMPLES / "ppubs" / "ppubs_biblio.jsonl.gz") as f:
        lines = f.read().split(b"\n")[:5]
    lines[2] = lines[2][:-1] + b', "padding": "' + b"y" * (2 * LIMIT) + b'"}'
    path = tmp_path / "ppubs_biblio.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with Store(":memory:") as store, pytest.raises(
            BadInputFile, match="a line is longer than 1 MB"):
        load_ppubs(store, [path])


def test_an_xml_document_longer_than_the_limit_refuses_the_file(small_limit: None,
                                                                tmp_path: Path) -> None:
    with gzip.open(SAMPLES / "uspto_xml" / "grant_v4.5_2014-04-03.xml.gz") as f:
        docs = [d.data for d in split_documents(f)][:3]
    padded = docs[1].replace(b"</abstract>", b"<p>" + b"z" * (2 * LIMIT) + b"</p></abstract>", 1)
    assert padded != docs[1]
    path = tmp_path / "ipg140403.xml"
    path.write_bytes(b"\n".join([docs[0], padded, docs[2]]))
    line = docs[0].count(b"\n") + 2
    expected = f"the <us-patent-grant> document at line {line} is longer than 1 MB"
    with Store(":memory:") as store, pytest.raises(BadInputFile, match=expected):
        load_uspto_xml(store, [path], workers=1)


def test_a_document_nested_too_deep_is_quarantined_alone(tmp_path: Path) -> None:
    """5,000 nested elements inside one grant's abstract: past the XML parser's depth
    limit (2,048 with lxml's huge-tree option); that document is quarantined with the
    parser's reason, the two beside it load."""
    with gzip.open(SAMPLES / "uspto_xml" / "grant_v4.5_2014-04-03.xml.gz") as f:
        docs = [d.data for d in split_documents(f)][:3]
    deep = docs[1].replace(b"</abstract>", b"<b>" * 5000 + b"</b>" * 5000 + b"</abstract>", 1)
    path = tmp_path / "ipg140403.xml"
    path.write_bytes(b"\n".join([docs[0], deep, docs[2]]))
    with Store(":memory:") as store:
        report = load_uspto_xml(store, [path], workers=1)
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
        reason = store.scalar("SELECT reason FROM quarantine")
        assert reason.startswith("not well-formed XML: Excessive depth in document: 2048")
