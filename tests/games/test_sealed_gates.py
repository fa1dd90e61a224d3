"""Gates (sealed `xg01`): the mover goes one cell (several pixels) per key and walls stop it; a pot paints the
mover (and the frame shows it); in levels 1-3 a gate passes only a mover of its colour, from level 4 on only a
mover of another colour (the legend shows a check or a cross); from level 5 on a pot swaps the gates of its
colour and its rim's colour; the exit is never reachable without a pot nor by one held key; every level of seeds
0-5 is won by its plan through the engine within its budget; a spent budget is GAME_OVER and RESET restores."""

import time
from dataclasses import replace

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout import stage
from arc_client.games.heldout.stage import GRAY, GREEN, MOVES, RED, WHITE, inside, solve
from arc_client.games.play import act
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.gates import LEVELS, PALETTE, YARD_TOP, Walk, Xg01, Yard, move, start_walk

SEEDS = range(6)
BACK = {1: 2, 2: 1, 3: 4, 4: 3}


def _mover(frame: np.ndarray) -> tuple[int, int]:
    """The top left pixel of the mover: its white pixels below the legend."""
    below = frame.copy()
    below[:YARD_TOP] = -1
    ys, xs = np.nonzero(below == WHITE)
    return int(xs.min()), int(ys.min())


def _body(frame: np.ndarray) -> int:
    """The colour of the mover's body (the middle of its sprite)."""
    x, y = _mover(frame)
    return int(frame[y + 2, x + 2])


def _plain(yard: Yard, cell: tuple[int, int]) -> bool:
    """A free cell with nothing on it."""
    return (inside(yard.width, yard.height, cell) and cell not in yard.walls and cell not in yard.gates
            and cell not in yard.pots and cell != yard.exit)


def _beside(yard: Yard, cell: tuple[int, int]) -> list[tuple[tuple[int, int], int]]:
    """Plain cells beside `cell` and the key that steps from each onto it."""
    found = []
    for action, (dx, dy) in MOVES.items():
        there = (cell[0] - dx, cell[1] - dy)
        if _plain(yard, there):
            found.append((there, action))
    return found


