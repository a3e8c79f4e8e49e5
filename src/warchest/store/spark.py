"""Spark (PySpark) as a second engine for the derivations: the same portable SQL that the
DuckDB store runs, translated once here (the dialect lives in this module only).

Two things keep a derivation written for DuckDB identical on Spark:

- **Stages.** A derivation is one ``WITH ... SELECT``. Spark inlines every reference to a
  CTE, and a CTE read by several others (the citations in the indicators are read six
  times) multiplies the plan until the analyser runs out of memory. Each CTE is run as its
  own step and checkpointed (``localCheckpoint``: materialised, its lineage cut), then
  read by name, as DuckDB reads a materialised CTE.
- **Numbers.** A literal such as ``365.25`` or ``1.0`` is a DECIMAL in both dialects, but
  DuckDB divides decimals into DOUBLEs where Spark keeps a DECIMAL rounded to 6 places;
  literals with a fraction are read as DOUBLE on Spark (what DuckDB computes with).

Everything else is sqlglot's DuckDB-to-Spark translation. PySpark is an optional extra:
``pip install 'warchest[spark]'`` (with Java 17).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from warchest.errors import SetupError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL = "pip install 'warchest[spark]' (PySpark 4, with Java 17 on the PATH)"


def spark_session(master: str = "local[2]", **config: str) -> SparkSession:
    """A Spark session for the derivations (UTC, few shuffle partitions on one machine);
    a clear error naming the install command when PySpark is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SetupError(f"the Spark engine needs PySpark: {INSTALL}") from None
    builder = (SparkSession.builder.master(master).appName("warchest")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.ui.enabled", "false")
               # the driver holds the plans and, in local mode, does the work
               .config("spark.driver.memory", "2g"))
    for key, value in config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_steps(sql: str) -> list[tuple[str | None, str]]:
    """A derivation's SELECT (DuckDB dialect) as Spark SQL steps: each CTE in order, named,
    then the final SELECT (name None)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    _literals_as_double(tree)
    steps: list[tuple[str | None, str]] = []
    key = "with_" if "with_" in tree.args else "with"
    with_ = tree.args.get(key)
    if isinstance(with_, exp.With):
        for cte in with_.expressions:
            steps.append((cte.alias, cte.this.sql(dialect="spark")))
        tree.set(key, None)
    steps.append((None, tree.sql(dialect="spark")))
    return steps


def _literals_as_double(tree: Any) -> None:
    """Numeric literals with a fraction or an exponent as DOUBLE (module docstring)."""
    from sqlglot import exp

    for literal in list(tree.find_all(exp.Literal)):
        text = str(literal.this)
        if literal.is_number and any(c in text for c in ".eE"):
            literal.replace(exp.Cast(this=literal.copy(),
                                     to=exp.DataType.build("DOUBLE")))


class SparkDerivations:
    """A lake's tables readable in a Spark session, and derivations run on them."""

    def __init__(self, session: SparkSession) -> None:
        self.session = session

    def lake_tables(self, root: str) -> list[str]:
        """The table folders under ``root`` (any file system Spark's Hadoop layer reads)."""
        jvm = self.session.sparkContext._jvm
        assert jvm is not None  # a classic (not Spark Connect) session
        conf = self.session.sparkContext._jsc.hadoopConfiguration()
        path = jvm.org.apache.hadoop.fs.Path(root)
        fs = path.getFileSystem(conf)
        if not fs.exists(path):
            return []
        return sorted(str(status.getPath().getName()) for status in fs.listStatus(path)
                      if status.isDirectory()
                      and not str(status.getPath().getName()).startswith(("_", ".")))

    def register_parquet(self, root: str, names: list[str]) -> None:
        """Make each table folder of Parquet under ``root`` readable by its name."""
        for name in names:
            self.session.read.parquet(f"{root}/{name}").createOrReplaceTempView(name)

    def scalar(self, sql: str) -> Any:
        """The one value of a query (DuckDB dialect)."""
        ((_, step),) = spark_steps(sql)
        return self.session.sql(step).collect()[0][0]

    def derive_to(self, sql: str, path: str, name: str) -> int:
        """Run a derivation and write its rows as Parquet at ``path`` (replaced); the
        table is then readable as ``name``. Returns its rows."""
        frame = None
        for step_name, step in spark_steps(sql):
            frame = self.session.sql(step)
            if step_name is not None:
                frame.localCheckpoint(eager=True).createOrReplaceTempView(step_name)
        assert frame is not None
        frame.write.mode("overwrite").parquet(path)
        written = self.session.read.parquet(path)
        written.createOrReplaceTempView(name)
        return int(written.count())
