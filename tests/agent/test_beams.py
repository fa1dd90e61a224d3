"""The beam reader (agent.beams): mirrors read from the frame, a beam traced from its emitter, clicks that flip one
mirror or every mirror of a plate, and the goal learnt from what a won level lit; on Beam (`hm01`), and on click
games without mirrors, where it must make no move."""

from __future__ import annotations

import numpy as np
import pytest
from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from agent.beams import Beams, find_mirrors, turn
from agent.training.levels import frame_of
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.beam import Hm01
from arc_client.games.heldout.stage import BLACK, GRAY, GREEN, LIGHT_BLUE, ORANGE, WHITE, YELLOW
from arc_client.games.play import act, play_plan


def _mirror(frame: np.ndarray, row: int, col: int, kind: str, plate: int = LIGHT_BLUE) -> None:
    frame[row - 2:row + 3, col - 2:col + 3] = plate
    eye = np.eye(5, dtype=bool)
    frame[row - 2:row + 3, col - 2:col + 3][eye if kind == "\\" else np.fliplr(eye)] = WHITE


def test_mirrors_are_read_and_turn_the_beam_as_mirrors_do() -> None:
    frame = np.full((64, 64), BLACK, dtype=np.int16)
    _mirror(frame, 20, 20, "\\")
    _mirror(frame, 20, 40, "/", ORANGE)
    frame[10:13, 10:13] = GREEN  # a square with no diagonal: no mirror
    assert find_mirrors(frame) == [(20, 20, 2, LIGHT_BLUE, "\\"), (20, 40, 2, ORANGE, "/")]
    assert turn((0, 1), "\\") == (1, 0) and turn((0, 1), "/") == (-1, 0)  # right: down at "\", up at "/"
    assert turn((-1, 0), "\\") == (0, -1) and turn((-1, 0), "/") == (0, 1)
    # a beam from the left along row 20: turned down at the first mirror, stopped by a grey wall below
    frame[20, 0:18] = YELLOW
    frame[40, :] = GRAY
    beams = Beams(colour=YELLOW, stoppers={GRAY})
    mirrors = find_mirrors(frame)
    path = beams.trace(frame, mirrors, ("\\", "/"), ((20, 0), (0, 1)))
    assert (20, 20) in path and (39, 20) in path and path[-1] == (40, 20) and (20, 30) not in path
    # flipped, it goes up from there instead
    path = beams.trace(frame, mirrors, ("/", "/"), ((20, 0), (0, 1)))
    assert (5, 20) in path and (21, 20) not in path


@pytest.mark.parametrize("seed", [0, 1])
def test_with_the_goal_learnt_the_reader_wins_every_level_of_beam_in_its_fewest_clicks(seed: int) -> None:
    """The reader alone on the real game, told only the beam's colour and the bar's place: it learns the goal from level 1's win
    (clicked by the game's own plan), then plays levels 2-6 (gems from level 4, orange mirrors flipping
    together from level 5) in as few clicks as the game's solver needs."""
    game = Hm01(seed=seed)
    result = act(game, 0)
    reader = Beams(colour=YELLOW)
    bar = np.zeros((64, 64), dtype=bool)
    bar[:, 62:] = True  # the timer bar down the right edge, as the HUD detector masks it
    for level in range(6):
        clicks = 0
        if level == 0:
            for _, x, y in game.solutions[0]:
                before = frame_of(result)
                result = act(game, 6, x, y)
                reader.observe(before, x, y, frame_of(result), np.asarray(result.frame[0]), bar,
                               0, result.levels_completed > 0)
            assert reader.wanted, "the win's lit target names the goal"
            continue
        while result.levels_completed == level and clicks < 3 * len(game.solutions[level]):
            before = frame_of(result)
            move = reader.act(before, (6,), bar, level)
            assert move is not None, (level, clicks)
            result = act(game, 6, move.x, move.y)
            clicks += 1
            reader.observe(before, move.x, move.y, frame_of(result), np.asarray(result.frame[0]), bar, level,
                           result.levels_completed > level)
        assert result.levels_completed == level + 1, level
        assert clicks == len(game.solutions[level]), (level, clicks, len(game.solutions[level]))
    assert ORANGE in reader.linked  # level 5's rule, learnt from a click


async def test_aria_clears_beam_and_without_the_reader_three_levels() -> None:
    # measured on agent seed 0: 6 levels in 33 actions (13, 3, 3, 5, 5, 4; baselines 2, 5, 5, 8, 5, 6: level 1 is
    # the explorer's, whose win names the goal), 100%; before the reader 3 levels in 5,000 actions (0.365%),
    # as aria-slow
    agent = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "hm01", agent, 300)
    per_level = actions_per_level(run.steps)
    assert run.levels == 6, (run.levels, per_level)
    assert all(n <= 2 * base for n, base in zip(per_level[1:], Hm01.baselines(0)[1:], strict=True)), per_level
    assert sum(d.mode == "beam" for _, a, _ in run.steps if (d := a.decision) is not None) >= 15
    without = await play_game(heldout_dir(), "hm01", AriaAgent(seed=0, novel_readers=(
        "match", "legend", "walk", "push", "turn", "key", "twin", "shunt", "count", "tiles", "tilt", "slide",
        "seek", "navigate")), 300)
    assert without.levels <= 3, without.levels


@pytest.mark.parametrize("game", ["hl01", "ho01", "hr01", "ht01"])
async def test_click_games_without_mirrors_get_no_beam_move(game: str) -> None:
    agent = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), game, agent, 400)
    assert run.levels >= 3
    assert not any(d.mode == "beam" for _, a, _ in run.steps if (d := a.decision) is not None)


def test_no_mirror_in_any_level_of_the_other_click_games() -> None:
    from arc_client.games.heldout import HELDOUT

    for cls in HELDOUT:
        if cls.NAME == "hm01" or 6 not in cls.AVAILABLE:
            continue
        game = cls(seed=0)
        result = act(game, 0)
        for level, plan in enumerate(game.solutions):
            assert not find_mirrors(frame_of(result)), (cls.NAME, level)
            result = play_plan(game, plan)
