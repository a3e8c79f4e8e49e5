"""PatentsView bulk tables: real samples, quarantine, idempotence, releases, bad files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from warchest import load_patentsview
from warchest.errors import BadInputFile, MissingColumns, UnknownTable
from warchest.store import Store

from .conftest import FIXTURES, write

CORRUPT = FIXTURES / "corrupt" / "g_us_patent_citation.tsv"


def _content(store: Store, table: str) -> list[tuple[object, ...]]:
    cols = [c for c in store.tables[table].column_names if c != "load_id"]
    rows = store.query(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").to_pylist()
    return [tuple(r.values()) for r in rows]


def test_real_sample_zip_members_load_with_zero_quarantined(store: Store, samples: Path) -> None:
    report = load_patentsview(store, [samples / "patentsview_partly_synthetic"])
    by_table = {f.table: f for f in report.files}
    # row counts of the sample files (lines minus the header)
    assert by_table["g_patent"].rows_read == 4704
    assert by_table["g_assignee_disambiguated"].rows_read == 12067
    assert by_table["g_cpc_current"].rows_read == 8819
    assert by_table["g_inventor_disambiguated"].rows_read == 12742
    assert by_table["g_location_disambiguated"].rows_read == 198
    assert report.rows_quarantined == 0
    assert report.rows_loaded == report.rows_read
    # every load of this folder carries its PROVENANCE.json label
    assert {f.label for f in report.files} == {"partly synthetic sample"}
    assert all(f.member and f.member.endswith(".tsv") for f in report.files)  # read from zip


def test_real_values_from_the_sample(store: Store, samples: Path) -> None:
    load_patentsview(store, [samples / "patentsview_partly_synthetic"])
    row = store.rows("SELECT * FROM patents WHERE patent_id = 'PP12432'")[0]
    assert row["grant_date"] == dt.date(2002, 3, 5)
    # HTML entities in PatentsView titles are decoded
    assert row["title"] == "Bromeliad plant named ‘GUZ 226’"
    # doubled quotes inside a quoted field are one quote
    title = store.scalar("SELECT title FROM patents WHERE patent_id = '4748932'")
    assert title == ('"Crucible for epitaxy from the liquid phase of semiconductor layers '
                     'having a ""controlled"" composition"')
    cpc = store.rows("SELECT sequence, symbol, subclass, cpc_type FROM cpc "
                     "WHERE patent_id = '11094702' ORDER BY sequence")
    assert cpc == [
        {"sequence": 1, "symbol": "H01L", "subclass": "H01L", "cpc_type": "inventive"},
        {"sequence": 2, "symbol": "H10B", "subclass": "H10B", "cpc_type": "inventive"},
    ]
    org = store.scalar("SELECT DISTINCT organization FROM assignees_disambiguated "
                       "WHERE patent_id = '10163393'")
    assert org == "BOE Technology Group Co., Ltd."
    assert store.scalar("SELECT country FROM locations WHERE location_id = 'loc_fi'") == "FI"


def test_legacy_quoted_tables_with_stray_header_character(store: Store, samples: Path) -> None:
    report = load_patentsview(store, [samples / "patentsview_legacy"])
    assert [(f.table, f.rows_read, f.rows_quarantined) for f in report.files] == [
        ("g_patent", 9, 0), ("g_us_patent_citation", 9, 0)]
    row = store.rows("SELECT * FROM patents WHERE patent_id = '10000000'")[0]
    assert row["title"] == "Coherent LADAR using intra-pixel quadrature detection"
    assert row["grant_date"] == dt.date(2018, 6, 19)
    assert row["num_claims"] == 20
    assert row["source_file"] == "ipg180619.xml"
    abstract = store.scalar("SELECT abstract FROM abstracts WHERE patent_id = '10000000'")
    assert abstract.startswith("A frequency modulated (coherent) laser detection")
    cites = store.rows("SELECT patent_id, cited_patent_id, cited_date, cited_name, category "
                       "FROM citations WHERE patent_id IN ('5354551', 'D674253') "
                       "ORDER BY patent_id")
    assert cites == [
        {"patent_id": "5354551", "cited_patent_id": "4875247",
         "cited_date": dt.date(1989, 10, 1), "cited_name": "Berg", "category": None},
        {"patent_id": "D674253", "cited_patent_id": "D519335",
         "cited_date": dt.date(2006, 4, 1), "cited_name": "Ishii",
         "category": "cited by examiner"},
    ]


def test_corrupted_rows_are_quarantined_with_line_and_reason(store: Store) -> None:
    report = load_patentsview(store, [CORRUPT])
    result = report.files[0]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (11, 4, 7)
    quarantined = store.rows("SELECT line, reason FROM quarantine ORDER BY line")
    assert [q["line"] for q in quarantined] == [4, 5, 6, 7, 10, 11, 12]
    reasons = [q["reason"] for q in quarantined]
    assert reasons[0] == "expected 7 fields, found 8"
    assert reasons[1] == "cited_date: not a date '2007-13-01'"
    assert reasons[2] == "expected 7 fields, found 6"
    assert reasons[3] == "patent_id: not a US patent number 'X99Y'"
    assert reasons[4] == "sequence: not an integer 'x'"
    assert reasons[5] == "cited_patent_id is empty"
    assert reasons[6].startswith("expected 7 fields, found 5: an unmatched quote")
    # line 12's unterminated quote does not cost line 13, read again on its own
    raw12 = store.scalar("SELECT raw FROM quarantine WHERE line = 12")
    assert raw12 == '9999999\t1\t5000002\t2001-01-01\t"unterminated\tB1\tcited by applicant'
    assert store.scalar("SELECT cited_name FROM citations WHERE cited_patent_id = '5000003'"
                        ) == "Last"
    name = store.scalar("SELECT cited_name FROM citations WHERE patent_id = '8683318'")
    assert name == 'Name with "quote" and\nnewline'
    raw = store.scalar("SELECT raw FROM quarantine WHERE line = 5")
    assert raw.startswith("D808172\t14\t7207426\t2007-13-01")


@pytest.mark.parametrize("block_size", [7, 64, 300])
def test_block_boundaries_do_not_change_the_result(store: Store, block_size: int) -> None:
    report = load_patentsview(store, [CORRUPT], block_size=block_size)
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (11, 4, 7)
    assert [q["line"] for q in store.rows("SELECT line FROM quarantine ORDER BY line")] == [
        4, 5, 6, 7, 10, 11, 12]


def test_loading_twice_leaves_the_same_rows(store: Store, samples: Path) -> None:
    folder = samples / "patentsview_partly_synthetic"
    load_patentsview(store, [folder])
    first = {t: _content(store, t) for t in ("patents", "cpc", "assignees_disambiguated")}
    again = load_patentsview(store, [folder])
    assert {t: _content(store, t) for t in first} == first
    assert sum(f.replaced.get("patents", 0) for f in again.files) == 4704


def test_quarantine_of_a_reloaded_file_is_not_duplicated(store: Store) -> None:
    load_patentsview(store, [CORRUPT])
    load_patentsview(store, [CORRUPT])
    assert store.scalar("SELECT count(*) FROM quarantine") == 7
    assert store.scalar("SELECT count(*) FROM citations") == 4


def test_newer_release_replaces_older_rows(store: Store, tmp_path: Path) -> None:
    header = "patent_id\tpatent_type\tpatent_date\tpatent_title\twipo_kind\tnum_claims\n"
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old = write(tmp_path / "old" / "g_patent.tsv", header
                + "3933213\tutility\t1976-01-20\tVariable response snowmobile suspension\tA\t\n"
                + "3933242\tutility\t1976-01-20\tReed container\tA\t5\n")
    new = write(tmp_path / "new" / "g_patent.tsv", header.replace("wipo_kind\t", "")
                + "3933213\tutility\t1976-01-20\tVariable response snowmobile suspension system"
                  "\t7\n")
    load_patentsview(store, [old])
    report = load_patentsview(store, [new])
    assert report.files[0].replaced == {"patents": 1}
    rows = store.rows("SELECT patent_id, title, kind, num_claims FROM patents ORDER BY 1")
    assert rows == [
        # the new release wins where it has values, the old row fills what it lacks
        {"patent_id": "3933213", "title": "Variable response snowmobile suspension system",
         "kind": "A", "num_claims": 7},
        {"patent_id": "3933242", "title": "Reed container", "kind": "A", "num_claims": 5},
    ]


def test_columns_matched_by_name_in_any_order_extra_ignored(store: Store, tmp_path: Path
                                                             ) -> None:
    path = write(tmp_path / "g_cpc_current.tsv",
                 "cpc_type\tnew_column\tcpc_group\tpatent_id\tcpc_sequence\tcpc_subclass\n"
                 "inventional\tx\tH04W 72/04\t10000000\t0\tH04W\n")
    load_patentsview(store, [path])
    assert store.rows("SELECT patent_id, symbol, main_group, cpc_class, cpc_type FROM cpc") == [
        {"patent_id": "10000000", "symbol": "H04W72/04", "main_group": "H04W72/00",
         "cpc_class": "H04", "cpc_type": "inventive"}]


def test_missing_required_column_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "g_patent.tsv", "patent_id\tpatent_title\n10000000\tA title\n")
    with pytest.raises(MissingColumns, match=r"lacks required column\(s\) patent_date \(or "
                       r"date\).*header has: patent_id, patent_title"):
        load_patentsview(store, [path])
    assert store.scalar("SELECT count(*) FROM patents") == 0
    assert store.scalar("SELECT status FROM load_log").startswith("failed: ")


def test_header_only_file_checks_columns_and_loads_nothing(store: Store, tmp_path: Path
                                                           ) -> None:
    path = write(tmp_path / "g_patent_abstract.tsv", "patent_id\tpatent_abstract\n")
    report = load_patentsview(store, [path])
    assert report.rows_read == 0
    bad = write(tmp_path / "g_wipo_technology.tsv", "patent_id\n")
    with pytest.raises(MissingColumns):
        load_patentsview(store, [bad])


def test_truncated_zip_is_a_clear_error(store: Store, tmp_path: Path, samples: Path) -> None:
    good = (samples / "patentsview_partly_synthetic" / "g_patent.tsv.zip").read_bytes()
    cut = tmp_path / "g_patent.tsv.zip"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(BadInputFile, match=r"not a readable zip archive.*truncated"):
        load_patentsview(store, [cut])


def test_damaged_zip_member_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "g_patent.tsv.zip"
    body = ("patent_id\tpatent_date\n" + "".join(f"{i}\t2001-01-01\n" for i in range(1, 5000))
            ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("g_patent.tsv", body)
    data = bytearray(path.read_bytes())
    data[200:260] = bytes(60)  # damage the compressed stream, keep the directory
    path.write_bytes(bytes(data))
    with pytest.raises(BadInputFile, match="truncated or damaged"):
        load_patentsview(store, [path])
    assert store.scalar("SELECT count(*) FROM patents") == 0


def test_empty_file_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BadInputFile, match="empty"):
        load_patentsview(store, [write(tmp_path / "g_patent.tsv", "")])


def test_unknown_table_named_directly_is_refused(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "g_something_else.tsv", "a\tb\n")
    with pytest.raises(UnknownTable, match=r"g_something_else\.tsv is not a PatentsView table"):
        load_patentsview(store, [path])


def test_unknown_table_in_a_folder_is_skipped_and_listed(store: Store, tmp_path: Path) -> None:
    write(tmp_path / "g_something_else.tsv", "a\tb\n")
    write(tmp_path / "g_patent_abstract.tsv", "patent_id\tpatent_abstract\n10000000\tText.\n")
    report = load_patentsview(store, [tmp_path])
    assert [f.table for f in report.files] == ["g_patent_abstract"]
    assert len(report.skipped) == 1 and "g_something_else.tsv" in report.skipped[0][0]


def test_invalid_utf8_line_is_quarantined(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "g_patent_abstract.tsv"
    path.write_bytes(b"patent_id\tpatent_abstract\n10000000\tGood.\n10000001\tBad \xff byte.\n"
                     b"10000002\tAlso good.\n")
    report = load_patentsview(store, [path])
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
    q = store.rows("SELECT line, reason FROM quarantine")[0]
    assert q["line"] == 3 and q["reason"].startswith("not UTF-8 text")


def test_load_log_records_file_checksum_and_counts(store: Store, samples: Path) -> None:
    import hashlib

    path = samples / "patentsview_legacy" / "patent.tsv"
    load_patentsview(store, [path])
    log = store.rows("SELECT * FROM load_log")[0]
    assert log["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert log["size_bytes"] == path.stat().st_size
    assert (log["rows_read"], log["rows_loaded"], log["rows_quarantined"]) == (9, 9, 0)
    assert log["status"] == "ok" and log["finished"] >= log["started"]
    outputs = store.rows("SELECT table_name, rows_written FROM load_outputs ORDER BY 1")
    assert outputs == [{"table_name": "abstracts", "rows_written": 9},
                       {"table_name": "patents", "rows_written": 9}]


def test_every_patentsview_table_layout(store: Store) -> None:
    """The tables without a real sample, in the published layout (fixtures/SOURCES.md)."""
    report = load_patentsview(store, [FIXTURES / "patentsview_layout"])
    assert {f.table: f.rows_read for f in report.files} == {
        "g_application": 2, "g_assignee_not_disambiguated": 3, "g_ipc_at_issue": 2,
        "g_patent_abstract": 1, "g_us_rel_doc": 3, "g_us_term_of_grant": 2,
        "g_wipo_technology": 1}
    assert report.rows_quarantined == 0
    assert store.rows("SELECT patent_id, application_number, application_number_raw, "
                      "filing_date FROM applications ORDER BY 1") == [
        {"patent_id": "10000000", "application_number": "14643719",
         "application_number_raw": "14/643719", "filing_date": dt.date(2015, 3, 10)},
        {"patent_id": "11554698", "application_number": "17143605",
         "application_number_raw": "17143605", "filing_date": dt.date(2021, 1, 7)},
    ]
    assert store.rows("SELECT patent_id, term_extension FROM term_of_grant ORDER BY 1") == [
        {"patent_id": "10000000", "term_extension": 430},
        {"patent_id": "11554343", "term_extension": 48}]
    assert store.rows("SELECT relation, related_number, related_date FROM related_documents "
                      "WHERE patent_id = '11554698'") == [
        {"relation": "division", "related_number": "16523162",
         "related_date": dt.date(2019, 7, 26)}]
    assert store.rows("SELECT symbol, ipc_class, subclass, main_group, ipc_type, version "
                      "FROM ipc ORDER BY sequence") == [
        {"symbol": "G01S7/48", "ipc_class": "G01", "subclass": "G01S",
         "main_group": "G01S7/00", "ipc_type": "inventive", "version": "2006-01-01"},
        {"symbol": "G01S7/491", "ipc_class": "G01", "subclass": "G01S",
         "main_group": "G01S7/00", "ipc_type": "inventive", "version": "2006-01-01"}]
    assert store.rows("SELECT sequence, organization, assignee_type FROM assignees "
                      "WHERE patent_id = '11554716' ORDER BY sequence") == [
        {"sequence": 0, "organization": "Toyota Research Institute, Inc.", "assignee_type": "2"},
        {"sequence": 1, "organization": "Toyota Jidosha Kabushiki Kaisha", "assignee_type": "3"}]
    assert store.rows("SELECT field_id, field_title FROM patent_wipo_fields") == [
        {"field_id": 10, "field_title": "Measurement"}]
    assert store.scalar("SELECT abstract FROM abstracts").startswith(
        "A frequency modulated (coherent) laser detection")


def test_a_patent_given_twice_in_one_file_keeps_its_last_row(store: Store, samples: Path,
                                                              tmp_path: Path) -> None:
    """Issue 22: a one-row-per-patent table kept every row of a patent a file repeats, and
    a reload did not fix it. The real sample's g_patent with one row repeated (a changed
    title) further down: the last row is loaded, the earlier one quarantined as a repeated
    key, read = loaded + quarantined, and a reload gives the same store."""
    with zipfile.ZipFile(samples / "patentsview_partly_synthetic" / "g_patent.tsv.zip") as z:
        lines = z.read(z.namelist()[0]).decode("utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:41]
    first = body[0].split("\t")
    again = first[:]
    title_at = header.rstrip("\n").split("\t").index('"patent_title"') if '"patent_title"' \
        in header else header.rstrip("\n").split("\t").index("patent_title")
    again[title_at] = '"A corrected title"'
    path = write(tmp_path / "g_patent.tsv", header + "".join(body) + "\t".join(again))
    for _ in range(2):  # a reload leaves the same rows
        report = load_patentsview(store, [path])
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (41, 40, 1)
        pid = first[0].strip('"')
        assert store.rows("SELECT title FROM patents WHERE patent_id = ?", [pid]) == [
            {"title": "A corrected title"}]
        assert store.scalar("SELECT count(*) FROM patents") == 40
        (q,) = store.rows("SELECT record, reason FROM quarantine")
        assert q["record"] == pid and "repeated key" in q["reason"]


@pytest.mark.parametrize("archive", ["gz", "zip"])
def test_a_decompression_bomb_is_refused_early(store: Store, tmp_path: Path,
                                               archive: str) -> None:
    """Issue 22: a 1 MB archive of a 1 GB table ran for 22 s at 2.2 GB and ended in a
    pyarrow error. An archive that decompresses to more than BOMB_RATIO times its size is
    refused once past BOMB_FLOOR, with a message, and the store is unchanged."""
    import gzip

    from warchest.ingest.sources import BOMB_FLOOR, BOMB_RATIO

    header = b"patent_id\tpatent_type\tpatent_date\tpatent_title\n"
    body = b"\x00" * (BOMB_FLOOR + (16 << 20))
    if archive == "gz":
        path = tmp_path / "g_patent.tsv.gz"
        path.write_bytes(gzip.compress(header + body, compresslevel=1))
    else:
        path = tmp_path / "g_patent.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("g_patent.tsv", header + body)
    assert path.stat().st_size * BOMB_RATIO < len(body)
    with pytest.raises(BadInputFile, match=f"more than {BOMB_RATIO} times its size"):
        load_patentsview(store, [path])
    assert store.scalar("SELECT count(*) FROM patents") == 0


def test_stray_quotes_in_a_large_table_cost_their_lines_only(store: Store, samples: Path,
                                                              tmp_path: Path) -> None:
    """A 12 MB g_patent.tsv (past Arrow's 4 MB parse blocks) made of the real sample's rows
    under fresh ids, with four stray opening quotes: two 2,000 lines apart (the second
    closes what the first opened) and two 3 lines apart. Each costs its own line; every
    other row loads, and a quoted title with a line end in it still loads whole."""
    import zipfile

    with zipfile.ZipFile(samples / "patentsview_partly_synthetic" / "g_patent.tsv.zip") as z:
        header, *rows = z.read("g_patent.tsv").decode("utf-8").splitlines()
    rows = [r for r in rows if '"' not in r and r.split("\t")[0].isdigit()]
    lines = []
    for k in range(120_000):
        cells = rows[k % len(rows)].split("\t")
        cells[0] = str(5_000_000 + k)
        lines.append("\t".join(cells))
    strays = [10, 2010, 50_000, 50_003]
    for k in strays:
        cells = lines[k].split("\t")
        cells[3] = '"' + cells[3]  # the title opens a quote and never closes it
        lines[k] = "\t".join(cells)
    cells = lines[70_000].split("\t")
    cells[3] = '"A title over\ntwo lines"'
    lines[70_000] = "\t".join(cells)
    path = tmp_path / "g_patent.tsv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    assert path.stat().st_size > 10e6
    report = load_patentsview(store, [path])
    assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (
        120_000, 120_000 - len(strays), len(strays))
    assert [r["line"] for r in store.rows("SELECT line FROM quarantine ORDER BY line")] == [
        k + 2 for k in strays]
    assert store.scalar("SELECT title FROM patents WHERE patent_id = '5070000'") == \
        "A title over\ntwo lines"


def test_a_plain_file_is_read_ahead_of_the_parse(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel is asked to read the next ``READ_AHEAD`` bytes once the reads come within
    half of it of the range asked for so far: with 16 bytes, 50 bytes read 10 at a time
    ask for [0, 16), [16, 32), [32, 48), [48, 64) as the reads reach 0, 10 (> 16 - 8),
    30 and 40; the bytes and their SHA-256 are the file's."""
    import hashlib
    import os

    from warchest.ingest import sources

    asked: list[tuple[int, int]] = []
    monkeypatch.setattr(sources, "READ_AHEAD", 16)
    monkeypatch.setattr(os, "posix_fadvise",
                        lambda fd, offset, length, advice: asked.append((offset, length)),
                        raising=False)
    path = tmp_path / "g_patent.tsv"
    data = bytes(range(50))
    path.write_bytes(data)
    stream = sources.HashingStream.open(sources.Source(path))
    got = b"".join(iter(lambda: stream.read(10), b""))
    assert got == data and stream.finish() == hashlib.sha256(data).hexdigest()
    assert asked == [(0, 16), (16, 16), (32, 16), (48, 16)]
