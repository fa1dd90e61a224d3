"""Trained models for play: a checkpoint (or run) directory into ready-to-use modules on the CPU.

With no path, the default checkpoint shipped in `agent/checkpoints/default` is used.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from agent.errors import CheckpointError

DEFAULT_CHECKPOINT = Path(__file__).resolve().parents[1] / "checkpoints" / "default"

_LOADED: dict[str, dict[str, Any]] = {}
_LOCK = threading.Lock()


def load_models(checkpoint: str | Path | None = None) -> dict[str, Any]:
    """{name: module} in eval mode with the checkpoint's weights, for inference only.

    Loaded once per process and path: every game instance's agent shares the same read-only modules.
    """
    path = Path(checkpoint) if checkpoint is not None else DEFAULT_CHECKPOINT
    key = str(path.resolve())
    with _LOCK:
        if key not in _LOADED:
            _LOADED[key] = _load(path, default=checkpoint is None)
        return _LOADED[key]


def _load(path: Path, default: bool) -> dict[str, Any]:
    from agent.training.checkpoint import apply_state_dicts, load_checkpoint
    from agent.training.config import load_registry

    if default and not path.exists():
        raise CheckpointError(f"no default checkpoint at {path}; pass --checkpoint RUN_DIR from `aria train`")
    loaded = load_checkpoint(path)
    registry = load_registry(loaded.config.registry, str(loaded.path))
    models = registry.build_models(loaded.config)
    apply_state_dicts(models, loaded.state_dicts, loaded.path)
    for module in models.values():
        module.eval()
        for param in module.parameters():
            param.requires_grad_(False)
    return models
