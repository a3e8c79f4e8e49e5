"""Exposure and deterrence on a hand-built world where every number is worked out by hand.

Alpha Devices (A) and Beta Phones (B), on 2020-06-30, text evidence switched off (weight 0;
text similarity is tested in test_techmap.py) so that each score is citation and CPC only:

A's patents (all granted to A):
  8100001  2012-01-03, filed 2010-01-04, H04W72/04; in force in EP through its family
  8100002  1995-01-03, filed 1993-01-04, H04W72/04: expired 2013-01-04 (pre-1995 rule)
  8100003  2012-01-03, filed 2010-01-04, H04W72/04; US only
  8100004  2012-01-03, filed 2010-01-04, G06F3/041; under a security interest to a bank
  8100005  2012-01-03, filed 2010-01-04, H01M10/0525
B's patents: 8200001 (2018-01-02, H04W72/04 + H04W72/12) cites 8100001 (examiner) and
  8100004 (applicant); 8200002 (2019-01-01, G06F3/041) cites 8100001 and 8100005
  (applicant).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from warchest.cli import app
from warchest.display import number
from warchest.errors import WarchestError
from warchest.exposure import ExposureConfig, compute_exposure, deterrence, explain
from warchest.exposure.heatmap import heatmap_svg
from warchest.owners import resolve_owners
from warchest.store import Store
from warchest.value import compute_values

D = dt.date.fromisoformat
ON = D("2020-06-30")
A, B = "Alpha Devices Inc.", "Beta Phones Corp."
PATENTS = {  # id: (grant, filing, owner, CPC symbols, cites [(patent, category)])
    "8100001": ("2012-01-03", "2010-01-04", A, ["H04W72/04"], []),
    "8100002": ("1995-01-03", "1993-01-04", A, ["H04W72/04"], []),
    "8100003": ("2012-01-03", "2010-01-04", A, ["H04W72/04"], []),
    "8100004": ("2012-01-03", "2010-01-04", A, ["G06F3/041"], []),
    "8100005": ("2012-01-03", "2010-01-04", A, ["H01M10/0525"], []),
    "8200001": ("2018-01-02", "2016-01-04", B, ["H04W72/04", "H04W72/12"],
                [("8100001", "cited by examiner"), ("8100004", "cited by applicant")]),
    "8200002": ("2019-01-01", "2017-01-03", B, ["G06F3/041"],
                [("8100001", "cited by applicant"), ("8100005", "cited by applicant")]),
}
IMPACT = {"8100001": 2.0, "8100003": 1.0, "8100004": 1.5, "8100005": 1.0, "8200001": 1.0,
          "8200002": 1.0}
NO_TEXT = ExposureConfig(w_citation=0.45, w_cpc=0.35, w_subgroup=0.0, w_text=0.0)


def _write(store: Store) -> None:
    ids = sorted(PATENTS)
    with store.transaction():
        lid = store.begin_load("test", "hand-built exposure world", None, None, None)
        store.write("patents", pa.table({
            "patent_id": ids, "patent_type": ["utility"] * len(ids),
            "grant_date": pa.array([D(PATENTS[p][0]) for p in ids], pa.date32()),
            "title": [f"Patent {p}" for p in ids]}), lid)
        store.write("applications", pa.table({
            "patent_id": ids,
            "filing_date": pa.array([D(PATENTS[p][1]) for p in ids], pa.date32())}), lid)
        store.write("assignees", pa.table({
            "patent_id": ids, "sequence": pa.array([0] * len(ids), pa.int32()),
            "organization": [PATENTS[p][2] for p in ids]}), lid)
        cpc = [(p, s) for p in ids for s in PATENTS[p][3]]
        store.write("cpc", pa.table({
            "patent_id": [c[0] for c in cpc], "symbol": [c[1] for c in cpc],
            "subclass": [c[1][:4] for c in cpc],
            "main_group": [c[1].split("/")[0] + "/00" for c in cpc],
            "sequence": pa.array(range(len(cpc)), pa.int32())}), lid)
        cites = [(p, c, cat) for p in ids for c, cat in PATENTS[p][4]]
        store.write("citations", pa.table({
            "patent_id": [c[0] for c in cites], "cited_patent_id": [c[1] for c in cites],
            "category": [c[2] for c in cites],
            "sequence": pa.array(range(len(cites)), pa.int32())}), lid)
        # a security interest in 8100004 recorded in 2015: it never moves ownership
        store.write("reassignments", pa.table({
            "rf_id": ["40000-1"], "recorded_date": pa.array([D("2015-03-02")], pa.date32()),
            "conveyance_text": ["SECURITY INTEREST (SEE DOCUMENT FOR DETAILS)."]}), lid)
        store.write("reassignment_assignors", pa.table({
            "rf_id": ["40000-1"], "sequence": pa.array([1], pa.int32()), "name": [A],
            "execution_date": pa.array([D("2015-02-27")], pa.date32())}), lid)
        store.write("reassignment_assignees", pa.table({
            "rf_id": ["40000-1"], "sequence": pa.array([1], pa.int32()),
            "name": ["Gamma Bank N.A."]}), lid)
        store.write("reassignment_documents", pa.table({
            "rf_id": ["40000-1"], "sequence": pa.array([1], pa.int32()),
            "patent_id": ["8100004"]}), lid)
        # 8100001's family has a European patent in force
        store.write("families", pa.table({
            "family_id": ["F1", "F1"], "jurisdiction": ["US", "EP"],
            "member_number": ["8100001", "EP2000001B1"], "us_patent_id": ["8100001"] * 2,
            "filing_date": pa.array([D("2010-01-04"), D("2010-06-01")], pa.date32()),
            "grant_date": pa.array([D("2012-01-03"), D("2013-05-02")], pa.date32()),
            "status": ["in force", "in force"]}), lid)
        store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})


@pytest.fixture
def world(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "x.duckdb") as store:
        _write(store)
        resolve_owners(store)
        compute_values(store)
        for pid, impact in IMPACT.items():  # known impacts, so the sums can be done by hand
            store.query(f"UPDATE patent_indicators SET impact = {impact} "
                        f"WHERE patent_id = '{pid}'")
        yield store


def cite(weighted: float) -> float:
    return 1 - math.exp(-weighted / 2.0)


# B's technology: H04W72/00 (1 patent), G06F3/00 (1): norm sqrt(2); one group -> 1/sqrt 2
S1 = 0.45 * cite(2 * 1 + 1) + 0.35 / math.sqrt(2)  # 8100001: examiner + applicant
S3 = 0.35 / math.sqrt(2)                             # 8100003: CPC only
S4 = 0.45 * cite(1) + 0.35 / math.sqrt(2)            # 8100004: one applicant citation
S5 = 0.45 * cite(1)                                  # 8100005: H01M is not B's
# A's technology (granted 2010-06-30..2020-06-30): H04W72/00 x2, G06F3/00, H01M10/00:
# norm sqrt(6); B's 8200001 -> 2/sqrt 6, 8200002 -> 1/sqrt 6
T1 = 0.35 * 2 / math.sqrt(6)
T2 = 0.35 * 1 / math.sqrt(6)  # 0.143 < min_score 0.15: not assertable


def test_exposure_by_hand_in_the_us(world: Store) -> None:
    result = compute_exposure(world, [A, B], "US", ON, NO_TEXT)
    # A's stock in force in the US: 8100002 expired in 2013 and is not counted
    assert result.stock == [4, 2]
    assert result.matrix[0][1] == pytest.approx(2.0 * S1 + 1.0 * S3 + 1.5 * S4 + 1.0 * S5)
    assert result.assertable[0][1] == 4
    assert result.matrix[1][0] == pytest.approx(T1)
    assert result.assertable[1][0] == 1
    top = result.evidence[(0, 1)][0]
    assert top["patent_id"] == "8100001" and top["score"] == pytest.approx(S1, abs=1e-3)
    assert "cited by 2 of Beta Phones Corp.'s patents (1 by the examiner)" in top["why"]
    assert "H04W72/00 (50.0%)" in top["why"]


def test_a_security_interest_does_not_change_who_can_assert(world: Store) -> None:
    rows = explain(world, A, B, "US", ON, NO_TEXT).patents
    row = next(r for r in rows if r["patent_id"] == "8100004")
    assert row["score"] == pytest.approx(S4, abs=1e-3)
    assert world.scalar("SELECT count(*) FROM ownership_events WHERE kind = "
                        "'security interest'") == 1


def test_not_in_force_in_the_market_contributes_nothing(world: Store) -> None:
    # only 8100001 is in force in Europe (its EP grant, counted in DE, FR, GB, ...)
    result = compute_exposure(world, [A, B], "EP", ON, NO_TEXT)
    assert result.stock == [1, 0]
    assert result.matrix[0][1] == pytest.approx(2.0 * S1)
    assert result.matrix[1][0] == 0.0


def test_deterrence_balance_and_naked_areas(world: Store) -> None:
    found = deterrence(world, B, [A], ["US", "EP"], ON, NO_TEXT)
    assert found.company == B and found.markets == ("US", "EP")
    us, ep = found.threats
    assert us.power_against_threat == pytest.approx(T1, abs=1e-4)
    threat = 2.0 * S1 + S3 + 1.5 * S4 + S5
    assert us.threat_power_against_company == pytest.approx(threat, abs=1e-4)
    assert us.ratio == pytest.approx(T1 / threat, abs=1e-3)
    assert us.balance == "the threat is stronger"
    # areas (CPC subclasses here, no taxonomy mapped): B answers in H04W with 8200001, but
    # has nothing in G06F (8200002 scores below the minimum) or H01M
    naked = {a.area: a for a in us.naked_areas}
    assert set(naked) == {"G06F", "H01M"}
    assert naked["G06F"].threat_patents == ("8100004",)
    assert naked["G06F"].threat_sells_there is None  # unknown without the taxonomy
    assert ep.balance == ("naked: the threat can assert, the company has nothing to "
                             "answer with")


def test_text_evidence_adds_to_the_score(world: Store) -> None:
    # the titles are "Patent <number>": TF-IDF similarity to B's centroid is positive but
    # below the 0.3 floor for every patent, so the default weights give citation x 0.45 +
    # CPC x 0.35 (+ text 0): the same matrix as with the text weight at 0
    with_text = compute_exposure(world, [A, B], "US", ON, ExposureConfig(
        w_citation=0.45, w_cpc=0.35, w_subgroup=0.0, w_text=0.2), "tfidf")
    without = compute_exposure(world, [A, B], "US", ON, NO_TEXT)
    assert with_text.text_method == "tfidf"
    assert with_text.matrix[0][1] == pytest.approx(without.matrix[0][1])
    # with the floor at 0, the text adds w_text x cosine on top
    loose = ExposureConfig(w_citation=0.45, w_cpc=0.35, w_subgroup=0.0, w_text=0.2,
                           text_floor=0.0)
    assert compute_exposure(world, [A, B], "US", ON, loose, "tfidf").matrix[0][1] > \
        without.matrix[0][1]


def test_errors_name_the_bad_value(world: Store) -> None:
    with pytest.raises(WarchestError, match="market 'XX' is not in the market table"):
        compute_exposure(world, [A, B], "XX", ON)
    with pytest.raises(WarchestError, match="at least two firms"):
        compute_exposure(world, [A], "US", ON)
    with pytest.raises(WarchestError, match="Gamma Corp"):
        compute_exposure(world, [A, "Gamma Corp"], "US", ON)


def _heatmap_cells(svg: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(holder, target) -> (power, patents, fill) of each cell of a heatmap's SVG, read from
    the cells' accessible labels (Vega writes each tooltip field there)."""
    cells = {}
    for path in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}path"):
        label = path.get("aria-label") or ""
        if "assertable patents:" not in label:
            continue
        fields = dict(part.split(": ", 1) for part in label.split("; "))
        cells[(fields["holder"], fields["against"])] = (
            fields["power"], fields["assertable patents"], path.get("fill") or "")
    return cells


