"""The toggler (agent.toggler) on Light Switches built from validation seeds: it learns from the level
another system completed with ACTION5 which colour is pressed, then walks the mover to each object of
that colour and presses it; the full agent clears the game in far fewer actions, or more levels, than
without it."""

from __future__ import annotations

from functools import partial

import pytest
from agent_testkit import play_suite_game

from agent.agents.aria_agent import AriaAgent


@pytest.mark.parametrize("seed", [20_000, 20_002])
async def test_the_toggler_presses_every_switch_of_the_colour_a_press_completed_a_level_on(seed: int) -> None:
    row, steps, agent = await play_suite_game("sw01", seed, 1000, AriaAgent)
    without, _, _ = await play_suite_game("sw01", seed, 1000, partial(AriaAgent, toggle=False))
    # measured: 5/5 in 83 and 105 actions with it; without it 5/5 in 124 and 4/5 in 1,000
    assert row.levels_completed == 5, row.levels_completed
    assert without.levels_completed < 5 or without.actions >= 1.4 * row.actions, (without.levels_completed,
                                                                                  without.actions, row.actions)
    assert isinstance(agent, AriaAgent) and len(agent.toggler.press) == 1  # learned on level 1, which the other systems cleared
    assert not any(mode == "toggle" for at, mode in steps if at == 0)
    later = [mode for at, mode in steps if at >= 1]
    assert later.count("toggle") * 2 >= len(later), later  # it leads levels 2-5
