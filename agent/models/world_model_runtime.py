"""The world-model ensemble at play time: every member in one pass, for the arbiter and the search.

`WorldModelEnsemble.predict` runs its members one after another, each a chain of small convolutions
whose per-call overhead outweighs their arithmetic at batch 1 (its 16-channel convolutions at 16×16
even fall to PyTorch's slow reference kernel), and takes an argmax over 16 colours per cell, a
reduction PyTorch runs slowly along a short last axis. Here, with the same parameters and the same
function:
- the members' layers are stacked once into grouped convolutions: one call per layer for the ensemble;
- the first layer's colour-embedding part is a sum of 9 table rows per output cell (embedding and
  kernel tap folded into one table, read with `embedding_bag`), and its action/coordinate part, the
  same for every frame, is computed once per action (a click adds its own cell's share);
- the second layer's action part (the max-pooled action planes) likewise, once per action;
- the last layer, a 1×1 convolution at 64×64 over [upsampled features, colour embedding, action
  planes], is split along its inputs: the feature part runs at 32×32 (a 1×1 convolution commutes with
  nearest upsampling), the colour part is a 16-row table (embedding, bias and copy prior folded in)
  read per cell, the action part one vector per action plus the clicked cell's;
- the argmax over colours is a max along the channel axis then the first channel equal to it, and
  the uncertainty compares the other members' logits at member 0's vote and at the cell's colour
  with their maxima instead of taking their argmax.
Only the order of floating-point additions differs from the modules': logits agree to about 1e-5 and
the predicted frames exactly on real frames (tests/agent_models/test_runtimes.py).

`runtime_of(ensemble)` builds one per ensemble, checks it against the modules on a probe batch (a
`WorldModel.forward` changed since would fail the check: the modules' own `predict` is used then),
and rebuilds it when the ensemble's weights change (`agent.models.runtime_cache`).
"""

from __future__ import annotations

from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from agent.models.encoding import ACTIONS, COLOURS, FRAME, coord_planes
from agent.models.runtime_cache import RuntimeCache
from agent.models.world_model import COPY_PRIOR, WorldModel, WorldModelEnsemble

SLOPE = 0.1  # the members' LeakyReLU slope
PAD = COLOURS  # the table row of a cell outside the frame (the convolution's zero padding)
HALF, QUARTER = FRAME // 2, FRAME // 4


def _first_max(values: torch.Tensor, dim: int) -> torch.Tensor:
    """`values.argmax(dim)` (the first index of the maximum) in float arithmetic only: PyTorch's argmax
    along a short axis, and its float comparisons, are several times slower here."""
    size = values.shape[dim]
    shape = [1] * values.dim()
    shape[dim] = size
    rank = torch.arange(size, 0, -1, dtype=values.dtype, device=values.device).view(shape)  # size .. 1
    at_max = (values - values.amax(dim, keepdim=True)).sign_().add_(1.0)  # 1 at the maximum, 0 elsewhere
    return size - at_max.mul_(rank).amax(dim)  # the largest rank at a maximum: the first maximum's


