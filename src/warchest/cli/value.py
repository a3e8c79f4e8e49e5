"""`warchest portfolio` and `warchest value`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from warchest import InputError, NotComputed
from warchest.cli.common import (
    DbOption,
    JsonOption,
    _fmt,
    _open_engine,
    _parse_date,
    _rows_table,
    _synthetic_note,
    app,
    console,
    escape,
    print_json,
    stage_progress,
    user_errors,
)

if TYPE_CHECKING:
    from warchest import Portfolio, PortfolioComparison


@app.command()
@user_errors
def portfolio(
    entities: Annotated[list[str], typer.Argument(
        help="An entity id or a company name; several for a side-by-side comparison.",
        show_default=False)],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default "
                                              "today.")] = None,
    group: Annotated[bool, typer.Option("--group", help="The whole corporate group.")] = False,
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to show.")] = 30,
    as_json: JsonOption = False,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write every row here.")]
    = None,
) -> None:
    """Patents a company owns on a date, with how each was acquired (the grant, or which
    recorded assignment) and open security interests; once `warchest value --compute` has
    run, also whether each is in force, its remaining life and value, and a summary
    (in force, remaining-life profile, value distribution, technology mix). Several
    companies: their summaries side by side.

    Example: warchest portfolio "GOOGLE LLC" --as-of 2019-01-01
    Example: warchest portfolio "Apple Inc." "QUALCOMM Incorporated" --as-of 2025-01-01
    """
    from warchest import (
        compare_portfolios,
        portfolio_value,
        values_computed,
    )
    from warchest import portfolio as portfolio_of

    day = _parse_date(as_of, "--as-of")
    with _open_engine(db, read_only=True) as store:
        valued = values_computed(store)
        if len(entities) > 1:
            if not valued:
                raise NotComputed
            compared = compare_portfolios(store, entities, day, group)
            if as_json:
                print_json(compared)
                return
            _synthetic_note(store)
            print_comparison(compared)
            return
        entity = entities[0]
        result = (portfolio_value(store, entity, day, group) if valued
                  else portfolio_of(store, entity, day, group))
        if csv_out is not None:
            result.to_csv(csv_out)
        if as_json:
            print_json(result)
            return
        _synthetic_note(store)
    _print_portfolio(result, limit)


def _print_portfolio(result: Portfolio, limit: int) -> None:
    """A company's patents on the date, and the summary when they are valued."""
    who = result.name + (f" and its group ({len(result.members)} entities)"
                         if result.group else "")
    how = ", ".join(f"{v} by {k}" for k, v in sorted(result.by_via.items()))
    console.print(f"{escape(who)} owns {len(result.patents):,} patents on "
                  f"{result.as_of}" + (f" ({how})" if how else ""))
    liens = sum(1 for r in result.patents if r.open_liens)
    if liens:
        console.print(f"{liens:,} of them carry an open security interest")
    cols = ["patent_id", "title", "owner_name", "start_date", "via", "via_rf_id",
            "open_liens", "note"]
    from warchest import ValuedPortfolio

    if isinstance(result, ValuedPortfolio):
        summary = result.summary
        life = ", ".join(f"{k}: {v}" for k, v in summary.remaining_life.items())
        mix = ", ".join(f"{k} {v}" for k, v in summary.technology_mix.items())
        console.print(
            f"in force {summary.in_force:,}, expired or lapsed "
            f"{summary.expired_or_lapsed:,}; value total {summary.total_value:.2f}, "
            f"median {summary.value_median:.2f}, p90 {summary.value_p90:.2f}, max "
            f"{summary.value_max:.2f}\nremaining life (in force): {life}\n"
            f"technology mix (CPC subclass): {escape(mix)}")
        if summary.in_force > 1 and summary.value_median == summary.value_max:
            console.print("[yellow]every patent in force here has the same value: a value "
                          "is relative to its cohort (grant year and CPC subclass; 1 is the "
                          "cohort's average), and this store's patents cite each other too "
                          "little to tell them apart (a sample, not the whole corpus)"
                          "[/yellow]")
        cols = ["patent_id", "via", "in_force", "end_date", "remaining_years",
                "in_force_in", "value", "open_liens"]
    else:
        console.print("[dim]run `warchest value --compute` for in-force status and value"
                      "[/dim]")
    console.print(_rows_table("patents", [
        {k: _fmt(r.get(k), 2) if isinstance(r.get(k), float) else r.get(k) for k in cols}
        for r in result.rows()], limit=limit))


