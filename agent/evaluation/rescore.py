"""`aria eval --rescore RECORDINGS`: the official score of recorded runs, without replaying them."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from arc_client.errors import GamesDirError
from arc_client.recording import find_recordings
from arc_client.scoring import load_environment_infos, rescore


def rescore_command(recordings: Path, games_dir: str | None) -> None:
    if games_dir is None:
        from arc_client.games import builtin_dir

        games_dir = str(builtin_dir())
    files = find_recordings(recordings)
    if not files:
        raise GamesDirError(f"no recordings (*.jsonl) under {recordings}; pass a run's recordings directory")
    infos = load_environment_infos(games_dir)
    summary = rescore(recordings, infos)
    table = Table(title=f"official score of {len(files)} recordings in {recordings}")
    for column in ("game", "runs", "levels", "actions", "score"):
        table.add_column(column)
    for env in summary.environments:
        table.add_row(env.id, str(len(env.runs)), str(env.levels_completed), str(env.actions), f"{env.score:.3f}")
    table.add_section()
    table.add_row("total", "", str(summary.total_levels_completed), str(summary.total_actions), f"{summary.score:.3f}")
    Console(highlight=False).print(table)
