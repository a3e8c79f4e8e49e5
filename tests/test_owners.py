"""Owners: name normalisation and resolution on real benchmark spellings, conveyance
classification, ownership periods on the real assignment sample, groups, CLI."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warchest import load_assignments
from warchest.cli import app
from warchest.errors import WarchestError
from warchest.owners import (
    Resolution,
    UnknownEntity,
    add_override,
    classify_conveyance,
    cluster_names_file,
    find_owners,
    import_groups,
    normalise_name,
    portfolio,
    resolve_names,
    resolve_owners,
    show_owner,
)
from warchest.owners import owner_on as owner_on_date
from warchest.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "owners"
D = dt.date.fromisoformat


@pytest.mark.parametrize(("raw", "key"), [
    ("Toyota Jidosha Kabushiki Kaisha", "TOYOTA JIDOSHA"),
    ("Toyota Jidosha K.K.", "TOYOTA JIDOSHA"),
    ("Kabushiki Kaisha Toshiba", "TOSHIBA"),  # legal form first
    ("The Boeing Company, a corporation of Delaware", "BOEING"),
    ("Boehringer Ingelheim Pharma GmbH & Co. KG", "BOEHRINGER INGELHEIM PHARMA"),  # repeated
    ("S.N.E.C.M.A.", "SNECMA"),  # dotted acronym joined
    ("Centre National de la Recherche Scientifique (CNRS)",
     "CENTER NATIONAL DE LA RECHERCHE SCIENTIFIQUE"),  # its own acronym dropped
    # a regional company keeps its region (a company of the group, not the parent itself)
    ("Matsushita Electric Corporation of America", "MATSUSHITA ELECTRIC OF AMERICA"),
    # a state, as a country: Public Service Company of New Mexico and of Colorado are two
    ("Public Service Company of New Mexico", "PUBLIC SERVICE OF NEW MEXICO"),
    ("Max-Planck-Gesellschaft zur Förderung der Wissenschaften e.V.",
     "MAX PLANCK GESELLSCHAFT ZUR FORDERUNG DER WISSENSCHAFTEN"),
    ("Max-Planck-Institute fÃƒÂ¼r Mikrostrukturphysik",  # doubly mis-decoded UTF-8
     "MAX PLANCK INSTITUTE FUR MIKROSTRUKTURPHYSIK"),
    ("The United States of America as represented by the Secretary of the Navy",
     "GOVERNMENT US NAVY"),
    ("United States Department of Energy", "GOVERNMENT US ENERGY"),
    # a misspelt preamble and officer's title are still a government's
    ("The Unites Sates of America as respresented by the Secretray of the Navy",
     "GOVERNMENT US NAVY"),
    ("The United States of America as represented by the Secretary of",  # truncated
     "GOVERNMENT US"),
    ("Her Majesty the Queen in right of Canada as represented by the Minister of National "
     "Defence", "GOVERNMENT CANADA NATIONAL DEFENSE"),
    # a university's governing body is not part of its name; a truncated one stays as it is
    ("The Regents of the University of California", "UNIVERSITY OF CALIFORNIA"),
    ("Board of Regents, The University of Texas System", "UNIVERSITY OF TEXAS SYSTEM"),
    ("University of Texas System Board of Regents", "UNIVERSITY OF TEXAS SYSTEM"),
    ("Board of Trustees operating Michigan State University", "MICHIGAN STATE UNIVERSITY"),
    ("The Board of Trustees of the Leland Stanford Jr. University",
     "LELAND STANFORD JUNIOR UNIVERSITY"),
    ("The Regents of the University of", "REGENTS OF THE UNIVERSITY OF"),
    # a division or a university's office is a unit named after its company: kept (and
    # put in the company's group, see test_a_subsidiary_joins_the_parents_group...)
    ("North American Philips Corporation, Signetics Division",
     "NORTH AMERICAN PHILIPS CORPORATION SIGNETICS DIVISION"),
    ("The Regents of the University of California Office of Technology Transfer",
     "UNIVERSITY OF CALIFORNIA OFFICE OF TECHNOLOGY TRANSFER"),
    # AMER is a name (Amer Sports), and AMERICO not a misspelt AMERICA
    ("Amer & Co., Inc.", "AMER"),
    ("Americo Manufacturing Company, Inc.", "AMERICO MANUFACTURING"),
    # a party acting in a capacity is the same party
    ("U.S. Bank National Association, as Administrative Agent", "US BANK"),
    # a misspelt or lone legal-form word at the end
    ("Xerox Coporation", "XEROX"),
    ("Minolta Camera Kabushika Kaisha", "MINOLTA CAMERA"),
    ("The State of Oregon Acting by and through the State Board of Higher Education on "
     "Behalf of Oregon State University", "OREGON STATE UNIVERSITY"),
    ("Devon County Council CNT GB2 COD 17 ITX a part interest", "DEVON COUNTY COUNCIL"),
    ("GOOGLE INC.", "GOOGLE"),
    ("Google LLC", "GOOGLE"),
    ("Xiaomi Tech Co., Ltd.", "XIAOMI TECHNOLOGY"),  # the short form of Technology
    ("Xiaomi Technology Co Ltd", "XIAOMI TECHNOLOGY"),
])
def test_normalise_name(raw: str, key: str) -> None:
    assert normalise_name(raw) == key


def _variants() -> tuple[dict[str, list[str]], dict[str, int]]:
    by: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, int] = {}
    with (FIXTURES / "assignee_variants.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by[row["unique_id"]].append(row["organization"])
            counts[row["organization"]] = int(row["mentions"])
    return by, counts


def test_real_benchmark_spellings_merge_and_similar_companies_stay_apart() -> None:
    by, counts = _variants()
    res = resolve_names([n for names in by.values() for n in names], counts)
    entity = {cid: {res.entity(n) for n in names} for cid, names in by.items()}
    # spellings that must merge (examples named in the test's fixture README)
    for cid, must in (("3_5", ["Toyota Jidosha Kabushiki Kaisha", "Toyota Jidoshi Kabushiki "
                               "Kaisha", "Toyota Jidosha K.K.", "Toyota Jidosha Kabushikikaisha"]),
                      ("e59", ["International Business Machines Corporation",
                               "IBM Corporation", "International Business Machine Corp."]),
                      ("e1", ["UOP Inc.", "UOP LLC", "Uop LLC"]),
                      ("7_13", ["S.N.E.C.M.A.", "Societe Nationale d'Etude et de Construction "
                                "de Moteurs d'Aviation"])):
        assert len({res.entity(n) for n in must if n in by[cid]}) == 1, cid
        assert all(n in by[cid] for n in must), cid
    # a three-letter acronym joins its long name only where a raw name writes both: none
    # of the benchmark's UOP names does, so UOP and Universal Oil Products stay apart
    assert res.entity("UOP Inc.") != res.entity("Universal Oil Products Company")
    # different bodies with similar names never share a company or a group
    for a, b in (("X6_1", "X6_4"), ("e45", "3_13"), ("7_15", "7_8")):
        assert not entity[a] & entity[b], (a, b)
    for a, b in (("X6_1", "X6_4"), ("e45", "3_13")):
        assert not {res.group(n) for n in by[a]} & {res.group(n) for n in by[b]}, (a, b)
    # and the whole fixture is clustered without one impure company
    owner_of: dict[str, str] = {}
    for cid, names in by.items():
        for n in names:
            assert owner_of.setdefault(res.entity(n), cid) == cid, n


def _apart(res: Resolution, names: list[str]) -> None:
    """Each name is its own company and its own group."""
    assert len({res.entity(n) for n in names}) == len(names), names
    assert len({res.group(n) for n in names}) == len(names), names


def test_generic_heads_and_chains_stay_apart() -> None:
    # real assignee names (as printed on US patents) that the old transitive merging chained
    # into one owner through a generic or truncated head; mention counts make the generic
    # head the heaviest name of its words, as in a benchmark sampled by name prefix
    counts = {
        "General Electric Company": 24000, "General Motors Corporation": 9000,
        "General Mills, Inc.": 300, "General Dynamics Corporation": 240,
        "The General Hospital Corporation": 700, "General Instrument Corporation": 500,
        "General Inc.": 3,
        "Universal Oil Products Company": 230, "Universal Display Corporation": 400,
        "Universal Inc.": 5, "Universal City Studios, Inc.": 30,
        "The Eastern Company": 131, "Eastern Acoustic Works, Inc.": 5,
        "Eastern Air Devices, Inc.": 3, "Kabushiki Kaisha Eastern": 3,
        "Genesis Microchip Inc.": 35, "Genesis Health Ventures, Inc.": 4, "Genesis Inc.": 2,
        "Amersham International plc": 60, "Amersham Pharmacia Biotech UK Limited": 40,
        "Amersham Biosciences Corp": 4,
        "The United States of America as represented by the Secretary of the Navy": 9000,
        "The United States of America as represented by the Secretary of the Army": 5000,
        "The United States of America as represented by the Secretary of the Air Force": 3400,
        "The United States of America as represented by the Department of Energy": 4300,
        "The United States of America as represented by the Secretary of Agriculture": 800,
        "The United States of America as represented by the Secretary of": 7,
        "United States of America": 4,
        "The Regents of the University of California": 4400,
        "The Regents of the University of Michigan": 750,
        "Regents of the University of Minnesota": 740,
        "Board of Trustees of the University of Illinois": 390,
        "The Board of Trustees of the Leland Stanford Junior University": 1200,
        "The Regents of the University of": 3, "Board of Trustees of the University of": 2,
        "Northeastern University": 60, "Northwestern University": 400,
        "University of Washington": 700, "Washington University": 500,
    }
    res = resolve_names(list(counts), counts)
    _apart(res, [n for n in counts if n.startswith(("General", "The General"))])
    _apart(res, [n for n in counts if n.startswith("Universal")])
    # "Kabushiki Kaisha Eastern" is "EASTERN" as The Eastern Company is: one name key
    _apart(res, ["The Eastern Company", "Eastern Acoustic Works, Inc.",
                 "Eastern Air Devices, Inc."])
    _apart(res, [n for n in counts if n.startswith("Genesis")])
    _apart(res, [n for n in counts if n.startswith("Amersham")])
    _apart(res, [n for n in counts if "United States" in n])
    _apart(res, [n for n in counts if "University of" in n or "Stanford" in n])
    _apart(res, ["Northeastern University", "Northwestern University",
                 "University of Washington", "Washington University"])


def test_odd_names_neither_crash_nor_collapse() -> None:
    # names in another script keep their letters: two Chinese companies are two keys
    assert normalise_name("北京小米科技有限责任公司 Co., Ltd.") == "北京小米科技有限责任公司"
    assert normalise_name("上海华为 Co., Ltd.") == "上海华为"
    # a two-letter country code after the legal form is a note, as a country's name is
    assert normalise_name("Samsung Electronics Co., Ltd. (KR)") == "SAMSUNG ELECTRONICS"
    # many brackets: no recursion without end
    assert normalise_name("A (b) " * 600) == "AB" * 600  # single letters joined, as U S A
    # one word of a thousand letters is matched exactly, quickly
    res = resolve_names(["X" * 1000 + " Inc.", "X" * 999 + "Y Inc."])
    assert len(set(res.entity_of_key.values())) == 2
    # surnames a letter apart, and a one-word name and its adjective, stay apart
    for a, b in (("Clark Equipment Company", "Clarke Equipment Company"),
                 ("Logic Inc.", "Logical Inc.")):
        res = resolve_names([a, b])
        assert res.entity(a) != res.entity(b), (a, b)


def test_generic_institutions_and_truncated_governments_head_no_group() -> None:
    counts = {"Technical University": 1, "Technical University Munich": 50,
              "Technical University Berlin": 50, "Technical University Dresden": 50,
              "The United States of America as represented by the Secretary of": 900,
              "The United States of America as represented by the Secretary of the Navy":
                  500,
              "The United States of America as represented by the Secretary of the Army":
                  400,
              "National Institute": 100,
              "National Institute of Standards and Technology": 60}
    res = resolve_names(list(counts), counts)
    assert res.parent_of == {}


def test_a_cycle_of_corporate_relations_is_refused(sample_store_path: Path,
                                                   tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "s.duckdb"
    shutil.copy(sample_store_path, path)
    with Store(path) as store:
        # Samsung Display Devices is under Samsung Display by name; a relation putting
        # Samsung Display under Samsung Display Devices would close a cycle
        add_override(store, "parent", "Samsung Display Co., Ltd.",
                     "Samsung Display Devices Co., Ltd.")
        report = resolve_owners(store)
        assert report.unmatched_relations == [
            "'Samsung Display Co., Ltd.' -> 'Samsung Display Devices Co., Ltd.' (would make "
            "a cycle)"]
        tops = store.rows("SELECT DISTINCT ultimate_entity_id FROM owner_entities WHERE "
                          "name IN ('Samsung Display Co., Ltd.', "
                          "'Samsung Display Devices Co., Ltd.')")
        assert len(tops) == 1


def test_real_variants_of_one_company_join() -> None:
    # typos, legal forms, word order, THE, inflections, a misspelt preamble
    for names in (
        ["Hughes Aircraft Company", "Hughes Aircraft Co.", "Hughes Aircarft Company",
         "Highes Aircraft Company", "The Hughes Aircraft Company"],
        ["Lucent Technologies Inc.", "Lucent Technology Inc.", "Lucent Techologies Inc."],
        ["Board of Regents, The University of Texas System",
         "University of Texas System Board of Regents",
         "The Board of Regents, Univeristy of Texas System"],
        ["American Cyanamid Company", "America Cyanamid Company", "American Cynamid Company"],
        ["The United States of America as represented by the Secretary of the Navy",
         "The Unites States of America as represented by the Secretary of the Navy",
         "The United Sates of America as represented by the Secretary of the Navy",
         "United States of America as represented by the Secretary of the Navy"],
        ["Eastman Kodak Company", "Eastman Kodak Co.", "Eastman Kokak Company"],
    ):
        counts = {n: 100 if i == 0 else 1 for i, n in enumerate(names)}
        res = resolve_names(names, counts)
        assert len({res.entity(n) for n in names}) == 1, names
        assert all(link.rule in ("same words", "spelling") for link in res.links), res.links


def test_a_subsidiary_joins_the_parents_group_and_not_its_company() -> None:
    counts = {
        "Eastman Chemical Company": 900, "Eastman Chemical Resins Inc.": 10,
        "Honeywell Inc.": 3000, "Honeywell Information Systems Inc.": 400,
        "Hoechst Aktiengesellschaft": 4000, "American Hoechst Corporation": 230,
        "University of Kentucky": 20, "University of Kentucky Research Foundation": 290,
        "State University of New York": 30,
        "The Research Foundation of State University of New York": 600,
        "Motorola, Inc.": 20000, "Motorola Lighting, Inc.": 30,
        "Max-Planck-Gesellschaft zur Forderung der Wissenschaften e.V.": 376,
        "Max-Planck-Gesellschaft": 13,
        "General Dynamics Corporation": 240,
        "General Dynamics Corporation, Convair Division": 38,
        "Pomona Division of General Dynamics Corporation": 5,
        "The Regents of the University of California": 4400,
        "The Regents of the University of California, Office of Technology Transfer": 53,
    }
    res = resolve_names(list(counts), counts)
    for child, parent, rule in (
            ("Eastman Chemical Resins Inc.", "Eastman Chemical Company", "extension"),
            ("Honeywell Information Systems Inc.", "Honeywell Inc.", "extension"),
            ("American Hoechst Corporation", "Hoechst Aktiengesellschaft", "regional"),
            ("University of Kentucky Research Foundation", "University of Kentucky",
             "extension"),
            ("The Research Foundation of State University of New York",
             "State University of New York", "affiliate"),
            ("Max-Planck-Gesellschaft",
             "Max-Planck-Gesellschaft zur Forderung der Wissenschaften e.V.", "truncated"),
            ("General Dynamics Corporation, Convair Division", "General Dynamics Corporation",
             "extension"),
            ("Pomona Division of General Dynamics Corporation",
             "General Dynamics Corporation", "affiliate"),
            ("The Regents of the University of California, Office of Technology Transfer",
             "The Regents of the University of California", "extension")):
        assert res.entity(child) != res.entity(parent), child
        assert res.group(child) == res.entity(parent), child
        assert res.parent_of[res.entity(child)].rule == rule, child
    # MOTOROLA is a common word of the lexicon, like GENERAL or EASTERN: a one-word name
    # that is a word is nobody's parent by name (a groups file says Motorola's tree)
    assert res.entity("Motorola Lighting, Inc.") != res.entity("Motorola, Inc.")
    assert res.group("Motorola Lighting, Inc.") == res.entity("Motorola Lighting, Inc.")


def test_every_merge_has_a_reason() -> None:
    # a one-word name is distinctive enough to head a group once several mentions use it
    res = resolve_names(["IBM Corp.", "International Business Machines Corporation",
                         "International Business Machines Corp. (IBM)", "UOP Inc.",
                         "Universal Oil Products Company", "UOP LLC", "Honeywell Inc.",
                         "Honeywell International Inc."],
                        counts={"Honeywell Inc.": 3})
    details = {(link.a, link.b): (link.rule, link.detail) for link in res.links}
    assert details[("IBM", "INTERNATIONAL BUSINESS MACHINES")] == (
        "acronym", "'IBM' = 'INTERNATIONAL BUSINESS MACHINES', written together in "
        "'International Business Machines Corp. (IBM)'")
    assert res.entity("UOP Inc.") != res.entity("Universal Oil Products Company")
    parent = res.parent_of[res.entity("Honeywell International Inc.")]
    assert (parent.parent, parent.rule) == (res.entity("Honeywell Inc."), "extension")
    assert parent.detail == "'HONEYWELL' followed by 'INTERNATIONAL'"
    # UOP Inc. and UOP LLC share the key UOP: no link needed
    assert res.entity("UOP Inc.") == res.entity("UOP LLC")


def test_co_assignees_and_countries_block_fuzzy_merges() -> None:
    names = ["Acme Widgets Corporation", "Acme Widget Corporation"]
    assert len({resolve_names(names).entity(n) for n in names}) == 1
    apart = resolve_names(names, co_assigned=[(names[0], names[1])])
    assert apart.entity(names[0]) != apart.entity(names[1])
    countries = {names[0]: {"US"}, names[1]: {"JP"}}
    apart = resolve_names(names, countries=countries)
    assert apart.entity(names[0]) != apart.entity(names[1])


@pytest.mark.parametrize(("text", "kind", "moves"), [
    ("ASSIGNMENT OF ASSIGNORS INTEREST (SEE DOCUMENT FOR DETAILS).", "assignment", True),
    ("SECURITY INTEREST (SEE DOCUMENT FOR DETAILS).", "security interest", False),
    ("TERMINATION AND RELEASE OF PATENT SECURITY AGREEMENT RECORDED AT REEL 048818/FRAME 0520",
     "release", False),
    ("RELEASE BY SECURED PARTY (SEE DOCUMENT FOR DETAILS).", "release", False),
    ("ASSIGNMENT OF PATENT SECURITY INTEREST RECORDED AT REEL/FRAME 048811/0679",
     "security interest", False),
    ("NUNC PRO TUNC ASSIGNMENT (SEE DOCUMENT FOR DETAILS).", "nunc pro tunc", True),
    ("MERGER (SEE DOCUMENT FOR DETAILS).", "merger", True),
    ("CHANGE OF NAME (SEE DOCUMENT FOR DETAILS).", "change of name", True),
    ("CORRECTIVE ASSIGNMENT TO CORRECT THE ASSIGNEE NAME PREVIOUSLY RECORDED ON REEL 049552 "
     "FRAME 0991.", "corrective", True),
    ("ASSIGNEE ADDRESS CHANGE", "address change", False),
    ("CONFIRMATORY LICENSE (SEE DOCUMENT FOR DETAILS).", "government interest", False),
    ("EXCLUSIVE LICENSE", "licence", False),
])
def test_classify_real_conveyance_texts(text: str, kind: str, moves: bool) -> None:
    assert classify_conveyance(text) == (kind, moves)


@pytest.fixture(scope="module")
def owned(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The real assignment sample, loaded and resolved (module-wide, read by the tests)."""
    from warchest.demo import sample_path

    path = tmp_path_factory.mktemp("owners") / "owners.duckdb"
    store = Store(path)
    load_assignments(store, [sample_path("assignments")])
    resolve_owners(store)
    return store


