"""`warchest export parquet` and `warchest lake derive`: the store's tables as Parquet, and
the pipeline's steps run on Spark over such a lake (every other command runs on a lake
too, with `warchest --engine spark --lake PATH ...`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from warchest.cli.common import (
    ENGINE,
    DbOption,
    JsonOption,
    _open_store,
    console,
    escape,
    export_app,
    lake_app,
    print_json,
    user_errors,
)


@export_app.command("parquet")
@user_errors
def export_parquet(
    folder: Annotated[Path, typer.Argument(help="The lake folder: one folder of Parquet "
                                           "files per table.")],
    db: DbOption = None, as_json: JsonOption = False,
) -> None:
    """Write every table of the store as Parquet (replacing an earlier export there).

    Example: warchest export parquet lake
    """
    from warchest import export_parquet as export

    with _open_store(db, read_only=True) as store:
        done = export(store, folder)
    if as_json:
        print_json(done)
        return
    filled = [t for t in done.tables if t.rows]
    console.print(f"{len(done.tables)} tables ({len(filled)} with rows, "
                  f"{sum(t.rows for t in done.tables):,} rows) written to "
                  f"{escape(str(folder))}; derive on Spark with `warchest lake derive "
                  f"{escape(str(folder))}`")


@lake_app.command("derive")
@user_errors
def lake_derive(
    lake: Annotated[str, typer.Argument(help="The lake: a folder, or a URI Spark reads "
                                        "(hdfs://, s3a://, abfss://...).")],
    master: Annotated[str | None, typer.Option(
        "--master", show_default=False, help="Spark master (local[2], yarn, "
        "spark://host:7077...; default: spark-submit's, else local[2]).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Run the pipeline's steps on Spark over a lake's loaded tables: owners resolved,
    values computed, technology mapped; every table they write (ownership, terms,
    markets, indicators, product areas, WIPO fields, ...) lands in the lake. Needs the
    spark extra: pip install 'warchest[spark]' (and Java 17).

    Example: warchest lake derive lake
    """
    from warchest import derive_lake

    done = derive_lake(lake, master=master or ENGINE.master)
    if as_json:
        print_json(done)
        return
    table = Table(title=f"derived on Spark ({escape(done.master)}) into {escape(lake)}")
    for column in ("table", "rows"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for t in done.tables:
        table.add_row(t.table, f"{t.rows:,}")
    console.print(table)
    console.print("seconds: " + ", ".join(f"{step} {s:.1f}" for step, s in done.seconds.items()))
