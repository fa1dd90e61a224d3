"""Recordings in the toolkit's JSONL format, flushed per step; the API key never leaks."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from arc_client import ArcClient, ArcHTTPError, GameAction, read_recording
from arc_client.recording import find_recordings

KEY = "sk-RECORD-42b8e1-never-in-files"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


async def test_every_step_is_on_disk_as_soon_as_it_returns(
    fixture_games_dir: Path, tmp_path: Path, fixture_games: Any
) -> None:
    recordings = tmp_path / "recordings"
    async with ArcClient.local(fixture_games_dir, recordings_dir=recordings) as arc, arc.scorecard() as card:
        game = await card.start(fixture_games.maze)
        path = recordings / str(card.card_id) / f"{fixture_games.maze}-{game.guid}.jsonl"
        assert len(_lines(path)) == 1
        sent = [game.last]
        for number, action in enumerate(fixture_games.maze_levels[0][:5], start=2):
            sent.append(await game.step(action, aria={"step": number}))
            assert len(_lines(path)) == number  # read by another handle: flushed, not buffered

    first = json.loads(_lines(path)[0])
    assert set(first) == {"timestamp", "data"}
    assert {"game_id", "state", "levels_completed", "win_levels", "action_input", "guid", "full_reset",
            "available_actions", "frame"} <= set(first["data"])
    steps = list(read_recording(path))
    assert len(steps) == len(sent)
    for recorded, original in zip(steps, sent, strict=True):
        assert np.array_equal(recorded.response.frame, original.frame)
        assert recorded.response.action_input == original.action_input
    assert steps[1].aria == {"step": 2}


async def test_a_torn_last_line_loses_only_that_line(
    fixture_games_dir: Path, tmp_path: Path, fixture_games: Any
) -> None:
    recordings = tmp_path / "recordings"
    async with ArcClient.local(fixture_games_dir, recordings_dir=recordings) as arc, arc.scorecard() as card:
        game = await card.start(fixture_games.maze)
        for action in fixture_games.maze_levels[0][:3]:
            await game.step(action)
    (path,) = find_recordings(recordings)
    whole = path.read_text(encoding="utf-8")
    path.write_text(whole + whole.splitlines()[-1][: len(whole) // 8], encoding="utf-8")  # a crash mid-write
    assert len(list(read_recording(path))) == 4

    damaged = whole.splitlines()
    damaged[1] = damaged[1][:50]
    path.write_text("\n".join(damaged) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="damaged"):
        list(read_recording(path))


async def test_the_key_is_in_no_recording_log_or_error(
    local_server: str, tmp_path: Path, fixture_games: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recordings = tmp_path / "recordings"
    arc = ArcClient.http(local_server, KEY, recordings_dir=recordings, requests_per_minute=None)
    async with arc, arc.scorecard() as card:
        game = await card.start(fixture_games.maze)
        for action in fixture_games.maze_levels[0]:
            await game.step(action, reasoning={"why": "test"})
        await game.step(GameAction.ACTION5)  # not available: warned about, sent anyway
        # The official server quotes the caller's key when a game belongs to another key.
        async with ArcClient.http(local_server, KEY + "-other", requests_per_minute=None) as intruder:
            with pytest.raises(ArcHTTPError) as caught:
                await intruder.backend.command(
                    str(card.card_id), fixture_games.maze, GameAction.ACTION1, guid=game.guid
                )
    assert caught.value.status == 400 and "API key ***" in str(caught.value)
    assert KEY not in str(caught.value)
    assert "not in available_actions" in caplog.text
    assert KEY not in caplog.text
    files = find_recordings(recordings)
    assert len(files) == 1 and len(_lines(files[0])) == len(fixture_games.maze_levels[0]) + 2
    assert all(KEY not in f.read_text(encoding="utf-8") for f in files)
