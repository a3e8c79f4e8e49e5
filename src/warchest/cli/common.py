"""What every command shares: the Typer apps, the consoles, one-line errors, JSON output,
progress, option types, the notes on synthetic and small stores."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape as escape_markup
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

from warchest import (
    Engine,
    InputError,
    Result,
    Store,
    WarchestError,
    __version__,
    default_db_path,
    engine_failure,
    number,
    open_lake,
    store_provenance,
)

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


class EngineName(StrEnum):
    """The engines the command line runs on (``--engine``)."""

    duckdb = "duckdb"
    spark = "spark"


@dataclass
class _EngineChoice:
    """The engine the root options chose for this invocation (``_open_engine``)."""

    engine: str = "duckdb"
    lake: str | None = None
    master: str | None = None


ENGINE = _EngineChoice()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the warchest version and exit.")] = False,
    engine: Annotated[EngineName, typer.Option(
        "--engine", envvar="WARCHEST_ENGINE",
        help="duckdb: the store file (--db); spark: a lake of Parquet tables (--lake), "
        "on Spark.")] = EngineName.duckdb,
    lake: Annotated[str | None, typer.Option(
        "--lake", envvar="WARCHEST_LAKE", show_default=False,
        help="The lake for --engine spark: a folder, or a URI Spark reads (hdfs://, "
        "s3a://, abfss://, gs://).")] = None,
    master: Annotated[str | None, typer.Option(
        "--master", envvar="WARCHEST_SPARK_MASTER", show_default=False,
        help="Spark master for --engine spark (local[2], yarn, spark://host:7077; "
        "default: spark-submit's, else local[2]).")] = None,
) -> None:
    """warchest: who owns which patents, what they are worth, who can sue whom, and which
    patents to buy. Data lives in one DuckDB file (--db, $WARCHEST_DB, default
    ./warchest.duckdb), or in a lake of Parquet tables worked by Spark (--engine spark
    --lake PATH)."""
    if engine is EngineName.spark and not lake:
        raise typer.BadParameter("--engine spark needs --lake PATH (a folder, or a URI "
                                 "such as s3a://bucket/lake)", param_hint="'--lake'")
    ENGINE.engine = "spark" if lake else engine.value  # a lake is worked by Spark
    ENGINE.lake, ENGINE.master = lake, master


load_app = typer.Typer(help="Load bulk files (files, folders, zip archives) into the store.",
                       no_args_is_help=True)
app.add_typer(load_app, name="load")


fetch_app = typer.Typer(help="Download the real bulk files to a local cache.",
                        no_args_is_help=True)
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


export_app = typer.Typer(help="Export the store's tables (Parquet, for Spark and other "
                         "tools).", no_args_is_help=True)
app.add_typer(export_app, name="export")


lake_app = typer.Typer(help="A lake of Parquet tables: derive every table on Spark.",
                       no_args_is_help=True)
app.add_typer(lake_app, name="lake")


console = Console()


err = Console(stderr=True)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape(text: str) -> str:
    """Text from data (names, titles, file and archive member names) for the terminal:
    control characters dropped (an escape sequence in a hostile record could retitle,
    clear or rewrite the terminal), then rich markup escaped."""
    return escape_markup(_CONTROL.sub("", text))


def comma_list(text: str) -> tuple[str, ...]:
    """The values of a comma-separated option (``--tables a,b``), each stripped, blanks
    dropped."""
    return tuple(v.strip() for v in text.split(",") if v.strip())


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
    if isinstance(value, Decimal):  # a SQL DECIMAL: a number to JSON readers
        return float(value)
    return str(value)


def _plain(data: Any) -> Any:
    """Results as their ``to_dict()``, in lists and dicts too; infinity as the text "inf"
    (JSON has no infinity; ``Result.to_json`` writes it so too)."""
    if isinstance(data, Result):
        return _plain(data.to_dict())
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return str(data)
    return data


def print_json(data: Any) -> None:
    """``data`` (a result, or plain data holding results) as JSON on stdout; dates as ISO
    text."""
    sys.stdout.write(json.dumps(_plain(data), indent=2, default=_json_default,
                                ensure_ascii=False))
    sys.stdout.write("\n")


def _open_store(db: Path | None, read_only: bool = False, sandbox: bool = False) -> Store:
    """The DuckDB store (commands about the store file itself: status, query, export)."""
    if ENGINE.engine == "spark":
        raise InputError("this command works on a DuckDB store (--db), not on a lake; "
                         "drop --engine spark / --lake (or $WARCHEST_ENGINE, $WARCHEST_LAKE)")
    return Store(db if db is not None else default_db_path(), read_only=read_only,
                 sandbox=sandbox)


def _open_engine(db: Path | None, read_only: bool = False) -> Engine:
    """The engine the root options chose: the DuckDB store, or the lake on Spark."""
    if ENGINE.engine != "spark":
        return _open_store(db, read_only)
    if db is not None:
        raise InputError(f"--db {db} names a DuckDB store, but --engine spark works on the "
                         f"lake {ENGINE.lake}; give one of them")
    assert ENGINE.lake is not None
    return open_lake(ENGINE.lake, ENGINE.master)


@contextmanager
def stage_progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """Progress of a computation's steps (``update(stage, done, total)``): a bar on a
    terminal; elsewhere (a log, a pipe) one plain line per step on stderr, with the time
    since the start; nothing when not ``enabled`` (JSON output)."""
    bar: Progress | None = None
    tasks: dict[str, TaskID] = {}
    started = time.perf_counter()
    if enabled and err.is_terminal:
        bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                       TimeElapsedColumn(), console=err)
        bar.start()

    def update(stage: str, done: int, total: int) -> None:
        if not enabled:
            return
        if bar is None:
            err.print(f"[{time.perf_counter() - started:7.1f} s] {escape(stage)} "
                      f"({done}/{total})", highlight=False, soft_wrap=True)
            return
        group = stage.split(":", 1)[0]  # one bar per computation, its step in the text
        if group not in tasks:
            tasks[group] = bar.add_task(stage, total=total)
        bar.update(tasks[group], completed=done, total=total, description=escape(stage))

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


def _kv_table(title: str, data: dict[str, Any]) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in data.items():
        if key in ("load_id", "merged_from") or value is None:
            continue
        table.add_row(key, escape(str(value)))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return number(value) if isinstance(value, float) else str(value)


def _longest_word(texts: list[str], cap: int = 24) -> int:
    """The longest word of a column (at most ``cap``): its narrowest width that breaks no
    word in the middle."""
    return min(cap, max((len(w) for t in texts for w in t.split()), default=1))


def _rows_table(title: str, rows: list[dict[str, Any]], limit: int = 20,
                skip: tuple[str, ...] = ("load_id",)) -> Table:
    """Rows as a table; text wraps between words (a column is never narrower than its
    longest word, up to 24 characters), numbers without exponents."""
    table = Table(title=f"{title} ({len(rows)})")
    if not rows:
        return table
    cols = [c for c in rows[0] if c not in skip]
    shown = [[escape(_cell(row[c]))[:200] for c in cols] for row in rows[:limit]]
    for k, c in enumerate(cols):
        table.add_column(c, overflow="fold",
                         min_width=_longest_word([c, *(r[k] for r in shown)]))
    for cells in shown:
        table.add_row(*cells)
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more (use --json for all)"
    return table


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


# ---------------------------------------------------------------------------- owners
def _synthetic_note(store: Engine) -> None:
    """The caveats of a store's data, before any result from it: synthetic data, a small
    sample."""
    known = store_provenance(store)
    if known.synthetic_kind == "synthetic":
        console.print("[bold yellow]SYNTHETIC[/bold yellow] this store holds synthetic data")
    elif known.synthetic_kind == "partly synthetic":
        console.print("[yellow]partly synthetic sample[/yellow]: some loads are labelled "
                      "partly synthetic (`warchest status` says what in them is real)")
    if known.small_sample:
        console.print(f"[yellow]computed from a small sample ({known.patents:,} patents in the "
                      "store): not the companies' whole portfolios[/yellow]")


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


def main() -> None:
    """Entry point of the ``warchest`` console script."""
    app()
