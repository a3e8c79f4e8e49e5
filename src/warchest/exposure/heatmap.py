"""The exposure matrix as a self-contained SVG heatmap (no plotting library, no CDN)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from warchest.errors import (
    InputError,
)
from warchest.exposure import Exposure

CELL, LABEL = 56, 220


def _colour(value: float, top: float) -> str:
    """White (0) to deep red (the largest value), linear."""
    t = 0.0 if top <= 0 else min(1.0, value / top)
    r, g, b = 255, int(255 - 200 * t), int(255 - 210 * t)
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_svg(result: Exposure, synthetic: bool = False, title: str | None = None) -> str:
    k = len(result.firms)
    top = max((v for row in result.matrix for v in row), default=0.0)
    width, height = LABEL + CELL * k + 170, LABEL + CELL * k + 60  # room for the slanted names
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           'font-family="sans-serif" font-size="11">',
           '<text x="10" y="20" font-size="14" font-weight="bold">'
           + escape(title or f"Exposure in {result.market} on {result.as_of}")
           + (" (SYNTHETIC data)" if synthetic else "") + "</text>",
           '<text x="10" y="38">row: holder of the patents; column: the exposed firm; '
           'value: sum of impact x assertion score</text>']
    for j, f in enumerate(result.firms):
        x = LABEL + CELL * j + CELL // 2
        out.append(f'<text transform="translate({x},{LABEL - 6}) rotate(-45)">'
                   f"{escape(f.name[:34])}</text>")
    for i, f in enumerate(result.firms):
        y = LABEL + CELL * i
        out.append(f'<text x="{LABEL - 6}" y="{y + CELL // 2 + 4}" text-anchor="end">'
                   f"{escape(f.name[:34])}</text>")
        for j in range(k):
            x = LABEL + CELL * j
            value = result.matrix[i][j]
            fill = "#dddddd" if i == j else _colour(value, top)
            out.append(f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" '
                       f'fill="{fill}" stroke="#ffffff"><title>{escape(f.name)} against '
                       f"{escape(result.firms[j].name)}: {value:.2f} "
                       f"({result.assertable[i][j]} patents)</title></rect>")
            if i != j:
                out.append(f'<text x="{x + CELL // 2}" y="{y + CELL // 2 + 4}" '
                           f'text-anchor="middle">{value:.1f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_heatmap(result: Exposure, path: Path, synthetic: bool = False) -> None:
    """The exposure matrix as a self-contained SVG heatmap at ``path`` (.svg); every name
    escaped; labelled SYNTHETIC when ``synthetic``."""
    if path.suffix.lower() != ".svg":
        raise InputError(f"heatmap {path.name!r}: write it as .svg (a self-contained "
                            "vector image any browser opens)")
    path.write_text(heatmap_svg(result, synthetic), encoding="utf-8")