def test_heatmap_and_cli(world: Store, tmp_path: Path) -> None:
    result = compute_exposure(world, [A, B], "US", ON, NO_TEXT)
    svg = heatmap_svg(result)
    # the cells read back as the matrix: B's exposure to A (A's power, worked by hand in
    # test_deterrence_balance_and_naked_areas) in the A row, B column, in the deepest red;
    # white (0) to red (#c0392b, the largest) is linear in RGB; the diagonal grey
    threat = 2.0 * S1 + S3 + 1.5 * S4 + S5
    cells = _heatmap_cells(svg)
    low = result.matrix[1][0] / threat
    assert cells == {
        (A, A): ("0.00", "0", "#dddddd"),
        (A, B): (f"{threat:,.2f}", "4", "rgb(192, 57, 43)"),
        (B, A): (f"{result.matrix[1][0]:,.2f}", str(result.assertable[1][0]),
                 "rgb({}, {}, {})".format(*(round(255 - low * (255 - c))
                                            for c in (192, 57, 43)))),
        (B, B): ("0.00", "0", "#dddddd")}
    assert result.matrix[0][1] == pytest.approx(threat, abs=1e-4)
    assert f">{number(threat)}</text>" in svg
    # the colour legend is drawn, from 0 to the largest value
    assert "Gradient legend titled 'power (sum of impact x assertion)'" in svg
    # hostile names are escaped (the SVG is opened in a browser)
    hostile = dataclasses.replace(result, firms=[
        dataclasses.replace(result.firms[0], name="<script>alert(1)</script>"),
        result.firms[1]])
    assert "<script>" not in heatmap_svg(hostile)
    assert "&lt;script&gt;" in heatmap_svg(hostile)
    runner = CliRunner()
    db = str(world.path)
    world.close()
    out = tmp_path / "h.svg"
    got = runner.invoke(app, ["exposure", "--firms", f"{A};{B}", "--as-of", "2020-06-30",
                              "--heatmap", str(out), "--json", "--db", db])
    assert got.exit_code == 0, got.output
    pairs = json.loads(got.output)["pairs"]
    assert {(p["holder"], p["target"]) for p in pairs} == {(A, B), (B, A)}
    drawn = _heatmap_cells(out.read_text(encoding="utf-8"))
    by_pair = {(p["holder"], p["target"]): p for p in pairs}
    assert drawn[(A, B)][:2] == (f"{by_pair[(A, B)]['exposure']:,.2f}",
                                 str(by_pair[(A, B)]["assertable_patents"]))
    got = runner.invoke(app, ["exposure", "explain", A, B, "--as-of", "2020-06-30",
                              "--db", db])
    assert got.exit_code == 0 and "from 4 assertable of 4 patents" in got.output
    got = runner.invoke(app, ["exposure", "explain", A, B, "--as-of", "2020-06-30",
                              "--json", "--db", db])
    assert json.loads(got.output)["patents"][0]["patent_id"] == "8100001"
    got = runner.invoke(app, ["deterrence", B, "--threats", A, "--markets", "US,EP",
                              "--as-of", "2020-06-30", "--json", "--db", db])
    assert got.exit_code == 0
    assert [(t["threat"], t["market"]) for t in json.loads(got.output)["threats"]] == [
        (A, "US"), (A, "EP")]
    got = runner.invoke(app, ["exposure", "--firms", f"{A};{B}", "--heatmap", "x.png",
                              "--db", db])
    assert got.exit_code == 1 and "write it as .svg" in got.output


