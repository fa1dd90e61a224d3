"""Portals (sealed `xf01`): the mover goes one cell (several pixels) per key and walls stop it; stepping onto a
ring lands on its partner with an in-between frame on the ring; from level 4 on a used pair is dim and acts as
floor; from level 5 on a ring leads to the ring of the next colour of the legend's cycle; the exit is never
reachable without portals; every level of seeds 0-5 is won by its plan through the engine within its budget."""

from dataclasses import replace

import numpy as np
from arcengine import GameState
from stage_testkit import frame_of, on_level

from arc_client.games.heldout.stage import BLACK, GRAY, MOVES, WHITE, inside, solve, walk_from
from arc_client.games.play import act
from arc_client.games.sealed import SEALED
from arc_client.games.sealed.portals import LEGEND_TOP, LEVELS, MAZE_TOP, Maze, Walk, Xf01

SEEDS = range(6)


def _mover(maze: Maze, frame: np.ndarray) -> tuple[int, int]:
    """The top left pixel of the mover: its white pixels (the legend's white frame above is left out)."""
    below = frame.copy()
    below[: MAZE_TOP if maze.cycle else 2] = -1
    ys, xs = np.nonzero(below == WHITE)
    return int(xs.min()), int(ys.min())


def _rings(maze: Maze) -> set[tuple[int, int]]:
    return {cell for cells in maze.rings for cell in cells}


def _open(maze: Maze, cell: tuple[int, int]) -> bool:
    return inside(maze.width, maze.height, cell) and cell not in maze.walls


def _approach(maze: Maze, ring: tuple[int, int]) -> tuple[tuple[int, int], int]:
    """A plain free cell beside `ring` and the key that steps from it onto the ring."""
    for action, (dx, dy) in MOVES.items():
        beside = (ring[0] - dx, ring[1] - dy)
        if _open(maze, beside) and beside not in _rings(maze) and beside != maze.exit:
            return beside, action
    raise AssertionError(f"no way onto {ring}")


def test_the_game_is_discovered_with_growing_levels() -> None:
    assert Xf01 in SEALED and Xf01.NAME == "xf01" and "sealed" in Xf01.TAGS and Xf01.AVAILABLE == [1, 2, 3, 4]
    assert [(spec.once, spec.cycle) for spec in LEVELS] == [(False, False)] * 3 + [(True, False)] + [(True, True)] * 3
    game = Xf01(seed=0)
    assert len(game.puzzles) >= 6
    sizes = [maze.width * maze.height for maze in game.puzzles]
    assert sizes == sorted(sizes) and (game.puzzles[0].width, game.puzzles[0].height) == (6, 6)
    assert (game.puzzles[-1].width, game.puzzles[-1].height) == (10, 9)
    assert len(game.puzzles[0].rings) == 1 and len(game.puzzles[-1].rings) == 4
    for maze, plan, spec in zip(game.puzzles, game.solutions, LEVELS, strict=True):
        assert spec.shortest[0] <= len(plan) <= spec.shortest[1] and 6 <= len(plan) <= 40
        assert all(len(cells) == (1 if maze.cycle else 2) for cells in maze.rings)
        assert len(set(maze.colours)) == len(maze.colours)


def test_a_key_moves_the_mover_one_cell_and_walls_stop_it() -> None:
    checked_step = checked_wall = False
    for seed in SEEDS:
        game = Xf01(seed=seed)
        maze = game.puzzles[0]
        result = act(game, 0)
        x, y = _mover(maze, frame_of(result))
        assert (x, y) == game.corner(maze, maze.start)
        for action, (dx, dy) in MOVES.items():
            target = (maze.start[0] + dx, maze.start[1] + dy)
            if _open(maze, target) and target not in _rings(maze) and not checked_step:
                result = act(game, action)
                assert game.state.at == target
                assert _mover(maze, frame_of(result)) == (x + dx * maze.cell, y + dy * maze.cell)
                assert maze.cell >= 5
                result = act(game, {1: 2, 2: 1, 3: 4, 4: 3}[action])  # and back
                assert game.state.at == maze.start and _mover(maze, frame_of(result)) == (x, y)
                checked_step = True
            if not _open(maze, target) and not checked_wall:
                result = act(game, action)  # a wall or the rim: nothing moves
                assert game.state == Walk(maze.start, frozenset()) and _mover(maze, frame_of(result)) == (x, y)
                checked_wall = True
    assert checked_step and checked_wall
    # every wall of every level stops the mover, in the rules
    game = Xf01(seed=0)
    for maze in game.puzzles:
        for wall in maze.walls:
            for action, (dx, dy) in MOVES.items():
                beside = (wall[0] - dx, wall[1] - dy)
                if _open(maze, beside):
                    state = Walk(beside, frozenset())
                    assert game.transition(maze, state, action, None) == state


def test_stepping_onto_a_ring_lands_on_its_partner_with_an_in_between_frame() -> None:
    game, _ = on_level(Xf01, 0, 0)
    maze = game.puzzles[0]
    (a, b), = maze.rings
    jumped = False
    for action, x, y in game.solutions[0]:
        dx, dy = MOVES[action]
        stepped = (game.state.at[0] + dx, game.state.at[1] + dy)
        result = act(game, action, x, y)
        if stepped in (a, b):
            partner = b if stepped == a else a
            assert len(result.frame) == 2  # first the mover on the ring it stepped onto, then on the partner
            assert _mover(maze, frame_of(result, 0)) == game.corner(maze, stepped)
            assert _mover(maze, frame_of(result)) == game.corner(maze, partner)
            assert game.state.at == partner
            jumped = True
            break
        assert len(result.frame) == 1
    assert jumped
    # levels 1-3: a pair works again and again, both ways
    for maze in game.puzzles[:3]:
        for a, b in maze.rings:
            beside, action = _approach(maze, a)
            assert game.transition(maze, Walk(beside, frozenset()), action, None) == Walk(b, frozenset())
            beside, action = _approach(maze, b)
            assert game.transition(maze, Walk(beside, frozenset()), action, None) == Walk(a, frozenset())


