"""Shared fixtures: our two tiny test games and the official toolkit's local server serving them."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # a plain checkout, not installed
    sys.path.insert(0, str(ROOT))

from arc_client.local_server import LocalServer  # noqa: E402

FIXTURE_GAMES = Path(__file__).resolve().parent / "fixtures" / "environment_files"


@dataclass(frozen=True)
class FixtureGames:
    """Ids and known winning action lists of the games in tests/fixtures/environment_files."""

    maze: str = "fxmz-0a1b2c3d"
    click: str = "fxck-4e5f6a7b"
    # ACTION1..4 = up, down, left, right; one list per level, each the level's baseline length
    maze_levels: tuple[tuple[int, ...], ...] = (
        (4, 4, 4, 4, 4, 2, 2, 3, 3, 3, 3, 3),
        (2, 2, 4, 4, 2, 2, 3, 3),
        (4, 4, 2, 2, 2, 2, 4, 4, 4),
    )
    maze_budget: int = 16  # moves per level before GAME_OVER
    # ACTION6 clicks (x, y) at the centre of each red cell; one list per level
    click_levels: tuple[tuple[tuple[int, int], ...], ...] = (
        ((12, 12), (52, 20)),
        ((20, 44), (44, 44), (28, 4)),
    )

    @property
    def maze_win(self) -> list[int]:
        return [a for level in self.maze_levels for a in level]

    @property
    def click_win(self) -> list[tuple[int, int]]:
        return [c for level in self.click_levels for c in level]


@pytest.fixture(scope="session")
def fixture_games() -> FixtureGames:
    return FixtureGames()


@pytest.fixture
def fixture_games_dir(tmp_path: Path) -> Path:
    """A private copy of the test games, free to modify."""
    target = tmp_path / "environment_files"
    shutil.copytree(FIXTURE_GAMES, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="session")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The official server (`Arcade.listen_and_serve`) on a free loopback port; yields its base URL.

    Shared by the session: every test opens its own scorecard, and scorecards and game instances
    belong to the API key that created them, so tests do not see each other's state.
    """
    games = tmp_path_factory.mktemp("served") / "environment_files"
    shutil.copytree(FIXTURE_GAMES, games, ignore=shutil.ignore_patterns("__pycache__"))
    with LocalServer(games) as server:
        yield server.base_url
