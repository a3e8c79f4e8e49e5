"""`warchest fetch ...`: the real bulk files into a local cache, from every source (resumed,
verified, recorded in a manifest per folder), then `warchest load ...` reads them."""

# no `from __future__ import annotations`: the commands made in a loop take their options'
# help texts from the loop's variables, which typer can only read from live annotations
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

import warchest
from warchest import Fetched, InputError
from warchest.cli.common import (
    DbOption,
    JsonOption,
    _open_engine,
    _parse_date,
    app,
    comma_list,
    console,
    err,
    fetch_app,
    print_json,
    user_errors,
)

CacheOption = Annotated[Path | None, typer.Option(
    "--cache", help="Cache folder (default: $WARCHEST_CACHE or ./warchest-cache).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Download again.")]
ApiKeyOption = Annotated[str | None, typer.Option(
    "--api-key", help="USPTO Open Data Portal API key (default: $USPTO_API_KEY; a free key "
    "from https://data.uspto.gov/myodp/key-reveal).")]
SinceOption = Annotated[str | None, typer.Option(
    "--since", help="First day the files cover (YYYY-MM-DD).")]
UntilOption = Annotated[str | None, typer.Option(
    "--until", help="Last day the files cover (YYYY-MM-DD; default: today).")]


@contextmanager
def _progress(as_json: bool) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress callback: bars on a terminal, nothing otherwise."""
    bar: Progress | None = None
    tasks: dict[str, TaskID] = {}

    def update(name: str, done: int, total: int | None) -> None:
        if bar is None:
            return
        if name not in tasks:
            tasks[name] = bar.add_task(name, total=total)
        bar.update(tasks[name], completed=done, total=total)

    if err.is_terminal and not as_json:
        from rich.progress import DownloadColumn, TransferSpeedColumn

        bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                       TransferSpeedColumn(), TimeElapsedColumn(), console=err)
        bar.start()
    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


def _report(title: str, results: list[Fetched], as_json: bool, load: str | None) -> None:
    if as_json:
        print_json(results)
        return
    table = Table(title=title)
    for col in ("file", "status", "bytes", "md5 (ETag)", "sha256"):
        table.add_column(col)
    for r in results:
        table.add_row(escape(r.name), r.status, f"{r.size:,}",
                      "verified" if r.md5_verified else "-", r.sha256[:16] + "...")
    console.print(table)
    if results and load:
        folder = Path(results[0].path).parent
        console.print(f"load them with: {escape(load)} {escape(str(folder))}")


@fetch_app.command("sources")
@user_errors
def sources(as_json: JsonOption = False) -> None:
    """Every source `warchest fetch` knows: what it holds, its address, whether it needs a
    USPTO API key, and the command that loads it.

    Example: warchest fetch sources
    """
    listed = warchest.fetch_sources()
    if as_json:
        print_json(listed)
        return
    for s in listed.sources:
        console.print(f"[bold]warchest fetch {s.command}[/bold]  {escape(s.what)}",
                      soft_wrap=True)
        key = "  (needs a USPTO API key: $USPTO_API_KEY)" if s.api_key else ""
        console.print(f"  from: {escape(s.address)}{key}", soft_wrap=True)
        console.print(f"  then: {escape(s.load)}", soft_wrap=True)


@fetch_app.command("patentsview")
@user_errors
def fetch_patentsview(
    tables: Annotated[str | None, typer.Option(
        "--tables", help="Comma-separated table names (default: the ten core tables).")] = None,
    cache: CacheOption = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="Where the files are (default: PatentsView's bulk download "
        f"address, {warchest.PATENTSVIEW_URL}, or $WARCHEST_PATENTSVIEW_URL).")] = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Download PatentsView bulk tables (resumes partial downloads, verifies size, MD5 and
    zip CRCs), then load them with `warchest load patentsview CACHE/patentsview`.

    Example: warchest fetch patentsview --tables g_patent,g_cpc_current
    """
    chosen = comma_list(tables) if tables else None
    with _progress(as_json) as update:
        results = warchest.fetch_patentsview(chosen, cache=cache, base_url=base_url,
                                             progress=update, force=force)
    _report("fetch patentsview", results, as_json, "warchest load patentsview")


