"""Shared fixtures: an in-memory store, the shipped real samples, a store loaded with them."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from warchest.demo import load_samples, sample_path
from warchest.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
ENGINES = ("duckdb", "spark")
"""The engines a test marked ``engines`` runs on, once each (``engine_name``)."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test body, two engines: a test marked ``@pytest.mark.engines`` runs once per
    engine, its fixtures of module scope built once per engine."""
    if metafunc.definition.get_closest_marker("engines") is not None:
        metafunc.parametrize("engine_name", ENGINES, scope="module")


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


@pytest.fixture(scope="session")
def samples() -> Path:
    return sample_path()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store file loaded with every shipped sample (shared by read-only tests)."""
    path = tmp_path_factory.mktemp("store") / "samples.duckdb"
    with Store(path) as s:
        load_samples(s)
    with Store(path, read_only=True) as s:
        yield s


@pytest.fixture(scope="session")
def sample_store_path(sample_store: Store) -> Path:
    return Path(sample_store.path)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def bench_script(name: str) -> Any:
    """A script of bench/ imported as a module (the fuzz and crash harnesses, whose smoke
    runs are tests)."""
    path = Path(__file__).resolve().parents[1] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"warchest_bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def spark_problems(sql: str) -> list[str]:
    """What stands between a DuckDB statement and Spark SQL, as sqlglot sees it: a parse
    error, a function sqlglot does not know (it would be passed through by name, and Spark
    may not have it), a construct it cannot write for Spark, Spark SQL that does not parse
    back. Empty when the statement carries over. (Issue 24 runs both engines.)"""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel, SqlglotError

    try:
        tree = sqlglot.parse_one(sql, read="duckdb", error_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        return [f"does not parse: {exc}"]
    problems = [f"unknown function {name}" for name in
                sorted({a.name for a in tree.find_all(exp.Anonymous)})]
    try:
        spark = tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
        sqlglot.parse_one(spark, read="spark", error_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        problems.append(f"not Spark SQL: {exc}")
    return problems
