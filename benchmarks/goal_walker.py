"""An experiment for #8's fast share: the fast policy walks to the destination the slow system chose.

    python benchmarks/goal_walker.py [--train-seeds 0-149] [--agree-seeds 20100-20109]
        [--play-seeds 20000-20009] [--steps 6000] [--thresholds 0.9,0.8,0.6,0] [--workers 2]
        [--out /tmp/goal-walker] [--load FILE.pt] [--no-veto] [--repeat] [--seed 0]

On the suite's familiar levels the navigator (part of the slow system) takes 45% of `aria`'s steps: it
picks the nearest object not reached yet, searches the way there and walks it. Here the slow system keeps
the choice of where to go, and a fast policy, given that destination, takes the steps:
- data: `aria` (the shipped checkpoint) plays levels 1-5 of the suite's games where it walks, on training
  game seeds; every navigator step gives (frame, available actions, the destination object's cells, the
  navigator's move);
- model (`GoalWalker`): the shipped fast policy with the destination as one more input plane (two
  convolutions started at zero beside the encoder's first two layers: untrained, it is the shipped policy),
  fine-tuned on those moves, its confidence head on whether its argmax is the navigator's move;
- play (`WalkingAgent`): while a route is under way and the mover stands on its path, the walker's move is
  sent as a fast step when its confidence is at or above the threshold, never twice from one place for one
  destination in a level (the arbiter's loop rule: a confident mistake would repeat forever; `--repeat`
  drops the rule, to measure it); and never a move that bumped from there before, that enters a colour
  that has stopped the mover in this level, or that goes straight back to where the mover just was (no
  shortest way does: the arbiter's veto; `--no-veto` drops it). Everywhere else the navigator's plan is
  followed as before (slow steps), and searched again when a fast step left the path.
Printed: agreement with the navigator on `--agree-seeds` (and how sure), then success, level score, fast
share and the steps by system on levels 1-3 of every suite game, for the shipped agent and the walker at
each threshold, in one run on `--play-seeds` (validation game seeds by default; `--play-seeds
10000-10066` measures on the reserved seeds as `benchmarks/aria_heldout.py` does: played, never trained or
tuned on). Training and agreement seeds in the reserved 10,000-19,999 are refused. `--load` plays a walker
saved by an earlier run (no collection or training). The code is an experiment: `aria` does not use it.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from step_quality import seed_range  # "A-B" or "a,b,c" (benchmarks/ is this script's import path)
from torch import nn

from agent.agents.aria_agent import AriaAgent
from agent.base import Action
from agent.decision import Decision, DecisionTally
from agent.frames import label_components
from agent.models.encoding import coord_planes
from agent.models.fast_policy import FastPolicy
from agent.models.loading import load_models
from agent.training.datasets import suite_games
from agent.training.evaluate import evaluate_agents
from arc_client.types import FrameResponse, GameAction

WALKING_GAMES = "cl01,kb01,kd01,mz01,pb01,sw01"  # the games where the navigator takes steps
RESERVED = range(10_000, 20_000)


def destination(frame: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    """The cells of the object the navigator goes to (its one-colour part at `target`)."""
    labels = label_components(frame)
    return labels == labels[target]


class GoalWalker(nn.Module):
    """The fast policy with a destination plane: `forward(frames, goal, mask)` -> (action logits, confidence)."""

    def __init__(self, base: FastPolicy) -> None:
        super().__init__()
        self.policy = copy.deepcopy(base)
        for param in self.policy.parameters():
            param.requires_grad_(True)
        width = self.policy.encoder.width
        self.goal_fine = nn.Conv2d(1, width // 2, 3, stride=2, padding=1)  # beside down1 (32x32)
        self.goal_mid = nn.Conv2d(1, width, 7, stride=4, padding=3)  # beside down2 (16x16)
        for conv in (self.goal_fine, self.goal_mid):
            nn.init.zeros_(conv.weight)
            nn.init.zeros_(conv.bias)

    def forward(self, frames: torch.Tensor, goal: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        p, enc = self.policy, self.policy.encoder
        plane = goal[:, None].float()
        x = torch.cat([enc.embed(frames).permute(0, 3, 1, 2), coord_planes(frames.shape[0], frames.shape[-1], frames.device)], 1)
        x = enc.act(enc.down1(x) + self.goal_fine(plane))
        mid = enc.act(enc.down2(x) + self.goal_mid(plane))
        _, hidden, logits = p.action_logits(mid, mask)
        probs = logits.softmax(-1).detach()
        no_click = torch.zeros(frames.shape[0], 1, device=frames.device)  # (the walker never clicks)
        features = torch.cat([hidden, probs, probs.max(-1, keepdim=True).values, no_click], 1)
        return logits, p.confidence_head(features).squeeze(1)


def _available(latest: FrameResponse) -> np.ndarray:
    mask = np.zeros(7, dtype=bool)
    mask[[a - 1 for a in latest.available_actions]] = True
    return mask


class _Recorder(AriaAgent):
    """`aria`, keeping every navigator step on a familiar level."""

    rows: dict[str, list[np.ndarray | int]]

    def act(self, latest: FrameResponse) -> Action:
        action = super().act(latest)
        decision = action.decision
        if decision is not None and decision.mode == "navigate" and self.navigator.last is not None and self.unfamiliar is None:
            self.rows["frame"].append(latest.frame.astype(np.uint8))
            self.rows["available"].append(_available(latest))
            self.rows["goal"].append(np.packbits(destination(latest.frame, self.navigator.last.target)))
            self.rows["action"].append(int(action.action))
        return action


def _collect(job: tuple[str, list[int]]) -> dict[str, np.ndarray]:
    game, seeds = job
    torch.set_num_threads(1)
    models = load_models(None)
    rows: dict[str, list[Any]] = {"frame": [], "available": [], "goal": [], "action": []}

    def make(seed: int) -> AriaAgent:
        agent = _Recorder(seed, models=models)
        agent.rows = rows
        return agent

    evaluate_agents({"aria": make}, suite_games(game), seeds, range(5))
    return {k: np.array(v) for k, v in rows.items()}


def collect(seeds: Sequence[int], workers: int) -> dict[str, torch.Tensor]:
    jobs = [(game, list(seeds)) for game in WALKING_GAMES.split(",")]
    with ProcessPoolExecutor(workers) as pool:
        parts = [p for p in pool.map(_collect, jobs) if len(p["action"])]
    goal = np.concatenate([np.unpackbits(p["goal"], axis=1)[:, :4096] for p in parts]).reshape(-1, 64, 64)
    return {"frame": torch.from_numpy(np.concatenate([p["frame"] for p in parts])).long(),
            "goal": torch.from_numpy(goal.astype(bool)),
            "available": torch.from_numpy(np.concatenate([p["available"] for p in parts])),
            "action": torch.from_numpy(np.concatenate([p["action"] for p in parts]) - 1).long()}


def agreement(walker: GoalWalker, data: dict[str, torch.Tensor]) -> str:
    walker.eval()
    hits, sure = [], []
    with torch.no_grad():
        for i in range(0, len(data["action"]), 500):
            logits, confidence = walker(data["frame"][i:i + 500], data["goal"][i:i + 500], data["available"][i:i + 500])
            hits.append((logits.argmax(-1) == data["action"][i:i + 500]).float())
            sure.append(torch.sigmoid(confidence))
    walker.train()
    hit, conf = torch.cat(hits), torch.cat(sure)
    out = f"agrees with the navigator on {hit.mean():.1%}"
    for t in (0.8, 0.9):
        chosen = conf >= t
        out += f"; sure >= {t}: {chosen.float().mean():.1%} of steps at {hit[chosen].mean() if chosen.any() else 0:.1%}"
    return out


def train(walker: GoalWalker, data: dict[str, torch.Tensor], check: dict[str, torch.Tensor], steps: int) -> None:
    optimiser = torch.optim.Adam(walker.parameters(), lr=5e-4)
    started = time.perf_counter()
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(data["action"]), (64,))
        logits, confidence = walker(data["frame"][idx], data["goal"][idx], data["available"][idx])
        labels = data["action"][idx]
        right = (logits.argmax(-1) == labels).float()
        loss = F.cross_entropy(logits, labels) + 0.5 * F.binary_cross_entropy_with_logits(confidence, right)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 1000 == 0 or step == steps:
            print(f"  step {step}: {agreement(walker, check)} ({time.perf_counter() - started:.0f} s)", flush=True)


class WalkingAgent(AriaAgent):
    """`aria` whose navigator routes are walked by the `GoalWalker` where it is sure (see the docstring)."""

    goal_walker: GoalWalker
    trust: float
    repeat: bool = False
    veto: bool = True

    def _into_a_wall(self, frame: np.ndarray, box: tuple[int, int, int, int], action: int) -> bool:
        """Whether `action` bumped from here before, takes the mover straight back to where it just was, or onto
        a colour that has stopped it and never let it in (the arbiter's veto; `--no-veto` drops it)."""
        nav = self.navigator
        if (box[0], box[1], action) in nav.blocked:
            return True
        move = nav.rules.displacement(action)
        if move is None:
            return False
        top, left, bottom, right = box[0] + move[1], box[1] + move[0], box[2] + move[1], box[3] + move[0]
        if (top, left) == self._left_from:
            return True  # straight back where the mover just came from: never on a shortest way
        if top < 0 or left < 0 or bottom > frame.shape[0] or right > frame.shape[1]:
            return True
        return any(nav.blocking(int(c)) for c in np.unique(frame[top:bottom, left:right]) if c != nav.rules.mover)

    def start(self, game: Any, first: FrameResponse) -> None:
        super().start(game, first)
        self._walked_from: Counter[tuple[int, tuple[int, int], tuple[int, int]]] = Counter()
        self._here: tuple[int, int] | None = None  # the mover's place when last seen here, and the one before
        self._left_from: tuple[int, int] | None = None

    def _navigate(self, latest: FrameResponse, started: float, why: str, uncertainty: float | None,
                  common: dict[str, Any]) -> Action | None:
        nav = self.navigator
        now = nav.rules.mover_box(latest.frame, self.guided.map.mask)
        if now is not None and (now[0], now[1]) != self._here:
            self._left_from, self._here = self._here, (now[0], now[1])
        box = now if nav.plan and nav.last is not None else None
        if box is not None and nav.last is not None and self.unfamiliar is None:
            here = (box[0], box[1])
            ahead = next((i for i, (place, _) in enumerate(nav.plan) if place == here), None)
            if ahead is None and here == nav.end:
                nav.plan.clear()  # walked to the route's end: the navigator marks the object reached
            elif ahead is not None:
                for _ in range(ahead):
                    nav.plan.popleft()  # fast steps took the mover along the path
                place = (latest.levels_completed, here, nav.last.target)
                if self.repeat or not self._walked_from[place]:
                    self._walked_from[place] += 1
                    with torch.inference_mode():
                        logits, confidence = self.goal_walker(
                            torch.from_numpy(latest.frame.astype(np.int64))[None],
                            torch.from_numpy(destination(latest.frame, nav.last.target))[None],
                            torch.from_numpy(_available(latest))[None])
                    sure = float(torch.sigmoid(confidence)[0])
                    move = int(logits.argmax()) + 1
                    if sure >= self.trust and not (self.veto and self._into_a_wall(latest.frame, box, move)):
                        self.plan.clear()
                        decision = Decision("fast", "goal", uncertainty=uncertainty, **common,
                                            think_ms=(time.perf_counter() - started) * 1000,
                                            reason=f"the fast policy walks to the navigator's destination ({sure:.2f})")
                        return Action(GameAction(move), decision=decision)
        return super()._navigate(latest, started, why, uncertainty, common)


def play(models: dict[str, Any], walker: GoalWalker | None, trust: float, seeds: Sequence[int],
         repeat: bool = False, veto: bool = True) -> dict[str, Any]:
    def make(seed: int) -> AriaAgent:
        if walker is None:
            return AriaAgent(seed, models=models)
        agent = WalkingAgent(seed, models=models)
        agent.goal_walker, agent.trust, agent.repeat, agent.veto = walker, trust, repeat, veto
        return agent

    return evaluate_agents({"aria": make}, suite_games(""), seeds, range(3))["aria"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-seeds", default="0-149")
    parser.add_argument("--agree-seeds", default="20100-20109")
    parser.add_argument("--play-seeds", default="20000-20009")
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--thresholds", default="0.9,0.8,0.6,0")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="torch's seed: the walker's training batches")
    parser.add_argument("--out", default="/tmp/goal-walker")
    parser.add_argument("--load", default=None, help="a walker saved by an earlier run: play it only")
    parser.add_argument("--repeat", action="store_true", help="no loop rule: the walker may act again from a place")
    parser.add_argument("--no-veto", action="store_true", help="drop the veto (a bump, a stopping colour, a step back)")
    args = parser.parse_args()
    seeds = {name: seed_range(getattr(args, name)) for name in ("train_seeds", "agree_seeds", "play_seeds")}
    for name, values in seeds.items():
        # (play seeds may be reserved ones: played to measure, as `aria_heldout.py` does, never to train or tune)
        if name != "play_seeds" and any(s in RESERVED for s in values):
            parser.error(f"--{name.replace('_', '-')} overlaps the reserved evaluation seeds 10000-19999")
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, args.workers))
    models = load_models(None)
    walker = GoalWalker(models["fast_policy"])
    if args.load:
        walker.load_state_dict(torch.load(args.load))
    else:
        started = time.perf_counter()
        data, check = collect(seeds["train_seeds"], args.workers), collect(seeds["agree_seeds"], args.workers)
        print(f"navigator steps: {len(data['action'])} for training (game seeds {args.train_seeds}, levels 1-5), "
              f"{len(check['action'])} to check (game seeds {args.agree_seeds}); {time.perf_counter() - started:.0f} s")
        print(f"  untrained (the shipped policy): {agreement(walker, check)}")
        train(walker, data, check, args.steps)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        torch.save(walker.state_dict(), out / "goal_walker.pt")
    walker.eval()
    for param in walker.parameters():
        param.requires_grad_(False)
    torch.set_num_threads(1)
    print(f"levels 1-3 of the ten suite games, game seeds {args.play_seeds} ({len(seeds['play_seeds']) * 3} attempts a game)")
    runs: list[tuple[str, GoalWalker | None, float]] = [("shipped aria", None, 0.0)]
    runs += [(f"walker >= {t}", walker, float(t)) for t in args.thresholds.split(",")]
    for name, chosen, trust in runs:
        row = play(models, chosen, trust, seeds["play_seeds"], args.repeat, not args.no_veto)
        overall = row["overall"]
        lowest = min(row["games"].items(), key=lambda kv: kv[1]["success"])
        print(f"{name:14} success {overall['success']:.1%}, level score {overall['score']:.3f}, fast share "
              f"{overall['fast_share']:.1%}, lowest game {lowest[0]} {lowest[1]['success']:.1%}, fast step p50/p95 "
              f"{overall.get('fast_ms_p50') or 0:.2f}/{overall.get('fast_ms_p95') or 0:.2f} ms")
        print("    " + DecisionTally(modes=overall.get("decision_modes") or {}).shares(4))
        print("    " + ", ".join(f"{game} {r['success']:.0%}" for game, r in row["games"].items()))


if __name__ == "__main__":
    main()
