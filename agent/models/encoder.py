"""GridEncoder: a small convolutional encoder of the 64×64 frame that keeps one-cell differences.

The colour index is embedded (a 1×1 convolution of the one-hot) with two coordinate planes, then three
stride-2 convolutions bring it to 8×8. No pooling: every input pixel reaches the code through
position-specific weights, so frames that differ in one pixel give different codes (a test checks it).
LeakyReLU keeps negative evidence alive instead of zeroing it.
"""

from __future__ import annotations

import torch
from torch import nn

from agent.models.encoding import COLOURS, coord_planes


class GridEncoder(nn.Module):
    def __init__(self, width: int = 32, embed: int = 8) -> None:
        super().__init__()
        self.width = width
        self.embed = nn.Embedding(COLOURS, embed)
        self.down1 = nn.Conv2d(embed + 2, width // 2, 3, stride=2, padding=1)  # 32×32
        self.down2 = nn.Conv2d(width // 2, width, 3, stride=2, padding=1)  # 16×16
        self.down3 = nn.Conv2d(width, width, 3, stride=2, padding=1)  # 8×8
        self.act = nn.LeakyReLU(0.1)

    @property
    def code_size(self) -> int:
        return self.width * 8 * 8

    def forward(self, frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(full-resolution embedding (B, E, 64, 64), mid features (B, W, 16, 16), code (B, W·64))."""
        emb, mid = self.features(frames)
        low = self.act(self.down3(mid))
        return emb, mid, low.flatten(1)

    def features(self, frames: torch.Tensor, extra: tuple[torch.Tensor, torch.Tensor] | None = None,
                 ) -> tuple[torch.Tensor, torch.Tensor]:
        """The embedding and the mid features alone, for a caller that works on them before the code.
        `extra`: terms added to the first two convolutions' outputs before their activations (the goal
        walker's destination, agent/models/goal_walker.py)."""
        emb = self.embed(frames).permute(0, 3, 1, 2)
        x = torch.cat([emb, coord_planes(frames.shape[0], frames.shape[-1], frames.device)], 1)
        x = self.down1(x)
        if extra is not None:
            x = x + extra[0]
        x = self.down2(self.act(x))
        if extra is not None:
            x = x + extra[1]
        return emb, self.act(x)

    def code(self, frames: torch.Tensor) -> torch.Tensor:
        return self.forward(frames)[2]
