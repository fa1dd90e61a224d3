"""The `aria` command as a user meets it: games list/export, plain-terminal play, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from arc_agi import Arcade, OperationMode

from arc_client.games import SUITE, oracle_actions
from arc_client.games.heldout import HELDOUT

REPO = Path(__file__).resolve().parents[2]


def aria(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env={**os.environ, "COLUMNS": "200"})


def one_line_error(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_help_is_quick_and_lists_the_commands() -> None:
    started = time.perf_counter()
    done = aria("--help")
    assert done.returncode == 0
    for command in ("eval", "games", "play"):
        assert command in done.stdout
    # heavy packages stay out of the CLI's import: `aria --help` must not pay for them
    probe = subprocess.run([sys.executable, "-c", "import sys, agent.cli; print('torch' in sys.modules, "
                            "'textual' in sys.modules)"], capture_output=True, text=True, cwd=REPO)
    assert probe.stdout.split() == ["False", "False"]
    assert time.perf_counter() - started < 30  # a sanity bound, not a speed target


def test_games_list_shows_every_builtin_game() -> None:
    done = aria("games", "list", "--json")
    assert done.returncode == 0, done.stderr
    listed = {g["game_id"].split("-")[0]: g for g in json.loads(done.stdout)}
    assert set(listed) == {cls.NAME for cls in SUITE} | {cls.NAME for cls in HELDOUT}  # the suite and the held-out set
    for cls in SUITE:
        assert len(listed[cls.NAME]["baseline_actions"]) == cls.LEVELS
        assert listed[cls.NAME]["tags"] == list(cls.TAGS)
        assert listed[cls.NAME]["available_actions"] == list(cls.AVAILABLE)  # read from a real RESET
        assert listed[cls.NAME]["levels"] == cls.LEVELS
    for held in HELDOUT:
        assert listed[held.NAME]["tags"] == list(held.TAGS) and "heldout" in held.TAGS
        assert listed[held.NAME]["available_actions"] == list(held.AVAILABLE)
        assert listed[held.NAME]["levels"] == len(listed[held.NAME]["baseline_actions"]) >= 6
    table = aria("games", "list")
    assert table.returncode == 0 and all(cls.NAME in table.stdout for cls in [*SUITE, *HELDOUT])


def test_games_export_writes_a_tree_the_toolkit_loads(tmp_path: Path) -> None:
    done = aria("games", "export", str(tmp_path / "env"))
    assert done.returncode == 0, done.stderr
    arcade = Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(tmp_path / "env"))
    assert {e.game_id.split("-")[0] for e in arcade.get_environments()} == {cls.NAME for cls in SUITE}
    listed = aria("games", "list", "--games-dir", str(tmp_path / "env"), "--json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == len(SUITE)


def test_play_with_scripted_keys_and_clicks_wins_a_level() -> None:
    keyboard = next(cls for cls in SUITE if cls.TAGS == ["keyboard"] or tuple(cls.TAGS) == ("keyboard",))
    keys = {1: "w", 2: "s", 3: "a", 4: "d", 5: "e", 7: "u"}
    lines = [f"{x} {y}" if action == 6 else keys[action] for action, x, y in oracle_actions(keyboard.NAME, 0, 0)]
    done = aria("play", keyboard.NAME, stdin="\n".join(lines + ["q"]) + "\n")
    assert done.returncode == 0, done.stderr
    assert "▀" in done.stdout  # the frame, drawn with half blocks
    assert f"level 2/{keyboard.LEVELS}" in done.stdout  # the oracle's moves cleared level 1
    assert "scorecard" in done.stdout

    click = next(cls for cls in SUITE if 6 in cls.AVAILABLE and len(cls.AVAILABLE) == 1)
    lines = [f"{x} {y}" for _, x, y in oracle_actions(click.NAME, 0, 0)]
    done = aria("play", click.NAME, stdin="\n".join(lines + ["q"]) + "\n")
    assert done.returncode == 0 and f"level 2/{click.LEVELS}" in done.stdout, done.stderr


def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    name = SUITE[0].NAME
    unknown = aria("play", name[:3] + "z")
    one_line_error(unknown)
    assert "unknown game" in unknown.stderr and name in unknown.stderr  # a close match is suggested
    one_line_error(aria("play", name, "--seed", "abc"))
    one_line_error(aria("play", name, stdin="70 3\n"))  # a click outside 0..63
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line_error(aria("games", "list", "--games-dir", str(empty)))
    one_line_error(aria("games", "list", "--games-dir", str(tmp_path / "missing")))
    broken = tmp_path / "broken" / "zz01" / "00000000"
    broken.mkdir(parents=True)
    (broken / "metadata.json").write_text("{not json")
    done = aria("games", "list", "--games-dir", str(tmp_path / "broken"))
    one_line_error(done)
    assert "metadata.json" in done.stderr


def test_play_over_the_official_local_server() -> None:
    from arc_client.games import suite_dir
    from arc_client.local_server import LocalServer

    name = SUITE[0].NAME
    keys = {1: "w", 2: "s", 3: "a", 4: "d", 5: "e", 7: "u"}
    lines = [f"{x} {y}" if a == 6 else keys[a] for a, x, y in oracle_actions(name, 0, 0)]
    with LocalServer(suite_dir()) as server:
        done = aria("play", name, "--base-url", server.base_url, stdin="\n".join(lines + ["q"]) + "\n")
    assert done.returncode == 0, done.stderr
    assert f"level 2/{SUITE[0].LEVELS}" in done.stdout and "▀" in done.stdout
