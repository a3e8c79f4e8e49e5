"""A SYNTHETIC known-answer deal world: threats that cite blocks of a seller's patents.

The deal engine should buy the patents each threat's own products build on. This world
plants exactly that, in the real bulk formats, inside an optional background world of the
ordinary generator (``warchest synth --scenario patent-blocks``):

- a **buyer** (25 patents, phones) whose patents cite the threats' patents (so each threat
  can assert against it);
- three **threats** (600 patents each) in three technologies: cellular radio access, video
  coding and streaming (H04N19, H04N21), semiconductor devices;
- a **seller** (2,000 patents). Each threat's own patents cite one **block** of 60 seller
  patents, about 40 citations per block patent (half added by the examiner) within five
  years of its grant. Per block: 8 patents expired by age, 4 lapsed for an unpaid
  maintenance fee (``EXP.``), 10 sold to another company before the date, 10 under an
  open security interest (still the seller's: eligible when encumbered patents are
  allowed), 28 plain. The seller's other 1,820 patents are **decoys** in the same CPC
  groups with the same words, cited by other firms (most once or not at all, a tenth
  5-15 times) but by no threat;
- **other firms** (500 patents, more at small sizes) that cite the threats and the decoys.

Files go into ``blocks/`` subfolders of the world's ``patentsview``, ``assignments`` and
``maintfee`` folders (the loaders read folders recursively), with patent numbers from
13,000,001 and reel numbers from 90,000 so they never meet the background's. The answer is
in ``truth/blocks.csv`` (every block patent with its threat and status) and
``truth/blocks.json`` (the names and the expected package); ``block_scenario`` writes the
deal scenario that asks for it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml

AS_OF = dt.date(2025, 12, 31)
DATA_END = dt.date(2025, 12, 30)
FIRST_NUMBER = 13_000_001
FIRST_REEL = 90_000
BUYER = "Aubergine Mobile Co., Ltd."
SELLER = "Pellworth Patent Holdings LLC"
BUYER_OF_SOLD = "Brightwater IP Licensing LLC"
BANK = "Harbor Trust Bank, N.A."
OTHERS = ("Calloway Devices Inc.", "Mirabeau Telecom S.A.", "Okonkwo Systems Ltd.",
          "Dravic Imaging GmbH", "Sunderby Circuits AB")
BLOCK = 60
BLOCK_STATUS = (("expired", 8), ("lapsed", 4), ("sold", 10), ("security_interest", 10),
                ("plain", 28))
ELIGIBLE = ("plain", "security_interest")
PLANTED = {"buyer": 25, "seller": 2000, "threat": 600, "others": 500}
CITES_PER_BLOCK_PATENT = 40
PACKAGE = 90
VERSION = 2
"""Bumped whenever the planted world changes (kept worlds of another version are redone)."""


THREATS: tuple[dict[str, Any], ...] = (
    {"name": "Kestrel Radio Systems AG", "area": "radio access",
     "cpc": ("H04W72/0446", "H04W72/1263", "H04L5/0053", "H04W74/0833", "H04L1/1812",
             "H04W72/23"),
     "words": ("downlink control channel", "resource block allocation", "uplink grant",
               "random access preamble", "hybrid automatic repeat request",
               "user equipment scheduling")},
    {"name": "Lumaview Codec Corporation", "area": "video coding",
     "cpc": ("H04N19/70", "H04N19/176", "H04N19/105", "H04N21/2343", "H04N21/4402",
             "H04N19/52"),
     "words": ("coding unit partition", "motion vector prediction", "entropy coding",
               "adaptive bitrate stream", "intra prediction mode", "transform coefficient")},
    {"name": "Terrasil Semiconductor K.K.", "area": "semiconductor devices",
     "cpc": ("H01L21/76898", "H01L29/7851", "H01L23/5226", "H01L21/0337", "H01L27/0924",
             "H10B43/27"),
     "words": ("fin field effect transistor", "through silicon via", "gate dielectric",
               "interconnect layer", "spacer patterning", "memory cell stack")},
)
BUYER_CPC = ("H04M1/72403", "G06F3/0416", "H04W52/0251", "H04N23/63", "H04M1/0266")
BUYER_WORDS = ("mobile terminal housing", "touch panel controller", "battery saving mode",
               "camera module", "folding display")


def _day(d: dt.date) -> int:
    return d.toordinal()


def _iso(day: int) -> str:
    return dt.date.fromordinal(int(day)).isoformat()


def _compact(day: int) -> str:
    return dt.date.fromordinal(int(day)).strftime("%Y%m%d")


class _Patents:
    """The planted patents, as parallel lists."""

    def __init__(self) -> None:
        self.owner: list[str] = []
        self.role: list[str] = []
        self.area: list[int] = []  # threat technology index, -1: the buyer's phones
        self.filing: list[int] = []
        self.grant: list[int] = []

    def add(self, owner: str, role: str, area: int, filing: int, grant: int) -> int:
        self.owner.append(owner)
        self.role.append(role)
        self.area.append(area)
        self.filing.append(filing)
        self.grant.append(grant)
        return len(self.owner) - 1

    def number(self, i: int) -> str:
        return str(FIRST_NUMBER + i)


def _dates(rng: np.random.Generator, lo: dt.date, hi: dt.date, n: int) -> tuple[
        np.ndarray, np.ndarray]:
    """Filing and grant days: filing uniform in [lo, hi], grant 1.5-3.5 years later
    (on a Tuesday, as US grants are)."""
    filing = rng.integers(_day(lo), _day(hi) + 1, n)
    grant = filing + rng.integers(550, 1280, n)
    grant += (1 - (grant % 7)) % 7  # ordinal % 7 == 1 is a Tuesday
    return filing, grant


def write_block_world(world: Path, seed: int = 7, others: int = PLANTED["others"],
                      buyer_cites: bool = True) -> dict[str, Any]:
    """Write the planted files into ``world`` (module docstring); returns the truth summary
    (also in truth/blocks.json). ``others``: the other firms' patents (at least 500);
    ``buyer_cites``: false for a buyer that cites no threat (then no threat can assert
    against it: the deal measures deterrence against the buyer's need)."""
    rng = np.random.default_rng([seed, 21])
    pts = _Patents()
    statuses: dict[int, tuple[int, str]] = {}  # block patent -> (threat, status)
    # the seller's blocks
    for t in range(len(THREATS)):
        kinds = [k for k, n in BLOCK_STATUS for _ in range(n)]
        for kind in kinds:
            if kind == "expired":
                f, g = _dates(rng, dt.date(2002, 1, 1), dt.date(2005, 6, 30), 1)
            else:
                f, g = _dates(rng, dt.date(2009, 1, 1), dt.date(2015, 6, 30), 1)
            statuses[pts.add(SELLER, "block", t, int(f[0]), int(g[0]))] = (t, kind)
    # the seller's decoys: the threats' CPC groups and words, no threat cites them
    decoys = PLANTED["seller"] - BLOCK * len(THREATS)
    f, g = _dates(rng, dt.date(2008, 1, 1), dt.date(2020, 12, 31), decoys)
    for k in range(decoys):
        pts.add(SELLER, "decoy", k % len(THREATS), int(f[k]), int(g[k]))
    # the threats
    for t, threat in enumerate(THREATS):
        f, g = _dates(rng, dt.date(2010, 1, 1), dt.date(2023, 3, 31), PLANTED["threat"])
        for k in range(PLANTED["threat"]):
            pts.add(threat["name"], "threat", t, int(f[k]), int(g[k]))
    f, g = _dates(rng, dt.date(2017, 1, 1), dt.date(2023, 3, 31), PLANTED["buyer"])
    for k in range(PLANTED["buyer"]):
        pts.add(BUYER, "buyer", -1, int(f[k]), int(g[k]))
    f, g = _dates(rng, dt.date(2006, 1, 1), dt.date(2023, 3, 31), others)
    for k in range(others):
        pts.add(OTHERS[k % len(OTHERS)], "other", k % len(THREATS), int(f[k]), int(g[k]))

    n = len(pts.owner)
    role = np.array(pts.role)
    area = np.array(pts.area)
    grant = np.array(pts.grant)
    cites: set[tuple[int, int, str]] = set()  # (citing, cited, category)

    def cite_from(cited: int, pool: np.ndarray, count: int, examiner_share: float) -> None:
        window = pool[(grant[pool] > grant[cited] + 30)
                      & (grant[pool] < grant[cited] + int(4.8 * 365.25))]
        if len(window) == 0:
            return
        for citing in rng.choice(window, min(count, len(window)), replace=False).tolist():
            kind = "cited by examiner" if rng.random() < examiner_share else \
                "cited by applicant"
            cites.add((int(citing), cited, kind))

    for t in range(len(THREATS)):
        threat_rows = np.flatnonzero((role == "threat") & (area == t))
        for b in np.flatnonzero((role == "block") & (area == t)).tolist():
            cite_from(b, threat_rows, CITES_PER_BLOCK_PATENT, 0.5)
    other_rows = np.flatnonzero(role == "other")
    for d in np.flatnonzero(role == "decoy").tolist():
        cited = rng.random() < 0.1  # a tenth well cited by other firms, the rest barely
        cite_from(d, other_rows, int(rng.integers(5, 16)) if cited else int(rng.poisson(1)),
                  0.3)
    buyer_rows = np.flatnonzero(role == "buyer")
    for p in np.flatnonzero(role == "threat").tolist():
        cite_from(p, other_rows, int(rng.poisson(2)), 0.3)
        if buyer_cites:
            cite_from(p, buyer_rows, int(rng.poisson(0.25)), 0.5)
    # every buyer patent cites at least one patent of each threat
    answered = {(citing, int(area[c])) for citing, c, _ in cites if role[c] == "threat"}
    for b in buyer_rows.tolist() if buyer_cites else []:
        for t in range(len(THREATS)):
            older = np.flatnonzero((role == "threat") & (area == t) & (grant < grant[b] - 30))
            if len(older) and (b, t) not in answered:
                cites.add((b, int(rng.choice(older)), "cited by applicant"))
    _write_patentsview(world / "patentsview" / "blocks", pts, rng, cites)
    sold, liens = _write_assignments(world / "assignments" / "blocks", pts, statuses, rng)
    _write_maintenance(world / "maintfee" / "blocks", pts, statuses)
    truth = world / "truth"
    truth.mkdir(parents=True, exist_ok=True)
    with (truth / "blocks.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["patent_id", "threat", "status", "eligible", "grant_date"])
        for i, (t, kind) in sorted(statuses.items()):
            w.writerow([pts.number(i), THREATS[t]["name"], kind,
                        int(kind in ELIGIBLE), _iso(pts.grant[i])])
    summary = {
        "synthetic": True, "version": VERSION, "seed": seed, "as_of": AS_OF.isoformat(),
        "buyer": BUYER, "seller": SELLER, "threats": [t["name"] for t in THREATS],
        "areas": [t["area"] for t in THREATS], "bought_sold_patents": BUYER_OF_SOLD,
        "secured_party": BANK, "patents": n, "citations": len(cites),
        "block_size": BLOCK, "statuses": dict(BLOCK_STATUS), "sales": sold,
        "security_interests": liens, "package": PACKAGE, "buyer_cites": buyer_cites,
        "expected": {"share_from_blocks_at_least": 0.9, "per_threat": [20, 40],
                     "expired_or_sold": 0}}
    (truth / "blocks.json").write_text(json.dumps(summary, indent=1) + "\n",
                                       encoding="utf-8")
    return summary


def _title(rng: np.random.Generator, area: int) -> tuple[str, str]:
    words = BUYER_WORDS if area < 0 else THREATS[area]["words"]
    a, b = rng.choice(len(words), 2, replace=False).tolist()
    title = f"{words[a].capitalize()} with {words[b]}"
    abstract = (f"A device performs {words[a]} and {words[b]}. A controller determines the "
                f"{words[b]} from the {words[a]} and signals the result.")
    return title, abstract


def _tsv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter="\t", quoting=csv.QUOTE_NONNUMERIC,
                       lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _write_patentsview(folder: Path, pts: _Patents, rng: np.random.Generator,
                       cites: set[tuple[int, int, str]]) -> None:
    n = len(pts.owner)
    label = {"label": "synthetic world (patent-blocks)",
             "note": "warchest synth --scenario patent-blocks: generated data, not real "
                     "patents"}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PROVENANCE.json").write_text(json.dumps(label, indent=1) + "\n",
                                            encoding="utf-8")
    patents, apps, abstracts, cpc, assignees = [], [], [], [], []
    ids = {name: f"syn-blocks-{k:03d}" for k, name in enumerate(
        sorted(set(pts.owner)))}
    for i in range(n):
        title, abstract = _title(rng, pts.area[i])
        number = pts.number(i)
        patents.append([number, "utility", _iso(pts.grant[i]), title, "B2",
                        int(rng.integers(8, 31)), 0, "synthetic-blocks"])
        apps.append([f"16/{900000 + i}", number, "16", _iso(pts.filing[i]), "16", 0])
        abstracts.append([number, abstract])
        symbols = BUYER_CPC if pts.area[i] < 0 else THREATS[pts.area[i]]["cpc"]
        picked = rng.choice(len(symbols), 2, replace=False).tolist()
        for seq, k in enumerate(picked):
            sym = symbols[k]
            cpc.append([number, seq, sym[0], sym[:3], sym[:4], sym,
                        "inventional" if seq == 0 else "additional",
                        "F" if seq == 0 else "L"])
        assignees.append([number, 0, ids[pts.owner[i]], "", "", pts.owner[i], "2",
                          "syn-loc-us"])
    _tsv(folder / "g_patent.tsv", ["patent_id", "patent_type", "patent_date", "patent_title",
                                   "wipo_kind", "num_claims", "withdrawn", "filename"],
         patents)
    _tsv(folder / "g_application.tsv", ["application_id", "patent_id",
                                        "patent_application_type", "filing_date",
                                        "series_code", "rule_47_flag"], apps)
    _tsv(folder / "g_patent_abstract.tsv", ["patent_id", "patent_abstract"], abstracts)
    _tsv(folder / "g_cpc_current.tsv", ["patent_id", "cpc_sequence", "cpc_section",
                                        "cpc_class", "cpc_subclass", "cpc_group", "cpc_type",
                                        "cpc_symbol_position"], cpc)
    head = ["patent_id", "assignee_sequence", "assignee_id"]
    _tsv(folder / "g_assignee_disambiguated.tsv",
         [*head, "disambig_assignee_individual_name_first",
          "disambig_assignee_individual_name_last", "disambig_assignee_organization",
          "assignee_type", "location_id"], assignees)
    _tsv(folder / "g_assignee_not_disambiguated.tsv",
         [*head, "raw_assignee_individual_name_first", "raw_assignee_individual_name_last",
          "raw_assignee_organization", "assignee_type", "rawlocation_id"], assignees)
    rows: list[list[Any]] = []
    next_seq: dict[int, int] = {}
    for citing, cited, kind in sorted(cites):
        k = next_seq.get(citing, 0)
        next_seq[citing] = k + 1
        rows.append([pts.number(citing), k, pts.number(cited),
                     _iso(pts.grant[cited])[:7] + "-01", "Synthetic et al.", "B2", kind])
    _tsv(folder / "g_us_patent_citation.tsv",
         ["patent_id", "citation_sequence", "citation_patent_id", "citation_date",
          "record_name", "wipo_kind", "citation_category"], rows)


def _write_assignments(folder: Path, pts: _Patents, statuses: dict[int, tuple[int, str]],
                       rng: np.random.Generator) -> tuple[int, int]:
    """One recorded sale and one security interest per block; returns their counts."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PROVENANCE.json").write_text(json.dumps(
        {"label": "synthetic world (patent-blocks)"}) + "\n", encoding="utf-8")
    records, conveyance, assignors, assignees, docs = [], [], [], [], []
    reel = FIRST_REEL
    sales = liens = 0
    for t in range(len(THREATS)):
        for kind, text, ty, party in (
                ("sold", "ASSIGNMENT OF ASSIGNORS INTEREST (SEE DOCUMENT FOR DETAILS).",
                 "assignment", BUYER_OF_SOLD),
                ("security_interest", "SECURITY INTEREST (SEE DOCUMENT FOR DETAILS).",
                 "security", BANK)):
            members = [i for i, (tt, k) in sorted(statuses.items()) if tt == t and k == kind]
            signed = _day(dt.date(2022, 3, 1)) + int(rng.integers(0, 500))
            rf = f"{reel}-{100 + t}"
            records.append([rf, reel, 100 + t, _iso(signed + 20), _iso(signed + 20), 4, text,
                            "SYNTHETIC LAW OFFICES LLP", "N"])
            conveyance.append([rf, ty, 0])
            assignors.append([rf, 1, SELLER.upper(), _iso(signed), ""])
            assignees.append([rf, 1, party.upper(), "", "", "", "", "", ""])
            for seq, i in enumerate(members, start=1):
                docs.append([rf, seq, "SYNTHETIC BLOCK PATENT", f"16{900000 + i}",
                             _iso(pts.filing[i]), "", "", pts.number(i),
                             _iso(pts.grant[i]), "", ""])
            reel += 1
            sales += kind == "sold"
            liens += kind == "security_interest"

    def write(name: str, header: list[str], rows: list[list[Any]]) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)

    write("assignment.csv", ["rf_id", "reel_no", "frame_no", "record_dt", "last_update_dt",
                             "page_count", "convey_text", "corr_name", "purge_indicator"],
          records)
    write("assignment_conveyance.csv", ["rf_id", "convey_ty", "employer_assign"], conveyance)
    write("assignor.csv", ["rf_id", "or_seq", "or_name", "exec_dt", "ack_dt"], assignors)
    write("assignee.csv", ["rf_id", "ee_seq", "ee_name", "ee_address_1", "ee_address_2",
                           "ee_city", "ee_state", "ee_postcode", "ee_country"], assignees)
    write("documentid.csv", ["rf_id", "doc_seq", "title", "appno_doc_num", "appno_date",
                             "pgpub_doc_num", "pgpub_date", "grant_doc_num", "grant_date",
                             "pct_num", "inventors"], docs)
    return sales, liens


def _write_maintenance(folder: Path, pts: _Patents, statuses: dict[int, tuple[int, str]]
                       ) -> None:
    """Fees paid when due for every planted patent, but the lapsed block patents: theirs
    is unpaid at 3.5 years and the patent expires (``EXP.``) after the grace period."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PROVENANCE.json").write_text(json.dumps(
        {"label": "synthetic world (patent-blocks)"}) + "\n", encoding="utf-8")
    end = _day(DATA_END)
    lines = []
    for i in range(len(pts.owner)):
        head = (f"{pts.number(i)} 16{900000 + i} N {_compact(pts.filing[i])} "
                f"{_compact(pts.grant[i])}")
        lapsed = statuses.get(i, (0, ""))[1] == "lapsed"
        for stage, years in enumerate((3.5, 7.5, 11.5), start=1):
            due = pts.grant[i] + int(years * 365.25)
            if lapsed:
                if due + 183 <= end:
                    lines.append(f"{head} {_compact(due + 30)} REM.")
                    lines.append(f"{head} {_compact(due + 183)} EXP.")
                break
            if due - 60 <= end:
                lines.append(f"{head} {_compact(due - 60)} M155{stage}")
    (folder / "MaintFeeEvents_blocks.txt").write_text("\n".join(lines) + "\n",
                                                       encoding="utf-8")


