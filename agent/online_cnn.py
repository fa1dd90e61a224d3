"""The checkpoint's fast policy fine-tuned online on the game being played (`aria-cnn`, an option).

`OnlineCNN` takes a copy of the trained fast policy (#8's checkpoint) and keeps training it while the
game is played, on the game's own transitions: for each (frame, action or click, label) the label is
1 when the action reached a state not yet in the level's graph or completed the level, 0 otherwise
(the online logistic model's label). The action's logit (for a click, the click map's logit at the
clicked pixel) is read as the chance of that label, and one Adam step of binary cross-entropy is taken
on every `batch` new transitions plus as many replayed older ones. `chances` answers the tuned
policy's chance for each untried action; `OnlineLearner` then averages it with its logistic model's.

Measured on the held-out games (BENCHMARKS.md, "The checkpoint's policy fine-tuned online"): fewer
levels and a lower official score than the logistic model alone, at about ten times the time per
action, so the default `aria` does not use it. It is kept as an option so that result can be re-run.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
import torch.nn.functional as F

from agent.models.encoding import ACTIONS, FRAME
from agent.models.fast_policy import FastPolicy

ActionKey = tuple[int, int, int]  # (action id, x, y); x = y = -1 unless a click
CLICK = 6


class OnlineCNN:
    def __init__(self, policy: FastPolicy, lr: float = 1e-3, batch: int = 16, seed: int = 0,
                 memory: int = 2048, min_updates: int = 2) -> None:
        self.policy = copy.deepcopy(policy).cpu()
        for parameter in self.policy.parameters():
            parameter.requires_grad_(True)
        self.policy.eval()
        self.opt = torch.optim.Adam(self.policy.parameters(), lr=lr)
        self.batch = batch
        self.limit = memory
        self.min_updates = min_updates
        self.fresh: list[tuple[np.ndarray, ActionKey, float]] = []
        self.memory: list[tuple[np.ndarray, ActionKey, float]] = []
        self.rng = np.random.default_rng(seed)
        self.updates = 0
        self.every = torch.ones(1, ACTIONS, dtype=torch.bool)  # the logits of every action, unmasked

    @property
    def ready(self) -> bool:
        """Tuned on enough of this game to be consulted."""
        return self.updates >= self.min_updates

    def add(self, frame: np.ndarray, action: ActionKey, label: float) -> None:
        """One transition of this game; trains once `batch` of them are waiting."""
        self.fresh.append((np.asarray(frame, dtype=np.uint8).copy(), action, float(label)))
        if len(self.fresh) >= self.batch:
            self.train()

    @staticmethod
    def _logits(logits: torch.Tensor, click: torch.Tensor, actions: list[ActionKey]) -> torch.Tensor:
        """Per row, the logit of its action: the action's, or for a click the click map's at (x, y)."""
        rows = torch.arange(len(actions))
        keys = torch.tensor([min(max(a[0], 1), ACTIONS) - 1 for a in actions])
        cells = torch.tensor([min(max(a[2], 0), FRAME - 1) * FRAME + min(max(a[1], 0), FRAME - 1) for a in actions])
        clicks = torch.tensor([a[0] == CLICK for a in actions])
        return torch.where(clicks, click[rows, cells], logits[rows, keys])

    def loss(self, rows: list[tuple[np.ndarray, ActionKey, float]]) -> torch.Tensor:
        frames = torch.from_numpy(np.stack([f for f, _, _ in rows]).astype(np.int64))
        labels = torch.tensor([y for _, _, y in rows], dtype=torch.float32)
        logits, click, _ = self.policy(frames, self.every.expand(len(rows), -1))
        return F.binary_cross_entropy_with_logits(self._logits(logits, click, [a for _, a, _ in rows]), labels)

    def train(self) -> None:
        fresh, self.fresh = self.fresh, []
        replay = [self.memory[i] for i in self.rng.integers(len(self.memory), size=min(len(fresh), len(self.memory)))] \
            if self.memory else []
        with torch.enable_grad():
            loss = self.loss(fresh + replay)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
        self.memory.extend(fresh)
        if len(self.memory) > self.limit:
            del self.memory[: len(self.memory) - self.limit]
        self.updates += 1

    @torch.inference_mode()
    def chances(self, frame: np.ndarray, actions: list[ActionKey]) -> np.ndarray:
        """The tuned policy's chance that each action leads somewhere new from `frame`."""
        frames = torch.from_numpy(np.asarray(frame, dtype=np.int64)[None])
        logits, click, _ = self.policy(frames, self.every)
        n = len(actions)
        return torch.sigmoid(self._logits(logits.expand(n, -1), click.expand(n, -1), actions)).numpy().astype(np.float64)

    def judge(self, rows: list[tuple[np.ndarray, ActionKey, float]]) -> tuple[float, float]:
        """(accuracy of chance ≥ 0.5 against the labels, log-loss) on held-back transitions."""
        with torch.inference_mode():
            loss = float(self.loss(rows))
        chances = np.array([self.chances(frame, [action])[0] for frame, action, _ in rows])
        labels = np.array([label for _, _, label in rows])
        return float(np.mean((chances >= 0.5) == (labels >= 0.5))), loss
