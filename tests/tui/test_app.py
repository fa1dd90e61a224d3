"""App-wide: the command palette reaches the main screens, `?` shows the keys, typing in a field
is typing (not a shortcut), and a checkpoint the agent cannot use is a notification."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tuikit import fixture_app, notifications, open_game, until

from aria_tui.app import parse_args
from aria_tui.screens.picker import PickerScreen
from aria_tui.screens.replay import ReplayScreen
from aria_tui.screens.train import TrainScreen


async def test_the_command_palette_opens_the_main_screens() -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for query, screen_type in (("open a recording", ReplayScreen), ("train", TrainScreen)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await until(lambda screen_type=screen_type: isinstance(app.screen, screen_type), what=query)
            await pilot.press("escape")
            await until(lambda: isinstance(app.screen, PickerScreen), what="back to the picker")


async def test_question_mark_shows_the_keys_in_force() -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_game(app, "fxmz-0a1b2c3d")
        await pilot.press("question_mark")
        await until(lambda: bool(app.screen.query("HelpPanel")), what="the keys panel")
        await pilot.press("question_mark")
        await until(lambda: not app.screen.query("HelpPanel"), what="the keys panel gone")


async def test_typing_q_into_a_field_does_not_quit() -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.screen.query_one("#keyfile", Input)
        field.focus()
        await pilot.press("q", "e", "t", "o")
        assert field.value == "qeto" and isinstance(app.screen, PickerScreen)


async def test_a_checkpoint_the_agent_cannot_use_is_a_notification(tmp_path: Path) -> None:
    app = fixture_app(checkpoint=str(tmp_path / "missing.pt"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, "fxmz-0a1b2c3d")
        await pilot.press("n")
        await until(lambda: notifications(app), what="a notification")
        assert "loads no checkpoint" in notifications(app)[0] and screen.session.actions == 0


async def agent_refuses_checkpoint(path: Path, expected: str) -> None:
    app = fixture_app(agent="tui_agents:CheckpointAgent", checkpoint=str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, "fxmz-0a1b2c3d")
        await pilot.press("n")
        await until(lambda: notifications(app), what="a notification")
        assert expected in notifications(app)[0] and screen.session.actions == 0
        await pilot.press("up")  # a person can still play
        await until(lambda: screen.session.actions == 1, what="the person's step")


async def test_a_missing_or_corrupt_checkpoint_is_a_notification(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"\x00garbage")
    await agent_refuses_checkpoint(tmp_path / "missing.pt", "no checkpoint at")
    await agent_refuses_checkpoint(corrupt, "is not a checkpoint")


def test_command_line_options() -> None:
    args = parse_args(["--games-dir", "x", "--agent", "random", "--seed", "3"])
    assert (args.games_dir, args.agent, args.seed, args.base_url) == ("x", "random", 3, None)


async def test_pick_a_game_from_the_palette_closes_the_open_game() -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, "fxmz-0a1b2c3d")
        await pilot.press("up")
        await until(lambda: screen.session.actions == 1, what="one step")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"pick a game")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, PickerScreen), what="the picker")
        assert screen.session.card.summary is not None and screen.session.card.summary.total_actions == 1


async def test_games_are_recorded_with_who_chose_each_action(tmp_path: Path) -> None:
    from agent.replay import load_replay

    app = fixture_app(record_dir=str(tmp_path / "rec"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, "fxmz-0a1b2c3d")
        await pilot.press("n", "d")
        await until(lambda: screen.session.actions == 2, what="two steps")
        await pilot.press("q")
    (path,) = sorted((tmp_path / "rec").rglob("*.jsonl*"))
    steps = load_replay(path)
    assert [s.decision.system if s.decision else None for s in steps] == [None, "fast", "human"]


async def test_the_agent_named_in_the_picker_plays() -> None:
    app = fixture_app(agent="aria")
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#games")
        await until(lambda: table.row_count == 2, what="the games")
        app.screen.query_one("#agent", Input).value = "tui_agents:FastTestAgent"
        table.focus()
        await pilot.press("enter")
        await until(lambda: not isinstance(app.screen, PickerScreen) and app.screen.opened.is_set(), what="a game")
        screen = app.screen
        await pilot.press("n")
        await until(lambda: screen.session.actions == 1, what="one agent step")
        assert screen.session.history[-1].decision.reason == "test step 0"
