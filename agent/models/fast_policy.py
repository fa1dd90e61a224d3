"""The fast policy: one cheap forward pass from a frame to action logits, a 64×64 click map and a
trained confidence.

The confidence head is trained (binary cross-entropy) to predict whether the policy's own argmax (and,
for a click, the clicked cell) is an optimal move, so its output is a probability of being right
that phase 4 calibrates the arbiter's threshold on.

With `blocks` > 0, a stack of dilated residual convolutions on the 16×16 features gives every position
a view of the whole board (receptive field 4·2^blocks cells of 4 pixels), and a spatial action head
adds to the global logits: per-position action logits pooled by a learned attention map, so a rule
learnt at one place (the player beside a wall) holds at every place. `blocks` = 0 is the plain model.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from agent.models.encoder import GridEncoder
from agent.models.encoding import ACTIONS, FRAME

NEG = -1e9


class FastPolicy(nn.Module):
    def __init__(self, width: int = 32, hidden: int = 128, blocks: int = 0) -> None:
        super().__init__()
        self.encoder = GridEncoder(width)
        self.context = nn.ModuleList(nn.Conv2d(width, width, 3, padding=2 ** i, dilation=2 ** i)
                                     for i in range(blocks))
        if blocks:
            self.spatial_actions = nn.Conv2d(width, ACTIONS, 1)
            self.spatial_attention = nn.Conv2d(width, 1, 1)
        self.trunk = nn.Sequential(nn.Linear(self.encoder.code_size, hidden), nn.LeakyReLU(0.1))
        self.action_head = nn.Linear(hidden, ACTIONS)
        self.click_film = nn.Linear(hidden, width)
        self.click_mid = nn.Conv2d(width, 1, 1)
        self.click_fine = nn.Conv2d(self.encoder.embed.embedding_dim, 1, 1)
        self.confidence_head = nn.Sequential(nn.Linear(hidden + ACTIONS + 2, 32), nn.LeakyReLU(0.1), nn.Linear(32, 1))

    def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(masked action logits (B, 7), click logits (B, 64·64), confidence logit (B,)).

        `mask` (B, 7) is True for available actions.
        """
        emb, mid = self.encoder.features(frames)
        mid, hidden, logits = self.action_logits(mid, mask)
        film = self.click_film(hidden)[:, :, None, None]
        coarse = self.click_mid(F.leaky_relu(mid + film, 0.1))
        click = F.interpolate(coarse, size=(FRAME, FRAME), mode="nearest") + self.click_fine(emb)
        probs = logits.softmax(-1).detach()
        click_peak = click.flatten(1).softmax(-1).max(-1).values.detach()
        features = torch.cat([hidden, probs, probs.max(-1, keepdim=True).values, click_peak[:, None]], 1)
        confidence = self.confidence_head(features).squeeze(1)
        return logits, click.flatten(1), confidence

    def action_logits(self, mid: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """From the encoder's mid features (B, W, 16, 16): (those features after the context blocks, the
        trunk's hidden vector, the masked action logits)."""
        enc = self.encoder
        for conv in self.context:
            mid = mid + enc.act(conv(mid))
        hidden = self.trunk(enc.act(enc.down3(mid)).flatten(1))
        logits = self.action_head(hidden)
        if len(self.context):
            attention = self.spatial_attention(mid).flatten(1).softmax(-1)
            logits = logits + (self.spatial_actions(mid).flatten(2) * attention[:, None]).sum(-1)
        return mid, hidden, logits.masked_fill(~mask, NEG)
