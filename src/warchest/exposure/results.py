"""What an exposure computation returns: the firms, the per-patent scores with their
explanations, the matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from warchest.results import Result, Row


@dataclass
class Firm:
    name: str
    entity_id: str
    members: list[str]


@dataclass
class PatentScores:
    """Every in-force patent of the firms behind an exposure matrix: ``weighted[i, b]`` is
    what patent ``i`` adds to firm ``b``'s exposure (impact x score when assertable, else
    0); ``explain(i, b)`` gives its reasons, ``explain_many`` those of many pairs at once."""

    patent_id: list[str]
    owner: np.ndarray
    impact: np.ndarray
    score: np.ndarray
    weighted: np.ndarray
    rows: np.ndarray
    """Each patent's row in the evidence shared by the markets computed together
    (``compute_exposures``)."""
    explain_shared: Callable[[list[tuple[int, int]]], list[dict[str, Any]]]
    """Reasons for (shared row, target) pairs, of any of those markets, in one pass."""

    def explain_many(self, pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
        """Reasons for many (row, target) pairs in one pass (one query for titles, one
        for the citing patents), in the order asked."""
        return self.explain_shared([(int(self.rows[i]), b) for i, b in pairs])

    def reasons(self, shared_pairs: Iterable[tuple[int, int]]
                ) -> dict[tuple[int, int], dict[str, Any]]:
        """Reasons per distinct (shared row, target) pair, of any of the markets computed
        together, in one pass."""
        return _explain_once(self.explain_shared, shared_pairs)

    def explain(self, i: int, b: int) -> dict[str, Any]:
        """Why patent row ``i`` reads on firm ``b`` (``explain_many`` of one pair)."""
        return self.explain_many([(i, b)])[0]


def _explain_once(explain: Callable[[list[tuple[int, int]]], list[dict[str, Any]]],
                  pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
    """``explain`` called once, on the distinct pairs."""
    unique = sorted(set(pairs))
    return dict(zip(unique, explain(unique), strict=True)) if unique else {}


@dataclass(frozen=True)
class Exposure(Result):
    """The result: ``matrix[a][b]`` is B's exposure to A (A's power against B)."""

    firms: list[Firm]
    market: str
    as_of: dt.date
    matrix: list[list[float]]
    assertable: list[list[int]]
    stock: list[int]
    evidence: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    text_method: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    patents: PatentScores | None = None  # per patent, when asked for (``keep_patents``)
    areas_sold: list[list[str]] | None = None
    """Each firm's active product areas (what it sells, as far as known); None when the
    taxonomy is not mapped (``warchest techmap map``)."""

    def rows(self) -> list[Row]:
        """One row per holder -> target pair: the exposure, the holder's assertable
        patents against the target and its patents in force."""
        return self.to_rows()

    def to_dict(self) -> dict[str, Any]:
        """The firms, the matrix and counts, and each pair's evidence rows (holder, target,
        patents; the per-patent score arrays are left out: ``keep_patents`` users read
        ``patents``)."""
        names = [f.name for f in self.firms]
        return {"market": self.market, "as_of": self.as_of,
                "firms": [{"name": f.name, "entity_id": f.entity_id, "members": f.members}
                          for f in self.firms],
                "matrix": self.matrix, "assertable": self.assertable, "stock": self.stock,
                "pairs": self.to_rows(),
                "evidence": [{"holder": names[a], "target": names[b], "patents": rows}
                             for (a, b), rows in sorted(self.evidence.items())],
                "text_method": self.text_method, "seconds": self.seconds,
                "areas_sold": self.areas_sold}

    def to_rows(self) -> list[dict[str, Any]]:
        rows = []
        for a, fa in enumerate(self.firms):
            for b, fb in enumerate(self.firms):
                if a != b:
                    rows.append({"holder": fa.name, "target": fb.name, "market": self.market,
                                 "as_of": self.as_of, "exposure": round(self.matrix[a][b], 4),
                                 "assertable_patents": self.assertable[a][b],
                                 "holder_patents_in_force": self.stock[a]})
        return rows
