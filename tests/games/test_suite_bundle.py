"""The committed environment_files tree is fresh and the official toolkit loads and plays it as is."""

import json
import logging
from pathlib import Path

import pytest
from arc_agi import Arcade, OperationMode
from arcengine import GameAction, GameState

from arc_client.games import SUITE, suite_dir
from arc_client.games.bundle import write_tree
from arc_client.games.kit import PuzzleGame


def tree_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_committed_tree_is_fresh(tmp_path: Path) -> None:
    write_tree(tmp_path)
    fresh, committed = tree_files(tmp_path), tree_files(suite_dir())
    assert sorted(committed) == sorted(fresh), "run `python -m arc_client.games.bundle` and commit the tree"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"stale files {stale}: run `python -m arc_client.games.bundle`"


def test_tree_holds_one_version_per_game_with_official_metadata() -> None:
    for cls in SUITE:
        (folder,) = suite_dir().joinpath(cls.NAME).iterdir()
        metadata = json.loads((folder / "metadata.json").read_text())
        assert metadata["game_id"] == f"{cls.NAME}-{folder.name}" and len(folder.name) == 8
        assert metadata["class_name"] == cls.__name__ and metadata["tags"] == cls.TAGS
        assert len(metadata["baseline_actions"]) == cls.LEVELS
        assert (folder / f"{cls.__name__.lower()}.py").is_file()


@pytest.fixture(scope="module")
def arcade(exported_suite: Path) -> Arcade:
    quiet = logging.getLogger("tests.games.toolkit")
    quiet.setLevel(logging.WARNING)
    return Arcade(operation_mode=OperationMode.OFFLINE, environments_dir=str(exported_suite), logger=quiet)


@pytest.mark.parametrize("cls", SUITE, ids=lambda cls: cls.NAME)
def test_toolkit_loads_and_oracle_wins_exported_game(arcade: Arcade, cls: type[PuzzleGame]) -> None:
    env = arcade.make(cls.NAME, seed=3)
    assert env is not None, f"the toolkit could not load {cls.NAME}"
    first = env.observation_space
    assert first is not None and first.state == GameState.NOT_FINISHED
    assert first.available_actions == cls.AVAILABLE and first.win_levels == cls.LEVELS
    # The exported file is a separate copy of the code: its levels must match the package's.
    reference = cls(seed=3)
    for plan in reference.solutions:
        for action, x, y in plan:
            result = env.step(GameAction.from_id(action), data={"x": x, "y": y} if action == 6 else None)
            assert result is not None
    assert result.state == GameState.WIN and result.levels_completed == cls.LEVELS
