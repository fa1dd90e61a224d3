"""Courier (held-out `hv01`): parcels carried one at a time to the slots of their colours, picked up by
walking onto them until level 4 and by ACTION5 from level 5 on; levels as long as a real game's."""

from __future__ import annotations

import numpy as np

from arc_client.games.heldout.courier import LEVELS, PICK, Hv01, Trip, Yard
from arc_client.games.heldout.stage import MOVES
from arc_client.games.play import act


def _walk(game: Hv01, yard: Yard, state: Trip, to: tuple[int, int]) -> Trip:
    """Step by step along a shortest walk over free cells (no parcel or slot on the way but at the end)."""
    stops = {cell for cell, _ in (*yard.parcels, *yard.slots)} - {to}
    parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {state.at: None}
    queue = [state.at]
    for here in queue:
        for action, (dx, dy) in MOVES.items():
            nxt = (here[0] + dx, here[1] + dy)
            if (0 <= nxt[0] < yard.width and 0 <= nxt[1] < yard.height and nxt not in yard.walls
                    and nxt not in stops and nxt not in parent):
                parent[nxt] = (here, action)
                queue.append(nxt)
    actions = []
    at = to
    while (step := parent[at]) is not None:
        actions.append(step[1])
        at = step[0]
    for action in reversed(actions):
        state = game.transition(yard, state, action, None)
    assert state.at == to
    return state


def test_a_parcel_is_carried_to_the_slot_of_its_colour_one_at_a_time() -> None:
    game = Hv01(seed=0)
    yard = game.puzzles[1]  # two parcels, walked onto
    assert not yard.press and len(yard.parcels) == 2
    state = game.initial_state(yard)
    (first, colour), (second, other) = yard.parcels
    state = _walk(game, yard, state, first)
    assert state.held == colour and (first, colour) not in state.lying
    state = _walk(game, yard, state, second)  # full hands: the second parcel stays where it lies
    assert state.held == colour and (second, other) in state.lying
    wrong = next(cell for cell, c in yard.slots if c != colour)
    state = _walk(game, yard, state, wrong)  # another colour's slot: nothing
    assert state.held == colour and not state.filled
    right = next(cell for cell, c in yard.slots if c == colour)
    state = _walk(game, yard, state, right)
    assert state.held == -1 and state.filled == {colour} and not game.is_solved(yard, state)
    state = _walk(game, yard, _walk(game, yard, state, second), wrong)
    assert game.is_solved(yard, state)


def test_from_level_five_a_parcel_is_picked_up_by_action5_only() -> None:
    game = Hv01(seed=0)
    assert [press for *_, press in LEVELS] == [False] * 4 + [True] * 2
    early, late = game.puzzles[0], game.puzzles[4]
    assert game.transition(early, game.initial_state(early), PICK, None) == game.initial_state(early)  # nothing
    state = _walk(game, late, game.initial_state(late), late.parcels[0][0])
    assert state.held == -1  # walked onto: still lying there
    picked = game.transition(late, state, PICK, None)
    assert picked.held == late.parcels[0][1] and not any(cell == state.at for cell, _ in picked.lying)
    assert game.transition(late, picked, PICK, None) == picked  # full hands


def test_levels_are_as_long_as_a_real_games_and_drawn_as_a_scene() -> None:
    baselines = Hv01.baselines(seed=0)
    assert len(baselines) == 6 and sum(baselines) >= 200  # the other held-out games: 35-195 in all
    frame = np.asarray(act(Hv01(seed=0), 0).frame[-1], dtype=np.uint8)
    assert len(np.unique(frame)) >= 6  # floor, specks, the yard's fence, player, parcel, slot, HUD