def test_merger_chain_in_the_real_sample(owned: Store) -> None:
    # 8682883: PREDICTIX, LLC merged into LOGICBLOX-PREDICTIX ACQUISITIONCO (43053-871),
    # which merged into LOGICBLOX-PREDICTIX MIDCO (43054-290); both executed 2016-12-23
    # and recorded 2017-07-20, so the reel-frame order decides and both carry a note.
    before = owner_on_date(owned, "8682883", D("2016-12-22"))
    assert before == []  # the owner at grant is not in an assignments-only store
    after = owner_on_date(owned, "8682883", D("2017-01-01"))
    assert [(r["owner_name"], r["via"], r["via_rf_id"]) for r in after] == [
        ("LOGICBLOX-PREDICTIX MIDCO, LLC", "merger", "43054-290")]
    assert after[0]["note"].startswith("several transfers recorded with this date")


def test_nunc_pro_tunc_takes_effect_on_its_execution_date(owned: Store) -> None:
    # 18247-405: REALTIME DATA COMPRESSION SYSTEMS, INC. -> REALTIME DATA LLC, executed and
    # recorded 2006-09-14. 6195024 was granted 2001-02-27: the record moves it that day.
    rows = owner_on_date(owned, "6195024", D("2006-09-14"))
    assert [(r["owner_name"], r["via"]) for r in rows] == [("REALTIME DATA LLC",
                                                            "nunc pro tunc")]
    assert owner_on_date(owned, "6195024", D("2006-09-13")) == []
    # 7130913 of the same record was granted later (2006-10-31): with no assignee of the
    # grant in the store, the pre-grant record names its owner from the grant date
    rows = owner_on_date(owned, "7130913", D("2006-10-31"))
    assert [(r["owner_name"], str(r["start_date"])) for r in rows] == [
        ("REALTIME DATA LLC", "2006-10-31")]


