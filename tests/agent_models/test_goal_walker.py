"""The goal walker (agent/models/goal_walker.py): its runtime, its training on the navigator's moves in the
full agent's own play, and its fast steps inside `aria` (the loop rule and the veto)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from agent.agents.aria_agent import AriaAgent
from agent.errors import CheckpointError
from agent.frames import label_components
from agent.models.fast_policy import FastPolicy
from agent.models.goal_walker import PLANES, GoalWalker, destination, planes, walk_proposal
from agent.models.loading import load_models
from agent.models.policy_runtime import PolicyRuntime, runtime_of
from agent.training.checkpoint import apply_state_dicts
from agent.training.levels import response_of
from agent.training.walking import agreement, collect, walker_loss
from arc_client.games import game_class
from arc_client.games.play import act
from arc_client.types import GameInfo
from tests.training.trainkit import aria


def _random_walker(blocks: int) -> GoalWalker:
    torch.manual_seed(blocks)
    walker = GoalWalker(blocks=blocks)
    for conv in (walker.goal_fine, walker.goal_mid):
        torch.nn.init.normal_(conv.weight, std=0.3)
        torch.nn.init.normal_(conv.bias, std=0.1)
    return walker.eval()


@pytest.mark.parametrize("blocks", [0, 4])
def test_the_walkers_runtime_computes_what_its_module_does(blocks: int) -> None:
    walker = _random_walker(blocks)
    rng = np.random.default_rng(blocks)
    for i in range(12):
        frame = rng.integers(0, 16, (64, 64))
        goal = np.zeros((64, 64), dtype=bool)
        top, left = rng.integers(0, 60, 2)
        goal[top:top + 4, left:left + 4] = True
        mover = rng.integers(0, 58, 2)
        box = (int(mover[0]), int(mover[1]), int(mover[0]) + 3, int(mover[1]) + 3)
        added = planes(goal, box, None if i % 3 == 0 else (box[0] + 3, box[1]))
        available = [1, 2, 3, 4] if i % 2 else [1, 2, 3, 4, 5]
        proposal = walk_proposal(walker, frame, added, available)
        move, sure = proposal.action, proposal.confidence
        mask = torch.zeros(1, 7, dtype=torch.bool)
        mask[0, [a - 1 for a in available]] = True
        with torch.no_grad():
            logits, confidence = walker(torch.from_numpy(frame)[None], torch.from_numpy(added)[None], mask)
        assert move == int(logits.argmax()) + 1 and move in available
        assert sure == pytest.approx(float(torch.sigmoid(confidence[0])), abs=1e-5)
        runtime = runtime_of(walker.policy)
        assert isinstance(runtime, PolicyRuntime)  # the fast path, not the module's fallback
        plane = torch.from_numpy(added.astype(np.float32))[None]
        with torch.inference_mode():
            probs, _ = runtime.walk(frame, ~mask, walker.goal_fine(plane).permute(0, 2, 3, 1),
                                    walker.goal_mid(plane).permute(0, 2, 3, 1))
        assert torch.allclose(probs, logits.softmax(-1)[0], atol=1e-5)  # every action's probability


def test_an_untrained_walker_answers_what_its_fast_policy_answers() -> None:
    policy = load_models()["fast_policy"]
    walker = _random_walker(len(policy.context))
    walker.start_from(policy)
    assert float(walker.threshold) == float("inf")  # never trusted before phase 5 calibrates it
    rng = np.random.default_rng(0)
    frames = torch.from_numpy(rng.integers(0, 16, (3, 64, 64)))
    added = torch.from_numpy(rng.random((3, PLANES, 64, 64)) < 0.05)
    mask = torch.ones(3, 7, dtype=torch.bool)
    with torch.no_grad():
        logits, _ = walker(frames, added, mask)
        expected, _, _ = policy(frames, mask)
    assert torch.allclose(logits, expected, atol=1e-5)  # the added planes' convolutions start at zero


def test_the_added_planes_are_the_destination_the_mover_and_where_it_came_from() -> None:
    goal = np.zeros((64, 64), dtype=bool)
    goal[40:44, 50:54] = True
    added = planes(goal, (10, 20, 14, 24), (10, 16))
    assert added.shape == (PLANES, 64, 64) and np.array_equal(added[0], goal)
    assert added[1].sum() == 16 and added[1, 10:14, 20:24].all()
    assert added[2].sum() == 16 and added[2, 10:14, 16:20].all()
    assert not planes(goal, (10, 20, 14, 24), None)[2].any()  # a level's first place: nowhere yet
    edge = planes(goal, (0, 0, 4, 4), (-4, 0))  # came from off the frame's edge (clipped, never wrapped)
    assert not edge[2].any()


def test_walker_training_learns_the_navigators_moves_from_the_agents_own_play() -> None:
    """Phase 5's data and loss on a small scale: the shortest moves to the navigator's destinations in `aria`'s
    own play of mz01 (levels 1-2, training seeds), learnt by a walker from scratch, then measured on seeds it
    never saw (a move counts when it begins a shortest walk there)."""
    models = load_models()
    game = game_class("mz01")
    data, per_game = collect(models, [game], list(range(40)), 2)
    held, _ = collect(models, [game], list(range(100, 108)), 2)
    assert per_game["mz01"] == len(data["action"]) > 1000 and len(held["action"]) > 200
    navigators = held["shortest"].gather(1, held["action"][:, None]).float().mean()
    assert navigators > 0.95  # the navigator's own moves are shortest ones (its map is the one measured)
    torch.manual_seed(0)
    walker = GoalWalker(blocks=len(models["fast_policy"].context))  # from scratch: what it knows, it learnt here
    before = agreement(walker, held, torch.device("cpu"))["agreement"]
    optimiser = torch.optim.Adam(walker.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    for _ in range(500):
        loss, _ = walker_loss(walker, data, rng.choice(len(data["action"]), 32), torch.device("cpu"))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    after = agreement(walker, held, torch.device("cpu"))["agreement"]
    commonest = float(held["shortest"].float().mean(0).max())  # the one move best on most steps
    print(f"held-out shortest moves: {before:.3f} untrained -> {after:.3f}; commonest move {commonest:.3f}")
    assert after >= before + 0.12 and after > commonest + 0.12  # learnt where to go, not the commonest move


def _walk_mz01(agent: AriaAgent, seed: int, steps: int) -> list[tuple[int, tuple[int, int] | None, tuple[int, int]]]:
    """Play mz01; the (level, mover's place, destination) of every step the walker took."""
    game = game_class("mz01")(seed=seed)
    latest = response_of(act(game, 0), game)
    agent.start(GameInfo(game.game_id), latest)
    walked = []
    for _ in range(steps):
        chosen = agent.act(latest)
        decision = chosen.decision
        assert decision is not None
        if decision.mode == "goal":
            assert decision.system == "fast" and decision.confidence is not None
            assert decision.confidence >= agent.walker_threshold
            assert agent.navigator.last is not None
            walked.append((latest.levels_completed, agent._here, agent.navigator.last.target))
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
    return walked


def test_a_trusted_walker_takes_fast_steps_on_routes_never_twice_from_one_place() -> None:
    models = load_models()
    assert "goal_walker" in models, "the default checkpoint has a goal walker"
    walked = _walk_mz01(AriaAgent(2, models=models, walker_threshold=0.0), 2, 150)
    assert len(walked) >= 10
    assert len(set(walked)) == len(walked)  # the loop rule: one step per (level, place, destination)
    repeating = AriaAgent(2, models=models, walker_threshold=0.0, walker_repeat=True, walker_veto=False)
    again = _walk_mz01(repeating, 2, 150)
    assert len(set(again)) < len(again)  # without them, a confident mistake repeats (a bump into the same wall)
    assert not _walk_mz01(AriaAgent(2, models=models, walker_threshold=float("inf")), 2, 60)  # off: none


def test_a_walker_step_runs_no_policy_pass_and_shows_the_walkers_own_proposal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast policy's proposal is made at a familiar step only where a decision shows it or the guided
    search ranks the state: a walker step pays for the walker alone (#8's fast decision p50)."""
    import agent.agents.aria_agent as aria_module

    passes = [0]
    real = aria_module.propose

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        passes[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(aria_module, "propose", counted)
    agent = AriaAgent(2, models=load_models(), walker_threshold=0.0)
    game = game_class("mz01")(seed=2)
    latest = response_of(act(game, 0), game)
    agent.start(GameInfo(game.game_id), latest)
    by_mode: dict[str, list[int]] = {}
    for _ in range(120):
        before = passes[0]
        chosen = agent.act(latest)
        decision = chosen.decision
        assert decision is not None
        by_mode.setdefault(f"{decision.system}/{decision.mode}", []).append(passes[0] - before)
        if decision.mode == "goal":
            assert decision.fast is not None and decision.fast.action == chosen.action.name
            assert decision.top_actions[0][0] == chosen.action.name  # the walker's probabilities, its move first
            assert decision.click_heatmap is None
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
    print({mode: (len(calls), sum(calls)) for mode, calls in by_mode.items()})
    assert len(by_mode.get("fast/goal", [])) >= 10
    assert sum(by_mode["fast/goal"]) == 0  # no policy pass on a walker step
    # elsewhere the step's decision shows the policy's proposal (a guided step may also rank a state first
    # seen on a walker step)
    assert all(min(calls) >= 1 for mode, calls in by_mode.items() if mode != "fast/goal")


def test_a_destination_is_the_one_colour_object_at_the_target() -> None:
    frame = np.zeros((64, 64), dtype=np.int64)
    frame[10:14, 20:24] = 3
    frame[30:34, 20:24] = 3
    cells = destination(frame, (11, 21))
    assert cells.sum() == 16 and cells[10:14, 20:24].all() and not cells[30:34].any()
    rng = np.random.default_rng(0)
    for colours in (2, 3, 8):  # few colours: parts larger than the flood fill's limit, labelled instead
        frame = rng.integers(0, colours, (64, 64))
        labels = label_components(frame)
        for target in rng.integers(0, 64, (20, 2)):
            place = (int(target[0]), int(target[1]))
            assert np.array_equal(destination(frame, place), labels == labels[place])


def test_a_run_may_add_the_walker_to_a_checkpoint_without_one_or_with_an_older_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = {"fast_policy": FastPolicy()}
    saved = {"fast_policy": base["fast_policy"].state_dict()}
    grown = {"fast_policy": FastPolicy(), "goal_walker": GoalWalker()}
    with pytest.raises(CheckpointError, match="missing \\['goal_walker'\\]"):
        apply_state_dicts(grown, saved, tmp_path)
    apply_state_dicts(grown, saved, tmp_path, addable=("goal_walker",))
    assert torch.equal(grown["fast_policy"].action_head.weight, base["fast_policy"].action_head.weight)
    # a checkpoint whose walker has another shape (an older walker with fewer added planes): an error, but
    # for a run adding the walker again, which starts it from its own weights
    older = GoalWalker()
    older.goal_fine = torch.nn.Conv2d(1, 16, 3, stride=2, padding=1)
    saved["goal_walker"] = older.state_dict()
    with pytest.raises(CheckpointError, match="goal_walker.goal_fine.weight is \\[16, 1, 3, 3\\] there"):
        apply_state_dicts(grown, saved, tmp_path)
    kept = grown["goal_walker"].goal_fine.weight.clone()
    apply_state_dicts(grown, saved, tmp_path, addable=("goal_walker",))
    assert torch.equal(grown["goal_walker"].goal_fine.weight, kept)
    assert torch.equal(grown["fast_policy"].action_head.weight, base["fast_policy"].action_head.weight)


@pytest.mark.slow
def test_a_run_resumed_inside_the_walkers_training_ends_with_the_uninterrupted_runs_walker(tmp_path: Path) -> None:
    """The smoke preset (phase 5: 20 DAgger steps, then 20 walker steps), checkpointed every 5 steps; a copy
    cut back to its checkpoint at phase 5's step 30 (inside the walker's training) and resumed ends with the
    same walker, threshold included."""
    whole = tmp_path / "whole"
    common = ("--device", "cpu", "--quiet", "--set", "checkpoint_every=5", "--set", "keep_checkpoints=100")
    done = aria("train", "--preset", "smoke", "--run-dir", str(whole), *common, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    cut = tmp_path / "cut"
    shutil.copytree(whole, cut)
    shutil.rmtree(cut / "final")
    (cut / "results.json").unlink()
    kept = []
    for saved in sorted((cut / "checkpoints").iterdir()):
        phase, step = int(saved.name.split("-p")[1].split("-")[0]), int(saved.name.split("-s")[1])
        if (phase, step) > (5, 30):
            shutil.rmtree(saved)
        else:
            kept.append((phase, step))
    assert kept[-1] == (5, 30)
    done = aria("train", "--resume", str(cut), "--quiet", timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    ours, theirs = load_models(cut)["goal_walker"], load_models(whole)["goal_walker"]
    for (name, mine), (_, ref) in zip(ours.state_dict().items(), theirs.state_dict().items(), strict=True):
        assert torch.allclose(mine, ref, atol=1e-6), name
    assert float(ours.goal_mid.weight.abs().sum()) > 0  # trained: its destination convolutions moved from zero