def _bulk_command(source: str) -> None:
    product = warchest.BULK_PRODUCTS[source]
    cumulative = ("each release is cumulative: the newest is fetched" if product.cumulative
                  else "the files covering --since..--until")

    @user_errors
    def command(since: SinceOption = None, until: UntilOption = None,
                cache: CacheOption = None, api_key: ApiKeyOption = None,
                base_url: Annotated[str | None, typer.Option(
                    "--base-url", help="The Open Data Portal's product listing address "
                    "(default: $WARCHEST_USPTO_API_URL or the USPTO's).")] = None,
                force: ForceOption = False, as_json: JsonOption = False) -> None:
        first, last = _parse_date(since, "--since"), _parse_date(until, "--until")
        if first is None and not product.cumulative:
            raise InputError(f"--since is needed: the first day of the {source} files to "
                             "fetch (YYYY-MM-DD)")
        with _progress(as_json) as update:
            results = warchest.fetch_uspto(source, since=first, until=last, cache=cache,
                                           api_key=api_key, base_url=base_url,
                                           progress=update, force=force)
        _report(f"fetch {source}", results, as_json,
                product.load if product.load.startswith("warchest") else None)

    example = ("warchest fetch maintenance" if product.cumulative else
               "warchest fetch assignments-yearly --since 1980-01-01"
               if source == "assignments-yearly" else
               f"warchest fetch {source} --since 2025-01-01 --until 2025-01-31")
    loaded = ("" if product.load.startswith("warchest") else
              " No loader reads these XML files yet.")
    command.__doc__ = (f"Download {product.title} (USPTO Open Data Portal product "
                       f"{product.product}; {cumulative}; needs an API key).{loaded}\n\n"
                       f"Example: {example}")
    fetch_app.command(source)(command)


for _source in warchest.BULK_PRODUCTS:
    _bulk_command(_source)


@fetch_app.command("assignment-dataset")
@user_errors
def fetch_assignment_dataset(
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="The release's folder of CSV zips (default: "
        "$WARCHEST_ASSIGNMENT_DATASET_URL).")] = None,
    tables: Annotated[str | None, typer.Option(
        "--tables", help="Comma-separated tables (default: all five).")] = None,
    cache: CacheOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Download the Patent Assignment Dataset's CSV tables (assignment, assignor, assignee,
    documentid, assignment_conveyance), then `warchest load assignments`.

    Example: warchest fetch assignment-dataset --tables assignment,assignor,assignee,documentid
    """
    chosen = comma_list(tables) if tables else warchest.ASSIGNMENT_TABLES
    with _progress(as_json) as update:
        results = warchest.fetch_assignment_dataset(cache=cache, base_url=base_url,
                                                    tables=chosen, progress=update,
                                                    force=force)
    _report("fetch assignment-dataset", results, as_json, "warchest load assignments")


@fetch_app.command("litigation")
@user_errors
def fetch_litigation_dataset(
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="The release's folder of CSV zips (default: "
        "$WARCHEST_LITIGATION_DATASET_URL).")] = None,
    tables: Annotated[str | None, typer.Option(
        "--tables", help="Comma-separated tables (default: cases,names,patents).")] = None,
    cache: CacheOption = None,
    force: ForceOption = False,
    as_json: JsonOption = False,
) -> None:
    """Download the Patent Litigation Docket Reports Data's CSV tables (cases, names,
    patents), then `warchest load litigation`.

    Example: warchest fetch litigation --tables cases,names,patents
    """
    chosen = comma_list(tables) if tables else None
    with _progress(as_json) as update:
        results = warchest.fetch_litigation_dataset(cache=cache, base_url=base_url,
                                                    tables=chosen, progress=update,
                                                    force=force)
    _report("fetch litigation", results, as_json, "warchest load litigation")


@fetch_app.command("ptab")
@user_errors
def fetch_ptab(
    kind: Annotated[str, typer.Option(
        "--kind", help="proceedings or documents.")] = "proceedings",
    query: Annotated[str, typer.Option(
        "--query", help="The PTAB API's search (Lucene syntax), e.g. "
        "'patentNumber:6162705'.")] = "*:*",
    max_records: Annotated[int | None, typer.Option(
        "--max", min=1, help="Stop after this many records.")] = None,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=1000)] = 100,
    cache: CacheOption = None,
    api_key: ApiKeyOption = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="The search address (default: the Open Data Portal's PTAB trials "
        "search, or $WARCHEST_PTAB_PROCEEDINGS_URL / _DOCUMENTS_URL).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Download PTAB trial proceedings or documents matching a search, paged, into one
    JSON Lines file (needs a USPTO API key).

    Example: warchest fetch ptab --query 'patentNumber:6162705' --max 500
    """
    with _progress(as_json) as update:
        result = warchest.fetch_ptab(kind, query=query, cache=cache, api_key=api_key,
                                     base_url=base_url, page_size=page_size,
                                     max_records=max_records, progress=update)
    _report(f"fetch ptab {kind}", [result], as_json, None)


