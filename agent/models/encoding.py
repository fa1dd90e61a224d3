"""One encoding of frames and actions, shared by training and play.

A frame is the 64×64 grid of colours 0..15; models take it as a (B, 64, 64) long tensor of colour
indices and embed it (an embedding of the colour index is a 1×1 convolution of the 16-channel one-hot,
without building the one-hot). Actions are indices 0..6 for ACTION1..7; a click is a 64×64 plane with
a one at (y, x).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

FRAME = 64
COLOURS = 16
ACTIONS = 7  # ACTION1..ACTION7; index = action id - 1
CLICK = 6  # the action id that carries x, y


def frames_tensor(frames: np.ndarray | Sequence[np.ndarray], device: torch.device | str = "cpu") -> torch.Tensor:
    """(B, 64, 64) long colour indices from a stack (or list) of uint8 frames."""
    arr = np.array(frames, dtype=np.uint8)  # a copy: frames from the client are read-only views
    if arr.ndim == 2:
        arr = arr[None]
    return torch.from_numpy(arr).to(device=device, dtype=torch.long)


def action_mask(available: Sequence[int] | None) -> np.ndarray:
    """A boolean mask over the 7 actions; every action when `available` is empty or None."""
    mask = np.zeros(ACTIONS, dtype=bool)
    for action in available or range(1, ACTIONS + 1):
        if 1 <= int(action) <= ACTIONS:
            mask[int(action) - 1] = True
    return mask


def action_planes(actions: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
    """(B, 8, 64, 64): the action one-hot broadcast over the board plus the click plane.

    `actions` are indices 0..6; `xs`, `ys` are click coordinates, negative for no click.
    """
    batch = actions.shape[0]
    device = actions.device
    planes = torch.zeros(batch, ACTIONS + 1, FRAME, FRAME, device=device)
    planes[torch.arange(batch, device=device), actions] = 1.0
    clicked = (xs >= 0) & (ys >= 0)
    if bool(clicked.any()):
        idx = torch.nonzero(clicked).squeeze(1)
        planes[idx, ACTIONS, ys[idx].clamp(0, FRAME - 1), xs[idx].clamp(0, FRAME - 1)] = 1.0
    return planes


def coord_planes(batch: int, size: int, device: torch.device | str) -> torch.Tensor:
    """(B, 2, size, size) x and y coordinates in -1..1, so convolutions know where they are."""
    line = torch.linspace(-1.0, 1.0, size, device=device)
    ys, xs = torch.meshgrid(line, line, indexing="ij")
    return torch.stack([xs, ys]).unsqueeze(0).expand(batch, 2, size, size)
