"""USPTO Patent Assignment Dataset tables (real sample, read from a zip)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from warchest import load_assignments
from warchest.store import Store

from .conftest import write


def test_real_assignment_tables_load(store: Store, samples: Path) -> None:
    report = load_assignments(store, [samples / "assignments" / "csv.zip"])
    counts = {f.table: (f.rows_read, f.rows_quarantined) for f in report.files}
    assert counts == {"assignee": (319, 0), "assignment": (310, 0), "assignor": (906, 0),
                      "documentid": (5228, 0)}


def test_assignment_values(store: Store, samples: Path) -> None:
    load_assignments(store, [samples / "assignments"])
    r = store.rows("SELECT * FROM reassignments WHERE rf_id = '4724-617'")[0]
    assert (r["reel_no"], r["frame_no"], r["recorded_date"]) == (4724, 617, dt.date(1987, 6, 18))
    assert r["conveyance_text"] == "ASSIGNMENT OF ASSIGNORS INTEREST."
    assignor = store.rows("SELECT name, execution_date, acknowledgement_date "
                          "FROM reassignment_assignors WHERE rf_id = '4724-617'")[0]
    # ack_dt 0000-01-01 is the dataset's "no date"
    assert assignor == {"name": "AMF SCIENTIFIC DRILLING INTERNATIONAL, A CORP OF NV.",
                        "execution_date": dt.date(1987, 6, 15), "acknowledgement_date": None}
    doc = store.rows("SELECT application_number, patent_id, grant_date "
                     "FROM reassignment_documents WHERE rf_id = '4724-617'")[0]
    assert doc == {"application_number": "06895135", "patent_id": "4694439",
                   "grant_date": dt.date(1987, 9, 15)}
    # the change of name, the nunc pro tunc assignment and a security interest, with parties
    rows = store.rows(
        "SELECT r.rf_id, r.conveyance_text, a.name AS assignor, e.name AS assignee "
        "FROM reassignments r JOIN reassignment_assignors a USING (rf_id) "
        "JOIN reassignment_assignees e USING (rf_id) "
        "WHERE r.rf_id IN ('36408-10', '18247-405', '65617-914') ORDER BY r.rf_id")
    assert rows == [
        {"rf_id": "18247-405",
         "conveyance_text": "NUNC PRO TUNC ASSIGNMENT (SEE DOCUMENT FOR DETAILS).",
         "assignor": "REALTIME DATA COMPRESSION SYSTEMS, INC.", "assignee": "REALTIME DATA LLC"},
        {"rf_id": "36408-10", "conveyance_text": "CHANGE OF NAME (SEE DOCUMENT FOR DETAILS).",
         "assignor": "ISCIENCE INTERVENTIONAL CORPORATION", "assignee": "ISCI HOLDINGS INC."},
        {"rf_id": "65617-914", "conveyance_text": "SECURITY INTEREST (SEE DOCUMENT FOR DETAILS).",
         "assignor": "M87, INC.", "assignee": "APPLE INC."},
    ]
    assert store.scalar("SELECT count(*) FROM reassignment_documents "
                        "WHERE rf_id = '60613-72'") == 1099


def test_conveyance_table_merges_into_reassignments(store: Store, samples: Path,
                                                   tmp_path: Path) -> None:
    load_assignments(store, [samples / "assignments"])
    path = write(tmp_path / "assignment_conveyance.csv",
                 "rf_id,convey_ty,employer_assign\n36408-10,namechg,0\n4724-617,assignment,1\n")
    load_assignments(store, [path])
    rows = store.rows("SELECT rf_id, conveyance_type, employer_assignment, conveyance_text "
                      "FROM reassignments WHERE rf_id IN ('36408-10', '4724-617') ORDER BY 1")
    assert rows == [
        {"rf_id": "36408-10", "conveyance_type": "namechg", "employer_assignment": False,
         "conveyance_text": "CHANGE OF NAME (SEE DOCUMENT FOR DETAILS)."},
        {"rf_id": "4724-617", "conveyance_type": "assignment", "employer_assignment": True,
         "conveyance_text": "ASSIGNMENT OF ASSIGNORS INTEREST."},
    ]
    assert store.scalar("SELECT count(*) FROM reassignments") == 310
