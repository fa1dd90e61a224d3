"""The run's held-out report (results.json): every agent on the same evaluation seeds, plus the
models' own figures (world-model error, confidence calibration) on validation seeds, timing and memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.base import Agent
from agent.training.api import PhaseContext

EVAL_FIRST_SEED = 10_000


def heldout_report(ctx: PhaseContext) -> dict[str, Any]:
    from agent.agents.aria_agent import AriaAgent
    from agent.agents.fast_agent import AriaFastAgent
    from agent.training.arbiter_sweep import bound_json
    from agent.training.datasets import transitions
    from agent.training.evaluate import evaluate_agents, peak_rss_mb
    from agent.training.objectives import calibration, world_model_errors
    from agent.training.phases import play_models, validation_games

    s = ctx.settings("joint")
    models = play_models(ctx)
    games = validation_games(ctx)
    seeds = list(range(EVAL_FIRST_SEED, EVAL_FIRST_SEED + int(s["eval_seeds"])))
    levels = range(int(s["eval_levels"]))
    agents: dict[str, Callable[[int], Agent] | None] = {
        "random": None,
        "oracle": None,
        "aria-fast": lambda seed: AriaFastAgent(seed, models=models),
        "aria": lambda seed: AriaAgent(seed, models=models),
    }
    results = evaluate_agents(agents, games, seeds, levels, stop=ctx.check_stop)
    import torch

    device = torch.device("cpu")
    val = transitions(ctx.config, "val", ctx.settings("fast_policy")["val_seeds"], ctx.settings("fast_policy")["levels"])
    full, fast = results["aria"]["overall"], results["aria-fast"]["overall"]
    summary = {
        "eval_seeds": [seeds[0], seeds[-1]], "levels": [lvl + 1 for lvl in levels],
        "attempts_per_game": len(seeds) * len(levels),
        "success": {name: r["overall"]["success"] for name, r in results.items()},
        "fast_share": full.get("fast_share"),
        "full_minus_fast_only": (full["success"] or 0.0) - (fast["success"] or 0.0),
        "threshold": float(models["arbiter"].threshold),
        "max_uncertainty": bound_json(float(models["arbiter"].max_uncertainty)),  # null: no bound
        "fast_ms_p50": full.get("fast_ms_p50"), "fast_ms_p95": full.get("fast_ms_p95"),
        "slow_ms_p50": full.get("slow_ms_p50"), "slow_ms_p95": full.get("slow_ms_p95"),
        "aria_fast_ms_p50": fast.get("fast_ms_p50"),
        "peak_rss_mb": peak_rss_mb(),
    }
    if torch.cuda.is_available():
        summary["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
    summary.update(world_model_errors(models["world_model"], val, device))
    calib = calibration(models["fast_policy"], val, device)
    summary["fast_val_accuracy"] = calib.get("accuracy")  # argmax optimal, validation seeds
    summary["fast_val_oracle_accuracy"] = calib.get("oracle_accuracy")  # argmax = the oracle's action
    summary["confidence_ece"] = calib.get("ece")
    summary["confidence_reliability"] = calib.get("reliability")
    return {"summary": summary, "agents": results}
