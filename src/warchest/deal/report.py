"""The deal report: one self-contained HTML file (the charts of :mod:`warchest.charts` drawn
as inline SVG, inline CSS, no script, no network; long tables folded; prints to PDF on A4
landscape with every column), plus the package as CSV and the whole result as JSON."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from warchest.charts import BLUE, GREY, RED, ChartSpec, bar_chart, to_svg
from warchest.csvfile import write_rows
from warchest.deal import DealResult
from warchest.display import money, number, share
from warchest.errors import (
    InputError,
)
from warchest.exposure.heatmap import heatmap_spec
from warchest.version import __version__

CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;
line-height:1.4;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;width:100%}
td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top;overflow-wrap:anywhere}
th{background:#f3f3f3;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.banner{background:#fff3cd;border:1px solid #e0c36b;padding:.6em 1em;font-weight:bold}
.note{color:#555;font-size:.9em}.big{font-size:1.3em;font-weight:bold}
.why{font-size:.85em;color:#444}
figure{margin:1em 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
.charts{display:flex;flex-wrap:wrap;gap:1em}.charts figure{margin:0}
details{margin:.3em 0}summary{cursor:pointer;color:#1f6fb2}
@page{size:A4 landscape;margin:10mm}
@media print{body{max-width:none;margin:0;font-size:9pt}h2{break-after:avoid}
table{table-layout:fixed;font-size:7.5pt}tr,figure{break-inside:avoid}
details:not([open]) > :not(summary){display:none}}
"""
SHOWN_ROWS = 10  # a long table shows this many rows; the rest fold away under a summary
WHY_CHARS = 110  # the "why" of a row, shortened in a table (whole in its tooltip and the CSV)


def deal_charts(result: DealResult) -> dict[str, ChartSpec]:
    """The report's charts, the same in the web deal room: before/after deterrence and
    power per threat and market, the package per product area, the comparables' prices
    and the exposure heatmaps before and after the purchase."""
    d = result.to_dict()
    sc = result.scenario
    labels = [f"{r['threat']} / {r['market']}" for r in d["targets"]]
    charts = {
        "deterrence": bar_chart(
            "Deterrence per threat and market, before and after", [
                (label, [("before", r["deterrence_before"]), ("after", r["deterrence_after"])])
                for label, r in zip(labels, d["targets"], strict=True)],
            {"before": GREY, "after": BLUE}, "deterrence g(buyer's power / threat's power)",
            ".2f", top=1.0, subtitle="0 none, 0.63 parity, 1 full"),
        "power": bar_chart(
            "Power per threat and market", [
                (label, [("threat against buyer", r["threat_power_against_buyer"]),
                         ("buyer against threat, before", r["buyer_power_before"]),
                         ("after", r["buyer_power_after"])])
                for label, r in zip(labels, d["targets"], strict=True)],
            {"threat against buyer": RED, "buyer against threat, before": GREY,
             "after": BLUE}, "power (sum of impact x assertion score)", ",.1f")}
    areas = Counter(str(p["area"] or "(unmapped)") for p in result.package)
    charts["areas"] = bar_chart("Package patents per product area",
                                [(a, [("patents", float(n))]) for a, n in areas.items()],
                                {"patents": BLUE}, "patents", ",d")
    val = d["valuation"]
    comps = [c for c in val["comparables"] if c["per_patent_usd"]]
    charts["comparables"] = bar_chart(
        "Comparable transactions: price per patent",
        [(f"{c['seller']} to {c['buyer']} {c['year']}", [("per patent", c["per_patent_usd"])])
         for c in comps] + [("this package (mid, per patent)",
                             [("per patent", val["range_usd"]["mid"]
                               / max(1, val["patents"]))])],
        {"per patent": GREY}, "USD per patent", "$,.3~s")
    for m, ex in result.exposures.items():
        charts[f"before-{m}"] = heatmap_spec(ex, result.synthetic,
                                             f"{m} before the purchase ({sc.as_of})")
        charts[f"after-{m}"] = heatmap_spec(result.after[m], result.synthetic,
                                            f"{m} after the purchase")
    return charts


