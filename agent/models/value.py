"""The value: the oracle's steps-to-go from a frame, predicted as log(1 + steps). The slow system's
search prefers states with fewer predicted steps left."""

from __future__ import annotations

import torch
from torch import nn

from agent.models.encoder import GridEncoder


class ValueNet(nn.Module):
    def __init__(self, width: int = 32, hidden: int = 128) -> None:
        super().__init__()
        self.encoder = GridEncoder(width)
        self.head = nn.Sequential(nn.Linear(self.encoder.code_size, hidden), nn.LeakyReLU(0.1), nn.Linear(hidden, 1))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """log(1 + predicted steps to go), shape (B,)."""
        return self.head(self.encoder.code(frames)).squeeze(1)

    def steps(self, frames: torch.Tensor) -> torch.Tensor:
        return torch.expm1(self.forward(frames).clamp(min=0.0))