def print_comparison(compared: PortfolioComparison, title: str | None = None,
                     measures: tuple[str, ...] = ("owned", "in_force", "expired_or_lapsed",
                                                  "total_value", "value_median",
                                                  "value_p90", "value_max"),
                     fields: int = 4) -> None:
    """Companies' portfolio summaries side by side: a column per company."""
    rows = compared.companies
    table = Table(title=title or f"portfolios on {compared.as_of}"
                  + (" (corporate groups)" if compared.group else ""))
    table.add_column("measure")
    for r in rows:
        table.add_column(escape(r.name), justify="right", overflow="fold")
    for key in measures:
        table.add_row(key.replace("_", " "), *[_fmt(getattr(r.summary, key)) for r in rows])
    for band in dict.fromkeys(b for r in rows for b in r.summary.remaining_life):
        table.add_row(f"in force, {band} left" if band != "term unknown"
                      else "in force, term unknown",
                      *[str(r.summary.remaining_life.get(band, 0)) for r in rows])
    table.add_row("top fields", *[", ".join(f"{k} {v}" for k, v in list(
        r.summary.technology_mix.items())[:fields]) for r in rows])
    console.print(table)


@app.command()
@user_errors
def value(
    patents: Annotated[list[str] | None, typer.Argument(
        help="Patent numbers to explain.", show_default=False)] = None,
    compute: Annotated[bool, typer.Option(
        "--compute", help="Derive (again) terms, markets in force and indicators for every "
        "patent in the store.")] = False,
    markets: Annotated[Path | None, typer.Option(
        "--markets", help="Market weights CSV (jurisdiction,country,name,<size>,basis,"
        "source); default: the shipped GDP table.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD) for status "
                                              "and value; default today.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """A patent's term and status, where it is in force, every value indicator with its
    cohort, and the citations behind the counts.

    Example: warchest value --compute
    Example: warchest value 7157516 --as-of 2020-01-01
    """
    from warchest import compute_values, patent_value

    day = _parse_date(as_of, "--as-of")
    if not compute and not patents:
        raise InputError("give patent numbers to explain, or --compute to derive values")
    if compute:
        with _open_engine(db) as store, stage_progress(not as_json) as update:
            report = compute_values(store, markets, stage=update)
        if not patents:
            if as_json:
                print_json(report)
                return
            console.print(
                f"values for {report.patents:,} patents: {report.terms:,} terms "
                f"({report.lapsed:,} lapsed for unpaid fees), {report.market_rows:,} "
                f"market rows, {report.indicators:,} indicator rows"
                + ("" if report.self_citations else
                   " (no self citations: the store names no owner at grant; load"
                   " assignees, then `warchest owners resolve`)" if report.owners_resolved
                   else " (self citations need `warchest owners resolve` first)")
                + " in " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
            return
    with _open_engine(db, read_only=True) as store:
        results = [patent_value(store, p, day) for p in patents or []]
        if as_json:
            print_json(results)
            return
        _synthetic_note(store)
    for r in results:
        st = r.status
        console.print(Panel(
            f"[bold]{escape(r.patent_id)}[/bold] {escape(r.title or '')}\n"
            f"{st.status} on {st.on} (ends {st.end_date}, "
            f"{st.remaining_years} years left): {escape(str(st.because))}\n"
            f"in force in: {escape(r.in_force_in or 'nowhere')} -> coverage "
            f"{r.coverage:.3f}; value {r.value:.3f} = impact x coverage"
            + (f"\nlitigation and PTAB: {escape(r.history_text)}" if r.history_text else ""),
            title="value"))
        ind = r.indicators
        if ind:
            table = Table(title=f"indicators (cohort {ind['cohort_year']} x "
                          f"{ind['cohort_field']}, {ind['cohort_size']} patents)")
            for c in ("indicator", "value", "/ cohort mean"):
                table.add_column(c, justify="right" if c != "indicator" else "left")
            for key, norm in (("forward_5y", "forward_5y_norm"), ("forward_7y", None),
                              ("forward_5y_self", None), ("forward_5y_corrected", None),
                              ("expected_share_5y", None), ("backward", "backward_norm"),
                              ("claims", "claims_norm"), ("family_size", "family_size_norm"),
                              ("generality", "generality_norm"),
                              ("originality", "originality_norm"),
                              ("radicalness", "radicalness_norm"),
                              ("grant_lag_days", "grant_lag_norm"),
                              ("forward_5y_percentile", None), ("breakthrough", None),
                              ("quality_index", None), ("impact", None)):
                table.add_row(key, _fmt(ind.get(key)), _fmt(ind.get(norm)) if norm else "")
            console.print(table)
        console.print(_rows_table("markets", list(r.markets), limit=12))
        console.print(_rows_table("forward citations", list(r.forward_citations), limit=10))
