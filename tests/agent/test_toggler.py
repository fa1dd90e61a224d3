"""The toggler (agent.toggler) on Light Switches built from validation seeds: it learns from the level
another system completed with ACTION5 which colour is pressed, then walks the mover to each object of
that colour and presses it; the full agent clears levels it did not clear without it."""

from __future__ import annotations

import pytest

from agent.agents.aria_agent import AriaAgent
from agent.evaluation.config import EvalConfig, game_seed
from agent.evaluation.events import DecisionMade, EvalEvent
from agent.evaluation.harness import GameRow
from agent.evaluation.harness import play_game as harness_play_game
from arc_client import ArcClient
from arc_client.games import suite_dir


async def play_switches(seed: int, **options: object) -> tuple[GameRow, list[tuple[int, str | None]], AriaAgent]:
    """Light Switches built from `seed`, 1,000 actions: the row, (level, mode) per step, the agent."""
    steps: list[tuple[int, str | None]] = []
    level = [0]

    def on_event(event: EvalEvent) -> None:
        if isinstance(event, DecisionMade):
            steps.append((level[0], event.decision.mode if event.decision is not None else None))
            level[0] = event.frame.levels_completed

    async with ArcClient.local(suite_dir()) as client, client.scorecard(tags=["test"]) as card:
        info = next(i for i in await client.list_games() if i.game_id.startswith("sw01"))
        row = GameRow(game_id=info.game_id)
        agent = AriaAgent(seed=game_seed(0, info.game_id), **options)
        await harness_play_game(card, info, agent, row, EvalConfig(max_actions=1000, game_seed=seed), on_event)
    assert row.error is None, row.error
    return row, steps, agent


@pytest.mark.parametrize("seed", [20_000, 20_002])
async def test_the_toggler_presses_every_switch_of_the_colour_a_press_completed_a_level_on(seed: int) -> None:
    row, steps, agent = await play_switches(seed)
    without, _, _ = await play_switches(seed, toggle=False)
    # measured: 5/5 in 83 and 105 actions with it; without it 5/5 in 124 and 4/5 in 1,000
    assert row.levels_completed == 5, row.levels_completed
    assert without.levels_completed < 5 or without.actions >= 1.4 * row.actions, (without.levels_completed,
                                                                                  without.actions, row.actions)
    assert len(agent.toggler.press) == 1  # learned on level 1, which the other systems cleared
    assert not any(mode == "toggle" for at, mode in steps if at == 0)
    later = [mode for at, mode in steps if at >= 1]
    assert later.count("toggle") * 2 >= len(later), later  # it leads levels 2-5
