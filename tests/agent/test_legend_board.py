"""A board read beside its legend (agent.matcher.find_legend_lattice) on Lantern Grid, a held-out game:
lanterns of several colours on a striped floor, the target drawn as one pixel pair per lantern in a
corner. The reading finds every level's board and reads each lantern as the legend colour it holds
(also on a floor redrawn as a checker of hundreds of like specks);
it finds no legend in the other held-out click games; a lights-out board is solved exactly (linear
algebra mod 2, not a search); and the full agent, with the matcher asked on novel levels, clears the
whole game in a few hundred actions where without it the online systems clear two levels; from level 2
on the matcher clicks from the level's first step, also on the levels whose clicks toggle diagonals."""

from __future__ import annotations

import asyncio

import numpy as np
from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from agent.matcher import _solve_mod, find_legend_lattice
from agent.training.levels import frame_of, start_level
from arc_client.games.heldout import HELDOUT, heldout_dir

GAMES = {cls.NAME: cls for cls in HELDOUT}


def test_every_lantern_grid_level_reads_as_its_board_and_legend() -> None:
    cls = GAMES["hl01"]
    for seed in (0, 1):
        game = cls(seed=seed)
        for level, puzzle in enumerate(game.puzzles):
            _, raw = start_level(cls, seed, level)
            frame = frame_of(raw)
            pairing = find_legend_lattice(frame)
            assert pairing is not None, (seed, level)
            assert len(pairing.sources) == puzzle.side ** 2
            board = [pairing.read(frame, box) for box in pairing.sources]
            target = [pairing.read(frame, box) for box in pairing.destinations]
            # a lantern reads as the legend colour it holds: lit ones as the lit colour, dark as dark
            lit_colour = {t for t, lit in zip(target, puzzle.target, strict=True) if lit}
            assert len(lit_colour) == 1
            assert [b in lit_colour for b in board] == list(puzzle.start), (seed, level)
            differ = sum(a != b for a, b in zip(puzzle.start, puzzle.target, strict=True))
            assert sum(b != t for b, t in zip(board, target, strict=True)) == differ


