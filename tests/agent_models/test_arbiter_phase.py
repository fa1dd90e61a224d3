"""Phase 4 on the shipped weights: the joint sweep of the confidence threshold and the world-model
disagreement bound (no bound included) picks the best validation success, then the most fast usage;
the pick travels in the checkpoint (no bound as inf); `aria train --checkpoint CKPT --phase 4` re-runs
it alone; a Ctrl-C mid-sweep resumes at the next point."""

from __future__ import annotations

import copy
import json
import math
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from agent.agents.aria_agent import AriaAgent
from agent.errors import ConfigError
from agent.models.loading import DEFAULT_CHECKPOINT, load_models
from agent.training.api import TrainingInterrupted
from agent.training.arbiter_sweep import choose, play_point, sweep_grid
from agent.training.checkpoint import CONFIG, list_checkpoints, load_checkpoint, save_checkpoint
from agent.training.config import dump_toml, load_config
from agent.training.datasets import pick_seeds, suite_games
from agent.training.events import read_events
from agent.training.registry import build_models
from agent.training.trainer import Trainer, resume_config
from arc_client.games import game_class

REPO = Path(__file__).resolve().parents[2]
# a tiny sweep on the shipped weights: 3 points (1.01 never lets the fast policy act: it plays once)
TINY = ['model.games="mz01,sq01"', "arbiter.seeds=2", "arbiter.levels=1", "arbiter.val_seeds=2",
        "arbiter.val_levels=1", "arbiter.thresholds=[0.5, 1.01]", "arbiter.max_uncertainties=[0.5, inf]",
        "arbiter.tolerance=0.0", "arbiter.tolerance_se=0", "joint.eval_seeds=1", "joint.eval_levels=1",
        "fast_policy.val_seeds=1", "fast_policy.levels=1", "checkpoint_every=1000", "log_every=1"]


def _bound(value: float | None) -> float:
    return math.inf if value is None else value


def test_the_rule_takes_the_best_success_then_the_most_fast_usage_within_the_tolerance() -> None:
    points = [{"threshold": 0.5, "max_uncertainty": 0.5, "success": 0.10, "fast_share": 0.05},
              {"threshold": 0.5, "max_uncertainty": None, "success": 0.10, "fast_share": 0.30},
              {"threshold": 0.3, "max_uncertainty": None, "success": 0.09, "fast_share": 0.60},
              {"threshold": 1.01, "max_uncertainty": 0.5, "success": 0.12, "fast_share": 0.0}]
    assert choose(points, 0.0) is points[3]  # success first: no fast usage buys a lost level
    assert choose(points, 0.02) is points[1]  # 0.10 is within 0.02 of 0.12; the most fast usage of those
    assert choose(points, 0.05) is points[2]
    tied = [dict(points[0], fast_share=0.3), points[1]]
    assert choose(tied, 0.0) is tied[0]  # an exact tie keeps the grid's earlier point: the bound


def test_the_one_standard_error_rule_widens_the_tolerance_to_the_sweeps_noise() -> None:
    # phase 4's sweep of the shipped weights at commit 2ffbb6f (before the tried-move rule): 600 attempts per point
    points = [{"threshold": t, "max_uncertainty": None, "success": n / 600, "attempts": 600, "fast_share": f}
              for t, n, f in ((0.1, 241, 0.70), (0.3, 242, 0.67), (0.5, 241, 0.56), (0.7, 250, 0.31),
                              (1.01, 251, 0.0))]
    assert choose(points, 0.01) is points[3]  # 0.7 is within 0.01 of 1.01's 0.418; 0.5 is not
    assert choose(points, 0.01, 1.0) is points[0]  # one standard error (0.020): every point, the most fast
    assert choose(points, 0.0, 0.3) is points[3]  # 0.006: 0.7 (0.417 vs 0.418) stays, 0.5 (0.402) does not
    fewer = [dict(p, attempts=60) for p in points]  # the same rates from ten times fewer attempts
    assert choose(fewer, 0.0, 0.3) is fewer[0]  # 0.3 standard errors of 60 attempts is 0.019: all stay


def test_a_point_that_wins_as_often_but_scores_less_is_not_chosen_under_the_score_rule() -> None:
    # equal success, but the lowest threshold's levels took more actions (their (oracle / actions)^2
    # scores lower): with the score rule it is out, without it (inf, the default) it is the pick
    points = [{"threshold": t, "max_uncertainty": None, "success": 0.94, "attempts": 1000, "fast_share": f,
               "score": sc, "score_se": 0.01} for t, f, sc in ((0.1, 0.32, 0.60), (0.5, 0.27, 0.665), (0.8, 0.13, 0.67))]
    assert choose(points, 0.01, 1.0) is points[0]
    assert choose(points, 0.01, 1.0, math.inf) is points[0]
    assert choose(points, 0.01, 1.0, 1.0) is points[1]  # within one standard error (0.01) of 0.67
    assert choose(points, 0.01, 1.0, 0.0) is points[2]
    unscored = [{k: v for k, v in p.items() if k not in ("score", "score_se")} for p in points]
    assert choose(unscored, 0.01, 1.0, 1.0) is unscored[0]  # sweeps logged before scores: success alone


