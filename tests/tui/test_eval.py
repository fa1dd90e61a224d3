"""The eval screen: run_eval on chosen games with a live row per game and the official score."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input
from tuikit import fixture_app, notifications, until

from aria_tui.screens.evaluate import EvalScreen
from aria_tui.screens.replay import ReplayScreen


async def open_eval(app, pilot, run_dir: Path, games: str, agent: str = "tui_agents:FastTestAgent") -> EvalScreen:
    await pilot.press("e")
    await until(lambda: isinstance(app.screen, EvalScreen), what="the eval screen")
    screen = app.screen
    screen.query_one("#eval-games", Input).value = games
    screen.query_one("#eval-agent", Input).value = agent
    screen.query_one("#eval-actions", Input).value = "40"
    screen.query_one("#eval-run-dir", Input).value = str(run_dir)
    return screen


async def test_rows_fill_live_and_the_official_score_shows(tmp_path: Path) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_eval(app, pilot, tmp_path / "run", "fxmz,fxck")
        await pilot.press("ctrl+s")
        await until(lambda: screen.score is not None, timeout=60, what="the run's end")
        results = json.loads((tmp_path / "run" / "results.json").read_text())
        table = screen.query_one(DataTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i) for i in range(table.row_count)}
        assert sorted(rows) == ["fxck-4e5f6a7b", "fxmz-0a1b2c3d"]
        assert rows["fxmz-0a1b2c3d"][3] == "40" and rows["fxmz-0a1b2c3d"][4] == "100%"
        official = results["totals"]["official_score"]
        assert official == screen.score
        assert f"official score {official:.3f}%" in str(screen.query_one("#eval-status").render())
        # Enter on a row: its recording in the replay viewer, every step with the agent's decision
        table.focus()
        table.move_cursor(row=[table.get_row_at(i)[0] for i in range(2)].index("fxmz-0a1b2c3d"))
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded.is_set(), what="the replay")
        replay = app.screen
        assert len(replay.steps) == 41 and replay.steps[0].response.game_id == "fxmz-0a1b2c3d"
        assert {s.decision.system for s in replay.steps[1:] if s.decision} <= {"fast", "harness"}
        assert replay.steps[1].decision.system == "fast"


async def test_bad_input_is_a_notification(tmp_path: Path) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_eval(app, pilot, tmp_path / "run", "nosuch")
        await pilot.press("ctrl+s")
        await until(lambda: notifications(app), what="a notification")
        assert "unknown game 'nosuch'" in notifications(app)[0]
        screen.query_one("#eval-games", Input).value = "fxmz"
        screen.query_one("#eval-agent", Input).value = "nosuchagent"
        await pilot.press("ctrl+s")
        await until(lambda: len(notifications(app)) == 2, what="a second notification")
        assert "unknown agent 'nosuchagent'" in notifications(app)[1]
