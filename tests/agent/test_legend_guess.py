"""A legend read on a game's first level (agent.rules.legend_guess): before any level-up has shown what
the goal is, a lone framed swatch in the frame's margin is taken for a legend naming the goal colour.
It is found in the held-out games that show one (Ice Floe, Legend Run, and Shifting Rules' first
level), not in those that do not, nor in a floor of framed specks; a level-up onto another colour
drops it; and Ice Floe's first level is cleared in a fraction of the actions it took without it."""

from __future__ import annotations

import asyncio

import numpy as np
from agent_testkit import play_game

from agent.agents.aria_agent import AriaAgent
from agent.rules import GameRules, legend_guess
from agent.training.levels import frame_of, start_level
from arc_client.games.heldout import HELDOUT, heldout_dir

GAMES = {cls.NAME: cls for cls in HELDOUT}


def test_the_legend_is_read_where_a_lone_framed_swatch_names_the_goal_and_nowhere_else() -> None:
    for seed in (0, 1):
        for name in ("hi01", "hk01"):
            for level in range(6):
                _, raw = start_level(GAMES[name], seed, level)
                frame = frame_of(raw)
                guess = legend_guess(frame)
                assert guess is not None, (name, seed, level)
                colour, (top, left, bottom, right) = guess
                assert min(top, left, 64 - bottom, 64 - right) < 12  # in the margin
                # the swatch's colour is elsewhere in the scene: the place to go
                elsewhere = frame == colour
                elsewhere[top - 3:bottom + 3, left - 3:right + 3] = False
                assert elsewhere.any(), (name, seed, level)
        # games whose legends are rows of swatches, pictures or digits, or that show none
        for name in ("hc01", "hd01", "hl01", "hr01", "hs01"):
            _, raw = start_level(GAMES[name], seed, 0)
            assert legend_guess(frame_of(raw)) is None, (name, seed)


def test_a_floor_of_framed_specks_is_no_legend_and_one_odd_swatch_among_them_is() -> None:
    rng = np.random.default_rng(3)
    frame = np.full((64, 64), 4, dtype=np.uint8)
    for _ in range(30):  # specks of colour 3 framed by the floor: a texture, not a legend
        y, x = rng.integers(2, 60, size=2)
        frame[y:y + 2, x:x + 2] = 3
    frame[40:44, 40:44] = 6  # the goal pad
    assert legend_guess(frame) is None
    frame[2:9, 50:57] = 0  # a framed swatch of the pad's colour in the top right corner
    frame[3:8, 51:56] = 6
    assert legend_guess(frame) == (6, (3, 51, 8, 56))
    frame[40:44, 40:44] = 4  # no pad of that colour in the scene: nothing it could name
    assert legend_guess(frame) is None


def test_a_level_up_onto_another_colour_drops_the_guess_and_onto_its_colour_keeps_it() -> None:
    def scene(mover_x: int) -> np.ndarray:
        frame = np.full((64, 64), 4, dtype=np.uint8)
        frame[2:9, 50:57] = 0
        frame[3:8, 51:56] = 6  # the guessed legend: colour 6
        frame[30:32, 40:42] = 6  # a pad of colour 6
        frame[30:32, 20:22] = 8  # a pad of colour 8
        frame[30:32, mover_x:mover_x + 2] = 9
        return frame

    for pad, keeps in ((20, False), (40, True)):
        rules = GameRules()
        for x in (2, 4, 6):  # the mover (colour 9) learned: ACTION4 moves it 2 cells right
            rules.observe_key(scene(x), scene(x + 2), 4, None)
        rules.guess_legend(scene(8))
        assert rules.legends == [(3, 51, 8, 56)]
        cells = rules.goal_cells(scene(8), None)
        assert cells is not None and {int(v) for v in scene(8)[cells[:, 0], cells[:, 1]]} == {6}
        rules.observe_level_up(scene(pad - 2), 4, -1, -1, None)  # the winning step onto the pad at `pad`
        assert (rules.legends == [(3, 51, 8, 56)]) is keeps, (pad, rules.legends)


def test_ice_floes_first_level_is_slid_to_the_legends_colour() -> None:
    # before: 123 actions for level 1 (the explorer's untried moves and plans), 12.7x its baseline
    result = asyncio.run(play_game(heldout_dir(), "hi01", AriaAgent(seed=0), 40))
    assert result.levels >= 1 and result.first_level_at is not None and result.first_level_at <= 30, result.levels
    level_one = [action.decision.mode for before, action, _ in result.steps
                 if before.levels_completed == 0 and action.decision is not None]
    assert "slide" in level_one
