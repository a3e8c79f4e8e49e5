"""Text embeddings for titles, abstracts and claims: a static model, or TF-IDF without it.

The model in ``model/`` is all-MiniLM-L6-v2 distilled into a static model2vec model by
``scripts/build_static_model.py`` (its file hashes are in ``model/MODEL.md``): a text's
vector is the mean of its tokens' rows, so encoding needs no torch and no network (the
model is read from the repository, never from a hub) and runs at thousands of texts a
second on a CPU. Without the model (or with ``method="tfidf"``), texts are embedded by
hashed TF-IDF (word unigrams and bigrams into 2^18 buckets, sublinear tf, idf from the
texts given to ``fit``), L2-normalised: no semantics, but the same API.

Vectors are L2-normalised float32 rows, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).with_name("model")
_WORD = re.compile(r"[a-z0-9]+")
HASH_BUCKETS = 1 << 18


def _normalise(vectors: np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: np.ndarray = v / norms
    return out


class TextEncoder:
    """Embeds texts; ``method`` is ``"static"`` (the shipped model) or ``"tfidf"``."""

    def __init__(self, method: str = "auto", model_dir: Path | None = None) -> None:
        model_dir = model_dir or MODEL_DIR
        if method == "auto":
            method = "static" if (model_dir / "model.safetensors").exists() else "tfidf"
        if method not in ("static", "tfidf"):
            from warchest.errors import InputError

            raise InputError(f"text method {method!r} is not one of: static, tfidf")
        self.method = method
        self._model = None
        self._idf: np.ndarray | None = None
        if method == "static":
            from model2vec import StaticModel

            self._model = StaticModel.from_pretrained(str(model_dir))

    @property
    def dims(self) -> int:
        if self._model is not None:
            return int(self._model.dim)
        return HASH_BUCKETS

    # -- TF-IDF ------------------------------------------------------------------------
    @staticmethod
    def _terms(text: str) -> list[int]:
        words = _WORD.findall(text.lower())
        grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        return [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                % HASH_BUCKETS for g in grams]

    def fit(self, texts: Sequence[str]) -> TextEncoder:
        """Learn TF-IDF document frequencies (no-op for the static model)."""
        if self.method == "tfidf":
            df = np.zeros(HASH_BUCKETS, np.float64)
            for t in texts:
                df[np.unique(np.array(self._terms(t), np.int64))] += 1
            self._idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
        return self

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors, one row per text (a sparse-as-dense matrix for TF-IDF:
        use it for small batches)."""
        if self._model is not None:
            return _normalise(self._model.encode(list(texts)))
        if self._idf is None:
            self.fit(texts)
        assert self._idf is not None
        out = np.zeros((len(texts), HASH_BUCKETS), np.float32)
        for i, t in enumerate(texts):
            ids, counts = np.unique(np.array(self._terms(t), np.int64), return_counts=True)
            out[i, ids] = (1 + np.log(counts)) * self._idf[ids]
        return _normalise(out)


def model_files() -> dict[str, str]:
    """SHA-256 of each model file as listed in model/MODEL.md."""
    listed: dict[str, str] = {}
    md = MODEL_DIR / "MODEL.md"
    if md.exists():
        for line in md.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) == 3 and re.fullmatch(r"[0-9a-f]{64}", cells[2]):
                listed[cells[0]] = cells[2]
    return listed


def top_similar(query: np.ndarray, candidates: np.ndarray, k: int = 10
                ) -> list[tuple[int, float]]:
    """Indexes and cosine similarities of the ``k`` rows of ``candidates`` closest to
    ``query`` (normalised vectors), best first."""
    scores = candidates @ query
    k = min(k, len(scores))
    if k == 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top]
