"""Held-out evaluation: agents play levels 1–3 of the suite on evaluation seeds, in process.

Success is the level completed within its budget on the first attempt (no RESET, no GAME_OVER),
starting from the level's first frame (earlier levels played by the oracle). Rates come with 95%
Wilson intervals; the same seeds serve every agent, random and oracle included.
"""

from __future__ import annotations

import math
import random
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agent.base import Action, Agent
from agent.decision import DecisionTally
from agent.training.levels import response_of, start_level, state_of
from arc_client.games.kit import PuzzleGame
from arc_client.games.play import act, random_action
from arc_client.types import GameAction, GameInfo, GameState

EVAL_SEEDS = range(10_000, 20_000)


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a success rate."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Tally:
    attempts: int = 0
    successes: int = 0
    # per attempt played by play_level: the level's official score, (oracle actions / actions)^2 when
    # won (at most 1: the suite's baseline is the optimum), 0 when lost
    scores: list[float] = field(default_factory=list)
    decisions: DecisionTally = field(default_factory=DecisionTally)
    think_ms: dict[str, list[float]] = field(default_factory=lambda: {"fast": [], "slow": []})

    def add(self, success: bool) -> None:
        self.attempts += 1
        self.successes += int(success)

    def summary(self) -> dict[str, Any]:
        lo, hi = wilson(self.successes, self.attempts)
        out: dict[str, Any] = {"attempts": self.attempts, "successes": self.successes,
                               "success": self.successes / self.attempts if self.attempts else None,
                               "ci95": [round(lo, 4), round(hi, 4)]}
        if self.scores:
            out["score"] = float(np.mean(self.scores))
            out["score_se"] = float(np.std(self.scores) / math.sqrt(len(self.scores)))
        if self.decisions.total:
            out["fast_share"] = self.decisions.fast_share
            out["decisions"] = self.decisions.to_json()
            out["decision_modes"] = self.decisions.modes_json()
        for system, values in self.think_ms.items():
            if values:
                out[f"{system}_ms_p50"] = float(np.percentile(values, 50))
                out[f"{system}_ms_p95"] = float(np.percentile(values, 95))
        return out


def play_level(agent: Agent | None, cls: type[PuzzleGame], seed: int, level: int, tally: Tally,
               rng: random.Random | None = None) -> bool:
    """One first attempt at `level`; agent None plays uniformly at random (with `rng`). Its level score
    goes to `tally.scores`."""
    game, raw = start_level(cls, seed, level)
    won, actions = _attempt(agent, game, raw, level, tally, rng or random.Random(seed))
    tally.scores.append(min(1.0, (len(game.solutions[level]) / actions) ** 2) if won else 0.0)
    return won


def _attempt(agent: Agent | None, game: PuzzleGame, raw: Any, level: int, tally: Tally,
             rng: random.Random) -> tuple[bool, int]:
    """(won, actions sent)."""
    latest = response_of(raw, game)
    if agent is not None:
        agent.start(GameInfo(game.game_id), latest)
    for sent in range(1, game.budgets[level] + 1):
        if agent is None:
            action, x, y = random_action(game, rng)
            chosen = Action(GameAction(action), x, y)
        else:
            chosen = agent.act(latest)
            tally.decisions.add(chosen.decision)
            decision = chosen.decision
            if decision is not None and decision.think_ms is not None and decision.system in tally.think_ms:
                tally.think_ms[decision.system].append(decision.think_ms)
        if chosen.action is GameAction.RESET:
            return False, sent
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        if agent is not None:
            agent.observe(chosen, latest)
        if raw.levels_completed > level:
            return True, sent
        if state_of(raw) is GameState.GAME_OVER:
            return False, sent
    return False, game.budgets[level]


def evaluate_agents(agents: dict[str, Callable[[int], Agent] | None], games: Sequence[type[PuzzleGame]],
                    seeds: Sequence[int], levels: Sequence[int] = (0, 1, 2),
                    stop: Callable[[], None] | None = None) -> dict[str, Any]:
    """{agent: {"overall": summary, "games": {name: summary}}}; a factory None is the random baseline,
    the name "oracle" plays the oracle's plan."""
    out: dict[str, Any] = {}
    for name, factory in agents.items():
        overall = Tally()
        per_game: dict[str, Tally] = {}
        for cls in games:
            tally = per_game.setdefault(cls.NAME, Tally())
            for seed in seeds:
                for level in levels:
                    if stop is not None:
                        stop()
                    if name == "oracle":
                        success = _play_oracle(cls, seed, level)
                        tally.add(success)
                        tally.scores.append(float(success))  # the optimal plan: the baseline itself
                        continue
                    agent = factory(seed) if factory is not None else None
                    success = play_level(agent, cls, seed, level, tally, random.Random(seed * 31 + level))
                    tally.add(success)
        for tally in per_game.values():
            overall.attempts += tally.attempts
            overall.successes += tally.successes
            overall.scores.extend(tally.scores)
            overall.decisions.merge(tally.decisions)
            for system, values in tally.think_ms.items():
                overall.think_ms[system].extend(values)
        out[name] = {"overall": overall.summary(), "games": {k: v.summary() for k, v in per_game.items()}}
    return out


def _play_oracle(cls: type[PuzzleGame], seed: int, level: int) -> bool:
    game, raw = start_level(cls, seed, level)
    for action, x, y in game.solutions[level]:
        raw = act(game, action, x, y)
    return raw.levels_completed > level


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    return fn(), time.perf_counter() - start
