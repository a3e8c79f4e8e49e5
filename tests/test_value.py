"""Patent life and value: term rules on real patents, lapse, families and markets, and the
indicators on a hand-built citation graph where every number is worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from warchest.cli import app
from warchest.errors import NotComputed, UnknownPatent
from warchest.ingest import load_families, load_maintenance
from warchest.store import Store
from warchest.value import (
    compute_values,
    patent_value,
    status_on,
)
from warchest.value.indicators import indicators_sql, inputs_sql
from warchest.value.markets import coverage_sql, markets_sql
from warchest.value.terms import terms_sql

from .conftest import spark_problems

FIXTURES = Path(__file__).parent / "fixtures" / "value"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def valued(sample_store_path: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Store]:
    """A copy of the sample store with the maintenance fixture loaded and values computed."""
    path = tmp_path_factory.mktemp("value") / "samples.duckdb"
    shutil.copy(sample_store_path, path)
    with Store(path) as store:
        report = load_maintenance(store, [FIXTURES / "MaintFeeEvents_20260105.txt"])
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 6, 1)
        compute_values(store)
        yield store


def term(store: Store, patent: str) -> dict[str, object]:
    return store.rows("SELECT * FROM patent_terms WHERE patent_id = ?", [patent])[0]


# --------------------------------------------------------------------------- terms
EXPIRIES = [
    # filed 1994-03-08, granted 1995-08-08 (before 8 June 1995): the greater of grant + 17 y
    # (2012-08-08) and filing + 20 y (2014-03-08) -> the second
    ("5439055", "2014-03-08", "the second"),
    # filed 1990-08-21, granted 1996-07-30: grant + 17 y = 2013-07-30 > 2010-08-21
    ("5540434", "2013-07-30", "the first"),
    # filed 1995-05-22, two weeks before the change; granted 2002-05-07: 2019-05-07
    ("6383099", "2019-05-07", "the first"),
    # a continuation (filed 2005-04-07) inherits its parent 09624718's 2000-07-25:
    # 2000-07-25 + 20 y; also subject to a terminal disclaimer without a date
    ("6982404", "2020-07-25", "continuation of 09624718 filed 2000-07-25 + 20 years; subject"
                              " to a terminal disclaimer"),
    # a 365(c) continuation of PCT/JP02/00677 filed 2002-01-30
    ("6981898", "2022-01-30", "continuation of PCT/JP02/00677 filed 2002-01-30 + 20 years"),
    # a division of 10703797 (2003-11-07); its provisional 60517670 (2003-11-05) does not count
    ("7156345", "2023-11-07", "division of 10703797 filed 2003-11-07 + 20 years"),
    # PTA: own filing 2004-06-23 + 20 y = 2024-06-23, + 198 days = 2025-01-07
    ("7157516", "2025-01-07", "own filing 2004-06-23 + 20 years + 198 days PTA"),
    # a CIP of two parents: the earlier (10212033, 2002-08-01) + 20 y = 2022-08-01,
    # + 1455 days PTA = 2026-07-26
    ("7862500", "2026-07-26", "continuation-in-part of 10212033 filed 2002-08-01"),
    # design filed 2001-10-09 (before 13 May 2015): grant 2002-05-07 + 14 y
    ("D456627", "2016-05-07", "design filed before 2015-05-13"),
    # design filed 2023-03-09: grant 2023-07-04 + 15 y
    ("D991379", "2038-07-04", "design filed on/after 2015-05-13"),
    # reissue of 7349776 (not in the store): its application 10249551 filed 2003-04-17 + 20 y
    ("RE49258", "2023-04-17", "reissue: term of the original 7349776"),
]
"""(patent, expiry, words of the rule) of real sample patents, by hand (test_engines.py
checks them on both engines)."""


@pytest.mark.parametrize(("patent", "expiry", "rule"), EXPIRIES)
def test_expiry_on_real_patents(valued: Store, patent: str, expiry: str, rule: str) -> None:
    t = term(valued, patent)
    assert t["expiry_date"] == D(expiry)
    assert rule in str(t["expiry_rule"])


def test_lapse_for_an_unpaid_fee_and_reinstatement(valued: Store) -> None:
    # 7157516 (granted 2007-01-02) paid the 3.5-year fee (M1551, 2010-06-14) but not the
    # 7.5-year one: EXP. entered 2015-02-09 -> lapsed at grant + 8 years = 2015-01-02
    t = term(valued, "7157516")
    assert t["lapse_date"] == D("2015-01-02")
    assert t["end_date"] == D("2015-01-02")
    assert "grant 2007-01-02 + 8 years" in str(t["lapse_rule"])
    assert status_on(valued, "7157516", D("2015-01-01")).status == "in force"
    assert status_on(valued, "7157516", D("2015-01-02")).status == "lapsed"
    # 7315364: EXP. 2012-02-06, then reinstated (EXPX 2012-05-01): no lapse
    assert term(valued, "7315364")["lapse_date"] is None
    # the malformed line (8 fields) was quarantined with its line number
    row = valued.rows("SELECT line, reason FROM quarantine WHERE path LIKE '%MaintFee%'")
    assert row == [{"line": 7, "reason": row[0]["reason"]}]
    assert "expected 7 space-separated fields" in row[0]["reason"]


def test_loading_the_maintenance_file_twice_leaves_the_same_rows(valued: Store) -> None:
    before = valued.rows("SELECT * EXCLUDE (load_id) FROM maintenance_events ORDER BY ALL")
    load_maintenance(valued, [FIXTURES / "MaintFeeEvents_20260105.txt"])
    after = valued.rows("SELECT * EXCLUDE (load_id) FROM maintenance_events ORDER BY ALL")
    assert before == after and len(after) == 6


def test_expired_patent_status_and_value_on_real_sample(valued: Store) -> None:
    # 6981898 expired 2022-01-30: in force the day before, value 0 after
    assert status_on(valued, "6981898", D("2022-01-29")).status == "in force"
    v = patent_value(valued, "6981898", D("2023-01-01"))
    assert v.status.status == "expired" and v.value == 0.0
    with pytest.raises(UnknownPatent, match="'99999999' is not in the store"):
        patent_value(valued, "99999999")


# --------------------------------------------------------------------------- families
def test_ops_family_xml_members(store: Store) -> None:
    report = load_families(store, [FIXTURES / "ops_family_EP1000000.xml"])
    assert (report.rows_read, report.rows_quarantined) == (6, 0)
    rows = {r["member_number"]: r for r in store.rows("SELECT * FROM families")}
    assert set(rows) == {"EP1000000A1", "EP1000000B1", "AT232441T", "DE69905327D1",
                         "NL1010536C2", "US6093011A"}
    assert {r["family_id"] for r in rows.values()} == {"19768124"}
    # granted: EP B1, its AT translation and DE publication, the NL patent, the US grant
    granted = {m for m, r in rows.items() if r["grant_date"] is not None}
    assert granted == {"EP1000000B1", "AT232441T", "DE69905327D1", "NL1010536C2",
                       "US6093011A"}
    assert rows["US6093011A"]["us_patent_id"] == "6093011"
    assert rows["EP1000000B1"]["filing_date"] == D("1999-11-08")


# --------------------------------------------------------------------------- indicators
GRAPH = {  # patent: (grant date, filing date, CPC subclass, claims, cites)
    "8000001": ("2010-01-05", "2008-01-05", "H04W", 20, []),               # A
    "8000002": ("2011-03-01", "2009-03-01", "H04W", 10, ["8000001"]),      # B
    "8000003": ("2012-06-05", "2010-06-05", "G06F", 12, ["8000001"]),      # C
    "8000004": ("2014-12-30", "2012-12-30", "H04L", 8, ["8000001"]),       # D
    "8000005": ("2016-06-07", "2014-06-07", "G06F", 9, ["8000001"]),       # E
    "8000006": ("2020-01-07", "2018-01-07", "H04W", 15,                    # F
                ["8000001", "8000002", "8000003", "8000005"]),
    "8000007": ("2011-05-03", "2009-05-03", "H04W", 20, []),               # G
    "8000008": ("2013-01-01", "2011-01-01", "H04W", 7, ["8000002"]),       # H
}


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "graph.duckdb") as store:
        with store.transaction():
            lid = store.begin_load("test", "hand-built graph", None, None, None)
            ids = sorted(GRAPH)
            store.write("patents", pa.table({
                "patent_id": ids, "patent_type": ["utility"] * len(ids),
                "grant_date": pa.array([D(GRAPH[p][0]) for p in ids], pa.date32()),
                "num_claims": pa.array([GRAPH[p][3] for p in ids], pa.int32())}), lid)
            store.write("applications", pa.table({
                "patent_id": ids,
                "filing_date": pa.array([D(GRAPH[p][1]) for p in ids], pa.date32())}), lid)
            store.write("cpc", pa.table({
                "patent_id": ids, "sequence": pa.array([0] * len(ids), pa.int32()),
                "subclass": [GRAPH[p][2] for p in ids],
                "cpc_type": ["inventive"] * len(ids)}), lid)
            # C (8000003) carries PTA and a terminal disclaimer with a date
            store.write("term_of_grant", pa.table({
                "patent_id": ["8000003"], "term_extension": pa.array([100], pa.int32()),
                "term_disclaimer": ["This patent is subject to a terminal disclaimer."],
                "disclaimer_date": pa.array([D("2029-12-31")], pa.date32())}), lid)
            edges = [(p, c) for p in ids for c in GRAPH[p][4]]
            store.write("citations", pa.table({
                "patent_id": [e[0] for e in edges], "cited_patent_id": [e[1] for e in edges],
                "sequence": pa.array(range(len(edges)), pa.int32()),
                "category": ["cited by examiner"] * len(edges)}), lid)
            store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})
        report = load_families(store, [FIXTURES / "families.csv"])
        assert (report.rows_read, report.rows_quarantined) == (5, 1)
        compute_values(store, FIXTURES / "markets.csv", min_cohort=1, breakthrough_min=1)
        yield store


def ind(store: Store, patent: str) -> dict[str, object]:
    return store.rows("SELECT * FROM patent_indicators WHERE patent_id = ?", [patent])[0]


def test_terminal_disclaimer_date_cuts_the_term(graph: Store) -> None:
    # C: filed 2010-06-05 + 20 y = 2030-06-05, + 100 days PTA = 2030-09-13; the terminal
    # disclaimer ends the term on 2029-12-31, before both
    t = term(graph, "8000003")
    assert t["expiry_date"] == D("2029-12-31") and t["end_date"] == D("2029-12-31")
    assert t["expiry_rule"] == ("own filing 2010-06-05 + 20 years + 100 days PTA; cut by the"
                                " terminal disclaimer to 2029-12-31")


def test_forward_citations_in_5_and_7_years(graph: Store) -> None:
    a = ind(graph, "8000001")
    # A (granted 2010-01-05) is cited by B (1.15 y), C (2.41 y), D (1820 days = 4.98 y),
    # E (6.42 y) and F (10.0 y): 3 within 5 years, 4 within 7, 5 in all
    assert (a["forward_5y"], a["forward_7y"], a["forward_total"]) == (3, 4, 5)
    assert a["backward"] == 0 and ind(graph, "8000006")["backward"] == 4


def test_generality_originality_radicalness_by_hand(graph: Store) -> None:
    # A's citing fields: B H04W, C G06F, D H04L, E G06F, F H04W -> shares 2/5, 2/5, 1/5;
    # G = 1 - (4 + 4 + 1)/25 = 16/25, corrected x N/(N-1) = 5/4 -> 0.8
    assert ind(graph, "8000001")["generality"] == pytest.approx(0.8)
    # B is cited by F and H, both H04W: G = 0 (x 2/1 = 0); C is cited by F only: N < 2
    assert ind(graph, "8000002")["generality"] == pytest.approx(0.0)
    assert ind(graph, "8000003")["generality"] is None
    f = ind(graph, "8000006")
    # F cites A, B (H04W) and C, E (G06F): 1 - (1/4 + 1/4) = 1/2, x 4/3 -> 2/3
    assert f["originality"] == pytest.approx(2 / 3)
    # of the cited (patent, subclass) pairs, C/G06F and E/G06F are outside F's H04W: 2/4
    assert f["radicalness"] == pytest.approx(0.5)
    # grant lag: filed 2018-01-07, granted 2020-01-07 = 730 days
    assert f["grant_lag_days"] == 730


def test_truncation_correction(graph: Store) -> None:
    # The data ends 2020-01-07 (F's grant). Patents with a full 5-year window (A, B, C, D,
    # G, H) received 4 citations within 5 years, at lags of 1.15 y (A<-B), 1.84 y (B<-H),
    # 2.41 y (A<-C) and 4.98 y (A<-D): yearly buckets 0:0, 1:2, 2:1, 3:0, 4:1 of 4.
    # G06F has no such citations of its own, so the pooled distribution is used.
    e = ind(graph, "8000005")
    # E (granted 2016-06-07) has been observed 1309 days = 3.584 y: F(3.584) = (0+2+1 +
    # 0.584 x 0) / 4 = 0.75; F cites E within 5 years -> 1 / 0.75
    assert e["observed_years"] == pytest.approx(1309 / 365.25)
    assert e["expected_share_5y"] == pytest.approx(0.75)
    assert e["forward_5y"] == 1
    assert e["forward_5y_corrected"] == pytest.approx(4 / 3)
    # F was granted on the last day: F(0) = 0 < 0.1, too early to tell: no corrected
    # count, and its impact is the cohort average (1.0) rather than 0
    assert ind(graph, "8000006")["forward_5y_corrected"] is None
    assert ind(graph, "8000006")["impact"] == 1.0
    # D (observed 1834 days = 5.02 y) needs no correction
    assert ind(graph, "8000004")["expected_share_5y"] == 1.0


def test_cohort_normalisation_breakthrough_and_quality(graph: Store) -> None:
    # cohort 2011 x H04W = {B, G}: B has 1 citation within 5 years (H, 1.84 y), G none;
    # the cohort mean is 0.5, so B's normalised forward citations and impact are 2.0
    b, g = ind(graph, "8000002"), ind(graph, "8000007")
    assert (b["cohort_year"], b["cohort_field"], b["cohort_size"]) == (2011, "H04W", 2)
    assert b["forward_5y_norm"] == pytest.approx(2.0) and b["impact"] == pytest.approx(2.0)
    assert g["forward_5y_norm"] == pytest.approx(0.0)
    # claims 10 and 20: mean 15 -> B 10/15
    assert b["claims_norm"] == pytest.approx(10 / 15)
    # breakthrough: B has no cohort member above it (0 < 1% of 2), G has B above
    assert b["breakthrough"] is True and g["breakthrough"] is False
    # quality index of B: forward 1/1, family size 1/1, claims 10/20; generality left out
    # (the cohort maximum is 0): (1 + 1 + 0.5) / 3
    assert b["quality_index"] == pytest.approx(2.5 / 3)


def test_indicators_in_steps_are_the_one_statement_s(valued: Store) -> None:
    """``compute_values`` derives the indicators' inputs in steps (a table per step,
    dropped after): the rows are those of the one SELECT, the indicators those of theirs,
    and no step's table is left in the store."""
    for table, sql in (("indicator_inputs", inputs_sql(False)),
                       ("patent_indicators", indicators_sql())):
        one = valued.query(f"SELECT * FROM ({sql}) ORDER BY patent_id")
        got = valued.query(f"SELECT * EXCLUDE (load_id) FROM {table} ORDER BY patent_id")
        assert got.num_rows == one.num_rows == valued.scalar(
            "SELECT count(*) FROM patents WHERE grant_date IS NOT NULL") > 100
        for name in one.column_names:
            a, b = one.column(name).to_pylist(), got.column(name).to_pylist()
            assert [x == pytest.approx(y) if isinstance(x, float) and y is not None
                    else x == y for x, y in zip(a, b, strict=True)] == [True] * len(a), name
    assert valued.scalar("SELECT count(*) FROM duckdb_tables() "
                         "WHERE table_name LIKE '\\_step\\_%' ESCAPE '\\'") == 0


