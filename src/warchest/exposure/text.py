"""Patent texts and their embeddings (the static model shipped with warchest, or TF-IDF)."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pyarrow as pa

from warchest.store import Engine


def _text_of(title: Any, abstract: Any) -> str:
    return f"{title or ''}. {abstract or ''}".strip(". ")


@functools.lru_cache(maxsize=1)
def _float16_table() -> np.ndarray:
    """Every float16 bit pattern as float32: decoding by lookup costs the same for every
    value (numpy's float16 cast is slow on subnormals, which small vector components are)."""
    table: np.ndarray = np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32)
    return table


def _vectors_of(column: pa.ChunkedArray | pa.Array, dims: int) -> np.ndarray:
    """float16 blobs (all ``dims`` long) as a float32 matrix, without a Python loop."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if len(arr) == 0:
        return np.zeros((0, dims), np.float32)
    offsets = np.frombuffer(arr.buffers()[1], np.int32, len(arr) + 1, arr.offset * 4)
    data = np.frombuffer(arr.buffers()[2], np.uint8)[offsets[0]:offsets[-1]]
    bits = data.view(np.uint16).reshape(len(arr), dims)
    out: np.ndarray = _float16_table()[bits]
    return out


def embed(store: Engine, rows: pa.Table, method: str = "auto") -> tuple[np.ndarray, str]:
    """Normalised text vectors (title and abstract) for the patents of ``rows`` (a table
    with a ``patent_id`` column), in its order; vectors of the static model are read from
    and added to the store's cache (``patent_embeddings``), and remembered in this process
    until the store changes."""
    ids = rows.select(["patent_id"])

    def compute() -> tuple[np.ndarray, str]:
        vectors, used = _embed(store, ids, method)
        vectors.setflags(write=False)  # shared by later calls
        return vectors, used
    return store.remember(("embed", method, store.fingerprint(ids)), compute)


def _embed(store: Engine, rows: pa.Table, method: str) -> tuple[np.ndarray, str]:
    from warchest.techmap.text import TextEncoder

    encoder = TextEncoder(method)
    n = rows.num_rows
    wanted = pa.table({"k": pa.array(np.arange(n), pa.int64()),
                       "patent_id": rows.column("patent_id")})
    if encoder.method != "static":
        texts = patent_texts(store, wanted)
        return encoder.fit(texts).encode(texts), encoder.method
    dims = encoder.dims
    model = f"static-{dims}"
    have = np.zeros(n, bool)
    vectors = np.zeros((0, dims), np.float32)
    if n:
        cached = store.query_using({"wanted": wanted}, (
            "SELECT w.k, e.vector FROM wanted w JOIN patent_embeddings e "
            "ON e.patent_id = w.patent_id WHERE e.model = ? ORDER BY w.k"), [model])
        at = cached.column("k").to_numpy()
        if len(at) == n:  # every vector cached: rows 0..n-1 in order, no scatter
            return _vectors_of(cached.column("vector"), dims), encoder.method
        vectors = np.zeros((n, dims), np.float32)
        vectors[at] = _vectors_of(cached.column("vector"), dims)
        have[at] = True
    missing = np.flatnonzero(~have)
    if len(missing):
        todo = wanted.take(pa.array(missing))
        texts = patent_texts(store, todo)
        fresh = encoder.encode(texts)
        # as stored (float16): the same numbers whether a vector was cached or not
        vectors[missing] = fresh.astype(np.float16).astype(np.float32)
        ids = todo.column("patent_id").to_pylist()
        first = sorted({p: j for j, p in reversed(list(enumerate(ids)))}.values())
        blob = fresh[first].astype("<f2").tobytes()
        size = dims * 2
        offsets = pa.array(np.arange(0, size * (len(first) + 1), size, dtype=np.int32))
        vector = pa.BinaryArray.from_buffers(pa.binary(), len(first),
                                             [None, offsets.buffers()[1], pa.py_buffer(blob)])
        if getattr(store, "read_only", False):  # a served store: computed, not kept
            return vectors, encoder.method
        with store.keeping_results(), store.transaction():  # a cache: no result reads it
            lid = store.begin_load("embeddings", model, None, None, None)
            store.write("patent_embeddings", pa.table({
                "patent_id": pa.array([ids[j] for j in first], pa.string()),
                "model": pa.array([model] * len(first), pa.string()),
                "vector": vector}), lid)
            store.finish_load(lid, rows_read=len(first), rows_loaded=len(first),
                              rows_quarantined=0, outputs={})
    return vectors, encoder.method


def patent_texts(store: Engine, wanted: pa.Table) -> list[str]:
    """Title and abstract of each wanted patent (``k``, ``patent_id``), in ``k`` order."""
    got = store.query_using({"wanted": wanted}, """
        SELECT w.k, p.title, a.abstract FROM wanted w
        LEFT JOIN patents p ON p.patent_id = w.patent_id
        LEFT JOIN abstracts a ON a.patent_id = w.patent_id ORDER BY w.k""")
    return [_text_of(t, a) for t, a in zip(got.column("title").to_pylist(),
                                           got.column("abstract").to_pylist(), strict=True)]
