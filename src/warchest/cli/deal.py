"""`warchest deal`, `crosslicence`, `demo` and `synth`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from warchest import DEMO_PATENTS, InputError, money, share
from warchest.cli.common import (
    DbOption,
    JsonOption,
    ProductsOption,
    _longest_word,
    _open_engine,
    _parse_date,
    _split_names,
    _synthetic_note,
    app,
    console,
    escape,
    print_json,
    stage_progress,
    user_errors,
)
from warchest.cli.exposure import _matrix_table
from warchest.cli.load import load_progress, print_load_report
from warchest.cli.store import print_status
from warchest.cli.value import print_comparison

if TYPE_CHECKING:
    from warchest import DealResult, GeneratedWorld, SampleDemo, WorldDemo


@app.command()
@user_errors
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Folder for the demo's world, stores "
                                         "and report.")] = Path("warchest-demo"),
    patents: Annotated[int, typer.Option("--patents", min=20000, help="Size of the SYNTHETIC "
                                         "world (from 20,000: a smaller one may leave the "
                                         "deal's buyer without patents).")]
    = DEMO_PATENTS,
    real_only: Annotated[bool, typer.Option("--real-only", help="Only the real-samples part "
                                            "(portfolio and exposure views).")] = False,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The main job, end to end: a SYNTHETIC smartphone-expansion world (generated, loaded,
    owners resolved, values, technology map, exposure) and the deal a phone maker would
    make to enter the US and Europe, written as an HTML report; then the real samples
    shipped with warchest (real companies) in portfolio and exposure views. `warchest demo`
    alone builds the 300,000-patent world; a small one is quicker to try:

    Example: warchest demo --patents 20000 --dir small-demo
    """
    from warchest import run_demo, run_sample_demo

    world: WorldDemo | None = None
    samples_db = db or folder / "real-samples.duckdb"
    if db is None:
        folder.mkdir(parents=True, exist_ok=True)
    with load_progress(not as_json) as progress:
        real = run_sample_demo(samples_db, progress)
    if not as_json:
        _print_sample_demo(real, brief=not real_only)
    if not real_only:
        if not as_json:
            console.rule("[bold yellow]SYNTHETIC[/bold yellow] the deal")
            console.print(f"a {patents:,}-patent smartphone-expansion world in "
                          f"{escape(str(folder))} (generated; every company in it is "
                          "fictional)")
        with stage_progress(not as_json) as update:
            world = run_demo(folder, patents, stage=update)
        if not as_json:
            _print_world_demo(world)
    if as_json:
        print_json({"samples": real, "world": world})


def _print_world_demo(world: WorldDemo) -> None:
    console.print(f"loaded {world.read:,} rows: {world.loaded:,} loaded, "
                  f"{world.quarantined:,} quarantined; "
                  + ", ".join(f"{k} {v:.1f} s" for k, v in world.seconds.items()))
    _print_deal(world.deal)
    html = world.outputs[0]
    console.print(f"[bold]report:[/bold] {escape(str(html.resolve()))} (open it in a browser; "
                  "no network needed); package: "
                  f"{escape(str(world.outputs[1]))}; scenario: "
                  f"{escape(str(world.scenario))} (edit it and run `warchest deal "
                  f"{escape(str(world.scenario))} --db {escape(str(world.store))} --out "
                  "report.html`)")


def _print_sample_demo(real: SampleDemo, brief: bool) -> None:
    db = real.store
    on = real.portfolios.as_of
    console.rule("the real samples (real companies; small samples, not their whole "
                 "portfolios)")
    for report in real.loads:
        if brief:
            console.print(f"load {report.loader}: {report.rows_read:,} rows read, "
                          f"{report.rows_loaded:,} loaded, {report.rows_quarantined:,} "
                          f"quarantined ({len(report.files)} files)")
        else:
            print_load_report(report)
    if not brief:
        print_status(real.status)
    owners, values = real.owners, real.values
    console.print(f"owners: {owners.names:,} names -> {owners.entities:,} companies in "
                  f"{owners.groups:,} groups, {owners.periods:,} ownership periods; values: "
                  f"{values.terms:,} patent terms and indicators")
    print_comparison(real.portfolios, f"real companies in the samples, on {on} (small "
                     "sample: these are not their whole portfolios)",
                     ("owned", "in_force", "expired_or_lapsed"), fields=3)
    console.print(_matrix_table(real.exposure, f"exposure in US on {on}, computed from a "
                                "small sample (row: holder, column: exposed firm; sum of "
                                "impact x score)"))
    console.print(
        f"next: `warchest portfolio \"Apple Inc.\" --as-of 2025-01-01 --db {db}`, "
        f"`warchest exposure explain \"Apple Inc.\" \"Samsung Electronics Co., Ltd.\" --db {db}`, "
        f"`warchest value 7157516 --db {db}`, `warchest sql \"SELECT ...\" --db {db}`"
    )


