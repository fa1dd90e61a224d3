"""The replay viewer: a recording (plain or gzip) scrubbed step by step, with frame, action and
decision; a damaged or missing file is a notification."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
from tuikit import FIXTURE_GAMES, fixture_app, notifications, until

from arc_client import ArcClient, GameAction
from aria_tui.play_session import PlaySession
from aria_tui.screens.replay import ReplayScreen
from aria_tui.widgets.arbiter import ArbiterPanel
from aria_tui.widgets.frame_grid import FrameGrid


async def record_game(tmp_path: Path) -> tuple[Path, PlaySession]:
    """Three agent steps and a person's step on the maze, recorded as the app would."""
    client = ArcClient.local(FIXTURE_GAMES, recordings_dir=tmp_path / "rec", record_format="jsonl")
    session = PlaySession(client, "fxmz-0a1b2c3d", agent_name="tui_agents:FastTestAgent")
    await session.open()
    for _ in range(3):
        await session.agent_step()
    await session.human(GameAction.ACTION4)
    await session.close()
    (path,) = sorted((tmp_path / "rec").rglob("*.jsonl"))
    return path, session


async def open_replay(app, pilot, path: Path) -> ReplayScreen:
    app.action_show_replay(str(path))
    await until(lambda: isinstance(app.screen, ReplayScreen), what="the replay screen")
    screen = app.screen
    await until(lambda: screen.loaded.is_set() or notifications(app), what="the recording read")
    return screen


async def test_scrub_through_a_plain_and_a_gzip_recording(tmp_path: Path) -> None:
    path, session = await record_game(tmp_path)
    packed = tmp_path / "copy.jsonl.gz"
    with open(path, "rb") as plain, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(plain, out)
    for recording in (path, packed):
        app = fixture_app()
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_replay(app, pilot, recording)
            assert len(screen.steps) == 5
            grid = screen.query_one(FrameGrid)
            assert np.array_equal(grid.grid, session.history[0].response.frame)
            await pilot.press("right", "right")
            assert screen.position == 2
            assert np.array_equal(grid.grid, session.history[2].response.frame)
            panel = screen.query_one(ArbiterPanel)
            assert panel.decision.system == "fast" and panel.decision.reason == "test step 1"
            assert "action ACTION2" in str(screen.query_one("#replay-status").render())
            await pilot.press("end")
            assert screen.position == 4 and panel.decision.system == "human"
            assert "action ACTION4" in str(screen.query_one("#replay-status").render())
            await pilot.press("left")
            assert screen.position == 3 and "step 3/4" in str(screen.query_one("#replay-status").render())


async def test_a_damaged_or_missing_recording_is_a_notification(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.jsonl"
    step = '{"timestamp": "", "data": {"game_id": "g", "guid": "u", "state": "NOT_FINISHED", "action_input": {"id": 0}}}'
    damaged.write_text(f"{step}\nnot json\n{step}\n")
    not_gzip = tmp_path / "fake.jsonl.gz"
    not_gzip.write_text("plain text")
    # the messages of the one recording reader (agent.replay.load_replay), shared with `aria replay`
    for path, expected in ((damaged, "damaged.jsonl:2"), (not_gzip, "holds no steps"),
                           (tmp_path / "missing.jsonl", "cannot read the recording")):
        app = fixture_app()
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_replay(app, pilot, path)
            assert any(expected in m for m in notifications(app)), notifications(app)
            assert not screen.steps
            await pilot.press("escape")
