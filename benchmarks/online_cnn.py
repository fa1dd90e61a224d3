"""The checkpoint's policy tuned online (`agent.online_cnn`) against the constant guess, on one
held-out game's own transitions.

The graph planner plays the game for `--actions` actions with the online learner tuning the policy as
it goes; every transition it saw (frame, action, label: reached a state new to the level's graph or
completed the level) is then split in play order, the first `--train-share` to tune a fresh copy of the
shipped policy on and the rest to judge it on. Printed: accuracy and log-loss on the judged part for
the untuned policy, the policy tuned at each learning rate × passes, and the best constant guess (the
judged part's own rate of new states). Prints figures, asserts nothing (`tests/agent/test_online_cnn.py`
asserts that tuning raises the accuracy).

    .venv/bin/python benchmarks/online_cnn.py [--game hk01] [--actions 600] [--train-share 0.7]
        [--lrs 1e-3,3e-3,1e-2] [--passes 1,3]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))  # the test kit's game loop

from agent_testkit import play_game  # noqa: E402
from test_online import ExplorerAgent  # noqa: E402

from agent.models.loading import load_models  # noqa: E402
from agent.online import OnlineLearner  # noqa: E402
from agent.online_cnn import OnlineCNN  # noqa: E402
from arc_client.games.heldout import heldout_dir  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--game", default="hk01")
    parser.add_argument("--actions", type=int, default=600)
    parser.add_argument("--train-share", type=float, default=0.7)
    parser.add_argument("--lrs", default="1e-3,3e-3,1e-2")
    parser.add_argument("--passes", default="1,3")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    policy = load_models()["fast_policy"]
    learner = OnlineLearner(seed=0, cnn=OnlineCNN(policy, seed=0))
    asyncio.run(play_game(heldout_dir(), args.game, ExplorerAgent(0, learner), args.actions))
    assert learner.cnn is not None
    rows = learner.cnn.memory + learner.cnn.fresh
    cut = int(len(rows) * args.train_share)
    train, test = rows[:cut], rows[cut:]
    rate = float(np.mean([label for _, _, label in test]))
    constant = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate)) if 0 < rate < 1 else 0.0
    print(f"{args.game}: {len(rows)} transitions, tuned on {len(train)}, judged on {len(test)}")
    print(f"{'':24} {'accuracy':>9} {'log-loss':>9}")
    print(f"{'constant guess':24} {max(rate, 1 - rate):9.3f} {constant:9.3f}")
    accuracy, loss = OnlineCNN(policy, seed=1).judge(test)
    print(f"{'untuned':24} {accuracy:9.3f} {loss:9.3f}")
    for lr in (float(v) for v in args.lrs.split(",")):
        for passes in (int(v) for v in args.passes.split(",")):
            tuned = OnlineCNN(policy, lr=lr, seed=1)
            for _ in range(passes):
                for frame, action, label in train:
                    tuned.add(frame, action, label)
            accuracy, loss = tuned.judge(test)
            print(f"{f'lr {lr:g}, {passes} pass(es)':24} {accuracy:9.3f} {loss:9.3f}")


if __name__ == "__main__":
    main()
