"""The phase plug-in API: what a training phase receives (PhaseContext) and what it provides (Phase).

A phase module registers itself in `agent/training/registry.py` (or any module named by the config's
`registry` key), which defines:

    MODEL_DEFAULTS: dict[str, Any]             # the [model] section's keys and default values
    build_models(config) -> dict[str, nn.Module]
    PHASES: list[Phase]                        # in order, numbers 1..5
    evaluate(ctx) -> dict[str, Any]            # optional: held-out figures, called after the last phase

Conventions a phase follows so that `--resume` reproduces an uninterrupted run and DDP matches one process:
- steps count completed updates: `for step in range(ctx.start_step, total): ...update...;
  ctx.log(step + 1, loss=...); ctx.maybe_checkpoint(step + 1, optimizer)`;
- call `ctx.restore_optimizer(optimizer)` once after building the optimizer (a no-op on a fresh phase);
- data that a phase generates before its loop comes from `ctx.data_rng()` (the same on every rank and on
  resume); the batch of step k from `ctx.step_rng(k)`; each rank takes its shard of the global batch
  (`ctx.rank`, `ctx.world_size`) and wraps trained modules with `ctx.wrap(module)` (DDP when distributed);
- final metrics that summarise the whole phase (first vs last loss) come from `ctx.history()`;
- `maybe_checkpoint` raises TrainingInterrupted after saving when Ctrl-C or SIGTERM arrived; long loops
  without an optimizer step call `ctx.check_stop()`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import torch

    from agent.training.config import TrainConfig


class TrainingInterrupted(Exception):  # noqa: N818 - a signal, not an error
    """Ctrl-C or SIGTERM reached a phase; the trainer has saved (or keeps) the latest checkpoint."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by signal {signum}")


class PhaseRuntime(Protocol):
    """The trainer's side of a PhaseContext (implemented in agent/training/trainer.py)."""

    def log(self, ctx: PhaseContext, step: int, metrics: dict[str, float]) -> None: ...
    def maybe_checkpoint(self, ctx: PhaseContext, step: int, optimizer: Any, force: bool) -> None: ...
    def restore_optimizer(self, ctx: PhaseContext, optimizer: Any) -> None: ...
    def stop_requested(self) -> bool: ...
    def history(self) -> list[dict[str, float]]: ...
    def wrap(self, module: torch.nn.Module) -> torch.nn.Module: ...
    def all_reduce_mean(self, tensor: torch.Tensor) -> torch.Tensor: ...


@dataclass
class PhaseContext:
    """Everything a phase needs: config, device, models, randomness, logging and checkpoints."""

    config: TrainConfig
    device: torch.device
    models: dict[str, torch.nn.Module]
    rng: np.random.Generator  # seeded from config.seed and the rank; saved and restored with checkpoints
    phase: int  # the running phase's number
    start_step: int  # > 0 when resuming inside this phase
    rank: int
    world_size: int
    run_dir: Any  # pathlib.Path; phases may write extra artefacts under it (rank 0 only)
    _runtime: PhaseRuntime = field(repr=False)

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def settings(self, name: str) -> dict[str, Any]:
        """This phase's settings (its defaults overridden by the config's [name] section)."""
        return self.config.phase(name)

    def autocast(self) -> AbstractContextManager[Any]:
        """bf16 autocast on CUDA; nothing on CPU (one code path for both)."""
        import contextlib

        import torch

        if self.device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def data_rng(self, salt: int = 0) -> np.random.Generator:
        """A generator for data made before the loop: the same on every rank and on resume."""
        import numpy as np

        return np.random.default_rng([self.config.seed, self.phase, 1_000_003, salt])

    def step_rng(self, step: int) -> np.random.Generator:
        """A generator for step `step`'s batch: the same on every rank and on resume."""
        import numpy as np

        return np.random.default_rng([self.config.seed, self.phase, step])

    def shard(self, batch_size: int) -> slice:
        """This rank's slice of a global batch of `batch_size` items."""
        per = -(-batch_size // self.world_size)
        return slice(self.rank * per, min(batch_size, (self.rank + 1) * per))

    def log(self, step: int, **metrics: float) -> None:
        """metrics.jsonl, a `step` event and the progress bar (rank 0 only writes)."""
        self._runtime.log(self, step, {k: float(v) for k, v in metrics.items()})

    def maybe_checkpoint(self, step: int, optimizer: Any = None, force: bool = False) -> None:
        """Save every `config.checkpoint_every` steps, at once with `force` (for steps that take minutes),
        or now when a stop was requested (then raise TrainingInterrupted)."""
        self._runtime.maybe_checkpoint(self, step, optimizer, force)

    def restore_optimizer(self, optimizer: Any) -> None:
        """Load the optimizer state saved with the checkpoint this phase resumes from (no-op otherwise)."""
        self._runtime.restore_optimizer(self, optimizer)

    def stop_requested(self) -> bool:
        return self._runtime.stop_requested()

    def history(self) -> list[dict[str, float]]:
        """Every `log` call's metrics in this phase, in order, including those before a resume (they
        travel in the checkpoint): compute first-vs-last trends from this, not from a local list."""
        return self._runtime.history()

    def check_stop(self) -> None:
        """Raise TrainingInterrupted when Ctrl-C or SIGTERM arrived (the latest checkpoint is kept)."""
        if self._runtime.stop_requested():
            raise TrainingInterrupted(0)

    def wrap(self, module: torch.nn.Module) -> torch.nn.Module:
        """DDP-wrapped when world_size > 1, else the module itself."""
        return self._runtime.wrap(module)

    def all_reduce_mean(self, tensor: torch.Tensor) -> torch.Tensor:
        """The mean over ranks (the tensor itself when world_size == 1)."""
        return self._runtime.all_reduce_mean(tensor)


@runtime_checkable
class Phase(Protocol):
    """One training phase. `defaults` names every key its config section accepts (unknown keys are errors)."""

    number: int  # 1..5
    name: str  # "world_model", "fast_policy", "slow_value", "arbiter", "joint"
    defaults: dict[str, Any]

    def steps(self, ctx: PhaseContext) -> int:
        """Total steps, for the progress bar and the checkpoint schedule."""
        ...

    def run(self, ctx: PhaseContext) -> dict[str, Any]:
        """Train from ctx.start_step to the end; the phase's final metrics (JSON-safe)."""
        ...