def _print_deal(r: DealResult) -> None:
    label = " [bold yellow](SYNTHETIC)[/bold yellow]" if r.synthetic else ""
    obj = r.objective
    val = r.valuation.range_usd
    sol = r.solution
    console.print(f"[bold]deal{label}:[/bold] {escape(r.buyer)} buys {len(r.package):,} of "
                  f"{r.candidates:,} candidate patents from {escape(r.seller)}; deterrence "
                  f"{obj['before']:.2f} -> {obj['after']:.2f} (of {obj['maximum']:.2f}); "
                  f"price {money(val.low)} - {money(val.high)} "
                  f"(mid {money(val.mid)}, a model estimate)")
    bound = "" if sol.gap is None else f"; within {share(sol.gap)} of the optimum (proven bound)"
    for w in r.warnings:
        console.print(f"[bold yellow]warning:[/bold yellow] {escape(w)}")
    console.print(f"optimiser: {escape(sol.method)} in {sol.seconds:.2f} s, guarantee "
                  f"{escape(sol.guarantee)}{bound}; exact MILP: {escape(r.exact_note)}")
    table = Table(title="deterrence per threat and market (0 none, 0.63 parity, 1 full)")
    rows = [[escape(t["threat"]), t["market"], f"{t['threat_power_against_buyer']:.1f}",
             f"{t['buyer_power_before']:.1f}", f"{t['buyer_power_after']:.1f}",
             f"{t['deterrence_before']:.2f} -> {t['deterrence_after']:.2f}",
             str(t["package_patents_reading_on_threat"])] for t in r.targets]
    table.add_column("threat", overflow="fold",  # wraps between words
                     min_width=_longest_word([row[0] for row in rows]))
    for k, c in enumerate(("market", "threat's power", "buyer before", "after",
                           "deterrence", "package patents"), start=1):
        # as narrow as its longest word: the table fits 80 columns with nothing cut
        table.add_column(c, justify="right", width=_longest_word([c, *(row[k] for row in rows)]))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    still = [n for n in r.naked if n["still_naked"]][:6]
    if still:
        console.print("still naked: " + "; ".join(
            f"{escape(n['area'])} against {escape(n['threat'])} in {n['market']}"
            + (" (*)" if n["threat_sells_there"] is False else "") for n in still))
        if any(n["threat_sells_there"] is False for n in still):
            console.print("(*) the threat does not sell in that area itself: no patent "
                          "answers in kind there, and the deterrence above counts the "
                          "answers from the areas it sells in")


