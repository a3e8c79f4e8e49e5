"""`warchest init`, `status`, `quarantine`, `patent`, `sql` (read-only, sandboxed) and `version`."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from warchest import (
    __version__,
    describe_patent,
    quarantined_rows,
    refresh_derived,
    run_query,
    store_status,
)
from warchest.cli.common import (
    DbOption,
    JsonOption,
    _kv_table,
    _open_engine,
    _open_store,
    _rows_table,
    app,
    console,
    escape,
    print_json,
    user_errors,
)

if TYPE_CHECKING:
    from warchest import StoreStatus


@app.command()
@user_errors
def init(db: DbOption = None) -> None:
    """Create the store (or upgrade an older one to this version's schema).

    Example: warchest init --db patents.duckdb
    """
    with _open_store(db) as store:
        console.print(f"store {escape(store.path)}: schema v{store.version} "
                      f"(warchest {__version__})")


def print_status(status: StoreStatus) -> None:
    lines = [f"store [bold]{escape(status.store)}[/bold], schema v{status.schema_version}"]
    totals = status.totals
    lines.append(
        f"{totals['loads']:,} loads ({totals['failed']:,} failed): read "
        f"{totals['rows_read']:,} = loaded {totals['rows_loaded']:,} + quarantined "
        f"{totals['rows_quarantined']:,}"
    )
    if status.synthetic_kind == "synthetic":
        lines.append("[bold yellow]contains SYNTHETIC data[/bold yellow] (see labels below)")
    elif status.synthetic_kind == "partly synthetic":
        lines.append("[yellow]contains partly synthetic sample data[/yellow] (see labels "
                     "below)")
    for row in status.labels:
        lines.append(f"[yellow]label[/yellow] {escape(row['label'])}: {row['loads']} load(s)")
    console.print(Panel("\n".join(lines), title="warchest status"))
    tables = Table(title="tables")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in status.tables.items():
        tables.add_row(name, f"{count:,}" if count else "[dim]0[/dim]")
    console.print(tables)
    if status.loads:
        log = Table(title="latest loads", expand=True)
        loads = status.loads[:20]
        labelled = any(row["label"] for row in loads)
        for col in ("id", "loader", "file", "read", "loaded", "quarantined", "status",
                    *(("label",) if labelled else ())):
            if col in ("file", "label"):  # the long ones share what is left of the width
                log.add_column(col, overflow="fold", ratio=2 if col == "file" else 1)
            else:
                log.add_column(col, no_wrap=True, justify="right" if col in (
                    "id", "read", "loaded", "quarantined") else "left")
        for row in loads:
            name = row["member"] or Path(row["path"]).name
            log.add_row(str(row["load_id"]), row["loader"], escape(name),
                        f"{row['rows_read'] or 0:,}", f"{row['rows_loaded'] or 0:,}",
                        f"{row['rows_quarantined'] or 0:,}", escape(row["status"] or ""),
                        *((escape(row["label"] or ""),) if labelled else ()))
        console.print(log)


@app.command()
@user_errors
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the store: tables and row counts, the load log, provenance labels.

    Example: warchest status --json
    """
    with _open_store(db, read_only=True) as store:
        result = store_status(store)
    if as_json:
        print_json(result)
    else:
        print_status(result)


@app.command()
@user_errors
def refresh(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Bring every derived table up to date after loads, deriving again only what the loads
    since the last derivation touched (a full derivation if the store has none yet).

    Example: warchest refresh --json
    """
    with _open_engine(db) as store:
        report = refresh_derived(store)
    if as_json:
        print_json(report)
        return
    if report.full:
        console.print(f"derived everything again: {escape(report.reason)}")
    elif not report.loads:
        console.print("nothing to refresh: no loads since the last derivation")
    else:
        console.print(f"refreshed after {len(report.loads)} load(s): "
                      f"{report.touched:,} patents touched; "
                      + ", ".join(f"{k} {v:,}" for k, v in report.scope.items() if k != "touched")
                      + f"; names: {report.names.get('new', 0):,} new, "
                      f"{report.names.get('new companies', 0):,} new companies; "
                      f"{sum(report.seconds.values()):.1f} s")


@app.command()
@user_errors
def quarantine(
    db: DbOption = None,
    load: Annotated[int | None, typer.Option("--load", help="Only this load id.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List rows that could not be loaded, with file, line and reason.

    Example: warchest quarantine --load 3
    """
    with _open_engine(db, read_only=True) as store:
        found = quarantined_rows(store, load, limit)
    if as_json:
        print_json(found)
        return
    rows = found.records
    if not rows:
        console.print("no quarantined rows")
        return
    table = Table(title="quarantined rows")
    for col in ("load", "file", "line", "reason", "raw"):
        table.add_column(col)
    for row in rows:
        name = row["member"] or Path(row["path"]).name
        table.add_row(str(row["load_id"]), escape(name), str(row["line"] or "?"),
                      escape(row["reason"]), escape((row["raw"] or "")[:120]))
    console.print(table)


@app.command()
@user_errors
def patent(
    number: Annotated[str, typer.Argument(help="A patent number in any common format.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Everything the store knows about one patent (any number format: US10000000B2,
    10,000,000, D0456588, RE49257...).

    Example: warchest patent "US 10,000,000 B2"
    """
    with _open_engine(db, read_only=True) as store:
        info = describe_patent(store, number)
    if as_json:
        print_json(info)
        return
    console.print(_kv_table(f"patent {info.patent_id}", info.patent))
    for title, one in (("application", info.application),
                       ("term of grant", info.term_of_grant)):
        if one:
            console.print(_kv_table(title, one))
    if info.abstract:
        console.print(Panel(escape(info.abstract["abstract"]), title="abstract"))
    for title, rows in (
            ("assignees", info.assignees),
            ("assignees disambiguated", info.assignees_disambiguated),
            ("inventors", info.inventors), ("cpc", info.cpc), ("ipc", info.ipc),
            ("wipo fields", info.wipo_fields), ("related documents", info.related_documents),
            ("reassignments", info.reassignments), ("citations made", info.citations_made),
            ("citations received", info.citations_received),
            ("application citations", info.application_citations),
            ("foreign citations", info.foreign_citations),
            ("other citations", info.other_citations)):
        if rows:
            console.print(_rows_table(title, list(rows)))
    if info.claims:
        console.print(_rows_table("claims", list(info.claims), limit=5))
    console.print(_rows_table("sources (loads behind these values)", list(info.sources),
                              skip=()))


@app.command()
@user_errors
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query (DuckDB dialect).")],
    db: DbOption = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows to show in the table view.")] = 50,
) -> None:
    """Run a read-only SQL query against the store.

    Example: warchest sql "SELECT subclass, count(*) n FROM cpc GROUP BY 1 ORDER BY n DESC"
    """
    with _open_store(db, read_only=True, sandbox=True) as store:
        result = run_query(store, query)
    rows = result.records
    if as_json:
        print_json(list(rows))
    elif as_csv:
        buffer = io.StringIO()
        result.to_csv(buffer)
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(caption=f"{len(rows):,} row(s)")
        for name in result.columns:
            table.add_column(name, overflow="fold")
        for row in rows[:limit]:
            table.add_row(*[escape("" if v is None else str(v)) for v in row.values()])
        console.print(table)


@app.command()
def version() -> None:
    """Print the warchest version.

    Example: warchest version
    """
    console.print(__version__)
