"""Write a synthetic world in the real bulk formats, year by year, with bounded memory.

Layout of the output folder::

    patentsview/   g_patent, g_application, g_us_patent_citation, g_cpc_current,
                   g_assignee_disambiguated, g_assignee_not_disambiguated,
                   g_us_term_of_grant, g_us_rel_doc, g_patent_abstract (.tsv)
    assignments/   assignment, assignor, assignee, documentid, assignment_conveyance (.csv)
    maintfee/      MaintFeeEvents_20251229.txt (USPTO maintenance fee events layout)
    families/      families.csv (family members and where each family is in force)
    litigation/    cases.csv, names.csv, patents.csv (USPTO litigation docket layout)
    ptab/          ptab_proceedings.jsonl (PTAB API records): warchest.synth.litigation
    truth/         the answers; never read by the loaders (see truth/README.md)

Every folder holds a PROVENANCE.json labelling its files "synthetic world (seed S)", and
every g_patent row has ``filename`` = ``synthetic-<seed>``.
"""

from __future__ import annotations

import csv
import json
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from warchest.synth import calibration as cal
from warchest.synth import streams
from warchest.synth.citations import DECADES, FORWARD_SAMPLE, Citations
from warchest.synth.events import (
    MAINTFEE_FILE,
    ChunkDeals,
    apply_deals,
    family_rows,
    maintenance_lines,
    prepare_events,
    write_deal_records,
    write_employee_records,
)
from warchest.synth.heap import release_free_memory, system_allocator
from warchest.synth.names import LAST_NAMES, make_variant
from warchest.synth.patents import (
    CONTINUATION_KINDS,
    DESIGN,
    REISSUE,
    UTILITY,
    Facts,
    Patents,
    draw_patents,
)
from warchest.synth.text import TextMaker, cluster_vocabularies
from warchest.synth.world import (
    MARKETS,
    Companies,
    Technology,
    day_of,
    interpolate,
    make_companies,
)

ROWS_PER_CHUNK = 2_000
"""Patents per chunk of the PatentsView tables: their citations (up to ~40 candidates a
patent) are the largest buffers, so a small chunk keeps memory flat."""
ProgressFn = Callable[[str, int, int], None]
"""progress(stage, done, total)"""

VARIANT_KINDS = [k for k, _ in cal.VARIANT_SHARES if k != "subsidiary"]
VARIANT_P = np.array([p for k, p in cal.VARIANT_SHARES if k != "subsidiary"])
VARIANT_P = VARIANT_P / VARIANT_P.sum()
WORLD_DAY = day_of(cal.WORLD_DATE)
B2_FROM = day_of("2001-01-02")
"""Grants from 2001 are B1/B2 documents (A before)."""
S_SAMPLE = 81
"""Counter-based stream of the statistics sample (70 and 80: warchest.synth.citations)."""
FAMILY_HEADER = ["family_id", "us_patent_id", "jurisdiction", "member_number", "filing_date",
                 "grant_date", "status", "status_date"]


def nullable(values: np.ndarray, present: np.ndarray) -> pa.Array:
    """Strings where ``present``, NULL elsewhere."""
    return pa.array(np.asarray(values).astype(str), type=pa.string(),
                    mask=~np.asarray(present, dtype=bool))


def iso(days: np.ndarray | int) -> np.ndarray:
    """Days since 1970 -> 'YYYY-MM-DD' strings."""
    return np.datetime_as_string(np.asarray(days, dtype="datetime64[D]"), unit="D").astype(
        "U10")


def compact(days: np.ndarray | int) -> np.ndarray:
    return np.char.replace(iso(days), "-", "")


