"""`warchest litigation COMPANY`: the suits a company brought and faced, and its PTAB
petitions."""

from __future__ import annotations

from typing import Annotated

import typer

from warchest.cli.common import (
    DbOption,
    JsonOption,
    _open_engine,
    _rows_table,
    _synthetic_note,
    app,
    console,
    escape,
    print_json,
    user_errors,
)


@app.command("litigation")
@user_errors
def litigation(
    company: Annotated[str, typer.Argument(help="A company: its id or any of its names.",
                                           show_default=False)],
    group: Annotated[bool, typer.Option("--group", help="The whole corporate group.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Suits and petitions listed "
                                       "(the tallies count them all).")] = 20,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Suits the company brought (asserting patents) and faced (accused), by year, court
    and counterparty, and the PTAB petitions it filed and faced, with their outcomes.

    Example: warchest litigation "Apple Inc." --group
    """
    from warchest import litigation_record

    with _open_engine(db) as store:
        record = litigation_record(store, company, group)
        if as_json:
            print_json(record)
            return
        _synthetic_note(store)
    who = escape(record.name) + (f" ({escape(record.entity_id)})" if record.entity_id else
                                 " (a party only: it owns no patent in the store)")
    console.print(f"[bold]{who}[/bold]{' and its group' if group else ''}: "
                  f"{record.brought} suits brought, {record.faced} faced; "
                  f"{sum(p.side == 'petitioner' for p in record.petitions)} PTAB petitions "
                  f"filed, {sum(p.side == 'patent owner' for p in record.petitions)} faced")
    for title, tallies in (("By year", record.by_year), ("By court", record.by_court),
                           ("By counterparty", record.by_counterparty)):
        if tallies:
            console.print(_rows_table(title, [t.to_dict() for t in tallies], limit))
    if record.suits:
        console.print(_rows_table("Suits", [s.to_dict() for s in record.suits], limit,
                                  skip=("case_name",)))
    if record.petitions:
        console.print(_rows_table("PTAB petitions", [p.to_dict() for p in record.petitions],
                                  limit))
        for side, counts in record.petition_outcomes.items():
            if counts:
                console.print(f"outcomes as {side}: " + ", ".join(
                    f"{escape(k)} {v}" for k, v in counts.items()))
