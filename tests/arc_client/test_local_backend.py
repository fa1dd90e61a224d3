"""The in-process backend's own concerns: bad games directories, crashing games, the event loop."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from arc_client import (
    ArcClient,
    GameAction,
    GameCrashedError,
    GamesDirError,
    InvalidActionError,
    UnknownGameError,
)
from arc_client.local_backend import LocalBackend

SLOW_OR_BROKEN = '''
import time
from arcengine import ARCBaseGame, Camera, Level, Sprite


class Fxbr(ARCBaseGame):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(game_id="fxbr", levels=[Level(sprites=[Sprite([[1]], name="dot")], grid_size=(8, 8))],
                         camera=Camera(width=8, height=8), available_actions=[1, 2])

    def step(self) -> None:
        if self.action.id.value == 1:
            raise RuntimeError("broken rule in level one")
        time.sleep(0.3)  # ACTION2 is slow
        self.complete_action()
'''


def _add_game(games_dir: Path, name: str, source: str, class_name: str) -> str:
    game_id = f"{name}-00000000"
    folder = games_dir / name / "00000000"
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps({"game_id": game_id, "class_name": class_name}))
    (folder / f"{class_name.lower()}.py").write_text(source)
    return game_id


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(GamesDirError, match="does not exist"):
        LocalBackend(tmp_path / "nowhere")
    (tmp_path / "empty" / "ab12").mkdir(parents=True)
    with pytest.raises(GamesDirError, match="no metadata.json"):
        LocalBackend(tmp_path / "empty")


@pytest.mark.parametrize(("content", "reason"), [
    ("{\"game_id\": ", "not JSON: Expecting value: line 1 column 13 (char 12)"),
    ("[1, 2]", "the document: Input should be an object"),
    ("{\"title\": \"no id\"}", "game_id: Field required"),
])
async def test_a_malformed_metadata_names_its_file_and_blocks_no_other_game(
        fixture_games_dir: Path, fixture_games: Any, content: str, reason: str) -> None:
    bad = fixture_games_dir / "fxmz" / "0a1b2c3d" / "metadata.json"
    bad.write_text(content)
    async with ArcClient.local(fixture_games_dir) as arc, arc.scorecard() as card:
        assert [g.game_id for g in await arc.list_games()] == [fixture_games.click]
        await card.start(fixture_games.click)  # the other game plays
        for asked in ("fxmz", fixture_games.maze):
            with pytest.raises(GamesDirError) as caught:
                await card.start(asked)
            message = str(caught.value)
            assert str(bad) in message and reason in message and "\n" not in message
            assert "validation error" not in message
        with pytest.raises(GamesDirError, match=re.escape(reason)):  # the backend alone says the same
            await arc.backend.command(str(card.card_id), fixture_games.maze, GameAction.RESET)
    (fixture_games_dir / "fxck" / "4e5f6a7b" / "metadata.json").write_text(content)
    with pytest.raises(GamesDirError, match="and 1 more"):  # nothing left to play
        LocalBackend(fixture_games_dir)


async def test_unknown_game_suggests_close_ids(fixture_games_dir: Path) -> None:
    async with ArcClient.local(fixture_games_dir) as arc, arc.scorecard() as card:
        with pytest.raises(UnknownGameError) as caught:
            await card.start("fxmx")
        assert "fxmz" in caught.value.suggestions
        with pytest.raises(UnknownGameError):  # the backend alone says the same
            await arc.backend.command(str(card.card_id), "fxmq-00000000", GameAction.RESET)


async def test_unknown_game_over_http_suggests_too(local_server: str) -> None:
    async with ArcClient.http(local_server, "k", requests_per_minute=None) as arc, arc.scorecard() as card:
        with pytest.raises(UnknownGameError) as caught:
            await card.start("fxcx")
    assert "fxck" in caught.value.suggestions


async def test_click_needs_coordinates_in_the_frame(fixture_games_dir: Path, fixture_games: Any) -> None:
    async with ArcClient.local(fixture_games_dir) as arc, arc.scorecard() as card:
        game = await card.start(fixture_games.click)
        for x, y in [(None, None), (10, None), (64, 10), (10, -1)]:
            with pytest.raises(InvalidActionError):
                await game.step(GameAction.ACTION6, x=x, y=y)
        with pytest.raises(InvalidActionError):
            await arc.backend.command(str(card.card_id), fixture_games.click, GameAction.ACTION6, guid=game.guid)
        assert game.actions == 0


async def test_a_game_that_raises_is_a_crash_with_its_id(fixture_games_dir: Path) -> None:
    game_id = _add_game(fixture_games_dir, "fxbr", SLOW_OR_BROKEN, "Fxbr")
    async with ArcClient.local(fixture_games_dir) as arc, arc.scorecard() as card:
        game = await card.start(game_id)
        with pytest.raises(GameCrashedError) as caught:
            await game.step(GameAction.ACTION1)
    assert game_id in str(caught.value) and "broken rule in level one" in str(caught.value)


async def test_a_game_that_cannot_load_is_a_crash(fixture_games_dir: Path) -> None:
    game_id = _add_game(fixture_games_dir, "fxsy", "this is not python(", "Fxsy")
    async with ArcClient.local(fixture_games_dir) as arc, arc.scorecard() as card:
        with pytest.raises(GameCrashedError, match=game_id):
            await card.start(game_id)


async def test_slow_steps_leave_the_event_loop_free(fixture_games_dir: Path) -> None:
    game_id = _add_game(fixture_games_dir, "fxbr", SLOW_OR_BROKEN, "Fxbr")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async with ArcClient.local(fixture_games_dir, max_workers=4) as arc, arc.scorecard() as card:
        games = [await card.start(game_id) for _ in range(3)]
        task = asyncio.create_task(ticker())
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.gather(*(g.step(GameAction.ACTION2) for g in games))
        elapsed = loop.time() - start
        task.cancel()
    assert ticks >= 10  # the loop kept running during 0.3 s of blocking game code
    assert elapsed < 0.3 * 3  # and the three games ran side by side


def test_fixture_tree_is_the_official_layout(fixture_games_dir: Path) -> None:
    for meta in fixture_games_dir.rglob("metadata.json"):
        info = json.loads(meta.read_text())
        name, version = info["game_id"].split("-")
        assert meta.parent.name == version and meta.parent.parent.name == name and len(version) == 8
        assert (meta.parent / f"{info['class_name'].lower()}.py").is_file()


async def test_fast_steps_run_inline_but_still_let_other_tasks_in(
    fixture_games_dir: Path, fixture_games: Any
) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    async with ArcClient.local(fixture_games_dir) as arc, arc.scorecard() as card:
        game = await card.start(fixture_games.maze)
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        ticks = 0
        loop = asyncio.get_running_loop()
        start = loop.time()
        while loop.time() - start < 0.1:  # a tight agent loop that never awaits anything else
            for action in fixture_games.maze_win:
                await game.step(action)
            await game.reset()
        task.cancel()
        backend = arc.backend
        assert isinstance(backend, LocalBackend)
        assert backend._games[game.guid].step_time < backend.inline_below  # it did run inline
    assert ticks >= 5
