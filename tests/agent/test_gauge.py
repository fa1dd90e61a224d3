"""The HUD bar read as actions left (agent.gauge), on held-out Fuel's tank: the bar along the bottom
shrinks by one unit of the tank per action and grows back when a can is reached. The gauge learns the
rate from the shrinking steps only, so a refill does not spoil it, and its reading follows the game's own
fuel, short by two actions at most, never over by more than a fraction of one. With it the navigator leaves the exit for the nearest can when the tank would
run dry on the way (Fuel's exit lies beyond a full tank from level 2)."""

from __future__ import annotations

import asyncio

import numpy as np
from agent_testkit import actions_per_level, play_game

from agent.agents.aria_agent import AriaAgent
from agent.gauge import Gauge
from agent.training.levels import frame_of
from arc_client.games.heldout import heldout_dir
from arc_client.games.heldout.fuel import Hf01
from arc_client.games.play import act


def test_the_gauge_reads_the_tank_through_a_refill() -> None:
    game = Hf01(seed=0)
    frame = frame_of(act(game, 0))
    bar = np.zeros(frame.shape, dtype=bool)
    bar[62:64, :] = True  # Fuel draws its tank along the bottom two rows
    gauge = Gauge()
    gauge.observe(frame, bar)
    assert gauge.actions_left(frame, bar) is None  # nothing seen shrinking yet
    readings, fuel, refilled = [], [], False
    for _ in range(8):  # up the yard: a can on the way on this seed (the tank fills again)
        before = game.state.fuel
        frame = frame_of(act(game, 1))
        refilled = refilled or game.state.fuel > before
        gauge.observe(frame, bar)
        readings.append(gauge.actions_left(frame, bar))
        fuel.append(game.state.fuel)
    assert refilled
    known = [(r, f) for r, f in zip(readings, fuel, strict=True) if r is not None]
    assert len(known) >= 6
    assert all(f - 2 <= r < f + 1 for r, f in known), list(zip(readings, fuel, strict=True))
    gauge.new_level()
    assert gauge.actions_left(frame, bar) is None  # a level's tank may be drawn at another scale


def test_fuel_s_last_level_goes_to_a_can_before_the_exit() -> None:
    """With the exit's colour known (green, stepped onto at every level-up; the wall the rover's box
    overlaps there no longer counted) the navigator made for the exit first, and the tank ran dry on the
    way from level 2; reading the bar, it goes to the nearest can when the walk to the exit is longer than
    the tank lasts. Measured on agent seed 0: level 6 in 16 actions (baseline 24; 50 before, when the
    navigator walked to every can first)."""
    goals: list[dict[int, int]] = []

    class Watching(AriaAgent):
        def act(self, latest):  # type: ignore[no-untyped-def]
            if latest.levels_completed == 5 and not goals and self.explorer.learner is not None:
                goals.append(dict(self.explorer.learner.rules.goals))
            return super().act(latest)

    run = asyncio.run(play_game(heldout_dir(), "hf01", Watching(seed=0), 400))
    assert run.levels == 6, actions_per_level(run.steps)
    assert goals and set(goals[0]) == {14}, goals  # green only (the grey wall was counted too)
    assert actions_per_level(run.steps)[5] <= 24, actions_per_level(run.steps)
    reasons = [a.decision.reason for before, a, _ in run.steps
               if before.levels_completed == 5 and a.decision is not None and a.decision.mode == "navigate"]
    assert any("colour-11" in r for r in reasons) and "colour-14" in reasons[-1], reasons  # a can, then the exit
