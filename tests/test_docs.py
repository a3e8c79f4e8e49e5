"""The documentation tells the truth about the code."""

from __future__ import annotations

import re
from pathlib import Path

from warchest.store.schema import schema_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_schema_reference_is_current() -> None:
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema_markdown()


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", readme, re.DOTALL)
    assert "warchest demo" in blocks[0]
    test_command = blocks[1].strip()
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci


def test_every_cli_command_is_in_the_readme() -> None:
    from typer.main import get_command

    from warchest.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    root = get_command(app)
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        for sub in getattr(cmd, "commands", None) or [None]:
            words = f"warchest {name}" + (f" {sub}" if sub else "")
            assert words in readme, f"{words} is not documented in README.md"


MEASURED = re.compile(
    r"\d+(\.\d+)? ?MB/s|Spearman (of )?\d|precision@50 (of )?\d|peak(ed)? (at |of )?"
    r"(about )?\d|(takes|in|runs in) about \d+(\.\d+)?(-\d+)? ?(s|ms|min)\b")


def test_measured_figures_live_only_in_results() -> None:
    """A measured figure (a speed, a peak, a score) is written once, in bench/RESULTS.md
    with its command and date; README, docs and docstrings link to it (copies drift: the
    value computation's peak was once given three ways)."""
    root = Path(__file__).resolve().parents[1]
    files = [root / "README.md", root / "DEVELOPERS.md", *sorted((root / "docs").glob("*.md")),
             *sorted((root / "src" / "warchest").rglob("*.py"))]
    found = [f"{path.relative_to(root)}:{n}: {m.group(0)}" for path in files
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for m in [MEASURED.search(line)] if m]
    assert found == []