def test_a_board_on_a_checker_floor_of_hundreds_of_specks_is_read_all_the_same() -> None:
    # Lantern Grid's floor redrawn as a checker of 2x2 squares (~1,500 pixels, hundreds of like specks):
    # their lattices, the largest in the frame, no longer crowd out the board's (none was read before)
    cls = GAMES["hl01"]
    for level, puzzle in enumerate(cls(seed=0).puzzles):
        _, raw = start_level(cls, 0, level)
        frame = frame_of(raw).copy()
        floor = int(np.bincount(frame.ravel(), minlength=16).argmax())
        unused = next(c for c in range(16) if not (frame == c).any())
        rows, cols = np.indices(frame.shape)
        frame[(frame == floor) & ((rows // 2 + cols // 2) % 2 == 1)] = unused
        pairing = find_legend_lattice(frame)
        assert pairing is not None, level
        assert len(pairing.sources) == puzzle.side ** 2


def test_no_legend_is_read_in_the_other_held_out_click_games() -> None:
    for name in ("hc01", "ho01", "hr01"):
        cls = GAMES[name]
        for level in range(len(cls(seed=0).puzzles)):
            _, raw = start_level(cls, 0, level)
            assert find_legend_lattice(frame_of(raw)) is None, (name, level)


def test_a_lights_out_board_is_solved_exactly_with_the_fewest_clicks() -> None:
    side = 5
    effect = np.zeros((side * side, side * side), dtype=np.int64)
    for i in range(side * side):
        r, c = divmod(i, side)
        for dr, dc in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)):
            if 0 <= r + dr < side and 0 <= c + dc < side:
                effect[(r + dr) * side + c + dc, i] = 1
    rng = np.random.default_rng(7)
    for _ in range(30):
        scramble = rng.choice(side * side, size=5, replace=False)
        need = effect[:, scramble].sum(axis=1) % 2
        clicks = _solve_mod(effect, need, 2)
        assert 0 < len(clicks) <= 5
        assert np.array_equal(effect[:, clicks].sum(axis=1) % 2, need)
    # a pattern no set of clicks makes (the 5x5 board's rank is 23): no answer, not a wrong one
    lone = np.zeros(side * side, dtype=np.int64)
    lone[0] = 1
    assert _solve_mod(effect, lone, 2) == []


def test_the_agent_clears_lantern_grid_with_the_legend_and_not_without() -> None:
    with_legend = asyncio.run(play_game(heldout_dir(), "hl01", AriaAgent(seed=0), 600))
    without = asyncio.run(play_game(heldout_dir(), "hl01", AriaAgent(seed=0, novel_readers=("walk", "push")), 600))
    assert with_legend.levels == 6, with_legend.levels
    assert without.levels <= 2, without.levels


def test_lantern_grids_later_levels_are_matched_from_their_first_step_diagonal_toggles_too() -> None:
    """Levels 2-6 are read from their first frame (through the HUD mask of the level before), and on
    levels 4 and 6 (a click toggles the diagonal neighbours) the matcher's first clicks, on the board's
    edge, show no diagonal toward the outside: it clicks a lantern inside the board before giving up."""
    result = asyncio.run(play_game(heldout_dir(), "hl01", AriaAgent(seed=0), 600))
    assert result.levels == 6, result.levels
    later = [a.decision.mode for before, a, _ in result.steps if before.levels_completed >= 1 and a.decision]
    assert later and set(later) == {"match"}, sorted(set(later))
    per_level = actions_per_level(result.steps)
    assert per_level[3] <= 10 and per_level[5] <= 10, per_level  # 7 and 7 (886 x baseline before)



def test_what_a_click_did_on_the_level_before_plans_the_next_until_a_click_shows_otherwise() -> None:
    """The click model (which cells a click toggles, each colour's next) is carried to the next level as
    its prior: level 2 (the same toggles) is planned from its first step and takes its winning clicks
    only (9 clicks with the model learnt afresh, baseline 5); on level 4 the first click, inside the
    board, shows the diagonal toggles instead, and the level is learnt afresh from it."""
    result = asyncio.run(play_game(heldout_dir(), "hl01", AriaAgent(seed=0), 600))
    assert result.levels == 6, result.levels
    per_level = actions_per_level(result.steps)
    assert per_level[1] <= 5 and per_level[5] <= 6, per_level  # 3 and 5 (9 and 7 learnt afresh)
    reasons = [a.decision.reason for before, a, _ in result.steps if a.decision is not None]
    levels = [before.levels_completed for before, _, _ in result.steps]
    level_two = [r for r, at in zip(reasons, levels, strict=True) if at == 1]
    assert all("a plan of" in r for r in level_two), level_two
    refuted = [at for r, at in zip(reasons, levels, strict=True) if "did not do what it did on the level before" in r]
    assert refuted == [3], refuted  # its first click was on the board's edge: the next, inside, shows the diagonals


def test_the_matcher_reads_a_board_before_the_games_first_hud_look() -> None:
    """The goal readers wait for the explorer's first HUD look (six actions) before they read a game's first
    level, since a timer bar may read as a legend's swatches; the matcher reads a board beside its legend
    whole, with no mask, and is asked from the first step: Lantern Grid's level 1 took 12 actions (six of
    the explorer's clicks, which the matcher's plan then undid), baseline 3."""
    result = asyncio.run(play_game(heldout_dir(), "hl01", AriaAgent(seed=0), 600))
    assert result.levels == 6, result.levels
    per_level = actions_per_level(result.steps)
    assert per_level[0] <= 3, per_level  # 2
    first = result.steps[0][1].decision
    assert first is not None and first.mode == "match", first
