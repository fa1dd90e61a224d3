"""Phase 5's goal walker (agent/models/goal_walker.py): data from the full agent's own rollouts, training,
and the threshold sweep on validation levels.

- data: the full agent (`aria` with the run's models) plays levels 1..`walker_levels` of the suite's games
  on training seeds; every step the navigator takes on a familiar level gives (frame, available actions, the
  destination object's cells, the navigator's move). A game whose first seed gives no such step (no mover
  to walk) is not played further.
- training: the walker starts from the fast policy's weights (its destination convolutions at zero) and
  is fine-tuned on those moves (cross-entropy), its confidence head on whether its argmax is the
  navigator's move (binary cross-entropy). Every rank takes the same steps on the same batches (no DDP
  wrapper: the walker's click layers are unused), so ranks stay equal.
- threshold: the full agent plays validation levels with the walker off and at each threshold; the
  phase-4 rule (`arbiter_sweep.choose`) picks the most fast usage that keeps success and level score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from agent.agents.aria_agent import AriaAgent
from agent.base import Action
from agent.models.encoding import action_mask
from agent.models.goal_walker import GoalWalker, destination
from arc_client.types import FrameResponse


class _Recorder(AriaAgent):
    """`aria`, keeping every navigator step it takes on a familiar level."""

    rows: dict[str, list[Any]]

    def act(self, latest: FrameResponse) -> Action:
        action = super().act(latest)
        decision = action.decision
        nav = self.navigator
        if decision is not None and decision.mode == "navigate" and nav.last is not None and self.unfamiliar is None:
            self.rows["frame"].append(latest.frame.astype(np.uint8))
            self.rows["available"].append(action_mask(latest.available_actions))
            self.rows["goal"].append(np.packbits(destination(latest.frame, nav.last.target)))
            self.rows["action"].append(int(action.action) - 1)
        return action


def _collect_game(job: tuple[dict[str, Any], Any, list[int], int]) -> dict[str, np.ndarray]:
    """One game's rows over `seeds` (levels 0..levels-1), stopping after the first seed when it gave none."""
    from agent.training.evaluate import evaluate_agents

    models, game, seeds, levels = job
    torch.set_num_threads(1)
    rows: dict[str, list[Any]] = {"frame": [], "available": [], "goal": [], "action": []}

    def make(seed: int) -> AriaAgent:
        agent = _Recorder(seed, models=models, walker_threshold=math.inf)  # the navigator walks every route
        agent.rows = rows
        return agent

    for i, seed in enumerate(seeds):
        evaluate_agents({"aria": make}, [game], [seed], range(min(levels, game.LEVELS)))
        if i == 0 and not rows["action"]:
            break  # no navigator steps in this game: nothing to learn from it
    return {"frame": np.array(rows["frame"], dtype=np.uint8).reshape(-1, 64, 64),
            "available": np.array(rows["available"], dtype=bool).reshape(-1, 7),
            "goal": np.array(rows["goal"], dtype=np.uint8).reshape(-1, 512),
            "action": np.array(rows["action"], dtype=np.int64)}


def collect(models: dict[str, Any], games: Sequence[Any], seeds: Sequence[int], levels: int,
            workers: int = 1) -> tuple[dict[str, torch.Tensor], dict[str, int]]:
    """The navigator's steps in the full agent's play (see the module docstring), games in order, and
    their count per game."""
    jobs = [(models, game, list(seeds), levels) for game in games]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_collect_game, jobs))
    else:
        parts = [_collect_game(job) for job in jobs]
    goal = np.unpackbits(np.concatenate([p["goal"] for p in parts]), axis=1)[:, :4096].reshape(-1, 64, 64)
    return {"frame": torch.from_numpy(np.concatenate([p["frame"] for p in parts])),
            "goal": torch.from_numpy(goal.astype(bool)),
            "available": torch.from_numpy(np.concatenate([p["available"] for p in parts])),
            "action": torch.from_numpy(np.concatenate([p["action"] for p in parts]))}, \
        {g.NAME: len(p["action"]) for g, p in zip(games, parts, strict=True)}


def walker_loss(walker: GoalWalker, data: dict[str, torch.Tensor], rows: np.ndarray, device: torch.device,
                confidence_weight: float = 0.5) -> tuple[torch.Tensor, dict[str, float]]:
    index = torch.from_numpy(rows)
    frames = data["frame"][index].long().to(device)
    logits, confidence = walker(frames, data["goal"][index].to(device), data["available"][index].to(device))
    labels = data["action"][index].to(device)
    right = (logits.argmax(-1) == labels).float()
    move_loss = F.cross_entropy(logits.float(), labels)
    confidence_loss = F.binary_cross_entropy_with_logits(confidence.float(), right)
    return move_loss + confidence_weight * confidence_loss, {
        "walker_accuracy": float(right.mean()), "walker_confidence_loss": float(confidence_loss.detach())}


def agreement(walker: GoalWalker, data: dict[str, torch.Tensor], device: torch.device) -> dict[str, Any]:
    """How often the walker's argmax is the navigator's move, and how often it is sure (>= 0.5, 0.9) and right."""
    if not len(data["action"]):
        return {"rows": 0, "agreement": None}
    walker.eval()
    hits, sure = [], []
    with torch.no_grad():
        for i in range(0, len(data["action"]), 512):
            part = slice(i, i + 512)
            logits, confidence = walker(data["frame"][part].long().to(device), data["goal"][part].to(device),
                                        data["available"][part].to(device))
            hits.append((logits.argmax(-1).cpu() == data["action"][part]).float())
            sure.append(torch.sigmoid(confidence.float()).cpu())
    walker.train()
    hit, conf = torch.cat(hits), torch.cat(sure)
    out: dict[str, Any] = {"rows": len(hit), "agreement": float(hit.mean())}
    for t in (0.5, 0.9):
        chosen = conf >= t
        out[f"sure_{t}_share"] = float(chosen.float().mean())
        out[f"sure_{t}_agreement"] = float(hit[chosen].mean()) if chosen.any() else None
    return out


def play_walker_point(models: dict[str, Any], threshold: float, games: Sequence[Any], seeds: Sequence[int],
                      levels: Sequence[int], stop: Callable[[], None] | None) -> dict[str, Any]:
    """The full agent with the walker's threshold at `threshold` (inf: off) on every game × seed × level."""
    from agent.training.arbiter_sweep import bound_json, point_figures
    from agent.training.evaluate import evaluate_agents

    result = evaluate_agents({"aria": lambda seed: AriaAgent(seed, models=models, walker_threshold=threshold)},
                             games, seeds, levels, stop=stop)
    overall = result["aria"]["overall"]
    return {"threshold": bound_json(threshold), **point_figures(overall),
            "lowest_game": min(((g, r["success"] or 0.0) for g, r in result["aria"]["games"].items()),
                               key=lambda kv: kv[1], default=(None, None)),
            "fast_ms_p50": overall.get("fast_ms_p50")}
