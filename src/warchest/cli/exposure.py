"""`warchest exposure` (the matrix), `exposure explain` and `deterrence`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from warchest import InputError
from warchest.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    ProductsOption,
    _open_engine,
    _parse_date,
    _rows_table,
    _split_names,
    _synthetic_note,
    app,
    console,
    escape,
    exposure_app,
    print_json,
    stage_progress,
    user_errors,
)

if TYPE_CHECKING:
    from warchest import Exposure


@exposure_app.callback(invoke_without_command=True)
@user_errors
def exposure(
    ctx: typer.Context,
    firms: Annotated[str | None, typer.Option(
        "--firms", help="Firms (names or entity ids; each with its corporate group), "
        "separated by ';' (or ',' when no name has a comma).")] = None,
    market: Annotated[str, typer.Option("--market", help="A country or office (US, EP, DE, "
                                        "CN, ...).")] = "US",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default "
                                              "today.")] = None,
    config: ConfigOption = None,
    products: ProductsOption = None,
    heatmap: Annotated[Path | None, typer.Option("--heatmap", help="Write the matrix as an "
                                                 "SVG heatmap here.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the pairs here.")]
    = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The exposure matrix: how strongly each firm could assert its in-force patents against
    each other one in a market, with the top evidence per pair.

    Example: warchest exposure "Apple Inc." "Samsung Electronics Co., Ltd." --market US
    Example: warchest exposure --firms "Apple Inc.;QUALCOMM Incorporated" --csv pairs.csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from warchest import (
        ExposureConfig,
        compute_exposure,
        synthetic_kind,
        write_exposure_heatmap,
    )

    if not firms:
        raise InputError("give the firms: `warchest exposure A B C` or --firms 'A;B;C' (and "
                            "`warchest exposure explain A B` for one pair's evidence)")
    names = _split_names(firms, "--firms")
    day = _parse_date(as_of, "--as-of")
    cfg = ExposureConfig.load(config)
    with _open_engine(db) as store, stage_progress(not as_json) as update:
        result = compute_exposure(store, names, market, day, cfg, products=products,
                                  stage=update)
        synthetic = synthetic_kind(store) is not None
    if csv_out is not None:
        result.to_csv(csv_out)
    if heatmap is not None:
        write_exposure_heatmap(result, heatmap, synthetic)
    if as_json:
        print_json(result.to_dict() | {"synthetic": synthetic})
        return
    with _open_engine(db, read_only=True) as store:
        _synthetic_note(store)
    console.print(_matrix_table(result, f"exposure in {result.market} on {result.as_of} "
                                "(row: holder, column: exposed firm; sum of impact x score)"))
    for (a, b), ev in result.evidence.items():
        if ev:
            top = ev[0]
            console.print(f"[bold]{escape(result.firms[a].name)}[/bold] -> "
                          f"{escape(result.firms[b].name)}: top patent {top['patent_id']} "
                          f"(score {top['score']:.2f}): {escape(top['why'])}")
    console.print("the patents behind a number: `warchest exposure explain HOLDER TARGET`")


def _matrix_table(result: Exposure, title: str) -> Table:
    """An exposure matrix as a table: each cell the power and the assertable patents."""
    table = Table(title=title)
    table.add_column("holder \\ target")
    for f in result.firms:
        table.add_column(escape(f.name), justify="right", overflow="fold")
    for a, f in enumerate(result.firms):
        table.add_row(escape(f.name), *["-" if a == b else
                                        f"{result.matrix[a][b]:.2f} ({result.assertable[a][b]})"
                                        for b in range(len(result.firms))])
    return table


@exposure_app.command("explain")
@user_errors
def exposure_explain(
    holder: Annotated[str, typer.Argument(help="The firm holding the patents.")],
    target: Annotated[str, typer.Argument(help="The firm exposed to them.")],
    market: Annotated[str, typer.Option("--market")] = "US",
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    config: ConfigOption = None,
    products: ProductsOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Patents to list.")] = 30,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The patents behind one exposure number, each with its score and reasons.

    Example: warchest exposure explain "Apple Inc." "Samsung Electronics Co., Ltd."
    """
    from warchest import ExposureConfig, explain_exposure

    day = _parse_date(as_of, "--as-of")
    with _open_engine(db) as store, stage_progress(not as_json) as update:
        result = explain_exposure(store, holder, target, market, day,
                                  ExposureConfig.load(config), limit, products, update)
        if as_json:
            print_json(result)
            return
        _synthetic_note(store)
    console.print(f"{escape(result.holder)} against {escape(result.target)} in "
                  f"{result.market} on {result.as_of}: exposure "
                  f"{result.exposure:.2f} from {result.assertable_patents} assertable of "
                  f"{result.holder_patents_in_force} patents in force")
    console.print(_rows_table("patents", list(result.patents), limit=limit))


@app.command("deterrence")
@user_errors
def deterrence_cmd(
    company: Annotated[str, typer.Argument(help="The company to protect.")],
    threats: Annotated[str, typer.Option("--threats", help="Threats, separated by ';' (or "
                                         "',' when no name has a comma).")],
    markets: Annotated[str, typer.Option("--markets", help="Markets, e.g. US,EP.")] = "US",
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    config: ConfigOption = None,
    products: ProductsOption = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The deterrence balance of a company against each threat per market: its power
    against the threat, the threat's against it, their ratio, and the areas where it is
    naked.

    Example: warchest deterrence "Apple Inc." --threats "Samsung Electronics;QUALCOMM" --markets US
    """
    from warchest import ExposureConfig, deterrence

    names = _split_names(threats, "--threats")
    day = _parse_date(as_of, "--as-of")
    with _open_engine(db) as store, stage_progress(not as_json) as update:
        found = deterrence(store, company, names, _split_names(markets, "--markets"), day,
                           ExposureConfig.load(config), products, update)
        if as_json:
            print_json(found)
            return
        _synthetic_note(store)
    table = Table(title=f"deterrence of {escape(found.company)} on {found.as_of}")
    for c in ("threat", "market", "its power", "threat's power", "ratio", "balance",
              "naked areas (threat power)"):
        table.add_column(c, overflow="fold")
    starred = False
    for r in found.threats:
        shown = r.naked_areas[:4]
        starred |= any(a.threat_sells_there is False for a in shown)
        naked = ", ".join(f"{a.area}{'*' if a.threat_sells_there is False else ''} "
                          f"({a.threat_power:.2f})" for a in shown)
        table.add_row(escape(r.threat), r.market, f"{r.power_against_threat:.2f}",
                      f"{r.threat_power_against_company:.2f}",
                      "-" if r.ratio is None else str(r.ratio), r.balance, escape(naked))
    console.print(table)
    if starred:
        console.print("* the threat does not sell in that area itself: no patent answers "
                      "in kind there")