class Tables:
    """Open CSV writers, one per output table (quoted text, like the real files)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.writers: dict[str, pacsv.CSVWriter] = {}
        self.rows: dict[str, int] = {}

    def write(self, name: str, columns: dict[str, Any]) -> None:
        table = pa.table({k: pa.array(v) if not isinstance(v, pa.Array) else v
                          for k, v in columns.items()})
        if table.num_rows == 0 and name in self.writers:
            return
        if name not in self.writers:
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            delimiter = "\t" if name.endswith(".tsv") else ","
            self.writers[name] = pacsv.CSVWriter(
                str(path), table.schema,
                write_options=pacsv.WriteOptions(delimiter=delimiter, quoting_style="needed"))
            self.rows[name] = 0
        self.writers[name].write_table(table)
        self.rows[name] += table.num_rows

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


class Names:
    """Every company's raw spellings: drawn from the company's own stream whenever needed
    (a few recent companies' are kept), so spellings repeat across patents and nothing is
    kept per company but its canonical name."""

    CACHE = 2048

    def __init__(self, companies: Companies, seed: int) -> None:
        self.companies, self.seed = companies, seed
        self.canonical = companies.name
        self.renamed: dict[int, tuple[int, str]] = {}  # id -> (day, new name)
        # (company << 32) + CRC-32 of each abbreviation a later company must spell out
        self.spelled_out = np.zeros(0, np.int64)
        self._cache: OrderedDict[int, dict[str, list[str]]] = OrderedDict()

    @classmethod
    def draw(cls, companies: Companies, seed: int) -> Names:
        names = cls(companies, seed)
        # initials shared with another company would make the truth of a raw name
        # ambiguous (no resolver could tell them apart): the later company spells out
        first: dict[str, int] = {}
        out: list[int] = []
        for c in range(len(companies)):
            for v in names._drawn(c)["abbreviation"]:
                if first.setdefault(v.split()[0], c) != c:
                    out.append(names._key(c, v))
        names.spelled_out = np.unique(np.array(out, np.int64))
        return names

    @staticmethod
    def _key(company: int, spelling: str) -> int:
        return (company << 32) + zlib.crc32(spelling.encode())

    def _spelled_out(self, key: int) -> bool:
        """Whether ``key`` is in the sorted ``spelled_out`` (a binary search: np.isin
        would sort the whole array on every call)."""
        at = int(np.searchsorted(self.spelled_out, key))
        return at < len(self.spelled_out) and int(self.spelled_out[at]) == key

    def _drawn(self, company: int) -> dict[str, list[str]]:
        c = self.companies
        name, base, form, country = (c.name[company], c.base_of(company), c.form[company],
                                     c.country[company])
        rng = np.random.default_rng([self.seed, 3, company])
        return {kind: sorted({make_variant(kind, name, base, form, country, rng)
                              for _ in range(3)}) for kind in VARIANT_KINDS}

    def pool(self, company: int) -> dict[str, list[str]]:
        """The company's spellings by variant kind (and its canonical name)."""
        got = self._cache.get(company)
        if got is not None:
            self._cache.move_to_end(company)
            return got
        pool = self._drawn(company)
        name = self.canonical[company]
        pool["abbreviation"] = sorted({
            name.upper() if self._spelled_out(self._key(company, v)) else v
            for v in pool["abbreviation"]})
        pool["canonical"] = [name]
        self._cache[company] = pool
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return pool


def _mentions(names: Names, company: np.ndarray, grant_day: np.ndarray,
              rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Raw assignee name and variant kind for each patent (company >= 0)."""
    kinds = rng.choice(len(VARIANT_KINDS), size=len(company), p=VARIANT_P)
    picks = rng.random(len(company))
    raw, kind_names = [], []
    for c, k, u, day in zip(company.tolist(), kinds.tolist(), picks.tolist(),
                            grant_day.tolist(), strict=True):
        kind = VARIANT_KINDS[k]
        renamed = names.renamed.get(c)
        if renamed is not None and day >= renamed[0]:
            raw.append(renamed[1])
            kind_names.append("new_name")
            continue
        pool = names.pool(c)[kind]
        raw.append(pool[int(u * len(pool))])
        kind_names.append(kind)
    return raw, kind_names




@dataclass
class Stats:
    """What the report compares with the calibration targets, accumulated a chunk at a
    time in fixed-size counters and histograms (0.01-year and 1-day bins)."""

    values: dict[str, Any] = field(default_factory=dict)
    sample: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    forward: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    lag: np.ndarray = field(default_factory=lambda: np.zeros(6000, np.int64))
    pendency: np.ndarray = field(default_factory=lambda: np.zeros((len(DECADES), 1300),
                                                                  np.int64))
    pta_days: np.ndarray = field(default_factory=lambda: np.zeros(3001, np.int64))
    top_2016: np.ndarray = field(default_factory=lambda: np.zeros(len(cal.TOP_2016),
                                                                  np.int64))
    continuation: np.ndarray = field(default_factory=lambda: np.zeros((len(DECADES), 2),
                                                                      np.int64))
    maintenance: np.ndarray = field(default_factory=lambda: np.zeros((2, 3, 2), np.int64))
    """(large/small, stage, eligible/lapsed)"""

    @classmethod
    def sampled(cls, p: Patents, seed: int) -> Stats:
        rate = min(1.0, FORWARD_SAMPLE / max(1, p.n))
        parts = [lo + np.flatnonzero(streams.uniform(seed, S_SAMPLE, np.arange(
            lo, min(p.n, lo + 65_536))) < rate) for lo in range(0, p.n, 65_536)]
        sample = np.concatenate([*parts, np.zeros(0, np.int64)]).astype(np.int64)
        return cls(sample=sample, forward=np.zeros(len(sample), np.int64))

    def add(self, key: str, amount: float = 1) -> None:
        self.values[key] = self.values.get(key, 0) + amount

    def count_forward(self, cited: np.ndarray) -> None:
        at = np.searchsorted(self.sample, cited)
        ok = at < len(self.sample)
        ok[ok] = self.sample[at[ok]] == cited[ok]
        np.add.at(self.forward, at[ok], 1)

    def add_lags(self, years: np.ndarray) -> None:
        self.lag += np.bincount(np.clip((years * 100).astype(np.int64), 0, len(self.lag) - 1),
                                minlength=len(self.lag))

    def add_facts(self, f: Facts) -> None:
        add = self.add
        add("patents", f.n)
        add("designs", int((f.doc_type == DESIGN).sum()))
        add("unassigned", int((f.company < 0).sum()))
        y16 = f.year == 2016
        add("grants_2016", int(y16.sum()))
        if y16.any():
            top = f.company[y16]
            top = top[(top >= 0) & (top < len(self.top_2016))]
            self.top_2016 += np.bincount(top, minlength=len(self.top_2016))
        not_reissue = f.doc_type != REISSUE
        utility = f.doc_type == UTILITY
        pend = np.clip(((f.grant_day - f.filing_day) / 365.25 * 100).astype(np.int64), 0,
                       self.pendency.shape[1] - 1)
        for j, start in enumerate(DECADES):
            m = (f.year >= start) & (f.year < start + 10)
            self.pendency[j] += np.bincount(pend[m & not_reissue],
                                            minlength=self.pendency.shape[1])
            self.continuation[j] += [int((m & utility).sum()),
                                     int((m & utility & (f.parent_kind >= 0)).sum())]
        post = f.filing_day >= day_of("2000-05-29")
        add("post_2000", int(post.sum()))
        add("post_2000_pta", int((post & (f.pta > 0)).sum()))
        self.pta_days += np.bincount(np.clip(f.pta[post & (f.pta > 0)], 0, 3000),
                                     minlength=len(self.pta_days))
        add("utility", int(utility.sum()))
        add("disclaimers", int((utility & f.disclaimer).sum()))
        lapse = f.lapse_day()
        add("lapsed", int(((lapse >= 0) & (lapse <= WORLD_DAY)).sum()))
        for e, small in enumerate((False, True)):
            alive = utility & (f.grant_day >= day_of(cal.MAINTENANCE_FROM)) & (
                f.small_entity == small)
            for stage, years in enumerate((3.5, 7.5, 11.5)):
                due_passed = f.grant_day + int((years + 0.5) * 365.25) <= WORLD_DAY
                eligible = alive & due_passed
                lapsed = eligible & (f.lapse_stage == stage + 1)
                self.maintenance[e, stage] += [int(eligible.sum()), int(lapsed.sum())]
                alive = alive & ~lapsed


def median_of(histogram: np.ndarray, scale: float) -> float | None:
    """Median of values binned by ``histogram`` (bin i holds values in [i, i+1) / scale)."""
    total = int(histogram.sum())
    if total == 0:
        return None
    at = int(np.searchsorted(np.cumsum(histogram), (total + 1) / 2))
    return (at + 0.5) / scale


def _write_patentsview(out: Tables, p: Patents, f: Facts, companies: Companies,
                       names: Names, tech: Technology, texts: TextMaker, cites: Citations,
                       seed: int, part: int, stats: Stats, deals: ChunkDeals, events: Any,
                       groups_of: np.ndarray) -> np.ndarray:
    """Write the PatentsView rows, the assignment records and documentid rows of a chunk of
    patents (consecutive indexes); returns each patent's first CPC symbol (index into
    ``Technology.symbol_flat``, -1 for designs)."""
    rng = np.random.default_rng([seed, 10, part])
    rows = np.arange(f.n)
    pid = f.patent_id()
    doc = f.doc_type
    kind = np.where(doc == DESIGN, "S", np.where(doc == REISSUE, "E",
                    np.where(f.year < 2001, "A", np.where(f.parent >= 0, "B2",
                             np.where(rng.random(len(rows)) < 0.25, "B1", "B2")))))
    clusters = np.maximum(f.cluster, 0)
    titles = texts.titles(rng, clusters)
    design_rows = np.flatnonzero(doc == DESIGN)
    for j in design_rows.tolist():
        titles[j] = ("Ornamental design for a " + titles[j].split(" ")[1] + " "
                     + titles[j].split(" ")[0].lower())
    claims = np.where(doc == DESIGN, 1, 1 + rng.poisson(16, len(rows)))
    out.write("patentsview/g_patent.tsv", {
        "patent_id": pid,
        "patent_type": np.where(doc == DESIGN, "design", np.where(doc == REISSUE, "reissue",
                                                                   "utility")),
        "patent_date": iso(f.grant_day),
        "patent_title": titles,
        "wipo_kind": kind,
        "num_claims": claims,
        "withdrawn": np.zeros(len(rows), np.int8),
        "filename": np.full(len(rows), f"synthetic-{seed}"),
    })
    util = rows[doc != DESIGN]
    out.write("patentsview/g_patent_abstract.tsv", {
        "patent_id": f.patent_id(util),
        "patent_abstract": texts.abstracts(rng, np.maximum(f.cluster[util], 0)),
    })
    series = f.app_series
    out.write("patentsview/g_application.tsv", {
        "application_id": np.char.add(np.char.add(np.char.zfill(series.astype("U2"), 2), "/"),
                                      np.char.zfill(f.app_serial.astype("U6"), 6)),
        "patent_id": pid,
        "patent_application_type": np.char.zfill(series.astype("U2"), 2),
        "filing_date": iso(f.filing_day),
        "series_code": np.char.zfill(series.astype("U2"), 2),
        "rule_47_flag": np.zeros(len(rows), np.int8),
    })
    # CPC: the cluster's real symbols, first one inventive
    util_rows = rows[doc != DESIGN]
    n_cpc = 1 + rng.poisson(4.9, len(util_rows))
    owner = np.repeat(util_rows, n_cpc)
    seq = np.arange(len(owner)) - np.repeat(np.cumsum(n_cpc) - n_cpc, n_cpc)
    own_cluster = f.cluster[owner].astype(np.int64)
    other = rng.random(len(owner)) < 0.35  # some symbols from a group of the same subclass
    sibling = tech.sibling_clusters(own_cluster, rng.random(len(owner)))
    clusters_used = np.where(other & (seq > 0), sibling, own_cluster)
    sid = tech.pick_symbols(clusters_used, rng.random(len(owner)))
    # a company group's own patents in its focus clusters lead with one of its product
    # features (Technology.in_product): the first symbol moves to the anchor otherwise
    lead = seq == 0
    company = f.company[owner[lead]].astype(np.int64)
    group = np.where(company >= 0, groups_of[np.maximum(company, 0)], -1)
    cl = own_cluster[lead]
    focused = p.sampler.in_focus(group, cl)
    fix = focused & ~tech.in_product(np.maximum(group, 0), cl, sid[lead])
    lead_sid = sid[lead]
    lead_sid[fix] = tech.symbol_offset[cl[fix]] + tech.anchor(group[fix], cl[fix])
    sid[lead] = lead_sid
    first_symbol = np.full(f.n, -1, np.int64)
    first_symbol[owner[lead]] = lead_sid
    _, first = np.unique(owner.astype(np.int64) * 10_000_000 + sid, return_index=True)
    keep = np.zeros(len(owner), bool)
    keep[first] = True
    owner, seq, sid = owner[keep], seq[keep], sid[keep]
    sym_str = tech.symbol_flat[sid].astype(str)
    out.write("patentsview/g_cpc_current.tsv", {
        "patent_id": f.patent_id(owner),
        "cpc_sequence": seq,
        "cpc_section": sym_str.astype("U1"),
        "cpc_class": sym_str.astype("U3"),
        "cpc_subclass": sym_str.astype("U4"),
        "cpc_group": sym_str,
        "cpc_type": np.where(seq == 0, "inventional", np.where(
            rng.random(len(owner)) < 0.6, "inventional", "additional")),
        "cpc_symbol_position": np.where(seq == 0, "F", "L"),
    })
    stats.add("cpc_rows", len(owner))
    # assignees as printed and as PatentsView disambiguates them
    assigned = rows[f.company >= 0]
    raw, kinds = _mentions(names, f.company[assigned], f.grant_day[assigned], rng)
    comp = f.company[assigned]
    subsidiary = companies.parent[comp] >= 0
    for k, flag in zip(kinds, subsidiary.tolist(), strict=True):
        stats.add("variant_subsidiary" if flag else f"variant_{k}")
    foreign = companies.country[comp] != "US"
    atype = np.where(foreign, "3", "2")
    canonical = np.array([names.canonical[c] if c not in names.renamed
                          or f.grant_day[a] < names.renamed[c][0] else names.renamed[c][1]
                          for c, a in zip(comp.tolist(), assigned.tolist(), strict=True)],
                         dtype=object)
    # PatentsView's disambiguation is good but not perfect: typos and abbreviations often
    # stay apart (a separate assignee_id), as in the real bulk tables
    split = np.isin(np.array(kinds), ["typo", "abbreviation"]) & \
        (rng.random(len(assigned)) < 0.5)
    aid = np.array([f"syn-{c:06d}" + (f"-{zlib.crc32(r.encode()) % 997:03d}" if s else "")
                    for c, r, s in zip(comp.tolist(), raw, split.tolist(), strict=True)])
    org = np.where(split, np.array(raw, dtype=object), canonical).astype(str)
    empty = np.full(len(assigned), "", dtype=object)
    loc = np.array([f"syn-loc-{c.lower()}" for c in companies.country[comp].tolist()])
    out.write("patentsview/g_assignee_not_disambiguated.tsv", {
        "patent_id": f.patent_id(assigned),
        "assignee_sequence": np.zeros(len(assigned), np.int8),
        "assignee_id": aid,
        "raw_assignee_individual_name_first": pa.array(empty.tolist(), pa.string()),
        "raw_assignee_individual_name_last": pa.array(empty.tolist(), pa.string()),
        "raw_assignee_organization": np.array(raw, dtype=str),
        "assignee_type": atype,
        "rawlocation_id": loc,
    })
    out.write("patentsview/g_assignee_disambiguated.tsv", {
        "patent_id": f.patent_id(assigned),
        "assignee_sequence": np.zeros(len(assigned), np.int8),
        "assignee_id": aid,
        "disambig_assignee_individual_name_first": pa.array(empty.tolist(), pa.string()),
        "disambig_assignee_individual_name_last": pa.array(empty.tolist(), pa.string()),
        "disambig_assignee_organization": org,
        "assignee_type": atype,
        "location_id": loc,
    })
    # term of grant: PTA days and terminal disclaimers
    tg = rows[(f.pta > 0) | f.disclaimer]
    dd = f.disclaimer[tg]
    parent_exp = np.where(f.parent_filing[tg] > 0, f.parent_filing[tg],
                          f.filing_day[tg] - 900) + int(20 * 365.25)
    out.write("patentsview/g_us_term_of_grant.tsv", {
        "patent_id": f.patent_id(tg),
        "disclaimer_date": nullable(iso(parent_exp), dd),
        "term_disclaimer": nullable(np.full(len(tg), "This patent is subject to a terminal "
                                            "disclaimer."), dd),
        "term_grant": pa.array([None] * len(tg), pa.int32()),
        "term_extension": f.pta[tg],
    })
    # related documents: parent applications (and the patents granted on them), provisionals,
    # reissued originals
    rel: dict[str, list[Any]] = {k: [] for k in (
        "patent_id", "related_doc_number", "published_country", "related_doc_type",
        "related_doc_kind", "related_doc_published_date", "related_doc_status",
        "related_doc_sequence", "wipo_kind")}

    def add(pat: str, number: str, kind_: str, doc_kind: str, date: str, status: str,
            seq_: int, wk: str) -> None:
        for key, value in zip(rel, (pat, number, "US", kind_, doc_kind, date, status, seq_,
                                    wk), strict=True):
            rel[key].append(value)

    related = rows[(f.parent_kind >= 0) | (f.provisional_day >= 0) | (f.original >= 0)]
    ups = np.concatenate([f.parent[related], f.original[related]])
    ups = ups[ups >= 0]
    up_id = dict(zip(ups.tolist(), p.patent_id(ups).tolist(), strict=True))
    up_day = dict(zip(ups.tolist(), p.grant_day(ups).tolist(), strict=True))
    for i in related.tolist():
        pat = str(pid[i])
        wk = "B2" if f.doc_type[i] == UTILITY else "E"
        seq_ = 0
        if f.parent_kind[i] >= 0:
            kind_name = CONTINUATION_KINDS[f.parent_kind[i]].replace("-", "_")
            par = int(f.parent[i])
            status = "GRANTED" if par >= 0 else "ABANDONED"
            add(pat, f"{f.parent_app[i]:08d}", kind_name, "00", str(iso(f.parent_filing[i])),
                status, seq_, wk)
            seq_ += 1
            if par >= 0:
                add(pat, up_id[par], kind_name, "B2" if up_day[par] >= B2_FROM else "A",
                    str(iso(up_day[par])), "", seq_, wk)
                seq_ += 1
        if f.provisional_day[i] >= 0:
            number = (f"{60 + max(0, (int(f.year[i]) - 1996) // 7)}"
                      f"{(int(f.index[i]) * 7919) % 999999:06d}")
            add(pat, number, "us_provisional_application", "00",
                str(iso(f.provisional_day[i])), "", seq_, wk)
            seq_ += 1
        if f.original[i] >= 0:
            o = int(f.original[i])
            add(pat, up_id[o], "reissue", "A" if up_day[o] < B2_FROM else "B2",
                str(iso(up_day[o])), "", seq_, wk)
    out.write("patentsview/g_us_rel_doc.tsv", {
        **{k: rel[k] for k in rel if k not in ("related_doc_sequence",)},
        "related_doc_sequence": pa.array(rel["related_doc_sequence"], pa.int32()),
    } if rel["patent_id"] else {k: pa.array([], pa.string()) for k in rel})
    _write_documents(out, f, events, deals, titles)
    # citations
    c = cites.draw(f, rng)
    cited = c["cited"]
    inside = cited >= 0
    hit_id, hit_day, hit_doc, hit_cluster = p.cited_facts(cited[inside])
    cited_id = c["old_number"].astype("U8").astype(object)
    cited_id[inside] = hit_id
    cited_id = cited_id.astype(str)
    cited_day = c["old_day"].copy()
    cited_day[inside] = hit_day
    cited_doc = np.full(len(cited), UTILITY, np.int8)
    cited_doc[inside] = hit_doc
    cited_cluster = np.full(len(cited), -2, np.int64)
    cited_cluster[inside] = hit_cluster
    month = np.char.add(np.char.ljust(iso(cited_day), 7).astype("U7"), "-01")
    year_citing = f.year[c["citing"]]
    u = rng.random(len(cited))
    category = np.where(year_citing < 2001, "", np.where(u < cal.EXAMINER_SHARE,
                                                        "cited by examiner",
                                                        "cited by applicant"))
    cited_kind = np.where(~inside, "A", np.where(cited_doc == DESIGN, "S", np.where(
        cited_day < B2_FROM, "A", "B2")))
    name_idx = (np.where(inside, cited, c["old_number"]) * 2654435761) % (len(LAST_NAMES) * 3)
    surnames = np.array(LAST_NAMES)[name_idx // 3]
    record_name = np.where(name_idx % 3 == 0, surnames, np.char.add(surnames, " et al."))
    out.write("patentsview/g_us_patent_citation.tsv", {
        "patent_id": pid[c["citing"]],
        "citation_sequence": c["sequence"],
        "citation_patent_id": cited_id,
        "citation_date": month,
        "record_name": record_name,
        "wipo_kind": cited_kind,
        "citation_category": nullable(category, category != ""),
    })
    stats.add("citations", len(cited))
    stats.add("citations_self", int((c["kind"] == 0).sum()))
    stats.add("citations_same_group", int((cited_cluster == f.cluster[c["citing"]]).sum()))
    stats.add("citations_outside_world", int((~inside).sum()))
    recent = year_citing >= 2001
    stats.add("citations_2001_on", int(recent.sum()))
    stats.add("citations_examiner_2001_on", int((recent & (category == "cited by examiner"))
                                                .sum()))
    lag = (f.grant_day[c["citing"]][inside] - cited_day[inside]) / 365.25
    stats.add_lags(lag)
    stats.count_forward(cited[inside])
    return first_symbol


def _write_documents(out: Tables, f: Facts, events: Any, deals: ChunkDeals,
                     titles: list[str]) -> None:
    """The employee assignment records of a chunk's patents, and the documentid rows of
    every assignment record that covers them."""
    first, end = int(f.index[0]), int(f.index[-1]) + 1
    employee = write_employee_records(events, first, end)
    idx = np.concatenate([deals.doc_row, employee["patent"] - first]).astype(np.int64)
    if len(idx) == 0:
        return
    reel = np.concatenate([deals.doc_reel, employee["reel"]])
    frame = np.concatenate([deals.doc_frame, employee["frame"]])
    seq = np.concatenate([deals.doc_seq, np.ones(len(employee["patent"]), np.int64)])
    inventors = np.concatenate([np.full(len(deals.doc_row), "", dtype=object),
                                employee["inventors"]])
    order = np.argsort(idx, kind="stable")
    idx, reel, frame, seq, inventors = idx[order], reel[order], frame[order], seq[order], \
        inventors[order]
    app = f.application_number()[idx]
    published = f.filing_day[idx] >= day_of("2000-11-29")
    pub_day = f.filing_day[idx] + 548
    pub_year = np.char.ljust(iso(pub_day), 4).astype("U4")
    pub_number = np.char.add(pub_year, np.char.zfill(((f.index[idx] * 7919) % 10**7)
                                                     .astype("U7"), 7))
    out.write("assignments/documentid.csv", {
        "rf_id": np.char.add(np.char.add(reel.astype(str), "-"), frame.astype(str)),
        "doc_seq": seq.astype(np.int32),
        "title": np.char.upper(np.array([titles[i] for i in idx.tolist()], dtype=str)),
        "appno_doc_num": np.char.zfill(app.astype("U8"), 8),
        "appno_date": iso(f.filing_day[idx]),
        "pgpub_doc_num": nullable(pub_number, published),
        "pgpub_date": nullable(iso(pub_day), published),
        "grant_doc_num": f.patent_id(idx),
        "grant_date": iso(f.grant_day[idx]),
        "pct_num": pa.array([None] * len(idx), pa.string()),
        "inventors": pa.array(inventors.tolist(), pa.string()),
    })


def write_world(
    out: Path,
    n_patents: int,
    seed: int = 1,
    scenario: str | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Write a synthetic world to ``out``; returns its statistics (also in truth/stats.json)
    and, under ``state_bytes``, the bytes of what grows with the world and stays in memory
    while the tables are written (not in the world's files).

    Deterministic: the same ``n_patents``, ``seed`` and ``scenario`` give the same bytes.
    Two passes over the patents, a chunk at a time: one to pick the deals' patents, one
    to write every table; nothing is kept per patent but its company at grant.
    """
    with system_allocator():  # Arrow's freed pages can go back too: warchest.synth.heap
        return _write_world(out, n_patents, seed, scenario, progress)


def _write_world(out: Path, n_patents: int, seed: int, scenario: str | None,
                 progress: ProgressFn | None) -> dict[str, Any]:
    from warchest.synth.truth import Truth

    def step(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    out.mkdir(parents=True, exist_ok=True)
    tech = Technology.load()
    step("companies", 0, 1)
    companies = make_companies(n_patents, seed, tech, scenario)
    names = Names.draw(companies, seed)
    release_free_memory()  # after each stage and year: see warchest.synth.heap
    step("patents", 0, 1)
    p = draw_patents(n_patents, seed, companies, tech)
    release_free_memory()
    events = prepare_events(out, p, companies, names, seed, step)
    release_free_memory()
    texts = TextMaker(cluster_vocabularies(tech))
    cites = Citations(p, tech, len(companies))
    tables = Tables(out)
    stats = Stats.sampled(p, seed)
    truth = Truth(out, p, companies, names, tech, events, scenario)
    groups_of = truth.group  # each company's top company, computed once
    truth.write_profiles()
    companies.release_focus()  # the sampler keeps its own sorted copy
    release_free_memory()
    state = {  # what grows with the world and stays live while the tables are written
        "company_at_grant": p.company.nbytes,
        "focus_entries": p.sampler.f_company.nbytes,
        "companies": companies.nbytes() + names.spelled_out.nbytes,
        "recent_patents": cites.recent.nbytes,
        "truth_counters": truth.group.nbytes + truth.owned.nbytes,
    }
    maintfee = out / "maintfee"
    maintfee.mkdir(parents=True, exist_ok=True)
    families = out / "families"
    families.mkdir(parents=True, exist_ok=True)
    with open(maintfee / MAINTFEE_FILE, "w", encoding="ascii") as fees, \
            open(families / "families.csv", "w", newline="", encoding="utf-8") as fam:
        fam_writer = csv.writer(fam)
        fam_writer.writerow(FAMILY_HEADER)
        for k, year in enumerate(p.years.tolist()):
            lo, hi = p.year_range(k)
            # at most ROWS_PER_CHUNK patents at a time, so memory does not grow with the world
            for part, start in enumerate(range(lo, hi, ROWS_PER_CHUNK)):
                f = p.facts(np.arange(start, min(hi, start + ROWS_PER_CHUNK)))
                chunk_id = year * 1000 + part
                deals = apply_deals(events, f)
                first_symbol = _write_patentsview(
                    tables, p, f, companies, names, tech, texts, cites, seed, chunk_id, stats,
                    deals, events, groups_of)
                cites.remember(f)
                fees.write(maintenance_lines(f, np.random.default_rng([seed, 6, chunk_id])))
                ep = family_rows(fam_writer, f, companies,
                                 np.random.default_rng([seed, 7, chunk_id]))
                truth.add(f, deals, first_symbol, ep)
                stats.add_facts(f)
            release_free_memory()
            step("patentsview tables", k + 1, len(p.years))
    write_deal_records(events)
    truth.write_litigation(out, seed)
    tables.close()
    events.close()
    label = {"label": f"synthetic world (seed {seed})",
             "note": f"warchest synth --patents {n_patents} --seed {seed}"
                     + (f" --scenario {scenario}" if scenario else "")
                     + ": generated data, not real patents"}
    for folder in ("patentsview", "assignments", "maintfee", "families", "litigation", "ptab"):
        (out / folder).mkdir(exist_ok=True)
        (out / folder / "PROVENANCE.json").write_text(json.dumps(label, indent=1) + "\n")
    summary = truth.finish(stats, seed, n_patents, tables.rows)
    # not part of the world (truth/stats.json): for bench/synth_memory.py
    summary["state_bytes"] = state
    step("done", 1, 1)
    return summary


__all__ = ["MARKETS", "interpolate", "write_world"]
