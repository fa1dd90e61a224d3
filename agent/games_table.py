"""The table `aria games list` prints."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from arc_client.types import GameInfo


def action_names(actions: Sequence[int]) -> str:
    return " ".join(f"A{a}" for a in actions) or "?"


def games_table(infos: Sequence[GameInfo], games_dir: str | None = None) -> Table:
    """Id, title, tags, levels, available actions (built-in suite) and the baseline action counts."""
    available: dict[str, Sequence[int]] = {}
    if games_dir is None:
        from arc_client.games import SUITE

        available = {cls.NAME: cls.AVAILABLE for cls in SUITE}
    table = Table(title=f"{len(infos)} games" + (f" in {games_dir}" if games_dir else " (built-in suite)"))
    for column in ("game_id", "title", "tags", "levels", "actions", "baseline actions"):
        table.add_column(column, justify="right" if column in ("levels",) else "left")
    for info in sorted(infos, key=lambda g: g.game_id):
        baselines = list(info.baseline_actions)
        table.add_row(
            info.game_id,
            info.title or "",
            ", ".join(info.tags),
            str(len(baselines)) if baselines else "?",
            action_names(available.get(info.name, ())),
            f"{sum(baselines)} ({' '.join(map(str, baselines))})" if baselines else "",
        )
    return table
