"""The table `aria games list` prints."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from arc_client.session import ArcClient
from arc_client.types import GameInfo


def action_names(actions: Sequence[int]) -> str:
    return " ".join(f"A{a}" for a in actions) or "?"


async def probe_games(client: ArcClient, infos: Sequence[GameInfo]) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Available actions and level counts of in-process games, read from a RESET on a scratch
    scorecard (never ask a remote server this: it would create game instances there)."""
    available: dict[str, list[int]] = {}
    levels: dict[str, int] = {}
    async with client.scorecard(tags=["aria-games-list"]) as card:
        for info in infos:
            first = (await card.start(info.game_id, record=False)).last
            available[info.game_id] = list(first.available_actions)
            levels[info.game_id] = first.win_levels
    return available, levels


def games_table(infos: Sequence[GameInfo], title: str, available: dict[str, Sequence[int]],
                levels: dict[str, int]) -> Table:
    """Id, title, tags, levels, available actions (where known) and the baseline action counts."""
    table = Table(title=f"{len(infos)} games {title}")
    for column in ("game_id", "title", "tags", "levels", "actions", "baseline actions per level"):
        table.add_column(column, justify="right" if column == "levels" else "left", no_wrap=column != "title")
    for info in sorted(infos, key=lambda g: g.game_id):
        baselines = list(info.baseline_actions)
        count = levels.get(info.game_id) or len(baselines)
        table.add_row(
            info.game_id,
            info.title or "",
            ", ".join(info.tags),
            str(count) if count else "?",
            action_names(available.get(info.game_id, ())),
            " ".join(map(str, baselines)),
        )
    return table
