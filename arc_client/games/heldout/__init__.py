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

__all__ = ["HELDOUT", "HELDOUT_TAG", "Stage", "discover", "heldout_dir"]

HELDOUT_TAG = "heldout"
_NOT_GAMES = {"stage", "bundle"}


def discover(package: str, path: list[str], not_games: set[str]) -> list[type[Stage]]:
    """The `Stage` games defined in the modules of `package` (its `__path__`), but `not_games`, by NAME."""
    found: list[type[Stage]] = []
    for info in pkgutil.iter_modules(path):
        if info.name in not_games:
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Stage) and value.__module__ == module.__name__ and value.NAME:
                found.append(value)
    return sorted(found, key=lambda cls: cls.NAME)


HELDOUT: list[type[Stage]] = discover(__name__, __path__, _NOT_GAMES)


def heldout_dir() -> Path:
    """The committed environment_files tree of the held-out games."""
    return Path(__file__).parent / "environment_files"
