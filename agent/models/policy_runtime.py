"""The fast policy at play time: numpy frame in, a proposal with its probabilities and confidence out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from agent.models.encoding import ACTIONS, CLICK, FRAME, action_mask, frames_tensor
from agent.models.fast_policy import FastPolicy


@dataclass(frozen=True)
class FastProposal:
    action: int  # 1..7
    x: int | None
    y: int | None
    confidence: float  # the trained confidence head's probability of matching the oracle
    probs: np.ndarray  # (7,) action probabilities (0 where unavailable)
    heatmap: np.ndarray | None  # (64, 64) click probabilities when ACTION6 is available


def propose(policy: FastPolicy, frame: np.ndarray, available: Sequence[int],
            rng: np.random.Generator | None = None) -> FastProposal:
    """The argmax action (sampled from the probabilities when `rng` is given) and the argmax click."""
    mask = action_mask(available)
    with torch.inference_mode():  # cheaper than no_grad: no version counters or views to track
        logits, click, confidence = policy(frames_tensor(frame), torch.from_numpy(mask)[None])
        probs = logits.softmax(-1)[0].numpy()
        heat = click.softmax(-1)[0].reshape(FRAME, FRAME).numpy() if mask[CLICK - 1] else None
        sure = float(torch.sigmoid(confidence)[0])
    if rng is not None:
        action = int(rng.choice(ACTIONS, p=probs / probs.sum())) + 1
    else:
        action = int(probs.argmax()) + 1
    x = y = None
    if heat is not None and action == CLICK:
        flat = int(rng.choice(FRAME * FRAME, p=heat.ravel() / heat.sum())) if rng is not None else int(heat.argmax())
        y, x = divmod(flat, FRAME)
    return FastProposal(action, x, y, sure, probs, heat)
