"""The trainer: runs the registered phases in order on one device (or under torchrun, DDP), with
events, metrics.jsonl, atomic checkpoints, resume and Ctrl-C. The phases own their objectives
(agent/training/api.py describes the contract); this module owns everything around them.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import numpy as np
import torch

from agent.errors import CheckpointError, ConfigError
from agent.training import checkpoint as ckpt
from agent.training.api import Phase, PhaseContext, TrainingInterrupted
from agent.training.config import TrainConfig, dump_toml, load_config, load_registry
from agent.training.events import EventLog, EventSink
from agent.training.seeding import capture_rng, restore_rng, seed_everything


def resolve_device(name: str, local_rank: int = 0) -> torch.device:
    """auto → CUDA when present, else CPU; cuda without a GPU is a user error."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError("device cuda requested but torch sees no CUDA device; use --device cpu or auto")
        return torch.device("cuda", local_rank)
    return torch.device("cpu")


def default_run_dir() -> Path:
    from agent.run_dirs import new_run_dir

    return new_run_dir("train")


def peak_memory(device: torch.device) -> dict[str, float]:
    """Peak GPU memory allocated (CUDA) or the process's peak RSS (CPU), in MiB."""
    if device.type == "cuda":
        return {"peak_gpu_mib": round(torch.cuda.max_memory_allocated(device) / 2**20, 1)}
    import resource

    return {"peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


class Trainer:
    """`Trainer(config, run_dir, on_event=...).run()` → results; `resume=True` continues run_dir.

    `rerun` names phases to train again even when the run already completed them (`--resume RUN --phase N`).
    `init_from` starts a new run from another run's (or a shipped) checkpoint: its weights, its completed
    phases and their metrics, less the phases selected now (`aria train --checkpoint CKPT --phase 4`).
    """

    def __init__(self, config: TrainConfig, run_dir: Path | None = None, on_event: EventSink | None = None,
                 resume: bool = False, events_target: str | None = None, handle_signals: bool = True,
                 rerun: tuple[int, ...] = (), init_from: Path | None = None) -> None:
        self.config = config
        self.init_from = Path(init_from) if init_from is not None else None
        self.rerun = set(rerun)
        self.run_dir = Path(run_dir) if run_dir is not None else default_run_dir()
        self.resume = resume
        self.handle_signals = handle_signals
        self.world_size = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.events = EventLog([on_event] if on_event is not None and self.rank == 0 else [])
        self.events_target = events_target
        self._stop_signal = 0
        self._window: dict[str, list[float]] = {}
        self._phase_steps, self._phase_name = 0, ""
        self._history: list[dict[str, float]] = []
        self._resume_from: Path | None = None
        self._resume_state: dict[str, Any] = {}

    # --- the run ---------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        """Train every selected phase not yet completed; the results (also RUN_DIR/results.json)."""
        self._init_distributed()
        previous = self._install_signals()
        try:
            return self._run()
        except TrainingInterrupted as stop:
            signum = self._stop_signal or stop.signum or signal.SIGINT
            latest = ckpt.list_checkpoints(self.run_dir)
            where = latest[-1] if latest else self.run_dir
            self._emit({"event": "error", "exit_code": 128 + signum,
                        "message": f"interrupted by {signal.Signals(signum).name}; checkpoint {where}; "
                                   f"continue with: aria train --resume {self.run_dir}"})
            raise TrainingInterrupted(signum) from None
        except Exception as exc:
            self._emit({"event": "error", "message": f"{type(exc).__name__}: {exc}", "exit_code": 1})
            raise
        finally:
            self._restore_signals(previous)
            self.events.close()
            if self.world_size > 1 and torch.distributed.is_initialized():
                torch.distributed.destroy_process_group()

    def _run(self) -> dict[str, Any]:
        config = self.config
        self.device = resolve_device(config.device, self.local_rank)
        registry = load_registry(config.registry, config.source)
        seed_everything(config.seed)
        self.rng = np.random.default_rng([config.seed, self.rank])
        self.models = {name: m.to(self.device) for name, m in registry.build_models(config).items()}
        self._addable = tuple(getattr(registry, "ADDABLE", ()))  # models `init_from` may lack
        state = self._load_resume_state() if self.resume else {}
        self._resume_state = state
        completed: list[int] = list(state.get("completed", []))
        metrics: dict[str, Any] = dict(state.get("metrics", {}))
        selected = self._selected(registry)
        if self.init_from is not None and not state:
            completed, metrics = self._load_initial(selected)
        if self.rank == 0:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            (self.run_dir / "config.toml").write_text(dump_toml(config.to_dict()), encoding="utf-8")
            self.events.add_file(self.run_dir / "events.jsonl")
            if self.events_target:
                self.events.add_target(self.events_target)
        plan = [{"phase": p.number, "name": p.name, "steps": p.steps(self._context(p, 0))} for p in selected]
        self._emit({"event": "run_started", "run_dir": str(self.run_dir), "device": str(self.device),
                    "world_size": self.world_size, "phases": plan, "resumed": bool(state),
                    "config_hash": config.hash(),
                    "init_from": str(self.init_from) if self.init_from is not None else None})
        started = time.perf_counter()
        if not state and selected:  # a fresh run can be resumed even if stopped before its first step
            self._completed, self._metrics = completed, metrics
            self._save(selected[0].number, 0, completed, metrics, None)
        ran = False
        for phase in selected:
            if phase.number in completed and phase.number not in self.rerun:
                continue
            ran = True
            start_step = int(state.get("step", 0)) if state.get("phase") == phase.number else 0
            metrics[phase.name] = self._run_phase(phase, start_step, completed, metrics)
            completed = sorted({*completed, phase.number})
            self._save(phase.number + 1, 0, completed, metrics, None)
            self._resume_from = None
        order = [p.name for p in sorted(registry.PHASES, key=lambda p: p.number)]  # a re-run phase keeps its place
        metrics = {**{name: metrics[name] for name in order if name in metrics}, **metrics}
        evaluation: dict[str, Any] = {}
        last = max(p.number for p in registry.PHASES)
        # the weights changed (or the last phase is asked for): results.json describes them afresh
        if hasattr(registry, "evaluate") and last in completed and (ran or any(p.number == last for p in selected)):
            evaluation = registry.evaluate(self._context(selected[-1], 0)) or {}
        results = {"run_dir": str(self.run_dir), "device": str(self.device), "world_size": self.world_size,
                   "config_hash": config.hash(), "completed_phases": sorted(completed), "phases": metrics,
                   "evaluation": evaluation, "seconds": round(time.perf_counter() - started, 2),
                   **peak_memory(self.device)}
        if self.init_from is not None:
            results["init_from"] = str(self.init_from)
        if self.rank == 0:
            self._write_final(completed, metrics, results)
        self._emit({"event": "run_ended", "results": results, "results_path": str(self.run_dir / "results.json")})
        return results

    def _run_phase(self, phase: Phase, start_step: int, completed: list[int],
                   metrics: dict[str, Any]) -> dict[str, Any]:
        ctx = self._context(phase, start_step)
        self._phase_steps, self._phase_name = phase.steps(ctx), phase.name
        # a re-run phase is not complete until it ends again
        self._completed, self._metrics = [c for c in completed if c != phase.number], metrics
        self._window = {}
        resumed_here = self._resume_state.get("phase") == phase.number and start_step > 0
        self._history = list(self._resume_state.get("history", [])) if resumed_here else []
        self._emit({"event": "phase_started", "phase": phase.number, "name": phase.name,
                    "steps": self._phase_steps, "start_step": start_step})
        if self.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(self.device)
        began = time.perf_counter()
        for model in self.models.values():
            model.train()
        result = dict(phase.run(ctx) or {})
        seconds = time.perf_counter() - began
        result.setdefault("seconds", round(seconds, 2))
        done = self._phase_steps - start_step
        if done > 0 and seconds > 0:
            result.setdefault("steps_per_s", round(done / seconds, 2))
        if self.device.type == "cuda":
            result.update(peak_memory(self.device))
        self._emit({"event": "phase_ended", "phase": phase.number, "name": phase.name, "metrics": result,
                    "seconds": round(seconds, 2)})
        return result

    def _selected(self, registry: ModuleType) -> list[Phase]:
        phases = sorted(registry.PHASES, key=lambda p: p.number)
        wanted = set(self.config.phases) or {p.number for p in phases}
        return [p for p in phases if p.number in wanted]

    def _context(self, phase: Phase, start_step: int) -> PhaseContext:
        return PhaseContext(config=self.config, device=self.device, models=self.models, rng=self.rng,
                            phase=phase.number, start_step=start_step, rank=self.rank,
                            world_size=self.world_size, run_dir=self.run_dir, _runtime=self)

    # --- resume ----------------------------------------------------------------------------------
    def _load_initial(self, selected: list[Phase]) -> tuple[list[int], dict[str, Any]]:
        """Weights from `init_from`; its completed phases and metrics, less those about to run."""
        loaded = ckpt.load_checkpoint(self.init_from)  # type: ignore[arg-type]
        ckpt.apply_state_dicts(self.models, loaded.state_dicts, loaded.path, self._addable)
        numbers, names = {p.number for p in selected}, {p.name for p in selected}
        completed = [int(n) for n in loaded.state.get("completed", []) if n not in numbers]
        metrics = {k: v for k, v in dict(loaded.state.get("metrics", {})).items() if k not in names}
        return completed, metrics

    def _load_resume_state(self) -> dict[str, Any]:
        found = ckpt.list_checkpoints(self.run_dir)
        if not found:
            raise CheckpointError(f"no checkpoint to resume in {self.run_dir / 'checkpoints'}")
        where = found[-1]
        state = ckpt.read_state(where)
        if state.get("config_hash") != self.config.hash():
            raise CheckpointError(f"checkpoint {where / ckpt.STATE} was written with another config "
                                  f"(hash {state.get('config_hash')}, now {self.config.hash()}); "
                                  f"restore {self.run_dir / 'config.toml'} or start a new run")
        ckpt.apply_state_dicts(self.models, ckpt.read_weights(where), where)
        rng_states = state.get("rng", [])
        if self.rank < len(rng_states) and state.get("world_size", 1) == self.world_size:
            restore_rng(rng_states[self.rank], self.rng)
        self._resume_from = where
        return state

    def restore_optimizer(self, ctx: PhaseContext, optimizer: Any) -> None:
        if self._resume_from is None or ctx.start_step == 0 or optimizer is None:
            return
        if ctx.start_step != int(self._resume_state.get("step", 0)):  # a later optimizer of the same phase
            return
        saved = ckpt.load_optimizer_state(self._resume_from, self.device)
        if saved is None:
            raise CheckpointError(f"checkpoint {self._resume_from} has no {ckpt.OPTIMIZER} to resume phase "
                                  f"{ctx.phase} at step {ctx.start_step}")
        try:
            optimizer.load_state_dict(saved)
        except (ValueError, KeyError) as exc:
            raise CheckpointError(f"checkpoint {self._resume_from / ckpt.OPTIMIZER} does not fit this "
                                  f"phase's optimizer: {exc}") from None

    # --- checkpoints -----------------------------------------------------------------------------
    def maybe_checkpoint(self, ctx: PhaseContext, step: int, optimizer: Any, force: bool) -> None:
        stop = self._agreed_stop()
        at_end = step >= self._phase_steps  # the phase-end checkpoint follows at once
        if force or stop or (step % self.config.checkpoint_every == 0 and not at_end):
            self._save(ctx.phase, step, self._completed, self._metrics, optimizer)
        if stop:
            raise TrainingInterrupted(self._stop_signal or signal.SIGINT)

    def _save(self, phase: int, step: int, completed: list[int], metrics: dict[str, Any],
              optimizer: Any) -> None:
        rng = [capture_rng(self.rng)]
        if self.world_size > 1:
            gathered: list[Any] = [None] * self.world_size
            torch.distributed.all_gather_object(gathered, rng[0])
            rng = gathered
        if self.rank == 0:
            state = {"phase": phase, "step": step, "completed": sorted(completed), "metrics": metrics,
                     "config_hash": self.config.hash(), "world_size": self.world_size, "rng": rng,
                     "history": self._history if step > 0 else []}
            path = ckpt.save_checkpoint(ckpt.next_checkpoint(self.run_dir, phase, step), self.models, state,
                                        dump_toml(self.config.to_dict()), optimizer)
            ckpt.prune_checkpoints(self.run_dir, self.config.keep_checkpoints)
            self._emit({"event": "checkpoint", "path": str(path), "phase": phase, "step": step})
        if self.world_size > 1:
            torch.distributed.barrier()

    def _write_final(self, completed: list[int], metrics: dict[str, Any], results: dict[str, Any]) -> None:
        state = {"phase": 0, "step": 0, "completed": sorted(completed), "metrics": metrics,
                 "config_hash": self.config.hash(), "world_size": self.world_size, "rng": []}
        ckpt.save_checkpoint(self.run_dir / "final", self.models, state, dump_toml(self.config.to_dict()),
                             extra={"metrics.json": metrics})
        (self.run_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n",
                                                   encoding="utf-8")

    # --- logging ---------------------------------------------------------------------------------
    def history(self) -> list[dict[str, float]]:
        return list(self._history)

    def log(self, ctx: PhaseContext, step: int, metrics: dict[str, float]) -> None:
        self._history.append(dict(metrics))
        for key, value in metrics.items():
            self._window.setdefault(key, []).append(value)
        if step % self.config.log_every and step != self._phase_steps:
            return
        means = {key: sum(values) / len(values) for key, values in self._window.items()}
        self._window = {}
        if self.rank != 0:
            return
        now = round(time.time(), 3)
        with (self.run_dir / "metrics.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"phase": ctx.phase, "step": step, "metrics": means, "time": now}) + "\n")
        self._emit({"event": "step", "phase": ctx.phase, "name": self._phase_name, "step": step,
                    "steps": self._phase_steps, "time": now, **means})

    def _emit(self, event: dict[str, Any]) -> None:
        if self.rank == 0:
            self.events.emit(event)

    # --- signals and distribution ----------------------------------------------------------------
    def stop_requested(self) -> bool:
        return bool(self._stop_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._stop_signal:  # a second Ctrl-C: stop now, keeping the latest checkpoint
            raise TrainingInterrupted(signum)
        self._stop_signal = signum

    def _install_signals(self) -> dict[int, Any]:
        import threading

        if not self.handle_signals or threading.current_thread() is not threading.main_thread():
            return {}
        return {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}

    def _restore_signals(self, previous: dict[int, Any]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    def _agreed_stop(self) -> bool:
        """Whether to stop now: any rank's signal stops every rank at the same step."""
        if self.world_size == 1:
            return bool(self._stop_signal)
        flag = torch.tensor([float(self._stop_signal)], device=self._collective_device())
        torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
        if flag.item() and not self._stop_signal:
            self._stop_signal = int(flag.item())
        return bool(flag.item())

    def _collective_device(self) -> torch.device:
        return self.device if self.device.type == "cuda" else torch.device("cpu")

    def _init_distributed(self) -> None:
        if self.world_size == 1 or torch.distributed.is_initialized():
            return
        cuda = self.config.device == "cuda" or (self.config.device == "auto" and torch.cuda.is_available())
        if cuda:
            torch.cuda.set_device(self.local_rank)
        torch.distributed.init_process_group(backend="nccl" if cuda else "gloo")

    def wrap(self, module: torch.nn.Module) -> torch.nn.Module:
        if self.world_size == 1:
            return module
        from torch.nn.parallel import DistributedDataParallel

        ids = [self.device.index] if self.device.type == "cuda" else None
        return DistributedDataParallel(module, device_ids=ids)

    def all_reduce_mean(self, tensor: torch.Tensor) -> torch.Tensor:
        if self.world_size == 1:
            return tensor
        out = tensor.detach().clone()
        torch.distributed.all_reduce(out, op=torch.distributed.ReduceOp.SUM)
        return out / self.world_size


def resume_config(run_dir: Path, device: str | None = None) -> TrainConfig:
    """The config a run was started with (RUN_DIR/config.toml), with another device if asked."""
    file = Path(run_dir) / "config.toml"
    if not file.is_file():
        raise CheckpointError(f"{run_dir} is not a training run (no config.toml)")
    config = load_config(file)
    return config.with_runtime(device=device) if device else config
