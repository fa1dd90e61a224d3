"""The sealed games: hand-written arcengine games like the held-out ones, that no agent was developed on.

The held-out games (`arc_client.games.heldout`, tag `heldout`) are the development set: readers and
rules were built while watching ARIA play them, so ARIA's figures there say little about a game it has
never seen. These games (tag `sealed`) were written after that work, to the same brief (textured scenes,
sprites moving several pixels, a timer bar, non-local clicks, >= 6 levels with budgets), by someone who
did not read the agent's code, and are played to measure, never to tune: no change to `agent/` may be
made because of what ARIA does on them (BENCHMARKS.md, "ten games no agent was developed on"). They use
the held-out games' `Stage`; `SEALED` lists them sorted by NAME; `sealed_dir()` is their committed
environment_files tree (regenerate it with `python -m arc_client.games.sealed.bundle`).
"""

from pathlib import Path

from ..heldout import Stage, discover

__all__ = ["SEALED", "SEALED_TAG", "sealed_dir"]

SEALED_TAG = "sealed"

SEALED: list[type[Stage]] = discover(__name__, __path__, {"bundle"})


def sealed_dir() -> Path:
    """The committed environment_files tree of the sealed games."""
    return Path(__file__).parent / "environment_files"
