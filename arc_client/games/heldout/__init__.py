"""The held-out games: hand-written arcengine games that look and behave like real ARC-AGI-3 games.

They are the development set for play on games never seen (tag `heldout`) and are kept out of every
training set: `arc_client.games.SUITE` (what training draws from) holds only the procedural
`PuzzleGame` classes of `arc_client.games.sources`, never these. `HELDOUT` lists them sorted by
NAME; `heldout_dir()` is their committed environment_files tree (regenerate it with
`python -m arc_client.games.heldout.bundle`).
"""

import importlib
import inspect
import pkgutil
from pathlib import Path

from .stage import Stage

__all__ = ["HELDOUT", "HELDOUT_TAG", "Stage", "heldout_dir"]

HELDOUT_TAG = "heldout"
_NOT_GAMES = {"stage", "bundle"}


def _discover() -> list[type[Stage]]:
    found: list[type[Stage]] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_GAMES:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Stage) and value.__module__ == module.__name__ and value.NAME:
                found.append(value)
    return sorted(found, key=lambda cls: cls.NAME)


HELDOUT: list[type[Stage]] = _discover()


def heldout_dir() -> Path:
    """The committed environment_files tree of the held-out games."""
    return Path(__file__).parent / "environment_files"
