"""The fast policy at play time: numpy frame in, a proposal with its probabilities and confidence out.

`propose` runs the policy through `PolicyRuntime`, the same function with two shortcuts where the
module spends most of its time at batch 1: the encoder's first convolution over [colour embedding,
coordinates] becomes a sum of 9 table rows per output cell (embedding and kernel tap folded into one
table, `embedding_bag`) plus a constant map (coordinates and bias), and the click map's per-cell 1×1
convolution of the colour embedding becomes a 16-entry table. The other layers run on their own
weights (functional calls: nn.Module's per-call machinery costs more than a small layer at batch 1).
The runtime is checked against the module on a probe batch when built (`reproduces`); a policy whose
`forward` no longer matches (another version of `FastPolicy`) is run as it is.

`propose` (one frame on the CPU) enters through `PolicyRuntime.one`: the same operations on the same
inputs, so the same numbers to the last bit (tests compare), with the inputs built in numpy (the first
convolution's table indices and the click map's colour term as look-ups on the frame), the action
mask cached per set of available actions, and each softmax computed once and shared by the
confidence features and the proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
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
PADDED = FRAME + 2


def _cell_index() -> np.ndarray:
    """(32·32, 9): for each output cell of the stride-2 first convolution, its 3×3 inputs' places in
    the frame padded by one cell, flattened (the order of `unfold` in `__call__`)."""
    taps = np.arange(3)
    rows = (2 * np.arange(HALF))[:, None] + taps[None, :]  # (32, 3)
    index = rows[:, None, :, None] * PADDED + rows[None, :, None, :]  # (32, 32, 3, 3)
    return index.reshape(HALF * HALF, 9)


_CELLS = _cell_index()
_TAP_OFFSETS = np.arange(9, dtype=np.int64) * (COLOURS + 1)


@lru_cache(maxsize=256)
def _masks(available: tuple[int, ...]) -> tuple[np.ndarray, torch.Tensor]:
    """The action mask for a set of available actions, and its complement as a (1, 7) tensor."""
    mask = action_mask(available)
    mask.setflags(write=False)
    return mask, torch.from_numpy(~mask)[None]


def action_blocked(available: tuple[int, ...]) -> torch.Tensor:
    """(1, 7) True for the actions not in `available` (cached per set)."""
    return _masks(available)[1]


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


class _ContextConv:
    """A residual block's 3×3 convolution (stride 1, padding = dilation) at 16×16 as one gather of
    each cell's 9 taps and one matrix product: the computation PyTorch's channels-last kernel does
    (the same products summed in the same order: equal to the last bit, tests compare), without its
    per-call work, which costs more than the product at this size (the dilated kernel most)."""

    def __init__(self, conv: nn.Conv2d) -> None:
        dilation, size = int(conv.dilation[0]), 16
        if conv.kernel_size != (3, 3) or conv.stride != (1, 1) or conv.padding != (dilation, dilation) \
                or conv.groups != 1 or conv.dilation != (dilation, dilation) or conv.bias is None:
            raise ValueError(f"expected a 3×3 convolution with padding = dilation, not {conv}")
        places = torch.arange(size, device=conv.weight.device)
        taps = []
        for dy in (-dilation, 0, dilation):
            for dx in (-dilation, 0, dilation):
                ys, xs = places[:, None] + dy, places[None, :] + dx
                inside = (ys >= 0) & (ys < size) & (xs >= 0) & (xs < size)
                taps.append(torch.where(inside, ys * size + xs, -1).reshape(-1))
        self.taps = torch.stack(taps, 1)  # (256, 9): each cell's inputs, -1 outside the board
        self.cells = size * size
        self.one = self.taps.masked_fill(self.taps < 0, self.cells).reshape(-1)
        self.weight = conv.weight.permute(0, 2, 3, 1).reshape(conv.out_channels, -1).t()  # (9·C, out)
        self.bias = cast(torch.Tensor, conv.bias)

    def __call__(self, rows: torch.Tensor, b: int) -> torch.Tensor:
        """`rows` (B·256 + 1, C): the cells of B boards, then a row of zeros; answers (B·256, out)."""
        if b == 1:
            index = self.one
        else:
            offsets = torch.arange(b, device=rows.device)[:, None, None] * self.cells
            index = torch.where(self.taps < 0, b * self.cells, self.taps + offsets).reshape(-1)
        return torch.addmm(self.bias, rows.index_select(0, index).view(b * self.cells, -1), self.weight)


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
            self.bags = torch.arange(0, HALF * HALF * 9, 9, device=embed.device)  # one frame's bags' starts
            coords = coord_planes(1, FRAME, embed.device)
            self.constant1 = F.conv2d(coords, down1.weight[:, embed.shape[1]:], down1.bias, stride=2,
                                      padding=1).permute(0, 2, 3, 1).contiguous()  # (1, 32, 32, out)
            fine = cast(nn.Conv2d, policy.click_fine)
            self.fine_table = (embed @ fine.weight[0, :, 0, 0] + cast(torch.Tensor, fine.bias)).reshape(COLOURS, 1)
            self.fine_colours = self.fine_table[:, 0].cpu().numpy()  # the same numbers, looked up by `one`
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
        self.context = [_ContextConv(cast(nn.Conv2d, conv)) for conv in policy.context]
        if self.context:
            actions, attention = cast(nn.Conv2d, policy.spatial_actions), cast(nn.Conv2d, policy.spatial_attention)
            self.spatial_actions = (actions.weight[:, :, 0, 0].t().contiguous(), cast(torch.Tensor, actions.bias))
            self.spatial_attention = (attention.weight[0, :, 0, 0].contiguous(), cast(torch.Tensor, attention.bias))

    def __call__(self, frames: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """What `FastPolicy.forward` answers: (masked action logits (B, 7), click logits (B, 64·64),
        confidence logit (B,))."""
        b = frames.shape[0]
        padded = F.pad(frames, (1, 1, 1, 1), value=COLOURS)
        cells = padded.unfold(1, 3, 2).unfold(2, 3, 2).reshape(b * HALF * HALF, 9)  # each output cell's 3×3 inputs
        first = F.embedding_bag(cells + self.tap_offsets, self.taps, mode="sum")
        fine = F.embedding(frames, self.fine_table)
        logits, click, _, _, confidence = self._forward(first, fine, ~mask, b)
        assert click is not None
        return logits, click, confidence.squeeze(1)

    def one(self, frame: np.ndarray, blocked: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One frame (64, 64) of colours on the CPU, `blocked` (1, 7) True for unavailable actions:
        (action probabilities (7,), click probabilities (64·64,), confidence logit ()), the numbers
        `__call__` gives followed by the softmaxes. Call it under `torch.inference_mode()`."""
        fine = torch.from_numpy(self.fine_colours[np.asarray(frame, dtype=np.intp)])
        _, _, probs, click_probs, confidence = self._forward(self._first(frame), fine, blocked, 1)
        assert click_probs is not None
        return probs[0], click_probs[0], confidence[0, 0]

    def walk(self, frame: np.ndarray, blocked: torch.Tensor, goal_fine: torch.Tensor,
             goal_mid: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """`one` for the goal walker (agent.models.goal_walker), whose policy this runtime runs: the
        destination's terms (1, 32, 32, W/2) and (1, 16, 16, W) added before the encoder's first two
        activations, no click map (its confidence feature is 0). (action probabilities (7,), confidence logit ())."""
        _, _, probs, _, confidence = self._forward(self._first(frame), None, blocked, 1, (goal_fine, goal_mid))
        return probs[0], confidence[0, 0]

    def _first(self, frame: np.ndarray) -> torch.Tensor:
        padded = np.full((PADDED, PADDED), COLOURS, dtype=np.uint8)
        padded[1:-1, 1:-1] = frame
        cells = torch.from_numpy((padded.ravel()[_CELLS] + _TAP_OFFSETS).ravel())
        return F.embedding_bag(cells, self.taps, self.bags, mode="sum")  # the 2-D call's bags, given

    def _forward(self, first: torch.Tensor, fine: torch.Tensor | None, blocked: torch.Tensor, b: int,
                 goal: tuple[torch.Tensor, torch.Tensor] | None = None,
                 ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """From the first convolution's colour part (B·32·32, out) and the click map's colour term
        (B, 64, 64[, 1]; None: no click map): (logits, click logits, action probabilities, click
        probabilities, confidence logit (B, 1)); `goal`: the goal walker's two terms."""
        encoder = self.policy.encoder
        x = first.view(b, HALF, HALF, -1) + self.constant1
        if goal is not None:
            x = x + goal[0]
        x = F.leaky_relu_(x, SLOPE)
        mid = _conv(x, cast(nn.Conv2d, encoder.down2), 2)
        if goal is not None:
            mid = mid + goal[1]
        mid = F.leaky_relu_(mid, SLOPE)  # (B, 16, 16, W)
        if self.context:
            # the 16×16 cells as rows, and one row of zeros that taps outside the board read
            rows = torch.cat([mid.reshape(-1, mid.shape[-1]), mid.new_zeros(1, mid.shape[-1])])
            cells = rows[:-1]
            for conv in self.context:
                cells.add_(F.leaky_relu_(conv(rows, b), SLOPE))  # in place: the residual, as `mid + ...`
            mid = cells.view(mid.shape)
        low = F.leaky_relu_(_conv(mid, cast(nn.Conv2d, encoder.down3), 2), SLOPE)
        code = low.permute(0, 3, 1, 2).reshape(b, -1)  # in the module's (C, H, W) order
        hidden = F.leaky_relu_(F.linear(code, *self.trunk), SLOPE)
        logits = F.linear(hidden, *self.action_head)
        if self.context:
            attention = (mid @ self.spatial_attention[0] + self.spatial_attention[1]).view(b, -1).softmax(-1)
            per_cell = (mid @ self.spatial_actions[0] + self.spatial_actions[1]).view(b, -1, ACTIONS)
            logits = logits + (per_cell * attention[:, :, None]).sum(1)
        logits = logits.masked_fill(blocked, NEG)
        probs = logits.softmax(-1)
        click: torch.Tensor | None = None
        click_probs: torch.Tensor | None = None
        if fine is None:
            click_peak = probs.new_zeros(b)
        else:
            film = F.linear(hidden, *self.click_film)[:, None, None, :]
            coarse = F.leaky_relu(mid + film, SLOPE) @ self.mid_weight + self.mid_bias  # (B, 16, 16)
            click = (fine.view(b, 16, 4, 16, 4) + coarse.view(b, 16, 1, 16, 1)).view(b, FRAME * FRAME)  # nearest ×4
            click_probs = click.softmax(-1)
            click_peak = click_probs.max(-1).values
        features = torch.cat([hidden, probs, probs.max(-1, keepdim=True).values, click_peak[:, None]], 1)
        confidence = F.linear(F.leaky_relu_(F.linear(features, *self.confidence1), SLOPE), *self.confidence2)
        return logits, click, probs, click_probs, confidence


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
    mask, blocked = _masks(tuple(available or ()))
    runtime = runtime_of(policy)
    with torch.inference_mode():  # cheaper than no_grad: no version counters or views to track
        if isinstance(runtime, PolicyRuntime) and runtime.taps.device.type == "cpu":
            action_probs, click_probs, confidence = runtime.one(frame, blocked)
        else:
            logits, click, confidences = runtime(frames_tensor(frame), ~blocked)
            action_probs, click_probs, confidence = logits.softmax(-1)[0], click.softmax(-1)[0], confidences[0]
        probs = action_probs.numpy()
        heat = click_probs.view(FRAME, FRAME).numpy() if mask[CLICK - 1] else None
        sure = float(torch.sigmoid(confidence))
    if rng is not None:
        action = int(rng.choice(ACTIONS, p=probs / probs.sum())) + 1
    else:
        action = int(probs.argmax()) + 1
    x = y = None
    if heat is not None and action == CLICK:
        flat = int(rng.choice(FRAME * FRAME, p=heat.ravel() / heat.sum())) if rng is not None else int(heat.argmax())
        y, x = divmod(flat, FRAME)
    return FastProposal(action, x, y, sure, probs, heat)
