"""The exposure matrix as a heatmap: a chart of :mod:`warchest.charts` (Vega-Lite), with its
colour legend; as a self-contained SVG file (vl-convert), or drawn in a web page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from warchest.charts import ChartSpec, heatmap, to_svg
from warchest.errors import (
    InputError,
)
from warchest.exposure import Exposure

SUBTITLE = "value: the holder's power against the exposed firm (sum of impact x assertion)"


def heatmap_spec(result: Exposure, synthetic: bool = False, title: str | None = None,
                 href: Callable[[int, int], str] | None = None) -> ChartSpec:
    """The chart of ``result``: row holder, column exposed firm; the cells' tooltips give
    the power and the holder's assertable patents; ``href(i, j)`` links the cells."""
    text = (title or f"Exposure in {result.market} on {result.as_of}") + (
        " (SYNTHETIC data)" if synthetic else "")
    return heatmap([f.name for f in result.firms], result.matrix, result.assertable, text,
                   SUBTITLE, href)


def heatmap_svg(result: Exposure, synthetic: bool = False, title: str | None = None) -> str:
    """The heatmap as one SVG element (names escaped by the renderer)."""
    return to_svg(heatmap_spec(result, synthetic, title))


def write_heatmap(result: Exposure, path: Path, synthetic: bool = False) -> None:
    """The exposure matrix as a self-contained SVG heatmap at ``path`` (.svg); every name
    escaped; labelled SYNTHETIC when ``synthetic``."""
    if path.suffix.lower() != ".svg":
        raise InputError(f"heatmap {path.name!r}: write it as .svg (a self-contained "
                            "vector image any browser opens)")
    path.write_text(heatmap_svg(result, synthetic), encoding="utf-8")
