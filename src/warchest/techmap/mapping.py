"""Mapping patents to product areas and WIPO fields, and the CPC hierarchy with titles
(the package docstring says what each table holds)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from warchest.errors import BadInputFile
from warchest.progress import StageFn, report_stage
from warchest.results import Result, Row
from warchest.store import Engine, among
from warchest.yamlfile import read_yaml

TAXONOMY = Path(__file__).with_name("taxonomy.yaml")
TECHMAP_TABLES = ("taxonomy_terms", "patent_products", "patent_fields")
TECHMAP_MEMORY = "3GB"
"""The technology map's memory limit unless the user chose one ($WARCHEST_MEMORY_LIMIT):
it streams every title and abstract past the keywords, and under DuckDB's default (80%
of RAM) it kept what it read, 10.6 GB at the full corpus's size (bench/RESULTS.md,
2026-12-05, bench/full_scale.py)."""
_CPC_PREFIX = re.compile(r"^[A-HY]\d\d[A-Z](\d{1,4}(/\d*)?)?$")


@dataclass
class Product:
    name: str
    description: str
    cpc: list[str]
    keywords: list[str]


@dataclass(frozen=True)
class TechmapReport(Result):
    """What ``map_technology`` derived: product areas and their patterns (``terms``),
    patent -> product rows, patent -> WIPO field rows, seconds per table; ``areas`` (the
    main table): patents per product area, by CPC and by keyword."""

    TABLE = "areas"
    products: int
    terms: int
    patent_products: int
    patent_fields: int
    seconds: dict[str, float]
    areas: tuple[Row, ...]


def load_taxonomy(path: Path | None = None) -> list[Product]:
    """Read a taxonomy YAML file (see ``taxonomy.yaml``); a bad entry is named in the
    error with what to write instead."""
    path = path or TAXONOMY
    data = read_yaml(path, "taxonomy")
    if not isinstance(data, dict) or not data:
        raise BadInputFile(f"{path}: expected product areas, e.g. 'smartphone: {{cpc: [H04M1/], "
                           "keywords: [handset]}'")
    products = []
    for name, spec in data.items():
        if not isinstance(spec, dict):
            raise BadInputFile(f"{path}: area {name!r} needs 'cpc' and/or 'keywords' lists")
        cpc = [str(c).replace(" ", "").upper() for c in spec.get("cpc") or []]
        bad = [c for c in cpc if not _CPC_PREFIX.match(c)]
        if bad:
            raise BadInputFile(f"{path}: area {name!r} has CPC prefixes {bad} that are not "
                               "a subclass or group (e.g. H04W, H04W72/, G06F3/048)")
        # keywords are matched on text normalised to lower-case letters, digits and single
        # spaces: normalised the same way, they cannot hold a LIKE wildcard (% or _)
        keywords = [" ".join(re.split(r"[^a-z0-9]+", str(k).lower())).strip()
                    for k in spec.get("keywords") or []]
        empty = [k for k, norm in zip(spec.get("keywords") or [], keywords, strict=True)
                 if not norm]
        if empty:
            raise BadInputFile(f"{path}: area {name!r} has keywords {empty} with no letter or "
                               "digit; a keyword is a word or phrase (e.g. handset)")
        if not cpc and not keywords:
            raise BadInputFile(f"{path}: area {name!r} has neither 'cpc' nor 'keywords'")
        products.append(Product(str(name), str(spec.get("description") or ""), cpc,
                                keywords))
    return products


def _normalised_text(expr: str) -> str:
    """Lower case, every run of other characters one space, padded with spaces."""
    return f"' ' || regexp_replace(lower({expr}), '[^a-z0-9]+', ' ', 'g') || ' '"


def products_sql(only: str | None = None) -> str:
    """``patent_products`` rows from ``taxonomy_terms`` (portable SQL).

    A CPC prefix matches a symbol it starts (joined on the subclass first). A keyword (a
    normalised word or phrase) matches a text that holds it between word boundaries: the
    text, normalised the same way, is split into its words and joined to the keywords on
    their first word (a hash join: one pass over the texts, whatever the number of
    keywords, instead of every keyword tried against every text); a one-word keyword is
    then matched, and a phrase is checked against the text of the candidates only. Same
    answer as ``' ' || text || ' ' LIKE '% phrase %'`` for every keyword. The text is the
    title and the abstract, each padded: a phrase does not run from one into the other;
    a patent with an abstract and no title is matched on its abstract. ``only`` (an
    incremental derivation): the name of a table of patent_ids; their rows only."""
    title = _normalised_text("p.title")
    abstract = _normalised_text("a.abstract")
    return f"""
