"""SVG snapshots of the play, arbiter, train and replay screens at 120×40.

The SVGs under tests/tui/snapshots are the reviewed pictures. After a deliberate change, rewrite
them with `ARIA_UPDATE_SNAPSHOTS=1 python -m pytest tests/tui/test_snapshots.py` and review the
diff (open the SVGs in a browser). On a mismatch the new picture is written next to the test's
temporary files and its path is in the failure message.
"""

from __future__ import annotations

import os
from pathlib import Path

from test_replay import record_game
from test_train import trainer
from tuikit import HERE, fixture_app, open_game, settle, until

from aria_tui.screens.replay import ReplayScreen
from aria_tui.screens.train import TrainScreen

SNAPSHOTS = HERE / "snapshots"
UPDATE = os.environ.get("ARIA_UPDATE_SNAPSHOTS") == "1"


async def check_snapshot(app, pilot, name: str, tmp_path: Path) -> None:
    app.clear_notifications()
    await pilot.pause(0.2)
    svg = app.export_screenshot(title="aria-tui")
    path = SNAPSHOTS / f"{name}.svg"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}: run with ARIA_UPDATE_SNAPSHOTS=1 and review it"
    if svg != path.read_text(encoding="utf-8"):
        new = tmp_path / f"{name}.svg"
        new.write_text(svg, encoding="utf-8")
        raise AssertionError(f"{name} differs from {path}; the new picture is {new}")


async def test_play_snapshot(tmp_path: Path) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, "fxmz-0a1b2c3d")
        await pilot.press("right", "right", "down")
        await settle(pilot, screen, 3)
        await pilot.hover("#grid", offset=(20, 10))
        await check_snapshot(app, pilot, "play", tmp_path)


async def test_arbiter_snapshot(tmp_path: Path) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, "fxmz-0a1b2c3d")
        await pilot.press("n", "n", "n", "n", "d", "n", "h")
        await settle(pilot, screen, 6)
        await check_snapshot(app, pilot, "arbiter", tmp_path)


async def test_train_snapshot(tmp_path: Path) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = TrainScreen(trainer("--steps", "30"), cwd=str(tmp_path))
        await app.push_screen(screen)
        screen.query_one("#run-dir").value = "run"
        await pilot.press("ctrl+s")
        await until(lambda: screen.done.is_set(), what="the run's end")
        await check_snapshot(app, pilot, "train", tmp_path)


async def test_replay_snapshot(tmp_path: Path, monkeypatch) -> None:
    path, _ = await record_game(tmp_path)
    path.rename(tmp_path / "recording.jsonl")  # its own name holds a random guid
    monkeypatch.chdir(tmp_path)
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ReplayScreen("recording.jsonl"))
        screen = app.screen
        await until(lambda: screen.loaded.is_set(), what="the recording")
        await pilot.press("right", "right")
        await check_snapshot(app, pilot, "replay", tmp_path)
