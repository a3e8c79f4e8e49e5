"""Write a synthetic world in the real bulk formats, year by year, with bounded memory.

Layout of the output folder::

    patentsview/   g_patent, g_application, g_us_patent_citation, g_cpc_current,
                   g_assignee_disambiguated, g_assignee_not_disambiguated,
                   g_us_term_of_grant, g_us_rel_doc, g_patent_abstract (.tsv)
    assignments/   assignment, assignor, assignee, documentid, assignment_conveyance (.csv)
    maintfee/      MaintFeeEvents_20251229.txt (USPTO maintenance fee events layout)
    families/      families.csv (family members and where each family is in force)
    truth/         the answers; never read by the loaders (see truth/README.md)

Every folder holds a PROVENANCE.json labelling its files "synthetic world (seed S)", and
every g_patent row has ``filename`` = ``synthetic-<seed>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from warchest.synth import calibration as cal
from warchest.synth.events import write_employee_records
from warchest.synth.names import LAST_NAMES, make_variant
from warchest.synth.patents import (
    CONTINUATION_KINDS,
    DESIGN,
    REISSUE,
    UTILITY,
    Patents,
    draw_patents,
)
from warchest.synth.text import TextMaker, cluster_vocabularies
from warchest.synth.world import (
    EPOCH,
    MARKETS,
    Company,
    Technology,
    day_of,
    interpolate,
    make_companies,
)

ROWS_PER_CHUNK = 5_000
"""Patents per chunk of the PatentsView tables: their citations (up to ~40 candidates a
patent) are the largest buffers, so a small chunk keeps memory flat."""
ProgressFn = Callable[[str, int, int], None]
"""progress(stage, done, total)"""

VARIANT_KINDS = [k for k, _ in cal.VARIANT_SHARES if k != "subsidiary"]
VARIANT_P = np.array([p for k, p in cal.VARIANT_SHARES if k != "subsidiary"])
VARIANT_P = VARIANT_P / VARIANT_P.sum()
WORLD_DAY = day_of(cal.WORLD_DATE)


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


@dataclass
class Names:
    """Every company's raw spellings, drawn once, so spellings repeat across patents."""

    canonical: list[str]
    pools: list[dict[str, list[str]]]
    renamed: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (day, new name)

    @classmethod
    def draw(cls, companies: list[Company], seed: int) -> Names:
        rng = np.random.default_rng([seed, 3])
        pools = []
        initials_of: dict[str, int] = {}  # an abbreviation's initials -> the company using it
        for c in companies:
            pool = {kind: sorted({make_variant(kind, c.name, c.base, c.form, c.country, rng)
                                  for _ in range(3)}) for kind in VARIANT_KINDS}
            # initials shared with another company would make the truth of a raw name
            # ambiguous (no resolver could tell them apart): the later company spells out
            pool["abbreviation"] = sorted({
                v if initials_of.setdefault(v.split()[0], c.id) == c.id else c.name.upper()
                for v in pool["abbreviation"]})
            pool["canonical"] = [c.name]
            pools.append(pool)
        return cls([c.name for c in companies], pools)


@dataclass
class Stats:
    """What the report compares with the calibration targets."""

    values: dict[str, Any] = field(default_factory=dict)
    forward: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))

    def add(self, key: str, amount: float = 1) -> None:
        self.values[key] = self.values.get(key, 0) + amount


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
        pool = names.pools[c][kind]
        raw.append(pool[int(u * len(pool))])
        kind_names.append(kind)
    return raw, kind_names