def test_security_interests_and_releases_never_move_ownership(owned: Store) -> None:
    # 10232332: inventors -> US WELL SERVICES, LLC. (40023-6), then eleven security
    # interests and releases from 2019 to 2024; the owner stays the same entity throughout
    ids = {owner_on_date(owned, "10232332", D(day))[0]["entity_id"]
           for day in ("2019-03-20", "2019-06-01", "2022-12-31", "2024-06-01")}
    assert len(ids) == 1
    kinds = owned.rows("SELECT kind, moves_ownership FROM ownership_events "
                       "WHERE patent_id = '10232332' GROUP BY ALL ORDER BY kind")
    assert kinds == [{"kind": "assignment", "moves_ownership": True},
                     {"kind": "release", "moves_ownership": False},
                     {"kind": "security interest", "moves_ownership": False}]
    # open liens on 2019-06-01: of five security interests, 48818-520 and 49342-819 (U.S.
    # Bank) were released by 49109-610 and 48041-605 (Piper Jaffray) by 49110-319, all on
    # 2019-05-07; 49107-392 (CLMG) and 49111-583 (Bank of America) were still open
    held = portfolio(owned, "US WELL SERVICES, LLC.", as_of=D("2019-06-01"))
    row = next(r for r in held.patents if r.patent_id == "10232332")
    assert (row.open_liens, row.lien_rf_ids) == (2, "49107-392, 49111-583")


