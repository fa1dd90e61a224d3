"""The goal walker: the fast policy given the slow system's destination, walking the route there.

On the suite's familiar levels the navigator (part of the slow system) picks the nearest object not
reached yet and searches the way there; walking that way took 45% of `aria`'s steps as slow steps. The
goal walker is a copy of the fast policy with three more input planes (`planes`): the destination
object's cells, the mover's box and the box where the mover was before it last moved (two convolutions
beside the encoder's first two layers, started at zero: untrained, it is the fast policy), fine-tuned in
phase 5 on the navigator's moves in the full agent's own rollouts: on the set of moves that begin a
shortest walk to the destination (`agent.navigator.shortest_moves`; most often one move), its confidence
head on whether its argmax is one of them. The last plane is a habit's momentum: in the suite's mazes
the destination alone left the right move to 69% of steps on unseen seeds (the mover's box too: 69%),
and the place the mover came from raised it to 91% (1,000 training steps on 44,201 navigator steps,
7,436 check steps on validation seeds). `threshold` (phase 5's sweep on validation levels; `inf`
until then) is the confidence at which the arbiter lets it take a step (`AriaAgent._walk`).

At play time `walk_proposal` runs it through the fast policy's runtime (`agent.models.policy_runtime`) with the
added planes' two convolutions added where the module adds them (tests compare with `forward`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from agent.frames import label_components
from agent.models.fast_policy import FastPolicy

if TYPE_CHECKING:
    from agent.models.policy_runtime import FastProposal


def destination(frame: np.ndarray, target: tuple[int, int], most: int = 256) -> np.ndarray:
    """(64, 64) bool: the cells of the object at `target` (its one-colour 4-connected part): a flood fill
    from the target, or the frame's components where the part is larger than `most` cells."""
    height, width = frame.shape
    colour = frame[target]
    cells = np.zeros(frame.shape, dtype=bool)
    cells[target] = True
    todo = [target]
    while todo:
        if len(todo) + int(cells.sum()) > most:
            labels = label_components(frame)
            return np.asarray(labels == labels[target])
        row, col = todo.pop()
        for r, c in ((row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)):
            if 0 <= r < height and 0 <= c < width and not cells[r, c] and frame[r, c] == colour:
                cells[r, c] = True
                todo.append((r, c))
    return cells


PLANES = 3  # the destination's cells, the mover's box, the box where the mover was before it last moved


def planes(goal: np.ndarray, box: tuple[int, int, int, int], came_from: tuple[int, int] | None) -> np.ndarray:
    """(3, 64, 64) bool: the walker's added input: `goal` (the destination's cells), the mover's `box`
    (top, left, bottom, right) and the same box at `came_from` (top, left; none when not known)."""
    out = np.zeros((PLANES, *goal.shape), dtype=bool)
    out[0] = goal
    out[1, box[0]:box[2], box[1]:box[3]] = True
    if came_from is not None:
        top, left = max(came_from[0], 0), max(came_from[1], 0)
        out[2, top:came_from[0] + box[2] - box[0], left:came_from[1] + box[3] - box[1]] = True
    return out


class GoalWalker(nn.Module):
    def __init__(self, width: int = 32, hidden: int = 128, blocks: int = 0) -> None:
        super().__init__()
        self.policy = FastPolicy(width, hidden, blocks)
        self.goal_fine = nn.Conv2d(PLANES, width // 2, 3, stride=2, padding=1)  # beside the encoder's down1 (32×32)
        self.goal_mid = nn.Conv2d(PLANES, width, 7, stride=4, padding=3)  # beside down2 (16×16)
        self.threshold: torch.Tensor
        self.register_buffer("threshold", torch.tensor(math.inf))  # phase 5's pick; inf: never trusted
        self.zero_goal()

    def zero_goal(self) -> None:
        """The destination's convolutions back to zero: the walker answers what its policy answers."""
        for conv in (self.goal_fine, self.goal_mid):
            nn.init.zeros_(conv.weight)
            nn.init.zeros_(cast(torch.Tensor, conv.bias))

    def start_from(self, policy: FastPolicy) -> None:
        """The fast policy's weights, the destination's convolutions at zero, no threshold yet."""
        self.policy.load_state_dict(policy.state_dict())
        self.zero_goal()
        self.threshold.fill_(math.inf)

    def goal_terms(self, added: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """What the added planes (B, 3, 64, 64) add before the encoder's first and second activations."""
        plane = added.float()
        return self.goal_fine(plane), self.goal_mid(plane)

    def forward(self, frames: torch.Tensor, added: torch.Tensor,
                mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(masked action logits (B, 7), confidence logit (B,)). `added`: `planes` (B, 3, 64, 64); `mask`
        (B, 7): True where available."""
        policy = self.policy
        _, mid = policy.encoder.features(frames, self.goal_terms(added))
        _, hidden, logits = policy.action_logits(mid, mask)
        probs = logits.softmax(-1).detach()
        no_click = torch.zeros(frames.shape[0], 1, device=frames.device, dtype=probs.dtype)  # it never clicks
        features = torch.cat([hidden, probs, probs.max(-1, keepdim=True).values, no_click], 1)
        return logits, policy.confidence_head(features).squeeze(1)


def walk_proposal(walker: GoalWalker, frame: np.ndarray, added: np.ndarray, available: Sequence[int]) -> FastProposal:
    """The walker's move (1..7) on one frame given its added `planes` ((3, 64, 64) bool), as the fast policy's
    proposal: the move, its confidence and the action probabilities (no click map)."""
    from agent.models.policy_runtime import FastProposal, PolicyRuntime, action_blocked, runtime_of

    blocked = action_blocked(tuple(available or ()))
    runtime = runtime_of(walker.policy)
    with torch.inference_mode():
        plane = torch.from_numpy(np.ascontiguousarray(added, dtype=np.float32))[None]
        fine = F.conv2d(plane, walker.goal_fine.weight, walker.goal_fine.bias, stride=2, padding=1)
        mid = F.conv2d(plane, walker.goal_mid.weight, walker.goal_mid.bias, stride=4, padding=3)
        if isinstance(runtime, PolicyRuntime) and runtime.taps.device.type == "cpu":
            probs, confidence = runtime.walk(frame, blocked, fine.permute(0, 2, 3, 1), mid.permute(0, 2, 3, 1))
        else:  # a policy no runtime reproduces: the module itself
            logits, confidences = walker(torch.from_numpy(np.asarray(frame, dtype=np.int64))[None],
                                         torch.from_numpy(np.asarray(added, dtype=bool))[None], ~blocked)
            probs, confidence = logits.softmax(-1)[0], confidences[0]
        shares = probs.numpy()
        return FastProposal(int(shares.argmax()) + 1, None, None, float(torch.sigmoid(confidence)), shares, None)
