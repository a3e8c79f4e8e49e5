"""Shared fixtures: an in-memory store, the shipped real samples, a store loaded with them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from warchest.demo import load_samples, sample_path
from warchest.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


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
