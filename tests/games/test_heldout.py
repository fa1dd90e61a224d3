"""The held-out games (the development set) and the sealed games (the test set): winnable within every
level's budget, bundled fresh, found by `--tags heldout` / `--tags sealed`, never part of the training
suite, and the two sets apart."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from arc_agi import Arcade, OperationMode
from arcengine import GameAction, GameState

from arc_client import ArcClient
from arc_client import GameAction as ClientAction
from arc_client.games import SUITE, builtin_dir, suite_dir
from arc_client.games.heldout import HELDOUT, HELDOUT_TAG, Stage, heldout_dir
from arc_client.games.heldout.bundle import BUNDLER as HELDOUT_BUNDLER
from arc_client.games.heldout.bundle import write_tree
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED, SEALED_TAG, sealed_dir
from arc_client.games.sealed.bundle import BUNDLER as SEALED_BUNDLER

ROOT = Path(__file__).resolve().parents[2]
SEEDS = range(6)
STAGES = [*HELDOUT, *SEALED]
# (games, their committed tree, their tag, the command that regenerates the tree)
TREES = {HELDOUT_TAG: (HELDOUT, heldout_dir(), HELDOUT_TAG, HELDOUT_BUNDLER),
         SEALED_TAG: (SEALED, sealed_dir(), SEALED_TAG, SEALED_BUNDLER)}


def tree_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_at_least_eight_games_of_both_kinds() -> None:
    assert len(HELDOUT) >= 8
    kinds = {tag for cls in HELDOUT for tag in cls.TAGS}
    assert {"keyboard", "click", HELDOUT_TAG} <= kinds


def test_three_sealed_games_apart_from_the_heldout_ones() -> None:
    assert len(SEALED) >= 3
    assert not {cls.NAME for cls in SEALED} & {cls.NAME for cls in HELDOUT}
    assert all(SEALED_TAG in cls.TAGS and HELDOUT_TAG not in cls.TAGS for cls in SEALED)
    assert all(SEALED_TAG not in cls.TAGS for cls in HELDOUT)


def test_no_heldout_or_sealed_game_is_in_the_training_suite() -> None:
    suite_names = {cls.NAME for cls in SUITE}
    assert suite_names and not suite_names & {cls.NAME for cls in STAGES}
    assert not any(issubclass(cls, Stage) for cls in SUITE)
    suite_ids = {p.parent.parent.name for p in suite_dir().rglob("metadata.json")}
    assert not suite_ids & {cls.NAME for cls in STAGES}


@pytest.mark.parametrize("cls", STAGES, ids=lambda cls: cls.NAME)
def test_every_level_is_won_within_its_budget(cls: type[Stage]) -> None:
    for seed in SEEDS:
        game = cls(seed=seed)
        assert len(game.solutions) >= 6
        act(game, 0)
        for level, plan in enumerate(game.solutions):
            assert 0 < len(plan) <= game.budgets[level], f"{cls.NAME} seed {seed} level {level + 1}"
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, f"{cls.NAME} seed {seed} level {level + 1} not cleared"
        assert result.state == GameState.WIN


@pytest.mark.parametrize("cls", STAGES, ids=lambda cls: cls.NAME)
def test_a_spent_budget_is_game_over_and_reset_restores_the_level(cls: type[Stage]) -> None:
    game = cls(seed=0)
    act(game, 0)
    play_plan(game, game.solutions[0])  # on level 2, whose rules may differ
    idle = (6, 0, 63) if cls.AVAILABLE == [6] else (cls.AVAILABLE[0], None, None)
    states = []
    for _ in range(game.budgets[1]):
        result = act(game, *idle)
        states.append(result.state)
        if result.state != GameState.NOT_FINISHED or result.levels_completed != 1:
            break
    assert result.levels_completed == 1 and states[-1] == GameState.GAME_OVER
    assert GameState.GAME_OVER not in states[:-1] or cls.NAME == "he01"  # he01 has deadly pads
    result = act(game, 0)
    assert result.state == GameState.NOT_FINISHED and result.levels_completed == 1
    assert play_plan(game, game.solutions[1]).levels_completed == 2


@pytest.mark.parametrize("tag", TREES)
def test_committed_tree_is_fresh_with_official_metadata(tmp_path: Path, tag: str) -> None:
    games, tree, tag, bundler = TREES[tag]
    write_tree(tmp_path, games, tag, bundler)
    fresh, committed = tree_files(tmp_path), tree_files(tree)
    assert sorted(committed) == sorted(fresh), f"run `python -m {bundler}` and commit the tree"
    assert [name for name in fresh if fresh[name] != committed[name]] == []
    for cls in games:
        (folder,) = tree.joinpath(cls.NAME).iterdir()
        metadata = json.loads((folder / "metadata.json").read_text())
        assert metadata["game_id"] == f"{cls.NAME}-{folder.name}" and metadata["class_name"] == cls.__name__
        assert tag in metadata["tags"] and ({"keyboard", "click"} & set(metadata["tags"]))
        assert metadata["baseline_actions"] == cls.baselines(0)
        assert all(b >= len(p) for b, p in zip(metadata["baseline_actions"], cls(seed=0).solutions, strict=True))


@pytest.mark.parametrize("tag", TREES)
def test_the_toolkit_loads_the_bundled_files_and_they_play_as_the_package(tag: str) -> None:
    games, tree, _, _ = TREES[tag]
    quiet = logging.getLogger("tests.games.heldout")
    quiet.setLevel(logging.WARNING)
    arcade = Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(tree), logger=quiet)
    for cls in games:
        env = arcade.make(cls.NAME, seed=4)
        assert env is not None and env.observation_space is not None, cls.NAME
        for plan in cls(seed=4).solutions:
            for action, x, y in plan:
                result = env.step(GameAction.from_id(action), data={"x": x, "y": y} if action == 6 else None)
        assert result is not None and result.state == GameState.WIN and result.levels_completed == len(cls(seed=4).solutions)


async def test_every_game_is_won_through_the_client_on_the_built_in_games() -> None:
    async with ArcClient.local(builtin_dir()) as client:
        listed = {info.name: info for info in await client.list_games()}
        async with client.scorecard(tags=["test"]) as card:
            for cls in STAGES:
                assert (HELDOUT_TAG if cls in HELDOUT else SEALED_TAG) in listed[cls.NAME].tags
                game = await card.start(cls.NAME)
                for plan in cls(seed=0).solutions:
                    for action, x, y in plan:
                        frame = await game.step(ClientAction(action), x=x, y=y)
                assert frame.state.name == "WIN" and frame.levels_completed == frame.win_levels >= 6
        assert card.summary is not None


def test_eval_finds_heldout_and_sealed_games_by_tag_and_all_leaves_them_out(tmp_path: Path) -> None:
    def run(*extra: str) -> list[str]:
        out = tmp_path / f"r{len(list(tmp_path.iterdir()))}.json"
        done = subprocess.run([sys.executable, "-m", "agent.cli", "eval", "--arc", "--agent", "random", "--max-actions",
                               "3", "--quiet", "--no-record", "--run-dir", str(tmp_path / out.stem), "--out", str(out),
                               *extra], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return sorted(g["game_id"].split("-")[0] for g in json.loads(out.read_text())["games"])

    assert run("--tags", HELDOUT_TAG) == sorted(cls.NAME for cls in HELDOUT)
    assert run("--tags", SEALED_TAG) == sorted(cls.NAME for cls in SEALED)
    assert run("--games", "all", "--tags", "click") == sorted(
        [cls.NAME for cls in SUITE if "click" in cls.TAGS])
