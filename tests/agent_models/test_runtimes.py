"""The play-time paths are the models' functions, only faster: the batched world-model runtime answers
what the ensemble's own `predict` answers on real frames, ARIA decides the same with it as with the
modules, the fast policy's proposal is the policy's argmax, and a decision with its heatmap survives
the JSON of a recording."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from agent.agents.aria_agent import AriaAgent
from agent.agents.fast_agent import AriaFastAgent
from agent.base import Action, Agent
from agent.decision import Decision, Proposal
from agent.models import policy_runtime
from agent.models.encoding import CLICK, FRAME, action_mask, frames_tensor
from agent.models.fast_policy import FastPolicy
from agent.models.loading import load_models
from agent.models.policy_runtime import PolicyRuntime, propose
from agent.models.policy_runtime import runtime_of as policy_runtime_of
from agent.models.runtime_cache import RuntimeCache
from agent.models.world_model import WorldModelEnsemble
from agent.models.world_model_runtime import ModulePath, WorldModelRuntime, runtime_of
from agent.planner import SearchPlanner
from agent.training.levels import response_of, start_level
from arc_client.games import game_class
from arc_client.games.play import act
from arc_client.types import FrameResponse, GameInfo

GAMES = ("mz01", "sq01", "cy01", "pp01", "pb01", "kb01")  # key actions, ACTION5/7 and clicks (sq01, cy01)


def real_frames() -> list[FrameResponse]:
    """First frames of levels 1-2 of several suite games, on training seeds."""
    out = []
    for name in GAMES:
        for level in (0, 1):
            game, raw = start_level(game_class(name), seed=3, level=level)
            out.append(response_of(raw, game))
    return out


def test_the_world_model_runtime_predicts_what_the_ensemble_predicts_on_real_frames() -> None:
    ensemble = load_models()["world_model"]
    runtime = runtime_of(ensemble)
    assert isinstance(runtime, WorldModelRuntime)  # the shipped checkpoint runs the fast path
    frames, actions, xs, ys = [], [], [], []
    for response in real_frames():
        for action in range(7):  # every action, and ACTION6 at two cells (one on the border)
            clicks = [(5, 9), (63, 0)] if action == CLICK - 1 else [(-1, -1)]
            for x, y in clicks:
                frames.append(response.frame)
                actions.append(action)
                xs.append(x)
                ys.append(y)
    batch = (frames_tensor(frames), torch.tensor(actions), torch.tensor(xs), torch.tensor(ys))
    nxt, outcome, unc = ensemble.predict(*batch)
    fast_nxt, fast_outcome, fast_unc = runtime.predict(*batch)
    assert torch.equal(fast_nxt, nxt)
    assert torch.equal(fast_unc, unc)
    assert torch.allclose(fast_outcome, outcome, atol=1e-6)
    assert torch.equal(runtime.uncertainty(*batch), unc)
    assert float(unc.max()) > 0 and float(unc.min()) < 1  # the figures compared are not all one value
    one = tuple(t[3:4] for t in batch)  # batch 1, the arbiter's case
    assert torch.equal(runtime.uncertainty(*one), unc[3:4])


def test_the_runtime_follows_the_weights_and_any_ensemble_of_these_layers() -> None:
    torch.manual_seed(0)
    ensemble = WorldModelEnsemble(members=4, width=8).eval()  # another size than the shipped one
    frames = frames_tensor([r.frame for r in real_frames()[:4]])
    batch = (frames, torch.tensor([0, 2, 5, 6]), torch.tensor([-1, -1, 30, -1]), torch.tensor([-1, -1, 2, -1]))
    first = runtime_of(ensemble)
    assert isinstance(first, WorldModelRuntime) and runtime_of(ensemble) is first
    with torch.no_grad():
        for param in ensemble.parameters():
            param.mul_(1.5)  # as a training step or a loaded state dict would change them
    again = runtime_of(ensemble)
    assert again is not first
    expected = ensemble.predict(*batch)
    for got, want in zip(again.predict(*batch), expected, strict=True):
        assert torch.allclose(got.float(), want.float(), atol=1e-6)


def test_a_world_model_whose_forward_differs_from_the_runtime_falls_back_to_its_own_predict() -> None:
    class Shifted(WorldModelEnsemble):
        """Same layers, another function: the runtime built from its weights would be wrong."""

        def forward(self, frames: torch.Tensor, actions: torch.Tensor, xs: torch.Tensor,
                    ys: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            logits, outcome = super().forward(frames, actions, xs, ys)
            return logits.roll(1, dims=-1), outcome

    ensemble = Shifted().eval()
    runtime = runtime_of(ensemble)
    assert isinstance(runtime, ModulePath)
    frames = frames_tensor(real_frames()[0].frame)
    args = (frames, torch.tensor([1]), torch.tensor([-1]), torch.tensor([-1]))
    assert torch.equal(runtime.uncertainty(*args), ensemble.predict(*args)[2])


def play(agent: Agent, name: str, seed: int, steps: int) -> list[tuple[Action, Decision | None]]:
    game = game_class(name)(seed=seed)
    latest = response_of(act(game, 0), game)
    agent.start(GameInfo(game.game_id), latest)
    out = []
    for _ in range(steps):
        chosen = agent.act(latest)
        out.append((chosen, chosen.decision))
        raw = act(game, int(chosen.action), chosen.x, chosen.y)
        latest = response_of(raw, game, int(chosen.action), chosen.x, chosen.y)
        agent.observe(chosen, latest)
    return out


def module_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on `propose` runs the policy module itself: the straightforward path."""
    monkeypatch.setattr(policy_runtime, "_RUNTIMES", RuntimeCache(lambda policy: policy))


