"""`aria play` as a person meets it: in a real terminal (tmux), and with lines piped to stdin."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from clikit import CHILD_ENV, REPO, TmuxPane, aria, aria_command_line, one_line_error
from rich.console import Console

from agent.decision import Decision
from agent.play import HUMAN, default_record_dir
from agent.render import frame_with_rulers
from arc_client import ArcClient, ArcHTTPError, read_recording
from arc_client.games import SUITE, oracle_actions
from arc_client.palette import PALETTE_HEX
from arc_client.recording import find_recordings

KEYS = {1: "w", 2: "s", 3: "a", 4: "d", 5: "e", 7: "u"}
API_KEY = "aria-play-test"


def typed(actions: list[Any]) -> list[str]:
    """The lines a player types for oracle actions (action, x, y) or bare action numbers."""
    lines = []
    for step in actions:
        action, x, y = step if isinstance(step, tuple) else (step, None, None)
        lines.append(f"{x} {y}" if action == 6 else KEYS[action])
    return lines


def play(*args: str, lines: list[str], cwd: Path = REPO) -> str:
    done = aria("play", *args, stdin="\n".join([*lines, "q"]) + "\n", cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def card_state(base_url: str, card_id: str) -> str:
    """"open" or "closed", asked of the server itself with the key the player's card was opened with."""

    async def ask() -> str:
        async with ArcClient.http(base_url, API_KEY, requests_per_minute=None) as client:
            try:
                await client.backend.get_scorecard(card_id)
            except ArcHTTPError as exc:
                assert exc.status == 404, exc
                return "closed"
            return "open"

    return asyncio.run(ask())


@pytest.mark.parametrize("where", ["in-process", "http"])
def test_ctrl_c_in_a_real_terminal_exits_130_with_the_scorecard_closed(
        where: str, local_server: str, fixture_games: Any, tmp_path: Path) -> None:
    game, source = ("mz01", []) if where == "in-process" else (fixture_games.maze, ["--base-url", local_server])
    record = tmp_path / "recordings"
    with TmuxPane() as pane:
        pane.type_line(aria_command_line("play", game, *source, "--record", str(record),
                                         env={"ARC_API_KEY": API_KEY}))
        card_id = pane.wait_for(r"scorecard (\S+) opened").group(1)
        pane.wait_for(r"actions 0 .*\n> *\s*\Z")
        pane.type_line("d")
        pane.wait_for(r"actions 1 .*\n> *\s*\Z")  # waiting for a line, as a player thinks
        if where == "http":
            assert card_state(local_server, card_id) == "open"
        pane.keys("C-c")
        code = pane.wait_for(r"^EXIT=(\d+)", timeout=15).group(1)
        screen = pane.screen()
    assert code == "130", screen
    assert f"interrupted: scorecard {card_id} closed" in screen and "Traceback" not in screen
    if where == "http":
        assert card_state(local_server, card_id) == "closed"
    (recording,) = find_recordings(record)
    steps = list(read_recording(recording))  # whole: every line parses
    assert [s.response.action_input.id for s in steps] == [0, 4]
    assert Decision.from_json(steps[1].aria["decision"]) == HUMAN


def test_rulers_number_the_columns_and_rows_where_they_are() -> None:
    frame = np.zeros((64, 64), dtype=np.uint8)
    frame[21, 37] = 8  # y 21 is the lower half of the line labelled 20
    frame[40, 8] = 9  # y 40 is the upper half of the line labelled 40
    text = frame_with_rulers(frame)
    lines = text.plain.split("\n")
    margin = 3
    assert lines[0] == " " * margin + "0       8       16      24      32      40      48      56"
    assert lines[0].index("32") == margin + 32 and lines[1][margin + 32] == "|"
    assert [line[:margin] for line in lines[2:]] == [f"{y:>2} " for y in range(0, 64, 2)]
    with Console(width=80, record=True, color_system="truecolor") as console:
        console.print(text)

    def cell_style(y_label: int, x: int) -> Any:
        line = 2 + y_label // 2
        offset = sum(len(line) + 1 for line in lines[:line]) + margin + x
        return text.get_style_at_offset(console, offset)

    assert cell_style(20, 37).bgcolor.name.lower() == PALETTE_HEX[8].lower()  # lower pixel: background
    assert cell_style(20, 37).color.name.lower() == PALETTE_HEX[0].lower()
    assert cell_style(40, 8).color.name.lower() == PALETTE_HEX[9].lower()  # upper pixel: foreground


def test_the_played_frame_carries_the_rulers() -> None:
    out = play("mz01", lines=[])
    assert re.search(r"^   0       8       16      24      32      40      48      56$", out, re.MULTILINE)
    assert re.search(r"^ 0 ▀{64}$", out, re.MULTILINE) and re.search(r"^62 ▀{64}$", out, re.MULTILINE)


def test_an_unavailable_action_is_refused_unless_allowed(fixture_games_dir: Path, fixture_games: Any) -> None:
    out = play(fixture_games.maze, "--games-dir", str(fixture_games_dir), lines=["e", "5", "u"])
    assert out.count("is not available in this game (available: A1 A2 A3 A4); not sent") == 3
    assert re.search(r"scorecard \S+ closed: score 0\.000%, levels 0, actions 0$", out, re.MULTILINE)
    allowed = play(fixture_games.maze, "--games-dir", str(fixture_games_dir), "--allow-unavailable", lines=["e"])
    assert "not available" not in allowed
    assert re.search(r"closed: score 0\.000%, levels 0, actions 1$", allowed, re.MULTILINE)