def test_subgroup_evidence_by_hand(world: Store) -> None:
    # B's recent patents lead with H04W72/04 (8200001) and G06F3/041 (8200002), one each:
    # the most in each main group, so A's patents leading with those subgroups (8100001,
    # 8100003, 8100004) get subgroup evidence 1/1 = 1; 8100005 (H01M10/0525) none
    with_subgroup = ExposureConfig(w_citation=0.45, w_cpc=0.35, w_subgroup=0.3, w_text=0.0)
    result = compute_exposure(world, [A, B], "US", ON, with_subgroup)
    base = 2.0 * S1 + 1.0 * S3 + 1.5 * S4 + 1.0 * S5
    assert result.matrix[0][1] == pytest.approx(base + 0.3 * (2.0 + 1.0 + 1.5))
    top = result.evidence[(0, 1)][0]
    assert top["subgroup"] == 1.0
    assert "leads with a subgroup Beta Phones Corp. files in: H04W72/04 (1 of its" in top["why"]


def test_products_the_target_sells_gate_the_score(world: Store, tmp_path: Path) -> None:
    from warchest.techmap import map_technology

    # shipped taxonomy: H04W72/ is telecom_standards, G06F3/041 smartphone (and G06F3/
    # software_ui), H01M batteries. B sells smartphones only (the products file says so):
    # outside that area the technology evidence (CPC here) counts 0 of itself and the
    # citation evidence cited_outside_known (0.2, lowered, never zeroed): 8100001 (cited
    # by B's examiner and applicant) keeps 0.2 x 0.45 x cite(3) = 0.070, 8100005 (one
    # applicant citation) 0.2 x 0.45 x cite(1) = 0.035 and 8100003 (CPC only) 0, all
    # below the 0.15 minimum, so only 8100004 (G06F3/041, in B's area) counts: 1.5 x S4
    map_technology(world)
    sells = tmp_path / "products.csv"
    sells.write_text(f"company,product\n{B.upper()},smartphone\n{A},none\n", encoding="utf-8")
    result = compute_exposure(world, [A, B], "US", ON, NO_TEXT, products=sells)
    assert result.matrix[0][1] == pytest.approx(1.5 * S4)
    assert result.assertable[0][1] == 1
    assert "in Beta Phones Corp.'s product areas: smartphone" in \
        result.evidence[(0, 1)][0]["why"]
    # with the citation factor at 0.5, 8100001 keeps 0.5 x 0.45 x cite(3) = 0.175 and
    # counts; 8100005's 0.089 still does not
    keep_half = ExposureConfig(w_citation=0.45, w_cpc=0.35, w_subgroup=0.0, w_text=0.0,
                               cited_outside_known=0.5)
    half = compute_exposure(world, [A, B], "US", ON, keep_half, products=sells)
    assert half.matrix[0][1] == pytest.approx(2.0 * 0.5 * 0.45 * cite(3) + 1.5 * S4)
    why = {r["patent_id"]: r["why"] for r in half.evidence[(0, 1)]}
    assert ("outside Beta Phones Corp.'s product areas: technology evidence counts 0 of "
            "itself; citation evidence counts 0.5 of itself (never zeroed)") in why["8100001"]
    # A sells nothing: B's 8200001 (T1 = 0.286) x 0.1 < 0.15, nothing left
    assert result.matrix[1][0] == 0.0
    # what each firm sells, as the products file says
    assert result.areas_sold == [[], ["smartphone"]]
    # B is naked against A where A's 8100004 reads on it (G06F3/041: smartphone and
    # software_ui), and A sells in neither: nothing B holds could answer there in kind
    (us,) = deterrence(world, B, [A], ["US"], ON, NO_TEXT, products=sells).threats
    assert {(a.area, a.threat_sells_there) for a in us.naked_areas} == {
        ("smartphone", False), ("software_ui", False)}


