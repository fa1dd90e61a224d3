"""The API key never leaks: not into recordings, logs or errors."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path
from typing import Any

import pytest

from arc_client import ArcClient, ArcHTTPError, GameAction
from arc_client.recording import find_recordings

KEY = "sk-RECORD-42b8e1-never-in-files"


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
    assert len(files) == 1 and files[0].name.endswith(".jsonl.gz")
    text = gzip.decompress(files[0].read_bytes()).decode()
    assert len(text.splitlines()) == len(fixture_games.maze_levels[0]) + 2
    assert KEY not in text and KEY.encode() not in files[0].read_bytes()
