"""run_eval in-process: the decision stream, agents off the event loop, --game-seed, errors.log and
the RESET the harness sends in the agent's place. Real games (the fixture games and the suite)."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from evalkit import FIXTURES

from agent.base import Action, Agent
from agent.decision import Decision, Proposal
from agent.evaluation.config import EvalConfig
from agent.evaluation.events import DecisionMade, GameEnded, GameStarted, RunClosed, RunOpened
from agent.evaluation.run import run_eval
from arc_client import FrameResponse, GameAction, GameState
from arc_client.games import seed_baselines
from arc_client.recording import find_recordings, read_recording

GAMES = str(FIXTURES / "environment_files")


def config(tmp_path: Path, **changes: object) -> EvalConfig:
    values: dict[str, object] = dict(games=["fxmz"], games_dir=GAMES, max_actions=60, run_dir=tmp_path / "run")
    values.update(changes)
    return EvalConfig(**values)  # type: ignore[arg-type]


class NumpyAgent(Agent):
    """A policy's raw numpy outputs everywhere: float32 confidence, int64 clicks, a float16 heatmap."""

    name = "numpy"

    def act(self, latest: FrameResponse) -> Action:
        if latest.state in (GameState.GAME_OVER, GameState.NOT_PLAYED):
            return Action(GameAction.RESET)
        x, y = np.int64(12), np.int64(12)
        decision = Decision("fast", "policy", confidence=np.float32(0.8125), threshold=np.float64(0.5),
                            novelty=np.float32(0.25), fast=Proposal("ACTION6", x, y, np.float32(0.8125)),
                            top_actions=((("ACTION6@12,12"), np.float32(0.75)),),
                            click_heatmap=np.full((64, 64), 1 / 4096, dtype=np.float16),
                            extra={"logits": np.arange(3, dtype=np.float32), "step": np.int32(4)})
        return Action(GameAction.ACTION6, x=x, y=y, decision=decision)


class SleepyAgent(Agent):
    """Thinks for 0.2 s per action (a long search, a big forward pass)."""

    name = "sleepy"

    def act(self, latest: FrameResponse) -> Action:
        time.sleep(0.2)
        return Action(GameAction.ACTION1 if latest.state is not GameState.GAME_OVER else GameAction.RESET)


class StubbornAgent(Agent):
    """Never resets and writes down everything it is told it did."""

    name = "stubborn"

    def __init__(self, seed: int = 0, **options: object) -> None:
        super().__init__(seed, **options)
        self.observed: list[Action] = []

    def act(self, latest: FrameResponse) -> Action:
        return Action(GameAction.ACTION1, decision=Decision("slow", "explore"))

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.observed.append(action)


async def test_every_step_has_a_decision_in_order_and_it_round_trips(tmp_path: Path) -> None:
    events: list[object] = []
    outcome = await run_eval(config(tmp_path, games=["fxmz", "fxck"], agent="aria", max_actions=40),
                             events.append)
    assert isinstance(events[0], RunOpened) and isinstance(events[-1], RunClosed)
    for row in outcome.run.rows:
        mine = [e for e in events if getattr(e, "game_id", None) == row.game_id or
                getattr(getattr(e, "row", None), "game_id", None) == row.game_id]
        assert isinstance(mine[0], GameStarted) and isinstance(mine[-1], GameEnded)
        steps = [e for e in mine if isinstance(e, DecisionMade)]
        assert [e.step for e in steps] == list(range(1, row.actions + 1)) and row.actions > 0
        for e in steps:
            assert e.decision is not None and e.decision.system in ("slow", "harness")
            wire = json.loads(json.dumps(e.decision.to_json()))
            assert Decision.from_json(wire) == e.decision
        # which part of the agent took the steps: the stream's own system/mode counts, in results.json too
        modes = Counter(f"{e.decision.system}/{e.decision.mode}" for e in steps if e.decision is not None)
        assert row.to_json()["decision_modes"] == dict(modes)
        assert list(row.to_json()["decision_modes"].values()) == sorted(modes.values(), reverse=True)
    totals = Counter()
    for game in outcome.results["games"]:
        totals.update(game["decision_modes"])
    assert outcome.results["totals"]["decision_modes"] == dict(totals) and len(totals) >= 2
    # the recording holds the same decisions under data["aria"]
    recorded = [s for path in find_recordings(tmp_path / "run" / "recordings") for s in read_recording(path)]
    assert sum(1 for s in recorded if s.aria and "decision" in s.aria) == sum(r.actions for r in outcome.run.rows)
    assert outcome.results["totals"]["fast_share"] == 0.0


async def test_numpy_figures_in_a_decision_are_recorded_not_fatal(tmp_path: Path) -> None:
    outcome = await run_eval(config(tmp_path, games=["fxck"], agent="test_run_eval:NumpyAgent", max_actions=5))
    row = outcome.run.rows[0]
    assert row.error is None and row.actions == 5 and row.fast_share == 1.0
    steps = [s for path in find_recordings(tmp_path / "run" / "recordings") for s in read_recording(path)]
    decision = steps[-1].aria["decision"]
    assert decision["confidence"] == 0.8125 and decision["fast"] == {"action": "ACTION6", "x": 12, "y": 12,
                                                                    "score": 0.8125}
    assert decision["extra"] == {"logits": [0.0, 1.0, 2.0], "step": 4}


