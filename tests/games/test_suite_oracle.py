"""The oracle wins every level of every game within its budget, over many seeds."""

import json

import pytest

from arc_client.games import SUITE, oracle_actions, solve, suite_dir
from arc_client.games.kit import PuzzleGame
from arc_client.games.play import act, play_plan

SEEDS = range(50)


@pytest.mark.parametrize("cls", SUITE, ids=lambda cls: cls.NAME)
def test_oracle_wins_every_level_within_budget(cls: type[PuzzleGame]) -> None:
    for seed in SEEDS:
        game = cls(seed=seed)
        act(game, 0)
        for level, plan in enumerate(game.solutions):
            assert 0 < len(plan) <= game.budgets[level], f"{cls.NAME} seed {seed} level {level + 1}"
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, f"{cls.NAME} seed {seed} level {level + 1} not cleared"
        assert result.state.name == "WIN"
        assert result.levels_completed == result.win_levels == cls.LEVELS


@pytest.mark.parametrize("cls", SUITE, ids=lambda cls: cls.NAME)
def test_oracle_plans_are_shortest_and_match_baselines(cls: type[PuzzleGame]) -> None:
    game = cls(seed=0)
    fresh = [solve(game, puzzle) for puzzle in game.puzzles]
    assert [len(plan or []) for plan in fresh] == [len(plan) for plan in game.solutions]
    assert oracle_actions(cls.NAME, seed=0, level=0) == game.solutions[0]
    (metadata,) = suite_dir().joinpath(cls.NAME).rglob("metadata.json")
    assert json.loads(metadata.read_text())["baseline_actions"] == [len(plan) for plan in game.solutions]