def _figure(spec: ChartSpec) -> str:
    return f"<figure>{to_svg(spec)}</figure>"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _cell(key: str, v: Any) -> str:
    return ("" if v is None else money(v) if key.endswith("_usd") and isinstance(v, int | float)
            else number(v) if isinstance(v, float) else str(v))


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]],
           numeric: set[str] | None = None, shown: int = SHOWN_ROWS) -> str:
    """An HTML table, every value escaped; past ``shown`` rows the rest fold away under a
    summary that says how many there are."""
    numeric = numeric or set()
    head = "<tr>" + "".join(f"<th>{escape(title)}</th>" for _, title in columns) + "</tr>"

    def body(part: list[dict[str, Any]]) -> str:
        out = []
        for r in part:
            cells = []
            for key, _ in columns:
                text = _cell(key, r.get(key))
                if key == "why" and len(text) > WHY_CHARS:
                    cells.append(f'<td class="why" title="{escape(text)}">'
                                 f"{escape(_short(text, WHY_CHARS))}</td>")
                    continue
                cls = ' class="n"' if key in numeric else ' class="why"' if key == "why" else ""
                cells.append(f"<td{cls}>{escape(text)}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        return "".join(out)

    table = f"<table>{head}{body(rows[:shown])}</table>"
    if len(rows) > shown:
        table += (f"<details><summary>{len(rows) - shown:,} more rows</summary>"
                  f"<table>{head}{body(rows[shown:])}</table></details>")
    return table


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
    charts = deal_charts(result)
    parts.append('<div class="charts">' + _figure(charts["deterrence"])
                 + _figure(charts["power"]) + "</div>")
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
    for m in result.exposures:
        parts.append('<div class="charts">' + _figure(charts[f"before-{m}"])
                     + _figure(charts[f"after-{m}"]) + "</div>")

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

    parts.append(_weights_section(result))
    parts += _package_section(result, charts)

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
    parts.append(_figure(charts["comparables"]))
    parts.append(f"<details><summary>The {len(val['comparables'])} comparable transactions"
                 "</summary>" + _table(val["comparables"], [
                     ("seller", "seller"), ("buyer", "buyer"), ("year", "year"),
                     ("patents", "patents"), ("price_usd", "price (USD)"),
                     ("per_patent_usd", "per patent"), ("source", "source"),
                     ("note", "note")], {"patents", "price_usd", "per_patent_usd"})
                 + "</details>")

    parts.append("<h2>Cross-licence balancing payments (buyer and each threat)</h2>")
    parts.append(_table(d["cross_licence"], [("threat", "threat"), ("market", "market"),
                                             ("before", "before the purchase"),
                                             ("after", "after")]))

    parts.append(f"<h2>Assumptions and method</h2><details><summary>The "
                 f"{len(result.assumptions)} assumptions behind these numbers</summary><ul>"
                 + "".join(f"<li>{escape(a)}</li>" for a in result.assumptions)
                 + "</ul></details>")
    excl = "; ".join(f"{k}: {v:,}" for k, v in result.excluded.items() if v) or "none"
    parts.append(f'<p class="note">Candidates: the seller\'s patents in force in a target '
                 f"market on {sc.as_of}: {result.candidates:,} after the constraints "
                 f"(excluded: {escape(excl)}). Timings (s): "
                 + escape(", ".join(f"{k} {v:.2f}" for k, v in result.seconds.items()))
                 + f". warchest {__version__}.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _package_section(result: DealResult, charts: dict[str, ChartSpec]) -> list[str]:
    """The package table, with each patent's litigation and PTAB history."""
    return [
        "<h2>The package</h2>", _figure(charts["areas"]),
        '<p class="note">The patents in the order greedy picks them (marginal gain: what '
        "each adds given those before it); the package is also in the CSV and JSON. "
        "History: the district-court cases that asserted a patent and the PTAB "
        "proceedings on it by the date (a patent asserted, or upheld, is priced "
        "higher: see the assumptions).</p>",
        _table(result.package, [
            ("rank", "#"), ("patent_id", "patent"), ("role", "role"), ("title", "title"),
            ("area", "area"), ("remaining_years", "years left"),
            ("in_force_in", "in force in"), ("value", "value"),
            ("marginal_gain", "marginal gain"), ("strongest_against", "strongest against"),
            ("price_usd", "price (USD)"), ("history", "litigation and PTAB"),
            ("why", "why")],
            {"rank", "remaining_years", "value", "marginal_gain", "price_usd"})]


def _weights_section(result: DealResult) -> str:
    """Where the threats' weights came from, when from their litigation record."""
    if result.threat_weights is None:
        return ""
    tw = result.threat_weights
    rows = [w.to_dict() for w in tw.weights]
    return ("<h2>Threat weights from litigation</h2>"
            f'<p class="note">Each suit a threat brought by {tw.as_of} (named on the side '
            "asserting patents, or holding a patent in suit) counts 0.5 to the power (its "
            f"age / {tw.half_life_years:g} "
            "years); each market's weights are those counts over the threats' mean there. "
            "The docket data are US district courts.</p>"
            + _table(rows, [("name", "threat"), ("market", "market"), ("suits", "suits"),
                            ("latest", "latest filed"),
                            ("recency_weighted", "recency-weighted"), ("weight", "weight"),
                            ("cases", "latest cases"), ("basis", "basis")],
                     {"suits", "recency_weighted", "weight"}))


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
                   "value", "marginal_gain", "strongest_against", "price_usd", "history",
                   "why"]


def write_outputs(result: DealResult, html: Path | None = None, csv_path: Path | None = None,
                  json_path: Path | None = None, pdf: Path | None = None) -> list[Path]:
    """Write the report, the package CSV, the JSON and the report printed to PDF (by a
    headless Chromium: :func:`warchest.printing.print_pdf`); returns the paths written."""
    written = []
    for path, suffix in ((html, ".html"), (csv_path, ".csv"), (json_path, ".json"),
                         (pdf, ".pdf")):
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
    if pdf is not None:
        from warchest.printing import print_pdf

        if html is not None:
            written.append(print_pdf(html, pdf))
        else:
            with tempfile.TemporaryDirectory(prefix="warchest-report-") as folder:
                page = Path(folder) / "report.html"
                page.write_text(render_html(result), encoding="utf-8")
                written.append(print_pdf(page, pdf))
    return written