@app.command()
@user_errors
def deal(
    scenario: Annotated[Path, typer.Argument(help="The deal scenario (YAML); see "
                                             "src/warchest/deal/example.yaml.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the HTML report here.")]
    = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the package here.")]
    = None,
    json_out: Annotated[Path | None, typer.Option("--json-out", help="Write the whole result "
                                                  "as JSON here.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Print the report to this PDF "
                                             "(A4 landscape, every column; needs Chromium: "
                                             "apt-get install chromium).")] = None,
    exact: Annotated[bool | None, typer.Option("--exact/--greedy-only", help="Also solve the "
                                               "exact MILP (HiGHS) and report the real gap; "
                                               "default: the scenario's optimiser.exact.")]
    = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The package to buy from a seller to deter threats in markets: chosen with a bound on
    its optimality, before/after, what is still naked, its price, cross-licence payments.

    Example: warchest deal scenario.yaml --out report.html --csv package.csv --pdf report.pdf
    """
    from warchest import load_scenario, plan_deal, write_deal_report

    sc = load_scenario(scenario)
    with _open_engine(db) as store, stage_progress(not as_json) as update:
        result = plan_deal(store, sc, exact, update)
    written = write_deal_report(result, out, csv_out, json_out, pdf)
    if as_json:
        print_json(result.to_dict())
        return
    _print_deal(result)
    table = Table(title="the package: the patents that add the most (marginal gain)")
    for c in ("#", "patent", "area", "years left", "gain", "strongest against", "why"):
        table.add_column(c, overflow="fold")
    for p in result.package[:10]:
        table.add_row(str(p["rank"]), p["patent_id"], escape(str(p["area"])),
                      f"{p['remaining_years']:.1f}", f"{p['marginal_gain']:.3f}",
                      escape(str(p["strongest_against"])), escape(p["why"][:160]))
    console.print(table)
    for row in result.cross_licence:
        console.print(f"cross-licence with {escape(row['threat'])} in {row['market']}: "
                      f"before {escape(row['before'])}; after {escape(row['after'])}")
    for path in written:
        console.print(f"wrote {escape(str(path))}")


@app.command("crosslicence")
@user_errors
def crosslicence_cmd(
    a: Annotated[str, typer.Argument(help="One company (with its corporate group).")],
    b: Annotated[str, typer.Argument(help="The other company.")],
    markets: Annotated[str, typer.Option("--markets", help="Markets, e.g. US,EP.")] = "US",
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    rate: Annotated[float, typer.Option("--rate", help="Running royalty rate on the payer's "
                                        "sales (an assumption).")] = 0.02,
    sales_a: Annotated[float | None, typer.Option("--sales-a", help="A's yearly sales per "
                                                  "market (USD); default: a share of sales.")]
    = None,
    sales_b: Annotated[float | None, typer.Option("--sales-b", help="B's yearly sales per "
                                                  "market (USD).")] = None,
    products: ProductsOption = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The balancing payment of a cross-licence between two companies per market, from
    their mutual exposure (formula in docs/deal.md).

    Example: warchest crosslicence "Apple Inc." "Samsung Electronics Co., Ltd." --markets US
    """
    from warchest import cross_licence

    names = _split_names(markets, "--markets")
    day = _parse_date(as_of, "--as-of") or dt.date.today()
    given = sales_a is not None and sales_b is not None
    sa = {m.upper(): sales_a for m in names} if sales_a is not None else None
    sb = {m.upper(): sales_b for m in names} if sales_b is not None else None
    with _open_engine(db) as store, stage_progress(not as_json) as update:
        found = cross_licence(store, a, b, names, day, rate, sa, sb, products, update)
        if as_json:
            print_json(found)
            return
        _synthetic_note(store)
    for r in found.markets:
        amount = (f"{money(r.payment)} a year" if given else f"{share(r.payment)} of sales")
        who = (f"{escape(r.payer)} pays {escape(str(r.payee))} {amount}" if r.payer
               else "no balancing payment (no exposure either way, or balanced)")
        console.print(f"[bold]{r.market}[/bold] on {found.as_of}: {escape(r.a)}'s power "
                      f"against {escape(r.b)} {r.a_power_against_b:.2f}, the reverse "
                      f"{r.b_power_against_a:.2f}; {who} (rate {rate:g})")


@app.command()
@user_errors
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the world into.")],
    patents: Annotated[int, typer.Option("--patents", help="Number of patents.", min=1000)]
    = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same bytes).")]
    = 1,
    scenario: Annotated[
        str | None,
        typer.Option("--scenario", help="Planted scenario: smartphone-expansion, or "
                     "patent-blocks (a known-answer deal: threats citing blocks of a "
                     "seller's patents, inside a background world; truth/blocks.csv)."),
    ] = None,
    report: Annotated[bool, typer.Option(
        "--report", help="Compare the world in --out with the calibration targets (generates "
        "it first unless it exists and --patents is not given).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Generate a SYNTHETIC patent world in the real bulk formats (PatentsView tables, USPTO
    assignments, maintenance fees, families) with a truth/ folder of the answers.

    Example: warchest synth --patents 100000 --seed 7 --scenario smartphone-expansion --out world
    """
    from warchest import generate_world, report_world

    if scenario == "patent-blocks" and report:
        raise InputError("--report compares a world of the ordinary generator with its "
                         "calibration; leave it out with --scenario patent-blocks")
    exists = (out / "truth" / "stats.json").exists()
    given = "--patents" in sys.argv or not report
    made = None
    if given or not exists:
        with stage_progress(not as_json) as update:
            made = generate_world(out, patents, seed, scenario, progress=update)
        if not as_json:
            _print_world(made)
    if report:
        checks = report_world(out)
        if as_json:
            print_json(checks)
            return
        table = Table(title="synthetic world against its calibration targets")
        for col in ("metric", "target", "world", "tolerance", "ok"):
            table.add_column(col, justify="left" if col == "metric" else "right")
        for r in checks.checks:
            table.add_row(escape(r.metric), f"{r.target:.4g}", f"{r.world:.4g}",
                          f"±{r.tolerance:.3g}", "[green]yes[/green]" if r.ok
                          else "[red]no[/red]")
        console.print(table)
    elif as_json:
        print_json(made)


def _print_world(made: GeneratedWorld) -> None:
    out = escape(str(made.folder))
    load = (f"warchest load patentsview {out}/patentsview && warchest load assignments "
            f"{out}/assignments && warchest load maintenance {out}/maintfee")
    if made.scenario_file is not None:  # the blocks world
        console.print(f"[bold yellow]SYNTHETIC[/bold yellow] patent-blocks world written to "
                      f"{out}: {made.stats['patents']:,} planted patents in "
                      f"{made.stats['background_patents']:,} of background (seed "
                      f"{made.seed}); the answer is in {out}/truth/blocks.csv")
        console.print(f"load it with: {load}; then owners resolve, value --compute, techmap "
                      f"map and: warchest deal {escape(str(made.scenario_file))}")
        return
    console.print(f"[bold yellow]SYNTHETIC[/bold yellow] world written to {out}: "
                  f"{made.patents:,} patents, "
                  f"{made.files.get('patentsview/g_us_patent_citation.tsv', 0):,} citations, "
                  f"{made.companies or 0:,} companies (seed {made.seed}"
                  + (f", scenario {made.scenario}" if made.scenario else "") + ")")
    console.print(f"load it with: {load}")
