"""The one optimisation loop the phases share: resume-aware steps, logging, checkpoints, DDP averaging."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import torch

from agent.training.api import PhaseContext

StepFn = Callable[[int, np.random.Generator], tuple[torch.Tensor, dict[str, float]]]


def optimise(ctx: PhaseContext, params: Iterable[torch.nn.Parameter], steps: int, lr: float, step_fn: StepFn,
             clip: float = 1.0, cosine: bool = False, total: int | None = None,
             restore: bool = True) -> list[dict[str, float]]:
    """Adam over `params` for steps ctx.start_step..steps; `step_fn(step, rng)` returns (loss, metrics).

    `cosine` decays the learning rate from `lr` to 5% of it along a half cosine over the phase's `total`
    steps (default `steps`; a function of the step alone, so a resumed run follows the same curve). Returns every step's
    metrics (averaged over ranks), for first-vs-last comparisons. `restore` False: a fresh optimizer even where the
    run resumes at ctx.start_step (a phase's second optimizer starting where its first one stopped).
    """
    params = [p for p in params if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    if restore:
        ctx.restore_optimizer(optimizer)
    for step in range(ctx.start_step, steps):
        if cosine:
            for group in optimizer.param_groups:
                group["lr"] = cosine_lr(lr, step, total or steps)
        with ctx.autocast():
            loss, metrics = step_fn(step, ctx.step_rng(step))
        optimizer.zero_grad()
        loss.float().backward()
        torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        averaged = {k: float(ctx.all_reduce_mean(torch.tensor(float(v), device=ctx.device))) for k, v in
                    {"loss": float(loss.detach()), **metrics}.items()}
        ctx.log(step + 1, **averaged)
        ctx.maybe_checkpoint(step + 1, optimizer)
    return ctx.history()  # every step's metrics, those before a resume included


def cosine_lr(lr: float, step: int, steps: int, floor: float = 0.05) -> float:
    """The learning rate at `step` of `steps` on a half cosine from `lr` down to `floor` × `lr`."""
    import math

    progress = step / max(1, steps - 1)
    return lr * (floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress)))


def trend(history: list[dict[str, float]], key: str, share: float = 0.2) -> dict[str, Any]:
    """Mean of `key` over the first and the last `share` of the steps (None when no steps ran)."""
    values = [h[key] for h in history if key in h]
    if not values:
        return {f"{key}_first": None, f"{key}_last": None}
    n = max(1, int(len(values) * share))
    return {f"{key}_first": float(np.mean(values[:n])), f"{key}_last": float(np.mean(values[-n:]))}