def test_recorded_change_of_name_links_the_two_names(owned: Store) -> None:
    # 36408-10: ISCIENCE INTERVENTIONAL CORPORATION changed its name to ISCI HOLDINGS INC.
    info = show_owner(owned, "ISCI HOLDINGS INC.")
    names = {v.raw_name for v in info.variants}
    assert {"ISCIENCE INTERVENTIONAL CORPORATION", "ISCI HOLDINGS INC."} <= names
    assert any(link["rule"] == "change of name" and "36408-10" in link["detail"]
               for link in info.links)


def test_pre_grant_assignment_counts_when_the_grant_owner_is_unknown(owned: Store) -> None:
    # 10148692 (granted 2018-12-04): inventors -> GOOGLE INC. executed 2018-07-02
    rows = owner_on_date(owned, "10148692", D("2018-12-04"))
    assert [(r["owner_name"], str(r["start_date"])) for r in rows] == [
        ("GOOGLE INC.", "2018-12-04")]
    assert owner_on_date(owned, "10148692", D("2018-12-03")) == []


def test_unknown_company_gets_closest_candidates(owned: Store) -> None:
    with pytest.raises(UnknownEntity) as exc:
        portfolio(owned, "Realtime Dta")
    assert "Closest: REALTIME DATA" in str(exc.value)
    found = find_owners(owned, "logicblox")
    assert found.exact and "LOGICBLOX" in found.matches[0].name