def _rows(table: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """`table[actions]`, a view without a copy when the batch has one action (the arbiter's case)."""
    if len(actions) == 1:
        return table[int(actions[0])][None]
    return table[actions]


def _conv(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, **options: int) -> torch.Tensor:
    """`F.conv2d` on a channels-last (B, H, W, C) tensor, answering the same layout."""
    return F.conv2d(x.permute(0, 3, 1, 2), weight, bias, **options).permute(0, 2, 3, 1)


class WorldModelRuntime:
    def __init__(self, ensemble: WorldModelEnsemble) -> None:
        members = cast(list[WorldModel], list(ensemble.members))
        first = members[0]
        m = self.m = len(members)
        w = self.width = int(first.down1.out_channels)
        embed = int(first.embed.embedding_dim)
        planes = ACTIONS + 1
        device = self.device = torch.device(first.down1.weight.device)
        with torch.no_grad():
            def stacked(name: str) -> tuple[torch.Tensor, torch.Tensor]:
                convs = [getattr(member, name) for member in members]
                return (torch.cat([c.weight for c in convs]).float().contiguous(),
                        torch.cat([c.bias for c in convs]).float().contiguous())

            down1, bias1 = stacked("down1")  # inputs: [embedding E, action planes P, coordinates 2]
            down2, bias2 = stacked("down2")  # inputs: [features W, pooled action planes P]
            self.down2 = down2[:, :w].contiguous()
            self.mid1, self.mid2, self.up = stacked("mid1"), stacked("mid2"), stacked("up")
            # layer 1, colour part: row (tap, colour) = the colour's embedding through that kernel tap
            taps = torch.zeros(9, COLOURS + 1, m * w, device=device)
            for i, member in enumerate(members):
                kernel = member.down1.weight[:, :embed].flatten(2)  # (W, E, 9)
                taps[:, :COLOURS, i * w:(i + 1) * w] = torch.einsum("ce,wet->tcw", member.embed.weight, kernel)
            self.taps = taps.reshape(9 * (COLOURS + 1), m * w)
            self.tap_offsets = torch.arange(9, device=device) * (COLOURS + 1)
            # layer 1 and 2, action part (with the coordinates and biases), per action; a click's cell apart
            coords = coord_planes(1, FRAME, device)
            plane = torch.zeros(ACTIONS, planes, FRAME, FRAME, device=device)
            plane[torch.arange(ACTIONS), torch.arange(ACTIONS)] = 1.0
            plane = torch.cat([plane, coords.expand(ACTIONS, 2, FRAME, FRAME)], 1)
            self.action1 = F.conv2d(plane, down1[:, embed:], bias1, stride=2, padding=1).permute(0, 2, 3, 1).contiguous()
            self.click1 = down1[:, embed + ACTIONS:embed + planes].contiguous()
            self.action2 = F.conv2d(F.max_pool2d(plane[:, :planes], 2), down2[:, w:], bias2, stride=2,
                                    padding=1).permute(0, 2, 3, 1).contiguous()  # (7, 16, 16, M·W)
            self.click2 = down2[:, w + ACTIONS:].contiguous()
            # last layer: features (at 32×32), colour table (with bias and copy prior), action vectors
            out = [member.out.weight[:, :, 0, 0] for member in members]  # (16, W + E + P) each
            self.out_features = torch.stack([o[:, :w] for o in out]).contiguous()  # (M, 16, W)
            table = [member.embed.weight @ o[:, w:w + embed].T + cast(torch.Tensor, member.out.bias)
                     + COPY_PRIOR * torch.eye(COLOURS, device=device) for member, o in zip(members, out, strict=True)]
            self.colour_table = torch.stack(table).permute(0, 2, 1).reshape(m * COLOURS, COLOURS).contiguous()
            self.action_out = torch.stack([o[:, w + embed:w + embed + ACTIONS] for o in out]).reshape(
                m * COLOURS, ACTIONS).T.contiguous()  # (7, M·16)
            self.click_out = torch.stack([o[:, w + embed + ACTIONS] for o in out]).reshape(m, COLOURS, 1)
            self.eye = torch.eye(COLOURS, device=device)
            self.outcome_w = torch.stack([member.outcome.weight for member in members])  # (M, 3, W)
            self.outcome_b = torch.stack([member.outcome.bias for member in members])  # (M, 3)

    def _logits(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(colour logits (M, 16, B, 4, 32·32), cells in parity-major order; the members' last 16×16
        features (B, 16, 16, M·W)). Activations are kept channels-last, (B, H, W, M·W), which is what
        the table lookups produce and what the grouped convolutions run fastest on."""
        b, m, w = frames.shape[0], self.m, self.width
        clicks = [(i, min(int(y), FRAME - 1), min(int(x), FRAME - 1))  # clamped, as `action_planes` does
                  for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True)) if x >= 0 and y >= 0]
        padded = F.pad(frames, (1, 1, 1, 1), value=PAD)
        cells = padded.unfold(1, 3, 2).unfold(2, 3, 2).reshape(b * HALF * HALF, 9)  # each output cell's 3×3 inputs
        x1 = F.embedding_bag(cells + self.tap_offsets, self.taps, mode="sum").view(b, HALF, HALF, m * w)
        x1 += _rows(self.action1, actions)
        for i, cy, cx in clicks:
            x1[i] += self._click_share(self.click1, cy, cx, FRAME)
        x1 = F.leaky_relu_(x1, SLOPE)
        x2 = _conv(x1, self.down2, None, stride=2, padding=1, groups=m) + _rows(self.action2, actions)
        for i, cy, cx in clicks:
            x2[i] += self._click_share(self.click2, cy // 2, cx // 2, HALF)
        x2 = F.leaky_relu_(x2, SLOPE)
        x2 = x2 + F.leaky_relu_(_conv(x2, *self.mid1, padding=2, dilation=2, groups=m), SLOPE)
        x2 = x2 + F.leaky_relu_(_conv(x2, *self.mid2, padding=4, dilation=4, groups=m), SLOPE)
        upsampled = x2.view(b, QUARTER, 1, QUARTER, 1, m, w).expand(b, QUARTER, 2, QUARTER, 2, m, w)
        x = torch.cat([upsampled.reshape(b, HALF, HALF, m, w), x1.view(b, HALF, HALF, m, w)], -1)
        u1 = F.leaky_relu_(_conv(x.view(b, HALF, HALF, -1), *self.up, padding=1, groups=m), SLOPE)
        # the last layer's feature part, per member: (16, W) @ (W, B·32·32), read from channels-last
        coarse = torch.bmm(self.out_features, u1.view(b * HALF * HALF, m, w).permute(1, 2, 0))
        coarse = coarse.view(m, COLOURS, b, 1, HALF * HALF)
        coarse += _rows(self.action_out, actions).reshape(-1, m, COLOURS).permute(1, 2, 0)[..., None, None]
        # its colour part: the table's column per cell (a product with the one-hot frame, exact)
        onehot = F.embedding(_parity_major(frames).flatten(), self.eye)
        logits = torch.mm(self.colour_table, onehot.t()).view(m, COLOURS, b, 4, HALF * HALF)
        logits += coarse
        for i, cy, cx in clicks:
            logits[:, :, i, (cy % 2) * 2 + cx % 2, (cy // 2) * HALF + cx // 2] += self.click_out[..., 0]
        return logits, x2

    @staticmethod
    def _click_share(kernel: torch.Tensor, y: int, x: int, size: int) -> torch.Tensor:
        """A stride-2 3×3 convolution's output (channels-last) from a one at (y, x) in a size × size plane."""
        plane = torch.zeros(1, 1, size, size, device=kernel.device)
        plane[0, 0, y, x] = 1.0
        return F.conv2d(plane, kernel, stride=2, padding=1)[0].permute(1, 2, 0)

    @staticmethod
    def _uncertainty(logits: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        """`WorldModelEnsemble.predict`'s uncertainty: the share of cells where the members' argmax
        colours disagree, over the cells any member changes. `frames` in parity-major order.

        Member 0's vote is its first maximum; another member agrees with it (or keeps the cell's colour)
        when its logit there is its maximum. The two differ only where a member's maximum is tied
        exactly between two colours, and this way reads 3 of the 16 logits per cell instead of all."""
        top = logits.amax(1)  # (M, B, 4, 32·32)
        first = _first_max(logits[0], 0)  # member 0's vote
        shape = (logits.shape[0], 1, *first.shape)
        agree = logits.gather(1, first.long()[None, None].expand(shape)).squeeze(1) == top
        keep = logits.gather(1, frames.long()[None, None].expand(shape)).squeeze(1) == top
        keep[0] = first == frames.to(first.dtype)
        disagree = (~agree.all(0)).flatten(1).sum(1).float()  # counts: exact as floats
        changed = (~keep.all(0)).flatten(1).sum(1).float()
        return (disagree / changed.clamp(min=1.0)).clamp(max=1.0)

    @torch.inference_mode()
    def uncertainty(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                    ys: torch.Tensor) -> torch.Tensor:
        """`WorldModelEnsemble.predict`'s uncertainty alone, (B,)."""
        logits, _ = self._logits(frames, actions, xs, ys)
        return self._uncertainty(logits, _parity_major(frames))

    @torch.inference_mode()
    def predict(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """What `WorldModelEnsemble.predict` answers: (next frames (B, 64, 64), outcome probabilities
        (B, 3), uncertainty (B,))."""
        logits, x2 = self._logits(frames, actions, xs, ys)
        b = frames.shape[0]
        pooled = x2.reshape(b, -1, self.m, self.width).mean(1)  # (B, M, W)
        nxt = _first_max(logits.mean(0), 0).long().view(b, 2, 2, HALF, HALF).permute(0, 3, 1, 4, 2)
        outcome = torch.einsum("bmw,mow->mbo", pooled, self.outcome_w) + self.outcome_b[:, None]
        return (nxt.reshape(b, FRAME, FRAME), outcome.softmax(-1).mean(0),
                self._uncertainty(logits, _parity_major(frames)))


def _parity_major(frames: torch.Tensor) -> torch.Tensor:
    """(B, 64, 64) → (B, 4, 32·32): cell (2i + p, 2j + q) at [p·2 + q, i·32 + j]."""
    return frames.view(-1, HALF, 2, HALF, 2).permute(0, 2, 4, 1, 3).reshape(-1, 4, HALF * HALF)


class ModulePath:
    """The ensemble's own `predict`, behind the runtime's interface: the fallback when a runtime built
    from the weights does not reproduce the modules (a changed `WorldModel.forward`), and the reference
    the tests compare the runtime with."""

    def __init__(self, ensemble: WorldModelEnsemble) -> None:
        self.ensemble = ensemble

    def uncertainty(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                    ys: torch.Tensor) -> torch.Tensor:
        return self.ensemble.predict(frames, actions, xs, ys)[2]

    def predict(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.ensemble.predict(frames, actions, xs, ys)


def reproduces(runtime: WorldModelRuntime, ensemble: WorldModelEnsemble, tolerance: float = 1e-3) -> bool:
    """Whether `runtime` computes the ensemble's logits and outcomes on a probe batch: a random frame
    under every action and two clicks."""
    rng = torch.Generator().manual_seed(0)
    frames = torch.randint(0, COLOURS, (ACTIONS + 2, FRAME, FRAME), generator=rng)
    actions = torch.tensor([*range(ACTIONS), ACTIONS - 2, ACTIONS - 2])
    xs = torch.tensor([-1] * ACTIONS + [0, 37])
    ys = torch.tensor([-1] * ACTIONS + [63, 21])
    device = runtime.device
    frames, actions, xs, ys = (t.to(device) for t in (frames, actions, xs, ys))
    with torch.inference_mode():
        logits, outcome = ensemble(frames, actions, xs, ys)
        mine, x2 = runtime._logits(frames, actions, xs, ys)
        theirs = _parity_major(logits.flatten(0, 2)).view(*logits.shape[:3], 4, HALF * HALF).permute(0, 2, 1, 3, 4)
        pooled = x2.reshape(len(frames), -1, runtime.m, runtime.width).mean(1)
        mine_outcome = torch.einsum("bmw,mow->mbo", pooled, runtime.outcome_w) + runtime.outcome_b[:, None]
    return bool(torch.allclose(mine, theirs, atol=tolerance) and torch.allclose(mine_outcome, outcome, atol=tolerance))


def _build(ensemble: nn.Module) -> WorldModelRuntime | ModulePath:
    assert isinstance(ensemble, WorldModelEnsemble)
    built = WorldModelRuntime(ensemble)
    return built if reproduces(built, ensemble) else ModulePath(ensemble)


_RUNTIMES: RuntimeCache[WorldModelRuntime | ModulePath] = RuntimeCache(_build)


def runtime_of(ensemble: WorldModelEnsemble) -> WorldModelRuntime | ModulePath:
    """The runtime of `ensemble`: built on first use and checked against the modules (else the modules'
    own path), shared (agents share their loaded models), rebuilt when the weights have changed since."""
    return _RUNTIMES.of(ensemble)
