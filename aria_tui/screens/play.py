"""Play one game: keys and clicks for a person, `n`/`p` for the agent, the arbiter panel beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from agent.errors import AriaError
from arc_client import ArcError, GameAction, GameState
from arc_client.palette import PALETTE_HEX

from ..play_session import PlayRefused, PlaySession, Step
from ..widgets.arbiter import ArbiterPanel
from ..widgets.episode import EpisodeView
from ..widgets.frame_grid import FrameGrid
from ..widgets.history import HistoryStrip

#: seconds between the agent's steps when running; `+`/`-` move along it (the last is unthrottled)
SPEEDS = (2.0, 1.0, 0.5, 0.25, 0.1, 0.05, 0.02, 0.0)
ANIMATION_S = 0.04  # between the frames of a multi-frame answer


def status_text(session: PlaySession, running: bool, speed: float, hover: str) -> str:
    latest = session.latest
    level = min(latest.levels_completed + 1, latest.win_levels) if latest.win_levels else latest.levels_completed
    score = "-" if session.score is None else f"{session.score:.3f}%"
    agent = f"agent {'running' if running else 'paused'} {'max' if speed == 0 else f'{1 / speed:g}/s'}"
    return (f"{session.game_id}  level {level}/{latest.win_levels}  {latest.state.value}  "
            f"actions {session.actions}/{session.max_actions}  score {score}  {agent}  {hover}")


class PlayScreen(Screen[None]):
    BINDINGS = [
        Binding("up,w", "act(1)", "A1 up", show=False),
        Binding("down,s", "act(2)", "A2 down", show=False),
        Binding("left,a", "act(3)", "A3 left", show=False),
        Binding("right,d", "act(4)", "A4 right", show=False),
        Binding("space", "act(5)", "A5", show=False),
        Binding("z", "act(7)", "A7 undo", show=False),
        Binding("r", "act(0)", "reset"),
        Binding("n", "agent_step", "agent step"),
        Binding("p", "toggle_run", "run/pause"),
        Binding("plus,equals_sign", "speed(1)", "faster", key_display="+"),
        Binding("minus", "speed(-1)", "slower", key_display="-"),
        Binding("h", "toggle_heatmap", "heatmap"),
        Binding("left_square_bracket", "scrub(-1)", "back", key_display="["),
        Binding("right_square_bracket", "scrub(1)", "forward", key_display="]"),
        Binding("end", "scrub_live", "live", show=False),
        Binding("i", "toggle_panel", "arbiter", show=False),
        Binding("escape", "leave", "games"),
    ]
    DEFAULT_CSS = """
    PlayScreen #status { height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, session: PlaySession) -> None:
        super().__init__()
        self.session = session
        self.running = False
        self.speed_index = 4
        self.position: int | None = None  # None: live; else the history index on show
        self.hover = ""
        self.heatmap_on = False
        self.closed = False
        self.opened = asyncio.Event()
        self._runner: Any = None

    def compose(self) -> ComposeResult:
        yield EpisodeView(self.session.game_id, id="main")
        yield Static("opening…", id="status")
        yield Footer()

    # ----- opening and closing ---------------------------------------------------------------

    async def on_mount(self) -> None:
        self.open_game()

    @work(group="open")
    async def open_game(self) -> None:
        try:
            first = await self.session.open()
        except Exception as exc:  # unreachable server, rejected key, unknown game, a game that raises
            self.app.notify(f"cannot open {self.session.game_id}: {exc}. Check the source and pick again.",
                            severity="error", timeout=10)
            await self.close_session()
            self.dismiss()
            return
        board = self.query_one("#board")
        board.border_title = self.session.game_id
        recorder = self.session.game.recorder if self.session.game is not None else None
        if recorder is not None:
            board.border_subtitle = f"recording {recorder.path.name}"
        self.opened.set()
        self.query_one(FrameGrid).show(first.frame)
        self.refresh_views()

    async def close_session(self) -> None:
        """Stop the agent and close the scorecard (once)."""
        self.running = False
        if self.closed:
            return
        self.closed = True
        try:
            await self.session.close()
        except Exception as exc:
            self.app.notify(f"closing the scorecard failed: {exc}", severity="warning")

    async def action_leave(self) -> None:
        await self.close_session()
        self.dismiss()

    # ----- steps -----------------------------------------------------------------------------

    def action_act(self, number: int) -> None:
        """A person's action: refused here when unavailable; it pauses a running agent (take-over)."""
        if not self.opened.is_set():
            return
        action = GameAction(number)
        self.running = False
        try:
            self.session.check(action)
        except PlayRefused as exc:
            self.notify(str(exc), severity="warning")
            return
        self.run_step(lambda: self.session.human(action))

    def on_frame_grid_clicked(self, message: FrameGrid.Clicked) -> None:
        if not self.opened.is_set():
            return
        self.running = False
        try:
            self.session.check(GameAction.ACTION6)
        except PlayRefused as exc:
            self.notify(str(exc), severity="warning")
            return
        self.run_step(lambda: self.session.human(GameAction.ACTION6, message.x, message.y))

    def action_agent_step(self) -> None:
        if self.opened.is_set():
            self.running = False
            self.run_step(self.session.agent_step)

    def action_toggle_run(self) -> None:
        if not self.opened.is_set():
            return
        self.running = not self.running
        if self.running and (self._runner is None or self._runner.is_finished):
            self._runner = self.autoplay()
        self.refresh_status()

    def action_speed(self, change: int) -> None:
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + change))
        self.refresh_status()

    @work(group="autoplay")
    async def autoplay(self) -> None:
        while self.running and not self.closed:
            if not await self.step(self.session.agent_step):
                self.running = False
                break
            state = self.session.latest.state
            if state is GameState.WIN:
                self.running = False
                self.notify("WIN: every level cleared", timeout=6)
                break
            await asyncio.sleep(SPEEDS[self.speed_index])
        self.refresh_status()

    @work(group="steps")
    async def run_step(self, make: Callable[[], Awaitable[Step]]) -> None:
        await self.step(make)

    async def step(self, make: Callable[[], Awaitable[Step]]) -> bool:
        """Run one step and show it; False (with a notification) when it was refused or failed."""
        if self.closed:
            return False
        levels = self.session.latest.levels_completed
        try:
            step = await make()
        except PlayRefused as exc:
            self.notify(str(exc), severity="warning")
            return False
        except (ArcError, AriaError) as exc:
            self.notify(f"{exc}", severity="error", timeout=10)
            return False
        except Exception as exc:  # the game's or the agent's own code raised
            self.notify(f"{type(exc).__name__}: {exc}. Press r to reset, or Esc to pick another game.",
                        severity="error", timeout=10)
            return False
        self.query_one(ArbiterPanel).add(step.decision)
        self.position = None
        await self.play_frames(step)
        if step.response.levels_completed > levels:
            self.notify(f"level {step.response.levels_completed} cleared", timeout=3)
        elif step.response.state is GameState.GAME_OVER:
            self.notify("GAME OVER: r resets the level", severity="warning", timeout=4)
        return True

    async def play_frames(self, step: Step) -> None:
        grid = self.query_one(FrameGrid)
        for frame in step.response.frames[:-1]:
            grid.show(frame)
            await asyncio.sleep(ANIMATION_S)
        self.refresh_views()

    # ----- views -----------------------------------------------------------------------------

    def shown_step(self) -> Step:
        history = self.session.history
        return history[-1 if self.position is None else self.position]

    def refresh_views(self) -> None:
        step = self.shown_step()
        decision = step.decision
        heat = decision.click_heatmap if (self.heatmap_on and decision is not None) else None
        self.query_one(FrameGrid).show(step.response.frame, heat)
        systems = [s.decision.system if s.decision else "none" for s in self.session.history]
        systems[0] = "start"
        self.query_one(HistoryStrip).set_steps(systems, self.position)
        if self.position is not None:
            self.query_one(ArbiterPanel).show(decision)
        self.refresh_status()

    def refresh_status(self) -> None:
        if not self.opened.is_set():
            return
        text = status_text(self.session, self.running, SPEEDS[self.speed_index], self.hover)
        step = self.shown_step()
        if self.position is not None:
            text += f"\nviewing step {step.index} ({step.label}): ] or End returns to the game"
        else:
            text += f"\nlast {step.label}   available {' '.join(f'A{a}' for a in self.session.latest.available_actions)}"
        self.query_one("#status", Static).update(text)

    def on_frame_grid_hovered(self, message: FrameGrid.Hovered) -> None:
        if message.x is None or message.colour is None:
            self.hover = ""
        else:
            self.hover = f"x {message.x} y {message.y} colour {message.colour} {PALETTE_HEX[message.colour]}"
        self.refresh_status()

    def action_toggle_heatmap(self) -> None:
        self.heatmap_on = not self.heatmap_on
        panel = self.query_one(ArbiterPanel)
        panel.heatmap_on = self.heatmap_on
        panel.redraw()
        if self.opened.is_set():
            self.refresh_views()

    def action_toggle_panel(self) -> None:
        panel = self.query_one(ArbiterPanel)
        panel.display = not panel.display

    def action_scrub(self, delta: int) -> None:
        last = len(self.session.history) - 1
        current = last if self.position is None else self.position
        target = max(0, min(last, current + delta))
        self.position = None if target == last else target
        if self.opened.is_set():
            self.refresh_views()
            if self.position is None:
                self.query_one(ArbiterPanel).show(self.session.history[-1].decision)

    def action_scrub_live(self) -> None:
        self.position = None
        if self.opened.is_set():
            self.refresh_views()
            self.query_one(ArbiterPanel).show(self.session.history[-1].decision)

    def on_history_strip_selected(self, message: HistoryStrip.Selected) -> None:
        last = len(self.session.history) - 1
        self.position = None if message.index >= last else message.index
        self.refresh_views()
