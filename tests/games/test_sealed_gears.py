"""Gears (sealed `xh01`): a click turns the gear a quarter clockwise and its whole chain with it, gears an odd number
of axles away counter-clockwise, and leaves other chains alone (in the state and in the frame, with a diagonal
in-between frame); the level is won exactly when every pointer matches the legend's arrow (up on levels 1-3, one
arrow per gear colour from level 4); rusted gears (from level 5) ignore clicks but turn with their chain; every level
of seeds 0-5 is won by its plan through the engine within its budget; a spent budget is GAME_OVER and RESET restores
the level."""

import math
import random

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout.stage import BLACK, MAROON, ORANGE, WHITE, solve
from arc_client.games.play import act, play_plan
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.gears import LEGEND_X, LEGEND_Y, LEVELS, SIZE, GearsPuzzle, Xh01, shortest

SEEDS = range(6)


def _hops(puzzle: GearsPuzzle, index: int) -> dict[int, int]:
    """Gears reachable from `index` over the axles, with their distance (worked out here, not by the game)."""
    seen, queue = {index: 0}, [index]
    while queue:
        here = queue.pop(0)
        for a, b in puzzle.axles:
            for x, y in ((a, b), (b, a)):
                if x == here and y not in seen:
                    seen[y] = seen[here] + 1
                    queue.append(y)
    return seen


def _pointer(game: Xh01, puzzle: GearsPuzzle, frame: np.ndarray, index: int) -> float:
    """Where gear `index`'s white pointer points, read from the frame: 0-3 clockwise from up, x.5 diagonally."""
    x, y = game.gear_corner(puzzle, index)
    box = frame[y : y + SIZE, x : x + SIZE] == WHITE
    c = SIZE // 2
    tips = {0.0: (0, c), 1.0: (c, SIZE - 1), 2.0: (SIZE - 1, c), 3.0: (c, 0),
            0.5: (1, SIZE - 2), 1.5: (SIZE - 2, SIZE - 2), 2.5: (SIZE - 2, 1), 3.5: (1, 1)}
    found = [turn for turn, (r, col) in tips.items() if box[r, col]]
    assert len(found) == 1 and box.sum() in (3, 4), (index, box.astype(int))
    return found[0]


def _pointers(game: Xh01, frame: np.ndarray) -> list[float]:
    puzzle = game.puzzles[game.level_index]
    return [_pointer(game, puzzle, frame, g) for g in range(len(puzzle.sockets))]


def _arrows(puzzle: GearsPuzzle, frame: np.ndarray) -> dict[int, int]:
    """The legend read from the frame: swatch colour -> arrow direction (the arrow's tip)."""
    out = {}
    for k in range(len(puzzle.colours)):
        y = LEGEND_Y + 2 + 6 * k
        swatch = frame[y + 1 : y + 4, LEGEND_X + 2 : LEGEND_X + 5]
        assert (swatch == swatch[0, 0]).all()
        arrow = frame[y : y + 5, LEGEND_X + 6 : LEGEND_X + 11] == WHITE
        heads = {0: ((1, 1), (1, 3)), 1: ((1, 3), (3, 3)), 2: ((3, 1), (3, 3)), 3: ((1, 1), (3, 1))}
        tips = {turn: all(arrow[p] for p in head) for turn, head in heads.items()}
        found = [turn for turn, tip in tips.items() if tip and arrow.sum() == 9]
        assert len(found) == 1
        out[int(swatch[0, 0])] = found[0]
    return out


