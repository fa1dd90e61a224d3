"""Helpers for the app's Pilot tests: the app over the fixture games, waiting for screens."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from aria_tui.app import AriaApp
from aria_tui.screens.play import PlayScreen
from aria_tui.sources import GameSource

TESTS = Path(__file__).resolve().parents[1]
FIXTURE_GAMES = TESTS / "fixtures" / "environment_files"
CRASHING_GAMES = TESTS / "fixtures" / "crashing_games"
HERE = Path(__file__).resolve().parent


def fixture_app(agent: str = "tui_agents:FastTestAgent", games: Path = FIXTURE_GAMES, **options: object) -> AriaApp:
    return AriaApp(GameSource("dir", games_dir=str(games)), agent=agent, **options)  # type: ignore[arg-type]


async def until(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> None:
    """Wait (yielding to the app) until `condition()` is true."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def open_game(app: AriaApp, game_id: str, seed: int = 0) -> PlayScreen:
    app.open_game(app.source, game_id, seed)
    await until(lambda: isinstance(app.screen, PlayScreen), what="the play screen")
    screen = app.screen
    assert isinstance(screen, PlayScreen)
    await asyncio.wait_for(screen.opened.wait(), 10)
    return screen


def notifications(app: AriaApp) -> list[str]:
    return [n.message for n in app._notifications]


async def settle(pilot: object, screen: PlayScreen, steps: int) -> None:
    """Wait until the episode has `steps` steps after the start and the workers are idle."""
    await until(lambda: len(screen.session.history) == steps + 1, what=f"{steps} steps")
    await pilot.pause()  # type: ignore[attr-defined]
