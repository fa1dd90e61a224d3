"""The goal reader whose move completed a level leads the next novel level alone (`AriaAgent._dormant`): the
other readers are neither asked nor taught while it has a move, and all of them are asked again, in the same
step, once it has none; a reader that won two levels in a row waits up to `ALONE_PATIENCE` asks with only
the readers that walk the mover (the seeker, the navigator) asked beside it. On held-out games played whole: Rotor (`hr01`, the turner wins every level),
Shifting Rules (`he01`, whose level 3 is the seeker's after the walker won level 2) and Crates (`hs01`, the
pusher's levels begin with the navigator's walk to the blocks)."""

from __future__ import annotations

from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import QUIET_AFTER, QUIET_EVERY, AriaAgent
from agent.keylock import KeyLock
from agent.slider import Slider
from arc_client.games.heldout import heldout_dir


def _modes_by_level(steps: list) -> list[list[str | None]]:
    out: list[list[str | None]] = [[]]
    for before, action, after in steps:
        out[-1].append(action.decision.mode if action.decision is not None else None)
        if after.levels_completed > before.levels_completed:
            out.append([])
    return out


async def test_the_reader_that_won_a_level_leads_the_next_alone_and_the_others_look_no_more() -> None:
    alone = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "hr01", alone, 400)
    assert run.levels == 6
    modes = _modes_by_level(run.steps)
    assert all(m == "turn" for level in modes[1:6] for m in level), modes
    # the beam reader looks round each click for a mirror until 24 clicks hit none: with the turner leading
    # levels 2-6 alone it saw level 1's clicks only
    assert alone.beams.blind <= len(modes[0]) < 24
    together = AriaAgent(seed=0, lead_alone=False)
    both = await play_game(heldout_dir(), "hr01", together, 400)
    # the same moves either way (no other reader had one), the others looking all the while
    assert actions_per_level(both.steps) == actions_per_level(run.steps)
    assert together.beams.blind == 24


async def test_once_the_leader_has_no_move_every_reader_is_asked_again() -> None:
    # Shifting Rules: the walker won level 2; level 3 is no patch of tiles, and the seeker walks the mover to
    # the goal colour as it does with every reader asked (23 of the level's moves, then levels 4-6 alone)
    agent = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "he01", agent, 600)
    assert run.levels == 6
    modes = _modes_by_level(run.steps)
    assert "walk" in modes[1][-1:], modes[1]
    assert modes[2].count("seek") >= 20, modes[2]
    assert all(m == "seek" for level in modes[3:6] for m in level), modes
    together = await play_game(heldout_dir(), "he01", AriaAgent(seed=0, lead_alone=False), 600)
    assert actions_per_level(together.steps) == actions_per_level(run.steps)


async def test_a_reader_that_won_two_levels_waits_for_the_navigator_alone() -> None:
    # Crates: the pusher wins every level, but has no move at a level's start (the navigator walks the mover
    # to the blocks first); from level 3, after two levels won, only the walkers are asked beside it, and
    # the tilter and the twins reader, which read every key move while all readers are asked, look no more
    alone = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "hs01", alone, 600)
    assert run.levels == 6
    modes = _modes_by_level(run.steps)
    assert all(m in ("push", "navigate") for level in modes[2:6] for m in level), modes
    together = AriaAgent(seed=0, lead_alone=False)
    both = await play_game(heldout_dir(), "hs01", together, 600)
    assert actions_per_level(both.steps) == actions_per_level(run.steps)
    early = len(modes[0]) + len(modes[1])  # the key moves of levels 1-2, which every reader saw
    assert alone.tilter.still <= early < together.tilter.still



async def test_readers_that_never_moved_are_asked_now_and_then_once_long_silent(monkeypatch) -> None:
    # Courier: the navigator walks every parcel home; the slider and the key reader search the frame at each
    # step and never find their puzzle. Once silent for `QUIET_AFTER` asks in a row (and no move of theirs in
    # the game) they are asked at every `QUIET_EVERY`th step only: the same levels in the same actions, with
    # far fewer of their searches
    asks = {"slide": 0, "key": 0}
    for cls, mode in ((Slider, "slide"), (KeyLock, "key")):
        def counted(self, *args, __act=cls.act, __mode=mode, **kwargs):  # type: ignore[no-untyped-def]
            asks[__mode] += 1
            return __act(self, *args, **kwargs)
        monkeypatch.setattr(cls, "act", counted)

    quiet = AriaAgent(seed=0)
    run = await play_game(heldout_dir(), "hv01", quiet, 1500)
    quiet_asks, asks["slide"], asks["key"] = dict(asks), 0, 0
    every = AriaAgent(seed=0, quiet_after=None)
    both = await play_game(heldout_dir(), "hv01", every, 1500)
    assert run.levels == both.levels == 6
    assert actions_per_level(run.steps) == actions_per_level(both.steps)
    steps = len(run.steps)
    assert steps > 200
    assert not {"slide", "key"} & (quiet._moved | every._moved)
    # without the rule they are asked at most steps; with it, at their first QUIET_AFTER asks, then at one
    # step in QUIET_EVERY
    assert min(asks.values()) > steps // 2, asks
    assert max(quiet_asks.values()) <= QUIET_AFTER + steps // QUIET_EVERY + 2, quiet_asks
