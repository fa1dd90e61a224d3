"""The built-in game suite: real ARC-AGI-3 games (arcengine) the toolkit loads unchanged.

`SUITE` lists every game class found in `arc_client.games.sources`, sorted by NAME; `suite_dir()` is
the committed `environment_files` tree (regenerate it with `python -m arc_client.games.bundle`).
SUITE is what training draws from. The hand-written held-out games (`arc_client.games.heldout`, tag
`heldout`) have their own tree; `builtin_dir()` holds both, and is what the CLI plays by default.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
from pathlib import Path

from ..errors import GamesDirError, UnknownGameError
from . import sources
from .kit import Plan, PuzzleGame, solve

__all__ = ["SUITE", "Plan", "PuzzleGame", "builtin_dir", "export", "game_class", "oracle_actions",
           "seed_baselines", "solve", "suite_dir"]


def _discover() -> list[type[PuzzleGame]]:
    found: list[type[PuzzleGame]] = []
    for info in pkgutil.iter_modules(sources.__path__):
        module = importlib.import_module(f"{sources.__name__}.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, PuzzleGame) and value.__module__ == module.__name__ and value.NAME:
                found.append(value)
    return sorted(found, key=lambda cls: cls.NAME)


SUITE: list[type[PuzzleGame]] = _discover()


def suite_dir() -> Path:
    """The committed environment_files tree: `<NAME>/<version>/metadata.json` + source per game."""
    return Path(__file__).parent / "environment_files"


def builtin_dir() -> Path:
    """Every bundled game: the suite's tree, the held-out tree (`heldout/environment_files`) and the
    sealed tree (`sealed/environment_files`) lie below this directory, and the toolkit finds each game
    by its metadata.json at any depth."""
    return Path(__file__).parent


def export(dest: str | Path) -> list[Path]:
    """Copy the suite's environment_files tree into `dest`; returns the metadata.json paths written.

    GamesDirError (and nothing left behind) when `dest` cannot be written.
    """
    target = Path(dest)
    missing = [p for p in (target, *target.parents) if not p.exists()]
    try:
        shutil.copytree(suite_dir(), target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    except (OSError, shutil.Error) as exc:
        if missing:  # undo what this call created; a directory that was there is left as it was
            shutil.rmtree(missing[-1], ignore_errors=True)
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise GamesDirError(f"cannot export the games to {target}: {reason}; pick a writable directory") from None
    return sorted(target.rglob("metadata.json"))


def game_class(name: str) -> type[PuzzleGame]:
    """The suite's class for a game id ("nv01" or "nv01-1a2b3c4d")."""
    short = name.split("-", 1)[0].lower()
    for cls in SUITE:
        if short == cls.NAME:
            return cls
    raise UnknownGameError.among(name, [cls.NAME for cls in SUITE])


def oracle_actions(name: str, seed: int = 0, level: int = 0) -> Plan:
    """The oracle's shortest plan for level `level` (0-based) of game `name` built with `seed`."""
    return list(game_class(name)(seed=seed).solutions[level])


def seed_baselines(game_id: str, seed: int) -> list[int] | None:
    """Per-level baseline actions of a built-in game built with `seed`: the oracle's optimal counts,
    as the committed metadata holds for seed 0 (held-out games: their first-time-human estimates,
    `Stage.baselines`; sealed games likewise). None for a game that is not built in."""
    from .heldout import HELDOUT
    from .sealed import SEALED

    short = game_id.split("-", 1)[0].lower()
    for stage in (*HELDOUT, *SEALED):
        if short == stage.NAME:
            return stage.baselines(seed)
    if not any(short == cls.NAME for cls in SUITE):
        return None
    return [len(plan) for plan in game_class(short)(seed=seed).solutions]
