"""The `aria` command as a user meets it: help, games list/export, bad input (`aria play`: test_play.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from arc_agi import Arcade, OperationMode
from clikit import REPO, aria, one_line_error

from arc_client.games import SUITE
from arc_client.games.heldout import HELDOUT
from arc_client.games.sealed import SEALED


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


def test_a_command_group_alone_shows_its_help_not_an_error() -> None:
    for args, commands in (((), ("eval", "games", "play", "train")), (("games",), ("list", "export"))):
        done = aria(*args)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Usage: aria") and "error" not in done.stdout + done.stderr
        assert all(command in done.stdout for command in commands)


def test_games_list_shows_every_builtin_game() -> None:
    done = aria("games", "list", "--json")
    assert done.returncode == 0, done.stderr
    listed = {g["game_id"].split("-")[0]: g for g in json.loads(done.stdout)}
    # the suite, the held-out set and the sealed set
    assert set(listed) == {cls.NAME for cls in SUITE} | {cls.NAME for cls in HELDOUT} | {cls.NAME for cls in SEALED}
    for cls in SUITE:
        assert len(listed[cls.NAME]["baseline_actions"]) == cls.LEVELS
        assert listed[cls.NAME]["tags"] == list(cls.TAGS)
        assert listed[cls.NAME]["available_actions"] == list(cls.AVAILABLE)  # read from a real RESET
        assert listed[cls.NAME]["levels"] == cls.LEVELS
    for held in [*HELDOUT, *SEALED]:
        assert listed[held.NAME]["tags"] == list(held.TAGS) and ("heldout" in held.TAGS) != ("sealed" in held.TAGS)
        assert listed[held.NAME]["available_actions"] == list(held.AVAILABLE)
        assert listed[held.NAME]["levels"] == len(listed[held.NAME]["baseline_actions"]) >= 6
    table = aria("games", "list")
    assert table.returncode == 0 and all(cls.NAME in table.stdout for cls in [*SUITE, *HELDOUT, *SEALED])


def test_games_export_writes_a_tree_the_toolkit_loads(tmp_path: Path) -> None:
    done = aria("games", "export", str(tmp_path / "env"))
    assert done.returncode == 0, done.stderr
    arcade = Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(tmp_path / "env"))
    assert {e.game_id.split("-")[0] for e in arcade.get_environments()} == {cls.NAME for cls in SUITE}
    listed = aria("games", "list", "--games-dir", str(tmp_path / "env"), "--json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == len(SUITE)


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


def test_games_export_to_an_unwritable_place_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for dest in ("/proc/aria-export", str(blocker / "env")):
        done = aria("games", "export", dest)
        one_line_error(done)
        assert f"cannot export the games to {dest}" in done.stderr
    assert not Path("/proc/aria-export").exists() and [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_a_malformed_metadata_names_its_file_and_blocks_no_other_game(fixture_games_dir: Path) -> None:
    bad = fixture_games_dir / "fxck" / "4e5f6a7b" / "metadata.json"
    bad.write_text('{"game_id": "fxck-4e5f6a7b", "title": }')
    games = ["--games-dir", str(fixture_games_dir)]
    asked = aria("play", "fxck", *games, stdin="q\n")  # the bad game itself: refused, in one line
    one_line_error(asked)
    assert str(bad) in asked.stderr and "not JSON: Expecting value: line 1 column 39 (char 38)" in asked.stderr
    assert "validation error" not in asked.stderr
    other = aria("play", "fxmz", *games, stdin="d\nq\n")  # another game: played, the bad one named on stderr
    assert other.returncode == 0 and "actions 1" in other.stdout, other.stderr
    assert other.stderr.count("\n") == 1 and other.stderr.startswith("warning: skipping a game: malformed ")
    assert str(bad) in other.stderr
    evaluate = ["eval", "--arc", *games, "--agent", "random", "--max-actions", "3", "--no-record", "--quiet"]
    refused = aria(*evaluate, "--games", "fxck", "--run-dir", str(fixture_games_dir.parent / "refused"))
    one_line_error(refused)
    assert str(bad) in refused.stderr and not (fixture_games_dir.parent / "refused").exists()
    run = aria(*evaluate, "--games", "fxmz", "--run-dir", str(fixture_games_dir.parent / "run"))
    assert run.returncode == 0 and str(bad) in run.stderr and "Traceback" not in run.stderr, run.stderr
    listed = aria("games", "list", *games, "--json")
    assert listed.returncode == 0 and [g["game_id"] for g in json.loads(listed.stdout)] == ["fxmz-0a1b2c3d"]
    assert str(bad) in listed.stderr
    shutil.copy(bad, fixture_games_dir / "fxmz" / "0a1b2c3d" / "metadata.json")
    nothing = aria("games", "list", *games)  # no game left that loads
    one_line_error(nothing)
    assert str(bad) in nothing.stderr and "(and 1 more like it)" in nothing.stderr
