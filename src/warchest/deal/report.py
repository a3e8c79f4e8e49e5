"""The deal report: one self-contained HTML file (inline SVG charts, inline CSS, no script,
no network), plus the package as CSV and the whole result as JSON."""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from warchest.csvfile import write_rows
from warchest.deal import DealResult
from warchest.display import money, number, share
from warchest.errors import (
    InputError,
)
from warchest.exposure.heatmap import heatmap_svg
from warchest.version import __version__

BEFORE, AFTER, THREAT = "#9aa5b1", "#1f6fb2", "#c0392b"
CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;
line-height:1.4;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.banner{background:#fff3cd;border:1px solid #e0c36b;padding:.6em 1em;font-weight:bold}
.note{color:#555;font-size:.9em}.big{font-size:1.3em;font-weight:bold}
.why{font-size:.8em;color:#444;max-width:520px}
"""


def _bars(title: str, labels: list[str], series: list[tuple[str, str, list[float]]],
          fmt: str = "{:.2f}", top: float | None = None) -> str:
    """Horizontal grouped bars: one group per label, one bar per series."""
    label_w, bar_h, gap, width = 300, 12, 10, 460
    top = top or max((v for _, _, vs in series for v in vs), default=0.0) or 1.0
    group_h = bar_h * len(series) + gap
    height = 50 + group_h * len(labels) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 90}" '
           f'height="{height}" font-family="sans-serif" font-size="11" role="img">',
           f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    x = 4
    for name, colour, _ in series:
        out.append(f'<rect x="{x}" y="26" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="35">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    for i, label in enumerate(labels):
        y0 = 50 + i * group_h
        out.append(f'<text x="{label_w - 6}" y="{y0 + bar_h * len(series) / 2 + 4}" '
                   f'text-anchor="end">{escape(_short(label, 48))}<title>{escape(label)}'
                   "</title></text>")
        for k, (name, colour, values) in enumerate(series):
            v = values[i]
            w = max(0.0, min(1.0, v / top)) * width
            y = y0 + k * bar_h
            out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                       f'fill="{colour}"><title>{escape(label)}, {escape(name)}: '
                       f'{fmt.format(v)}</title></rect>'
                       f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">'
                       f'{fmt.format(v)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]],
           numeric: set[str] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(title)}</th>" for _, title in columns)
    body = []
    for r in rows:
        cells = []
        for key, _ in columns:
            v = r.get(key)
            text = ("" if v is None else money(v) if key.endswith("_usd") and
                    isinstance(v, int | float) else number(v) if isinstance(v, float)
                    else str(v))
            cls = ' class="n"' if key in numeric else ' class="why"' if key == "why" else ""
            cells.append(f"<td{cls}>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render_html(result: DealResult) -> str:
    d = result.to_dict()
    sc = result.scenario
    syn = result.synthetic
    label = " (SYNTHETIC)" if syn else ""
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8>"
             f"<title>{escape(sc.name)}{label}: warchest deal report</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>{escape(sc.name)}{escape(label)}</h1>"]
    if syn:
        parts.append('<p class="banner">SYNTHETIC DATA: every company, patent and number in '
                     "this report comes from a generated world (warchest synth), not from "
                     "real patents or real companies.</p>")
    obj = d["objective"]
    val = d["valuation"]
    parts.append(
        f"<p>{escape(result.buyer)} buys from {escape(result.seller)} to deter "
        f"{escape(', '.join(result.threats))} in {escape(', '.join(result.markets))}, on "
        f"{sc.as_of}.</p>"
        f'<p class="big">Package: {len(result.package):,} patents of {result.candidates:,} '
        f"candidates; deterrence {obj['before']:.2f} &rarr; {obj['after']:.2f} (of "
        f"{obj['maximum']:.2f}); price {money(val['range_usd']['low'])} &ndash; "
        f"{money(val['range_usd']['high'])} (mid {money(val['range_usd']['mid'])})</p>")
    if result.warnings:
        parts.append('<p class="note">Threats without power against the buyer: '
                     + "; ".join(escape(w) for w in result.warnings) + "</p>")
    reserve = sum(1 for p in result.package if p.get("role") == "reserve")
    if reserve:
        parts.append(f'<p class="note">Deterrence saturates after '
                     f"{len(result.package) - reserve} patents (no other candidate raises "
                     f"the objective); the other {reserve} fill the package as a reserve, "
                     "balanced across the threats and markets: each in turn adds its "
                     "strongest remaining patent (asserted patents are often challenged). "
                     "Set package.fill: false to leave them out.</p>")
    if sc.size and len(result.package) < sc.size:
        parts.append(f'<p class="note">The package stops at {len(result.package)} of the '
                     f"{sc.size} patents asked for: no other candidate raises the "
                     "deterrence objective and none has power left against a threat.</p>")
    parts.append(_optimality(result))

    # before / after
    parts.append("<h2>Deterrence before and after, per threat and market</h2>")
    labels = [f"{r['threat']} / {r['market']}" for r in d["targets"]]
    parts.append(_bars("Deterrence g(buyer's power / threat's power): 0 none, 0.63 parity, 1 "
                       "full", labels,
                       [("before", BEFORE, [r["deterrence_before"] for r in d["targets"]]),
                        ("after", AFTER, [r["deterrence_after"] for r in d["targets"]])],
                       top=1.0))
    parts.append(_bars("Power (sum of impact x assertion score)", labels,
                       [("threat against buyer", THREAT,
                         [r["threat_power_against_buyer"] for r in d["targets"]]),
                        ("buyer against threat, before", BEFORE,
                         [r["buyer_power_before"] for r in d["targets"]]),
                        ("after", AFTER, [r["buyer_power_after"] for r in d["targets"]])],
                       fmt="{:.1f}"))
    parts.append(_table(d["targets"], [
        ("threat", "threat"), ("market", "market"), ("weight", "weight"),
        ("threat_power_against_buyer", "threat's power"),
        ("buyer_power_before", "buyer's power before"),
        ("buyer_power_after", "after"), ("ratio_before", "ratio before"),
        ("ratio_after", "ratio after"), ("deterrence_before", "deterrence before"),
        ("deterrence_after", "after"),
        ("package_patents_reading_on_threat", "package patents against it")],
        {"weight", "threat_power_against_buyer", "buyer_power_before", "buyer_power_after",
         "ratio_before", "ratio_after", "deterrence_before", "deterrence_after",
         "package_patents_reading_on_threat"}))

    parts.append("<h2>What made the difference, per threat and market</h2>")
    parts.append('<p class="note">The package patents that add the most power against each '
                 "threat in each market, with the evidence that they read on it.</p>")
    rows = [{"target": f"{d['threat']} / {d['market']}", "added": d["power_added"],
             "patent_id": p["patent_id"], "title": p["title"], "power": p["power"],
             "why": p["why"]} for d in result.difference for p in d["patents"]]
    parts.append(_table(rows, [("target", "threat / market"), ("added", "package adds"),
                               ("patent_id", "patent"), ("title", "title"),
                               ("power", "its power"), ("why", "why")], {"added", "power"})
                 if rows else "<p>No package patent can be asserted against a threat.</p>")

    parts.append("<h2>Exposure matrices, before and after</h2>")
    parts.append('<p class="note">Row: the holder of the patents; column: the exposed firm. '
                 "After: the package moves from the seller's row to the buyer's.</p>")
    for m, ex in result.exposures.items():
        parts.append(heatmap_svg(ex, syn, f"{m} before the purchase ({sc.as_of})"))
        parts.append(heatmap_svg(result.after[m], syn, f"{m} after the purchase"))

    parts.append("<h2>Product areas still naked</h2>")
    naked = d["naked"]
    if naked:
        parts.append('<p class="note">Areas where a threat can assert and the buyer had less '
                     "than a tenth of that power to answer with; after: with the package. "
                     "Where the threat does not sell in the area itself, no patent answers "
                     "in kind (a patent outside what a company sells hardly reads on it): "
                     "the deterrence above counts the answers from the areas it sells in."
                     "</p>")
        parts.append(_table(naked, [("threat", "threat"), ("market", "market"),
                                    ("area", "area"), ("threat_power", "threat's power"),
                                    ("buyer_before", "buyer before"),
                                    ("buyer_after", "buyer after"),
                                    ("still_naked", "still naked"),
                                    ("threat_sells_there", "threat sells there")],
                            {"threat_power", "buyer_before", "buyer_after"}))
    else:
        parts.append("<p>None: in every area a threat can assert in, the buyer could already "
                     "answer.</p>")

    parts.append("<h2>The package</h2>")
    areas = Counter(str(p["area"] or "(unmapped)") for p in result.package)
    parts.append(_bars("Patents per product area", list(areas),
                       [("patents", AFTER, [float(v) for v in areas.values()])],
                       fmt="{:.0f}"))
    shown = result.package[:100]
    parts.append(f'<p class="note">The {len(shown)} patents that add the most, in the order '
                 "greedy picks them (marginal gain: what each adds given those before it); "
                 "the full package is in the CSV and JSON.</p>")
    parts.append(_table(shown, [("rank", "#"), ("patent_id", "patent"), ("role", "role"),
                                ("title", "title"),
                                ("area", "area"), ("remaining_years", "years left"),
                                ("in_force_in", "in force in"), ("value", "value"),
                                ("marginal_gain", "marginal gain"),
                                ("strongest_against", "strongest against"),
                                ("price_usd", "price (USD)"), ("why", "why")],
                        {"rank", "remaining_years", "value", "marginal_gain", "price_usd"}))

    sa = d["seller_after"]
    parts.append("<h2>What the seller gives up</h2>")
    parts.append(_table([{"market": m, "before": sa["in_force_before"][m],
                          "sold": sa["sold"][m], "after": sa["in_force_after"][m]}
                         for m in result.markets],
                        [("market", "market"), ("before", "in force before"),
                         ("sold", "sold"), ("after", "in force after")],
                        {"before", "sold", "after"}))
    parts.append(_table([{"against": k, "power": v} for k, v in sa["power_given_up"].items()],
                        [("against", "threat / market"),
                         ("power", "seller's assertion power given up")], {"power"}))

    parts.append("<h2>Valuation (a model estimate)</h2>")
    ppp = val["price_per_patent_usd"]
    parts.append(f"<p>Price per patent of the comparables: 25th percentile "
                 f"{money(ppp['p25'])}, median {money(ppp['median'])}, 75th "
                 f"{money(ppp['p75'])}. Package: sum of its patents' factors "
                 f"{val['adjustment']['sum_of_factors']:.1f} (mean "
                 f"{val['adjustment']['mean_factor']:.2f}) &rArr; "
                 f"{money(val['range_usd']['low'])} / {money(val['range_usd']['mid'])} / "
                 f"{money(val['range_usd']['high'])}.</p>")
    comps = [c for c in val["comparables"] if c["per_patent_usd"]]
    parts.append(_bars("Comparable transactions: price per patent (USD thousands)",
                       [f"{c['seller']} to {c['buyer']} {c['year']}" for c in comps]
                       + ["this package (mid, per patent)"],
                       [("per patent", BEFORE, [c["per_patent_usd"] / 1e3 for c in comps]
                         + [val["range_usd"]["mid"] / max(1, val["patents"]) / 1e3])],
                       fmt="{:,.0f}"))
    parts.append(_table(val["comparables"], [
        ("seller", "seller"), ("buyer", "buyer"), ("year", "year"), ("patents", "patents"),
        ("price_usd", "price (USD)"), ("per_patent_usd", "per patent"),
        ("source", "source"), ("note", "note")], {"patents", "price_usd", "per_patent_usd"}))

    parts.append("<h2>Cross-licence balancing payments (buyer and each threat)</h2>")
    parts.append(_table(d["cross_licence"], [("threat", "threat"), ("market", "market"),
                                             ("before", "before the purchase"),
                                             ("after", "after")]))

    parts.append("<h2>Assumptions and method</h2><ul>"
                 + "".join(f"<li>{escape(a)}</li>" for a in result.assumptions) + "</ul>")
    excl = "; ".join(f"{k}: {v:,}" for k, v in result.excluded.items() if v) or "none"
    parts.append(f'<p class="note">Candidates: the seller\'s patents in force in a target '
                 f"market on {sc.as_of}: {result.candidates:,} after the constraints "
                 f"(excluded: {escape(excl)}). Timings (s): "
                 + escape(", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items()))
                 + f". warchest {__version__}.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _optimality(result: DealResult) -> str:
    sol = result.solution
    text = [f"Chosen by {escape(sol.method)} in {sol.seconds:.2f} s; guarantee: "
            f"{escape(sol.guarantee)}."]
    if sol.bound is not None:
        text.append(f"Upper bound on the optimum {sol.bound:.4f}: the package is within "
                    f"{share(sol.gap or 0.0)} of the best possible.")
    if result.exact is not None:
        text.append(f"Exact MILP (HiGHS, {result.exact.seconds:.1f} s): "
                    f"{escape(result.exact_note)}.")
    else:
        text.append(f"Exact MILP: {escape(result.exact_note)}.")
    return '<p class="note">' + " ".join(text) + "</p>"


PACKAGE_COLUMNS = ["rank", "patent_id", "role", "title", "area", "remaining_years", "in_force_in",
                   "value", "marginal_gain", "strongest_against", "price_usd", "why"]


def write_outputs(result: DealResult, html: Path | None = None, csv_path: Path | None = None,
                  json_path: Path | None = None) -> list[Path]:
    """Write the report, the package CSV and the JSON; returns the paths written."""
    written = []
    for path, suffix in ((html, ".html"), (csv_path, ".csv"), (json_path, ".json")):
        if path is not None and path.suffix.lower() != suffix:
            raise InputError(f"{path.name!r}: give the {suffix[1:].upper()} output a "
                                f"{suffix} name")
    if html is not None:
        html.write_text(render_html(result), encoding="utf-8")
        written.append(html)
    if csv_path is not None:
        with csv_path.open("w", newline="", encoding="utf-8") as fh:
            write_rows(fh, [*PACKAGE_COLUMNS, "synthetic"],
                       ([*(p.get(c) for c in PACKAGE_COLUMNS), result.synthetic]
                        for p in result.package))
        written.append(csv_path)
    if json_path is not None:
        json_path.write_text(json.dumps(result.to_dict(), indent=1, default=str),
                             encoding="utf-8")
        written.append(json_path)
    return written
