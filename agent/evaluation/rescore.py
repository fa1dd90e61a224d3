"""`aria eval --rescore RECORDINGS`: the official score of recorded runs, without replaying them.

RECORDINGS is a run directory, its recordings folder, or one recording (plain or gzip). Recordings
of more than one scorecard are refused with the card ids: pass `<recordings>/<card_id>` to rescore
each run on its own.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from arc_client.recording import recordings_of_one_card
from arc_client.scoring import load_environment_infos, rescore


def rescore_command(recordings: Path, games_dir: str | None) -> None:
    if games_dir is None:
        from arc_client.games import builtin_dir

        games_dir = str(builtin_dir())
    card_id, files = recordings_of_one_card(recordings)  # bad input fails before the games are loaded
    infos = load_environment_infos(games_dir)
    summary = rescore(recordings, infos)
    table = Table(title=f"official score of {len(files)} recordings of scorecard {card_id} in {recordings}")
    for column in ("game", "runs", "levels", "actions", "score"):
        table.add_column(column)
    for env in summary.environments:
        table.add_row(env.id, str(len(env.runs)), str(env.levels_completed), str(env.actions), f"{env.score:.3f}")
    table.add_section()
    table.add_row("total", "", str(summary.total_levels_completed), str(summary.total_actions), f"{summary.score:.3f}")
    Console(highlight=False).print(table)
