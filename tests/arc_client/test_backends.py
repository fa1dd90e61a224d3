"""Both backends against real games: the in-process toolkit and the official local server.

They must answer identically for the same game, seed and actions, and the official scorer must
give both scorecards the same figures.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from arc_client import (
    ArcClient,
    ArcHTTPError,
    FrameResponse,
    GameAction,
    GameNotStartedError,
    GameState,
    ScorecardSummary,
)


def _http(base_url: str, key: str = "test-key") -> ArcClient:
    return ArcClient.http(base_url, key, requests_per_minute=None, backoff_base=0.01)


@pytest.fixture(params=["local", "http"])
async def client(request: pytest.FixtureRequest, fixture_games_dir: Path, local_server: str) -> AsyncIterator[ArcClient]:
    arc = ArcClient.local(fixture_games_dir) if request.param == "local" else _http(local_server)
    yield arc
    await arc.aclose()


def _comparable(response: FrameResponse) -> dict[str, Any]:
    """Everything but the guid, which each server makes up."""
    out = response.to_json()
    out.pop("guid")
    return out


def _comparable_card(summary: ScorecardSummary) -> ScorecardSummary:
    envs = tuple(
        dataclasses.replace(e, runs=tuple(dataclasses.replace(r, guid=None) for r in e.runs))
        for e in summary.environments
    )
    return dataclasses.replace(summary, card_id="", environments=envs)


async def _scripted_play(arc: ArcClient, games: Any) -> tuple[list[FrameResponse | str], ScorecardSummary]:
    """A session that touches every path: moves, blocked moves, level-ups, level and full resets,
    an action after WIN, clicks that miss, reasoning."""
    log: list[FrameResponse | str] = []
    async with arc.scorecard(tags=["parity"]) as card:
        maze = await card.start(games.maze, seed=0)
        log.append(maze.last)
        level1, level2, _ = games.maze_levels
        for action in level1:
            log.append(await maze.step(action, reasoning={"move": action}))
        log.append(await maze.step(GameAction.ACTION1))  # blocked by a wall, still counted
        log.append(await maze.reset())  # level reset: progress is kept
        for action in level2:
            log.append(await maze.step(action))
        for action in games.maze_levels[2]:
            log.append(await maze.step(action))
        try:
            await maze.step(GameAction.ACTION2)
        except GameNotStartedError as exc:
            log.append(f"{exc.status} {exc.error}")
        log.append(await maze.reset())  # after WIN: the whole game restarts, a new run
        log.append(await maze.step(GameAction.ACTION4))

        clicks = await card.start(games.click, seed=0)
        log.append(clicks.last)
        log.append(await clicks.step(GameAction.ACTION6, x=0, y=63, reasoning="miss"))
        for x, y in games.click_win:
            log.append(await clicks.step(GameAction.ACTION6, x=x, y=y))
        mid = await card.get()
    assert card.summary is not None
    assert mid.total_actions == card.summary.total_actions
    return log, card.summary


async def test_both_backends_answer_identically(fixture_games_dir: Path, local_server: str, fixture_games: Any) -> None:
    async with ArcClient.local(fixture_games_dir) as local:
        local_log, local_card = await _scripted_play(local, fixture_games)
    async with _http(local_server) as remote:
        http_log, http_card = await _scripted_play(remote, fixture_games)

    assert len(local_log) == len(http_log) > 40
    for number, (mine, theirs) in enumerate(zip(local_log, http_log, strict=True)):
        if isinstance(mine, str):
            assert mine == theirs == "400 GAME_NOT_STARTED_ERROR", number
        else:
            assert isinstance(theirs, FrameResponse)
            assert _comparable(mine) == _comparable(theirs), f"response {number} differs"
    assert _comparable_card(local_card) == _comparable_card(http_card)
    maze = local_card.environment(fixture_games.maze)
    assert maze is not None and len(maze.runs) == 2  # the RESET after WIN started a second run


def _refusal(exc: ArcHTTPError, card_id: str) -> str:
    """An error as both backends must raise it; the card id differs between them."""
    return f"{type(exc).__name__} {exc.status} {exc.error} {exc.message.replace(card_id, '<card>')}"


async def _competition_play(arc: ArcClient, games: Any) -> tuple[list[FrameResponse | str], ScorecardSummary]:
    """A competition-mode session: RESETs at level starts (no-ops there), a level reset, a second
    start of the same game and a GET (both refused); the click game is never started."""
    log: list[FrameResponse | str] = []
    async with arc.scorecard(tags=["competition"], competition_mode=True) as card:
        assert card.card_id is not None
        maze = await card.start(games.maze, seed=0)
        log.append(maze.last)
        log.append(await maze.reset())  # first level, no action yet
        level1, level2, _ = games.maze_levels
        for action in level1:
            log.append(await maze.step(action))
        log.append(await maze.reset())  # start of level 2: the server keeps the game as it is
        log.append(await maze.step(level2[0]))
        log.append(await maze.reset())  # an action was taken: a real level reset
        log.append(await maze.reset())  # and now at the level start again
        for action in level2:
            log.append(await maze.step(action))
        for refused in (card.start(games.maze), card.get()):
            try:
                await refused
            except ArcHTTPError as exc:
                log.append(_refusal(exc, card.card_id))
    assert card.summary is not None
    return log, card.summary


async def test_competition_mode_answers_identically(
    fixture_games_dir: Path, local_server: str, fixture_games: Any
) -> None:
    async with ArcClient.local(fixture_games_dir) as local:
        local_log, local_card = await _competition_play(local, fixture_games)
    async with _http(local_server) as remote:
        http_log, http_card = await _competition_play(remote, fixture_games)

    assert len(local_log) == len(http_log)
    for number, (mine, theirs) in enumerate(zip(local_log, http_log, strict=True)):
        if isinstance(mine, str):
            assert mine == theirs, number
        else:
            assert isinstance(theirs, FrameResponse), number
            assert _comparable(mine) == _comparable(theirs), f"response {number} differs"
    assert _comparable_card(local_card) == _comparable_card(http_card)

    # What the shared answers must show, read off the script above.
    start, at_start, *rest = local_log
    assert isinstance(start, FrameResponse) and isinstance(at_start, FrameResponse)
    assert at_start.frame.tobytes() == start.frame.tobytes()
    level_up = local_log[1 + len(fixture_games.maze_levels[0])]
    held = local_log[2 + len(fixture_games.maze_levels[0])]
    assert isinstance(level_up, FrameResponse) and isinstance(held, FrameResponse)
    assert level_up.levels_completed == held.levels_completed == 1
    assert held.frame.tobytes() == level_up.frame.tobytes()
    assert held.action_input.id is level_up.action_input.id  # the last observation, not a new one
    assert local_log[-2] == "ArcHTTPError 400 SERVER_ERROR " + f"RESET on {fixture_games.maze}: game {fixture_games.maze} not found"
    assert local_log[-1] == (
        "ArcHTTPError 403 SERVER_ERROR read scorecard <card>: cannot get scorecard that is in competition mode"
    )
    assert local_card.competition_mode
    maze = local_card.environment(fixture_games.maze)
    assert maze is not None and len(maze.runs) == 1 and maze.levels_completed == 2
    clicks = local_card.environment(fixture_games.click)  # never started, made at close
    assert clicks is not None and len(clicks.runs) == 1
    assert clicks.score == 0 and clicks.actions == 0 and clicks.levels_completed == 0


async def test_full_win_scores_with_the_official_scorer(client: ArcClient, fixture_games: Any) -> None:
    async with client.scorecard() as card:
        game = await card.start(fixture_games.maze)
        assert game.state is GameState.NOT_FINISHED and game.last.win_levels == 3
        assert game.last.frame.shape == (64, 64)
        for level, actions in enumerate(fixture_games.maze_levels, start=1):
            for action in actions:
                frame = await game.step(action)
            assert frame.levels_completed == level
        assert frame.state is GameState.WIN
    assert card.summary is not None
    env = card.summary.environment(fixture_games.maze)
    assert env is not None and env.completed
    # every level solved in exactly its baseline: (baseline / actions)^2 = 100 %
    assert env.runs[0].level_scores == (100.0, 100.0, 100.0)
    assert card.summary.score > 0
    assert card.summary.total_actions == len(fixture_games.maze_win)


async def test_game_over_then_reset_restarts_the_level(client: ArcClient, fixture_games: Any) -> None:
    async with client.scorecard() as card:
        game = await card.start(fixture_games.maze)
        for action in fixture_games.maze_levels[0]:
            await game.step(action)
        for _ in range(fixture_games.maze_budget):
            frame = await game.step(GameAction.ACTION3)  # into the wall
        assert frame.state is GameState.GAME_OVER and frame.levels_completed == 1
        with pytest.raises(GameNotStartedError) as caught:
            await game.step(GameAction.ACTION1)
        assert caught.value.status == 400 and caught.value.error == "GAME_NOT_STARTED_ERROR"
        assert "RESET" in str(caught.value)

        frame = await game.reset()  # actions were taken in this level: only the level restarts
        assert frame.state is GameState.NOT_FINISHED and frame.levels_completed == 1
        frame = await game.reset()  # nothing taken since: the whole game restarts
        assert frame.levels_completed == 0
        for action in fixture_games.maze_levels[0]:
            frame = await game.step(action)
        assert frame.levels_completed == 1
    assert card.summary is not None
    env = card.summary.environment(fixture_games.maze)
    assert env is not None and env.levels_completed == 1


async def test_actions_after_a_win_need_a_reset(client: ArcClient, fixture_games: Any) -> None:
    async with client.scorecard() as card:
        game = await card.start(fixture_games.click)
        for x, y in fixture_games.click_win:
            frame = await game.step(GameAction.ACTION6, x=x, y=y)
        assert frame.state is GameState.WIN
        with pytest.raises(GameNotStartedError):
            await game.step(GameAction.ACTION6, x=1, y=1)
        frame = await game.reset()
        assert frame.state is GameState.NOT_FINISHED and frame.levels_completed == 0


async def test_several_games_at_once(client: ArcClient, fixture_games: Any) -> None:
    async def play(card: Any) -> FrameResponse:
        game = await card.start(fixture_games.maze)
        for action in fixture_games.maze_win:
            frame = await game.step(action)
        return frame

    async with client.scorecard() as card:
        finals = await asyncio.gather(*(play(card) for _ in range(4)))
    assert [f.state for f in finals] == [GameState.WIN] * 4
    assert len({f.guid for f in finals}) == 4
    assert card.summary is not None
    env = card.summary.environment(fixture_games.maze)
    assert env is not None and len(env.runs) == 4 and all(r.levels_completed == 3 for r in env.runs)


async def test_seed_reaches_the_game_in_process(fixture_games_dir: Path, fixture_games: Any) -> None:
    # Same seed and actions, same frames (games are deterministic); the server always uses seed 0.
    frames = []
    for _ in range(2):
        async with ArcClient.local(fixture_games_dir) as arc, arc.scorecard() as card:
            game = await card.start(fixture_games.maze, seed=7)
            frames.append([(await game.step(a)).frame.tobytes() for a in fixture_games.maze_levels[0]])
    assert frames[0] == frames[1]