def _scheme_command(scheme: str, parts_help: str, default_version: str,
                    example_version: str) -> None:
    """``example_version``: the release the documented example fetches (the tests run it
    against recorded files under that release's name)."""
    @user_errors
    def command(version: Annotated[str | None, typer.Option(
                    "--version", help=f"The release (default {default_version}).")] = None,
                parts: Annotated[str, typer.Option("--parts", help=parts_help)] = "titles",
                cache: CacheOption = None,
                base_url: Annotated[str | None, typer.Option(
                    "--base-url", help=f"Where the releases are (default: "
                    f"$WARCHEST_{scheme.upper()}_URL or the publisher's).")] = None,
                force: ForceOption = False, as_json: JsonOption = False) -> None:
        chosen = comma_list(parts)
        with _progress(as_json) as update:
            results = warchest.fetch_scheme(scheme, version=version, parts=chosen,
                                            cache=cache, base_url=base_url, progress=update,
                                            force=force)
        _report(f"fetch {scheme}", results, as_json, f"warchest load {scheme}")

    command.__doc__ = (f"Download one release of the {scheme.upper()} ({parts_help}).\n\n"
                       f"Example: warchest fetch {scheme} --version {example_version}")
    fetch_app.command(scheme)(command)


_scheme_command("cpc", "titles, scheme: comma-separated", warchest.CPC_VERSION, "202208")
_scheme_command("ipc", "titles", warchest.IPC_VERSION, "20240101")


@app.command("update")
@user_errors
def update(
    until: UntilOption = None,
    db: DbOption = None,
    cache: CacheOption = None,
    api_key: ApiKeyOption = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="The Open Data Portal's product listing address (default: "
        "$WARCHEST_USPTO_API_URL or the USPTO's).")] = None,
    derive: Annotated[bool, typer.Option(
        "--derive/--no-derive", help="Derive again what the new files touched (default: "
        "yes).")] = True,
    full: Annotated[bool, typer.Option(
        "--full", help="Derive everything again instead (after `warchest owners` "
        "overrides, or to re-cluster every name).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Bring the store up to date: fetch the weekly grant files published since its newest
    grant and the newest maintenance-fee events (USPTO Open Data Portal; needs an API key),
    load what the store lacks, then derive again what they touched (`warchest refresh`).

    Example: warchest update --no-derive
    """
    last = _parse_date(until, "--until")
    with _open_engine(db) as store, _progress(as_json) as progress:
        report = warchest.update_store(store, until=last, cache=cache, api_key=api_key,
                                       base_url=base_url, derive=derive, full=full,
                                       progress=progress)
    if as_json:
        print_json(report)
        return
    table = Table(title=f"update: grants from {report.since} to {report.until}")
    for col in ("file", "download", "loaded"):
        table.add_column(col)
    for row in report.rows():
        table.add_row(escape(str(row["file"])), str(row["status"]), str(row["loaded"]))
    console.print(table)
    rows = sum(r.rows_loaded for r in report.loads)
    quarantined = sum(r.rows_quarantined for r in report.loads)
    console.print(f"loaded {len(report.loaded)} file(s): {rows:,} rows, {quarantined:,} "
                  f"quarantined; newest grant {report.newest_grant_before} -> "
                  f"{report.newest_grant_after}; "
                  + (("derived again" if report.refresh is None else "refreshed")
                     if report.derived else "not derived"
                     + (" (--no-derive)" if report.loaded and not derive else "")))