def test_the_levels_are_as_designed() -> None:
    assert Xh01 in SEALED and Xh01.NAME == "xh01" and Xh01.AVAILABLE == [6] and Xh01.TAGS == ["sealed", "click"]
    for seed in SEEDS:
        game = Xh01(seed=seed)
        assert len(game.puzzles) == len(LEVELS) >= 6
        for level, (puzzle, (sizes, colours, rust, _)) in enumerate(zip(game.puzzles, LEVELS, strict=True)):
            count = len(puzzle.sockets)
            assert sorted(puzzle.chains.count(k) for k in set(puzzle.chains)) == sorted(sizes)
            assert len(puzzle.axles) == count - len(sizes)  # every chain is a tree
            for a, b in puzzle.axles:  # meshed gears sit in neighbouring sockets, in one chain
                (ca, ra), (cb, rb) = puzzle.sockets[a], puzzle.sockets[b]
                assert abs(ca - cb) + abs(ra - rb) == 1 and puzzle.chains[a] == puzzle.chains[b]
            for a in range(count):  # gears of different chains are never side by side
                for b in range(count):
                    (ca, ra), (cb, rb) = puzzle.sockets[a], puzzle.sockets[b]
                    if abs(ca - cb) + abs(ra - rb) == 1:
                        assert puzzle.chains[a] == puzzle.chains[b]
            assert len(set(puzzle.paint)) == len(puzzle.colours) == colours == (1 if level < 3 else colours)
            assert sum(puzzle.rusted) == rust and (rust == 0) == (level < 4)
            assert puzzle.arrows == (0,) if level < 3 else len(set(puzzle.arrows)) == colours >= 2
            assert not game.is_solved(puzzle, puzzle.start)
            assert not {BLACK, WHITE, MAROON, ORANGE} & set(puzzle.colours)
    assert Xh01(seed=1).puzzles != Xh01(seed=0).puzzles  # seeded


def test_a_click_turns_the_whole_chain_alternately_and_leaves_other_chains_alone() -> None:
    for seed in SEEDS:
        game = Xh01(seed=seed)
        for puzzle in game.puzzles:
            state = puzzle.start
            for index in range(len(puzzle.sockets)):
                after = game.transition(puzzle, state, 6, game.gear_centre(puzzle, index))
                if puzzle.rusted[index]:
                    assert after == state
                    continue
                hops = _hops(puzzle, index)
                for g in range(len(state)):
                    turn = 0 if g not in hops else 1 if hops[g] % 2 == 0 else -1
                    assert after[g] == (state[g] + turn) % 4, (seed, puzzle.number, index, g)
    # through the engine: the pointers drawn move the same way, with a diagonal frame in between
    for seed in SEEDS:
        for level in (1, 4, 6):
            game = on_level(Xh01, seed, level)[0]
            puzzle = game.puzzles[level]
            first = _pointers(game, frame_of(act(game, 6, 0, 63)))  # a click off the board: nothing turns
            assert first == list(puzzle.start)
            rng = random.Random(seed)
            for index in rng.sample([g for g in range(len(first)) if not puzzle.rusted[g]], 3):
                result = act(game, 6, *game.gear_centre(puzzle, index))
                if game.level_index != level:
                    break
                hops = _hops(puzzle, index)
                halfway, shown = _pointers(game, np.asarray(result.frame[0])), _pointers(game, frame_of(result))
                assert len(result.frame) == 2
                for g in range(len(first)):
                    turn = 0 if g not in hops else 1 if hops[g] % 2 == 0 else -1
                    assert shown[g] == (first[g] + turn) % 4 == game.state[g]
                    assert halfway[g] == (first[g] + turn / 2) % 4
                assert any(g not in hops for g in range(len(first)))  # another chain stood still
                first = shown


def test_the_legend_decides_the_win_per_colour_from_level_4() -> None:
    for seed in SEEDS:
        game = Xh01(seed=seed)
        frame = frame_of(act(game, 0))
        for level, plan in enumerate(game.solutions):
            puzzle = game.puzzles[level]
            legend = _arrows(puzzle, frame)
            assert legend == {c: a for c, a in zip(puzzle.colours, puzzle.arrows, strict=True)}
            if level < 3:
                assert list(legend.values()) == [0]
            else:
                assert len(set(legend.values())) == len(legend) >= 2
            goal = tuple(legend[puzzle.colours[p]] for p in puzzle.paint)
            assert game.is_solved(puzzle, goal)
            for g in range(len(goal)):  # one gear off its colour's arrow: not won
                for wrong in range(1, 4):
                    assert not game.is_solved(puzzle, goal[:g] + ((goal[g] + wrong) % 4,) + goal[g + 1 :])
            if level >= 3:  # all pointing at one colour's arrow is not the goal any more
                assert not any(game.is_solved(puzzle, (a,) * len(goal)) for a in range(4))
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1
            if level + 1 < len(game.solutions):
                assert game.state == game.puzzles[level + 1].start
            frame = frame_of(result)
        assert result.state is GameState.WIN


