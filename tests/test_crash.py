"""Crash consistency (bench/crash.py, issue 22): the real-samples job (three loads, owners,
values) killed with SIGKILL, the store reopened and the job run again gives every table
exactly as a run that was never interrupted. The benchmark kills it 24 times at random
moments; this test twice, a moment into the second load and into the value computation
(each kill waits for its step's start, so that it lands whatever the machine's speed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import bench_script


@pytest.fixture(scope="module")
def crash() -> Any:
    return bench_script("crash")


def test_kill_9_then_rerun_gives_the_tables_of_an_uninterrupted_run(crash: Any,
                                                                    tmp_path: Path) -> None:
    clean = tmp_path / "clean.duckdb"
    duration = crash.run_job(clean)
    expected = crash.checksums(clean)
    assert expected["patents"][0] > 4000 and expected["patent_indicators"][0] > 4000
    assert duration > 0
    for k, step in enumerate((1, len(crash.STEPS) - 1)):
        folder = tmp_path / f"kill{k}"
        folder.mkdir()
        got = crash.one_kill(folder, 0.3, expected, after_step=step)
        # the kill landed while the job was writing the store, not before or after it
        assert got["killed"] is True and got["store_existed"] is True, got
        assert got["reopened"] is True, got
        assert got["problems"] == [], got