class Citations:
    """Draws the citations a year's patents make (fitness-weighted, technology-local,
    lag-distributed, with self-citations)."""

    def __init__(self, p: Patents, tech: Technology) -> None:
        self.p = p
        # indexes as int32, keys as int64, cumulative fitness as float64: 48 bytes a patent
        utility = np.flatnonzero(p.doc_type != DESIGN).astype(np.int32)
        self.order_cluster = utility[np.lexsort((p.grant_day[utility], p.cluster[utility]))]
        self.key_cluster = (p.cluster[self.order_cluster].astype(np.int64) << 16) \
            + p.grant_day[self.order_cluster]
        self.cum_cluster = np.concatenate([[0.0], np.cumsum(
            p.fitness[self.order_cluster], dtype=np.float64)])
        assigned = utility[p.company[utility] >= 0]  # int32
        self.order_company = assigned[np.lexsort((p.grant_day[assigned],
                                                  p.company[assigned]))]
        self.key_company = (p.company[self.order_company].astype(np.int64) << 16) \
            + p.grant_day[self.order_company]
        self.cum_company = np.concatenate([[0.0], np.cumsum(
            p.fitness[self.order_company], dtype=np.float64)])
        self.order_all = utility  # already in grant order
        self.key_all = p.grant_day[utility].astype(np.int64)
        self.cum_all = np.concatenate([[0.0], np.cumsum(p.fitness[utility], dtype=np.float64)])
        self.designs = np.flatnonzero(p.doc_type == DESIGN).astype(np.int32)
        self.tech = tech
        years = np.arange(cal.FIRST_YEAR, cal.LAST_YEAR + 1)
        lo, hi = cal.CITATIONS_TREND
        trend = lo + (hi - lo) * (years - years[0]) / (years[-1] - years[0])
        weights = np.array([float(cal.GRANTS_PER_YEAR[y]) for y in years.tolist()])
        # designs make half as many references: utility grants make up the difference
        design_factor = 1 - 0.5 * cal.DESIGN_SHARE
        self.mean_by_year = dict(zip(years.tolist(), (
            trend * cal.CITATIONS_PER_PATENT / np.average(trend, weights=weights)
            / design_factor).tolist(), strict=True))

    def _pick(self, keys: np.ndarray, cum: np.ndarray, order: np.ndarray, lo_key: np.ndarray,
              hi_key: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        lo = np.searchsorted(keys, lo_key, side="left")
        hi = np.searchsorted(keys, hi_key, side="right")
        ok = hi > lo
        out = np.full(len(lo_key), -1, np.int64)
        if ok.any():
            a, b = cum[lo[ok]], cum[hi[ok]]
            u = a + rng.random(int(ok.sum())) * (b - a)
            pos = np.searchsorted(cum, u, side="right") - 1
            pos = np.clip(pos, lo[ok], hi[ok] - 1)
            out[ok] = order[pos]
        return out

    def draw(self, rows: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
        p = self.p
        mean = np.array([self.mean_by_year[int(y)] for y in p.year[rows]])
        mean = np.where(p.doc_type[rows] == DESIGN, mean * 0.5, mean)
        r = cal.CITATION_DISPERSION
        wanted = rng.negative_binomial(r, r / (r + mean))
        # draw half again as many candidates as wanted: duplicates and misses are dropped
        k = wanted + wanted // 2 + 2
        citing = np.repeat(rows, k)
        n = len(citing)
        day = p.grant_day[citing].astype(np.int64)
        lag = rng.lognormal(np.log(cal.CITATION_LAG_MEDIAN_YEARS), cal.CITATION_LAG_SIGMA, n)
        target = day - (lag * 365.25).astype(np.int64)
        window = np.maximum((lag * 365.25 * 0.35).astype(np.int64), 120)
        lo_day = np.maximum(target - window, 0)
        hi_day = np.minimum(target + window, day - 7)
        cited = np.full(n, -1, np.int64)
        kind = np.full(n, 3, np.int8)  # 0 self, 1 same group, 2 same subclass, 3 any
        u = rng.random(n)
        company = p.company[citing]
        is_design = p.doc_type[citing] == DESIGN
        self_share = cal.SELF_CITATION_SHARE
        kind[(u < self_share) & (company >= 0)] = 0
        kind[(u >= self_share) & (u < self_share + cal.SAME_GROUP_SHARE)] = 1
        kind[(u >= self_share + cal.SAME_GROUP_SHARE)
             & (u < self_share + cal.SAME_GROUP_SHARE + cal.SAME_SUBCLASS_SHARE)] = 2
        kind[is_design] = 4
        # self-citations: the company's own earlier patents, near the target date
        m = kind == 0
        if m.any():
            base = company[m].astype(np.int64) << 16
            cited[m] = self._pick(self.key_company, self.cum_company, self.order_company,
                                  base + lo_day[m], base + hi_day[m], rng)
            miss = np.flatnonzero(m)[cited[m] < 0]
            cited[miss] = self._pick(self.key_company, self.cum_company, self.order_company,
                                     company[miss].astype(np.int64) << 16,
                                     (company[miss].astype(np.int64) << 16) + day[miss] - 7,
                                     rng)
        # same group, or another group of the same subclass
        clusters = p.cluster[citing].astype(np.int64)
        m2 = kind == 2
        if m2.any():
            clusters[m2] = self.tech.sibling_clusters(np.maximum(clusters[m2], 0),
                                                      rng.random(int(m2.sum())))
        m = (kind == 1) | (kind == 2)
        if m.any():
            base = clusters[m] << 16
            cited[m] = self._pick(self.key_cluster, self.cum_cluster, self.order_cluster,
                                  base + lo_day[m], base + hi_day[m], rng)
            # nothing near the target date: any earlier patent of the group
            miss = np.flatnonzero(m)[cited[m] < 0]
            base = clusters[miss] << 16
            cited[miss] = self._pick(self.key_cluster, self.cum_cluster, self.order_cluster,
                                     base, base + day[miss] - 7, rng)
        # anything else, or what found no candidate: any earlier patent near the target date
        m = (cited < 0) & (kind != 4)
        if m.any():
            cited[m] = self._pick(self.key_all, self.cum_all, self.order_all, lo_day[m],
                                  hi_day[m], rng)
        m = (cited < 0) & (kind != 4)
        if m.any():
            cited[m] = self._pick(self.key_all, self.cum_all, self.order_all,
                                  np.zeros(int(m.sum()), np.int64), day[m] - 7, rng)
        m = kind == 4  # designs cite earlier designs
        if m.any() and len(self.designs):
            before = np.searchsorted(p.grant_day[self.designs], day[m] - 7)
            ok = before > 0
            choice = (rng.random(int(m.sum())) * np.maximum(before, 1)).astype(np.int64)
            picked = np.where(ok, self.designs[np.minimum(choice, len(self.designs) - 1)], -1)
            cited[np.flatnonzero(m)] = picked
        # targets before 1976 are older patents outside the world (numbers below 3,930,271)
        old = (cited < 0) & (target < day_of("1976-01-06")) & ~is_design
        pre_number = 3930270 - (rng.exponential(350000, n)).astype(np.int64)
        keep = (cited >= 0) | old
        # one citation per cited patent and citing patent
        pair = citing.astype(np.int64) * 20_000_000 + np.where(cited >= 0, cited,
                                                              10_000_000 + pre_number % 10**7)
        _, first = np.unique(pair, return_index=True)
        unique = np.zeros(n, bool)
        unique[first] = True
        keep &= unique
        # keep the first `wanted` kept candidates of each citing patent
        kept_before = np.cumsum(keep) - keep
        start = np.repeat(np.cumsum(k) - k, k)
        rank = kept_before - kept_before[start] if n else kept_before
        keep &= rank < np.repeat(wanted, k)
        counts = np.bincount(np.repeat(np.arange(len(rows)), k)[keep], minlength=len(rows))
        seq = np.arange(int(keep.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return {"citing": citing[keep], "sequence": seq, "cited": cited[keep],
                "old_number": np.maximum(pre_number[keep], 1_000_000),
                "old_day": np.maximum(target[keep], day_of("1836-07-13")),
                "kind": kind[keep]}


def _write_patentsview(out: Tables, p: Patents, companies: list[Company], names: Names,
                       tech: Technology, texts: TextMaker, cites: Citations, rows: np.ndarray,
                       seed: int, year: int, stats: Stats, events: Any,
                       groups_of: np.ndarray, focus_keys: np.ndarray) -> None:
    rng = np.random.default_rng([seed, 10, year])
    pid = p.patent_id(rows)
    doc = p.doc_type[rows]
    kind = np.where(doc == DESIGN, "S", np.where(doc == REISSUE, "E",
                    np.where(p.year[rows] < 2001, "A", np.where(p.parent[rows] >= 0, "B2",
                             np.where(rng.random(len(rows)) < 0.25, "B1", "B2")))))
    clusters = np.maximum(p.cluster[rows], 0)
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
        "patent_date": iso(p.grant_day[rows]),
        "patent_title": titles,
        "wipo_kind": kind,
        "num_claims": claims,
        "withdrawn": np.zeros(len(rows), np.int8),
        "filename": np.full(len(rows), f"synthetic-{seed}"),
    })
    util = rows[doc != DESIGN]
    out.write("patentsview/g_patent_abstract.tsv", {
        "patent_id": p.patent_id(util),
        "patent_abstract": texts.abstracts(rng, np.maximum(p.cluster[util], 0)),
    })
    series = p.app_series[rows]
    out.write("patentsview/g_application.tsv", {
        "application_id": np.char.add(np.char.add(np.char.zfill(series.astype("U2"), 2), "/"),
                                      np.char.zfill(p.app_serial[rows].astype("U6"), 6)),
        "patent_id": pid,
        "patent_application_type": np.char.zfill(series.astype("U2"), 2),
        "filing_date": iso(p.filing_day[rows]),
        "series_code": np.char.zfill(series.astype("U2"), 2),
        "rule_47_flag": np.zeros(len(rows), np.int8),
    })
    # CPC: the cluster's real symbols, first one inventive
    util_rows = rows[doc != DESIGN]
    n_cpc = 1 + rng.poisson(4.9, len(util_rows))
    owner = np.repeat(util_rows, n_cpc)
    seq = np.arange(len(owner)) - np.repeat(np.cumsum(n_cpc) - n_cpc, n_cpc)
    own_cluster = p.cluster[owner].astype(np.int64)
    other = rng.random(len(owner)) < 0.35  # some symbols from a group of the same subclass
    sibling = tech.sibling_clusters(own_cluster, rng.random(len(owner)))
    clusters_used = np.where(other & (seq > 0), sibling, own_cluster)
    sid = tech.pick_symbols(clusters_used, rng.random(len(owner)))
    # a company group's own patents in its focus clusters lead with one of its product
    # features (Technology.in_product): the first symbol moves to the anchor otherwise
    lead = seq == 0
    company = p.company[owner[lead]].astype(np.int64)
    group = np.where(company >= 0, groups_of[np.maximum(company, 0)], -1)
    cl = own_cluster[lead]
    key = group * len(tech.groups) + cl
    # sorted keys and searchsorted: np.isin would pick its lookup-table method here and
    # allocate the whole key range (~100 MB) for every chunk, doubling the 1M-patent time
    if len(focus_keys):
        at = np.minimum(np.searchsorted(focus_keys, key), len(focus_keys) - 1)
        focused = (group >= 0) & (focus_keys[at] == key)
    else:
        focused = np.zeros(len(key), bool)
    fix = focused & ~tech.in_product(np.maximum(group, 0), cl, sid[lead])
    lead_sid = sid[lead]
    lead_sid[fix] = tech.symbol_offset[cl[fix]] + tech.anchor(group[fix], cl[fix])
    sid[lead] = lead_sid
    assert p.first_symbol is not None
    p.first_symbol[owner[lead]] = lead_sid
    _, first = np.unique(owner.astype(np.int64) * 10_000_000 + sid, return_index=True)
    keep = np.zeros(len(owner), bool)
    keep[first] = True
    owner, seq, sid = owner[keep], seq[keep], sid[keep]
    sym_str = tech.symbol_flat[sid].astype(str)
    out.write("patentsview/g_cpc_current.tsv", {
        "patent_id": p.patent_id(owner),
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
    assigned = rows[p.company[rows] >= 0]
    raw, kinds = _mentions(names, p.company[assigned], p.grant_day[assigned], rng)
    comp = p.company[assigned]
    subsidiary = np.array([companies[c].parent is not None for c in comp.tolist()], bool)
    for k, flag in zip(kinds, subsidiary.tolist(), strict=True):
        stats.add("variant_subsidiary" if flag else f"variant_{k}")
    foreign = np.array([companies[c].country != "US" for c in comp.tolist()], bool)
    atype = np.where(foreign, "3", "2")
    canonical = np.array([names.canonical[c] if c not in names.renamed
                          or p.grant_day[a] < names.renamed[c][0] else names.renamed[c][1]
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
    loc = np.array([f"syn-loc-{companies[c].country.lower()}" for c in comp.tolist()])
    out.write("patentsview/g_assignee_not_disambiguated.tsv", {
        "patent_id": p.patent_id(assigned),
        "assignee_sequence": np.zeros(len(assigned), np.int8),
        "assignee_id": aid,
        "raw_assignee_individual_name_first": pa.array(empty.tolist(), pa.string()),
        "raw_assignee_individual_name_last": pa.array(empty.tolist(), pa.string()),
        "raw_assignee_organization": np.array(raw, dtype=str),
        "assignee_type": atype,
        "rawlocation_id": loc,
    })
    out.write("patentsview/g_assignee_disambiguated.tsv", {
        "patent_id": p.patent_id(assigned),
        "assignee_sequence": np.zeros(len(assigned), np.int8),
        "assignee_id": aid,
        "disambig_assignee_individual_name_first": pa.array(empty.tolist(), pa.string()),
        "disambig_assignee_individual_name_last": pa.array(empty.tolist(), pa.string()),
        "disambig_assignee_organization": org,
        "assignee_type": atype,
        "location_id": loc,
    })
    # term of grant: PTA days and terminal disclaimers
    tg = rows[(p.pta[rows] > 0) | p.disclaimer[rows]]
    dd = p.disclaimer[tg]
    parent_exp = np.where(p.parent_filing[tg] > 0, p.parent_filing[tg],
                          p.filing_day[tg] - 900) + int(20 * 365.25)
    out.write("patentsview/g_us_term_of_grant.tsv", {
        "patent_id": p.patent_id(tg),
        "disclaimer_date": nullable(iso(parent_exp), dd),
        "term_disclaimer": nullable(np.full(len(tg), "This patent is subject to a terminal "
                                            "disclaimer."), dd),
        "term_grant": pa.array([None] * len(tg), pa.int32()),
        "term_extension": p.pta[tg],
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

    for i in rows[(p.parent_kind[rows] >= 0) | (p.provisional_day[rows] >= 0)
                  | (p.original[rows] >= 0)].tolist():
        pat = str(p.patent_id(i)[0])
        wk = "B2" if p.doc_type[i] == UTILITY else "E"
        seq_ = 0
        if p.parent_kind[i] >= 0:
            kind_name = CONTINUATION_KINDS[p.parent_kind[i]].replace("-", "_")
            par = int(p.parent[i])
            status = "GRANTED" if par >= 0 else "ABANDONED"
            add(pat, f"{p.parent_app[i]:08d}", kind_name, "00", str(iso(p.parent_filing[i])),
                status, seq_, wk)
            seq_ += 1
            if par >= 0:
                add(pat, str(p.patent_id(par)[0]), kind_name, "B2" if p.year[par] >= 2001
                    else "A", str(iso(p.grant_day[par])), "", seq_, wk)
                seq_ += 1
        if p.provisional_day[i] >= 0:
            number = f"{60 + max(0, (int(p.year[i]) - 1996) // 7)}{(i * 7919) % 999999:06d}"
            add(pat, number, "us_provisional_application", "00",
                str(iso(p.provisional_day[i])), "", seq_, wk)
            seq_ += 1
        if p.original[i] >= 0:
            o = int(p.original[i])
            add(pat, str(p.patent_id(o)[0]), "reissue", "A" if p.year[o] < 2001 else "B2",
                str(iso(p.grant_day[o])), "", seq_, wk)
    out.write("patentsview/g_us_rel_doc.tsv", {
        **{k: rel[k] for k in rel if k not in ("related_doc_sequence",)},
        "related_doc_sequence": pa.array(rel["related_doc_sequence"], pa.int32()),
    } if rel["patent_id"] else {k: pa.array([], pa.string()) for k in rel})
    _write_documents(out, p, events, rows, titles)
    # citations
    c = cites.draw(rows, rng)
    cited = c["cited"]
    inside = cited >= 0
    cited_id = np.where(inside, p.patent_id(np.maximum(cited, 0)), c["old_number"].astype("U8"))
    cited_day = np.where(inside, p.grant_day[np.maximum(cited, 0)], c["old_day"])
    month = np.char.add(np.char.ljust(iso(cited_day), 7).astype("U7"), "-01")
    year_citing = p.year[c["citing"]]
    u = rng.random(len(cited))
    category = np.where(year_citing < 2001, "", np.where(u < cal.EXAMINER_SHARE,
                                                        "cited by examiner",
                                                        "cited by applicant"))
    cited_kind = np.where(~inside, "A", np.where(p.doc_type[np.maximum(cited, 0)] == DESIGN,
                                                 "S", np.where(cited_day < day_of("2001-01-02"),
                                                               "A", "B2")))
    name_idx = (np.where(inside, cited, c["old_number"]) * 2654435761) % (len(LAST_NAMES) * 3)
    surnames = np.array(LAST_NAMES)[name_idx // 3]
    record_name = np.where(name_idx % 3 == 0, surnames, np.char.add(surnames, " et al."))
    out.write("patentsview/g_us_patent_citation.tsv", {
        "patent_id": p.patent_id(c["citing"]),
        "citation_sequence": c["sequence"],
        "citation_patent_id": cited_id,
        "citation_date": month,
        "record_name": record_name,
        "wipo_kind": cited_kind,
        "citation_category": nullable(category, category != ""),
    })
    stats.add("citations", len(cited))
    stats.add("citations_self", int((c["kind"] == 0).sum()))
    stats.add("citations_same_group", int((inside & (p.cluster[np.maximum(cited, 0)]
                                                     == p.cluster[c["citing"]])).sum()))
    stats.add("citations_outside_world", int((~inside).sum()))
    recent = year_citing >= 2001
    stats.add("citations_2001_on", int(recent.sum()))
    stats.add("citations_examiner_2001_on", int((recent & (category == "cited by examiner"))
                                                .sum()))
    lag = (p.grant_day[c["citing"]][inside] - cited_day[inside]) / 365.25
    stats.values.setdefault("lag_samples", []).extend(lag[::97].round(2).tolist())
    hits = cited[inside]
    if len(hits):  # cited patents are earlier ones: count over that range only
        counts = np.bincount(hits)
        stats.forward[:len(counts)] += counts.astype(np.int32)


def _write_documents(out: Tables, p: Patents, events: Any, rows: np.ndarray,
                     titles: list[str]) -> None:
    """The employee assignment records of these patents (rows: consecutive, in patent
    order), and the documentid rows of every assignment record that covers them."""
    first, end = int(rows[0]), int(rows[-1]) + 1
    employee = write_employee_records(events, first, end)
    lo, hi = np.searchsorted(events.doc_patent, [first, end])
    idx = np.concatenate([events.doc_patent[lo:hi], employee["patent"]]).astype(np.int64)
    if len(idx) == 0:
        return
    reel = np.concatenate([events.doc_reel[lo:hi], employee["reel"]])
    frame = np.concatenate([events.doc_frame[lo:hi], employee["frame"]])
    seq = np.concatenate([events.doc_seq[lo:hi], np.ones(len(employee["patent"]), np.int32)])
    inventors = np.concatenate([np.full(hi - lo, "", dtype=object), employee["inventors"]])
    order = np.argsort(idx, kind="stable")
    idx, reel, frame, seq, inventors = idx[order], reel[order], frame[order], seq[order], \
        inventors[order]
    app = p.app_series[idx].astype(np.int64) * 1_000_000 + p.app_serial[idx]
    published = p.filing_day[idx] >= day_of("2000-11-29")
    pub_day = p.filing_day[idx] + 548
    pub_year = np.char.ljust(iso(pub_day), 4).astype("U4")
    pub_number = np.char.add(pub_year, np.char.zfill(((idx.astype(np.int64) * 7919) % 10**7)
                                                     .astype("U7"), 7))
    out.write("assignments/documentid.csv", {
        "rf_id": np.char.add(np.char.add(reel.astype(str), "-"), frame.astype(str)),
        "doc_seq": seq.astype(np.int32),
        "title": np.char.upper(np.array([titles[i - first] for i in idx.tolist()], dtype=str)),
        "appno_doc_num": np.char.zfill(app.astype("U8"), 8),
        "appno_date": iso(p.filing_day[idx]),
        "pgpub_doc_num": nullable(pub_number, published),
        "pgpub_date": nullable(iso(pub_day), published),
        "grant_doc_num": p.patent_id(idx),
        "grant_date": iso(p.grant_day[idx]),
        "pct_num": pa.array([None] * len(idx), pa.string()),
        "inventors": pa.array(inventors.tolist(), pa.string()),
    })


def generate_world(
    out: Path,
    n_patents: int,
    seed: int = 1,
    scenario: str | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Write a synthetic world to ``out``; returns its statistics (also in truth/stats.json).

    Deterministic: the same ``n_patents``, ``seed`` and ``scenario`` give the same bytes.
    """
    from warchest.synth.events import write_events  # the reassignments, fees, families
    from warchest.synth.truth import ultimate_parents, write_truth

    def step(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    out.mkdir(parents=True, exist_ok=True)
    tech = Technology.load()
    step("companies", 0, 1)
    companies = make_companies(n_patents, seed, tech, scenario)
    names = Names.draw(companies, seed)
    step("patents", 0, 1)
    p = draw_patents(n_patents, seed, companies, tech)
    events = write_events(out, p, companies, names, seed, step)
    texts = TextMaker(cluster_vocabularies(tech))
    cites = Citations(p, tech)
    tables = Tables(out)
    stats = Stats(forward=np.zeros(p.n, np.int32))
    p.first_symbol = np.full(p.n, -1, np.int32)
    groups_of = ultimate_parents(companies)
    focus_keys = np.unique(np.concatenate([
        [int(groups_of[c.id]) * len(tech.groups) + int(f) for f in c.focus]
        for c in companies if c.parent is None] + [np.zeros(0, np.int64)]).astype(np.int64))
    years = np.unique(p.year)
    for k, year in enumerate(years.tolist()):
        in_year = np.flatnonzero(p.year == year)
        # at most ROWS_PER_CHUNK patents at a time, so memory does not grow with the world
        for part, start in enumerate(range(0, len(in_year), ROWS_PER_CHUNK)):
            rows = in_year[start:start + ROWS_PER_CHUNK]
            _write_patentsview(tables, p, companies, names, tech, texts, cites, rows, seed,
                               year * 1000 + part, stats, events, groups_of, focus_keys)
        step("patentsview tables", k + 1, len(years))
    tables.close()
    events.close()
    label = {"label": f"synthetic world (seed {seed})",
             "note": f"warchest synth --patents {n_patents} --seed {seed}"
                     + (f" --scenario {scenario}" if scenario else "")
                     + ": generated data, not real patents"}
    for folder in ("patentsview", "assignments", "maintfee", "families"):
        (out / folder).mkdir(exist_ok=True)
        (out / folder / "PROVENANCE.json").write_text(json.dumps(label, indent=1) + "\n")
    summary = write_truth(out, p, companies, names, tech, stats, events, seed, n_patents,
                          scenario, tables.rows)
    step("done", 1, 1)
    return summary


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def date_text(day: int) -> str:
    return (EPOCH + dt.timedelta(days=int(day))).isoformat()


__all__ = ["MARKETS", "generate_world", "interpolate"]