def test_unmapped_patents_fall_back_to_cpc_main_groups(world: Store, tmp_path: Path) -> None:
    from warchest.techmap import map_technology

    # a taxonomy that maps only touch screens: H04W72/ and H01M are in no mapped area.
    # B's recent patents: 8200001 (H04W72/00) and 8200002 (G06F3/041, phones): B is active
    # in the area phones and in the main groups H04W72/00 and G06F3/00 (1 of 2 each, over
    # the 5% active share). So 8100001 and 8100003 (H04W72/04, unmapped) count in full
    # through their main group, 8100004 (phones) in full, and 8100005 (H01M10/0525,
    # unmapped, a main group B has none of) is outside: its one applicant citation counts
    # 0.5 x 0.45 x cite(1) = 0.089 < 0.15, not assertable
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text("phones: {cpc: [G06F3/041]}\n", encoding="utf-8")
    map_technology(world, taxonomy)
    result = compute_exposure(world, [A, B], "US", ON, NO_TEXT)
    assert result.matrix[0][1] == pytest.approx(2.0 * S1 + 1.0 * S3 + 1.5 * S4)
    assert result.assertable[0][1] == 3
    why = {r["patent_id"]: r["why"] for r in result.evidence[(0, 1)]}
    assert ("in no mapped product area: judged by its CPC main groups, one of which Beta "
            "Phones Corp. is active in") in why["8100003"]
    # the citation factor is checked: a patent the target cites is never zeroed
    bad = tmp_path / "bad.yaml"
    bad.write_text("products: {cited_outside: 0}\n", encoding="utf-8")
    with pytest.raises(WarchestError, match="cited_outside must be in"):
        ExposureConfig.load(bad)


