"""The replay viewer: open a recording and scrub through its steps (frame, action, decision)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from agent.replay import ReplayStep, load_replay
from arc_client.errors import RecordingError

from ..widgets.arbiter import ArbiterPanel
from ..widgets.episode import EpisodeView
from ..widgets.frame_grid import FrameGrid
from ..widgets.history import HistoryStrip


class ReplayScreen(Screen[None]):
    BINDINGS = [
        Binding("left,left_square_bracket", "move(-1)", "back", key_display="←"),
        Binding("right,right_square_bracket", "move(1)", "forward", key_display="→"),
        Binding("pageup", "move(-20)", "-20", show=False),
        Binding("pagedown", "move(20)", "+20", show=False),
        Binding("home", "jump(0)", "first", show=False),
        Binding("end", "jump(-1)", "last", show=False),
        Binding("h", "toggle_heatmap", "heatmap"),
        Binding("ctrl+o", "focus_path", "open"),
        Binding("escape", "leave", "back"),
    ]
    DEFAULT_CSS = """
    ReplayScreen #path { height: 3; }
    ReplayScreen #replay-status { height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path
        self.steps: list[ReplayStep] = []
        self.position = 0
        self.heatmap_on = False
        self.loaded = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield Input(self.path, placeholder="recording (.jsonl or .jsonl.gz); Enter opens it", id="path")
        yield EpisodeView("replay", id="main")
        yield Static("open a recording", id="replay-status")
        yield Footer()

    def on_mount(self) -> None:
        if self.path:
            self.open_recording(self.path)
        else:
            self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    def path_submitted(self, event: Input.Submitted) -> None:
        self.open_recording(event.value.strip())

    @work(exclusive=True, group="load")
    async def open_recording(self, path: str) -> None:
        try:
            steps = await asyncio.to_thread(load_replay, str(Path(path).expanduser()))
        except RecordingError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.path, self.steps, self.position = path, steps, 0
        self.query_one("#board").border_title = steps[0].response.game_id
        self.set_focus(None)  # the arrow keys scrub, not move the path's cursor
        self.show()
        self.loaded.set()

    def show(self) -> None:
        if not self.steps:
            return
        step = self.steps[self.position]
        decision = step.decision
        heat = decision.click_heatmap if self.heatmap_on and decision is not None else None
        self.query_one(FrameGrid).show(step.response.frame, heat)
        self.query_one(ArbiterPanel).show(decision)
        systems = ["start"] + [s.decision.system if s.decision else "none" for s in self.steps[1:]]
        self.query_one(HistoryStrip).set_steps(systems, self.position)
        response = step.response
        action = response.action_input
        label = action.id.name + (f"@{action.x},{action.y}" if action.x is not None else "")
        self.query_one("#replay-status", Static).update(
            f"{response.game_id}  step {self.position}/{len(self.steps) - 1}  action {label}  "
            f"levels {response.levels_completed}/{response.win_levels}  {response.state.value}"
            f"\n{self.path}")

    def action_move(self, delta: int) -> None:
        if self.steps:
            self.position = max(0, min(len(self.steps) - 1, self.position + delta))
            self.show()

    def action_jump(self, index: int) -> None:
        if self.steps:
            self.position = index % len(self.steps)
            self.show()

    def on_history_strip_selected(self, message: HistoryStrip.Selected) -> None:
        self.action_jump(message.index)

    def action_toggle_heatmap(self) -> None:
        self.heatmap_on = not self.heatmap_on
        panel = self.query_one(ArbiterPanel)
        panel.heatmap_on = self.heatmap_on
        self.show()

    def action_focus_path(self) -> None:
        self.query_one("#path", Input).focus()

    def action_leave(self) -> None:
        self.dismiss()