def test_the_game_is_discovered_with_growing_levels() -> None:
    assert Xg01 in SEALED and Xg01.NAME == "xg01" and Xg01.TITLE == "Gates"
    assert "sealed" in Xg01.TAGS and "keyboard" in Xg01.TAGS and Xg01.AVAILABLE == [1, 2, 3, 4]
    assert [(spec.inverted, spec.swapping) for spec in LEVELS] == [(False, False)] * 3 + [(True, False)] + [
        (True, True)] * 3
    for seed in SEEDS:
        began = time.perf_counter()
        stage._BUILT.pop(("Xg01", seed), None)  # built afresh, not from the per-process cache
        game = Xg01(seed=seed)
        assert time.perf_counter() - began < 2.0
        assert len(game.puzzles) >= 6
        sizes = [yard.width * yard.height for yard in game.puzzles]
        assert sizes == sorted(sizes) and (game.puzzles[0].width, game.puzzles[0].height) == (6, 6)
        assert (game.puzzles[-1].width, game.puzzles[-1].height) == (10, 9)
        for yard, plan, spec in zip(game.puzzles, game.solutions, LEVELS, strict=True):
            assert spec.shortest[0] <= len(plan) <= spec.shortest[1] and 6 <= len(plan) <= 40
            assert len(set(yard.gate_colours)) == spec.colours and set(yard.gate_colours) <= set(PALETTE)
            assert len(set(yard.gates) | set(yard.pots) | {yard.start, yard.exit}) == len(yard.gates) + len(
                yard.pots) + 2
            assert not (set(yard.gates) | set(yard.pots)) & yard.walls and yard.cell >= 5
    assert Xg01.baselines(0) == [-(-3 * len(plan) // 2) for plan in Xg01(seed=0).solutions]


def test_a_key_moves_the_mover_one_cell_and_walls_stop_it() -> None:
    checked_step = checked_wall = False
    for seed in SEEDS:
        game = Xg01(seed=seed)
        yard = game.puzzles[0]
        result = act(game, 0)
        x, y = _mover(frame_of(result))
        assert (x, y) == game.corner(yard, yard.start)
        for action, (dx, dy) in MOVES.items():
            target = (yard.start[0] + dx, yard.start[1] + dy)
            if _plain(yard, target) and not checked_step:
                result = act(game, action)
                assert game.state.at == target
                assert _mover(frame_of(result)) == (x + dx * yard.cell, y + dy * yard.cell)
                result = act(game, BACK[action])  # and back
                assert game.state.at == yard.start and _mover(frame_of(result)) == (x, y)
                checked_step = True
            if (not inside(yard.width, yard.height, target) or target in yard.walls) and not checked_wall:
                result = act(game, action)  # a wall or the rim: nothing moves
                assert game.state == start_walk(yard) and _mover(frame_of(result)) == (x, y)
                checked_wall = True
    assert checked_step and checked_wall
    # every wall of every level stops the mover, in the rules
    game = Xg01(seed=0)
    for yard in game.puzzles:
        for wall in yard.walls:
            for beside, action in _beside(yard, wall):
                state = Walk(beside, yard.start_colour, yard.gate_colours)
                assert game.transition(yard, state, action, None) == state


def test_a_pot_paints_the_mover_and_the_frame_shows_it() -> None:
    game, frame = on_level(Xg01, 0, 0)
    yard = game.puzzles[0]
    assert _body(frame) == yard.start_colour
    painted = False
    for action, x, y in game.solutions[0]:
        dx, dy = MOVES[action]
        stepped = (game.state.at[0] + dx, game.state.at[1] + dy)
        result = act(game, action, x, y)
        if stepped in yard.pots:
            colour = yard.pot_colours[yard.pots.index(stepped)]
            assert game.state == Walk(stepped, colour, yard.gate_colours)
            assert _body(frame_of(result)) == colour != yard.start_colour
            px, py = game.corner(yard, stepped)
            painted = True
            break
    assert painted
    for action in MOVES:  # the pot stays: stepping off shows it again, the mover keeps the colour
        after = game.transition(yard, game.state, action, None)
        if after.at != game.state.at and after.at not in yard.pots and after.at not in yard.gates:
            result = act(game, action)
            frame = frame_of(result)
            assert game.state.colour == colour and _body(frame) == colour
            assert frame[py + 2, px + 2] == colour and frame[py + 1, px] == GRAY  # the pot, grey-rimmed
            break
    # every pot of every level paints, in the rules
    for seed in SEEDS:
        game = Xg01(seed=seed)
        for yard in game.puzzles:
            for index, pot in enumerate(yard.pots):
                for beside, action in _beside(yard, pot):
                    after = move(yard, Walk(beside, yard.start_colour, yard.gate_colours), action)
                    assert after.at == pot and after.colour == yard.pot_colours[index]


def test_a_gate_passes_its_colour_in_levels_1_to_3_and_only_other_colours_from_level_4() -> None:
    checked = 0
    for seed in SEEDS:
        game = Xg01(seed=seed)
        for level, yard in enumerate(game.puzzles):
            assert yard.inverted == (level >= 3)
            for gate, colour in zip(yard.gates, yard.gate_colours, strict=True):
                for beside, action in _beside(yard, gate):
                    other = next(c for c in PALETTE if c != colour)
                    same = move(yard, Walk(beside, colour, yard.gate_colours), action)
                    differ = move(yard, Walk(beside, other, yard.gate_colours), action)
                    if level < 3:
                        assert same.at == gate and differ == Walk(beside, other, yard.gate_colours)
                    else:
                        assert differ.at == gate and same == Walk(beside, colour, yard.gate_colours)
                    checked += 1
    assert checked > 50
    # the legend in the top left corner shows the rule: a check mark for levels 1-3, a cross from level 4
    for level in (0, 3):
        game, frame = on_level(Xg01, 0, level)
        x, y, width, height = game.legend_box(game.puzzles[level])
        mark = frame[y + 1 : y + 6, x + 14 : x + 19]
        assert ((mark == GREEN).any() and not (mark == RED).any()) == (level < 3)
        assert ((mark == RED).any() and not (mark == GREEN).any()) == (level >= 3)
        colour = game.puzzles[level].gate_colours[0]
        assert frame[y + 3, x + 4] == colour and frame[y + 1, x + 8] == colour  # the mover's body and the gate
    # through the engine on level 1: the gate stops the unpainted mover and lets the painted one in
    game, _ = on_level(Xg01, 0, 0)
    yard = game.puzzles[0]
    (gate,) = yard.gates
    painted = False
    for action, x, y in game.solutions[0]:
        dx, dy = MOVES[action]
        stepped = (game.state.at[0] + dx, game.state.at[1] + dy)
        if stepped == gate:
            assert painted and game.state.colour == yard.gate_colours[0]
            before = game.state
            result = act(game, action)
            assert game.state.at == gate and _mover(frame_of(result)) == game.corner(yard, gate)
            unpainted = before._replace(colour=yard.start_colour)
            assert move(yard, unpainted, action) == unpainted
            break
        act(game, action, x, y)
        painted = painted or game.state.colour != yard.start_colour
    assert game.state.at == gate


def test_from_level_five_a_pot_swaps_the_gates_of_its_colour_and_its_rims() -> None:
    for seed in SEEDS:
        game = Xg01(seed=seed)
        for level, yard in enumerate(game.puzzles):
            assert yard.swapping == (level >= 4)
            assert all(rim is None for rim in yard.rims) == (level < 4)
            for index, pot in enumerate(yard.pots):
                own, rim = yard.pot_colours[index], yard.rims[index]
                for beside, action in _beside(yard, pot)[:1]:
                    after = move(yard, Walk(beside, yard.start_colour, yard.gate_colours), action)
                    if rim is None:
                        assert after.gates == yard.gate_colours
                        continue
                    swap = {own: rim, rim: own}
                    assert after.gates == tuple(swap.get(g, g) for g in yard.gate_colours)
                    # stepping off and back on swaps them back
                    back = move(yard, move(yard, after, BACK[action]), action)
                    assert back.gates == yard.gate_colours
            if yard.swapping:  # the swaps matter: without them the plan does not win
                state = start_walk(replace(yard, swapping=False))
                for action, _, _ in game.solutions[level]:
                    state = move(replace(yard, swapping=False), state, action)
                    assert state.at != yard.exit
    # through the engine: the plan's first swap recolours the gates in the frame
    game, frame = on_level(Xg01, 0, 4)
    yard = game.puzzles[4]
    for action, x, y in game.solutions[4]:
        result = act(game, action, x, y)
        if game.state.gates != yard.gate_colours:
            break
    assert game.state.gates != yard.gate_colours
    frame = frame_of(result)
    for gate, colour in zip(yard.gates, game.state.gates, strict=True):
        px, py = game.corner(yard, gate)
        assert frame[py, px] == colour


def test_the_exit_needs_a_colour_change_and_no_held_key_reaches_it() -> None:
    for seed in SEEDS:
        game = Xg01(seed=seed)
        for yard, plan in zip(game.puzzles, game.solutions, strict=True):
            assert solve(game, replace(yard, pots=(), pot_colours=(), rims=())) is None
            state = start_walk(yard)
            colours = {(state.colour, state.gates)}  # the mover's colour, or the gates' from level 5 on
            for action, _, _ in plan:
                state = move(yard, state, action)
                colours.add((state.colour, state.gates))
            assert state.at == yard.exit and len(colours) >= 2
            for action in MOVES:
                state = start_walk(yard)
                for _ in range(yard.width * yard.height):
                    state = move(yard, state, action)
                    assert state.at != yard.exit


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    game = Xg01(seed=0)
    yard = game.puzzles[0]
    first = frame_of(act(game, 0))
    start = start_walk(yard)
    result = act(game, game.solutions[0][0][0])  # the mover leaves the start
    assert game.state != start
    for _ in range(game.budgets[0] - 1):
        assert result.state is GameState.NOT_FINISHED
        keys = sorted(MOVES, key=lambda a: game.transition(yard, game.state, a, None) != game.state)
        result = act(game, next(a for a in keys if not game.is_solved(yard, game.transition(yard, game.state, a, None))))
    assert result.state is GameState.GAME_OVER
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 0
    assert game.state == start and game.budget_left == game.budgets[0]
    assert (frame_of(result) == first).all()
