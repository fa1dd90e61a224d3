"""Phase 4's calibration grid: the fast policy's confidence threshold × the world-model disagreement
bound, each point played by the full agent on validation levels, and the rule that picks one.

The rule: the highest validation success wins, but every point within the tolerance (in success
rate) of the best counts as losing no success; among those, the most fast usage wins; exact ties go to
the earlier point of the grid (thresholds as listed, bounds as listed, so a grid listed from the
tightest bound to none keeps a bound unless dropping it adds fast usage). The tolerance is the larger
of `tolerance` (absolute) and `tolerance_se` standard errors of the best point's success rate,
sqrt(p(1 - p) / n): with `tolerance_se = 1` it is Breiman's one-standard-error rule of model
selection, which takes sampling noise for what it is (a 600-attempt sweep's best point has a standard
error of about two points, and differences below that between thresholds changed sign between
validation seed sets). Not a Wilson interval per point: a sweep of ~100 attempts per point has
intervals several points wide, which would call nearly every point a tie and hand the choice to fast
usage alone.

Success alone does not see the actions a level took: a fast policy that wanders before it gets there
wins as often and scores less (ARC-AGI-3 scores a level (baseline actions / actions)^2). With
`score_tolerance_se` finite, a point must also keep its mean level score (the oracle's actions as the
baseline, 0 for a lost level) within that many standard errors of the best point's; `inf` (the
default) leaves the rule on success alone.

The uncertainty is the share of changed cells on which the world models disagree (0..1), so any bound
of 1 or more is no bound: the grid plays it once, as `inf`, and the agent then skips the ensemble on
its fast steps. "No bound" is `inf` in the config (TOML reads `inf`) and in the arbiter's buffer; JSON (results,
metrics) writes it as null, which is standard JSON where `Infinity` is not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from agent.errors import ConfigError

NEVER = 1.0  # a threshold above this never lets the fast policy act, so the bound cannot matter


def bound_json(bound: float) -> float | None:
    """The bound as JSON writes it: null for no bound."""
    return None if math.isinf(bound) else float(bound)


def sweep_grid(thresholds: Sequence[Any], bounds: Sequence[Any], source: str) -> list[tuple[float, float]]:
    """(threshold, bound) points: every threshold with every bound, a never-fast threshold once."""
    for key, values in (("arbiter.thresholds", thresholds), ("arbiter.max_uncertainties", bounds)):
        if not values or not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
                                 and not math.isnan(v) for v in values):
            raise ConfigError(f"{key} in {source} must be a non-empty list of numbers >= 0 "
                              f"(a bound of inf: no bound), not {list(values)!r}")
    # the uncertainty is a share of cells (0..1): a bound of 1 or more is no bound, played once as inf
    distinct = list(dict.fromkeys(math.inf if b >= 1.0 else float(b) for b in bounds))
    return [(float(t), b) for t in thresholds for b in (distinct if t <= NEVER else distinct[:1])]


def choose(points: list[dict[str, Any]], tolerance: float, tolerance_se: float = 0.0,
           score_tolerance_se: float = math.inf) -> dict[str, Any]:
    """The point with the most fast usage among those within the tolerance of the best success: the
    larger of `tolerance` and `tolerance_se` standard errors of the best point's rate (its `attempts`).
    With a finite `score_tolerance_se`, a point must also lose no level score: its mean score (`score`)
    within that many standard errors (the best-scoring point's `score_se`) of the best score."""
    top = max(points, key=lambda p: p["success"])
    best = top["success"]
    if tolerance_se > 0 and top.get("attempts"):
        tolerance = max(tolerance, tolerance_se * math.sqrt(best * (1.0 - best) / top["attempts"]))
    keep = [p for p in points if p["success"] >= best - tolerance - 1e-12]
    scored = [p for p in points if p.get("score") is not None]
    if not math.isinf(score_tolerance_se) and scored:
        leader = max(scored, key=lambda p: p["score"])
        floor = leader["score"] - score_tolerance_se * float(leader.get("score_se") or 0.0) - 1e-12
        keep = [p for p in keep if p.get("score") is None or p["score"] >= floor] or keep
    return max(keep, key=lambda p: (p["fast_share"], p["success"]))  # max keeps the first of equals


def play_point(models: dict[str, Any], threshold: float, bound: float, games: Sequence[Any],
               seeds: Sequence[int], levels: Sequence[int], stop: Callable[[], None] | None) -> dict[str, Any]:
    """The full agent with the arbiter set to (threshold, bound) on every game × seed × level.

    `models` are play copies (agent.training.phases.play_models): their arbiter buffers are set here.
    """
    from agent.agents.aria_agent import AriaAgent
    from agent.training.evaluate import evaluate_agents

    arbiter = models["arbiter"]
    arbiter.threshold.fill_(threshold)
    arbiter.max_uncertainty.fill_(bound)
    result = evaluate_agents({"aria": lambda seed: AriaAgent(seed, models=models)}, games, seeds, levels,
                             stop=stop)
    return {"threshold": threshold, "max_uncertainty": bound_json(bound), **point_figures(result["aria"]["overall"])}


def point_figures(overall: dict[str, Any]) -> dict[str, Any]:
    """What `choose` reads of a sweep point, from the played agent's overall summary (`evaluate_agents`)."""
    return {"success": overall["success"] or 0.0, "successes": overall["successes"], "attempts": overall["attempts"],
            "ci95": overall["ci95"], "fast_share": overall.get("fast_share") or 0.0, "score": overall.get("score"),
            "score_se": overall.get("score_se"), "policy_share": _share(overall, "fast/policy")}


def _share(overall: dict[str, Any], mode: str) -> float:
    """The share of the steps decided in `mode` ("fast/policy": the fast policy's own, not the goal walker's)."""
    modes = overall.get("decision_modes") or {}
    total = sum(modes.values())
    return modes.get(mode, 0) / total if total else 0.0
