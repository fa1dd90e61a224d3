"""The arbiter's calibrated state and its familiarity memory, as buffers that travel in the checkpoint.

- `threshold`: the fast policy's confidence at or above which it may act (phase 4 sets it by a sweep on
  validation seeds; until then 1.01, i.e. never);
- `max_uncertainty`: the world-model disagreement above which the fast policy is not trusted (phase 4
  sweeps it with the threshold; inf: no bound);
- `max_novelty`: the share of unfamiliar patches above which a frame counts as novel;
- `seen`: a Bloom-style bit table of hashed 4×4 patches (of the frame at half resolution) seen in
  training. Novelty is the share of a frame's patches never seen: a game unlike the suite is novel
  everywhere, a new seed of a known game mostly familiar.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

TABLE_BITS = 20
_MULTIPLIERS = np.random.default_rng(12345).integers(1, 2**61, size=16, dtype=np.int64) | 1


# sum((patch + 1) * multipliers) + place * 0x9E3779B1 = patch @ multipliers + _OFFSETS[place] (mod 2**64):
# the patch's place is part of what is familiar
_OFFSETS = np.arange(64, dtype=np.int64) * 0x9E3779B1 + _MULTIPLIERS.sum()
_INDEX_MASK = (1 << TABLE_BITS) - 1


def patch_hashes(frame: np.ndarray) -> np.ndarray:
    """One table index per 4×4 patch of the frame at half resolution (64 patches)."""
    half = np.asarray(frame)[::2, ::2].astype(np.int64)
    patches = half.reshape(8, 4, 8, 4).transpose(0, 2, 1, 3).reshape(64, 16)
    mixed = patches @ _MULTIPLIERS + _OFFSETS
    return (mixed ^ (mixed >> 29)) & _INDEX_MASK


class ArbiterState(nn.Module):
    threshold: torch.Tensor
    max_uncertainty: torch.Tensor
    max_novelty: torch.Tensor
    seen: torch.Tensor

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("threshold", torch.tensor(1.01))
        self.register_buffer("max_uncertainty", torch.tensor(0.5))
        self.register_buffer("max_novelty", torch.tensor(0.25))
        self.register_buffer("seen", torch.zeros(1 << TABLE_BITS, dtype=torch.uint8))

    def remember(self, frames: np.ndarray) -> None:
        """Mark every patch of `frames` (N, 64, 64) as familiar."""
        table = self.seen.numpy() if self.seen.device.type == "cpu" else self.seen.cpu().numpy()
        for frame in frames:
            table[patch_hashes(frame)] = 1
        if self.seen.device.type != "cpu":
            self.seen.copy_(torch.from_numpy(table))

    def novelty(self, frame: np.ndarray, table: np.ndarray | None = None) -> float:
        """Share of the frame's patches never seen in training (0 familiar .. 1 all new)."""
        seen = table if table is not None else self.seen.cpu().numpy()
        return 1.0 - np.count_nonzero(seen[patch_hashes(frame)]) / 64  # the table holds 0s and 1s