# sq01: a click game (the click map and the guided search's clicks per component are compared); the
# policy's confidence there is mostly under the threshold, so the slow system acts (whether the fast one
# does too depends on the states the search leads to)
@pytest.mark.parametrize(("name", "seed", "acting"), [("pb01", 3, {"fast", "slow"}), ("cl01", 1, {"fast", "slow"}),
                                                      ("sq01", 3, {"slow"})])
def test_aria_decides_the_same_with_the_runtimes_as_with_the_modules(name: str, seed: int, acting: set[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    models = load_models()
    # the goal readers off (they use no model): the steps go to the policy, the gate and the search
    readers = {"match": False, "legend": False, "walk": False, "push": False}
    fast, reference = AriaAgent(seed, models=models, **readers), AriaAgent(seed, models=models, **readers)
    assert isinstance(fast.runtime, WorldModelRuntime)
    reference.runtime = reference.planner.runtime = ModulePath(models["world_model"])
    for agent in (fast, reference):
        agent.planner.budget_ms = float("inf")  # a search cut by the clock would differ by machine load
        agent.max_uncertainty = 0.5  # a bound, so the ensemble's runtime is consulted on fast steps too
        agent.threshold = 0.2  # a low threshold, so the fast policy is often confident enough to be gated
    with monkeypatch.context() as patched:
        module_paths(patched)
        theirs = play(reference, name, seed, 100)
    ours = play(fast, name, seed, 100)
    gated = 0
    for (mine, mine_d), (ref, ref_d) in zip(ours, theirs, strict=True):
        assert (mine.action, mine.x, mine.y) == (ref.action, ref.x, ref.y)
        assert mine_d is not None and ref_d is not None
        assert (mine_d.system, mine_d.mode, mine_d.uncertainty) == (ref_d.system, ref_d.mode, ref_d.uncertainty)
        assert mine_d.confidence == pytest.approx(ref_d.confidence, abs=1e-5)
        assert mine_d.reason == ref_d.reason
        gated += mine_d.uncertainty is not None
    systems = {d.system for _, d in ours if d is not None}
    assert gated >= 10 and acting <= systems  # the uncertainty gate was consulted; these systems acted


def test_aria_fast_plays_the_same_with_the_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    models = load_models()
    with monkeypatch.context() as patched:
        module_paths(patched)
        theirs = play(AriaFastAgent(5, models=models), "sq01", 5, 60)
    ours = play(AriaFastAgent(5, models=models), "sq01", 5, 60)
    assert [(a.action, a.x, a.y) for a, _ in ours] == [(a.action, a.x, a.y) for a, _ in theirs]
    assert {d.mode for _, d in ours if d is not None} >= {"policy", "sample"}  # argmax and sampled steps


def test_the_search_plans_the_same_with_the_runtime() -> None:
    models = load_models()
    planner = SearchPlanner(models["world_model"], models["value"], expansions=3, budget_ms=float("inf"))
    reference = SearchPlanner(models["world_model"], models["value"], expansions=3, budget_ms=float("inf"))
    reference.runtime = ModulePath(models["world_model"])
    planned = 0
    for response in real_frames():
        plan = planner.search(response.frame, response.available_actions)
        expected = reference.search(response.frame, response.available_actions)
        assert (plan is None) == (expected is None)
        if plan is not None and expected is not None:
            planned += 1
            assert plan.path == expected.path and plan.expansions == expected.expansions
            assert plan.steps == pytest.approx(expected.steps, abs=1e-5)
            assert all(np.array_equal(a, b) for a, b in zip(plan.frames, expected.frames, strict=True))
    assert planned >= 1


def test_the_fast_proposal_is_the_policys_argmax_on_real_frames() -> None:
    policy = load_models()["fast_policy"]
    assert isinstance(policy_runtime_of(policy), PolicyRuntime)  # the shortcuts, not the module, answer
    heatmaps = 0
    for response in real_frames():
        fast = propose(policy, response.frame, response.available_actions)
        mask = action_mask(response.available_actions)
        with torch.no_grad():  # the straightforward computation
            logits, click, confidence = policy(frames_tensor(response.frame), torch.from_numpy(mask)[None])
        probs = logits.softmax(-1)[0]
        assert fast.action == int(probs.argmax()) + 1
        assert fast.confidence == pytest.approx(float(torch.sigmoid(confidence)[0]), abs=1e-5)
        assert np.allclose(fast.probs, probs.numpy(), atol=1e-5)
        if mask[CLICK - 1]:
            heat = click.softmax(-1)[0]  # float32 rounding of large logits: ~1e-4 relative in the tail
            assert fast.heatmap is not None and np.allclose(fast.heatmap, heat.view(FRAME, FRAME).numpy(), rtol=1e-3, atol=1e-8)
            heatmaps += 1
            if fast.action == CLICK:
                assert (fast.y, fast.x) == divmod(int(heat.argmax()), FRAME)
        else:
            assert fast.heatmap is None and fast.x is None
    assert heatmaps >= 2  # the click games' frames were among them


def test_the_policy_runtime_follows_the_weights_and_falls_back_for_another_forward() -> None:
    torch.manual_seed(0)
    policy = FastPolicy(width=16, hidden=32).eval()  # another size than the shipped one
    frame = real_frames()[2].frame
    first = policy_runtime_of(policy)
    assert isinstance(first, PolicyRuntime)
    with torch.no_grad():
        policy.click_fine.weight.mul_(3.0)
    again = policy_runtime_of(policy)
    assert again is not first and isinstance(again, PolicyRuntime)
    mask = torch.ones(1, 7, dtype=torch.bool)
    with torch.inference_mode():
        for got, want in zip(again(frames_tensor(frame), mask), policy(frames_tensor(frame), mask), strict=True):
            assert torch.allclose(got, want, atol=1e-5)

    class Tempered(FastPolicy):
        """Same layers, another function: no runtime built from its weights reproduces it."""

        def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
            logits, click, confidence = super().forward(frames, mask)
            return logits / 2.0, click, confidence

    tempered = Tempered().eval()
    assert policy_runtime_of(tempered) is tempered
    keys = torch.from_numpy(action_mask((1, 2, 3, 4)))[None]
    with torch.no_grad():
        probs = tempered(frames_tensor(frame), keys)[0].softmax(-1)[0].numpy()
    assert np.allclose(propose(tempered, frame, (1, 2, 3, 4)).probs, probs, atol=1e-6)


def test_a_decision_with_its_click_heatmap_round_trips_through_json() -> None:
    policy = load_models()["fast_policy"]
    response = next(r for r in real_frames() if CLICK in r.available_actions)
    fast = propose(policy, response.frame, response.available_actions)
    assert fast.heatmap is not None
    decision = Decision("fast", "policy", confidence=fast.confidence, threshold=0.5,
                        fast=Proposal("ACTION6", fast.x, fast.y, fast.confidence), click_heatmap=fast.heatmap,
                        think_ms=1.25, reason="the fast policy's most likely action")
    wire = json.loads(json.dumps(decision.to_json(include_heatmap=True)))
    back = Decision.from_json(wire)
    assert back == decision
    assert back.click_heatmap is not None and back.click_heatmap.dtype == np.float32
    assert np.allclose(back.click_heatmap, fast.heatmap, atol=5e-5)  # stored to 4 decimals
    assert "click_heatmap" not in decision.to_json()  # left out unless asked (4,096 numbers)


def test_the_single_frame_path_gives_the_batched_runtimes_numbers_to_the_last_bit() -> None:
    policy = load_models()["fast_policy"]
    runtime = policy_runtime_of(policy)
    assert isinstance(runtime, PolicyRuntime)
    responses = real_frames()
    for response in responses:
        mask = torch.from_numpy(action_mask(response.available_actions))[None]
        with torch.inference_mode():
            probs, click_probs, confidence = runtime.one(response.frame, ~mask)
            logits, click, confidences = runtime(frames_tensor(response.frame), mask)
        assert torch.equal(probs, logits.softmax(-1)[0])
        assert torch.equal(click_probs, click.softmax(-1)[0])
        assert torch.equal(confidence, confidences[0])
        fast = propose(policy, response.frame, response.available_actions)
        assert np.array_equal(fast.probs, probs.numpy()) and fast.confidence == float(torch.sigmoid(confidence))
    assert len({r.frame.tobytes() for r in responses}) == len(responses)  # distinct frames, not one repeated


def test_the_context_convolutions_compute_what_the_convolution_kernel_does_on_real_features() -> None:
    policy = load_models()["fast_policy"]
    runtime = policy_runtime_of(policy)
    assert isinstance(runtime, PolicyRuntime) and len(runtime.context) == len(policy.context) > 0
    frames = frames_tensor([r.frame for r in real_frames()[:3]])
    with torch.inference_mode():
        _, mid = policy.encoder.features(frames)  # (3, W, 16, 16): real features, every block's input
        for block, conv in zip(runtime.context, policy.context, strict=True):
            cells = mid.permute(0, 2, 3, 1).contiguous()  # the runtime's channels-last layout
            rows = torch.cat([cells.reshape(-1, cells.shape[-1]), cells.new_zeros(1, cells.shape[-1])])
            kernel = conv(cells.permute(0, 3, 1, 2)).permute(0, 2, 3, 1).reshape(-1, cells.shape[-1])
            for i in range(len(frames)):  # one board, as play runs it: equal to the last bit
                one = torch.cat([rows[i * 256:(i + 1) * 256], rows[-1:]])
                alone = conv(cells[i:i + 1].permute(0, 3, 1, 2)).permute(0, 2, 3, 1).reshape(256, -1)
                assert torch.equal(block(one, 1), alone)
            assert torch.allclose(block(rows, len(frames)), kernel, atol=1e-5)  # a batch, as `reproduces` runs
            assert torch.allclose(block(rows, len(frames)), conv(mid).permute(0, 2, 3, 1).reshape(kernel.shape),
                                  atol=1e-5)  # and the module's own call
            mid = mid + policy.encoder.act(conv(mid))
