"""One chart layer for the web pages and the reports: each chart is a Vega-Lite spec built
with altair, drawn in the browser by the Vega libraries vendored in ``warchest/web/static``
(no CDN) or as SVG by vl-convert in a report file and its PDF. Every chart has its axes
titled, a legend for its colours and tooltips; names are data, never markup (Vega writes
them as text, escaped).

>>> spec = bar_chart("Patents per area", [("H04W", [("patents", 12.0)])], {"patents": BLUE})
>>> spec["title"]["text"], rows_of(spec)[0]["value"]
('Patents per area', 12.0)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from warchest.display import number

ChartSpec = dict[str, Any]
GREY, BLUE, RED, DIAGONAL = "#9aa5b1", "#1f6fb2", "#c0392b", "#dddddd"
WIDTH = 420


def _title(text: str, subtitle: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "anchor": "start", "fontSize": 13}
    if subtitle:
        out["subtitle"] = subtitle
    return out


def bar_chart(title: str, groups: Sequence[tuple[str, Sequence[tuple[str, float]]]],
              colours: dict[str, str], value_title: str = "value", fmt: str = ",.2f",
              top: float | None = None, subtitle: str | None = None) -> ChartSpec:
    """Horizontal bars, grouped: one group per label, one bar per series (its colour in
    ``colours``, in the legend); ``fmt`` a d3 format for the axis and tooltips; ``top``
    fixes the axis's end (1.0 for a share)."""
    import altair as alt

    rows = [{"label": label, "series": name, "value": float(v), "text": number(float(v))}
            for label, bars in groups for name, v in bars]
    order = [label for label, _ in groups]
    scale = alt.Scale(domain=[0, top]) if top else alt.Scale(zero=True)
    chart = alt.Chart(alt.InlineData(values=rows), title=alt.TitleParams(**_title(title, subtitle)),
                      width=WIDTH).mark_bar().encode(
        x=alt.X("value:Q", title=value_title, scale=scale,
                axis=alt.Axis(format=fmt, tickMinStep=1) if fmt.endswith("d")
                else alt.Axis(format=fmt)),
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=280)),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("label:N", title="of"), alt.Tooltip("series:N", title="series"),
                 alt.Tooltip("value:Q", title=value_title, format=fmt)])
    if len(colours) > 1:
        chart = chart.encode(yOffset=alt.YOffset("series:N", sort=list(colours)))
    per_bar = 9 if len(colours) > 1 else 16
    chart = chart.properties(height=len(groups) * (per_bar * len(colours) + 6))
    return _plain(chart.to_dict())


def line_chart(title: str, rows: Sequence[dict[str, Any]], x: str, y: str, series: str,
               colours: dict[str, str], x_title: str, y_title: str,
               subtitle: str | None = None) -> ChartSpec:
    """Lines with points, one per series (``rows``: dicts with ``x``, ``y``, ``series``);
    ``x`` is a year or another ordered category."""
    import altair as alt

    chart = alt.Chart(alt.InlineData(values=list(rows)),
                      title=alt.TitleParams(**_title(title, subtitle)), width=WIDTH).mark_line(
        point=True).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=",d")),
        color=alt.Color(f"{series}:N", title=None,
                        scale=alt.Scale(domain=list(colours), range=list(colours.values())),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{series}:N"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=",d")])
    return _plain(chart.to_dict())


def heatmap(names: Sequence[str], matrix: Sequence[Sequence[float]],
            counts: Sequence[Sequence[int]], title: str, subtitle: str | None = None,
            href: Callable[[int, int], str] | None = None) -> ChartSpec:
    """A holder x target matrix as coloured cells: white (0) to red (the largest value),
    linear in RGB, with the colour legend; the diagonal grey; each cell's value written in
    it and in its tooltip with its patent count; ``href(holder, target)`` makes each cell a
    link (to the evidence)."""
    import altair as alt

    top = max((v for i, row in enumerate(matrix) for j, v in enumerate(row) if i != j),
              default=0.0) or 1.0
    rows = []
    for i, holder in enumerate(names):
        for j, target in enumerate(names):
            row: dict[str, Any] = {
                "holder": holder, "target": target, "self": i == j,
                "exposure": 0.0 if i == j else round(float(matrix[i][j]), 4),
                "patents": int(counts[i][j]),
                "label": "" if i == j else number(float(matrix[i][j]))}
            if href is not None and i != j:
                row["href"] = href(i, j)
            rows.append(row)
    order = list(names)
    base = alt.Chart(alt.InlineData(values=rows)).encode(
        x=alt.X("target:N", sort=order, title="exposed firm (column)",
                axis=alt.Axis(labelAngle=-40, labelLimit=150, orient="top")),
        y=alt.Y("holder:N", sort=order, title="holder of the patents (row)",
                axis=alt.Axis(labelLimit=180)))
    tooltip = [alt.Tooltip("holder:N", title="holder"), alt.Tooltip("target:N", title="against"),
               alt.Tooltip("exposure:Q", title="power", format=",.2f"),
               alt.Tooltip("patents:Q", title="assertable patents", format=",d")]
    cells = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.self", alt.value(DIAGONAL),
            alt.Color("exposure:Q", title="power (sum of impact x assertion)",
                      scale=alt.Scale(domain=[0, top], range=["#ffffff", RED],
                                      interpolate="rgb"),
                      legend=alt.Legend(orient="bottom", format=",.1f", gradientLength=200))),
        tooltip=tooltip)
    text = base.mark_text(fontSize=10).encode(text="label:N")
    if href is not None:  # a click on the cell or on its number opens the link
        cells = cells.encode(href=alt.Href("href:N"))
        text = text.encode(href=alt.Href("href:N"))
    step = 40
    chart = alt.layer(cells, text, title=alt.TitleParams(**_title(title, subtitle))
                      ).properties(width=alt.Step(step), height=alt.Step(step))
    return _plain(chart.to_dict())


def _plain(spec: dict[str, Any]) -> ChartSpec:
    """The spec without altair's schema URL (nothing in a page points outside it)."""
    spec.pop("$schema", None)
    spec.setdefault("config", {}).update({"view": {"stroke": None},
                                          "font": "system-ui, sans-serif"})
    return spec


def rows_of(spec: ChartSpec) -> list[dict[str, Any]]:
    """The data rows a chart draws (what its tooltips and cells show)."""
    rows: list[dict[str, Any]] = []
    for values in spec.get("datasets", {}).values():
        rows.extend(values)
    rows.extend(spec.get("data", {}).get("values", []))
    return rows


def to_svg(spec: ChartSpec) -> str:
    """The chart as one self-contained SVG element (for a report file or a PDF)."""
    import vl_convert

    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def embed_html(spec: ChartSpec, element_id: str) -> str:
    """A placeholder a web page's vendored ``charts.js`` draws the chart into: the spec as
    JSON in a ``<script type="application/json">`` (``<``, ``>`` and ``&`` escaped, so no
    name can end the script)."""
    data = (json.dumps(spec, separators=(",", ":")).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026"))
    return (f'<div class="chart" id="{element_id}" data-spec="{element_id}-spec"></div>'
            f'<script type="application/json" id="{element_id}-spec">{data}</script>')
