"""The explorer carries the way a won level's colours went to the next levels (`GraphExplorer.progress`):
of the useful frontiers near the nearest, it goes to the one whose frame went furthest that way. Real
held-out games: Lock and Key (a key carried to its lock) and Courier (parcels carried to their slots)."""

from __future__ import annotations

import pytest
from agent_testkit import actions_per_level, play_game

from agent.base import Action, Agent
from agent.explorer import GraphExplorer
from arc_client.games.heldout import heldout_dir
from arc_client.types import FrameResponse


class Explorer(Agent):
    """The bare explorer; at each level won after the first, how far its last frame had gone along the
    direction the level before gave (from this level's first frame)."""

    name = "progress-explorer"

    def __init__(self, seed: int = 0, progress: bool = True) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed, progress=progress)
        self.agreement: list[float] = []

    def act(self, latest: FrameResponse) -> Action:
        return self.explorer.choose(latest)

    def observe(self, action: Action, result: FrameResponse) -> None:
        explorer = self.explorer
        if result.levels_completed > explorer.level and explorer.direction is not None:
            assert explorer.current is not None
            self.agreement.append(explorer._progress(explorer.graph.nodes[explorer.current]))
        explorer.record(action, result)


@pytest.mark.parametrize(("game", "actions", "level"), [
    ("hd01", 1800, 2),  # Lock and Key: level 3 took 1,520 actions without, 616 with (measured, agent seed 0)
    ("hv01", 3200, 2),  # Courier: level 3 took 1,452 without, 621 with
])
async def test_the_way_a_level_was_won_makes_the_next_ones_cheaper(game: str, actions: int, level: int) -> None:
    plain = await play_game(heldout_dir(), game, Explorer(progress=False), actions)
    agent = Explorer()
    guided = await play_game(heldout_dir(), game, agent, actions)
    without, with_it = actions_per_level(plain.steps), actions_per_level(guided.steps)
    assert len(without) > level and len(with_it) > level, (without, with_it)
    assert with_it[0] == without[0]  # no direction before a level is won: the first level is played alike
    assert with_it[level] <= 0.6 * without[level], (without, with_it)
    # the direction each level gave agreed with the next level's own way: its last frame had gone along it
    assert agent.agreement and all(p > 0 for p in agent.agreement), agent.agreement
    assert agent.explorer.stats()["progress_direction"] is not None
