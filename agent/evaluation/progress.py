"""What `aria eval` shows while it runs, drawn from the run's events.

In a terminal: a live table (levels completed, actions, actions/s, fast share, state, stop reason)
under a title with the elapsed time, an estimate of the time left and running totals. Piped to a
file or a CI log: a line per finished game and a heartbeat line every `heartbeat_s` seconds.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.table import Table

from agent.evaluation.events import EvalEvent, GameEnded, RunClosed, RunOpened
from agent.evaluation.harness import GameRow


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


class EvalProgress:
    """An `on_event` sink for `run_eval`; it watches the run's live rows from `RunOpened` on."""

    wants_decisions = False  # rows are enough: no per-step DecisionMade events are built for it

    def __init__(self, console: Console, max_actions: int, live: bool = True, heartbeat_s: float = 30.0) -> None:
        self.rows: list[GameRow] = []
        self.console = console
        self.max_actions = max_actions
        self.live = live and console.is_terminal
        self.plain = live and not console.is_terminal
        self.heartbeat_s = heartbeat_s
        self.started = time.perf_counter()
        self._last_beat = self.started
        self._live: Live | None = None
        self.results_written = False

    # -- figures ---------------------------------------------------------------------------------
    def done_fraction(self) -> float:
        """Share of the run's work done: finished games count whole, others by actions spent."""
        if not self.rows:
            return 1.0
        parts = [1.0 if r.stop_reason else min(1.0, r.actions / self.max_actions) for r in self.rows]
        return sum(parts) / len(parts)

    def status(self) -> str:
        elapsed = time.perf_counter() - self.started
        done = self.done_fraction()
        left = f"~{_duration(elapsed * (1 - done) / done)} left" if 0.02 < done < 1 else ""
        finished = sum(1 for r in self.rows if r.stop_reason)
        levels = sum(r.levels_completed for r in self.rows)
        total = sum(r.win_levels for r in self.rows)
        actions = sum(r.actions for r in self.rows)
        return (f"{finished}/{len(self.rows)} games done  levels {levels}/{total}  actions {actions:,}  "
                f"elapsed {_duration(elapsed)}  {left}").rstrip()

    def render(self) -> Table:
        table = Table(title=f"aria eval: {self.status()}", expand=False)
        for column in ("game", "levels", "actions", "actions/s", "fast", "state", "stop"):
            table.add_column(column)
        for r in self.rows:
            fast = "-" if r.fast_share is None else f"{r.fast_share:.0%}"
            table.add_row(r.game_id, f"{r.levels_completed}/{r.win_levels or '-'}", str(r.actions),
                          f"{r.actions_per_s:.0f}", fast, r.state if not r.error else "ERROR", r.stop_reason or "")
        return table

    # -- the sink ----------------------------------------------------------------------------------
    def __call__(self, event: EvalEvent) -> None:
        if isinstance(event, RunOpened):
            self.rows = list(event.rows)
            self.console.print(f"scorecard {event.card_id} opened ({len(event.game_ids)} games, agent "
                               f"{event.agent}, {event.source})")
        elif isinstance(event, RunClosed):
            self.results_written = event.results is not None
        if self.plain:
            if isinstance(event, GameEnded):
                r = event.row
                self.console.print(f"done {r.game_id}: levels {r.levels_completed}/{r.win_levels}, {r.actions} "
                                   f"actions, {r.stop_reason}  [{self.status()}]")
            now = time.perf_counter()
            if now - self._last_beat >= self.heartbeat_s:
                self._last_beat = now
                self.console.print(f"... {self.status()}")
        elif self._live is not None:
            now = time.perf_counter()
            if now - self._last_beat >= 0.25 or isinstance(event, GameEnded):
                self._last_beat = now
                self._live.update(self.render())

    def __enter__(self) -> EvalProgress:
        if self.live:
            self._live = Live(self.render(), console=self.console, refresh_per_second=4, transient=True)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)
            self._live = None
