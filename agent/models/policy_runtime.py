"""The fast policy at play time: numpy frame in, a proposal with its probabilities and confidence out.

`propose` runs the policy through `PolicyRuntime`, the same function with two shortcuts where the
module spends most of its time at batch 1: the encoder's first convolution over [colour embedding,
coordinates] becomes a sum of 9 table rows per output cell (embedding and kernel tap folded into one
table, `embedding_bag`) plus a constant map (coordinates and bias), and the click map's per-cell 1×1
convolution of the colour embedding becomes a 16-entry table. The other layers run on their own
weights (functional calls: nn.Module's per-call machinery costs more than a small layer at batch 1).
The runtime is checked against the module on a probe batch when built (`reproduces`); a policy whose
`forward` no longer matches (another version of `FastPolicy`) is run as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from agent.models.encoding import ACTIONS, CLICK, COLOURS, FRAME, action_mask, coord_planes, frames_tensor
from agent.models.fast_policy import NEG, FastPolicy
from agent.models.runtime_cache import RuntimeCache

SLOPE = 0.1  # the encoder's LeakyReLU slope
HALF = FRAME // 2


@dataclass(frozen=True)
class FastProposal:
    action: int  # 1..7
    x: int | None
    y: int | None
    confidence: float  # the trained confidence head's probability of matching the oracle
    probs: np.ndarray  # (7,) action probabilities (0 where unavailable)
    heatmap: np.ndarray | None  # (64, 64) click probabilities when ACTION6 is available


def _linear(layer: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(layer, nn.Linear) or layer.bias is None:
        raise TypeError(f"expected a linear layer with a bias, not {layer}")
    return layer.weight, layer.bias


def _conv(x: torch.Tensor, conv: nn.Conv2d, stride: int) -> torch.Tensor:
    """`conv` with padding 1 on a channels-last (B, H, W, C) tensor, answering the same layout."""
    return F.conv2d(x.permute(0, 3, 1, 2), conv.weight, conv.bias, stride=stride, padding=1).permute(0, 2, 3, 1)


class PolicyRuntime:
    def __init__(self, policy: FastPolicy) -> None:
        self.policy = policy
        encoder = policy.encoder
        embed = encoder.embed.weight  # (16, E)
        down1 = cast(nn.Conv2d, encoder.down1)
        out = down1.out_channels
        with torch.no_grad():
            taps = torch.zeros(9, COLOURS + 1, out, device=embed.device)  # row COLOURS: outside the frame
            taps[:, :COLOURS] = torch.einsum("ce,oet->tco", embed, down1.weight[:, :embed.shape[1]].flatten(2))
            self.taps = taps.reshape(-1, out)
            self.tap_offsets = torch.arange(9, device=embed.device) * (COLOURS + 1)
            coords = coord_planes(1, FRAME, embed.device)
            self.constant1 = F.conv2d(coords, down1.weight[:, embed.shape[1]:], down1.bias, stride=2,
                                      padding=1).permute(0, 2, 3, 1).contiguous()  # (1, 32, 32, out)
            fine = cast(nn.Conv2d, policy.click_fine)
            self.fine_table = (embed @ fine.weight[0, :, 0, 0] + cast(torch.Tensor, fine.bias)).reshape(COLOURS, 1)
            click_mid = cast(nn.Conv2d, policy.click_mid)
            self.mid_weight = click_mid.weight[0, :, 0, 0].contiguous()  # (W,)
            self.mid_bias = cast(torch.Tensor, click_mid.bias)
        # the dense layers' weights, called without nn.Module's per-call machinery (a layer of another
        # kind here fails `reproduces` or raises, and the module itself is used)
        self.trunk = _linear(policy.trunk[0])
        self.action_head = _linear(policy.action_head)
        self.click_film = _linear(policy.click_film)
        self.confidence1, self.confidence2 = _linear(policy.confidence_head[0]), _linear(policy.confidence_head[2])
        # the board-wide context (FastPolicy(blocks > 0)): dilated residual convolutions, spatial action head
        self.context = [cast(nn.Conv2d, conv) for conv in policy.context]
        if self.context:
            actions, attention = cast(nn.Conv2d, policy.spatial_actions), cast(nn.Conv2d, policy.spatial_attention)
            self.spatial_actions = (actions.weight[:, :, 0, 0].t().contiguous(), cast(torch.Tensor, actions.bias))
            self.spatial_attention = (attention.weight[0, :, 0, 0].contiguous(), cast(torch.Tensor, attention.bias))

    def __call__(self, frames: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """What `FastPolicy.forward` answers: (masked action logits (B, 7), click logits (B, 64·64),
        confidence logit (B,))."""
        encoder, b = self.policy.encoder, frames.shape[0]
        padded = F.pad(frames, (1, 1, 1, 1), value=COLOURS)
        cells = padded.unfold(1, 3, 2).unfold(2, 3, 2).reshape(b * HALF * HALF, 9)  # each output cell's 3×3 inputs
        x = F.embedding_bag(cells + self.tap_offsets, self.taps, mode="sum").view(b, HALF, HALF, -1)
        x = F.leaky_relu_(x + self.constant1, SLOPE)
        mid = F.leaky_relu_(_conv(x, cast(nn.Conv2d, encoder.down2), 2), SLOPE)  # (B, 16, 16, W)
        for conv in self.context:
            dilation = int(conv.dilation[0])
            step = F.conv2d(mid.permute(0, 3, 1, 2), conv.weight, conv.bias, padding=dilation, dilation=dilation)
            mid = mid + F.leaky_relu_(step.permute(0, 2, 3, 1), SLOPE)
        low = F.leaky_relu_(_conv(mid, cast(nn.Conv2d, encoder.down3), 2), SLOPE)
        code = low.permute(0, 3, 1, 2).reshape(b, -1)  # in the module's (C, H, W) order
        hidden = F.leaky_relu_(F.linear(code, *self.trunk), SLOPE)
        logits = F.linear(hidden, *self.action_head)
        if self.context:
            attention = (mid @ self.spatial_attention[0] + self.spatial_attention[1]).view(b, -1).softmax(-1)
            per_cell = (mid @ self.spatial_actions[0] + self.spatial_actions[1]).view(b, -1, ACTIONS)
            logits = logits + (per_cell * attention[:, :, None]).sum(1)
        logits = logits.masked_fill(~mask, NEG)
        film = F.linear(hidden, *self.click_film)[:, None, None, :]
        coarse = F.leaky_relu(mid + film, SLOPE) @ self.mid_weight + self.mid_bias  # (B, 16, 16)
        fine = F.embedding(frames, self.fine_table).view(b, 16, 4, 16, 4)
        click = (fine + coarse.view(b, 16, 1, 16, 1)).view(b, FRAME * FRAME)  # nearest upsampling ×4
        probs = logits.softmax(-1)
        click_peak = click.softmax(-1).max(-1).values
        features = torch.cat([hidden, probs, probs.max(-1, keepdim=True).values, click_peak[:, None]], 1)
        confidence = F.linear(F.leaky_relu_(F.linear(features, *self.confidence1), SLOPE), *self.confidence2)
        return logits, click, confidence.squeeze(1)


def reproduces(runtime: PolicyRuntime, policy: FastPolicy, tolerance: float = 1e-4) -> bool:
    """Whether `runtime` computes the policy's outputs on a probe batch (random frames and masks)."""
    rng = torch.Generator().manual_seed(0)
    frames = torch.randint(0, COLOURS, (4, FRAME, FRAME), generator=rng)
    mask = torch.rand(4, ACTIONS, generator=rng) < 0.6
    mask[:, 0] = True
    device = runtime.taps.device
    frames, mask = frames.to(device), mask.to(device)
    with torch.inference_mode():
        expected = policy(frames, mask)
        got = runtime(frames, mask)
    return all(torch.allclose(a, b, atol=tolerance) for a, b in zip(got, expected, strict=True))


def _build(policy: nn.Module) -> PolicyRuntime | FastPolicy:
    assert isinstance(policy, FastPolicy)
    try:
        built = PolicyRuntime(policy)
        return built if reproduces(built, policy) else policy
    except (AttributeError, IndexError, RuntimeError, TypeError, ValueError):  # layers of another shape or kind
        return policy


_RUNTIMES: RuntimeCache[PolicyRuntime | FastPolicy] = RuntimeCache(_build)


def runtime_of(policy: FastPolicy) -> PolicyRuntime | FastPolicy:
    """The policy's runtime (checked against it when built, rebuilt when its weights change), or the
    policy itself when no runtime reproduces it."""
    return _RUNTIMES.of(policy)


def propose(policy: FastPolicy, frame: np.ndarray, available: Sequence[int],
            rng: np.random.Generator | None = None) -> FastProposal:
    """The argmax action (sampled from the probabilities when `rng` is given) and the argmax click."""
    mask = action_mask(available)
    with torch.inference_mode():  # cheaper than no_grad: no version counters or views to track
        logits, click, confidence = runtime_of(policy)(frames_tensor(frame), torch.from_numpy(mask)[None])
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
