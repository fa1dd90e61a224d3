"""The live view of a running evaluation: a row per game, redrawn a few times a second."""

from __future__ import annotations

from rich.console import Console
from rich.live import Live
from rich.table import Table

from agent.evaluation.harness import GameRow


class LiveProgress:
    def __init__(self, rows_source: list[GameRow], console: Console, enabled: bool = True) -> None:
        self.rows = rows_source
        self.console = console
        self.enabled = enabled and console.is_terminal
        self._live: Live | None = None

    def render(self) -> Table:
        table = Table(title="aria eval (live)", expand=False)
        for column in ("game", "level", "actions", "actions/s", "state"):
            table.add_column(column)
        for r in self.rows:
            level = f"{min(r.levels_completed + 1, r.win_levels) if r.win_levels else '-'}/{r.win_levels or '-'}"
            table.add_row(r.game_id, level, str(r.actions), f"{r.actions_per_s:.0f}",
                          r.state if not r.error else "ERROR")
        return table

    def update(self, row: GameRow) -> None:
        if self._live is not None:
            self._live.update(self.render())

    def __enter__(self) -> LiveProgress:
        if self.enabled:
            self._live = Live(self.render(), console=self.console, refresh_per_second=4, transient=True)
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)
            self._live = None
