"""Every optimal move is a label: exact distances over a level's graph, checked against the oracle's own
BFS, and behaviour cloning on those sets learns to pick optimal moves."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from agent.models.fast_policy import FastPolicy
from agent.training.data import Transitions, generate, oracle_labels
from agent.training.levels import start_level
from agent.training.objectives import calibration, policy_loss
from agent.training.optimal import level_distances, moves_of
from agent.training.oracle import solve_from
from arc_client.games import game_class
from arc_client.games.kit import FLOOR, GOAL
from arc_client.games.play import act, random_action
from arc_client.games.sources.navigation import Maze

UP, DOWN, LEFT, RIGHT = 1, 2, 3, 4


def open_room(size: int = 7) -> Maze:
    """A walled square room with nothing inside, the exit in the bottom-right corner."""
    walls = frozenset((c, r) for c in range(size) for r in range(size) if c in (0, size - 1) or r in (0, size - 1))
    base = np.full((size, size), FLOOR, dtype=np.uint8)
    base[size - 2, size - 2] = GOAL
    return Maze(size, size, walls, (1, 1), (size - 2, size - 2), base)


def test_two_equally_short_moves_are_both_optimal_and_a_move_away_is_not() -> None:
    game = game_class("mz01")(seed=0)
    room = open_room()
    graph = level_distances(game, room, room.start)
    assert graph is not None
    middle = (3, 3)  # the exit at (5, 5): right and down are both one step nearer
    assert graph.steps_to_go(middle) == 4
    assert sorted(a for a, _ in graph.optimal_moves(middle)) == [DOWN, RIGHT]
    on_the_column = (5, 2)  # straight above the exit: only down gets nearer
    assert [a for a, _ in graph.optimal_moves(on_the_column)] == [DOWN]
    assert graph.optimal_moves(room.exit) == []  # solved: nothing left to do


def _nearer(game: object, state: object, action: int, cell: object) -> bool:
    puzzle = game.puzzles[game.level_index]  # type: ignore[attr-defined]
    here = solve_from(game, state)  # type: ignore[arg-type]
    after = game.transition(puzzle, state, action, cell)  # type: ignore[attr-defined]
    there = solve_from(game, after)  # type: ignore[arg-type]
    return here is not None and there is not None and len(there) == len(here) - 1


def test_optimal_sets_agree_with_the_oracle_from_every_successor() -> None:
    rng = random.Random(3)
    checked = multi = 0
    for name in ("cl01", "pb01", "cy01"):
        for seed in (1, 2):
            game, raw = start_level(game_class(name), seed, 1)
            graph = level_distances(game, game.puzzles[1], game.state)
            assert graph is not None
            for _ in range(6):
                plan = solve_from(game, game.state)
                optimal = graph.optimal_moves(game.state)
                assert graph.steps_to_go(game.state) == (len(plan) if plan is not None else None)
                if plan:  # the oracle's own step is the first optimal move in its move order
                    label, steps, mask, _ = oracle_labels(game, graph)
                    assert label == plan[0] and steps == len(plan) and mask[plan[0][0] - 1], name
                for action, cell in moves_of(game, game.puzzles[1], game.state):
                    assert ((action, cell) in optimal) == _nearer(game, game.state, action, cell), (name, action)
                    checked += 1
                multi += len(optimal) > 1
                raw = act(game, *random_action(game, rng))
                if raw.levels_completed > 1:
                    break
    assert checked > 100 and multi > 0


def test_demonstrations_carry_the_whole_optimal_set() -> None:
    data = generate([game_class("cl01"), game_class("cy01")], [1, 2, 3], levels=[0, 1])
    labelled = np.flatnonzero(data.label >= 0)
    assert data.optimal is not None
    assert data.optimal[labelled, data.label[labelled]].all()  # the oracle's own action is always optimal
    assert (data.optimal[labelled].sum(1) > 1).any()  # and often not the only one
    clicks = np.flatnonzero(data.label == 5)
    which, xs, ys = data.optimal_clicks(clicks)
    assert set(which) == set(range(len(clicks)))  # every click row has its optimal cells
    first = which == 0
    assert (data.label_x[clicks[0]], data.label_y[clicks[0]]) in set(zip(xs[first], ys[first], strict=True))
    # concatenation keeps each row's optimal cells with it
    both = Transitions.concat([data, data])
    again = both.optimal_clicks(clicks + len(data))
    assert all(np.array_equal(a, b) for a, b in zip(again, (which, xs, ys), strict=True))


def test_old_transitions_files_load_with_the_oracle_label_as_the_only_optimal_move(tmp_path: object) -> None:
    data = generate([game_class("cy01")], [4], levels=[0], noise=0.0, random_share=0.0)
    path = f"{tmp_path}/old.npz"
    old = {k: v for k, v in vars(data).items() if k not in ("optimal", "click_row", "click_x", "click_y")}
    np.savez_compressed(path, **old)
    loaded = Transitions.load(path)
    assert loaded.optimal is not None and loaded.optimal.sum(1).tolist() == [1] * len(loaded)
    assert (loaded.optimal.argmax(1) == loaded.label).all()
    _, xs, ys = loaded.optimal_clicks(np.arange(len(loaded)))
    assert xs.tolist() == loaded.label_x.tolist() and ys.tolist() == loaded.label_y.tolist()


@pytest.mark.parametrize("blocks", [0, 2])
def test_cloning_the_optimal_sets_picks_optimal_moves_far_above_chance(blocks: int) -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    games = [game_class("cl01")]
    train = generate(games, range(40), levels=[0], rng_seed=1)
    val = generate(games, range(20_000, 20_008), levels=[0], rng_seed=2)
    policy = FastPolicy(16, 64, blocks)
    before = calibration(policy.eval(), val, torch.device("cpu"))["accuracy"]
    policy.train()
    optimiser = torch.optim.Adam(policy.parameters(), lr=3e-3)
    rng = np.random.default_rng(0)
    labelled = np.flatnonzero(train.label >= 0)
    for _ in range(150):
        loss, _ = policy_loss(policy, train, rng.choice(labelled, 32), torch.device("cpu"))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    after = calibration(policy.eval(), val, torch.device("cpu"))
    assert val.optimal is not None
    chance = float(val.optimal[val.label >= 0].sum(1).mean() / 4)  # a uniform pick among the 4 moves
    assert after["accuracy"] > max(before, chance) + 0.15, (before, chance, after)
    assert after["accuracy"] >= after["oracle_accuracy"]  # an optimal move need not be the oracle's


def test_rows_set_aside_for_calibration_train_the_confidence_and_not_the_actions() -> None:
    torch.manual_seed(0)
    data = generate([game_class("cl01")], [5], levels=[0], noise=0.0, random_share=0.0)
    rows = np.flatnonzero(data.label >= 0)[:16]
    policy = FastPolicy(16, 64, 1)
    grads = {}
    for name, aside in (("cloned", np.zeros(len(rows), bool)), ("aside", np.ones(len(rows), bool))):
        policy.zero_grad()
        loss, metrics = policy_loss(policy, data, rows, torch.device("cpu"), 0.5, aside)
        loss.backward()
        grads[name] = (policy.action_head.weight.grad.abs().sum().item(),
                       policy.confidence_head[0].weight.grad.abs().sum().item())
    assert grads["cloned"][0] > 0 and grads["cloned"][1] > 0
    assert grads["aside"][0] == 0.0 and grads["aside"][1] > 0  # no behaviour cloning on them, only the confidence