def test_market_coverage_and_value_on_dates(graph: Store) -> None:
    # A's family F1: EP granted 2011-02-02 (in force), its DE member lapsed 2015-03-01,
    # JP pending. Weights (markets.csv): US 10 -> 1, DE 2 -> 0.2, FR 1 -> 0.1. The DE row
    # is the family's own, so the EP grant counts only in FR.
    a = ind(graph, "8000001")
    assert a["family_size"] == 3 + 1  # US, EP, DE, JP offices
    v2014 = patent_value(graph, "8000001", D("2014-06-01"))
    assert v2014.in_force_in == "DE,FR,US"
    assert v2014.coverage == pytest.approx(1.3)
    # A is alone in its cohort: impact 1; value = impact x coverage
    assert v2014.value == pytest.approx(1.3)
    v2016 = patent_value(graph, "8000001", D("2016-06-01"))
    assert v2016.in_force_in == "FR,US" and v2016.value == pytest.approx(1.1)
    # A expires 2008-01-05 + 20 y = 2028-01-05 in the US; the EP grant runs to 2028-06-01
    assert patent_value(graph, "8000001", D("2028-03-01")).in_force_in == "FR"
    assert patent_value(graph, "8000001", D("2028-03-01")).status.status == "expired"


def test_derived_sql_carries_over_to_spark() -> None:
    for sql in (terms_sql(), markets_sql(), coverage_sql("2020-01-01"), indicators_sql(),
                inputs_sql(True), inputs_sql(False), terms_sql("scope"),
                markets_sql("scope"), inputs_sql(True, "scope")):
        assert spark_problems(sql) == []
    # the check itself can fail: a function neither sqlglot nor Spark knows
    assert spark_problems("SELECT made_up_fn(x) FROM t") == ["unknown function made_up_fn"]


