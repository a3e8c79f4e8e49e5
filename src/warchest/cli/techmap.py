"""`warchest techmap ...`: product areas, similar patents, CPC symbols."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from warchest.cli.common import (
    DbOption,
    JsonOption,
    _open_engine,
    _rows_table,
    _synthetic_note,
    comma_list,
    console,
    escape,
    print_json,
    stage_progress,
    techmap_app,
    user_errors,
)


@techmap_app.command("map")
@user_errors
def techmap_map(
    taxonomy: Annotated[Path | None, typer.Option(
        "--taxonomy", help="Product-area YAML (CPC prefixes and keywords); default: the "
        "shipped taxonomy (smartphone, telecom standards, semiconductors, software/UI, "
        "cameras, batteries).")] = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Put every patent in its product areas (by CPC prefix or keyword, with the evidence)
    and its WIPO technology fields.

    Example: warchest techmap map --taxonomy my_products.yaml
    """
    from warchest import map_technology

    with _open_engine(db) as store, stage_progress(not as_json) as update:
        report = map_technology(store, taxonomy, update)
    if as_json:
        print_json(report)
        return
    console.print(f"{report.products} product areas ({report.terms} terms): "
                  f"{report.patent_products:,} patent-area rows, {report.patent_fields:,} "
                  "patent-field rows")
    console.print(_rows_table("product areas", list(report.areas), limit=50))


@techmap_app.command("similar")
@user_errors
def techmap_similar(
    patent: Annotated[str | None, typer.Argument(help="A patent number (or use --text).")]
    = None,
    text: Annotated[str | None, typer.Option("--text", help="Find patents close to this "
                                             "text instead.")] = None,
    top: Annotated[int, typer.Option("--top", help="How many.")] = 10,
    block: Annotated[str, typer.Option("--block", help="Compare with the patents sharing a "
                                       "CPC subclass, a main group, or all.")] = "subclass",
    within: Annotated[str | None, typer.Option("--within", help="Only patents under these "
                                               "CPC prefixes, e.g. H04W,H04L.")] = None,
    method: Annotated[str, typer.Option("--method", help="auto, static or tfidf.")] = "auto",
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The patents closest in text (title and abstract) to a patent or to a text, blocked
    by technology so that it scales.

    Example: warchest techmap similar 10000000 --top 5
    """
    from warchest import find_similar

    prefixes = list(comma_list(within)) if within else None
    with _open_engine(db) as store:
        result = find_similar(store, patent, text, top, block, prefixes, method)
        if as_json:
            print_json(result)
            return
        _synthetic_note(store)
    table = Table(title=f"closest to {escape(result.query)[:60]} ({result.method}"
                  f"; {result.candidates:,} candidates: {escape(result.blocked_by)})")
    for c in ("patent", "similarity", "title", "CPC subclasses"):
        table.add_column(c, overflow="fold")
    for r in result.results:
        table.add_row(r.patent_id, f"{r.similarity:.3f}", escape(r.title or ""),
                      escape(r.cpc_subclasses or ""))
    console.print(table)


@techmap_app.command("cpc")
@user_errors
def techmap_cpc(
    symbol: Annotated[str, typer.Argument(help="A CPC symbol, e.g. H04W72/04.")],
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The CPC hierarchy above a symbol, with titles.

    Example: warchest techmap cpc H04W72/04
    """
    from warchest import describe_symbol

    with _open_engine(db, read_only=True) as store:
        path = describe_symbol(store, symbol)
    if as_json:
        print_json(path)
        return
    for depth, r in enumerate(path.levels):
        console.print("  " * depth + f"[bold]{escape(r['symbol'])}[/bold] "
                      f"{escape(r['title'] or '(no title in the store)')}")
