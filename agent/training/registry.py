"""ARIA's models and five phases, as `aria train` runs them (the plug-in API: agent/training/api.py)."""

from __future__ import annotations

from typing import Any

from torch import nn

from agent.training.config import TrainConfig
from agent.training.phases import PHASES, evaluate

#: the [model] section: sizes, the games the agent is trained on ("" = the whole built-in suite), and
#: whether the run has a goal walker (agent/models/goal_walker.py: the fast policy walking the navigator's
#: routes, trained and calibrated in phase 5)
MODEL_DEFAULTS: dict[str, Any] = {
    "games": "", "policy_width": 32, "policy_hidden": 128, "policy_blocks": 0, "wm_members": 3, "wm_width": 16,
    "value_width": 32, "value_hidden": 128, "walker": False,
}

#: models a run may add to the checkpoint it starts from (`aria train --checkpoint`): they begin untrained
ADDABLE = ("goal_walker",)


def build_models(config: TrainConfig) -> dict[str, nn.Module]:
    from agent.models.arbiter import ArbiterState
    from agent.models.fast_policy import FastPolicy
    from agent.models.goal_walker import GoalWalker
    from agent.models.value import ValueNet
    from agent.models.world_model import WorldModelEnsemble

    m = config.model
    models: dict[str, nn.Module] = {
        "world_model": WorldModelEnsemble(m["wm_members"], m["wm_width"]),
        "fast_policy": FastPolicy(m["policy_width"], m["policy_hidden"], m["policy_blocks"]),
        "value": ValueNet(m["value_width"], m["value_hidden"]),
        "arbiter": ArbiterState(),
    }
    if m.get("walker"):
        models["goal_walker"] = GoalWalker(m["policy_width"], m["policy_hidden"], m["policy_blocks"])
    return models


__all__ = ["ADDABLE", "MODEL_DEFAULTS", "PHASES", "build_models", "evaluate"]
