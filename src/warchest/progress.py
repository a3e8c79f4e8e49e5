"""How a long computation tells its caller where it is: ``stage(name, done, total)``,
called as each step starts (done = the steps finished before it) and once at the end
(done = total). The CLI draws it as a bar on a terminal and as plain lines elsewhere."""

from __future__ import annotations

from collections.abc import Callable

StageFn = Callable[[str, int, int], None]
"""stage(name of the step now running, steps done, steps in all)"""


def report_stage(stage: StageFn | None, name: str, done: int, total: int) -> None:
    """Call ``stage`` when there is one."""
    if stage is not None:
        stage(name, done, total)