WITH prefixes AS (
    SELECT product, pattern, substr(pattern, 1, 4) AS subclass
    FROM taxonomy_terms WHERE kind = 'cpc'
),
by_cpc AS (
    SELECT c.patent_id, x.product, 'cpc' AS via,
           min(c.symbol) AS evidence, count(DISTINCT c.symbol) AS matches
    FROM cpc c JOIN prefixes x
      ON x.subclass = c.subclass AND c.symbol LIKE x.pattern || '%'{among("c.patent_id", only)}
    GROUP BY c.patent_id, x.product
),
words AS (
    SELECT product, pattern, split_part(pattern, ' ', 1) AS first_word,
           strpos(pattern, ' ') > 0 AS phrase
    FROM taxonomy_terms WHERE kind = 'keyword'
),
texts AS (
    SELECT p.patent_id, coalesce({title}, '') || coalesce({abstract}, '') AS body
    FROM patents p LEFT JOIN abstracts a ON a.patent_id = p.patent_id
    WHERE (p.title IS NOT NULL OR a.abstract IS NOT NULL){among("p.patent_id", only)}
),
tokens AS (
    SELECT t.patent_id, t.body, tok.word
    FROM texts t CROSS JOIN unnest(string_split(t.body, ' ')) AS tok(word)
),
hits AS (
    SELECT k.patent_id, w.product, w.pattern
    FROM tokens k JOIN words w ON w.first_word = k.word
    WHERE NOT w.phrase OR k.body LIKE '%' || ' ' || w.pattern || ' ' || '%'
),
by_keyword AS (
    SELECT patent_id, product, 'keyword' AS via,
           min(pattern) AS evidence, count(DISTINCT pattern) AS matches
    FROM hits
    GROUP BY patent_id, product
)
SELECT patent_id, product, via, evidence, CAST(matches AS INTEGER) AS matches FROM by_cpc
UNION ALL
SELECT patent_id, product, via, evidence, CAST(matches AS INTEGER) AS matches
FROM by_keyword
"""


def fields_sql(only: str | None = None) -> str:
    """``patent_fields`` rows: the WIPO field of each patent (portable SQL); ``only`` as in
    ``products_sql``."""
    return f"""
WITH concordance AS (
    SELECT field_id, field_title, sector, ipc_prefix, substr(ipc_prefix, 1, 4) AS subclass,
           length(ipc_prefix) AS depth
    FROM ipc_wipo_fields WHERE ipc_prefix IS NOT NULL
),
symbols AS (
    SELECT patent_id, replace(symbol, ' ', '') AS symbol, 'ipc' AS via FROM ipc
    WHERE symbol IS NOT NULL{among("ipc.patent_id", only)}
    UNION ALL
    SELECT c.patent_id, c.symbol, 'cpc' AS via FROM cpc c
    WHERE c.symbol IS NOT NULL{among("c.patent_id", only)}
      AND NOT EXISTS (SELECT 1 FROM ipc i WHERE i.patent_id = c.patent_id)
),
matched AS (
    SELECT s.patent_id, s.symbol, s.via, k.field_id, k.field_title, k.sector,
           row_number() OVER (PARTITION BY s.patent_id, s.symbol
                              ORDER BY k.depth DESC, k.field_id) AS r
    FROM symbols s JOIN concordance k
      ON k.subclass = substr(s.symbol, 1, 4) AND s.symbol LIKE k.ipc_prefix || '%'
)
SELECT patent_id, field_id, min(field_title) AS field_title, min(sector) AS sector,
       min(via) AS via, CAST(count(*) AS INTEGER) AS symbols,
       min(symbol) AS evidence
