"""A lake of Parquet files: the store's tables exported (``export_parquet``), and every
derived table computed from a lake on Spark and written back into it (``derive_lake``),
the way warchest runs where one machine is not enough (docs/engines.md)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warchest.errors import NotFound
from warchest.pipeline import PIPELINE_TABLES, run_steps
from warchest.results import Result, row_type
from warchest.store import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from warchest.store.spark import SparkEngine


@row_type
@dataclass(frozen=True)
class LakeTable:
    """One table of a lake: its folder of Parquet files and its rows."""

    table: str
    path: str
    rows: int


@dataclass(frozen=True)
class LakeExport(Result):
    """The tables a store wrote into a lake folder (one folder of Parquet per table)."""

    TABLE = "tables"
    folder: Path
    tables: tuple[LakeTable, ...]


def export_parquet(store: Store, folder: Path | str, tables: list[str] | None = None,
                   file_size: str = "256MB") -> LakeExport:
    """Write the store's tables (default: all, and its load log) as Parquet,
    ``folder/<table>/``, in files of about ``file_size``, replacing what an earlier export
    wrote there; Spark, DuckDB, Polars or pandas read them back."""
    folder = Path(folder)
    written = store.export_parquet(folder, tables, file_size)
    return LakeExport(folder, tuple(LakeTable(name, str(folder / name), rows)
                                    for name, rows in written.items()))


def open_lake(lake: str | Path, master: str | None = None,
              session: SparkSession | None = None) -> SparkEngine:
    """A lake (a folder, or any URI Spark reads) as an engine on Spark: every step
    (loads, ``resolve_owners``, ``compute_values``, ``map_technology``, exposure, the
    read side) takes it as it takes a store. ``master``: ``local[2]``, ``yarn``,
    ``spark://host:7077``, ...; None: spark-submit's, or ``local[2]`` (ignored with a
    ``session``: Databricks' ``spark``, for one)."""
    from warchest.store.spark import SparkEngine

    return SparkEngine(lake, session, master)


@dataclass(frozen=True)
class LakeDerivation(Result):
    """The tables Spark computed from a lake and wrote back into it (every table the
    pipeline's steps write: ``PIPELINE_TABLES``), with the seconds each step took
    (``open``: the session and the lake's tables)."""

    TABLE = "tables"
    lake: str
    master: str
    tables: tuple[LakeTable, ...]
    seconds: dict[str, float]


def derive_lake(lake: str, session: SparkSession | None = None,
                master: str | None = None) -> LakeDerivation:
    """Run the pipeline's steps (``resolve_owners``, ``compute_values``,
    ``map_technology``, unchanged) on Spark over the loaded tables of ``lake`` (a folder,
    or any URI Spark reads: ``hdfs://``, ``s3a://``, ``abfss://``, ...); every table they
    write lands in ``lake/<table>/`` (replaced)."""
    tick = time.perf_counter()
    engine = open_lake(lake, master, session)
    if "patents" not in engine.lake_tables():
        raise NotFound(f"{lake} holds no patents table (a folder 'patents' of Parquet "
                       "files); write one with `warchest export parquet DIR`")
    seconds = {"open": time.perf_counter() - tick}
    seconds.update(run_steps(engine))
    out = tuple(LakeTable(name, f"{engine.lake}/{name}",
                          int(engine.scalar(f"SELECT count(*) FROM {name}")))
                for name in PIPELINE_TABLES)
    return LakeDerivation(lake, str(engine.session.sparkContext.master), out, seconds)
