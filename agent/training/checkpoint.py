"""Checkpoints: a directory with the weights (safetensors), the optimizer, the run state and the config.

    RUN_DIR/checkpoints/{seq:06d}-p{phase}-s{step}/  model.safetensors  all models, keys "modelname.param"
                                               optimizer.pt       torch.save of the phase's optimizer
                                               state.json         phase, step, completed phases, RNG, ...
                                               config.toml        the resolved config
    RUN_DIR/final/                             the same without optimizer.pt, plus metrics.json

Each is written to a temporary directory and renamed into place, so a crash never leaves half a
checkpoint; only the newest `keep` are kept. `load_checkpoint` is how agents read weights.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import CheckpointError

if TYPE_CHECKING:
    import torch

    from agent.training.config import TrainConfig

FORMAT_VERSION = 1
WEIGHTS, OPTIMIZER, STATE, CONFIG = "model.safetensors", "optimizer.pt", "state.json", "config.toml"


@dataclass
class Checkpoint:
    """What load_checkpoint returns; unpacks as (config, state_dicts, state)."""

    path: Path
    config: TrainConfig
    state_dicts: dict[str, dict[str, torch.Tensor]]
    state: dict[str, Any]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.config, self.state_dicts, self.state))


def next_checkpoint(run_dir: Path, phase: int, step: int) -> Path:
    """Where the next checkpoint goes: numbered after the newest, so order survives re-run phases."""
    found = list_checkpoints(run_dir)
    seq = _sequence(found[-1]) + 1 if found else 1
    return run_dir / "checkpoints" / f"{seq:06d}-p{phase}-s{step}"


def _sequence(path: Path) -> int:
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else -1


def list_checkpoints(run_dir: Path) -> list[Path]:
    """The run's checkpoints, oldest first."""
    root = run_dir / "checkpoints"
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if p.is_dir() and _sequence(p) >= 0), key=_sequence)


def flatten(models: dict[str, Any]) -> dict[str, torch.Tensor]:
    """{"model.param": tensor} over every model's state dict (modules or state dicts), contiguous on CPU."""
    out: dict[str, torch.Tensor] = {}
    for name, model in models.items():
        state = model.state_dict() if hasattr(model, "state_dict") else model
        for key, tensor in state.items():
            out[f"{name}.{key}"] = tensor.detach().to("cpu").contiguous()
    return out


def unflatten(flat: dict[str, torch.Tensor]) -> dict[str, dict[str, torch.Tensor]]:
    out: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in flat.items():
        name, _, rest = key.partition(".")
        out.setdefault(name, {})[rest] = tensor
    return out


def save_checkpoint(dest: Path, models: dict[str, Any], state: dict[str, Any], config_text: str,
                    optimizer: Any = None, extra: dict[str, Any] | None = None) -> Path:
    """Write a checkpoint directory atomically at `dest` (replacing one already there)."""
    import torch
    from safetensors.torch import save_file

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".tmp-{dest.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    save_file(flatten(models), str(tmp / WEIGHTS), metadata={"format_version": str(FORMAT_VERSION)})
    if optimizer is not None:
        torch.save(optimizer.state_dict(), tmp / OPTIMIZER)
    (tmp / STATE).write_text(json.dumps({"format_version": FORMAT_VERSION, **state}, indent=1), encoding="utf-8")
    (tmp / CONFIG).write_text(config_text, encoding="utf-8")
    for name, value in (extra or {}).items():
        (tmp / name).write_text(json.dumps(value, indent=2, default=str), encoding="utf-8")
    if dest.exists():
        old = dest.parent / f".old-{dest.name}-{os.getpid()}"
        os.replace(dest, old)
        os.replace(tmp, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, dest)
    return dest


def prune_checkpoints(run_dir: Path, keep: int) -> None:
    """Delete all but the newest `keep` checkpoints."""
    for old in list_checkpoints(run_dir)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def resolve_checkpoint(path: Path) -> Path:
    """A checkpoint directory, or a run directory meaning its final/ (else its newest checkpoint)."""
    path = Path(path)
    if (path / STATE).is_file() or (path / WEIGHTS).is_file():
        return path
    if (path / "final" / WEIGHTS).is_file():
        return path / "final"
    found = list_checkpoints(path)
    if found:
        return found[-1]
    if not path.exists():
        raise CheckpointError(f"checkpoint {path} does not exist")
    raise CheckpointError(f"no checkpoint in {path} (expected {WEIGHTS}, final/ or checkpoints/)")