FROM matched WHERE r = 1
GROUP BY patent_id, field_id
"""


def map_technology(store: Engine, taxonomy: Path | None = None,
                   stage: StageFn | None = None) -> TechmapReport:
    """Derive taxonomy_terms, patent_products and patent_fields (replacing an earlier run);
    ``stage`` is told each step as it starts (:mod:`warchest.progress`)."""
    products = load_taxonomy(taxonomy)
    rows: dict[str, list[Any]] = {"product": [], "description": [], "kind": [],
                                  "pattern": [], "source": []}
    for p in products:
        for kind, patterns in (("cpc", p.cpc), ("keyword", p.keywords)):
            for pattern in patterns:
                rows["product"].append(p.name)
                rows["description"].append(p.description)
                rows["kind"].append(kind)
                rows["pattern"].append(pattern)
                rows["source"].append(str(taxonomy or "(shipped taxonomy.yaml)"))
    with store.memory_at_most(TECHMAP_MEMORY), store.transaction():
        load_id = store.begin_load("techmap", str(taxonomy or TAXONOMY), None, None, None)
        for t in TECHMAP_TABLES:
            store.clear(t)
        store.write("taxonomy_terms", pa.table(rows), load_id)
        terms = len(rows["product"])
        derived: dict[str, int] = {}
        seconds: dict[str, float] = {}
        for k, (table, sql) in enumerate((("patent_products", products_sql()),
                                          ("patent_fields", fields_sql()))):
            report_stage(stage, f"techmap: {table}", k, 2)
            started = time.perf_counter()
            derived[table] = store.derive(table, sql, load_id)
            seconds[table] = time.perf_counter() - started
        store.finish_load(load_id, rows_read=terms, rows_loaded=terms,
                          rows_quarantined=0, outputs={})
    store.checkpoint()
    report_stage(stage, "techmap: done", 2, 2)
    return TechmapReport(len(products), terms, derived["patent_products"],
                         derived["patent_fields"], seconds, tuple(product_summary(store)))


@dataclass(frozen=True)
class CpcPath(Result):
    """The CPC hierarchy above a symbol, top down: section, class, subclass, main group,
    the symbol itself; each level's ``symbol``, ``rank`` and ``title`` (None where the
    store's title list lacks it)."""

    TABLE = "levels"
    symbol: str
    levels: tuple[Row, ...]


def describe_symbol(store: Engine, symbol: str) -> CpcPath:
    """The CPC hierarchy above a symbol with titles: section, class, subclass, main group,
    the symbol itself (the levels the store's title list has)."""
    s = symbol.replace(" ", "").upper()
    levels = [s[:1], s[:3], s[:4]]
    if "/" in s:
        levels += [s.split("/")[0] + "/00", s]
    levels = list(dict.fromkeys(levels))
    found = {r["symbol"]: r for r in store.rows(
        f"SELECT symbol, rank, title FROM cpc_titles WHERE symbol IN "
        f"({', '.join('?' for _ in levels)})", levels)}
    if s not in found and not found:
        raise BadInputFile(f"CPC symbol {symbol!r} is not in the store's CPC titles; load "
                           "them with `warchest load cpc` or check the symbol (e.g. H04W72/04)")
    return CpcPath(s, tuple(found.get(x, {"symbol": x, "rank": None, "title": None})
                            for x in levels))


def product_summary(store: Engine) -> list[dict[str, Any]]:
    """Patents per product area and evidence kind."""
    return store.rows("""
        SELECT t.product, min(t.description) AS description,
               count(DISTINCT CASE WHEN pp.via = 'cpc' THEN pp.patent_id END) AS by_cpc,
               count(DISTINCT CASE WHEN pp.via = 'keyword' THEN pp.patent_id END)
                   AS by_keyword,
               count(DISTINCT pp.patent_id) AS patents
        FROM taxonomy_terms t LEFT JOIN patent_products pp ON pp.product = t.product
        GROUP BY t.product ORDER BY patents DESC, t.product""")