def test_claims_cancelled_at_the_ptab_assert_nothing(world: Store) -> None:
    # 8100004: adverse judgment against A on 2019-05-01 (before the day): it drops out of
    # A's stock. 8100003: a final written decision that left some claims standing, and
    # 8100005: all claims unpatentable but decided after the day: both still count.
    with world.transaction():
        lid = world.begin_load("test", "PTAB decisions", None, None, None)
        world.write("ptab_proceedings", pa.table({
            "proceeding_number": ["IPR2018-00001", "IPR2018-00002", "IPR2020-00003"],
            "proceeding_type": ["IPR"] * 3, "patent_id": ["8100004", "8100003", "8100005"],
            "petitioner": [B] * 3, "patent_owner": [A] * 3,
            "filing_date": pa.array([D("2018-02-01"), D("2018-02-01"), D("2020-01-02")],
                                    pa.date32()),
            "decision_date": pa.array([D("2019-05-01"), D("2019-08-01"), D("2021-01-04")],
                                      pa.date32()),
            "outcome": ["adverse judgment", "final written decision",
                        "final written decision"],
            "claims_outcome": [None, "some unpatentable", "all unpatentable"]}), lid)
        world.finish_load(lid, rows_read=3, rows_loaded=3, rows_quarantined=0, outputs={})
    result = compute_exposure(world, [A, B], "US", ON, NO_TEXT)
    assert result.stock == [3, 2]
    assert result.matrix[0][1] == pytest.approx(2.0 * S1 + 1.0 * S3 + 1.0 * S5)
    assert result.assertable[0][1] == 3
    # after 8100005's decision, it is gone too
    later = compute_exposure(world, [A, B], "US", D("2021-01-04"), NO_TEXT)
    assert later.stock[0] == 2