def test_from_level_four_a_used_pair_is_dim_and_acts_as_floor() -> None:
    game = Xf01(seed=0)
    for maze in game.puzzles[3:]:
        assert maze.once
    maze = game.puzzles[3]
    for index, (a, b) in enumerate(maze.rings):
        beside, action = _approach(maze, a)
        there = game.transition(maze, Walk(beside, frozenset()), action, None)
        assert there == Walk(b, frozenset({index}))
        back, action = _approach(maze, a)
        # the spent ring is floor now: the mover walks onto it and stays
        assert game.transition(maze, Walk(back, there.used), action, None) == Walk(a, there.used)
    # the once-only rule matters: with reusable pairs the level would be shorter
    assert len(solve(game, replace(maze, once=False)) or []) < len(game.solutions[3])
    # through the engine: after the first jump both rings of the pair are drawn grey with a dot of their colour
    game, _ = on_level(Xf01, 0, 3)
    for action, x, y in game.solutions[3]:
        result = act(game, action, x, y)
        if game.state.used:
            break
    (index,) = game.state.used
    frame = frame_of(result)
    for cell in maze.rings[index]:
        if cell != game.state.at:  # (the mover covers the ring it landed on)
            px, py = game.corner(maze, cell)
            assert frame[py, px + 1] == GRAY and frame[py + 2, px] == GRAY
            assert frame[py + 2, px + 2] == maze.colours[index]
    for other, cells in enumerate(maze.rings):
        if other != index:
            for cell in cells:
                px, py = game.corner(maze, cell)
                assert frame[py, px + 1] == maze.colours[other]


def test_from_level_five_a_ring_leads_to_the_next_colour_of_the_legend() -> None:
    for seed in SEEDS:
        game = Xf01(seed=seed)
        for level, maze in enumerate(game.puzzles):
            assert maze.cycle == (level >= 4)
            if not maze.cycle:
                continue
            count = len(maze.rings)
            for index, (ring,) in enumerate(maze.rings):
                beside, action = _approach(maze, ring)
                after = game.transition(maze, Walk(beside, frozenset()), action, None)
                assert after == Walk(maze.rings[(index + 1) % count][0], frozenset({index}))
                # a ring whose next colour is spent does nothing
                spent = frozenset({(index + 1) % count})
                assert game.transition(maze, Walk(beside, spent), action, None) == Walk(ring, spent)
    # the legend in the top right corner shows the cycle: the colours in order, the first again at the end
    game, frame = on_level(Xf01, 0, 4)
    maze = game.puzzles[4]
    x, y, width, height = game.legend_box(maze)
    assert y == LEGEND_TOP and x + width == 63
    row = frame[y + 3, x : x + width]
    shown = [int(v) for i, v in enumerate(row) if i > 0 and v not in (WHITE, BLACK) and v != row[i - 1]]
    assert shown == [*maze.colours, maze.colours[0]]
    # through the engine: the plan's first jump lands on the next colour's ring
    for action, px, py in game.solutions[4]:
        dx, dy = MOVES[action]
        stepped = (game.state.at[0] + dx, game.state.at[1] + dy)
        result = act(game, action, px, py)
        if game.state.used:
            (index,) = game.state.used
            assert stepped == maze.rings[index][0]
            assert game.state.at == maze.rings[(index + 1) % len(maze.rings)][0]
            assert len(result.frame) == 2 and _mover(maze, frame_of(result, 0)) == game.corner(maze, stepped)
            break
    assert game.state.used


def test_the_exit_is_never_reachable_without_portals() -> None:
    for seed in SEEDS:
        game = Xf01(seed=seed)
        for maze in game.puzzles:
            walked = walk_from(maze.width, maze.height, maze.walls | _rings(maze), maze.start)
            assert maze.exit not in walked
            assert maze.start not in _rings(maze) and maze.exit not in _rings(maze)
            assert solve(game, replace(maze, rings=(), colours=())) is None
            for action in MOVES:  # nor by holding one key down
                state = game.initial_state(maze)
                for _ in range(maze.width * maze.height):
                    state = game.transition(maze, state, action, None)
                    assert state.at != maze.exit


def test_a_spent_budget_is_game_over_and_reset_restores_the_level() -> None:
    for seed in SEEDS:
        game = Xf01(seed=seed)
        maze = game.puzzles[0]
        start = Walk(maze.start, frozenset())
        blocked = [a for a in MOVES if game.transition(maze, start, a, None) == start]
        if blocked:
            break
    else:
        raise AssertionError("no level 1 with a blocked key at the start")
    first = frame_of(act(game, 0))
    result = act(game, next(a for a in MOVES if a not in blocked))  # the mover leaves the start
    assert game.state != start
    for _ in range(game.budgets[0] - 1):
        assert result.state is GameState.NOT_FINISHED
        # any key that does not win, one that moves nothing first
        keys = sorted(MOVES, key=lambda a: game.transition(maze, game.state, a, None) != game.state)
        result = act(game, next(a for a in keys if not game.is_solved(maze, game.transition(maze, game.state, a, None))))
    assert result.state is GameState.GAME_OVER
    result = act(game, 0)
    assert result.state is GameState.NOT_FINISHED and game.level_index == 0
    assert game.state == start and game.budget_left == game.budgets[0]
    assert (frame_of(result) == first).all()
