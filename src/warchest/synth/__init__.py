"""Synthetic patent worlds in the real bulk formats, calibrated, at any scale.

``generate_world(out, n_patents, seed, scenario)`` writes PatentsView tables, USPTO
assignment tables, maintenance-fee events, a family table and a ``truth/`` folder; the
foundation loaders read the tables unchanged. See ``warchest.synth.calibration`` for every
target and its source, and ``report_world`` for the comparison.
"""

from warchest.synth.world import SCENARIOS
from warchest.synth.worlds import (
    WORLD_SCENARIOS,
    CalibrationCheck,
    GeneratedWorld,
    WorldReport,
    generate_world,
    report_world,
)

__all__ = ["SCENARIOS", "WORLD_SCENARIOS", "CalibrationCheck", "GeneratedWorld",
           "WorldReport", "generate_world", "report_world"]