def block_scenario(world: Path, out: Path, exact: bool = True) -> Path:
    """The deal scenario that asks for the blocks: 90 patents against the three threats in
    the US on the date, security-interest patents allowed."""
    truth = json.loads((world / "truth" / "blocks.json").read_text(encoding="utf-8"))
    doc = {"name": "Known-answer blocks (SYNTHETIC world)", "synthetic": True,
           "buyer": truth["buyer"], "seller": truth["seller"],
           "threats": [{"name": t, "weight": 1} for t in truth["threats"]],
           "markets": {"US": 1.0}, "as_of": truth["as_of"],
           "package": {"size": truth["package"]},
           "constraints": {"exclude_encumbered": False},
           "optimiser": {"exact": exact, "time_limit_s": 60, "exact_max_candidates": 5000}}
    out.write_text("# Written by warchest.synth.blocks (SYNTHETIC world)\n"
                   + yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return out


def score_package(world: Path, package: list[str]) -> dict[str, Any]:
    """The package against the truth: the share from eligible block patents, the count per
    threat, and the expired, lapsed and sold block patents in it (each must be 0)."""
    rows = list(csv.DictReader((world / "truth" / "blocks.csv").open(encoding="utf-8")))
    by_id = {r["patent_id"]: r for r in rows}
    truth = json.loads((world / "truth" / "blocks.json").read_text(encoding="utf-8"))
    per_threat = {t: 0 for t in truth["threats"]}
    status = {k: 0 for k, _ in BLOCK_STATUS}
    for pid in package:
        r = by_id.get(pid)
        if r is None:
            continue
        status[r["status"]] += 1
        if r["status"] in ELIGIBLE:
            per_threat[r["threat"]] += 1
    from_blocks = sum(per_threat.values())
    return {"package": len(package), "from_blocks": from_blocks,
            "share_from_blocks": from_blocks / len(package) if package else 0.0,
            "per_threat": per_threat, "by_status": status,
            "security_interest_in_package": status["security_interest"],
            "expired_or_sold": status["expired"] + status["lapsed"] + status["sold"]}


def generate_block_world(out: Path, patents: int, seed: int = 7, buyer_cites: bool = True
                         ) -> dict[str, Any]:
    """A block world of about ``patents`` patents: the planted firms and, when at least
    5,000 patents are left over, a background world of the ordinary generator (no
    scenario) around them; below that the other firms take up the rest."""
    from warchest.synth.generate import write_world

    planted = sum(PLANTED.values()) - PLANTED["threat"] + PLANTED["threat"] * len(THREATS)
    background = patents - planted
    others = PLANTED["others"]
    if background >= 5000:
        write_world(out, background, seed, None)
    else:
        others += max(0, background)
        for name in ("patentsview", "assignments", "maintfee"):
            (out / name).mkdir(parents=True, exist_ok=True)
    summary = write_block_world(out, seed, others, buyer_cites)
    summary["background_patents"] = max(background, 0) if background >= 5000 else 0
    summary["requested"] = patents
    (out / "truth" / "blocks.json").write_text(json.dumps(summary, indent=1) + "\n",
                                               encoding="utf-8")
    return summary