def test_a_level_score_is_recorded_per_attempt_from_the_oracles_actions() -> None:
    from agent.training.evaluate import Tally, play_level
    from agent.training.levels import start_level
    from arc_client.games import game_class

    tally, models = Tally(), load_models(None)
    won = play_level(AriaAgent(20000, models=models), game_class("mz01"), 20000, 0, tally)
    lost = play_level(None, game_class("kd01"), 20000, 2, tally, random.Random(0))
    game, _ = start_level(game_class("mz01"), 20000, 0)
    assert won and not lost and len(tally.scores) == 2 and tally.scores[1] == 0.0
    assert 0.0 < tally.scores[0] <= 1.0
    actions = len(game.solutions[0]) / math.sqrt(tally.scores[0])  # the actions the score implies
    assert abs(actions - round(actions)) < 1e-6 and round(actions) >= len(game.solutions[0])


def test_the_grid_plays_a_never_fast_threshold_once_and_refuses_bad_values() -> None:
    assert sweep_grid([0.5, 1.01], [0.5, math.inf], "q.toml") == [(0.5, 0.5), (0.5, math.inf), (1.01, 0.5)]
    # the uncertainty is a share of cells: a bound of 1 or more is no bound, played once
    assert sweep_grid([0.5], [0.5, 1.0, 2.0, math.inf], "q.toml") == [(0.5, 0.5), (0.5, math.inf)]
    for bad in ([], [0.5, "none"], [-1.0], [math.nan]):
        with pytest.raises(ConfigError, match=r"arbiter.max_uncertainties in q.toml"):
            sweep_grid([0.5], bad, "q.toml")


