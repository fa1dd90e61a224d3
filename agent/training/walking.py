"""Phase 5's goal walker (agent/models/goal_walker.py): data from the full agent's own rollouts, training,
and the threshold sweep on validation levels.

- data: the full agent (`aria` with the run's models) plays levels 1..`walker_levels` of the suite's games
  on training seeds; every step the navigator takes on a familiar level gives (frame, available actions, the
  walker's added planes (the destination's cells, the mover's box, where it came from), the navigator's
  move, and the moves that begin a shortest walk to the destination on the navigator's map of the level
  (`agent.navigator.shortest_moves`; the navigator's move alone where it is not one of them: a map that
  changed since the route was searched). A game whose first seed gives no such step (no mover to walk) is
  not played further.
- training: the walker starts from the fast policy's weights (its added convolutions at zero) and is
  fine-tuned to put its probability on the shortest moves (the negative log of their summed probability),
  its confidence head on whether its argmax is one of them (binary cross-entropy). Every rank takes the same steps on the same batches (no DDP
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
from agent.models.goal_walker import PLANES, GoalWalker, destination, planes
from agent.navigator import shortest_moves
from arc_client.types import FrameResponse


class _Recorder(AriaAgent):
    """`aria`, keeping every navigator step it takes on a familiar level."""

    rows: dict[str, list[Any]]

    def act(self, latest: FrameResponse) -> Action:
        action = super().act(latest)
        decision = action.decision
        nav = self.navigator
        if decision is not None and decision.mode == "navigate" and nav.last is not None and self.unfamiliar is None:
            box = nav.rules.mover_box(latest.frame, self.guided.map.mask)
            if box is None:
                return action
            goal = destination(latest.frame, nav.last.target)
            move = int(action.action)
            best = shortest_moves(nav.walkable, goal, box, nav.moves) if nav.walkable is not None else set()
            shortest = np.zeros(7, dtype=bool)
            shortest[[a - 1 for a in (best if move in best else {move})]] = True
            self.rows["frame"].append(latest.frame.astype(np.uint8))
            self.rows["available"].append(action_mask(latest.available_actions))
            self.rows["planes"].append(np.packbits(planes(goal, box, self._left_from)))
            self.rows["action"].append(move - 1)
            self.rows["shortest"].append(shortest)
        return action


def _collect_game(job: tuple[dict[str, Any], Any, list[int], int]) -> dict[str, np.ndarray]:
    """One game's rows over `seeds` (levels 0..levels-1), stopping after the first seed when it gave none."""
    from agent.training.evaluate import evaluate_agents

    models, game, seeds, levels = job
    torch.set_num_threads(1)
    rows: dict[str, list[Any]] = {"frame": [], "available": [], "planes": [], "action": [], "shortest": []}

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
            "planes": np.array(rows["planes"], dtype=np.uint8).reshape(-1, PLANES * 512),
            "action": np.array(rows["action"], dtype=np.int64),
            "shortest": np.array(rows["shortest"], dtype=bool).reshape(-1, 7)}


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
    added = np.unpackbits(np.concatenate([p["planes"] for p in parts]), axis=1).reshape(-1, PLANES, 64, 64)
    return {"frame": torch.from_numpy(np.concatenate([p["frame"] for p in parts])),
            "planes": torch.from_numpy(added.astype(bool)),
            "available": torch.from_numpy(np.concatenate([p["available"] for p in parts])),
            "action": torch.from_numpy(np.concatenate([p["action"] for p in parts])),
            "shortest": torch.from_numpy(np.concatenate([p["shortest"] for p in parts]))}, \
        {g.NAME: len(p["action"]) for g, p in zip(games, parts, strict=True)}


def walker_loss(walker: GoalWalker, data: dict[str, torch.Tensor], rows: np.ndarray, device: torch.device,
                confidence_weight: float = 0.5) -> tuple[torch.Tensor, dict[str, float]]:
    index = torch.from_numpy(rows)
    frames = data["frame"][index].long().to(device)
    logits, confidence = walker(frames, data["planes"][index].to(device), data["available"][index].to(device))
    shortest = data["shortest"][index].to(device)
    right = shortest.gather(1, logits.argmax(-1, keepdim=True)).squeeze(1).float()
    log_probs = logits.float().log_softmax(-1)
    move_loss = -log_probs.masked_fill(~shortest, -1e9).logsumexp(-1).mean()
    confidence_loss = F.binary_cross_entropy_with_logits(confidence.float(), right)
    return move_loss + confidence_weight * confidence_loss, {
        "walker_accuracy": float(right.mean()), "walker_confidence_loss": float(confidence_loss.detach())}


def agreement(walker: GoalWalker, data: dict[str, torch.Tensor], device: torch.device) -> dict[str, Any]:
    """How often the walker's argmax is a shortest move (`agreement`) and the navigator's own (`navigator`),
    and how often it is sure (>= 0.5, 0.9) and its move a shortest one."""
    if not len(data["action"]):
        return {"rows": 0, "agreement": None}
    walker.eval()
    hits, same, sure = [], [], []
    with torch.no_grad():
        for i in range(0, len(data["action"]), 512):
            part = slice(i, i + 512)
            logits, confidence = walker(data["frame"][part].long().to(device), data["planes"][part].to(device),
                                        data["available"][part].to(device))
            move = logits.argmax(-1, keepdim=True).cpu()
            hits.append(data["shortest"][part].gather(1, move).squeeze(1).float())
            same.append((move.squeeze(1) == data["action"][part]).float())
            sure.append(torch.sigmoid(confidence.float()).cpu())
    walker.train()
    hit, conf = torch.cat(hits), torch.cat(sure)
    out: dict[str, Any] = {"rows": len(hit), "agreement": float(hit.mean()), "navigator": float(torch.cat(same).mean())}
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
