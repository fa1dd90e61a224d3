"""The slow system's deliberation: best-first search over world-model rollouts scored by the value.

From the current frame it expands every available key action and up to `max_clicks` salient clicks in
one batched world-model call, scores each predicted frame by depth + the value's steps-to-go (a
predicted level-up scores its depth alone; predicted GAME_OVER and "nothing changes" are pruned, as
are actions the exact transition graph has already seen do nothing here), then expands the best
node, up to `expansions` times or `budget_ms`. The first action of the best node is the proposal;
when no node promises progress over the current state, the graph explorer's systematic exploration
acts instead.
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import torch

from agent.frames import state_key
from agent.models.encoding import frames_tensor
from agent.models.value import ValueNet
from agent.models.world_model import WorldModelEnsemble
from agent.models.world_model_runtime import runtime_of
from agent.perception import click_candidates, segment

KEY_ACTIONS = (1, 2, 3, 4, 5, 7)


Move = tuple[int, int, int]  # (action id, x, y); x = y = -1 unless a click


@dataclass(frozen=True)
class Plan:
    action: int
    x: int | None
    y: int | None
    path: tuple[Move, ...]  # the whole best path, its first move included
    frames: tuple[np.ndarray, ...]  # the world model's frame after each move of `path`
    steps: float  # predicted steps to the level's end along the best path
    depth: int
    expansions: int
    uncertainty: float
    root_steps: float


@dataclass(order=True)
class _Node:
    score: float
    depth: int
    frame: np.ndarray = field(compare=False)
    path: tuple[Move, ...] = field(default=(), compare=False)
    frames: tuple[np.ndarray, ...] = field(default=(), compare=False)


class SearchPlanner:
    def __init__(self, world_model: WorldModelEnsemble, value: ValueNet, expansions: int = 2,
                 max_clicks: int = 4, budget_ms: float = 40.0, margin: float = 0.5) -> None:
        self.world_model = world_model
        self.runtime = runtime_of(world_model)  # the ensemble's members in one batched pass
        self.value = value
        self.expansions = expansions
        self.max_clicks = max_clicks
        self.budget_ms = budget_ms
        self.margin = margin

    def candidates(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None,
                   useless: set[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        out = [(a, -1, -1) for a in KEY_ACTIONS if a in available]
        if 6 in available:
            out.extend((6, t.x, t.y) for t in click_candidates(segment(frame, mask), limit=self.max_clicks))
        return [c for c in out if c not in useless]

    @torch.inference_mode()
    def _expand(self, frame: np.ndarray, cands: list[tuple[int, int, int]]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n = len(cands)
        frames = frames_tensor(frame).expand(n, -1, -1)
        acts = torch.tensor([c[0] - 1 for c in cands], dtype=torch.long)
        xs = torch.tensor([c[1] for c in cands], dtype=torch.long)
        ys = torch.tensor([c[2] for c in cands], dtype=torch.long)
        nxt, outcome, unc = self.runtime.predict(frames, acts, xs, ys)
        steps = self.value.steps(nxt)
        return nxt.numpy().astype(np.uint8), outcome.numpy(), unc.numpy(), steps.numpy()

    @torch.inference_mode()
    def search(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None = None,
               useless: set[tuple[int, int, int]] | None = None, visits: Counter[bytes] | None = None) -> Plan | None:
        start = time.perf_counter()
        cands = self.candidates(frame, available, mask, useless or set())
        if not cands:
            return None
        root_steps = float(self.value.steps(frames_tensor(frame))[0])
        heap: list[_Node] = []
        best: _Node | None = None
        root_unc = 0.0
        expansions = 0
        node = _Node(0.0, 0, frame)
        while True:
            # deeper than the root, key actions only: clicks depend on objects the prediction may blur
            node_cands = cands if node.depth == 0 else [c for c in cands if c[0] != 6]
            if node_cands:
                nxt, outcome, unc, steps = self._expand(node.frame, node_cands)
                expansions += 1
                if node.depth == 0:
                    root_unc = float(unc.max())
                for i, child in enumerate(nxt):
                    depth = node.depth + 1
                    if outcome[i, 2] > 0.5 or (outcome[i, 1] < 0.5 and np.array_equal(child, node.frame)):
                        continue
                    score = float(depth) if outcome[i, 1] > 0.5 else depth + float(steps[i])
                    if visits is not None:
                        score += 2.0 * visits.get(state_key(child, mask), 0)
                    entry = _Node(score, depth, child, (*node.path, node_cands[i]), (*node.frames, child))
                    if best is None or entry.score < best.score:
                        best = entry
                    if outcome[i, 1] <= 0.5:
                        heapq.heappush(heap, entry)
            elapsed = (time.perf_counter() - start) * 1000
            if not heap or expansions >= self.expansions or elapsed >= self.budget_ms or \
                    (best is not None and best.score <= best.depth):
                break
            node = heapq.heappop(heap)
        if best is None or best.score > root_steps + self.margin:
            return None
        action, x, y = best.path[0]
        return Plan(action, x if x >= 0 else None, y if y >= 0 else None, best.path, best.frames,
                    best.score - best.depth, best.depth, expansions, root_unc, root_steps)
