"""Generating a SYNTHETIC world (``generate_world``) and checking it against the
calibration targets (``report_world``), as typed results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warchest.errors import InputError
from warchest.results import Result, Row, row_type
from warchest.synth.world import SCENARIOS

BLOCKS = "patent-blocks"
"""The known-answer deal world (``warchest.synth.blocks``): threats citing blocks of a
seller's patents inside a background world; the answer in truth/blocks.csv."""
WORLD_SCENARIOS = (*SCENARIOS, BLOCKS)


@dataclass(frozen=True)
class GeneratedWorld(Result):
    """A SYNTHETIC world written to ``folder``: its size, seed and scenario, the companies
    in it, rows written per file (``files``, the main table), its statistics (also in
    truth/stats.json, or truth/blocks.json for the blocks world), the deal scenario written
    for it (the blocks world) and, for the ordinary generator, the bytes of what stays in
    memory while the tables are written (``state_bytes``; bench/synth_memory.py)."""

    folder: Path
    patents: int
    seed: int
    scenario: str | None
    companies: int | None
    """Companies in the world (None for the blocks world: planted firms, background)."""
    files: dict[str, int]
    stats: dict[str, Any]
    scenario_file: Path | None
    state_bytes: dict[str, int]

    def rows(self) -> list[Row]:
        return [{"file": name, "rows": n} for name, n in sorted(self.files.items())]


def generate_world(out: Path, n_patents: int, seed: int = 1, scenario: str | None = None,
                   progress: Any = None) -> GeneratedWorld:
    """Write a SYNTHETIC world of ``n_patents`` patents to ``out`` in the real bulk formats
    (PatentsView tables, USPTO assignments, maintenance fees, families) with a ``truth/``
    folder of the answers. Deterministic: the same size, seed and scenario give the same
    bytes. ``scenario``: None, one of ``SCENARIOS`` (planted in an ordinary world), or
    "patent-blocks" (the known-answer deal world; its deal scenario is written to
    ``out/scenario.yaml``). ``progress(stage, done, total)`` is told each stage."""
    if scenario is not None and scenario not in WORLD_SCENARIOS:
        raise InputError(f"unknown scenario {scenario!r}; choose one of: "
                         f"{', '.join(WORLD_SCENARIOS)}")
    if scenario == BLOCKS:
        from warchest.synth.blocks import block_scenario, generate_block_world

        made = generate_block_world(out, n_patents, seed)
        path = block_scenario(out, out / "scenario.yaml")
        return GeneratedWorld(Path(out), int(made["patents"]) + made["background_patents"],
                              seed, scenario, None, {}, made, path, {})
    from warchest.synth.generate import write_world

    summary = write_world(out, n_patents, seed, scenario, progress)
    state = summary.pop("state_bytes")
    return GeneratedWorld(Path(out), n_patents, seed, scenario, int(summary["companies"]),
                          dict(summary["rows"]), summary, None, state)


@row_type
@dataclass(frozen=True)
class CalibrationCheck:
    """One calibration target against the world: the target, the world's value, the
    tolerance allowed (wider for small samples) and the source of the target."""

    metric: str
    target: float
    world: float
    tolerance: float
    ok: bool
    source: str


@dataclass(frozen=True)
class WorldReport(Result):
    """A world against every calibration target (``checks``, the main table)."""

    TABLE = "checks"
    folder: Path
    checks: tuple[CalibrationCheck, ...]

    @property
    def ok(self) -> bool:
        """Whether every check is within its tolerance."""
        return all(c.ok for c in self.checks)


def report_world(folder: Path) -> WorldReport:
    """A generated world against the calibration targets (``warchest.synth.calibration``:
    citations, self citations, lags, pendency, fees, name spellings, ...)."""
    from warchest.synth.report import calibration_rows

    return WorldReport(Path(folder), tuple(CalibrationCheck(**r)
                                           for r in calibration_rows(folder)))
