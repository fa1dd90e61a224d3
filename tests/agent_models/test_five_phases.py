"""`aria train --preset smoke` runs all five phases end to end and writes the held-out report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.models.loading import load_models

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_smoke_preset_trains_all_five_phases_and_reports_held_out_figures(tmp_path: Path) -> None:
    run_dir = tmp_path / "smoke"
    done = subprocess.run([sys.executable, "-m", "agent.cli", "train", "--preset", "smoke", "--device", "cpu",
                           "--run-dir", str(run_dir)], capture_output=True, text=True, timeout=600, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((run_dir / "results.json").read_text())
    assert results["completed_phases"] == [1, 2, 3, 4, 5]
    phases = results["phases"]
    arbiter = phases["arbiter"]
    swept = {(point["threshold"], point["max_uncertainty"]): point for point in arbiter["sweep"]}
    assert set(swept) == {(0.5, 0.5), (0.5, None), (1.01, 0.5)}  # the preset's grid; None: no bound
    best = max(point["success"] for point in swept.values())
    chosen = swept[(arbiter["threshold"], arbiter["max_uncertainty"])]
    assert chosen["success"] >= best  # no success lost (tolerance 0 in the preset)
    assert chosen["fast_share"] == max(p["fast_share"] for p in swept.values() if p["success"] >= best)
    joint = phases["joint"]
    assert [r["round"] for r in joint["rounds"]] == [1, 2]  # DAgger: two rounds of the policy's own play
    assert all(r["rows"] > 0 for r in joint["rounds"])
    assert joint["dagger_rows"] == sum(r["rows"] for r in joint["rounds"])
    # the goal walker: the navigator's moves in the full agent's own play of mz01 (sq01 has no mover: none),
    # then the threshold swept against the walker off (None)
    walker = joint["walker"]
    assert walker["rows_by_game"]["mz01"] == walker["rows"] > 0 and walker["rows_by_game"]["sq01"] == 0
    assert [p["threshold"] for p in walker["sweep"]] == [None, 0.0]
    assert walker["agreement_after"]["rows"] > 0 and walker["steps"] == 20
    assert walker["threshold"] in (None, 0.0)
    assert (joint["walker_rows"], joint["walker_threshold"]) == (walker["rows"], walker["threshold"])  # the summary
    shipped = float(load_models(run_dir)["goal_walker"].threshold)
    assert shipped == (float("inf") if walker["threshold"] is None else walker["threshold"])
    summary = results["evaluation"]["summary"]
    agents = results["evaluation"]["agents"]
    assert set(agents) == {"random", "oracle", "aria-fast", "aria"}
    assert summary["success"]["oracle"] == 1.0  # the oracle clears every held-out level it is given
    attempts = summary["attempts_per_game"]
    for name, report in agents.items():
        for game in report["games"].values():
            assert game["attempts"] == attempts and 0.0 <= game["ci95"][0] <= game["ci95"][1] <= 1.0, name
    assert summary["eval_seeds"][0] >= 10_000
    for key in ("wm_error_1step", "wm_error_5step", "confidence_ece", "peak_rss_mb", "fast_share"):
        assert summary[key] is not None, key
    # the threshold the sweep chose is the one the agent plays with
    assert float(load_models(run_dir)["arbiter"].threshold) == pytest.approx(arbiter["threshold"])
    bound = arbiter["max_uncertainty"]
    assert float(load_models(run_dir)["arbiter"].max_uncertainty) == (float("inf") if bound is None else bound)
