"""The world model: an ensemble of small U-Nets predicting the next frame's colour per cell and the
outcome (level continues, level up, GAME_OVER) from (frame, action, click).

Each member adds its output to a strong prior on the current colour, so "nothing changes" is the
default and the network learns where and how cells change. Members differ by initialisation (and
by the order of their batches); their disagreement on the predicted next frame is the uncertainty
the arbiter reads.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from agent.models.encoding import ACTIONS, COLOURS, action_planes, coord_planes

OUTCOMES = ("continue", "level_up", "game_over")
COPY_PRIOR = 4.0


class WorldModel(nn.Module):
    """One member: (B, 64, 64) colours + action → next colour logits (B, 16, 64, 64), outcome logits (B, 3).

    It thinks at 32×32 and 16×16 (dilated convolutions for reach: a player moves several display
    pixels per step) and decides each pixel's colour at full resolution from those features, the
    pixel's own embedding and the click plane, so one-pixel HUD changes stay predictable.
    """

    def __init__(self, width: int = 16, embed: int = 6) -> None:
        super().__init__()
        planes = ACTIONS + 1
        self.embed = nn.Embedding(COLOURS, embed)
        self.down1 = nn.Conv2d(embed + planes + 2, width, 3, stride=2, padding=1)  # 32×32
        self.down2 = nn.Conv2d(width + planes, width, 3, stride=2, padding=1)  # 16×16
        self.mid1 = nn.Conv2d(width, width, 3, padding=2, dilation=2)
        self.mid2 = nn.Conv2d(width, width, 3, padding=4, dilation=4)
        self.up = nn.Conv2d(2 * width, width, 3, padding=1)  # 32×32
        self.out = nn.Conv2d(width + embed + planes, COLOURS, 1)  # 64×64, per pixel
        self.outcome = nn.Linear(width, len(OUTCOMES))
        self.act = nn.LeakyReLU(0.1)

    def forward(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        batch, size = frames.shape[0], frames.shape[-1]
        planes = action_planes(actions, xs, ys)
        emb = self.embed(frames).permute(0, 3, 1, 2)
        x1 = self.act(self.down1(torch.cat([emb, planes, coord_planes(batch, size, frames.device)], 1)))
        small = F.max_pool2d(planes, 2)  # the action again at 32×32, so the click survives the stride
        x2 = self.act(self.down2(torch.cat([x1, small], 1)))
        x2 = x2 + self.act(self.mid1(x2))
        x2 = x2 + self.act(self.mid2(x2))
        u1 = self.act(self.up(torch.cat([F.interpolate(x2, scale_factor=2.0), x1], 1)))
        fine = torch.cat([F.interpolate(u1, scale_factor=2.0), emb, planes], 1)
        logits = self.out(fine) + COPY_PRIOR * F.one_hot(frames, COLOURS).permute(0, 3, 1, 2).float()
        outcome = self.outcome(x2.mean((2, 3)))
        return logits, outcome


class WorldModelEnsemble(nn.Module):
    def __init__(self, members: int = 3, width: int = 16) -> None:
        super().__init__()
        if members < 1:
            raise ValueError("a world-model ensemble needs at least one member")
        self.members = nn.ModuleList(WorldModel(width) for _ in range(members))

    def forward(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Stacked member outputs: colour logits (M, B, 16, 64, 64), outcome logits (M, B, 3)."""
        outs = [member(frames, actions, xs, ys) for member in self.members]
        return torch.stack([o[0] for o in outs]), torch.stack([o[1] for o in outs])

    @torch.no_grad()
    def predict(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(next frames (B, 64, 64) by the members' mean logits, outcome probabilities (B, 3),
        uncertainty (B,): the share of cells on which the members' argmax colours disagree, scaled by
        how many cells the prediction changes, so a confident 'nothing moves' is not uncertain)."""
        logits, outcome = self.forward(frames, actions, xs, ys)
        votes = logits.movedim(2, -1).contiguous().argmax(-1)  # (M, B, 64, 64); channels-last argmax is fast
        nxt = logits.mean(0).movedim(1, -1).contiguous().argmax(-1)
        disagree = (votes != votes[:1]).any(0).float().flatten(1).sum(1)
        changed = (votes != frames.unsqueeze(0)).any(0).float().flatten(1).sum(1)
        uncertainty = disagree / changed.clamp(min=1.0)
        return nxt, outcome.softmax(-1).mean(0), uncertainty.clamp(max=1.0)
