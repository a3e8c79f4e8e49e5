"""The dialect: warchest's SQL is written once, in DuckDB's dialect, and translated here
for Spark by sqlglot (as splink does), with the two additions that keep results identical
(``warchest.store.spark`` says why): each CTE a step of its own, and literals with a
fraction read as DOUBLE. Spark's SQL takes no ``?`` parameters: they become literals."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any


def among(column: str, only: str | None, key: str = "patent_id") -> str:
    """A condition to append to a WHERE (an incremental derivation's scope): `` AND
    column IN (SELECT key FROM only)``, nothing when ``only`` (a table's name) is None."""
    return f" AND {column} IN (SELECT {key} FROM {only})" if only else ""


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


def spark_steps(sql: str, prefix: str = "", also: Collection[str] = ()
                ) -> list[tuple[str | None, str]]:
    """A query (DuckDB dialect) as Spark SQL steps (:func:`query_steps`), with literals
    with a fraction read as DOUBLE."""
    return query_steps(sql, prefix, "spark", also)


def query_steps(sql: str, prefix: str = "", dialect: str = "duckdb",
                also: Collection[str] = ()) -> list[tuple[str | None, str]]:
    """A query (DuckDB dialect) as steps in ``dialect``: each CTE read more than once, and
    each named in ``also``, is a step of its own, in order, named ``prefix`` + its name
    (so that it cannot hide a table of the same name); another CTE read once stays a CTE
    of the statement that reads it (inlined once: nothing to multiply, nothing to
    materialise). The final SELECT comes last (name None). Spark runs every query so;
    DuckDB the derivations too large for one statement (``Engine.derive``'s ``steps``)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect == "spark":
        _literals_as_double(tree)
    key = "with_" if "with_" in tree.args else "with"
    with_ = tree.args.get(key)
    if not isinstance(with_, exp.With):
        return [(None, tree.sql(dialect=dialect))]
    ctes = list(with_.expressions)
    tree.set(key, None)
    defined = {cte.alias.lower() for cte in ctes}
    reads = Counter(t.name.lower() for t in tree.find_all(exp.Table)
                    if not t.args.get("db") and t.name.lower() in defined)
    for cte in ctes:
        reads.update(t.name.lower() for t in cte.this.find_all(exp.Table)
                     if not t.args.get("db") and t.name.lower() in defined)
    named = {n.lower() for n in also}
    if named - defined:
        raise ValueError(f"no CTE named {', '.join(sorted(named - defined))} in the query")
    staged = {name: prefix + name for name in defined if reads[name] > 1 or name in named}
    for body in [tree, *(cte.this for cte in ctes)]:
        for table in list(body.find_all(exp.Table)):
            new = staged.get(table.name.lower())
            if prefix and new is not None and not table.args.get("db"):
                if not table.alias:  # columns still name it by its own name
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
                table.set("this", exp.to_identifier(new))
    inline: list[Any] = []  # the CTEs read once, defined so far
    steps: list[tuple[str | None, str]] = []
    for cte in ctes:
        name = cte.alias.lower()
        if name in staged:
            steps.append((staged[name], _with(cte.this, inline, dialect)))
        else:
            inline.append(cte)
    steps.append((None, _with(tree, inline, dialect)))
    return steps


def _with(body: Any, ctes: list[Any], dialect: str) -> str:
    """``body`` in ``dialect``, after the CTEs of ``ctes`` it reads (directly or through
    one another), in their order."""
    from sqlglot import exp

    by_name = {cte.alias.lower(): cte for cte in ctes}
    needed: set[str] = set()
    todo = [body]
    while todo:
        for table in todo.pop().find_all(exp.Table):
            name = table.name.lower()
            if name in by_name and name not in needed and not table.args.get("db"):
                needed.add(name)
                todo.append(by_name[name].this)
    used = [cte for cte in ctes if cte.alias.lower() in needed]
    text = str(body.sql(dialect=dialect))
    if not used:
        return text
    return "WITH " + ", ".join(str(
        f"{exp.to_identifier(cte.alias).sql(dialect=dialect)} AS "
        f"({cte.this.sql(dialect=dialect)})") for cte in used) + " " + text


def _literals_as_double(tree: Any) -> None:
    """Numeric literals with a fraction or an exponent as DOUBLE (module docstring)."""
    from sqlglot import exp

    for literal in list(tree.find_all(exp.Literal)):
        text = str(literal.this)
        if literal.is_number and any(c in text for c in ".eE"):
            literal.replace(exp.Cast(this=literal.copy(),
                                     to=exp.DataType.build("DOUBLE")))