def test_rusted_gears_ignore_clicks_but_turn_with_their_chain_from_level_5() -> None:
    seen = 0
    for seed in SEEDS:
        for level in (4, 5, 6):
            game = on_level(Xh01, seed, level)[0]
            puzzle = game.puzzles[level]
            frame = frame_of(act(game, 6, 0, 63))
            for rusty in (g for g in range(len(puzzle.sockets)) if puzzle.rusted[g]):
                if game.level_index != level:
                    break
                x, y = game.gear_corner(puzzle, rusty)
                assert {MAROON, ORANGE} <= set(np.unique(frame[y : y + SIZE, x : x + SIZE]).tolist())
                before = game.state
                result = act(game, 6, *game.gear_centre(puzzle, rusty))
                assert game.state == before and len(result.frame) == 1
                assert (frame_of(result)[2:] == frame[2:]).all()  # only the timer moved
                frame = frame_of(result)
                mate = next((g for g, d in _hops(puzzle, rusty).items() if d and not puzzle.rusted[g]), None)
                if mate is not None and game.level_index == level:
                    distance = _hops(puzzle, mate)[rusty]
                    result = act(game, 6, *game.gear_centre(puzzle, mate))
                    turn = 1 if distance % 2 == 0 else -1
                    assert game.state[rusty] == (before[rusty] + turn) % 4
                    if game.level_index == level:
                        assert _pointer(game, puzzle, frame_of(result), rusty) == game.state[rusty]
                        frame = frame_of(result)
                        seen += 1
            for g in range(len(puzzle.sockets)):
                if not puzzle.rusted[g]:
                    x, y = game.gear_corner(puzzle, g)
                    assert not {MAROON, ORANGE} & set(np.unique(frame[y : y + SIZE, x : x + SIZE]).tolist())
    assert seen >= 10
    for level in range(4):  # no rust before level 5
        assert not any(Xh01(seed=0).puzzles[level].rusted)


def test_every_level_is_won_by_its_plan_within_its_budget() -> None:
    lengths = []
    for seed in SEEDS:
        game = Xh01(seed=seed)
        act(game, 0)
        for level, (puzzle, plan) in enumerate(zip(game.puzzles, game.solutions, strict=True)):
            low, high = LEVELS[level][-1]
            assert low <= len(plan) <= high and len(plan) == shortest(puzzle) and 2 <= len(plan) <= 16
            assert len(plan) < game.budgets[level]
            searched = solve(game, puzzle)
            assert searched is not None and len(searched) == len(plan)
            state = puzzle.start
            for _, x, y in plan[:-1]:  # no strict prefix wins
                state = game.transition(puzzle, state, 6, (x, y))
                assert not game.is_solved(puzzle, state)
            result = play_plan(game, plan)
            assert result.levels_completed == level + 1, (seed, level)
            lengths.append(len(plan))
        assert result.state is GameState.WIN
        assert Xh01.baselines(seed) == [math.ceil(1.5 * len(plan)) for plan in game.solutions]
    assert len(set(lengths)) >= 5


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game = on_level(Xh01, 0, 2)[0]
    puzzle = game.puzzles[2]
    unsolved = next(puzzle.chains[g] for g in range(len(puzzle.start)) if puzzle.start[g] != puzzle.goal(g))
    point = game.gear_centre(puzzle, next(g for g in range(len(puzzle.start)) if puzzle.chains[g] != unsolved))
    states, bars = [], []
    for _ in range(game.budgets[2]):  # turning another chain never sets the unsolved one right
        result = act(game, 6, *point)
        states.append(result.state)
        bars.append(int(np.count_nonzero(frame_of(result)[0:2] != BLACK)))
        assert game.level_index == 2
    assert states[-1] is GameState.GAME_OVER and GameState.GAME_OVER not in states[:-1]
    assert bars == sorted(bars, reverse=True) and bars[0] > bars[-1] == 0
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 2 and game.state == puzzle.start
    assert game.budget_left == game.budgets[2]
    assert play_plan(game, game.solutions[2]).levels_completed == 3
