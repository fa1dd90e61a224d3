"""The models and phases `aria train` runs (the plug-in API is in agent/training/api.py).

Until the real five phases land here, this registry is the toy regression set, so that the trainer and
`aria train` work end to end. The models engineer replaces this module's contents.
"""

from __future__ import annotations

from agent.training.toy import MODEL_DEFAULTS, PHASES, build_models, evaluate

__all__ = ["MODEL_DEFAULTS", "PHASES", "build_models", "evaluate"]
