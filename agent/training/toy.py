"""A toy registry: a small regression model trained by SGD in two phases.

It exercises the trainer (resume, checkpoints, signals, DDP, events) without the real models; select
it with `registry = "agent.training.toy"` in a config. Each step samples a global batch from
`ctx.step_rng(step)` and every rank takes its shard, so one process and N processes make the same updates.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
from torch import nn

from agent.training.api import PhaseContext
from agent.training.config import TrainConfig

MODEL_DEFAULTS: dict[str, Any] = {"inputs": 8, "hidden": 16, "dropout": 0.0}


def build_models(config: TrainConfig) -> dict[str, nn.Module]:
    inputs, hidden = config.model["inputs"], config.model["hidden"]
    return {"regressor": nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh(), nn.Dropout(config.model["dropout"]),
                                       nn.Linear(hidden, 1)),
            "head": nn.Linear(1, 1)}


def _dataset(config: TrainConfig, rng: np.random.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """y = sin(x · w), w fixed by the seed, x drawn from `rng`."""
    inputs = config.model["inputs"]
    w = (np.random.default_rng([config.seed, 7]).normal(size=(inputs,)) / np.sqrt(inputs)).astype(np.float32)
    x = rng.normal(size=(size, inputs)).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(np.sin(x @ w)[:, None].astype(np.float32))


class RegressionPhase:
    """SGD with momentum on mean squared error over `trained` models."""

    defaults: dict[str, Any] = {"steps": 40, "batch": 32, "lr": 0.05, "data": 512, "step_delay": 0.0}

    def __init__(self, number: int, name: str, trained: tuple[str, ...]) -> None:
        self.number, self.name, self.trained = number, name, trained

    def steps(self, ctx: PhaseContext) -> int:
        return int(ctx.settings(self.name)["steps"])

    def forward(self, ctx: PhaseContext, modules: dict[str, nn.Module], x: torch.Tensor) -> torch.Tensor:
        return modules["head"](modules["regressor"](x))

    def run(self, ctx: PhaseContext) -> dict[str, Any]:
        settings = ctx.settings(self.name)
        x, y = _dataset(ctx.config, ctx.data_rng(), settings["data"])
        x, y = x.to(ctx.device), y.to(ctx.device)
        modules = {name: (ctx.wrap(m) if name in self.trained else m) for name, m in ctx.models.items()}
        params = [p for name in self.trained for p in ctx.models[name].parameters()]
        optimizer = torch.optim.SGD(params, lr=settings["lr"], momentum=0.9)
        ctx.restore_optimizer(optimizer)
        loss_value = torch.tensor(float("nan"))
        for step in range(ctx.start_step, self.steps(ctx)):
            batch = ctx.step_rng(step).integers(0, len(x), size=settings["batch"])[ctx.shard(settings["batch"])]
            with ctx.autocast():
                loss = nn.functional.mse_loss(self.forward(ctx, modules, x[batch]).float(), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_value = ctx.all_reduce_mean(loss.detach())
            if settings["step_delay"]:
                time.sleep(settings["step_delay"])
            ctx.log(step + 1, loss=float(loss_value))
            ctx.maybe_checkpoint(step + 1, optimizer)
        with torch.no_grad():
            full = float(nn.functional.mse_loss(self.forward(ctx, ctx.models, x), y))
        return {"loss": float(loss_value), "loss_first": ctx.history()[0]["loss"], "train_mse": full}


PHASES = [RegressionPhase(1, "fit", ("regressor", "head")), RegressionPhase(2, "finetune", ("head",))]


def evaluate(ctx: PhaseContext) -> dict[str, Any]:
    """Mean squared error on fresh inputs (not the training set)."""
    x, y = _dataset(ctx.config, np.random.default_rng([ctx.config.seed, 99]), 256)
    for module in ctx.models.values():
        module.eval()
    with torch.no_grad():
        pred = ctx.models["head"](ctx.models["regressor"](x.to(ctx.device))).float().cpu()
    return {"heldout_mse": float(nn.functional.mse_loss(pred, y))}
