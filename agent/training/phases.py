"""The five phases of ARIA's training, each with a real objective on suite data (training seeds only).

1. world_model: the ensemble on random and oracle transitions; 1- and 5-step error on changed cells
   against the copy-last-frame baseline (validation seeds).
2. fast_policy: behaviour cloning of noisy-oracle demonstrations on the set of optimal moves, plus the
   confidence head ("is my argmax optimal"); the confidence loss's first and last values, accuracy
   (argmax optimal, and argmax = the oracle's action) and calibration (ECE) on validation seeds.
3. slow_value: the oracle's steps-to-go, which the slow system's search minimises.
4. arbiter: familiarity memory from training frames, then a joint sweep of the confidence threshold and
   the world-model disagreement bound (none included) on validation levels played by the full agent:
   the most fast usage that loses no success (within a tolerance).
5. joint: DAgger: the agent plays training levels, the oracle relabels every state it reached, and the
   fast policy and the value are fine-tuned on the union; then, where the run has a goal walker
   (`[model] walker = true`), the walker is trained on the navigator's moves in the full agent's own
   rollouts and its threshold swept on validation levels (agent/training/walking.py).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, cast

import numpy as np

from agent.models.arbiter import ArbiterState
from agent.models.fast_policy import FastPolicy
from agent.models.world_model import WorldModelEnsemble
from agent.training.api import PhaseContext
from agent.training.datasets import transitions
from agent.training.objectives import (
    calibration,
    policy_loss,
    value_loss,
    world_model_errors,
    world_model_loss,
)
from agent.training.training_loop import optimise, trend

DATA_DEFAULTS: dict[str, Any] = {"seeds": 40, "levels": 3, "val_seeds": 8}


class WorldModelPhase:
    number, name = 1, "world_model"
    defaults: dict[str, Any] = {**DATA_DEFAULTS, "steps": 300, "batch": 16, "lr": 2e-3, "cosine": False}

    def steps(self, ctx: PhaseContext) -> int:
        return int(ctx.settings(self.name)["steps"])

    def run(self, ctx: PhaseContext) -> dict[str, Any]:
        s = ctx.settings(self.name)
        data = transitions(ctx.config, "train", s["seeds"], s["levels"])
        wm = ctx.models["world_model"]
        model = ctx.wrap(wm)
        rows_all = np.arange(len(data))

        def step(_: int, rng: np.random.Generator) -> tuple[Any, dict[str, float]]:
            rows = rng.choice(rows_all, size=s["batch"])[ctx.shard(s["batch"])]
            return world_model_loss(model, data, rows, ctx.device)

        history = optimise(ctx, wm.parameters(), self.steps(ctx), s["lr"], step, cosine=bool(s["cosine"]))
        wm.eval()
        val = transitions(ctx.config, "val", s["val_seeds"], s["levels"])
        return {**trend(history, "loss"), **world_model_errors(cast(WorldModelEnsemble, wm), val, ctx.device),
                "rows": len(data)}


class FastPolicyPhase:
    number, name = 2, "fast_policy"
    defaults: dict[str, Any] = {**DATA_DEFAULTS, "steps": 400, "batch": 32, "lr": 2e-3, "confidence_weight": 0.5,
                                "calibration_share": 0.0, "cosine": False}

    def steps(self, ctx: PhaseContext) -> int:
        return int(ctx.settings(self.name)["steps"])

    def run(self, ctx: PhaseContext) -> dict[str, Any]:
        s = ctx.settings(self.name)
        data = transitions(ctx.config, "train", s["seeds"], s["levels"])
        policy = ctx.models["fast_policy"]
        history = train_policy(ctx, data, self.steps(ctx), s)
        policy.eval()
        val = transitions(ctx.config, "val", s["val_seeds"], s["levels"])
        calib = calibration(cast(FastPolicy, policy), val, ctx.device)
        policy.train()
        return {**trend(history, "confidence_loss"), **trend(history, "action_loss"), **trend(history, "accuracy"),
                **trend(history, "oracle_accuracy"), "val_accuracy": calib.get("accuracy"),
                "val_oracle_accuracy": calib.get("oracle_accuracy"), "val_ece": calib.get("ece"),
                "reliability": calib.get("reliability"), "rows": int((data.label >= 0).sum())}


def train_policy(ctx: PhaseContext, data: Any, steps: int, s: dict[str, Any],
                 total: int | None = None) -> list[dict[str, float]]:
    """Behaviour cloning on the optimal sets, steps ctx.start_step..`steps` of a phase of `total` (default
    `steps`; the cosine schedule spans the whole phase). With `calibration_share` > 0, that share of the episodes
    is never cloned: each step adds a quarter batch of their rows for the confidence head alone."""
    policy = ctx.models["fast_policy"]
    model = ctx.wrap(policy)
    labelled = np.flatnonzero(data.label >= 0)
    share = float(s.get("calibration_share", 0.0))
    held = (data.episode[labelled] * 0.6180339887 % 1.0) < share  # a fixed, spread-out share of episodes
    fit, calib = labelled[~held], labelled[held]
    extra = max(1, s["batch"] // 4) if len(calib) else 0

    def step(_: int, rng: np.random.Generator) -> tuple[Any, dict[str, float]]:
        rows = rng.choice(fit, size=s["batch"])[ctx.shard(s["batch"])]
        if not extra:
            return policy_loss(model, data, rows, ctx.device, s["confidence_weight"])
        aside = rng.choice(calib, size=extra)[ctx.shard(extra)]
        flags = np.r_[np.zeros(len(rows), bool), np.ones(len(aside), bool)]
        return policy_loss(model, data, np.r_[rows, aside], ctx.device, s["confidence_weight"], flags)

    return optimise(ctx, policy.parameters(), steps, s["lr"], step, cosine=bool(s.get("cosine", False)), total=total)


class ValuePhase:
    number, name = 3, "slow_value"
    defaults: dict[str, Any] = {**DATA_DEFAULTS, "steps": 300, "batch": 32, "lr": 2e-3}

    def steps(self, ctx: PhaseContext) -> int:
        return int(ctx.settings(self.name)["steps"])

    def run(self, ctx: PhaseContext) -> dict[str, Any]:
        s = ctx.settings(self.name)
        data = transitions(ctx.config, "train", s["seeds"], s["levels"])
        history = train_value(ctx, data, self.steps(ctx), s)
        value = ctx.models["value"]
        value.eval()
        val = transitions(ctx.config, "val", s["val_seeds"], s["levels"])
        rows = np.flatnonzero(val.steps_to_go >= 0)[:512]
        import torch

        with torch.no_grad():
            _, metrics = value_loss(value, val, rows, ctx.device)
        value.train()
        return {**trend(history, "loss"), "val_steps_mae": metrics["steps_mae"],
                "val_mean_steps": float(val.steps_to_go[rows].mean()) if len(rows) else None}


def train_value(ctx: PhaseContext, data: Any, steps: int, s: dict[str, Any]) -> list[dict[str, float]]:
    value = ctx.models["value"]
    model = ctx.wrap(value)
    labelled = np.flatnonzero(data.steps_to_go >= 0)

    def step(_: int, rng: np.random.Generator) -> tuple[Any, dict[str, float]]:
        rows = rng.choice(labelled, size=s["batch"])[ctx.shard(s["batch"])]
        return value_loss(model, data, rows, ctx.device)

    return optimise(ctx, value.parameters(), steps, s["lr"], step)


def play_models(ctx: PhaseContext) -> dict[str, Any]:
    """CPU copies of the trained models in eval mode, for agents playing inside training."""
    import copy

    out = {}
    for name, module in ctx.models.items():
        clone = copy.deepcopy(module).to("cpu").eval()
        out[name] = clone
    return out


def validation_games(ctx: PhaseContext) -> list[Any]:
    from agent.training.datasets import suite_games

    return suite_games(str(ctx.config.model.get("games", "")))


class ArbiterPhase:
    """Familiarity memory from training frames, then the calibration grid (agent/training/arbiter_sweep.py):
    every (threshold, bound) point played by the full agent on validation levels, one step per point,
    checkpointed after each so `--resume` continues at the next point."""

    number, name = 4, "arbiter"
    defaults: dict[str, Any] = {"seeds": 40, "levels": 3, "val_seeds": 2, "val_levels": 2,
                                "thresholds": [0.5, 0.7, 0.85, 1.01], "tolerance": 0.0,
                                "tolerance_se": 0.0,  # standard errors of the best point's success
                                "score_tolerance_se": math.inf,  # of the best point's level score; inf: off
                                "max_uncertainties": [0.5, 0.8, math.inf],
                                "max_uncertainty": 0.5,  # the bound when max_uncertainties is empty
                                "max_novelty": 0.25}

    def grid(self, ctx: PhaseContext) -> list[tuple[float, float]]:
        from agent.training.arbiter_sweep import sweep_grid

        s = ctx.settings(self.name)
        return sweep_grid(s["thresholds"], s["max_uncertainties"] or [s["max_uncertainty"]], ctx.config.source)

    def steps(self, ctx: PhaseContext) -> int:
        return len(self.grid(ctx))

    def run(self, ctx: PhaseContext) -> dict[str, Any]:
        from agent.training.arbiter_sweep import bound_json, choose, play_point
        from agent.training.datasets import pick_seeds

        s = ctx.settings(self.name)
        grid = self.grid(ctx)
        arbiter = cast(ArbiterState, ctx.models["arbiter"])
        data = transitions(ctx.config, "train", s["seeds"], s["levels"])
        arbiter.remember(data.frames)
        arbiter.max_novelty.fill_(float(s["max_novelty"]))
        models = play_models(ctx)
        games = validation_games(ctx)
        seeds = pick_seeds(ctx.config.val_seeds, s["val_seeds"], ctx.config.seed, 3)
        levels = range(s["val_levels"])
        sweep = [_point_of(grid, logged) for logged in ctx.history()[:ctx.start_step]]  # before a resume
        for step in range(ctx.start_step, len(grid)):
            threshold, bound = grid[step]
            point = play_point(models, threshold, bound, games, seeds, levels, ctx.check_stop)
            sweep.append(point)
            ctx.log(step + 1, point=step, threshold=threshold, success=point["success"],
                    successes=point["successes"], attempts=point["attempts"], fast_share=point["fast_share"],
                    ci95_low=point["ci95"][0], ci95_high=point["ci95"][1], score=point["score"] or 0.0,
                    score_se=point["score_se"] or 0.0, policy_share=point["policy_share"])
            ctx.maybe_checkpoint(step + 1, force=step + 1 < len(grid))  # each point is ~a minute of play
        chosen = choose(sweep, float(s["tolerance"]), float(s["tolerance_se"]), float(s["score_tolerance_se"]))
        bound = math.inf if chosen["max_uncertainty"] is None else float(chosen["max_uncertainty"])
        arbiter.threshold.fill_(float(chosen["threshold"]))
        arbiter.max_uncertainty.fill_(bound)
        return {"threshold": chosen["threshold"], "max_uncertainty": bound_json(bound),
                "val_success": chosen["success"], "val_fast_share": chosen["fast_share"],
                "tolerance": float(s["tolerance"]), "tolerance_se": float(s["tolerance_se"]),
                "score_tolerance_se": bound_json(float(s["score_tolerance_se"])), "sweep": sweep, "val_seeds": seeds,
                "val_levels": [lvl + 1 for lvl in levels], "games": [g.NAME for g in games],
                "familiar_patches": int(arbiter.seen.sum())}


def _point_of(grid: list[tuple[float, float]], logged: dict[str, float]) -> dict[str, Any]:
    """A sweep point back from its logged metrics (they travel in the checkpoint's history)."""
    from agent.training.arbiter_sweep import bound_json

    threshold, bound = grid[int(logged["point"])]
    return {"threshold": threshold, "max_uncertainty": bound_json(bound), "success": logged["success"],
            "successes": int(logged["successes"]), "attempts": int(logged["attempts"]),
            "ci95": [logged["ci95_low"], logged["ci95_high"]], "fast_share": logged["fast_share"],
            "score": logged.get("score"), "score_se": logged.get("score_se"),
            "policy_share": logged.get("policy_share", logged["fast_share"])}


class JointPhase:
    number, name = 5, "joint"
    defaults: dict[str, Any] = {"seeds": 40, "levels": 3, "dagger_seeds": 10, "rounds": 1, "steps": 200,
                                "batch": 32, "lr": 1e-3, "confidence_weight": 0.5, "calibration_share": 0.0,
                                "cosine": False, "eval_seeds": 67, "eval_levels": 3,
                                # the goal walker (runs with [model] walker = true; walker_steps 0: not trained)
                                "walker_seeds": 150, "walker_levels": 5, "walker_steps": 6000, "walker_batch": 64,
                                "walker_lr": 5e-4, "walker_workers": 1, "walker_check_seeds": 10,
                                "walker_thresholds": [0.99, 0.97, 0.95, 0.9, 0.6, 0.0], "walker_val_seeds": 10,
                                "walker_val_levels": 3, "walker_tolerance": 0.01, "walker_tolerance_se": 1.0,
                                "walker_score_tolerance_se": 1.0}

    def steps(self, ctx: PhaseContext) -> int:
        s = ctx.settings(self.name)
        return int(s["steps"]) + (int(s["walker_steps"]) if "goal_walker" in ctx.models else 0)

    def run(self, ctx: PhaseContext) -> dict[str, Any]:
        s = ctx.settings(self.name)
        report: dict[str, Any] = self._dagger(ctx) if int(s["steps"]) > 0 else {"dagger_rows": 0}
        if "goal_walker" in ctx.models and int(s["walker_steps"]) > 0:
            walker = report["walker"] = self._walker(ctx, int(s["steps"]))
            # the headline figures beside the whole record, for the summary table
            report.update({"walker_rows": walker["rows"], "walker_threshold": walker.get("threshold"),
                           "walker_agreement_before": (walker.get("agreement_before") or {}).get("agreement"),
                           "walker_agreement_after": (walker.get("agreement_after") or {}).get("agreement"),
                           "walker_val_fast_share": walker.get("val_fast_share")})
        return report

    @staticmethod
    def _walker(ctx: PhaseContext, begin: int) -> dict[str, Any]:
        """The goal walker: steps `begin`..`begin + walker_steps` of the phase, then its threshold (walking.py)."""
        from agent.models.goal_walker import GoalWalker
        from agent.training.arbiter_sweep import choose
        from agent.training.datasets import pick_seeds
        from agent.training.training_loop import optimise
        from agent.training.walking import agreement, collect, play_walker_point, walker_loss

        s = ctx.settings("joint")
        walker = cast(GoalWalker, ctx.models["goal_walker"])
        if ctx.start_step <= begin:
            walker.start_from(cast(FastPolicy, ctx.models["fast_policy"]))
        games = validation_games(ctx)
        seeds = pick_seeds(ctx.config.train_seeds, int(s["walker_seeds"]) + int(s["walker_check_seeds"]),
                           ctx.config.seed, 5)
        fit, check = seeds[:int(s["walker_seeds"])], seeds[int(s["walker_seeds"]):]
        models = play_models(ctx)
        workers = int(s["walker_workers"])
        data, per_game = collect(models, games, fit, int(s["walker_levels"]), workers)
        held, _ = collect(models, games, check, int(s["walker_levels"]), workers)
        if not len(data["action"]):
            walker.threshold.fill_(math.inf)
            return {"rows": 0, "threshold": None, "why": "no navigator steps in these games: no walker"}
        before = agreement(walker, held, ctx.device) if ctx.start_step <= begin else None
        rows_all = np.arange(len(data["action"]))
        end = begin + int(s["walker_steps"])

        def step(_: int, rng: np.random.Generator) -> tuple[Any, dict[str, float]]:
            return walker_loss(walker, data, rng.choice(rows_all, size=int(s["walker_batch"])), ctx.device)

        history = optimise(replace(ctx, start_step=max(begin, ctx.start_step)), walker.parameters(), end,
                           float(s["walker_lr"]), step, restore=ctx.start_step > begin)
        walker.eval()
        after = agreement(walker, held, ctx.device)
        # the threshold: the walker off (inf) and at each threshold, on validation levels, by phase 4's rule
        val_seeds = pick_seeds(ctx.config.val_seeds, int(s["walker_val_seeds"]), ctx.config.seed, 3)
        levels = range(int(s["walker_val_levels"]))
        models = play_models(ctx)
        sweep = [play_walker_point(models, float(t), games, val_seeds, levels, ctx.check_stop)
                 for t in [math.inf, *s["walker_thresholds"]]]
        chosen = choose(sweep, float(s["walker_tolerance"]), float(s["walker_tolerance_se"]),
                        float(s["walker_score_tolerance_se"]))
        threshold = math.inf if chosen["threshold"] is None else float(chosen["threshold"])
        walker.threshold.fill_(threshold)
        return {"rows": len(data["action"]), "rows_by_game": per_game, "train_seeds": len(fit),
                "levels": int(s["walker_levels"]), "check_seeds": check, "agreement_before": before,
                "agreement_after": after, **trend(ctx.history()[begin:], "walker_accuracy"),
                **trend(ctx.history()[begin:], "walker_confidence_loss"), "threshold": chosen["threshold"],
                "val_success": chosen["success"], "val_fast_share": chosen["fast_share"], "sweep": sweep,
                "val_seeds": val_seeds, "val_levels": [lvl + 1 for lvl in levels], "steps": len(history) - begin}

    def _dagger(self, ctx: PhaseContext) -> dict[str, Any]:
        """DAgger in `rounds` rounds: each plays `dagger_seeds` fresh training seeds with the policy as it
        stands, labels every state it reached with the oracle's optimal moves, adds them to the data and
        trains its share of the steps on everything gathered so far. A run resumed inside round r replays
        the earlier rounds' seeds with the resumed weights (their rows are not saved in checkpoints)."""
        from agent.training.data import Transitions
        from agent.training.datasets import pick_seeds

        s = ctx.settings(self.name)
        rounds, per_round, total = max(1, int(s["rounds"])), int(s["dagger_seeds"]), int(s["steps"])
        union = transitions(ctx.config, "train", s["seeds"], s["levels"])
        seeds = pick_seeds(ctx.config.train_seeds, s["seeds"] + per_round * rounds, ctx.config.seed, 1)[s["seeds"]:]
        played: list[dict[str, Any]] = []
        rows = 0
        for r in range(rounds):
            begin, end = total * r // rounds, total * (r + 1) // rounds
            extra, report = self._play(ctx, seeds[r * per_round:(r + 1) * per_round], s["levels"], r)
            union = Transitions.concat([union, extra])
            played.append(report)
            rows += len(extra)
            if ctx.start_step >= end:
                continue
            train_policy(replace(ctx, start_step=max(begin, ctx.start_step)), union, end, s, total=total)
        history = ctx.history()
        return {"dagger_rows": rows, "learner_agreement_before": played[0]["agreement"],
                "learner_optimal_action_before": played[0]["optimal"], "rounds": played,
                **trend(history, "accuracy"), **trend(history, "confidence_loss")}

    @staticmethod
    def _play(ctx: PhaseContext, seeds: list[int], levels: int, round_no: int) -> tuple[Any, dict[str, Any]]:
        """The policy plays levels 1..`levels` of every game on `seeds`; the oracle labels what it reached."""
        import random

        from agent.models.policy_runtime import propose
        from agent.training.data import _Builder, play_episode
        from agent.training.levels import frame_of

        policy = play_models(ctx)["fast_policy"]
        builder = _Builder()
        rng = random.Random(ctx.config.seed + round_no)
        np_rng = np.random.default_rng(ctx.config.seed + 7919 * round_no)

        def learner(game: Any, raw: Any) -> tuple[int, int, int]:
            fast = propose(policy, frame_of(raw), game.AVAILABLE, np_rng)
            return fast.action, fast.x if fast.x is not None else -1, fast.y if fast.y is not None else -1

        episode = 0
        for gi, cls in enumerate(validation_games(ctx)):
            for seed in seeds:
                for level in range(min(levels, cls.LEVELS)):
                    ctx.check_stop()
                    play_episode(builder, cls, gi, seed, level, 0.0, rng, episode, chooser=learner)
                    episode += 1
        extra = builder.build()
        reached = extra.label >= 0
        assert extra.optimal is not None
        agreement = float((extra.action[reached] == extra.label[reached]).mean()) if reached.any() else None
        optimal = float(extra.optimal[np.flatnonzero(reached), extra.action[reached]].mean()) \
            if reached.any() else None
        return extra, {"round": round_no + 1, "rows": len(extra), "agreement": agreement, "optimal": optimal}


PHASES = [WorldModelPhase(), FastPolicyPhase(), ValuePhase(), ArbiterPhase(), JointPhase()]


def evaluate(ctx: PhaseContext) -> dict[str, Any]:
    """Held-out figures (seeds 10,000–19,999; see agent/training/evaluate.py) for results.json."""
    from agent.training.heldout import heldout_report

    return heldout_report(ctx)
