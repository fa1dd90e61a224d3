"""The agents to compare: aria-slow (the explorer alone) and aria (arbiter over the fast policy and the
slow search, with the shipped default checkpoint), playing real games in-process."""

from __future__ import annotations

from agent_testkit import FIXTURE_GAMES, play_game

from agent.agents.aria_agent import AriaAgent
from agent.agents.slow_agent import AriaSlowAgent
from agent.decision import DecisionTally
from agent.models.loading import DEFAULT_CHECKPOINT, load_models
from arc_client.games import suite_dir


async def test_aria_slow_wins_with_the_explorer_alone() -> None:
    agent = AriaSlowAgent(seed=0)
    result = await play_game(FIXTURE_GAMES, "fxck", agent, 40)
    assert result.won  # the explorer clicks the red cells first: 5 clicks win both levels
    tally = DecisionTally()
    tally.extend(action.decision for _, action, _ in result.steps)
    assert tally.counts.get("slow") == len(result.steps) and tally.fast_share == 0.0
    assert agent.stats()["states_seen"] >= 3


async def test_aria_with_the_default_checkpoint_decides_every_step_with_its_reasons() -> None:
    assert (DEFAULT_CHECKPOINT / "model.safetensors").is_file()
    agent = AriaAgent(seed=0)
    threshold = float(load_models()["arbiter"].threshold)
    assert threshold <= 1.0  # phase 4 calibrated it (1.01, its initial value, would mean "never fast")
    walker = float(load_models()["goal_walker"].threshold)
    assert walker <= 1.0  # phase 5 calibrated the goal walker's (inf: never trusted)
    result = await play_game(suite_dir(), "mz01", agent, 120)
    assert len(result.steps) == 120  # (how often it clears levels is measured in benchmarks/aria_heldout.py)
    tally = DecisionTally()
    for _, action, _ in result.steps:
        decision = action.decision
        assert decision is not None and decision.system in ("fast", "slow")
        tally.add(decision)
        if decision.mode == "reset":
            continue
        # the arbiter's threshold, or on the goal walker's steps the walker's
        assert decision.threshold == (walker if decision.mode == "goal" else threshold)
        assert decision.confidence is not None
        assert decision.fast is not None and decision.novelty is not None and decision.think_ms is not None
        assert decision.reason
        if decision.system == "slow":
            assert decision.slow is not None  # both proposals on a slow step
    assert tally.counts["fast"] > 0 and tally.counts["slow"] > 0, tally.counts
    # by mode: the fast policy's steps, and the slow system's split between its parts (the maze's
    # navigator among them), adding up to the systems' counts
    assert tally.modes["fast/policy"] + tally.modes.get("fast/goal", 0) == tally.counts["fast"]
    assert tally.modes.get("slow/navigate", 0) > 0 and tally.modes.get("fast/goal", 0) > 0  # the maze's routes
    assert sum(n for m, n in tally.modes.items() if m.startswith("slow/")) == tally.counts["slow"]
    shares = tally.shares(2)
    assert shares.count("%") == 2 and shares.split()[0] == next(iter(tally.modes_json()))
