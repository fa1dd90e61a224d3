"""The parts under the learning: suite data on training seeds only, the oracle from any state, an
encoder that keeps one-pixel differences, calibration measured against real labels."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from agent.errors import ConfigError
from agent.models.encoder import GridEncoder
from agent.models.encoding import frames_tensor
from agent.training.data import ReservedSeedError, generate
from agent.training.levels import frame_of, start_level
from agent.training.oracle import solve_from
from arc_client.games import game_class
from arc_client.games.play import act, random_action


def test_the_generator_refuses_evaluation_seeds() -> None:
    with pytest.raises(ReservedSeedError, match="10000-19999") as info:
        generate([game_class("mz01")], [3, 10_500], levels=[0])
    assert isinstance(info.value, ConfigError)  # the CLI prints it as one line, exit 2


@pytest.mark.parametrize("name", ["mz01", "kd01", "sq01", "pb01"])
def test_the_oracle_solves_from_wherever_play_has_led(name: str) -> None:
    rng = random.Random(1)
    game, raw = start_level(game_class(name), seed=7, level=1)
    for _ in range(5):
        raw = act(game, *random_action(game, rng))
    assert raw.levels_completed == 1
    plan = solve_from(game, game.state)
    if plan is None:  # a dead end without undo: nothing can clear the level from here
        assert not game.UNDO
        return
    for action, x, y in plan:
        raw = act(game, action, x, y)
    assert raw.levels_completed == 2, f"{name}: the plan from the current state did not clear level 2"


def test_demonstrations_carry_oracle_labels_and_steps_to_go() -> None:
    data = generate([game_class("mz01")], [1, 2], levels=[0], noise=0.0, random_share=0.0)
    first = np.flatnonzero(np.diff(np.r_[-1, data.episode]) != 0)
    plan = game_class("mz01")(seed=1).solutions[0]
    assert data.steps_to_go[first[0]] == len(plan)
    # noise 0: the oracle's own actions, each one step nearer the end
    episode = data.episode == data.episode[first[0]]
    assert (data.action[episode] == data.label[episode]).all()
    assert list(data.steps_to_go[episode]) == list(range(len(plan), 0, -1))
    assert data.outcome[episode][-1] == 1  # the last step clears the level


def test_frames_one_pixel_apart_get_different_codes() -> None:
    torch.manual_seed(0)
    encoder = GridEncoder().eval()
    game, raw = start_level(game_class("mz01"), seed=4, level=0)
    frame = frame_of(raw)
    codes = []
    with torch.no_grad():
        for y, x in [(0, 0), (31, 17), (63, 63)]:
            other = frame.copy()
            other[y, x] = (other[y, x] + 1) % 16
            codes.append(encoder.code(frames_tensor(other))[0])
        base = encoder.code(frames_tensor(frame))[0]
    for code in codes:
        assert (code - base).abs().max() > 1e-4
    assert (codes[0] - codes[1]).abs().max() > 1e-4


def test_levels_past_a_games_last_are_skipped_not_errors() -> None:
    # mz01 has 5 levels, kb01 6: asking for 6 plays every level each game has, its sixth only on kb01
    data = generate([game_class("mz01"), game_class("kb01")], [1], levels=range(6), noise=0.0, random_share=0.0)
    ends = data.outcome[np.r_[np.flatnonzero(np.diff(data.episode) != 0), len(data) - 1]]
    assert len(np.unique(data.episode)) == 11
    assert (ends == 1).all()  # noise 0: every level played to its clear, the last ones included