async def test_the_event_loop_stays_responsive_while_the_agent_thinks(tmp_path: Path) -> None:
    gaps: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    outcome = await run_eval(config(tmp_path, agent="test_run_eval:SleepyAgent", max_actions=6))
    stop.set()
    await tick
    assert outcome.run.rows[0].actions == 6
    # six 0.2 s thoughts: 1.2 s of agent time, during which the loop kept ticking every ~10 ms
    assert len(gaps) > 40 and max(gaps) < 0.15


async def test_the_agent_observes_the_reset_the_harness_sent(tmp_path: Path) -> None:
    agents: list[StubbornAgent] = []

    class Recorded(StubbornAgent):
        def __init__(self, seed: int = 0, **options: object) -> None:
            super().__init__(seed, **options)
            agents.append(self)

    import test_run_eval

    test_run_eval.Recorded = Recorded  # type: ignore[attr-defined]
    outcome = await run_eval(config(tmp_path, agent="test_run_eval:Recorded", max_actions=40))
    harness = [a for a in agents[0].observed if a.decision is not None and a.decision.system == "harness"]
    assert harness and all(a.action is GameAction.RESET for a in harness)  # the maze's budget ran out
    assert outcome.run.rows[0].tally.counts["harness"] == len(harness)
    assert len(agents[0].observed) == outcome.run.rows[0].actions  # the last answer is observed too


async def test_game_seed_builds_other_levels_scored_against_their_oracle(tmp_path: Path) -> None:
    seen: dict[int, np.ndarray] = {}
    for seed in (0, 12345):
        frames: list[FrameResponse] = []
        outcome = await run_eval(config(tmp_path / str(seed), games=["mz01"], games_dir=None, agent="random",
                                        max_actions=3, game_seed=seed if seed else None),
                                 lambda e, into=frames: into.append(e.frame) if isinstance(e, GameStarted) else None)
        seen[seed] = frames[0].frame
        infos = outcome.results["scorecard"]["environments"][0]["runs"][0]
        expected = seed_baselines("mz01", seed)
        assert expected is not None
        if seed:
            assert outcome.results["baselines"] == {outcome.run.rows[0].game_id: expected}
        assert infos["level_baseline_actions"][0] == expected[0]
    assert not np.array_equal(seen[0], seen[12345])
    assert seed_baselines("mz01", 0) != seed_baselines("mz01", 12345)


async def test_agent_failures_go_to_errors_log_with_the_traceback(tmp_path: Path) -> None:
    outcome = await run_eval(config(tmp_path, agent="faulty_agents:RaisingAgent"))
    assert outcome.run.rows[0].state == "ERROR"
    log = (tmp_path / "run" / "errors.log").read_text()
    assert "=== fxmz" in log and "Traceback" in log and "deliberate failure inside the agent" in log


@pytest.fixture(autouse=True)
def _fixture_agents_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES))
    monkeypatch.syspath_prepend(str(Path(__file__).parent))


def test_step_time_percentiles_are_steps_that_occurred() -> None:
    from agent.evaluation.harness import percentile

    assert percentile([], 50) is None
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0 and percentile([4.0, 1.0, 3.0, 2.0], 95) == 4.0
    steps = [1.0] * 95 + [50.0] * 5  # a slow step in twenty: the median and p95 are the common step
    assert percentile(steps, 50) == 1.0 and percentile(steps, 95) == 1.0 and percentile(steps, 96) == 50.0


async def test_what_lives_once_the_first_agent_started_is_kept_from_the_collectors_full_passes(tmp_path: Path) -> None:
    # (gc.freeze: the full passes over every object torch and the models made cost ~80 ms each, inside steps)
    await run_eval(config(tmp_path, games=["fxmz"], agent="aria", max_actions=5))
    assert gc.get_freeze_count() > 100_000


async def test_held_out_games_played_side_by_side_play_as_one_by_one(tmp_path: Path) -> None:
    # each game's agent thinks in its own thread: what the agent's modules remember across calls (recent
    # segmentations, pattern classes) is kept per thread or read once, so concurrency changes no action
    def played(concurrency: int) -> dict[str, object]:
        cfg = EvalConfig(games=["hr01", "ho01", "hs01", "hc01"], tags=["heldout"], agent="aria", max_actions=300,
                         concurrency=concurrency, record=False, run_dir=tmp_path / f"run{concurrency}")
        results = asyncio.run(run_eval(cfg)).results
        return {env["id"]: [run["level_actions"] for run in env["runs"]]
                for env in results["scorecard"]["environments"]}

    alone, together = await asyncio.to_thread(played, 1), await asyncio.to_thread(played, 4)
    assert len(alone) == 4 and all(len(runs[0]) == 6 for runs in alone.values()), alone  # every level, each game
    assert together == alone
