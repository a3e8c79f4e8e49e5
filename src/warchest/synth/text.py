"""Titles and abstracts whose words follow the patent's technology.

Each technology cluster (CPC main group) gets a vocabulary from the real CPC titles of the
group and its subgroups (the official CPC title list shipped with warchest); a patent's title
and abstract are drawn from its cluster's vocabulary, so text similarity carries the same
signal as the classification.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np

from warchest.synth.world import Technology

CPC_TITLES = Path(__file__).resolve().parent.parent / "samples" / "cpc" / \
    "CPCTitleList202208.zip"
STOP = {
    "with", "from", "that", "this", "other", "than", "more", "such", "using", "used",
    "being", "their", "which", "into", "having", "specially", "adapted", "means", "thereof",
    "therefor", "characterised", "characterized", "details", "general", "parts", "group",
    "groups", "subclass", "class", "main", "covered", "provided", "e.g.", "i.e.", "only",
    "these", "those", "where", "when", "without", "also", "each", "same", "said", "both",
    "kind", "kinds", "type", "types", "particular", "arrangements", "arrangement",
    "apparatus", "method", "methods", "systems", "system", "devices", "device", "takes",
    "precedence", "relating", "combined", "specific", "including", "included", "namely",
}
NOUNS = ("system", "method", "apparatus", "device", "circuit", "assembly", "module",
         "structure", "process", "arrangement", "mechanism", "interface")
WORD = re.compile(r"[a-z]{4,}")


def cluster_vocabularies(tech: Technology, per_cluster: int = 48) -> list[list[str]]:
    """Words of each cluster, from the CPC titles of its main group and subgroups."""
    wanted = {g.split("/")[0]: i for i, g in enumerate(tech.groups)}
    words: list[dict[str, int]] = [{} for _ in tech.groups]
    with zipfile.ZipFile(CPC_TITLES) as archive:
        for member in sorted(archive.namelist()):
            for line in archive.read(member).decode("utf-8").splitlines():
                symbol, _, rest = line.partition("\t")
                i = wanted.get(symbol.split("/")[0]) if "/" in symbol else None
                if i is None:
                    continue
                title = rest.partition("\t")[2].lower()
                title = re.sub(r"\([^)]*\)|\{[^}]*\}", " ", title)
                for w in WORD.findall(title):
                    if w not in STOP:
                        words[i][w] = words[i].get(w, 0) + 1
    out = []
    for counts, group in zip(words, tech.groups, strict=True):
        ranked = sorted(counts, key=lambda w: (-counts[w], w))[:per_cluster]
        out.append(ranked or [group.lower()])
    return out


class TextMaker:
    """Draws titles and abstracts for many patents at once."""

    def __init__(self, vocab: list[list[str]]) -> None:
        sizes = np.array([len(v) for v in vocab])
        self.offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self.sizes = sizes
        self.words = np.array([w for v in vocab for w in v], dtype=object)

    def _draw(self, rng: np.random.Generator, clusters: np.ndarray, k: int) -> np.ndarray:
        u = rng.random((len(clusters), k))
        idx = self.offsets[clusters][:, None] + (u * self.sizes[clusters][:, None]).astype(int)
        out: np.ndarray = self.words[idx]
        return out

    def titles(self, rng: np.random.Generator, clusters: np.ndarray) -> list[str]:
        w = self._draw(rng, clusters, 4)
        nouns = rng.integers(len(NOUNS), size=len(clusters))
        forms = rng.integers(3, size=len(clusters))
        out = []
        for row, noun, form in zip(w.tolist(), nouns.tolist(), forms.tolist(), strict=True):
            n = NOUNS[noun]
            if form == 0:
                out.append(f"{row[0].capitalize()} {row[1]} {n} and method of operating the same")
            elif form == 1:
                out.append(f"{n.capitalize()} for {row[0]} {row[1]} with {row[2]} {row[3]}")
            else:
                out.append(f"{row[0].capitalize()} {row[1]} {n} using {row[2]}")
        return out

    def abstracts(self, rng: np.random.Generator, clusters: np.ndarray) -> list[str]:
        w = self._draw(rng, clusters, 12)
        nouns = rng.integers(len(NOUNS), size=len(clusters))
        out = []
        for r, noun in zip(w.tolist(), nouns.tolist(), strict=True):
            n = NOUNS[noun]
            out.append(
                f"A {r[0]} {r[1]} {n} includes a {r[2]} {r[3]} and a {r[4]} {r[5]} coupled "
                f"to the {r[2]} {r[3]}. The {r[4]} {r[5]} determines a {r[6]} {r[7]} based on "
                f"the {r[8]} of the {r[0]} {r[1]}. A {r[9]} {r[10]} controls the {r[11]} in "
                f"response to the {r[6]} {r[7]}."
            )
        return out
