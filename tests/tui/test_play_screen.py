"""The play screen: keys and clicks reach the game as the right actions, unavailable ones are
refused, the agent's decisions fill the arbiter panel, and the screen answers keys while it thinks."""

from __future__ import annotations

import dataclasses

import numpy as np
from textual import events
from tui_agents import SlowThinkingAgent
from tuikit import CRASHING_GAMES, fixture_app, notifications, open_game, settle, until

from arc_client import GameAction
from aria_tui.play_session import Step
from aria_tui.screens.picker import PickerScreen
from aria_tui.widgets.arbiter import ArbiterPanel
from aria_tui.widgets.frame_grid import FrameGrid
from aria_tui.widgets.history import PREFIX, HistoryStrip

MAZE, CLICK = "fxmz-0a1b2c3d", "fxck-4e5f6a7b"


def sent(screen) -> list[tuple[GameAction, int | None, int | None]]:
    """What the game echoed for every step after the start: the actions it received."""
    return [(s.response.action_input.id, s.response.action_input.x, s.response.action_input.y)
            for s in screen.session.history[1:]]


async def test_keys_reach_the_game_as_actions_and_the_grid_and_status_follow(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.pause()
        assert "fxmz-0a1b2c3d  level 1/3  NOT_FINISHED  actions 0/5000" in str(screen.query_one("#status").render())
        grid = screen.query_one(FrameGrid)
        start = grid.grid.copy()
        await pilot.press("up", "down", "left", "right", "w", "s", "a", "d")
        await settle(pilot, screen, 8)
        assert [a for a, _, _ in sent(screen)] == [GameAction(n) for n in (1, 2, 3, 4, 1, 2, 3, 4)]
        assert screen.session.game.actions == 8
        assert np.array_equal(grid.grid, screen.session.latest.frame)
        await pilot.press("r")
        await settle(pilot, screen, 9)
        assert sent(screen)[-1][0] is GameAction.RESET
        assert np.array_equal(grid.grid, start)  # RESET restores the level's first frame
        status = str(screen.query_one("#status").render())
        assert "fxmz-0a1b2c3d  level 1/3  NOT_FINISHED  actions 9/5000" in status


async def test_the_maze_is_won_with_keys_and_the_level_shows(fixture_games) -> None:
    keys = {1: "up", 2: "down", 3: "left", 4: "right"}
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        for action in fixture_games.maze_levels[0]:
            await pilot.press(keys[action])
        await settle(pilot, screen, len(fixture_games.maze_levels[0]))
        assert screen.session.latest.levels_completed == 1
        status = str(screen.query_one("#status").render())
        assert "level 2/3" in status and "level 1 cleared" in notifications(app)
        assert screen.session.score is not None and screen.session.score > 0  # the scorecard's own figure
        assert f"score {screen.session.score:.3f}%" in status


async def test_a_click_on_the_grid_is_action6_at_that_pixel(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, CLICK)
        await pilot.click("#grid", offset=(12, 6))  # cell (12, 6): pixels y 12 and 13; a plain click is the upper
        await settle(pilot, screen, 1)
        await pilot.click("#grid", offset=(40, 3), shift=True)  # shift: the lower pixel of the cell
        await settle(pilot, screen, 2)
        grid = screen.query_one(FrameGrid)
        # a terminal that reports the pointer in pixels: 30.75 rows down is the lower half of row 30
        grid.post_message(events.Click(grid, 5, 30.75, 0, 0, 1, False, False, False))
        await settle(pilot, screen, 3)
        assert sent(screen) == [(GameAction.ACTION6, 12, 12), (GameAction.ACTION6, 40, 7),
                                (GameAction.ACTION6, 5, 61)]
        # the fixture's red cells: clicking both centres clears level 1
        (x1, y1), (x2, y2) = fixture_games.click_levels[0]
        await pilot.click("#grid", offset=(x1, y1 // 2))
        await pilot.click("#grid", offset=(x2, y2 // 2))
        await settle(pilot, screen, 5)
        assert screen.session.latest.levels_completed == 1


async def test_hovering_shows_the_pixel_and_its_colour(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, CLICK)
        await pilot.hover("#grid", offset=(12, 6))
        await pilot.pause()
        colour = int(screen.session.latest.frame[12, 12])
        assert f"x 12 y 12 colour {colour} " in str(screen.query_one("#status").render())


async def test_an_unavailable_action_is_refused_and_not_sent(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, CLICK)
        await pilot.press("w", "space", "z")
        await pilot.pause(0.2)
        assert screen.session.game.actions == 0 and len(screen.session.history) == 1
        refused = [m for m in notifications(app) if "is not available in this game (available: A6)" in m]
        assert [m.split()[0] for m in refused] == ["ACTION1", "ACTION5", "ACTION7"]
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.click("#grid", offset=(10, 10))
        await pilot.pause(0.2)
        assert screen.session.game.actions == 0
        assert any("ACTION6 is not available" in m for m in notifications(app))


async def test_the_agent_steps_and_its_decisions_fill_the_arbiter_panel(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.press("n", "n", "n")
        await settle(pilot, screen, 3)
        panel = screen.query_one(ArbiterPanel)
        assert panel.tally.counts["fast"] == 3 and list(panel.recent) == ["fast"] * 3
        text = panel.plain()
        for expected in ("FAST  policy", "0.80 / 0.70", "uncertainty", "0.125", "novelty", "ACTION3",
                         "plan left 3", "test step 2", "fast share 100%", "recent F"):
            assert expected in text, expected
        assert [a for a, _, _ in sent(screen)] == [GameAction.ACTION1, GameAction.ACTION2, GameAction.ACTION3]
        # h: the last decision's heatmap over the grid, peaked where the test agent put it (x 2, y 4)
        await pilot.press("h")
        await pilot.pause()
        grid = screen.query_one(FrameGrid)
        assert grid.heat is not None and np.argwhere(grid.heat == grid.heat.max()).tolist() == [[4, 2]]
        await pilot.press("h")
        await pilot.pause()
        assert grid.heat is None
        # a person takes over: the agent observed the human step too
        await pilot.press("d")
        await settle(pilot, screen, 4)
        assert screen.session.agent.observed[-1] == (GameAction.ACTION4, "human")
        assert panel.tally.counts["human"] == 1 and "recent FFFH" in panel.plain()


async def test_run_and_pause_and_a_key_takes_over(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.press("plus", "plus", "plus")  # unthrottled
        await pilot.press("p")
        await until(lambda: screen.session.actions >= 5, what="the agent running")
        await pilot.press("r")  # the person takes over: the run pauses
        assert screen.running is False
        await until(lambda: screen.session.history[-1].decision.system == "human", what="the human step")
        count = screen.session.actions
        await pilot.pause(0.3)
        assert screen.session.actions == count


async def test_the_screen_answers_keys_while_the_agent_thinks(fixture_games) -> None:
    SlowThinkingAgent.GATE.clear()
    app = fixture_app(agent="tui_agents:SlowThinkingAgent")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_game(app, MAZE)
            await pilot.press("n")
            await until(SlowThinkingAgent.THINKING.is_set, what="the agent thinking")
            await pilot.press("h")  # handled while act() is still thinking in its thread
            assert screen.heatmap_on and screen.session.actions == 0 and SlowThinkingAgent.THINKING.is_set()
            await pilot.press("d")  # queued behind the agent's step, then sent
            SlowThinkingAgent.GATE.set()
            await settle(pilot, screen, 2)
            assert [a for a, _, _ in sent(screen)] == [GameAction.ACTION1, GameAction.ACTION4]
    finally:
        SlowThinkingAgent.GATE.set()


async def test_scrubbing_back_shows_earlier_frames_and_decisions(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.press("n", "n", "d")
        await settle(pilot, screen, 3)
        grid = screen.query_one(FrameGrid)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert screen.position == 1
        assert np.array_equal(grid.grid, screen.session.history[1].response.frame)
        assert screen.query_one(ArbiterPanel).decision is screen.session.history[1].decision
        assert "viewing step 1 (ACTION1)" in str(screen.query_one("#status").render())
        assert "step    1/3" in str(screen.query_one(HistoryStrip).render())
        await pilot.press("end")
        await pilot.pause()
        assert screen.position is None and np.array_equal(grid.grid, screen.session.latest.frame)


async def test_a_game_that_raises_and_an_agent_that_raises_are_notifications() -> None:
    app = fixture_app(games=CRASHING_GAMES, agent="tui_agents:CrashingAgent")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, "cr01-0badc0de")
        await pilot.press("n")
        await until(lambda: any("failed on purpose" in m for m in notifications(app)), what="the agent's error")
        available = screen.session.latest.available_actions
        key = {1: "up", 2: "down", 3: "left", 4: "right"}[available[0]]
        for _ in range(12):
            await pilot.press(key)
        await until(lambda: any("game's own code failed" in m for m in notifications(app)), what="the game's error")
        assert any("Press r to reset, or Esc to pick another game" in m for m in notifications(app))
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, PickerScreen), what="back to the picker")


async def test_quitting_mid_game_closes_the_scorecard(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.press("up")
        await settle(pilot, screen, 1)
        card = screen.session.card
        await pilot.press("q")
    assert card.summary is not None and card.summary.total_actions == 1


async def test_usable_at_80_by_24(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_game(app, CLICK)
        assert not screen.query_one(ArbiterPanel).display  # the grid first on a small terminal
        await pilot.click("#grid", offset=(12, 6))
        await settle(pilot, screen, 1)
        assert sent(screen) == [(GameAction.ACTION6, 12, 12)]
        await pilot.press("i")
        assert screen.query_one(ArbiterPanel).display


async def test_a_multi_frame_answer_is_played_frame_by_frame(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        grid = screen.query_one(FrameGrid)
        first = screen.session.latest
        frames = tuple(np.full((64, 64), colour, dtype=np.uint8) for colour in (8, 9, 14))
        shown: list[int] = []
        original = grid.show
        grid.show = lambda frame, heat=None: (shown.append(int(frame[0, 0])), original(frame, heat))[1]
        step = Step(1, GameAction.ACTION1, None, None, None, dataclasses.replace(first, frames=frames))
        screen.session.history.append(step)
        await screen.play_frames(step)
        await pilot.pause()
        assert shown == [8, 9, 14] and int(grid.grid[0, 0]) == 14


async def test_a_click_on_the_history_strip_shows_that_step(fixture_games) -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.press("n", "n", "n")
        await settle(pilot, screen, 3)
        await pilot.click("#history", offset=(PREFIX + 1, 0))  # the second mark: step 1
        await pilot.pause()
        assert screen.position == 1
        assert np.array_equal(screen.query_one(FrameGrid).grid, screen.session.history[1].response.frame)


async def test_a_game_that_cannot_open_is_a_notification_and_back_to_the_picker() -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)):
        await until(lambda: isinstance(app.screen, PickerScreen), what="the picker")
        app.open_game(app.source, "nosuch", 0)
        await until(lambda: notifications(app), what="a notification")
        assert "cannot open nosuch: unknown game 'nosuch'" in notifications(app)[0]
        await until(lambda: isinstance(app.screen, PickerScreen), what="back to the picker")


async def test_the_budget_stops_the_agent_and_the_person() -> None:
    app = fixture_app(max_actions=3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_game(app, MAZE)
        await pilot.press("plus", "plus", "plus", "p")
        await until(lambda: not screen.running and screen.session.actions == 3, what="the run stopped at 3")
        await pilot.press("up")
        await pilot.pause(0.2)
        assert screen.session.actions == 3
        assert sum("the budget of 3 actions is spent" in m for m in notifications(app)) == 2
        assert "actions 3/3" in str(screen.query_one("#status").render())
