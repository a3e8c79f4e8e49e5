"""Technology map: taxonomies, product areas with evidence, WIPO fields, CPC hierarchy, text
embeddings (the shipped static model and the TF-IDF fallback)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from warchest.demo import sample_path
from warchest.errors import BadInputFile, WarchestError
from warchest.ingest import load_ipc
from warchest.store import Store
from warchest.techmap import (
    describe_symbol,
    fields_sql,
    load_taxonomy,
    map_technology,
    products_sql,
)
from warchest.techmap.text import MODEL_DIR, TextEncoder, model_files, top_similar

from .conftest import spark_problems


def test_shipped_taxonomy_has_the_seven_areas() -> None:
    names = [p.name for p in load_taxonomy()]
    assert names == ["smartphone", "telecom_standards", "video_audio_coding",
                     "semiconductors", "software_ui", "cameras", "batteries"]


NEWER_THAN_2022_08 = {"H04N23/", "H04N25/", "H10B", "H10K", "H10N"}
"""Prefixes of the 2023-01 CPC scheme (cameras and image sensors moved out of H04N5/,
semiconductor devices out of H01L), later than the shipped 2022-08 title list."""


def _cpc_titles() -> dict[str, str]:
    import zipfile

    titles: dict[str, str] = {}
    with zipfile.ZipFile(sample_path("cpc", "CPCTitleList202208.zip")) as z:
        for name in z.namelist():
            for line in z.read(name).decode("utf-8").splitlines():
                parts = line.split("\t")
                titles[parts[0]] = parts[-1]
    return titles


def test_every_taxonomy_prefix_is_a_symbol_of_the_cpc_scheme() -> None:
    titles = _cpc_titles()
    for product in load_taxonomy():
        for prefix in product.cpc:
            symbol = prefix + "00" if prefix.endswith("/") else prefix
            assert symbol in titles or prefix in NEWER_THAN_2022_08, (product.name, prefix)


def test_keywords_are_normalised_like_the_text_they_match(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("phones: {keywords: ['Touch-Screen', ' 5G ', 'e_NB%']}\n",
                    encoding="utf-8")
    (phones,) = load_taxonomy(path)
    assert phones.keywords == ["touch screen", "5g", "e nb"]


@pytest.mark.parametrize(("symbol", "area"), [
    # what each area's description names, with the CPC group the scheme files it under
    ("H04N19/70", "video_audio_coding"),    # video coding: syntax aspects
    ("H04N21/2343", "video_audio_coding"),  # streaming: reformatting for distribution
    ("G10L19/008", "video_audio_coding"),   # audio codecs: multichannel coding
    ("H04L65/75", "video_audio_coding"),    # real-time media delivery
    ("H04N7/173", "video_audio_coding"),    # video on demand (two-way television)
    ("H04W84/12", "telecom_standards"),     # Wi-Fi (WLAN)
    ("H03M13/1102", "telecom_standards"),   # channel coding (LDPC)
    ("H04W72/0446", "telecom_standards"),   # scheduling
    ("H04J11/0069", "telecom_standards"),   # multiplexing
    ("G03F7/2004", "semiconductors"),       # lithography (manufacture)
    ("G11C16/0483", "semiconductors"),      # memories
    ("G06F3/0488", "smartphone"),           # touch-screen input
    ("G06F9/45558", "software_ui"),         # virtual machines
    ("H04N25/76", "cameras"),               # image sensors (2023-01 scheme: not in the list)
    ("G06T7/11", "cameras"),                # image processing
    ("H02J7/0047", "batteries"),            # charging
])
def test_each_area_covers_the_groups_its_description_names(symbol: str, area: str) -> None:
    titles = _cpc_titles()
    assert symbol in titles or any(symbol.startswith(p) for p in NEWER_THAN_2022_08)
    (product,) = [p for p in load_taxonomy() if p.name == area]
    assert any(symbol.startswith(prefix) for prefix in product.cpc)


@pytest.mark.parametrize(("text", "message"), [
    ("phones: {cpc: [H4W72]}", "'phones' has CPC prefixes ['H4W72']"),
    ("phones: {description: x}", "'phones' has neither 'cpc' nor 'keywords'"),
    ("- a\n- b", "expected product areas"),
    ("phones: [", "is not valid YAML"),
    # issue 22: a keyword of LIKE wildcards used to match every patent
    ("phones: {keywords: ['%', handset]}", "'phones' has keywords ['%'] with no letter"),
    ("phones: {keywords: ['_']}", "'phones' has keywords ['_'] with no letter"),
])
def test_bad_taxonomy_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInputFile, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_taxonomy(path)


PATENTS = {  # patent: (title, abstract, CPC symbols, IPC symbols)
    "9000001": ("Handset with a folding display", None, ["H04M1/0214", "G09G5/00"], []),
    "9000002": ("Scheduling of uplink grants", "A base station sends a grant to the user "
                "equipment.", ["H04W72/1263"], ["H04W72/12"]),
    "9000003": ("Cooking pot", "A pot with a lid.", ["A47J27/00"], []),
    "9000004": ("Image coding", "A lithium-free method.", ["H04N1/00", "H04N21/43"], []),
}


@pytest.fixture
def mapped(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "t.duckdb") as store:
        load_ipc(store, [sample_path("ipc", "pvdb_ipc_technology.csv")])
        with store.transaction():
            lid = store.begin_load("test", "hand-built", None, None, None)
            ids = sorted(PATENTS)
            store.write("patents", pa.table({"patent_id": ids,
                                             "title": [PATENTS[p][0] for p in ids]}), lid)
            store.write("abstracts", pa.table({
                "patent_id": [p for p in ids if PATENTS[p][1]],
                "abstract": [PATENTS[p][1] for p in ids if PATENTS[p][1]]}), lid)
            cpc = [(p, s) for p in ids for s in PATENTS[p][2]]
            store.write("cpc", pa.table({
                "patent_id": [c[0] for c in cpc], "symbol": [c[1] for c in cpc],
                "subclass": [c[1][:4] for c in cpc],
                "sequence": pa.array(range(len(cpc)), pa.int32())}), lid)
            ipc = [(p, s) for p in ids for s in PATENTS[p][3]]
            store.write("ipc", pa.table({
                "patent_id": [c[0] for c in ipc], "symbol": [c[1] for c in ipc],
                "subclass": [c[1][:4] for c in ipc]}), lid)
            store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})
        map_technology(store)
        yield store


def test_patents_fall_in_product_areas_with_evidence(mapped: Store) -> None:
    rows = {(r["patent_id"], r["product"], r["via"]): r for r in mapped.rows(
        "SELECT * FROM patent_products")}
    # H04M1/0214 starts with the smartphone prefix H04M1/; G09G5/00 with G09G: 2 symbols
    assert rows[("9000001", "smartphone", "cpc")]["evidence"] == "G09G5/00"
    assert rows[("9000001", "smartphone", "cpc")]["matches"] == 2
    # "handset" is a smartphone keyword, found in the title
    assert rows[("9000001", "smartphone", "keyword")]["evidence"] == "handset"
    # H04W72/1263 is under telecom_standards' H04W72/; "base station", "user equipment" and
    # "uplink" are its keywords (user equipment is also a smartphone keyword)
    assert rows[("9000002", "telecom_standards", "cpc")]["evidence"] == "H04W72/1263"
    assert rows[("9000002", "telecom_standards", "keyword")]["matches"] == 3
    assert ("9000002", "smartphone", "keyword") in rows
    # H04N1/00 is a camera prefix; "lithium-free" reads as the word lithium (batteries)
    assert ("9000004", "cameras", "cpc") in rows
    assert rows[("9000004", "batteries", "keyword")]["evidence"] == "lithium"
    assert not any(k[0] == "9000003" for k in rows)


def test_wipo_fields_from_ipc_else_cpc_longest_prefix(mapped: Store) -> None:
    fields = {(r["patent_id"], r["field_title"]): r for r in mapped.rows(
        "SELECT * FROM patent_fields")}
    # 9000002 has an IPC symbol: H04W% -> field 4, Digital communication (via ipc)
    assert fields[("9000002", "Digital communication")]["via"] == "ipc"
    # 9000004 has none: its CPC H04N1/00 matches "H04N 1/%" (3, Telecommunications) and
    # H04N21/43 matches "H04N 21/%" (4, Digital communication), not "H04N 1/%"
    assert fields[("9000004", "Telecommunications")]["evidence"] == "H04N1/00"
    assert fields[("9000004", "Digital communication")]["evidence"] == "H04N21/43"
    assert fields[("9000003", "Furniture, games")]["via"] == "cpc"  # A47J% -> field 33


def test_cpc_hierarchy_with_real_titles(sample_store: Store) -> None:
    path = describe_symbol(sample_store, "H04W 72/04")
    assert [(r["symbol"], r["rank"]) for r in path.levels] == [
        ("H", "section"), ("H04", "class"), ("H04W", "subclass"),
        ("H04W72/00", "main group"), ("H04W72/04", "subgroup")]
    assert path.levels[-1]["title"] == "Wireless resource allocation"
    with pytest.raises(BadInputFile, match="'Q99' is not in the store"):
        describe_symbol(sample_store, "Q99")


def test_shipped_model_files_match_their_hashes() -> None:
    listed = model_files()
    assert set(listed) >= {"model.safetensors", "tokenizer.json", "config.json"}
    for name, digest in listed.items():
        assert hashlib.sha256((MODEL_DIR / name).read_bytes()).hexdigest() == digest


TEXTS = ["A base station allocates uplink resource blocks to user equipment",
         "Lithium ion battery cathode material with high capacity",
         "Image sensor pixel array with an autofocus lens"]


@pytest.mark.parametrize("method", ["static", "tfidf"])
def test_text_similarity_finds_the_related_text(method: str) -> None:
    encoder = TextEncoder(method).fit(TEXTS)
    vectors = encoder.encode(TEXTS)
    assert vectors.shape[0] == 3
    query = encoder.encode(["the user equipment receives an uplink grant from a base "
                            "station"])[0]
    best = top_similar(query, vectors, 3)
    assert best[0][0] == 0 and best[0][1] > best[1][1]
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-3


def test_techmap_sql_carries_over_to_spark() -> None:
    for sql in (products_sql(), fields_sql(), products_sql("scope"), fields_sql("scope")):
        assert spark_problems(sql) == []


SIMILAR = {  # patent: (title, abstract, CPC symbols)
    "9100001": ("Uplink grant scheduling",
                "A base station schedules uplink resource blocks for the user equipment.",
                ["H04W72/12"]),
    "9100002": ("Resource allocation for the uplink",
                "The user equipment receives an uplink grant of resource blocks from the base "
                "station.", ["H04W72/04"]),
    "9100003": ("Handover between cells",
                "A terminal measures the neighbouring cells before a handover.",
                ["H04W36/00"]),
    "9100004": ("Lithium battery cathode",
                "A cathode material for a lithium ion battery with high capacity.",
                ["H01M4/00"]),
    "9100005": ("Battery electrode", "An electrode for a rechargeable lithium cell.",
                ["H01M4/13"]),
    "9100006": ("Uplink grants in a kitchen appliance",
                "A cooking robot receives an uplink grant of resource blocks from a base "
                "station.", ["A47J27/00"]),
}


@pytest.fixture
def similar_store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "s.duckdb") as store:
        ids = sorted(SIMILAR)
        with store.transaction():
            lid = store.begin_load("test", "hand-built", None, None, None)
            store.write("patents", pa.table({"patent_id": ids,
                                             "title": [SIMILAR[p][0] for p in ids]}), lid)
            store.write("abstracts", pa.table({"patent_id": ids,
                                               "abstract": [SIMILAR[p][1] for p in ids]}), lid)
            cpc = [(p, s) for p in ids for s in SIMILAR[p][2]]
            store.write("cpc", pa.table({
                "patent_id": [c[0] for c in cpc], "symbol": [c[1] for c in cpc],
                "subclass": [c[1][:4] for c in cpc],
                "main_group": [c[1].split("/")[0] + "/00" for c in cpc],
                "sequence": pa.array(range(len(cpc)), pa.int32())}), lid)
            store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})
        yield store


def _text(p: str) -> str:
    return f"{SIMILAR[p][0]}. {SIMILAR[p][1]}"


@pytest.mark.parametrize("method", ["static", "tfidf"])
def test_nearest_neighbours_blocked_by_technology(similar_store: Store, method: str) -> None:
    from warchest.techmap.similar import find_similar

    got = find_similar(similar_store, "9100001", method=method)
    # blocked on H04W: the other two H04W patents only, the uplink one first
    assert got.candidates == 2 and got.blocked_by == "CPC subclass H04W"
    assert [r.patent_id for r in got.results] == ["9100002", "9100003"]
    assert got.results[0].cpc_subclasses == "H04W"
    if method == "static":  # the cosine of the two texts' vectors (stored as float16)
        v = TextEncoder("static").encode([_text("9100001"), _text("9100002")])
        assert got.results[0].similarity == pytest.approx(float(v[0] @ v[1]), abs=2e-3)
    everything = find_similar(similar_store, "9100001", block="all", top=3, method=method)
    assert everything.candidates == 5
    assert "9100006" in [r.patent_id for r in everything.results]  # the uplink robot
    sims = [r.similarity for r in everything.results]
    assert sims == sorted(sims, reverse=True)
    text = find_similar(similar_store, text="lithium cathode for a battery", within=["H01M"],
                        method=method)
    assert text.candidates == 2
    assert text.results[0].patent_id == "9100004"


def test_nearest_neighbours_errors(similar_store: Store) -> None:
    from warchest.techmap.similar import find_similar

    with pytest.raises(WarchestError, match="not both and not neither"):
        find_similar(similar_store)
    with pytest.raises(WarchestError, match="give --within"):
        find_similar(similar_store, text="battery")
    with pytest.raises(WarchestError, match="'everywhere' is not one of"):
        find_similar(similar_store, "9100001", block="everywhere")
    with pytest.raises(WarchestError, match="is not in the store"):
        find_similar(similar_store, "9999999")


def test_cli_similar(similar_store: Store) -> None:
    import json

    from typer.testing import CliRunner

    from warchest.cli import app

    path = similar_store.path
    similar_store.close()
    result = CliRunner().invoke(app, ["techmap", "similar", "9100004", "--db", path,
                                      "--method", "tfidf", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"][0]["patent_id"] == "9100005"
    bad = CliRunner().invoke(app, ["techmap", "similar", "--text", "battery", "--db", path])
    assert bad.exit_code == 1 and "give --within" in bad.output and "Traceback" not in bad.output


KEYWORD_TEXTS = {  # patent: (title, abstract); the areas below, matched by hand
    "9200001": ("Wireless charging pad", "A coil charges the phone."),
    "9200002": ("Wireless speaker", "The speaker pairs over a short range link."),
    "9200003": ("Charging dock", "A dock that holds a wireless handset while charging."),
    "9200004": ("Cellular modem", "The cellular baseband."),  # no "cell" word
    "9200005": ("Battery pack wireless", "charging circuits for the pack"),  # across
    "9200006": (None, "A wireless charging coil."),  # no title: the abstract still counts
    "9200007": ("Handset, handset and HANDSET", None),  # one keyword, however often
}


def test_keywords_match_whole_words_and_phrases(tmp_path: Path) -> None:
    """Each keyword is matched on its own: overlapping keywords both count, a phrase must
    stand whole in the title or in the abstract, a word never matches part of a word."""
    taxonomy = tmp_path / "areas.yaml"
    taxonomy.write_text(
        "power: {keywords: [wireless charging, charging, coil]}\n"
        "radio: {keywords: [wireless, cell, short range link]}\n"
        "phones: {keywords: [handset, wireless handset]}\n", encoding="utf-8")
    with Store(tmp_path / "k.duckdb") as store:
        with store.transaction():
            lid = store.begin_load("test", "hand-built", None, None, None)
            ids = sorted(KEYWORD_TEXTS)
            store.write("patents", pa.table({
                "patent_id": ids, "title": [KEYWORD_TEXTS[p][0] for p in ids]}), lid)
            with_abstract = [p for p in ids if KEYWORD_TEXTS[p][1]]
            store.write("abstracts", pa.table({
                "patent_id": with_abstract,
                "abstract": [KEYWORD_TEXTS[p][1] for p in with_abstract]}), lid)
            store.finish_load(lid, rows_read=0, rows_loaded=0, rows_quarantined=0, outputs={})
        map_technology(store, taxonomy)
        got = {(r["patent_id"], r["product"]): (r["evidence"], r["matches"])
               for r in store.rows("SELECT * FROM patent_products WHERE via = 'keyword'")}
    assert got == {
        ("9200001", "power"): ("charging", 3),  # wireless charging, charging, coil
        ("9200001", "radio"): ("wireless", 1),
        ("9200002", "radio"): ("short range link", 2),  # and wireless
        ("9200003", "power"): ("charging", 1),
        ("9200003", "radio"): ("wireless", 1),
        ("9200003", "phones"): ("handset", 2),  # and wireless handset
        ("9200005", "power"): ("charging", 1),  # "wireless" ends the title: no phrase
        ("9200005", "radio"): ("wireless", 1),
        ("9200006", "power"): ("charging", 3),
        ("9200006", "radio"): ("wireless", 1),
        ("9200007", "phones"): ("handset", 1),
    }
