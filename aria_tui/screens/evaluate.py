"""Evaluate: run the harness (`agent.evaluation.run.run_eval`) on chosen games, one live row per
game, and the official score when the scorecard closes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Static

from ..sources import GameSource

COLUMNS = ("game", "state", "levels", "actions", "fast share", "score", "stop")


def row_cells(row: Any) -> tuple[str, ...]:
    share = row.tally.fast_share
    return (row.game_id, row.state, f"{row.levels_completed}/{row.win_levels}", str(row.actions),
            "-" if share is None else f"{share:.0%}", "-" if row.score is None else f"{row.score:.3f}%",
            row.stop_reason or row.error or "")


class EvalScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "start", "start"),
        Binding("ctrl+x", "stop", "stop"),
        Binding("escape", "leave", "back"),
    ]
    DEFAULT_CSS = """
    EvalScreen #eval-bar { height: 3; }
    EvalScreen #eval-games { width: 2fr; }
    EvalScreen #eval-agent { width: 1fr; }
    EvalScreen #eval-actions { width: 12; }
    EvalScreen #eval-run-dir { width: 1fr; }
    EvalScreen #eval-rows { height: 1fr; }
    EvalScreen #eval-status { height: 2; background: $panel; padding: 0 1; }
    """

    def __init__(self, source: GameSource, agent: str = "aria", checkpoint: str | None = None) -> None:
        super().__init__()
        self.source = source
        self.agent = agent
        self.checkpoint = checkpoint
        self.score: float | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="eval-bar"):
            yield Input("all", placeholder="games: all, or ids separated by commas", id="eval-games")
            yield Input(self.agent, placeholder="agent", id="eval-agent")
            yield Input("500", placeholder="max actions", type="integer", id="eval-actions")
            yield Input(self.default_run_dir(), placeholder="run directory", id="eval-run-dir")
            yield Button("Start", id="eval-start", variant="success")
        yield DataTable(cursor_type="row", id="eval-rows")
        checkpoint = f"  checkpoint {self.checkpoint}" if self.checkpoint else ""
        yield Static(f"games from the {self.source.label}{checkpoint}: ctrl+s starts", id="eval-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)

    @staticmethod
    def default_run_dir() -> str:
        from agent.run_dirs import new_run_dir

        return str(new_run_dir("eval"))

    def config(self) -> Any:
        from agent.evaluation.config import EvalConfig

        games = [g.strip() for g in self.query_one("#eval-games", Input).value.split(",") if g.strip()] or ["all"]
        return EvalConfig(
            games=games, games_dir=self.source.games_dir if self.source.kind == "dir" else None,
            base_url=self.source.base_url if self.source.kind == "server" else None,
            api_key_file=self.source.api_key_file, agent=self.query_one("#eval-agent", Input).value.strip() or "aria",
            checkpoint=self.checkpoint, max_actions=int(self.query_one("#eval-actions", Input).value or 500),
            run_dir=Path(self.query_one("#eval-run-dir", Input).value.strip() or self.default_run_dir()))

    @on(Button.Pressed, "#eval-start")
    def action_start(self) -> None:
        self.evaluate()

    @work(exclusive=True, group="eval")
    async def evaluate(self) -> None:
        try:
            from agent.evaluation.run import run_eval
        except ImportError:
            self.notify("run_eval is not in this install yet: update aria-lite (git pull) and retry",
                        severity="error", timeout=10)
            return
        table = self.query_one(DataTable)
        table.clear()
        status = self.query_one("#eval-status", Static)
        status.update("running… ctrl+x stops (the scorecard is closed)")
        try:
            await run_eval(self.config(), self.show_event)
        except Exception as exc:  # bad games, unreachable server, rejected key, unknown agent, a used run dir
            status.update(f"failed: {exc}")
            self.notify(f"{exc}", severity="error", timeout=10)

    def show_event(self, event: Any) -> None:
        from agent.evaluation import events

        table = self.query_one(DataTable)
        if isinstance(event, events.GameStarted | events.GameUpdated | events.GameEnded):
            cells = row_cells(event.row)
            key = event.row.game_id
            if key in table.rows:
                for column, value in zip(table.columns, cells, strict=False):
                    table.update_cell(key, column, value)
            else:
                table.add_row(*cells, key=key)
        elif isinstance(event, events.RunOpened):
            self.query_one("#eval-status", Static).update(f"scorecard {event.card_id}: {len(event.game_ids)} games")
        elif isinstance(event, events.RunClosed):
            self.score = event.summary.score if event.summary is not None else None
            where = "" if event.results is None else "  results.json written"
            text = "no score (the scorecard did not close)" if self.score is None else f"official score {self.score:.3f}%"
            self.query_one("#eval-status", Static).update(text + (" (interrupted)" if event.interrupted else "") + where)

    @on(DataTable.RowSelected, "#eval-rows")
    def open_recording(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: that game's recording in the replay viewer."""
        game_id = str(event.row_key.value)
        run_dir = Path(self.query_one("#eval-run-dir", Input).value.strip())
        found = sorted((run_dir / "recordings").rglob(f"{game_id}-*.jsonl*")) if run_dir.is_dir() else []
        if not found:
            self.notify(f"no recording of {game_id} in {run_dir}/recordings (was recording off?)", severity="warning")
            return
        from .replay import ReplayScreen

        self.app.push_screen(ReplayScreen(str(found[-1])))

    def action_stop(self) -> None:
        self.workers.cancel_group(self, "eval")
        self.notify("stopping the evaluation; the scorecard is closed")

    def action_leave(self) -> None:
        self.workers.cancel_group(self, "eval")
        self.dismiss()