@pytest.mark.slow
def test_phase_4_alone_on_the_shipped_weights_picks_and_ships_its_setting(tmp_path: Path) -> None:
    run = tmp_path / "recal"
    done = subprocess.run([sys.executable, "-m", "agent.cli", "train", "--checkpoint", str(DEFAULT_CHECKPOINT),
                           "--phase", "4", "--device", "cpu", "--run-dir", str(run), "--quiet",
                           *(a for item in TINY for a in ("--set", item))],
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((run / "results.json").read_text())
    shipped = load_checkpoint(DEFAULT_CHECKPOINT).state["metrics"]
    assert results["completed_phases"] == [1, 2, 3, 4, 5] and results["init_from"] == str(DEFAULT_CHECKPOINT)
    assert results["phases"]["fast_policy"] == shipped["fast_policy"]  # the other phases' record carries over
    arbiter = results["phases"]["arbiter"]
    sweep = arbiter["sweep"]
    assert [(p["threshold"], p["max_uncertainty"]) for p in sweep] == [(0.5, 0.5), (0.5, None), (1.01, 0.5)]
    assert all(p["attempts"] == 4 and p["successes"] == round(p["success"] * 4) for p in sweep)
    # at 1.01 the fast policy never acts (the goal walker, with its own threshold, still may on routes)
    assert sweep[2]["policy_share"] == 0.0 and sweep[1]["policy_share"] > 0.0
    assert sweep[1]["fast_share"] >= sweep[1]["policy_share"]
    best = max(p["success"] for p in sweep)
    winners = [p for p in sweep if p["success"] == best]
    chosen = max(winners, key=lambda p: p["fast_share"])
    assert (arbiter["threshold"], arbiter["max_uncertainty"]) == (chosen["threshold"], chosen["max_uncertainty"])
    assert arbiter["val_success"] == best and arbiter["val_fast_share"] == chosen["fast_share"]
    # what the agent plays with is the pick, bound included (none: inf), through results.json's evaluation
    models = load_models(run)
    assert float(models["arbiter"].threshold) == pytest.approx(chosen["threshold"])
    assert float(models["arbiter"].max_uncertainty) == _bound(chosen["max_uncertainty"])
    assert results["evaluation"]["summary"]["threshold"] == pytest.approx(chosen["threshold"])
    # the recorded figures are what these weights do: the pick played again gives them back
    config = load_checkpoint(run).config
    again = play_point(copy.deepcopy(models), chosen["threshold"], _bound(chosen["max_uncertainty"]),
                       suite_games("mz01,sq01"), pick_seeds(config.val_seeds, 2, config.seed, 3), range(1), None)
    assert (again["successes"], again["fast_share"]) == (chosen["successes"], chosen["fast_share"])


def test_no_bound_round_trips_in_the_checkpoint_and_spares_the_ensemble_on_fast_steps(tmp_path: Path) -> None:
    config = load_config(DEFAULT_CHECKPOINT / CONFIG, ["arbiter.max_uncertainties=[0.5, inf]"])
    models = build_models(config)
    models["arbiter"].load_state_dict(load_models()["arbiter"].state_dict())
    models["fast_policy"].load_state_dict(load_models()["fast_policy"].state_dict())
    models["arbiter"].threshold.fill_(0.35)
    models["arbiter"].max_uncertainty.fill_(math.inf)
    dest = save_checkpoint(tmp_path / "ckpt", models, {"phase": 0, "step": 0, "completed": [], "metrics": {}},
                           dump_toml(config.to_dict()))
    loaded = load_models(dest)
    assert float(loaded["arbiter"].threshold) == pytest.approx(0.35)
    assert math.isinf(float(loaded["arbiter"].max_uncertainty))
    assert load_checkpoint(dest).config.phase("arbiter")["max_uncertainties"] == [0.5, math.inf]
    fast_uncertainty = {}
    for bound in (math.inf, 1e9):  # no bound vs a bound no disagreement reaches: the same plays
        copies = copy.deepcopy(loaded)
        copies["arbiter"].max_uncertainty.fill_(bound)
        fast_uncertainty[bound] = _fast_uncertainties(AriaAgent(0, models=copies, legend=False))  # sq01: the policy plays
    assert len(fast_uncertainty[math.inf]) == len(fast_uncertainty[1e9]) > 0
    assert all(u is None for u in fast_uncertainty[math.inf])  # not computed: it could not change the choice
    assert all(u is not None for u in fast_uncertainty[1e9])


def _fast_uncertainties(agent: AriaAgent) -> list[Any]:
    """The uncertainty each fast decision carries, over first attempts at sq01's level 1."""
    from agent.training.levels import response_of, start_level
    from arc_client.games.play import act
    from arc_client.types import GameInfo

    seen = []
    for seed in (20000, 20001):
        game, raw = start_level(game_class("sq01"), seed, 0)
        latest = response_of(raw, game)
        agent.start(GameInfo(game.game_id), latest)
        for _ in range(game.budgets[0]):
            chosen = agent.act(latest)
            if chosen.decision is not None and chosen.decision.system == "fast":
                seen.append(chosen.decision.uncertainty)
            raw = act(game, int(chosen.action), chosen.x, chosen.y)
            latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
            agent.observe(chosen, latest)
            if raw.levels_completed > 0 or latest.state.name == "GAME_OVER":
                break
    return seen


@pytest.mark.slow
def test_a_ctrl_c_mid_sweep_resumes_at_the_next_point(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    config = load_config(DEFAULT_CHECKPOINT / CONFIG, TINY).with_runtime(phases=(4,))
    whole = Trainer(config, tmp_path / "whole", handle_signals=False, init_from=DEFAULT_CHECKPOINT).run()

    def interrupt(event: dict[str, Any]) -> None:
        if event["event"] == "step" and (event["phase"], event["step"]) == (4, 1):
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered to the trainer's handler

    run = tmp_path / "cut"
    with pytest.raises(TrainingInterrupted):
        Trainer(config, run, on_event=interrupt, init_from=DEFAULT_CHECKPOINT).run()
    saved = load_checkpoint(list_checkpoints(run)[-1]).state
    assert (saved["phase"], saved["step"], saved["completed"]) == (4, 1, [1, 2, 3, 5])
    resumed = Trainer(resume_config(run), run, resume=True, handle_signals=False).run()  # config.toml: inf
    events = read_events(run / "events.jsonl")
    last_start = max(i for i, e in enumerate(events) if e["event"] == "run_started")
    assert [(e["phase"], e["start_step"]) for e in events[last_start:] if e["event"] == "phase_started"] == [(4, 1)]
    assert [e["step"] for e in events[last_start:] if e["event"] == "step"] == [2, 3]  # point 1 not replayed
    strip = ("seconds", "steps_per_s")
    assert {k: v for k, v in resumed["phases"]["arbiter"].items() if k not in strip} == \
        {k: v for k, v in whole["phases"]["arbiter"].items() if k not in strip}
    assert resumed["completed_phases"] == [1, 2, 3, 4, 5]


def test_checkpoint_and_resume_together_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    done = subprocess.run([sys.executable, "-m", "agent.cli", "train", "--checkpoint", str(DEFAULT_CHECKPOINT),
                           "--resume", str(tmp_path / "run")], capture_output=True, text=True, timeout=60,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("error: ") and "--checkpoint" in done.stderr and "Traceback" not in done.stderr
