"""A lake of Parquet files: the store's tables exported (``export_parquet``), and every
derived table computed from a lake on Spark and written back into it (``derive_lake``),
the way warchest runs where one machine is not enough (docs/engines.md)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from warchest.errors import NotFound
from warchest.pipeline import derivations
from warchest.results import Result, row_type
from warchest.store import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


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


def export_parquet(store: Store, folder: Path | str,
                   tables: list[str] | None = None) -> LakeExport:
    """Write the store's tables (default: all) as Parquet, ``folder/<table>/``, replacing
    what an earlier export wrote there; Spark, DuckDB, Polars or pandas read them back."""
    folder = Path(folder)
    written = store.export_parquet(folder, tables)
    return LakeExport(folder, tuple(LakeTable(name, str(folder / name), rows)
                                    for name, rows in written.items()))


@dataclass(frozen=True)
class LakeDerivation(Result):
    """The derived tables Spark computed from a lake and wrote back into it, with the
    seconds each took (reading the loaded tables: ``read``)."""

    TABLE = "tables"
    lake: str
    master: str
    tables: tuple[LakeTable, ...]
    seconds: dict[str, float]


def derive_lake(lake: str, session: SparkSession | None = None,
                master: str = "local[2]") -> LakeDerivation:
    """Every derived table computed on Spark from the loaded tables of ``lake`` (a folder,
    or any URI Spark reads: ``hdfs://``, ``s3a://``, ``abfss://``, ...), in pipeline order,
    each written to ``lake/<table>/`` (replaced) and read back by the derivations after
    it."""
    from warchest.store.spark import SparkDerivations, spark_session

    spark = SparkDerivations(session or spark_session(master))
    # a local folder as an absolute path: Spark resolves a relative one against the
    # directory its JVM started in, not the caller's
    root = lake.rstrip("/") if "://" in lake else str(Path(lake).resolve())
    seconds: dict[str, float] = {}
    tick = time.perf_counter()
    derived = {name for name, _ in derivations(True)}
    found = [name for name in spark.lake_tables(root) if name not in derived]
    if "patents" not in found:
        raise NotFound(f"{lake} holds no patents table (a folder 'patents' of Parquet "
                       "files); write one with `warchest export parquet DIR`")
    spark.register_parquet(root, found)
    seconds["read"] = time.perf_counter() - tick
    out = []
    for name, sql in derivations(True):
        tick = time.perf_counter()
        if name == "patent_indicators":  # self citations need owners at grant
            self_citations = bool(spark.scalar(
                "SELECT count(*) > 0 FROM ownership WHERE via = 'grant'"))
            sql = dict(derivations(self_citations))[name]
        rows = spark.derive_to(sql, f"{root}/{name}", name)
        seconds[name] = time.perf_counter() - tick
        out.append(LakeTable(name, f"{root}/{name}", rows))
    return LakeDerivation(lake, str(spark.session.sparkContext.master), tuple(out), seconds)