def read_state(path: Path) -> dict[str, Any]:
    file = path / STATE
    try:
        state = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint state {file} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"checkpoint state {file} is corrupt: {exc}") from None
    if not isinstance(state, dict) or state.get("format_version") != FORMAT_VERSION:
        version = state.get("format_version") if isinstance(state, dict) else None
        raise CheckpointError(f"checkpoint state {file} has format version {version!r}; this aria reads "
                              f"version {FORMAT_VERSION}")
    return state


def read_weights(path: Path) -> dict[str, dict[str, torch.Tensor]]:
    from safetensors.torch import load_file

    file = path / WEIGHTS
    if not file.is_file():
        raise CheckpointError(f"checkpoint weights {file} are missing")
    try:
        return unflatten(load_file(str(file)))
    except Exception as exc:  # safetensors raises several types for truncated or garbled files
        raise CheckpointError(f"checkpoint weights {file} are corrupt or truncated: "
                              f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None


def load_checkpoint(path: str | Path) -> Checkpoint:
    """(config, state_dicts, state) of a checkpoint directory or a run directory (its final weights)."""
    from agent.errors import ConfigError
    from agent.training.config import load_config

    where = resolve_checkpoint(Path(path))
    state = read_state(where)
    config_file = where / CONFIG
    if not config_file.is_file():
        raise CheckpointError(f"checkpoint config {config_file} is missing")
    try:
        config = load_config(config_file)
    except ConfigError as exc:
        raise CheckpointError(f"checkpoint config {config_file} does not load: {exc}") from None
    return Checkpoint(where, config, read_weights(where), state)


def apply_state_dicts(models: dict[str, torch.nn.Module], state_dicts: dict[str, dict[str, torch.Tensor]],
                      source: Path, addable: Sequence[str] = ()) -> None:
    """Load weights into `models`; CheckpointError naming the file when names or shapes differ. Models named
    in `addable` may be missing from the checkpoint, or saved there at another shape (a run adding them, or
    adding them again as they are now): they keep their own weights."""
    file = source / WEIGHTS if source.is_dir() else source
    missing = sorted(set(models) - set(state_dicts) - set(addable))
    unexpected = sorted(set(state_dicts) - set(models))
    if missing or unexpected:
        raise CheckpointError(f"checkpoint {file} does not fit these models: "
                              f"missing {missing or 'none'}, unexpected {unexpected or 'none'}")
    for name, model in models.items():
        if name not in state_dicts:
            continue  # an addable model this checkpoint has not got yet
        own = model.state_dict()
        theirs = state_dicts[name]
        if name in addable and (set(own) != set(theirs)
                                or any(tuple(own[k].shape) != tuple(theirs[k].shape) for k in own)):
            continue  # saved at another shape: added again, from its own weights
        for key in sorted(set(own) | set(theirs)):
            if key not in own or key not in theirs:
                side = "missing from" if key not in theirs else "unexpected in"
                raise CheckpointError(f"checkpoint {file} does not fit these models: {name}.{key} {side} it")
            if tuple(own[key].shape) != tuple(theirs[key].shape):
                raise CheckpointError(f"checkpoint {file} does not fit these models: {name}.{key} is "
                                      f"{list(theirs[key].shape)} there, {list(own[key].shape)} here "
                                      "(a different model size?)")
        model.load_state_dict(theirs)


def load_optimizer_state(path: Path, device: Any) -> dict[str, Any] | None:
    """The optimizer state saved with checkpoint `path`, or None when it has none."""
    import torch

    file = path / OPTIMIZER
    if not file.is_file():
        return None
    try:
        return torch.load(file, map_location=device, weights_only=True)
    except Exception as exc:
        raise CheckpointError(f"checkpoint optimizer {file} is corrupt: {type(exc).__name__}") from None
