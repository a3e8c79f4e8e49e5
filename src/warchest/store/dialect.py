"""The dialect: warchest's SQL is written once, in DuckDB's dialect, and translated here
for Spark by sqlglot (as splink does), with the two additions that keep results identical
(``warchest.store.spark`` says why): each CTE a step of its own, and literals with a
fraction read as DOUBLE. Spark's SQL takes no ``?`` parameters: they become literals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any


def inline_params(sql: str, params: Sequence[Any] | None) -> str:
    """``sql`` with each ``?`` parameter replaced by its value as an SQL literal (Spark's
    SQL takes no positional parameters); strings are quoted, never spliced."""
    if not params:
        return sql
    from sqlglot import TokenType
    from sqlglot.tokens import Tokenizer

    marks = [t for t in Tokenizer().tokenize(sql) if t.token_type == TokenType.PLACEHOLDER]
    if len(marks) != len(params):
        raise ValueError(f"the query has {len(marks)} parameters, {len(params)} given")
    for mark, value in reversed(list(zip(marks, params, strict=True))):
        sql = sql[:mark.start] + _literal(value) + sql[mark.end + 1:]
    return sql


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def spark_steps(sql: str, prefix: str = "") -> list[tuple[str | None, str]]:
    """A query (DuckDB dialect) as Spark SQL steps: each CTE in order, named ``prefix`` +
    its name (so that it cannot hide a table of the same name), then the final SELECT
    (name None)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    _literals_as_double(tree)
    steps: list[tuple[str | None, str]] = []
    key = "with_" if "with_" in tree.args else "with"
    with_ = tree.args.get(key)
    if isinstance(with_, exp.With):
        names = {cte.alias.lower(): prefix + cte.alias for cte in with_.expressions}
        if prefix:
            for table in list(tree.find_all(exp.Table)):
                new = names.get(table.name.lower())
                if new is not None and not table.args.get("db"):
                    if not table.alias:  # columns still name it by its own name
                        table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
                    table.set("this", exp.to_identifier(new))
        for cte in with_.expressions:
            steps.append((names[cte.alias.lower()], cte.this.sql(dialect="spark")))
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
