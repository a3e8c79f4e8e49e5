"""The loaders on damaged copies of the real samples (bench/fuzz.py, issue 22): one case per
mutation, each checked for tracebacks, hangs, read = loaded + quarantined and a store that
reopens. The benchmark runs 1,000 and more; this is its smoke run."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "fuzz.py"


@pytest.fixture(scope="module")
def fuzz() -> Any:
    spec = importlib.util.spec_from_file_location("warchest_fuzz", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["warchest_fuzz"] = module
    spec.loader.exec_module(module)
    return module


def test_every_mutation_of_a_real_table_loads_or_is_refused_cleanly(fuzz: Any,
                                                                    tmp_path: Path) -> None:
    rng = random.Random(7)
    sources = {name: (loader, data) for loader, name, data in fuzz.sources()}
    cases = [("g_patent.tsv", kind) for kind in (*fuzz.TEXT_KINDS, *fuzz.ARCHIVE_KINDS)]
    cases += [("ipg050830.xml", "junk line"), ("ppubs_biblio.jsonl", "flip bytes"),
              ("documentid.csv", "CR line ends"), ("ppubs_fulltext_us_citations.csv",
                                                   "NUL bytes")]
    for k, (name, kind) in enumerate(cases):
        loader, data = sources[name]
        path = fuzz.write_case(tmp_path / f"case{k}", name, data, kind, rng)
        got = fuzz.run_case(loader, path, tmp_path / f"s{k}.duckdb", 60.0)
        assert got["status"] in ("ok", "refused"), (name, kind, got)
        for read, loaded, quarantined in got.get("files", []):
            assert read == loaded + quarantined, (name, kind, got)
        assert isinstance(got["reopened"], int), (name, kind, got)