def test_level_clear_game_over_and_win_are_announced(fixture_games_dir: Path, fixture_games: Any) -> None:
    games = ["--games-dir", str(fixture_games_dir)]
    first, second, third = (typed(list(level)) for level in fixture_games.maze_levels)
    out = play(fixture_games.maze, *games, lines=first + ["w"] * (fixture_games.maze_budget + 2) + ["r"] + second + third)
    levels = len(fixture_games.maze_levels)
    assert f"level 1/{levels} cleared" in out and f"level 2/{levels} cleared" in out
    assert f"level 3/{levels} cleared" not in out and f"WIN: all {levels} levels cleared" in out
    assert "game over: r to retry the level" in out
    # once over, moves are refused (not sent, not counted) until r
    over = out.index("state GAME_OVER")
    assert out.count("game over: r to retry the level", over) >= 2
    assert re.search(r"closed: score [0-9.]+%, levels 3, actions \d+$", out, re.MULTILINE)
    won = play(fixture_games.maze, *games, lines=typed(fixture_games.maze_win))
    assert re.search(rf"closed: score 100\.000%, levels 3, actions {len(fixture_games.maze_win)}$", won, re.MULTILINE)


def test_record_writes_a_persons_play_like_an_agents(fixture_games_dir: Path, fixture_games: Any,
                                                     tmp_path: Path) -> None:
    moves = typed(list(fixture_games.maze_levels[0]))
    games = ["--games-dir", str(fixture_games_dir)]
    out = play(fixture_games.maze, *games, "--record", str(tmp_path / "mine"), lines=moves)
    (recording,) = find_recordings(tmp_path / "mine")
    assert f"recording: {recording}" in out
    steps = list(read_recording(recording))
    assert len(steps) == 1 + len(moves) and steps[0].aria is None  # the start is the harness's RESET
    assert all(Decision.from_json(s.aria["decision"]) == HUMAN for s in steps[1:])
    assert steps[-1].response.levels_completed == 1
    assert json.loads(json.dumps(steps[1].aria)) == {"decision": {"system": "human", "mode": "manual"}}
    # alone, --record writes under runs/play-<stamp>/recordings of the working directory
    play(fixture_games.maze, *games, "--record", lines=moves[:2], cwd=tmp_path)
    (run,) = (tmp_path / "runs").iterdir()
    assert run.name.startswith("play-") and len(list(read_recording(*find_recordings(run / "recordings")))) == 3


def test_default_record_dirs_are_unique_within_one_second(tmp_path: Path) -> None:
    made = [default_record_dir(tmp_path) for _ in range(3)]
    assert len(set(made)) == 3 and all(p.name == "recordings" and p.parent.is_dir() for p in made)


def test_a_bad_record_dir_is_one_line_and_creates_nothing(tmp_path: Path, fixture_games_dir: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for dest in ("/proc/aria-play", str(blocker / "recordings")):
        done = aria("play", "fxmz", "--games-dir", str(fixture_games_dir), "--record", dest, stdin="q\n")
        one_line_error(done)
        assert "--record" in done.stderr and done.stdout == ""  # refused before any scorecard opened
    assert not Path("/proc/aria-play").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "a-file", "environment_files"]
    # an unknown game is refused before the default run directory is made
    one_line_error(aria("play", "nosuch", "--games-dir", str(fixture_games_dir), "--record", cwd=tmp_path))
    assert not (tmp_path / "runs").exists()


def test_moves_read_from_a_file_play_too(fixture_games_dir: Path, fixture_games: Any, tmp_path: Path) -> None:
    """`aria play GAME < moves.txt`: a regular file (which epoll refuses) and a last line without newline."""
    moves = tmp_path / "moves.txt"
    moves.write_text("\n".join(typed(list(fixture_games.maze_levels[0]))))
    with moves.open() as stdin:
        done = subprocess.run([sys.executable, "-m", "agent.cli", "play", fixture_games.maze, "--games-dir",
                               str(fixture_games_dir)], stdin=stdin, capture_output=True, text=True, timeout=120,
                              cwd=REPO, env=CHILD_ENV)
    assert done.returncode == 0, done.stderr
    assert f"level 1/{len(fixture_games.maze_levels)} cleared" in done.stdout


def test_play_with_scripted_keys_and_clicks_wins_a_level() -> None:
    keyboard = next(cls for cls in SUITE if tuple(cls.TAGS) == ("keyboard",))
    out = play(keyboard.NAME, lines=typed(oracle_actions(keyboard.NAME, 0, 0)))
    assert "▀" in out  # the frame, drawn with half blocks
    assert f"level 1/{keyboard.LEVELS} cleared" in out and f"level 2/{keyboard.LEVELS}" in out
    click = next(cls for cls in SUITE if 6 in cls.AVAILABLE and len(cls.AVAILABLE) == 1)
    out = play(click.NAME, lines=typed(oracle_actions(click.NAME, 0, 0)))
    assert f"level 1/{click.LEVELS} cleared" in out


def test_play_over_the_official_local_server() -> None:
    from arc_client.games import suite_dir
    from arc_client.local_server import LocalServer

    name = SUITE[0].NAME
    with LocalServer(suite_dir()) as server:
        out = play(name, "--base-url", server.base_url, lines=typed(oracle_actions(name, 0, 0)))
    assert f"level 1/{SUITE[0].LEVELS} cleared" in out and "▀" in out
