"""`warchest owners ...`: resolution, search, companies, overrides, groups, clustering."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from warchest.cli.common import (
    DbOption,
    JsonOption,
    _open_engine,
    _rows_table,
    _synthetic_note,
    console,
    err,
    escape,
    owners_app,
    print_json,
    stage_progress,
    user_errors,
)

if TYPE_CHECKING:
    from warchest import Company


@owners_app.command("resolve")
@user_errors
def owners_resolve(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Resolve every assignee and assignment party name into companies, apply corporate
    groups and overrides, and derive who owned each patent when.

    Example: warchest owners resolve
    """
    from warchest import resolve_owners

    with _open_engine(db) as store, stage_progress(not as_json) as update:
        report = resolve_owners(store, update)
        if as_json:
            print_json(report)
            return
        _synthetic_note(store)
    sources = ", ".join(f"{k} {v:,}" for k, v in report.sources.items() if v)
    merges = ", ".join(f"{v} {k}" for k, v in report.links.most_common()) or "no merges"
    by_name = ", ".join(f"{v} {k}" for k, v in report.parents_by_name.most_common())
    console.print(f"{report.names:,} names ({sources or 'no owner rows'}) -> "
                  f"{report.entities:,} companies ({merges}) in {report.groups:,} groups")
    console.print(f"{report.corporate_links:,} corporate links"
                  + (f" ({by_name} by name)" if by_name else ""))
    console.print(f"{report.events:,} ownership events, {report.periods:,} ownership periods "
                  f"({report.uncertain_periods:,} with a note); {report.seconds:.1f} s ("
                  + ", ".join(f"{k} {v:.1f}" for k, v in report.stages.items()) + ")")
    if report.events_by_kind:
        console.print("events: " + ", ".join(f"{k} {v:,}" for k, v in
                                             report.events_by_kind.most_common()))
    for problem in report.unmatched_relations:
        err.print(f"[yellow]not applied[/yellow]: {escape(problem)}")


def _print_entities(found: Sequence[Company]) -> None:
    table = Table(title="entities")
    for col in ("entity", "name", "patents at grant", "owned now", "name variants"):
        table.add_column(col, overflow="fold")
    for e in found:
        variants = "; ".join(f"{v.raw_name} ({v.mentions})" for v in e.variants[:6])
        more = len(e.variants) - 6
        table.add_row(e.entity_id, escape(e.name), f"{e.patents_at_grant:,}",
                      f"{e.patents_now:,}",
                      escape(variants + (f"; {more} more" if more > 0 else "")))
    console.print(table)


@owners_app.command("find")
@user_errors
def owners_find(
    name: Annotated[str, typer.Argument(help="A company name or part of one.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many entities.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Entities whose names match, with their name variants and patent counts (the closest
    names when nothing matches).

    Example: warchest owners find "samsung"
    """
    from warchest import find_owners

    with _open_engine(db, read_only=True) as store:
        found = find_owners(store, name, limit)
        if as_json:
            print_json(found)
            return
        _synthetic_note(store)
    if found.matches and not found.exact:
        console.print(f"no entity has the words of {escape(name)!r}; the closest names:")
    _print_entities(found.matches)


@owners_app.command("show")
@user_errors
def owners_show(
    entity: Annotated[str, typer.Argument(help="An entity id or a company name.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One entity: every raw name, why each was merged, its parent and subsidiaries.

    Example: warchest owners show "GOOGLE LLC"
    """
    from warchest import show_owner

    with _open_engine(db, read_only=True) as store:
        info = show_owner(store, entity)
        if as_json:
            print_json(info)
            return
        _synthetic_note(store)
    _print_entities([info])
    group = info.group
    console.print(f"group: {escape(str(group.name))} ({group.entity_id}), "
                  f"{group.companies:,} companies")
    console.print(_rows_table("name variants", info.rows(), limit=50))
    console.print(_rows_table("merge decisions", list(info.links), limit=50))
    for title, rows in (("parents", info.parents), ("children", info.children),
                        ("source ids", info.source_ids)):
        if rows:
            console.print(_rows_table(title, list(rows), limit=50))
    for line in info.disagreements:
        console.print(f"[yellow]disagrees[/yellow]: {escape(line)}")


@owners_app.command("override")
@user_errors
def owners_override(
    action: Annotated[str, typer.Argument(help="merge, split, rename, parent or unparent.")],
    subject: Annotated[str, typer.Argument(help="A raw name, entity name or entity id.")],
    obj: Annotated[str | None, typer.Argument(
        metavar="[OTHER]", help="merge: the other name; rename: the new name; parent: the "
        "parent.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the decision).")]
    = None,
    db: DbOption = None,
) -> None:
    """Record a decision that wins over the automatic ones, then re-resolve.

    Example: warchest owners override parent "Samsung Display Co., Ltd." "Samsung Electronics"
    """
    from warchest import add_override, resolve_owners

    with _open_engine(db) as store:
        add_override(store, action, subject, obj, note)
        report = resolve_owners(store)
    console.print(f"recorded: {action} {escape(subject)!r}"
                  + (f" {escape(obj)!r}" if obj else "")
                  + f"; re-resolved into {report.entities:,} entities")
    for problem in report.unmatched_relations:
        err.print(f"[yellow]not applied[/yellow]: {escape(problem)}")


@owners_app.command("groups")
@user_errors
def owners_groups(
    path: Annotated[Path, typer.Argument(help="groups CSV/YAML, or a GLEIF Level 2 "
                                         "relationship CSV with --gleif-lei.")],
    gleif_lei: Annotated[list[Path] | None, typer.Option(
        "--gleif-lei", help="GLEIF Level 1 LEI records naming the LEIs (repeatable).")] = None,
    db: DbOption = None,
) -> None:
    """Add parent/subsidiary relations, then re-resolve.

    Example: warchest owners groups groups.csv
    """
    from warchest import import_groups, resolve_owners

    with _open_engine(db) as store:
        n = import_groups(store, path, gleif_lei or None)
        report = resolve_owners(store)
    console.print(f"{n:,} relations read from {escape(str(path))}; "
                  f"{report.corporate_links:,} corporate links in force")
    for problem in report.unmatched_relations:
        err.print(f"[yellow]not applied[/yellow]: {escape(problem)}")


@owners_app.command("cluster")
@user_errors
def owners_cluster(
    source: Annotated[Path, typer.Argument(help="CSV with mention_id,organization[,country].")],
    out: Annotated[Path, typer.Option("--out", help="Output CSV: mention_id,entity_id,"
                                      "entity_name.")],
    level: Annotated[str, typer.Option(
        "--level", help="company: the legal entity as named; group: the top of its "
        "corporate group by name evidence.")] = "company",
) -> None:
    """Resolve a CSV of name mentions with the store's resolver (no store needed).

    Example: warchest owners cluster names.csv --out clusters.csv --level group
    """
    from warchest import cluster_names_file

    started = time.perf_counter()
    counts = cluster_names_file(source, out, level)
    console.print(f"{counts.mentions:,} mentions, {counts.names:,} distinct names -> "
                  f"{counts.entities:,} {level} entities in "
                  f"{time.perf_counter() - started:.1f} s;"
                  f" written to {escape(str(out))}")
