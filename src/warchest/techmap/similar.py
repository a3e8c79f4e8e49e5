"""Nearest neighbours by text: the patents closest to a patent or to a text.

Scales by **blocking on technology**: the candidates are the patents that share a CPC
subclass (``block="subclass"``, the default) or a CPC main group (``"group"``) with the
query patent, or fall under the CPC prefixes given with ``within`` (how a text query is
blocked); ``"all"`` compares with every patent. Candidates are scored in chunks of
``CHUNK`` (memory bounded by a chunk, not by the corpus) against the query's vector: the
cosine of the shipped static model's vectors (cached in ``patent_embeddings``, so a second
search over the same technology encodes nothing), or of hashed TF-IDF vectors fitted on the
candidates when the model is absent. The best ``top`` are kept across chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from warchest.errors import (
    InputError,
)
from warchest.results import Result, row_type
from warchest.store import Engine

CHUNK = 100_000
TFIDF_CHUNK = 64  # TF-IDF vectors are dense 2^18-wide rows: small batches
BLOCKS = ("subclass", "group", "all")



@row_type
@dataclass(frozen=True)
class SimilarPatent:
    """A patent near the query: cosine similarity, title and CPC subclasses."""

    patent_id: str
    similarity: float
    title: str | None
    cpc_subclasses: str | None


@dataclass(frozen=True)
class SimilarPatents(Result):
    """The patents nearest to ``query`` (a patent id or a text), best first; ``method``:
    the text representation used; ``blocked_by``: which patents were compared
    (``candidates`` of them)."""

    TABLE = "results"
    query: str
    method: str
    blocked_by: str
    candidates: int
    results: tuple[SimilarPatent, ...]

def _merge(best: list[tuple[float, str]], ids: list[str], scores: np.ndarray,
           top: int) -> list[tuple[float, str]]:
    k = min(top, len(scores))
    if k:
        at = np.argpartition(-scores, k - 1)[:k]
        best = best + [(float(scores[i]), ids[i]) for i in at.tolist()]
    return sorted(best, key=lambda x: (-x[0], x[1]))[:top]


def _candidates_sql(block: str, keys: list[str]) -> tuple[str, list[Any]]:
    if block == "all":
        return "SELECT patent_id FROM patents ORDER BY patent_id", []
    column = "subclass" if block == "subclass" else "main_group"
    marks = ", ".join("?" for _ in keys)
    return (f"SELECT DISTINCT patent_id FROM cpc WHERE {column} IN ({marks}) "
            "ORDER BY patent_id", keys)


def _within_sql(prefixes: list[str]) -> tuple[str, list[Any]]:
    ors = " OR ".join("starts_with(replace(symbol, ' ', ''), ?)" for _ in prefixes)
    return (f"SELECT DISTINCT patent_id FROM cpc WHERE {ors} ORDER BY patent_id",
            [p.replace(" ", "").upper() for p in prefixes])


def find_similar(store: Engine, patent: str | None = None, text: str | None = None,
                 top: int = 10, block: str = "subclass", within: list[str] | None = None,
                 method: str = "auto") -> SimilarPatents:
    """The ``top`` patents closest to ``patent`` (not itself) or to ``text``, best first,
    each with its cosine similarity, title and CPC subclasses (module docstring)."""
    from warchest.exposure import embed
    from warchest.techmap.text import TextEncoder
    from warchest.value import patent_id_of

    if (patent is None) == (text is None):
        raise InputError("give a patent number or --text, not both and not neither")
    if top < 1:
        raise InputError(f"--top {top} must be at least 1")
    if block not in BLOCKS:
        raise InputError(f"--block {block!r} is not one of: {', '.join(BLOCKS)}")
    encoder = TextEncoder(method)
    query_id = patent_id_of(store, patent) if patent is not None else None
    if within:
        sql, params = _within_sql(within)
        blocked_by = f"CPC under {', '.join(within)}"
    elif block == "all":
        sql, params = _candidates_sql("all", [])
        blocked_by = "every patent"
    elif query_id is None:
        raise InputError("a text has no CPC to block on: give --within with CPC prefixes "
                            "(e.g. H04W,H04L) or --block all")
    else:
        column = "subclass" if block == "subclass" else "main_group"
        keys = sorted(r["k"] for r in store.rows(
            f"SELECT DISTINCT {column} AS k FROM cpc WHERE patent_id = ? AND {column} IS "
            "NOT NULL", [query_id]))
        if not keys:
            raise InputError(f"patent {query_id} has no CPC {column} to block on; use "
                                "--block all or --within")
        sql, params = _candidates_sql(block, keys)
        blocked_by = f"CPC {column} {', '.join(keys)}"
    ids = [p for p in store.query(sql, params).column("patent_id").to_pylist()
           if p != query_id]
    best: list[tuple[float, str]] = []
    if encoder.method == "static":
        if query_id is not None:
            vectors, _ = embed(store, pa.table({"patent_id": [query_id]}), "static")
            query = vectors[0]
        else:
            query = encoder.encode([str(text)])[0]
        for at in range(0, len(ids), CHUNK):
            part = ids[at:at + CHUNK]
            vectors, _ = embed(store, pa.table({"patent_id": part}), "static")
            best = _merge(best, part, vectors @ query, top)
    else:
        from warchest.exposure import patent_texts

        wanted = pa.table({"k": pa.array(np.arange(len(ids)), pa.int64()), "patent_id": ids})
        texts = patent_texts(store, wanted)
        query_text = str(text) if query_id is None else patent_texts(store, pa.table({
            "k": pa.array([0], pa.int64()), "patent_id": [query_id]}))[0]
        encoder.fit([*texts, query_text])
        query = encoder.encode([query_text])[0]
        for at in range(0, len(ids), TFIDF_CHUNK):
            part = ids[at:at + TFIDF_CHUNK]
            best = _merge(best, part, encoder.encode(texts[at:at + TFIDF_CHUNK]) @ query,
                          top)
    info: dict[str, dict[str, Any]] = {}
    if best:
        for r in store.rows_with("found", pa.table({"patent_id": [p for _, p in best]}), """
                SELECT f.patent_id, p.title,
                       string_agg(DISTINCT c.subclass, ', ' ORDER BY c.subclass) AS subclasses
                FROM found f LEFT JOIN patents p USING (patent_id)
                LEFT JOIN cpc c ON c.patent_id = f.patent_id
                GROUP BY f.patent_id, p.title"""):
            info[r["patent_id"]] = r
    return SimilarPatents(str(query_id or text), encoder.method, blocked_by, len(ids), tuple(
        SimilarPatent(p, round(s, 4), info.get(p, {}).get("title"),
                      info.get(p, {}).get("subclasses"))
        for s, p in best))