def test_resolving_twice_gives_the_same_rows(owned: Store) -> None:
    query = "SELECT count(*), count(DISTINCT entity_id) FROM owner_names"
    first = owned.rows(query)
    periods = owned.scalar("SELECT count(*) FROM ownership")
    resolve_owners(owned)
    assert owned.rows(query) == first
    assert owned.scalar("SELECT count(*) FROM ownership") == periods


def test_overrides_win_and_groups_files_build_the_tree(sample_store_path: Path,
                                                       tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "s.duckdb"
    shutil.copy(sample_store_path, path)
    with Store(path) as store:
        report = resolve_owners(store)
        assert report.entities > 100
        samsung = show_owner(store, "Samsung Electronics Co. Ltd.").entity_id
        display = show_owner(store, "Samsung Display Co., Ltd.").entity_id
        assert samsung != display
        assert import_groups(store, FIXTURES / "groups.csv") == 2
        report = resolve_owners(store)
        assert report.unmatched_relations == ["'No Such Company Ltd.' (no entity with this name)"]
        assert show_owner(store, display).parents[0]["parent_entity_id"] == samsung
        # GLEIF: Samsung SDI's direct parent; the inactive relation is skipped
        assert import_groups(store, FIXTURES / "gleif_rr.csv", [FIXTURES / "gleif_lei.csv"]) == 1
        resolve_owners(store)
        children = {c["child_name"] for c in show_owner(store, samsung).children}
        assert children == {"Samsung Display Co., Ltd.", "Samsung SDI Co., Ltd."}
        group = portfolio(store, samsung, as_of=D("2026-01-01"), group=True)
        # Samsung Display Devices (the old name of Samsung SDI, which names cannot tell)
        # is under Samsung Display by name: SAMSUNG DISPLAY followed by DEVICES
        devices = show_owner(store, "Samsung Display Devices Co., Ltd.")
        assert devices.parents[0]["parent_entity_id"] == display
        assert devices.parents[0]["source"] == "name (extension)"
        assert set(group.members) == {samsung, display, devices.entity_id,
                                         show_owner(store, "Samsung SDI Co., Ltd.").entity_id}
        # the group's patents are its companies' patents, each counted once: Samsung
        # Electronics 191 (95 patents whose raw assignee row names it, 96 more named only
        # by PatentsView's disambiguated table), Display 3, Display Devices 2, SDI 2
        each = {m: len(portfolio(store, m, as_of=D("2026-01-01")).patents)
                for m in group.members}
        assert each[samsung] == 191 and sorted(each.values()) == [2, 2, 3, 191]
        assert len(group.patents) == sum(each.values())
        # a user's merge and split
        add_override(store, "merge", "Samsung SDI Co., Ltd.", "Samsung Electronics Co. Ltd.")
        resolve_owners(store)
        assert show_owner(store, "Samsung SDI Co., Ltd.").entity_id == samsung
        add_override(store, "split", "SAMSUNG SDI CO., LTD.")  # a later split undoes it
        resolve_owners(store)
        assert show_owner(store, "Samsung SDI Co., Ltd.").entity_id != samsung
        with pytest.raises(WarchestError, match="unknown override action 'join'"):
            add_override(store, "join", "a", "b")


def test_cluster_command_writes_entities(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    counts = cluster_names_file(FIXTURES / "assignee_variants.csv", out)
    assert counts.mentions == 466
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["mention_id", "entity_id", "entity_name"]
    assert len(rows) == 466
    # the fixture's 466 spellings of ten true companies, one mention each: 86 companies
    # (typos of short words and unwritten acronyms stay apart), 55 groups
    assert counts.entities == 86
    group = cluster_names_file(FIXTURES / "assignee_variants.csv", out, "group")
    assert group.entities == 55
    result = CliRunner().invoke(app, ["owners", "cluster", str(FIXTURES / "assignee_variants.csv"),
                                      "--out", str(out), "--level", "groups"])
    assert result.exit_code == 1
    assert "unknown level 'groups'; use one of company, group" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,Acme\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["owners", "cluster", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "needs the columns mention_id and organization" in result.stderr


def test_cli_resolve_portfolio_and_find(tmp_path: Path) -> None:
    from warchest.demo import sample_path

    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    env = {"COLUMNS": "200", "WARCHEST_DB": ""}

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(app, [*args, "--db", db], env=env)
        return result.exit_code, result.stdout, result.stderr

    assert run("load", "assignments", str(sample_path("assignments")))[0] == 0
    code, out, _ = run("owners", "resolve")
    assert code == 0 and "ownership events" in out and "security interest 3,053" in out
    code, out, err = run("portfolio", "REALTIME DATA LLC", "--as-of", "2010-01-01")
    assert code == 0, err
    assert "owns 5 patents on 2010-01-01 (5 by nunc pro tunc)" in out  # 18247-405
    code, _, err = run("portfolio", "x", "--as-of", "2010-13-01")
    assert code == 1 and "'2010-13-01' is not a date" in err
    code, out, _ = run("owners", "find", "predictix")
    assert code == 0 and "LOGICBLOX-PREDICTIX" in out


@pytest.fixture(scope="module")
def world23(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20,000-patent SYNTHETIC smartphone-expansion world (seed 23)."""
    from warchest.synth import generate_world

    world = tmp_path_factory.mktemp("world23") / "world"
    generate_world(world, 20_000, 23, "smartphone-expansion")
    return world


def test_owners_on_dates_agree_with_a_synthetic_worlds_truth(world23: Path,
                                                              tmp_path: Path) -> None:
    # 196 checks around planted sales, 24 around mergers, 3 sales and 1 merger executed
    # before the grant, a change of name, 198 around security interests and releases; every
    # one must give the truth's owner (warchest.synth.check)
    from warchest import load_patentsview
    from warchest.synth.check import check_ownership

    with Store(tmp_path / "w.duckdb") as store:
        load_patentsview(store, [world23 / "patentsview"])
        load_assignments(store, [world23 / "assignments"])
        resolve_owners(store)
        result = check_ownership(store, world23)
    counts = result["counts"]
    kinds = {k.rsplit(".", 1)[0] for k in counts}
    assert {"sale", "merger", "sale before grant", "name_change", "security",
            "release"} <= kinds
    for kind in kinds - {"world_date"}:
        assert counts[kind + ".checked"] > 0
        assert counts[kind + ".company"] == counts[kind + ".checked"], (kind, result)
    assert result["bank_owned_periods"] == 0
    # on the world date every patent's owner is the truth's, at the company level (the
    # subsidiaries named after their parents, "X America, Inc.", are companies of their
    # own) and at the group level
    assert counts["world_date.checked"] == 20_000
    assert counts["world_date.group"] == counts["world_date.company"] == 20_000


def _owners_from(world: Path, drop: str, db: Path) -> tuple[dict[str, str], Store]:
    """Group owner of each patent on the world date, from a store loaded without ``drop``."""
    import json

    from warchest import load_patentsview

    folder = db.parent / f"pv-without-{drop}"
    folder.mkdir()
    for f in (world / "patentsview").iterdir():
        if f.name != drop:
            (folder / f.name).symlink_to(f)
    store = Store(db)
    load_patentsview(store, [folder])
    load_assignments(store, [world / "assignments"])
    resolve_owners(store)
    day = json.loads((world / "truth" / "stats.json").read_text())["scenario"]["as_of"]
    rows = store.rows("""
        SELECT o.patent_id, e.ultimate_entity_id FROM ownership o
        JOIN owner_entities e ON e.entity_id = o.entity_id
        WHERE o.start_date <= CAST(? AS DATE)
          AND (o.end_date IS NULL OR o.end_date > CAST(? AS DATE))""", [day, day])
    return {r["patent_id"]: r["ultimate_entity_id"] for r in rows}, store


def test_disambiguated_assignees_alone_give_the_same_portfolios(world23: Path,
                                                                tmp_path: Path) -> None:
    # the same world loaded once with PatentsView's raw assignee table only and once with
    # its disambiguated table only: the owners at grant come from whichever is there
    raw, raw_store = _owners_from(world23, "g_assignee_disambiguated.tsv",
                                  tmp_path / "raw.duckdb")
    pv, pv_store = _owners_from(world23, "g_assignee_not_disambiguated.tsv",
                                tmp_path / "pv.duckdb")
    with raw_store, pv_store:
        assert raw_store.scalar("SELECT count(*) FROM assignees_disambiguated") == 0
        assert pv_store.scalar("SELECT count(*) FROM assignees") == 0
        assert len(raw) == len(pv) == 17_621
        same = sum(raw[p] == pv.get(p) for p in raw)
        # the 86 others are patents whose raw spelling is a two-letter abbreviation ("PL
        # Corporation" for Ponteon Labs: 9 patents, the most of any) or a typo in a word
        # of four letters (LLABS for LABS, VRMI for VRIM), which PatentsView's table has
        # merged into the canonical name and the resolver keeps apart
        assert same == 17_535
        differ = Counter(raw[p] for p in raw if raw[p] != pv.get(p))
        assert max(differ.values()) == 9
        assert raw_store.scalar("SELECT name FROM owner_entities WHERE entity_id = ?",
                                [differ.most_common(1)[0][0]]) == "PL Corporation"


def test_patentsview_ids_are_evidence_and_disagreements_are_shown(tmp_path: Path) -> None:
    # hand-written PatentsView tables (fixtures/owners/README.md): raw spellings with the
    # disambiguated row of the same patent and sequence
    from warchest import load_patentsview

    with Store(tmp_path / "pv.duckdb") as store:
        load_patentsview(store, [FIXTURES / "pv_evidence"])
        report = resolve_owners(store)
        assert report.sources == {"assignees": 8, "assignees_disambiguated": 1,
                                  "reassignment parties": 0}
        # Hughes: the typo joins the company; PatentsView gives it its own id; patent
        # 9000009, named only by the disambiguated table, is Hughes's too
        hughes = show_owner(store, "Hughes Aircraft Company")
        assert {v.raw_name for v in hughes.variants} == {"Hughes Aircraft Company",
                                                          "Hughes Aircarft Company"}
        assert hughes.patents_at_grant == 4
        assert [(r["source_id"], r["mentions"]) for r in hughes.source_ids] == [
            ("pv-hughes", 3), ("pv-hughes-typo", 1)]
        assert list(hughes.disagreements) == [
            "PatentsView assignee_id: 2 ids for this company's names, where warchest has one "
            "company: pv-hughes (Hughes Aircraft Company); pv-hughes-typo (Hughes Aircarft "
            "Company)"]
        # Honeywell Inc. is a company of its own (in Honeywell International's group: its
        # name is the start of the other's); PatentsView gives both one id
        intl = show_owner(store, "Honeywell International Inc.")
        inc = show_owner(store, "Honeywell Inc.").entity_id
        assert list(intl.disagreements) == [
            f"PatentsView assignee_id pv-honeywell also covers Honeywell Inc. ({inc}, in the "
            "same group, 1 mentions), a company warchest keeps apart"]
        # NIDEC and NIDEK: two companies, as PatentsView says
        nidek = show_owner(store, "NIDEK CO., LTD.")
        assert nidek.entity_id != show_owner(store, "NIDEC CORPORATION").entity_id
        assert nidek.disagreements == ()
    result = CliRunner().invoke(app, ["owners", "show", "Hughes Aircraft Company", "--db",
                                      str(tmp_path / "pv.duckdb")], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "disagrees: PatentsView assignee_id: 2 ids for this company's names" in result.stdout