def test_value_cli(sample_store_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    shutil.copy(sample_store_path, db)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, [*args, "--db", str(db)])
        return result.exit_code, " ".join(result.output.split())

    code, out = run("value", "7157516")
    assert code == 1 and "warchest value --compute" in out
    code, out = run("load", "maintenance", str(FIXTURES / "MaintFeeEvents_20260105.txt"))
    assert code == 0 and "read 7 = loaded 6 + quarantined 1" in out, out
    code, out = run("value", "--compute")
    assert code == 0 and "1 lapsed for unpaid fees" in out, out
    code, out = run("value", "7157516", "--as-of", "2020-01-01")
    assert code == 0 and "lapsed on 2020-01-01" in out, out
    result = runner.invoke(app, ["value", "7157516", "--as-of", "2020-01-01", "--json",
                                 "--db", str(db)])
    shown = json.loads(result.output)[0]
    assert shown["status"]["status"] == "lapsed" and shown["value"] == 0.0
    assert "grant 2007-01-02 + 8 years" in shown["status"]["because"]
    code, out = run("value", "12345678")
    assert code == 1 and "'12345678' is not in the store" in out
    code, out = run("value")
    assert code == 1 and "--compute" in out
    code, out = run("owners", "resolve")
    assert code == 0, out
    # real companies of the sample on 2025-01-01: Samsung Electronics holds 89 patents whose
    # grant names it (ppubs, XML: granted 2009-2024, all in force) and 91 named only by
    # PatentsView's disambiguated table (the partly synthetic sample, no filing dates: in
    # force until grant + 20 years at the latest, so the 11 granted before 2005 have
    # ended); Apple 38 + 14 the same way, and one bought by assignment, which has ended
    result = runner.invoke(app, ["portfolio", "Samsung Electronics Co., Ltd.", "Apple Inc.",
                                 "--as-of", "2025-01-01", "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    side = {r["name"]: r["summary"] for r in json.loads(result.output)["companies"]}
    samsung, apple = side["SAMSUNG ELECTRONICS CO., LTD."], side["Apple Inc."]
    assert (samsung["owned"], samsung["in_force"]) == (89 + 91, 89 + 80)
    assert apple["owned"] == 38 + 14 + 1
    assert (apple["in_force"], apple["expired_or_lapsed"]) == (52, 1)
    assert sum(samsung["remaining_life"].values()) == 169
    # no known term, counted apart (not as "0-2 years" left): the 80 in force without a
    # filing date, and reissue RE49982, whose original patent is not in the store
    assert samsung["remaining_life"]["term unknown"] == 80 + 1
    assert next(iter(samsung["technology_mix"])) == "G06F"
    code, out = run("portfolio", "Samsung Electronics Co., Ltd.", "--as-of", "2025-01-01")
    assert code == 0 and "in force 169, expired or lapsed 11" in out, out
    # the shipped samples hold 10,992 patents: every report says it is a small sample
    assert "computed from a small sample (10,992 patents in the store)" in out
    code, out = run("exposure", "--firms", "Samsung Electronics Co., Ltd.;Apple Inc.",
                    "--as-of", "2025-01-01")
    assert code == 0 and "computed from a small sample" in out, out


def test_values_needed_before_explaining(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.duckdb") as store, pytest.raises(NotComputed):
        patent_value(store, "7157516")


def test_impact_reference_shrinks_small_cohorts_by_hand() -> None:
    """The empirical-Bayes reference (value/indicators.py docstring), worked by hand.

    One grant year, one section (H) and class (H04); subclass H04W has corrected 5-year
    counts 0, 2, 4, 6 (n 4, mean 3, sample variance 20/3) and H04L one patent with 10.
    Year mean 22/5 = 4.4. Section and class: a single cohort each, equal to its parent
    (t2 <= 0, so k is 1e6 and the reference stays 4.4). Subclasses, prior 4.4:
    s2 = (3 x 20/3 + 0) / 3 = 20/3;
    t2 = mean((3 - 4.4)^2 - (20/3)/4, (10 - 4.4)^2 - (20/3)/1) = (0.29333 + 24.69333) / 2
       = 12.49333; k = (20/3) / 12.49333 = 0.533618;
    H04W: (4 x 3 + k x 4.4) / (4 + k) = 3.164783; H04L: (10 + k x 4.4) / (1 + k) = 8.051496.
    So the lone H04L patent's impact is 10 / 8.05 = 1.242, not 10 / 10 = 1, and the cohort of
    four barely moves from its own mean 3."""
    import duckdb

    from warchest.value.indicators import reference_sql

    rows = [("p1", "H04W", 0.0), ("p2", "H04W", 2.0), ("p3", "H04W", 4.0),
            ("p4", "H04W", 6.0), ("p5", "H04L", 10.0)]
    values = ", ".join(f"('{p}', 2015, '{c}', {x})" for p, c, x in rows)
    con = duckdb.connect()
    got = dict(con.sql(f"""
        WITH raw AS (SELECT * FROM (VALUES {values})
                     AS t(patent_id, cohort_year, cpc_subclass, forward_5y_corrected)),
        {reference_sql()}
        SELECT patent_id, reference FROM ref_patent""").fetchall())
    k = (20 / 3) / (((3 - 4.4) ** 2 - (20 / 3) / 4 + (10 - 4.4) ** 2 - (20 / 3)) / 2)
    assert k == pytest.approx(0.533618, abs=1e-6)
    assert got["p1"] == got["p4"] == pytest.approx(3.164783, abs=1e-6)
    assert got["p5"] == pytest.approx(8.051496, abs=1e-6)
    assert got["p5"] == pytest.approx((10 + k * 4.4) / (1 + k))
    # a cohort whose patents all agree (within variance 0): no shrinkage at that level
    flat = ", ".join(f"('q{i}', 2016, '{c}', {x})" for i, (c, x) in enumerate(
        [("H04W", 1.0), ("H04W", 1.0), ("H04L", 5.0)]))
    got = dict(con.sql(f"""
        WITH raw AS (SELECT * FROM (VALUES {flat})
                     AS t(patent_id, cohort_year, cpc_subclass, forward_5y_corrected)),
        {reference_sql()}
        SELECT patent_id, reference FROM ref_patent""").fetchall())
    assert got == {"q0": pytest.approx(1.0), "q1": pytest.approx(1.0), "q2": pytest.approx(5.0)}


def test_a_bad_byte_in_the_maintenance_file_is_quarantined(tmp_path: Path) -> None:
    """Issue 22: the fee file is ASCII; a line with another byte was loaded with U+FFFD.
    Now it is quarantined with its line, and the others load."""
    lines = (FIXTURES / "MaintFeeEvents_20260105.txt").read_bytes().split(b"\n")
    damaged = list(lines)
    damaged[0] = damaged[0].replace(b" ", b" \xe9", 1)
    path = tmp_path / "MaintFeeEvents_20260105.txt"
    path.write_bytes(b"\n".join(damaged))
    with Store(":memory:") as store:
        report = load_maintenance(store, [path])
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (7, 5, 2)
        reasons = [r["reason"] for r in store.rows(
            "SELECT line, reason FROM quarantine ORDER BY line")]
        assert reasons[0].startswith("not ASCII text (byte 0xe9")


def test_padded_and_blank_maintenance_lines_read_like_the_others(tmp_path: Path) -> None:
    """Columns padded with spaces or tabs read the same; blank lines are not rows (a review
    of the block parser found both quarantined)."""
    path = tmp_path / "MaintFeeEvents_20260105.txt"
    path.write_bytes(b"7157516 10874774 N 20040623 20070102 20100614 M1551 \n"
                     b"\t7157516 10874774 N 20040623 20070102 20140804 REM.\n"
                     b"\n   \n"
                     b"7315364 11123454 N 20050505 20080101 20120206 EXP.\r\n")
    with Store(":memory:") as store:
        report = load_maintenance(store, [path])
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 3, 0)
        assert [r["event_code"] for r in store.rows(
            "SELECT event_code FROM maintenance_events ORDER BY event_date")] == [
            "M1551", "EXP.", "REM."]
